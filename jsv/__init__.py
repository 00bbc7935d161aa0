"""Jupyter Security, Verified: run hardening claims against live containers.

The package is laid out the way a claim travels:

* :mod:`jsv.images`       - build the container images (content-hashed tags)
* :mod:`jsv.environments` - start those images as running systems
* :mod:`jsv.probes`       - observe a running system (HTTP, files, sockets, traffic)
* :mod:`jsv.claims`       - judge observations: hardened side must pass, control must fail
* :mod:`jsv.ledger`       - the machine-readable record of every claim
* :mod:`jsv.site`         - the Sphinx/MyST-NB glue that publishes claims and ledger
"""

__version__ = "0.1.0"
