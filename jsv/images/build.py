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
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import docker.errors

from jsv.docker_engine import client
from jsv.errors import ImageBuildFailed, last_lines
from jsv.images.base import ensure_base_image
from jsv.labels import PROJECT_LABEL, PROJECT_VALUE

CONTAINERS_DIR = Path(__file__).resolve().parents[2] / "containers"
SHARED_DIR = CONTAINERS_DIR / "_shared"  # staged into every context as shared/ (e.g. python-venv)
CA_ENV = "JSV_BUILD_CA"
CA_FILE_NAME = "build-ca.pem"
HOST_TRUST_STORE = "/etc/ssl/certs/ca-certificates.crt"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STEP = re.compile(r"^Step (\d+/\d+) : (.*)$")


def environment_names() -> list[str]:
    """Every environment that has ``containers/<name>/Dockerfile``."""
    return sorted(p.parent.name for p in CONTAINERS_DIR.glob("*/Dockerfile"))


def context_digest(context: Path) -> str:
    """sha256 over the relative path and bytes of every file in a build context."""
    digest = hashlib.sha256()
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        relative = path.relative_to(context).as_posix()
        if relative == CA_FILE_NAME:
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def image_tag(name: str, base_id: str) -> str:
    """The content-hashed tag of environment ``name`` built on base image ``base_id``."""
    parts = [base_id, context_digest(CONTAINERS_DIR / name), context_digest(SHARED_DIR)]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"jsv/{name}:{digest[:12]}"


def ensure_image(name: str) -> str:
    """Return the tag of environment ``name``'s image, building it if it does not exist yet."""
    if not (CONTAINERS_DIR / name / "Dockerfile").is_file():
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
        shutil.copytree(CONTAINERS_DIR / name, context)
        shutil.copytree(SHARED_DIR, context / "shared")
        _stage_ca_bundle(context / CA_FILE_NAME)
        _build(name, context, tag)
    return tag


def _stage_ca_bundle(target: Path) -> None:
    bundle = os.environ.get(CA_ENV, "auto").strip()
    if bundle == "auto":
        bundle = HOST_TRUST_STORE if Path(HOST_TRUST_STORE).is_file() else "none"
    if bundle in {"", "none"}:
        target.write_bytes(b"")
        return
    if not Path(bundle).is_file():
        raise ImageBuildFailed(f"{CA_ENV}={bundle} is not a file: point it at a PEM CA bundle")
    shutil.copyfile(bundle, target)


def _build(name: str, context: Path, tag: str) -> None:
    step, output = "(before the first step)", []
    stream = client().api.build(
        path=str(context),
        tag=tag,
        rm=True,
        forcerm=True,
        decode=True,
        pull=False,
        buildargs={"BASE_IMAGE": "jsv/base:trixie"},
        labels={PROJECT_LABEL: PROJECT_VALUE, "org.jsv.environment": name},
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
