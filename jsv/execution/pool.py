"""Run the uncached runbook pages in a pool of worker processes, then store each result in the cache.

Each page runs in its own process (:mod:`jsv.execution.worker`) with its own kernel,
temporary directory and ``Lab`` network.  Only this process writes the jupyter-cache
database, one page at a time as the pages finish, so no entry is half written and no
two writers meet; a page that failed is not stored (Sphinx then reports it).  Images
are built before any page starts (:func:`jsv.build.images.build_images`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from threading import Event, Lock

import nbformat

from jsv.execution.plan import PageJob
from jsv.execution.progress import PageOutcome, claim_statuses

_TAIL_LINES = 20  # of a worker's output, shown when it died without a result
_STOP_GRACE = 60.0  # seconds a worker gets to shut its kernel down after SIGTERM


class _Workers:
    """The live worker processes, so an interrupt can stop every one of them."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._live: set[subprocess.Popen[str]] = set()
        self.stopping = Event()

    def add(self, process: subprocess.Popen[str]) -> None:
        with self._lock:
            self._live.add(process)
        if self.stopping.is_set():
            self.stop()

    def discard(self, process: subprocess.Popen[str]) -> None:
        with self._lock:
            self._live.discard(process)

    def stop(self) -> None:
        """SIGTERM every worker's process group, wait for them, SIGKILL what is left."""
        self.stopping.set()
        with self._lock:
            live = list(self._live)
        for process in live:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE
        for process in live:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()


def _signal_group(process: subprocess.Popen[str], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def cached_outcome(cache: object, job: PageJob) -> PageOutcome | None:
    """The cached result of ``job``'s notebook, if the cache has one."""
    try:
        _pk, merged = cache.merge_match_into_notebook(job.notebook)  # type: ignore[attr-defined]
    except KeyError:
        return None
    return PageOutcome(job.docname, "cached", claims=claim_statuses(merged))


def recorded_seconds(cache: object) -> dict[str, float]:
    """Each page's last recorded execution time in the cache (by page path)."""
    found: dict[str, tuple[object, float]] = {}
    for record in cache.list_cache_records():  # type: ignore[attr-defined]
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None and (record.uri not in found or record.created > found[record.uri][0]):
            found[record.uri] = (record.created, float(seconds))
    return {uri: seconds for uri, (_created, seconds) in found.items()}


def order_key(times: dict[str, float]) -> Callable[[PageJob], tuple[int, float]]:
    """Longest first: pages no run has timed (by their expected claim records), then by recorded time."""

    def key(job: PageJob) -> tuple[int, float]:
        seconds = times.get(str(job.path))
        return (0, -job.expected_records) if seconds is None else (1, -seconds)

    return key


def execute_pages(
    jobs: list[PageJob],
    cache_path: Path,
    workers: int,
    env: dict[str, str],
    timeout: int,
    fresh: bool,
    emit: Callable[[str], None],
    verbose: bool = False,
    outcomes: list[PageOutcome] | None = None,
) -> list[PageOutcome]:
    """Execute what is not cached (everything when ``fresh``) on ``workers`` processes; store results.

    Outcomes are appended to ``outcomes`` (a new list if not given) as pages finish, so a caller
    still has those of the finished pages when an interrupt ends the run.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_path))
    outcomes = [] if outcomes is None else outcomes
    todo: list[PageJob] = []
    for job in jobs:
        found = None if fresh else cached_outcome(cache, job)
        if found is None:
            todo.append(job)
        else:
            outcomes.append(found)
            emit(found.line())
    todo.sort(key=order_key(recorded_seconds(cache)))
    live = _Workers()
    with tempfile.TemporaryDirectory(prefix="jsv-exec-") as scratch:

        def run(job: PageJob, index: int) -> tuple[PageJob, PageOutcome, nbformat.NotebookNode | None]:
            return _run_one(job, Path(scratch) / f"{index:03d}", env, timeout, live, emit, verbose)

        pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="jsv-page")
        futures: set[Future[tuple[PageJob, PageOutcome, nbformat.NotebookNode | None]]] = set()
        signalled = _remember_interrupts()
        try:
            futures = {pool.submit(run, job, i) for i, job in enumerate(todo)}
            pending = set(futures)
            while pending:
                if signalled.is_set():  # the KeyboardInterrupt was raised in code that swallowed it
                    raise KeyboardInterrupt("interrupted")
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    job, outcome, executed = future.result()
                    if executed is not None:  # stored here, in this thread only: one writer
                        cache.cache_notebook_bundle(
                            CacheBundleIn(
                                executed, str(job.path), data={"execution_seconds": outcome.seconds}
                            ),
                            check_validity=False,
                            overwrite=True,
                        )
                    outcomes.append(outcome)
                    emit(outcome.line())
        except BaseException:
            live.stopping.set()
            for future in futures:
                future.cancel()
            live.stop()
            raise
        finally:
            signalled.restore()
            pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


class _Interrupts(Event):
    """Set by SIGINT or SIGTERM while pages run; :meth:`restore` puts the previous handlers back."""

    def __init__(self) -> None:
        super().__init__()
        self.previous: dict[int, object] = {}

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


def _remember_interrupts() -> _Interrupts:
    """Handlers that record the signal, then raise KeyboardInterrupt as before.

    A Ctrl-C that arrived while this thread was storing a finished page once got lost (the build went
    on with the holding page; seen in CI under load): the raise can land in library code that swallows
    it, while the record stays, and the wait loop checks it every half second.
    """
    interrupts = _Interrupts()
    if threading.current_thread() is not threading.main_thread():
        return interrupts

    def record(signum: int, frame: object) -> None:
        interrupts.set()
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM):
        interrupts.previous[signum] = signal.signal(signum, record)
    return interrupts


def _run_one(
    job: PageJob,
    out_dir: Path,
    env: dict[str, str],
    timeout: int,
    live: _Workers,
    emit: Callable[[str], None],
    verbose: bool,
) -> tuple[PageJob, PageOutcome, nbformat.NotebookNode | None]:
    out_dir.mkdir(parents=True)
    notebook_in = out_dir / "input.ipynb"
    nbformat.write(job.notebook, notebook_in)
    emit(f"page {job.docname}: started")
    started = time.monotonic()
    command = [
        sys.executable,
        "-m",
        "jsv.execution.worker",
        str(notebook_in),
        str(out_dir),
        str(job.path.parent),
    ]
    process = subprocess.Popen(
        [*command, str(timeout), str(job.path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    live.add(process)
    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    try:
        # the kernel's copy of fd-level cell output arrives here: it goes through ``emit``, which redacts
        for line in process.stdout or ():
            tail.append(line)
            if verbose:
                emit(f"[{job.docname}] {line}")
        code = process.wait()
    finally:
        live.discard(process)
    seconds = time.monotonic() - started
    result_file = out_dir / "result.json"
    if not result_file.is_file():
        state = "interrupted" if live.stopping.is_set() else "failed"
        if state == "failed" and not verbose:
            for line in tail:
                emit(f"[{job.docname}] {line}")
        return job, PageOutcome(job.docname, state, seconds, error=f"worker exited with {code}"), None
    result = json.loads(result_file.read_text(encoding="utf-8"))
    if result["error"]:
        state = "interrupted" if live.stopping.is_set() else "failed"
        return job, PageOutcome(job.docname, state, seconds, error=result["error"]), None
    executed = nbformat.read(out_dir / "executed.ipynb", as_version=4)
    return job, PageOutcome(job.docname, "executed", result["seconds"], claim_statuses(executed)), executed
