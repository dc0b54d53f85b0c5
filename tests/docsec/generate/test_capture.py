"""Capture simulation: shapes, determinism, homography correctness, rotations, errors."""

from __future__ import annotations

import json
import math

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec.errors import ImageError, ValidationError
from docsec.generate.capture import PROFILES, Capture, capture, project_xy

KINDS_LEVELS = [(k, lv) for k in ("scan", "photo") for lv in (1, 2, 3)]

# a landscape page (TD3-like aspect) with a 3 x 3 grid of black dots on light paper
PAGE_H, PAGE_W = 352, 500
DOTS_XY = np.array(
    [[x, y] for y in (60.0, 176.0, 292.0) for x in (70.0, 250.0, 430.0)], dtype=np.float64
)


def _dotted_page() -> np.ndarray:
    yy, xx = np.mgrid[0:PAGE_H, 0:PAGE_W]
    page = np.full((PAGE_H, PAGE_W, 3), (238, 232, 220), np.uint8)
    for x, y in DOTS_XY:
        page[(xx - x) ** 2 + (yy - y) ** 2 <= 7.5**2] = 0
    return page


PAGE = _dotted_page()
SMALL = np.ascontiguousarray(PAGE[::4, ::4])  # for tests that only look at geometry
CORNERS = np.array(
    [[-0.5, -0.5], [PAGE_W - 0.5, -0.5], [PAGE_W - 0.5, PAGE_H - 0.5], [-0.5, PAGE_H - 0.5]]
)


def _dot_centre(gray: np.ndarray, xy: np.ndarray, radius: int = 14) -> np.ndarray | None:
    """Darkness-weighted centroid of the dot near ``xy``; None when glare washed it out."""
    x0, y0 = int(round(xy[0])), int(round(xy[1]))
    win = gray[y0 - radius : y0 + radius + 1, x0 - radius : x0 + radius + 1].astype(float)
    if win.shape != (2 * radius + 1, 2 * radius + 1) or win.max() - win.min() < 60:
        return None
    dark = win.max() - win
    dark[dark < 0.5 * dark.max()] = 0.0
    yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    return np.array([x0 + (xx * dark).sum() / dark.sum(), y0 + (yy * dark).sum() / dark.sum()])


@pytest.mark.parametrize(("kind", "level"), KINDS_LEVELS)
def test_shapes_and_dtypes(kind: str, level: int) -> None:
    c = capture(PAGE, kind=kind, level=level, rng=3)  # type: ignore[arg-type]
    assert isinstance(c, Capture)
    assert c.image.dtype == np.uint8 and c.image.ndim == 3 and c.image.shape[2] == 3
    assert c.homography.shape == (3, 3) and c.homography.dtype == np.float64
    assert c.kind == kind and c.level == level
    assert c.rotation in (0, 90, 180, 270)
    assert c.size_xy == (c.image.shape[1], c.image.shape[0])
    np.testing.assert_allclose(c.page_quad_xy, project_xy(CORNERS, c.homography))
    # the whole page lies inside the capture
    assert c.page_quad_xy.min() >= -0.5
    assert np.all(c.page_quad_xy.max(axis=0) <= np.array(c.size_xy) - 0.5 + 1e-6)
    if kind == "scan" and level == 1:
        assert c.jpeg_quality is None and c.jpeg_bytes is None
    else:
        lo, hi = PROFILES[(kind, level)].jpeg_quality or (0, 0)
        assert c.jpeg_quality is not None and lo <= c.jpeg_quality <= hi
        # the JPEG file decodes to exactly the capture's pixels
        assert c.jpeg_bytes is not None and c.jpeg_bytes[:2] == b"\xff\xd8"
        decoded = cv2.imdecode(np.frombuffer(c.jpeg_bytes, np.uint8), cv2.IMREAD_COLOR)
        assert np.array_equal(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), c.image)
    json.dumps(c.to_dict())


@pytest.mark.parametrize(("kind", "level"), KINDS_LEVELS)
def test_same_seed_same_bytes(kind: str, level: int) -> None:
    a = capture(PAGE, kind=kind, level=level, rng=11)  # type: ignore[arg-type]
    b = capture(PAGE, kind=kind, level=level, rng=np.random.default_rng(11))  # type: ignore[arg-type]
    c = capture(PAGE, kind=kind, level=level, rng=12)  # type: ignore[arg-type]
    assert a.image.tobytes() == b.image.tobytes()
    assert np.array_equal(a.homography, b.homography) and a.to_dict() == b.to_dict()
    assert a.image.shape != c.image.shape or a.image.tobytes() != c.image.tobytes()


def test_input_is_not_mutated() -> None:
    page = PAGE.copy()
    capture(page, kind="photo", level=3, rng=1)
    assert np.array_equal(page, PAGE)


@pytest.mark.parametrize(("kind", "level"), KINDS_LEVELS)
def test_homography_carries_marked_points(kind: str, level: int) -> None:
    tolerance = 0.75 if (kind, level) == ("scan", 1) else 1.0
    found = 0
    for seed in range(4):
        c = capture(PAGE, kind=kind, level=level, rng=seed)  # type: ignore[arg-type]
        gray = c.image.astype(float).mean(axis=2)
        for xy in project_xy(DOTS_XY, c.homography):
            centre = _dot_centre(gray, xy)
            if centre is None:
                continue
            found += 1
            assert np.hypot(*(centre - xy)) <= tolerance, (seed, xy, centre)
    assert found >= 0.75 * 4 * len(DOTS_XY)


