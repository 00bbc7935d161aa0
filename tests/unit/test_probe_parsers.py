"""Pure parse steps of the probes, on canned command output."""

from jsv.environments.machine import CommandResult
from jsv.environments.net_client import HttpReply, _display_command
from jsv.probes import parse_ps, parse_ss, parse_stat
from jsv.probes.login import status_of


def result(stdout="", stderr="", code=0, command="curl x"):
    return CommandResult("client", "root", command, code, stdout, stderr)


def test_parse_stat():
    assert parse_stat("600 alice alice /home/alice/a b.json\n") == (
        0o600,
        "alice",
        "alice",
        "/home/alice/a b.json",
    )


def test_parse_ss_tcp_and_unix():
    tcp = "LISTEN 0 128 127.0.0.1:8888 0.0.0.0:*\nLISTEN 0 128 [::1]:8888 [::]:*\n"
    unix = "u_str LISTEN 0 128 /tmp/jupyter.sock 12345 * 0\n"
    assert [repr(x) for x in parse_ss(tcp, "tcp")] == ["tcp:127.0.0.1:8888", "tcp:[::1]:8888"]
    assert [repr(x) for x in parse_ss(unix, "unix")] == ["unix:/tmp/jupyter.sock"]


def test_parse_ps():
    text = "alice    /opt/jupyter/bin/python3 /opt/jupyter/bin/jupyter-server --ip=0.0.0.0\n"
    assert parse_ps(text) == [
        ("alice", "/opt/jupyter/bin/python3 /opt/jupyter/bin/jupyter-server --ip=0.0.0.0")
    ]


def test_http_reply_status_headers_and_errors():
    headers = "HTTP/1.1 403 Forbidden\r\nContent-Security-Policy: a: b\r\n\r\n"
    ok = HttpReply.parse(result("{}", headers + "\njsv-http-code=403\n"))
    assert ok.status == 403
    assert ok.outcome == "HTTP 403"
    assert ok.headers == {"content-security-policy": "a: b"}
    assert ok.body == "{}"
    refused = HttpReply.parse(result("", "curl: (7) Failed to connect\n\njsv-http-code=000\n", code=7))
    assert refused.outcome == "connection refused" and refused.error == "curl: (7) Failed to connect"
    empty = HttpReply.parse(result("", "curl: (52) Empty reply from server\n\njsv-http-code=000\n", code=52))
    assert empty.outcome == "empty reply"


def test_http_reply_keeps_no_body_of_a_transfer_that_failed():
    """A WebSocket handshake: 101, then curl stops at --max-time (exit 28) with a partial stream."""
    upgraded = HttpReply.parse(
        result("\x81\x05", "HTTP/1.1 101 Switching Protocols\r\n\r\n\njsv-http-code=101\n", 28)
    )
    assert upgraded.outcome == "HTTP 101" and upgraded.body == ""


def test_display_command_hides_bookkeeping_flags():
    shown = _display_command(
        "curl -sS -k --max-time 10 -D /dev/stderr -o /tmp/body -w %{http_code} http://jupyter:8888/api"
    )
    assert shown == ["curl", "-sS", "-k", "--max-time", "10", "http://jupyter:8888/api"]


def test_status_of_last_line():
    assert status_of(result("POST /login: 302\n403\n")) == 403
    assert status_of(result("")) == 0


def test_curl_browser_cookie_flags_read_from_a_netscape_jar(tmp_path):
    """The awk program and the parse, on a jar as curl writes it (values never read)."""
    import subprocess

    from jsv.probes.curl_browser import CurlBrowser

    jar = tmp_path / "jar"
    jar.write_text(
        "# Netscape HTTP Cookie File\n\n"
        "#HttpOnly_tls\tFALSE\t/\tTRUE\t0\tusername-tls-8888\tsecret-value\n"
        "tls\tFALSE\t/\tFALSE\t0\t_xsrf\tother-value\n"
        "plain\tFALSE\t/\tFALSE\t0\t_xsrf\tthird-value\n"
    )

    class LocalShell:
        def run(self, command):
            ran = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
            assert "value" not in ran.stdout
            return result(ran.stdout, ran.stderr, ran.returncode, command)

    browser = CurlBrowser(LocalShell(), jar=str(jar))  # type: ignore[arg-type]
    assert browser.cookie_flags("username-tls-8888", "tls") == {"HttpOnly", "Secure"}
    assert browser.cookie_flags("_xsrf", "tls") == frozenset()
    assert browser.cookie_flags("_xsrf", "elsewhere") is None
