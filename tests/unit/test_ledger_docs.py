"""The pages fed by the ledger are read again only when the records or the package can have changed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from jsv.site import ledger_docs

FED = {"docs/claims", "docs/matrix", "runbooks/checklists/hub"}


def _env(digest: str | None) -> SimpleNamespace:
    env = SimpleNamespace(jsv_table_docs=set(FED))
    if digest is not None:
        env.jsv_package_digest = digest
    return env


def test_nothing_changed_reads_none_of_them_again() -> None:
    env = _env(ledger_docs.package_digest())
    assert ledger_docs._outdated(None, env, set(), set(), set()) == []  # type: ignore[arg-type]
    docnames = ["docs/index"]
    ledger_docs._before_read(None, env, docnames)  # type: ignore[arg-type]
    assert docnames == ["docs/index"]


def test_a_runbook_read_again_reads_every_ledger_fed_page_again() -> None:
    env = _env(ledger_docs.package_digest())
    docnames = ["runbooks/single-user/access"]
    ledger_docs._before_read(None, env, docnames)  # type: ignore[arg-type]
    assert set(docnames) == FED | {"runbooks/single-user/access"}
    assert len(docnames) == len(set(docnames))


def test_a_removed_runbook_or_a_changed_package_reads_them_again() -> None:
    env = _env(ledger_docs.package_digest())
    removed = {"runbooks/old/page"}
    assert ledger_docs._outdated(None, env, set(), set(), removed) == sorted(FED)  # type: ignore[arg-type]
    stale = _env("an older package")
    assert ledger_docs._outdated(None, stale, set(), set(), set()) == sorted(FED)  # type: ignore[arg-type]
    assert stale.jsv_package_digest == ledger_docs.package_digest()
    assert ledger_docs._outdated(None, _env(None), set(), set(), set()) == sorted(FED)  # type: ignore[arg-type]


def test_the_package_digest_follows_every_file_of_the_package(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("jsv.site.imports.PACKAGE_DIR", tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "catalogue.json").write_text("{}", encoding="utf-8")
    before = ledger_docs.package_digest()
    (tmp_path / "data" / "catalogue.json").write_text('{"x": 1}', encoding="utf-8")
    assert ledger_docs.package_digest() != before
