"""No container, network or volume survives a passing run, a failing runbook, or an interrupted
build; and errors arrive as one actionable line."""

import os
import re
import signal
import subprocess
import sys
import time

import docker
import pytest

from jsv.environments.resources import leftovers
from jsv.errors import ImageBuildFailed
from jsv.images import build

from .conftest import run_id_of, site_command


def test_passing_run_leaves_nothing(run_site):
    code, output = run_site("passing")
    assert code == 0, output[-3000:]
    assert leftovers(run_id_of(output)) == []


def test_failing_runbook_leaves_nothing_and_says_why(run_site):
    code, output = run_site("failing")
    assert code != 0
    assert "error: site build failed: AssertionError: deliberate failure" in output
    assert leftovers(run_id_of(output)) == []


def test_interrupted_build_leaves_nothing(tmp_path):
    process = subprocess.Popen(
        site_command("hanging", tmp_path / "hanging"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first = process.stdout.readline()
    while first and not first.startswith("run "):
        first = process.stdout.readline()
    run = run_id_of(first)
    engine = docker.from_env()
    deadline = time.monotonic() + 300
    while not engine.containers.list(filters={"label": f"org.jsv.run={run}"}):
        assert time.monotonic() < deadline, "the fixture never started its container"
        assert process.poll() is None, process.stdout.read()[-2000:]
        time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)
    assert process.returncode != 0
    assert leftovers(run) == []


def test_runbook_timeout_names_the_container(run_site):
    code, output = run_site("hanging", JSV_CELL_TIMEOUT="8")
    assert code != 0
    line = next(x for x in output.splitlines() if x.startswith("error: site build failed"))
    assert "RunbookTimeout: cell exceeded 8s" in line
    assert "container jsv-fixture-" in line and "last log lines" in line
    assert leftovers(run_id_of(output)) == []


def test_no_docker_engine_is_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "jsv", "preflight"],
        capture_output=True,
        text=True,
        env={**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"},
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: no Docker engine answered at unix:///nonexistent/docker.sock")
    assert "DOCKER_HOST" in lines[0]


def test_image_build_failure_names_dockerfile_and_step(tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "Dockerfile").write_text(
        "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo preparing\nRUN echo about to fail && exit 3\n"
    )
    monkeypatch.setattr(build, "CONTAINERS_DIR", tmp_path)
    with pytest.raises(ImageBuildFailed) as caught:
        build.ensure_image("broken")
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(r"containers/broken/Dockerfile failed at step 4/\d+ `RUN echo about to fail", message)
    assert "exit 3" in message or "returned a non-zero code: 3" in message
