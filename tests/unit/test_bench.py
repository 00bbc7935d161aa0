"""The benchmark's helpers (jsv.bench): a restored edit and the terminal table."""

import pytest

from jsv.bench import Figure, edited, table


def test_edit_is_restored_byte_for_byte_also_after_an_error(tmp_path):
    page = tmp_path / "page.md"
    page.write_bytes(b"# T\r\nno trailing newline")
    with pytest.raises(RuntimeError), edited(page, "\nadded\n"):
        assert page.read_bytes().endswith(b"\nadded\n")
        raise RuntimeError("build failed")
    assert page.read_bytes() == b"# T\r\nno trailing newline"


def test_table_has_one_row_per_case():
    lines = table(
        [Figure("warm", 6.25, 0, 0, 0, 16, 0, 0), Figure("runbook (x.md)", 40.0, 0, 0, 1, 15, 0, 3)]
    )
    assert lines.splitlines()[0].split()[:2] == ["case", "seconds"]
    assert "warm" in lines.splitlines()[1] and "6.2" in lines.splitlines()[1]
    assert lines.splitlines()[2].split()[-4:] == ["1", "15", "0", "3"]
