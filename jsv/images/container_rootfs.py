"""Give a bootstrapped Debian root filesystem the container settings ``debian:trixie-slim`` carries.

The registry's ``debian:*-slim`` images are made by debuerreotype, which adds to
the root filesystem what a bare ``debootstrap`` does not (its scripts
``debuerreotype-minimizing-config`` and ``debuerreotype-slimify``):

* dpkg unpacks without syncing every file to disk (``force-unsafe-io``): an image
  build that stops half way is thrown away, not repaired;
* dpkg leaves out documentation, manual pages and translations
  (``path-exclude``), keeping each package's copyright file;
* apt deletes the downloaded packages after installing, keeps no binary caches,
  fetches no translations and keeps its lists compressed;
* no service starts while a package is installed (``/usr/sbin/policy-rc.d``).

:func:`make_container_rootfs` writes the same settings (our own files, same
effect) into ``rootfs``, so both ways of getting ``jsv/base:trixie`` (pulled or
bootstrapped) build the images the same way.  On a storage driver that runs in
user space (fuse-overlayfs) each file written and each sync is processor time, so
the settings also make the image builds cheaper.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from pathlib import Path

EXCLUDED = (
    "/usr/share/doc/*",
    "/usr/share/groff/*",
    "/usr/share/info/*",
    "/usr/share/linda/*",
    "/usr/share/lintian/overrides/*",
    "/usr/share/locale/*",
    "/usr/share/man/*",
)
"""The paths dpkg leaves out of a slim image (debuerreotype's ``.slimify-excludes``)."""

KEPT = (
    "/usr/share/doc/*/copyright",
    "/usr/share/locale/locale.alias",
    "/usr/share/locale/languages",
    "/usr/share/locale/all_languages",
    "/usr/share/locale/currency/*",
    "/usr/share/locale/l10n/*",
)
"""Paths under :data:`EXCLUDED` that stay (debuerreotype's ``.slimify-includes`` that Debian trixie has)."""

DPKG_CONFIG = "etc/dpkg/dpkg.cfg.d/jsv-container"
APT_CONFIG = "etc/apt/apt.conf.d/jsv-container"
POLICY_RC = "usr/sbin/policy-rc.d"
_POLICY_RC_TEXT = "#!/bin/sh\n# No service starts while an image is built.\nexit 101\n"

_APT_CLEAN = (
    '"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb'
    ' /var/cache/apt/*.bin || true";'
)


def dpkg_config() -> str:
    """``dpkg.cfg.d`` text: no sync per file, and the slim image's excluded and kept paths."""
    lines = ["# An image build that fails is thrown away: no need to sync every unpacked file."]
    lines += ["force-unsafe-io"]
    lines += ["", "# No documentation, manual pages or translations in a container image (as debian:*-slim)."]
    lines += [f"path-exclude {path}" for path in EXCLUDED]
    lines += [f"path-include {path}" for path in KEPT]
    return "\n".join(lines) + "\n"


def apt_config() -> str:
    """``apt.conf.d`` text: no package files or caches left in a layer, no translations, compressed lists."""
    return (
        "# Each install is one image layer: leave no downloaded packages or binary caches in it.\n"
        f"DPkg::Post-Invoke {{ {_APT_CLEAN} }};\n"
        f"APT::Update::Post-Invoke {{ {_APT_CLEAN} }};\n"
        'Dir::Cache::pkgcache "";\n'
        'Dir::Cache::srcpkgcache "";\n'
        'Acquire::Languages "none";\n'
        'Acquire::GzipIndexes "true";\n'
        'Apt::AutoRemove::SuggestsImportant "false";\n'
    )


def recipe() -> str:
    """A short digest of these settings: a base bootstrapped with other settings is made again."""
    text = "\0".join([dpkg_config(), apt_config(), _POLICY_RC_TEXT])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _kept(path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in KEPT)


def remove_excluded(rootfs: Path) -> int:
    """Delete the files :data:`EXCLUDED` covers (but :data:`KEPT`) from ``rootfs``; return how many.

    As debuerreotype does: first every file that is neither a folder nor a link, then, until none is
    left, the links that point nowhere and the empty folders.
    """
    tops = [rootfs / pattern.removesuffix("/*").lstrip("/") for pattern in EXCLUDED]
    tops = [top for top in tops if top.is_dir() and not top.is_symlink()]
    removed = 0
    for top in tops:
        for folder, _dirs, files in os.walk(top):
            for name in files:
                path = Path(folder, name)
                if not path.is_symlink() and not _kept("/" + path.relative_to(rootfs).as_posix()):
                    path.unlink()
                    removed += 1
    while _prune(rootfs, tops):
        pass
    return removed


def _dangling(rootfs: Path, link: Path) -> bool:
    """Whether ``link`` points nowhere inside ``rootfs`` (an absolute target is read from ``rootfs``, not
    from the host)."""
    target = os.readlink(link)
    return not (rootfs / target.lstrip("/") if target.startswith("/") else link.parent / target).exists()


def _prune(rootfs: Path, tops: list[Path]) -> int:
    """Remove dangling links and empty folders below ``tops`` (not the tops themselves); return how many."""
    pruned = 0
    for top in tops:
        for folder, dirs, files in os.walk(top, topdown=False):
            for name in [*dirs, *files]:
                path = Path(folder, name)
                if path.is_symlink():
                    if _dangling(rootfs, path):
                        path.unlink()
                        pruned += 1
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
                    pruned += 1
    return pruned


def make_container_rootfs(rootfs: Path) -> int:
    """Write the dpkg, apt and policy-rc.d settings into ``rootfs`` and drop the excluded files.

    Returns the number of files removed.
    """
    for relative, text, mode in (
        (DPKG_CONFIG, dpkg_config(), 0o644),
        (APT_CONFIG, apt_config(), 0o644),
        (POLICY_RC, _POLICY_RC_TEXT, 0o755),
    ):
        path = rootfs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
    return remove_excluded(rootfs)
