"""Collecting records from executed pages (jsv.site.collect): pinned and column records, the consistency
checks that fail the build, and claims.json."""

import json

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from site_fixtures import PAGE, fake_app, make_record, write_site
from sphinx.errors import ExtensionError

from jsv.claims.verify import RECORD_FAILURES_ENV
from jsv.site import collect
from jsv.site.claim_render import render_card


def test_pinned_and_column_records_apart_in_page_order(tmp_path):
    su90, su91 = make_record(), make_record(id="SU-91", page=f"{PAGE}.html#su-91")
    debian = make_record(column="debian-trixie")
    app = fake_app(tmp_path, {"b/page": [su90, debian], "a/page": [su91]})
    assert collect.all_records(app.env) == [su91, su90]  # by docname, then in page order
    assert collect.column_records(app.env) == [debian]
    assert collect.record_of(app.env, "SU-90") is su90
    assert collect.record_of(app.env, "SU-99") is None


def test_records_by_doc_starts_empty(tmp_path):
    app = fake_app(tmp_path)
    assert collect.records_by_doc(app.env) == {}
    assert app.env.jsv_claims == {}


def test_doctree_read_takes_the_cards_records_and_sets_their_page(tmp_path):
    app = fake_app(tmp_path)
    app.env.docname = PAGE
    document = new_document("page", get_default_settings(Parser))
    document += render_card(make_record(page=""))
    document += render_card(make_record(id="SU-91", page=""))
    collect._doctree_read(app, document)
    pages = [r.page for r in collect.records_by_doc(app.env)[PAGE]]
    assert pages == [f"{PAGE}.html#su-90", f"{PAGE}.html#su-91"]
    assert not list(document.findall(collect.claim_record))  # removed: nothing of it is published twice
    empty = new_document("other", get_default_settings(Parser))
    empty += nodes.paragraph(text="no claims")
    app.env.docname = "other"
    collect._doctree_read(app, empty)
    assert "other" not in collect.records_by_doc(app.env)


def test_purge_and_merge(tmp_path):
    app = fake_app(tmp_path, {PAGE: [make_record()]})
    other = fake_app(tmp_path, {"x": [make_record(id="SU-91")], "y": [make_record(id="SU-92")]})
    collect._merge(app, app.env, {"x", "z"}, other.env)
    assert sorted(collect.records_by_doc(app.env)) == [PAGE, "x"]
    collect._purge(app, app.env, PAGE)
    assert sorted(collect.records_by_doc(app.env)) == ["x"]


def test_registry_is_loaded_once_and_errors_become_extension_errors(tmp_path):
    write_site(tmp_path)
    app = fake_app(tmp_path)
    first = collect.registry(app)
    assert collect.registry(app) is first and sorted(first.claims) == ["SU-100", "SU-90", "SU-91", "SU-92"]
    (tmp_path / "runbooks" / "area" / "page.md").unlink()
    with pytest.raises(ExtensionError, match="no runbook page"):
        collect.registry(fake_app(tmp_path))


def consistent_app(tmp_path, records, found=(PAGE,)):
    write_site(tmp_path)
    app = fake_app(tmp_path, {PAGE: records})
    app.env.found_docs = set(found)
    return app


def run_consistency(app):
    collect._consistency(app, app.env)


def all_four(**overrides):
    return [
        make_record(id=i, page=f"{PAGE}.html#{i.lower()}", **overrides)
        for i in ("SU-90", "SU-91", "SU-92", "SU-100")
    ]


def test_consistency_accepts_a_page_that_ran_every_registered_claim(tmp_path):
    run_consistency(consistent_app(tmp_path, all_four()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rs: [*rs, rs[0]], "claim id SU-90 appears twice"),
        (
            lambda rs: rs[1:],
            "claim SU-90 is registered for runbooks/area/page but the page did not verify it",
        ),
        (
            lambda rs: [*rs, make_record(id="SU-95", page=f"{PAGE}.html#su-95")],
            "SU-95 .* not in the registry",
        ),
        (
            lambda rs: [make_record(page="runbooks/b/other.html#su-90"), *rs[1:]],
            "registered for runbooks/area",
        ),
        (lambda rs: [make_record(status="ok"), *rs[1:]], "ledger entry SU-90 is malformed: bad status 'ok'"),
        (
            lambda rs: [make_record(status="failed", evidence="got 200"), *rs[1:]],
            r"claim SU-90 failed \(runbooks/area/page.html#su-90\): got 200",
        ),
    ],
)
def test_consistency_fails_the_build(tmp_path, monkeypatch, change, message):
    monkeypatch.delenv(RECORD_FAILURES_ENV, raising=False)
    with pytest.raises(ExtensionError, match=message):
        run_consistency(consistent_app(tmp_path, change(all_four())))


def test_a_failed_claim_is_recorded_when_failures_are_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv(RECORD_FAILURES_ENV, "1")
    records = [make_record(status="failed"), *all_four()[1:]]
    run_consistency(consistent_app(tmp_path, records))


def test_a_page_not_built_is_not_missing(tmp_path):
    run_consistency(consistent_app(tmp_path, [], found=()))


def test_column_records_once_per_claim_and_column(tmp_path):
    debian = make_record(column="debian-trixie", status="failed")  # a finding, not a build failure
    run_consistency(consistent_app(tmp_path, [*all_four(), debian]))
    with pytest.raises(ExtensionError, match="SU-90 has two records in column debian-trixie"):
        run_consistency(consistent_app(tmp_path, [*all_four(), debian, debian]))
    with pytest.raises(ExtensionError, match=r"claim SU-95 ran on .* not in the registry"):
        stray = make_record(id="SU-95", column="debian-trixie")
        run_consistency(consistent_app(tmp_path, [*all_four(), stray]))


def test_write_ledger(tmp_path):
    debian = make_record(column="debian-trixie")
    app = fake_app(tmp_path, {PAGE: [*all_four(), debian]})
    collect._write_ledger(app, None)
    ledger = json.loads((tmp_path / "out" / collect.LEDGER_FILE).read_text())
    assert [c["id"] for c in ledger["claims"]] == ["SU-100", "SU-90", "SU-91", "SU-92"]
    assert ledger["totals"]["claims"] == 4 and ledger["totals"]["verified"] == 4
    assert [(m["id"], m["column"]) for m in ledger["matrix"]] == [("SU-90", "debian-trixie")]
    assert ledger["claims"][1] == make_record().to_json()


def test_no_ledger_after_an_error_or_from_another_builder(tmp_path):
    app = fake_app(tmp_path, {PAGE: all_four()})
    collect._write_ledger(app, RuntimeError("boom"))
    app.builder.format = "latex"
    collect._write_ledger(app, None)
    assert not (tmp_path / "out" / collect.LEDGER_FILE).exists()
