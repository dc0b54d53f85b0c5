"""Portrait checks: the ghost image against the portrait, the portrait against the person
presenting the document, and the portrait's edges; each fails on its defect and passes on
the genuine twin, as rendered and as scanned."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from docsec.generate import make_document
from docsec.generate.capture import capture
from docsec.generate.faces import lookalike, make_face, render_face
from docsec.inspect import inspect_document
from docsec.inspect.context import Context, make_finding
from docsec.inspect.faces import (
    HOLDER_DISTANCE_MAX,
    _face_table,
    _ghost_distance,
    _holder_distance,
)
from docsec.report import Finding, Status
from tests.docsec.inspect.conftest import REF

# --- the face comparisons on their own -------------------------------------------------------

_PORTRAIT_PX = (126, 165)  # a 32 x 42 mm portrait at 100 dpi
_TRAVELLER_PX = (276, 354)  # a 35 x 45 mm photo at 200 dpi


def _as_portrait(img: NDArray[np.uint8]) -> NDArray[np.float32]:
    import cv2

    return np.asarray(cv2.resize(img.astype(np.float32), _PORTRAIT_PX,
                                 interpolation=cv2.INTER_AREA), np.float32)  # fmt: skip


def test_the_holder_in_another_photo_is_near_and_a_look_alike_far() -> None:
    for seed in (3, 11, 29):
        portrait, face = make_face(seed, _PORTRAIT_PX)
        # the same person in another photo: another pose, clothes and background
        same = render_face(lookalike(face, seed + 100, strength=0.0), _TRAVELLER_PX)
        # another person resembling the holder (every identity trait moved by a quarter)
        other = render_face(lookalike(face, seed + 200, strength=0.25), _TRAVELLER_PX)
        near = _holder_distance(portrait.astype(np.float32), _as_portrait(same))
        far = _holder_distance(portrait.astype(np.float32), _as_portrait(other))
        assert near < HOLDER_DISTANCE_MAX < far, (seed, near, far)


def test_a_gray_photo_of_the_holder_is_compared_without_chroma() -> None:
    portrait, face = make_face(5, _PORTRAIT_PX)
    same = _as_portrait(render_face(lookalike(face, 105, strength=0.0), _TRAVELLER_PX))
    gray = same @ np.asarray([0.299, 0.587, 0.114], np.float32)
    assert _holder_distance(portrait.astype(np.float32), gray) < HOLDER_DISTANCE_MAX


def test_a_photo_without_a_face_is_far() -> None:
    portrait, _ = make_face(7, _PORTRAIT_PX)
    blank = np.full((_PORTRAIT_PX[1], _PORTRAIT_PX[0], 3), 200.0, np.float32)
    noise = np.random.default_rng(0).normal(128, 40, blank.shape).astype(np.float32)
    for person in (blank, noise):
        assert _holder_distance(portrait.astype(np.float32), person) > HOLDER_DISTANCE_MAX


def _smooth_face(rng: np.random.Generator, shape: tuple[int, int]) -> NDArray[np.float32]:
    import cv2

    return np.asarray(cv2.GaussianBlur(rng.normal(128, 30, shape).astype(np.float32), (0, 0),
                                       3.0), np.float32)  # fmt: skip


def test_the_ghost_distance_is_the_mean_over_the_lights_of_the_model() -> None:
    rng = np.random.default_rng(1)
    portrait = _smooth_face(rng, (170, 140))
    free = np.ones(portrait.shape, bool)
    keep = free.copy()
    spreads = _face_table()["ghost_spread"]["default"]
    # ghosts come brought onto the portrait, their sign already turned (UV: inverted)
    same = {"uv365": portrait * 0.5 + 10.0, "white": portrait * 0.3}
    d_same, used = _ghost_distance(same, portrait, free, keep, spreads)
    assert used == len(spreads) and d_same < 1e-2
    other = _smooth_face(rng, portrait.shape)
    d_other, _ = _ghost_distance({"uv365": other, "white": other}, portrait, free, keep, spreads)
    assert d_other > float(_face_table()["ghost_distance_max"])
    # a light the model's ghost image is not read in does not count
    _, used_white = _ghost_distance({"white": other}, portrait, free, keep, {"uv365": 0.002})
    assert used_white == 0


def test_the_portrait_under_a_foil_is_left_out_of_the_ghost_comparison() -> None:
    rng = np.random.default_rng(2)
    portrait = _smooth_face(rng, (170, 140))
    ghost = portrait * 0.5 + 10.0
    free = np.ones(portrait.shape, bool)
    free[110:, 90:] = False  # a hologram's patch over the portrait's corner
    foiled = portrait.copy()
    foiled[~free] = 255.0  # the foil's sheen, not in the ghost image
    spreads = {"uv365": 0.002}
    plain, _ = _ghost_distance({"uv365": ghost}, foiled, free, free, spreads)
    assert plain < 1.0
    whole = np.ones(portrait.shape, bool)
    seen, _ = _ghost_distance({"uv365": ghost}, foiled, whole, free, spreads)
    assert seen > float(_face_table()["ghost_distance_max"]) > plain


def test_a_ghost_image_off_by_a_pixel_scale_is_far() -> None:
    """A look-alike's face differs from the holder's by about a pixel: a ghost image of the
    portrait stretched by 3 % (a head 1.5 pixels wider) is beyond the threshold."""
    import cv2

    rng = np.random.default_rng(3)
    portrait = _smooth_face(rng, (170, 140))
    stretched = np.asarray(cv2.resize(portrait, (144, 175), interpolation=cv2.INTER_LINEAR),
                           np.float32)[2:172, 2:142]  # fmt: skip
    free = np.ones(portrait.shape, bool)
    spreads = _ghost_spreads_of("uto_passport_td3")
    near, _ = _ghost_distance({"uv365": portrait * 0.5}, portrait, free, free, spreads)
    far, _ = _ghost_distance({"uv365": stretched * 0.5}, portrait, free, free, spreads)
    assert near < 1.0 < float(_face_table()["ghost_distance_max"]) < far


def test_a_ghost_printed_with_clipped_tones_matches_the_portrait_clipped_alike() -> None:
    """The ghost printer spreads the portrait's 2nd-98th percentile over its tones (black
    hair, eyes and clothes at one level): the portrait clipped the same way matches it far
    better than the portrait as it is."""
    import cv2

    from docsec.generate.document import ghost_from
    from docsec.inspect.faces import _printer_tones

    gains = []
    for seed in (41, 42):
        portrait, _ = make_face(seed, (252, 331))
        gray = portrait.astype(np.float32) @ np.asarray([0.299, 0.587, 0.114], np.float32)
        ghost = ghost_from(portrait, (142, 173)).astype(np.float32)
        small = np.asarray(cv2.resize(gray, (142, 173), interpolation=cv2.INTER_AREA),
                           np.float32)  # fmt: skip
        free = np.ones(small.shape, bool)
        spreads = _ghost_spreads_of("uto_passport_td3")
        raw, _ = _ghost_distance({"uv365": ghost}, small, free, free, spreads)
        toned, _ = _ghost_distance({"uv365": ghost}, _printer_tones(small, free), free, free,
                                   spreads)  # fmt: skip
        assert toned <= raw and toned < 0.5, (seed, toned, raw)
        gains.append(raw / max(toned, 1e-6))
    assert max(gains) > 4.0  # the black of face 41 is clipped: as it is, it compares worse


def test_a_ghost_image_half_a_pixel_off_is_brought_onto_its_portrait(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The ghost image is placed on its portrait to a fraction of a pixel: left at the
    nearest whole pixel, a genuine ghost image half a pixel off (the scan's own grid) is as
    far as a look-alike's face."""
    import cv2

    import docsec.inspect.faces as faces

    rng = np.random.default_rng(4)
    portrait = _smooth_face(rng, (170, 140))
    # the ghost image (half the portrait's contrast) in a wider window, 12.5 and 11.5
    # pixels in
    shift = np.array([[1, 0, 12.5], [0, 1, 11.5]], np.float32)
    layer = np.asarray(cv2.warpAffine(portrait * 0.5, shift, (164, 194),
                                      borderMode=cv2.BORDER_REPLICATE), np.float32)  # fmt: skip
    free = np.ones(portrait.shape, bool)
    keep = free.copy()
    keep[:6], keep[-6:], keep[:, :6], keep[:, -6:] = (False,) * 4
    spreads = _ghost_spreads_of("uto_passport_td3")
    limit = float(_face_table()["ghost_distance_max"])
    (placed,) = faces._ghost_onto(layer, portrait, 6, keep)
    near, _ = _ghost_distance({"uv365": placed}, portrait, free, keep, spreads)
    monkeypatch.setattr(faces, "_subpixel", lambda *_: np.eye(2, 3, dtype=np.float32))
    (rounded,) = faces._ghost_onto(layer, portrait, 6, keep)
    off, _ = _ghost_distance({"uv365": rounded}, portrait, free, keep, spreads)
    assert near < 0.5 < limit < off, (near, off)


