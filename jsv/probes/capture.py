"""Capture a container's TCP traffic with tcpflow from a sidecar in its network namespace."""

from __future__ import annotations

from typing import Self

from jsv.environments.lab import Lab
from jsv.environments.machine import Machine
from jsv.environments.net_client import NetClient

READY_MARKER = "listening on"


class _CaptureSidecar(NetClient):
    def is_ready(self) -> bool:
        return READY_MARKER in self.logs_text()


class TrafficCapture:
    """``with TrafficCapture(lab, server, port=8888) as capture: ...`` then ``capture.text``.

    ``expression`` takes any pcap filter instead of a port (e.g. kernel traffic on
    loopback: ``interface="lo", expression="tcp and not port 8888"``).

    The sidecar shares ``target``'s network namespace (``network_mode=container:``),
    so it sees exactly the packets the target sends and receives, as a
    network eavesdropper on that path would.
    """

    def __init__(
        self,
        lab: Lab,
        target: Machine,
        port: int | None = None,
        *,
        interface: str = "any",
        expression: str | None = None,
    ) -> None:
        self.lab = lab
        capture_filter = expression or f"port {port}"
        self.command = f"tcpflow -i {interface} -c '{capture_filter}'"
        self._sidecar = _CaptureSidecar(variant="capture", alias=f"capture-{target.alias}")
        # init=True: an init process reaps tcpflow when it exits (no zombie to wait for).
        self._sidecar.with_kwargs(network_mode=f"container:{target.get_wrapped_container().id}", init=True)
        self._sidecar.with_command(["sh", "-c", f"{self.command} > /tmp/flow.txt & exec sleep infinity"])
        self.text = ""

    def __enter__(self) -> Self:
        self.lab.start(self._sidecar)
        return self

    def __exit__(self, *exc: object) -> None:
        sidecar = self._sidecar
        # one exec: stop tcpflow, let it flush (up to 5 s), then read what it wrote
        self.text = sidecar.run(
            "pkill -INT -x tcpflow; for i in $(seq 50); do pgrep -x tcpflow >/dev/null "
            "|| break; sleep 0.1; done; cat /tmp/flow.txt"
        ).stdout
        self.lab.stop(sidecar)

    @property
    def transcript(self) -> str:
        lines = [line for line in self.text.splitlines() if line.strip()]
        return f"# {self.command}  ({len(self.text)} bytes captured)\n" + "\n".join(lines[:12])
