"""Transmitted-light checks: the laser-perforated number read hole by hole on renders,
scans and photos (the dot lattice fitted, faint holes judged on its nodes)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docsec.generate import make_document
from docsec.generate.capture import capture
from docsec.inspect import inspect_document, transmitted
from docsec.inspect.reference import glyphs
from docsec.report import Status

from .conftest import DPI, REF

CID = "feature.laser_perforation.matches_number"


def _perforated(text: str, pitch: float, blur: float, noise: float,
                seed: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``text`` in the perforation font as round holes on a ``pitch`` lattice (offset by a
    fraction of a pixel), on paper with a blotchy texture, blurred and noisy; and the drawn
    dot matrix."""
    g = glyphs()
    cells = [g[c] for c in text]
    rows = max(c.shape[0] for c in cells)
    width = sum(c.shape[1] + 1 for c in cells) - 1
    grid = np.zeros((rows, width), bool)
    x = 0
    for c in cells:
        grid[rows - c.shape[0] :, x : x + c.shape[1]] = c
        x += c.shape[1] + 1
    rng = np.random.default_rng(seed)
    h, w = round((rows + 4) * pitch), round((width + 6) * pitch)
    blotch = cv2.resize(rng.normal(0, 14, (h // 5 + 1, w // 5 + 1)).astype(np.float32),
                        (w, h), interpolation=cv2.INTER_NEAREST)  # fmt: skip
    img = 150 + blotch
    ox, oy = 3 * pitch + rng.uniform(0, 1), 2 * pitch + rng.uniform(0, 1)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for r, c in zip(*np.nonzero(grid), strict=True):
        cx, cy = ox + (c + 0.5) * pitch, oy + (r + 0.5) * pitch
        img[(xx - cx) ** 2 + (yy - cy) ** 2 <= (0.31 * pitch) ** 2] = 245
    img = cv2.GaussianBlur(img, (0, 0), blur) + rng.normal(0, noise, img.shape)
    return np.clip(img, 0, 255).astype(np.float32), grid


@pytest.mark.parametrize(("blur", "noise"), [(0.5, 2.0), (1.4, 4.0), (1.8, 6.0)])
def test_hole_lattice_recovers_the_dot_matrix_through_blur(blur: float, noise: float) -> None:
    img, grid = _perforated("L47139958", 7.0, blur, noise, seed=3)
    got = transmitted._hole_grid(img, 7.3)  # the box's pitch, a little off
    assert got is not None
    assert got.shape == grid.shape, (got.shape, grid.shape)
    assert int((got ^ grid).sum()) <= 2


def test_hole_lattice_refuses_blank_paper() -> None:
    rng = np.random.default_rng(1)
    paper = (150 + rng.normal(0, 3, (90, 400))).astype(np.float32)
    got = transmitted._hole_grid(paper, 7.0)
    assert got is None or got.sum() < 10
    assert transmitted._hole_grid(paper, 1.0) is None


def _inspect(views: dict[str, np.ndarray]) -> Status:
    rep = inspect_document(views, reference_date=REF, level=2, viz=False)
    f = rep.finding(CID)
    assert f is not None
    return f.status


@pytest.mark.slow
@pytest.mark.parametrize("model", ["uto_passport_td3", "zza_passport_td3"])
@pytest.mark.parametrize("kind", ["scan", "photo"])
def test_perforated_number_one_digit_off_fails_on_captures(model: str, kind: str) -> None:
    for defects, want in (((), Status.PASS), (("perforation.number_mismatch",), Status.FAIL)):
        doc = make_document(model, rng=7000, defects=defects, reference_date=REF, dpi=DPI,
                            views=("white", "transmitted"))
        views = {name: capture(img, kind=kind, level=1, rng=17).image
                 for name, img in doc.views.items()}  # fmt: skip
        views["transmitted"] = np.asarray(views["transmitted"].mean(axis=2), np.uint8)
        assert _inspect(views) == want, (model, kind, defects)


#: The holes found on a scan of a genuine document numbered L13906209 (transmitted light,
#: docsec's scan capture): stray holes of the print beside the last digit stretch the cut.
_SCANNED = """
##.....#####...###.....###....###....###....###.....####...###.###
###......##...#..##...#..###.##.##..##..#..#..##...##.##..#..#####
##.......###......#...#...##.#...#..#..........#...#...#..#...#.##
##.......##......##...#...#..#...#..####.......#...#...#..#...##..
##.......##..#.###....#..##..#...##.##..#.....#....#...##.#..#####
##...##..##..#....#....####..#...#..#...#....##....#...#...####.##
##.......##.......#.......#..#...#..#...#...##.....#...#.....##.##
##.......##...#...#......##..##.##..##..#.###......##.###..#.#####
######..####...###.....###....###....###...#####....###....###..#.
"""


def test_stray_holes_beside_the_number_are_trimmed_and_a_changed_digit_still_shows() -> None:
    grid = np.array([[c == "#" for c in row] for row in _SCANNED.split()], bool)
    plain, _ = transmitted._read_cells(transmitted._split_glyphs(grid, 9), "L13906209")
    assert plain != "L13906209"  # the untrimmed cut misreads
    got, _ = transmitted._read_cells(transmitted._best_split(grid, "L13906209"), "L13906209")
    assert got == "L13906209"
    # against a number one digit off, that digit reads as perforated
    other, margin = transmitted._read_cells(transmitted._best_split(grid, "L13906219"),
                                            "L13906219")
    assert other == "L13906209" and margin > transmitted._PERF_MARGIN
