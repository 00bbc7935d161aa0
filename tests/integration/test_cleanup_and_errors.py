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

from jsv.build.paths import SECRETS_FILE
from jsv.environments.resources import leftovers
from jsv.errors import ImageBuildFailed
from jsv.images import build
from jsv.redaction import recorded_labelled_secrets

from .conftest import FIXTURES, default_sigint, run_id_of, site_command


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
        preexec_fn=default_sigint,
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


def _site_capturing_fds(name: str, builddir, **env: str) -> tuple[int, str]:
    """``python -m jsv site`` as ``make docs`` runs it: ipykernel captures file descriptors 1
    and 2 only when PYTEST_CURRENT_TEST is unset (``ipykernel.iostream.OutStream.__init__``)."""
    environ = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}
    done = subprocess.run(
        site_command(name, builddir),
        capture_output=True,
        text=True,
        env={**environ, **env},
        timeout=900,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _values(label: str) -> list[bytes]:
    return [r.value.encode() for r in recorded_labelled_secrets(SECRETS_FILE) if r.label == label]


LEAKING_PAGE = FIXTURES / "leaking" / "runbooks" / "page.md"


def _fd_cell_line() -> int:
    lines = LEAKING_PAGE.read_text().splitlines()
    return lines.index("if FD_LEVEL:") + 1


def _assert_absent(tokens: list[bytes], builddir, output: str) -> None:
    assert tokens
    for path in builddir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(token in data for token in tokens), path
    assert not any(token.decode() in output for token in tokens), "a secret reached the build's console"


def test_fd_level_secret_is_redacted_and_fails_the_build(tmp_path):
    builddir = tmp_path / "fd"
    code, output = _site_capturing_fds("leaking", builddir)
    assert code != 0, output[-3000:]
    leak_lines = [line for line in output.splitlines() if "at the file-descriptor level" in line]
    assert leak_lines == [
        f"error: site build failed: runbooks/page.md:{_fd_cell_line()}: a cell wrote secret "
        "«fixture-fd-token» to its output at the file-descriptor level (os.write / subprocess); "
        "redacted, but fix the cell (capture the output and pass it through redact())"
    ], output[-3000:]
    assert re.search(r"^secret scan: \d+ files, .* 0 hit\(s\)", output, re.M), output[-2000:]
    page = (builddir / "html" / "runbooks" / "page.html").read_text()
    for shown in ("fd 1: ", "fd 2: ", "subprocess: "):
        assert f"{shown}«redacted:fixture-fd-token»" in page
    assert "«redacted:fixture-fd-token» end" in page  # the token written in two halves
    assert "«redacted:fixture-fd-token»" in output  # ipykernel's copy of fd output, on the console
    _assert_absent(_values("fixture-fd-token"), builddir, output)
    assert leftovers(run_id_of(output)) == []


def test_secret_through_python_streams_is_no_leak_and_an_unregistered_one_fails_the_build(tmp_path):
    builddir = tmp_path / "python"
    code, output = _site_capturing_fds("leaking", builddir, JSV_FIXTURE_OUTPUT="python")
    assert code == 0, output[-3000:]
    assert "at the file-descriptor level" not in output
    assert re.search(r"^secret scan: \d+ files, .* 0 hit\(s\)", output, re.M), output[-2000:]
    page = (builddir / "html" / "runbooks" / "page.html").read_text()
    for shown in ("fd 1: ", "fd 2: ", "subprocess: "):
        assert f"{shown}«redacted:fixture-fd-token»" in page
    assert "«redacted:fixture-fd-token» end" in page
    _assert_absent(_values("fixture-fd-token"), builddir, output)

    builddir = tmp_path / "bypass"
    code, output = _site_capturing_fds(
        "leaking", builddir, JSV_FIXTURE_OUTPUT="python", JSV_FIXTURE_BYPASS="late-registration"
    )
    assert code != 0
    assert "at the file-descriptor level" not in output
    # the build's end purges the value from every file it wrote and names the page and cell (issue 38)
    found = re.compile(
        r"^SecretPublishedError: secret «fixture-late-token» in the output of runbooks/page\.md:\d+ "
        r"\(cell \d+\) reached the build: removed from the \d+ file\(s\) of the build that held it; "
        r"the next build runs the page again$"
    )
    hits = [
        line for line in output.splitlines() if "fixture-late-token" in line and "SecretPublished" in line
    ]
    assert hits and all(found.match(line.removeprefix("error: site build failed: ")) for line in hits), (
        output[-3000:]
    )
    assert output.rstrip().splitlines()[-1].startswith("error: site build failed: SecretPublishedError: ")
    late = _values("fixture-late-token")
    _assert_absent(late, builddir, output)
    assert leftovers(run_id_of(output)) == []


def test_interrupted_concurrent_execution_leaves_nothing(tmp_path):
    """Ctrl-C while two pages run in the worker pool (JSV_JOBS=2): every container and network goes."""
    process = subprocess.Popen(
        site_command("concurrent", tmp_path / "concurrent"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "JSV_JOBS": "2", "JSV_FIXTURE_HOLD": "300"},
        preexec_fn=default_sigint,
    )
    first = process.stdout.readline()
    while first and not first.startswith("run "):
        first = process.stdout.readline()
    run = run_id_of(first)
    engine = docker.from_env()
    deadline = time.monotonic() + 300
    while not engine.networks.list(filters={"label": f"org.jsv.run={run}"}) or not engine.containers.list(
        filters={"label": f"org.jsv.run={run}", "name": "fixture-hold"}
    ):
        assert time.monotonic() < deadline, "the fixture never started its holding container"
        assert process.poll() is None, process.stdout.read()[-2000:]
        time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)
    assert process.returncode != 0
    assert "interrupted" in process.stdout.read()
    assert leftovers(run) == []


def test_the_build_sweep_removes_the_runs_a_matrix_page_started(monkeypatch):
    """A nested page run (jsv.page_runner) labels with its own run id and the build's; an interrupted
    build's sweep, by build, removes it even when the nested run never got to sweep itself."""
    from jsv.environments import Lab, NetClient
    from jsv.environments.resources import sweep
    from jsv.labels import BUILD_ID_ENV, RUN_ID_ENV

    build, nested = f"build{os.getpid()}", f"nested{os.getpid()}"
    monkeypatch.setenv(BUILD_ID_ENV, build)
    monkeypatch.setenv(RUN_ID_ENV, nested)
    lab = Lab("nested")
    try:
        lab.start(NetClient())
        assert leftovers(nested) and leftovers(build=build) == leftovers(nested)
        assert sweep(build=build) == {"containers": 1, "networks": 1, "volumes": 0}
        assert leftovers(build=build) == [] and leftovers(nested) == []
    finally:
        lab.remove_now()
