"""JupyterHub (``containers/hub``): hub, configurable-http-proxy and users' servers in one machine.

Local users ``alice``, ``bob`` and ``carol`` log in with passwords generated per
hub (registered secrets, set by ``chpasswd`` at start); ``mallory`` is another
ordinary local user.  The runbook itself talks to the hub's REST API as a
service called ``runbook`` whose token lives only in the hub's environment
(``$JSV_RUNBOOK_TOKEN``), so commands on the page show the variable, not the
token.
"""

from __future__ import annotations

import json
import shlex
from typing import Any, Self

from jsv.environments.command_line import curl_token_header
from jsv.environments.machine import CommandResult, Machine
from jsv.environments.traitlets_app import TraitletsApp
from jsv.errors import EnvironmentTimeout
from jsv.redaction import new_token

PORT = 8000
USERS = ("alice", "bob", "carol")
CONFIG_PATH = "/etc/jupyterhub/jupyterhub_config.py"
READY_MARKER = "JupyterHub is now running at"
RUNBOOK_SCOPES = ["admin:users", "admin:servers", "admin:auth_state", "tokens", "read:hub", "list:users"]

# The lab's plumbing, identical on every hub of the guide (not part of any fix).
_ALLOWED_USERS = "{" + ", ".join(map(repr, sorted(USERS))) + "}"  # a set's repr follows the hash seed
LAB_CONFIG = f"""\
import os
c.JupyterHub.bind_url = 'http://:{PORT}'
c.JupyterHub.cookie_secret_file = '/srv/jupyterhub/jupyterhub_cookie_secret'
c.JupyterHub.db_url = 'sqlite:////srv/jupyterhub/jupyterhub.sqlite'
c.Authenticator.allowed_users = {_ALLOWED_USERS}
c.Spawner.cmd = ['/opt/jupyterhub/bin/jupyterhub-singleuser']
c.Spawner.http_timeout = 60
"""


