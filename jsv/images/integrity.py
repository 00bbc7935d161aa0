"""Check that a freshly built image still holds every file pip installed into it."""

from __future__ import annotations

import json
from pathlib import Path

import docker.errors

from jsv.docker_engine import client
from jsv.errors import ImageBuildFailed
from jsv.images import record_check
from jsv.labels import labels

_SCRIPT = Path(record_check.__file__).read_text()


def lost_installed_files(tag: str) -> list[str]:
    """Files that a ``RECORD`` in image ``tag`` names but the image lacks or holds at another size."""
    try:
        output = client().containers.run(
            tag,
            ["python3", "-c", _SCRIPT],
            entrypoint=[],
            remove=True,
            stderr=False,
            network_mode="none",
            labels=labels(),
        )
    except docker.errors.ContainerError as error:
        raise ImageBuildFailed(f"{tag}: checking its installed files failed: {error}") from None
    lines = output.decode().strip().splitlines()
    return list(json.loads(lines[-1])) if lines else []
