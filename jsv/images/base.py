"""The one base image every environment builds on: Debian trixie.

Two ways to get it, chosen by ``JSV_BASE`` (``auto`` by default):

* ``pull``      - ``docker pull debian:trixie-slim`` from a registry;
* ``bootstrap`` - ``debootstrap --variant=minbase trixie`` (or ``mmdebstrap``)
  on the host, given the slim image's container settings
  (:mod:`jsv.images.container_rootfs`), then ``docker import``: works with no
  registry at all;
* ``auto``      - pull, and bootstrap if the registry does not answer.

Either way the result is tagged ``jsv/base:trixie``; environment tags hash its
image id, so changing the base rebuilds every environment image.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docker.errors

from jsv import settings
from jsv.docker_engine import client
from jsv.errors import BaseImageUnavailable, last_lines
from jsv.images.container_rootfs import make_container_rootfs, recipe
from jsv.labels import PROJECT_LABEL, PROJECT_VALUE

BASE_IMAGE = "jsv/base:trixie"
UPSTREAM_IMAGE = ("debian", "trixie-slim")
SUITE = "trixie"
SOURCE_ENV = settings.BASE.name
RECIPE_LABEL = "org.jsv.base-recipe"
"""On a bootstrapped base: the :func:`jsv.images.container_rootfs.recipe` it was made with."""


def base_source() -> str:
    """The configured way to obtain the base image: ``auto``, ``pull`` or ``bootstrap``."""
    source = settings.BASE.raw().lower()
    if source not in {"auto", "pull", "bootstrap"}:
        raise BaseImageUnavailable(f"{SOURCE_ENV}={source!r} is not one of auto, pull, bootstrap")
    return source


def _quiet(_line: str) -> None:
    pass


def ensure_base_image(report: Callable[[str], None] = _quiet) -> str:
    """Return the id of ``jsv/base:trixie``, pulling or bootstrapping it if absent.

    ``report`` gets a line when the base has to be obtained and one when it is ready (with seconds).
    """
    engine = client()
    started = time.monotonic()
    try:
        present = engine.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        present = None
    if present is not None:
        if not _stale_bootstrap(present.labels or {}):
            return str(present.id)
        report(f"base {BASE_IMAGE}: bootstrapped with other container settings than now; obtaining it again")
    source = base_source()
    pull_error = ""
    if source in {"auto", "pull"}:
        report(f"base {BASE_IMAGE}: pulling {':'.join(UPSTREAM_IMAGE)} ({SOURCE_ENV}={source})")
        try:
            image = engine.images.pull(*UPSTREAM_IMAGE)
            image.tag(BASE_IMAGE)
            report(f"base {BASE_IMAGE}: pulled in {time.monotonic() - started:.0f} s")
            return str(image.id)
        except docker.errors.APIError as exc:
            pull_error = str(exc).splitlines()[0][:160]
            if source == "pull":
                raise BaseImageUnavailable(
                    f"pulling {':'.join(UPSTREAM_IMAGE)} failed ({pull_error}); "
                    f"check the registry, or set {SOURCE_ENV}=bootstrap to build the base locally"
                ) from None
    report(f"base {BASE_IMAGE}: bootstrapping Debian {SUITE} from its archive (no registry image)")
    image_id = _bootstrap(pull_error)
    report(f"base {BASE_IMAGE}: bootstrapped in {time.monotonic() - started:.0f} s")
    return image_id


def _stale_bootstrap(image_labels: dict[str, str]) -> bool:
    """A base this project bootstrapped (pulled ones carry no project label) with other settings than now."""
    return PROJECT_LABEL in image_labels and image_labels.get(RECIPE_LABEL) != recipe()


def _bootstrap(pull_error: str) -> str:
    tool = shutil.which("mmdebstrap") or shutil.which("debootstrap")
    why = f"no registry answered ({pull_error}) and " if pull_error else ""
    if tool is None:
        raise BaseImageUnavailable(
            f"{why}neither debootstrap nor mmdebstrap is installed: "
            "install one (`sudo apt-get install debootstrap`) or set JSV_BASE=pull with a registry"
        )
    if os.path.basename(tool) == "debootstrap" and os.geteuid() != 0:
        raise BaseImageUnavailable(
            f"{why}debootstrap needs root: run as root, install mmdebstrap, or use a registry"
        )
    with tempfile.TemporaryDirectory(prefix="jsv-rootfs-") as tmp:
        rootfs = os.path.join(tmp, "rootfs")
        command = [tool, "--variant=minbase", SUITE, rootfs]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BaseImageUnavailable(
                f"`{' '.join(command)}` failed (exit {done.returncode}): "
                f"{last_lines(done.stdout + done.stderr, 3)}"
            )
        archives = os.path.join(rootfs, "var/cache/apt/archives")
        for name in os.listdir(archives) if os.path.isdir(archives) else []:
            if name.endswith(".deb"):
                os.unlink(os.path.join(archives, name))
        make_container_rootfs(Path(rootfs))
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            [
                "docker",
                "import",
                "--change",
                f"LABEL {PROJECT_LABEL}={PROJECT_VALUE} {RECIPE_LABEL}={recipe()}",
                "--change",
                'CMD ["/bin/bash"]',
                "-",
                BASE_IMAGE,
            ],
            stdin=tar.stdout,
            capture_output=True,
            text=True,
            check=False,
        )
        tar.wait()
        if imported.returncode != 0 or tar.returncode != 0:
            raise BaseImageUnavailable(
                f"`docker import` of the bootstrapped rootfs failed: {last_lines(imported.stderr, 3)}"
            )
    return str(client().images.get(BASE_IMAGE).id)
