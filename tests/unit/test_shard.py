"""Sharding the pages over a CI matrix (jsv.execution.shard)."""

import json

import nbformat
import pytest

from jsv.execution.shard import Shard, assign, merge_parts, parse_shard, recorded_times, write_part


def test_parse_shard():
    assert parse_shard("2/4") == Shard(2, 4)
    for bad in ("0/2", "3/2", "2", "a/b", ""):
        with pytest.raises(ValueError, match="JSV_SHARD"):
            parse_shard(bad)


def test_assignment_is_balanced_complete_and_deterministic():
    times = {"a": 300.0, "b": 120.0, "c": 90.0, "d": 70.0, "e": 30.0}
    shares = assign(["e", "d", "c", "b", "a", "f"], times, 2)
    assert sorted(page for share in shares for page in share) == ["a", "b", "c", "d", "e", "f"]
    assert shares == assign(["a", "b", "c", "d", "e", "f"], times, 2)
    loads = [sum(times.get(p, 60.0) for p in share) for share in shares]
    assert loads == [330.0, 340.0]  # longest first (f: unknown, 60 s), each to the lighter shard


def test_recorded_times_from_a_ledger(tmp_path):
    ledger = tmp_path / "claims.json"
    ledger.write_text(json.dumps({"pages": {"runbooks/a.html": {"execution_seconds": 12.5}}}))
    assert recorded_times(ledger) == {"runbooks/a": 12.5}  # the ledger's link, the shards' docname
    assert recorded_times(tmp_path / "none.json") == {}


def _part(tmp_path, shard, pages):
    notebooks = {name: nbformat.v4.new_notebook() for name in pages}
    return write_part(tmp_path, shard, notebooks, {"pages": {name: {} for name in pages}})


def test_merge_accepts_each_page_once(tmp_path):
    parts = [_part(tmp_path, Shard(1, 2), ["runbooks/a"]), _part(tmp_path, Shard(2, 2), ["runbooks/b"])]
    merged = merge_parts(parts, {"runbooks/a", "runbooks/b"})
    assert merged.errors == []
    assert sorted(merged.notebooks) == ["runbooks/a", "runbooks/b"]


def test_merge_fails_on_missing_and_duplicated_pages(tmp_path):
    parts = [
        _part(tmp_path, Shard(1, 2), ["runbooks/a", "runbooks/b"]),
        _part(tmp_path, Shard(2, 2), ["runbooks/b"]),
        tmp_path / "not-a-part",
    ]
    errors = merge_parts(parts, {"runbooks/a", "runbooks/b", "runbooks/c"}).errors
    assert "page runbooks/b is in two shards: 1-of-2 and 2-of-2" in errors
    assert "page runbooks/c is in no shard" in errors
    assert any("not-a-part: no manifest.json" in e for e in errors)
