"""Image checks: one per ``feature.*`` ID of ``docsec/models/data/feature_checks.json``.

Each check is a plain function of the :class:`~docsec.inspect.context.Context` returning one
:class:`~docsec.report.Finding` (the worst over the sides that carry the feature). Every
check measures a physical property of the feature in the light that shows it and compares
it with the model's unpersonalised reference (:mod:`docsec.inspect.reference`) or with the
document's own other lights, never with a personalised twin:

* UV 365: the substrate stays dull; fibres glow (and do not show in white light); the emblem
  glows with the reference's shape (and does not show in white light);
* IR: the MRZ and the carbon-ink fields absorb, dye-ink fields drop out (model ink table);
* white light under magnification: guilloche and rainbow print carry no halftone screen,
  microprint keeps its fine detail relative to the title print;
* transmitted light: watermark tone, dark thread band, laser-perforated holes;
* tilt: the hologram changes between frames, the OVI changes colour, the latent image
  appears in its frame;
* personalisation: ghost image present and the same face as the portrait, portrait in its
  box, MRZ in OCR-B, visual-zone fields in the model's typeface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect import tilt
from docsec.inspect.checkbase import (
    _LABEL_SKIP_MM,
    F32,
    THRESHOLDS,
    BoxMM,
    _clip_box,
    _features,
    _grow,
    _heat,
    _judge,
    _lum,
    _mask_out,
    _na,
    _ncc,
    _per_side,
    _personal_boxes,
    _ref_crop,
    _resize,
    _value_box,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.faces import (
    ghost_image_matches_portrait,
    ghost_image_present,
    portrait_intact,
    portrait_matches_holder,
    portrait_position,
)
from docsec.inspect.reference import REF_DPI, glyphs, reference
from docsec.inspect.register import RegisteredView
from docsec.inspect.traces import _GLUE_DPI, edge_profiles
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

__all__ = ["FEATURE_CHECKS", "THRESHOLDS"]

#: How far (mm) the transmitted-light features are looked for around where the registration
#: puts them: a registration off by a millimetre takes a 1.2 mm thread band off its box and
#: halves a watermark's correlation in place.
_SLIDE_MM = 1.5
#: Resolution (pixels per inch) the watermark is compared at (its tones span millimetres).
_WM_DPI = 50


def _slid_ncc(ctx: Context, v: RegisteredView, box: BoxMM, ref: F32, dpi: int,
              planes: Callable[[F32], F32]) -> float:
    """The best normalised correlation of ``ref`` (``box`` at ``dpi``, already in the
    planes compared) with the view's ``box`` shifted by up to :data:`_SLIDE_MM` (a
    registration a millimetre off halves a small feature's correlation in place)."""
    mine = planes(v.crop(_grow(box, _SLIDE_MM), dpi))
    if ref.ndim == 2:
        ref = ref[..., None]
    if mine.ndim == 2:
        mine = mine[..., None]
    if mine.shape[0] < ref.shape[0] or mine.shape[1] < ref.shape[1]:
        return max(_ncc(_resize(mine[..., c], ref.shape[:2]), ref[..., c])
                   for c in range(ref.shape[2]))
    return max(float(cv2.matchTemplate(np.ascontiguousarray(mine[..., c]),
                                       np.ascontiguousarray(ref[..., c]),
                                       cv2.TM_CCOEFF_NORMED).max())
               for c in range(ref.shape[2]))  # fmt: skip


def _box_shape(box: BoxMM, dpi: int) -> tuple[int, int]:
    k = dpi / 25.4
    return max(2, round(box[3] * k)), max(2, round(box[2] * k))


# --- UV 365 -----------------------------------------------------------------------------------


def uv_substrate_dull(ctx: Context) -> Finding:
    """Median UV brightness of blank paper over the reference's; fails above the threshold."""
    cid = "feature.uv_substrate.dull"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("uv365", f.side)
        if v is None:
            return _na(ctx, cid, "uv365", f.side)
        box = _clip_box(ctx, f.box_mm)
        mine = _lum(v.crop(box, 50))
        ref = _lum(_ref_crop(ctx, f.side, "uv365", box))
        ref = _resize(ref, mine.shape)
        blank = _mask_out(mine.shape, box, _personal_boxes(ctx, f.side), 50, 1.0)
        blank &= ref < np.percentile(ref, 60)
        if blank.sum() < 20:
            blank = np.ones_like(blank)
        score = float(np.median(mine[blank])) / max(8.0, float(np.median(ref[blank])))
        return _judge(cid, score, low_fails=False, view=v, box=box,
                      ok=("The substrate stays dull under UV 365 nm.",
                          "Подложка в УФ 365 нм не светится."),
                      bad=("The paper glows under UV 365 nm: optical brightener, not "
                           "security paper.",
                           "Бумага светится в УФ 365 нм: оптический отбеливатель, "
                           "не защищённая бумага."))  # fmt: skip

    return _per_side(ctx, "uv_dull_substrate", cid, one)


