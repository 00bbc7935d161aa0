"""Checks on the built site: the ledger, the pages it links to, and secrets."""

import json
import os
import re
from pathlib import Path

import pytest

from jsv.claims.places import place_problems
from jsv.claims.registry import load_registry
from jsv.ledger import validate_record
from jsv.redaction import recorded_secrets
from jsv.site.tables import load_catalogue

pytestmark = pytest.mark.site
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ledger(build_dir):
    return json.loads((build_dir / "html" / "claims.json").read_text())


def test_every_record_is_well_formed_and_passed(ledger):
    registry = load_registry(ROOT)
    assert ledger["schema_version"] == 4
    for record in ledger["claims"]:
        assert validate_record(record) == [], record["id"]
        assert record["status"] in {"verified", "static", "skipped"}, record["id"]
        if record["status"] == "skipped":
            assert record["negative_control"] == "none" and record["notes"], record["id"]
        elif registry.claim(record["id"]).no_control:  # no insecure twin can exist; the registry says why
            assert record["negative_control"] == "not-applicable", record["id"]
            assert record["negative_control_reason"] == registry.claim(record["id"]).no_control, record["id"]
        else:
            assert record["negative_control"] == "failed-as-expected", record["id"]


def test_single_user_claims_are_live_with_versions_from_the_system(ledger):
    su = [r for r in ledger["claims"] if r["area"] == "SU"]
    assert len(su) >= 12
    for record in su:
        assert record["versions"]["jupyter_server"] == "2.21.1"
        assert re.match(r"^\d+\.\d+", record["versions"]["debian"])


@pytest.mark.parametrize(("area", "minimum"), [("SU", 12), ("MU", 8), ("NT", 2), ("HUB", 15), ("HTC", 6)])
def test_each_area_has_its_live_claims(ledger, area, minimum):
    live = [r for r in ledger["claims"] if r["area"] == area and r["status"] == "verified"]
    assert len(live) >= minimum


def test_browser_claims_ran_in_a_real_browser(ledger):
    for record in (r for r in ledger["claims"] if r["area"] == "NT"):
        assert record["versions"]["chromium"], record["id"]
        assert record["versions"]["jupyterlab"], record["id"]


def test_hub_claims_ran_against_the_pinned_hub(ledger):
    hub = [r for r in ledger["claims"] if r["area"] == "HUB"]
    for record in hub:
        assert record["versions"]["jupyterhub"] == "6.1.1", record["id"]
        assert record["versions"]["node-configurable-http-proxy"], record["id"]
    controlled = [r for r in hub if r["negative_control"] == "failed-as-expected"]
    assert len(controlled) >= 15


def test_kubernetes_claims_are_static_without_a_cluster(ledger):
    k8s = [r for r in ledger["claims"] if r["area"] == "K8S"]
    assert len(k8s) >= 8
    expected = "verified" if os.environ.get("KUBECONFIG") else "static"
    pod_claims = [r for r in k8s if r["versions"].get("jupyterhub-kubespawner")]
    assert all(r["versions"]["jupyterhub-kubespawner"] == "7.1.0" for r in pod_claims)
    for record in k8s:
        assert record["negative_control"] == "failed-as-expected", record["id"]
        if "NetworkPolicy API" in record["versions"]:
            assert record["status"] == "static", record["id"]  # never live, cluster or not
        else:
            assert record["status"] == expected, record["id"]


def test_htcondor_claims_ran_on_the_pinned_pool(ledger):
    htc = [r for r in ledger["claims"] if r["area"] == "HTC"]
    for record in htc:
        assert record["versions"]["condor"].startswith("23."), record["id"]
        assert record["status"] in {"verified", "skipped"}, record["id"]
    assert all(r["notes"] for r in htc if r["status"] == "skipped")
    assert [r["versions"].get("batchspawner") for r in htc if r["id"] == "HTC-01"] == ["1.3.0"]


def test_ids_unique_and_pages_carry_their_anchor(ledger, build_dir):
    ids = [r["id"] for r in ledger["claims"]]
    assert len(ids) == len(set(ids))
    for record in ledger["claims"]:
        page, anchor = record["page"].split("#")
        html = (build_dir / "html" / page).read_text()
        assert f'id="{anchor}"' in html, record["page"]


def test_claims_page_lists_every_claim(ledger, build_dir):
    html = (build_dir / "html" / "docs" / "claims.html").read_text()
    for record in ledger["claims"]:
        assert f"#{record['id'].lower()}" in html


