"""Build several environment images at once, each sibling only after the image whose layers it reuses.

Two kinds of layer are the same in several images, and the builder's cache
serves the second build only if the first has finished that layer:

* every Python image's download stage starts with the same ``apt-get install
  python3 python3-venv`` instruction: :func:`build_order` starts one Python
  image first and the images without Python next, so by the time the other
  Python images start, that layer is usually in the cache;
* a sibling (``sibling.yaml``) is built from its parent's Dockerfile, so every
  layer before the download stage's ``requirements.txt`` is the same
  instruction on the same parent layer, and so is its final stage's ``apt-get
  install``: it starts only after its parent has finished.

The number of builds at once is ``JSV_IMAGE_JOBS`` (default
:data:`DEFAULT_IMAGE_JOBS`): every build unpacks packages and compiles
bytecode, so on two cores a dozen builds at once only take turns.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from jsv import settings
from jsv.images.build import CONTAINERS_DIR
from jsv.images.sibling import sibling_of

IMAGE_JOBS_ENV = settings.IMAGE_JOBS.name
DEFAULT_IMAGE_JOBS = 4

T = TypeVar("T")


def image_jobs_from_env(environ: dict[str, str] | None = None) -> int:
    """The number of image builds at once (``JSV_IMAGE_JOBS``); a bad value raises ``ValueError``."""
    raw = settings.IMAGE_JOBS.raw(environ) if settings.IMAGE_JOBS.is_set(environ) else ""
    if not raw:
        return DEFAULT_IMAGE_JOBS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{IMAGE_JOBS_ENV}={raw!r}: give a whole number of image builds at once, 1 or more")
    return int(raw)


def layer_parent(name: str) -> str | None:
    """The environment whose image layers ``name``'s build reuses (a sibling's ``of``), or None."""
    sibling = sibling_of(CONTAINERS_DIR / name)
    return sibling.of if sibling else None


def has_download_stage(name: str) -> bool:
    """Whether ``name``'s image is built from a Dockerfile with the Python download stage (``AS fetch``)."""
    sibling = sibling_of(CONTAINERS_DIR / name)  # built from its parent's Dockerfile; an overlay has its own
    return " AS fetch" in (CONTAINERS_DIR / (sibling.of if sibling else name) / "Dockerfile").read_text()


def build_order(names: list[str], python: Callable[[str], bool] = has_download_stage) -> list[str]:
    """``names`` with one Python image first, then those without Python, then the other Python images."""
    with_python = [name for name in names if python(name)]
    return with_python[:1] + [name for name in names if not python(name)] + with_python[1:]


def build_in_order(
    names: list[str],
    build_one: Callable[[str], T],
    workers: int,
    parent_of: Callable[[str], str | None] = layer_parent,
) -> dict[str, T]:
    """``build_one(name)`` for every name, ``workers`` at a time; a child after its parent (if asked).

    The first failure is raised once the builds already running have ended; nothing new starts after it.
    """
    waiting = {name: parent for name in names if (parent := parent_of(name)) in names and parent != name}
    results: dict[str, T] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="jsv-image") as pool:
        running: dict[Future[T], str] = {
            pool.submit(build_one, name): name for name in names if name not in waiting
        }
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    name = running.pop(future)
                    results[name] = future.result()
                    for child in [c for c, parent in waiting.items() if parent == name]:
                        del waiting[child]
                        running[pool.submit(build_one, child)] = child
        except BaseException:
            for future in running:
                future.cancel()
            raise
    return {name: results[name] for name in names}
