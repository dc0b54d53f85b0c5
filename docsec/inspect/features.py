"""Image checks: one per ``feature.*`` ID of ``docsec/models/data/feature_checks.json``,
registered in :data:`FEATURE_CHECKS`.

Each check is a plain function of the :class:`~docsec.inspect.context.Context` returning one
:class:`~docsec.report.Finding` (the worst over the sides that carry the feature). Every
check measures a physical property of the feature in the light that shows it and compares
it with the model's unpersonalised reference (:mod:`docsec.inspect.reference`) or with the
document's own other lights, never with a personalised twin. The checks live by the light
or property they examine:

* :mod:`~docsec.inspect.uvir`: UV 365 (substrate, fibres, emblem) and IR (MRZ, fields);
* :mod:`~docsec.inspect.prints`: guilloche, rainbow print and microprint under magnification;
* :mod:`~docsec.inspect.transmitted`: watermark, thread band, laser-perforated number;
* :mod:`~docsec.inspect.tilt`: laminate and OVI across the tilt frames;
* :mod:`~docsec.inspect.faces`: ghost image, portrait and the traveller's photo;
* :mod:`~docsec.inspect.fonts`: the MRZ in OCR-B, the visual-zone fields in the model's type;
* this module: the page's edges under UV, the hologram and the latent image across tilts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from docsec.inspect import tilt
from docsec.inspect.checkbase import (
    F32,
    THRESHOLDS,
    _box_shape,
    _clip_box,
    _grow,
    _heat,
    _judge,
    _lum,
    _mask_out,
    _na,
    _per_side,
    _ref_crop,
    _resize,
    _slid_ncc,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.faces import (
    ghost_image_matches_portrait,
    ghost_image_present,
    portrait_intact,
    portrait_matches_holder,
    portrait_position,
)
from docsec.inspect.fonts import (
    mrz_font_ocr_b,
    viz_font_consistent,
)
from docsec.inspect.prints import (
    guilloche_continuous,
    microprint_sharp,
    rainbow_smooth,
)
from docsec.inspect.reference import REF_DPI
from docsec.inspect.register import RegisteredView
from docsec.inspect.traces import _GLUE_DPI, edge_profiles, not_a_booklet, same_position
from docsec.inspect.transmitted import (
    laser_perforation_matches_number,
    security_thread_present,
    watermark_invisible_in_white,
    watermark_present,
)
from docsec.inspect.uvir import (
    ir_fields_dark,
    ir_mrz_dark,
    uv_emblem_invisible_in_white,
    uv_emblem_present,
    uv_fibres_invisible_in_white,
    uv_fibres_present,
    uv_fibres_random,
    uv_substrate_dull,
)
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

__all__ = ["FEATURE_CHECKS", "THRESHOLDS"]


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
    if (loose := not_a_booklet(ctx, cid)) is not None:
        return loose
    side = ctx.model.mrz.side if ctx.model.mrz is not None else "front"
    uv = ctx.view("uv365", side)
    if uv is None:
        return _na(ctx, cid, "uv365", side)
    w, h = ctx.model.size_mm
    page = (0.0, 0.0, w, h)
    # the page's edge found in white light when it was taken from the UV view's position
    # (under UV a photo's adhesive band is as bright as the desk beside the page)
    white = ctx.view("white", side)
    same_place = (white is not None and white.image.shape[:2] == uv.image.shape[:2]
                  and same_position(white, uv, ctx.model.size_mm))  # fmt: skip
    edges = edge_profiles(ctx, uv, side, white if same_place else None)
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


#: Slid colour correlation (worst frame) below which the hologram patch is missing: genuine
#: patches 0.74-0.98 in every capture of both sets once each is looked for where the capture
#: shows it (:func:`docsec.inspect.tilt.feature_offset`), a missing patch 0.11-0.40
#: (docsec's scans and photos): half way.
HOLOGRAM_MIN = 0.57


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
            # each frame judged where the patch lies in the capture (the page's registration
            # may leave a bent card's corner millimetres off: tilt.feature_offset)
            at = tilt.shifted(box, tilt.feature_offset(ctx, v, box))
            scores.append((_slid_ncc(ctx, v, at, _opponent(ref), 50, _opponent), v))
        if not scores:
            return _na(ctx, cid, "white", f.side)
        score, v = min(scores, key=lambda s: s[0])
        found = _judge(cid, score, low_fails=True, view=v, box=box, threshold=HOLOGRAM_MIN,
                       ok=("The hologram patch is present in every frame.",
                           "Голограмма есть на всех кадрах."),
                       bad=("The hologram patch is missing.", "Голограммы нет."))
        # judged whatever the page's registration quality when the patch's own place was
        # found clearly in the frame that fails (a photo's lamp lowers the page's figure)
        return tilt.located(ctx, found, [v], box)

    return _per_side(ctx, "hologram", cid, one)


#: Margin (mm) around the hologram's box left out of the print its change is measured
#: against (a frame registered half a millimetre off spills the patch's edge past it).
_DYNAMIC_PAD_MM = 1.0
#: Change of the patch between the first and last tilt frames beyond the print around it
#: (levels, channels added), each frame's exposure mapped from that print, below which the
#: hologram is static: genuine patches 35 and more in every capture of both sets, a frozen
#: or static imitation 7.1 at most (independent photos; docsec's 0.0).
HOLOGRAM_CHANGE_MIN = 20.0


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
        # both frames cropped where the patch lies in each (tilt.feature_offset)
        a = frames[0].crop(tilt.shifted(around, tilt.feature_offset(ctx, frames[0], box)), 50)
        b = frames[-1].crop(tilt.shifted(around, tilt.feature_offset(ctx, frames[-1], box)), 50)
        inside = ~_mask_out(a.shape[:2], around, [box], 50, -0.5)
        # the first frame brought onto the last one's exposure, white balance and lamp by
        # the print around the patch (each shot of a photo has its own): what is left
        # around is the frames' own noise, what the patch adds beyond it is its change
        ring = _mask_out(a.shape[:2], around, [box], 50, _DYNAMIC_PAD_MM)
        if a.shape == b.shape and int(ring.sum()) >= 50:
            a = tilt.plane_fit(a, b, ring)
        diff = np.abs(a - b).sum(axis=2) if a.ndim == 3 else np.abs(a - b)
        score = float(diff[inside].mean()) - float(diff[ring].mean())
        _heat(ctx, cid, frames[-1], around, np.asarray(diff, np.float32))
        found = _judge(cid, score, low_fails=True, view=frames[-1], box=box,
                       threshold=HOLOGRAM_CHANGE_MIN,
                       ok=("The hologram changes between tilt frames.",
                           "Голограмма меняется при наклоне."),
                       bad=("The hologram does not change under tilt: a static imitation.",
                            "Голограмма не меняется при наклоне: статичная имитация."))
        # judged whatever the page's registration quality when the patch was found clearly
        # where both frames were read
        return tilt.located(ctx, found, [frames[0], frames[-1]], box)

    return _per_side(ctx, "hologram", cid, one)


#: Width (mm) of the print around the latent image's box that normalises the frames.
_LATENT_RING_MM = 3.0


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
        # the base frame brought onto the revealing one's exposure and lamp by the print
        # around the box (each shot of a photo has its own), and the change that print
        # still shows (the frames' own noise) taken off the box's
        region = _clip_box(ctx, _grow(box, _LATENT_RING_MM))
        a = _lum(base.crop(region, REF_DPI))
        b = _lum(show.crop(region, REF_DPI))
        sh = (min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1]))
        a, b = a[: sh[0], : sh[1]], b[: sh[0], : sh[1]]
        free = _mask_out(sh, region, moving, REF_DPI, 0.0)
        keep = free & ~_mask_out(sh, region, [box], REF_DPI, 0.0)
        ring = free & _mask_out(sh, region, [box], REF_DPI, _DYNAMIC_PAD_MM)
        if int(ring.sum()) >= 50:
            a = tilt.plane_fit(a, b, ring)
        d = np.abs(a - b)
        floor = float(d[ring].mean()) if ring.any() else 0.0
        got = float(d[keep].mean()) - floor if keep.any() else 0.0
        score = got / max(0.5, expect)
        return _judge(cid, score, low_fails=True, view=show, box=box,
                      ok=("The latent image appears at its tilt angle.",
                          "Скрытое изображение проявляется при наклоне."),
                      bad=("The latent image does not appear at the tilt angle that reveals "
                           "it.",
                           "Скрытое изображение не проявляется при наклоне."))

    return _per_side(ctx, "latent_image", cid, one)


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