def _fibre_mask(ctx: Context, f: FeatureSpec, v: RegisteredView) -> tuple[NDArray[np.bool_], float]:
    """Pixels of glowing fibres in blank UV areas (100 dpi) and the share of blank area."""
    key = f"fibres/{f.side}"
    if key in ctx.memo:
        out: tuple[NDArray[np.bool_], float] = ctx.memo[key]
        return out
    box = _clip_box(ctx, f.box_mm)
    uv = v.crop(box, 100)
    bg = cv2.medianBlur(np.ascontiguousarray(uv.astype(np.uint8)), 7).astype(np.float32)
    glow = _chan_max(uv - bg)
    chroma = _chan_max(uv) - _chan_min(uv)
    ref = _ref_crop(ctx, f.side, "uv365", box)
    ref = _resize(ref, uv.shape[:2])
    glowing = [g.box_mm for g in ctx.model.features
               if g.side == f.side and g.kind in ("security_thread", "uv_emblem")]
    blank = _mask_out(uv.shape[:2], box, _personal_boxes(ctx, f.side) + glowing, 100, 1.0)
    blank &= _lum(ref) < np.percentile(_lum(ref), 70) + 6
    mask = (glow > 35) & (chroma > 60) & blank
    share = float(blank.mean())
    ctx.memo[key] = (mask, share)
    return mask, share


def uv_fibres_present(ctx: Context) -> Finding:
    """Glowing fibre pixels per cm² of blank substrate; fails below the threshold."""
    cid = "feature.uv_fibres.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("uv365", f.side)
        if v is None:
            return _na(ctx, cid, "uv365", f.side)
        mask, share = _fibre_mask(ctx, f, v)
        area_cm2 = max(0.1, f.box_mm[2] * f.box_mm[3] / 100.0 * share)
        n, _ = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        score = (n - 1) / area_cm2
        _heat(ctx, cid, v, _clip_box(ctx, f.box_mm),
              np.asarray(cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)),
                         np.float32))  # fmt: skip
        return _judge(cid, score, low_fails=True, view=v, box=_clip_box(ctx, f.box_mm),
                      ok=("Fluorescent fibres glow under UV 365 nm.",
                          "В УФ 365 нм видны люминесцентные волокна."),
                      bad=("No fluorescent fibres appear under UV 365 nm.",
                           "В УФ 365 нм люминесцентных волокон нет."))  # fmt: skip

    return _per_side(ctx, "uv_fibres", cid, one)


def uv_fibres_invisible_in_white(ctx: Context) -> Finding:
    """Colour contrast in white light on the fibres found in UV, over their surroundings."""
    cid = "feature.uv_fibres.invisible_in_white"

    def one(f: FeatureSpec) -> Finding:
        uv = ctx.view("uv365", f.side)
        white = ctx.view("white", f.side)
        if uv is None or white is None:
            return _na(ctx, cid, "uv365" if uv is None else "white", f.side)
        mask, _ = _fibre_mask(ctx, f, uv)
        box = _clip_box(ctx, f.box_mm)
        if mask.sum() < 10:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "no fibres were found under UV to look for in white light.",
                                "в УФ волокна не найдены, сравнивать нечего.",
                                view=white, box_mm=box)  # fmt: skip
        img = white.crop(box, 100)
        bg = cv2.medianBlur(np.ascontiguousarray(img.astype(np.uint8)), 7).astype(np.float32)
        dev = np.abs(img - bg).sum(axis=2)
        m8 = mask.astype(np.uint8)
        ring = (np.asarray(cv2.dilate(m8, np.ones((5, 5), np.uint8)), bool)
                & ~np.asarray(cv2.dilate(m8, np.ones((3, 3), np.uint8)), bool))
        # medians: a few fibres lying on dark print do not make the paper look printed on
        score = float(np.median(dev[mask])) - float(np.median(dev[ring]))
        return _judge(cid, score, low_fails=False, view=white, box=box,
                      ok=("The fibres cannot be seen in white light (embedded in the paper).",
                          "В белом свете волокна не видны (они в толще бумаги)."),
                      bad=("The fibres show in white light: they are printed on the surface.",
                           "Волокна видны в белом свете: они напечатаны на поверхности."))

    return _per_side(ctx, "uv_fibres", cid, one)


def uv_fibres_random(ctx: Context) -> Finding:
    """Fibre positions can only be compared across copies: not applicable on one document."""
    cid = "feature.uv_fibres.random"
    if not _features(ctx, "uv_fibres"):
        return _per_side(ctx, "uv_fibres", cid, lambda f: make_finding(cid, Status.PASS, "", ""))
    return make_finding(cid, Status.NOT_APPLICABLE,
                        "fibre positions are compared across several copies of the model; "
                        "one document cannot show that they repeat.",
                        "расположение волокон сравнивают на нескольких экземплярах; "
                        "по одному документу повтор не виден.", view_name="uv365")


def _emblem_template(ctx: Context, side: str, box: BoxMM, shape: tuple[int, ...]) -> F32:
    ref = _ref_crop(ctx, side, "uv365", box)
    return _resize(_lum(ref), shape[:2])


def uv_emblem_present(ctx: Context) -> Finding:
    """Correlation of the UV emblem area (blue channel) with the reference emblem, the best
    over shifts of up to :data:`_SLIDE_MM`; fails below."""
    cid = "feature.uv_emblem.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("uv365", f.side)
        if v is None:
            return _na(ctx, cid, "uv365", f.side)
        box = _clip_box(ctx, f.box_mm)
        tmpl = _emblem_template(ctx, f.side, box, _box_shape(box, 50))
        score = _slid_ncc(ctx, v, box, tmpl, 50,
                          lambda m: m[..., 2] if m.ndim == 3 else m)  # fmt: skip
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The UV emblem glows and matches the design.",
                          "УФ-эмблема светится и соответствует образцу."),
                      bad=("The UV-fluorescent emblem is missing or does not match the design.",
                           "УФ-эмблема отсутствует или не соответствует образцу."))

    return _per_side(ctx, "uv_emblem", cid, one)


