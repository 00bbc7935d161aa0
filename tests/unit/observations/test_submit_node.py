"""The parsers of the submit-node probes (HTC-17 to HTC-19), on output of a real run of the page."""

from __future__ import annotations

import pytest

from jsv.observations.submit_node import (
    ENV_PROBES,
    FROM_BOB,
    PRELOADED,
    RAN_AS,
    SUDO_PROBES,
    bob_outcome,
    environment_outcome,
    last_line,
    notebook_answers,
    probe_description,
    sections,
    sudo_refusal,
)

HUB_ACCOUNT_SUDO = """\
### hub account: sudo -u alice /bin/sh
sudo: a password is required
### hub account: sudo -u root id
root
### hub account: sudo -u mallory condor_q


-- Schedd: submit : <192.168.48.4:9618?... @ 12/07/26 21:42:12
Total for all users: 2 jobs; 0 completed, 0 removed, 1 idle, 1 running, 0 held, 0 suspended
"""

HARDENED_PROBE = """\
# mallory (mallory) on jupyter-node, 192.168.32.3
# alice's listening sockets:
127.0.0.1:42217
0.0.0.0:56675
### port 42217 on 127.0.0.1
http /user/alice/api -> 000 curl-exit 7 curl: (7) Failed to connect to 127.0.0.1 port 42217
### port 56675 on 192.168.32.3
http /user/alice/api -> 000 curl-exit 56 curl: (56) Recv failure: Connection reset by peer
http /user/alice/api/contents -> 000 curl-exit 56 curl: (56) Recv failure: Connection reset by peer
http /user/alice/ -> 000 curl-exit 56 curl: (56) Recv failure: Connection reset by peer
https /user/alice/api -> 000 curl-exit 56 curl: (56) OpenSSL SSL_read: OpenSSL/3.5.9: error:0A00045C:SSL \
routines::tlsv13 alert certificate required
"""

STOCK_PROBE = """\
# mallory (mallory) on jupyter-node, 192.168.48.3
# alice's listening sockets:
0.0.0.0:37415
### port 37415 on 192.168.48.3
http /user/alice/api -> 200 curl-exit 0 {"version": "2.21.1"}
http /user/alice/api/contents -> 403 curl-exit 0 {"message": "Forbidden", "reason": null}
http /user/alice/ -> 200 curl-exit 0 <!DOCTYPE HTML><html><head>    <meta charset="utf-8">
https /user/alice/api -> 000 curl-exit 28 curl: (28) Operation timed out after 3001 milliseconds
"""


def test_sections_split_on_headers_and_ignore_the_preamble() -> None:
    found = sections(HUB_ACCOUNT_SUDO)
    assert list(found) == list(SUDO_PROBES)[:3]
    assert found["hub account: sudo -u root id"] == "root"
    assert last_line(found["hub account: sudo -u mallory condor_q"]).startswith("Total for all users")
    assert sections("no header\nat all") == {}


def test_sudo_refusal_is_sudos_own_line() -> None:
    assert sudo_refusal("x\nsudo: a password is required\n") == "sudo: a password is required"
    assert sudo_refusal("root") == ""
    assert last_line("\n \n") == ""


@pytest.mark.parametrize(
    ("name", "text", "outcome"),
    [
        (
            "PATH of the hub account on the sudo command line",
            "sudo: sorry, you are not allowed to set the following environment variables: PATH",
            "sudo: sorry, you are not allowed to set the following environment variables: PATH",
        ),
        (
            "PATH of the hub account on the sudo command line",
            f"{RAN_AS} alice\n{RAN_AS} alice",
            f"{RAN_AS} alice",
        ),
        (
            "LD_PRELOAD of the hub account on the sudo command line",
            "ERROR: ld.so: object '/tmp/hub-bin/preload.so' from LD_PRELOAD cannot be preloaded "
            "(cannot open shared object file): ignored.\nERROR: Can't find address of local schedd",
            PRELOADED,
        ),
        (
            "sudo -E of the submit wrapper",
            "sudo: sorry, you are not allowed to preserve the environment",
            "sudo: sorry, you are not allowed to preserve the environment",
        ),
        (
            "sudo -E of the submit wrapper",
            "/usr/local/bin/jsv-condor-submit: 11: cannot create /srv/jupyterhub/.jupyterhub-env",
            "the wrapper ran with the hub account's environment",
        ),
    ],
)
def test_environment_outcome(name: str, text: str, outcome: str) -> None:
    assert name in ENV_PROBES
    assert environment_outcome(name, text) == outcome


def test_a_tls_notebook_answers_nothing() -> None:
    assert notebook_answers(HARDENED_PROBE) == {
        "alice's notebook port seen by mallory": True,
        "notebook answers mallory": False,
        "GET /user/alice/api without a token": None,
        "GET /user/alice/api/contents without a token": None,
        "GET /user/alice/ without a token": None,
        "HTTPS without a client certificate": "refused in the TLS handshake (certificate required)",
    }


def test_a_plain_notebook_answers_without_a_token() -> None:
    assert notebook_answers(STOCK_PROBE) == {
        "alice's notebook port seen by mallory": True,
        "notebook answers mallory": True,
        "GET /user/alice/api without a token": 200,
        "GET /user/alice/api/contents without a token": 403,
        "GET /user/alice/ without a token": 200,
        "HTTPS without a client certificate": "no answer (curl exit 28)",
    }


def test_no_socket_of_alice() -> None:
    answers = notebook_answers("# alice's listening sockets:\n")
    assert answers["alice's notebook port seen by mallory"] is False


def test_probe_description_names_the_node() -> None:
    description = probe_description("jupyter-node")
    assert 'requirements = (Machine == "jupyter-node")' in description
    assert description.endswith("queue\n")


def test_bob_outcome() -> None:
    refused = (
        "bob's notebook: https://192.168.32.3:5/user/alice/api -> 000 curl-exit 56 curl: (56) OpenSSL "
        "SSL_read: OpenSSL/3.5.9: error:0A000418:SSL routines::tlsv1 alert unknown ca"
    )
    answered = "# no certificate\nbob's notebook: http://h:5/user/alice/api -> 200 curl-exit 0 {}"
    assert bob_outcome(refused) == "refused in the TLS handshake (unknown ca)"
    assert bob_outcome(answered) == "HTTP 200"
    assert bob_outcome("pgrep found nothing") is None
    assert FROM_BOB.startswith("GET /user/alice/api from bob's notebook")
