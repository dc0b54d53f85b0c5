"""Images entering docsec: loading with limits, geometry (quads, homographies, warps)."""

from __future__ import annotations

from docsec.imaging.geometry import (
    apply_homography,
    order_quad,
    quad_homography,
    rotate_quarter,
    to_gray,
    warp_quad,
)
from docsec.imaging.io import ALLOWED_FORMATS, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, load_image

__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "apply_homography",
    "load_image",
    "order_quad",
    "quad_homography",
    "rotate_quarter",
    "to_gray",
    "warp_quad",
]
