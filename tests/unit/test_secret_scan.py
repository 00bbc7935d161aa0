import os
import secrets
import time
from pathlib import Path

import pytest

from jsv import secret_scan
from jsv.redaction import RecordedSecret
from jsv.secret_scan import Hit, scan_tree

TOKEN = "4f1c2a9be07d55aa31c8"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "_build"
    (root / "html" / "runbooks").mkdir(parents=True)
    (root / ".jupyter_cache").mkdir()
    (root / "doctrees").mkdir()
    (root / "html" / "index.html").write_text("<p>nothing here</p>")
    (root / "doctrees" / "page.doctree").write_bytes(b"\x80\x04pickle without secrets")
    return root


def test_clean_tree(tree):
    result = scan_tree(tree, [RecordedSecret("server-token", TOKEN)])
    assert result.clean
    assert result.hits == ()
    assert result.files == 2 and result.secrets == 1
    assert result.error_lines() == []


def test_one_line_per_file_and_label_never_the_value(tree):
    (tree / "html" / "runbooks" / "page.html").write_text(f"<pre>?token={TOKEN} and {TOKEN}</pre>")
    (tree / ".jupyter_cache" / "nb.ipynb").write_bytes(b'{"text": "' + TOKEN.encode() + b'"}')
    secrets_ = [RecordedSecret("server-token", TOKEN), RecordedSecret("other", "zzzzzzzzzz")]
    result = scan_tree(tree, secrets_)
    assert not result.clean
    assert result.hits == (
        Hit(Path(".jupyter_cache/nb.ipynb"), "server-token"),
        Hit(Path("html/runbooks/page.html"), "server-token"),
    )
    lines = result.error_lines("_build")
    assert lines == [
        "error: site build failed: secret «server-token» published in _build/.jupyter_cache/nb.ipynb",
        "error: site build failed: secret «server-token» published in _build/html/runbooks/page.html",
    ]
    assert all(TOKEN not in line for line in lines)
    assert TOKEN not in result.summary() and TOKEN not in repr(result)


def test_finds_html_and_json_escaped_forms(tree):
    value = 'pa"ss<&>word'
    (tree / "html" / "a.html").write_text("<code>pa&quot;ss&lt;&amp;&gt;word</code>")
    (tree / "html" / "b.json").write_text('{"v": "pa\\"ss<&>word"}')
    result = scan_tree(tree, [RecordedSecret("password", value)])
    assert [str(hit.path) for hit in result.hits] == ["html/a.html", "html/b.json"]


def test_a_value_recorded_under_two_labels_and_binary_files(tree):
    (tree / "doctrees" / "x.doctree").write_bytes(b"\x00\xff" + TOKEN.encode() + b"\x00")
    result = scan_tree(tree, [RecordedSecret("a", TOKEN), RecordedSecret("b", TOKEN)])
    assert [hit.label for hit in result.hits] == ["a", "b"]
    assert result.secrets == 1


def test_symlinked_directories_are_not_followed(tree, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.txt").write_text(TOKEN)
    os.symlink(outside, tree / "html" / "link")
    assert scan_tree(tree, [RecordedSecret("t", TOKEN)]).clean


def test_unreadable_file_fails_the_scan(tree, monkeypatch):
    locked = tree / "html" / "locked.html"
    locked.write_text("x")
    real = Path.read_bytes

    def read_bytes(self):
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = scan_tree(tree, [RecordedSecret("t", TOKEN)])
    assert not result.clean
    assert result.error_lines("_build") == [
        "error: site build failed: cannot read _build/html/locked.html to scan it for secrets"
    ]


@pytest.mark.parametrize("count", [3, secret_scan.REGEX_FROM + 50])
def test_many_secrets_take_the_prefilter_path_and_stay_exact(tree, count):
    values = [secrets.token_hex(20) for _ in range(count)]
    values.append("short1")  # shorter than the prefix length
    (tree / "html" / "p.html").write_text(f"x{values[-2][:-1]}x {values[count // 2]} short1")
    result = scan_tree(tree, [RecordedSecret(f"s{i}", v) for i, v in enumerate(values)])
    assert {hit.label for hit in result.hits} == {f"s{count // 2}", f"s{count}"}


def test_trie_regex_matches_where_any_prefix_starts():
    pattern = secret_scan._trie_regex([b"abcd", b"abx", b"zz", b"a.c"])
    assert pattern.search(b"--abx--") and pattern.search(b"zz") and pattern.search(b"a.c")
    assert not pattern.search(b"abc ab a-c z") and not pattern.search(b"")
    assert not secret_scan._trie_regex([]).search(b"anything")


def test_scan_of_a_few_megabytes_is_quick(tree):
    chunk = ("<div>" + "lorem ipsum 0123456789abcdef " * 30 + "</div>\n").encode()
    for i in range(5):
        (tree / "html" / f"big{i}.html").write_bytes(chunk * 2000)  # ~1.8 MB each
    values = [RecordedSecret(f"s{i}", secrets.token_hex(24)) for i in range(100)]
    started = time.perf_counter()
    result = scan_tree(tree, values)
    assert result.clean and result.bytes_read > 8_000_000
    assert time.perf_counter() - started < 10


def test_a_secret_is_found_in_lower_case_as_the_search_index_stores_words(tmp_path):
    from jsv.redaction import RecordedSecret
    from jsv.secret_scan import scan_tree

    (tmp_path / "searchindex.js").write_text('Search.setIndex({"terms": {"pw4xkqzt9mrbn2": [3]}})')
    result = scan_tree(tmp_path, [RecordedSecret("login-password", "Pw4XkQzT9mRbN2")])
    assert not result.clean
