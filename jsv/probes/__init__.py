"""Probes observe a live system.  Each has a *collect* step (one command in a
container) and a pure *parse* step table-tested on canned output.

The names below are loaded on first use: :mod:`jsv.probes.http` (the requests the
audit sends) must import without the lab these probes run in (issue 35).  A name that
is also a submodule's (``processes``) cannot be served this way: once the submodule is
imported, Python sets the package's attribute to the module, so import it from its module.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsv.probes.capture import TrafficCapture
    from jsv.probes.files import FileStat, can_read, parse_stat, stat
    from jsv.probes.processes import parse_ps
    from jsv.probes.sockets import Listener, listeners, parse_ss
    from jsv.probes.websocket import websocket_handshake

_HOMES = {
    "TrafficCapture": "capture",
    "FileStat": "files",
    "can_read": "files",
    "parse_stat": "files",
    "stat": "files",
    "parse_ps": "processes",
    "Listener": "sockets",
    "listeners": "sockets",
    "parse_ss": "sockets",
    "websocket_handshake": "websocket",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"jsv.probes.{_HOMES[name]}"), name)


__all__ = [
    "FileStat",
    "Listener",
    "TrafficCapture",
    "can_read",
    "listeners",
    "parse_ps",
    "parse_ss",
    "parse_stat",
    "stat",
    "websocket_handshake",
]
