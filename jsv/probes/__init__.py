"""Probes observe a live system.  Each has a *collect* step (one command in a
container) and a pure *parse* step table-tested on canned output."""

from jsv.probes.capture import TrafficCapture
from jsv.probes.files import FileStat, can_read, parse_stat, stat
from jsv.probes.processes import parse_ps, processes
from jsv.probes.sockets import Listener, listeners, parse_ss
from jsv.probes.websocket import websocket_handshake

__all__ = [
    "FileStat",
    "Listener",
    "TrafficCapture",
    "can_read",
    "listeners",
    "parse_ps",
    "parse_ss",
    "parse_stat",
    "processes",
    "stat",
    "websocket_handshake",
]
