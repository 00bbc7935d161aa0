"""The base image's progress lines: silent when present, a line before and after obtaining it; a base
bootstrapped with other container settings than today's is obtained again."""

from __future__ import annotations

import docker.errors
import pytest

from jsv.images import base
from jsv.images.container_rootfs import recipe
from jsv.labels import PROJECT_LABEL, PROJECT_VALUE


class _Images:
    def __init__(self, present: bool, registry: bool, present_labels: dict[str, str] | None = None) -> None:
        self.present = present
        self.registry = registry
        self.present_labels = present_labels or {}

    def get(self, _name: str) -> object:
        if not self.present:
            raise docker.errors.ImageNotFound("absent")
        return type("Image", (), {"id": "sha256:present", "labels": self.present_labels})()

    def pull(self, *_args: str) -> object:
        if not self.registry:
            raise docker.errors.APIError("no registry answered")
        return type("Image", (), {"id": "sha256:pulled", "tag": lambda self, _t: None})()


def _engine(
    monkeypatch: pytest.MonkeyPatch,
    present: bool,
    registry: bool,
    present_labels: dict[str, str] | None = None,
) -> None:
    images = _Images(present, registry, present_labels)
    monkeypatch.setattr(base, "client", lambda: type("Engine", (), {"images": images})())
    monkeypatch.setattr(base, "_bootstrap", lambda _error: "sha256:bootstrapped")


def test_a_present_base_is_used_without_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    _engine(monkeypatch, present=True, registry=True)
    lines: list[str] = []
    assert base.ensure_base_image(report=lines.append) == "sha256:present"
    assert lines == []


def test_a_missing_base_says_it_is_bootstrapped_and_how_long_it_took(monkeypatch: pytest.MonkeyPatch) -> None:
    _engine(monkeypatch, present=False, registry=False)
    monkeypatch.setenv(base.SOURCE_ENV, "auto")
    lines: list[str] = []
    assert base.ensure_base_image(report=lines.append) == "sha256:bootstrapped"
    steps = [line.split(": ", 1)[1].split()[0] for line in lines]
    assert steps == ["pulling", "bootstrapping", "bootstrapped"]
    assert lines[-1].endswith(" s")


def test_a_pulled_base_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    _engine(monkeypatch, present=False, registry=True)
    monkeypatch.setenv(base.SOURCE_ENV, "pull")
    lines: list[str] = []
    assert base.ensure_base_image(report=lines.append) == "sha256:pulled"
    assert "pulled in" in lines[-1]


def test_a_base_bootstrapped_with_other_container_settings_is_bootstrapped_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _engine(monkeypatch, present=True, registry=False, present_labels={PROJECT_LABEL: PROJECT_VALUE})
    monkeypatch.setenv(base.SOURCE_ENV, "auto")
    lines: list[str] = []
    assert base.ensure_base_image(report=lines.append) == "sha256:bootstrapped"
    assert "other container settings" in lines[0]
    assert lines[-1].startswith(f"base {base.BASE_IMAGE}: bootstrapped in")


def test_a_base_bootstrapped_with_todays_settings_or_pulled_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    current = {PROJECT_LABEL: PROJECT_VALUE, base.RECIPE_LABEL: recipe()}
    for present_labels in (current, {}):
        _engine(monkeypatch, present=True, registry=False, present_labels=present_labels)
        lines: list[str] = []
        assert base.ensure_base_image(report=lines.append) == "sha256:present"
        assert lines == []
