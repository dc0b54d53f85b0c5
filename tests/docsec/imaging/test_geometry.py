from __future__ import annotations

import numpy as np
import pytest

from docsec.errors import ImageError
from docsec.imaging import apply_homography, order_quad, quad_homography, rotate_quarter, to_gray


def test_order_quad_any_start() -> None:
    quad = np.array([[10, 0], [110, 5], [105, 60], [5, 55]], float)
    for k in range(4):
        assert np.array_equal(order_quad(np.roll(quad, k, axis=0)), quad)
        assert np.array_equal(order_quad(np.roll(quad, k, axis=0)[::-1]), quad)


def test_quad_homography_maps_corners() -> None:
    quad = np.array([[10, 0], [110, 5], [105, 60], [5, 55]], float)
    h = quad_homography(quad, (200, 100))
    out = apply_homography(quad, h)
    assert np.allclose(out, [[0, 0], [200, 0], [200, 100], [0, 100]], atol=1e-6)


def test_rotate_and_gray() -> None:
    img = np.zeros((2, 3, 3), np.uint8)
    img[0, 0] = 255
    assert rotate_quarter(img, 90).shape == (3, 2, 3)
    assert np.array_equal(rotate_quarter(img, 360), img)
    assert to_gray(img).shape == (2, 3) and to_gray(img)[0, 0] == 255
    with pytest.raises(ImageError):
        rotate_quarter(img, 45)
    with pytest.raises(ImageError):
        to_gray(np.zeros((2, 2, 5), np.uint8))
    with pytest.raises(ImageError):
        order_quad([[0, 0], [1, 1], [2, 2]])
