"""Checks of the print under magnification in white light: guilloche and rainbow print carry
no halftone screen, microprint keeps its fine detail relative to the title print.
Registered in :data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

import cv2
import numpy as np

from docsec.inspect.checkbase import (
    F32,
    THRESHOLDS,
    BoxMM,
    _chan_max,
    _clip_box,
    _grow,
    _heat,
    _ink_share,
    _judge,
    _lum,
    _mask_out,
    _na,
    _per_side,
    _personal_boxes,
    _ref_crop,
    _resize,
    _value_box,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.register import RegisteredView
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

__all__ = [
    "guilloche_continuous",
    "microprint_sharp",
    "rainbow_smooth",
]



# --- white light under magnification -------------------------------------------------------


#: Resolution the print texture is examined at (a halftone screen's cells are 3-5 pixels).
_TEXTURE_DPI = 200
#: Least screen energy the capture is judged against: a clean scanner's sensor noise alone
#: measures 2-4 (the reference of a plain design measures less), a reprint's screen 15-25.
_SCREEN_FLOOR = 3.0
#: Side (mm) of the tiles the print texture is sampled in, and how many are read: the
#: screen of a reprint covers the whole feature, so a spread sample judges it.
_TILE_MM, _TILES = 8.0, 9
#: Least share of a tile clear of personalised areas for it to be sampled.
_TILE_FREE = 0.6


def _screen_map(img: F32) -> F32:
    """Fine-scale chroma variation (halftone dots) per pixel."""
    c = np.stack([img[..., 0] - img[..., 1], img[..., 1] - img[..., 2]], axis=-1)
    fine = c - cv2.GaussianBlur(c, (0, 0), 1.5)
    out: F32 = np.abs(fine).sum(axis=2)
    return out


def _overlap(a: BoxMM, b: BoxMM) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def _tiles(ctx: Context, side: str, box: BoxMM) -> list[BoxMM]:
    """Up to :data:`_TILES` tiles spread over ``box``, each mostly clear of personal data."""
    x, y, w, h = box
    nx, ny = max(1, int(w // _TILE_MM)), max(1, int(h // _TILE_MM))
    tw, th = min(_TILE_MM, w / nx), min(_TILE_MM, h / ny)
    personal = [_grow(b, 0.5) for b in _personal_boxes(ctx, side)]
    free = []
    for j in range(ny):
        for i in range(nx):
            t = (x + (i + 0.5) * w / nx - tw / 2, y + (j + 0.5) * h / ny - th / 2, tw, th)
            if 1 - sum(_overlap(t, p) for p in personal) / (tw * th) >= _TILE_FREE:
                free.append(t)
    if not free:
        return [box]
    step = max(1, -(-len(free) // _TILES))
    return free[::step][:_TILES]


def _print_texture(ctx: Context, f: FeatureSpec, v: RegisteredView, check_id: str,
                   ok: tuple[str, str], bad: tuple[str, str]) -> Finding:
    """Halftone-screen energy of the capture over the reference's, sampled in tiles."""
    box = _clip_box(ctx, f.box_mm)
    mine_sum = ref_sum = 0.0
    n = 0
    personal = _personal_boxes(ctx, f.side)
    for t in _tiles(ctx, f.side, box):
        img = v.crop(t, _TEXTURE_DPI)
        if img.ndim != 3:
            continue
        blank = _mask_out(img.shape[:2], t, personal, _TEXTURE_DPI, 0.5)
        blank &= _chan_max(img) > 110
        if not blank.any():
            continue
        ref = _resize(_ref_crop(ctx, f.side, "white", t), img.shape[:2])
        ref = np.asarray(cv2.GaussianBlur(ref, (0, 0), 0.7), np.float32)
        mine_sum += float(_screen_map(img)[blank].sum())
        ref_sum += float(_screen_map(ref)[blank].sum())
        n += int(blank.sum())
    if n == 0:
        return make_finding(check_id, Status.NOT_APPLICABLE,
                            "no blank print to examine (all personalised or dark).",
                            "нет свободного от данных участка печати.", view=v, box_mm=box)
    score = (mine_sum / n) / max(_SCREEN_FLOOR, ref_sum / n)
    if score > THRESHOLDS[check_id]:
        e = _screen_map(v.crop(box, _TEXTURE_DPI))
        _heat(ctx, check_id, v, box, np.asarray(cv2.GaussianBlur(e, (0, 0), 4), np.float32))
    return _judge(check_id, score, low_fails=False, view=v, box=box, ok=ok, bad=bad)


