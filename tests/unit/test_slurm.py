"""The Slurm environment's pure parts: where its fixes go, the queue parsing, the batch API attacks."""

from types import SimpleNamespace

from jsv.claims.places import place_problems
from jsv.environments.condor import CONDOR_QUERY
from jsv.environments.slurm import SLURM_QUERY, SlurmCluster
from jsv.observations.batch import ATTACKS, MARKERS, attacks


def test_slurm_fixes_go_into_slurm_conf_d_only():
    assert place_problems("slurm", "/etc/slurm/slurm.conf.d/private-data.conf", "PrivateData=jobs", "") == []
    assert place_problems("slurm", "/etc/slurm/slurm.conf", "PrivateData=jobs", "")


def test_each_attack_restores_the_schedulers_stock_query():
    for query in (SLURM_QUERY, CONDOR_QUERY):
        attack, restore, marker = attacks(query)["batch_query_cmd"]
        assert restore == {"batch_query_cmd": query}
        assert attack["batch_query_cmd"].startswith(query + ";")
        assert f"{MARKERS}/{marker}" in attack["batch_query_cmd"]
    assert ATTACKS == attacks(CONDOR_QUERY)


def _cluster_with_queue(stdout):
    cluster = SlurmCluster.__new__(SlurmCluster)
    cluster.submit = SimpleNamespace(run=lambda *args, **kwargs: SimpleNamespace(stdout=stdout))
    return cluster


def test_alices_job_reads_the_last_running_line():
    cluster = _cluster_with_queue("3|batch|UNLIMITED|node1|old\n7|jupyter|8:00:00|node2|spawner-jupyterhub\n")
    assert cluster.alices_job() == {
        "job": "7",
        "partition": "jupyter",
        "time limit": "8:00:00",
        "ran on": "node2",
        "name": "spawner-jupyterhub",
    }


def test_no_running_job_is_an_empty_record():
    assert _cluster_with_queue("").alices_job() == {}
