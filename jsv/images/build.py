"""Build one image per ``containers/<environment>/`` folder, tagged by content.

The tag is ``jsv/<environment>:<hash>`` where the hash covers the base image id
and every file of the build context.  An image is built only when no image
with that tag exists, so a runbook always runs against exactly the image its
folder describes, and an unchanged folder costs nothing.

HTTPS downloads inside a build (pip) may pass a TLS-intercepting proxy.
``JSV_BUILD_CA`` chooses the CA bundle handed to the build as ``build-ca.pem``:
``auto`` (default) uses the host's trust store if it exists, a path uses that
file, ``none`` hands over nothing.  Only the first (download) stage sees it;
the final stage copies the installed software, never the bundle, and the
bundle is not part of the hash (it does not change what is installed).

``JSV_PINS=latest`` (the drift check, ``nox -s latest``) builds each image
from its ``requirements.txt`` with the pins removed, so pip installs the
newest releases; such tags start with ``latest-`` and include the day, so a
later day builds again.  A requirements file that says ``# jsv: keep pins``
(an advisory's vulnerable release) is built as pinned in both modes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import docker.errors

from jsv import settings
from jsv.docker_engine import client
from jsv.errors import ImageBuildFailed, last_lines
from jsv.images.base import ensure_base_image
from jsv.images.integrity import lost_installed_files
from jsv.images.sibling import SIBLING_FILE, overlay_of, sibling_of

CONTAINERS_DIR = Path(__file__).resolve().parents[2] / "containers"
SHARED_DIR = CONTAINERS_DIR / "_shared"  # staged into every context as shared/ (e.g. python-venv)
CA_ENV = settings.BUILD_CA.name
PINS_ENV = settings.PINS.name
KEEP_PINS = "# jsv: keep pins"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*[^\s#;]+")
CA_FILE_NAME = "build-ca.pem"
HOST_TRUST_STORE = "/etc/ssl/certs/ca-certificates.crt"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STEP = re.compile(r"^Step (\d+/\d+) : (.*)$")


def environment_names() -> list[str]:
    """Every environment: a ``containers/<name>/`` with a Dockerfile, or a sibling (``sibling.yaml``)."""
    folders = [*CONTAINERS_DIR.glob("*/Dockerfile"), *CONTAINERS_DIR.glob(f"*/{SIBLING_FILE}")]
    return sorted(p.parent.name for p in folders)


def context_digest(context: Path) -> str:
    """sha256 over the relative path and bytes of every file in a build context."""
    digest = hashlib.sha256()
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        relative = path.relative_to(context).as_posix()
        if relative == CA_FILE_NAME:
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def pins_mode() -> str:
    """``pinned`` (the default) or ``latest``, from ``JSV_PINS``."""
    mode = settings.PINS.raw()
    if mode not in {"pinned", "latest"}:
        raise ImageBuildFailed(f"{PINS_ENV}={mode!r}: use pinned (the default) or latest")
    return mode


def unpinned(requirements: str) -> str:
    """``requirements`` with each ``name==version`` reduced to ``name`` (unless it says to keep pins)."""
    if KEEP_PINS in requirements:
        return requirements
    return "\n".join(_PIN.sub(r"\1", line) for line in requirements.splitlines()) + "\n"


def _pinned_requirements(name: str) -> str:
    sibling = sibling_of(CONTAINERS_DIR / name)
    if sibling is not None:
        return sibling.requirements(_pinned_requirements(sibling.of), KEEP_PINS)
    path = CONTAINERS_DIR / name / "requirements.txt"
    return path.read_text() if path.is_file() else ""


def requirements_of(name: str) -> str:
    """The ``requirements.txt`` environment ``name``'s image is built from in this mode (empty if none)."""
    text = _pinned_requirements(name)
    return unpinned(text) if text and pins_mode() == "latest" else text


def _floats(name: str) -> bool:
    """Whether this build installs newer releases than the folder pins."""
    return pins_mode() == "latest" and requirements_of(name) != _pinned_requirements(name)


def _context_folders(name: str) -> list[Path]:
    """The folders a build context is made of: the environment's, after its sibling's or overlay's parent."""
    folder = CONTAINERS_DIR / name
    sibling = sibling_of(folder)
    parent = sibling.of if sibling else overlay_of(folder)
    return [CONTAINERS_DIR / parent, folder] if parent else [folder]


