"""What legitimately differs between two runs of the same page: masked before two runs are compared."""

from __future__ import annotations

import re

VARYING: tuple[tuple[str, str], ...] = (
    (r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?", "<time>"),
    (r"\b\d{1,3}(\.\d{1,3}){3}\b", "<address>"),
    (r"\b[0-9a-f]{12,}\b", "<hex>"),
    (r"\b\d+(\.\d+)? ?s\b", "<seconds>"),
    (r":\d{4,5}\b", ":<port>"),
)
"""(regular expression, placeholder): timestamps, container addresses, run and lab ids, durations, ports."""

_COMPILED = tuple((re.compile(pattern), placeholder) for pattern, placeholder in VARYING)


def masked(text: str) -> str:
    """``text`` with what differs between any two runs replaced by placeholders."""
    for pattern, placeholder in _COMPILED:
        text = pattern.sub(placeholder, text)
    return text
