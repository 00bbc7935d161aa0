"""A lab's close and the label sweep tolerate containers other pages remove at the same moment.

docker's ``containers.list`` lists ids, then inspects each; a container removed in between
raises NotFound unless ``ignore_removed``.  With four pages at a time this happened in a
clean-clone run: two pages failed in their last cell while other pages closed their labs.
"""

from __future__ import annotations

from types import SimpleNamespace

import docker.errors

from jsv.environments import lab as lab_module
from jsv.environments import resources


class _Containers:
    """``containers.list`` as the SDK does it: one container vanishes between list and inspect."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def list(self, all=False, filters=None, ignore_removed=False):
        found = []
        for index, name in enumerate(self.names):
            if index == 0:  # removed by another page after the listing
                if not ignore_removed:
                    raise docker.errors.NotFound(f"No such container: {name}")
                continue
            wanted = (filters or {}).get("name")
            if wanted is None or wanted in name:
                found.append(SimpleNamespace(name=name, remove=lambda **_: None))
        return found


class _Networks:
    def list(self, names=None, filters=None):
        return []


def _engine(names: list[str]) -> SimpleNamespace:
    return SimpleNamespace(containers=_Containers(names), networks=_Networks(), volumes=_Networks())


def test_closing_a_lab_while_another_page_removes_a_container(monkeypatch):
    engine = _engine(["jsv-other-page-x-client-1", "jsv-this-lab-y-hub-2"])
    monkeypatch.setattr(lab_module, "client", lambda: engine)
    lab = object.__new__(lab_module.Lab)  # no network of its own to create here
    lab.name, lab.machines = "jsv-this-lab-y", []
    lab._network = SimpleNamespace(remove=lambda: None)
    assert lab.close() == ["jsv-this-lab-y-hub-2"]


def test_sweep_and_leftovers_while_another_page_removes_a_container(monkeypatch):
    engine = _engine(["jsv-gone", "jsv-still-here"])
    monkeypatch.setattr(resources, "client", lambda: engine)
    assert resources.sweep("run1")["containers"] == 1
    assert resources.leftovers("run1") == ["container jsv-still-here"]
