"""The label sweep when a page's own clean-up is removing the same container."""

from __future__ import annotations

import docker.errors
import pytest
import requests

from jsv.environments.resources import remove_container


def _api_error(status: int, message: str) -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError(message, response=response, explanation=message)


class FakeContainer:
    def __init__(self, error: Exception | None = None, wait_error: Exception | None = None) -> None:
        self.error = error
        self.wait_error = wait_error
        self.waited_for: str | None = None

    def remove(self, force: bool, v: bool) -> None:
        assert force and v
        if self.error:
            raise self.error

    def wait(self, condition: str, timeout: float) -> dict:
        self.waited_for = condition
        if self.wait_error:
            raise self.wait_error
        return {"StatusCode": 0}


def test_a_removal_already_in_progress_is_waited_for_not_raised():
    busy = FakeContainer(_api_error(409, "removal of container abc is already in progress"))
    assert remove_container(busy) is False
    assert busy.waited_for == "removed"


def test_a_container_gone_while_waiting_is_fine():
    busy = FakeContainer(_api_error(409, "already in progress"), wait_error=docker.errors.NotFound("gone"))
    assert remove_container(busy) is False


def test_a_removed_container_counts_and_a_missing_one_does_not():
    assert remove_container(FakeContainer()) is True
    assert remove_container(FakeContainer(docker.errors.NotFound("no such container"))) is False


def test_other_engine_errors_still_fail_the_sweep():
    with pytest.raises(docker.errors.APIError):
        remove_container(FakeContainer(_api_error(500, "driver failed")))
