"""At the end of a Sphinx build: no recorded secret stays in a file the build wrote.

After every other ``build-finished`` handler (the ledger, the checklists), the HTML,
the doctrees, MyST-NB's executed notebooks and the execution cache are searched for
every value of the secrets file (``JSV_SECRETS_FILE``); a value found is taken out of
all of them (:func:`jsv.secret_purge.purge_build`) and the build fails with one line
per secret and cell, ``SecretPublishedError: secret «label» in the output of
runbooks/page.md:57 (cell 4) reached the build: …``, which ``python -m jsv site``
reports as the build's error.  Without a secrets file this does nothing.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from jsv import settings
from jsv.redaction import recorded_labelled_secrets
from jsv.secret_purge import EXECUTED_FOLDER, purge_build

ERROR_NAME = "SecretPublishedError"  # an exception-like name: python -m jsv site shows the line as the error


def _cache_path(app: Sphinx) -> Path | None:
    config = getattr(app.env, "mystnb_config", None)
    configured = getattr(config, "execution_cache_path", None) or getattr(
        app.config, "nb_execution_cache_path", ""
    )
    return Path(configured).resolve() if configured else None


def _purge(app: Sphinx, exception: Exception | None) -> None:
    secrets_file = settings.SECRETS_FILE.raw() or None
    if not secrets_file:
        return
    secrets = recorded_labelled_secrets(secrets_file)
    if not secrets:
        return
    roots = [Path(app.outdir), Path(app.doctreedir), Path(app.outdir).parent / EXECUTED_FOLDER]
    report = purge_build(roots, secrets, _cache_path(app), app.srcdir)
    if report.clean:
        return
    for line in report.error_lines(app.srcdir):
        print(f"{ERROR_NAME}: {line}", flush=True)
    app.statuscode = 1


def setup(app: Sphinx) -> None:
    app.connect("build-finished", _purge, priority=900)  # after the handlers that write files
