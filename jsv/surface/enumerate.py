"""Read the attack surface from the pinned releases: each component's routes and command lines.

Every environment's image runs one small script with the application's own
interpreter (``scripts/``): JupyterHub is initialised from the lab's
configuration and its tornado router listed; jupyter_server is initialised with
the extensions it loads; configurable-http-proxy is constructed with node and
its REST handler table listed; the spawners' command templates are read from
the traits as the hub's configuration sets them.  Nothing is typed by hand.
One container per environment (``docker run --rm``), not one per item; the
result is cached by image tag and script digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jsv.docker_engine import client
from jsv.environments.hub import LAB_CONFIG
from jsv.errors import JsvError
from jsv.images.build import ensure_image
from jsv.labels import labels
from jsv.surface.model import COMMAND, ROUTE, Inventory, SurfaceItem

HUB_PYTHON = "/opt/jupyterhub/bin/python"
SERVER_PYTHON = "/opt/jupyter/bin/python"
CONDOR_CONFIG = "c.JupyterHub.spawner_class = 'batchspawner.CondorSpawner'\n"
SLURM_CONFIG = "c.JupyterHub.spawner_class = 'batchspawner.SlurmSpawner'\n"


class EnumerationFailed(JsvError):
    """A component's enumeration script did not print its inventory."""


def script(name: str) -> str:
    return resources.files("jsv.surface").joinpath(f"scripts/{name}").read_text()


@dataclass(frozen=True)
class Source:
    """How one environment is asked for its surface: image, program and the script's arguments."""

    environment: str
    program: str
    script: str
    args: tuple[str, ...] = ()
    config: str = ""  # written to /tmp/jupyterhub_config.py before the script runs

    def command(self) -> list[str]:
        flag = "-e" if self.program == "node" else "-c"
        run = [self.program, flag, script(self.script), *self.args]
        if not self.config:
            return run
        return ["sh", "-c", 'printf %s "$0" > /tmp/jupyterhub_config.py && exec "$@"', self.config, *run]

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.command()).encode()).hexdigest()[:12]


HUB = Source(
    "hub", HUB_PYTHON, "hub_routes.py", ("/tmp/jupyterhub_config.py", "sudospawner.SudoSpawner"), LAB_CONFIG
)
CONDOR_HUB = Source(
    "condor", HUB_PYTHON, "hub_routes.py", ("/tmp/jupyterhub_config.py",), LAB_CONFIG + CONDOR_CONFIG
)
SLURM_HUB = Source(
    "slurm", HUB_PYTHON, "hub_routes.py", ("/tmp/jupyterhub_config.py",), LAB_CONFIG + SLURM_CONFIG
)
SERVER = Source("single-user", SERVER_PYTHON, "server_routes.py")
EXTENSIONS = Source("single-user-ext", SERVER_PYTHON, "server_routes.py")
"""The server with the extensions of runbooks/extensions/ (jupyter-server-proxy, jupyterlab-git, voila)."""
EXTENSION_PACKAGES = ("jupyter_server_proxy", "jupyterlab_git", "jupyterlab-git-core", "voila", "nbdime")
PROXY = Source("hub", "node", "chp_routes.js")


def run_source(source: Source, cache_dir: Path | None = None) -> tuple[str, dict[str, Any]]:
    """(image tag, the script's JSON) for ``source``, from the cache when the image has not changed."""
    tag = ensure_image(source.environment)
    cached = (
        cache_dir / f"{tag.replace('/', '_').replace(':', '-')}-{source.digest()}.json" if cache_dir else None
    )
    if cached and cached.is_file():
        return tag, json.loads(cached.read_text())
    output = client().containers.run(
        tag, source.command(), entrypoint=[], remove=True, stderr=False, labels=labels(), network_mode="none"
    )
    text = output.decode().strip().splitlines()
    try:
        data = json.loads(text[-1])
    except (IndexError, ValueError):
        raise EnumerationFailed(
            f"{source.environment}: {source.script} printed no inventory (last output: {text[-1:]})"
        ) from None
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(data))
    return tag, data


