"""Which observation checks which claim from the auditor's position, and what it needs.

Each entry names a claim of the registry and the observation function the
runbooks call for it (:mod:`jsv.observations`), so the audit's verdict comes
from the same requests and the same expectation as the site's.  A check that
creates something on the target (a file, a kernel, a terminal) is marked
``writes``: it runs only with ``--allow-writes`` and removes what it made.
Claims about positions the auditor does not have (another local user, the
hub's loopback, a packet capture) are listed in :data:`NOT_AUDITABLE` with why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from jsv.audit.catalogue import AUDITED_PACKAGES, audited_claims
from jsv.claims import Observation
from jsv.observations.remote import extensions, hub, single_user, surface
from jsv.probes.http import Browser, Endpoint, Request, token_header

Kind = Literal["server", "hub"]
Front = Literal["none", "nginx"]
FRONTS: tuple[Front, ...] = ("none", "nginx")
"""What may stand in front of a hub: nothing (the hub serves its own TLS or none), or nginx terminating
TLS (HUB-12's file, the one front end the lab builds and so the one whose behaviour the claims verify)."""
AUDIT_HIDDEN_FILE = ".jsv-audit-hidden"


@dataclass(frozen=True)
class AuditCheck:
    claim_id: str
    kind: Kind
    observe: Callable[[Browser, Endpoint], Observation]
    writes: str = ""
    """What the check creates and removes again; empty for a read-only check."""
    needs_token: bool = True
    by_version: bool = False
    """An advisory: judged by the release the target reports, not by sending the advisory's attack."""
    front: Front | None = None
    """The front end the check is written for (:data:`FRONTS`); ``None``: any."""
    extension: str = ""
    """The server extension the check is about (its PyPI name); a target without it is ``not-applicable``."""


def reported_version(browser: Browser, target: Endpoint, api: str = "/api") -> Observation:
    """The version a Jupyter Server reports at ``/api`` (asked without credentials, as the audit starts)."""
    reply = browser.send(Request(target.url(api)))
    version = str(reply.json().get("version", "")) if reply.status == 200 else ""
    return Observation(version, reply.transcript)


def reported_hub_version(browser: Browser, target: Endpoint) -> Observation:
    """The version a JupyterHub reports at ``/hub/api``."""
    return reported_version(browser, target, "/hub/api")


def advisory_checks() -> tuple[AuditCheck, ...]:
    """One check per advisory in the packaged catalogue, judged by the release the target reports.

    Which advisories, and for which kind of target, comes from each claim's ``advisory`` block
    (its PyPI package: :data:`~jsv.audit.catalogue.AUDITED_PACKAGES`), never from prose.
    """
    checks = []
    for claim_id, claim in sorted(audited_claims().items()):
        if claim.advisory is None:
            continue
        kind: Kind = AUDITED_PACKAGES[claim.advisory.package]  # type: ignore[assignment]
        observe = reported_version if kind == "server" else reported_hub_version
        checks.append(AuditCheck(claim_id, kind, observe, needs_token=False, by_version=True))
    return tuple(checks)


def hidden_file_served(browser: Browser, target: Endpoint) -> Observation:
    """SU-14 on a server whose files the auditor does not know: create a dot-file, ask for it, delete it.

    A server that hides dot-files refuses to create one (``PUT`` answers 400),
    so it then has nothing to serve and both requests answer 404 — as on the
    runbook's hardened server, which holds such a file and will not serve it.
    """
    url = target.url(f"/api/contents/{AUDIT_HIDDEN_FILE}")
    auth = token_header(target.token)
    body = '{"type": "file", "format": "text", "content": "jsv audit"}'
    created = browser.send(Request(url, "PUT", (*auth, ("Content-Type", "application/json")), body=body))
    try:
        seen = single_user.hidden_served(browser, target, AUDIT_HIDDEN_FILE)
    finally:
        if created.status in (200, 201):
            browser.send(Request(url, "DELETE", auth))
    return Observation(seen.value, created.transcript + "\n\n" + seen.transcript)


STATIC_CHECKS: tuple[AuditCheck, ...] = (
    AuditCheck("SU-01", "server", single_user.token_required),
    AuditCheck("SU-07", "server", single_user.plain_http_answered, needs_token=False),
    AuditCheck("SU-09", "server", single_user.forged_post, writes="an untitled file, deleted"),
    AuditCheck("SU-10", "server", single_user.websocket_origins, writes="a kernel, shut down"),
    AuditCheck("SU-11", "server", single_user.cors_grant),
    AuditCheck("SU-12", "server", single_user.csp, needs_token=False),
    AuditCheck("SU-13", "server", single_user.terminal_api, writes="a terminal, closed"),
    AuditCheck("SU-14", "server", hidden_file_served, writes=f"the dot-file {AUDIT_HIDDEN_FILE}, deleted"),
    AuditCheck("SU-22", "server", single_user.anonymous_kernel_websocket, writes="a kernel, shut down"),
    AuditCheck("SU-19", "server", single_user.login_cookie_flags),
    AuditCheck("SU-20", "server", single_user.hsts, needs_token=False),
    AuditCheck("SU-21", "server", single_user.xsrf_cookie_flags, needs_token=False),
    AuditCheck("EXT-09", "server", extensions.undecorated_icon_route, extension="jupyter-server-proxy"),
    AuditCheck("HUB-02", "hub", hub.outsider_reaches_proxy_api, needs_token=False),
    AuditCheck("HUB-11", "hub", hub.login_page_headers, needs_token=False),
    AuditCheck("HUB-28", "hub", hub.plain_http_to_tls_port, needs_token=False, front="none"),
    AuditCheck("HUB-29", "hub", hub.hsts, needs_token=False, front="none"),
    AuditCheck("HUB-48", "hub", hub.front_end_tls, needs_token=False, front="nginx"),
    AuditCheck("HUB-30", "hub", hub.xsrf_cookie_flags, needs_token=False),
    AuditCheck("HUB-31", "hub", hub.user_token_lists_users),
    AuditCheck("HUB-33", "hub", surface.anonymous_metrics, needs_token=False),
    AuditCheck("HUB-27", "hub", surface.token_lifetimes, writes="two API tokens of yours, deleted"),
    AuditCheck("HUB-32", "hub", surface.token_scope_requests, writes="an API token of yours, deleted"),
    AuditCheck("HUB-34", "hub", surface.share_code_lifetimes, writes="a share code of your server, deleted"),
    AuditCheck(
        "HUB-26", "hub", surface.named_server_starts, writes="up to three named servers of yours, removed"
    ),
    AuditCheck(
        "HUB-25",
        "hub",
        surface.future_activity,
        writes="your last_activity, 30 minutes ahead; this cannot be undone, so idle culling sees you "
        "active for up to 30 minutes more",
    ),
)
"""The checks of the claims that are not advisories; the advisories' follow from the catalogue."""
CHECKS: tuple[AuditCheck, ...] = STATIC_CHECKS + advisory_checks()
"""Every check: :data:`STATIC_CHECKS`, then one per advisory a target's reported release decides."""

NOT_AUDITABLE: dict[str, str] = {
    "SU-02": "the listening address is seen from the server's own host (ss -tln); an answer here only "
    "says the auditor can reach it",
    "SU-03": "needs the server's config files (the stored hash) and the password",
    "SU-04": "needs the server's file system (file mode)",
    "SU-05": "needs a shell on the server (starting it as root)",
    "SU-06": "needs a packet capture at the server (what is seen from outside: SU-07, SU-19..21)",
    "SU-08": "needs the SSH tunnel's two ends",
    "SU-15": "needs another local user on the server",
    "SU-16": "would change the server's password where the claim fails, which the audit cannot undo",
    "SU-17": "needs the server restarted",
    "SU-18": "names the project's own probe extension",
    "HUB-01": "the proxy's API is on the hub's loopback",
    "HUB-03": "needs a packet capture on the hub's loopback",
    "HUB-04": "needs the hub's file system",
    "HUB-05": "needs a shell on the hub host",
    "HUB-06": "needs three users' logins (the audit has one token, no passwords)",
    "HUB-07": "is about a token made with one narrow scope for the check; the auditor's token says nothing "
    "about it, and the proof would stop a user's server",
    "HUB-08": "needs a config file planted in a user's home, and that user's login",
    "HUB-09": "needs the user server's loopback port, read from the hub's database",
    "HUB-10": "needs the idle culler's own token, from the hub's configuration",
    "HUB-12": "needs a packet capture in front of the hub",
    "HUB-13": "needs a user's login through the form (the audit has a token, no password)",
    "HUB-14": "would get the auditor's address banned, and needs a second address to see the ban",
    "HUB-15": "needs a capture between the hub and the LDAP server",
    "HUB-16": "needs an impostor directory server on the hub's network",
    "HUB-17": "needs the identity provider and two browsers' logins",
    "HUB-18": "needs the hub's database",
    "HUB-19": "needs a file planted in a user's home and a shell on the hub",
    "HUB-20": "needs a file planted in a user's home and a shell on the hub",
    "HUB-21": "needs a packet capture of a login (what is seen from outside: HUB-28..30)",
    "HUB-22": "needs a user server's own token, which lives inside that server",
    "HUB-23": "needs the hub's log and a second address, as HUB-14",
    "HUB-35": "needs a shell on the hub host and a user's home directory",
    "HUB-40": "needs the hub's log files and a second address, as HUB-14",
    "HUB-41": "needs the hub's fail2ban filter and a second address, as HUB-14",
    "HUB-42": "needs the hub's log files and a second address, as HUB-14",
    "HUB-43": "needs the hub's log files, an LDAP directory and a second address, as HUB-14",
    "HUB-44": "needs a second system account on the hub host, and its password",
    "HUB-45": "needs the hub's username_pattern and the password of an account whose name extends "
    "an allowed one",
    "HUB-46": "needs two accounts at the identity provider",
    "HUB-47": "needs two accounts at the identity provider",
    "ADV-13": "no release fixes it (its fix is the identity provider in the server's configuration) and the "
    "proof needs the server's log",
}


def checks_for(kind: Kind) -> tuple[AuditCheck, ...]:
    return tuple(check for check in CHECKS if check.kind == kind)


def position(check: AuditCheck) -> str:
    """What the auditor needs to run ``check``: no token, or a user's token (no check needs an admin's).

    A hub check with a token is about what every account can do, so it wants an ordinary user's token.
    """
    from jsv.audit.anonymous import ANONYMOUS_CHECKS

    if not check.needs_token:
        return "no token"
    if check.claim_id in ANONYMOUS_CHECKS:
        return "no token (a user's token where the target refuses an anonymous client)"
    return "a user's token" if check.kind == "server" else "an ordinary user's token (not an admin's)"


def listing(kind: Kind | None = None) -> list[str]:
    """``jsv audit --list``: one line per check - claim id, kind, writes or read-only, position."""
    lines = []
    for check in CHECKS:
        if kind and check.kind != kind:
            continue
        writes = f"writes (--allow-writes): {check.writes}" if check.writes else "read-only"
        front = f" | front end: {check.front}" if check.front else ""
        lines.append(f"{check.claim_id:<7} {check.kind:<6} {writes} | needs {position(check)}{front}")
    return lines
