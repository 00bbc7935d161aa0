"""The audit's advisory checks: decided by the registry's affected ranges only, one finding per advisory."""

from __future__ import annotations

import pytest

from jsv.audit.catalogue import AUDITED_PACKAGES, AuditedClaim, audited_claims
from jsv.audit.checks import CHECKS, NOT_AUDITABLE, advisory_checks
from jsv.audit.run import outside_affected_ranges
from jsv.claims.advisory import Advisory
from jsv.claims.expect import from_data

TWO_BRANCHES = {
    "ids": ["GHSA-xxxx-xxxx-xxxx", "CVE-2026-0001"],
    "package": "jupyterhub",
    "affected": [
        {"introduced": "5.3.0", "fixed": "5.5.3", "branch": "5.x"},
        {"introduced": "6.0.0", "fixed": "6.1.0", "branch": "6.x"},
    ],
}


def _claim(advisory: dict) -> AuditedClaim:
    return AuditedClaim(
        "ADV-99",
        "t",
        "s",
        "high",
        from_data({"equals": 1}),
        "requirements.txt",
        "x==1",
        "p",
        advisory=Advisory.from_data(advisory),
    )


@pytest.mark.parametrize(
    ("reported", "passes"),
    [
        ("5.2.1", True),  # before the range was introduced
        ("5.3.0", False),  # introduced: the first affected release
        ("5.5.2", False),  # the last affected release of the 5.x branch
        ("5.5.3", True),  # fixed on the 5.x branch (the backport)
        ("5.5.4", True),  # later on the fixed 5.x branch
        ("6.0.0", False),  # the other branch, introduced again
        ("6.0.1", False),  # the last affected release of the 6.x branch
        ("6.1.0", True),  # fixed on the 6.x branch
        ("6.1.0rc1", False),  # a pre-release of the fix is before it
        ("7.0.0", True),
    ],
)
def test_each_edge_of_two_branches(reported, passes):
    assert outside_affected_ranges(_claim(TWO_BRANCHES), reported) is passes


@pytest.mark.parametrize(("reported", "passes"), [("0.0.1", False), ("2.17.0", False), ("2.18.0", True)])
def test_introduced_zero_is_every_earlier_release(reported, passes):
    advisory = {"ids": [], "package": "jupyter-server", "affected": [{"introduced": "0", "fixed": "2.18.0"}]}
    assert outside_affected_ranges(_claim(advisory), reported) is passes


@pytest.mark.parametrize(("reported", "passes"), [("2.21.1", False), ("2.21.2", True)])
def test_last_affected_is_included(reported, passes):
    advisory = {
        "ids": [],
        "package": "jupyter-server",
        "affected": [{"introduced": "0", "last_affected": "2.21.1"}],
    }
    assert outside_affected_ranges(_claim(advisory), reported) is passes


@pytest.mark.parametrize("reported", ["", "x", "unknown"])
def test_a_version_that_cannot_be_compared_is_an_error_not_a_pass(reported):
    with pytest.raises(ValueError, match="not a version"):
        outside_affected_ranges(_claim(TWO_BRANCHES), reported)


def test_fixed_releases_and_text_come_from_the_ranges():
    advisory = Advisory.from_data(TWO_BRANCHES)
    assert advisory.fixed_releases == ("5.5.3", "6.1.0")
    assert advisory.affected_text == "5.3.0 to < 5.5.3; 6.0.0 to < 6.1.0"
    assert Advisory.from_data(advisory.to_data()) == advisory
    assert (
        _claim(TWO_BRANCHES).expected
        == "jupyterhub outside 5.3.0 to < 5.5.3; 6.0.0 to < 6.1.0 (fixed in 5.5.3, 6.1.0)"
    )


def test_every_packaged_advisory_is_a_check_of_its_package_kind():
    claims = audited_claims()
    with_advisory = {i for i, c in claims.items() if c.advisory}
    checks = {c.claim_id: c for c in advisory_checks()}
    assert set(checks) == with_advisory
    assert {"ADV-01", "ADV-05", "ADV-11", "ADV-12"} <= with_advisory
    for claim_id, check in checks.items():
        assert check.by_version and not check.needs_token
        assert check.kind == AUDITED_PACKAGES[claims[claim_id].advisory.package]
        assert claims[claim_id].advisory.fixed_releases, claim_id
    assert set(checks) <= {c.claim_id for c in CHECKS}


def test_an_advisory_no_release_fixes_is_not_judged_by_version():
    assert "ADV-13" not in audited_claims()
    assert "ADV-13" in NOT_AUDITABLE
