"""``python -m jsv site`` and ``merge``: execute the runbook pages, run Sphinx, check what it wrote.

Check Docker, build the images, execute the pages the cache does not hold (:mod:`jsv.execution`), run
Sphinx, then check the output and every command line for generated secrets and remove every container
and network of the run, also when the build fails or is interrupted.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from jsv import settings
from jsv.build.images import build_images_with_states, preflight
from jsv.build.paths import ROOT, SECRETS_FILE
from jsv.errors import JsvError

if TYPE_CHECKING:
    from jsv.exec_watch import ExecWatch
    from jsv.execution.shard import Shard

# The exception line nbclient reports for a failed cell, e.g. "ClaimFailed: SU-01: ...".
_ONE_LINE = re.compile(r"^\s*(?:\w+\.)*(\w+(?:Error|Exception|Failed|Timeout|Unavailable)): (.+)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def sweep_and_report(run: str) -> None:
    """Remove what build ``run`` left (containers, networks, volumes), also of the runs its matrix pages
    started (:data:`jsv.labels.BUILD_LABEL`); say what was removed or is left."""
    from jsv.environments.resources import leftovers, sweep

    removed = sweep(build=run)
    if any(removed.values()):
        print(f"cleanup after run {run}: removed {removed}", flush=True)
    left = leftovers(build=run)
    if left:
        print(f"error: run {run} left {', '.join(left)}", file=sys.stderr)


def build_site(builddir: str, fresh: bool, extra: list[str], source: Path = ROOT) -> int:
    from jsv.docker_engine import client
    from jsv.exec_watch import ExecWatch
    from jsv.execution.plan import jobs_from_env
    from jsv.execution.progress import SerialProgress
    from jsv.execution.shard import SHARD_ENV, shard_from_env
    from jsv.labels import BUILD_ID_ENV, RUN_ID_ENV
    from jsv.leaks import LEAKS_FILE_ENV, SITE_SOURCE_ENV
    from jsv.pages import KEYS_FILE_ENV
    from jsv.redaction import SECRETS_FILE_ENV, RecordedRedactor

    started = time.monotonic()
    try:
        workers = jobs_from_env()
        shard_from_env()
    except ValueError as error:
        raise JsvError(str(error)) from None
    verbose = settings.VERBOSE.on()
    preflight()
    images = {name: state for name, (_tag, state) in build_images_with_states().items()}
    run = uuid.uuid4().hex[:12]
    env = {
        **os.environ,
        RUN_ID_ENV: run,
        BUILD_ID_ENV: run,
        SECRETS_FILE_ENV: str(SECRETS_FILE),
        LEAKS_FILE_ENV: str(leaks_file()),
        SITE_SOURCE_ENV: str(Path(source).resolve()),
        "TESTCONTAINERS_RYUK_DISABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }
    if fresh:
        SECRETS_FILE.unlink(missing_ok=True)
        leaks_file().unlink(missing_ok=True)
    # ipykernel copies fd-level output of a cell to the kernel's own stdout, which is ours
    redact_line = RecordedRedactor(SECRETS_FILE)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-n",
        "--keep-going",
        "-W",
        str(source),
        os.path.join(builddir, "html"),
        "-d",
        os.path.join(builddir, "doctrees"),
    ]
    config = _sphinx_config(source)
    shard = shard_from_env()
    if shard is not None and config.get("nb_execution_mode", "auto") != "cache":
        raise JsvError(f"{SHARD_ENV} needs nb_execution_mode = 'cache' in {source}/conf.py")
    pre_execute = (workers > 1 or shard is not None) and config.get("nb_execution_mode", "auto") == "cache"
    cache_path = _cache_path(config, builddir)
    if pre_execute:
        command += ["-D", f"nb_execution_cache_path={cache_path}"]
        env[KEYS_FILE_ENV] = str(Path(builddir).resolve() / "runbook-keys.json")
        if fresh:
            command += ["-E"]
    elif fresh:
        command += ["-E", "-D", "nb_execution_mode=force"]
    command += extra
    print(f"run {run}: {' '.join(command[2:])}", flush=True)
    outcomes: list = []
    watch = ExecWatch(client(), run)
    with watch:
        if pre_execute:
            code, outcomes = _pre_execute(
                source, cache_path, workers, env, config, fresh, run, redact_line, verbose, shard
            )
            if shard is not None:
                part = _write_shard(source, cache_path, shard, outcomes, Path(builddir) / "shards")
                print(
                    f"shard {shard.index}/{shard.count}: {len(outcomes)} page(s) written to {part}",
                    flush=True,
                )
                print(summary_of(images, outcomes, started, workers), flush=True)
                return code or _check_command_lines(watch)
            if code != 0:
                print(summary_of(images, outcomes, started, workers), flush=True)
                return code
        process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

        def forward(signum: int, frame: object) -> None:
            os.killpg(process.pid, signum)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
        last_error, crash_log = "", ""
        serial = SerialProgress(Path(source))
        try:
            for raw in process.stdout or ():
                line = redact_line(raw)
                progress = None if pre_execute else serial.translate(line)
                if progress and not verbose:
                    print(progress, flush=True)
                elif verbose or _worth_showing(line):
                    sys.stdout.write(line)
                if line.strip().startswith("/") and "sphinx-err-" in line:
                    crash_log = line.strip()
                match = _ONE_LINE.search(_ANSI.sub("", line))
                if match and not match.group(1).endswith("ExecutionError"):
                    last_error = f"{match.group(1)}: {match.group(2).strip()}"
            code = process.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            sweep_and_report(run)
    leaked = _report_leaks(source)
    if code != 0:
        reason = (
            last_error
            or redact_line(_error_from_crash_log(crash_log))
            or f"sphinx-build exited with {code}; see the output above"
        )
        print(f"error: site build failed: {reason}", file=sys.stderr)
        return code
    scanned = _scan_for_secrets(builddir) + _check_command_lines(watch)
    if not pre_execute:
        outcomes = serial.count_claims(Path(builddir) / "html" / "claims.json")
    print(summary_of(images, outcomes, started, workers), flush=True)
    return 1 if leaked or scanned else 0


VERBOSE_ENV = settings.VERBOSE.name
# Sphinx lines kept in the default output: problems, and what a reader of the log needs.
_SHOWN = re.compile(
    r"WARNING|ERROR|CRITICAL|Error|Exception|Traceback|build succeeded|build finished|«redacted:"
)


# ipykernel's warning at every kernel start (the kernel's ports are on loopback, per page).
_NOISE = re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption")


def _worth_showing(line: str) -> bool:
    return bool(_SHOWN.search(line)) and not _NOISE.search(line)


def _sphinx_config(source: Path) -> dict[str, object]:
    """The names ``source/conf.py`` defines (run as Sphinx runs it, from the source directory)."""
    import runpy

    conf = Path(source).resolve() / "conf.py"
    if not conf.is_file():
        return {}
    here = os.getcwd()
    try:
        os.chdir(conf.parent)
        return runpy.run_path(str(conf))
    finally:
        os.chdir(here)


def _cache_path(config: dict[str, object], builddir: str) -> Path:
    """Where MyST-NB keeps its execution cache: the configured path (relative to here) or the build's."""
    configured = config.get("nb_execution_cache_path") or ""
    return Path(str(configured) or os.path.join(builddir, ".jupyter_cache")).resolve()


