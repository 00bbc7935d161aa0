"""The build CA never reaches a final image; a built image is checked for files its build lost."""

import io
import tarfile

import docker

from jsv.images import ensure_image
from jsv.images.base import ensure_base_image
from jsv.images.integrity import lost_installed_files
from jsv.labels import PROJECT_LABEL, PROJECT_VALUE, labels


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


def test_images_install_packages_as_the_slim_registry_image_does():
    """Pulled (debian:trixie-slim) or bootstrapped, the base makes apt leave out documentation and start no
    service: a built image's packages brought no manual page or changelog, and policy-rc.d refuses."""
    found = docker.from_env().containers.run(
        ensure_image("single-user"),
        entrypoint=[
            "sh",
            "-c",
            "find /usr/share/man /usr/share/doc /usr/share/locale -type f ! -name copyright"
            " ! -name locale.alias | wc -l; /usr/sbin/policy-rc.d; echo policy $?",
        ],
        remove=True,
        labels=labels(),
    )
    assert found.decode().split() == ["0", "policy", "101"]


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


def test_removing_an_image_removes_its_final_stage_copy_and_keeps_the_download_stage(tmp_path):
    """What ensure_image's cached rebuild relies on: after ``images.remove``, a build with the cache copies
    the download stage again (the damaged copy is gone) but does not run the download stage again."""
    base = ensure_base_image()
    (tmp_path / "Dockerfile").write_text(
        f"FROM {base} AS fetch\nLABEL {PROJECT_LABEL}={PROJECT_VALUE}\n"
        "RUN mkdir /opt/x && head -c 16 /dev/urandom > /opt/x/stage\n"
        f"FROM {base}\nLABEL {PROJECT_LABEL}={PROJECT_VALUE}\nENV JSV_PYTEST={tmp_path.name}\n"
        "COPY --from=fetch /opt/x /opt/x\n"
    )
    engine = docker.from_env()
    tag = f"jsv/pytest-rebuild:{tmp_path.name.lower()[-12:]}"

    def build() -> list[str]:
        return [
            c.get("stream", "") for c in engine.api.build(path=str(tmp_path), tag=tag, rm=True, decode=True)
        ]

    def stage_bytes() -> bytes:  # read from a created container's file system (no process, no log)
        container = engine.containers.create(tag, ["true"], labels=labels())
        try:
            archive = b"".join(container.get_archive("/opt/x/stage")[0])
        finally:
            container.remove(force=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            return tar.extractfile("stage").read()

    try:
        build()
        first = stage_bytes()
        engine.images.remove(tag, force=True)
        steps = "".join(build())
        assert stage_bytes() == first  # the download stage came from the cache
        copy_step = steps.split("COPY --from=fetch", 1)[1].split("Step", 1)[0]
        assert "Using cache" not in copy_step  # the copy was made anew
    finally:
        engine.images.remove(tag, force=True)
