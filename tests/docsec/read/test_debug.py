from __future__ import annotations

import numpy as np

from docsec.imaging.geometry import to_gray
from docsec.read.debug import CROP_PITCH, band_crop, debug_images
from docsec.read.locate import find_mrz_bands

from .conftest import TD3, render_mrz_page, turned


def _ink_rows(crop: np.ndarray) -> np.ndarray:
    """Rows of the crop holding ink (darker than halfway between ink and paper)."""
    dark = crop < (int(crop.min()) + int(crop.max())) // 2
    return np.flatnonzero(dark.mean(axis=1) > 0.05)


def test_band_crop_is_upright_at_the_crop_pitch() -> None:
    gray = to_gray(turned(render_mrz_page(TD3), 33.0))
    band = find_mrz_bands(gray)[0]
    crop = band_crop(gray, band)
    # a TD3 band: 44 cells of CROP_PITCH with margins, two lines high
    assert 44 * CROP_PITCH < crop.shape[1] < 52 * CROP_PITCH
    assert crop.shape[1] > 5 * crop.shape[0]
    rows = _ink_rows(crop)
    # upright: the ink sits in the two lines' rows, about 1.4-2.2 pitches of the crop deep
    # in all (a band left at 33 degrees would smear it over the whole crop)
    assert 1.5 * CROP_PITCH < np.ptp(rows) < 4.5 * CROP_PITCH
    assert rows.min() > 0.5 * CROP_PITCH and rows.max() < crop.shape[0] - 0.5 * CROP_PITCH


def test_debug_images_crop_each_band_and_none_without_bands() -> None:
    image = render_mrz_page(TD3)
    pictures = debug_images(image, None)
    assert set(pictures) == {"bands", "crops"}
    assert pictures["crops"].ndim == 3 and pictures["crops"].shape[1] > 40 * CROP_PITCH
    assert set(debug_images(np.full((300, 400), 230, np.uint8), None)) == {"bands"}
