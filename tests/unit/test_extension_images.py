"""The extension images: the pinned single-user image plus extensions, and a sibling with old releases."""

from pathlib import Path

from jsv.claims.registry import load_registry
from jsv.environments import ExtensionsServer, JupyterServer, VulnerableExtensionsServer
from jsv.environments.machine import image_built_with
from jsv.images.build import requirements_of
from jsv.images.sibling import SIBLING_FILE

ROOT = Path(__file__).resolve().parents[2]
OLD = {
    "jupyter_server_proxy": "4.1.0",
    "jupyterlab_git": "0.53.0",
    "jupyterlab-git-core": "0.53.0",
    "voila": "0.5.5",
    "nbclient": "0.7.4",
}


def _pins(name: str) -> dict[str, str]:
    lines = requirements_of(name).splitlines()
    return dict(line.split("==", 1) for line in lines if line and not line.startswith("#"))


def test_the_extension_image_keeps_every_pin_of_the_single_user_image() -> None:
    plain, extended = _pins("single-user"), _pins("single-user-ext")
    assert {name: extended.get(name) for name in plain} == plain
    assert {"jupyter_server_proxy", "jupyterlab_git", "voila"} <= extended.keys() - plain.keys()


def test_the_old_sibling_differs_only_in_the_advisories_releases() -> None:
    pinned, old = _pins("single-user-ext"), _pins("single-user-ext-old")
    differing = {name for name in pinned.keys() | old.keys() if pinned.get(name) != old.get(name)}
    assert differing == set(OLD)
    assert {name: old[name] for name in OLD} == OLD
    assert {p.name for p in (ROOT / "containers/single-user-ext-old").iterdir()} == {SIBLING_FILE}


def test_the_servers_start_from_their_own_images() -> None:
    assert issubclass(ExtensionsServer, JupyterServer)
    assert (ExtensionsServer.environment, VulnerableExtensionsServer.environment) == (
        "single-user-ext",
        "single-user-ext-old",
    )


def test_an_advisory_fix_is_a_pin_only_the_pinned_extension_image_is_built_from() -> None:
    registry = load_registry(ROOT)
    for claim_id in ("EXT-01", "EXT-02", "EXT-04", "EXT-06"):
        code = registry.claim(claim_id).fix.code
        assert image_built_with("single-user-ext", code), claim_id
        assert not image_built_with("single-user-ext-old", code), claim_id
