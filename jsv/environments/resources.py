"""Track, clean up and sweep every container and network the project creates.

testcontainers' reaper (Ryuk) cannot be pulled without a registry, so cleanup
is ours: objects are labelled (:mod:`jsv.labels`), tracked while alive,
removed by ``with`` blocks, at interpreter exit and on SIGTERM, and a label
sweep (``python -m jsv sweep``) catches anything a killed process left.
"""

from __future__ import annotations

import atexit
import signal
import sys
import threading
from typing import Any, Protocol

import docker.errors

from jsv.docker_engine import client
from jsv.labels import project_filter


class Removable(Protocol):
    def remove_now(self) -> None: ...


_alive: list[Removable] = []
_lock = threading.Lock()
_installed = False


def track(resource: Removable) -> None:
    """Remember ``resource`` so :func:`cleanup_all` removes it if nobody else does."""
    _install_handlers()
    with _lock:
        _alive.append(resource)


def untrack(resource: Removable) -> None:
    with _lock:
        if resource in _alive:
            _alive.remove(resource)


def alive() -> list[Removable]:
    with _lock:
        return list(_alive)


def cleanup_all() -> None:
    """Remove every tracked resource, newest first (containers before their network)."""
    for resource in reversed(alive()):
        try:
            resource.remove_now()
        except Exception as exc:  # keep going: one failure must not leak the rest
            print(f"jsv: cleanup of {resource!r} failed: {exc}", file=sys.stderr)
        untrack(resource)


def _on_signal(signum: int, frame: Any) -> None:
    cleanup_all()
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)


def _install_handlers() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(cleanup_all)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGHUP, _on_signal)


def sweep(run: str | None = None, *, build: str | None = None) -> dict[str, int]:
    """Remove the project's containers, networks and volumes (of one run or build, if given)."""
    engine = client()
    filters = project_filter(run, build=build)
    removed = {"containers": 0, "networks": 0, "volumes": 0}
    for container in engine.containers.list(all=True, filters=filters, ignore_removed=True):
        if remove_container(container):
            removed["containers"] += 1
    for network in engine.networks.list(filters=filters):
        try:
            network.remove()
            removed["networks"] += 1
        except docker.errors.NotFound:
            pass
    for volume in engine.volumes.list(filters=filters):
        try:
            volume.remove(force=True)
            removed["volumes"] += 1
        except docker.errors.NotFound:
            pass
    return removed


def remove_container(container: Any, wait: float = 60) -> bool:
    """Force-remove ``container``; False if it was already gone or another remover had it.

    A page's own clean-up and a sweep can reach one container together: the engine then answers the
    second with 409 ("removal ... is already in progress"). That is not a failure of the sweep, but the
    container's network can only go once the container is gone, so wait for the other removal to end.
    """
    try:
        container.remove(force=True, v=True)
        return True
    except docker.errors.NotFound:
        return False
    except docker.errors.APIError as exc:
        if exc.status_code != 409:
            raise
    try:
        container.wait(condition="removed", timeout=wait)
    except docker.errors.NotFound:
        pass
    return False


def leftovers(run: str | None = None, *, build: str | None = None) -> list[str]:
    """Names of the project's containers, networks and volumes still present (of one run or build)."""
    engine = client()
    filters = project_filter(run, build=build)
    listed = engine.containers.list(all=True, filters=filters, ignore_removed=True)
    names = [f"container {c.name}" for c in listed]
    names += [f"network {n.name}" for n in engine.networks.list(filters=filters)]
    names += [f"volume {v.name}" for v in engine.volumes.list(filters=filters)]
    return names
