"""Run with the hub image's interpreter: initialise JupyterHub from a config file and print its routes.

argv[1]: the jupyterhub_config.py to load.  Prints one JSON document:
{"versions": {...}, "routes": [...], "commands": [...]}.  Nothing is served.
"""

import asyncio
import importlib.metadata as metadata
import inspect
import json
import os
import sys
import tempfile

from jupyterhub.app import JupyterHub
from tornado.web import RequestHandler
from traitlets.utils.importstring import import_item

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
COMMAND_TRAITS = (
    "cmd",
    "args",
    "exec_prefix",
    "batch_submit_cmd",
    "batch_query_cmd",
    "batch_cancel_cmd",
    "batchspawner_singleuser_cmd",
    "sudospawner_path",
    "sudo_args",
    "pre_spawn_hook",
)


def methods_of(handler):
    """The HTTP methods a handler class implements itself (not RequestHandler's 405 stubs)."""
    found = []
    for method in METHODS:
        impl = getattr(handler, method.lower(), None)
        if impl is not None and impl is not getattr(RequestHandler, method.lower()):
            found.append(method)
    return found


def where(obj):
    obj = inspect.unwrap(obj)
    try:
        path = inspect.getsourcefile(obj)
        line = inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        return ""
    site = path.split("site-packages/")[-1]
    return f"{site}:{line}"


def walk(rules):
    for rule in rules:
        target = rule.target
        if hasattr(target, "rules"):
            yield from walk(target.rules)
            continue
        yield rule


async def main(config, extra_spawners):
    tmp = tempfile.mkdtemp()
    os.chdir(tmp)
    app = JupyterHub()
    await app.initialize(
        [
            "-f",
            config,
            "--JupyterHub.db_url=sqlite:///" + tmp + "/db.sqlite",
            "--JupyterHub.cookie_secret_file=" + tmp + "/secret",
            "--JupyterHub.pid_file=" + tmp + "/pid",
        ]
    )
    routes = []
    for rule in walk(app.tornado_application.default_router.rules):
        handler = rule.target
        pattern = rule.matcher.regex.pattern if hasattr(rule.matcher, "regex") else repr(rule.matcher)
        for method in methods_of(handler):
            routes.append(
                {
                    "method": method,
                    "pattern": pattern,
                    "handler": f"{handler.__module__}.{handler.__qualname__}",
                    "source": where(getattr(handler, method.lower())),
                }
            )
    spawner_class = app.spawner_class
    classes = [spawner_class] + [import_item(name) for name in extra_spawners]
    commands = []
    for cls in classes:
        for name in COMMAND_TRAITS:
            trait = cls.class_traits().get(name)
            if trait is None:
                continue
            value = trait.default()
            for parent in reversed(cls.mro()):  # the most specific section of the config wins
                if name in app.config.get(parent.__name__, {}):
                    value = app.config[parent.__name__][name]
            if callable(value):
                value = f"<callable {getattr(value, '__qualname__', value)}>"
            commands.append(
                {
                    "trait": f"{cls.__name__}.{name}",
                    "value": value if isinstance(value, (str, list, type(None))) else repr(value),
                    "source": where(cls),
                }
            )
    packages = ["jupyterhub", "tornado", "batchspawner", "sudospawner"]
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    versions["spawner_class"] = f"{spawner_class.__module__}.{spawner_class.__qualname__}"
    print(json.dumps({"versions": versions, "routes": routes, "commands": commands}))


asyncio.run(main(sys.argv[1], sys.argv[2:]))
