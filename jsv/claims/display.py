"""Publish a claim result from a notebook kernel as one rich output.

The output carries the ledger record under :data:`CLAIM_MIME`; the site's
MyST-NB plugin (:mod:`jsv.site.claim_render`) renders it as a claim card and
collects it into the ledger.  ``text/plain`` keeps the notebook readable in
Jupyter itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

CLAIM_MIME = "application/vnd.jsv.claim+json"

if TYPE_CHECKING:
    from jsv.claims.verify import ClaimResult


def plain_summary(record: dict) -> str:
    lines = [
        f"{record['id']} [{record['status']}] {record['title']}",
        f"  expected: {record['expected']}",
        f"  hardened ({record['hardened']['environment']}): {record['hardened']['observed']}",
    ]
    if record["control"]:
        lines.append(
            f"  control ({record['control']['environment']}): "
            f"{record['control']['observed']} -> {record['negative_control']}"
        )
    else:
        lines.append(f"  negative control: not applicable ({record['negative_control_reason']})")
    return "\n".join(lines)


def show_result(result: ClaimResult) -> None:
    """Display the result in the running IPython kernel (no-op outside one)."""
    record = result.record()
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - outside a kernel
        print(plain_summary(record))
        return
    display({CLAIM_MIME: record, "text/plain": plain_summary(record)}, raw=True)
