"""Content-hashed tags: any change to a build context or the base changes the tag."""

from pathlib import Path

import pytest

from jsv.errors import ImageBuildFailed
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


def test_latest_mode_unpins_except_where_pins_are_the_point(monkeypatch):
    assert (
        build.unpinned("# c\njupyter_server==2.21.1\nPyYAML == 6.0.3  # yaml\n")
        == "# c\njupyter_server\nPyYAML  # yaml\n"
    )
    kept = f"{build.KEEP_PINS}\njupyter_server==2.17.0\n"
    assert build.unpinned(kept) == kept
    monkeypatch.setenv(build.PINS_ENV, "latest")
    assert "jupyter_server==2.17.0" in build.requirements_of("single-user-adv")
    assert "jupyter_server\n" in build.requirements_of("single-user")
    assert build.image_tag("single-user", "base").startswith("jsv/single-user:latest-")
    assert not build.image_tag("single-user-adv", "base").split(":")[1].startswith("latest-")


def test_a_pin_fix_is_met_by_the_newest_release_only_in_latest_mode(monkeypatch):
    from jsv.environments.machine import image_built_with

    assert image_built_with("single-user", "jupyter_server==2.21.1")
    monkeypatch.setenv(build.PINS_ENV, "latest")
    assert image_built_with("single-user", "jupyter_server==2.21.1")
    assert not image_built_with("single-user-adv", "jupyter_server==2.21.1")


def test_an_unknown_pins_mode_is_one_clear_error(monkeypatch):
    monkeypatch.setenv(build.PINS_ENV, "newest")
    with pytest.raises(ImageBuildFailed, match=r"use pinned \(the default\) or latest"):
        build.pins_mode()


def test_a_sibling_is_its_parent_with_other_pins_and_follows_the_parent(tmp_path, monkeypatch):
    parent = tmp_path / "app"
    parent.mkdir()
    (parent / "Dockerfile").write_text("FROM scratch\n")
    (parent / "requirements.txt").write_text("# pinned\nfoo==2.0\nbar_baz==1.0\n")
    sibling = tmp_path / "app-old"
    sibling.mkdir()
    (sibling / "sibling.yaml").write_text("of: app\npins: [foo==1.0]\n")
    monkeypatch.setattr(build, "CONTAINERS_DIR", tmp_path)
    assert build.environment_names() == ["app", "app-old"]
    assert build.requirements_of("app-old").splitlines()[1:] == ["# pinned", "foo==1.0", "bar_baz==1.0"]
    first = build.image_tag("app-old", "base")
    (parent / "Dockerfile").write_text("FROM scratch\nRUN true\n")
    assert build.image_tag("app-old", "base") != first


def test_a_sibling_pin_of_a_package_the_parent_lacks_is_one_clear_error(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "app" / "requirements.txt").write_text("foo==2.0\n")
    (tmp_path / "app-old").mkdir()
    (tmp_path / "app-old" / "sibling.yaml").write_text("of: app\npins: [qux==1.0]\n")
    monkeypatch.setattr(build, "CONTAINERS_DIR", tmp_path)
    with pytest.raises(ImageBuildFailed, match=r"qux is not pinned in containers/app/requirements.txt"):
        build.requirements_of("app-old")


def _stages(dockerfile: Path) -> list[list[str]]:
    """The instructions of each stage (continuation lines folded, comments dropped)."""
    text = dockerfile.read_text().replace("\\\n", " ")
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


@pytest.mark.parametrize(
    "dockerfile", sorted(build.CONTAINERS_DIR.glob("*/Dockerfile")), ids=lambda p: p.parent.name
)
def test_every_stage_labels_itself_first_and_metadata_precedes_the_large_layers(dockerfile: Path):
    """`jsv clean` finds images by the project label, which the build no longer adds (each API label is
    one more commit of the whole image); EXPOSE/ENTRYPOINT/CMD after a RUN would cost such a commit each."""
    for stage in _stages(dockerfile):
        assert stage[1] == "LABEL org.jsv.project=jupyter-security-verified", f"{dockerfile}: {stage[0]}"
        first_layer = next(i for i, line in enumerate(stage) if line.startswith(("RUN ", "COPY ")))
        late = [
            line for line in stage[first_layer:] if line.split(" ", 1)[0] in {"EXPOSE", "ENTRYPOINT", "CMD"}
        ]
        assert not late, f"{dockerfile}: move {late} before the first RUN/COPY"
