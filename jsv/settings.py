"""Every ``JSV_*`` environment switch, declared once: its name, kind, default and one-line meaning.

The modules that act on a switch read it here (:meth:`Setting.raw`), never
from ``os.environ`` themselves (a unit test greps for that), so this list is
complete; ``docs/contributing.md``'s table of switches is generated from it
(``python -m jsv.settings`` prints the table; a unit test compares).  The
switches marked *set by the build* carry the build's state to the kernels and
workers it starts; a person does not set them.  Variables the lab sets *inside
its containers* (``JSV_NGINX``, ``JSV_HUB_TLS`` ...) are the images' own
interface, not switches of this program, and are not here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

Who = Literal["you", "the build"]


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str
    """What the value is, as the table shows it: ``whole number``, ``flag``, ``auto|pull|bootstrap``..."""
    default: str
    meaning: str
    who: Who = "you"

    def raw(self, environ: Mapping[str, str] | None = None) -> str:
        """The value as set (stripped), or the default when unset or empty."""
        value = (environ if environ is not None else os.environ).get(self.name, "").strip()
        return value or self.default

    def is_set(self, environ: Mapping[str, str] | None = None) -> bool:
        return bool((environ if environ is not None else os.environ).get(self.name, "").strip())

    def on(self, environ: Mapping[str, str] | None = None) -> bool:
        """A flag: set to anything but ``0``."""
        return self.raw(environ) not in ("", "0")

    @contextmanager
    def set_to(self, value: str) -> Iterator[None]:
        """Inside the block the process (and what it starts) sees ``value``; then what was there before."""
        saved = os.environ.get(self.name)
        os.environ[self.name] = value
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop(self.name, None)
            else:
                os.environ[self.name] = saved


BASE = Setting("JSV_BASE", "auto|pull|bootstrap", "auto", "how the Debian trixie base image is obtained")
BUILD_CA = Setting(
    "JSV_BUILD_CA", "auto|none|PEM path", "auto", "CA bundle for HTTPS downloads inside image builds"
)
PINS = Setting("JSV_PINS", "pinned|latest", "pinned", "the pinned releases, or the newest (drift check)")
IMAGE_JOBS = Setting("JSV_IMAGE_JOBS", "whole number", "4", "images built at the same time")
JOBS = Setting("JSV_JOBS", "whole number", "4", "runbook pages executed at the same time")
CELL_TIMEOUT = Setting("JSV_CELL_TIMEOUT", "seconds", "300", "a runbook cell running longer is stopped")
VERBOSE = Setting("JSV_VERBOSE", "flag", "", "show the raw Sphinx, nbclient and kernel output")
COLUMN = Setting(
    "JSV_COLUMN", "pinned|debian-trixie", "pinned", "the matrix column whose images the environments start"
)
RECORD_FAILURES = Setting(
    "JSV_RECORD_FAILURES", "flag", "", "record a failed claim and go on (a column's finding)"
)
SHARD = Setting("JSV_SHARD", "k/n", "", "execute only the k-th of n shares of the pages (a CI job matrix)")
SHARD_TIMES = Setting("JSV_SHARD_TIMES", "path", "", "the ledger whose page times balance the shards")
SITE_URL = Setting(
    "JSV_SITE_URL",
    "URL",
    "https://jupyter-security-verified.readthedocs.io/en/latest/",
    "where the claim cards are published (links in audit reports and the changes feed)",
)
SECRETS_FILE = Setting(
    "JSV_SECRETS_FILE", "path", "", "where kernels record the secrets they generate", "the build"
)
LEAKS_FILE = Setting(
    "JSV_LEAKS_FILE", "path", "", "where kernels record a secret seen in an output", "the build"
)
SITE_SOURCE = Setting(
    "JSV_SITE_SOURCE", "path", "", "the Sphinx source a leak record belongs to", "the build"
)
PAGE = Setting("JSV_PAGE", "path", "", "the runbook page a kernel runs", "the build")
RUN_BY = Setting(
    "JSV_RUN_BY", "path", "", "the page whose cell started this kernel (a matrix page)", "the build"
)
RUN_ID = Setting("JSV_RUN_ID", "text", "", "labels this run's containers, networks and volumes", "the build")
BUILD_ID = Setting(
    "JSV_BUILD_ID", "text", "", "labels everything of one build, its page runs included", "the build"
)
K8S_NAMESPACE = Setting(
    "JSV_K8S_NAMESPACE",
    "name",
    "jsv",
    "the namespace the Kubernetes pages' manifests are applied in, on a cluster",
)
PREVIOUS_LEDGER = Setting(
    "JSV_PREVIOUS_LEDGER",
    "path",
    "",
    "the claims.json 'What changed' compares with (default: the last build's)",
)
RUNBOOK_KEYS = Setting(
    "JSV_RUNBOOK_KEYS", "path", "", "the page keys the pre-execution computed, for Sphinx", "the build"
)

SETTINGS: tuple[Setting, ...] = (
    BASE,
    BUILD_CA,
    PINS,
    IMAGE_JOBS,
    JOBS,
    CELL_TIMEOUT,
    VERBOSE,
    COLUMN,
    RECORD_FAILURES,
    SHARD,
    SHARD_TIMES,
    SITE_URL,
    PREVIOUS_LEDGER,
    K8S_NAMESPACE,
    SECRETS_FILE,
    LEAKS_FILE,
    SITE_SOURCE,
    PAGE,
    RUN_BY,
    RUN_ID,
    BUILD_ID,
    RUNBOOK_KEYS,
)


def markdown_table() -> str:
    """The table ``docs/contributing.md`` shows between its ``settings-table`` markers."""
    rows = ["| switch | value | default | meaning | set by |", "| --- | --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "—"
        rows.append(f"| `{s.name}` | {s.kind} | {default} | {s.meaning} | {s.who} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
