"""JupyterLab plus headless Chromium in one container (``containers/browser-lab``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from jsv.environments.machine import CommandResult
from jsv.environments.single_user import JupyterServer

BROWSER_SCRIPT = "/opt/jsv/browser_open.py"


class BrowserLab(JupyterServer):
    """``jupyter lab`` as alice, and a real browser to open its pages.

    >>> lab.start(BrowserLab("hardened")).open_in_browser("shared.ipynb", "x", "y")  # doctest: +SKIP
    """

    environment = "browser-lab"

    def __init__(self, variant: str, alias: str = "lab", **kwargs: Any) -> None:
        super().__init__(variant, alias, **kwargs)
        self.with_ready_timeout(120)

    def open_in_browser(self, path: str, marker: str, attribute: str) -> tuple[dict, CommandResult]:
        """Open ``path`` in JupyterLab in headless Chromium (as alice, logged in by token)."""
        if self.run(f"test -f {BROWSER_SCRIPT}").exit_code != 0:
            script = resources.files("jsv.probes").joinpath("scripts/browser_open.py").read_text()
            self.put_file(BROWSER_SCRIPT, script, 0o755)
        url = f"http://127.0.0.1:8888/lab/tree/{path}"  # the script adds ?token= from JSV_LAB_TOKEN
        ran = self.run(
            ["/opt/jupyter/bin/python", BROWSER_SCRIPT, url, marker, attribute],
            user="alice",
            environment={"HOME": "/home/alice", "JSV_LAB_TOKEN": self.token},
            timeout=180,
        )
        try:
            return json.loads(ran.stdout.strip().splitlines()[-1]), ran
        except (IndexError, ValueError):
            return {"output rendered": False, "error": ran.stderr[-300:]}, ran

    def read_versions(self) -> dict[str, str]:
        found = super().read_versions()
        found.pop("openssh", None)
        lab = self.run(["jupyter", "lab", "--version"], user="alice").stdout.strip()
        found["jupyterlab"] = lab
        found["chromium"] = self.run("dpkg-query -W -f '${Version}' chromium").stdout
        return found