def _pre_execute(
    source: Path,
    cache_path: Path,
    workers: int,
    env: dict[str, str],
    config: dict[str, object],
    fresh: bool,
    run: str,
    redact_line: Callable[[str], str],
    verbose: bool,
    shard: Shard | None = None,
) -> tuple[int, list]:
    """Execute the uncached runbook pages on ``workers`` processes before Sphinx reads them.

    Returns (exit code, page outcomes); on a failed page, prints its one-line reason and the page.
    """
    from jsv.execution.plan import runbook_jobs
    from jsv.execution.pool import execute_pages
    from jsv.pages import KEYS_FILE_ENV, write_keys

    def emit(line: str) -> None:
        print(redact_line(line.rstrip("\n") + "\n"), end="", flush=True)

    jobs = runbook_jobs(Path(source).resolve())
    write_keys(Path(env[KEYS_FILE_ENV]), {job.path: (job.text, job.key) for job in jobs})  # for Sphinx
    if shard is not None:
        jobs = _share_of(jobs, shard, source)
    print(f"executing runbooks: {len(jobs)} page(s), {workers} worker(s) ({VERBOSE_ENV}=1 shows all output)")
    timeout = int(str(config.get("nb_execution_timeout", 900) or 900))
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    outcomes: list = []
    try:
        execute_pages(jobs, cache_path, workers, env, timeout, fresh, emit, verbose, outcomes)
    except KeyboardInterrupt:
        print(f"interrupted: stopped every page of run {run}", file=sys.stderr, flush=True)
        return 130, outcomes
    finally:
        signal.signal(signal.SIGTERM, previous)
        sweep_and_report(run)
    failed = [o for o in outcomes if o.state == "failed"]
    for outcome in failed:
        print(f"error: site build failed: {redact_line(outcome.error)} ({outcome.docname})", file=sys.stderr)
    return (1 if failed else 0), outcomes


def _share_of(jobs: list, shard: Shard, source: Path) -> list:
    """This shard's pages, balanced by the page times of a previous ledger (``JSV_SHARD_TIMES``)."""
    from jsv.execution.shard import assign, recorded_times

    ledger = Path(settings.SHARD_TIMES.raw() or Path(source) / "_build" / "html" / "claims.json")
    shares = assign([job.docname for job in jobs], recorded_times(ledger), shard.count)
    mine = set(shares[shard.index - 1])
    return [job for job in jobs if job.docname in mine]


