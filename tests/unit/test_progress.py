"""Progress lines of the one-process build, read from MyST-NB's own log lines."""

import json
from pathlib import Path

from jsv.execution.progress import SerialProgress


def test_mystnb_lines_become_page_lines_and_the_ledger_gives_the_claims(tmp_path: Path):
    progress = SerialProgress(tmp_path)
    page = tmp_path / "runbooks" / "hub" / "web.md"
    assert progress.translate(f"{page}: Executing notebook using local CWD [mystnb]\n") == (
        "page runbooks/hub/web: executing"
    )
    assert progress.translate(f"{page}: Executed notebook in 92.31 seconds [mystnb]\n") == (
        "page runbooks/hub/web: executed in 92 s"
    )
    assert progress.translate("reading sources... [ 50%] index") is None
    ledger = tmp_path / "claims.json"
    ledger.write_text(
        json.dumps(
            {
                "claims": [
                    {"page": "runbooks/hub/web.html#hub-11", "status": "verified"},
                    {"page": "runbooks/hub/web.html#hub-12", "status": "verified"},
                    {"page": "runbooks/hub/users.html#hub-06", "status": "verified"},
                ]
            }
        )
    )
    [outcome] = progress.count_claims(ledger)
    assert (outcome.docname, outcome.seconds) == ("runbooks/hub/web", 92.31)
    assert dict(outcome.claims) == {"verified": 2}
    assert outcome.line() == "page runbooks/hub/web: 2 verified in 92 s"