def uv_emblem_invisible_in_white(ctx: Context) -> Finding:
    """Correlation (either sign) of the white-light blue-minus-red tint with the emblem
    shape; fails above."""
    cid = "feature.uv_emblem.invisible_in_white"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        mine = v.crop(box, 50)
        tint = mine[..., 2] - mine[..., 0]
        tmpl = _emblem_template(ctx, f.side, box, mine.shape)
        ink = _chan_max(mine) > 120  # leave dark personalisation out
        score = abs(_ncc(tint, tmpl, ink)) if ink.sum() > 50 else 0.0
        return _judge(cid, score, low_fails=False, view=v, box=box,
                      ok=("The UV emblem cannot be seen in white light.",
                          "УФ-эмблема не видна в белом свете."),
                      bad=("The UV emblem shows in white light: printed with a visible ink.",
                           "УФ-эмблема видна в белом свете: напечатана видимой краской."))

    return _per_side(ctx, "uv_emblem", cid, one)


# --- IR ---------------------------------------------------------------------------------------


def _ink_share(img: F32) -> float:
    """Share of dark (ink) pixels: darker than half way from ink to the paper level."""
    g = _chan_max(img) if img.ndim == 3 else img
    paper = float(np.percentile(g, 90))
    return float((g < paper * 0.55).mean())


def ir_mrz_dark(ctx: Context) -> Finding:
    """MRZ ink share in IR over that in white light; fails below (IR-transparent reprint)."""
    cid = "feature.ir_mrz.dark"

    def one(f: FeatureSpec) -> Finding:
        ir, white = ctx.view("ir", f.side), ctx.view("white", f.side)
        if ir is None or white is None:
            return _na(ctx, cid, "ir" if ir is None else "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        w_share = _ink_share(white.crop(box, 100))
        if w_share < 0.01:
            return make_finding(cid, Status.ERROR, "no MRZ print was found in white light.",
                                "МСЗ в белом свете не найдена.", view=white, box_mm=box)
        score = _ink_share(ir.crop(box, 100, gray=True)) / w_share
        return _judge(cid, score, low_fails=True, view=ir, box=box,
                      ok=("The MRZ absorbs infrared (carbon ink).",
                          "МСЗ поглощает ИК (углеродная краска)."),
                      bad=("The MRZ fades in IR: reprinted with an ink that does not absorb "
                           "infrared.",
                           "МСЗ пропадает в ИК: перепечатана краской, не поглощающей ИК."))

    return _per_side(ctx, "ir_mrz", cid, one)


def ir_fields_dark(ctx: Context) -> Finding:
    """Per field, ink share in IR over white; carbon fields must keep it, dye fields lose it."""
    cid = "feature.ir_fields.dark"
    t = THRESHOLDS[cid]

    def one(feat: FeatureSpec) -> Finding:
        ir, white = ctx.view("ir", feat.side), ctx.view("white", feat.side)
        if ir is None or white is None:
            return _na(ctx, cid, "ir" if ir is None else "white", feat.side)
        worst_margin, worst_f, worst_ratio, worst_dark = np.inf, None, 0.0, True
        for f in ctx.model.fields:
            if f.side != feat.side:
                continue
            box = _value_box(f)
            w_share = _ink_share(white.crop(box, 100))
            if w_share < 0.02:
                continue
            ratio = _ink_share(ir.crop(box, 100, gray=True)) / w_share
            dark = ctx.model.inks[f.ink].ir > 0
            margin = (ratio - t) if dark else (t - ratio)
            if margin < worst_margin:
                worst_margin, worst_f, worst_ratio, worst_dark = margin, f, ratio, dark
        if worst_f is None:
            return make_finding(cid, Status.ERROR, "no visual-zone print was found.",
                                "печать визуальной зоны не найдена.", view=white)
        box = _value_box(worst_f)
        if worst_margin >= 0:
            return make_finding(cid, Status.PASS,
                                "Every field shows in IR exactly as the model's ink table says.",
                                "Каждое поле в ИК видно так, как предписано для модели.",
                                score=worst_ratio, threshold=t, view=ir, box_mm=box,
                                field_name=worst_f.name)  # fmt: skip
        en = (f"Field {worst_f.name} vanishes in IR although the model prints it in carbon ink: "
              "it was altered and rewritten." if worst_dark else
              f"Field {worst_f.name} stays dark in IR although the model prints it in dye ink.")
        ru = (f"Поле {worst_f.name} пропадает в ИК, хотя печатается углеродной краской: "
              "данные изменены." if worst_dark else
              f"Поле {worst_f.name} видно в ИК, хотя печатается красителем.")
        return make_finding(cid, Status.FAIL, en, ru, score=worst_ratio, threshold=t, view=ir,
                            box_mm=box, field_name=worst_f.name)

    return _per_side(ctx, "ir_fields", cid, one)


# --- white light under magnification -------------------------------------------------------


#: Resolution the print texture is examined at (a halftone screen's cells are 3-5 pixels).
_TEXTURE_DPI = 200
#: Side (mm) of the tiles the print texture is sampled in, and how many are read: the
#: screen of a reprint covers the whole feature, so a spread sample judges it.
_TILE_MM, _TILES = 8.0, 9
#: Least screen energy the capture is judged against: a clean scanner's sensor noise alone
#: measures 2-4 (the reference of a plain design measures less), a reprint's screen 15-25.
_SCREEN_FLOOR = 3.0
#: Least share of a tile clear of personalised areas for it to be sampled.
_TILE_FREE = 0.6


def _screen_map(img: F32) -> F32:
    """Fine-scale chroma variation (halftone dots) per pixel."""
    c = np.stack([img[..., 0] - img[..., 1], img[..., 1] - img[..., 2]], axis=-1)
    fine = c - cv2.GaussianBlur(c, (0, 0), 1.5)
    out: F32 = np.abs(fine).sum(axis=2)
    return out


def _chan_max(img: NDArray[Any]) -> NDArray[Any]:
    """The largest channel of each pixel (as ``img.max(axis=2)``, a few times faster: numpy
    reduces a short last axis slowly)."""
    out: NDArray[Any] = np.array(img[..., 0])
    for c in range(1, img.shape[2]):
        np.maximum(out, img[..., c], out=out)
    return out


def _chan_min(img: NDArray[Any]) -> NDArray[Any]:
    """The smallest channel of each pixel (as ``img.min(axis=2)``)."""
    out: NDArray[Any] = np.array(img[..., 0])
    for c in range(1, img.shape[2]):
        np.minimum(out, img[..., c], out=out)
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


#: A rainbow tile's pixels taken as smooth print: the reference's fine detail there (chroma
#: and luminance, levels) stays below this, and this many pixels (at
#: :data:`_TEXTURE_DPI`) away from any that does not (lines, lettering, edges).
_SMOOTH_DETAIL, _SMOOTH_GAP_PX = 4.0, 3
#: Gaussian scale (pixels at :data:`_TEXTURE_DPI`) below which the screen's dots lie: a
#: colour copy's 100 lpi dot screen is 2 pixels at 200 dpi.
_DOT_SIGMA = 0.8
#: Blur (pixels at :data:`_TEXTURE_DPI`) through which a dot screen looks smooth and the
#: design's lines and edges do not.
_DOT_SMOOTH = 1.5
#: Least noise floor (median fine chroma, levels): 8-bit rounding of a smooth gradient alone
#: measures 0.05-0.25 in a noiseless rendered view, whose UV view is flat.
_QUANT_FLOOR = 0.3


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


# --- transmitted light ------------------------------------------------------------------------


def watermark_present(ctx: Context) -> Finding:
    """Correlation of the transmitted-light watermark with the reference's, the best over
    shifts of up to :data:`_SLIDE_MM` (registration); fails below (no watermark, or a printed
    imitation: one flat tone, never lighter than the paper)."""
    cid = "feature.watermark.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("transmitted", f.side)
        if v is None:
            return _na(ctx, cid, "transmitted", f.side)
        box = _clip_box(ctx, f.box_mm)
        ref = _resize(_lum(_ref_crop(ctx, f.side, "transmitted", box)), _box_shape(box, _WM_DPI))
        score = _slid_ncc(ctx, v, box, ref, _WM_DPI, _lum)
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The multitone watermark shows in transmitted light.",
                          "Многотоновый водяной знак виден на просвет."),
                      bad=("No multitone watermark shows in transmitted light.",
                           "На просвет водяного знака нет."))

    return _per_side(ctx, "watermark", cid, one)


