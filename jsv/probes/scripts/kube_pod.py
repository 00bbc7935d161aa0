"""Print, as JSON, the pod manifest the installed kubespawner builds for a configuration.

Runs inside the kube-tools image.  The configuration is a ``jupyterhub_config.py``
given with ``--config PATH``, loaded the way JupyterHub loads its own
(traitlets' ``PyFileConfigLoader``), or else a JSON object of KubeSpawner
traits on stdin (``{"uid": 1000, "cpu_limit": 1}``).  KubeSpawner is
constructed with ``_mock=True`` — the switch its own test-suite uses — which
gives it a stub hub; the user is a stub named alice.  KubeSpawner still loads
a kube-config to create (not use) its API client: without KUBECONFIG a stub
pointing nowhere is written, and no connection is ever made.  The manifest
comes from KubeSpawner.get_pod_manifest(), serialised by kubernetes_asyncio
as the API server would receive it.

With ``--apply`` (a real cluster: KUBECONFIG set) the pod is created in the
namespace ``JSV_K8S_NAMESPACE``, awaited until it runs (or is refused), read
back as the API server admitted it, and deleted; that manifest is printed,
with ``status.phase``.

Everything KubeSpawner and traitlets log while configuring (``Config option
`x` not recognized by `KubeSpawner```, deprecations) goes to stderr, as the
hub's log would show it.
"""

import asyncio
import json
import logging
import os
import sys
import warnings

STUB_KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""

if not os.environ.get("KUBECONFIG"):  # read by kubernetes_asyncio at import time
    with open("/tmp/stub-kubeconfig", "w") as stub:
        stub.write(STUB_KUBECONFIG)
    os.environ["KUBECONFIG"] = "/tmp/stub-kubeconfig"

# ruff: noqa: E402

from kubernetes_asyncio import client as k8s
from kubernetes_asyncio import config as k8s_config
from kubernetes_asyncio.client import ApiClient
from kubespawner import KubeSpawner
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

# the traitlets logger has only a NullHandler: send its warnings (and Python warnings) to stderr
logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="[%(levelname)s %(name)s] %(message)s")
logging.captureWarnings(True)
warnings.simplefilter("default")


class StubServer:
    base_url = "/user/alice/"
    port = 8888
    ip = ""
    proto = "http"
    url = "http://127.0.0.1:8888/user/alice/"


class StubUser:
    name = "alice"
    id = 1
    url = "/user/alice/"
    server = StubServer()


async def main() -> None:
    if "--config" in sys.argv:
        path = sys.argv[sys.argv.index("--config") + 1]
        config = PyFileConfigLoader(os.path.basename(path), os.path.dirname(path) or ".").load_config()
    else:
        config = Config({"KubeSpawner": json.load(sys.stdin)})
    spawner = KubeSpawner(config=config, user=StubUser(), _mock=True)
    spawner.api_token = "stub-api-token"
    pod = await spawner.get_pod_manifest()
    async with ApiClient() as api:
        manifest = api.sanitize_for_serialization(pod)
    if "--apply" in sys.argv:
        manifest = await apply(manifest)
    print(json.dumps(manifest, sort_keys=True))


async def apply(manifest: dict) -> dict:
    """Create the pod, wait until it runs, read it back, delete it."""
    await k8s_config.load_kube_config()
    namespace = os.environ.get("JSV_K8S_NAMESPACE", "jsv")
    manifest["metadata"]["name"] = f"jsv-{manifest['metadata']['name']}-{os.getpid()}"
    async with ApiClient() as api:
        core = k8s.CoreV1Api(api)
        await core.create_namespaced_pod(namespace, manifest)
        try:
            for _ in range(180):
                live = await core.read_namespaced_pod(manifest["metadata"]["name"], namespace)
                if live.status.phase in {"Running", "Succeeded", "Failed"}:
                    break
                await asyncio.sleep(1)
            return api.sanitize_for_serialization(live)
        finally:
            await core.delete_namespaced_pod(manifest["metadata"]["name"], namespace, grace_period_seconds=0)


asyncio.run(main())
