"""No credentials is a position, not a gap: what the audit decides as an anonymous client (issue 35, item 6).

An audit without a token is what anyone on the network can do.  Before the
checks run, :func:`~jsv.audit.target.requires_credentials` asks the API
without credentials.  A target that answers needs no credentials at all: the
report says so in its first line, and every check that needs a token runs
without one (the target asks for none).  On a target that refuses, the checks
in :data:`ANONYMOUS_CHECKS` still run: their anonymous half decides them.
The claims in :data:`OPENNESS` are the ones a target that answers an anonymous
client fails; their failures head the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jsv.claims import Observation
from jsv.errors import NotInPosition
from jsv.observations.remote.single_user import kernel_handshake
from jsv.probes.http import Browser, Endpoint, Reply, Request

OPENNESS = ("SU-01", "SU-22")
"""Claims whose failure means an anonymous client is answered: listed first in the report, followed by
the other :data:`ANONYMOUS_CHECKS` an anonymous client failed (SU-13 then means a shell for anyone)."""

PROBE_PATHS = {"server": "/api/contents", "hub": "/hub/api/users"}
"""What the anonymous probe asks for: the server's files, the hub's users."""


def answered(status: int) -> bool:
    """An anonymous request was served (2xx); a refusal is 401/403, a redirect to a login page, or 404."""
    return 200 <= status < 300


def api_without_credentials(browser: Browser, target: Endpoint, path: str = "/api/contents") -> Observation:
    """``GET path`` with no token and no cookie; a connection failure raises (the check is an error)."""
    reply = browser.send(Request(target.url(path)))
    if not reply.status:
        raise ConnectionError(f"GET {path} without credentials: {reply.outcome}")
    return Observation(reply.status, reply.transcript)


def _xsrf(browser: Browser, target: Endpoint) -> tuple[Reply, tuple[tuple[str, str], ...]]:
    """The ``_xsrf`` cookie a page sets (the login page; a 404 page where there is none) and its echo."""
    page = browser.send(Request(target.url("/login"), with_cookies=True))
    return page, (("X-XSRFToken", browser.cookie("_xsrf") or ""),)


def anonymous_kernel_websocket(browser: Browser, target: Endpoint) -> Observation:
    """SU-22 as an anonymous client: start a kernel without credentials, then its channels handshake.

    The runbook's observation starts the kernel with the token, which skips the XSRF check; without
    one, jupyter_server checks XSRF on every POST and DELETE, so both carry the ``_xsrf`` cookie the
    server sets and its echo in ``X-XSRFToken`` (what a same-origin page sends).  A server that
    refuses to start a kernel for an anonymous client leaves the check to an audit with a token.
    The kernel is shut down afterwards, also when the handshake fails.
    """
    page, xsrf = _xsrf(browser, target)
    kernels = target.url("/api/kernels")
    started = browser.send(Request(kernels, "POST", xsrf, with_cookies=True))
    if started.status != 201:
        raise NotInPosition(
            f"needs a token: POST /api/kernels without credentials answered {started.outcome}, so there is "
            "no kernel to try (set JUPYTER_TOKEN or --token-file)"
        )
    kernel_id = str(started.json()["id"])
    try:
        anonymous = kernel_handshake(
            browser, target.url(f"/api/kernels/{kernel_id}/channels"), None, with_cookies=False
        )
    finally:
        stopped = browser.send(Request(f"{kernels}/{kernel_id}", "DELETE", xsrf, with_cookies=True))
    return Observation(
        anonymous.outcome,
        "\n\n".join([page.transcript[:300], started.transcript, anonymous.transcript, stopped.transcript]),
    )


def anonymous_terminal(browser: Browser, target: Endpoint) -> Observation:
    """SU-13 as an anonymous client: ``POST /api/terminals`` with no credentials (the XSRF echo only).

    A terminal opened is closed again.  A server that refuses an anonymous client (401/403) leaves
    the check to an audit with a token: whether terminals exist is then for its holder to see.
    """
    page, xsrf = _xsrf(browser, target)
    terminals = target.url("/api/terminals")
    reply = browser.send(Request(terminals, "POST", xsrf, with_cookies=True))
    if reply.status in (401, 403):
        raise NotInPosition(
            f"needs a token: POST /api/terminals without credentials answered {reply.outcome} "
            "(set JUPYTER_TOKEN or --token-file)"
        )
    transcript = [page.transcript[:300], reply.transcript]
    if reply.status == 200:
        name = reply.json()["name"]
        closed = browser.send(Request(f"{terminals}/{name}", "DELETE", xsrf, with_cookies=True))
        transcript.append(closed.transcript)
    return Observation(reply.status, "\n\n".join(transcript))


@dataclass(frozen=True)
class AnonymousCheck:
    """A claim's half that an anonymous client decides, with how it is judged and shown
    (``holds``/``shown`` empty: the claim's own expectation, and the value's repr)."""

    claim_id: str
    observe: Callable[[Browser, Endpoint], Observation]
    holds: Callable[[object], bool] | None = None
    shown: Callable[[object], str] = repr


ANONYMOUS_CHECKS: dict[str, AnonymousCheck] = {
    # SU-01 expects 403 without the token and 200 with it: without a token the first half decides
    "SU-01": AnonymousCheck(
        "SU-01",
        api_without_credentials,
        lambda status: not answered(int(status)),  # type: ignore[call-overload]
        lambda status: (
            f"GET /api/contents without credentials: HTTP {status} "
            "(no token given: the half with the token was not run)"
        ),
    ),
    # SU-22 expects the handshake without credentials refused; the kernel is started without any too
    "SU-22": AnonymousCheck("SU-22", anonymous_kernel_websocket),
    # SU-13 expects no terminal API (404); an open server with terminals gives anyone a shell (200)
    "SU-13": AnonymousCheck("SU-13", anonymous_terminal),
}

OPEN_TARGET_CHECKS = ("SU-11",)
"""Checks written for a token that mean the same on a target asking for none (SU-11 reads CORS headers).
The others carry the token to skip the XSRF check or to log in, which a server without one does not
offer: on an open target without a token they are ``not-applicable``, and SU-01 shows why."""
