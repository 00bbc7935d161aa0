"""The advisory sibling images differ from the pinned ones only in the component under test."""

from pathlib import Path

import pytest

from jsv.claims.registry import load_registry
from jsv.environments import (
    JupyterHub,
    JupyterServer,
    VulnerableJupyterHub,
    VulnerableJupyterServer,
    VulnerableJupyterServer219,
)
from jsv.environments.machine import image_built_with, requirement_lines
from jsv.images.build import KEEP_PINS, PINS_ENV, requirements_of
from jsv.images.sibling import SIBLING_FILE, sibling_of

ROOT = Path(__file__).resolve().parents[2]
CONTAINERS = ROOT / "containers"


def _pins(name: str) -> dict[str, str]:
    lines = requirements_of(name).splitlines()
    return dict(line.split("==", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize(
    ("pinned_env", "sibling", "package", "version"),
    [
        ("single-user", "single-user-adv", "jupyter_server", "2.17.0"),
        ("single-user", "single-user-adv-2.19", "jupyter_server", "2.19.0"),
        ("hub", "hub-adv", "jupyterhub", "6.0.1"),
    ],
)
def test_a_sibling_differs_only_in_the_component_under_test(pinned_env, sibling, package, version) -> None:
    pinned, old = _pins(pinned_env), _pins(sibling)
    differing = {name for name in pinned.keys() | old.keys() if pinned.get(name) != old.get(name)}
    assert differing == {package}
    assert old[package] == version


def test_a_sibling_folder_holds_only_its_definition() -> None:
    for sibling in ("single-user-adv", "single-user-adv-2.19", "hub-adv"):
        files = {p.name for p in (CONTAINERS / sibling).rglob("*") if p.is_file()}
        assert files == {SIBLING_FILE}, sibling


def test_vulnerable_server_uses_the_sibling_image() -> None:
    assert VulnerableJupyterServer.environment == "single-user-adv"
    assert JupyterServer.environment == "single-user"
    assert VulnerableJupyterServer219.environment == "single-user-adv-2.19"
    assert VulnerableJupyterHub.environment == "hub-adv"
    assert JupyterHub.environment == "hub"


def test_the_advisory_fix_is_a_pin_the_pinned_image_is_built_from() -> None:
    registry = load_registry(ROOT)
    sides = {
        "single-user": ("ADV-01", "ADV-02", "ADV-03", "ADV-04"),
        "hub": ("ADV-05", "ADV-06", "ADV-07", "ADV-08", "ADV-10"),
    }
    for pinned, claim_ids in sides.items():
        for claim_id in claim_ids:
            fix = registry.claim(claim_id).fix
            assert (fix.component, fix.file) == ("pip", "requirements.txt")
            assert image_built_with(pinned, fix.code), claim_id
            assert not image_built_with(f"{pinned}-adv", fix.code), claim_id
    fix = registry.claim("ADV-09").fix
    assert image_built_with("single-user", fix.code)
    assert not image_built_with("single-user-adv-2.19", fix.code)


def test_a_pin_counts_only_as_a_whole_line_and_comments_do_not() -> None:
    assert requirement_lines("# pinned\njupyter_server==2.21.1  # the fix\n\n") == {"jupyter_server==2.21.1"}
    assert not image_built_with("single-user", "jupyter_server==2.21")
    assert not image_built_with("net-client", "jupyter_server==2.21.1")  # no requirements.txt


def test_every_vulnerable_sibling_keeps_its_pins_in_the_drift_check(monkeypatch) -> None:
    monkeypatch.setenv(PINS_ENV, "latest")
    siblings = sorted(p.parent.name for p in CONTAINERS.glob(f"*/{SIBLING_FILE}"))
    assert siblings == [
        "hub-adv",
        "hub-adv-5.4",
        "hub-adv-oauth-17.3",
        "single-user-adv",
        "single-user-adv-2.19",
        "single-user-adv-2.20",
        "single-user-adv-nbconvert",
        "single-user-adv-nbconvert-7.17.1",
        "single-user-ext-old",
    ]
    for name in siblings:
        definition = sibling_of(CONTAINERS / name)
        assert definition is not None and KEEP_PINS in requirements_of(name), name
        assert all(pin in requirements_of(name).splitlines() for pin in definition.pins), name
