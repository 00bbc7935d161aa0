"""The exact-value scan that ends every site build: no recorded secret may be in the build tree.

Redaction (:mod:`jsv.redaction`) works where output is produced and only for values it
knows at that moment; this scan checks the result.  Every file under the build directory
(the HTML, the doctrees, the jupyter cache: whatever is there) is read once as bytes and
searched for every value of the secrets file, as written and in the forms HTML and JSON
escaping give it.  A hit names the file and the secret's label, never the value.

Cost: each file is read once.  Up to :data:`REGEX_FROM` distinct byte forms are searched
one by one (``bytes in bytes``, C speed, about 15 ms per form for 50 MB); above that a
single compiled trie of their first :data:`PREFIX_LENGTH` bytes finds the files that may
hold one (a few seconds for 50 MB whatever the number), and only those files are searched
form by form.  Either way the answer is exact.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jsv.redaction import RecordedSecret

REGEX_FROM = 150  # distinct forms above which the trie pre-filter is cheaper than one search each
PREFIX_LENGTH = 16


@dataclass(frozen=True, order=True)
class Hit:
    """A file of the tree (relative to its root) that contains the secret labelled ``label``."""

    path: Path
    label: str


@dataclass(frozen=True)
class ScanResult:
    """What :func:`scan_tree` read, how long it took, and what it found."""

    root: Path
    files: int
    bytes_read: int
    secrets: int  # distinct values searched for
    seconds: float
    hits: tuple[Hit, ...]
    unreadable: tuple[Path, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.hits and not self.unreadable

    def error_lines(self, shown_root: str | os.PathLike[str] | None = None) -> list[str]:
        """One line per hit (and per file that could not be read), paths under ``shown_root``."""
        base = Path(shown_root) if shown_root is not None else self.root
        lines = [
            f"error: site build failed: secret «{hit.label}» published in {base / hit.path}"
            for hit in self.hits
        ]
        lines += [
            f"error: site build failed: cannot read {base / path} to scan it for secrets"
            for path in self.unreadable
        ]
        return lines

    def summary(self) -> str:
        return (
            f"secret scan: {self.files} files, {self.bytes_read / 1e6:.1f} MB, "
            f"{self.secrets} secrets, {len(self.hits)} hit(s) in {self.seconds:.2f}s"
        )


def forms(value: str) -> set[bytes]:
    """The byte strings ``value`` can appear as in a built file: raw, HTML-escaped, JSON-escaped, and
    lowercased (Sphinx's search index, ``searchindex.js``, stores every word in lower case)."""
    texts = {
        value,
        value.lower(),
        html.escape(value, quote=False),
        html.escape(value, quote=True),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    }
    return {text.encode("utf-8") for text in texts if text}


class Needles:
    """Every form of every secret, with the labels each form stands for."""

    def __init__(self, secrets: Iterable[RecordedSecret]) -> None:
        labels: dict[bytes, set[str]] = {}
        values: set[str] = set()
        for secret in secrets:
            if not secret.value:
                continue
            values.add(secret.value)
            for form in forms(secret.value):
                labels.setdefault(form, set()).add(secret.label)
        self.labels = {form: frozenset(names) for form, names in labels.items()}
        self.values = len(values)
        self._prefilter = (
            _trie_regex({f[:PREFIX_LENGTH] for f in self.labels}) if len(self.labels) > REGEX_FROM else None
        )

    def labels_in(self, data: bytes) -> set[str]:
        """The labels of the secrets that occur in ``data``."""
        if not self.labels or (self._prefilter is not None and self._prefilter.search(data) is None):
            return set()
        return {label for form, names in self.labels.items() if form in data for label in names}


def scan_tree(root: str | os.PathLike[str], secrets: Iterable[RecordedSecret]) -> ScanResult:
    """Search every file under ``root`` for every secret; symlinked directories are not followed."""
    started = time.perf_counter()
    base = Path(root)
    needles = Needles(secrets)
    hits: set[Hit] = set()
    unreadable: list[Path] = []
    files = size = 0
    for directory, _subdirs, names in os.walk(base):
        for name in names:
            path = Path(directory) / name
            if not path.is_file():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                unreadable.append(path.relative_to(base))
                continue
            files += 1
            size += len(data)
            hits.update(Hit(path.relative_to(base), label) for label in needles.labels_in(data))
    return ScanResult(
        root=base,
        files=files,
        bytes_read=size,
        secrets=needles.values,
        seconds=time.perf_counter() - started,
        hits=tuple(sorted(hits)),
        unreadable=tuple(sorted(unreadable)),
    )


def _trie_regex(words: Iterable[bytes]) -> re.Pattern[bytes]:
    """A pattern that matches where any of ``words`` starts (a trie: one branch per byte)."""
    trie: dict = {}
    for word in words:
        node = trie
        for byte in word:
            node = node.setdefault(byte, {})
        node[None] = {}

    def emit(node: dict) -> bytes:
        if None in node:  # a word ends here: matching this far is enough
            return b""
        branches = [re.escape(bytes([byte])) + emit(child) for byte, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"

    return re.compile(emit(trie) if trie else b"(?!)")
