"""Jupyter Security, Verified: run hardening claims against live containers.

The package is laid out the way a claim travels:

* :mod:`jsv.images`       - build the container images (content-hashed tags)
* :mod:`jsv.environments` - start those images as running systems
* :mod:`jsv.probes`       - observe a running system (HTTP, files, sockets, traffic)
* :mod:`jsv.claims`       - judge observations: hardened side must pass, control must fail
* :mod:`jsv.ledger`       - the machine-readable record of every claim
* :mod:`jsv.site`         - the Sphinx/MyST-NB glue that publishes claims and ledger

Around that path: :mod:`jsv.execution` (kernels and the worker pool that run the pages),
:mod:`jsv.observations` (what a page observes, shared with the checklists and the audit),
:mod:`jsv.surface` (the attack-surface inventories), :mod:`jsv.audit` (checking one's own
deployment), :mod:`jsv.matrix` and :mod:`jsv.drift` (other releases' columns and drift).
``docs/architecture.md`` draws the layers and the path of a claim.
"""

__version__ = "0.1.0"