def watermark_invisible_in_white(ctx: Context) -> Finding:
    """Correlation of white-light darkening with the watermark's tone; fails above."""
    cid = "feature.watermark.invisible_in_white"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        mine = v.crop(box, 50)
        ref = _resize(_lum(_ref_crop(ctx, f.side, "transmitted", box)), mine.shape[:2])
        paper = float(np.median(reference(ctx.model.id, f.side, "transmitted")))
        tone = np.abs(ref - paper)
        keep = _chan_max(mine) > 120
        score = _ncc(-_lum(mine), tone, keep) if keep.sum() > 30 else 0.0
        return _judge(cid, score, low_fails=False, view=v, box=box,
                      ok=("The watermark does not show in reflected white light.",
                          "В отражённом свете водяной знак не виден."),
                      bad=("The watermark shows in reflected light: printed on the surface.",
                           "Водяной знак виден в отражённом свете: напечатан на поверхности."))

    return _per_side(ctx, "watermark", cid, one)


#: Width (mm) of the paper either side of the thread the band is compared with, and the gap
#: (mm) left between them (the band's soft edges).
_FLANK_MM, _FLANK_GAP_MM = 2.0, 0.5


def _band_contrast(profile: NDArray[np.float64], nominal: int, width: int, reach: int,
                   flank: int, gap: int) -> float:
    """The largest contrast (flanks' median less the band's mean, levels) of a band of
    ``width`` columns starting within ``reach`` of ``nominal`` in a column profile."""
    best = -np.inf
    for p in range(nominal - reach, nominal + reach + 1):
        if p < 0 or p + width > len(profile):
            continue
        sides = np.concatenate([profile[max(0, p - gap - flank) : max(0, p - gap)],
                                profile[p + width + gap : p + width + gap + flank]])
        if sides.size:
            best = max(best, float(np.median(sides)) - float(profile[p : p + width].mean()))
    return best


def security_thread_present(ctx: Context) -> Finding:
    """Contrast of the thread band against the paper either side, the band looked for within
    :data:`_SLIDE_MM` of its box: dark in transmitted light, bright in UV (the weaker of the
    two, in 0..1 of the level range); fails below."""
    cid = "feature.security_thread.present"

    def one(f: FeatureSpec) -> Finding:
        box = _clip_box(ctx, f.box_mm)
        x, y, w, h = box
        dpi = 100
        k = dpi / 25.4
        reach_mm = _SLIDE_MM + _FLANK_GAP_MM + _FLANK_MM
        wide = _clip_box(ctx, (x - reach_mm, y, w + 2 * reach_mm, h))
        scores: list[tuple[float, RegisteredView]] = []
        for light in ("transmitted", "uv365"):
            v = ctx.view(light, f.side)
            if v is None:
                continue
            prof = np.median(_lum(v.crop(wide, dpi)), axis=0).astype(np.float64)
            if light == "uv365":  # the thread glows: bright on dull paper
                prof = -prof
            c = _band_contrast(prof, round((x - wide[0]) * k), max(1, round(w * k)),
                               round(_SLIDE_MM * k), round(_FLANK_MM * k),
                               round(_FLANK_GAP_MM * k))  # fmt: skip
            scores.append((c / 255.0, v))
        if not scores:
            return _na(ctx, cid, "transmitted", f.side)
        score, v = min(scores, key=lambda s: s[0])
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The security thread shows (dark band in transmitted light, glowing "
                          "in UV).",
                          "Защитная нить видна (тёмная полоса на просвет, свечение в УФ)."),
                      bad=("No security thread appears where the model has one.",
                           "Защитной нити нет там, где она должна быть."))

    return _per_side(ctx, "security_thread", cid, one)


