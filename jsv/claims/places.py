"""Where a fix can go: each component's real files, and which settings each file reads.

A fix names a ``component`` and a ``file``; the registry refuses a file the
component does not read, and a Python configuration file that sets another
program's classes (``c.JupyterHub.*`` in ``jupyter_server_config.py``: the
single-user server would never read it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    name: str
    file: re.Pattern[str]
    """Which ``file`` values this component reads."""
    foreign_classes: re.Pattern[str] | None = None
    """``c.<Class>`` names that this file does not configure."""
    needs_user: bool = False


_SERVER_CLASSES = re.compile(
    r"^(ServerApp|NotebookApp|IdentityProvider|PasswordIdentityProvider|\w*ContentsManager|"
    r"TerminalManager|ZMQChannelsWebsocketConnection|\w*KernelManager|LabApp|ExtensionApp)$"
)
_HUB_CLASSES = re.compile(
    r"^(JupyterHub|Spawner|\w+Spawner|\w*Authenticator|\w*OAuthenticator|ConfigurableHTTPProxy|Proxy)$"
)
HUB_CONFIG = re.compile(r"^jupyterhub_config\.py$")

PLACES: dict[str, Place] = {
    "jupyter_server": Place("Jupyter Server", re.compile(r"^jupyter_server_config\.py$"), _HUB_CLASSES),
    "jupyterhub": Place("JupyterHub", HUB_CONFIG, _SERVER_CLASSES),
    "kubespawner": Place("KubeSpawner setting", HUB_CONFIG, _SERVER_CLASSES),
    "batchspawner": Place("batchspawner setting", HUB_CONFIG, _SERVER_CLASSES),
    "z2jh": Place("Zero to JupyterHub Helm chart", re.compile(r"^values\.yaml$")),
    "kubernetes": Place("Kubernetes manifest", re.compile(r"^[\w./-]+\.yaml$")),
    "submit-wrapper": Place("batchspawner submit wrapper", re.compile(r"^/usr/local/bin/[\w.-]+$")),
    "htcondor": Place("HTCondor configuration", re.compile(r"^/etc/condor/config\.d/[\w.-]+$")),
    "slurm": Place("Slurm configuration", re.compile(r"^/etc/slurm/slurm\.conf\.d/[\w.-]+\.conf$")),
    "nginx": Place("nginx site", re.compile(r"^/etc/nginx/(conf\.d|sites-available)/[\w.-]+$")),
    "sudo": Place("sudoers", re.compile(r"^/etc/sudoers\.d/[\w.-]+$")),
    "fail2ban": Place("fail2ban", re.compile(r"^/etc/fail2ban/(jail|filter)\.d/[\w.-]+$")),
    "pip": Place("pip requirements", re.compile(r"^requirements\.txt$")),
    "shell": Place(
        "shell step",
        re.compile(
            r"^a shell on (the server|the hub host|the submit node|every node|every compute node|"
            r"the user's laptop|the CI runner)$"
        ),
        None,
        True,
    ),
}

_CONFIG_CLASS = re.compile(r"^\s*c\.(\w+)\.", re.MULTILINE)


def place_problems(component: str, file: str, code: str, user: str) -> list[str]:
    """What is wrong with putting ``code`` into ``file`` of ``component`` (empty when nothing)."""
    place = PLACES.get(component)
    if place is None:
        return [f"component {component!r} is not one of {', '.join(sorted(PLACES))}"]
    problems = []
    if not place.file.match(file):
        problems.append(f"{place.name} does not read {file!r} (expected {place.file.pattern})")
    if place.needs_user and not user:
        problems.append("a shell step names the user it runs as (key 'user')")
    if place.foreign_classes is not None:
        foreign = sorted({name for name in _CONFIG_CLASS.findall(code) if place.foreign_classes.match(name)})
        if foreign:
            problems.append(f"{file} is not where {', '.join('c.' + n for n in foreign)} is read")
    return problems
