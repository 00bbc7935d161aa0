"""Allow only the port report on batchspawner's hub API (a config-only fix for batchspawner 1.3.0).

batchspawner 1.3.0's POST /hub/api/batchspawner (batchspawner/api.py) copies
every key of the JSON body onto the spawner (``setattr``), so the notebook's
own API token can change ``exec_prefix``, ``batch_query_cmd``,
``batch_cancel_cmd`` or ``job_id``: shell commands the hub later runs as its
own account. batchspawner-singleuser (batchspawner/singleuser.py) only ever
sends ``{"port": N}``. This handler accepts exactly that (N an int 1..65535,
from a server's own token) and answers anything else with 400 and a warning
in the hub's log.

What this file is: a Python module for jupyterhub_config.py to import (not
lines to paste, although pasting its code into jupyterhub_config.py works
the same). Put it next to jupyterhub_config.py (here /etc/jupyterhub) and
add to jupyterhub_config.py:

    import sys; sys.path.insert(0, '/etc/jupyterhub')
    import batchspawner_api_guard  # replaces batchspawner's /api/batchspawner handler

How it takes the stock handler's place: importing it imports batchspawner,
whose api module appends its handler to the list
jupyterhub.apihandlers.default_handlers at import time; this module then
replaces that entry in the same list. JupyterHub reads the list later, in
JupyterHub.init_handlers(), after the config file was loaded, so the hub
serves this handler at /hub/api/batchspawner. (c.JupyterHub.extra_handlers
cannot do this: those routes come after default_handlers and tornado uses
the first route that matches.) Importing it twice changes nothing.
"""

import hmac
import json
import logging

import batchspawner.api  # noqa: F401  (registers the stock handler; must come first)
from jupyterhub import apihandlers
from jupyterhub.apihandlers import APIHandler
from tornado import web

ROUTE = r"/api/batchspawner"
log = logging.getLogger("JupyterHub")


def _port(body):
    """The port if ``body`` is exactly {"port": <int 1..65535>}, else None."""
    if not isinstance(body, dict) or set(body) != {"port"}:
        return None
    port = body["port"]
    if type(port) is not int or not 1 <= port <= 65535:  # bool is not a port
        return None
    return port


class PortOnlyBatchSpawnerAPIHandler(APIHandler):
    """batchspawner's API handler, restricted to what batchspawner-singleuser sends."""

    def _reject(self, spawner_name, reason):
        self.log.warning(
            "batchspawner API: rejected POST for %s from %s: %s", spawner_name, self.request.remote_ip, reason
        )
        raise web.HTTPError(400, 'batchspawner API accepts only {"port": <1-65535>}')

    @web.authenticated
    def post(self):
        user = self.current_user
        token = self.get_auth_token() or ""
        spawner = None
        for candidate in getattr(user, "spawners", {}).values():
            if candidate.api_token and hmac.compare_digest(str(candidate.api_token), token):
                spawner = candidate
                break
        who = getattr(user, "name", "?")
        if spawner is None:
            self._reject(who, "the token is not a server's own API token")
        who = f"{who}'s server {spawner.name!r}" if spawner.name else f"{who}'s server"
        try:
            body = json.loads(self.request.body or b"")
        except ValueError:
            self._reject(who, "body is not JSON")
        port = _port(body)
        if port is None:
            if isinstance(body, dict) and set(body) == {"port"}:
                self._reject(who, f"port {body['port']!r:.40} is not an integer in 1-65535")
            keys = sorted(map(str, body)) if isinstance(body, dict) else type(body).__name__
            self._reject(who, f"keys {keys}: only 'port' is allowed")
        spawner.port = port
        self.log.info("batchspawner API: %s reported port %d", who, port)
        self.finish(json.dumps({"message": "BatchSpawner data configured"}))


def install():
    """Replace batchspawner's handler in jupyterhub.apihandlers.default_handlers (idempotent)."""
    handlers = apihandlers.default_handlers
    found = [i for i, entry in enumerate(handlers) if entry[0] == ROUTE]
    if not found:
        raise RuntimeError(f"batchspawner did not register {ROUTE}: refusing to guess (check the version)")
    for i in found:
        handlers[i] = (ROUTE, PortOnlyBatchSpawnerAPIHandler, *handlers[i][2:])
    log.info("batchspawner API guard installed (%d route(s) replaced)", len(found))


install()
