"""The claim card (jsv.site.claim_render): what a reader sees, and the record it carries to the ledger."""

import json
from types import SimpleNamespace

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document
from docutils.writers.html5_polyglot import HTMLTranslator, Writer
from site_fixtures import make_record, record_data

from jsv.claims.display import CLAIM_MIME
from jsv.claims.record import ClaimRecord
from jsv.site.claim_render import (
    ClaimRenderPlugin,
    claim_record,
    depart_details,
    evidence_details,
    executed_when,
    render_card,
    visit_details,
)


def texts(node: nodes.Node, kind: type[nodes.Node]) -> list[str]:
    return [n.astext() for n in node.findall(kind)]


def test_executed_when_in_utc_and_passes_other_text_through():
    assert executed_when("2026-12-07T19:05:03+01:00") == "2026-12-07 18:05 UTC"
    assert executed_when("2026-12-07T18:05:03") == "2026-12-07 18:05 UTC"  # naive: taken as written
    assert executed_when("yesterday") == "yesterday"


def test_card_heading_statement_and_anchor():
    card = render_card(make_record())
    assert card["ids"] == ["su-90"]
    assert card["classes"] == ["jsv-claim", "jsv-verified"]
    heading = card.children[0]
    assert heading.astext() == (
        "SU-90 · Token required · VERIFIED · severity high · executed 2026-12-07 18:05 UTC"
    )
    assert card.children[1].astext() == "The API answers 403 without the token."
    assert card.children[1]["classes"] == ["jsv-statement"]


def test_card_names_the_cwe_and_asvs_ids_linked_to_their_definitions():
    card = render_card(make_record(cwe=["CWE-614", "CWE-1004"], asvs=["v5.0.0-3.3.1", "v5.0.0-3.3.4"]))
    (ids,) = (n for n in card.findall(nodes.paragraph) if "jsv-ids" in n["classes"])
    assert card.children.index(ids) == 2  # right after the statement
    assert ids.astext() == (
        "Weakness: CWE-614 Sensitive Cookie in HTTPS Session Without 'Secure' Attribute, "
        "CWE-1004 Sensitive Cookie Without 'HttpOnly' Flag"
        " · verifies OWASP ASVS v5.0.0-3.3.1 (V3.3 Cookie Setup), v5.0.0-3.3.4 (V3.3 Cookie Setup)"
    )
    links = [(r.astext(), r["refuri"]) for r in ids.findall(nodes.reference)]
    assert links[:2] == [
        ("CWE-614", "https://cwe.mitre.org/data/definitions/614.html"),
        ("CWE-1004", "https://cwe.mitre.org/data/definitions/1004.html"),
    ]
    assert links[2] == (
        "v5.0.0-3.3.1",
        "https://github.com/OWASP/ASVS/blob/v5.0.0_release/5.0/en/0x12-V3-Web-Frontend-Security.md#v33-cookie-setup",
    )
    record = json.loads(next(iter(card.findall(claim_record)))["record"])
    assert (record["cwe"], record["asvs"]) == (["CWE-614", "CWE-1004"], ["v5.0.0-3.3.1", "v5.0.0-3.3.4"])


def test_a_card_without_asvs_ids_names_its_cwe_only():
    card = render_card(make_record(id="MU-90", area="MU", cwe=["CWE-732"], asvs=[]))
    (ids,) = (n for n in card.findall(nodes.paragraph) if "jsv-ids" in n["classes"])
    assert ids.astext() == "Weakness: CWE-732 Incorrect Permission Assignment for Critical Resource"


def test_card_fix_names_file_component_and_that_it_was_applied():
    card = render_card(make_record())
    fix_title = next(n for n in card.findall(nodes.paragraph) if "jsv-fix-title" in n["classes"])
    assert fix_title.astext() == "Fix — goes into jupyter_server_config.py (Jupyter Server)"
    block = next(n for n in card.findall(nodes.literal_block) if "jsv-fix-code" in n["classes"])
    assert block.astext() == "c.ServerApp.disable_check_xsrf = False"
    assert block["language"] == "python"
    assert any("jsv-fix-applied" in n["classes"] for n in card.findall(nodes.paragraph))