def laser_perforation_matches_number(ctx: Context) -> Finding:
    """Reads the perforated number (holes in transmitted light) and compares it, glyph by
    glyph, with the MRZ document number; the score is the largest Hamming margin by which
    another character fits a glyph better than the expected one (fails above)."""
    cid = "feature.laser_perforation.matches_number"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("transmitted", f.side)
        if v is None:
            return _na(ctx, cid, "transmitted", f.side)
        number = _document_number(ctx)
        box = _clip_box(ctx, f.box_mm)
        if not number:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "no document number was read to compare with.",
                                "номер документа не прочитан, сравнивать не с чем.",
                                view=v, box_mm=box)  # fmt: skip
        grid = _hole_grid(_lum(v.crop(box, 300)))
        cells = _split_glyphs(grid, len(number)) if grid is not None else []
        if len(cells) != len(number):
            return make_finding(cid, Status.ERROR,
                                "the perforated number could not be read in transmitted light.",
                                "перфорированный номер на просвет не читается.",
                                view=v, box_mm=box, expected=number)  # fmt: skip
        g = glyphs()
        read, margin = [], 0.0
        for cell, want in zip(cells, number, strict=True):
            # the perforated number keeps the MRZ number's shape: digits where it has digits
            same_kind = {c: t for c, t in g.items() if c.isdigit() == want.isdigit()}
            dists = {c: _glyph_distance(cell, t) for c, t in same_kind.items()}
            best = min(dists, key=lambda c: dists[c])
            read.append(best)
            if want in dists:
                margin = max(margin, dists[want] - dists[best])
        found = "".join(read)
        t = THRESHOLDS[cid]
        if sum(a != b for a, b in zip(found, number, strict=True)) > _PERF_MAX_DIFFER:
            # a re-perforated number differs in a digit or two; most glyphs misread is a
            # dot matrix this capture does not resolve (a phone photo at 200 dpi), not
            # another number: the view cannot show it, as a missing view could not
            return make_finding(cid, Status.NOT_APPLICABLE,
                                f"the transmitted view does not resolve the perforated dots "
                                f"(read {found}): compare the number with {number} by eye "
                                "against the light.",
                                f"снимок на просвет не разрешает точки перфорации (прочитано "
                                f"{found}): сверьте номер с {number} визуально на просвет.",
                                view=v, box_mm=box, expected=number, found=found,
                                score=margin, threshold=t)  # fmt: skip
        failed = margin > t
        return make_finding(
            cid, Status.FAIL if failed else Status.PASS,
            f"The perforated number reads {found}, the document number is {number}."
            if failed else "The laser-perforated number equals the document number.",
            f"Перфорированный номер {found}, номер документа {number}."
            if failed else "Перфорированный номер совпадает с номером документа.",
            score=margin, threshold=t, view=v, box_mm=box, expected=number, found=found)

    return _per_side(ctx, "laser_perforation", cid, one)


def _document_number(ctx: Context) -> str | None:
    if ctx.mrz is None:
        return None
    f = ctx.mrz.fields.get("document_number")
    return str(f.value) if f is not None and f.value else None


_PERF_ROWS = 9
#: Most characters a read of the perforated number may differ in from the document number
#: and still be judged (more is a read that failed).
_PERF_MAX_DIFFER = 2


def _hole_grid(gray: F32) -> NDArray[np.bool_] | None:
    """The dot matrix of bright holes (True = hole), one cell per hole pitch."""
    paper = float(np.median(gray))
    holes = (gray > paper + max(12.0, (255.0 - paper) * 0.4)).astype(np.uint8)
    n, _, stats, cents = cv2.connectedComponentsWithStats(holes, connectivity=8)
    if n < 10:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = areas >= max(2, np.median(areas) * 0.3)
    pts = cents[1:][keep]
    if len(pts) < 10:
        return None
    # the font is 9 dots high and capitals and digits fill the rows: the holes' vertical
    # extent is about 8 pitches; the pitch itself is the median step between the rows of
    # holes found (a stray hole or a row's jitter does not stretch it)
    rough = float(pts[:, 1].max() - pts[:, 1].min()) / (_PERF_ROWS - 1)
    if rough < 1.5:
        return None
    pitch = _row_pitch(pts[:, 1], rough)
    gy = _grid_index(pts[:, 1], pitch)
    gx = _grid_index(pts[:, 0], pitch)
    if gy.max() >= _PERF_ROWS + 2 or gx.max() > 400:
        return None
    grid = np.zeros((gy.max() + 1, gx.max() + 1), bool)
    grid[gy, gx] = True
    return grid


