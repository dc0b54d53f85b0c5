"""Security-printing primitives: shapes, determinism, and the property each one must show."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from docsec.errors import ImageError, ValidationError
from docsec.generate import patterns as P

SIZE = (360, 240)


def _lap_var(img: np.ndarray) -> float:
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
    return float(cv2.Laplacian(gray.astype(np.float64), cv2.CV_64F).var())


def _on_paper(layer: np.ndarray) -> np.ndarray:
    h, w = layer.shape[:2]
    return P.alpha_over(np.full((h, w, 3), (246, 242, 232), np.uint8), layer)


# --- fine-line printing ---------------------------------------------------------------------


@pytest.mark.parametrize("style", ["net", "rosettes"])
def test_guilloche_layer(style: str) -> None:
    g = P.guilloche(SIZE, rng=5, colour=(10, 20, 30), line_px=1.0, style=style)  # type: ignore[arg-type]
    assert g.shape == (240, 360, 4) and g.dtype == np.uint8
    assert np.all(g[..., :3] == (10, 20, 30))
    alpha = g[..., 3]
    assert 0.03 < (alpha > 0).mean() < 0.6
    # anti-aliased: partial coverage at the line edges
    assert ((alpha > 0) & (alpha < 255)).sum() > 0.3 * (alpha > 0).sum()
    again = P.guilloche(SIZE, rng=5, colour=(10, 20, 30), line_px=1.0, style=style)  # type: ignore[arg-type]
    other = P.guilloche(SIZE, rng=6, colour=(10, 20, 30), line_px=1.0, style=style)  # type: ignore[arg-type]
    assert g.tobytes() == again.tobytes() and g.tobytes() != other.tobytes()


def test_guilloche_line_width_and_errors() -> None:
    thin = P.guilloche(SIZE, rng=1, line_px=1.0, spacing_px=16)[..., 3]
    thick = P.guilloche(SIZE, rng=1, line_px=3.0, spacing_px=16)[..., 3]
    assert (thick > 128).mean() > 1.8 * (thin > 128).mean()
    with pytest.raises(ValidationError):
        P.guilloche(SIZE, rng=1, style="zigzag")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        P.guilloche(SIZE, rng=1, line_px=0.0, spacing_px=10)
    with pytest.raises(ValidationError):
        P.guilloche((0, 10), rng=1)
    with pytest.raises(ValidationError):
        P.guilloche(SIZE, rng=1, colour=(300, 0, 0))


def test_rosette_is_a_centred_medallion() -> None:
    r = P.rosette((200, 200), rng=3, colour=(150, 60, 90), line_px=1.0)
    alpha = r[..., 3].astype(float)
    yy, xx = np.mgrid[0:200, 0:200]
    rad = np.hypot(xx - 99.5, yy - 99.5)
    assert alpha[rad > 101].sum() == 0
    assert alpha[rad < 80].mean() > 10
    cy, cx = (alpha * yy).sum() / alpha.sum(), (alpha * xx).sum() / alpha.sum()
    assert abs(cx - 99.5) < 3 and abs(cy - 99.5) < 3
    assert r.tobytes() != P.rosette((200, 200), rng=4).tobytes()
    with pytest.raises(ValidationError):
        P.rosette((200, 200), rng=3, copies=0)


def test_microprint_rows() -> None:
    m = P.microprint("UTOPIA REPUBLIC", (400, 60), height_px=6, line_gap=1.0)
    assert m.shape == (60, 400, 4)
    ink_rows = (m[..., 3] > 100).any(axis=1)
    assert 0.3 < ink_rows.mean() < 0.8  # text rows separated by blank gaps
    assert 0.03 < (m[..., 3] > 100).mean() < 0.4
    other = P.microprint("BOREALIS", (400, 60), height_px=6, line_gap=1.0)
    assert m.tobytes() != other.tobytes()
    with pytest.raises(ValidationError):
        P.microprint("   ", (100, 20), height_px=4)
    with pytest.raises(ValidationError):
        P.microprint("X", (100, 20), height_px=0.1)


def test_rainbow_is_smooth_and_monotonic() -> None:
    rb = P.rainbow((300, 40), [(220, 40, 40), (40, 40, 220)])
    assert rb.shape == (40, 300, 3) and rb.dtype == np.uint8
    assert np.all(rb == rb[:1])  # angle 0: constant down each column
    red, blue = rb[0, :, 0].astype(int), rb[0, :, 2].astype(int)
    assert np.all(np.diff(red) <= 0) and np.all(np.diff(blue) >= 0)
    assert np.abs(np.diff(rb[0].astype(int), axis=0)).max() <= 3  # no visible steps
    assert tuple(rb[0, 0]) == (220, 40, 40) and tuple(rb[0, -1]) == (40, 40, 220)
    vertical = P.rainbow((50, 80), [(0, 0, 0), (255, 255, 255)], angle_deg=90)
    assert np.all(vertical == vertical[:, :1])
    with pytest.raises(ValidationError):
        P.rainbow((10, 10), [(1, 2, 3)])


# --- counterfeit imitations -----------------------------------------------------------------


def test_halftone_prints_dots_of_the_right_coverage() -> None:
    grey = np.full((120, 160, 3), 128, np.uint8)
    ht = P.halftone(grey, cell_px=5)
    assert ht.shape == grey.shape and ht.dtype == np.uint8
    assert set(np.unique(ht)) <= {0, 255}
    for c in range(3):
        assert 0.35 < (ht[..., c] == 255).mean() < 0.65
    rb = P.rainbow((300, 60), [(220, 60, 80), (240, 200, 60), (60, 160, 220)])
    dotted = P.halftone(rb, cell_px=4)
    # far more high-frequency energy than the smooth original, same mean colour
    assert _lap_var(dotted) > 50 * max(_lap_var(rb), 1.0)
    big = (31, 31)
    diff = np.abs(cv2.blur(dotted, big).astype(int) - cv2.blur(rb, big).astype(int))
    assert diff[20:-20, 20:-20].mean() < 30
    with pytest.raises(ValidationError):
        P.halftone(grey, cell_px=1.0)
    with pytest.raises(ImageError):
        P.halftone(grey[..., 0])


def test_scan_print_breaks_fine_lines() -> None:
    base = _on_paper(P.guilloche(SIZE, rng=3, colour=(60, 100, 150), line_px=1.0))
    a = P.scan_print(base, rng=1)
    b = P.scan_print(base, rng=np.random.default_rng(1))
    assert a.shape == base.shape and a.tobytes() == b.tobytes()
    assert a.tobytes() != P.scan_print(base, rng=2).tobytes()
    # the line pattern no longer matches the design: correlation of the gray images drops
    g0 = cv2.cvtColor(base, cv2.COLOR_RGB2GRAY).astype(float).ravel()
    g1 = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(float).ravel()
    assert np.corrcoef(g0, g1)[0, 1] < 0.6
    # ...while a blurred genuine copy (what a capture does) still correlates well
    g2 = cv2.GaussianBlur(cv2.cvtColor(base, cv2.COLOR_RGB2GRAY), (0, 0), 1.0).astype(float)
    assert np.corrcoef(g0, g2.ravel())[0, 1] > 0.6


def test_blur_microprint_destroys_letter_detail() -> None:
    sharp = _on_paper(P.microprint("UTOPIA", (400, 60), height_px=8))
    blurred = P.blur_microprint(sharp, factor=3.0)
    assert blurred.shape == sharp.shape
    assert _lap_var(blurred) < 0.3 * _lap_var(sharp)
    # tone is kept: the line is still where it was
    assert abs(float(blurred.mean()) - float(sharp.mean())) < 12
    with pytest.raises(ValidationError):
        P.blur_microprint(sharp, factor=1.0)


# --- substrate and UV -----------------------------------------------------------------------


def test_uv_fibres() -> None:
    colours = [(255, 60, 60), (60, 255, 90), (80, 120, 255)]
    layer, fibres = P.uv_fibres((500, 350), rng=9, count=60, colours=colours, length_px=(20, 40))
    assert layer.shape == (350, 500, 4) and len(fibres) == 60
    again, fibres2 = P.uv_fibres((500, 350), rng=9, count=60, colours=colours, length_px=(20, 40))
    assert layer.tobytes() == again.tobytes() and fibres == fibres2
    matched = 0
    for f in fibres:
        assert f.colour in colours
        chord = np.hypot(*np.subtract(f.control_xy[3], f.control_xy[0]))
        assert 19.9 <= chord <= 40.1 and f.length_px >= chord - 1e-6
        x, y = (round(v) for v in f.centre_xy)
        if 0 <= x < 500 and 0 <= y < 350 and layer[y, x, 3] > 100:
            matched += tuple(int(v) for v in layer[y, x, :3]) == f.colour
    assert matched >= 0.8 * len(fibres)
    # colour only where there is a fibre
    assert not layer[..., 3][np.all(layer[..., :3] == 0, axis=2)].any()
    json.dumps([f.to_dict() for f in fibres])
    empty, none = P.uv_fibres((50, 50), rng=1, count=0, colours=colours)
    assert none == () and not empty[..., 3].any()
    with pytest.raises(ValidationError):
        P.uv_fibres((50, 50), rng=1, count=5, colours=[])
    with pytest.raises(ValidationError):
        P.uv_fibres((50, 50), rng=1, count=5, colours=colours, length_px=(10, 5))


def test_emblem_is_design_seeded_and_round() -> None:
    e = P.emblem((240, 240), design=7, colour=(200, 180, 40))
    assert e.shape == (240, 240, 4) and np.all(e[..., :3] == (200, 180, 40))
    assert e.tobytes() == P.emblem((240, 240), design=7, colour=(200, 180, 40)).tobytes()
    designs = {P.emblem((120, 120), design=d)[..., 3].tobytes() for d in range(8)}
    assert len(designs) == 8
    yy, xx = np.mgrid[0:240, 0:240]
    alpha = e[..., 3]
    assert not alpha[np.hypot(xx - 119.5, yy - 119.5) > 121].any()
    assert 0.1 < (alpha > 128).mean() < 0.6


def test_watermark_multitone() -> None:
    wm = P.watermark((200, 260), design=3)
    assert wm.shape == (260, 200) and wm.dtype == np.uint8
    assert abs(int(wm[0, 0]) - 128) <= 3 and abs(int(wm[-1, -1]) - 128) <= 3
    assert wm.max() > 170 and wm.min() < 110  # lighter and darker than the paper
    assert wm.tobytes() == P.watermark((200, 260), design=3).tobytes()
    from docsec.generate.faces import make_face

    face, _ = make_face(1, (100, 130))
    portrait = P.watermark((200, 260), design=3, motif=face)
    assert portrait.shape == (260, 200) and portrait.tobytes() != wm.tobytes()
    with pytest.raises(ImageError):
        P.watermark((20, 20), design=1, motif=np.zeros((5, 5), np.float32))


def test_security_thread() -> None:
    t = P.security_thread((80, 300), text="UTOPIA", width_px=20, density=200)
    assert t.shape == (300, 80) and t.dtype == np.uint8
    assert not t[:, :28].any() and not t[:, 52:].any()
    band = t[:, 31:49]
    assert band.max() == 200 and band.min() < 120  # negative microtext inside the band
    plain = P.security_thread((80, 300), text="", width_px=20, x_px=10)
    assert plain[:, 0:20].min() == 200 and not plain[:, 21:].any()
    with pytest.raises(ValidationError):
        P.security_thread((80, 300), text="X", width_px=0.5)


# --- optically variable ---------------------------------------------------------------------


def test_hologram_frames_move() -> None:
    frames = P.hologram_frames((240, 160), 4, design=5)
    assert len(frames) == 4
    assert all(f.shape == (160, 240, 4) and f.dtype == np.uint8 for f in frames)
    again = P.hologram_frames((240, 160), 4, design=5)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(frames, again, strict=True))
    for i in range(3):
        assert np.abs(frames[i].astype(int) - frames[i + 1].astype(int)).mean() > 5
    # the kinematic element (high alpha) slides left to right
    xs = []
    for f in frames:
        ys, x = np.nonzero(f[..., 3] > 150)
        xs.append(x.mean())
    assert all(b > a + 5 for a, b in zip(xs, xs[1:], strict=False))
    assert len(P.hologram_frames((50, 40), 1, design=5)) == 1
    with pytest.raises(ValidationError):
        P.hologram_frames((50, 40), 0, design=5)


def test_ovi_colours_shift_with_tilt() -> None:
    a, b = P.OVI_PAIRS["gold_green"]
    assert P.ovi_colours(0) == a and P.ovi_colours(2) == b and P.ovi_colours(5) == b
    mid = P.ovi_colours(1)
    assert mid not in (a, b)
    assert all(min(x, y) <= m <= max(x, y) for m, x, y in zip(mid, a, b, strict=True))
    assert P.ovi_colours(0, pair="green_blue") != a
    with pytest.raises(ValidationError):
        P.ovi_colours(0, pair="rainbow")
    with pytest.raises(ValidationError):
        P.ovi_colours(-1)


# --- personalisation ------------------------------------------------------------------------


def test_perforation_holes() -> None:
    mask = P.perforation("L898902C3", (600, 110), hole_px=6)
    assert mask.shape == (110, 600) and mask.dtype == np.bool_
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=4)
    areas = stats[1:, cv2.CC_STAT_AREA]
    assert n - 1 > 80  # many separate holes
    assert np.median(areas) == pytest.approx(np.pi * 9, rel=0.35)
    assert mask.tobytes() != P.perforation("L898902C4", (600, 110), hole_px=6).tobytes()
    # a number in a small box shrinks the pitch and the holes but keeps every hole
    small = P.perforation("AB1234567", (300, 60), hole_px=6)
    large = P.perforation("AB1234567", (1000, 200), hole_px=6)
    count = [cv2.connectedComponents(m.astype(np.uint8), connectivity=4)[0] for m in (small, large)]
    assert count[0] == count[1] > 80
    with pytest.raises(ValidationError):
        P.perforation("", (100, 40), hole_px=4)
    with pytest.raises(ValidationError):
        P.perforation("X" * 60, (20, 8), hole_px=4)


def test_alpha_over() -> None:
    base = np.full((20, 30, 3), 100, np.uint8)
    layer = np.zeros((10, 10, 4), np.uint8)
    layer[..., :3] = 200
    layer[:5, :, 3] = 255
    out = P.alpha_over(base, layer, xy=(25, -2))
    assert np.all(base == 100)  # input untouched
    assert np.all(out[0:3, 25:30] == 200) and np.all(out[3:, 25:] == 100)
    assert np.all(out[:, :25] == 100)
    assert np.array_equal(P.alpha_over(base, layer, xy=(100, 100)), base)
    with pytest.raises(ImageError):
        P.alpha_over(base, layer[..., :3])
