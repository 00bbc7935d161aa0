"""Benchmark of the site build: ``nox -s bench`` (on demand, never in CI).

Cases, each a ``python -m jsv site`` run timed from outside:

* ``warm``      nothing changed since the last build;
* ``runbook``   one runbook's code edited (a comment cell appended, then restored);
* ``dockerfile`` one Dockerfile edited (a comment appended, then restored): its image
  is rebuilt and the pages using it re-execute;
* ``cold``      only with ``--cold``: the project's images and the build's cache are
  removed first.  Other people's builds on the same Docker engine need those images:
  run it only on a machine of your own.

Writes the figures to ``_build/bench.json`` (``--out``) and a table to the terminal.
Figures on a shared machine are noisy: compare runs made on the same idle machine.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PAGES = re.compile(r"^\s*pages\s+(\d+) executed, (\d+) cached, (\d+) failed", re.MULTILINE)
_IMAGES = re.compile(r"^images: (\d+) built, (\d+) cached", re.MULTILINE)
_RUN = re.compile(r"^run ([0-9a-f]+):", re.MULTILINE)


@dataclass(frozen=True)
class Figure:
    case: str
    seconds: float
    exit_code: int
    images_built: int
    pages_executed: int
    pages_cached: int
    pages_failed: int
    containers_started: int


class ContainerCreations:
    """The project's container creations while a build runs, from docker's live event stream.

    Asking for past events afterwards (``since``/``until``) misses most of a cold build's:
    the engine replays only its last few hundred events.
    """

    def __init__(self) -> None:
        from jsv.docker_engine import client
        from jsv.labels import BUILD_LABEL

        self._label = BUILD_LABEL  # also the runs a matrix page starts
        self._builds: list[str] = []
        self._stream = client().events(
            decode=True, filters={"type": "container", "event": "create", "label": BUILD_LABEL}
        )
        self._reader = threading.Thread(target=self._read, name="jsv-bench-events", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for event in self._stream:
                self._builds.append((event.get("Actor", {}).get("Attributes", {}) or {}).get(self._label, ""))
        except Exception:  # the stream closed under the reader: the count is complete
            return

    def of_run(self, run: str | None) -> int:
        """Stop listening; how many containers build ``run`` created (-1: the build printed no run id)."""
        self._stream.close()
        self._reader.join(timeout=10)
        return -1 if run is None else sum(1 for seen in self._builds if seen == run)


def measure(case: str, extra_env: dict[str, str] | None = None) -> Figure:
    import os

    creations = ContainerCreations()
    started = time.monotonic()
    print(f"[{case}] python -m jsv site", flush=True)
    build = subprocess.Popen(
        [sys.executable, "-m", "jsv", "site"],
        cwd=ROOT,
        env={**os.environ, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in build.stdout or ():  # the build's own progress lines, as they come
        lines.append(line)
        print(f"[{case}] {line}", end="", flush=True)
    code = build.wait()
    seconds = time.monotonic() - started
    output = "".join(lines)
    pages = _PAGES.search(output)
    images = _IMAGES.search(output)
    run = _RUN.search(output)
    containers = creations.of_run(run.group(1) if run else None)
    print(f"[{case}] {seconds:.1f} s, exit {code}", flush=True)
    return Figure(
        case,
        round(seconds, 1),
        code,
        int(images.group(1)) if images else -1,
        int(pages.group(1)) if pages else -1,
        int(pages.group(2)) if pages else -1,
        int(pages.group(3)) if pages else -1,
        containers,
    )


@contextmanager
def edited(path: Path, addition: str) -> Iterator[None]:
    """``path`` with ``addition`` appended for the duration; restored byte for byte afterwards."""
    original = path.read_bytes()
    try:
        path.write_bytes(original + addition.encode())
        yield
    finally:
        path.write_bytes(original)


def remove_project_images() -> None:
    """Remove the project's images and the execution cache (containers of running builds are left alone)."""
    from jsv.docker_engine import client
    from jsv.labels import project_filter

    engine = client()
    for image in engine.images.list(filters=project_filter()):
        for tag in image.tags or [str(image.id)]:
            engine.images.remove(tag, force=True)
    for tag in ("jsv/base:trixie",):
        if engine.images.list(name=tag):
            engine.images.remove(tag, force=True)
    shutil.rmtree(ROOT / "_build", ignore_errors=True)


def table(figures: list[Figure]) -> str:
    head = ("case", "seconds", "exit", "images built", "pages run", "cached", "failed", "containers")
    rows = [head] + [
        (
            f.case,
            f"{f.seconds:.1f}",
            str(f.exit_code),
            str(f.images_built),
            str(f.pages_executed),
            str(f.pages_cached),
            str(f.pages_failed),
            str(f.containers_started),
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cold", action="store_true", help="remove the project's images first (own machine only)"
    )
    parser.add_argument("--cases", default="warm,runbook,dockerfile", help="comma-separated, in order")
    parser.add_argument("--page", default="runbooks/notebook-trust/trust.md", help="runbook to edit")
    parser.add_argument("--image", default="ldap", help="environment whose Dockerfile to edit")
    parser.add_argument("--out", default=str(ROOT / "_build" / "bench.json"))
    args = parser.parse_args(argv)
    cases = [c for c in args.cases.split(",") if c]
    figures: list[Figure] = []
    if args.cold:
        removing = time.monotonic()
        print("[cold] removing the project's images and the build cache", flush=True)
        remove_project_images()
        print(f"[cold] removed in {time.monotonic() - removing:.0f} s", flush=True)
        figures.append(measure("cold"))
    else:
        figures.append(measure("prepare"))  # brings the cache up to date, so "warm" is warm
    for case in cases:
        if case == "warm":
            figures.append(measure("warm"))
        elif case == "runbook":
            with edited(ROOT / args.page, "\n```{code-cell} ipython3\n# bench: edited runbook\n```\n"):
                figures.append(measure(f"runbook ({args.page})"))
        elif case == "dockerfile":
            with edited(ROOT / "containers" / args.image / "Dockerfile", "\n# bench: edited Dockerfile\n"):
                figures.append(measure(f"dockerfile ({args.image})"))
        else:
            print(f"error: unknown case {case!r}: use warm, runbook, dockerfile", file=sys.stderr)
            return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(f) for f in figures], indent=2) + "\n", encoding="utf-8")
    print(table(figures))
    print(f"figures written to {out}")
    return 0 if all(f.exit_code == 0 for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
