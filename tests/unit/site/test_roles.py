"""The ``{claim}`` role (jsv.site.roles): a registered id becomes a link to its card with its status."""

import logging
from types import SimpleNamespace

from docutils import nodes
from site_fixtures import PAGE, fake_app, make_record, write_site

from jsv.site import roles


def role_in(app, text):
    role = roles.ClaimRole()
    role.text = text
    role.inliner = SimpleNamespace(document=SimpleNamespace(settings=SimpleNamespace(env=app.env)))
    role.get_location = lambda: "threats.md:3"
    app.env.app = app
    return role


def test_a_registered_id_leaves_a_placeholder_and_marks_the_page(tmp_path):
    write_site(tmp_path)
    app = fake_app(tmp_path)
    app.env.docname = "threats"
    (placeholder,), messages = role_in(app, " SU-90 ").run()
    assert isinstance(placeholder, roles.claim_ref) and placeholder["claim_id"] == "SU-90"
    assert messages == []
    assert app.env.jsv_table_docs == {"threats"}  # read again when the records change


def test_an_unknown_id_warns_with_the_location(tmp_path, caplog):
    write_site(tmp_path)
    app = fake_app(tmp_path)
    with caplog.at_level(logging.WARNING):
        (literal,), _ = role_in(app, "SU-99").run()
    assert isinstance(literal, nodes.literal) and literal.astext() == "SU-99"
    assert "{claim}`SU-99` names a claim that is not in the registry" in caplog.text
    assert not hasattr(app.env, "jsv_table_docs")


def resolved(app, docname, *ids):
    paragraph = nodes.paragraph()
    for claim_id in ids:
        paragraph += roles.claim_ref(claim_id=claim_id)
    document = nodes.document(None, None)
    document += paragraph
    roles._resolve(app, document, docname)
    return paragraph.children


def test_resolve_links_to_the_card_with_status_and_title(tmp_path):
    app = fake_app(tmp_path, {PAGE: [make_record(status="failed", title="Token required")]})
    (reference,) = resolved(app, "threats/single-user", "SU-90")
    assert isinstance(reference, nodes.reference)
    assert reference["refuri"] == "../runbooks/area/page.html#su-90"
    assert reference["classes"] == ["jsv-claim-ref", "jsv-failed"]
    assert reference["reftitle"] == "Token required"
    assert reference.astext() == "SU-90 (failed)"
    assert isinstance(reference.children[0], nodes.literal)


def test_resolve_on_the_same_page_and_for_a_page_not_built(tmp_path):
    app = fake_app(tmp_path, {PAGE: [make_record()]})
    same, missing = resolved(app, PAGE, "SU-90", "SU-91")
    assert same["refuri"] == "#su-90"  # the card is on this page
    assert isinstance(missing, nodes.literal) and missing.astext() == "SU-91"


def test_a_column_record_is_not_what_the_role_links(tmp_path):
    app = fake_app(tmp_path, {"matrix": [make_record(column="debian-trixie", page="matrix.html#su-90")]})
    (only,) = resolved(app, "index", "SU-90")
    assert isinstance(only, nodes.literal)
