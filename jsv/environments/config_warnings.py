"""Configuration warnings in a program's log: a setting it ignores or deprecates.

traitlets-based programs (Jupyter Server, JupyterHub, the single-user servers
it spawns) log ``Config option `X` not recognized by `Y```` for a name that
is not a trait of the class, and each warns in its own words for a deprecated
trait (Jupyter Server: ``ServerApp.token config is deprecated in 2.0``;
traitlets: ``... is deprecated in traitlets 4.1``; JupyterHub:
``JupyterHub.admin_access is deprecated``).  A hardened side that logs one of
these was not configured the way its fix says.
"""

from __future__ import annotations

import re

UNRECOGNIZED = re.compile(r"Config option `([^`]+)` not recognized by `([^`]+)`")
DEPRECATED = (
    re.compile(r"\b([A-Z]\w*\.\w+)(?: config)? (?:is|was|has been) deprecated"),
    re.compile(r"\b([A-Z]\w*\.\w+) is ignored\b"),
    re.compile(r"\b([A-Z]\w*\.\w+) (?:has moved|moved) (?:from|to)\b"),
)
_CONFIGURED = re.compile(r"\bc\.(\w+)\.(\w+)")


def configured_names(config: str) -> set[str]:
    """``Class.trait`` for every ``c.Class.trait`` the configuration text sets."""
    return {f"{cls}.{trait}" for cls, trait in _CONFIGURED.findall(config)}


def traitlets_warnings(log: str, configured: set[str] | None = None) -> list[str]:
    """The warning lines of ``log`` that name an ignored or deprecated configuration option.

    An unrecognised option always counts.  A deprecation counts when it names a
    ``Class.trait`` in ``configured`` (or any, when ``configured`` is None):
    JupyterHub also warns about deprecated *code* paths, e.g. a spawner that
    touches ``Spawner.db``, which no configuration line causes.
    """
    found: list[str] = []
    for line in log.splitlines():
        hit = bool(UNRECOGNIZED.search(line))
        for pattern in DEPRECATED:
            match = pattern.search(line)
            if match and (configured is None or match.group(1) in configured):
                hit = True
        text = " ".join(line.split())
        if hit and text not in found:
            found.append(text)
    return found
