"""Run with an image's interpreter: check that quoted lines are still in the installed code.

argv[1]: a JSON list of {"file", "function", "lines"}; ``file`` is relative to a
sys.path entry (``jupyterhub/spawner.py``) or to "/" for the project's own modules
(``etc/jupyterhub/secure_condor.py``), ``function`` a qualified name in it
(``LocalProcessSpawner.move_certs``, a class, or ``""`` for the whole module),
``lines`` the quoted lines, which must appear one after another in that
definition (decorators included), compared without surrounding blanks and with
blank lines skipped.  Prints {"versions": {...}, "results": [...]}, one result
per quote: "ok", or why it is not there.  Reads files only.
"""

import ast
import importlib.metadata as metadata
import json
import os
import sys


def locate(file, roots):
    for root in roots:
        path = os.path.join(root, file)
        if os.path.isfile(path):
            return path
    return None


def children(node):
    """The definitions directly inside ``node``, in its body or its statements (if, try, with), not deeper."""
    kinds = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for child in ast.iter_child_nodes(node):
        if isinstance(child, kinds):
            yield child
        else:
            yield from children(child)


def definition(tree, qualname):
    """(first line, last line) of the class or function ``qualname`` (1-based, decorators included)."""
    found = tree
    for part in qualname.split("."):
        found = next((node for node in children(found) if node.name == part), None)
        if found is None:
            return None
    first = min([found.lineno] + [d.lineno for d in found.decorator_list])
    return first, found.end_lineno


def check(quote, roots):
    path = locate(quote["file"], roots)
    if path is None:
        return f"{quote['file']} is not installed"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    lines = text.splitlines()
    if quote["function"]:
        span = definition(ast.parse(text), quote["function"])
        if span is None:
            return f"{quote['file']} has no {quote['function']}"
        lines = lines[span[0] - 1 : span[1]]
    body = [line.strip() for line in lines if line.strip()]
    wanted = [line.strip() for line in quote["lines"] if line.strip()]
    for start in range(len(body) - len(wanted) + 1):
        if body[start : start + len(wanted)] == wanted:
            return "ok"
    first = next((line for line in wanted if line not in body), wanted[0])
    where = f"{quote['file']} {quote['function']}".strip()
    if first not in body:
        return f"{where} no longer has: {first}"
    return f"{where}: the quoted lines are not together"


def main():
    quotes = json.loads(sys.argv[1])
    roots = [p for p in sys.path if p and os.path.isdir(p)] + ["/"]  # "/": the project's own modules
    names = sorted({q["file"].split("/")[0] for q in quotes})
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    print(json.dumps({"versions": versions, "results": [check(q, roots) for q in quotes]}))


if __name__ == "__main__":
    main()