def test_the_design_lines_under_a_uv_ghost_image_are_left_out() -> None:
    """Rings of a UV emblem over part of the ghost image, which the unpersonalised
    reference cannot take away exactly: left out where the reference shows them, the ghost
    image matches its portrait; left in, it does not."""
    from docsec.inspect.faces import _design_free

    rng = np.random.default_rng(5)
    portrait = _smooth_face(rng, (170, 140))
    yy, xx = np.mgrid[:170, :140]
    rings = np.where(np.hypot(xx + 30, yy - 85) % 10 < 3, 60.0, 0.0).astype(np.float32)
    rings[:, 40:] = 0.0  # the emblem's edge over the ghost image's left side
    # what the reference leaves: the rings 1 pixel off
    left = np.roll(rings, 1, axis=1) - rings
    ghost = portrait * 0.5 + left
    free = np.ones(portrait.shape, bool)
    keep = free.copy()
    keep[:6], keep[-6:], keep[:, :6], keep[:, -6:] = (False,) * 4
    spreads = _ghost_spreads_of("uto_passport_td3")
    limit = float(_face_table()["ghost_distance_max"])
    clean = _design_free(rings)
    assert 0.5 < clean.mean() < 0.95
    out, _ = _ghost_distance({"uv365": ghost}, portrait, free, keep, spreads,
                             clean={"uv365": clean})  # fmt: skip
    kept, _ = _ghost_distance({"uv365": ghost}, portrait, free, keep, spreads)
    assert out < limit < kept, (out, kept)