def test_coverage_page_lists_every_source_id(build_dir, ledger):
    html = (build_dir / "html" / "docs" / "coverage.html").read_text()
    catalogue = load_catalogue()["recommendations"]
    assert len(catalogue) >= 90
    for item in catalogue:
        assert item["id"] in html
    known = {item["id"] for item in catalogue}
    for record in ledger["claims"]:
        assert set(record["sources"]) <= known, record["id"]


def test_every_uncovered_source_id_says_why(ledger):
    covered = {source for record in ledger["claims"] for source in record["sources"]}
    for item in load_catalogue()["recommendations"]:
        assert item["id"] in covered or item.get("finding"), f"{item['id']}: no claim and no finding"


def test_no_generated_secret_anywhere_in_the_build(build_dir):
    secrets = recorded_secrets(ROOT / ".jsv" / "secrets" / "generated.txt")
    assert len(secrets) >= 10, "the build registered no secrets: redaction is untested"
    hits = []
    for path in build_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path}: {secret[:6]}…" for secret in secrets if secret.encode() in data]
    assert hits == []


def test_build_does_not_read_the_shared_folder():
    offenders = []
    for path in (
        list(ROOT.glob("*.py"))
        + list((ROOT / "jsv").rglob("*.py"))
        + list((ROOT / "runbooks").rglob("*.md"))
        + list((ROOT / "docs").rglob("*.md"))
    ):
        if "../shared" in path.read_text():
            offenders.append(str(path))
    assert offenders == []


def test_the_ledger_holds_exactly_the_registry(ledger):
    registry = load_registry(ROOT)
    assert sorted(r["id"] for r in ledger["claims"]) == sorted(registry.claims)
    for record in ledger["claims"]:
        claim = registry.claim(record["id"])
        assert (record["statement"], record["severity"], record["fix"]["code"]) == (
            claim.statement,
            claim.severity,
            claim.fix.code,
        ), record["id"]


def test_every_fix_names_a_file_where_its_setting_is_read(ledger):
    for record in ledger["claims"]:
        fix = record["fix"]
        assert place_problems(fix["component"], fix["file"], fix["code"], fix["user"]) == [], record["id"]


def test_nine_in_ten_verified_claims_ran_their_published_fix(ledger):
    verified = [r for r in ledger["claims"] if r["status"] == "verified"]
    applied = [r for r in verified if r["fix_applied"]]
    assert len(applied) >= 0.9 * len(verified), sorted(r["id"] for r in verified if not r["fix_applied"])
    for record in ledger["claims"]:
        assert record["fix_applied"] or record["fix_reason"].strip(), record["id"]
        assert not record["config_warnings"], record["id"]


def test_every_card_leads_with_its_fix_and_shows_it_once(ledger, build_dir):
    for record in ledger["claims"]:
        page, anchor = record["page"].split("#")
        html = (build_dir / "html" / page).read_text()
        card = html.split(f'id="{anchor}"', 1)[1]
        fix_at, evidence_at = card.find("jsv-fix-code"), card.find("jsv-evidence")
        assert 0 < fix_at < evidence_at, record["id"]
        assert html.count(f"<strong>{record['id']}</strong>") == 1, record["id"]
        assert "Claim(" not in html, page
        assert "ClaimResult" not in html, page  # a verify cell shows nothing: the card is its one appearance


def test_threat_models_cite_claims_through_the_role(build_dir):
    for name in ("threat-model-hub", "threat-model-shared-machine", "threat-model-batch"):
        html = (build_dir / "html" / "docs" / f"{name}.html").read_text()
        assert "jsv-claim-ref" in html, name


def test_checklists_offer_assembled_config_files(build_dir):
    html = (build_dir / "html" / "docs" / "checklists.html").read_text()
    for name in ("su-jupyter_server_config.py", "hub-jupyterhub_config.py"):
        assert name in html
        text = (build_dir / "html" / "_static" / "checklists" / name).read_text()
        assert text.count("\n# ") >= 3, name


def test_the_batchspawner_api_claim_showed_root_on_the_stock_hub_and_withholds_the_reproduction(ledger):
    (record,) = [r for r in ledger["claims"] if r["id"] == "HTC-09"]
    assert record["status"] == "verified" and record["negative_control"] == "failed-as-expected"
    assert "uid=0(root)" in record["control"]["observed"]
    assert record["fix_applied"] is True
    for side in (record["hardened"], record["control"]):
        assert side["transcript"].startswith("(transcript withheld until"), side["environment"]


