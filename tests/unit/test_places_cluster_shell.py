"""Shell steps on a cluster's nodes are places a fix can name (the Slurm accounting page's)."""

from __future__ import annotations

from jsv.claims.places import place_problems


def test_every_node_and_every_compute_node_are_shell_places() -> None:
    for where in ("a shell on every node", "a shell on every compute node"):
        assert place_problems("shell", where, "nft list ruleset", "root") == []


def test_an_unknown_cluster_place_is_still_refused() -> None:
    assert place_problems("shell", "a shell on some node", "true", "root")
