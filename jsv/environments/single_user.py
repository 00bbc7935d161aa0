"""A single-user Jupyter Server (``containers/single-user``), hardened or weakened.

The server runs as ``alice``; ``mallory`` is another ordinary local user of the
same container.  The token is generated per server, registered as a secret and
passed by environment variable (never on the command line, where ``ps`` would
show it).
"""

from __future__ import annotations

import dataclasses
import shlex
from typing import Any, Self

from jsv.environments.machine import CommandResult, Machine
from jsv.environments.traitlets_app import TraitletsApp
from jsv.errors import ConfigurationError, last_lines
from jsv.redaction import new_token

PORT = 8888
CONFIG_PATH = "/home/alice/.jupyter/jupyter_server_config.py"
READY_MARKER = "is running at:"


class JupyterServer(TraitletsApp, Machine):
    """``jupyter server`` in a container, configured by config lines and flags.

    >>> server = JupyterServer("hardened")                                  # doctest: +SKIP
    >>> lab.start(server).api("/api/status").status                         # doctest: +SKIP
    200
    """

    environment = "single-user"
    config_file = "jupyter_server_config.py"

    def __init__(
        self, variant: str, alias: str = "jupyter", *, token: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(variant, alias, **kwargs)
        self.token = new_token(f"{alias}-{variant}-token") if token is None else token
        self.scheme = "http"
        self._args: list[str] = []
        self._config: list[str] = []
        self._fixes_run: list[tuple[str, str, str]] = []
        """Shell fixes run by :meth:`run_fix` (claim id, code, user), for :meth:`describe`."""
        if self.token:
            self.with_env("JUPYTER_TOKEN", self.token)
        else:  # an empty JUPYTER_TOKEN is ignored (a random token is generated): use config
            self.with_config("c.IdentityProvider.token = ''")

    # -- configuration (chainable) ---------------------------------------------------
    def with_args(self, *args: str) -> Self:
        """Command-line flags for ``jupyter server``."""
        self._args.extend(args)
        return self

    def with_config(self, *lines: str) -> Self:
        """Lines of ``jupyter_server_config.py`` (a ``certfile`` makes the server's URLs https)."""
        self._config.extend(lines)
        if any("c.ServerApp.certfile" in line for line in lines):
            self.scheme = "https"
        return self

    def with_sshd(self) -> Self:
        return self.with_env("JSV_START_SSHD", "1")

    def _configure(self) -> None:
        if self._config:
            config = "\n".join(self._config) + "\n"
            self.with_copy_into_container(config.encode(), CONFIG_PATH, 0o600)
        self.with_command(self._args)

    def run_fix(self, claim_id: str, *typed: str) -> CommandResult:
        """Run ``claim_id``'s published shell fix now, verbatim, as its user, and record it as applied.

        For a shell fix that asks at a prompt, or whose moment is part of the
        check (a password changed between two logins): :meth:`with_fix` runs
        shell fixes once, right after the start, with nothing on their input.
        ``typed`` are the lines a user would type at the prompts (``jupyter
        server password`` reads the new password twice); they reach the fix on
        its standard input through the environment, never on a command line.
        The transcript shows the fix's text as the command.
        """
        from jsv.claims.registry import registry_here

        fix = registry_here().claim(claim_id).fix
        if fix.component != "shell":
            raise ConfigurationError(
                f"{claim_id}: its fix goes into {fix.file} ({fix.component}); only a shell fix runs "
                "on a started machine: use .with_fix()"
            )
        feed = 'printf "%s" "$JSV_TYPED" | (unset JSV_TYPED; exec sh -c "$1")'
        typed_text = "".join(line + "\n" for line in typed)
        ran = self.run(
            ["sh", "-c", feed, "sh", fix.code], user=fix.user, environment={"JSV_TYPED": typed_text}
        )
        if ran.exit_code != 0:
            raise ConfigurationError(
                f"{claim_id}: its shell fix failed as {fix.user} on {self.alias} "
                f"(exit {ran.exit_code}): {last_lines(ran.stdout + ran.stderr, 2)}"
            )
        self.applied_fixes[claim_id] = fix.code
        self._fixes_run.append((claim_id, fix.code, fix.user))
        return dataclasses.replace(ran, command=fix.code)

    # -- readiness -------------------------------------------------------------------
    def is_ready(self) -> bool:
        return self.logs_text().count(READY_MARKER) > self.restarts

    # -- accessors -------------------------------------------------------------------
    def describe(self) -> str:
        parts = []
        if self._config:
            parts.append("\n".join(self._config))
        if self._args:
            parts.append("jupyter server " + shlex.join(self._args))
        shown = "\n".join(parts) or "defaults (token generated, passed as JUPYTER_TOKEN)"
        for claim_id, code, user in [*self._shell_fixes, *self._fixes_run]:
            shown += f"\n# then, as {user} (the fix of {claim_id}):\n{code}"
        return shown

    def local_url(self, path: str = "/") -> str:
        """The URL of ``path`` from inside this container."""
        return f"{self.scheme}://127.0.0.1:{PORT}{path}"

    def url(self, path: str = "/") -> str:
        """The URL of ``path`` from another machine on the lab network."""
        return f"{self.scheme}://{self.alias}:{PORT}{path}"

    def read_versions(self) -> dict[str, str]:
        # one exec (see Machine.run_when): the installed distributions' versions as alice's python3 finds
        # them (importlib.metadata: importing jupyter_server would cost a second of processor time), the
        # Debian release, and openssh-server and python3-jupyter-server as dpkg knows them (the latter only
        # in the Debian column's image: the package's own version, Debian revision included)
        script = (
            "import json, sys, importlib.metadata as m;"
            "print(json.dumps({**{p: m.version(p) for p in ('jupyter_server', 'jupyter_client', 'ipykernel',"
            " 'tornado')}, 'python': sys.version.split()[0]}))"
        )
        found, dpkg = self.python_and_debian_versions(
            "python3", script, ["openssh-server", "python3-jupyter-server"], user="alice"
        )
        found["openssh"] = dpkg.get("openssh-server", "")
        if "python3-jupyter-server" in dpkg:
            found["python3-jupyter-server (Debian)"] = dpkg["python3-jupyter-server"]
        return found


class VulnerableJupyterServer(JupyterServer):
    """The same server from ``containers/single-user-adv/``: the pinned image but an old jupyter_server.

    The negative control of the advisory claims (area ADV): the last release before their fixes.
    """

    environment = "single-user-adv"


class VulnerableJupyterServer219(JupyterServer):
    """The same server from ``containers/single-user-adv-2.19/``: the pinned image but jupyter_server 2.19.0.

    The negative control of GHSA-fcw5-x6j4-ccmp (ADV-09), fixed one release after 2.19.0: 2.17.0 of
    :class:`VulnerableJupyterServer` has that weakness too, but also the others, so it would not show which
    release fixed this one.
    """

    environment = "single-user-adv-2.19"


class VulnerableJupyterServer220(JupyterServer):
    """The same server from ``containers/single-user-adv-2.20/``: the pinned image but jupyter_server 2.20.0.

    The negative control of GHSA-c3mw-737p-c7g2 (ADV-12), fixed in 2.21.0.
    """

    environment = "single-user-adv-2.20"


class ExtensionsServer(JupyterServer):
    """The same server from ``containers/single-user-ext/``: the pinned image plus the server extensions a
    hub commonly installs (jupyter-server-proxy, jupyterlab-git, voila) and Debian's git.

    Its versions name the extensions too, read in the same one exec.
    """

    environment = "single-user-ext"
    EXTENSIONS = ("jupyter_server_proxy", "jupyterlab_git", "jupyterlab-git-core", "voila", "nbclient")

    def read_versions(self) -> dict[str, str]:
        found = super().read_versions()
        script = (
            "import json, importlib.metadata as m;"
            f"print(json.dumps({{p: m.version(p) for p in {self.EXTENSIONS!r}}}))"
        )
        extensions, dpkg = self.python_and_debian_versions("python3", script, ["git"], user="alice")
        return {**found, **extensions, "git": dpkg.get("git", "")}


class VulnerableExtensionsServer(ExtensionsServer):
    """The same server from ``containers/single-user-ext-old/``: the extensions at the last releases before
    the fixes of their advisories (the negative controls of EXT-01, EXT-02, EXT-04 and EXT-06)."""

    environment = "single-user-ext-old"


FIRST_DONE = "jsv: mallory's first command returned"
SERVER_EXITED = "jsv: jupyter server exited"
NOT_STARTED = "the Jupyter server could not be started"
"""jupyter_server's critical line when it cannot bind (``_bind_http_server``), before it exits."""


class ServerAfterAnotherUser(JupyterServer):
    """alice's server, started only once ``mallory`` has run ``first`` (a shell command) in the container.

    Who comes first decides names in places both can write (a socket in ``/tmp``): the container runs
    ``first`` as mallory, then the image's start script.  A server that exits (its socket name taken)
    leaves the container running, so a check can look at what happened: :attr:`server_started`.
    """

    def __init__(self, variant: str, alias: str = "jupyter", *, first: str, **kwargs: Any) -> None:
        super().__init__(variant, alias, **kwargs)
        self.first = first
        self.with_env("JSV_FIRST", first)
        script = (
            "setpriv --reuid=mallory --regid=mallory --init-groups "
            'env HOME=/home/mallory sh -c "$JSV_FIRST"; '
            f'echo "{FIRST_DONE} ($?)"; /usr/local/bin/start-server "$@"; '
            f'echo "{SERVER_EXITED} ($?)"; exec tail -f /dev/null'
        )
        self.with_kwargs(**{**self._kwargs, "entrypoint": ["sh", "-c", script, "start-server"]})

    def is_ready(self) -> bool:
        log = self.logs_text()
        return READY_MARKER in log or SERVER_EXITED in log or NOT_STARTED in log

    @property
    def server_started(self) -> bool:
        """Whether alice's server came up and stayed up.

        jupyter_server 2.21 prints its ready line ("is running at:") before it binds (``init_httpserver``:
        ``self.io_loop.add_callback(self._bind_http_server)``), so a server whose name was taken prints it
        too, then ``NOT_STARTED``, and exits.
        """
        log = self.logs_text()
        return READY_MARKER in log and NOT_STARTED not in log and SERVER_EXITED not in log

    def describe(self) -> str:
        return f"# first, as mallory, before alice's server starts:\n{self.first}\n# alice's server:\n" + (
            super().describe()
        )


class NbconvertServer(JupyterServer):
    """The pinned single-user image but nbconvert 7.17.0 (``containers/single-user-adv-nbconvert/``): the
    control of nbconvert's 2026 advisories (ADV-30, ADV-31)."""

    environment = "single-user-adv-nbconvert"


class NbconvertServer1771(JupyterServer):
    """The pinned single-user image but nbconvert 7.17.1 (``containers/single-user-adv-nbconvert-7.17.1``):
    ADV-32's control."""

    environment = "single-user-adv-nbconvert-7.17.1"
