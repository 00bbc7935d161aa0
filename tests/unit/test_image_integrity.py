"""A built Python image is checked against pip's RECORD files, and rebuilt (cached, then not) on a loss."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from jsv.errors import ImageBuildFailed
from jsv.images import build
from jsv.images.record_check import lost_files


def _install(site: Path, files: dict[str, bytes]) -> None:
    """A fake distribution in ``site`` whose RECORD names ``files`` with their sizes (and itself, no size)."""
    info = site / "demo-1.0.dist-info"
    info.mkdir(parents=True)
    rows = []
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        rows.append(f"{name},sha256={digest},{len(data)}")
    rows += ["demo-1.0.dist-info/RECORD,,", "demo/__pycache__/mod.cpython-313.pyc,,"]
    (info / "RECORD").write_text("\n".join(rows) + "\n")
    (site / "demo" / "__pycache__").mkdir(exist_ok=True)
    (site / "demo" / "__pycache__" / "mod.cpython-313.pyc").write_bytes(b"x")


def test_an_intact_install_has_no_lost_files(tmp_path: Path) -> None:
    _install(tmp_path, {"demo/__init__.py": b"", "demo/mod.py": b"VALUE = 1\n"})
    assert lost_files([str(tmp_path)]) == []


def test_a_missing_or_truncated_file_is_reported(tmp_path: Path) -> None:
    _install(tmp_path, {"demo/__init__.py": b"", "demo/mod.py": b"VALUE = 1\n", "demo/gone.py": b"X = 2\n"})
    (tmp_path / "demo" / "gone.py").unlink()
    (tmp_path / "demo" / "mod.py").write_bytes(b"VAL")
    demo = tmp_path / "demo"
    assert lost_files([str(tmp_path)]) == [str(demo / "mod.py"), str(demo / "gone.py")]


@pytest.fixture
def fake_build(monkeypatch, tmp_path: Path):
    """ensure_image without Docker: records each build's ``nocache``; the checks answer from a list."""
    (tmp_path / "py").mkdir()
    (tmp_path / "py" / "Dockerfile").write_text("FROM x\n")
    (tmp_path / "py" / "requirements.txt").write_text("demo==1.0\n")
    monkeypatch.setattr(build, "CONTAINERS_DIR", tmp_path)
    monkeypatch.setattr(build, "ensure_base_image", lambda: "sha256:base")
    monkeypatch.setattr(build, "_stage_ca_bundle", lambda target: target.write_bytes(b""))
    builds: list[bool] = []
    checks: list[list[str]] = []
    removed: list[str] = []

    class Images:
        def get(self, tag):
            raise build.docker.errors.ImageNotFound(tag)

        def remove(self, tag, force=False):
            removed.append(tag)

    class Client:
        images = Images()

    monkeypatch.setattr(build, "client", lambda: Client())
    monkeypatch.setattr(build, "_build", lambda name, context, tag, nocache=False: builds.append(nocache))
    monkeypatch.setattr(build, "lost_installed_files", lambda tag: checks.pop(0))
    return builds, checks, removed


def test_a_loss_rebuilds_with_the_cache_after_removing_the_image(fake_build) -> None:
    builds, checks, removed = fake_build
    checks += [["/opt/x/lib/python3.13/site-packages/demo/mod.py"], []]
    lines: list[str] = []
    tag = build.ensure_image("py", report=lines.append)
    assert builds == [False, False]
    assert removed == [tag]
    assert len(lines) == 1 and "demo/mod.py" in lines[0] and "with the builder's cache" in lines[0]


def test_a_second_loss_rebuilds_without_the_cache(fake_build) -> None:
    builds, checks, removed = fake_build
    checks += [["/a.py"], ["/b.py"], []]
    lines: list[str] = []
    build.ensure_image("py", report=lines.append)
    assert builds == [False, False, True] and len(removed) == 2
    assert "without the builder's cache" in lines[1]


def test_a_third_loss_fails_and_keeps_no_damaged_image(fake_build) -> None:
    builds, checks, removed = fake_build
    checks += [["/a.py"], ["/b.py"], ["/c.py"]]
    thrice = r"containers/py: 1 installed file\(s\) missing after building three times"
    with pytest.raises(ImageBuildFailed, match=thrice):
        build.ensure_image("py", report=lambda line: None)
    assert builds == [False, False, True] and len(removed) == 3


def test_an_intact_image_is_built_once(fake_build) -> None:
    builds, checks, removed = fake_build
    checks.append([])
    build.ensure_image("py", report=lambda line: None)
    assert builds == [False] and removed == []
