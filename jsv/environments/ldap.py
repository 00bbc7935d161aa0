"""An OpenLDAP directory (``containers/ldap``) holding the hub's users."""

from __future__ import annotations

from typing import Any

from jsv.environments.machine import Machine

READY_MARKER = "slapd starting"
BASE_DN = "dc=hub,dc=test"


class LdapServer(Machine):
    """slapd with StartTLS (389) and LDAPS (636); users and passwords given at start.

    >>> ldap = lab.start(LdapServer(hub.passwords))          # doctest: +SKIP
    """

    environment = "ldap"

    def __init__(
        self, passwords: dict[str, str], variant: str = "directory", alias: str = "ldap", **kwargs: Any
    ) -> None:
        super().__init__(variant, alias, **kwargs)
        self.with_env("JSV_PASSWORDS", "\n".join(f"{u}:{p}" for u, p in passwords.items()))

    def is_ready(self) -> bool:
        return READY_MARKER in self.logs_text()

    def certificate(self) -> str:
        """The server's self-signed certificate (PEM), for clients to trust."""
        return self.run("cat /etc/ldap/tls/ldap.crt").stdout

    def user_dn(self, user: str = "{username}") -> str:
        return f"uid={user},ou=people,{BASE_DN}"

    def read_versions(self) -> dict[str, str]:
        found = super().read_versions()
        found["slapd"] = self.run("dpkg-query -W -f '${Version}' slapd").stdout
        return found
