"""Typed records of the attack surface: what the software exposes, and what a reviewer said about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ROUTE, COMMAND, CALL = "route", "command", "call"


@dataclass(frozen=True)
class SurfaceItem:
    """One route (all methods its handler implements) or one command-line template, as enumerated."""

    component: str
    kind: str  # ROUTE, COMMAND or CALL
    pattern: str  # the router's regex, the trait (``CondorSpawner.batch_query_cmd``), or "file function"
    handler: str  # the handler class, the trait's value as the running spawner holds it, or the called name
    methods: tuple[str, ...] = ()  # a route's methods; a call's kind (file-system, format, pattern)
    sources: tuple[str, ...] = ()  # file:line in site-packages of each method's implementation
    version: str = ""  # "package version" the item was read from

    @property
    def key(self) -> tuple[str, str]:
        return (self.pattern, "" if self.kind == COMMAND else self.handler)

    def label(self) -> str:
        if self.kind == CALL:
            return f"{self.component}: {self.methods[0]} call {self.handler} in {self.pattern}"
        if self.kind == ROUTE:
            return f"{self.component}: {' '.join(self.methods)} {self.pattern} ({self.handler})"
        return f"{self.component}: command {self.pattern} = {self.handler!r}"


@dataclass(frozen=True)
class Quote:
    """Lines of the installed code a review reason rests on: the build checks they are still there."""

    file: str  # relative to site-packages: ``jupyterhub/apihandlers/hub.py``
    function: str  # qualified name in it (``ShutdownAPIHandler.post``), a class, or "" for the module
    lines: tuple[str, ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Quote:
        return cls(data["file"], data.get("function", ""), tuple(data["lines"]))

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "function": self.function, "lines": list(self.lines)}


@dataclass(frozen=True)
class Review:
    """A reviewer's entry for one item: who reaches it, what flows in, and the verdict."""

    pattern: str
    handler: str
    methods: tuple[str, ...]
    reachable_by: tuple[str, ...]
    input: str
    claims: tuple[str, ...] = ()
    reason: str = ""
    changes_state: bool = False
    quotes: tuple[Quote, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.pattern, self.handler)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Review:
        verdict = data["verdict"]
        return cls(
            pattern=data["pattern"],
            handler=data.get("handler", ""),
            methods=tuple(data.get("methods", ())),
            reachable_by=tuple(data["reachable_by"]),
            input=data["input"],
            claims=tuple(verdict.get("claims", ())),
            reason=verdict.get("reason", ""),
            changes_state=bool(data.get("changes_state", False)),
            quotes=tuple(Quote.from_data(q) for q in verdict.get("quotes", ())),
        )


@dataclass(frozen=True)
class ReviewedItem:
    item: SurfaceItem
    review: Review

    def to_json(self) -> dict[str, Any]:
        item = asdict(self.item)
        item["methods"] = list(self.item.methods)
        item["sources"] = list(self.item.sources)
        review = self.review
        item.update(
            reachable_by=list(review.reachable_by),
            input=review.input,
            changes_state=review.changes_state,
            verdict="claims" if review.claims else "reason",
            claims=list(review.claims),
            reason=review.reason,
            quotes=[quote.to_json() for quote in review.quotes],
        )
        return item


@dataclass(frozen=True)
class Inventory:
    """Every item of one component, read from one environment."""

    component: str
    environment: str  # the image tag it was read from
    versions: dict[str, str]
    items: tuple[SurfaceItem, ...] = field(default_factory=tuple)
