"""Container images: the Debian base (pulled or bootstrapped) and one image per environment."""

from jsv.images.base import BASE_IMAGE, ensure_base_image
from jsv.images.build import (
    CONTAINERS_DIR,
    ensure_image,
    environment_names,
    image_tag,
)

__all__ = [
    "BASE_IMAGE",
    "CONTAINERS_DIR",
    "ensure_base_image",
    "ensure_image",
    "environment_names",
    "image_tag",
]