def guilloche_continuous(ctx: Context) -> Finding:
    """Halftone-screen energy of the guilloche area over the reference's; fails above."""
    cid = "feature.guilloche.continuous"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        return _print_texture(ctx, f, v, cid,
                              ("The guilloche lines are continuous, with no screen dots.",
                               "Линии гильоширной сетки непрерывны, растра нет."),
                              ("The guilloche lines break into halftone dots: scanned and "
                               "reprinted.",
                               "Линии гильоширной сетки распадаются на растровые точки: "
                               "скан и печать."))  # fmt: skip

    return _per_side(ctx, "guilloche", cid, one)
#: Gaussian scale (pixels at :data:`_TEXTURE_DPI`) below which the screen's dots lie: a
#: colour copy's 100 lpi dot screen is 2 pixels at 200 dpi.
_DOT_SIGMA = 0.8
#: Blur (pixels at :data:`_TEXTURE_DPI`) through which a dot screen looks smooth and the
#: design's lines and edges do not.
_DOT_SMOOTH = 1.5
#: Least noise floor (median fine chroma, levels): 8-bit rounding of a smooth gradient alone
#: measures 0.05-0.25 in a noiseless rendered view, whose UV view is flat.
_QUANT_FLOOR = 0.3


#: A rainbow tile's pixels taken as smooth print: the reference's fine detail there (chroma
#: and luminance, levels) stays below this, and this many pixels (at
#: :data:`_TEXTURE_DPI`) away from any that does not (lines, lettering, edges).
_SMOOTH_DETAIL, _SMOOTH_GAP_PX = 4.0, 3


def _fine_chroma(img: F32, sigma: float) -> F32:
    """Per pixel, the chroma (R-G, G-B) detail finer than ``sigma`` (summed magnitude)."""
    c = np.stack([img[..., 0] - img[..., 1], img[..., 1] - img[..., 2]], axis=-1)
    out: F32 = np.abs(c - cv2.GaussianBlur(c, (0, 0), sigma)).sum(axis=2)
    return out


