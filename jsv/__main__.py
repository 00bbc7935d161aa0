"""Command line: ``python -m jsv {preflight,images,site,page,claims,sweep,clean,audit}``.

``site`` is what ``nox -s docs`` runs: check Docker, build the images, run
Sphinx (which executes the runbooks), and remove every container and network
of the run afterwards, also when the build fails or is interrupted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from jsv.errors import JsvError

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = ROOT / ".jsv"
SECRETS_FILE = STATE_DIR / "secrets" / "generated.txt"
# The exception line nbclient reports for a failed cell, e.g. "ClaimFailed: SU-01: ...".
_ONE_LINE = re.compile(r"^\s*(?:\w+\.)*(\w+(?:Error|Exception|Failed|Timeout|Unavailable)): (.+)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def preflight() -> None:
    from jsv.docker_engine import client

    client()


def build_images() -> dict[str, str]:
    """Build every missing environment image; independent images build concurrently."""
    from concurrent.futures import ThreadPoolExecutor

    from jsv.images import ensure_base_image
    from jsv.images.build import ensure_image, environment_names

    ensure_base_image()
    names = environment_names()
    with ThreadPoolExecutor(max_workers=len(names) or 1) as pool:
        tags = dict(zip(names, pool.map(ensure_image, names), strict=True))
    for name, tag in tags.items():
        print(f"image {name}: {tag}", flush=True)
    return tags


def build_site(builddir: str, fresh: bool, extra: list[str], source: Path = ROOT) -> int:
    from jsv.environments.resources import leftovers, sweep
    from jsv.labels import RUN_ID_ENV
    from jsv.leaks import LEAKS_FILE_ENV, SITE_SOURCE_ENV
    from jsv.redaction import SECRETS_FILE_ENV, RecordedRedactor

    preflight()
    build_images()
    run = uuid.uuid4().hex[:12]
    env = {
        **os.environ,
        RUN_ID_ENV: run,
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
    if fresh:
        command += ["-E", "-D", "nb_execution_mode=force"]
    command += extra
    print(f"run {run}: {' '.join(command[2:])}", flush=True)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )

    def forward(signum: int, frame: object) -> None:
        os.killpg(process.pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    last_error, crash_log = "", ""
    try:
        for raw in process.stdout:
            line = redact_line(raw)
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
        removed = sweep(run)
        if any(removed.values()):
            print(f"cleanup after run {run}: removed {removed}", flush=True)
        left = leftovers(run)
        if left:
            print(f"error: run {run} left {', '.join(left)}", file=sys.stderr)
    leaked = _report_leaks(source)
    if code != 0:
        reason = (
            last_error
            or redact_line(_error_from_crash_log(crash_log))
            or f"sphinx-build exited with {code}; see the output above"
        )
        print(f"error: site build failed: {reason}", file=sys.stderr)
        return code
    scanned = _scan_for_secrets(builddir)
    return 1 if leaked or scanned else 0


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


def clean(builddir: str) -> None:
    from jsv.docker_engine import client
    from jsv.environments.resources import sweep
    from jsv.labels import project_filter

    removed = sweep()
    engine = client()
    images = engine.images.list(filters=project_filter())
    for image in sorted(images, key=lambda i: -len(i.tags)):
        for tag in image.tags or [image.id]:
            try:
                engine.images.remove(tag, force=True)
            except Exception:  # already gone with another tag
                pass
    for tag in ("jsv/base:trixie",):
        try:
            engine.images.remove(tag, force=True)
        except Exception:
            pass
    engine.images.prune(filters={"dangling": True, "label": project_filter()["label"]})
    shutil.rmtree(builddir, ignore_errors=True)
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    print(f"removed {removed} and {len(images)} image(s); deleted {builddir} and {STATE_DIR}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["audit"]:  # its own parser: needs neither Docker nor the source tree
        from jsv.audit.cli import main as audit_main

        return audit_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m jsv", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("preflight", help="check that a Docker engine answers")
    sub.add_parser("images", help="build every environment image that is missing")
    site = sub.add_parser("site", help="build images, execute runbooks, build HTML")
    site.add_argument("--fresh", action="store_true", help="re-execute every runbook, no cache")
    site.add_argument("--builddir", default="_build")
    site.add_argument("--source", default=str(ROOT), help="Sphinx source dir (tests use fixtures)")
    site.add_argument("sphinx_args", nargs="*")
    page_cmd = sub.add_parser("page", help="execute one runbook page and summarise its claims")
    page_cmd.add_argument("path", help="runbooks/<area>/<page>.md")
    sub.add_parser("claims", help="list the claim registry (validates every claims file)")
    sweep_cmd = sub.add_parser("sweep", help="remove containers/networks/volumes by label")
    sweep_cmd.add_argument("--run", default=None, help="only those of one run id")
    clean_cmd = sub.add_parser("clean", help="sweep, remove project images and build output")
    clean_cmd.add_argument("--builddir", default="_build")
    args = parser.parse_args(argv)
    try:
        if args.command == "preflight":
            preflight()
            print("Docker engine: ok")
        elif args.command == "images":
            preflight()
            build_images()
        elif args.command == "site":
            return build_site(args.builddir, args.fresh, args.sphinx_args, Path(args.source))
        elif args.command == "page":
            from jsv.page_runner import run_page, summary

            preflight()
            build_images()
            run = run_page(Path(args.path).resolve())
            print(summary(run))
            return 1 if run.error or any(r.status == "failed" for r in run.records) else 0
        elif args.command == "claims":
            from jsv.claims.registry import load_registry

            registry = load_registry(ROOT)
            for claim_id, claim in sorted(registry.claims.items()):
                print(f"{claim_id}\t{claim.severity}\t{claim.fix.place}\t{claim.title}")
            print(f"{len(registry.claims)} claims in {len(set(registry.pages.values()))} pages")
        elif args.command == "sweep":
            from jsv.environments.resources import sweep

            print(f"removed {sweep(args.run)}")
        elif args.command == "clean":
            clean(args.builddir)
    except JsvError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
