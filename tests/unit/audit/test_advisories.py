"""The audit's advisory checks: the fixing release read from the claims' notes, and the comparison."""

from __future__ import annotations

import pytest

from jsv.audit.catalogue import audited_claims, fixed_release
from jsv.audit.checks import CHECKS
from jsv.audit.run import fixed_release_reached


def test_fixed_release_from_notes_and_from_the_same_fix():
    notes = {"ADV-01": "Affected <= 2.17.0, fixed in 2.18.0 by commit x", "ADV-03": "The same fix as ADV-01."}
    assert fixed_release(notes, "ADV-01") == "2.18.0"
    assert fixed_release(notes, "ADV-03") == "2.18.0"
    assert fixed_release({"ADV-05": "Fixed in 6.1.0 (jupyterhub/auth.py)"}, "ADV-05") == "6.1.0"
    with pytest.raises(KeyError, match="ADV-02"):
        fixed_release({"ADV-02": "no release named"}, "ADV-02")


@pytest.mark.parametrize(
    ("reported", "holds"),
    [("2.21.1", True), ("2.18.0", True), ("2.17.0", False), ("2.18.0rc1", False), ("", False), ("x", False)],
)
def test_a_release_before_the_fix_fails(reported, holds):
    assert fixed_release_reached(reported, "2.18.0") is holds


def test_every_advisory_check_knows_its_fixing_release():
    claims = audited_claims()
    for check in CHECKS:
        if check.by_version:
            assert claims[check.claim_id].fixed_in, check.claim_id
            component = {"server": "jupyter_server", "hub": "jupyterhub"}[check.kind]
            assert claims[check.claim_id].expected.startswith(f"{component} >= "), check.claim_id
