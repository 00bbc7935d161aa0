from jsv.claims.expect import equals
from jsv.claims.model import Claim, Fix


def test_area_anchor_and_place():
    claim = Claim(
        id="HUB-12",
        title="t",
        statement="s",
        threat="x",
        severity="high",
        fix=Fix("nginx", "/etc/nginx/conf.d/jupyterhub.conf", "server {}", "nginx"),
        expect=equals(1),
    )
    assert claim.area == "HUB"
    assert claim.anchor == "hub-12"
    assert claim.fix.place == "/etc/nginx/conf.d/jupyterhub.conf (nginx site)"
    shell = Fix("shell", "a shell on the server", "$ umask 077", "console", user="alice")
    assert shell.place == "a shell on the server, as alice (shell step)"
