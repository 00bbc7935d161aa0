"""The benchmark's container count (jsv.bench.ContainerCreations) sees every container a run creates."""

from jsv.bench import ContainerCreations
from jsv.environments import NetClient
from jsv.labels import run_id


def test_counts_the_containers_created_by_this_run_only(lab):
    creations = ContainerCreations()
    lab.start(NetClient())
    lab.start(NetClient())
    assert creations.of_run(run_id()) == 2
    assert creations.of_run("another-run") == 0
    assert creations.of_run(None) == -1
