"""mallory's socket listener (MU-06) and the helpers of the shared-folder checks, without a container."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from jsv.observations.single_user import SOCKET_SQUATTER, mallory_line, marker_payload

TOKEN = "0123456789abcdef" * 3


def _listener_pids(marker: str) -> list[int]:
    """The processes whose command line names ``marker`` (the test's own listener, by its id)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@pytest.fixture
def squatter(tmp_path: Path):
    script = tmp_path / "squat.py"
    script.write_text(SOCKET_SQUATTER)
    path, report = tmp_path / "run" / "jupyter.sock", tmp_path / "heard.txt"
    started = subprocess.run(
        [sys.executable, str(script), str(path), str(report)], capture_output=True, text=True, timeout=30
    )
    yield started, path, report
    for pid in _listener_pids(str(path)):
        os.kill(pid, signal.SIGTERM)


def _ask(path: Path, request: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(10)
        client.connect(str(path))
        client.sendall(request)
        answer = b""
        while chunk := client.recv(4096):
            answer += chunk
    return answer


def test_the_listener_binds_first_and_notes_a_token_without_its_value(squatter) -> None:
    started, path, report = squatter
    assert started.returncode == 0
    assert mallory_line(started.stdout) == f"mallory: listening on {path}"
    assert path.stat().st_mode & 0o777 == 0o777
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:  # jupyter_server's in-use check
        probe.connect(str(path))
    request = f"GET /api/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: token {TOKEN}\r\n\r\n"
    answer = _ask(path, request.encode())
    assert answer.startswith(b"HTTP/1.1 200 OK")
    heard = report.read_text()
    assert heard == "GET /api/status HTTP/1.1 | token (48 characters)\n"
    assert TOKEN not in heard


def test_a_request_without_a_token_is_noted_as_such(squatter) -> None:
    _, path, report = squatter
    _ask(path, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert report.read_text() == "GET / HTTP/1.1 | no token\n"


def test_a_name_that_cannot_be_made_is_reported_and_nothing_listens(tmp_path: Path) -> None:
    script = tmp_path / "squat.py"
    script.write_text(SOCKET_SQUATTER)
    (tmp_path / "a-file").write_text("")
    path = tmp_path / "a-file" / "jupyter.sock"
    ran = subprocess.run(
        [sys.executable, str(script), str(path), str(tmp_path / "heard.txt")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert ran.returncode == 1
    assert mallory_line(ran.stdout).startswith(f"mallory: cannot bind {path}: ")


def test_mallory_line_without_one() -> None:
    assert mallory_line("some log\nmore log") == "mallory: (no line)"


def test_the_marker_payload_notes_the_user_it_ran_as(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    subprocess.run([sys.executable, "-c", marker_payload(str(marker))], check=True, timeout=30)
    import pwd

    assert marker.read_text() == pwd.getpwuid(os.getuid()).pw_name + "\n"
