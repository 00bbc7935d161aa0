import io

import pytest

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