def test_the_debian_column_ran_every_single_user_and_server_advisory_claim_on_debians_release(ledger):
    column = {r["id"]: r for r in ledger["matrix"] if r["column"] == "debian-trixie"}
    wanted = {
        r["id"]
        for r in ledger["claims"]
        if r["area"] == "SU" or r["page"].startswith("runbooks/advisories/jupyter-server")
    }
    assert wanted <= set(column), sorted(wanted - set(column))
    for claim_id in wanted:
        record = column[claim_id]
        assert validate_record(record) == [], claim_id
        assert record["page"].startswith("runbooks/matrix/debian-single-user.html#"), claim_id
        if record["status"] != "skipped":  # it ran: on Debian's package, read from the running image
            assert record["versions"]["python3-jupyter-server (Debian)"].startswith("2.15.0"), claim_id
            assert record["versions"]["jupyter_server"] == "2.15.0", claim_id
    assert all(r["column"] == "pinned" for r in ledger["claims"])
    assert ledger["totals"]["claims"] == len(ledger["claims"])


def test_the_matrix_page_shows_each_single_user_hub_and_advisory_claim_in_both_columns(ledger, build_dir):
    html = (build_dir / "html" / "docs" / "matrix.html").read_text()
    for record in ledger["claims"] + ledger["matrix"]:  # each cell links to the record's card
        if record["area"] in {"SU", "HUB", "ADV"}:
            assert f'href="../{record["page"]}"' in html, (record["id"], record["column"])


def test_the_debian_hub_column_stops_where_the_matrix_page_says_and_nowhere_else_unexplained(ledger):
    """docs/matrix.md names why hub pages stop on Debian's JupyterHub 5.2.1; this is the run saying so."""
    column = {r["id"]: r for r in ledger["matrix"] if r["column"] == "debian-trixie"}
    hub = [
        r
        for r in ledger["claims"]
        if r["area"] == "HUB" or r["page"].startswith("runbooks/advisories/jupyterhub")
    ]
    assert {r["id"] for r in hub} <= set(column)
    explained = (
        "Missing Authority Key Identifier",
        "'shared-password' could not be imported",
        "No module named",
        "could not be imported",
    )
    for record in (column[r["id"]] for r in hub):
        if record["status"] == "skipped":
            assert any(why in record["negative_control_reason"] for why in explained), record["id"]
    # internal_ssl is HUB-03's own fix: on Debian its hub does not start, a finding, not a skip
    assert column["HUB-03"]["status"] == "failed"
    assert "Missing Authority Key Identifier" in column["HUB-03"]["hardened"]["transcript"]
    assert "Missing Authority Key Identifier" in column["HUB-05"]["negative_control_reason"]
    assert "'shared-password' could not be imported" in column["ADV-05"]["negative_control_reason"]
    assert "No module named 'jupyterhub_idle_culler'" in column["HUB-10"]["negative_control_reason"]
    # what the page says ran before those stops: the proxy token, cookie secret and API address before
    # internal TLS, the user-site claims (Debian's system Python reads user site-packages), and the
    # API-only advisories, which 5.2.1 fails as the vulnerable release does
    ran = ("HUB-01", "HUB-04", "HUB-02", "HUB-08", "HUB-19", "HUB-20", "HUB-09")
    assert [column[i]["status"] for i in ran] == ["verified"] * len(ran), ran
    findings = ("ADV-06", "ADV-07", "ADV-08", "ADV-10")
    assert [column[i]["status"] for i in findings] == ["failed"] * len(findings), findings


def test_the_audit_was_proven_on_every_reference_deployment_without_a_false_result(build_dir):
    """The audit reference page ran jsv audit against each deployment; the build compared every verdict."""
    reference = json.loads((build_dir / "html" / "audit-reference.json").read_text())
    names = {d["name"] for d in reference["deployments"]}
    assert {"hardened server", "weakened server", "open server", "Debian trixie server"} <= names
    assert {"hardened hub, own TLS", "weakened hub", "jupyterhub 6.0.1", "Debian trixie hub"} <= names
    assert reference["false_results"] == 0
    kinds = {cell["kind"] for cell in reference["cells"]}
    assert kinds <= {"agrees", "not compared"}, kinds
    # the open server's openness is what the audit reports first, and the runbooks' controls agree
    open_cells = {c["claim"]: c for c in reference["cells"] if c["deployment"] == "open server"}
    assert (open_cells["SU-01"]["observed"], open_cells["SU-22"]["observed"]) == ("fail", "fail")
    assert reference["compared"] >= 100
    table = (build_dir / "html" / "docs" / "audit.html").read_text()
    assert "0 false results" in table and "Debian trixie hub" in table
