"""Matrix columns: the same claims run on software from another source than the project's pins.

The site's claims run on the pinned releases from PyPI (column ``pinned``).
Readers on Debian run Debian's packages, so a second column runs the same
pages on images that install only from the Debian archive.  A column is
chosen with ``JSV_COLUMN``; an environment ``containers/<name>/`` has a
column's image when ``containers/<name><suffix>/`` exists (``single-user`` →
``single-user-debian``).  Environments without one (the advisories'
vulnerable siblings, the client machines) run as they are: in the Debian
column the advisory pages compare Debian's release with the same vulnerable
release as in the pinned one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jsv import settings
from jsv.errors import ConfigurationError

COLUMN_ENV = settings.COLUMN.name
PINNED = "pinned"
COLUMNS: dict[str, str] = {"debian-trixie": "-debian"}
"""column -> the suffix of the environment folders whose images install that distribution's packages."""
CONTAINERS_DIR = Path(__file__).resolve().parents[1] / "containers"
DESCRIPTIONS = {PINNED: "pinned releases from PyPI", "debian-trixie": "Debian trixie's packages"}


def current_column(environ: dict[str, str] | None = None) -> str:
    """The column of this run: ``pinned`` unless ``JSV_COLUMN`` names another."""
    column = settings.COLUMN.raw(environ)
    if column != PINNED and column not in COLUMNS:
        raise ConfigurationError(
            f"{COLUMN_ENV}={column!r}: use {PINNED} (the default) or one of {', '.join(COLUMNS)}"
        )
    return column


def environment_in_column(environment: str, column: str | None = None) -> str:
    """The environment folder whose image serves ``environment`` in ``column``."""
    column = column or current_column()
    if column == PINNED:
        return environment
    candidate = environment + COLUMNS[column]
    return candidate if (CONTAINERS_DIR / candidate / "Dockerfile").is_file() else environment


@contextmanager
def in_column(column: str) -> Iterator[None]:
    """Inside the block, environments start ``column``'s images (``JSV_COLUMN`` set, then restored)."""
    with settings.COLUMN.set_to(column):
        current_column()  # one clear line for an unknown column, before anything starts
        yield
