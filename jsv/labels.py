"""Labels on every Docker object the project creates, so a sweep can find them."""

from __future__ import annotations

import uuid

from jsv import settings

PROJECT_LABEL = "org.jsv.project"
PROJECT_VALUE = "jupyter-security-verified"
RUN_LABEL = "org.jsv.run"
RUN_ID_ENV = settings.RUN_ID.name
BUILD_LABEL = "org.jsv.build"
BUILD_ID_ENV = settings.BUILD_ID.name
"""The site build a run belongs to: a matrix page runs other pages as runs of their own (each swept when
it ends), and an interrupted build sweeps everything of its build, those nested runs included."""

_local_run_id = uuid.uuid4().hex[:12]


def run_id() -> str:
    """The id of the current build run (set by ``python -m jsv site``), else one per process."""
    return settings.RUN_ID.raw() or _local_run_id


def build_id() -> str:
    """The id of the site build this run is part of (``BUILD_ID_ENV``), else the run's own."""
    return settings.BUILD_ID.raw() or run_id()


def labels(**extra: str) -> dict[str, str]:
    """Labels for a new container, network or volume of this run."""
    return {PROJECT_LABEL: PROJECT_VALUE, RUN_LABEL: run_id(), BUILD_LABEL: build_id(), **extra}


def project_filter(run: str | None = None, *, build: str | None = None) -> dict[str, str | list[str] | bool]:
    """A Docker API ``filters`` value matching the project's objects (of one run or build, if given)."""
    wanted = [f"{PROJECT_LABEL}={PROJECT_VALUE}"]
    if run:
        wanted.append(f"{RUN_LABEL}={run}")
    if build:
        wanted.append(f"{BUILD_LABEL}={build}")
    return {"label": wanted}
