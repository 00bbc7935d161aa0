"""The server-extensions inventory is what containers/single-user-ext serves beyond the plain server."""

from __future__ import annotations

from jsv.surface.enumerate import EXTENSIONS, SERVER, extension_rows, extensions_label, routes


def row(pattern: str, handler: str, method: str = "GET") -> dict[str, str]:
    return {"method": method, "pattern": pattern, "handler": handler, "source": "pkg/h.py:1"}


PLAIN = {
    "versions": {"jupyter_server": "2.21.1"},
    "routes": [row("/api/status$", "jupyter_server.services.api.handlers.APIStatusHandler")],
}
EXTENDED = {
    "versions": {"jupyter_server": "2.21.1", "voila": "0.5.13", "jupyter_server_proxy": "4.6.0"},
    "routes": [
        *PLAIN["routes"],
        row("/voila/files/(.*)$", "voila.static_file_handler.AllowListFileHandler"),
        row("/voila/labextensions/(.*)$", "jupyter_server.base.handlers.FileFindHandler"),
        row("/proxy/(\\d+)(.*)$", "jupyter_server_proxy.handlers.LocalProxyHandler", "GET"),
        row("/proxy/(\\d+)(.*)$", "jupyter_server_proxy.handlers.LocalProxyHandler", "POST"),
    ],
}


def test_only_the_routes_the_plain_server_lacks_are_kept_whatever_module_their_handler_is_in() -> None:
    kept = extension_rows(EXTENDED, PLAIN)
    assert [r["pattern"] for r in kept["routes"]] == [
        "/voila/files/(.*)$",
        "/voila/labextensions/(.*)$",  # a jupyter_server handler class, but a route voila adds
        "/proxy/(\\d+)(.*)$",
        "/proxy/(\\d+)(.*)$",
    ]
    assert kept["versions"] == EXTENDED["versions"]
    items = routes("server-extensions", kept, bool, extensions_label(kept["versions"]))
    assert [(i.pattern, i.methods) for i in items][-1] == ("/proxy/(\\d+)(.*)$", ("GET", "POST"))


def test_the_label_names_the_extension_releases_only() -> None:
    assert extensions_label(EXTENDED["versions"]) == "jupyter_server_proxy 4.6.0, voila 0.5.13"


def test_both_servers_are_enumerated_by_the_same_script_from_their_own_images() -> None:
    assert (SERVER.script, EXTENSIONS.script) == ("server_routes.py", "server_routes.py")
    assert (SERVER.environment, EXTENSIONS.environment) == ("single-user", "single-user-ext")
