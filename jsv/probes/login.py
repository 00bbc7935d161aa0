"""Log in through the server's login form with curl, as a browser would.

The cookie jar stays in the client container, so later requests can be made
"as the logged-in browser" (cookie only, no token): the position of a
malicious page that rides on the user's session.
"""

from __future__ import annotations

from jsv.environments.machine import CommandResult
from jsv.environments.net_client import NetClient
from jsv.redaction import register

LOGIN = """rm -f {jar}; curl -sk -c {jar} -o /dev/null {base}/login
xsrf=$(awk '$6=="_xsrf" {{print $7}}' {jar})
curl -sk -b {jar} -c {jar} -o /dev/null -w 'POST /login: %{{http_code}}\\n' \\
     --data-urlencode "_xsrf=$xsrf" --data-urlencode "password={password}" {base}/login"""


def form_login(client: NetClient, base: str, password: str, jar: str = "/tmp/jar") -> CommandResult:
    """GET /login (for the _xsrf cookie), then POST the password (or token) with it."""
    return client.run(LOGIN.format(base=base.rstrip("/"), password=password, jar=jar))


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
