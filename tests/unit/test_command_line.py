"""Secrets stay off command lines: Machine.run's refusal, and curl reading them from its environment."""

from __future__ import annotations

import pytest

from jsv import redaction
from jsv.environments.command_line import curl_from_environment, curl_token_header, refuse_secrets
from jsv.environments.net_client import secrets_as_curl_variables
from jsv.errors import ConfigurationError


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch, tmp_path):
    monkeypatch.setenv(redaction.SECRETS_FILE_ENV, str(tmp_path / "s.txt"))
    redaction.forget_all()
    yield
    redaction.forget_all()


@pytest.mark.parametrize("as_argv", [False, True])
def test_a_registered_secret_on_a_command_is_refused_by_label_never_by_value(as_argv):
    token = redaction.new_token("hardened-token")
    command = ["curl", "-H", f"Authorization: token {token}", "http://x/"]
    with pytest.raises(ConfigurationError) as refused:
        refuse_secrets(command if as_argv else " ".join(command), "client")
    message = str(refused.value)
    assert "«hardened-token»" in message and token not in message and "\n" not in message


def test_a_command_without_secrets_passes():
    redaction.new_token("hardened-token")
    refuse_secrets(["curl", "-H", "Authorization: token $T"], "client")
    refuse_secrets('curl -H "Authorization: token $T"', "client")


def test_curl_options_name_only_the_variable():
    assert curl_token_header("T") == '--variable %T --expand-header "Authorization: token {{T}}"'
    assert curl_from_environment("P", "data-urlencode", "password={}") == (
        '--variable %P --expand-data-urlencode "password={{P}}"'
    )


def test_curl_arguments_read_each_secret_from_the_environment():
    token = redaction.new_token("hardened-token")
    cookie = redaction.register("c00kie-value", "cookie _xsrf")
    arguments = [
        "-X", "POST",
        "-H", f"Authorization: token {token}",
        "-H", "Origin: http://evil.example",
        "-b", f"_xsrf={cookie}",
        f"http://server:8888/api/contents?token={token}",
    ]  # fmt: skip
    rewritten, environment = secrets_as_curl_variables(arguments)
    assert all(token not in part and cookie not in part for part in rewritten)
    assert environment == {"JSV_HARDENED_TOKEN": token, "JSV_COOKIE_XSRF": cookie}
    assert rewritten == [
        "--variable", "%JSV_HARDENED_TOKEN",
        "--variable", "%JSV_COOKIE_XSRF",
        "-X", "POST",
        "--expand-header", "Authorization: token {{JSV_HARDENED_TOKEN}}",
        "-H", "Origin: http://evil.example",
        "--expand-cookie", "_xsrf={{JSV_COOKIE_XSRF}}",
        "--expand-url", "http://server:8888/api/contents?token={{JSV_HARDENED_TOKEN}}",
    ]  # fmt: skip
    refuse_secrets(["curl", *rewritten], "client")


def test_curl_arguments_without_secrets_are_unchanged():
    arguments = ["-H", "Origin: http://evil.example", "http://server:8888/api/status"]
    assert secrets_as_curl_variables(arguments) == (arguments, {})
