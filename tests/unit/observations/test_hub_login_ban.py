"""The lines the login-ban routes forge are the hub's own failed-login line, dated now."""

from __future__ import annotations

import contextlib
import datetime
import io
import re

from jsv.observations.hub_login_ban import FORGED_LINE, NOW, forged_access_lines

ADDRESS = "172.18.0.9"


def test_forged_access_lines_print_the_hub_line_for_the_address_dated_now():
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        exec(forged_access_lines(ADDRESS, count=3), {})  # the source alice's server config runs
    lines = printed.getvalue().splitlines()
    assert len(lines) == 3
    pattern = re.escape(FORGED_LINE).replace(re.escape("{now}"), r"(?P<now>[^\]]+)")
    pattern = pattern.replace(re.escape("{address}"), re.escape(ADDRESS))
    for line in lines:
        match = re.fullmatch(pattern, line)
        assert match, line
        written = datetime.datetime.strptime(match["now"], "%Y-%m-%d %H:%M:%S.%f")
        assert abs((datetime.datetime.now() - written).total_seconds()) < 60


def test_now_is_the_time_format_of_the_hubs_log():
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000", eval(NOW, {"datetime": datetime}))
