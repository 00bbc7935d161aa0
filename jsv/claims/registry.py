"""The claim registry: every page's ``<page>.claims.yaml``, validated when loaded.

One YAML file beside each runbook page holds that page's claims (YAML rather
than TOML because observations include ``null``; ``0o600`` reads as an octal
integer, as in YAML 1.2).  Loading validates each file against
``jsv/data/claims.schema.json`` with ``jsonschema`` (a well-kept validator,
so the schema is data too) and then checks what a schema cannot: known source
ids, unique ids across files, CWE and ASVS ids that exist
(:mod:`jsv.claims.taxonomy`), and that each fix goes where its component
reads it (:mod:`jsv.claims.places`).  Any problem is one
:class:`RegistryError` line naming the file, the claim and the key.

The kernel (``verify("SU-01", ...)``), the Sphinx extension (cards, tables,
the ``claim`` role), the tests and the command line read the same registry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from jsv.claims import taxonomy
from jsv.claims.advisory import Advisory
from jsv.claims.expect import from_data
from jsv.claims.model import Claim, Fix
from jsv.claims.places import place_problems
from jsv.errors import JsvError

SUFFIX = ".claims.yaml"
RUNBOOKS = "runbooks"


class RegistryError(JsvError):
    """A claims file is malformed: the message names the file, the claim and the key."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML plus YAML 1.2 octal integers (``0o600``) for file modes; libyaml's parser where
    PyYAML has it (the registry is read by every page's kernel and twice per build: 5-10x faster)."""


_Loader.add_implicit_resolver("tag:jsv,2026:octal", re.compile(r"^0o[0-7]+$"), list("0"))
_Loader.add_constructor("tag:jsv,2026:octal", lambda loader, node: int(loader.construct_scalar(node), 8))


@cache
def _schema() -> dict[str, Any]:
    return json.loads(resources.files("jsv.data").joinpath("claims.schema.json").read_text())


@cache
def known_sources() -> frozenset[str]:
    """Source ids of the seed catalogue shipped in the package (the build reads only the repository)."""
    catalogue = json.loads(resources.files("jsv.data").joinpath("seed_catalogue.json").read_text())
    return frozenset(item["id"] for item in catalogue["recommendations"])


@dataclass(frozen=True)
class Registry:
    """All claims of a source tree, by id, each with the page it belongs to."""

    root: Path
    claims: dict[str, Claim]
    pages: dict[str, str]
    """claim id -> docname of its runbook page (``runbooks/single-user/access``)."""

    def claim(self, claim_id: str) -> Claim:
        try:
            return self.claims[claim_id]
        except KeyError:
            raise RegistryError(
                f"claim {claim_id} is not in the registry: add it to the page's {SUFFIX} file"
            ) from None

    def for_page(self, docname: str) -> list[Claim]:
        return [self.claims[i] for i, page in self.pages.items() if page == docname]


def _where(path: list[Any], document: dict[str, Any]) -> str:
    """``SU-06: fix.file`` for a jsonschema error path like ``claims/3/fix/file``."""
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "claims" and isinstance(parts[1], int):
        claims = document.get("claims") or []
        entry = claims[parts[1]] if parts[1] < len(claims) else {}
        claim_id = entry.get("id", f"claim #{parts[1] + 1}") if isinstance(entry, dict) else "?"
        key = ".".join(str(p) for p in parts[2:]) or "(the claim)"
        return f"{claim_id}: {key}"
    return ".".join(str(p) for p in parts) or "(top level)"


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key")
    if (
        error.validator == "oneOf"
        and isinstance(error.schema, dict)
        and error.schema.get("oneOf")
        == [
            {"required": ["weakness"]},
            {"required": ["no_control"]},
        ]
    ):
        return "give either 'weakness' (what the insecure twin must show) or 'no_control' (why none exists)"
    if error.validator == "required" and "'asvs'" in error.message:
        return (
            f"a web-facing claim (areas {', '.join(taxonomy.WEB_AREAS)}) names the OWASP ASVS 5.0.0 "
            "requirement it verifies: add asvs: [v5.0.0-<chapter>.<section>.<requirement>]"
        )
    return error.message if len(error.message) < 200 else error.message[:200] + "…"


def _claim(entry: dict[str, Any], file: str) -> Claim:
    fix = entry["fix"]
    return Claim(
        id=entry["id"],
        title=entry["title"].strip(),
        statement=" ".join(entry["statement"].split()),
        threat=" ".join(entry["threat"].split()),
        severity=entry["severity"],
        fix=Fix(
            component=fix["component"],
            file=fix["file"],
            code=fix["code"].rstrip("\n"),
            language=fix.get("language", "python"),
            user=fix.get("user", ""),
            not_applied=" ".join(fix.get("not_applied", "").split()),
        ),
        expect=from_data(entry["expect"]),
        weakness=from_data(entry["weakness"]) if "weakness" in entry else None,
        no_control=" ".join(entry.get("no_control", "").split()),
        sources=tuple(entry["sources"]),
        cwe=tuple(entry["cwe"]),
        asvs=tuple(entry.get("asvs", ())),
        notes=" ".join(entry.get("notes", "").split()),
        applies_when=" ".join(entry.get("applies_when", "").split()),
        embargo=" ".join(entry.get("embargo", "").split()),
        registry_file=file,
        expect_data=entry["expect"],
        advisory=Advisory.from_data(entry["advisory"]) if "advisory" in entry else None,
    )


def load_file(path: Path, shown: str | None = None) -> list[Claim]:
    """The claims of one file; :class:`RegistryError` on the first problem."""
    shown = shown or str(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise RegistryError(f"{shown}:{line} is not valid YAML: {getattr(error, 'problem', error)}") from None
    validator = jsonschema.Draft202012Validator(_schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        worst = max(errors, key=lambda e: len(e.absolute_path))  # the most specific problem
        raise RegistryError(f"{shown}: {_where(list(worst.absolute_path), document)}: {_message(worst)}")
    claims = []
    for entry in document["claims"]:
        unknown = [s for s in entry["sources"] if s not in known_sources()]
        if unknown:
            raise RegistryError(
                f"{shown}: {entry['id']}: sources: unknown source id {unknown[0]} "
                "(ids are listed in jsv/data/seed_catalogue.json)"
            )
        wrong_ids = taxonomy.problems(entry["id"], entry["cwe"], entry.get("asvs", []))
        if wrong_ids:
            raise RegistryError(f"{shown}: {entry['id']}: {wrong_ids[0]}")
        fix = entry["fix"]
        problems = place_problems(fix["component"], fix["file"], fix["code"], fix.get("user", ""))
        if problems:
            raise RegistryError(f"{shown}: {entry['id']}: fix: {problems[0]}")
        claims.append(_claim(entry, shown))
    return claims


def find_root(start: Path) -> Path:
    """The source tree holding ``start``: the nearest directory with a ``conf.py``."""
    for candidate in (start, *start.parents):
        if (candidate / "conf.py").is_file():
            return candidate
    raise RegistryError(f"no conf.py above {start}: run from inside the site's source tree")


def load_registry(root: Path) -> Registry:
    """Every ``runbooks/**/<page>.claims.yaml`` under ``root``."""
    claims: dict[str, Claim] = {}
    pages: dict[str, str] = {}
    for path in sorted((root / RUNBOOKS).rglob("*" + SUFFIX)):
        shown = path.relative_to(root).as_posix()
        page = shown.removesuffix(SUFFIX)
        if not (root / f"{page}.md").is_file():
            raise RegistryError(f"{shown}: no runbook page {page}.md beside it")
        for claim in load_file(path, shown):
            if claim.id in claims:
                raise RegistryError(
                    f"{shown}: {claim.id}: id: duplicate, already in {claims[claim.id].registry_file}"
                )
            claims[claim.id] = claim
            pages[claim.id] = page
    return Registry(root, claims, pages)


@cache
def registry_here() -> Registry:
    """The registry of the tree the kernel runs in (a runbook's working directory is its folder)."""
    return load_registry(find_root(Path.cwd().resolve()))
