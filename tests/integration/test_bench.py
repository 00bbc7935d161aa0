"""The benchmark's container count (jsv.bench.ContainerCreations) sees every container a build creates."""

from jsv.bench import ContainerCreations
from jsv.environments import NetClient
from jsv.labels import BUILD_ID_ENV, RUN_ID_ENV, run_id


def test_counts_the_containers_of_this_build_and_of_the_runs_it_started(lab, monkeypatch):
    build = run_id()
    creations = ContainerCreations()
    lab.start(NetClient())
    monkeypatch.setenv(BUILD_ID_ENV, build)
    monkeypatch.setenv(RUN_ID_ENV, "nested-run")  # a page a matrix page runs
    lab.start(NetClient())
    assert creations.of_run(build) == 2
    assert creations.of_run("another-build") == 0
    assert creations.of_run(None) == -1
