"""Environments: one class per ``containers/<name>/`` image, started inside a :class:`Lab`."""

from jsv.environments.browser_lab import BrowserLab
from jsv.environments.hub import JupyterHub, VulnerableJupyterHub
from jsv.environments.kubernetes import KubeTools, PodTarget, PolicySet
from jsv.environments.lab import Lab
from jsv.environments.ldap import LdapServer
from jsv.environments.machine import CommandResult, Machine, Situation
from jsv.environments.net_client import HttpReply, NetClient
from jsv.environments.oidc_provider import OidcProvider
from jsv.environments.single_user import (
    ExtensionsServer,
    JupyterServer,
    VulnerableExtensionsServer,
    VulnerableJupyterServer,
    VulnerableJupyterServer219,
    VulnerableJupyterServer220,
)

__all__ = [
    "BrowserLab",
    "CommandResult",
    "ExtensionsServer",
    "HttpReply",
    "JupyterHub",
    "JupyterServer",
    "KubeTools",
    "Lab",
    "LdapServer",
    "Machine",
    "NetClient",
    "OidcProvider",
    "PodTarget",
    "PolicySet",
    "Situation",
    "VulnerableExtensionsServer",
    "VulnerableJupyterHub",
    "VulnerableJupyterServer",
    "VulnerableJupyterServer219",
    "VulnerableJupyterServer220",
]
