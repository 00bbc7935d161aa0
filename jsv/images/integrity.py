"""Check that a freshly built image still holds every file pip installed into it."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from jsv.docker_engine import client
from jsv.errors import ImageBuildFailed, last_lines
from jsv.images import record_check
from jsv.labels import labels

_SCRIPT = Path(record_check.__file__).read_text()


_ANSWER = "/tmp/jsv-record-check.json"


def lost_installed_files(tag: str) -> list[str]:
    """Files that a ``RECORD`` in image ``tag`` names but the image lacks or holds at another size.

    The answer is read from a file the check writes in its container, not from the container's log, and a
    missing answer is an error: an empty log used to count as "nothing lost".  (Seen here: the log of a
    short container whose output was 16 random bytes without a newline came back empty 2 times out of 3;
    the check's own JSON line came back 10 times out of 10.)
    """
    container = client().containers.run(
        tag,
        ["python3", "-c", _SCRIPT, _ANSWER],
        entrypoint=[],
        detach=True,
        network_mode="none",
        labels=labels(),
    )
    try:
        status = container.wait()["StatusCode"]
        if status != 0:
            reason = last_lines(container.logs().decode(errors="replace"), 2)
            raise ImageBuildFailed(f"{tag}: checking its installed files failed (exit {status}): {reason}")
        chunks, _ = container.get_archive(_ANSWER)
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
            answer = tar.extractfile(Path(_ANSWER).name)
            if answer is None:
                raise ImageBuildFailed(f"{tag}: the check of its installed files wrote no answer")
            return list(json.loads(answer.read()))
    finally:
        container.remove(force=True)
