"""Log in through the server's login form with curl, as a browser would.

The cookie jar stays in the client container, so later requests can be made
"as the logged-in browser" (cookie only, no token): the position of a
malicious page that rides on the user's session.
"""

from __future__ import annotations

from typing import Any

from jsv.environments.command_line import curl_from_environment
from jsv.environments.machine import CommandResult
from jsv.environments.net_client import NetClient
from jsv.redaction import MIN_LENGTH, register

LOGIN = """rm -f {jar}; curl -sk -c {jar} -o /dev/null {base}{path}
xsrf=$(awk '$6=="_xsrf" {{print $7}}' {jar})
curl -sk -b {jar} -c {jar} -o /dev/null -w 'POST {path}: %{{http_code}}\\n' \\
     --data-urlencode "_xsrf=$xsrf"{fields} \\
     {password} {base}{path}"""

LANDING_FORMAT = "'%{http_code} %{url_effective}\\n'"  # curl -w: status and final URL


def form_login(
    client: NetClient,
    base: str,
    password: str,
    jar: str = "/tmp/jar",
    *,
    username: str | None = None,
    path: str = "/login",
    new_password: str | None = None,
) -> CommandResult:
    """GET the login page (for the _xsrf cookie), then POST the password (or token) with it.

    A hub's form also takes a ``username`` (``path="/hub/login"``); a Jupyter
    server's form a ``new_password`` next to the token.
    """
    fields = f' --data-urlencode "username={username}"' if username else ""
    secrets = {"JSV_PASSWORD": password}  # read by curl from its environment: ps shows command lines
    if new_password:
        fields += " " + curl_from_environment("JSV_NEW_PASSWORD", "data-urlencode", "new_password={}")
        secrets["JSV_NEW_PASSWORD"] = new_password
    password_field = curl_from_environment("JSV_PASSWORD", "data-urlencode", "password={}")
    login = LOGIN.format(base=base.rstrip("/"), path=path, jar=jar, fields=fields, password=password_field)
    ran = client.run(login, environment=secrets)
    register_jar(client, jar)
    return ran


def browse(client: NetClient, url: str, *curl_options: str, jar: str = "/tmp/jar") -> CommandResult:
    """Follow redirects as a browser would (cookies read and stored); prints status and final URL."""
    options = " ".join(curl_options)
    ran = client.run(f"curl -sk -L -b {jar} -c {jar} -o /tmp/page -w {LANDING_FORMAT} {options} {url}")
    register_jar(client, jar)
    return ran


CONSENT = """grep -o 'name="\\(_xsrf\\|scopes\\)" value="[^"]*"' /tmp/page \\
  | sed 's/name="\\([^"]*\\)" value="\\([^"]*\\)"/data-urlencode = "\\1=\\2"/' > /tmp/consent.cfg
curl -sk -L -b {jar} -c {jar} -K /tmp/consent.cfg -o /tmp/page -w {format} '{url}'"""


def consent(client: NetClient, visit: CommandResult, jar: str = "/tmp/jar") -> CommandResult:
    """Click "Authorize" if ``visit`` stopped at the hub's OAuth consent page.

    JupyterHub asks for consent when a user opens a server that is not their own.
    """
    _, url = landing(visit)
    if "/hub/api/oauth2/authorize" not in url:
        return visit
    ran = client.run(CONSENT.format(jar=jar, url=url, format=LANDING_FORMAT))
    register_jar(client, jar)
    return ran


def hub_session(client: NetClient, hub: Any, user: str, jar: str = "/tmp/jar") -> CommandResult:
    """Log ``user`` in to ``hub`` and make the OAuth round trip to their server.

    Afterwards the jar holds the hub's login cookie and ``jupyterhub-user-<user>``, the
    cookie of the user's own server (any page of the server that needs a login starts
    the round trip; ``files/`` does).
    """
    login = form_login(client, hub.url(), hub.passwords[user], jar, username=user, path="/hub/login")
    visit = browse(client, hub.url(f"/user/{user}/files/"), jar=jar)
    return CommandResult(
        client.alias,
        "client",
        login.command + "\n" + visit.command,
        visit.exit_code,
        login.stdout + visit.stdout,
        login.stderr + visit.stderr,
    )


def register_jar(client: NetClient, jar: str) -> None:
    """Every cookie value in ``jar`` is a credential the run created: never publish it."""
    for line in client.run(f"cat {jar} 2>/dev/null").stdout.splitlines():
        fields = line.split("\t")
        if len(fields) == 7 and len(fields[6].strip('"')) >= MIN_LENGTH:
            register(fields[6].strip('"'), f"cookie {fields[5]}")


def cookie_request(client: NetClient, url: str, *curl_options: str, jar: str = "/tmp/jar") -> CommandResult:
    """A request carrying only the browser's cookies; prints the status code last."""
    options = " ".join(curl_options)
    return client.run(f"curl -sk -b {jar} -o /dev/null -w '%{{http_code}}\\n' {options} {url}")


def xsrf_cookie(client: NetClient, jar: str = "/tmp/jar") -> str:
    """The _xsrf value a same-origin page could read and echo (X-XSRFToken); registered secret."""
    value = client.run(f"awk '$6==\"_xsrf\" {{print $7}}' {jar}").stdout.strip()
    return register(value, "xsrf-cookie") if value else value


def status_of(ran: CommandResult) -> int:
    """The HTTP status printed on the last line by ``-w '%{http_code}'``."""
    last = ran.stdout.strip().splitlines()[-1] if ran.stdout.strip() else ""
    code = last.split()[-1] if last else ""
    return int(code) if code.isdigit() else 0


def landing(ran: CommandResult) -> tuple[int, str]:
    """The final status and URL printed by :func:`browse`."""
    last = ran.stdout.strip().splitlines()[-1] if ran.stdout.strip() else ""
    code, _, url = last.partition(" ")
    return (int(code) if code.isdigit() else 0), url
