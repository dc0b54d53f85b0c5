"""Motion blur over an MRZ band: its direction found from the band's own gradients, not
found where there is none, and removed so that the characters part again."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docsec.read import read_mrz
from docsec.read.deblur import DEBLUR, _streak, estimate_motion_blur, remove_motion_blur
from docsec.read.locate import find_mrz_bands

from .conftest import TD3, render_mrz_page


def _streaked(gray: np.ndarray, length: float, angle: float) -> np.ndarray:
    blurred = cv2.filter2D(gray.astype(np.float32), -1, _streak(length, angle))
    noise = np.random.default_rng(7).normal(0, 2.0, gray.shape)
    return np.clip(blurred + noise, 0, 255).astype(np.uint8)


def _page(dpi: int = 120) -> np.ndarray:
    return cv2.cvtColor(render_mrz_page(TD3, dpi=dpi), cv2.COLOR_RGB2GRAY)


def _angle_gap(a: float, b: float) -> float:
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


def test_sharp_band_has_no_streak() -> None:
    gray = _page()
    band = find_mrz_bands(gray)[0]
    assert estimate_motion_blur(gray, band) is None


@pytest.mark.parametrize("angle", [15.0, 60.0, 100.0, 150.0])
def test_streak_direction_is_found(angle: float) -> None:
    sharp = _page()
    band = find_mrz_bands(sharp)[0]
    pitch = band.pitch or band.thickness
    gray = _streaked(sharp, 0.75 * pitch, angle)
    blur = estimate_motion_blur(gray, band)
    assert blur is not None
    assert blur.anisotropy >= DEBLUR.min_anisotropy
    assert _angle_gap(blur.angle_deg, angle) < 10.0


def test_removal_brings_the_band_closer_to_the_print() -> None:
    sharp = _page()
    band = find_mrz_bands(sharp)[0]
    pitch = band.pitch or band.thickness
    gray = _streaked(sharp, 0.75 * pitch, 30.0)
    blur = estimate_motion_blur(gray, band)
    assert blur is not None
    restored = remove_motion_blur(gray, band, blur, 0.75 * pitch)
    x, y = (int(v) for v in band.corners_xy().min(axis=0))
    x1, y1 = (int(v) for v in band.corners_xy().max(axis=0))

    def error(img: np.ndarray) -> float:
        return float(np.mean(np.abs(img[y:y1, x:x1].astype(float) - sharp[y:y1, x:x1])))

    assert error(restored) < 0.8 * error(gray)


def test_removal_leaves_the_capture_away_from_the_band_alone() -> None:
    page = _page()
    band = find_mrz_bands(page)[0]
    pitch = band.pitch or band.thickness
    gray = cv2.copyMakeBorder(_streaked(page, 0.75 * pitch, 30.0), 0, 800, 0, 0,
                              cv2.BORDER_CONSTANT, value=235)  # fmt: skip
    blur = estimate_motion_blur(gray, band)
    assert blur is not None
    restored = remove_motion_blur(gray, band, blur, 0.75 * pitch)
    assert np.array_equal(restored[-100:], gray[-100:])
    assert not np.array_equal(restored[:200], gray[:200])


def test_streaked_mrz_is_read_and_left_unsure_where_no_digit_vouches() -> None:
    sharp = _page()
    band = find_mrz_bands(sharp)[0]
    pitch = band.pitch or band.thickness
    gray = _streaked(sharp, 0.8 * pitch, 20.0)
    r = read_mrz(gray, tesseract=False)
    assert r is not None
    assert r.lines == TD3
    if any("motion blur" in w for w in r.warnings):
        assert not r.trusted  # the name line has no check digit
        assert (0, 5) in r.unsure
