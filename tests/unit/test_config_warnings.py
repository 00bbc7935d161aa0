"""Configuration warnings of traitlets programs, as the pinned releases print them."""

from jsv.environments.config_warnings import configured_names, traitlets_warnings

LOG = """\
[I 2026-12-01 ServerApp] jupyter_server 2.21.1 is running
[W 2026-12-01 ServerApp] Config option `disable_chek_xsrf` not recognized by `ServerApp`.  Did you mean…
[W 2026-12-01 ServerApp] ServerApp.token config is deprecated in 2.0. Use IdentityProvider.token.
[W 2026-12-01 JupyterHub app:1234] JupyterHub.admin_access is deprecated since JupyterHub 2.0
[I 2026-12-01 JupyterHub] Not a warning: the word deprecated alone
"""


def test_unrecognized_and_deprecated_options_are_found():
    found = traitlets_warnings(LOG)
    assert len(found) == 3
    assert "`disable_chek_xsrf` not recognized by `ServerApp`" in found[0]
    assert "ServerApp.token config is deprecated" in found[1]
    assert "JupyterHub.admin_access is deprecated" in found[2]


def test_a_clean_log_has_none():
    assert traitlets_warnings("[I ServerApp] running at http://127.0.0.1:8888/\n") == []


def test_a_deprecated_code_path_is_not_a_configuration_warning():
    log = "[W JupyterHub spawner:1] The shared database session at Spawner.db is deprecated, and will go.\n"
    assert traitlets_warnings(log, configured_names("c.JupyterHub.spawner_class = 'x'")) == []
    assert traitlets_warnings(log, configured_names("c.Spawner.db = 1")) != []


def test_only_configured_deprecations_count():
    configured = configured_names("c.ServerApp.token = 'x'\nc.JupyterHub.admin_access = True")
    assert len(traitlets_warnings(LOG, configured)) == 3
    assert len(traitlets_warnings(LOG, configured_names("c.ServerApp.ip = 'x'"))) == 1  # the unrecognized one
