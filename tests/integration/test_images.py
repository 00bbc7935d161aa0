"""The build CA never reaches a final image; a built image is checked for files its build lost."""

import docker

from jsv.images import ensure_image
from jsv.images.integrity import lost_installed_files
from jsv.labels import labels


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


def test_the_integrity_check_finds_a_file_removed_from_a_built_image():
    tag = ensure_image("single-user")
    assert lost_installed_files(tag) == []
    engine = docker.from_env()
    victim = "/opt/jupyter/lib/python3.13/site-packages/jupyter_server/auth/security.py"
    container = engine.containers.run(tag, ["rm", victim], entrypoint=[], detach=True, labels=labels())
    try:
        assert container.wait()["StatusCode"] == 0
        damaged = container.commit(repository="jsv/pytest-damaged", tag=container.short_id)
        try:
            assert lost_installed_files(damaged.id) == [victim]
        finally:
            engine.images.remove(damaged.id, force=True)
    finally:
        container.remove(force=True)
