"""A deployment's checklist: its claims' fixes, and one file assembled from them.

The assembled file is every fix of the deployment's areas that goes into one
file, in claim order, each text once (two claims may share a text).  Claims
whose fix applies only in some deployments (``applies_when``: another
authenticator, an optional front end) are listed but left out.  The
checklist runbooks start an environment from exactly :func:`assembled_config`
and re-check the claims against it; the site publishes the same text.
"""

from __future__ import annotations

from jsv.claims.model import Claim
from jsv.claims.registry import Registry

ASSEMBLED_FILES = {
    "su-jupyter_server_config.py": (("SU",), "jupyter_server_config.py"),
    "hub-jupyterhub_config.py": (("HUB",), "jupyterhub_config.py"),
}
"""Download name -> (areas, file): the complete files the checklists offer."""


def claims_of(registry: Registry, areas: tuple[str, ...] | list[str]) -> list[Claim]:
    """The areas' claims in id order (SU-2 before SU-10)."""
    return sorted(
        (c for c in registry.claims.values() if c.area in areas),
        key=lambda c: (c.area, int(c.id.split("-")[1])),
    )


def assembled_claims(claims: list[Claim], file: str) -> list[Claim]:
    return [c for c in claims if c.fix.file == file and not c.applies_when]


def assembled_config(claims: list[Claim], file: str) -> str:
    """One file made of every unconditional fix that goes into ``file``; a shared text appears once."""
    texts: dict[str, list[str]] = {}
    for claim in assembled_claims(claims, file):
        texts.setdefault(claim.fix.code, []).append(claim.id)
    return "\n".join(f"# {', '.join(ids)}\n{code}\n" for code, ids in texts.items())
