"""The hub's fail2ban filter (HUB-14) against genuine and forged lines of the hub's log (issue 39).

fail2ban is not installed on the build host, so its matching is replicated here as fail2ban 1.1.0
(Debian trixie, the hub image's package) does it; tests/integration/test_fail2ban_filter.py runs the
real ``fail2ban-regex`` in the hub image on the same lines:

* ``<ADDR>`` is ``R_HOST[RI_ADDR]`` of ``fail2ban/server/failregex.py`` (an IPv4 address, optionally
  ``::ffff:``-prefixed outside the group, or an IPv6 one, optionally in brackets), built from
  ``IPAddr.IP_4_RE`` and ``IPAddr.IP_6_RE`` of ``fail2ban/server/ipdns.py``;
  ``<HOST>`` adds a host name (``(?P<dns>[\\w\\-.^_]*\\w)``) that fail2ban resolves (usedns = warn).
* ``Filter.processLine`` (``fail2ban/server/filter.py``) finds the date with the date pattern and cuts its
  group 1 out of the line; ``Regex._tupleLinesBuf`` joins the rest and appends a newline, and the failregex
  is searched in that with ``re.MULTILINE``.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest
import yaml

from jsv.observations.hub_login_ban import PUBLISHED_BEFORE_FILTER

ROOT = Path(__file__).resolve().parents[2]
FILTER = ROOT / "containers" / "hub" / "etc" / "fail2ban" / "filter.d" / "jupyterhub.conf"
LINES = json.loads((ROOT / "tests" / "fixtures" / "fail2ban" / "jupyterhub-log-lines.json").read_text())


def published_before_failregex() -> str:
    """The filter this guide published until issue 39, as the pages' control hubs install it."""
    parser = configparser.ConfigParser()
    parser.read_string(PUBLISHED_BEFORE_FILTER)
    return parser["Definition"]["failregex"]


PUBLISHED_BEFORE = published_before_failregex()  # no date pattern: fail2ban's default templates

IP_4_RE = r"(?:\d{1,3}\.){3}\d{1,3}"
IP_6_RE = r"(?:[0-9a-fA-F]{1,4}::?|:){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)"
R_IPV4 = rf"(?:::f{{4,6}}:)?(?P<ip4>{IP_4_RE})"
R_IPV6 = rf"(?P<ip6>{IP_6_RE})"
R_DNS = r"(?P<dns>[\w\-.^_]*\w)"
R_ADDR = rf"\[?(?:{R_IPV4}|{R_IPV6})\]?"
R_HOST = rf"(?:{R_ADDR}|{R_DNS})"
# fail2ban's default date templates, of which the hub's "2026-12-07 14:17:46.123" meets this one
# (fail2ban/server/datedetector.py, "%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?...").
DEFAULT_DATE = r"(\d{4}(?P<_sep>[-/.])\d{2}(?P=_sep)\d{2}(?:T|  ?)\d{2}:\d{2}:\d{2}(?:[.,]\d{1,6})?)"
STRPTIME = {
    "%Y": r"\d{4}",
    "%m": r"\d{2}",
    "%d": r"\d{2}",
    "%H": r"\d{2}",
    "%M": r"\d{2}",
    "%S": r"\d{2}",
    "%f": r"\d{1,6}",
}


def definition() -> configparser.SectionProxy:
    parser = configparser.ConfigParser()  # "%%" reads as "%", as in fail2ban's own reader
    parser.read(FILTER)
    return parser["Definition"]


def date_regex(pattern: str) -> re.Pattern[str]:
    unknown = set(re.findall(r"%\w", pattern)) - set(STRPTIME)
    assert not unknown, f"the replica knows no {unknown}"
    return re.compile(re.sub(r"%\w", lambda field: STRPTIME[field.group()], pattern))


def failregex(text: str) -> re.Pattern[str]:
    expanded = text.replace("<ADDR>", R_ADDR).replace("<HOST>", R_HOST)
    return re.compile(expanded, re.MULTILINE)


def found(line: str, regex: str, datepattern: str | None) -> str | None:
    """The address fail2ban takes from ``line`` (a host name as written), or None when it does not match."""
    date = (date_regex(datepattern) if datepattern else re.compile(DEFAULT_DATE)).search(line)
    if date:
        line = line[: date.start(1)] + line[date.end(1) :]
    match = failregex(regex).search(line + "\n")
    if not match:
        return None
    return next(
        match.group(name)
        for name in ("ip4", "ip6", "dns")
        if name in match.re.groupindex and match.group(name)
    )


def published(line: str) -> str | None:
    current = definition()
    return found(line, current["failregex"], current.get("datepattern"))


def published_before(line: str) -> str | None:
    return found(line, PUBLISHED_BEFORE, None)


def test_the_filter_takes_an_address_only():
    assert "<HOST>" not in definition()["failregex"]
    assert "<ADDR>" in definition()["failregex"]


@pytest.mark.parametrize("case", LINES["genuine_failures"], ids=lambda case: case["line"][40:80])
def test_a_genuine_failed_login_counts_for_the_address_the_hub_saw(case):
    assert published(case["line"]) == case["addr"]


@pytest.mark.parametrize("line", LINES["genuine_others"], ids=lambda line: line[27:70])
def test_other_genuine_lines_do_not_count(line):
    assert published(line) is None


@pytest.mark.parametrize("line", LINES["forged_in_a_line"], ids=lambda line: line[27:70])
def test_user_text_inside_a_line_does_not_count(line):
    assert published(line) is None


@pytest.mark.parametrize("line", LINES["forged_in_a_line"], ids=lambda line: line[27:70])
def test_the_filter_published_before_counted_it_for_the_bystander(line):
    """The negative control: each forged line banned 9.9.9.9, or the host named ``client``."""
    assert published_before(line) in {"9.9.9.9", "client"}


@pytest.mark.parametrize("line", LINES["forged_whole_lines"])
def test_a_whole_forged_line_cannot_be_told_apart(line):
    """A user who can write a line of her own into the hub's output (her server's output, HUB-40) writes
    the hub's access line exactly; only a log that holds nothing but the hub's access lines keeps it out
    (HUB-40), so the filter is not the whole fix."""
    assert published(line) == "9.9.9.9"


def test_the_image_holds_the_published_filter_and_jail():
    """The hub image's files are HUB-41's and HUB-14's fixes: a hub with fail2ban runs what is published."""
    claims = {
        claim["id"]: claim
        for claim in yaml.safe_load((ROOT / "runbooks" / "hub" / "web.claims.yaml").read_text())["claims"]
    }
    jail = FILTER.parents[1] / "jail.d" / "jupyterhub.conf"
    assert claims["HUB-41"]["fix"]["code"] == FILTER.read_text()
    assert claims["HUB-14"]["fix"]["code"] == jail.read_text()
