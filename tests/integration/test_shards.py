"""Two shards of the fixture site executed apart, then merged into one site and ledger."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import FIXTURES

SITE = FIXTURES / "concurrent"


def _jsv(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jsv", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
        check=False,
    )


def test_two_shards_merge_into_one_site(tmp_path):
    parts = []
    for index in (1, 2):
        builddir = tmp_path / f"shard{index}"
        done = _jsv("site", "--source", str(SITE), "--builddir", str(builddir), JSV_SHARD=f"{index}/2")
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        part = builddir / "shards" / f"{index}-of-2"
        assert len(json.loads((part / "manifest.json").read_text())["pages"]) == 1  # one page each
        parts.append(str(part))
    merged = tmp_path / "merged"
    # the pool path plans the merged build and says what it found in the cache
    done = _jsv("merge", *parts, "--source", str(SITE), "--builddir", str(merged), JSV_JOBS="2")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "merge: 2 page(s) from 2 shard(s)" in done.stdout
    assert "0 executed, 2 cached, 0 failed" in done.stdout  # nothing ran again
    assert (merged / "html" / "runbooks" / "one.html").is_file()
    assert (merged / "html" / "runbooks" / "two.html").is_file()

    again = _jsv("merge", parts[0], parts[0], "--source", str(SITE), "--builddir", str(tmp_path / "bad"))
    assert again.returncode == 1
    assert "error: merge: page runbooks/" in again.stderr and "is in two shards" in again.stderr
    assert "error: merge: page runbooks/" in again.stderr and "is in no shard" in again.stderr
