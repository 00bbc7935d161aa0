"""An OpenID Connect provider for tests (``containers/oidc-provider``)."""

from __future__ import annotations

from typing import Any

from jsv.environments.machine import Machine

PORT = 9400


class OidcProvider(Machine):
    """``oidc-provider-mock``: an authorization form where the user names their subject.

    >>> oidc = lab.start(OidcProvider())                                   # doctest: +SKIP
    >>> oidc.url("/.well-known/openid-configuration")                     # doctest: +SKIP
    'http://oidc:9400/.well-known/openid-configuration'
    """

    environment = "oidc-provider"

    def __init__(self, variant: str = "provider", alias: str = "oidc", **kwargs: Any) -> None:
        super().__init__(variant, alias, **kwargs)

    def is_ready(self) -> bool:
        probe = self.run(f"curl -sf -o /dev/null http://127.0.0.1:{PORT}/.well-known/openid-configuration")
        return probe.exit_code == 0

    def url(self, path: str = "/") -> str:
        return f"http://{self.alias}:{PORT}{path}"

    def read_versions(self) -> dict[str, str]:
        found = super().read_versions()
        version = self.run(
            [
                "/opt/oidc/bin/python",
                "-c",
                "import importlib.metadata as m; print(m.version('oidc-provider-mock'))",
            ]
        )
        found["oidc-provider-mock"] = version.stdout.strip()
        return found
