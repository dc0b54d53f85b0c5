"""Quads, homographies and warps. Points are ``[x, y]`` (x = column, y = row).

A *quad* is four ``[x, y]`` corners ordered top-left, top-right, bottom-right,
bottom-left (clockwise on screen). Homographies are 3x3 ``float64`` matrices mapping
source ``[x, y]`` to destination ``[x, y]`` (the OpenCV convention).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from docsec.errors import ImageError

__all__ = [
    "apply_homography",
    "order_quad",
    "quad_homography",
    "rotate_quarter",
    "to_gray",
    "warp_quad",
]


def to_gray(image: np.ndarray) -> np.ndarray:
    """Return a ``uint8`` gray image (BT.601 luma for RGB input)."""
    if image.ndim == 2:
        return image if image.dtype == np.uint8 else image.astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_RGBA2GRAY)
    raise ImageError(f"expected a gray or RGB image, got an array of shape {image.shape}")


def order_quad(points_xy: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Order four ``[x, y]`` points as top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
    if pts.shape != (4, 2):
        raise ImageError(f"a quad has 4 points, got {pts.shape[0]}")
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, starting near -180 degrees (left)
    start = int(np.argmin(pts.sum(axis=1)))  # top-left has the smallest x + y
    return np.roll(pts, -start, axis=0)


def quad_homography(quad_xy: np.ndarray, size_wh: tuple[int, int]) -> np.ndarray:
    """Homography mapping an ordered quad onto the rectangle ``(0, 0)-(w, h)``."""
    w, h = size_wh
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    src = np.asarray(quad_xy, dtype=np.float32).reshape(4, 2)
    return np.asarray(cv2.getPerspectiveTransform(src, dst), dtype=np.float64)


def warp_quad(image: np.ndarray, quad_xy: np.ndarray, size_wh: tuple[int, int]) -> np.ndarray:
    """Rectify the ordered quad of ``image`` to an upright ``size_wh`` image."""
    matrix = quad_homography(quad_xy, size_wh)
    return cv2.warpPerspective(
        image, matrix, size_wh, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def apply_homography(points_xy: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """Map ``(N, 2)`` ``[x, y]`` points through a 3x3 homography."""
    pts = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
    ones = np.ones((pts.shape[0], 1))
    mapped = np.hstack([pts, ones]) @ np.asarray(homography, dtype=np.float64).T
    return mapped[:, :2] / mapped[:, 2:3]


def rotate_quarter(image: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate an image counter-clockwise by 0, 90, 180 or 270 degrees (lossless)."""
    turns = (degrees // 90) % 4
    if degrees % 90:
        raise ImageError(f"only quarter turns are lossless, got {degrees} degrees")
    return np.ascontiguousarray(np.rot90(image, turns))