def _write_shard(source: Path, cache_path: Path, shard: Shard, outcomes: list, directory: Path) -> Path:
    """The executed notebooks of this shard's pages (from the cache) and its partial ledger."""
    from jupyter_cache import get_cache

    from jsv.execution.plan import runbook_jobs
    from jsv.execution.shard import write_part

    done = {o.docname: o for o in outcomes if o.state in ("executed", "cached")}
    cache = get_cache(str(cache_path))
    notebooks = {}
    for job in runbook_jobs(Path(source).resolve()):
        if job.docname in done:
            notebooks[job.docname] = cache.merge_match_into_notebook(job.notebook)[1]
    pages = {
        name: {"execution_seconds": round(o.seconds, 1), "claims": dict(o.claims), "state": o.state}
        for name, o in sorted(done.items())
    }
    failed = sorted(o.docname for o in outcomes if o.state not in ("executed", "cached"))
    return write_part(directory, shard, notebooks, {"pages": pages, "failed": failed})


def merge_shards(parts: list[Path], builddir: str, source: Path) -> int:
    """Put every shard's notebooks in one execution cache, then build the one site and ledger from it."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from jsv.execution.plan import runbook_jobs
    from jsv.execution.shard import merge_parts

    jobs = {job.docname: job for job in runbook_jobs(Path(source).resolve())}
    merged = merge_parts(parts, set(jobs))
    for line in merged.errors:
        print(f"error: merge: {line}", file=sys.stderr)
    if merged.errors:
        return 1
    cache = get_cache(str(_cache_path(_sphinx_config(source), builddir)))
    for docname, notebook_file in sorted(merged.notebooks.items()):
        notebook = nbformat.read(notebook_file, as_version=4)
        cache.cache_notebook_bundle(
            CacheBundleIn(notebook, str(jobs[docname].path)), check_validity=False, overwrite=True
        )
    print(f"merge: {len(merged.notebooks)} page(s) from {len(parts)} shard(s)", flush=True)
    previous = os.environ.pop(settings.SHARD.name, None)
    try:
        return build_site(builddir, False, [], source)
    finally:
        if previous is not None:
            os.environ[settings.SHARD.name] = previous


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def summary_of(images: dict[str, str], outcomes: list, started: float, workers: int) -> str:
    from jsv.execution.progress import summary_table

    return "summary:\n" + summary_table(images, outcomes, time.monotonic() - started, workers)


def leaks_file() -> Path:
    """Where the kernels record the secrets cells wrote below ``sys.stdout`` (beside the secrets)."""
    return SECRETS_FILE.with_name("leaks.txt")


def _report_leaks(source: Path) -> int:
    """One line per secret a cell of ``source`` wrote below ``sys.stdout`` (:func:`leaks_file`).

    The kernel redacted each of them; the build fails anyway, so the cell gets fixed.
    Returns the number of such leaks.
    """
    from jsv.leaks import pending_leaks

    leaks = pending_leaks(leaks_file(), source)
    for leak in leaks:
        print(leak.error_line(source), file=sys.stderr)
    return len(leaks)


def _scan_for_secrets(builddir: str) -> int:
    """Search everything under ``builddir`` for every value of :data:`SECRETS_FILE`: 1 on any hit.

    One line per hit names the file and the secret's label (:mod:`jsv.secret_scan`).
    """
    from jsv.redaction import recorded_labelled_secrets
    from jsv.secret_scan import scan_tree

    result = scan_tree(builddir, recorded_labelled_secrets(SECRETS_FILE))
    print(result.summary(), flush=True)
    for line in result.error_lines(builddir):
        print(line, file=sys.stderr)
    return 0 if result.clean else 1


def _check_command_lines(watch: ExecWatch) -> int:
    """1 if a secret of :data:`SECRETS_FILE` was on the command line of one of the build's execs."""
    from jsv.redaction import recorded_labelled_secrets

    exposed = watch.exposed(recorded_labelled_secrets(SECRETS_FILE))
    print(f"command lines: {watch.count} docker exec(s) checked, {len(exposed)} carried a secret", flush=True)
    for found in exposed:
        print(found.error_line(), file=sys.stderr)
    if not watch.complete:
        print(
            "error: the Docker engine's event stream ended during the build: command lines not all checked; "
            "run the build again",
            file=sys.stderr,
        )
    return 1 if exposed or not watch.complete else 0


def _error_from_crash_log(path: str) -> str:
    """The cell's exception line from the traceback file Sphinx saved, if any."""
    if not path or not os.path.isfile(path):
        return ""
    found = ""
    for line in Path(path).read_text(errors="replace").splitlines():
        match = _ONE_LINE.search(_ANSI.sub("", line))
        if match and not match.group(1).endswith("ExecutionError"):
            found = f"{match.group(1)}: {match.group(2).strip()}"
    return found
