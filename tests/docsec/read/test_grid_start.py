"""Lines numbered from their common start: a line whose first glyphs were not found (a
thin ``I``, a faint filler) does not shear the grid off the other lines."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

import docsec.read.mrz as mrz
from docsec.read import read_mrz

from .conftest import OCRB, TD3, turned


def test_lines_numbered_from_their_common_start() -> None:
    pitch = 24.0
    full = [(float(i), 40.0 + i * pitch, 50.0) for i in range(44)]
    late = [(float(i), 40.0 + (i + 2) * pitch, 90.0) for i in range(42)]  # first two missed
    got = mrz._left_aligned([late, full])
    assert got is not None
    assert [int(i) for i, _, _ in got[0]][:3] == [2, 3, 4]
    assert [int(i) for i, _, _ in got[1]][:3] == [0, 1, 2]
    assert mrz._left_aligned([full, full]) is None


def _faint_start_page(dpi: int = 150) -> np.ndarray:
    """A TD3 whose first line's first two characters are printed nearly as light as the
    paper (no character blob), the rest dark."""
    pitch = 2.54 * dpi / 25.4
    n = len(TD3[0])
    w, h = int(pitch * (n + 6)), int(pitch * 12)
    page = Image.new("RGB", (w, h), (236, 240, 232))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(OCRB, round(pitch / 0.72297))
    top = h - pitch * 5.5
    for j, text in enumerate(TD3):
        for k, ch in enumerate(text):
            fill = (222, 226, 218) if j == 0 and k < 2 else (25, 25, 25)
            xy = (3 * pitch + (k + 0.5) * pitch, top + j * 2.0 * pitch)
            draw.text(xy, ch, font=font, fill=fill, anchor="mm")
    return np.asarray(page)


def test_line_missing_its_first_glyphs_is_read_on_the_common_grid() -> None:
    # numbered from its first dark glyph, the first line would put its P a cell left of
    # the second line's first character and shear the grid (the second line misread)
    reading = read_mrz(turned(_faint_start_page(), 3.0), tesseract=False)
    assert reading is not None and reading.lines[1] == TD3[1]
    assert reading.lines[0][2:] == TD3[0][2:]
