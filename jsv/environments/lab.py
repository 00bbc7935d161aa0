"""A lab is one runbook's private network and the machines started on it."""

from __future__ import annotations

import uuid
from typing import Self, TypeVar

import docker.errors

from jsv.docker_engine import client
from jsv.environments import resources
from jsv.environments.machine import Machine
from jsv.labels import labels, run_id

M = TypeVar("M", bound=Machine)


class Lab:
    """A private Docker network plus everything started on it; remove with ``close()``.

    >>> with Lab("doc-example") as lab:                      # doctest: +SKIP
    ...     server = lab.start(JupyterServer("hardened"))
    """

    def __init__(self, name: str) -> None:
        self.name = f"jsv-{name}-{run_id()}-{uuid.uuid4().hex[:6]}"
        self._network = client().networks.create(
            self.name, driver="bridge", labels=labels(**{"org.jsv.lab": name})
        )
        self.machines: list[Machine] = []
        resources.track(self)

    @property
    def network_name(self) -> str:
        return self.name

    def start(self, machine: M) -> M:
        """Start ``machine`` on this lab's network (reachable by its alias); return it."""
        machine.with_name(f"{self.name}-{machine.alias}-{uuid.uuid4().hex[:4]}")
        if "network_mode" not in machine._kwargs:  # else it shares another's namespace
            machine._kwargs = {
                **machine._kwargs,
                "network": self.name,
                "hostname": machine.alias,
                "networking_config": {
                    self.name: client().api.create_endpoint_config(
                        aliases=[machine.alias, *machine.extra_aliases]
                    )
                },
            }
        machine.start()
        self.machines.append(machine)
        return machine

    def address_of(self, machine: Machine) -> str:
        """``machine``'s IP address on this lab's network (the host can reach it: a Linux bridge)."""
        container = machine.get_wrapped_container()
        container.reload()
        return container.attrs["NetworkSettings"]["Networks"][self.name]["IPAddress"]

    def stop(self, machine: Machine) -> None:
        machine.remove_now()
        if machine in self.machines:
            self.machines.remove(machine)

    def remove_now(self) -> None:
        for machine in reversed(self.machines):
            machine.remove_now()
        self.machines.clear()
        resources.untrack(self)
        try:
            self._network.remove()
        except docker.errors.NotFound:
            pass

    def close(self) -> list[str]:
        """Remove everything; return what is still left of this lab (should be ``[]``)."""
        self.remove_now()
        engine = client()
        # other pages remove their containers meanwhile: one gone between listing and inspecting is
        # not ours to report (the SDK raises NotFound for it unless told to ignore it)
        listed = engine.containers.list(all=True, filters={"name": self.name}, ignore_removed=True)
        left = [c.name for c in listed if c.name and c.name.startswith(self.name)]
        left += [n.name for n in engine.networks.list(names=[self.name]) if n.name]
        return left

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove_now()

    def __repr__(self) -> str:
        return f"Lab({self.name!r})"
