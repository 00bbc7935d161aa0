"""The second inventory: what privileged components do with files, text and patterns a user can influence.

``scripts/privileged_calls.py`` walks the installed packages of each component
the guide runs with privilege (the hub and its spawners and authenticators as
root or as the hub's account, batchspawner, kubespawner, and this project's
own modules that the HTCondor hub runs as root; configurable-http-proxy's
node files through ``scripts/privileged_js_calls.py``) and lists every
file-system operation, ``str.format``/``format_template`` and ``re`` match, one
item per (file, function, called name).  Each item needs an entry in
``jsv/data/attack-surface/privileged-<image>.yaml`` like a route: who can
influence the argument, what flows in, whether it writes, and the claims that
cover it or a reason quoting the code.  An item without one fails the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsv.surface.enumerate import HUB_PYTHON, Source, run_source
from jsv.surface.model import CALL, Inventory, SurfaceItem

KUBE_PYTHON = "/opt/kube/bin/python"
HUB_PACKAGES = ("jupyterhub", "sudospawner", "ldapauthenticator", "oauthenticator")
PROJECT_MODULES = ("/etc/jupyterhub/secure_condor.py", "/etc/jupyterhub/batchspawner_api_guard.py")
"""This project's own Python that a hub runs as root (containers/condor/etc/jupyterhub), as installed."""
PROXY_FILES = "/usr/share/nodejs/configurable-http-proxy"
"""configurable-http-proxy (node, Debian's package in the hub's image), read by its text."""
SOURCES = {
    "privileged-hub": Source("hub", HUB_PYTHON, "privileged_calls.py", HUB_PACKAGES),
    "privileged-batchspawner": Source("condor", HUB_PYTHON, "privileged_calls.py", ("batchspawner",)),
    "privileged-kubespawner": Source("kube-tools", KUBE_PYTHON, "privileged_calls.py", ("kubespawner",)),
    "privileged-project": Source("condor", HUB_PYTHON, "privileged_calls.py", PROJECT_MODULES),
    "privileged-proxy": Source("hub", HUB_PYTHON, "privileged_js_calls.py", (PROXY_FILES,)),
}


def calls(component: str, data: dict[str, Any]) -> list[SurfaceItem]:
    """One item per (file, function, call), its kind in ``methods`` and every line in ``sources``."""
    version = ", ".join(f"{name} {number}" for name, number in sorted(data["versions"].items()))
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in data["calls"]:
        grouped.setdefault((row["file"], row["function"], row["call"]), []).append(row)
    return [
        SurfaceItem(
            component,
            CALL,
            f"{file} {function or '(module)'}",
            call,
            (rows[0]["kind"],),
            tuple(f"{file}:{row['line']}" for row in rows),
            version,
        )
        for (file, function, call), rows in grouped.items()
    ]


def enumerate_privileged(cache_dir: Path | None = None) -> list[Inventory]:
    inventories = []
    for component, source in SOURCES.items():
        tag, data = run_source(source, cache_dir)
        inventories.append(Inventory(component, tag, data["versions"], tuple(calls(component, data))))
    return inventories
