import io
import json
import os

import pytest

from jsv import leaks as leak_records
from jsv import redaction


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch, tmp_path):
    monkeypatch.setenv(redaction.SECRETS_FILE_ENV, str(tmp_path / "secrets" / "s.txt"))
    redaction.forget_all()
    yield tmp_path / "secrets" / "s.txt"
    redaction.forget_all()


def test_redacts_every_occurrence():
    token = redaction.new_token("server-token")
    text = f"GET /?token={token} and again {token}"
    assert redaction.redact(text) == ("GET /?token=«redacted:server-token» and again «redacted:server-token»")


def test_longest_secret_first():
    redaction.register("abcdef", "short")
    redaction.register("abcdefghij", "long")
    assert redaction.redact("xabcdefghijx") == "x«redacted:long»x"


def test_rejects_short_values():
    with pytest.raises(ValueError):
        redaction.register("abc", "tiny")


def test_records_values_privately(empty_registry):
    token = redaction.new_token("t")
    assert redaction.recorded_secrets(empty_registry) == [token]
    assert empty_registry.stat().st_mode & 0o777 == 0o600


def test_stream_wrapper_redacts_across_writes():
    token = redaction.new_token("t")
    sink = io.StringIO()
    stream = redaction.RedactingStream(sink)
    stream.write("token=" + token[:10])
    stream.write(token[10:] + "\nnext")
    stream.flush()
    assert token not in sink.getvalue()
    assert sink.getvalue() == "token=«redacted:t»\nnext"


def test_records_label_and_value(empty_registry):
    token = redaction.new_token("server token\twith tab")
    assert empty_registry.read_text() == f"server token with tab\t{token}\n"
    assert redaction.recorded_labelled_secrets(empty_registry) == [
        redaction.RecordedSecret("server token with tab", token)
    ]


def test_reads_bare_value_lines_of_an_older_file(empty_registry):
    empty_registry.parent.mkdir(parents=True)
    empty_registry.write_text("oldvalue123\nlabel\tnewvalue456\n\n")
    assert redaction.recorded_secrets(empty_registry) == ["oldvalue123", "newvalue456"]
    assert [r.label for r in redaction.recorded_labelled_secrets(empty_registry)] == [
        redaction.UNLABELLED,
        "label",
    ]


def test_records_each_line_of_a_multiline_value(empty_registry):
    redaction.register("-----BEGIN KEY-----\nMIIEvQIBADAN\nab\n", "key")
    assert redaction.recorded_secrets(empty_registry) == ["-----BEGIN KEY-----", "MIIEvQIBADAN"]


def test_open_prefix_length():
    redaction.register("abcdef123456", "t")
    assert redaction.open_prefix_length("x=abc") == 3
    assert redaction.open_prefix_length("x=abcdef12345") == 11
    assert redaction.open_prefix_length("x=abd") == 0
    assert redaction.open_prefix_length("done\n") == 0
    assert redaction.open_prefix_length("") == 0


class FakeSession:
    """The part of jupyter_client.Session that the kernel filter uses."""

    def __init__(self):
        self.sent = []
        self._count = 0

    def msg(self, msg_type, content=None, parent=None, header=None, metadata=None):
        self._count += 1
        parent_header = (parent or {}).get("header", parent or {})
        return {
            "header": header or {"msg_type": msg_type, "msg_id": f"m{self._count}"},
            "parent_header": parent_header,
            "content": content or {},
            "metadata": metadata or {},
        }

    def send(self, stream, msg_or_type, content=None, parent=None, ident=None, **kwargs):
        msg = msg_or_type if isinstance(msg_or_type, dict) else self.msg(msg_or_type, content, parent)
        self.sent.append((stream, ident, msg))
        return msg

    def texts(self):
        return [(m["header"]["msg_type"], m["content"].get("text", m["content"])) for _, _, m in self.sent]


CELL = {"header": {"msg_id": "cell-1", "msg_type": "execute_request"}}


def stream_msg(session, text, name="stdout", parent=CELL):
    return session.msg("stream", {"name": name, "text": text}, parent=parent)


