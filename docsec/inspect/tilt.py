"""Checks of the tilt frames that hold on real captures: each frame's exposure and colour
brought onto the face-on view's before anything is measured.

A comparator or a phone exposes every light and every tilt frame on its own: a scan's
exposure varies by a few per cent, a photo's exposure and white balance by more, and each
shot of a photo has its own lamp fall-off, vignette and now and then a soft glare spot.
Measured raw, that change reads as glare (a re-laminated page) or as a colour shift
(optically variable ink). Each check here first maps the white (face-on) view onto the tilt
frame, channel by channel, with a gain and an offset fitted on the page's own paper and print
outside the optically variable features (the views share one position, so a pixel shows the
same print in both), robustly (pixels far off a first fit, such as glare, are left out of
the second), and measures what the fit leaves:

* ``feature.laminate.intact``: glare (the tilt frame brighter than the mapped face-on view
  by more than :data:`_GLARE_LEVELS`, in whole spots) outside the optically variable
  features, per mille of the page; the gain and offset vary slowly across the page
  (:func:`local_fit`); fails above;
* ``feature.laminate.no_bubbles``: round spots of such glare (a bubble's disc, above the
  difference's own noise), per mille of the page; fails above;
* ``feature.ovi.shift``: the colour change of the optically variable ink's box that the
  print around it does not explain (a gain varying linearly across the crop,
  :func:`plane_fit`), beyond the same measure on that print, over the change the model's
  unpersonalised reference shows, in the frame where the reference changes most; fails
  below.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.checkbase import (
    _clip_box,
    _grow,
    _judge,
    _lum,
    _mask_out,
    _na,
    _parabola_peak,
    _per_side,
    _ref_crop,
    _resize,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.reference import REF_DPI
from docsec.inspect.register import QUALITY_MIN, RegisteredView
from docsec.models import FeatureSpec
from docsec.report import Finding, Status, worst

__all__ = ["LOCATED_MIN", "TILT_THRESHOLDS", "feature_match", "feature_offset",
           "laminate_bubbles", "laminate_intact", "located", "ovi_shift", "shifted"]

F32 = NDArray[np.float32]
BoxMM = tuple[float, float, float, float]

#: Resolution (pixels per inch) glare is looked for at: 2 px a millimetre, bubbles are
#: millimetres across.
_DPI = 50
#: The optically variable features: they change under tilt by design.
_OVD = ("hologram", "ovi", "latent_image")
#: Margin (mm) around the optically variable features left out of the fit and the search.
_OVD_PAD_MM = 1.5
#: Margin (mm) along the page's edges left out: a capture's border and shadow are no glare.
_EDGE_MM = 2.0
#: A pixel further off the first fit than this many robust deviations (1.4826 MAD) is left
#: out of the second (glare, a bubble, a misregistered edge).
_FIT_CUT = 3.0
#: Gaussian window (mm) of the slowly varying gain and offset: wider than a bubble (up to
#: 5 mm across), narrower than a lamp's fall-off or a soft glare spot (12 mm and more).
_FIT_MM = 6.0
#: The slowly varying fit's windowed moments are blurred on a grid this many times coarser
#: (then brought back bilinearly): a 6 mm Gaussian changes little over 2 mm, and the fit
#: costs a sixteenth.
_FIT_COARSE = 4
#: Regularisation (squared grey levels) of the local gain where the face-on view is flat.
_FIT_EPS = 25.0
#: A pixel further off the first local fit than this (grey levels) is left out of the second.
_FIT_OFF = 8.0
#: Gaussian (pixels at :data:`_DPI`: 0.5 mm) both views are seen through before they are
#: compared: each shot's focus differs at print edges.
_SOFT_PX = 1.0
#: A normalised tilt frame brighter than the face-on view by this much (grey levels) is glare.
_GLARE_LEVELS = 12.0
#: Gaussian (mm) of the broad residual taken off before glare is looked for: a lamp's soft
#: glare spot (12 mm and more across) saturates bright paper, so no gain and offset fit
#: takes it all and it leaves 12-20 levels over a centimetre or two (independent photos);
#: a trapped bubble (1.6-5 mm across) stands out of a 3 mm Gaussian.
_GLARE_BROAD_MM = 3.0
#: The same for round spots beyond the frame's slow change of lighting: a bubble lifts 5-20
#: levels, capture noise at 50 dpi after normalisation stays within 2.
_SPOT_LEVELS = 4.0
#: A spot stands out of the difference's own noise by this many robust deviations.
_SPOT_SIGMAS = 4.0
#: Widest round glare spot (mm) a bubble makes (up to 5 mm across, two touching ones 6.5).
_BUBBLE_MM = 6.5
#: Longest a bubble's spot is over its width.
_BUBBLE_ASPECT = 2.0
#: A tilt frame's pixel at or above this level in every channel is clipped (a lamp's glare
#: saturating the paper): there no gain and offset maps the face-on view onto the frame
#: (clipping is not linear; the print between the clipped paper is left as bright round
#: spots) and a bubble has no headroom to show. Round spots are not looked for within
#: :data:`_CLIP_GROW_MM` of it: a genuine zza_passport_td3 photographed under a lamp
#: (independent seed 99) read 6.1 per mille there (1.2 without); docsec's re-laminated pages
#: clip 0-0.7 % of the page and keep their 5.4-19.5.
_CLIP_LEVEL = 245
#: Margin (mm) around clipped pixels left out of the round-spot search.
_CLIP_GROW_MM = 1.0
#: Width (mm) of the ring around the OVI whose change sets the capture's own change floor.
_RING_MM = 3.0
#: Margin (mm) along the page's edges the ring leaves out (a card's corner registered up to
#: 3 mm off shows the background there).
_RING_EDGE_MM = 3.0

#: How far (mm) an optically variable feature is looked for around where the page's
#: registration puts it: a registration that fits the page as a whole leaves a bent or
#: skewed card off by up to 3 mm near a corner (independent scans: 2.3 mm at a hologram
#: 10 mm wide, which took it half out of its box).
_OFFSET_REACH_MM = 3.5
#: Resolution (pixels per inch) the offset is found at, refined below a pixel by a parabola.
_OFFSET_DPI = 50
#: Mean correlation (luminance and two colour-opponent planes) below which a feature's own
#: place is not trusted and the page's registration is kept: genuine features in white
#: light 0.37-0.97 at their best offset (both sets), a feature missing or overprinted less.
_OFFSET_PEAK_MIN = 0.3
#: ... and by how much the best match must beat the match in place: a box of little print
#: (blank paper, a faint design) matches noise about as well anywhere within reach, and a
#: feature a fraction of a millimetre off needs no moving (misregistered features in
#: place 0.04 or less, at their offset 0.53-0.64).
_OFFSET_GAIN = 0.15

#: Correlation of a feature's box with the reference (:func:`feature_match`, where the check
#: read it) from which the check has found its feature itself, whatever the page's
#: registration quality: its failing finding is judged, not turned into a warning
#: (:func:`located`). Holograms photographed (independent seeds 31 and 4242, every model,
#: genuine and frozen alike) match 0.44-0.97 where read: 0.82 and more on the visa, the
#: vehicle certificate and zzb_id_td1 (a frozen visa hologram 0.88 on a photo whose lamp
#: left the page's quality at 0.45, registered within a millimetre); the same boxes with
#: the page registered 8 mm off 0.36 at most, 5 mm off (the search brings the box to
#: 1.5 mm of the feature) 0.60 at most. Features read below it keep the quality gate.
LOCATED_MIN = 0.65

#: The threshold of each check's score.
TILT_THRESHOLDS: dict[str, float] = {
    # glare share (per mille of the page) of the worst frame: genuine documents 0 in every
    # capture of both sets (independent scans and photos with their own exposure per frame),
    # re-laminated pages 0-3.8 (feature.laminate.no_bubbles catches them)
    "feature.laminate.intact": 1.0,
    # round glare spots (per mille of the page) of the worst frame: genuine documents up to
    # 1.0 scanned and 4.2 photographed (independent set), re-laminated pages 8.8 and more
    "feature.laminate.no_bubbles": 5.0,
    # the OVI's change of hue (colour-opponent planes) over the reference's: genuine
    # documents 0.44 and more in every capture of both sets (docsec's scans 0.59+), a static
    # or frozen OVI up to 0.21 (independent scans and photos; docsec's 0.00; a frozen OVI
    # under a lamp's glare reached 0.39 when the change was measured in every channel)
    "feature.ovi.shift": 0.33,
}


def _tilts(ctx: Context, side: str) -> list[RegisteredView]:
    return [v for k in range(1, 10) if (v := ctx.view(f"tilt_{k}", side)) is not None]


def _opponent_planes(img: F32) -> list[F32]:
    """Luminance and the two colour-opponent planes (R-G, G-B) of a crop (gray: one)."""
    if img.ndim != 3:
        return [img]
    return [_lum(img), np.asarray(img[..., 0] - img[..., 1], np.float32),
            np.asarray(img[..., 1] - img[..., 2], np.float32)]


def feature_offset(ctx: Context, v: RegisteredView, box: BoxMM) -> tuple[float, float]:
    """Where the print of ``box`` lies in ``v`` relative to where the page's registration
    puts it (mm to add to the box's corner), found against the model's reference within
    :data:`_OFFSET_REACH_MM` (luminance and colour-opponent correlation); (0, 0) when the
    best match is weaker than :data:`_OFFSET_PEAK_MIN`.

    Views taken from one position as the anchor (``shared_with``) share its homography and
    its offset: it is found once, on the anchor (white light shows the optically variable
    features as the reference's white light does); a view registered on its own is matched
    in its own light.
    """
    anchor = ctx.views.get(v.shared_with) if v.shared_with else None
    at = anchor if anchor is not None and anchor.registered else v
    key = f"tilt.offset.{at.name}.{box}"
    if key in ctx.memo:
        got: tuple[float, float] = ctx.memo[key]
        return got
    match = 0.0
    k = _OFFSET_DPI / 25.4
    mine = at.crop(_grow(box, _OFFSET_REACH_MM), _OFFSET_DPI)
    ref = _resize(_ref_crop(ctx, at.side, at.light, box),
                  (max(2, round(box[3] * k)), max(2, round(box[2] * k))))
    if mine.ndim != ref.ndim:
        mine, ref = _lum(mine), _lum(ref)
    out = (0.0, 0.0)
    if mine.shape[0] > ref.shape[0] and mine.shape[1] > ref.shape[1]:
        maps = [cv2.matchTemplate(np.ascontiguousarray(a), np.ascontiguousarray(b),
                                  cv2.TM_CCOEFF_NORMED)
                for a, b in zip(_opponent_planes(mine), _opponent_planes(ref), strict=True)]
        res = np.asarray(np.mean(maps, axis=0), np.float32)
        _, top, _, (x0, y0) = cv2.minMaxLoc(res)
        fx, fy, _ = _parabola_peak(res, x0, y0)
        px, py = x0 + fx, y0 + fy
        here = float(res[(res.shape[0] - 1) // 2, (res.shape[1] - 1) // 2])
        match = here
        if top >= _OFFSET_PEAK_MIN and top - here >= _OFFSET_GAIN:
            out = ((px - (res.shape[1] - 1) / 2) / k, (py - (res.shape[0] - 1) / 2) / k)
            match = float(top)
    ctx.memo[key] = out
    ctx.memo[f"tilt.match.{at.name}.{box}"] = match
    return out


def feature_match(ctx: Context, v: RegisteredView, box: BoxMM) -> float:
    """Correlation of ``box``'s print in ``v`` with the reference where :func:`feature_offset`
    puts it (luminance and colour-opponent planes, the anchor's for a view sharing its
    position; 0 when the crop is too small to search)."""
    feature_offset(ctx, v, box)
    anchor = ctx.views.get(v.shared_with) if v.shared_with else None
    at = anchor if anchor is not None and anchor.registered else v
    got: float = ctx.memo.get(f"tilt.match.{at.name}.{box}", 0.0)
    return got


def located(ctx: Context, finding: Finding, views: Iterable[RegisteredView],
            box: BoxMM) -> Finding:
    """``finding`` noted as read on its feature (``ctx.memo["located"]``: the gate of loosely
    registered views lets it stand) when the feature's box matches the reference by
    :data:`LOCATED_MIN` or more in every view of ``views`` it was read in."""
    if finding.status == Status.FAIL and finding.view is not None and all(
            feature_match(ctx, v, box) >= LOCATED_MIN for v in views):
        ctx.memo.setdefault("located", set()).add((finding.id, finding.view))
    return finding


def shifted(box: BoxMM, offset: tuple[float, float]) -> BoxMM:
    """``box`` moved by ``offset`` (mm)."""
    return box[0] + offset[0], box[1] + offset[1], box[2], box[3]


def _channels(img: F32) -> F32:
    """``img`` as H x W x C (a gray image gets one channel)."""
    return img[..., None] if img.ndim == 2 else img


def _page_keep(ctx: Context, side: str, shape: tuple[int, int], dpi: int,
               extra: Iterable[BoxMM] = ()) -> NDArray[np.bool_]:
    """True on the page away from its edges and from the optically variable features."""
    w, h = ctx.model.size_mm
    boxes = [f.box_mm for f in ctx.model.features if f.side == side and f.kind in _OVD]
    keep = _mask_out(shape, (0.0, 0.0, w, h), [*boxes, *extra], dpi, _OVD_PAD_MM)
    k = max(1, round(_EDGE_MM * dpi / 25.4))
    edge = np.zeros(shape, bool)
    edge[k:-k, k:-k] = True
    return keep & edge


def _soft(img: F32) -> F32:
    """``img`` through a Gaussian of :data:`_SOFT_PX`: each shot's own focus and JPEG at
    print edges no longer differ between frames (a bubble is wider)."""
    return np.asarray(cv2.GaussianBlur(img, (0, 0), _SOFT_PX), np.float32)


def _smooth(z: F32, sigma_px: float) -> F32:
    """``z`` (H x W x C) through a Gaussian of ``sigma_px``, computed on a grid
    :data:`_FIT_COARSE` times coarser when the Gaussian is that much wider than a pixel."""
    h, w = z.shape[:2]
    f = _FIT_COARSE if sigma_px >= 2.0 * _FIT_COARSE and min(h, w) >= 8 * _FIT_COARSE else 1
    if f == 1:
        return np.asarray(cv2.GaussianBlur(z, (0, 0), sigma_px), np.float32).reshape(z.shape)
    z3 = np.ascontiguousarray(z.reshape(h, w, -1), np.float32)
    hs, ws = -(-h // f), -(-w // f)
    # block means (zero beyond the image: every moment alike, their ratios are unchanged);
    # an area resize by a whole factor is the block mean, an order faster than numpy's
    pad = cv2.copyMakeBorder(z3, 0, hs * f - h, 0, ws * f - w, cv2.BORDER_CONSTANT, value=0)
    small = cv2.resize(pad, (ws, hs), interpolation=cv2.INTER_AREA).reshape(hs, ws, -1)
    small = np.asarray(cv2.GaussianBlur(small, (0, 0), sigma_px / f), np.float32).reshape(
        hs, ws, -1)
    # back onto the pixels (block centres onto their pixels), every channel in one pass
    out = cv2.resize(small, (ws * f, hs * f), interpolation=cv2.INTER_LINEAR).reshape(
        hs * f, ws * f, -1)[:h, :w]
    return np.asarray(out, np.float32).reshape(z.shape)


def local_fit(src: F32, dst: F32, keep: NDArray[np.bool_], sigma_px: float) -> F32:
    """``src`` mapped onto ``dst`` channel by channel with a gain and an offset that vary
    slowly across the image (a linear fit in each Gaussian window of ``sigma_px``, over the
    pixels of ``keep``), fitted twice: the second time without the pixels the first fit
    left far off (glare, bubbles).

    A lamp falling off across the page, a vignette, a soft glare spot and each shot's own
    exposure and white balance are all slow: they go into the fit; a bubble's glare, a few
    millimetres across, stays in ``dst`` less the fit.
    """
    s, d = _channels(src), _channels(dst)
    n = min(s.shape[2], d.shape[2])
    out = np.empty((*s.shape[:2], n), np.float32)
    for c in range(n):
        x, y = s[..., c].astype(np.float32), d[..., c].astype(np.float32)
        use = keep.astype(np.float32)
        fit = y
        for _ in range(2):
            # the five windowed moments (weight, x, y, xx, xy) blurred in one pass
            moments = np.stack([use, x * use, y * use, x * x * use, x * y * use], axis=-1)
            ws, sx, sy, sxx, sxy = np.moveaxis(_smooth(moments, sigma_px), -1, 0)
            wsum = ws + np.float32(1e-6)
            mx, my = sx / wsum, sy / wsum
            vxx = sxx / wsum - mx * mx
            vxy = sxy / wsum - mx * my
            g = vxy / (vxx + np.float32(_FIT_EPS))
            o = my - g * mx
            fit = g * x + o
            r = y - fit
            use = (keep & (np.abs(r) < _FIT_OFF)).astype(np.float32)
        out[..., c] = fit
    return out[..., 0] if src.ndim == 2 and dst.ndim == 2 else out


def plane_fit(src: F32, dst: F32, keep: NDArray[np.bool_]) -> F32:
    """``src`` mapped onto ``dst`` channel by channel with a gain that changes linearly
    across the crop and an offset (``dst ~ (a + b x + c y) src + o``), fitted by least squares
    over ``keep`` twice, the second time without the pixels far off the first fit.

    A lamp's fall-off over a few centimetres is close to a plane: a crop's own exposure,
    white balance and lamp are taken out; what the fit cannot explain (a colour change that
    the print around does not show) is left in ``dst`` less the fit.
    """
    s, d = _channels(src), _channels(dst)
    n = min(s.shape[2], d.shape[2])
    h, w = s.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xx, yy = xx / max(1, w), yy / max(1, h)
    out = np.empty((h, w, n), np.float32)
    for c in range(n):
        x = s[..., c].astype(np.float32)
        terms = np.stack([x, x * xx, x * yy, np.ones_like(x)], axis=-1)
        use = keep.copy()
        coef = np.asarray([1.0, 0.0, 0.0, 0.0], np.float32)
        for _ in range(2):
            if int(use.sum()) < 50:
                break
            coef = np.linalg.lstsq(terms[use], d[..., c][use], rcond=None)[0].astype(np.float32)
            r = d[..., c] - terms @ coef
            mad = float(np.median(np.abs(r[use] - np.median(r[use])))) * 1.4826
            use = keep & (np.abs(r) <= _FIT_CUT * max(mad, 0.5))
        out[..., c] = terms @ coef
    return out[..., 0] if src.ndim == 2 and dst.ndim == 2 else out


def _glare(ctx: Context, side: str) -> tuple[list[tuple[F32, RegisteredView]],
                                            NDArray[np.bool_]] | None:
    """Each tilt frame of ``side`` less the face-on view mapped onto it (luminance levels at
    :data:`_DPI`), and where glare is looked for; None without the views. Computed once a
    side: both laminate checks share the fitted maps through ``ctx.memo``."""
    key = f"tilt.glare.{side}"
    if key not in ctx.memo:
        ctx.memo[key] = _glare_maps(ctx, side)
    got: tuple[list[tuple[F32, RegisteredView]], NDArray[np.bool_]] | None = ctx.memo[key]
    return got


def _glare_maps(ctx: Context, side: str) -> tuple[list[tuple[F32, RegisteredView]],
                                                 NDArray[np.bool_]] | None:
    """:func:`_glare` computed (both laminate checks share it through ``ctx.memo``)."""
    white = ctx.view("white", side)
    frames = _tilts(ctx, side)
    if white is None or not frames:
        return None
    base = _soft(white.page(_DPI))
    keep = _page_keep(ctx, side, base.shape[:2], _DPI)
    out = []
    sigma = _FIT_MM * _DPI / 25.4
    for v in frames:
        img = _soft(v.page(_DPI))
        src = base if img.ndim == base.ndim else _lum(base)
        img = img if img.ndim == src.ndim else _lum(img)
        out.append((_lum(img) - _lum(local_fit(src, img, keep, sigma)), v))
    return out, keep


def _judged(shares: list[tuple[float, RegisteredView]]) -> tuple[float, RegisteredView]:
    """The worst frame among those registered well enough to be judged (glare lowers a
    frame's match with the reference: all of them when none is)."""
    judged = [sv for sv in shares if sv[1].quality >= QUALITY_MIN] or shares
    return max(judged, key=lambda sv: sv[0])


def _laminate(ctx: Context, cid: str, share_of: object) -> Finding:
    found: list[Finding] = []
    sides = [ctx.model.portrait.side] if (ctx.model.portrait is not None
                                          and cid == "feature.laminate.intact") else ["front",
                                                                                      "back"]
    for side in sides:
        got = _glare(ctx, side)
        if got is None:
            continue
        diffs, keep = got
        assert callable(share_of)
        clip = cid == "feature.laminate.no_bubbles"
        shares = [(float(share_of(d, keep & ~_clipped(v) if clip else keep)), v)
                  for d, v in diffs]
        score, v = _judged(shares)
        w, h = ctx.model.size_mm
        found.append(_judge(cid, score, low_fails=False, view=v, box=(0.0, 0.0, w, h),
                            threshold=TILT_THRESHOLDS[cid],
                            ok=("The laminate shows no glare spots under tilt.",
                                "Ламинат при наклоне без бликов."),
                            bad=("Glare spots of trapped air show under tilt: the page was "
                                 "re-laminated; look for a lifted or doubled film edge.",
                                 "При наклоне видны блики пузырей воздуха: страница "
                                 "переламинирована; осмотрите край плёнки.")))
    if not found:
        side = sides[0]
        light = "white" if ctx.view("white", side) is None else "tilt_1"
        return _na(ctx, cid, light, side)
    top = worst(f.status for f in found)
    return max((f for f in found if f.status == top), key=lambda f: f.score or 0.0)


def _clipped(v: RegisteredView) -> NDArray[np.bool_]:
    """Where the page in ``v`` (at :data:`_DPI`) is clipped in every channel, grown by
    :data:`_CLIP_GROW_MM`."""
    raw = v.page(_DPI)
    low = raw.min(axis=2) if raw.ndim == 3 else raw
    k = 2 * max(1, round(_CLIP_GROW_MM * _DPI / 25.4)) + 1
    grown = cv2.dilate((low >= _CLIP_LEVEL).astype(np.uint8), np.ones((k, k), np.uint8))
    return np.asarray(grown > 0, bool)


def _counted(spots: NDArray[np.bool_], keep: NDArray[np.bool_], round_only: bool) -> float:
    """Per mille of the page that ``spots`` cover in ``keep``, less every spot that reaches
    into an optically variable feature (a photo registered a few millimetres off shows the
    feature's own change spilling past its box) and, if ``round_only``, every spot that is
    not a bubble's disc (wider than :data:`_BUBBLE_MM` or longer than :data:`_BUBBLE_ASPECT`
    times its width: a print line whose edge differs between two shots)."""
    k = max(1, round(_EDGE_MM * _DPI / 25.4))
    inner = np.zeros(keep.shape, bool)
    inner[k:-k, k:-k] = True
    n, labels, stats, _ = cv2.connectedComponentsWithStats((spots & inner).astype(np.uint8),
                                                           connectivity=8)
    drop = set(np.unique(labels[inner & ~keep]).tolist()) - {0}
    if round_only:
        most = _BUBBLE_MM * _DPI / 25.4
        for i in range(1, n):
            bw, bh = int(stats[i, 2]), int(stats[i, 3])
            if max(bw, bh) > most or max(bw, bh) > _BUBBLE_ASPECT * min(bw, bh):
                drop.add(i)
    ok = (labels > 0) & ~np.isin(labels, sorted(drop)) & keep
    return float(ok.mean()) * 1000


def _glare_share(d: F32, keep: NDArray[np.bool_]) -> float:
    # a lamp's soft glare spot clipped on bright paper leaves a residual as broad as the
    # spot: taken off (a film's glare spots are narrower than :data:`_GLARE_BROAD_MM`)
    d = d - np.asarray(cv2.GaussianBlur(d, (0, 0), _GLARE_BROAD_MM * _DPI / 25.4), np.float32)
    # glare lifts whole discs: open away single bright pixels and thin edges
    spots = cv2.morphologyEx((d > _GLARE_LEVELS).astype(np.uint8), cv2.MORPH_OPEN,
                             np.ones((3, 3), np.uint8))
    return _counted(np.asarray(spots, bool), keep, False)


def _spot_share(d: F32, keep: NDArray[np.bool_]) -> float:
    # the local fit has taken the slow change of lighting: what stands out of the
    # difference's own noise (robust deviation) by :data:`_SPOT_SIGMAS` and
    # :data:`_SPOT_LEVELS` in whole discs (opened: single pixels and thin edges go) is glare
    mad = float(np.median(np.abs(d[keep] - np.median(d[keep])))) * 1.4826 if keep.any() else 0.0
    level = max(_SPOT_LEVELS, _SPOT_SIGMAS * mad)
    spots = cv2.morphologyEx((d > level).astype(np.uint8), cv2.MORPH_OPEN,
                             np.ones((3, 3), np.uint8))
    return _counted(np.asarray(spots, bool), keep, True)


def laminate_intact(ctx: Context) -> Finding:
    """Glare under tilt on the portrait's side, outside the optically variable features, each
    frame normalised onto the face-on view: per mille of the page; fails above."""
    return _laminate(ctx, "feature.laminate.intact", _glare_share)


def laminate_bubbles(ctx: Context) -> Finding:
    """Round glare spots under tilt beyond the frame's slow change of lighting, each frame
    normalised onto the face-on view: per mille of the page (worst frame and side); fails
    above."""
    return _laminate(ctx, "feature.laminate.no_bubbles", _spot_share)


def _change(a: F32, b: F32, keep: NDArray[np.bool_]) -> float:
    """Mean change of colour over ``keep``: of the two colour-opponent planes (R-G, G-B),
    which a lamp's glare (white light added to every channel alike) leaves unchanged where
    an ink's change of hue does not (gray crops: the absolute difference)."""
    if not keep.any():
        return 0.0
    d3 = _channels(a) - _channels(b)
    if d3.shape[2] < 3:
        return float(np.abs(d3).sum(axis=2)[keep].mean())
    d = np.abs(d3[..., 0] - d3[..., 1]) + np.abs(d3[..., 1] - d3[..., 2])
    return float(d[keep].mean())


def ovi_shift(ctx: Context) -> Finding:
    """Colour change of the OVI's box between the face-on view and the tilt frames (each
    normalised onto the face-on view over the page outside the optically variable features,
    less the change on the print around the box) over the reference's change, best frame;
    fails below."""
    cid = "feature.ovi.shift"
    threshold = TILT_THRESHOLDS[cid]

    def one(f: FeatureSpec) -> Finding:
        white = ctx.view("white", f.side)
        frames = _tilts(ctx, f.side)
        if white is None or not frames:
            return _na(ctx, cid, "white" if white is None else "tilt_1", f.side)
        box = _clip_box(ctx, f.box_mm)
        ring = _clip_box(ctx, _grow(box, _RING_MM + _OVD_PAD_MM))
        others = [_grow(g.box_mm, 1.0) for g in ctx.model.features
                  if g.side == f.side and g.kind in _OVD and g is not f]
        # the OVI found where it lies in the capture (the page's registration may leave a
        # bent card's corner a few millimetres off); every frame of that position shares it
        off = feature_offset(ctx, white, box)
        mw = white.crop(shifted(ring, off), REF_DPI)
        in_box = ~_mask_out(mw.shape[:2], ring, [box], REF_DPI, 0.0)
        free = _mask_out(mw.shape[:2], ring, others, REF_DPI, 0.0)
        around = ~_mask_out(mw.shape[:2], ring, [_grow(box, _OVD_PAD_MM)], REF_DPI, 0.0)
        # the print around, away from the page's edges: a registration a few millimetres off
        # there lets in the background beside the page, lit anew in every frame
        pw, ph = ctx.model.size_mm
        inset = (_RING_EDGE_MM, _RING_EDGE_MM, pw - 2 * _RING_EDGE_MM, ph - 2 * _RING_EDGE_MM)
        around = ~around & free & ~_mask_out(mw.shape[:2], ring, [inset], REF_DPI, 0.0)
        inside = in_box & free
        rw = _ref_crop(ctx, f.side, "white", ring)
        best: tuple[float, RegisteredView, float] | None = None
        for tilt in frames:
            rt = _ref_crop(ctx, f.side, tilt.light, ring)
            sh = (min(rw.shape[0], mw.shape[0]), min(rw.shape[1], mw.shape[1]))
            ins, aro = inside[: sh[0], : sh[1]], around[: sh[0], : sh[1]]
            expect = _change(rw[: sh[0], : sh[1]], rt[: sh[0], : sh[1]], ins)
            if expect < 1.0:
                continue
            own = off if tilt.shared_with == white.name else feature_offset(ctx, tilt, box)
            mt = tilt.crop(shifted(ring, own), REF_DPI)
            if mt.ndim != mw.ndim:
                continue
            # the face-on view mapped onto the tilt frame by the print around the OVI (the
            # frame's own lamp, exposure and white balance), the OVI's box left out of the fit
            a = _channels(plane_fit(mw[: sh[0], : sh[1]], mt[: sh[0], : sh[1]], aro))
            b = _channels(mt)[: sh[0], : sh[1]]
            got = _change(a, b, ins) - _change(a, b, aro)
            # the frame the reference changes most in judges (the others' smaller change is
            # closer to what the capture's noise leaves)
            if best is None or expect > best[2]:
                best = (got / expect, tilt, expect)
        if best is None:
            return make_finding(cid, Status.ERROR, "the reference shows no OVI shift.",
                                "в эталоне нет смены цвета OVI.", view=frames[-1],
                                box_mm=box)  # fmt: skip
        return _judge(cid, best[0], low_fails=True, view=best[1], box=box,
                      threshold=threshold,
                      ok=("The optically variable ink changes colour under tilt.",
                          "Оптически переменная краска меняет цвет при наклоне."),
                      bad=("The colour-shifting ink keeps one colour under tilt.",
                           "Оптически переменная краска не меняет цвет при наклоне."))

    return _per_side(ctx, "ovi", cid, one)
