"""The pre-execution hands its page keys to Sphinx (jsv.pages.page_key), only for the same text."""

from jsv import pages
from jsv.pages import KEYS_FILE_ENV, page_key, write_keys

TEXT = "---\njsv:\n  images: [net-client]\n---\n# A page\n"
KEY = {"images": {"net-client": "jsv/net-client:abc"}, "jsv": "0123", "claims": ""}


def test_sphinx_takes_the_recorded_key_of_an_unchanged_page(tmp_path, monkeypatch):
    page, keys = tmp_path / "page.md", tmp_path / "_build" / "runbook-keys.json"
    page.write_text(TEXT)
    write_keys(keys, {page: (TEXT, KEY)})
    monkeypatch.setenv(KEYS_FILE_ENV, str(keys))

    def not_again(source, path):
        raise AssertionError("the key was computed a second time")

    monkeypatch.setattr(pages, "runbook_key", not_again)
    assert page_key(TEXT, page) == KEY


def test_a_page_whose_text_changed_since_is_keyed_afresh(tmp_path, monkeypatch):
    page, keys = tmp_path / "page.md", tmp_path / "runbook-keys.json"
    write_keys(keys, {page: (TEXT, KEY)})
    monkeypatch.setenv(KEYS_FILE_ENV, str(keys))
    monkeypatch.setattr(pages, "runbook_key", lambda source, path: {"fresh": source})
    assert page_key(TEXT + "edited\n", page) == {"fresh": TEXT + "edited\n"}
    monkeypatch.delenv(KEYS_FILE_ENV)
    assert page_key(TEXT, page) == {"fresh": TEXT}  # no file named: always computed