class JupyterHub(TraitletsApp, Machine):
    """``jupyterhub`` in a container, configured by ``jupyterhub_config.py`` lines.

    >>> hub = JupyterHub("hardened").with_config("c.JupyterHub.internal_ssl = True")  # doctest: +SKIP
    >>> hub = lab.start(hub)  # doctest: +SKIP
    >>> hub.spawn("alice")  # doctest: +SKIP
    """

    environment = "hub"
    config_file = "jupyterhub_config.py"

    def __init__(self, variant: str, alias: str = "hub", **kwargs: Any) -> None:
        super().__init__(variant, alias, **kwargs)
        prefix = f"{alias}-{variant}"
        self.passwords = {user: new_token(f"{prefix}-{user}-password", 12) for user in USERS}
        self.runbook_token = new_token(f"{prefix}-runbook-token")
        self.proxy_token = new_token(f"{prefix}-proxy-token")
        self.scheme, self.port = "http", PORT
        self._proxy_scheme = "http"  # of the proxy's public port, which api() calls from inside
        self._config: list[str] = []
        self._roles: list[dict[str, Any]] = [
            {"name": "runbook", "scopes": RUNBOOK_SCOPES, "services": ["runbook"]}
        ]
        self._services: list[str] = ["{'name': 'runbook', 'api_token': os.environ['JSV_RUNBOOK_TOKEN']}"]
        self.service_tokens: dict[str, str] = {}
        """The API token of each service added with :meth:`with_service_token`, by name."""
        self.with_env("JSV_PASSWORDS", "\n".join(f"{u}:{p}" for u, p in self.passwords.items()))
        self.with_env("JSV_RUNBOOK_TOKEN", self.runbook_token)
        self.with_env("CONFIGPROXY_AUTH_TOKEN", self.proxy_token)
        self.with_ready_timeout(120)

    # -- configuration (chainable) ---------------------------------------------------
    def with_config(self, *lines: str) -> Self:
        """Lines of ``jupyterhub_config.py`` (after the lab's plumbing)."""
        self._config.extend(lines)
        return self

    def with_role(self, name: str, scopes: list[str], **members: list[str]) -> Self:
        """An RBAC role in ``c.JupyterHub.load_roles`` (members: users=, groups=, services=)."""
        self._roles.append({"name": name, "scopes": scopes, **members})
        return self

    def with_service(self, definition: str) -> Self:
        """One entry of ``c.JupyterHub.services``, as Python source."""
        self._services.append(definition)
        return self

    def with_service_token(self, name: str, scopes: list[str]) -> Self:
        """A service ``name`` with a role of ``scopes`` and an API token of its own: generated, registered
        as a secret, handed to the hub in its environment (never in the config file), and kept in
        :attr:`service_tokens` for the page that acts as that service."""
        variable = f"JSV_{name.upper()}_TOKEN"
        self.service_tokens[name] = new_token(f"{self.alias}-{name}-token")
        return (
            self.with_service(f"{{'name': '{name}', 'api_token': os.environ['{variable}']}}")
            .with_role(name, scopes, services=[name])
            .with_env(variable, self.service_tokens[name])
        )

    def as_hub_user(self, sudoers: str = "") -> Self:
        """Run the hub as the unprivileged ``jupyterhub`` with sudospawner and a sudo rule.

        ``sudoers`` names a rule in ``containers/hub/etc/jupyterhub/sudoers/`` that
        the start script installs as ``/etc/sudoers.d/jupyterhub``; leave it empty
        when a fix writes that file (``.with_fix(...)`` of a ``sudo`` fix).
        """
        self.with_env("JSV_HUB_USER", "jupyterhub")
        if sudoers:
            self.with_env("JSV_SUDOERS", sudoers)
        return self.with_config(
            "c.JupyterHub.spawner_class = 'sudospawner.SudoSpawner'",
            "c.SudoSpawner.sudospawner_path = '/opt/jupyterhub/bin/sudospawner'",
        )

    def with_tls_front(self) -> Self:
        """nginx terminating TLS on 443 (HSTS, port 80 redirects) in front of the proxy."""
        self.scheme, self.port = "https", 443
        return self.with_env("JSV_NGINX", "1")

    def with_own_tls(self, configure: bool = True) -> Self:
        """JupyterHub's own TLS (``ssl_cert``/``ssl_key``): the proxy serves HTTPS on its public port.

        The start script makes ``/srv/jupyterhub/tls/hub.{crt,key}`` for the alias;
        ``configure=False`` leaves the two settings to a fix (``.with_fix(...)``).
        """
        self.scheme = self._proxy_scheme = "https"
        self.with_env("JSV_HUB_TLS", self.alias)
        if not configure:
            return self
        return self.with_config(
            "c.JupyterHub.ssl_cert = '/srv/jupyterhub/tls/hub.crt'",
            "c.JupyterHub.ssl_key = '/srv/jupyterhub/tls/hub.key'",
        )

    def with_fail2ban(self) -> Self:
        """fail2ban watching the hub's log; bans need CAP_NET_ADMIN in the container."""
        self.with_kwargs(cap_add=["NET_ADMIN"])
        return self.with_env("JSV_FAIL2BAN", "1")

    def _configure(self) -> None:
        roles = ",\n    ".join(repr(role) for role in self._roles)
        services = ",\n    ".join(self._services)
        # The lab's service and roles come last and are added to whatever the lines
        # above define, so a fix may assign c.JupyterHub.services or load_roles.
        config = (
            LAB_CONFIG
            + "\n".join(self._config)
            + "\n"
            + f"c.JupyterHub.services.extend([\n    {services},\n])\n"
            + f"c.JupyterHub.load_roles.extend([\n    {roles},\n])\n"
        )
        self.with_copy_into_container(config.encode(), CONFIG_PATH, 0o644)

    def configuration_text(self) -> str:
        return LAB_CONFIG + "\n".join(self._config)

    # -- readiness -------------------------------------------------------------------
    def is_ready(self) -> bool:
        return READY_MARKER in self.logs_text()

    # -- the hub's REST API, as the runbook service ------------------------------------
    def api(
        self, path: str, method: str = "GET", body: Any = None, token: str = ""
    ) -> tuple[int, Any, CommandResult]:
        """Call ``/hub/api/<path>`` from inside the hub's machine; returns (status, JSON, command).

        The caller is the runbook service, or the holder of ``token`` (passed in
        the environment, so the command line shows ``$JSV_CALLER_TOKEN``).
        """
        data = (
            f" -H 'Content-Type: application/json' -d {shlex.quote(json.dumps(body))}"
            if body is not None
            else ""
        )
        token_var = "JSV_CALLER_TOKEN" if token else "JSV_RUNBOOK_TOKEN"
        ran = self.run(
            f"curl -sk -X {method} {curl_token_header(token_var)}{data} "
            f"-w '\\n%{{http_code}}' {self._proxy_scheme}://127.0.0.1:{PORT}/hub/api/{path.lstrip('/')}",
            environment={"JSV_CALLER_TOKEN": token} if token else None,
        )
        text, _, code = ran.stdout.rpartition("\n")
        try:
            payload = json.loads(text) if text.strip() else None
        except ValueError:
            payload = text
        return (int(code) if code.isdigit() else 0), payload, ran

    def spawn(self, user: str, timeout: float = 90) -> dict[str, Any]:
        """Start ``user``'s default server through the API and wait until the hub says it is ready."""
        status, payload, _ = self.api(f"users/{user}/server", "POST")
        if status not in {201, 202, 400}:  # 400: already running
            raise EnvironmentTimeout(f"{self.name}: spawning {user}'s server answered {status}: {payload}")
        # One exec waits for the spawn: the hub's progress stream ends once the spawn has finished (ready or
        # failed); polling the user's model cost an exec every half second (see Machine.run_when).
        progress = self.local_url(f"/hub/api/users/{user}/server/progress")
        self.run(
            f"curl -sk -N -o /dev/null --max-time {timeout:.0f} {curl_token_header('JSV_RUNBOOK_TOKEN')} "
            f"{progress}",
            timeout=round(timeout) + 10,
        )
        server = (self.api(f"users/{user}")[1] or {}).get("servers", {}).get("", {})
        if server.get("ready"):
            return server
        raise EnvironmentTimeout(
            f"{user}'s server on {self.name} ({self.variant}) not ready after {timeout:.0f}s; "
            f"last log lines: {self.log_tail()}"
        )

    # -- accessors -------------------------------------------------------------------
    def local_url(self, path: str = "/") -> str:
        """The URL of ``path`` on the proxy's public port, from inside the hub's machine."""
        return f"{self._proxy_scheme}://127.0.0.1:{PORT}{path}"

    def url(self, path: str = "/") -> str:
        """The URL of ``path`` from another machine on the lab network."""
        default_port = {"http": 80, "https": 443}[self.scheme]
        port = "" if self.port == default_port else f":{self.port}"
        return f"{self.scheme}://{self.alias}{port}{path}"

    def describe(self) -> str:
        return "\n".join(self._config) or "defaults (the lab's plumbing only)"

    def read_versions(self) -> dict[str, str]:
        script = (  # the packages installed of these (Debian's column image has fewer)
            "import json, importlib.metadata as m;"
            "names = ['jupyterhub', 'jupyter_server', 'jupyterhub-ldapauthenticator', 'oauthenticator',"
            "'sudospawner', 'jupyterhub-idle-culler', 'tornado'];"
            "key = lambda n: n.lower().replace('_', '-');"
            "found = {key(d.metadata['Name']): d.version for d in m.distributions()};"
            "print(json.dumps({n: found[key(n)] for n in names if key(n) in found}))"
        )
        found, dpkg = self.python_and_debian_versions(  # jupyterhub: Debian's package, in its column only
            "/opt/jupyterhub/bin/python",
            script,
            ["node-configurable-http-proxy", "nginx", "fail2ban", "sudo", "jupyterhub"],
        )
        for name, version in dpkg.items():
            found[f"{name} (Debian)" if name == "jupyterhub" else name] = version
        return found


class VulnerableJupyterHub(JupyterHub):
    """The same hub from ``containers/hub-adv/``: the pinned image but jupyterhub 6.0.1.

    The negative control of the JupyterHub advisory claims (area ADV): the last release before their fixes.
    """

    environment = "hub-adv"


class JupyterHub543(JupyterHub):
    """The hub with jupyterhub 5.4.3 (``containers/hub-adv-5.4/``): the control of JupyterHub's 2026
    advisories (ADV-20..26), the last release before the first of their fixes."""

    environment = "hub-adv-5.4"


class JupyterHubOauth173(JupyterHub):
    """The hub with oauthenticator 17.3.0 (``containers/hub-adv-oauth-17.3/``): ADV-27's control."""

    environment = "hub-adv-oauth-17.3"
