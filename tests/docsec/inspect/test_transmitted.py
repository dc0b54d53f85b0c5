"""Transmitted-light checks: the laser-perforated number read hole by hole on renders,
scans and photos (the dot lattice fitted, faint holes judged on its nodes; a glyph no
character fits is a warning, not another number); the thread band and the watermark found
where a registration millimetres off at the page's far end puts them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docsec.generate import SyntheticDocument, make_document
from docsec.generate.capture import capture
from docsec.inspect import inspect_document, transmitted
from docsec.inspect.context import Context
from docsec.inspect.reference import glyphs
from docsec.inspect.register import RegisteredView
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


def test_a_glyph_no_character_fits_warns_and_a_changed_digit_fails() -> None:
    g = glyphs()
    number = "L13906209"
    cells = [g[c].copy() for c in number]
    for c in cells[1:]:  # this capture's noise: a dot or two off on every glyph
        c[0, 0] = not c[0, 0]
    # one glyph cut through stray holes: a block that fits no character well (a 4 20 dots
    # off, the 3 expected 26 off)
    cells[2] = np.ones_like(cells[2])
    margin, blurred = transmitted._legible_margin(transmitted._fits(cells, number), number,
                                                transmitted._PERF_MARGIN)
    assert margin <= transmitted._PERF_MARGIN and blurred == [2]
    # a digit perforated as another: it fits that digit as well as the others fit theirs
    cells[2] = g["8"].copy()
    margin, blurred = transmitted._legible_margin(transmitted._fits(cells, number), number,
                                                transmitted._PERF_MARGIN)
    assert margin > transmitted._PERF_MARGIN and blurred == []


def test_band_must_be_darker_than_the_paper_on_both_sides() -> None:
    k = 100 / 25.4
    width, flank, gap = round(1.2 * k), round(2.0 * k), round(0.5 * k)
    paper = np.full(200, 190.0)
    band = paper.copy()
    band[90 : 90 + width] = 110.0
    step = paper.copy()
    step[100:] = 80.0  # the page edge: paper, then the desk
    assert transmitted._band_contrast(band, width, flank, gap)[0] > 70
    assert transmitted._band_contrast(step, width, flank, gap)[0] < 5


def _slanted_band(slant: float) -> np.ndarray:
    h, w = 290, 160
    img = np.full((h, w), 190.0, np.float32)
    for r in range(h):
        x = round(80 + slant * (r - h / 2))
        img[r, x : x + 5] = 110.0
    rng = np.random.default_rng(2)
    return (img + rng.normal(0, 4, img.shape)).astype(np.float32)


@pytest.mark.parametrize("slant", [0.0, 0.05, -0.083])
def test_a_slanted_thread_band_is_followed(slant: float) -> None:
    k = 100 / 25.4
    width, flank, gap = round(1.2 * k), round(2.0 * k), round(0.5 * k)
    best = max(transmitted._band_contrast(p, width, flank, gap)[0]
               for p in transmitted._slanted_profiles(_slanted_band(slant)))
    assert best > 60  # of the 80 levels the band is darker
    straight = np.median(_slanted_band(slant), axis=0).astype(np.float64)
    if abs(slant) > 0.04:  # the column median alone washes a slanted band out
        assert transmitted._band_contrast(straight, width, flank, gap)[0] < 0.5 * best


def _misregistered(views: dict[str, np.ndarray], *, turn_deg: float, stretch: float,
                   shift_mm: tuple[float, float]) -> Context:
    """The context of an inspection of ``views`` whose registration is off as a hand-held
    photo's can be: the page turned about its left edge's middle, stretched along its
    length and shifted (millimetres off at the far end)."""
    rep = inspect_document(views, reference_date=REF, level=2, viz=False)
    assert rep.model is not None
    _w, h = rep.model.size_mm
    a = np.deg2rad(turn_deg)
    turn = np.array([[np.cos(a) * stretch, -np.sin(a), shift_mm[0]],
                     [np.sin(a) * stretch, np.cos(a), shift_mm[1]], [0.0, 0.0, 1.0]])
    about = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, h / 2], [0.0, 0.0, 1.0]])
    off = about @ turn @ np.linalg.inv(about)
    moved = {}
    for name, v in rep.views.items():
        assert v.mm_to_capture is not None
        moved[name] = RegisteredView(name=v.name, image=v.image, model=v.model,
                                     mm_to_capture=v.mm_to_capture @ off, quality=v.quality,
                                     shared_with=v.shared_with, measured=v.measured)
    return Context(model=rep.model, views=moved, supplied=frozenset(views),
                   readings=rep.readings, mrz=None, reference_date=REF, level=2)


def _captured(doc: SyntheticDocument, mode: str) -> dict[str, np.ndarray]:
    views = {k: v for k, v in doc.views.items() if k in ("white", "uv365", "transmitted")}
    if mode == "rendered":
        return views
    out = {k: capture(v, kind="scan", level=1, rng=5).image for k, v in views.items()}
    out["transmitted"] = np.asarray(out["transmitted"].mean(axis=2), np.uint8)
    return out


#: A registration as far off as genuine vehicle certificates' photos showed it: the thread
#: 5 mm off its box and slanted by 3 degrees, the watermark 4 % larger.
_OFF = {"turn_deg": 3.0, "stretch": 1.035, "shift_mm": (0.5, 0.8)}


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
def test_thread_and_watermark_found_through_a_registration_off_at_the_far_end(
        mode: str) -> None:
    doc = make_document("uto_vehicle_registration", rng=11, reference_date=REF, dpi=DPI)
    ctx = _misregistered(_captured(doc, mode), **_OFF)  # type: ignore[arg-type]
    thread = transmitted.security_thread_present(ctx)
    wm = transmitted.watermark_present(ctx)
    assert thread.status == Status.PASS, (thread.score, mode)
    assert wm.status == Status.PASS, (wm.score, mode)
    for defect, check in (("substrate.thread_missing", transmitted.security_thread_present),
                          ("substrate.watermark_on_surface", transmitted.watermark_present)):
        bad = make_document("uto_vehicle_registration", rng=11, defects=(defect,),
                            reference_date=REF, dpi=DPI)
        f = check(_misregistered(_captured(bad, mode), **_OFF))  # type: ignore[arg-type]
        assert f.status == Status.FAIL, (defect, f.score, mode)
