"""``python -m jsv clean``: remove the project's containers, networks, volumes, images and build output."""

from __future__ import annotations

import shutil

from jsv.build.paths import STATE_DIR


def clean(builddir: str) -> None:
    from jsv.docker_engine import client
    from jsv.environments.resources import sweep
    from jsv.labels import project_filter

    removed = sweep()
    engine = client()
    images = engine.images.list(filters=project_filter())
    for image in sorted(images, key=lambda i: -len(i.tags)):
        for tag in image.tags or [str(image.id)]:
            try:
                engine.images.remove(tag, force=True)
            except Exception:  # already gone with another tag
                pass
    for tag in ("jsv/base:trixie",):
        try:
            engine.images.remove(tag, force=True)
        except Exception:
            pass
    engine.images.prune(filters={"dangling": True, "label": project_filter()["label"]})
    shutil.rmtree(builddir, ignore_errors=True)
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    print(f"removed {removed} and {len(images)} image(s); deleted {builddir} and {STATE_DIR}")
