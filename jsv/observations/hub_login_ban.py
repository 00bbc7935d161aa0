"""Whom the login ban bans: the guesser (HUB-14), or a bystander a route names (HUB-40..43).

Used by ``runbooks/hub/web.md`` (the hub's own routes) and
``runbooks/hub/authenticators.md`` (the LDAP route).  The control of every
route is a hub with the jail and filter this guide published before HUB-40
and HUB-41 (:func:`with_published_before_jail`): it read the hub's whole
output and matched its pattern anywhere in a line.  A route writes text into
the hub's log that names the bystander (the ``client`` machine of the lab);
then the attacker makes six wrong guesses, and once fail2ban has banned the
attacker (it reads the log in order, so whatever the route caused is banned
by then) both machines ask for the login page.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from jsv.claims import Observation
from jsv.environments import JupyterHub, NetClient
from jsv.environments.machine import CommandResult

PUBLISHED_BEFORE_FILTER = """\
# A failed JupyterHub login is logged as "403 POST /hub/login... (@<client ip>)".
[Definition]
failregex = ^.* 403 POST /hub/login\\S* \\([^@()]*@(?:::ffff:)?<HOST>\\)
"""
PUBLISHED_BEFORE_JAIL = """\
# Ban a client address after 5 failed hub logins within 10 minutes.
[jupyterhub]
enabled   = true
filter    = jupyterhub
logpath   = /var/log/jupyterhub.log
backend   = polling
maxretry  = 5
findtime  = 10m
bantime   = 10m
banaction = nftables-allports
"""
FORGED_LINE = "[W {now} JupyterHub log:192] 403 POST /hub/login (@{address}) 1.00ms"
"""The hub's access line for a failed login (jupyterhub 6.1.1), ``now`` as its log writes the time."""
NOW = "datetime.datetime.now().strftime('%Y-%m-%d %H:%M:%S.000')"
"""Python for the time as the hub's log writes it, evaluated on the machine that forges the line."""


def with_published_before_jail(hub: JupyterHub) -> JupyterHub:
    """``hub`` with fail2ban and the jail and filter published before HUB-40 and HUB-41 (the control)."""
    return (
        hub.with_fail2ban()
        .with_file("/etc/fail2ban/filter.d/jupyterhub.conf", PUBLISHED_BEFORE_FILTER, 0o644)
        .with_file("/etc/fail2ban/jail.d/jupyterhub.conf", PUBLISHED_BEFORE_JAIL, 0o644)
    )


def jail_status(target: JupyterHub, wait: float = 30) -> CommandResult:
    """fail2ban's jail once it has banned an address, or after ``wait`` s (one exec: the wait runs there)."""
    banned = "fail2ban-client status jupyterhub | grep -q 'Banned IP list:.*[^[:space:]]'"
    return target.run_when(banned, "fail2ban-client status jupyterhub", wait=wait)


def wrong_passwords(
    attacker: NetClient, target: JupyterHub, count: int = 6, username: str = "alice", name_file: str = ""
) -> CommandResult:
    """``count`` logins through the form as a browser makes them (its _xsrf cookie), each a wrong password.

    ``name_file``: a file on the attacker's machine whose content is the user name (for names that hold
    line breaks), instead of ``username``.
    """
    url, jar = target.url("/hub/login"), "/tmp/guesses-jar"
    name = f"username@{name_file}" if name_file else f"username={username}"
    return attacker.run(
        f"for i in $(seq {count}); do rm -f {jar}; curl -sk -c {jar} -o /dev/null --max-time 5 {url}; "
        f"xsrf=$(awk '$6==\"_xsrf\" {{print $7}}' {jar}); "
        f"curl -sk -b {jar} -o /dev/null -w '%{{http_code}} ' --max-time 5 --data-urlencode \"_xsrf=$xsrf\" "
        f"--data-urlencode {shlex.quote(name)} -d password=guess$i {url}; done"
    )


def forged_access_lines(address: str, count: int = 5) -> str:
    """Python source printing ``count`` copies of the hub's failed-login line for ``address``, dated now."""
    line = FORGED_LINE.format(now="{now}", address=address)
    return (
        "import datetime, sys\n"
        f"now = {NOW}\n"
        f"for _ in range({count}):\n"
        f"    print(f{line!r}, file=sys.stderr)\n"
    )


def aimed_at_the_bystander(
    route: Callable[[JupyterHub], CommandResult],
    target: JupyterHub,
    *,
    client: NetClient,
    attacker: NetClient,
    attacker_address: str,
) -> Observation:
    """``route`` on ``target`` (nobody banned), then six wrong passwords from the attacker; who is banned."""
    target.run("fail2ban-client unban --all")
    done = route(target)
    guesses = wrong_passwords(attacker, target)
    attacker_banned = (
        "fail2ban-client status jupyterhub | "
        f"grep -qE 'Banned IP list:.*[[:space:]]{re.escape(attacker_address)}([[:space:]]|$)'"
    )
    status = target.run_when(attacker_banned, "fail2ban-client status jupyterhub", wait=30)
    again = attacker.http(target.url("/hub/login"), timeout=5)
    bystander = client.http(target.url("/hub/login"), timeout=5)
    return Observation(
        {
            "bystander": bystander.outcome,
            "attacker, after 6 wrong passwords": again.outcome,
            "fail2ban banned": status.stdout.partition("Banned IP list:\t")[2].strip(),
        },
        "\n".join(
            [
                done.transcript,
                guesses.transcript,
                status.transcript,
                again.transcript[:200],
                bystander.transcript[:200],
            ]
        ),
    )
