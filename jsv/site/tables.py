"""``jsv-claims-table``, ``jsv-seed-coverage`` and ``jsv-matrix``: tables computed from the ledger.

Both directives leave a placeholder that is filled in ``doctree-resolved``,
when every page's claims are known; the pages holding them are read again
whenever the records can have changed (:mod:`jsv.site.ledger_docs`).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from jsv.claims import taxonomy
from jsv.claims.model import AREAS
from jsv.claims.record import ClaimRecord
from jsv.ledger import source_coverage
from jsv.site.collect import all_records, column_records
from jsv.site.ledger_docs import mark_ledger_fed


class ledger_table(nodes.General, nodes.Element):
    """Placeholder replaced by a table in ``doctree-resolved``."""


def load_catalogue() -> dict[str, Any]:
    """The seed recommendations catalogue shipped with the package (the build reads only the repo)."""
    return json.loads(resources.files("jsv.data").joinpath("seed_catalogue.json").read_text())


class _TableDirective(SphinxDirective):
    kind = ""

    def run(self) -> list[nodes.Node]:
        mark_ledger_fed(self.env)
        return [ledger_table(kind=self.kind)]


class ClaimsTable(_TableDirective):
    kind = "claims"


class SeedCoverage(_TableDirective):
    kind = "coverage"


class VersionMatrix(_TableDirective):
    kind = "matrix"


class AdvisoryExposure(_TableDirective):
    kind = "exposure"


MATRIX_AREAS = ("SU", "HUB", "ADV")
"""The areas a distribution's packages replace (single-user server, hub, their advisories)."""
COMPONENT_OF = {"SU": "jupyter_server", "HUB": "jupyterhub"}


