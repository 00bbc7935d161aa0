"""Concurrent execution of runbook pages before Sphinx reads them (``JSV_JOBS``).

:mod:`jsv.execution.plan` finds the pages and the notebooks Sphinx will ask the
cache for, :mod:`jsv.execution.worker` executes one of them in its own process,
:mod:`jsv.execution.pool` runs the workers and stores their results in the
execution cache, :mod:`jsv.execution.progress` prints what a person follows.
"""