def _row_pitch(coords: NDArray[np.float64], rough: float) -> float:
    """The dot pitch: the median step between consecutive rows of holes (rows split where
    the sorted coordinates jump by more than 40 % of the ``rough`` pitch)."""
    c = np.sort(coords)
    starts = np.concatenate([[True], np.diff(c) > rough * 0.4])
    cluster = np.cumsum(starts) - 1
    centres = np.array([c[cluster == k].mean() for k in range(cluster.max() + 1)])
    steps = np.diff(centres)
    steps = steps[steps < rough * 1.6]  # the gaps of unused rows are no step
    return float(np.median(steps)) if steps.size >= 3 else rough


def _grid_index(coords: NDArray[np.float64], pitch: float) -> NDArray[np.intp]:
    """Grid index of each coordinate: clusters split at gaps over half a pitch, each
    cluster placed at its distance from the first in whole pitches."""
    order = np.argsort(coords)
    c = coords[order]
    starts = np.concatenate([[True], np.diff(c) > pitch * 0.5])
    cluster = np.cumsum(starts) - 1
    centres = np.array([c[cluster == k].mean() for k in range(cluster.max() + 1)])
    index = np.round((centres - centres[0]) / pitch).astype(np.intp)
    out = np.empty(len(coords), np.intp)
    out[order] = index[cluster]
    return out


def _split_glyphs(grid: NDArray[np.bool_], n: int) -> list[NDArray[np.bool_]]:
    """Cut the dot matrix into ``n`` characters of the monospaced font's advance: the
    advance and offset that put the fewest holes on the cuts (glyphs may touch)."""
    height, width = grid.shape
    if n < 1 or width < n:
        return []
    cols = grid.sum(axis=0).astype(np.float64)
    best: tuple[float, float, float] | None = None
    for advance in np.arange(max(2.0, width / n - 1.5), width / n + 1.51, 0.1):
        for off in np.arange(-advance * 0.5, 0.01, 0.25):
            cuts = [round(off + k * advance) for k in range(1, n)]
            if not all(0 < c < width for c in cuts):
                continue
            cost = float(sum(cols[c] for c in cuts)) + abs(off + n * advance - width) * 0.5
            if best is None or cost < best[0]:
                best = (cost, float(advance), float(off))
    if best is None:
        return []
    _, advance, off = best
    edges = [0] + [round(off + k * advance) for k in range(1, n)] + [width]
    out = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        cell = grid[:, a:b]
        used = np.nonzero(cell.any(axis=0))[0]
        if used.size == 0:
            return []
        out.append(cell[:, used[0] : used[-1] + 1])
    return out


def _glyph_distance(cell: NDArray[np.bool_], tmpl: NDArray[np.bool_]) -> float:
    """Fewest differing dots between ``cell`` and ``tmpl`` over small alignments."""
    h = max(cell.shape[0], tmpl.shape[0]) + 1
    w = max(cell.shape[1], tmpl.shape[1]) + 2
    a = np.zeros((h, w), bool)
    a[: cell.shape[0], : cell.shape[1]] = cell
    th, tw = tmpl.shape
    # the template at each of its six offsets against the cell at each of its three shifts,
    # all eighteen pairs counted at once
    b = np.zeros((6, h, w), bool)
    for k, (dy, dx) in enumerate((dy, dx) for dy in (0, 1) for dx in (0, 1, 2)):
        b[k, dy : dy + th, dx : dx + tw] = tmpl[: h - dy, : w - dx]
    rolled = np.stack([np.roll(a, ax, axis=1) for ax in (0, 1, 2)])
    return float((rolled[:, None] ^ b[None]).sum(axis=(2, 3)).min())


#: Band along the page's edge (mm inside the edge found in the capture) whose UV level is
#: compared with the reference's: clear of the edge's own soft transition.
_INTACT_BAND_MM = (0.4, 1.0)
#: ... and the band further in (mm) that gives the page's own level: a capture's lighting and
#: a registration so far off that both bands fall on the background cancel out.
_INTACT_INNER_MM = (1.5, 2.5)


def page_intact(ctx: Context) -> Finding:
    """Adhesive along the page's edges under UV 365 nm: the level of the band 0.4-1.0 mm
    inside each edge (the edge found in the capture, so a loose registration lets no
    background in) over that of the paper 1.5-2.5 mm in, beyond what the reference shows,
    the median over pieces of each edge and then over the edges; fails above."""
    cid = "feature.page.intact"
    side = ctx.model.mrz.side if ctx.model.mrz is not None else "front"
    uv = ctx.view("uv365", side)
    if uv is None:
        return _na(ctx, cid, "uv365", side)
    w, h = ctx.model.size_mm
    page = (0.0, 0.0, w, h)
    edges = edge_profiles(ctx, uv, side)
    k = _GLUE_DPI / 25.4
    b0, b1 = (round(m * k) for m in _INTACT_BAND_MM)
    i0, i1 = (round(m * k) for m in _INTACT_INNER_MM)
    lifts = []
    for pieces in edges or []:
        per_piece = [float(p[b0:b1].mean() - r[b0:b1].mean()
                           - (p[i0:i1].mean() - r[i0:i1].mean())) for p, r in pieces
                     if len(p) > i1 and len(r) > i1]  # fmt: skip
        if per_piece:
            lifts.append(float(np.median(per_piece)))
    if not lifts:
        return make_finding(cid, Status.ERROR, "the page's edges could not be profiled.",
                            "края страницы не удалось проанализировать.", view=uv)
    score = float(np.median(lifts))
    return _judge(cid, score, low_fails=False, view=uv, box=page,
                  ok=("No adhesive shows along the page's edges.",
                      "По краям страницы клея нет."),
                  bad=("Adhesive fluoresces along the page's edges: the data page was glued in.",
                       "По краям страницы в УФ светится клей: страница вклеена."))


# --- tilt ------------------------------------------------------------------------------------


