"""The tables computed from the ledger (jsv.site.tables): claims, seed coverage and the version matrix."""

from docutils import nodes
from site_fixtures import PAGE, fake_app, make_record

from jsv.site import tables


def rows(table):
    (group,) = table.findall(nodes.tgroup)
    (head,) = group.findall(nodes.thead)
    (body,) = group.findall(nodes.tbody)
    cells = [[entry.astext() for entry in row.children] for row in body.children]
    return [entry.astext() for entry in head.children[0].children], cells


def resolve(app, kind, docname="ledger/claims"):
    document = nodes.document(None, None)
    document += tables.ledger_table(kind=kind)
    tables._resolve(app, document, docname)
    (table,) = document.children
    return table


def test_claims_table_one_row_per_pinned_claim_by_id(tmp_path):
    records = [
        make_record(id="SU-91", page=f"{PAGE}.html#su-91", seconds=2.0, cwe=["CWE-614", "CWE-1004"]),
        make_record(fix={**make_record().to_json()["fix"], "applied": False, "reason": "r"}),
        make_record(column="debian-trixie"),
    ]
    table = resolve(fake_app(tmp_path, {PAGE: records}), "claims")
    assert table["classes"] == ["jsv-table"]
    headers, cells = rows(table)
    assert headers == [
        "Claim",
        "Status",
        "Severity",
        "Area",
        "Title",
        "CWE, ASVS",
        "Negative control",
        "Fix",
        "Versions",
        "s",
    ]
    assert [c[0] for c in cells] == ["SU-90", "SU-91"]
    assert cells[0][1:3] == ["verified", "high"]
    assert cells[0][5] == "CWE-306, v5.0.0-8.2.1"
    assert cells[1][5] == "CWE-614, CWE-1004, v5.0.0-8.2.1"
    assert cells[0][6:] == ["failed-as-expected", "not applied", "jupyter_server 2.17.0", "1.5"]  # no python
    assert cells[1][7] == "applied"
    links = list(table.findall(nodes.reference))
    assert links[0]["refuri"] == "../runbooks/area/page.html#su-90"
    assert [link["refuri"] for link in links[1:3]] == [
        "https://cwe.mitre.org/data/definitions/306.html",
        "https://github.com/OWASP/ASVS/blob/v5.0.0_release/5.0/en/0x17-V8-Authorization.md"
        "#v82-general-authorization-design",
    ]


def test_seed_coverage_lists_every_catalogue_item_with_its_claims(tmp_path):
    records = [make_record(), make_record(id="SU-91", page=f"{PAGE}.html#su-91")]
    table = resolve(fake_app(tmp_path, {PAGE: records}), "coverage")
    headers, cells = rows(table)
    assert headers == ["Source id", "Recommendation (our words)", "Covered by"]
    catalogue = tables.load_catalogue()["recommendations"]
    assert [c[0] for c in cells] == [item["id"] for item in catalogue]
    by_id = {c[0]: c for c in cells}
    assert by_id["SEED-000-02"][2] == "SU-90, SU-91"
    assert by_id["SEED-000-01"][2] == catalogue[0].get("finding", "no claim yet")
    anchors = [t["ids"] for t in table.findall(nodes.target)]
    assert ["seed-000-02"] in anchors


def test_matrix_rows_pair_each_claim_with_its_debian_record(tmp_path):
    hub = make_record(id="HUB-01", area="HUB", page=f"{PAGE}.html#hub-01", versions={"jupyterhub": "5.4.3"})
    other = make_record(id="NT-01", area="NT", page=f"{PAGE}.html#nt-01")
    debian = make_record(
        column="debian-trixie",
        status="failed",
        versions={"jupyter_server": "2.14.0"},
        hardened={**make_record().to_json()["hardened"], "observed": "200", "check_passed": False},
    )
    table = resolve(fake_app(tmp_path, {PAGE: [other, hub, make_record()], "matrix": [debian]}), "matrix")
    headers, cells = rows(table)
    assert headers == ["Claim", "Title", "pinned (PyPI)", "debian-trixie (Debian's packages)"]
    assert [c[0] for c in cells] == ["SU-90", "HUB-01"]  # SU, HUB, ADV; other areas are not in it
    assert cells[0][2] == "verified on jupyter_server 2.17.0: 403"
    assert cells[0][3] == "failed on jupyter_server 2.14.0: 200"
    assert cells[1][2] == "verified on jupyterhub 5.4.3: 403"
    assert cells[1][3] == "not run: no image of jupyterhub from Debian's packages yet"


