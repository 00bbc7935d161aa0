"""Content-hashed tags: any change to a build context or the base changes the tag."""

from pathlib import Path

from jsv.images import build


def test_digest_changes_with_content_and_ignores_ca(tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("FROM x\n")
    first = build.context_digest(tmp_path)
    (tmp_path / build.CA_FILE_NAME).write_text("-----BEGIN CERTIFICATE-----\n")
    assert build.context_digest(tmp_path) == first
    (tmp_path / "config.py").write_text("c.X = 1\n")
    second = build.context_digest(tmp_path)
    assert second != first
    (tmp_path / "config.py").write_text("c.X = 2\n")
    assert build.context_digest(tmp_path) not in {first, second}


def test_digest_covers_file_names(tmp_path: Path):
    (tmp_path / "a").write_text("same")
    first = build.context_digest(tmp_path)
    (tmp_path / "a").rename(tmp_path / "b")
    assert build.context_digest(tmp_path) != first


def test_tag_depends_on_base_and_context(monkeypatch, tmp_path: Path):
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "Dockerfile").write_text("FROM x\n")
    monkeypatch.setattr(build, "CONTAINERS_DIR", tmp_path)
    tag = build.image_tag("env", "sha256:base1")
    assert tag.startswith("jsv/env:") and len(tag.split(":")[1]) == 12
    assert build.image_tag("env", "sha256:base1") == tag
    assert build.image_tag("env", "sha256:base2") != tag
    (tmp_path / "env" / "Dockerfile").write_text("FROM y\n")
    assert build.image_tag("env", "sha256:base1") != tag


def test_every_environment_has_a_dockerfile():
    assert {"single-user", "net-client"} <= set(build.environment_names())
