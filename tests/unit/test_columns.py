"""Matrix columns: which image serves an environment in a column, and what a column's record says."""

import dataclasses
from pathlib import Path

import pytest

from jsv.claims import Observation, Registry, verify
from jsv.claims.expect import equals
from jsv.claims.model import Claim, Fix
from jsv.columns import COLUMN_ENV, current_column, environment_in_column
from jsv.errors import ClaimFailed, ConfigurationError
from jsv.ledger import build_ledger, validate_record
from jsv.matrix import claim_ids, not_reached

PIN = Fix("pip", "requirements.txt", "jupyter_server==2.21.1")


class FakeTarget:
    """A side that observes ``value``; ``applied``: built from the pin (the pinned image)."""

    def __init__(self, variant: str, value: int, applied: bool = True) -> None:
        self.variant, self.value = variant, value
        self.applied_fixes = {"ADV-99": PIN.code} if applied else {}

    def describe(self) -> str:
        return f"config of {self.variant}"

    def versions(self) -> dict[str, str]:
        return {"jupyter_server": "2.15.0"}


def observe(target: FakeTarget) -> Observation:
    return Observation(target.value, f"$ probe\n{target.value}")


def test_the_column_is_pinned_unless_named_and_an_unknown_one_is_one_clear_line():
    assert current_column({}) == "pinned"
    assert current_column({COLUMN_ENV: "debian-trixie"}) == "debian-trixie"
    with pytest.raises(
        ConfigurationError, match=r"^JSV_COLUMN='ubuntu': use pinned \(the default\) or one of"
    ):
        current_column({COLUMN_ENV: "ubuntu"})


def test_an_environment_with_a_debian_folder_runs_it_in_that_column_and_the_others_run_as_they_are():
    assert environment_in_column("single-user", "debian-trixie") == "single-user-debian"
    assert environment_in_column("single-user", "pinned") == "single-user"
    assert environment_in_column("single-user-adv", "debian-trixie") == "single-user-adv"  # the control
    assert environment_in_column("net-client", "debian-trixie") == "net-client"


def advisory() -> Registry:
    claim = Claim(
        id="ADV-99",
        title="t",
        statement="s",
        threat="x",
        severity="high",
        fix=PIN,
        expect=equals(404),
        weakness=equals(200),
        sources=(),
        cwe=("CWE-22",),
        asvs=("v5.0.0-5.3.2",),
    )
    return Registry(Path("."), {"ADV-99": claim}, {"ADV-99": "runbooks/advisories/x"})


def test_in_a_column_the_unapplied_pin_is_the_point_and_a_failure_is_recorded_as_a_finding(monkeypatch):
    hardened, control = FakeTarget("debian", 200, applied=False), FakeTarget("vulnerable", 200)
    with pytest.raises(ClaimFailed, match="was not built from the published fix"):
        verify(
            "ADV-99",
            observe,
            FakeTarget("pinned", 404, applied=False),
            control,
            registry=advisory(),
            show=False,
        )
    monkeypatch.setenv(COLUMN_ENV, "debian-trixie")
    monkeypatch.setenv("JSV_RECORD_FAILURES", "1")
    holds = verify(
        "ADV-99", observe, FakeTarget("debian", 404, applied=False), control, registry=advisory(), show=False
    ).record()
    assert (holds.status, holds.column, holds.fix.applied) == ("verified", "debian-trixie", False)
    assert "Debian trixie's packages, not the pin" in holds.fix.reason
    finding = verify("ADV-99", observe, hardened, control, registry=advisory(), show=False).record()
    assert finding.status == "failed" and "observed 200" in finding.evidence
    assert validate_record(finding.to_json()) == []


def test_a_column_record_is_kept_apart_from_the_claims_in_the_ledger():
    pinned = not_reached(advisory().claim("ADV-99"), "pinned", "x")
    column = not_reached(advisory().claim("ADV-99"), "debian-trixie", "the page stopped in debian-trixie: E")
    assert column.status == "skipped" and validate_record(column.to_json()) == []
    ledger = build_ledger([pinned], {}, [column])
    assert [r["column"] for r in ledger["claims"]] == ["pinned"]
    assert [(r["column"], r["status"]) for r in ledger["matrix"]] == [("debian-trixie", "skipped")]
    assert ledger["totals"]["claims"] == 1
    assert validate_record({**column.to_json(), "column": "ubuntu"}) == ["bad column 'ubuntu'"]


def test_a_column_image_is_built_on_its_environment_folder_not_a_copy_of_it():
    from jsv.images.build import CONTAINERS_DIR, _context_folders

    assert _context_folders("single-user-debian") == [
        CONTAINERS_DIR / "single-user",
        CONTAINERS_DIR / "single-user-debian",
    ]
    assert sorted(p.name for p in (CONTAINERS_DIR / "single-user-debian").iterdir()) == [
        "Dockerfile",
        "overlay.yaml",
    ]


def test_a_matrix_page_names_the_claims_of_the_pages_it_re_runs_relative_to_itself(tmp_path, monkeypatch):
    claim = advisory().claim("ADV-99")
    pages = {"ADV-99": "runbooks/advisories/x", "ADV-98": "runbooks/advisories/x", "SU-99": "runbooks/su/y"}
    registry = Registry(tmp_path, {i: dataclasses.replace(claim, id=i) for i in pages}, pages)
    (tmp_path / "runbooks" / "matrix").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "runbooks" / "matrix")
    assert claim_ids(["../advisories/x.md"], registry) == ["ADV-98", "ADV-99"]
    assert claim_ids(["../su/y.md", "../advisories/x.md"], registry) == ["ADV-98", "ADV-99", "SU-99"]
    assert claim_ids(["../su/none.md"], registry) == []
