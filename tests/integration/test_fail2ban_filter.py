"""The hub's fail2ban filter in the hub image's fail2ban (``fail2ban-regex``), on the unit tests' lines."""

from __future__ import annotations

import json
from pathlib import Path

import docker

from jsv.images import ensure_image
from jsv.labels import labels

LINES = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "fail2ban" / "jupyterhub-log-lines.json").read_text()
)


def matched_addresses(lines: list[str]) -> list[str]:
    """The address fail2ban-regex takes from each line of ``lines`` that the hub's filter matches."""
    script = (
        "printf '%s\\n' \"$@\" > /tmp/hub.log && "
        "fail2ban-regex --usedns=no --raw -o ip /tmp/hub.log /etc/fail2ban/filter.d/jupyterhub.conf"
    )
    out = docker.from_env().containers.run(
        ensure_image("hub"),
        entrypoint=["sh", "-c", script, "sh", *lines],
        remove=True,
        labels=labels(),
    )
    return out.decode().split()


def test_genuine_failures_count_for_the_address_the_hub_saw():
    cases = LINES["genuine_failures"]
    assert matched_addresses([case["line"] for case in cases]) == [case["addr"] for case in cases]


def test_forged_text_inside_a_line_and_other_lines_do_not_count():
    assert matched_addresses(LINES["forged_in_a_line"] + LINES["genuine_others"]) == []


def test_a_whole_forged_line_counts_which_is_why_the_jail_reads_the_access_log():
    assert matched_addresses(LINES["forged_whole_lines"]) == ["9.9.9.9"]