def image_tag(name: str, base_id: str) -> str:
    """The content-hashed tag of environment ``name`` built on base image ``base_id``."""
    parts = [base_id, *(context_digest(f) for f in _context_folders(name)), context_digest(SHARED_DIR)]
    floats = _floats(name)
    if floats:
        parts += ["latest", datetime.now(UTC).date().isoformat()]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"jsv/{name}:{'latest-' if floats else ''}{digest[:12]}"


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def ensure_image(name: str, report: Callable[[str], None] = _to_stderr) -> str:
    """Return the tag of environment ``name``'s image, building it if it does not exist yet.

    A Python image is checked once built: every file pip installed must still be there (see
    :mod:`jsv.images.record_check`).  When one was lost, the image is removed and built again, first with
    the builder's cache, then without it; lost a third time, the build fails.  Removing the image also
    removes its final stage's own layers, the damaged copy among them, so the cached rebuild copies the
    download stage again and keeps what it downloaded (seen here: the stage's copy had lost a file, the
    download stage had it).
    """
    if name not in environment_names():
        raise ImageBuildFailed(
            f"no containers/{name}/Dockerfile: known environments are {', '.join(environment_names())}"
        )
    base_id = ensure_base_image()
    tag = image_tag(name, base_id)
    try:
        client().images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    with tempfile.TemporaryDirectory(prefix=f"jsv-ctx-{name}-") as tmp:
        context = Path(tmp) / name
        folder, *overlays = _context_folders(name)
        shutil.copytree(folder, context)
        for overlay in overlays:  # a sibling's sibling.yaml, an overlay's Dockerfile on top
            shutil.copytree(overlay, context, dirs_exist_ok=True)
        shutil.copytree(SHARED_DIR, context / "shared")
        if _floats(name) or sibling_of(CONTAINERS_DIR / name):
            (context / "requirements.txt").write_text(requirements_of(name))
        _stage_ca_bundle(context / CA_FILE_NAME)
        _build(name, context, tag)
        for nocache in (False, True):
            if not requirements_of(name) or not (lost := lost_installed_files(tag)):
                return tag
            how = (
                "without the builder's cache" if nocache else "with the builder's cache, its final stage anew"
            )
            report(
                f"image {name}: {len(lost)} installed file(s) missing after the build ({lost[0]}); "
                f"building it again {how}"
            )
            client().images.remove(tag, force=True)
            _build(name, context, tag, nocache=nocache)
        if lost := lost_installed_files(tag):
            client().images.remove(tag, force=True)
            raise ImageBuildFailed(
                f"containers/{name}: {len(lost)} installed file(s) missing after building three times "
                f"({lost[0]}): check the Docker engine's storage driver (docker info) and its disk"
            )
    return tag


def _stage_ca_bundle(target: Path) -> None:
    bundle = settings.BUILD_CA.raw()
    if bundle == "auto":
        bundle = HOST_TRUST_STORE if Path(HOST_TRUST_STORE).is_file() else "none"
    if bundle in {"", "none"}:
        target.write_bytes(b"")
        return
    if not Path(bundle).is_file():
        raise ImageBuildFailed(f"{CA_ENV}={bundle} is not a file: point it at a PEM CA bundle")
    shutil.copyfile(bundle, target)


def _build(name: str, context: Path, tag: str, *, nocache: bool = False) -> None:
    step, output = "(before the first step)", []
    stream = client().api.build(
        path=str(context),
        tag=tag,
        rm=True,
        forcerm=True,
        decode=True,
        pull=False,
        nocache=nocache,
        buildargs={"BASE_IMAGE": "jsv/base:trixie"},
        # no ``labels=``: the classic builder appends each as one more instruction, a commit of the whole
        # image; every Dockerfile's stages say ``LABEL org.jsv.project=...`` first (a unit test checks)
    )
    try:
        for chunk in stream:
            text = _ANSI.sub("", chunk.get("stream", ""))
            match = _STEP.match(text.strip())
            if match:
                step = f"step {match.group(1)} `{match.group(2)[:80]}`"
            output.extend(text.splitlines())
            if "error" in chunk:
                detail = chunk.get("errorDetail", {}).get("message", chunk["error"])
                raise ImageBuildFailed(
                    f"building containers/{name}/Dockerfile failed at {step}: "
                    f"{detail.strip()[:200]} (last lines: {last_lines(chr(10).join(output), 3)})"
                )
    except docker.errors.APIError as exc:
        raise ImageBuildFailed(f"building containers/{name}/Dockerfile failed at {step}: {exc}") from None
