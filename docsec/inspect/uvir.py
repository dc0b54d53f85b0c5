"""Checks in UV 365 nm and infrared light: the substrate stays dull, fibres glow (and do not
show in white light), the emblem glows with the reference's shape (and does not show in white
light), the MRZ and the carbon-ink fields absorb in IR while dye-ink fields drop out (the
model's ink table). Registered in :data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.checkbase import (
    F32,
    THRESHOLDS,
    BoxMM,
    _box_shape,
    _chan_max,
    _chan_min,
    _clip_box,
    _features,
    _heat,
    _ink_share,
    _judge,
    _lum,
    _mask_out,
    _na,
    _ncc,
    _per_side,
    _personal_boxes,
    _ref_crop,
    _resize,
    _slid_ncc,
    _value_box,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.register import RegisteredView
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

__all__ = [
    "ir_fields_dark",
    "ir_mrz_dark",
    "uv_emblem_invisible_in_white",
    "uv_emblem_present",
    "uv_fibres_invisible_in_white",
    "uv_fibres_present",
    "uv_fibres_random",
    "uv_substrate_dull",
]



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
