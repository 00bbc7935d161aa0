"""Environments: one class per ``containers/<name>/`` image, started inside a :class:`Lab`."""

from jsv.environments.browser_lab import BrowserLab
from jsv.environments.lab import Lab
from jsv.environments.machine import CommandResult, Machine, Situation
from jsv.environments.net_client import HttpReply, NetClient
from jsv.environments.single_user import JupyterServer

__all__ = [
    "BrowserLab",
    "CommandResult",
    "HttpReply",
    "JupyterServer",
    "Lab",
    "Machine",
    "NetClient",
    "Situation",
]
