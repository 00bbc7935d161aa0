import pytest

from jsv.claims import Claim, Fix


def make(**overrides):
    fields = {
        "id": "SU-01",
        "title": "t",
        "statement": "s",
        "threat": "x",
        "fix": Fix("c.X = 1"),
        "sources": ["SEED-000-02"],
    }
    fields.update(overrides)
    return Claim(**fields)


def test_area_and_anchor():
    claim = make(id="HUB-12")
    assert claim.area == "HUB"
    assert claim.anchor == "hub-12"


@pytest.mark.parametrize("bad", ["SU1", "su-01", "XX-01", "SU-", "SU-1"])
def test_rejects_malformed_ids(bad):
    with pytest.raises(ValueError, match="claim id"):
        make(id=bad)


def test_rejects_malformed_sources():
    with pytest.raises(ValueError, match="source"):
        make(sources=["SEED-2-12"])


def test_rejects_empty_statement():
    with pytest.raises(ValueError, match="statement"):
        make(statement="  ")
