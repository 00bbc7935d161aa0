"""Sessions: ``docs`` builds the site, ``tests`` proves it, ``lint`` keeps it tidy.

Every session installs the package with the pinned ``constraints.txt``.  The bare package is
``jsv audit`` alone; ``[lab]`` adds Docker and testcontainers, ``[site]`` the lab and Sphinx.
"""

import os
import tempfile

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"

PYTHON = None  # the interpreter nox runs with (3.11+)


def install(session: nox.Session, extras: str) -> None:
    session.install("-c", "constraints.txt", "-e", f".[{extras}]")
    if "test" in extras.split(","):
        # The pages run here as under `nox -s docs`, whose environment lacks rfc3987-syntax. It comes only
        # with the test tools (pytest-notebook -> nbdime -> jupyter_server -> jupyter-events'
        # jsonschema[format-nongpl]), no test checks the IRI formats it serves, and while it is installed
        # every process that imports jsonschema (each page's worker and kernel, Sphinx, pytest) builds its
        # 38 parsers first: `import jsv.claims.registry` took 2.1 s of processor time, 0.19 s without it.
        session.run("python", "-m", "pip", "uninstall", "--yes", "--quiet", "rfc3987-syntax")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build images, execute the runbooks (cached), build the HTML into _build/html."""
    install(session, "site")
    session.run("python", "-m", "jsv", "site", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit tests, a fresh uncached execution of every runbook, then checks of the site."""
    install(session, "site,test")
    session.run("pytest", "tests/unit", *session.posargs)
    session.run("python", "-m", "jsv", "site", "--fresh")
    # Two pytest workers (pytest-xdist): alone, these tests kept the two cores 43 % busy (mostly waiting
    # for containers to start). One file per worker at a time, so a module's fixture (the browser's
    # container) starts once. The slowest tests are named at the end.
    session.run(
        "pytest",
        "tests/site",
        "tests/integration",
        "--numprocesses=2",
        "--dist=loadfile",
        "--durations=10",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and format check; mypy on the package; pyflakes checks on the runbooks' code cells."""
    install(session, "site,lint")  # mypy reads the package's dependencies' types
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    # outside the tree: ruff skips .nox/ and _build/ even when they are named on the command line
    with tempfile.TemporaryDirectory(prefix="jsv-runbook-code-") as cells:
        session.run("python", "bin/runbook-code", cells)
        session.run("ruff", "check", "--no-cache", "--select", "F", "--output-format", "concise", cells)


@nox.session(python=PYTHON)
def clean(session: nox.Session) -> None:
    """Remove every container, network, volume and image the project made, and _build."""
    install(session, "lab")  # the bare install is the audit alone (issue 35); clean needs Docker
    session.run("python", "-m", "jsv", "clean")


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Time warm / one runbook edited / one Dockerfile edited builds (``-- --cold``: images removed first)."""
    install(session, "site")
    session.run("python", "-m", "jsv.bench", *session.posargs)


@nox.session(python=PYTHON, default=False)
def latest(session: nox.Session) -> None:
    """Drift check: images with the newest PyPI releases, every page, compared with the pinned ledger."""
    pinned = "_build/html/claims.json"
    if not os.path.isfile(pinned):
        session.error(f"no pinned ledger at {pinned}: run make docs first")
    install(session, "site,test")  # test: pytest-notebook compares the executed pages
    session.env.update({"JSV_PINS": "latest", "JSV_RECORD_FAILURES": "1"})
    session.run("python", "-m", "jsv", "site", "--fresh", "--builddir", "_build/latest")
    session.run("python", "-m", "jsv.drift", pinned, "_build/latest/html/claims.json", success_codes=[0, 1])
