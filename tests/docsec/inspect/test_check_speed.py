"""The feature checks' faster paths give what the direct computation gives."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docsec.generate import SyntheticDocument
from docsec.inspect import checkbase, inspect_document, tilt, transmitted
from docsec.inspect.context import Context
from docsec.inspect.rules import _PLATE_FONT, read_vin_plate

from .conftest import REF

MakeDoc = Callable[..., SyntheticDocument]


def test_coarse_smoothing_matches_the_full_gaussian() -> None:
    rng = np.random.default_rng(1)
    h, w = 173, 246
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # windowed moments of a masked page: a weight and products of print, slowly lit
    page = rng.uniform(30, 230, (h, w)).astype(np.float32)
    weight = (rng.random((h, w)) > 0.2).astype(np.float32)
    lamp = 1.0 - 0.2 * xx / w + 0.1 * yy / h
    z = np.stack([weight, page * weight, page * lamp * weight], axis=-1)
    sigma = 11.8
    full = cv2.GaussianBlur(z, (0, 0), sigma)
    fast = tilt._smooth(z, sigma)
    assert fast.shape == z.shape and fast.dtype == np.float32
    inner = (slice(12, -12), slice(12, -12))
    # the ratios the fit takes (local means) agree to a fraction of a grey level
    for c in (1, 2):
        err = np.abs(fast[..., c] / fast[..., 0] - full[..., c] / full[..., 0])[inner]
        assert float(err.max()) < 1.0
    # a narrow Gaussian is not coarsened: exactly OpenCV's
    assert np.array_equal(tilt._smooth(z, 2.0), cv2.GaussianBlur(z, (0, 0), 2.0))
    # a one-channel image keeps its shape
    assert tilt._smooth(page, sigma).shape == page.shape


def test_local_fit_with_coarse_moments_recovers_gain_and_offset() -> None:
    rng = np.random.default_rng(2)
    h, w = 150, 220
    xx = np.mgrid[0:h, 0:w][1].astype(np.float32) / w
    page = rng.uniform(40, 230, (h, w, 3)).astype(np.float32)
    shot = page * (1.0 - 0.15 * xx)[..., None] * np.float32(1.04) + 5.0
    fitted = tilt.local_fit(page, shot, np.ones((h, w), bool), 11.8)
    assert float(np.abs(fitted - shot)[10:-10, 10:-10].mean()) < 1.5


def test_both_laminate_checks_share_one_fit_a_side(make_doc: MakeDoc,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    views = dict(make_doc("uto_card_td2").views)
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    assert rep.model is not None
    ctx = Context(model=rep.model, views=rep.views, supplied=frozenset(views),
                  readings=rep.readings, mrz=None, reference_date=REF, level=3)
    calls: list[str] = []
    real = tilt._glare_maps

    def counted(c: Context, side: str) -> object:
        calls.append(side)
        return real(c, side)

    monkeypatch.setattr(tilt, "_glare_maps", counted)
    a = tilt.laminate_intact(ctx)
    b = tilt.laminate_bubbles(ctx)
    assert a.score is not None and b.score is not None
    assert len(calls) == len(set(calls)) >= 1


def _plate(vin: str) -> np.ndarray:
    """A brushed-metal plate with ``vin`` stamped (a dark and a bright edge)."""
    rng = np.random.default_rng(4)
    h, w = 90, 620
    img = np.tile(rng.normal(150, 6, (h, 1)), (1, w)).astype(np.float32)
    font = ImageFont.truetype(_PLATE_FONT, 30)
    canvas = Image.new("L", (w, h), 0)
    ImageDraw.Draw(canvas).text((20, 30), vin, fill=255, font=font)
    ink = np.asarray(canvas, np.float32) / 255.0
    img = img - 60 * ink + 40 * np.roll(ink, (1, 1), axis=(0, 1))
    return np.clip(np.stack([img] * 3, axis=-1), 0, 255).astype(np.uint8)


def test_vin_plate_reads_stamped_vin_and_flags_another() -> None:
    vin = "KNAPC81C2C7696012"
    got = read_vin_plate(_plate(vin), vin)
    assert got is not None
    assert got[0] == vin and got[1] == 0.0
    # a plate stamped with another VIN: the expected characters fit worse
    other = read_vin_plate(_plate("WVWZZZ1JZXW386752"), vin)
    assert other is not None and other[0] != vin and other[1] > 0.1


def test_channel_extremes_match_numpy_reductions() -> None:
    rng = np.random.default_rng(5)
    for dtype in (np.uint8, np.float32):
        img = (rng.random((40, 60, 3)) * 255).astype(dtype)
        assert np.array_equal(checkbase._chan_max(img), img.max(axis=2))
        assert np.array_equal(checkbase._chan_min(img), img.min(axis=2))
        assert checkbase._chan_max(img).dtype == img.dtype


def _glyph_distance_direct(cell: np.ndarray, tmpl: np.ndarray) -> float:
    h = max(cell.shape[0], tmpl.shape[0]) + 1
    w = max(cell.shape[1], tmpl.shape[1]) + 2
    a = np.zeros((h, w), bool)
    a[: cell.shape[0], : cell.shape[1]] = cell
    best = np.inf
    for dy in (0, 1):
        for dx in (0, 1, 2):
            b = np.zeros((h, w), bool)
            b[dy : dy + tmpl.shape[0], dx : dx + tmpl.shape[1]] = tmpl[: h - dy, : w - dx]
            for ax in (0, 1, 2):
                best = min(best, float((np.roll(a, ax, axis=1) ^ b).sum()))
    return best


def test_glyph_distance_counts_the_fewest_differing_dots() -> None:
    rng = np.random.default_rng(6)
    for _ in range(200):
        cell = rng.random((int(rng.integers(1, 12)), int(rng.integers(1, 10)))) > 0.5
        tmpl = rng.random((int(rng.integers(1, 12)), int(rng.integers(1, 10)))) > 0.5
        assert transmitted._glyph_distance(cell, tmpl) == _glyph_distance_direct(cell, tmpl)
    glyph = rng.random((9, 7)) > 0.5
    assert transmitted._glyph_distance(glyph, glyph) == 0.0
    # a cell cut a dot to the left of its glyph still matches it exactly; another glyph not
    cell = np.zeros((9, 8), bool)
    cell[:, 1:] = glyph
    assert transmitted._glyph_distance(cell, glyph) == 0.0
    assert transmitted._glyph_distance(cell, ~glyph) > 10
