"""Observations shared by a claim's runbook page and the checklist runs that re-check it.

Each function observes one claim's effect on a target from another machine of
the lab (``client``) and returns an :class:`~jsv.claims.Observation`; the
claim's expectation lives in the registry.  Pages bind the client with
``functools.partial``.
"""
