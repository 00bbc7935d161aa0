"""A single-user Jupyter Server (``containers/single-user``), hardened or weakened.

The server runs as ``alice``; ``mallory`` is another ordinary local user of the
same container.  The token is generated per server, registered as a secret and
passed by environment variable (never on the command line, where ``ps`` would
show it).
"""

from __future__ import annotations

import json
import shlex
from typing import Any, Self

from jsv.environments.machine import Machine
from jsv.redaction import new_token

PORT = 8888
CONFIG_PATH = "/home/alice/.jupyter/jupyter_server_config.py"
READY_MARKER = "is running at:"


class JupyterServer(Machine):
    """``jupyter server`` in a container, configured by config lines and flags.

    >>> server = JupyterServer("hardened")                                  # doctest: +SKIP
    >>> lab.start(server).api("/api/status").status                         # doctest: +SKIP
    200
    """

    environment = "single-user"

    def __init__(
        self, variant: str, alias: str = "jupyter", *, token: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(variant, alias, **kwargs)
        self.token = new_token(f"{alias}-{variant}-token") if token is None else token
        self.scheme = "http"
        self._args: list[str] = []
        self._config: list[str] = []
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
        """Lines of ``jupyter_server_config.py``."""
        self._config.extend(lines)
        return self

    def with_tls(self, certfile: str, keyfile: str) -> Self:
        self.scheme = "https"
        return self.with_config(f"c.ServerApp.certfile = {certfile!r}", f"c.ServerApp.keyfile = {keyfile!r}")

    def with_sshd(self) -> Self:
        return self.with_env("JSV_START_SSHD", "1")

    def _configure(self) -> None:
        if self._config:
            config = "\n".join(self._config) + "\n"
            self.with_copy_into_container(config.encode(), CONFIG_PATH, 0o600)
        self.with_command(self._args)

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
        return "\n".join(parts) or "defaults (token generated, passed as JUPYTER_TOKEN)"

    def local_url(self, path: str = "/") -> str:
        """The URL of ``path`` from inside this container."""
        return f"{self.scheme}://127.0.0.1:{PORT}{path}"

    def url(self, path: str = "/") -> str:
        """The URL of ``path`` from another machine on the lab network."""
        return f"{self.scheme}://{self.alias}:{PORT}{path}"

    def read_versions(self) -> dict[str, str]:
        script = (
            "import json, jupyter_server, jupyter_client, ipykernel, tornado, sys;"
            "print(json.dumps({'jupyter_server': jupyter_server.__version__,"
            "'jupyter_client': jupyter_client.__version__,"
            "'ipykernel': ipykernel.__version__, 'tornado': tornado.version,"
            "'python': sys.version.split()[0]}))"
        )
        found = json.loads(self.run(["python3", "-c", script], user="alice").stdout)
        found.update(super().read_versions())
        found["openssh"] = self.run("dpkg-query -W -f '${Version}' openssh-server").stdout
        return found
