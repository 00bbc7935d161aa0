"""The build CA is used for downloads only and never reaches a final image."""

import docker

from jsv.images import ensure_image


def test_build_ca_is_not_in_the_final_image():
    tag = ensure_image("single-user")
    engine = docker.from_env()
    history = " ".join(layer.get("CreatedBy", "") for layer in engine.api.history(tag))
    assert "build-ca.pem" not in history
    found = engine.containers.run(
        tag,
        entrypoint=["sh", "-c", "find / -xdev -name 'build-ca.pem' 2>/dev/null; ls /tmp/build 2>&1 || true"],
        remove=True,
        labels={"org.jsv.project": "jupyter-security-verified"},
    )
    assert b"build-ca.pem" not in found
    assert b"No such file" in found


def test_images_pin_the_jupyter_server_release():
    tag = ensure_image("single-user")
    out = docker.from_env().containers.run(
        tag,
        entrypoint=["jupyter", "server", "--version"],
        remove=True,
        labels={"org.jsv.project": "jupyter-security-verified"},
    )
    assert out.decode().strip() == "2.21.1"
