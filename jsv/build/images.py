"""The Docker engine and the environment images, with one line per image a person can follow."""

from __future__ import annotations

import sys
import time

from jsv.errors import JsvError


def preflight() -> None:
    from jsv.docker_engine import client

    client()


def build_images(names: list[str] | None = None) -> dict[str, str]:
    """Build every missing environment image (or those ``names``); independent images build concurrently.

    One line when an image starts building and one when it is ready (seconds, cached or built).
    """
    return {name: tag for name, (tag, _state) in build_images_with_states(names).items()}


def build_images_with_states(names: list[str] | None = None) -> dict[str, tuple[str, str]]:
    from jsv.images import ensure_base_image
    from jsv.images.build import environment_names
    from jsv.images.schedule import build_in_order, build_order, image_jobs_from_env

    started = time.monotonic()
    try:
        workers = image_jobs_from_env()
    except ValueError as error:
        raise JsvError(str(error)) from None
    ensure_base_image(report=say)
    names = environment_names() if names is None else names
    states = build_in_order(build_order(names), _ensure_image_reporting, workers)
    built = sum(1 for _tag, state in states.values() if state == "built")
    say(
        f"images: {built} built, {len(states) - built} cached in {time.monotonic() - started:.0f} s "
        f"({workers} at a time)"
    )
    return states


def say(line: str) -> None:
    """Print one whole line (builds report from several threads: one write each, never interleaved)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _ensure_image_reporting(name: str) -> tuple[str, str]:
    from jsv.docker_engine import client
    from jsv.images import ensure_base_image
    from jsv.images.build import ensure_image, image_tag

    tag = image_tag(name, ensure_base_image())
    if client().images.list(name=tag):
        say(f"image {name}: cached ({tag})")
        return tag, "cached"
    say(f"image {name}: building {tag}")
    started = time.monotonic()
    tag = ensure_image(name, report=say)
    say(f"image {name}: built in {time.monotonic() - started:.0f} s ({tag})")
    return tag, "built"
