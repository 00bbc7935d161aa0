"""What the attacks of past JupyterHub advisories achieve (claims ADV-05..ADV-08, ADV-10).

Used by ``runbooks/advisories/jupyterhub.md``, which starts two pairs of hubs
(6.1.1 and 6.0.1).  The first pair is reached through the REST API only (the
null authenticator), with a limit on the lifetime of API tokens and a
``minter`` service (:func:`api_setup`: ADV-06, ADV-07, ADV-08, ADV-10).  The
second uses the shared-password authenticator with ``alice`` as the only
admin (:func:`shared_password_setup`: ADV-05); its passwords reach the hub
through its environment, never its configuration file.  The pairs are apart
so that a release without that authenticator (Debian's 5.2.1) still runs the
first pair's claims.
"""

from __future__ import annotations

import json

from jsv.claims import Observation
from jsv.environments import JupyterHub, NetClient
from jsv.probes.login import form_login, register_jar, status_of
from jsv.redaction import new_token, register

ADMIN = "alice"
TOKEN_MAX_SECONDS = 3600
DOT_NAMES = ("..", "...")
"""Usernames made only of dots (ADV-07): ``..`` resolves to the parent in the URLs built from a name."""
RENAMED_TO = "."
"""The new name ADV-08 gives carol: ``/user/./`` resolves to ``/user/``."""


MINTER_SCOPES = ["tokens!service=bob"]
"""ADV-10: ``minter`` may manage the tokens of the *service* named bob (there is also a user bob)."""


def shared_passwords() -> tuple[str, str]:
    """The user password (at least 8 characters) and the admin password (at least 32), registered."""
    return new_token("shared-user-password", 12), new_token("shared-admin-password", 24)


def api_setup(hub: JupyterHub) -> JupyterHub:
    """ADV-06..ADV-10: API only, a token lifetime limit, and a service ``minter`` with :data:`MINTER_SCOPES`.

    Not PAM, the hub's default: a local authenticator refuses through the API every name without a
    system account (``LocalAuthenticator.add_user``), so ADV-07's names never reach the name check.
    """
    return hub.with_service_token("minter", MINTER_SCOPES).with_config(
        "c.JupyterHub.authenticator_class = 'null'",
        f"c.JupyterHub.token_expires_in_max_seconds = {TOKEN_MAX_SECONDS}",
    )


def shared_password_setup(hub: JupyterHub, passwords: tuple[str, str]) -> JupyterHub:
    """ADV-05's settings: the shared-password authenticator (user, admin passwords) and one admin."""
    user_password, admin_password = passwords
    return (
        hub.with_env("JSV_USER_PASSWORD", user_password)
        .with_env("JSV_ADMIN_PASSWORD", admin_password)
        .with_config(
            "c.JupyterHub.authenticator_class = 'shared-password'",
            "c.SharedPasswordAuthenticator.user_password = os.environ['JSV_USER_PASSWORD']",
            "c.SharedPasswordAuthenticator.admin_password = os.environ['JSV_ADMIN_PASSWORD']",
            f"c.Authenticator.admin_users = {{'{ADMIN}'}}",
        )
    )


def admin_name_with_user_password(client: NetClient, user_password: str, target: JupyterHub) -> Observation:
    """ADV-05: log in as ``ALICE`` (the admin's name in capitals) with the shared *user* password.

    Then the hub's record of alice: 6.0.1's authenticator returns ``admin: False`` for the session,
    which the hub writes to the user (``auth_to_user``).
    """
    jar = f"/tmp/hub-{target.alias}"
    base = target.url("").rstrip("/")
    login = form_login(client, base, user_password, jar, username=ADMIN.upper(), path="/hub/login")
    whoami = client.run(f"curl -sk -b {jar} -w '\\n%{{http_code}}' {base}/hub/api/user")
    register_jar(client, jar)
    text, _, code = whoami.stdout.rpartition("\n")
    model = json.loads(text) if code == "200" and text.strip() else {}
    _, admin_model, record = target.api(f"users/{ADMIN}")
    answers = {
        "login": status_of(login),
        "session of": model.get("name"),
        f"{ADMIN} still admin": bool(isinstance(admin_model, dict) and admin_model.get("admin")),
    }
    return Observation(answers, "\n\n".join([login.transcript, whoami.transcript, record.transcript]))


def never_expiring_token(target: JupyterHub) -> Observation:
    """ADV-06: ask for a token of bob with ``expires_in: 0`` under ``token_expires_in_max_seconds``."""
    status, model, ran = target.api("users/bob/tokens", "POST", {"note": "expires_in 0", "expires_in": 0})
    if isinstance(model, dict) and model.get("token"):
        register(model["token"], "bob-token-expires-in-0")
    created = status == 201 and isinstance(model, dict)
    answers = {"status": status, "expires_at": model.get("expires_at") if created else None}
    return Observation(answers, ran.transcript)


def dot_users_created(target: JupyterHub) -> Observation:
    """ADV-07: create users named only with dots through the REST API (as an admin service would)."""
    answers, transcripts = {}, []
    for name in DOT_NAMES:
        status, _model, ran = target.api("users", "POST", {"usernames": [name]})
        answers[name] = status
        transcripts.append(ran.transcript)
    return Observation(answers, "\n\n".join(transcripts))


def rename_to_dots(target: JupyterHub) -> Observation:
    """ADV-08: rename carol to ``.`` through the REST API; then whether the hub has a user of that name."""
    status, _model, ran = target.api("users/carol", "PATCH", {"name": RENAMED_TO})
    _, users, listed = target.api("users")
    names = sorted(user["name"] for user in users) if isinstance(users, list) else []
    answers = {"rename": status, "user named '.' exists": RENAMED_TO in names}
    return Observation(answers, f"{ran.transcript}\n\n{listed.transcript}")


def token_for_the_user_named_like_a_service(target: JupyterHub) -> Observation:
    """ADV-10: the ``minter`` service (scope ``tokens!service=bob``) asks for a token of the *user* bob."""
    status, model, ran = target.api(
        "users/bob/tokens", "POST", {"note": "minted"}, target.service_tokens["minter"]
    )
    if isinstance(model, dict) and model.get("token"):
        register(model["token"], "bob-token-minted-by-service")
    return Observation(status, ran.transcript)