def _table(headers: list[str], rows: list[list[nodes.Node | str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["jsv-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h)) for h in headers])
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            content = cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=cell)
            if not isinstance(content, nodes.paragraph):
                content = nodes.paragraph("", "", content)
            row += nodes.entry("", content)
        body += row
    return table


def _link(app: Sphinx, fromdoc: str, record: ClaimRecord) -> nodes.reference:
    docname, _, anchor = record.page.partition(".html#")
    uri = app.builder.get_relative_uri(fromdoc, docname) + "#" + anchor
    return nodes.reference("", record.id, refuri=uri)


def _ids_cell(record: ClaimRecord) -> nodes.paragraph:
    """The claim's CWE and ASVS ids, each linked to its definition (the names are on the card)."""
    cell = nodes.paragraph()
    links = [(cwe, taxonomy.cwe_url(cwe)) for cwe in record.cwe]
    links += [(asvs, taxonomy.asvs_url(asvs)) for asvs in record.asvs]
    for index, (text, uri) in enumerate(links):
        if index:
            cell += nodes.Text(", ")
        cell += nodes.reference("", text, refuri=uri)
    return cell


def _claims_rows(app: Sphinx, fromdoc: str) -> list[list[Any]]:
    rows = []
    for record in sorted(all_records(app.env), key=lambda r: r.id):
        versions = ", ".join(
            f"{k} {v}" for k, v in record.versions.items() if k not in {"python", "debian", "openssh"}
        )
        rows.append(
            [
                _link(app, fromdoc, record),
                record.status,
                record.severity,
                AREAS.get(record.area, record.area),
                record.title,
                _ids_cell(record),
                record.negative_control,
                "applied" if record.fix.applied else "not applied",
                versions,
                f"{record.seconds}",
            ]
        )
    return rows


def _coverage_rows(app: Sphinx, fromdoc: str) -> list[list[Any]]:
    records = {r.id: r for r in all_records(app.env)}
    coverage = source_coverage(list(records.values()))
    rows = []
    for item in load_catalogue()["recommendations"]:
        covering = coverage.get(item["id"], [])
        if covering:
            cell = nodes.paragraph()
            for index, claim_id in enumerate(covering):
                if index:
                    cell += nodes.Text(", ")
                cell += _link(app, fromdoc, records[claim_id])
        else:
            cell = nodes.paragraph(text=item.get("finding", "no claim yet"))
        rows.append(
            [
                nodes.paragraph(
                    "", "", nodes.target("", "", ids=[item["id"].lower()]), nodes.Text(item["id"])
                ),
                item["recommendation"],
                cell,
            ]
        )
    return rows


def _component(record: ClaimRecord) -> str:
    """The package a matrix row is about: the hub's or the server's."""
    if record.area in COMPONENT_OF:
        return COMPONENT_OF[record.area]
    return "jupyterhub" if "jupyterhub" in record.versions else "jupyter_server"


def _cell(app: Sphinx, fromdoc: str, record: ClaimRecord | None, why_missing: str) -> nodes.paragraph:
    """One matrix cell: the status with the release it ran on, what was seen, linked to the record's card."""
    if record is None:
        return nodes.paragraph(text=f"not run: {why_missing}")
    component = _component(record)
    cell = nodes.paragraph()
    link = _link(app, fromdoc, record)
    link.children = [nodes.Text(record.status)]
    cell += link
    cell += nodes.Text(f" on {component} {record.versions.get(component, '?')}: ")
    if record.status == "skipped":
        seen = record.negative_control_reason
    elif record.config_warnings:
        seen = f"the fix's setting draws a warning: {record.config_warnings[0]}"
    elif record.status == "failed" and record.hardened.check_passed:
        seen = f"holds ({record.hardened.observed}), but the control {record.negative_control}"
    else:
        seen = record.hardened.observed
    cell += nodes.Text(seen if len(seen) <= 160 else seen[:157] + "…")
    return cell


def _matrix_rows(app: Sphinx, fromdoc: str) -> list[list[Any]]:
    columns = {(r.id, r.column): r for r in column_records(app.env)}
    rows = []
    for record in sorted(
        all_records(app.env),
        key=lambda r: (MATRIX_AREAS.index(r.area), r.id) if r.area in MATRIX_AREAS else (9, r.id),
    ):
        if record.area not in MATRIX_AREAS:
            continue
        debian = columns.get((record.id, "debian-trixie"))
        rows.append(
            [
                _link(app, fromdoc, record),
                record.title,
                _cell(app, fromdoc, record, ""),
                _cell(app, fromdoc, debian, f"no image of {_component(record)} from Debian's packages yet"),
            ]
        )
    return rows


def load_chart_releases() -> dict[str, Any]:
    """The releases the Zero to JupyterHub chart's images pin (read from its repository at the tag)."""
    return json.loads(resources.files("jsv.data").joinpath("chart_releases.json").read_text())


def _debian_exposure(record: ClaimRecord | None) -> str:
    """Debian trixie's exposure to an advisory, as the Debian column's run of its claim found it."""
    if record is None:
        return "not run in the Debian column"
    release = ", ".join(
        f"{k} {v}" for k, v in record.versions.items() if k in ("jupyter_server", "jupyterhub")
    )
    found = {"failed": "exposed (the attack succeeded)", "verified": "not exposed (the attack failed)"}
    return f"{found.get(record.status, 'not run: ' + record.negative_control_reason)} on {release or '?'}"


def _chart_exposure(record: ClaimRecord, chart: dict[str, Any]) -> str:
    """The chart's exposure by the advisory's affected ranges (the chart's images are not run here)."""
    advisory = record.advisory
    release = chart["releases"].get(advisory.package) if advisory else None
    if advisory is None or release is None:
        return "—"
    affected = advisory.affects(release)
    verdict = "in range: exposed" if affected else "outside the ranges" if affected is False else "?"
    return f"{advisory.package} {release}: {verdict}"


def _exposure_rows(app: Sphinx, fromdoc: str) -> list[list[Any]]:
    columns = {(r.id, r.column): r for r in column_records(app.env)}
    chart = load_chart_releases()
    rows = []
    for record in sorted((r for r in all_records(app.env) if r.area == "ADV"), key=lambda r: r.id):
        advisory = record.advisory
        rows.append(
            [
                _link(app, fromdoc, record),
                ", ".join(advisory.ids) if advisory else "",
                f"{advisory.package}: {advisory.affected_text}" if advisory else "",
                _debian_exposure(columns.get((record.id, "debian-trixie"))),
                _chart_exposure(record, chart),
            ]
        )
    return rows


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(ledger_table)):
        if node["kind"] == "claims":
            table = _table(
                [
                    *("Claim", "Status", "Severity", "Area", "Title", "CWE, ASVS"),
                    *("Negative control", "Fix", "Versions", "s"),
                ],
                _claims_rows(app, docname),
                [7, 7, 6, 9, 28, 12, 11, 6, 19, 5],
            )
        elif node["kind"] == "exposure":
            table = _table(
                [
                    "Claim",
                    "Advisory",
                    "Affected",
                    "Debian trixie (run)",
                    load_chart_releases()["chart"] + " (ranges)",
                ],
                _exposure_rows(app, docname),
                [8, 22, 26, 24, 20],
            )
        elif node["kind"] == "matrix":
            table = _table(
                ["Claim", "Title", "pinned (PyPI)", "debian-trixie (Debian's packages)"],
                _matrix_rows(app, docname),
                [8, 32, 30, 30],
            )
        else:
            table = _table(
                ["Source id", "Recommendation (our words)", "Covered by"],
                _coverage_rows(app, docname),
                [12, 60, 28],
            )
        node.replace_self(table)


def setup(app: Sphinx) -> None:
    app.add_node(ledger_table)
    app.add_directive("jsv-claims-table", ClaimsTable)
    app.add_directive("jsv-seed-coverage", SeedCoverage)
    app.add_directive("jsv-matrix", VersionMatrix)
    app.add_directive("jsv-advisory-exposure", AdvisoryExposure)
    app.connect("doctree-resolved", _resolve)
