"""The OSV records of the ADV claims: one per claim, built from the registry's advisory block and the
ledger record, valid against the OSV schema (vendored from ossf/osv-schema)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from site_fixtures import fake_app, make_record

from jsv.claims.registry import load_registry
from jsv.site import osv

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "osv" / "schema.json").read_text())
REGISTRY = load_registry(ROOT)
ADV = sorted(i for i in REGISTRY.claims if i.startswith("ADV-"))


def _record(claim_id: str, status: str = "verified"):
    claim = REGISTRY.claim(claim_id)
    return make_record(
        id=claim_id,
        area="ADV",
        title=claim.title,
        statement=claim.statement,
        severity=claim.severity,
        notes=claim.notes,
        status=status,
        page=f"{REGISTRY.pages[claim_id]}.html#{claim_id.lower()}",
        advisory=claim.advisory.to_data(),
    )


def _written(tmp_path: Path, records) -> dict[str, dict]:
    app = fake_app(tmp_path, {"runbooks/advisories/x": records})
    app.config = SimpleNamespace(html_baseurl="https://jsv.example/")
    osv._write(app, None)
    folder = Path(app.outdir) / osv.OSV_DIR
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def test_one_record_per_adv_claim_each_valid_against_the_osv_schema(tmp_path):
    written = _written(tmp_path, [_record(i) for i in ADV] + [make_record()])
    assert sorted(written) == [f"x_JSV-{i}" for i in ADV]  # SU-90 (no advisory) has none
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    for name, data in written.items():
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (name, errors)


def test_a_record_carries_aliases_ranges_references_and_the_verification(tmp_path):
    data = _written(tmp_path, [_record("ADV-05", status="verified")])["x_JSV-ADV-05"]
    assert data["id"] == "x_JSV-ADV-05"
    assert data["aliases"] == ["GHSA-r764-xgvf-jrfj"]
    assert [a["package"]["name"] for a in data["affected"]] == ["jupyterhub", "jupyterhub"]
    assert [a["ranges"][0]["events"] for a in data["affected"]] == [
        [{"introduced": "5.3.0"}, {"fixed": "5.5.3"}],
        [{"introduced": "6.0.0"}, {"fixed": "6.1.0"}],
    ]
    assert all(a["ranges"][0]["type"] == "ECOSYSTEM" for a in data["affected"])
    assert {"type": "WEB", "url": "https://jsv.example/runbooks/advisories/jupyterhub.html#adv-05"} in data[
        "references"
    ]
    assert data["database_specific"]["status"] == "verified"
    assert data["modified"].endswith("Z")


def test_the_advisory_reference_and_cvss_vector_come_from_the_registry(tmp_path):
    data = _written(tmp_path, [_record("ADV-02")])["x_JSV-ADV-02"]
    assert data["aliases"] == ["GHSA-5789-5fc7-67v3", "CVE-2026-35397"]
    assert data["references"][0] == {
        "type": "ADVISORY",
        "url": "https://github.com/jupyter-server/jupyter_server/security/advisories/GHSA-5789-5fc7-67v3",
    }
    assert data["severity"] == [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:L"}]
    assert data["database_specific"]["upstream_severity"] == {"scale": "GHSA", "rating": "high"}


def test_a_record_without_an_advisory_is_refused():
    with pytest.raises(ValueError, match="no advisory"):
        osv.osv_record(make_record())


def test_the_schema_refuses_an_id_without_a_known_prefix(tmp_path):
    data = _written(tmp_path, [_record("ADV-01")])["x_JSV-ADV-01"]
    data["id"] = "JSV-ADV-01"
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
