"""Check every review's quoted code against the installed release (``scripts/quote_lines.py``).

A review reason that states what code does carries the lines it rests on
(file, function, lines).  The build reads the files installed in the image the
component was enumerated from, one container per component, and every quote
whose lines are no longer there is one line: ``STALE QUOTE component: item:
file function no longer has: line``.  A release that changes the code, or a
quote that was never true, fails the build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from jsv.surface.enumerate import HUB_PYTHON, SERVER_PYTHON, Source, run_source
from jsv.surface.model import Quote, Review

QUOTED_IN = {
    "jupyterhub": ("hub", HUB_PYTHON),
    "batchspawner": ("condor", HUB_PYTHON),
    "jupyter_server": ("single-user", SERVER_PYTHON),
    "server-extensions": ("single-user-ext", SERVER_PYTHON),
    "configurable-http-proxy": ("hub", HUB_PYTHON),
    "privileged-hub": ("hub", HUB_PYTHON),
    "privileged-batchspawner": ("condor", HUB_PYTHON),
    "privileged-kubespawner": ("kube-tools", "/opt/kube/bin/python"),
    "privileged-project": ("condor", HUB_PYTHON),
    "privileged-proxy": ("hub", HUB_PYTHON),
}
"""component -> (environment, interpreter) whose installed files its quotes are read from."""


def quote_source(component: str, quotes: Iterable[Quote]) -> Source:
    environment, program = QUOTED_IN[component]
    payload = json.dumps([quote.to_json() for quote in quotes], sort_keys=True)
    return Source(environment, program, "quote_lines.py", (payload,))


def stale_quotes(
    component: str, reviews: list[Review], results: list[str], label: dict[tuple[str, str], str] | None = None
) -> list[str]:
    """One line per quote whose result is not "ok" (``results`` in the order of the reviews' quotes)."""
    problems: list[str] = []
    pairs = [(review, quote) for review in reviews for quote in review.quotes]
    for (review, _quote), result in zip(pairs, results, strict=True):
        if result != "ok":
            item = (label or {}).get(review.key) or f"{review.pattern} ({review.handler or 'command'})"
            problems.append(f"STALE QUOTE {component}: {item}: {result}")
    return problems


def check_quotes(component: str, reviews: list[Review], cache_dir: Path | None = None) -> list[str]:
    """Read the component's quoted files in its image; one problem line per stale quote."""
    quotes = [quote for review in reviews for quote in review.quotes]
    if not quotes:
        return []
    _, data = run_source(quote_source(component, quotes), cache_dir)
    return stale_quotes(component, reviews, data["results"])
