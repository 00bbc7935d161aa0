"""Sphinx configuration for Jupyter Security, Verified."""

from pathlib import Path

from jsv import settings

project = "Jupyter Security, Verified"
author = "Jupyter Security, Verified contributors"
copyright = "2026, " + author

extensions = ["myst_nb", "sphinx.ext.graphviz", "sphinx_copybutton", "jsv.site"]
root_doc = "index"
exclude_patterns = [
    "_build",
    ".nox",
    ".venv",
    ".jsv",
    "README.md",
    "tests",
    "containers",
    ".pytest_cache",
    ".ruff_cache",
    "jsv",
    "**/.ipynb_checkpoints",
    ".ci",
    "SECURITY.md",
]
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["jsv/site/static"]
# A link rel="icon" on every page: without one the browser asks for /favicon.ico, a 404 on every page.
html_favicon = "jsv/site/static/favicon.svg"
html_theme_options = {"show_toc_level": 2, "use_download_button": True}
# The theme's light/dark switch starts from this mode; left empty, the first visit logs
# "Got invalid theme mode" in the browser console (tests/site/test_browser.py).
html_context = {"default_mode": "auto"}
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

# Runbooks are executed, with results cached by jupyter-cache.  The cache key
# of a runbook covers its code cells plus the image tags and package digest
# that jsv.site.cache_key injects, so only what changed is re-executed.
nb_execution_mode = "cache"
nb_execution_cache_path = "_build/.jupyter_cache"
nb_execution_timeout = 900  # the kernel-side watchdog (JSV_CELL_TIMEOUT) fires first
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
nb_execution_excludepatterns = ["docs/*", "index.md"]

graphviz_output_format = "svg"
suppress_warnings = ["mystnb.unknown_mime_type"]
graphviz_dot = str(Path(__file__).parent / "bin" / "dot")  # dot runs in the net-client image
# Copy buttons on code blocks; a console fix copies without its "$ " prompts.
copybutton_prompt_text = r"\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = False
jsv_attack_surface = True  # enumerate, review and publish the attack surface (jsv/site/surface.py)
# "What changed" (docs/changes.md, changes.atom) compares this build's ledger with the previous published
# one: JSV_PREVIOUS_LEDGER (a claims.json) if set, else the claims.json the last build left in _build/html.
jsv_previous_ledger = settings.PREVIOUS_LEDGER.raw()
