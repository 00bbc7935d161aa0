"""The attack-surface enumeration is cached by its command's digest: the same in every process."""

from __future__ import annotations

import subprocess
import sys

DIGESTS = (
    "from jsv.surface.enumerate import CONDOR_HUB, HUB, PROXY, SERVER, SLURM_HUB; "
    "print([s.digest() for s in (HUB, CONDOR_HUB, SLURM_HUB, SERVER, PROXY)])"
)


def _digests(seed: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", DIGESTS],
        env={"PYTHONHASHSEED": seed, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_enumeration_commands_do_not_depend_on_string_hashing():
    # the hub's lab config once held repr(set(USERS)), whose order changes with the hash seed: every
    # build missed the cache and started the hub, condor and slurm images again (3 containers, warm)
    assert len({_digests(seed) for seed in ("1", "2", "3", "4")}) == 1
