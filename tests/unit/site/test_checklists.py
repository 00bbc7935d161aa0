"""The ``jsv-checklist`` directive (jsv.site.checklists): fixes grouped by file, in claim order, and the
assembled file it publishes."""

from types import SimpleNamespace

from docutils import nodes
from site_fixtures import fake_app, write_site

from jsv.site import checklists
from jsv.site.roles import claim_ref


def run(app, **options):
    directive = checklists.Checklist.__new__(checklists.Checklist)
    directive.options = options
    directive.state = SimpleNamespace(document=SimpleNamespace(settings=SimpleNamespace(env=app.env)))
    app.env.app = app
    app.env.docname = "checklists/su"
    return directive.run()


def test_fixes_grouped_by_file_in_claim_number_order(tmp_path):
    write_site(tmp_path)
    app = fake_app(tmp_path)
    (section,) = run(app, areas="SU")
    assert section["ids"] == ["checklists-su-jupyter-server-config-py-jupyter-server"]
    assert section.children[0].astext() == "jupyter_server_config.py (Jupyter Server)"
    items = [c for c in section.children if isinstance(c, nodes.paragraph)]
    assert [i.children[0]["claim_id"] for i in items] == ["SU-90", "SU-91", "SU-92", "SU-100"]
    assert items[0].astext() == " — Token required (severity high)"  # the id is filled in by the role
    assert items[2].astext() == " — Only behind a proxy (severity medium) — only if a proxy terminates TLS"
    codes = [c.astext() for c in section.children if isinstance(c, nodes.literal_block)]
    assert codes[2] == "c.ServerApp.trust_xheaders = True"
    assert app.env.jsv_table_docs == {"checklists/su"}


def test_assemble_publishes_one_file_without_conditional_fixes(tmp_path):
    write_site(tmp_path)
    para, block, section = run(fake_app(tmp_path), areas="SU", assemble="jupyter_server_config.py")
    assert para.astext() == (
        "All of this deployment's jupyter_server_config.py fixes in one file: "
        "su-jupyter_server_config.py (shown below)."
    )
    (link,) = para.findall(nodes.reference)
    assert link["refuri"] == "../_static/checklists/su-jupyter_server_config.py"
    assert block.astext() == (
        '# SU-90, SU-91\nc.ServerApp.disable_check_xsrf = False\n\n# SU-100\nc.ServerApp.ip = "127.0.0.1"\n'
    )
    assert block["language"] == "python"
    assert len(list(section.findall(claim_ref))) == 4


def test_an_area_without_claims(tmp_path):
    write_site(tmp_path)
    (para,) = run(fake_app(tmp_path), areas="HUB")
    assert para.astext().startswith("No claims yet for ")


def test_build_finished_writes_the_assembled_files(tmp_path):
    write_site(tmp_path)
    app = fake_app(tmp_path)
    checklists._write(app, None)
    folder = tmp_path / "out" / "_static" / "checklists"
    assert (folder / "su-jupyter_server_config.py").read_text().startswith("# SU-90, SU-91\n")
    assert (folder / "hub-jupyterhub_config.py").read_text() == ""