def _tilts(ctx: Context, side: str) -> list[RegisteredView]:
    out = []
    for k in range(1, 10):
        v = ctx.view(f"tilt_{k}", side)
        if v is not None:
            out.append(v)
    return out


def _opponent(img: F32) -> F32:
    """The two colour-opponent planes (R-G, G-B) of an RGB crop (lighting cancels out)."""
    if img.ndim != 3:
        return img
    out: F32 = np.stack([img[..., 0] - img[..., 1], img[..., 1] - img[..., 2]], axis=-1)
    return out


def hologram_present(ctx: Context) -> Finding:
    """Colour correlation of the OVD patch with the reference frame (the better of two
    colour-opponent planes, the best shift within :data:`_SLIDE_MM`), worst over the frames;
    fails below."""
    cid = "feature.hologram.present"

    def one(f: FeatureSpec) -> Finding:
        frames = [v for v in (ctx.view("white", f.side), *_tilts(ctx, f.side)) if v is not None]
        if not frames:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        scores = []
        for v in frames:
            ref = _resize(_ref_crop(ctx, f.side, v.light, box), _box_shape(box, 50))
            if ref.ndim != 3:
                continue
            scores.append((_slid_ncc(ctx, v, box, _opponent(ref), 50, _opponent), v))
        if not scores:
            return _na(ctx, cid, "white", f.side)
        score, v = min(scores, key=lambda s: s[0])
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The hologram patch is present in every frame.",
                          "Голограмма есть на всех кадрах."),
                      bad=("The hologram patch is missing.", "Голограммы нет."))

    return _per_side(ctx, "hologram", cid, one)


def hologram_dynamic(ctx: Context) -> Finding:
    """Change of the OVD patch between the first and last tilt frames beyond the change
    around it; fails below the threshold (a static imitation does not change)."""
    cid = "feature.hologram.dynamic"

    def one(f: FeatureSpec) -> Finding:
        frames = _tilts(ctx, f.side)
        if len(frames) < 2:
            return _na(ctx, cid, "tilt_1" if not frames else "tilt_3", f.side)
        box = _clip_box(ctx, f.box_mm)
        x, y, w, h = box
        around = _clip_box(ctx, (x - 3, y - 3, w + 6, h + 6))
        a, b = frames[0].crop(around, 50), frames[-1].crop(around, 50)
        diff = np.abs(a - b).sum(axis=2) if a.ndim == 3 else np.abs(a - b)
        inside = ~_mask_out(diff.shape, around, [box], 50, -0.5)
        score = float(diff[inside].mean()) - float(diff[~inside].mean())
        _heat(ctx, cid, frames[-1], around, np.asarray(diff, np.float32))
        return _judge(cid, score, low_fails=True, view=frames[-1], box=box,
                      ok=("The hologram changes between tilt frames.",
                          "Голограмма меняется при наклоне."),
                      bad=("The hologram does not change under tilt: a static imitation.",
                           "Голограмма не меняется при наклоне: статичная имитация."))

    return _per_side(ctx, "hologram", cid, one)


def latent_image_present(ctx: Context) -> Finding:
    """Change of the latent image's box between its revealing frame and another, over the
    reference's change (1 when it appears as in the reference, 0 when it does not); fails
    below."""
    cid = "feature.latent_image.present"

    def one(f: FeatureSpec) -> Finding:
        feature_view = next((k for k in f.views if k.startswith("tilt_")), "tilt_2")
        show = ctx.view(feature_view, f.side)
        base = ctx.view("tilt_1", f.side) if feature_view != "tilt_1" else None
        base = base or ctx.view("white", f.side)
        if show is None or base is None:
            return _na(ctx, cid, feature_view if show is None else "tilt_1", f.side)
        box = _clip_box(ctx, f.box_mm)
        # how much the box changes between the revealing frame and the other one, beyond
        # what changes in every frame (the hologram), against the reference's change
        moving = [_grow(g.box_mm, 1.0) for g in ctx.model.features
                  if g.side == f.side and g.kind in ("hologram", "ovi")]
        ra = _lum(_ref_crop(ctx, f.side, base.light, box))
        rb = _lum(_ref_crop(ctx, f.side, feature_view, box))
        keep_r = _mask_out(ra.shape, box, moving, REF_DPI, 0.0)
        expect = float(np.abs(ra - rb)[keep_r].mean()) if keep_r.any() else 0.0
        a = _lum(base.crop(box, REF_DPI))
        b = _lum(show.crop(box, REF_DPI))
        keep = _mask_out(a.shape, box, moving, REF_DPI, 0.0)
        got = float(np.abs(a - b)[keep].mean()) if keep.any() else 0.0
        score = got / max(0.5, expect)
        return _judge(cid, score, low_fails=True, view=show, box=box,
                      ok=("The latent image appears at its tilt angle.",
                          "Скрытое изображение проявляется при наклоне."),
                      bad=("The latent image does not appear at the tilt angle that reveals "
                           "it.",
                           "Скрытое изображение не проявляется при наклоне."))

    return _per_side(ctx, "latent_image", cid, one)


# --- fonts ----------------------------------------------------------------------------------


