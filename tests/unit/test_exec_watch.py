"""ExecWatch: command lines from the engine's exec_create events, checked against the recorded secrets."""

from __future__ import annotations

import threading

from jsv.exec_watch import ExecWatch, ExposedSecret
from jsv.redaction import RecordedSecret

TOKEN = "5e3c2f0a9b8d7c6e"


def exec_created(exec_id: str, container: str, command: str) -> dict:
    attributes = {"execID": exec_id, "name": container, "org.jsv.build": "b1"}
    return {"Type": "container", "Action": f"exec_create: {command}", "Actor": {"Attributes": attributes}}


class Stream:
    """An event stream: its events, then (if ``live``) nothing more until it is closed, as docker's."""

    def __init__(self, events: list[dict], live: bool = True) -> None:
        self.events, self.live, self.closed = events, live, threading.Event()

    def __iter__(self):
        yield from self.events
        if self.live:
            self.closed.wait(5)

    def close(self) -> None:
        self.closed.set()


class Engine:
    """docker's ``events``: a live stream first, then the history asked for at the end (``since``)."""

    def __init__(self, live: list[dict], history: list[dict]) -> None:
        self.live, self.history, self.filters = live, history, []

    def events(self, decode: bool, filters: dict, since: int | None = None, until: int | None = None):
        self.filters.append(filters)
        return Stream(self.history, live=False) if since is not None else Stream(self.live)


def test_reports_the_label_and_container_of_a_secret_on_a_command_line_once():
    seen = exec_created("e1", "pytest-client", f"timeout 60 curl -H 'Authorization: token {TOKEN}' http://x/")
    engine = Engine(live=[seen, exec_created("e2", "pytest-client", "true")], history=[seen])
    with ExecWatch(engine, "b1") as watch:
        pass
    exposed = watch.exposed([RecordedSecret("hardened-token", TOKEN), RecordedSecret("other", "zzzzzzzz")])
    assert exposed == [ExposedSecret("hardened-token", "pytest-client")]
    assert watch.count == 2 and watch.complete
    assert TOKEN not in exposed[0].error_line()
    assert engine.filters[0] == {"type": "container", "event": "exec_create", "label": "org.jsv.build=b1"}


def test_a_secret_read_from_the_environment_is_not_reported():
    command = "timeout 60 curl --variable %T --expand-header 'Authorization: token {{T}}' http://x/"
    engine = Engine(live=[exec_created("e1", "pytest-client", command)], history=[])
    with ExecWatch(engine, "b1") as watch:
        pass
    assert watch.exposed([RecordedSecret("hardened-token", TOKEN)]) == []


def test_a_stream_that_ends_before_the_watch_makes_the_check_incomplete():
    class Ending(Engine):
        def events(self, decode, filters, since=None, until=None):
            return Stream([], live=False)  # the live stream ends at once, before __exit__

    with ExecWatch(Ending(live=[], history=[]), "b1") as watch:
        watch._thread.join(timeout=5)
    assert watch.complete is False
    with ExecWatch(Engine(live=[], history=[]), "b1") as closed_by_us:
        pass
    assert closed_by_us.complete is True
