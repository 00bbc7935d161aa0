"""'What changed' and changes.atom: the drift comparison of this build's ledger with the previous one,
as a page and as an Atom feed whose structure is checked element by element (RFC 4287)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from test_ledger import record

from jsv.claims.record import ClaimRecord
from jsv.drift import compare
from jsv.site.changes import ATOM, FEED_FILE, atom_feed, describe, feed_entries, load_previous
from jsv.site.claim_render import executed_when, render_card

A = f"{{{ATOM}}}"
SITE = "https://example.org/jsv/"


def _records(*raw: dict) -> dict[str, ClaimRecord]:
    return {r["id"]: ClaimRecord.from_json(r) for r in raw}


def _changes():
    before = _records(record(), record(id="SU-02"))
    after = _records(
        record(status="failed", versions={"jupyter_server": "2.22.0"}),
        record(id="SU-03", versions={"jupyter_server": "2.22.0"}),
    )
    return compare(before, after)


def _assert_atom(root: ET.Element) -> None:
    """The elements RFC 4287 requires of a feed and of each entry, each exactly once."""
    assert root.tag == A + "feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(A + tag)) == 1, tag
    assert root.findall(A + "author/" + A + "name"), "a feed without entry authors needs an author"
    assert any(link.get("rel") == "self" for link in root.findall(A + "link"))
    for entry in root.findall(A + "entry"):
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(A + tag)) == 1, tag
            assert (entry.findtext(A + tag) or "").strip(), tag
        assert entry.findall(A + "content") or any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(A + "link")
        )
        ET.fromstring(f"<x>{entry.findtext(A + 'updated')}</x>")  # plain text
    from datetime import datetime

    for stamp in [root.findtext(A + "updated")] + [
        e.findtext(A + "updated") for e in root.findall(A + "entry")
    ]:
        assert datetime.fromisoformat(stamp).tzinfo is not None, stamp  # RFC 3339: with its offset


def test_the_feed_is_atom_with_one_entry_naming_each_change() -> None:
    changes = _changes()
    text = atom_feed(changes, site_url=SITE, title="JSV", updated="2026-12-07T18:00:00+00:00", since="x")
    assert text.startswith("<?xml")
    root = ET.fromstring(text)
    _assert_atom(root)
    assert root.findtext(A + "id") == SITE + FEED_FILE
    (entry,) = root.findall(A + "entry")
    content = entry.findtext(A + "content")
    assert "SU-01: status: verified -> failed" in content
    assert "SU-02: claim: run -> no longer run" in content
    assert "SU-03: claim: not in the ledger -> run" in content
    assert "jupyter_server: version: 2.21.1 -> 2.22.0" in content
    assert "3 claim(s) changed, 1 version(s) moved" in entry.findtext(A + "title")


def test_no_previous_ledger_or_no_change_adds_no_entry_but_keeps_the_older_ones(tmp_path) -> None:
    first = atom_feed(_changes(), site_url=SITE, title="JSV", updated="2026-12-06T10:00:00+00:00")
    (tmp_path / FEED_FILE).write_text(first)
    carried = feed_entries(tmp_path / FEED_FILE)
    assert len(carried) == 1
    for changes in (None, []):
        text = atom_feed(
            changes, site_url=SITE, title="JSV", updated="2026-12-07T10:00:00+00:00", carried=carried
        )
        root = ET.fromstring(text)
        _assert_atom(root)
        assert [e.findtext(A + "updated") for e in root.findall(A + "entry")] == ["2026-12-06T10:00:00+00:00"]
    newer = ET.fromstring(
        atom_feed(
            _changes(), site_url=SITE, title="JSV", updated="2026-12-08T10:00:00+00:00", carried=carried
        )
    )
    _assert_atom(newer)
    assert [e.findtext(A + "updated") for e in newer.findall(A + "entry")] == [
        "2026-12-08T10:00:00+00:00",
        "2026-12-06T10:00:00+00:00",
    ]


def test_the_previous_ledger_is_read_with_its_feed_and_a_missing_one_is_none(tmp_path) -> None:
    assert load_previous(tmp_path / "claims.json") is None
    (tmp_path / "claims.json").write_text("not json")
    assert load_previous(tmp_path / "claims.json") is None
    (tmp_path / "claims.json").write_text(
        json.dumps({"generated": "2026-12-01T00:00:00+00:00", "claims": [record()]})
    )
    (tmp_path / FEED_FILE).write_text("<not-atom/>")
    previous = load_previous(tmp_path / "claims.json")
    assert previous is not None
    assert previous.generated == "2026-12-01T00:00:00+00:00"
    assert list(previous.records) == ["SU-01"]
    assert previous.entries == []


def test_describe_words() -> None:
    by_id = {describe(c)[0]: describe(c) for c in _changes()}
    assert by_id["SU-01"] == ("SU-01", "status", "verified", "failed")
    assert by_id["jupyter_server"] == ("jupyter_server", "version", "2.21.1", "2.22.0")


def test_the_card_says_when_its_run_executed() -> None:
    assert executed_when("2026-12-07T18:05:03+00:00") == "2026-12-07 18:05 UTC"
    assert executed_when("2026-12-07T19:05:03+01:00") == "2026-12-07 18:05 UTC"
    assert executed_when("yesterday") == "yesterday"
    card = render_card(ClaimRecord.from_json(record(executed_at="2026-12-07T18:05:03+00:00")))
    assert "executed 2026-12-07 18:05 UTC" in card.children[0].astext()
