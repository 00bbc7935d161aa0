"""Match the enumerated surface with its reviews (``jsv/data/attack-surface/<component>.yaml``).

Every enumerated item needs an entry (same pattern and handler, same methods);
an item without one is UNREVIEWED and an entry whose item no longer exists is
STALE.  Each problem is one line naming the component and the item, and the
build fails on any of them, so an upgrade that adds a route cannot pass
silently.  A verdict names claim ids (checked against the claim registry) or
gives a one-line reason quoting the check in source.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from jsv.errors import JsvError
from jsv.surface.model import Inventory, Review, ReviewedItem

DATA = "attack-surface"


class SurfaceError(JsvError):
    """Unreviewed, stale or malformed entries: one line each."""


def _schema() -> dict:
    return json.loads(resources.files("jsv.data").joinpath("attack-surface.schema.json").read_text())


def data_dir() -> Path:
    return Path(str(resources.files("jsv.data").joinpath(DATA)))


def load_reviews(component: str, directory: Path | None = None) -> list[Review]:
    path = (directory or data_dir()) / f"{component}.yaml"
    if not path.is_file():
        raise SurfaceError(f"{component}: no review file {path.name} in {path.parent}")
    data = yaml.safe_load(path.read_text())
    problems = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(data), key=lambda e: e.path)
    if problems:
        first = problems[0]
        where = "/".join(str(p) for p in first.absolute_path)
        raise SurfaceError(f"{path.name}: {where}: {first.message}")
    return [Review.from_data(entry) for entry in data["entries"]]


def review(
    inventory: Inventory, reviews: list[Review], known_claims: set[str]
) -> tuple[list[ReviewedItem], list[str]]:
    """(the reviewed items, one problem line per unreviewed item, stale entry or unknown claim)."""
    by_key = {r.key: r for r in reviews}
    problems: list[str] = []
    reviewed: list[ReviewedItem] = []
    seen: set[tuple[str, str]] = set()
    for item in inventory.items:
        entry = by_key.get(item.key)
        seen.add(item.key)
        if entry is None:
            problems.append(f"UNREVIEWED {item.label()}")
            continue
        if item.kind == "route" and set(entry.methods) != set(item.methods):
            problems.append(f"UNREVIEWED {item.label()}: the review covers methods {' '.join(entry.methods)}")
            continue
        unknown = [c for c in entry.claims if c not in known_claims]
        if unknown:
            problems.append(f"{item.label()}: verdict names claims not in the registry: {', '.join(unknown)}")
            continue
        reviewed.append(ReviewedItem(item, entry))
    for entry in reviews:
        if entry.key not in seen:
            problems.append(
                f"STALE {inventory.component}: review of {entry.pattern} ({entry.handler}) "
                "matches nothing enumerated"
            )
    return reviewed, problems
