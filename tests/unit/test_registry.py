"""The claim registry: schema errors are one line naming the file, the claim and the key."""

from pathlib import Path

import pytest

from jsv.claims.registry import RegistryError, load_file, load_registry

GOOD = """\
claims:
- id: SU-90
  title: Token required
  statement: The API answers 403 without the token.
  threat: Anyone who reaches the port runs code.
  severity: high
  cwe: [CWE-306]
  asvs: [v5.0.0-8.2.1]
  sources: [SEED-000-02]
  fix:
    component: jupyter_server
    file: jupyter_server_config.py
    code: c.ServerApp.disable_check_xsrf = False
  expect: {equals: [403, 200]}
  weakness: {all_of: {mode: {mode_at_most: 0o600}}}
"""


def write(tmp_path: Path, text: str, name: str = "page") -> Path:
    folder = tmp_path / "runbooks" / "area"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text("# page\n")
    path = folder / f"{name}.claims.yaml"
    path.write_text(text)
    return path


def test_a_good_file_loads_into_claims(tmp_path):
    (claim,) = load_file(write(tmp_path, GOOD))
    assert claim.id == "SU-90" and claim.severity == "high"
    assert claim.fix.place == "jupyter_server_config.py (Jupyter Server)"
    assert claim.expect.holds_for((403, 200))  # a tuple observation equals the YAML list
    assert claim.weakness.holds_for({"mode": 0o600})
    assert not claim.weakness.holds_for({"mode": 0o644})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("  severity: high\n", "  severity: high\n  colour: red\n"),
            r"SU-90: \(the claim\): unknown key .*colour",
        ),
        (("  severity: high\n", ""), r"SU-90: \(the claim\): 'severity' is a required property"),
        (("- id: SU-90", "- id: SU90"), r"SU90: id: 'SU90' does not match"),
        (("[SEED-000-02]", "[SEED-999-99]"), r"SU-90: sources: unknown source id SEED-999-99"),
        (("[SEED-000-02]", "[SEED-1]"), r"SU-90: sources.0: 'SEED-1' does not match"),
        (("    file: jupyter_server_config.py\n", ""), r"SU-90: fix: 'file' is a required property"),
        (
            ("file: jupyter_server_config.py", "file: jupyterhub_config.py"),
            r"SU-90: fix: Jupyter Server does not read",
        ),
        (
            ("c.ServerApp.disable_check_xsrf = False", "c.Spawner.ip = '127.0.0.1'"),
            r"is not where c\.Spawner is read",
        ),
        (("{equals: [403, 200]}", "{equal: 403}"), r"SU-90: expect: unknown key .*equal"),
        (("  weakness:", "  no_weakness:"), r"SU-90: \(the claim\): unknown key"),
    ],
)
def test_each_problem_is_one_line_naming_file_claim_and_key(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RegistryError, match=message) as raised:
        load_file(path, "runbooks/area/page.claims.yaml")
    text = str(raised.value)
    assert text.startswith("runbooks/area/page.claims.yaml: ")
    assert "\n" not in text


def test_a_claim_needs_a_weakness_or_a_reason_for_none(tmp_path):
    path = write(tmp_path, GOOD.replace("  weakness: {all_of: {mode: {mode_at_most: 0o600}}}\n", ""))
    with pytest.raises(RegistryError, match=r"give either 'weakness'.* or 'no_control'"):
        load_file(path)


def test_duplicate_ids_across_files_are_refused(tmp_path):
    write(tmp_path, GOOD, "one")
    write(tmp_path, GOOD, "two")
    (tmp_path / "conf.py").write_text("")
    with pytest.raises(RegistryError, match=r"two\.claims\.yaml: SU-90: id: duplicate, already in .*one"):
        load_registry(tmp_path)


def test_a_claims_file_needs_its_page(tmp_path):
    path = write(tmp_path, GOOD)
    path.with_name("page.md").unlink()
    with pytest.raises(RegistryError, match="no runbook page"):
        load_registry(tmp_path)


def test_the_repository_registry_loads(repo_root):
    registry = load_registry(repo_root)
    assert len(registry.claims) >= 67
    assert all(claim.fix.code.strip() for claim in registry.claims.values())


def test_a_file_that_is_not_yaml_is_one_line_with_its_line_number(tmp_path):
    bad = tmp_path / "bad.claims.yaml"
    bad.write_text("claims:\n  - id: SU-01\n    title: [unclosed\n")
    with pytest.raises(RegistryError, match=r"bad\.claims\.yaml: line 4 is not valid YAML: did not find"):
        load_file(bad)
