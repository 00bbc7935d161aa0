"""Where the build keeps its state on the host."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The source tree (the site's Sphinx source by default)."""
STATE_DIR = ROOT / ".jsv"
SECRETS_FILE = STATE_DIR / "secrets" / "generated.txt"
"""Every secret a run generated, recorded by the kernels (mode 0600, outside ``_build/``)."""
