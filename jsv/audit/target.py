"""What answers at the audited URL: a Jupyter Server or a JupyterHub, and the version it reports."""

from __future__ import annotations

from dataclasses import dataclass

from jsv.audit.anonymous import PROBE_PATHS, answered
from jsv.audit.checks import Front, Kind
from jsv.audit.client import LocalClient
from jsv.errors import JsvError
from jsv.probes.http import Endpoint, Request


class AuditError(JsvError):
    """A usage or connection problem: one line, exit code 2."""


@dataclass(frozen=True)
class Target:
    endpoint: Endpoint
    kind: Kind
    version: str
    """As the target reports it: the hub's ``/hub/api``, the server's ``/api``."""
    credentials_required: bool | None = None
    """Whether the API refused an anonymous client (``None``: not asked yet)."""
    front: Front = "none"
    """What terminates TLS in front of it (``--front``, else :func:`detected_front`)."""


def detected_front(server_header: str) -> Front:
    """nginx names itself in the ``Server`` header (unless a module clears it); JupyterHub's proxy sends
    none, Tornado ``TornadoServer``."""
    return "nginx" if server_header.lower().startswith("nginx") else "none"


FIXES = {
    "connection refused": "nothing listens there: check the host and port (and that you can reach it)",
    "certificate not trusted": "TLS verification failed: pass --ca-file PEM, or --insecure to proceed",
    "hostname mismatch": "the certificate is not for this host name: use the name it was issued for",
    "timeout": "no answer within the timeout: a firewall may drop the traffic",
    "unresolved host": "the host name does not resolve",
}


def identify(client: LocalClient, url: str, kind: Kind | None) -> Target:
    """Ask ``/hub/api`` and ``/api``; raise :class:`AuditError` with the fix when nothing sensible answers."""
    endpoint = Endpoint(url.rstrip("/"))
    for candidate, path in (("hub", "/hub/api"), ("server", "/api")):
        if kind and kind != candidate:
            continue
        reply = client.send(Request(endpoint.url(path)))
        if not reply.status:
            raise AuditError(f"{url}: {reply.failure}: {FIXES.get(reply.failure, 'check the URL')}")
        if reply.status == 200:
            try:
                version = str(reply.json().get("version", ""))
            except ValueError:
                continue
            if version:
                front = detected_front(reply.headers.get("server", ""))
                return Target(endpoint, candidate, version, front=front)  # type: ignore[arg-type]
    raise AuditError(
        f"{url}: neither {endpoint.url('/hub/api')} nor {endpoint.url('/api')} answered with a version: "
        "give the server's or hub's base URL (with its base_url), or --kind"
    )


def requires_credentials(client: LocalClient, target: Target) -> bool:
    """Ask the API with no credentials (a server's ``/api/contents``, a hub's ``/hub/api/users``).

    A target that answers (2xx) needs no credentials at all: anyone who can reach it can use it.
    """
    path = PROBE_PATHS[target.kind]
    reply = client.send(Request(target.endpoint.url(path)))
    if not reply.status:
        fix = FIXES.get(reply.failure, "check the URL")
        raise AuditError(f"{target.endpoint.url(path)}: {reply.failure}: {fix}")
    return not answered(reply.status)
