"""Sibling images: a pinned environment's image with a few other pins (an advisory's vulnerable release).

A folder ``containers/<name>/`` that holds only ``sibling.yaml`` names the
environment it is a sibling ``of`` and the ``pins`` that differ::

    # the hub with the last jupyterhub release before the 6.1.0 fixes
    of: hub
    pins: [jupyterhub==6.0.1]

It is built from the other folder's context with a ``requirements.txt`` in
which exactly those pins are replaced, so the two images differ in those
packages only, by construction — and share every layer up to the download.
Its pins are kept under ``JSV_PINS=latest``: the old release is the point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from jsv.errors import ImageBuildFailed

SIBLING_FILE = "sibling.yaml"
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==")


def _package(line: str) -> str:
    match = _NAME.match(line.strip())
    return match.group(1).lower().replace("_", "-") if match else ""


@dataclass(frozen=True)
class Sibling:
    name: str
    of: str
    pins: tuple[str, ...]

    def requirements(self, parent: str, keep_marker: str) -> str:
        """``parent``'s requirements with this sibling's pins in place of the parent's for those packages."""
        replaced = {_package(pin): pin for pin in self.pins}
        lines, seen = [], set()
        for line in parent.splitlines():
            package = _package(line)
            if package in replaced:
                lines.append(replaced[package])
                seen.add(package)
            else:
                lines.append(line)
        missing = sorted(set(replaced) - seen)
        if missing:
            raise ImageBuildFailed(
                f"containers/{self.name}/{SIBLING_FILE}: {', '.join(missing)} is not pinned in "
                f"containers/{self.of}/requirements.txt: a sibling replaces pins, it adds none"
            )
        header = f"# containers/{self.of} with {', '.join(self.pins)} ({SIBLING_FILE}); {keep_marker}"
        return "\n".join([header, *lines]) + "\n"


def sibling_of(folder: Path) -> Sibling | None:
    """The sibling definition of an environment folder, or None for an ordinary one."""
    path = folder / SIBLING_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text()) or {}
    of, pins = data.get("of"), data.get("pins")
    if not isinstance(of, str) or not (folder.parent / of / "Dockerfile").is_file():
        raise ImageBuildFailed(f"{path}: 'of' must name a folder of containers/ with a Dockerfile")
    if not isinstance(pins, list) or not pins or not all(isinstance(p, str) and _package(p) for p in pins):
        raise ImageBuildFailed(f"{path}: 'pins' must be a list of name==version lines")
    return Sibling(folder.name, of, tuple(pins))


OVERLAY_FILE = "overlay.yaml"


def overlay_of(folder: Path) -> str | None:
    """The folder an overlay environment is built on (``overlay.yaml``: ``of: single-user``), or None.

    Its build context is that folder's files with the overlay's own on top, so
    its ``Dockerfile`` replaces the other's while start scripts and
    configuration files are shared, not copied (the Debian column's images).
    """
    path = folder / OVERLAY_FILE
    if not path.is_file():
        return None
    of = (yaml.safe_load(path.read_text()) or {}).get("of")
    if not isinstance(of, str) or not (folder.parent / of / "Dockerfile").is_file():
        raise ImageBuildFailed(f"{path}: 'of' must name a folder of containers/ with a Dockerfile")
    return of
