"""List the pip-installed files an image lacks: every ``RECORD`` of every installed distribution, checked.

Standard library only: :mod:`jsv.images.integrity` runs this file's text with the image's own ``python3``.
A ``RECORD`` names each file pip wrote and, for most, its size; a file that is gone or has another size was
lost after pip wrote it (seen here: Docker's fuse-overlayfs storage driver dropped one checkov module while
the classic builder copied a virtualenv from the download stage into the final stage).
"""

from __future__ import annotations

import csv
import glob
import json
import os

SITE_PATTERNS = (
    "/opt/*/lib/python3*/site-packages",
    "/usr/local/lib/python3*/dist-packages",
    "/usr/local/lib/python3*/site-packages",
)


def lost_files(site_dirs: list[str]) -> list[str]:
    """Paths named by a ``RECORD`` under ``site_dirs`` that are missing or differ from the size it records."""
    lost = []
    for site in site_dirs:
        for record in sorted(glob.glob(os.path.join(site, "*.dist-info", "RECORD"))):
            with open(record, newline="") as rows:
                for row in csv.reader(rows):
                    if not row or not row[0]:
                        continue
                    path = os.path.normpath(os.path.join(site, row[0]))
                    size = row[2] if len(row) > 2 else ""
                    if not os.path.lexists(path):
                        lost.append(path)
                    elif size.isdigit() and not os.path.islink(path) and os.path.getsize(path) != int(size):
                        lost.append(path)
    return lost


if __name__ == "__main__":
    import sys

    with open(sys.argv[1], "w", encoding="utf-8") as out:  # a file, not stdout: see jsv.images.integrity
        json.dump(lost_files(sorted({d for p in SITE_PATTERNS for d in glob.glob(p)})), out)
