"""An ADV card shows the advisory from the registry: ids, ranges, fixed releases, the upstream rating."""

from __future__ import annotations

from pathlib import Path

from site_fixtures import make_record

from jsv.claims.registry import load_registry
from jsv.site.claim_render import render_card, severity_text

ROOT = Path(__file__).resolve().parents[3]


def test_the_card_names_the_upstream_rating_and_its_scale():
    advisory = load_registry(ROOT).claim("ADV-09").advisory
    card = render_card(make_record(id="ADV-09", area="ADV", advisory=advisory.to_data()))
    text = card.astext()
    assert "GitHub advisory rating: critical" in text
    assert "GHSA-fcw5-x6j4-ccmp / CVE-2026-44727" in text
    assert "affected < 2.20.0" in text and "fixed in 2.20.0" in text
    assert "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N" in text


def test_a_card_without_an_advisory_shows_the_severity_alone():
    record = make_record()
    assert severity_text(record) == "severity high"
    assert "Advisory:" not in render_card(record).astext()
