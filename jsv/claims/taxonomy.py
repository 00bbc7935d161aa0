"""The ids a compliance team maps a claim by: its CWE weakness, the OWASP ASVS 5.0.0 requirements it verifies.

Every claim carries ``cwe`` (MITRE CWE ids, most specific first); a
*web-facing* claim also carries ``asvs``.  A claim is web-facing when its
area is one whose checks act on the web application itself, as a browser or
an API client does — the single-user server (SU), the hub (HUB), their
advisories (ADV), notebook trust in the browser (NT) and the extensions area
(EXT) — so that every claim of those areas, even one checked from a shell on
the host (a secret file's mode), names the ASVS requirement it helps meet.
Claims of the other areas may carry ASVS ids where one applies.

``jsv/data/taxonomies.json`` holds the names of the CWE ids the registry may
use (MITRE's CWE list 4.14) and every requirement id of ASVS 5.0.0 with its
chapter and section (the standard's own CSV at tag ``v5.0.0_release``); the
registry refuses an id that is not there, so no id is made up.  ASVS ids are
written as the standard asks tools to cite them, ``v5.0.0-<chapter>.<section>.<requirement>``
(the bare ``3.4.6`` means "the latest version" and changes meaning between
releases).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

WEB_AREAS = ("SU", "HUB", "ADV", "NT", "EXT")
"""Areas whose claims are web-facing: each needs an ASVS id (the schema and a unit test enforce it)."""
ASVS_VERSION = "5.0.0"
ASVS_ID = re.compile(r"^v5\.0\.0-(?P<chapter>\d+)\.(?P<section>\d+)\.(?P<requirement>\d+)$")
CWE_ID = re.compile(r"^CWE-(?P<number>[1-9]\d*)$")


@cache
def _data() -> dict[str, Any]:
    return json.loads(resources.files("jsv.data").joinpath("taxonomies.json").read_text(encoding="utf-8"))


def is_web_facing(claim_id: str) -> bool:
    return claim_id.split("-")[0] in WEB_AREAS


def cwe_name(cwe: str) -> str:
    """``CWE-601`` -> ``URL Redirection to Untrusted Site ('Open Redirect')``; KeyError if not listed."""
    return _data()["cwe"]["names"][_cwe_number(cwe)]


def cwe_url(cwe: str) -> str:
    return _data()["cwe"]["url"].format(id=_cwe_number(cwe))


def asvs_section(asvs: str) -> str:
    """``v5.0.0-3.4.6`` -> ``V3.4 Browser Security Mechanism Headers``; KeyError if not an ASVS 5.0.0 id."""
    chapter, section, _ = _asvs_parts(asvs)
    return f"V{chapter}.{section} {_data()['asvs']['sections'][f'{chapter}.{section}']}"


def asvs_url(asvs: str) -> str:
    """The requirement's section in the chapter's text at the release tag (GitHub's heading anchor)."""
    chapter, _, _ = _asvs_parts(asvs)
    heading = asvs_section(asvs).lower().replace(".", "")
    anchor = re.sub(r"[^a-z0-9 -]", "", heading).replace(" ", "-")
    return _data()["asvs"]["url"].format(file=_data()["asvs"]["chapters"][chapter]["file"], anchor=anchor)


def problems(claim_id: str, cwe: list[str], asvs: list[str]) -> list[str]:
    """What is wrong with a claim's ids (empty when each is a listed CWE id or an ASVS 5.0.0 requirement)."""
    found = []
    names = _data()["cwe"]["names"]
    for item in cwe:
        match = CWE_ID.match(item)
        if not match or match.group("number") not in names:
            found.append(
                f"cwe: {item} is not in jsv/data/taxonomies.json (add it with its name from MITRE's CWE list)"
            )
    requirements = set(_data()["asvs"]["requirements"])
    for item in asvs:
        match = ASVS_ID.match(item)
        if not match or item.partition("-")[2] not in requirements:
            found.append(f"asvs: {item} is not a requirement of OWASP ASVS {ASVS_VERSION}")
    if is_web_facing(claim_id) and not asvs:
        areas = ", ".join(WEB_AREAS)
        found.append(f"asvs: a web-facing claim (areas {areas}) names the ASVS requirement it verifies")
    return found


def _cwe_number(cwe: str) -> str:
    match = CWE_ID.match(cwe)
    if not match:
        raise KeyError(cwe)
    return match.group("number")


def _asvs_parts(asvs: str) -> tuple[str, str, str]:
    match = ASVS_ID.match(asvs)
    if not match or asvs.partition("-")[2] not in _data()["asvs"]["requirements"]:
        raise KeyError(asvs)
    return match.group("chapter"), match.group("section"), match.group("requirement")
