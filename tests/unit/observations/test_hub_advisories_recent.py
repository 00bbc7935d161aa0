"""ADV-20..26: the browser's reading of a Location header, and the vulnerable hub the page compares with."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsv.claims.registry import load_registry
from jsv.environments.hub import JupyterHub543
from jsv.environments.machine import image_built_with
from jsv.images.build import requirements_of
from jsv.observations.hub_advisories_recent import browser_destination

ROOT = Path(__file__).resolve().parents[3]
HUB = "old:8000"


def _pins(environment: str) -> dict[str, str]:
    lines = requirements_of(environment).splitlines()
    return dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith("#"))


@pytest.mark.parametrize(
    ("location", "host"),
    [
        ("///evil.example/", "evil.example"),  # 5.4.3's answer to next=http://old:8000///evil.example/
        ("////evil.example/path", "evil.example"),  # the parser skips every further slash
        ("//evil.example", "evil.example"),
        ("\\\\evil.example/", "evil.example"),  # a backslash is a slash in http(s) URLs
        ("/\\evil.example/", "evil.example"),
        ("http://evil.example/x", "evil.example"),
        ("https:///evil.example/", "evil.example"),
        ("http:evil.example/", HUB),  # no slashes after the scheme: a path of the same origin
        ("/evil.example/", HUB),  # 5.4.4 and later: a path on the hub
        ("/hub/home?next=//evil.example/", HUB),
        ("relative/path", HUB),
        ("//old:8000/hub/", HUB),
    ],
)
def test_browser_destination_follows_the_url_standard(location: str, host: str) -> None:
    assert browser_destination(location, HUB) == host


def test_the_control_hub_is_the_543_sibling_differing_only_in_jupyterhub() -> None:
    assert JupyterHub543.environment == "hub-adv-5.4"
    old, new = _pins("hub-adv-5.4"), _pins("hub")
    assert {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)} == {"jupyterhub"}
    assert old["jupyterhub"] == "5.4.3"


def test_every_recent_advisory_fix_is_the_pin_of_the_hardened_image_only() -> None:
    registry = load_registry(ROOT)
    for number in range(20, 27):
        fix = registry.claim(f"ADV-{number}").fix
        assert (fix.component, fix.file) == ("pip", "requirements.txt")
        assert image_built_with("hub", fix.code)
        assert not image_built_with("hub-adv-5.4", fix.code)


def test_the_auth0_control_differs_from_the_pinned_hub_only_in_oauthenticator() -> None:
    old, new = _pins("hub-adv-oauth-17.3"), _pins("hub")
    assert {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)} == {"oauthenticator"}
    fix = load_registry(ROOT).claim("ADV-27").fix
    assert image_built_with("hub", fix.code)
    assert not image_built_with("hub-adv-oauth-17.3", fix.code)
