"""Run with an image's Python: list the calls through which a node component (configurable-http-proxy)
touches files or matches patterns, read from the installed files under the directories in argv[1:].

There is no JavaScript parser in the images, so calls are found by their text, one line at a time:
file-system calls (``fs.<name>(``) and patterns (``new RegExp(``, ``.match(/…/)``, ``/…/.test(``).
A call's function is the innermost open definition (``function name(``, ``name = function``,
``name(…) {`` in a class, ``name: function``; a definition closes when the braces counted from
its line balance again), "" outside any.  Files are named relative to "/".
Prints the same JSON as privileged_calls.py: {"versions": {...}, "calls": [...]}.  Reads files only.
"""

import json
import os
import re
import sys

CALLS = (
    ("file-system", re.compile(r"\bfs\.(\w+)\(")),
    ("pattern", re.compile(r"\bnew (RegExp)\(")),
    ("pattern", re.compile(r"\.(match)\(/")),
    ("pattern", re.compile(r"/[gimsuy]*\.(test)\(")),
)
NAMES = {"RegExp": "RegExp", "match": "String.match", "test": "RegExp.test"}
DEFINITION = re.compile(
    r"^\s*(?:async\s+)?function\s+(\w+)\s*\("  # function name(
    r"|^\s*(?:var\s+|let\s+|const\s+)?([\w.]+)\s*=\s*(?:async\s+)?function\b"  # name = function
    r"|^\s*(\w+)\s*:\s*(?:async\s+)?function\b"  # name: function
    # a method: name(...) { alone on its line, not a statement that looks like one
    r"|^\s*(?:async\s+)?(?!if\b|for\b|while\b|switch\b|catch\b|function\b)(\w+)\s*\([^)]*\)\s*\{\s*$"
)


def is_node_script(path):
    if path.endswith(".js"):
        return True
    with open(path, "rb") as handle:
        return b"node" in handle.readline()


def calls_in(path, relative):
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    found, open_definitions, depth = [], [], 0  # (name, depth before its line); braces counted roughly
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("//"):
            continue
        defined = DEFINITION.match(line)
        if defined:
            open_definitions.append((next(name for name in defined.groups() if name), depth))
        function = open_definitions[-1][0] if open_definitions else ""
        depth += line.count("{") - line.count("}")
        opens_later = defined and "{" not in line  # its brace is on a later line: keep it open
        while open_definitions and depth <= open_definitions[-1][1] and not opens_later:
            open_definitions.pop()
        for kind, pattern in CALLS:
            for match in pattern.finditer(line):
                name = match.group(1)
                call = f"fs.{name}" if kind == "file-system" else NAMES[name]
                found.append(
                    {
                        "file": relative,
                        "function": function,
                        "call": call,
                        "kind": kind,
                        "line": number,
                        "text": line.strip(),
                    }
                )
    return found


def main():
    calls, versions = [], {}
    for top in sys.argv[1:]:
        package = os.path.join(top, "package.json")
        if os.path.isfile(package):
            with open(package, encoding="utf-8") as handle:
                versions[os.path.basename(top)] = json.load(handle).get("version", "")
        for directory, subdirectories, files in os.walk(top):
            subdirectories[:] = sorted(
                d for d in subdirectories if d not in ("test", "tests", "node_modules")
            )
            for name in sorted(files):
                path = os.path.join(directory, name)
                if name != "testutil.js" and is_node_script(path):
                    calls.extend(calls_in(path, path.lstrip("/")))
    print(json.dumps({"versions": versions, "calls": calls}))


if __name__ == "__main__":
    main()