def test_kernel_filter_redacts_a_secret_split_across_stream_messages():
    token = redaction.register("0123456789abcdef0123", "t")
    session = FakeSession()
    send = redaction.install_kernel_filter(session)
    assert redaction.install_kernel_filter(session) is send  # idempotent
    send("iopub", stream_msg(session, "token=" + token[:7]), ident=b"stream.stdout")
    send("iopub", stream_msg(session, token[7:15]), ident=b"stream.stdout")
    send("iopub", stream_msg(session, token[15:] + " done\n"), ident=b"stream.stdout")
    send("iopub", "status", {"execution_state": "idle"}, parent=CELL)
    published = "".join(text for kind, text in session.texts() if kind == "stream")
    assert token not in published
    assert published == "token=«redacted:t» done\n"
    assert all(
        ident == b"stream.stdout" for _, ident, m in session.sent if m["header"]["msg_type"] == "stream"
    )


def test_kernel_filter_holds_a_possible_secret_start_until_the_cell_is_idle():
    token = redaction.register("0123456789abcdef0123", "t")
    session = FakeSession()
    send = redaction.install_kernel_filter(session)
    send("iopub", stream_msg(session, "value 0123"), ident=b"stream.stdout")  # could start the token
    # stderr is flushed on its own timer: it must not release stdout's half of a token
    send("iopub", stream_msg(session, "warning\n", name="stderr"), ident=b"stream.stderr")
    send("iopub", "status", {"execution_state": "idle"}, parent={"header": {"msg_id": "other"}})
    assert session.texts()[:2] == [("stream", "value "), ("stream", "warning\n")]
    send("iopub", stream_msg(session, "456789abcdef0123 and 0123"), ident=b"stream.stdout")
    send("iopub", "status", {"execution_state": "idle"}, parent=CELL)
    assert session.texts()[3:] == [
        ("stream", "«redacted:t» and "),
        ("stream", "0123"),
        ("status", {"execution_state": "idle"}),
    ]
    released = session.sent[4]
    assert released[1] == b"stream.stdout" and released[2]["parent_header"]["msg_id"] == "cell-1"
    assert token not in str(session.sent)


def test_kernel_filter_flush_sends_what_is_held():
    redaction.register("0123456789abcdef0123", "t")
    session = FakeSession()
    send = redaction.install_kernel_filter(session)
    send("iopub", stream_msg(session, "x 01"), ident=b"stream.stdout")
    send.flush()
    assert session.texts() == [("stream", "x "), ("stream", "01")]


def test_kernel_filter_redacts_displays_results_errors_and_replies():
    token = redaction.register("0123456789abcdef0123", "t")
    session = FakeSession()
    send = redaction.install_kernel_filter(session)
    send("iopub", session.msg("display_data", {"data": {"text/html": f"<b>{token}</b>"}, "metadata": {}}))
    send("iopub", "execute_result", {"data": {"text/plain": repr(token)}}, parent=CELL)
    send("iopub", "error", {"ename": "E", "evalue": token, "traceback": [f"E: {token}"]}, parent=CELL)
    send("shell", "execute_reply", {"status": "error", "evalue": token, "traceback": [token]}, parent=CELL)
    assert token not in str(session.sent)
    assert str(session.sent).count("«redacted:t»") == 6


