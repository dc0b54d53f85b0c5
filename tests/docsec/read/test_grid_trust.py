"""A character whose cell is off its glyph is never trusted, however sure its reading."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docsec.mrz.formats import MRZFormat
from docsec.ocr.ocrb import CLASSES, MARGIN, PITCH, STRIP_H, normalise_strip, strip_width
from docsec.read.decode import decode_cells
from docsec.read.mrz import misplaced_cells
from docsec.read.params import GRID, TRUST

from .conftest import OCRB, TD1, TD3


def _strip(text: str, centres: Sequence[float | None]) -> np.ndarray:
    """A canonical strip of ``len(text)`` cells with glyph ``k`` of ``text`` printed at cell
    position ``centres[k]`` (in cells: 0 is the first cell's centre; None: not printed)."""
    page = Image.new("L", (strip_width(len(text)), STRIP_H), 232)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(OCRB, round(PITCH / 0.72297))
    for ch, at in zip(text, centres, strict=True):
        if at is not None:
            draw.text((MARGIN + PITCH * (at + 0.5), STRIP_H / 2), ch, font=font, fill=30,
                      anchor="mm")  # fmt: skip
    return normalise_strip(np.asarray(page))


def _one_hot(text: str) -> np.ndarray:
    p = np.full((len(text), len(CLASSES)), 1e-7)
    for k, ch in enumerate(text):
        p[k, CLASSES.index(ch)] = 1.0
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("line", [*TD3, *TD1])
def test_a_fitted_grid_holds_one_centred_glyph_a_cell(line: str) -> None:
    n = len(line)
    assert misplaced_cells(_strip(line, list(range(n))), n) == []
    # a tenth of a pitch of drift along the line stays within the cell
    assert misplaced_cells(_strip(line, [k + 0.2 * k / n for k in range(n)]), n) == []


def test_a_doubled_cell_leaves_the_whole_line_unsure() -> None:
    # the grid put cells 0 and 1 on the first glyph: every later cell reads the glyph
    # before its own (the truth "PDFINF..." read "PPDFIN..."), each one surely
    line = TD3[0]
    n = len(line)
    centres: list[float | None] = [0.5, *[k + 1.0 for k in range(1, n - 1)], None]
    assert misplaced_cells(_strip(line, centres), n) == list(range(n))


def test_a_glyph_left_between_cells_leaves_the_whole_line_unsure() -> None:
    # the grid fitted a cell short over cells 15-25: eleven glyphs in ten cells, and
    # from there on every cell reads the glyph after its own (the last cell none)
    line = TD3[1]
    n = len(line)
    centres: list[float | None] = [
        k if k < 15 else 15 + 0.9 * (k - 15) if k <= 25 else k - 1.0 for k in range(n)
    ]
    assert misplaced_cells(_strip(line, centres), n) == list(range(n))


def test_a_cell_off_its_glyph_is_misplaced_alone() -> None:
    line = TD3[1]
    n = len(line)
    centres: list[float | None] = [float(k) for k in range(n)]
    centres[30] = 30.42  # printed 0.42 pitch right of its cell: half in the next window
    assert misplaced_cells(_strip(line, centres), n) == [30]


def test_a_blank_strip_is_misplaced_everywhere() -> None:
    assert misplaced_cells(np.zeros((STRIP_H, strip_width(30)), np.float32), 30) == list(range(30))


def test_misplaced_characters_are_unsure_and_capped() -> None:
    proba = [_one_hot(TD3[0]), _one_hot(TD3[1])]
    sure = decode_cells(proba, MRZFormat.TD3)
    assert sure.unsure == ()
    # one misplaced cell of the name's line: the whole line is unsure
    name = decode_cells(proba, MRZFormat.TD3, [(0, 7)])
    assert {c for line, c in name.unsure if line == 0} == set(range(44))
    assert max(name.confidence[0]) <= GRID.capped < TRUST.trust_unchecked
    assert all(line == 0 for line, _ in name.unsure)
    # a misplaced cell a passing check digit vouches for (document number) stays sure;
    # one no check digit covers (the sex, line 2 column 21) is unsure alone
    other = decode_cells(proba, MRZFormat.TD3, [(1, 3), (1, 20)])
    assert (1, 3) not in other.unsure and other.confidence[1][3] > TRUST.trust_unchecked
    assert other.unsure == ((1, 20),) and other.confidence[1][20] <= GRID.capped
