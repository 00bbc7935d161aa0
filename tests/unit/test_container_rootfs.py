"""A bootstrapped root filesystem gets the slim image's dpkg, apt and policy-rc.d settings."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from jsv.images.container_rootfs import (
    APT_CONFIG,
    DPKG_CONFIG,
    POLICY_RC,
    make_container_rootfs,
)


def _file(root: Path, relative: str, text: str = "x") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_documentation_goes_and_copyright_files_stay(tmp_path: Path) -> None:
    _file(tmp_path, "usr/share/doc/bash/copyright")
    _file(tmp_path, "usr/share/doc/bash/changelog.Debian.gz")
    _file(tmp_path, "usr/share/man/man1/bash.1.gz")
    _file(tmp_path, "usr/share/locale/de/LC_MESSAGES/bash.mo")
    _file(tmp_path, "usr/share/locale/locale.alias")
    _file(tmp_path, "usr/share/zoneinfo/UTC")
    (tmp_path / "usr/share/doc/gawk").mkdir()
    (tmp_path / "usr/share/doc/gawk/changelog").symlink_to("../bash/changelog.Debian.gz")
    (tmp_path / "usr/share/doc/bash-doc").symlink_to("bash")
    (tmp_path / "usr/share/doc/sh").symlink_to("/usr/share/doc/bash")  # absolute: read inside the tree
    (tmp_path / "usr/share/doc/gone").symlink_to("/usr/share/doc/bash/changelog.Debian.gz")

    assert make_container_rootfs(tmp_path) == 3

    left = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "usr/share").rglob("*"))
    assert left == [
        "usr/share/doc",
        "usr/share/doc/bash",
        "usr/share/doc/bash-doc",
        "usr/share/doc/bash/copyright",
        "usr/share/doc/sh",
        "usr/share/locale",
        "usr/share/locale/locale.alias",
        "usr/share/man",
        "usr/share/zoneinfo",
        "usr/share/zoneinfo/UTC",
    ]


def test_dpkg_and_apt_get_the_slim_settings(tmp_path: Path) -> None:
    make_container_rootfs(tmp_path)
    dpkg = (tmp_path / DPKG_CONFIG).read_text().splitlines()
    assert "force-unsafe-io" in dpkg
    assert "path-exclude /usr/share/man/*" in dpkg
    assert "path-include /usr/share/doc/*/copyright" in dpkg
    apt = (tmp_path / APT_CONFIG).read_text()
    assert 'Acquire::Languages "none";' in apt
    assert 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb' in apt


def test_no_service_starts_during_a_build(tmp_path: Path) -> None:
    make_container_rootfs(tmp_path)
    policy = tmp_path / POLICY_RC
    assert os.access(policy, os.X_OK)
    assert subprocess.run([str(policy), "nginx", "start"], check=False).returncode == 101
