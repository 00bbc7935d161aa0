"""Run with the single-user image's interpreter: initialise jupyter_server and print its routes.

Loads the extensions the environment enables (jupyter_server_terminals, ...).
Prints {"versions": {...}, "routes": [...], "extensions": [...]}; binds a loopback port, serves nothing.
"""

import importlib.metadata as metadata
import inspect
import json
import sys

from jupyter_server.serverapp import ServerApp
from tornado.web import RequestHandler

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def where(obj):
    obj = inspect.unwrap(obj)
    try:
        path = inspect.getsourcefile(obj)
        line = inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        return ""
    return f"{path.split('site-packages/')[-1]}:{line}"


def walk(rules):
    for rule in rules:
        if hasattr(rule.target, "rules"):
            yield from walk(rule.target.rules)
        else:
            yield rule


app = ServerApp()
app.initialize(["--ip=127.0.0.1", "--port=0", "--no-browser", "--allow-root", *sys.argv[1:]])
routes = []
for rule in walk(app.web_app.default_router.rules):
    handler = rule.target
    if not isinstance(handler, type):
        continue
    pattern = rule.matcher.regex.pattern if hasattr(rule.matcher, "regex") else repr(rule.matcher)
    for method in METHODS:
        impl = getattr(handler, method.lower(), None)
        if impl is None or impl is getattr(RequestHandler, method.lower()):
            continue
        routes.append(
            {
                "method": method,
                "pattern": pattern,
                "handler": f"{handler.__module__}.{handler.__qualname__}",
                "source": where(impl),
            }
        )
versions = {p: metadata.version(p) for p in ("jupyter_server", "jupyter_server_terminals", "tornado")}
for optional in ("jupyter_server_proxy", "jupyterlab_git", "jupyterlab-git-core", "voila", "nbdime"):
    try:  # the extensions of containers/single-user-ext, where installed
        versions[optional] = metadata.version(optional)
    except metadata.PackageNotFoundError:
        pass
extensions = sorted(name for name, enabled in app.jpserver_extensions.items() if enabled)
print(json.dumps({"versions": versions, "routes": routes, "extensions": extensions}))
