"""Publish a claim record from a notebook kernel as one rich output.

The output carries the record's JSON under :data:`CLAIM_MIME`; the site's
MyST-NB plugin (:mod:`jsv.site.claim_render`) renders it as a claim card and
collects it into the ledger.  ``text/plain`` keeps the notebook readable in
Jupyter itself.
"""

from __future__ import annotations

from jsv.claims.record import ClaimRecord

CLAIM_MIME = "application/vnd.jsv.claim+json"


def plain_summary(record: ClaimRecord) -> str:
    lines = [
        f"{record.id} [{record.status}] {record.title}",
        f"  expected: {record.expected}",
        f"  hardened ({record.hardened.environment}): {record.hardened.observed}",
    ]
    if record.control:
        lines.append(
            f"  control ({record.control.environment}): {record.control.observed}"
            f" -> {record.negative_control}"
        )
    else:
        lines.append(f"  negative control: not applicable ({record.negative_control_reason})")
    lines.append(f"  fix ({record.fix.place}): {'applied' if record.fix.applied else record.fix.reason}")
    return "\n".join(lines)


def show_record(record: ClaimRecord) -> None:
    """Display the record in the running IPython kernel (print it outside one)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - outside a kernel
        print(plain_summary(record))
        return
    if get_ipython() is None:
        print(plain_summary(record))
        return
    display({CLAIM_MIME: record.to_json(), "text/plain": plain_summary(record)}, raw=True)
