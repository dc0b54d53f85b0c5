"""Cells moved onto their glyphs and faint print stretched: glare leaves a run of cells
faint and the grid fitted on the glyphs beside it off them."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docsec.ocr.ocrb import CLASSES, MARGIN, PITCH, STRIP_H, load_classifier, normalise_strip
from docsec.ocr.ocrb import strip_width as width_of
from docsec.read.decode import UNSURE
from docsec.read.mrz import (
    _FAINT_KEEP,
    _REFINE_MIN,
    _column_shifts,
    _cut_grid,
    _GridCells,
    _lines_proba,
    _read_grid,
    _stretched,
)

OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
TEXT = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"


def _strip(text: str, offsets: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """A gray canonical strip of ``text`` whose glyph ``k`` sits ``offsets[k]`` pitches
    right of its cell's centre, printed at gray level ``ink[k]`` on paper at 235."""
    im = Image.new("L", (width_of(len(text)), STRIP_H), 235)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(OCRB, round(PITCH / 0.72297))
    for k, ch in enumerate(text):
        xy = (MARGIN + PITCH * (k + 0.5 + offsets[k]), STRIP_H / 2)
        draw.text(xy, ch, font=font, fill=int(ink[k]), anchor="mm")
    return np.asarray(im)


def test_cells_sitting_on_their_glyphs_are_not_moved() -> None:
    n = len(TEXT)
    norm = normalise_strip(_strip(TEXT, np.zeros(n), np.full(n, 30)))
    assert _column_shifts(norm, n) is None


def test_cells_off_their_glyphs_beyond_a_glare_gap_are_moved_back() -> None:
    n = len(TEXT)
    # the first ten glyphs drift up to 0.7 of a pitch left of their cells (a grid fitted
    # on the glyphs right of a glare spot), and are faint
    offsets = np.where(np.arange(n) < 10, -0.07 * (10 - np.arange(n)), 0.0)
    ink = np.where(np.arange(n) < 10, 180, 30)
    norm = normalise_strip(_strip(TEXT, offsets, ink))
    moves = _column_shifts(norm, n)
    assert moves is not None
    at_cells = moves[np.round(MARGIN + PITCH * (np.arange(n) + 0.5)).astype(int)]
    assert float(np.abs(at_cells - offsets).max()) < 0.2
    assert float(np.abs(at_cells[15:]).max()) < _REFINE_MIN


def test_more_glyphs_than_cells_are_not_followed() -> None:
    n = 30
    text = TEXT[:n]
    # 30 cells over a line printed at 0.8 of their pitch: 37 glyphs in the strip
    long = (TEXT * 2)[:40]
    offsets = -0.2 * np.arange(len(long))
    strip = _strip(long, offsets, np.full(len(long), 30))[:, : width_of(n)]
    assert _column_shifts(normalise_strip(strip), len(text)) is None


def test_faint_cells_are_stretched_and_clear_ones_kept() -> None:
    n = len(TEXT)
    ink = np.where((np.arange(n) >= 5) & (np.arange(n) < 12), 215, 30)
    norm = normalise_strip(_strip(TEXT, np.zeros(n), ink))
    out, faint = _stretched(norm, n)
    assert set(range(6, 11)) <= set(faint) and not set(faint) & set(range(15, n))
    centre = (STRIP_H - 28) // 2
    rows = slice(centre, centre + 28)
    for k in range(6, 11):
        x0 = int(MARGIN + PITCH * k)
        before = float(norm[rows, x0 : x0 + PITCH].max())
        after = float(out[rows, x0 : x0 + PITCH].max())
        assert before < 0.6 and after > min(0.75, 3.5 * before)
    clear = slice(MARGIN + PITCH * 15, MARGIN + PITCH * (n - 2))
    assert np.allclose(out[:, clear], norm[:, clear], atol=1e-3)
    _, none = _stretched(normalise_strip(_strip(TEXT, np.zeros(n), np.full(n, 30))), n)
    assert none == []


def test_stretched_cells_are_never_read_surely() -> None:
    n = len(TEXT)
    lines = (TEXT, "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
    grays = tuple(_strip(t, np.zeros(n), np.full(n, 30)) for t in lines)
    norms = tuple(normalise_strip(g) for g in grays)
    clf = load_classifier()
    probs = _lines_proba(clf, norms, [n, n])
    hom = np.array([[PITCH, 0.0, MARGIN + PITCH / 2], [0.0, STRIP_H, STRIP_H / 2],
                    [0.0, 0.0, 1.0]])  # fmt: skip
    patch = np.vstack(grays)
    faint = ((0, 2), (1, 3))

    def read(cells: _GridCells) -> np.ndarray:
        r = _read_grid(patch, np.eye(3), hom, n, 2, clf, shifts=((0, 0),), glyphs=False,
                       cells=cells)  # fmt: skip
        return np.vstack(r.proba)

    sure = read(_GridCells(grays, norms, probs))
    doubted = read(_GridCells(grays, norms, probs, faint))
    for j, col in faint:
        assert float(sure[j * n + col].max()) > UNSURE
        assert float(doubted[j * n + col].max()) <= _FAINT_KEEP + 0.01
        assert CLASSES[int(doubted[j * n + col].argmax())] == lines[j][col]
    others = [k for k in range(2 * n) if k not in (2, n + 3)]
    assert np.allclose(doubted[others], sure[others])


def test_cut_grid_moves_each_line_by_its_own_shifts() -> None:
    n = len(TEXT)
    gray = _strip(TEXT, np.zeros(n), np.full(n, 30))
    hom = np.array([[PITCH, 0.0, MARGIN + PITCH / 2], [0.0, 1.0, STRIP_H / 2], [0.0, 0.0, 1.0]])
    plain = _cut_grid(gray, hom, n, 1, [])
    moved = _cut_grid(gray, hom, n, 1, [], [np.full(width_of(n), 0.5)])
    # half a pitch to the right: each cell now lies between two glyphs
    assert np.allclose(plain.strips[0][:, PITCH + PITCH // 2 : -PITCH * 2],
                       moved.strips[0][:, PITCH : -PITCH * 2 - PITCH // 2], atol=2)  # fmt: skip
