"""One place that connects to the Docker engine and says clearly when it cannot."""

from __future__ import annotations

import functools
import os

import docker

from jsv.errors import DockerUnavailable

# testcontainers' reaper image cannot be pulled without a registry; we clean up ourselves.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")


@functools.cache
def client() -> docker.DockerClient:
    """A connected Docker client, or :class:`DockerUnavailable` with what to do."""
    where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        engine = docker.from_env(timeout=120)
        engine.ping()
    except Exception as exc:  # the SDK raises several unrelated types here
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise DockerUnavailable(
            f"no Docker engine answered at {where} ({reason}); start it "
            "(e.g. `sudo systemctl start docker`) or set DOCKER_HOST"
        ) from None
    return engine
