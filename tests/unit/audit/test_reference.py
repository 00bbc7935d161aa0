"""The rule that turns a runbook record into the verdict the audit must reach, and the comparison."""

from __future__ import annotations

import pytest

from jsv.audit.reference import AuditedDeployment, ReferenceDeployment, compare, expected_verdict

HARDENED = ReferenceDeployment("hardened server", "server", "hardened", "every fix")
DEBIAN = ReferenceDeployment("Debian server", "server", "hardened", "every fix", column="debian-trixie")
TWIN = ReferenceDeployment(
    "weakened server",
    "server",
    "weakened",
    "pinned, weakened",
    weakened=frozenset({"SU-09"}),
    holds=frozenset({"SU-01"}),
)
OLD = ReferenceDeployment(
    "jupyter_server 2.17.0", "server", "release", "old release", weakened=frozenset({"ADV-01"})
)


@pytest.mark.parametrize(
    ("deployment", "claim_id", "status", "expected"),
    [
        (HARDENED, "SU-09", "verified", "pass"),
        (DEBIAN, "SU-09", "failed", "fail"),  # a finding of the column: the audit must see it too
        (DEBIAN, "SU-09", "skipped", None),
        (HARDENED, "SU-09", None, None),  # no record in that column
        (TWIN, "SU-09", "verified", "fail"),  # the twin carries the weakness its control showed
        (TWIN, "SU-01", "verified", "pass"),  # a default the twin leaves as it is
        (TWIN, "ADV-01", "verified", "pass"),  # the twin runs the pinned release
        (TWIN, "SU-12", "verified", None),  # the twin was not built to say anything about it
        (OLD, "ADV-01", "verified", "fail"),  # its control ran this release
        (OLD, "ADV-09", "verified", None),  # its control ran another release
        (OLD, "SU-09", "verified", None),
    ],
)
def test_expected_verdict(deployment, claim_id, status, expected):
    assert expected_verdict(deployment, claim_id, status) == expected


def test_compare_counts_false_passes_fails_and_missing_verdicts():
    audits = [
        AuditedDeployment(HARDENED, 1, "2.21.1", {"SU-01": "pass", "SU-09": "fail"}),
        AuditedDeployment(TWIN, 1, "2.21.1", {"SU-01": "pass", "SU-09": "pass"}),
    ]
    status = {
        ("SU-01", "pinned"): "verified",
        ("SU-09", "pinned"): "verified",
        ("SU-12", "pinned"): "verified",
    }
    table = compare(audits, status, lambda deployment: ["SU-01", "SU-09", "SU-12"])
    kinds = {key: cell.kind for key, cell in table.cells.items()}
    assert kinds == {
        ("hardened server", "SU-01"): "agrees",
        ("hardened server", "SU-09"): "false fail",
        ("hardened server", "SU-12"): "no verdict",
        ("weakened server", "SU-01"): "agrees",
        ("weakened server", "SU-09"): "false pass",
        ("weakened server", "SU-12"): "not compared",
    }
    assert len(table.false_results) == 3 and table.compared == 5
    assert table.claim_ids() == ["SU-01", "SU-09", "SU-12"]


def test_an_audited_deployment_survives_its_json():
    audit = AuditedDeployment(TWIN, 1, "2.21.1", {"SU-09": "fail"})
    assert AuditedDeployment.from_json(audit.to_json()) == audit
    assert audit.summary == "weakened server (2.21.1): jsv audit exit 1; 1 fail"