def routes(
    component: str, data: dict[str, Any], keep: Callable[[str], bool], version: str
) -> list[SurfaceItem]:
    """Group the script's (method, pattern, handler) rows into one item per route."""
    grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in data["routes"]:
        if keep(row["handler"]):
            grouped.setdefault((row["pattern"], row["handler"]), []).append(row)
    return [
        SurfaceItem(
            component,
            ROUTE,
            pattern,
            handler,
            tuple(r["method"] for r in rows),
            tuple(dict.fromkeys(r["source"] for r in rows)),
            version,
        )
        for (pattern, handler), rows in grouped.items()
    ]


def commands(
    component: str, data: dict[str, Any], keep: Callable[[str], bool], version: str
) -> list[SurfaceItem]:
    return [
        SurfaceItem(component, COMMAND, row["trait"], json.dumps(row["value"]), (), (row["source"],), version)
        for row in data.get("commands", [])
        if keep(row["trait"])
    ]


def extension_rows(extended: dict[str, Any], plain: dict[str, Any]) -> dict[str, Any]:
    """The rows of the server with extensions (``extended``) that the plain server does not serve: what the
    extensions add, whichever module their handler classes come from (voila adds tornado's and
    jupyter_server's own file handlers under its own patterns)."""
    core = {(row["pattern"], row["handler"]) for row in plain["routes"]}
    return {**extended, "routes": [r for r in extended["routes"] if (r["pattern"], r["handler"]) not in core]}


def extensions_label(versions: dict[str, str]) -> str:
    """``jupyter_server_proxy 4.6.0, ...``: the extension packages the inventory was read from."""
    return ", ".join(f"{name} {versions[name]}" for name in EXTENSION_PACKAGES if name in versions)


def _batch(handler: str) -> bool:
    return handler.startswith("batchspawner.")


def _slurm(trait: str) -> bool:
    return trait.startswith("SlurmSpawner.")


def enumerate_all(cache_dir: Path | None = None) -> list[Inventory]:
    """Every component's inventory: jupyterhub, batchspawner (Condor and Slurm), jupyter_server, the server
    extensions (what containers/single-user-ext adds to jupyter_server's routes), CHP, then the
    privileged calls of the hub's, batchspawner's and kubespawner's packages (jsv/surface/privileged.py)."""
    from jsv.surface.privileged import enumerate_privileged  # it builds on this module's Source

    hub_tag, hub = run_source(HUB, cache_dir)
    condor_tag, condor = run_source(CONDOR_HUB, cache_dir)
    slurm_tag, slurm = run_source(SLURM_HUB, cache_dir)
    server_tag, server = run_source(SERVER, cache_dir)
    ext_tag, ext = run_source(EXTENSIONS, cache_dir)
    added = extension_rows(ext, server)
    proxy_tag, proxy = run_source(PROXY, cache_dir)
    jh = f"jupyterhub {hub['versions']['jupyterhub']}"
    bs = f"batchspawner {condor['versions']['batchspawner']}"
    js = f"jupyter_server {server['versions']['jupyter_server']}"
    chp = f"configurable-http-proxy {proxy['versions']['configurable-http-proxy']}"
    not_batch = lambda name: not _batch(name)  # noqa: E731
    return [
        Inventory(
            "jupyterhub",
            hub_tag,
            hub["versions"],
            tuple(routes("jupyterhub", hub, not_batch, jh) + commands("jupyterhub", hub, bool, jh)),
        ),
        Inventory(  # its API route once; the command templates of both spawners the guide runs
            "batchspawner",
            f"{condor_tag}, {slurm_tag}",
            condor["versions"],
            tuple(
                routes("batchspawner", condor, _batch, bs)
                + commands("batchspawner", condor, bool, bs)
                + commands("batchspawner", slurm, _slurm, bs)
            ),
        ),
        Inventory(
            "jupyter_server",
            server_tag,
            server["versions"],
            tuple(routes("jupyter_server", server, bool, js)),
        ),
        Inventory(
            "server-extensions",
            ext_tag,
            ext["versions"],
            tuple(routes("server-extensions", added, bool, extensions_label(ext["versions"]))),
        ),
        Inventory(
            "configurable-http-proxy",
            proxy_tag,
            proxy["versions"],
            tuple(routes("configurable-http-proxy", proxy, bool, chp)),
        ),
        *enumerate_privileged(cache_dir),
    ]
