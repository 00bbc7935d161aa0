"""A mixin for environments that run a traitlets application configured by a Python file.

Jupyter Server and JupyterHub (and the HTCondor submit node's hub) read fixes
from their config file and log traitlets' configuration warnings; this is the
one place that says so.  Subclasses set :attr:`config_file` (the file name a
fix names) and keep their lines in ``_config`` (``with_config``).
"""

from __future__ import annotations

from jsv.environments.config_warnings import configured_names, traitlets_warnings


class TraitletsApp:
    config_file: str = ""
    """The file a reader edits, as fixes name it (``jupyter_server_config.py``)."""
    _config: list[str]

    def configuration_text(self) -> str:
        """Everything the application is configured with (subclasses add fixed plumbing)."""
        return "\n".join(self._config)

    def apply_fix(self, component: str, file: str, code: str) -> bool:
        if file == self.config_file:
            self.with_config(code)  # type: ignore[attr-defined]
            return True
        return super().apply_fix(component, file, code)  # type: ignore[misc]

    def config_warnings(self) -> list[str]:
        return traitlets_warnings(self.logs_text(), configured_names(self.configuration_text()))  # type: ignore[attr-defined]