def test_kernel_filter_catches_fd_level_output_of_a_real_kernel(monkeypatch, tmp_path):
    """os.write(1, ...) and a subprocess inheriting stdout, in an ipykernel driven by jupyter_client."""
    from jupyter_client.manager import start_new_kernel

    # ipykernel does not capture fd 1/2 when it sees PYTEST_CURRENT_TEST (iostream.OutStream.__init__)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.setenv(redaction.SECRETS_FILE_ENV, str(tmp_path / "kernel-secrets.txt"))
    monkeypatch.setenv(leak_records.LEAKS_FILE_ENV, str(tmp_path / "kernel-leaks.txt"))
    manager, client = start_new_kernel(kernel_name="python3")
    try:

        def run(code):
            out = {"stdout": "", "stderr": ""}

            def hook(msg):
                if msg["msg_type"] == "stream":
                    out[msg["content"]["name"]] += msg["content"]["text"]

            reply = client.execute_interactive(code, output_hook=hook, timeout=60)
            assert reply["content"]["status"] == "ok", reply["content"]
            return out["stdout"] + "\n--- stderr ---\n" + out["stderr"]

        leak = (
            "import os, subprocess, sys, time\n"
            "os.write(1, ('fd ' + token + '\\n').encode())\n"
            "subprocess.run(['echo', 'child', token], check=True)\n"
            "os.write(2, ('fd2 ' + token + '\\n').encode())\n"
            "os.write(1, ('split ' + token[:9]).encode()); time.sleep(0.6)\n"
            "os.write(1, (token[9:] + ' end\\n').encode()); time.sleep(0.6)\n"
        )
        before = run("token = 'fd' + '0123456789abcdef' * 2\n" + leak)
        token = "fd" + "0123456789abcdef" * 2
        assert f"fd {token}" in before  # the kernel does publish fd-level output: the control
        after = run(
            "from jsv.redaction import register\n"
            "from jsv.runbook import setup_runbook\n"
            "setup_runbook()\n"
            "register(token, 'fd-token')\n" + leak
        )
        assert token not in after
        assert "fd «redacted:fd-token»" in after
        assert "child «redacted:fd-token»" in after
        assert "fd2 «redacted:fd-token»" in after
        assert "split «redacted:fd-token» end" in after
        leaks = leak_records.pending_leaks(tmp_path / "kernel-leaks.txt", os.getcwd())
        assert [leak.label for leak in leaks] == ["fd-token"]  # once for the cell, not per write
        assert token not in (tmp_path / "kernel-leaks.txt").read_text()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_stream_wrapper_flush_holds_a_possible_secret_start_until_release():
    token = redaction.register("0123456789abcdef0123", "t")
    sink = io.StringIO()
    stream = redaction.RedactingStream(sink)
    stream.write("split: " + token[:9])
    stream.flush()  # print(..., end="", flush=True)
    assert sink.getvalue() == "split: "
    stream.write(token[9:] + " end")
    stream.flush()
    assert sink.getvalue() == "split: «redacted:t» end"
    stream.write(" 0123")
    stream.flush()
    stream.release()  # the end of the cell
    assert sink.getvalue() == "split: «redacted:t» end 0123"


def test_recorded_redactor_reads_values_registered_meanwhile(tmp_path):
    path = tmp_path / "secrets.txt"
    redact_line = redaction.RecordedRedactor(path)
    assert redact_line("no file yet abcdef123456\n") == "no file yet abcdef123456\n"
    path.write_text("server token\tabcdef123456\n")
    assert redact_line("GET /?token=abcdef123456\n") == "GET /?token=«redacted:server token»\n"
    with path.open("a") as handle:
        handle.write("bare123456789\nhub\tzyxwvu98765")  # the last line is still being written
    assert redact_line("bare123456789 zyxwvu98765") == "«redacted:unlabelled» zyxwvu98765"
    with path.open("a") as handle:
        handle.write("4\n")
    assert redact_line("zyxwvu987654 abcdef123456") == "«redacted:hub» «redacted:server token»"
    path.unlink()
    assert redact_line("abcdef123456") == "abcdef123456"


PAGE = """# page

```{code-cell} ipython3
setup_runbook()
```

```{code-cell} ipython3
import os
os.write(1, token.encode())
```
"""


def _leaking_filter(tmp_path, monkeypatch):
    page = tmp_path / "site" / "runbooks" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE)
    leaks = tmp_path / "leaks.txt"
    monkeypatch.setenv(leak_records.LEAKS_FILE_ENV, str(leaks))
    monkeypatch.setenv(leak_records.SITE_SOURCE_ENV, str(tmp_path / "site"))
    session = FakeSession()
    send = redaction.install_kernel_filter(session)
    send.directory = str(page.parent)
    return page, leaks, session, send


def test_kernel_filter_records_a_secret_in_a_stream_once_per_cell(tmp_path, monkeypatch):
    token = redaction.register("0123456789abcdef0123", "fd-token")
    page, leaks, session, send = _leaking_filter(tmp_path, monkeypatch)
    send(
        "iopub",
        "execute_input",
        {"code": "import os\nos.write(1, token.encode())", "execution_count": 2},
        parent=CELL,
    )
    send("iopub", stream_msg(session, "clean output\n"), ident=b"stream.stdout")
    assert not leaks.exists()
    send("iopub", stream_msg(session, "fd " + token[:5]), ident=b"stream.stdout")
    send("iopub", stream_msg(session, token[5:] + "\n"), ident=b"stream.stdout")
    send("iopub", stream_msg(session, token + "\n", name="stderr"), ident=b"stream.stderr")
    send("iopub", "status", {"execution_state": "idle"}, parent=CELL)
    assert token not in str(session.sent)
    assert token not in leaks.read_text()
    assert leaks.stat().st_mode & 0o777 == 0o600
    found = leak_records.pending_leaks(leaks, tmp_path / "site")
    assert found == [leak_records.Leak("fd-token", str(page.resolve()), str(page.parent), 8)]
    assert leak_records.pending_leaks(leaks, tmp_path) == []  # a site the page lies in, not its own
    assert found[0].error_line(tmp_path / "site") == (
        "error: site build failed: runbooks/page.md:8: a cell wrote secret «fd-token» to its output "
        "at the file-descriptor level (os.write / subprocess); redacted, but fix the cell "
        "(capture the output and pass it through redact())"
    )


