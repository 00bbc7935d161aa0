"""Drift: what changed between the ledger of the pinned run and one of the newest releases.

``nox -s latest`` builds the images with every unpinned requirement at its
newest release on PyPI (``JSV_PINS=latest``, :mod:`jsv.images.build`), runs
every page into its own build directory, and calls ``python -m jsv.drift
PINNED LATEST``.  The report names each claim whose status, negative-control
result or observation changed, and each component whose version moved: the
way to learn that an upstream release changed what the site describes.

What legitimately varies between two runs (timestamps, addresses, generated
names, :mod:`jsv.varying`) is masked before observations are compared.  The
executed notebooks beside each ledger (``<builddir>/jupyter_execute``) are
compared too (:mod:`jsv.notebook_diff`, pytest-notebook): a changed header or
message shows as a diff even when no verdict changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from jsv.claims.record import ClaimRecord
from jsv.varying import masked


@dataclass(frozen=True)
class Change:
    """One difference of one claim (or ``*`` for a version) between the two runs."""

    claim_id: str
    aspect: str
    pinned: str
    latest: str


def load_ledger(path: Path) -> dict[str, ClaimRecord]:
    """The records of a ``claims.json``, by claim id."""
    if not path.is_file():
        raise FileNotFoundError(f"no ledger at {path}: build that site first (make docs, or nox -s latest)")
    data = json.loads(path.read_text())
    return {entry["id"]: ClaimRecord.from_json(entry) for entry in data["claims"]}


def _aspects(record: ClaimRecord) -> dict[str, str]:
    return {
        "status": record.status,
        "negative control": record.negative_control,
        "observed (hardened)": masked(record.hardened.observed),
        "observed (control)": masked(record.control.observed) if record.control else "",
    }


def compare(pinned: dict[str, ClaimRecord], latest: dict[str, ClaimRecord]) -> list[Change]:
    """Every change from the pinned run to the latest, claims first (by id), then versions."""
    changes = []
    for claim_id in sorted(pinned.keys() | latest.keys()):
        before, after = pinned.get(claim_id), latest.get(claim_id)
        if before is None or after is None:
            changes.append(Change(claim_id, "ran", str(before is not None), str(after is not None)))
            continue
        old, new = _aspects(before), _aspects(after)
        changes.extend(
            Change(claim_id, aspect, old[aspect], new[aspect]) for aspect in old if old[aspect] != new[aspect]
        )
    changes.extend(_version_changes(pinned.values(), latest.values()))
    return changes


def _versions(records: Iterable[ClaimRecord]) -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for record in records:
        for component, version in record.versions.items():
            found.setdefault(component, set()).add(version)
    return {component: ", ".join(sorted(versions)) for component, versions in found.items()}


def _older(pinned: str, latest: str) -> bool:
    """Whether the newest-releases run got an older version than the pin."""
    try:
        return Version(latest) < Version(pinned)
    except InvalidVersion:  # Debian package versions, several versions at once, "-"
        return False


def _version_changes(pinned: Iterable[ClaimRecord], latest: Iterable[ClaimRecord]) -> list[Change]:
    before, after = _versions(pinned), _versions(latest)
    changes = []
    for component in sorted(before.keys() | after.keys()):
        old, new = before.get(component, "-"), after.get(component, "-")
        if old != new:
            backwards = " (older than the pin: resolved without pins, pip chose an earlier release)"
            changes.append(
                Change("*", f"version of {component}", old, new + (backwards if _older(old, new) else ""))
            )
    return changes


def report(changes: list[Change]) -> str:
    """A terminal table of the changes, or the one line saying there are none."""
    if not changes:
        return "no change: every claim has the same status and observations, every component the same version"
    width = max(len(c.claim_id) for c in changes)
    lines = [f"{c.claim_id:<{width}}  {c.aspect}: {c.pinned!s} -> {c.latest!s}" for c in changes]
    claims = len({c.claim_id for c in changes if c.claim_id != "*"})
    return "\n".join(
        [*lines, f"{claims} claim(s) changed, {sum(c.claim_id == '*' for c in changes)} version(s) moved"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jsv.drift", description=__doc__.splitlines()[0])
    parser.add_argument("pinned", type=Path, help="claims.json of the pinned run (_build/html/claims.json)")
    parser.add_argument("latest", type=Path, help="claims.json of the run with the newest releases")
    args = parser.parse_args(argv)
    try:
        changes = compare(load_ledger(args.pinned), load_ledger(args.latest))
    except (FileNotFoundError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report(changes))
    # pytest-notebook is a test dependency: the site's "What changed" page (jsv.site.changes) uses compare()
    # in the docs environment, which lacks it.
    from jsv.notebook_diff import notebook_diffs

    diffs = notebook_diffs(executed_beside(args.pinned), executed_beside(args.latest))
    for name, text in diffs.items():
        print(f"\n--- outputs of {name} differ:\n{text}")
    print(f"{len(diffs)} executed page(s) with changed outputs")
    return 1 if diffs or any(c.claim_id != "*" for c in changes) else 0


def executed_beside(ledger: Path) -> Path:
    """The executed notebooks of the build whose ledger is ``<builddir>/html/claims.json``."""
    return ledger.parent.parent / "jupyter_execute"


if __name__ == "__main__":
    sys.exit(main())
