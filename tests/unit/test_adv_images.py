"""The advisory sibling images differ from the pinned ones only in the component under test."""

from pathlib import Path

from jsv.environments import JupyterServer, VulnerableJupyterServer

CONTAINERS = Path(__file__).resolve().parents[2] / "containers"


def _pins(name: str) -> dict[str, str]:
    lines = (CONTAINERS / name / "requirements.txt").read_text().splitlines()
    return dict(line.split("==", 1) for line in lines if line and not line.startswith("#"))


def test_single_user_adv_differs_only_in_jupyter_server() -> None:
    pinned, old = _pins("single-user"), _pins("single-user-adv")
    differing = {name for name in pinned.keys() | old.keys() if pinned.get(name) != old.get(name)}
    assert differing == {"jupyter_server"}
    assert old["jupyter_server"] == "2.17.0"


def test_sibling_image_shares_everything_but_requirements() -> None:
    for name in ("Dockerfile", "start-server"):
        pinned = (CONTAINERS / "single-user" / name).read_text().splitlines()
        old = (CONTAINERS / "single-user-adv" / name).read_text().splitlines()
        assert [line for line in old if not line.startswith("#")] == [
            line for line in pinned if not line.startswith("#")
        ]


def test_vulnerable_server_uses_the_sibling_image() -> None:
    assert VulnerableJupyterServer.environment == "single-user-adv"
    assert JupyterServer.environment == "single-user"