def test_matrix_cell_says_why(tmp_path):
    app = fake_app(tmp_path, {})
    skipped = make_record(status="skipped", negative_control_reason="not in this release")
    assert tables._cell(app, "x", skipped, "").astext().endswith(": not in this release")
    warned = make_record(config_warnings=["trust_xheaders is deprecated"])
    assert (
        tables._cell(app, "x", warned, "")
        .astext()
        .endswith(": the fix's setting draws a warning: trust_xheaders is deprecated")
    )
    control_held = make_record(status="failed", negative_control="passed-unexpectedly")
    assert (
        tables._cell(app, "x", control_held, "")
        .astext()
        .endswith(": holds (403), but the control passed-unexpectedly")
    )
    long = make_record(hardened={**make_record().to_json()["hardened"], "observed": "x" * 200})
    text = tables._cell(app, "x", long, "").astext()
    assert text.endswith("x" * 157 + "…")


def test_component_of_a_record():
    assert tables._component(make_record(area="HUB")) == "jupyterhub"
    assert tables._component(make_record(area="ADV", versions={"jupyterhub": "5"})) == "jupyterhub"
    assert tables._component(make_record(area="ADV")) == "jupyter_server"


def test_directives_leave_a_placeholder_and_mark_the_page(tmp_path):
    from types import SimpleNamespace

    app = fake_app(tmp_path)
    app.env.docname = "ledger/claims"
    for cls, kind in (
        (tables.ClaimsTable, "claims"),
        (tables.SeedCoverage, "coverage"),
        (tables.VersionMatrix, "matrix"),
    ):
        directive = cls.__new__(cls)
        directive.state = SimpleNamespace(document=SimpleNamespace(settings=SimpleNamespace(env=app.env)))
        (node,) = directive.run()
        assert node["kind"] == kind
    assert app.env.jsv_table_docs == {"ledger/claims"}


def test_exposure_rows_give_debians_run_and_the_charts_ranges(tmp_path):
    advisory = {
        "ids": ["GHSA-aaaa-bbbb-cccc"],
        "package": "jupyterhub",
        "affected": [{"introduced": "0", "fixed": "5.4.4"}],
    }
    adv = make_record(id="ADV-90", area="ADV", page=f"{PAGE}.html#adv-90", advisory=advisory)
    later = make_record(
        id="ADV-91",
        area="ADV",
        page=f"{PAGE}.html#adv-91",
        advisory={**advisory, "affected": [{"introduced": "5.0.0", "fixed": "5.5.3"}]},
    )
    debian = make_record(
        id="ADV-90", area="ADV", column="debian-trixie", status="failed", versions={"jupyterhub": "5.2.1"}
    )
    table = resolve(fake_app(tmp_path, {PAGE: [adv, later, make_record()], "matrix": [debian]}), "exposure")
    headers, cells = rows(table)
    assert headers[3:] == ["Debian trixie (run)", "Zero to JupyterHub 4.4.0 (ranges)"]
    assert [c[0] for c in cells] == ["ADV-90", "ADV-91"]  # advisories only
    assert cells[0][1:] == [
        "GHSA-aaaa-bbbb-cccc",
        "jupyterhub: < 5.4.4",
        "exposed (the attack succeeded) on jupyterhub 5.2.1",
        "jupyterhub 5.5.0: outside the ranges",
    ]
    assert cells[1][3:] == ["not run in the Debian column", "jupyterhub 5.5.0: in range: exposed"]
