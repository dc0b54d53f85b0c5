"""Typeface checks: the MRZ is set in OCR-B (classifier confidence) and the visual-zone
fields are set in the model's typeface. Registered in
:data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

import numpy as np

from docsec.inspect.checkbase import (
    _LABEL_SKIP_MM,
    _chan_max,
    _clip_box,
    _judge,
    _na,
    _per_side,
    _value_box,
)
from docsec.inspect.context import Context, make_finding
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

__all__ = [
    "mrz_font_ocr_b",
    "viz_font_consistent",
]



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
