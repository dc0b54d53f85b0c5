"""UV and IR checks judged against the capture's own levels: fibres found against the capture's
own noise, printed fibres told by their repeating tile, the emblem's tint in white light
compared in the band of its lines, IR field darkness against the IR view's own paper. Each
check passes a genuine document and fails its defect, as rendered and as photographed on a
stand (every light from one position, each with its own exposure and white balance)."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from docsec.generate import SyntheticDocument
from docsec.generate.capture import capture
from docsec.inspect import inspect_document
from docsec.inspect.uvir import FIBRES_REPEAT_MAX, _correlate, _repeat_share
from docsec.report import Status
from tests.docsec.inspect.conftest import DPI, REF

MakeDoc = Callable[..., SyntheticDocument]
Views = dict[str, NDArray[np.uint8]]

#: (model, defect, the check that must fail on it and pass on the genuine twin)
CASES = [
    ("uto_passport_td3", "uv.fibres_missing", "feature.uv_fibres.present"),
    ("zzb_id_td1", "uv.fibres_missing", "feature.uv_fibres.present"),
    ("uto_passport_td3", "uv.fibres_printed", "feature.uv_fibres.invisible_in_white"),
    ("uto_card_td2", "uv.emblem_visible_in_white", "feature.uv_emblem.invisible_in_white"),
    ("uto_passport_td3", "ir.field_wrong_ink", "feature.ir_fields.dark"),
    ("uto_card_td2", "ir.field_wrong_ink", "feature.ir_fields.dark"),
]


def _photographed(views: Views, seed: int = 3) -> Views:
    """Every view photographed from one position (one seed for the geometry), then each
    light given its own exposure and white balance (a gain per channel, up to 8 %)."""
    gains = np.random.default_rng(seed + 1000)
    out = {}
    for name, img in views.items():
        if name == "traveller":
            out[name] = img
            continue
        im = capture(img, kind="photo", level=1, rng=seed).image.astype(np.float64)
        lit = im * gains.uniform(0.92, 1.08) * gains.uniform(0.97, 1.03, 3)
        im8 = np.clip(lit, 0, 255).astype(np.uint8)
        out[name] = np.asarray(im8.mean(axis=2), np.uint8) if img.ndim == 2 else im8
    return out


def _status(views: Views, check_id: str) -> Status:
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    f = rep.finding(check_id)
    assert f is not None and f.score is not None and f.threshold is not None, check_id
    return f.status


@pytest.mark.parametrize(("model", "defect", "check_id"), CASES)
def test_defect_fails_and_twin_passes_rendered(make_doc: MakeDoc, model: str, defect: str,
                                               check_id: str) -> None:
    assert _status(dict(make_doc(model, defect).views), check_id) == Status.FAIL
    assert _status(dict(make_doc(model).views), check_id) == Status.PASS


@pytest.mark.slow
@pytest.mark.parametrize(("model", "defect", "check_id"), CASES)
def test_defect_fails_and_twin_passes_photographed(make_doc: MakeDoc, model: str,
                                                   defect: str, check_id: str) -> None:
    assert _status(_photographed(dict(make_doc(model, defect).views)), check_id) == Status.FAIL
    assert _status(_photographed(dict(make_doc(model).views)), check_id) == Status.PASS


# --- fibres printed in a repeating tile --------------------------------------------------------

#: Hues of fluorescent printing inks as a UV camera sees them.
_HUES = ((255, 90, 170), (120, 255, 120), (110, 170, 255))


def _strokes_tiled(views: Views, seed: int) -> Views:
    """Short strokes printed over a page as a repeating 22 mm tile: bright in UV, faintly
    tinted in white light (a counterfeit's imitation of fibres on paper that has none)."""
    rng = np.random.default_rng(seed)
    out = dict(views)
    h, w = views["white"].shape[:2]
    ppm = DPI / 25.4
    tile = int(22 * ppm)
    layer = np.zeros((h, w, 3), np.float32)
    cover = np.zeros((h, w), np.float32)
    strokes = []
    for _ in range(7):
        x0, y0 = rng.uniform(0, tile, 2)
        a, n = rng.uniform(0, np.pi), rng.uniform(2.0, 3.5) * ppm
        strokes.append(((x0, y0), (x0 + n * np.cos(a), y0 + n * np.sin(a)),
                        _HUES[int(rng.integers(len(_HUES)))]))  # fmt: skip
    for ty in range(0, h, tile):
        for tx in range(0, w, tile):
            for (x0, y0), (x1, y1), hue in strokes:
                p0, p1 = (int(tx + x0), int(ty + y0)), (int(tx + x1), int(ty + y1))
                cv2.line(layer, p0, p1, tuple(float(c) for c in hue), 2, cv2.LINE_AA)
                cv2.line(cover, p0, p1, 1.0, 2, cv2.LINE_AA)
    c = cover[..., None]
    for name, strength in (("uv365", 0.9), ("white", 0.3)):
        f = views[name].astype(np.float32)
        ink = layer if name == "uv365" else 0.6 * f + 0.4 * layer
        out[name] = np.clip(f * (1 - strength * c) + ink * strength * c, 0, 255).astype(np.uint8)
    return out


def test_tiled_strokes_repeat_and_random_strokes_do_not() -> None:
    rng = np.random.default_rng(4)
    shape = (340, 490)  # a passport page at 100 dpi
    blank = np.ones(shape, bool)
    rand = np.zeros(shape, np.uint8)
    for _ in range(90):
        x, y = rng.uniform(0, shape[1]), rng.uniform(0, shape[0])
        a, n = rng.uniform(0, np.pi), rng.uniform(8, 25)
        cv2.line(rand, (int(x), int(y)), (int(x + n * np.cos(a)), int(y + n * np.sin(a))), 1)
    tiled = np.zeros(shape, np.uint8)
    tile = 87  # 22 mm
    for ty in range(0, shape[0], tile):
        for tx in range(0, shape[1], tile):
            for x0, y0, x1, y1 in ((5, 9, 20, 14), (40, 60, 44, 75), (70, 20, 60, 33)):
                cv2.line(tiled, (tx + x0, ty + y0), (tx + x1, ty + y1), 1)
    assert _repeat_share(rand > 0, blank, 100) < FIBRES_REPEAT_MAX
    assert _repeat_share(tiled > 0, blank, 100) > FIBRES_REPEAT_MAX


def _tiled_strokes(shape: tuple[int, int], tile: int, count: int, rng: np.random.Generator,
                   with_random: bool = False) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``count`` strokes repeated on a ``tile``-pixel grid (a printed fibre pattern) and,
    with ``with_random``, as many strokes of the same lengths placed at random."""
    tiled = np.zeros(shape, np.uint8)
    rand = np.zeros(shape, np.uint8)
    strokes = [(rng.uniform(0, tile), rng.uniform(0, tile), rng.uniform(0, np.pi),
                rng.uniform(6, 14)) for _ in range(count)]  # fmt: skip
    for ty in range(0, shape[0], tile):
        for tx in range(0, shape[1], tile):
            for x, y, a, n in strokes:
                p0 = (int(tx + x), int(ty + y))
                cv2.line(tiled, p0, (int(p0[0] + n * np.cos(a)), int(p0[1] + n * np.sin(a))), 1)
                if with_random:
                    q = (int(rng.uniform(0, shape[1])), int(rng.uniform(0, shape[0])))
                    b = rng.uniform(0, np.pi)
                    cv2.line(rand, q, (int(q[0] + n * np.cos(b)), int(q[1] + n * np.sin(b))), 1)
    return tiled, rand


def test_a_tile_met_in_a_narrow_strip_repeats_and_a_dashed_line_does_not() -> None:
    # a card's blank paper can be a strip a few millimetres high: a tile's strokes (at
    # random angles) meet there in a band as narrow as a line's, but are not a line
    rng = np.random.default_rng(11)
    shape = (212, 337)  # a TD1 card at 100 dpi
    blank = np.zeros(shape, bool)
    blank[180:202, 6:331] = True  # a 5.6 mm strip of blank paper
    tiled, _ = _tiled_strokes(shape, 100, 40, rng)  # a 25 mm tile
    dashes = np.zeros(shape, np.uint8)
    for x in range(8, 330, 14):  # a dashed edge along the strip: pieces along the shift
        cv2.line(dashes, (x, 190), (x + 8, 190), 1)
    assert _repeat_share((tiled > 0) & blank, blank, 100) > FIBRES_REPEAT_MAX
    assert _repeat_share(dashes > 0, blank, 100) < FIBRES_REPEAT_MAX


def test_a_tile_seen_again_only_in_a_small_blank_room_repeats_and_random_strokes_do_not(
) -> None:
    # strokes found over a card's fields and strip, blank paper (where a repeat can land)
    # only a 10 mm strip: every shift leaves a fifth of the strokes' pixels room to land
    rng = np.random.default_rng(5)
    shape = (212, 337)
    blank = np.zeros(shape, bool)
    blank[160:200, 6:331] = True
    tiled, rand = _tiled_strokes(shape, 90, 10, rng, with_random=True)
    assert _repeat_share(tiled > 0, blank, 100) > FIBRES_REPEAT_MAX
    assert _repeat_share(rand > 0, blank, 100) < FIBRES_REPEAT_MAX


def test_padded_correlation_counts_every_shift_up_to_the_padding_exactly() -> None:
    # the fibres' self-correlation pads the page by the longest shift only: at every shift
    # up to it, the float32 DFT gives the direct count of pixels meeting pixels
    rng = np.random.default_rng(7)
    h, w, reach = 37, 52, 20
    a = (rng.random((h, w)) < 0.2).astype(np.float32)
    b = (rng.random((h, w)) < 0.3).astype(np.float32)
    shape = (cv2.getOptimalDFTSize(h + reach), cv2.getOptimalDFTSize(w + reach))
    pad = np.zeros(shape, np.float32)
    pad[:h, :w] = a
    got = _correlate(b, np.asarray(cv2.dft(pad), np.float32), shape)
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            ys, xs = slice(max(0, -dy), min(h, h - dy)), slice(max(0, -dx), min(w, w - dx))
            ys2, xs2 = slice(ys.start + dy, ys.stop + dy), slice(xs.start + dx, xs.stop + dx)
            want = float((a[ys, xs] * b[ys2, xs2]).sum())
            assert round(float(got[dy % shape[0], dx % shape[1]])) == want, (dy, dx)


@pytest.mark.parametrize("mode", ["rendered", pytest.param("photo", marks=pytest.mark.slow)])
def test_fibres_printed_in_a_tile_fail_random_and_the_twin_passes(make_doc: MakeDoc,
                                                                  mode: str) -> None:
    genuine = dict(make_doc("uto_passport_td3").views)
    forged = _strokes_tiled(dict(make_doc("uto_passport_td3", "uv.fibres_missing").views), 2)
    if mode == "photo":
        genuine, forged = _photographed(genuine), _photographed(forged)
    assert _status(forged, "feature.uv_fibres.random") == Status.FAIL
    assert _status(genuine, "feature.uv_fibres.random") == Status.PASS


def test_printed_fibres_are_met_again_over_the_visual_zone_fields(make_doc: MakeDoc) -> None:
    """ZZA's passport leaves a sixth of its page blank under UV: too little paper for a tile
    of printed strokes to meet itself there. Fibres printed over the whole sheet also show
    over the visual-zone fields (dull under UV), where the repeat is looked for too."""
    genuine = dict(make_doc("zza_passport_td3").views)
    forged = _strokes_tiled(dict(make_doc("zza_passport_td3", "uv.fibres_missing").views), 2)
    assert _status(forged, "feature.uv_fibres.random") == Status.FAIL
    assert _status(genuine, "feature.uv_fibres.random") == Status.PASS


def test_fields_in_a_light_ink_are_judged_not_missed(make_doc: MakeDoc) -> None:
    """An inkjet's grey, blurred by a photo, keeps every stroke above 0.55 of the paper:
    the fields are then judged at the IR view's ink level instead of reported unprinted,
    and their dye vanishing in IR fails."""
    from docsec.models import get_model

    views = dict(make_doc("uto_card_td2", "personalisation.inkjet").views)
    model = get_model("uto_card_td2")
    white = views["white"].astype(np.float32)
    k = DPI / 25.4
    for f in model.fields:
        if f.side != "front":
            continue
        x, y, w, h = (round(v * k) for v in f.box_mm)
        part = white[y : y + h, x : x + w]
        part[part.max(axis=2) < 200] = 160.0  # every stroke at 0.65 of the paper
    views["white"] = white.astype(np.uint8)
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    f = rep.finding("feature.ir_fields.dark")
    assert f is not None and f.status == Status.FAIL, f


def test_carbon_fields_in_a_light_ink_are_judged_beside_a_dark_dye_field(
        make_doc: MakeDoc) -> None:
    """A photo's blur leaves an inkjet's grey above 0.55 of the paper in the carbon fields
    while a dye field stays dark enough: the carbon fields are judged at the IR view's ink
    level all the same (once only the dye field was judged, and the inkjet passed), so the
    genuine card passes and the inkjet-personalised one fails."""
    from docsec.models import get_model

    model = get_model("uto_card_td2")
    k = DPI / 25.4

    def carbon_paled(views: Views) -> Views:
        white = views["white"].astype(np.float32)
        for f in model.fields:
            if f.side != "front" or model.inks[f.ink].ir <= 0:
                continue
            x, y, w, h = (round(v * k) for v in f.box_mm)
            part = white[y : y + h, x : x + w]
            part[part.max(axis=2) < 200] = 160.0  # every carbon stroke at 0.65 of the paper
        return {**views, "white": white.astype(np.uint8)}

    assert any(model.inks[f.ink].ir <= 0 for f in model.fields if f.side == "front")
    forged = carbon_paled(dict(make_doc("uto_card_td2", "personalisation.inkjet").views))
    genuine = carbon_paled(dict(make_doc("uto_card_td2").views))
    assert _status(forged, "feature.ir_fields.dark") == Status.FAIL
    assert _status(genuine, "feature.ir_fields.dark") == Status.PASS
