"""The attack-surface review: an enumerated item without an entry fails with one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jsv.surface.enumerate import routes
from jsv.surface.model import ROUTE, Inventory, SurfaceItem
from jsv.surface.review import SurfaceError, load_reviews, review

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = [
    "jupyterhub",
    "batchspawner",
    "jupyter_server",
    "server-extensions",
    "configurable-http-proxy",
    "privileged-hub",
    "privileged-batchspawner",
    "privileged-kubespawner",
]


def item(pattern: str, handler: str = "pkg.Handler", methods: tuple[str, ...] = ("GET",)) -> SurfaceItem:
    return SurfaceItem("jupyterhub", ROUTE, pattern, handler, methods, ("pkg/h.py:1",), "jupyterhub 6.1.1")


def write(tmp_path: Path, entries: list[dict]) -> Path:
    (tmp_path / "jupyterhub.yaml").write_text(yaml.safe_dump({"component": "jupyterhub", "entries": entries}))
    return tmp_path


ENTRY = {
    "pattern": "/hub/api/info$",
    "handler": "pkg.Handler",
    "methods": ["GET"],
    "reachable_by": ["token with read:hub"],
    "input": "none",
    "changes_state": False,
    "verdict": {
        "reason": "@needs_scope('read:hub') (apihandlers/hub.py InfoAPIHandler.get)",
        "quotes": [
            {"file": "jupyterhub/apihandlers/hub.py", "function": "InfoAPIHandler.get", "lines": ["@needs"]}
        ],
    },
}


def test_an_added_route_without_an_entry_fails_with_one_line(tmp_path: Path) -> None:
    reviews = load_reviews("jupyterhub", write(tmp_path, [ENTRY]))
    added = item("/hub/api/new-thing$", methods=("POST",))
    inventory = Inventory("jupyterhub", "jsv/hub:x", {}, (item("/hub/api/info$"), added))
    reviewed, problems = review(inventory, reviews, set())
    assert [r.item for r in reviewed] == [item("/hub/api/info$")]
    assert problems == ["UNREVIEWED jupyterhub: POST /hub/api/new-thing$ (pkg.Handler)"]


def test_a_new_method_on_a_reviewed_route_is_unreviewed(tmp_path: Path) -> None:
    reviews = load_reviews("jupyterhub", write(tmp_path, [ENTRY]))
    inventory = Inventory("jupyterhub", "t", {}, (item("/hub/api/info$", methods=("GET", "DELETE")),))
    _, problems = review(inventory, reviews, set())
    assert len(problems) == 1 and problems[0].startswith("UNREVIEWED jupyterhub: GET DELETE /hub/api/info$")


def test_an_entry_whose_route_is_gone_is_stale(tmp_path: Path) -> None:
    reviews = load_reviews("jupyterhub", write(tmp_path, [ENTRY]))
    _, problems = review(Inventory("jupyterhub", "t", {}, ()), reviews, set())
    assert problems == ["STALE jupyterhub: review of /hub/api/info$ (pkg.Handler) matches nothing enumerated"]


def test_a_verdict_naming_an_unknown_claim_is_refused(tmp_path: Path) -> None:
    entry = {**ENTRY, "verdict": {"claims": ["HUB-99"]}}
    reviews = load_reviews("jupyterhub", write(tmp_path, [entry]))
    _, problems = review(Inventory("jupyterhub", "t", {}, (item("/hub/api/info$"),)), reviews, {"HUB-01"})
    assert problems == [
        "jupyterhub: GET /hub/api/info$ (pkg.Handler): verdict names claims not in the registry: HUB-99"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"verdict": {}}, "verdict"),
        ({"verdict": {"reason": "x" * 20, "claims": ["HUB-01"]}}, "verdict"),
        ({"verdict": {"reason": "a reason with no quote of the code"}}, "quotes"),
        ({"reachable_by": []}, "reachable_by"),
        ({"colour": "red"}, "entries/0"),
    ],
)
def test_a_malformed_entry_is_one_line_naming_it(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(SurfaceError) as error:
        load_reviews("jupyterhub", write(tmp_path, [{**ENTRY, **change}]))
    assert "\n" not in str(error.value) and message in str(error.value)


def test_the_scripts_rows_become_one_item_per_route_with_its_methods() -> None:
    data = {
        "routes": [
            {"method": "GET", "pattern": "/a$", "handler": "m.A", "source": "m.py:1"},
            {"method": "POST", "pattern": "/a$", "handler": "m.A", "source": "m.py:5"},
            {"method": "GET", "pattern": "/b$", "handler": "batchspawner.api.B", "source": "b.py:1"},
        ]
    }
    found = routes("jupyterhub", data, lambda h: not h.startswith("batchspawner."), "jupyterhub 6.1.1")
    assert [(i.pattern, i.methods, i.sources) for i in found] == [
        ("/a$", ("GET", "POST"), ("m.py:1", "m.py:5"))
    ]


@pytest.mark.parametrize("component", COMPONENTS)
def test_the_repository_review_files_are_valid(component: str) -> None:
    assert load_reviews(component)
