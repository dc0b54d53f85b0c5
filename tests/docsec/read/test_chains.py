"""The character-chain band finder (any angle, 9-60 px pitch, lines broken by glare) and
the reader following a curled or bent page."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from docsec.imaging.geometry import to_gray
from docsec.read import read_mrz
from docsec.read.locate import (
    LOCATE,
    _angle_diff,
    _chain_bands,
    _chain_candidate,
    _Line,
    _line,
    find_mrz_bands,
)
from docsec.read.mrz import PATCH_PITCH, _Blob, _cluster_lines

from .conftest import TD1, TD3, render_mrz_page, turned


def _mrz_box(lines: tuple[str, ...], dpi: int, angle: float, shape: tuple[int, ...]
             ) -> tuple[np.ndarray, float]:  # fmt: skip
    """Centre of the MRZ in the turned capture and its pitch (from the conftest page)."""
    pitch = 2.54 * dpi / 25.4
    n = len(lines[0])
    w, h = int(pitch * (n + 6)), int(pitch * (2.2 * len(lines) + 12))
    top = h - pitch * (2.0 * len(lines) + 1.5)
    centre = np.array([3 * pitch + n * pitch / 2, top + (len(lines) - 1) * pitch])
    side = shape[0]
    centre = centre + np.array([(side - w) // 2, (side - h) // 2])
    rot = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    return rot[:, :2] @ centre + rot[:, 2], pitch


@pytest.mark.parametrize(("dpi", "angle"), [(90, 23.0), (150, 141.0), (300, 67.0), (600, 0.0)])
def test_chain_band_at_any_pitch_and_angle(dpi: int, angle: float) -> None:
    # MRZ pitch 9, 15, 30 and 60 px; lines 23, 141, 67 and 0 degrees off the x axis,
    # none of them near the four directions the closing bars are built along but one
    image = turned(render_mrz_page(TD3, dpi=dpi), angle)
    centre, pitch = _mrz_box(TD3, dpi, angle, image.shape)
    bands = [b for b in _chain_bands(to_gray(image)) if b.lines == 2]
    assert bands
    best = max(bands, key=lambda b: b.score)
    assert _angle_diff(best.angle_deg, -angle) < 3.0
    assert math.dist(best.centre_xy, centre) < 2.0 * pitch
    assert 40 * pitch < best.length < 48 * pitch
    # and it is the finder's first band
    first = find_mrz_bands(to_gray(image))[0]
    assert math.dist(first.centre_xy, centre) < 2.0 * pitch


def test_chain_band_of_three_lines_for_td1() -> None:
    image = turned(render_mrz_page(TD1, dpi=120), 35.0)
    assert any(b.lines == 3 for b in _chain_bands(to_gray(image)))


def test_line_broken_by_glare_is_one_band() -> None:
    dpi = 150
    pitch = 2.54 * dpi / 25.4
    page = render_mrz_page(TD3, dpi=dpi).astype(np.float64)
    # cells 15-21 of both lines washed out completely (saturated glare)
    x0, x1 = int(3 * pitch + 15 * pitch), int(3 * pitch + 22 * pitch)
    page[:, x0:x1] = 250.0
    image = turned(page.astype(np.uint8), 52.0)
    best = max((b for b in _chain_bands(to_gray(image)) if b.lines == 2),
               key=lambda b: b.score)  # fmt: skip
    assert best.length > 40 * pitch  # both pieces of each line, not the longer one alone


def test_no_chain_band_on_blank_noise_or_prose() -> None:
    rng = np.random.default_rng(3)
    assert _chain_bands(np.full((400, 600), 230, np.uint8)) == []
    assert _chain_bands(rng.integers(190, 250, (400, 600)).astype(np.uint8)) == []


def _curled(page: np.ndarray, amplitude: float, bend: bool) -> np.ndarray:
    """A page lifted along its width: a bulge in the middle (curl) or a bend near one
    edge (a booklet's spine), moving the lines by up to ``amplitude`` pixels."""
    h, w = page.shape[:2]
    xs = np.arange(w, dtype=np.float32) / w
    if bend:
        dy = amplitude * np.clip((0.35 - xs) / 0.35, 0, 1) ** 2
    else:
        dy = amplitude * np.sin(np.pi * xs)
    map_x, map_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(page, map_x, (map_y - dy[None, :]).astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


@pytest.mark.parametrize("bend", [False, True])
def test_curled_page_is_read_exactly(bend: bool) -> None:
    dpi = 150
    pitch = 2.54 * dpi / 25.4
    page = _curled(render_mrz_page(TD3, dpi=dpi), 1.0 * pitch, bend)
    r = read_mrz(turned(page, 17.0), tesseract=False)
    assert r is not None
    assert r.lines == TD3


def test_lines_are_followed_along_a_curl() -> None:
    # two lines of 44 blobs bulging by a whole pitch in the middle, 1.7 pitches apart: a
    # cut at fixed heights would mix them, following each from the left keeps them apart
    blobs = []
    for j in range(2):
        for k in range(44):
            y = 40.0 + 1.7 * PATCH_PITCH * j + PATCH_PITCH * math.sin(math.pi * k / 43)
            blobs.append(_Blob(12.0 + PATCH_PITCH * k, y, 14.0, 22.0, 0.4))
    lines = _cluster_lines(blobs)
    assert [len(line) for line in lines] == [44, 44]
    assert all(b.y < lines[1][k].y for k, b in enumerate(lines[0]))


def test_dashed_rule_is_not_a_line_of_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import docsec.read.locate as locate

    dpi = 150
    pitch = 2.54 * dpi / 25.4
    page = render_mrz_page(TD3, dpi=dpi).copy()
    # a dashed page border 1.9 pitches under the second line, dashes of about a pitch
    n = len(TD3[0])
    top = page.shape[0] - pitch * (2.0 * len(TD3) + 1.5)
    y = int(top + 2.0 * pitch + 1.9 * pitch)
    for k in range(n + 4):
        x = int(2 * pitch + k * pitch)
        cv2.line(page, (x, y), (x + int(0.55 * pitch), y), (60, 60, 60), 2)
    gray = to_gray(turned(page, 19.0))
    assert max(b.lines for b in _chain_bands(gray)) == 2
    assert find_mrz_bands(gray)[0].lines == 2
    # without the glyph-height test the rule is the band's third line
    monkeypatch.setattr(locate, "LOCATE", dataclasses.replace(locate.LOCATE, min_glyph_height=0.0))
    assert max(b.lines for b in _chain_bands(gray)) == 3


def _even_line(n: int, pitch: float, y: float) -> _Line:
    pts = np.column_stack([np.arange(n) * pitch, np.full(n, y)])
    return _line(pts, np.arange(n))


def test_a_band_takes_the_pitch_of_its_fullest_line_when_a_piece_disagrees() -> None:
    # a whole MRZ line at 9.2 px and, 1.6 pitches below, a piece of the next one whose
    # few steps measure 12.2 px (a perspective capture under glare of the independent
    # set): the band's pitch is the whole line's, not their mean (10.7 px, whose grid
    # drifts a cell every seven)
    whole, piece = _even_line(41, 9.2, 0.0), _even_line(16, 12.2, 15.0)
    assert piece.pitch > LOCATE.pitch_spread * whole.pitch
    assert _chain_candidate([whole, piece], 1.0).pitch == pytest.approx(9.2)
    assert _chain_candidate([piece, whole], 0.5).pitch == pytest.approx(18.4)
    # lines within the spread keep their mean (blur and perspective differ a little)
    close = _even_line(40, 9.8, 15.0)
    assert close.pitch < LOCATE.pitch_spread * whole.pitch
    assert _chain_candidate([whole, close], 1.0).pitch == pytest.approx(9.5)
