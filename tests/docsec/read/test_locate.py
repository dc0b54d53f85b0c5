"""The band finder on its own, and the Tesseract second opinion on an unsure character."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from docsec.imaging.geometry import to_gray
from docsec.ocr.tesseract import available_languages
from docsec.read import read_mrz
from docsec.read.decode import CLASS_INDEX
from docsec.read.locate import LOCATE, find_mrz_bands, mrz_shaped
from docsec.read.mrz import second_opinion

from .conftest import TD1, TD3, render_mrz_page, turned


@pytest.mark.parametrize("angle", [0.0, 22.0, 60.0, 100.0])
def test_best_band_follows_the_lines(angle: float) -> None:
    bands = find_mrz_bands(to_gray(turned(render_mrz_page(TD3), angle)))
    assert bands
    best = bands[0]
    # cv2 turns counter-clockwise for a positive angle: the lines run at -angle
    diff = abs((best.angle_deg + angle) % 180.0)
    assert min(diff, 180.0 - diff) < 4.0
    assert best.lines in (2, 3)


def test_three_line_band_for_td1() -> None:
    bands = find_mrz_bands(to_gray(render_mrz_page(TD1)))
    assert any(b.lines == 3 for b in bands[:3])


@pytest.mark.parametrize("lines", [TD3, TD1])
def test_an_mrz_band_is_shaped_like_one(lines: tuple[str, ...]) -> None:
    band = find_mrz_bands(to_gray(render_mrz_page(lines)))[0]
    assert mrz_shaped(band)
    cells = band.length / band.pitch
    lo, hi = LOCATE.shaped_cells
    assert lo + 5 < cells < hi - 5  # 30 or 44 cells, with room either way
    # one line of it, or lines of a third or twice its cells, are not
    assert not mrz_shaped(replace(band, lines=1))
    assert not mrz_shaped(replace(band, length=band.length * 0.4))
    assert not mrz_shaped(replace(band, length=band.length * (hi + 2) / cells))
    # a closing bar (no pitch measured) is counted at its thickness
    bar = replace(band, pitch=0.0, thickness=LOCATE.height_per_pitch * band.pitch)
    assert mrz_shaped(bar)


def test_blank_and_noise_give_no_band() -> None:
    rng = np.random.default_rng(1)
    assert find_mrz_bands(np.full((500, 700), 220, np.uint8)) == []
    noise = rng.integers(200, 240, (500, 700)).astype(np.uint8)
    assert find_mrz_bands(noise) == []


@pytest.mark.skipif("eng" not in available_languages(), reason="tesseract eng not installed")
def test_second_opinion_settles_an_unsure_character() -> None:
    r = read_mrz(render_mrz_page(TD3), tesseract=False)
    assert r is not None and r.lines == TD3
    proba = [p.copy() for p in r.proba]
    row = proba[1][29]  # the E of the optional data ZE184226B, made unsure between F and E
    row[:] = 0.001
    row[CLASS_INDEX["F"]] = 0.55
    row[CLASS_INDEX["E"]] = 0.40
    row /= row.sum()
    shaky = replace(r, proba=tuple(proba), lines=(TD3[0], TD3[1][:29] + "F" + TD3[1][30:]))
    out = second_opinion(shaky)
    assert out is not None
    assert out.lines == TD3
    assert [(c.reason, c.line, c.column, c.found, c.chosen) for c in out.corrections
            if c.reason == "tesseract"] == [("tesseract", 2, 30, "F", "E")]  # fmt: skip