def rainbow_smooth(ctx: Context) -> Finding:
    """Fine colour detail (a dot screen's) in the rainbow's smooth print, over the camera's
    own noise: the median over smooth pixels of tiles clear of personal data in white light
    less the same in the UV 365 nm view of the same position (no rainbow print shows in UV,
    the sensor's colour noise does); fails above. A split-duct rainbow blends without dots,
    a colour copy prints it as a CMYK dot screen."""
    cid = "feature.rainbow.smooth"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        uv = ctx.view("uv365", f.side)
        if uv is None:
            return _na(ctx, cid, "uv365", f.side)
        box = _clip_box(ctx, f.box_mm)
        personal = _personal_boxes(ctx, f.side)
        mine: list[F32] = []
        floor: list[F32] = []
        grow = np.ones((2 * _SMOOTH_GAP_PX + 1,) * 2, np.uint8)
        for t in _tiles(ctx, f.side, box):
            img = v.crop(t, _TEXTURE_DPI)
            if img.ndim != 3:
                continue
            ref = _resize(_ref_crop(ctx, f.side, "white", t), img.shape[:2])
            g = _lum(ref)
            detail = _fine_chroma(ref, 1.0) + np.abs(g - cv2.GaussianBlur(g, (0, 0), 1.0))
            # smooth in the reference and in the capture seen through a blur that averages a
            # screen's dots away (a registration a little off brings no design edge in)
            seen = np.asarray(cv2.GaussianBlur(img, (0, 0), _DOT_SMOOTH), np.float32)
            seen_detail = _fine_chroma(seen, 1.0) + np.abs(
                _lum(seen) - cv2.GaussianBlur(_lum(seen), (0, 0), 1.0))
            rough = (detail > _SMOOTH_DETAIL) | (seen_detail > _SMOOTH_DETAIL)
            smooth = cv2.dilate(rough.astype(np.uint8), grow) == 0
            smooth &= _mask_out(img.shape[:2], t, personal, _TEXTURE_DPI, 0.5)
            u = uv.crop(t, _TEXTURE_DPI)
            if smooth.sum() < 50 or u.ndim != 3:
                continue
            mine.append(_fine_chroma(img, _DOT_SIGMA)[smooth])
            floor.append(_fine_chroma(u, _DOT_SIGMA)[smooth])
        if not mine:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "no smooth rainbow print clear of personal data to examine.",
                                "нет свободного от данных участка ирисового фона.", view=v,
                                box_mm=box)  # fmt: skip
        score = float(np.median(np.concatenate(mine))) - max(
            _QUANT_FLOOR, float(np.median(np.concatenate(floor))))
        if score > THRESHOLDS[cid]:
            e = _fine_chroma(v.crop(box, _TEXTURE_DPI), _DOT_SIGMA)
            _heat(ctx, cid, v, box, np.asarray(cv2.GaussianBlur(e, (0, 0), 4), np.float32))
        return _judge(cid, score, low_fails=False, view=v, box=box,
                      ok=("The rainbow background changes hue smoothly.",
                          "Ирисовый фон переходит плавно."),
                      bad=("The rainbow background is a halftone screen with stepped "
                           "colours.",
                           "Ирисовый фон напечатан растром со ступенчатыми цветами."))

    return _per_side(ctx, "rainbow", cid, one)


#: Resolution the microprint is examined at (its 0.2-0.3 mm letters span 2-4 pixels).
_MICRO_DPI = 300
#: Gaussian scales (mm) that split letter-scale detail from line-scale structure.
_FINE_MM, _COARSE_MM = 0.1, 0.5


def _fine_share(img: F32) -> float:
    """Letter-scale detail over line-scale structure (std of two band-pass layers) of a
    crop at :data:`_MICRO_DPI`: fine print keeps it, a copy blurred at letter scale loses it."""
    g = _lum(img)
    k = _MICRO_DPI / 25.4
    fine = cv2.GaussianBlur(g, (0, 0), _FINE_MM * k)
    coarse = cv2.GaussianBlur(g, (0, 0), _COARSE_MM * k)
    return float((g - fine).std()) / max(1e-3, float((fine - coarse).std()))


def microprint_sharp(ctx: Context) -> Finding:
    """Letter-scale detail of the microprint line relative to that of the personalised text
    printed on the same side (which the capture blurs just as much: the score does not
    depend on the scanner or camera); fails below the threshold (a copy blurs the letters)."""
    cid = "feature.microprint.sharp"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        x, y, w, h = box
        micro = _fine_share(v.crop(_clip_box(ctx, (x, y - 0.3, w, h + 0.6)), _MICRO_DPI))
        texts = []
        for fld in ctx.model.fields:
            if fld.side != f.side:
                continue
            crop = v.crop(_value_box(fld), _MICRO_DPI)
            if _ink_share(crop) > 0.03:
                texts.append(_fine_share(crop))
            if len(texts) == 3:
                break
        if not texts:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "no printed text on this side to compare the microprint with.",
                                "на этой стороне нет текста для сравнения с микротекстом.",
                                view=v, box_mm=box)  # fmt: skip
        score = micro / max(1e-3, float(np.median(texts)))
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The microprint keeps its fine detail.",
                          "Микротекст сохраняет мелкие детали."),
                      bad=("The microprint is blurred into blobs: reproduced by copying.",
                           "Микротекст размыт: воспроизведён копированием."))

    return _per_side(ctx, "microprint", cid, one)