def test_kernel_filter_records_no_leak_for_redacted_streams_or_displays(tmp_path, monkeypatch):
    token = redaction.register("0123456789abcdef0123", "t")
    _page, leaks, session, send = _leaking_filter(tmp_path, monkeypatch)
    send("iopub", stream_msg(session, redaction.redact(f"python level {token}\n")), ident=b"stream.stdout")
    send("iopub", "display_data", {"data": {"text/plain": token}, "metadata": {}}, parent=CELL)
    send("iopub", "status", {"execution_state": "idle"}, parent=CELL)
    assert token not in str(session.sent)
    assert not leaks.exists()


def test_a_leak_without_a_known_cell_names_the_page_or_its_directory(tmp_path, monkeypatch):
    token = redaction.register("0123456789abcdef0123", "t")
    page, leaks, session, send = _leaking_filter(tmp_path, monkeypatch)
    send("iopub", stream_msg(session, token + "\n", parent={"header": {"msg_id": "unknown"}}))
    send.page = str(page)
    send("iopub", stream_msg(session, token + "\n"), ident=b"stream.stdout")
    found = leak_records.pending_leaks(leaks, tmp_path / "site")
    assert [leak.where(tmp_path / "site") for leak in found] == [
        "runbooks/ (page not found)",
        "runbooks/page.md",
    ]


def _leak_record(leaks, event, page, **fields):
    with leaks.open("a") as handle:
        handle.write(
            json.dumps({"event": event, "page": str(page), "dir": str(page.parent), **fields}) + "\n"
        )


def test_pending_leaks_stand_until_the_page_runs_again(tmp_path):
    site = tmp_path / "site"
    (site / "runbooks").mkdir(parents=True)
    one, two, gone = (site / "runbooks" / f"{name}.md" for name in ("one", "two", "gone"))
    one.write_text("x")
    two.write_text("x")
    elsewhere = tmp_path / "other" / "page.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text("x")
    leaks = tmp_path / "leaks.txt"
    _leak_record(leaks, "executed", one)
    _leak_record(leaks, "leak", one, label="a", line=3)
    _leak_record(leaks, "leak", two, label="b", line=4)  # a page served from the cache later
    _leak_record(leaks, "leak", gone, label="c", line=5)  # a page that was deleted
    _leak_record(leaks, "leak", elsewhere, label="d", line=6)  # outside the site
    _leak_record(leaks, "leak", two, label="e", line=7, site=str(tmp_path))  # a site around this one
    _leak_record(leaks, "executed", one)  # one runs again, now without leaking
    _leak_record(leaks, "leak", two, label="b", line=4, site=str(site))
    leaks.write_text(leaks.read_text() + "not json\n")
    assert leak_records.pending_leaks(leaks, site) == [leak_records.Leak("b", str(two), str(two.parent), 4)]
    assert leak_records.pending_leaks(tmp_path / "missing.txt", site) == []


def test_locate_cell_in_a_notebook(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# t"]},
            {"cell_type": "code", "source": ["x = 1"]},
            {"cell_type": "code", "source": ["import os\n", "os.write(1, b'x')"]},
        ]
    }
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook))
    where = leak_records.locate_cell("import os\nos.write(1, b'x')\n", str(tmp_path))
    assert where == (str((tmp_path / "nb.ipynb").resolve()), 2, True)
    assert leak_records.locate_cell("print()", str(tmp_path)) == (None, None, False)
    leak = leak_records.Leak("t", where[0], str(tmp_path), 2, True)
    assert leak.where(tmp_path) == "nb.ipynb cell 2"
