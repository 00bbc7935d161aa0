"""CWE and OWASP ASVS ids (jsv.claims.taxonomy): every claim has a CWE id, every web-facing claim an ASVS
5.0.0 requirement, and the registry refuses an id that does not exist."""

import json
import re
from pathlib import Path

import pytest

from jsv.claims import taxonomy
from jsv.claims.registry import RegistryError, load_file, load_registry

ROOT = Path(__file__).resolve().parents[2]

CLAIM = """\
claims:
- id: {id}
  title: t
  statement: s
  threat: x
  severity: high
{ids}  sources: [SEED-000-02]
  fix:
    component: jupyter_server
    file: jupyter_server_config.py
    code: c.ServerApp.disable_check_xsrf = False
  expect: {{equals: 403}}
  weakness: {{equals: 200}}
"""


def load(tmp_path: Path, claim_id: str, ids: str):
    path = tmp_path / "page.claims.yaml"
    path.write_text(CLAIM.format(id=claim_id, ids=ids))
    return load_file(path, "runbooks/area/page.claims.yaml")


def test_every_claim_of_the_registry_has_a_cwe_and_every_web_facing_claim_an_asvs_id():
    registry = load_registry(ROOT)
    assert len(registry.claims) >= 124
    for claim in registry.claims.values():
        assert claim.cwe, f"{claim.id} has no CWE id"
        assert not taxonomy.problems(claim.id, list(claim.cwe), list(claim.asvs)), claim.id
        if claim.area in taxonomy.WEB_AREAS:
            assert claim.asvs, f"{claim.id} is web-facing and names no ASVS requirement"
    web = [c for c in registry.claims.values() if taxonomy.is_web_facing(c.id)]
    assert {c.area for c in web} == {"SU", "HUB", "ADV", "NT", "EXT"}


def test_ids_load_into_the_claim(tmp_path):
    (claim,) = load(tmp_path, "SU-90", "  cwe: [CWE-614, CWE-1004]\n  asvs: [v5.0.0-3.3.1]\n")
    assert claim.cwe == ("CWE-614", "CWE-1004") and claim.asvs == ("v5.0.0-3.3.1",)
    (local,) = load(tmp_path, "MU-90", "  cwe: [CWE-732]\n")  # not web-facing: ASVS is optional
    assert local.asvs == ()


@pytest.mark.parametrize(
    ("claim_id", "ids", "message"),
    [
        ("MU-90", "", r"MU-90: \(the claim\): 'cwe' is a required property"),
        ("SU-90", "  cwe: [CWE-306]\n", r"SU-90: \(the claim\): a web-facing claim \(areas SU, HUB, ADV, NT"),
        (
            "ADV-90",
            "  cwe: [CWE-306]\n"
            "  advisory: {ids: [CVE-2026-0001], package: jupyter-server, affected: [{introduced: '0'}]}\n",
            r"ADV-90: .*add asvs: \[v5\.0\.0-",
        ),
        ("MU-90", "  cwe: [306]\n", r"MU-90: cwe\.0: 306 is not of type 'string'"),
        ("MU-90", "  cwe: [CWE-79a]\n", r"MU-90: cwe\.0: 'CWE-79a' does not match"),
        ("MU-90", "  cwe: []\n", r"MU-90: cwe: \[\] should be non-empty"),
        ("MU-90", "  cwe: [CWE-99999]\n", r"MU-90: cwe: CWE-99999 is not in jsv/data/taxonomies\.json"),
        ("SU-90", "  cwe: [CWE-306]\n  asvs: [V8.2.1]\n", r"SU-90: asvs\.0: 'V8\.2\.1' does not match"),
        ("SU-90", "  cwe: [CWE-306]\n  asvs: [v4.0.3-4.1.1]\n", r"SU-90: asvs\.0: 'v4\.0\.3-4\.1\.1'"),
        (
            "SU-90",
            "  cwe: [CWE-306]\n  asvs: [v5.0.0-8.2.9]\n",
            r"SU-90: asvs: v5\.0\.0-8\.2\.9 is not a requirement of OWASP ASVS 5\.0\.0",
        ),
    ],
)
def test_missing_or_made_up_ids_are_refused_naming_the_claim(tmp_path, claim_id, ids, message):
    with pytest.raises(RegistryError, match=message):
        load(tmp_path, claim_id, ids)


def test_the_asvs_list_is_the_5_0_0_release():
    """345 requirements in 17 chapters (the standard's CSV at tag v5.0.0_release); spot checks of the text
    this registry relies on: 3.4.6 is frame-ancestors, 3.7.2 redirects, 16.4.1 log injection."""
    data = json.loads((ROOT / "jsv" / "data" / "taxonomies.json").read_text())["asvs"]
    assert data["version"] == taxonomy.ASVS_VERSION == "5.0.0"
    assert len(data["requirements"]) == 345 and len(set(data["requirements"])) == 345
    assert sorted(data["chapters"], key=int) == [str(n) for n in range(1, 18)]
    for requirement in data["requirements"]:
        chapter, section, _ = requirement.split(".")
        assert f"{chapter}.{section}" in data["sections"]
        assert re.fullmatch(rf"0x\w\w-V{chapter}-[\w-]+\.md", data["chapters"][chapter]["file"])
    assert taxonomy.asvs_section("v5.0.0-3.4.6") == "V3.4 Browser Security Mechanism Headers"
    assert taxonomy.asvs_section("v5.0.0-3.7.2") == "V3.7 Other Browser Security Considerations"
    assert taxonomy.asvs_section("v5.0.0-16.4.1") == "V16.4 Log Protection"
    assert taxonomy.asvs_url("v5.0.0-1.2.5") == (
        "https://github.com/OWASP/ASVS/blob/v5.0.0_release/5.0/en/0x10-V1-Encoding-and-Sanitization.md"
        "#v12-injection-prevention"
    )
    with pytest.raises(KeyError):
        taxonomy.asvs_section("v5.0.0-3.4.9")


def test_cwe_names_and_links():
    assert taxonomy.cwe_name("CWE-601") == "URL Redirection to Untrusted Site ('Open Redirect')"
    assert taxonomy.cwe_name("CWE-1021") == "Improper Restriction of Rendered UI Layers or Frames"
    assert taxonomy.cwe_url("CWE-601") == "https://cwe.mitre.org/data/definitions/601.html"
    with pytest.raises(KeyError):
        taxonomy.cwe_name("CWE-0601")


def test_web_facing_is_decided_by_the_area():
    assert [taxonomy.is_web_facing(i) for i in ("SU-01", "HUB-12", "ADV-09", "NT-01", "EXT-01")] == [True] * 5
    assert [taxonomy.is_web_facing(i) for i in ("MU-01", "K8S-01", "HTC-01", "SLURM-01")] == [False] * 4