def test_card_fix_not_applied_gives_the_reason_and_the_user():
    fix = {**record_data()["fix"], "applied": False, "reason": "needs a restart", "user": "root"}
    card = render_card(make_record(fix=fix, fix_applied=False, fix_reason="needs a restart"))
    paragraphs = texts(card, nodes.paragraph)
    assert "Fix — goes into jupyter_server_config.py (Jupyter Server), run as root" in paragraphs
    assert "not applied by the run: needs a restart" in paragraphs


def test_card_warnings_notes_and_no_execution_time():
    card = render_card(make_record(config_warnings=["a", "b"], notes="See also SU-91.", executed_at=""))
    paragraphs = texts(card, nodes.paragraph)
    assert "Configuration warnings: a; b" in paragraphs
    assert "See also SU-91." in paragraphs
    assert "executed" not in card.children[0].astext()


def test_evidence_holds_both_sides_in_a_details_block():
    (details,) = render_card(make_record()).findall(evidence_details)
    assert details.children[0].astext() == "Evidence: what the run observed"
    fields = {f.children[0].astext(): f.children[1].astext() for f in details.findall(nodes.field)}
    assert fields["Negative control"] == "failed-as-expected (the control must show: equals 200)"
    assert fields["Sources"] == "SEED-000-02"
    assert fields["Ran against"] == "jupyter_server 2.17.0, python 3.13"
    assert fields["Took"] == "1.5 s"
    sides = [p for p in texts(details, nodes.paragraph) if "observed" in p and "—" in p]
    assert sides == [
        "Hardened — single-user (hardened): observed 403 (check passed)",
        "Negative control — single-user (insecure twin): observed 200 (check failed)",
    ]
    consoles = [b.astext() for b in details.findall(nodes.literal_block) if b["language"] == "console"]
    assert consoles[0].endswith("403") and consoles[1].endswith("200")
    assert all(b["force"] for b in details.findall(nodes.literal_block))


def test_not_applicable_control_gives_its_reason_and_shows_one_side():
    record = make_record(
        negative_control="not-applicable", negative_control_reason="no weak twin", control=None, sources=[]
    )
    (details,) = render_card(record).findall(evidence_details)
    fields = {f.children[0].astext(): f.children[1].astext() for f in details.findall(nodes.field)}
    assert fields["Negative control"] == "not-applicable — no weak twin"
    assert "Sources" not in fields
    assert not any(p.startswith("Negative control —") for p in texts(details, nodes.paragraph))


def test_card_carries_its_record_unchanged():
    record = make_record()
    (holder,) = render_card(record).findall(claim_record)
    assert ClaimRecord.from_json(json.loads(holder["record"])) == record


def test_mime_plugin_renders_only_claim_outputs():
    content = json.dumps(record_data())
    (card,) = ClaimRenderPlugin.handle_mime(
        None, SimpleNamespace(mime_type=CLAIM_MIME, content=content), False
    )
    assert card["ids"] == ["su-90"]
    as_dict = SimpleNamespace(mime_type=CLAIM_MIME, content=record_data(id="SU-91"))
    assert ClaimRenderPlugin.handle_mime(None, as_dict, False)[0]["ids"] == ["su-91"]
    assert (
        ClaimRenderPlugin.handle_mime(None, SimpleNamespace(mime_type=CLAIM_MIME, content=content), True)
        is None
    )
    assert (
        ClaimRenderPlugin.handle_mime(None, SimpleNamespace(mime_type="text/plain", content="x"), False)
        is None
    )


class _Translator(HTMLTranslator):
    visit_evidence_details = visit_details
    depart_evidence_details = depart_details

    def visit_claim_record(self, node: nodes.Node) -> None:
        raise nodes.SkipNode


def test_evidence_is_a_details_element_in_html():
    """The evidence block is a <details> whose first paragraph is its <summary>; the record is not shown."""
    document = new_document("card", get_default_settings(Writer))
    document += render_card(make_record())
    translator = _Translator(document)
    document.walkabout(translator)
    html = "".join(translator.body)
    assert '<details class="jsv-evidence">' in html
    assert "<summary>Evidence: what the run observed</summary>" in html
    assert html.count("</details>") == 1 and html.count("Evidence: what the run observed") == 1
    assert "run_id" not in html
