"""The privileged-calls inventory: read from the installed code, one item per call site, reviewed."""

from __future__ import annotations

import runpy
from importlib import resources
from pathlib import Path

import yaml

from jsv.surface.model import Inventory
from jsv.surface.privileged import calls
from jsv.surface.review import load_reviews, review

MODULE = """\
import os, re, shutil


class Spawner:
    async def move_certs(self, paths):
        os.makedirs(out_dir, 0o700, exist_ok=True)
        shutil.chown(key, user=uid)
        shutil.chown(cert, user=uid)
        return f"{out_dir}"  # an f-string is not listed


PATTERN = re.compile(r"^[a-z]+$")
"""


def test_the_script_lists_file_system_format_and_pattern_calls_with_their_function(tmp_path: Path) -> None:
    (tmp_path / "spawner.py").write_text(MODULE)
    script = resources.files("jsv.surface").joinpath("scripts/privileged_calls.py")
    found = runpy.run_path(str(script))["calls_in"](str(tmp_path / "spawner.py"), "pkg/spawner.py")
    assert [(c["function"], c["call"], c["kind"], c["line"]) for c in found] == [
        ("Spawner.move_certs", "os.makedirs", "file-system", 6),
        ("Spawner.move_certs", "shutil.chown", "file-system", 7),
        ("Spawner.move_certs", "shutil.chown", "file-system", 8),
        ("", "re.compile", "pattern", 12),
    ]


CHOWN = {"file": "jupyterhub/spawner.py", "function": "S.move_certs", "call": "shutil.chown"}
CHOWN["kind"] = "file-system"
DATA = {
    "versions": {"jupyterhub": "6.1.1"},
    "calls": [
        {**CHOWN, "line": 7, "text": "shutil.chown(key)"},
        {**CHOWN, "line": 8, "text": "shutil.chown(cert)"},
        {"file": "jupyterhub/app.py", "function": "", "call": "re.compile", "kind": "pattern", "line": 3,
         "text": "HEX_RE = re.compile('^x$')"},
    ],
}  # fmt: skip


def test_calls_at_one_site_are_one_item_with_every_line() -> None:
    items = calls("privileged-hub", DATA)
    assert [(i.pattern, i.handler, i.methods, i.sources) for i in items] == [
        ("jupyterhub/spawner.py S.move_certs", "shutil.chown", ("file-system",),
         ("jupyterhub/spawner.py:7", "jupyterhub/spawner.py:8")),
        ("jupyterhub/app.py (module)", "re.compile", ("pattern",), ("jupyterhub/app.py:3",)),
    ]  # fmt: skip


def test_a_call_without_an_entry_fails_with_one_line(tmp_path: Path) -> None:
    entry = {
        "pattern": "jupyterhub/spawner.py S.move_certs",
        "handler": "shutil.chown",
        "reachable_by": ["a user who can write her home"],
        "input": "links under ~/.jupyterhub",
        "changes_state": True,
        "verdict": {"claims": ["HUB-35"]},
    }
    (tmp_path / "privileged-hub.yaml").write_text(
        yaml.safe_dump({"component": "privileged-hub", "entries": [entry]})
    )
    inventory = Inventory("privileged-hub", "t", {}, tuple(calls("privileged-hub", DATA)))
    reviewed, problems = review(inventory, load_reviews("privileged-hub", tmp_path), {"HUB-35"})
    assert [r.item.handler for r in reviewed] == ["shutil.chown"]
    assert problems == ["UNREVIEWED privileged-hub: pattern call re.compile in jupyterhub/app.py (module)"]


JS_MODULE = """\
var fs = require("fs");

function loadCa(caFile) {
  var chain = fs.readFileSync(caFile, "utf8");
  if (line.match(/-END-/)) {
    ca.push(line);
  }
}

class Proxy {
  handleError(code) {
    var secure = /https/gi.test(protocol);
    fs.readFile(filename, (err, data) => {});
  }
}

if (args.pidFile) {
  var fd = fs.openSync(args.pidFile, "w");
}
"""


def test_the_node_script_lists_calls_by_their_text_with_the_open_definition(tmp_path: Path) -> None:
    (tmp_path / "proxy.js").write_text(JS_MODULE)
    script = resources.files("jsv.surface").joinpath("scripts/privileged_js_calls.py")
    found = runpy.run_path(str(script))["calls_in"](str(tmp_path / "proxy.js"), "chp/lib/proxy.js")
    assert [(c["function"], c["call"], c["kind"], c["line"]) for c in found] == [
        ("loadCa", "fs.readFileSync", "file-system", 4),
        ("loadCa", "String.match", "pattern", 5),
        ("handleError", "RegExp.test", "pattern", 12),
        ("handleError", "fs.readFile", "file-system", 13),
        ("", "fs.openSync", "file-system", 18),
    ]