def _top_edge_angle(c: Capture) -> float:
    tl, tr = c.page_quad_xy[0], c.page_quad_xy[1]
    return math.degrees(math.atan2(tr[1] - tl[1], tr[0] - tl[0])) % 360.0


@pytest.mark.parametrize(("kind", "level"), [("scan", 2), ("scan", 3), ("photo", 2), ("photo", 3)])
def test_quarter_turns(kind: str, level: int) -> None:
    profile = PROFILES[(kind, level)]
    seen: set[int] = set()
    for seed in range(60):
        c = capture(SMALL, kind=kind, level=level, rng=seed)  # type: ignore[arg-type]
        seen.add(c.rotation)
        # the page's top edge points along the turned x axis (y down: angles clockwise)
        diff = (_top_edge_angle(c) - c.rotation + 180.0) % 360.0 - 180.0
        assert abs(diff) <= profile.skew_deg + profile.tilt_deg + 1.0, (seed, c.rotation, diff)
        if kind == "scan":  # a landscape page stays landscape only when not turned by 90/270
            assert (c.image.shape[0] > c.image.shape[1]) == (c.rotation in (90, 270))
        # turning back with np.rot90 makes the page upright again
        back = np.rot90(c.image, k=c.rotation // 90)
        fw, fh = back.shape[1], back.shape[0]
        assert (fw > fh) == (kind == "photo" or SMALL.shape[1] > SMALL.shape[0])
    assert seen == {0, 90, 180, 270}


@pytest.mark.parametrize("kind", ["scan", "photo"])
def test_level_one_is_upright(kind: str) -> None:
    for seed in range(20):
        c = capture(SMALL, kind=kind, level=1, rng=seed)  # type: ignore[arg-type]
        assert c.rotation == 0
        assert abs((_top_edge_angle(c) + 180.0) % 360.0 - 180.0) <= 8.0


def test_hard_photo_page_is_smaller_and_busier_than_easy_photo() -> None:
    def page_fraction(c: Capture) -> float:
        q = c.page_quad_xy
        x, y = q[:, 0], q[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
        return float(area / (c.size_xy[0] * c.size_xy[1]))

    easy = [capture(PAGE, kind="photo", level=1, rng=s) for s in range(5)]
    hard = [capture(PAGE, kind="photo", level=3, rng=s) for s in range(5)]
    assert max(page_fraction(c) for c in hard) < min(page_fraction(c) for c in easy)


def test_gray_input_gives_rgb() -> None:
    gray = PAGE.mean(axis=2).astype(np.uint8)
    c = capture(gray, kind="scan", level=2, rng=5)
    assert c.image.ndim == 3 and c.image.shape[2] == 3


def test_project_xy() -> None:
    h = np.array([[2.0, 0.0, 5.0], [0.0, 3.0, -1.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(project_xy([[1, 1], [0, 0]], h), [[7.0, 2.0], [5.0, -1.0]])
    np.testing.assert_allclose(project_xy([1.0, 2.0], np.eye(3)), [[1.0, 2.0]])
    persp = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.0, 1.0]])
    np.testing.assert_allclose(project_xy([[2.0, 4.0]], persp), [[1.0, 2.0]])
    # a round trip through the inverse gives the points back
    c = capture(PAGE, kind="photo", level=3, rng=2)
    back = project_xy(project_xy(DOTS_XY, c.homography), np.linalg.inv(c.homography))
    np.testing.assert_allclose(back, DOTS_XY, atol=1e-6)


@pytest.mark.parametrize(
    ("points", "hom"),
    [
        ([[1, 2, 3]], np.eye(3)),
        ([[1, 2]], np.eye(2)),
        ([["a", "b"]], np.eye(3)),
        ([[1, 2]], np.full((3, 3), np.nan)),
        ([[1, 0]], np.array([[1.0, 0, 0], [0, 1, 0], [-1, 0, 1]])),
    ],
)
def test_project_xy_rejects_bad_input(points: object, hom: np.ndarray) -> None:
    with pytest.raises(ValidationError):
        project_xy(points, hom)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "image",
    [
        PAGE.astype(np.float32),
        np.zeros((50, 50, 4), np.uint8),
        np.zeros((4, 4, 3), np.uint8),
        np.zeros((3, 40, 50, 3), np.uint8),
        "not an image",
    ],
)
def test_capture_rejects_bad_images(image: object) -> None:
    with pytest.raises(ImageError):
        capture(image, kind="scan", level=1, rng=0)  # type: ignore[arg-type]


def test_capture_rejects_bad_kind_and_level() -> None:
    with pytest.raises(ValidationError):
        capture(PAGE, kind="fax", level=1, rng=0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        capture(PAGE, kind="scan", level=4, rng=0)  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(
    w=st.integers(8, 260),
    h=st.integers(8, 260),
    gray=st.booleans(),
    kind=st.sampled_from(["scan", "photo"]),
    level=st.sampled_from([1, 2, 3]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_page_size_lands_inside_the_capture(
    w: int, h: int, gray: bool, kind: str, level: int, seed: int
) -> None:
    page = np.random.default_rng(seed).integers(0, 256, (h, w) if gray else (h, w, 3), np.uint8)
    c = capture(page, kind=kind, level=level, rng=seed)  # type: ignore[arg-type]
    assert c.image.dtype == np.uint8 and c.image.shape[2] == 3
    corners = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]])
    quad = project_xy(corners, c.homography)
    assert quad.min() >= -0.5 - 1e-6
    assert np.all(quad.max(axis=0) <= np.array(c.size_xy) - 0.5 + 1e-6)
    back = project_xy(quad, np.linalg.inv(c.homography))
    np.testing.assert_allclose(back, corners, atol=1e-6)
