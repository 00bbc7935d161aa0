"""Run with an image's interpreter: list the calls through which a privileged component touches files,
formats text or matches patterns, read from the installed packages named in argv[1:].

Three kinds of call, found by their names in the syntax tree of every module (tests excluded):
file-system operations (os.chown, os.chmod, os.makedirs, os.remove, os.rename, open, shutil.*, ...),
formatting (str.format, format_template) and patterns (re.match, re.fullmatch, re.search, re.compile).
f-strings and os.path calls are not listed.  Prints {"versions": {...}, "calls": [...]}: one row per
call with its file (relative to site-packages), enclosing function (qualified, "" at module level),
the called name, the line number and the line's text.  Reads files only.

An argument that starts with "/" is a single module of this project installed in the image (the
HTCondor hub's secure_condor.py): its file is named relative to "/", its version is the first 12
hex digits of its SHA-256.
"""

import ast
import hashlib
import importlib.metadata as metadata
import importlib.util
import json
import os
import sys

FILE_SYSTEM = {
    "os.chown",
    "os.lchown",
    "os.fchown",
    "os.chmod",
    "os.makedirs",
    "os.mkdir",
    "os.rename",
    "os.replace",
    "os.remove",
    "os.unlink",
    "os.symlink",
    "os.link",
    "os.rmdir",
    "os.open",
    "open",
}
PATTERNS = {"re.match", "re.fullmatch", "re.search", "re.compile"}
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def dotted(node):
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else f".{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return ""


def kind_of(name):
    if name in FILE_SYSTEM or name.startswith("shutil."):
        return "file-system"
    if name.endswith(".format") or name == "format_template":
        return "format"
    if name in PATTERNS:
        return "pattern"
    return ""


def calls_in(path, relative):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    lines = text.splitlines()
    found = []

    def visit(node, qualname):
        for child in ast.iter_child_nodes(node):
            inner = qualname
            if isinstance(child, DEFINITIONS):
                inner = f"{qualname}.{child.name}" if qualname else child.name
            if isinstance(child, ast.Call):
                name = dotted(child.func)
                kind = kind_of(name)
                if kind:
                    found.append(
                        {
                            "file": relative,
                            "function": qualname,
                            "call": name,
                            "kind": kind,
                            "line": child.lineno,
                            "text": lines[child.lineno - 1].strip(),
                        }
                    )
            visit(child, inner)

    visit(ast.parse(text), "")
    return found


def main():
    calls = []
    versions = {}
    for package in sys.argv[1:]:
        if package.startswith("/"):
            calls.extend(calls_in(package, package.lstrip("/")))
            with open(package, "rb") as handle:
                versions[os.path.basename(package)] = hashlib.sha256(handle.read()).hexdigest()[:12]
            continue
        spec = importlib.util.find_spec(package)
        top = os.path.dirname(spec.origin)
        site = os.path.dirname(top)
        for directory, subdirectories, files in os.walk(top):
            subdirectories[:] = sorted(d for d in subdirectories if d not in ("tests", "__pycache__"))
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(directory, name)
                    calls.extend(calls_in(path, os.path.relpath(path, site)))
        for distribution in metadata.packages_distributions().get(package, [])[:1]:
            versions[distribution] = metadata.version(distribution)
    print(json.dumps({"versions": versions, "calls": calls}))


if __name__ == "__main__":
    main()
