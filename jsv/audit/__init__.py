"""``jsv audit URL``: the site's checks, with the same ids and fixes, against the reader's own deployment.

Modules, in the order a run uses them: :mod:`~jsv.audit.catalogue` (the audited
claims as packaged data), :mod:`~jsv.audit.checks` (which observation checks
which claim, what it needs, ``--list``), :mod:`~jsv.audit.client` (the HTTP/WebSocket
client on this machine), :mod:`~jsv.audit.target` (what answers at the URL,
and whether it answers without credentials), :mod:`~jsv.audit.anonymous`
(what an anonymous client decides), :mod:`~jsv.audit.run` (verdicts),
:mod:`~jsv.audit.waivers` (accepted failures), :mod:`~jsv.audit.report`
(table, JSON, JUnit, SARIF, exit codes) and :mod:`~jsv.audit.cli` (arguments,
credentials).
"""