def _ghost_spreads_of(model_id: str) -> dict[str, float]:
    from docsec.inspect.faces import _ghost_spreads

    return dict(_ghost_spreads(model_id))


def test_every_model_with_a_ghost_image_has_its_spreads() -> None:
    from docsec.models import MODEL_IDS, get_model

    table = _face_table()["ghost_spread"]
    for mid in MODEL_IDS:
        if get_model(mid).has_feature("ghost_image"):
            assert table[mid] and set(table[mid]) <= {"uv365", "white"}, mid
            assert all(v > 0 for v in table[mid].values())


@pytest.mark.slow
def test_a_loosely_registered_capture_warns_of_a_near_ghost_but_fails_another_face(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the registration quality a ghost image a little over the threshold only warns
    (a loose registration can shift it by a pixel or two); a difference no registration
    error explains (another person's face) fails all the same; a genuine one passes."""
    from dataclasses import replace

    import docsec.inspect.faces as faces
    from docsec.inspect.faces import (
        GHOST_LOOSE_MAX,
        GHOST_SURE_QUALITY,
        ghost_image_matches_portrait,
    )

    def loose(ctx: Context) -> Context:
        return replace(ctx, views={k: replace(v, quality=GHOST_SURE_QUALITY - 0.1)
                                   for k, v in ctx.views.items()})  # fmt: skip

    for defect, status in (((), Status.PASS), (("photo.substitution",), Status.FAIL)):
        ctx = _context(defect, "rendered", monkeypatch)
        sure = ghost_image_matches_portrait(ctx)
        found = ghost_image_matches_portrait(loose(ctx))
        assert sure.status == found.status == status, (defect, sure.score, found.score)
        assert found.score == sure.score
        if defect:
            assert found.score is not None and found.score > GHOST_LOOSE_MAX
    # a ghost image between the threshold and GHOST_LOOSE_MAX: fails when the capture is
    # registered well, warns when loosely
    ctx = _context((), "rendered", monkeypatch)
    limit = float(_face_table()["ghost_distance_max"])
    near = (limit + GHOST_LOOSE_MAX) / 2
    monkeypatch.setattr(faces, "_ghost_distance", lambda *a, **k: (near, 1))
    assert ghost_image_matches_portrait(ctx).status == Status.FAIL
    assert ghost_image_matches_portrait(loose(ctx)).status == Status.WARN


# --- the checks on documents -----------------------------------------------------------------

#: A passport whose look-alike and impostor differ clearly (bench/inspection.py measures
#: the rates over many documents).
_MODEL, _SEED = "uto_passport_td3", 1018


def _views(defects: tuple[str, ...], mode: str) -> dict[str, NDArray[np.uint8]]:
    doc = make_document(_MODEL, rng=_SEED, defects=defects, reference_date=REF, dpi=200,
                        traveller=True)  # fmt: skip
    views = {k: doc.views[k] for k in ("white", "uv365", "traveller")}
    if mode == "scan":
        for k in ("white", "uv365"):
            views[k] = capture(views[k], kind="scan", level=1, rng=_SEED + 17).image
    return views


def _context(defects: tuple[str, ...], mode: str, monkeypatch: pytest.MonkeyPatch) -> Context:
    """The inspection context of the test passport (its views read and registered)."""
    import docsec.inspect as inspect_module

    got: list[Context] = []

    def grab(ctx: Context) -> Finding:
        got.append(ctx)
        return make_finding("grab", Status.PASS, "", "")

    with monkeypatch.context() as m:
        m.setattr(inspect_module, "FEATURE_CHECKS", {"grab": (grab, ())})
        m.setattr(inspect_module, "TRACE_CHECKS", {})
        inspect_document(_views(defects, mode), reference_date=REF, level=1, viz=False)
    return got[0]


def _statuses(defects: tuple[str, ...], mode: str) -> dict[str, Status]:
    rep = inspect_document(_views(defects, mode), reference_date=REF, level=1, viz=False)
    assert rep.model is not None and rep.model.id == _MODEL
    ids = ("feature.ghost_image.matches_portrait", "feature.portrait.matches_holder",
           "feature.portrait.intact")
    out = {}
    for cid in ids:
        f = rep.finding(cid)
        assert f is not None and f.score is not None and f.threshold is not None, cid
        out[cid] = f.status
    return out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
def test_each_portrait_check_fails_on_its_defect_and_passes_on_the_genuine_twin(
        mode: str) -> None:
    genuine = _statuses((), mode)
    assert set(genuine.values()) == {Status.PASS}, genuine
    cases = {
        "photo.substitution_lookalike": "feature.ghost_image.matches_portrait",
        "photo.substitution": "feature.ghost_image.matches_portrait",
        "photo.impostor": "feature.portrait.matches_holder",
        "photo.glue": "feature.portrait.intact",
        "photo.uv_bright_paper": "feature.portrait.intact",
    }
    for defect, cid in cases.items():
        got = _statuses((defect,), mode)
        assert got[cid] == Status.FAIL, (defect, mode, got)
        if defect == "photo.impostor":  # the document itself is genuine: its ghost matches
            assert got["feature.ghost_image.matches_portrait"] == Status.PASS, got


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
def test_a_close_look_alike_fails_and_the_genuine_ghost_image_passes(mode: str) -> None:
    """A visa whose look-alike passed at whole-pixel placement (3.2-3.5 against 4.0) and
    a genuine visa: placed to a fraction of a pixel, the look-alike fails and the genuine
    ghost image passes, as rendered and as scanned."""
    from docsec.inspect.faces import ghost_image_matches_portrait

    cases = ((849295429, (), Status.PASS), (354273419, ("photo.substitution_lookalike",),
                                            Status.FAIL))  # fmt: skip
    for seed, defects, status in cases:
        doc = make_document("uto_visa_mrva", rng=seed, defects=defects, reference_date=REF,
                            dpi=200)  # fmt: skip
        views = {k: doc.views[k] for k in ("white", "uv365")}
        if mode == "scan":
            views = {k: capture(v, kind="scan", level=1, rng=seed + 17).image
                     for k, v in views.items()}  # fmt: skip
        got: list[Finding] = []

        def grab(ctx: Context, sink: list[Finding] = got) -> Finding:
            sink.append(ghost_image_matches_portrait(ctx))
            return sink[-1]

        import docsec.inspect as inspect_module

        with pytest.MonkeyPatch.context() as m:
            m.setattr(inspect_module, "FEATURE_CHECKS", {"grab": (grab, ())})
            m.setattr(inspect_module, "TRACE_CHECKS", {})
            inspect_document(views, reference_date=REF, level=1, viz=False)
        assert got and got[0].status == status, (seed, mode, got and got[0].score)


# --- robust to what a genuine capture does ----------------------------------------------------


def test_a_saturated_face_is_compared_without_its_chroma_but_another_face_still_fails() -> None:
    """A skin rendered at full red leaves the red-to-green ratio showing only green: a lamp
    falling off across it (a photo) then moves the chroma although the face is the same.
    The saturated pixels are left out of the chroma cue (the cue itself when most are),
    so the holder's own photo passes and a look-alike still fails."""
    import docsec.inspect.faces as faces

    for seed in (3, 5):
        portrait, face = make_face(seed, _PORTRAIT_PX)
        same = _as_portrait(render_face(lookalike(face, seed + 100, strength=0.0), _TRAVELLER_PX))
        other = _as_portrait(render_face(lookalike(face, seed + 200, strength=0.25),
                                         _TRAVELLER_PX))  # fmt: skip
        w = portrait.shape[1]
        # a reddish lamp falling off across the page, red saturating over the face
        ramp = np.linspace(1.1, 0.9, w, dtype=np.float32)[None, :, None]
        lit = np.clip(portrait.astype(np.float32) * ramp * np.float32([1.5, 1.0, 1.0]), 0, 255)
        assert float((lit.max(axis=2) >= faces.HOLDER_CLIP_LEVEL).mean()) > 0.5
        near = _holder_distance(lit, same)
        far = _holder_distance(lit, other)
        assert near < HOLDER_DISTANCE_MAX < far, (seed, near, far)
        with pytest.MonkeyPatch.context() as m:  # saturation ignored: the holder fails
            m.setattr(faces, "HOLDER_CLIP_LEVEL", 256)
            assert _holder_distance(lit, same) > HOLDER_DISTANCE_MAX


def _present_score(white: NDArray[np.uint8], monkeypatch: pytest.MonkeyPatch) -> Finding:
    import docsec.inspect as inspect_module
    from docsec.inspect.faces import ghost_image_present

    got: list[Finding] = []

    def grab(ctx: Context) -> Finding:
        got.append(ghost_image_present(ctx))
        return got[-1]

    with monkeypatch.context() as m:
        m.setattr(inspect_module, "FEATURE_CHECKS", {"grab": (grab, ())})
        m.setattr(inspect_module, "TRACE_CHECKS", {})
        inspect_document({"white": white}, reference_date=REF, level=1, viz=False)
    return got[0]


@pytest.mark.slow
def test_a_dim_blurred_capture_keeps_its_ghost_image_and_a_box_without_one_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The ghost image's spread is measured at the reference's exposure: a dim, blurred,
    tinted photo of a genuine ghost image passes; the same box showing the design alone
    (the ghost image left out) fails, sharp or dim."""
    import cv2

    import docsec.generate.document as document
    from docsec.inspect.faces import GHOST_PRESENT_MIN

    white = np.asarray(make_document(_MODEL, rng=_SEED, reference_date=REF, dpi=200,
                                     views=("white",)).views["white"])  # fmt: skip
    with monkeypatch.context() as m:  # the same document printed without its ghost image
        m.setattr(document, "ghost_from",
                  lambda portrait, size: np.full((size[1], size[0]), 255, np.uint8))
        bare = np.asarray(make_document(_MODEL, rng=_SEED, reference_date=REF, dpi=200,
                                        views=("white",)).views["white"])  # fmt: skip
    assert np.abs(bare.astype(int) - white.astype(int)).max() > 40

    def dim(img: NDArray[np.uint8]) -> NDArray[np.uint8]:
        tint = img.astype(np.float32) * np.float32([0.78, 0.85, 0.8])
        return np.asarray(np.clip(cv2.GaussianBlur(tint, (0, 0), 1.2), 0, 255), np.uint8)

    for img, ok in ((white, True), (dim(white), True), (bare, False), (dim(bare), False)):
        f = _present_score(img, monkeypatch)
        assert f.score is not None and (f.score > GHOST_PRESENT_MIN) == ok, f.score
        assert f.status == (Status.PASS if ok else Status.FAIL)


def test_a_ghost_box_distorted_by_the_registration_is_mapped_back_but_another_face_not() -> None:
    """A page registered with a slightly wrong perspective distorts the ghost image's box
    against the portrait's (an independent scan of a visa: 8.5 % wider, 5 % sheared): the
    last alignment maps the genuine ghost image back within its loose bound (the map takes
    away most of the misfit), so it passes; the same freedom does not make another face fit,
    and a distortion beyond the bound is left alone."""
    import cv2

    from docsec.generate.document import ghost_from
    from docsec.inspect.faces import _REFINE_LOOSE_MAX, _printer_tones, _refine

    def distorted(img: NDArray[np.float32], sx: float, shear: float) -> NDArray[np.float32]:
        h, w = img.shape
        m = np.float32([[sx, shear, -(sx - 1) * w / 2 - shear * h / 2], [0, 1, 0]])
        return np.asarray(cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE),
                          np.float32)  # fmt: skip

    spreads = _ghost_spreads_of("uto_visa_mrva")
    limit = float(_face_table()["ghost_distance_max"])
    portrait, face = make_face(7, (252, 331))
    other, _ = make_face(8, (252, 331))
    size = (142, 173)

    def gray(img: NDArray[np.uint8]) -> NDArray[np.float32]:
        g = img.astype(np.float32) @ np.asarray([0.299, 0.587, 0.114], np.float32)
        return np.asarray(cv2.resize(g, size, interpolation=cv2.INTER_AREA), np.float32)

    small = gray(portrait)
    free = np.ones(small.shape, bool)
    keep = free.copy()
    keep[:6], keep[-6:], keep[:, :6], keep[:, -6:] = (False,) * 4
    toned = _printer_tones(small, free)
    mine = ghost_from(portrait, size).astype(np.float32)
    theirs = ghost_from(other, size).astype(np.float32)
    for sx, shear in ((1.085, 0.05), (1.0, 0.06)):
        assert max(sx - 1, shear) <= _REFINE_LOOSE_MAX
        bent = distorted(mine, sx, shear)
        before, _ = _ghost_distance({"uv365": bent}, toned, free, keep, spreads)
        after, _ = _ghost_distance({"uv365": _refine(bent, toned, keep)}, toned, free, keep,
                                   spreads)  # fmt: skip
        assert after < limit < before, (sx, shear, before, after)
        wrong = distorted(theirs, sx, shear)
        far, _ = _ghost_distance({"uv365": _refine(wrong, toned, keep)}, toned, free, keep,
                                 spreads)  # fmt: skip
        assert far > limit, (sx, shear, far)
    # beyond the bound the map is not made: the ghost image stays as placed
    bent = distorted(mine, 1.0 + 2 * _REFINE_LOOSE_MAX, 0.0)
    assert np.array_equal(_refine(bent, toned, keep), bent)


def test_of_two_equally_good_places_the_ghost_image_is_taken_at_its_box() -> None:
    """A pale ghost image can correlate as well at the slack's edge as at its place: of the
    places as good as the best, the one nearest where the registration puts the box is
    taken (a copy of the face at the window's corner is not)."""

    import docsec.inspect.faces as faces

    rng = np.random.default_rng(5)
    portrait = _smooth_face(rng, (170, 140))
    window = np.zeros((200, 340), np.float32)
    window[16:186, 184:324] = portrait * 0.5  # the ghost image, at its box
    window[16:186, 16:156] = portrait * 0.5  # a copy of it at the window's other edge
    free = np.ones(portrait.shape, bool)
    keep = free.copy()
    keep[:6], keep[-6:], keep[:, :6], keep[:, -6:] = (False,) * 4
    at_box = window[16:186, 184:324]
    (placed,) = faces._ghost_onto(window, portrait, 6, keep, near=(184.0, 16.0))
    (blind,) = faces._ghost_onto(window, portrait, 6, keep)
    assert float(np.abs(placed - at_box).mean()) < 1.0
    assert float(np.abs(blind - at_box).mean()) > 5.0


def test_a_white_light_ghost_image_under_a_falling_lamp_is_levelled_before_it_is_compared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo's lamp falling off by 30 % across the card (and half that down it) puts a
    ramp over a white-light ghost image: levelled, the genuine ghost image stays near its
    portrait and another face stays far; unlevelled, the genuine one is taken for another."""
    import cv2

    import docsec.inspect.faces as faces
    from docsec.generate.document import ghost_from

    size = (142, 173)

    def gray(img: NDArray[np.uint8]) -> NDArray[np.float32]:
        g = img.astype(np.float32) @ np.asarray([0.299, 0.587, 0.114], np.float32)
        return np.asarray(cv2.resize(g, size, interpolation=cv2.INTER_AREA), np.float32)

    spreads = {"white": faces._ghost_spreads("zzb_id_td1")["white"]}
    band = faces._ghost_band("zzb_id_td1")
    limit = float(_face_table()["ghost_distance_max"])
    for seed in (7, 21):
        portrait, _ = make_face(seed, (252, 331))
        other, _ = make_face(seed + 1, (252, 331))
        small = gray(portrait)
        free = np.ones(small.shape, bool)
        keep = free.copy()
        keep[:6], keep[-6:], keep[:, :6], keep[:, -6:] = (False,) * 4
        toned = faces._printer_tones(small, free)
        h, w = small.shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        lamp = 1 - 0.3 * (xx / w) - 0.15 * (yy / h)

        def dist(face: NDArray[np.uint8], lamp: NDArray[np.float32] = lamp,
                 toned: NDArray[np.float32] = toned, keep: NDArray[np.bool_] = keep) -> float:
            printed = ghost_from(face, size).astype(np.float32) / 255 * 230 * lamp
            layer = np.asarray(printed - printed.mean(), np.float32)
            d, _ = _ghost_distance({"white": layer}, toned, keep | True, keep, spreads, band)
            return d

        assert dist(portrait) < limit < dist(other), (seed, dist(portrait), dist(other))
        with monkeypatch.context() as m:
            m.setitem(faces._LEVELLED, "white", False)
            assert dist(portrait) > limit, seed


# --- the coarse comparison of a model's ghost image -------------------------------------------


def _zza_ghost(seed: int, defects: tuple[str, ...], mode: str,
               lamp: float = 0.0) -> tuple[float, Finding]:  # fmt: skip
    """The lamp's fall-off across the portrait and the ghost image finding of a
    zza_passport_td3 (white and UV 365 nm, as rendered or scanned; ``lamp``: the white
    light falling off by that share across the page)."""
    from docsec.inspect.faces import _lamp_ramp, ghost_image_matches_portrait

    doc = make_document("zza_passport_td3", rng=seed, defects=defects, reference_date=REF,
                        dpi=200)  # fmt: skip
    views = {k: doc.views[k] for k in ("white", "uv365")}
    if lamp:
        w = views["white"].shape[1]
        fall = (1.0 - lamp * np.arange(w, dtype=np.float32) / w)[None, :, None]
        views["white"] = np.clip(views["white"] * fall, 0, 255).astype(np.uint8)
    if mode == "scan":
        views = {k: capture(v, kind="scan", level=1, rng=seed + 17).image
                 for k, v in views.items()}  # fmt: skip
    got: list[tuple[float, Finding]] = []

    def grab(ctx: Context) -> Finding:
        white = ctx.view("white")
        assert white is not None and ctx.model.portrait is not None
        got.append((_lamp_ramp(ctx, white, ctx.model.portrait.box_mm),
                    ghost_image_matches_portrait(ctx)))  # fmt: skip
        return got[-1][1]

    import docsec.inspect as inspect_module

    with pytest.MonkeyPatch.context() as m:
        m.setattr(inspect_module, "FEATURE_CHECKS", {"grab": (grab, ())})
        m.setattr(inspect_module, "TRACE_CHECKS", {})
        inspect_document(views, reference_date=REF, level=1, viz=False)
    assert got
    return got[0]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
def test_a_look_alike_the_fine_band_misses_fails_in_the_coarse_band(mode: str) -> None:
    """A zza_passport_td3 look-alike whose ghost image is as near its portrait in the fine
    band as a genuine one's (2.3-2.4 against 4.0) differs in the layout of the face's
    tones: the coarse band fails it (28.6-28.9), and passes the genuine passport (at most
    0.9 as rendered and scanned), both in even light."""
    import docsec.inspect.faces as faces

    limit = float(_face_table()["ghost_distance_max"])
    ramp, genuine = _zza_ghost(503, (), mode)
    assert ramp < faces.GHOST_EVEN_LIGHT_MAX and genuine.status == Status.PASS, genuine.score
    ramp, forged = _zza_ghost(120, ("photo.substitution_lookalike",), mode)
    assert ramp < faces.GHOST_EVEN_LIGHT_MAX
    assert forged.status == Status.FAIL and (forged.score or 0.0) > 2.0 * limit, forged.score
    with pytest.MonkeyPatch.context() as m:  # the fine band alone: taken for the holder
        m.setattr(faces, "_ghost_coarse", lambda model_id: None)
        _, fine = _zza_ghost(120, ("photo.substitution_lookalike",), mode)
    assert fine.status == Status.PASS, fine.score


@pytest.mark.slow
def test_the_coarse_band_is_not_read_under_a_lamp_falling_off_across_the_portrait() -> None:
    """A white lamp falling off by a quarter across the page (6 % across the portrait, twice
    :data:`GHOST_EVEN_LIGHT_MAX`) shifts the face's tones against the ghost image's under
    UV: the coarse band is not read there, so the genuine passport passes (and the
    look-alike above is judged by the fine band alone)."""
    import docsec.inspect.faces as faces

    ramp, genuine = _zza_ghost(503, (), "rendered", lamp=0.25)
    assert ramp > 1.5 * faces.GHOST_EVEN_LIGHT_MAX and genuine.status == Status.PASS
    ramp, forged = _zza_ghost(120, ("photo.substitution_lookalike",), "rendered", lamp=0.25)
    assert ramp > 1.5 * faces.GHOST_EVEN_LIGHT_MAX
    assert (forged.score or 0.0) < float(_face_table()["ghost_distance_max"]), forged.score


@pytest.mark.slow
def test_a_ghost_image_a_little_off_warns_in_a_capture_registered_less_tightly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered under GHOST_FIRM_QUALITY (but over GHOST_SURE_QUALITY), a ghost image a
    little over the threshold warns; one over GHOST_FIRM_MAX fails; registered tightly,
    both fail."""
    from dataclasses import replace

    import docsec.inspect.faces as faces
    from docsec.inspect.faces import (
        GHOST_FIRM_MAX,
        GHOST_FIRM_QUALITY,
        GHOST_SURE_QUALITY,
        ghost_image_matches_portrait,
    )

    def at(ctx: Context, quality: float) -> Context:
        return replace(ctx, views={k: replace(v, quality=quality)
                                   for k, v in ctx.views.items()})  # fmt: skip

    ctx = _context((), "rendered", monkeypatch)
    limit = float(_face_table()["ghost_distance_max"])
    middling = (GHOST_SURE_QUALITY + GHOST_FIRM_QUALITY) / 2
    for score, loose, tight in (((limit + GHOST_FIRM_MAX) / 2, Status.WARN, Status.FAIL),
                                (GHOST_FIRM_MAX * 1.5, Status.FAIL, Status.FAIL)):
        monkeypatch.setattr(faces, "_ghost_distance", lambda *a, s=score, **k: (s, 1))
        assert ghost_image_matches_portrait(at(ctx, middling)).status == loose, score
        assert ghost_image_matches_portrait(at(ctx, GHOST_FIRM_QUALITY + 0.05)).status == tight
