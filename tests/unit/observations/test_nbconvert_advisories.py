"""ADV-30..32: the shared notebooks' crafted paths, the reading of the converted page, and the siblings."""

from __future__ import annotations

import base64
import json
import posixpath
from pathlib import Path

import pytest

from jsv.claims.registry import load_registry
from jsv.environments.machine import image_built_with
from jsv.environments.single_user import NbconvertServer, NbconvertServer1771
from jsv.images.build import requirements_of
from jsv.observations.nbconvert_advisories import (
    ATTACHMENT_NOTEBOOK,
    OUTPUT_DIR,
    OUTPUT_NOTEBOOK,
    PLANTED_CODE,
    PLANTED_IMAGE,
    PLANTED_STARTUP,
    PRIVATE_FILE,
    ROOT_DIR,
    attachment_notebook,
    embed_notebook,
    embedded_texts,
    files_dir_of,
    image_sources,
    output_notebook,
    relative_to,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("target", "start", "relative"),
    [
        ("/home/alice/private/notes.txt", "/srv/work", "../../home/alice/private/notes.txt"),
        ("/home/alice/planted.svg", "/home/alice/converted/x_files", "../../planted.svg"),
        ("/srv/work/a.txt", "/srv/work", "a.txt"),
        ("/srv/a.txt", "/srv/work/deep", "../../a.txt"),
    ],
)
def test_relative_to_climbs_to_the_target(target: str, start: str, relative: str) -> None:
    assert relative_to(target, start) == relative
    assert posixpath.normpath(posixpath.join(start, relative)) == target


def _cells(notebook: str) -> list[dict]:
    return json.loads(notebook)["cells"]


def test_the_embed_notebook_points_its_image_at_the_private_file() -> None:
    source = _cells(embed_notebook())[0]["source"]
    link = source.split("](", 1)[1].split(")", 1)[0]
    assert posixpath.normpath(posixpath.join(ROOT_DIR, link)) == PRIVATE_FILE


def test_the_attachment_lands_in_ipython_startup_when_its_name_is_joined_as_is() -> None:
    cell = _cells(attachment_notebook())[0]
    (name,) = cell["attachments"]
    assert f"attachment:{name}" in cell["source"]
    files_dir = f"{OUTPUT_DIR}/{files_dir_of(ATTACHMENT_NOTEBOOK)}"
    assert posixpath.normpath(posixpath.join(files_dir, name)) == PLANTED_STARTUP
    assert base64.b64decode(cell["attachments"][name]["image/png"]).decode() == PLANTED_CODE
    assert posixpath.basename(name) == "00-planted.py"  # where the fixed release keeps it


def test_the_output_filename_lands_outside_and_already_has_the_svg_extension() -> None:
    (output,) = _cells(output_notebook())[0]["outputs"]
    name = output["metadata"]["filename"]
    assert name.endswith(".svg")  # nbconvert adds the MIME type's extension only when it is missing
    files_dir = f"{OUTPUT_DIR}/{files_dir_of(OUTPUT_NOTEBOOK)}"
    assert posixpath.normpath(posixpath.join(files_dir, name)) == PLANTED_IMAGE


def test_embedded_texts_decode_data_uri_images_only() -> None:
    secret = base64.b64encode(b"notes\n").decode()
    html = (
        f'<p><img alt="a" src="data:text/plain;base64,{secret}"/></p>'
        '<img src="../../home/alice/private/notes.txt" alt="b">'
        "<img src='data:image/png;base64,%%%'>"
    )
    assert embedded_texts(html) == ["notes\n"]
    assert image_sources(html) == ["../../home/alice/private/notes.txt"]


def test_the_siblings_differ_from_the_pinned_image_in_nbconvert_only() -> None:
    assert NbconvertServer.environment == "single-user-adv-nbconvert"
    assert NbconvertServer1771.environment == "single-user-adv-nbconvert-7.17.1"

    def pins(environment: str) -> dict[str, str]:
        lines = requirements_of(environment).splitlines()
        return dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith("#"))

    pinned = pins("single-user")
    siblings = {"single-user-adv-nbconvert": "7.17.0", "single-user-adv-nbconvert-7.17.1": "7.17.1"}
    for environment, version in siblings.items():
        old = pins(environment)
        differing = {name for name in pinned.keys() | old.keys() if pinned.get(name) != old.get(name)}
        assert differing == {"nbconvert"}
        assert old["nbconvert"] == version


def test_the_fix_is_the_pin_of_the_pinned_image_and_not_of_the_controls() -> None:
    registry = load_registry(ROOT)
    for claim_id in ("ADV-30", "ADV-31", "ADV-32"):
        fix = registry.claim(claim_id).fix
        assert (fix.component, fix.file) == ("pip", "requirements.txt")
        assert image_built_with("single-user", fix.code), claim_id
        assert not image_built_with("single-user-adv-nbconvert", fix.code), claim_id
        assert not image_built_with("single-user-adv-nbconvert-7.17.1", fix.code), claim_id