def mrz_font_ocr_b(ctx: Context) -> Finding:
    """Mean OCR-B classifier confidence of the MRZ characters; fails below."""
    cid = "feature.mrz_font.ocr_b"

    def one(f: FeatureSpec) -> Finding:
        reading = ctx.readings.get(f.side)
        v = ctx.view("white", f.side)
        if reading is None or reading.mrz is None or v is None:
            return make_finding(cid, Status.ERROR, "no MRZ was read on this side.",
                                "МСЗ на этой стороне не прочитана.", view=v,
                                box_mm=f.box_mm)  # fmt: skip
        score = float(reading.mrz.mean_confidence)
        return _judge(cid, score, low_fails=True, view=v, box=_clip_box(ctx, f.box_mm),
                      ok=("The MRZ is printed in OCR-B.", "МСЗ напечатана шрифтом OCR-B."),
                      bad=("The MRZ glyphs are not OCR-B: reprinted in another typeface.",
                           "Символы МСЗ не OCR-B: перепечатана другим шрифтом."))

    return _per_side(ctx, "mrz_font", cid, one)


def viz_font_consistent(ctx: Context) -> Finding:
    """Cap line of each field in its box against the other fields set in the same typeface
    and size: a field set in another typeface stands higher or lower (its ascent differs).
    The score is the largest departure from the median (mm); fails above the threshold."""
    cid = "feature.viz_font.consistent"

    def one(feat: FeatureSpec) -> Finding:
        v = ctx.view("white", feat.side)
        if v is None:
            return _na(ctx, cid, "white", feat.side)
        dpi = 300
        tops: dict[str, float] = {}
        groups: dict[str, tuple[str, float, float]] = {}
        for f in ctx.model.fields:
            if f.side != feat.side:
                continue
            img = v.crop(_value_box(f), dpi)
            g = _chan_max(img) if img.ndim == 3 else img
            ink = g < float(np.percentile(g, 90)) * 0.55
            ink[: round(_LABEL_SKIP_MM * dpi / 25.4)] = False  # the label's descenders
            rows = np.nonzero(ink.sum(axis=1) >= 3)[0]
            if rows.size < 5 or ink.sum() < 40:
                continue
            tops[f.name] = float(rows[0]) * 25.4 / dpi
            groups[f.name] = (f.font, f.size_mm, round(f.box_mm[1], 1))
        worst: tuple[float, str] | None = None
        for name, top in tops.items():
            # fields on the same line, in the same typeface and size, share their cap line
            peers = [t for n, t in tops.items() if n != name and groups[n] == groups[name]]
            if not peers:
                continue
            dev = abs(top - float(np.median(peers)))
            if worst is None or dev > worst[0]:
                worst = (dev, name)
        if worst is None:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "too few fields in one typeface to compare.",
                                "слишком мало полей одного шрифта для сравнения.", view=v)
        score, name = worst
        box = _value_box(ctx.model.field(name))
        out = _judge(cid, score, low_fails=False, view=v, box=box,
                     ok=("The fields share the model's typeface, size and baseline.",
                         "Поля напечатаны шрифтом, кеглем и по линии модели."),
                     bad=(f"Field {name} is set in another typeface (it sits off the others' "
                          "line): it was re-typed.",
                          f"Поле {name} напечатано другим шрифтом (не на общей линии): "
                          "перепечатано."))
        return make_finding(cid, out.status, out.message, out.message_ru, score=score,
                            threshold=out.threshold, view=v, box_mm=box, field_name=name)

    return _per_side(ctx, "viz_font", cid, one)


#: Check ID -> (function, the lights it looks at).
FEATURE_CHECKS: Mapping[str, tuple[Callable[[Context], Finding], tuple[str, ...]]] = {
    "feature.uv_substrate.dull": (uv_substrate_dull, ("uv365",)),
    "feature.uv_fibres.present": (uv_fibres_present, ("uv365",)),
    "feature.uv_fibres.invisible_in_white": (uv_fibres_invisible_in_white, ("uv365", "white")),
    "feature.uv_fibres.random": (uv_fibres_random, ("uv365",)),
    "feature.uv_emblem.present": (uv_emblem_present, ("uv365",)),
    "feature.uv_emblem.invisible_in_white": (uv_emblem_invisible_in_white, ("white",)),
    "feature.ir_mrz.dark": (ir_mrz_dark, ("ir", "white")),
    "feature.ir_fields.dark": (ir_fields_dark, ("ir", "white")),
    "feature.guilloche.continuous": (guilloche_continuous, ("white",)),
    "feature.microprint.sharp": (microprint_sharp, ("white",)),
    "feature.rainbow.smooth": (rainbow_smooth, ("white", "uv365")),
    "feature.watermark.present": (watermark_present, ("transmitted",)),
    "feature.watermark.invisible_in_white": (watermark_invisible_in_white, ("white",)),
    "feature.security_thread.present": (security_thread_present, ("transmitted", "uv365")),
    "feature.ghost_image.present": (ghost_image_present, ("white",)),
    "feature.ghost_image.matches_portrait": (ghost_image_matches_portrait, ("white", "uv365")),
    "feature.portrait.position": (portrait_position, ("white",)),
    "feature.hologram.present": (hologram_present, ("white", "tilt")),
    "feature.hologram.dynamic": (hologram_dynamic, ("tilt",)),
    "feature.ovi.shift": (tilt.ovi_shift, ("white", "tilt")),
    "feature.latent_image.present": (latent_image_present, ("tilt",)),
    "feature.laser_perforation.matches_number": (laser_perforation_matches_number,
                                                 ("transmitted",)),
    "feature.mrz_font.ocr_b": (mrz_font_ocr_b, ("white",)),
    "feature.viz_font.consistent": (viz_font_consistent, ("white",)),
    "feature.portrait.intact": (portrait_intact, ("white", "uv365")),
    "feature.laminate.intact": (tilt.laminate_intact, ("white", "tilt")),
    "feature.page.intact": (page_intact, ("uv365",)),
    "feature.portrait.matches_holder": (portrait_matches_holder, ("white",)),
}
