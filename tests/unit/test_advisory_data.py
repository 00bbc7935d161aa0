"""Every ADV claim carries its advisory as data; its severity follows the advisory's published rating."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsv.claims.advisory import SITE_SEVERITY, Advisory
from jsv.claims.registry import RegistryError, load_file, load_registry

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = load_registry(ROOT)
ADV = sorted(i for i in REGISTRY.claims if i.startswith("ADV-"))


@pytest.mark.parametrize("claim_id", ADV)
def test_an_adv_claim_has_its_advisory(claim_id):
    advisory = REGISTRY.claim(claim_id).advisory
    assert isinstance(advisory, Advisory)
    assert advisory.package in {
        "jupyter-server",
        "jupyterhub",
        "jupyterlab",
        "notebook",
        "nbconvert",
        "oauthenticator",
    }
    assert advisory.ranges


@pytest.mark.parametrize("claim_id", ADV)
def test_the_severity_is_the_mapped_upstream_rating(claim_id):
    claim = REGISTRY.claim(claim_id)
    if claim.advisory.severity is None:
        pytest.skip(f"{claim_id}: no upstream rating was read; the site's own rule applies")
    assert claim.severity == SITE_SEVERITY[claim.advisory.severity.rating]


def test_the_mapping_covers_the_github_ratings():
    assert SITE_SEVERITY == {"critical": "high", "high": "high", "moderate": "medium", "low": "low"}


def test_only_adv_claims_carry_an_advisory_and_every_adv_claim_must(tmp_path):
    claims = {i: c for i, c in REGISTRY.claims.items() if c.advisory}
    assert set(claims) == set(ADV)
    text = (ROOT / "runbooks" / "advisories" / "jupyter-server.claims.yaml").read_text()
    stripped = text.replace("  advisory:\n", "  advisory_gone:\n", 1)
    path = tmp_path / "x.claims.yaml"
    path.write_text(stripped)
    with pytest.raises(RegistryError, match="ADV-01"):
        load_file(path)
