"""The image build order: at most N builds at once, a sibling only after its parent."""

import threading
import time

import pytest

from jsv.images.schedule import DEFAULT_IMAGE_JOBS, build_in_order, image_jobs_from_env, layer_parent


def test_a_sibling_starts_after_its_parent_and_at_most_n_build_at_once():
    parents = {"hub-adv": "hub", "su-adv": "su", "su-adv-2": "su"}
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    live, most = 0, 0

    def build(name: str) -> str:
        nonlocal live, most
        with lock:
            live += 1
            most = max(most, live)
            events.append(("start", name))
        time.sleep(0.05)
        with lock:
            live -= 1
            events.append(("end", name))
        return f"tag-{name}"

    names = ["hub-adv", "hub", "ldap", "su", "su-adv", "su-adv-2", "net"]
    result = build_in_order(names, build, workers=2, parent_of=parents.get)
    assert list(result) == names and result["hub"] == "tag-hub"
    assert most == 2
    for child, parent in parents.items():
        assert events.index(("end", parent)) < events.index(("start", child))


def test_a_child_whose_parent_is_not_asked_for_builds_at_once():
    result = build_in_order(["hub-adv"], lambda name: name, workers=1, parent_of={"hub-adv": "hub"}.get)
    assert result == {"hub-adv": "hub-adv"}


def test_a_failed_build_is_raised_and_its_children_never_start():
    started: list[str] = []

    def build(name: str) -> str:
        started.append(name)
        if name == "hub":
            raise RuntimeError("hub failed")
        return name

    with pytest.raises(RuntimeError, match="hub failed"):
        build_in_order(["hub", "hub-adv"], build, workers=2, parent_of={"hub-adv": "hub"}.get)
    assert started == ["hub"]


def test_the_repository_siblings_name_their_parents():
    assert layer_parent("hub-adv") == "hub"
    assert layer_parent("single-user-adv") == "single-user"
    assert layer_parent("single-user-debian") is None  # an overlay shares files, not layers
    assert layer_parent("hub") is None


def test_image_jobs_from_env():
    assert image_jobs_from_env({}) == DEFAULT_IMAGE_JOBS
    assert image_jobs_from_env({"JSV_IMAGE_JOBS": "3"}) == 3
    for bad in ("0", "two", "-1"):
        with pytest.raises(ValueError, match="JSV_IMAGE_JOBS"):
            image_jobs_from_env({"JSV_IMAGE_JOBS": bad})


def test_one_python_image_goes_first_then_those_without_python():
    from jsv.images.build import environment_names
    from jsv.images.schedule import build_order, has_download_stage

    order = build_order(environment_names())
    assert sorted(order) == environment_names()
    python = [name for name in order if has_download_stage(name)]
    without = [name for name in order if not has_download_stage(name)]
    assert {"single-user", "hub", "single-user-adv"} <= set(python)
    assert {"ldap", "net-client", "single-user-debian", "hub-debian"} <= set(without)
    assert order == python[:1] + without + python[1:]
