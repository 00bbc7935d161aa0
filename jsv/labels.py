"""Labels on every Docker object the project creates, so a sweep can find them."""

from __future__ import annotations

import os
import uuid

PROJECT_LABEL = "org.jsv.project"
PROJECT_VALUE = "jupyter-security-verified"
RUN_LABEL = "org.jsv.run"
RUN_ID_ENV = "JSV_RUN_ID"

_local_run_id = uuid.uuid4().hex[:12]


def run_id() -> str:
    """The id of the current build run (set by ``python -m jsv site``), else one per process."""
    return os.environ.get(RUN_ID_ENV) or _local_run_id


def labels(**extra: str) -> dict[str, str]:
    """Labels for a new container, network or volume of this run."""
    return {PROJECT_LABEL: PROJECT_VALUE, RUN_LABEL: run_id(), **extra}


def project_filter(run: str | None = None) -> dict[str, list[str]]:
    """A Docker API ``filters`` value matching the project's objects (of one run, if given)."""
    wanted = [f"{PROJECT_LABEL}={PROJECT_VALUE}"]
    if run:
        wanted.append(f"{RUN_LABEL}={run}")
    return {"label": wanted}
