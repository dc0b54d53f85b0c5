"""Portrait checks: the ghost image present and showing the portrait's face, the portrait in
its box and its edges intact, and the portrait against the traveller's photograph."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.checkbase import (
    F32,
    BoxMM,
    _band,
    _clip_box,
    _grow,
    _judge,
    _lum,
    _mask_out,
    _na,
    _ncc,
    _per_side,
    _ref_crop,
    _resize,
    _uv_lift,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.register import RegisteredView
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

# --- portrait and ghost image ---------------------------------------------------------------


#: Blur (pixels at 50 dpi: 0.5 mm) of the ghost image's box before its spread is taken: the
#: design's fine lines (guilloche, about a line a millimetre) average out, which the
#: reference, drawn at 100 dpi, renders with less contrast than a document (unblurred, a
#: document printed without its ghost image added up to 7.1 grey levels), while the face,
#: several millimetres across, stays.
_PRESENT_BLUR = 1.0
#: Least tonal spread (grey levels at the reference's exposure) the ghost image adds to its
#: box's design: the box's variance less the unpersonalised reference's, both blurred by
#: :data:`_PRESENT_BLUR`, the capture's levels first brought to the reference's exposure
#: (the ratio of the box's mean levels: a photo under a dim or tinted lamp keeps 0.8-0.95
#: of the contrast). A design and a ghost image printed over it add their variances. Genuine
#: ghost images measured 7.8 and above (rendered, scanned and photographed; docsec's
#: generator, seeds 11, 31 and 2026, and the independent set, seeds 2026 and 2027; a
#: blurred, green-cast independent photo that read 1.41 against 1.5 by the former plain
#: difference of spreads reads 10.1); the same documents printed without their ghost image
#: 0.0, rendered and photographed by both sets' cameras.
GHOST_PRESENT_MIN = 3.5


def _ghost_spread_added(mine: F32, ref: F32) -> float:
    """The tonal spread ``mine`` (a capture of the ghost image's box) adds to ``ref`` (the
    unpersonalised reference's, the same pixels), both blurred by :data:`_PRESENT_BLUR`:
    sqrt of the variance left once the reference's is taken away, ``mine`` brought to the
    reference's exposure first."""
    exposure = float(mine.mean()) / max(1e-6, float(ref.mean()))
    mine = np.asarray(cv2.GaussianBlur(mine, (0, 0), _PRESENT_BLUR), np.float32)
    ref = np.asarray(cv2.GaussianBlur(ref, (0, 0), _PRESENT_BLUR), np.float32)
    added = float(mine.var()) / max(1e-6, exposure) ** 2 - float(ref.var())
    return float(np.sqrt(max(0.0, added)))


def ghost_image_present(ctx: Context) -> Finding:
    """Tonal spread the ghost image adds to its box's design (:func:`_ghost_spread_added`);
    fails below :data:`GHOST_PRESENT_MIN`."""
    cid = "feature.ghost_image.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        mine = _lum(v.crop(box, 50))
        ref = _resize(_lum(_ref_crop(ctx, f.side, "white", box)), mine.shape)
        return _judge(cid, _ghost_spread_added(mine, ref), low_fails=True, view=v, box=box,
                      threshold=GHOST_PRESENT_MIN,
                      ok=("The ghost image is present.", "Дополнительное изображение есть."),
                      bad=("The ghost image is missing.", "Дополнительного изображения нет."))

    return _per_side(ctx, "ghost_image", cid, one)


#: Resolution of the holder comparison: a portrait 21-35 mm wide is 83-138 pixels, enough
#: for eyes, brows, nose and mouth.
_FACE_DPI = 100
#: Resolution of the ghost-image comparison: the ghost image is printed from the portrait at
#: the personalisation printer's resolution, and a look-alike's face differs from the
#: holder's by about a pixel at 100 dpi (eye spacing, head width, jaw): 200 dpi, the scan's
#: own, keeps those edges (at 100 dpi genuine ghost images and look-alikes overlapped).
_GHOST_DPI = 200
#: How far (mm) around its box the ghost image is looked for: the personalisation printer
#: places it within about a millimetre, and a page registered on a scan's whole frame (its
#: margins taken for the page: 6-8 % too large) puts a ghost image 100 mm from the page's
#: corner up to 6 mm off (the portrait, near the corner, moves far less).
_GHOST_SLACK_MM = 6.0
#: Band (Gaussian sigmas, pixels at :data:`_GHOST_DPI`) the ghost image is found in: eyes,
#: brows, mouth and the face's outline.
_ALIGN_BAND = (2.0, 20.0)
#: Band (pixels at :data:`_GHOST_DPI`) the ghost image is compared with the portrait in: the
#: face's features and outline against the hair, clothes and background (a look-alike's
#: photo differs in all of them by a pixel or a tone; the fibres and the design's lines,
#: finer, are mostly left out). A model may have its own (``data/faces.json``'s
#: ``ghost_band``). Genuine ghost images keep 1 - correlation at 0.0002-0.004 under UV
#: 365 nm for the uto models (docsec's generator and the independent set's captures; one
#: independent flatbed scan sheared by 11 %: 0.013),
#: look-alikes 0.003-0.2.
_GHOST_BAND = (4.0, 30.0)
#: Share (%) of the portrait's darkest and lightest pixels the ghost image shows at one tone:
#: the personalisation printer spreads the portrait's 2nd to 98th percentile over the ghost
#: image's tones and clips beyond (black hair, eyes and clothes at one level). Percentiles
#: are ranks, which a capture's tone curve keeps: the capture's portrait is clipped at its
#: own (genuine ghost images with dark eyes and hair measured up to 6.5 without, 3.6 with).
_GHOST_CLIP_PCT = 2.0
#: The sign each light shows the ghost image with: under UV 365 nm it glows (a darker
#: portrait is a brighter ghost image) clear of the white-light design; in white light it is
#: printed over the guilloche.
_GHOST_SIGN = {"uv365": -1.0, "white": 1.0}
#: Share (%) of the ghost image's pixels left out of each correlation, those the portrait
#: explains worst: UV fibres (each document's own) and the edges of a UV emblem or a
#: guilloche crossing it, which the unpersonalised reference cannot take away.
_GHOST_TRIM_PCT = 10.0
#: Band (Gaussian sigmas, pixels at :data:`_GHOST_DPI`) and blur of the design's own
#: detail under the ghost image, read from the model's unpersonalised reference: the UV
#: emblem's glowing rings and a microprinted rule, which the 100 dpi reference cannot take
#: away exactly (the rings' edges stay 1-2 pixels apart at 200 dpi).
_DESIGN_BAND = (1.0, 4.0)
_DESIGN_BLUR = 2.0
#: Detail (grey levels) above which a pixel of the ghost image is the design's, not the
#: face's, and is left out of the comparison: plain paper and fibres stay below 0.7 in the
#: references, the emblem's rings reach 12-30.
_DESIGN_LEVEL = 1.5
#: Least share of the ghost image's pixels compared whatever the design under it.
_DESIGN_KEEP_MIN = 0.4
#: Lights in which the design's lines are left out: under UV 365 nm the emblem's rings glow
#: far brighter than the ghost image (leaving them out took zza_passport_td3's least
#: look-alike distance from 0.99 to 2.3 times the largest genuine one, over docsec's
#: generator and the independent set; no change for the other models); in white light the
#: guilloche under zzb_id_td1's ghost image lies where the portrait shows the clothes, a
#: look-alike's strongest cue (left out, look-alikes fell within the genuine spread).
_DESIGN_LEFT_OUT = {"uv365": True, "white": False}
#: UV fibres over the ghost image (each document's own, so no reference shows them): lines
#: narrower than :data:`_FIBRE_WIDTH` pixels (0.9 mm at :data:`_GHOST_DPI`) darker, once the
#: light's sign is turned, than the portrait explains by more than :data:`_FIBRE_LEVEL`
#: times the ghost image's own contrast, grown by :data:`_FIBRE_GROW` pixels, are left out
#: with the design's lines (fibres across the face took a genuine identity card's scan and
#: photo to 7.3 times its spread, 0.7 once left out; the look-alikes of docsec's generator
#: caught the same or one more in each capture of two 100-document plans).
_FIBRE_WIDTH = 7
_FIBRE_LEVEL = 1.0
_FIBRE_GROW = 2
#: Registration quality (:attr:`RegisteredView.quality`) under which a ghost image over the
#: threshold is a warning, not a failure: a loosely registered photo blurs and shifts the
#: ghost image against the portrait by more than a look-alike's pixel (docsec's generator's
#: photos register at 0.80-0.96, the independent set's at 0.26-0.89; genuine ghost images
#: over the threshold were all in photos registered at 0.52-0.65).
GHOST_SURE_QUALITY = 0.7
#: Distance (units of the model's spread) beyond which a ghost image fails however loosely
#: the capture is registered: a loose registration blurs and shifts the ghost image by a
#: pixel or two, which took genuine ghost images to 27 at most (a photo of a visa from
#: docsec's generator registered at 0.75; an independent flatbed scan sheared by 11 %: 15),
#: while a pasted portrait keeping the old ghost image or another face measured 390-1550 in
#: the independent set's photos registered at 0.63-0.64.
GHOST_LOOSE_MAX = 100.0
#: Registration quality under which a ghost image a little over the threshold is a
#: warning too: up to the threshold plus :data:`GHOST_FIRM_SLOPE` times the quality's
#: shortfall under :data:`GHOST_FIRM_QUALITY`, and at most :data:`GHOST_FIRM_MAX`. A photo
#: under a lamp that falls off across the page registers less tightly, and the ghost image
#: then lands a fraction of a pixel off the portrait across its box, the further the
#: looser (genuine photos of the independent set, seeds 31 and 4242, registered at
#: 0.757-0.827 read 4.5-9.3, each within the line; the same captures without the lamp's
#: fall-off registered at 0.81-0.88 and read 2.2-5.4; docsec's generator: a genuine photo
#: at 0.84 read 5.1, the line 5.5). Look-alikes keep failing: in the photos of docsec's
#: generator (--defects 'photo.substitution*' and 'photo.*', seeds 5, 31 and 2026) those
#: registered under 0.85 read 9.9 (at 0.8496), 16.6 (0.841) and 22.1 (0.803), all over the
#: line; the others over the threshold registered at 0.854-0.94 (the independent set's
#: pasted portraits read 44 and more in every capture).
GHOST_FIRM_QUALITY = 0.85
GHOST_FIRM_SLOPE = 150.0
GHOST_FIRM_MAX = 12.0
#: Margin (mm) around the portrait whose page, against the model's unpersonalised reference,
#: shows how evenly the white light falls on the portrait (:func:`_lamp_ramp`), and the
#: rim (mm) next to the portrait's edge left out of it (the edge's blur and the laminate's).
_RAMP_MARGIN_MM = 4.0
_RAMP_RIM_MM = 0.5
#: Largest fall-off of the white light across the portrait (:func:`_lamp_ramp`: a share of
#: the page's level) under which a model's coarse ghost comparison (``data/faces.json``'s
#: ``ghost_coarse``) is read: that band compares the layout of the face's tones (skin, hair,
#: clothes, background), which a lamp falling off across the white-light portrait but not
#: across the ghost image under UV shifts as well (genuine zza_passport_td3 photos of the
#: independent set's camera, 0.009-0.125 here, read up to 12.5 times the coarse spread; the
#: nearest to this bound, 0.032, read 6.1). Rendered and scanned captures measured at most
#: 0.023 (docsec's generator, seeds 100-149 and 500-539, and the independent set's
#: captures of genuine documents, seeds 700-729), docsec's generator's photos at most 0.028
#: (a capture over the bound is judged by the fine band alone); the independent captures
#: under it read at most 2.79 in the coarse band, look-alikes at least 4.67.
GHOST_EVEN_LIGHT_MAX = 0.025
#: Features whose foil lies over the portrait in white light (not printed in the ghost).
_OVERLAYS = ("hologram", "ovi", "latent_image")


@functools.cache
def _face_table() -> Mapping[str, Any]:
    """``data/faces.json``: per model, the spread of the ghost-image comparison in each light
    it is read in, and the threshold (see the file's ``about``)."""
    path = resources.files("docsec.inspect") / "data" / "faces.json"
    with path.open("r", encoding="utf-8") as fh:
        table: Mapping[str, Any] = json.load(fh)
    return table


def _ghost_spreads(model_id: str) -> Mapping[str, float]:
    """By light, the median 1 - correlation of genuine ghost images of ``model_id`` (only
    the lights its ghost image is read in: a UV emblem over it takes UV 365 nm out)."""
    spreads = _face_table()["ghost_spread"]
    return {str(k): float(v) for k, v in spreads.get(model_id, spreads["default"]).items()}


def _ghost_coarse(model_id: str) -> tuple[tuple[float, float], Mapping[str, float]] | None:
    """The coarse comparison of ``model_id``'s ghost image (``data/faces.json``'s
    ``ghost_coarse``: its band and, by light, its genuine spread), if the model has one."""
    entry = _face_table().get("ghost_coarse", {}).get(model_id)
    if entry is None:
        return None
    band = (float(entry["band"][0]), float(entry["band"][1]))
    return band, {str(k): float(v) for k, v in entry["spread"].items()}


def _lamp_ramp(ctx: Context, v: RegisteredView, box: BoxMM) -> float:
    """How far the light falls off across ``box`` (the portrait) in ``v``: the page in a
    margin of :data:`_RAMP_MARGIN_MM` around it (its rim of :data:`_RAMP_RIM_MM` left out)
    fitted to the model's unpersonalised reference in gain and level, then a plane fitted
    to what is left; the plane's rise across the box as a share of the page's level."""
    ring = _clip_box(ctx, _grow(box, _RAMP_MARGIN_MM))
    mine = _lum(v.crop(ring, _REF_RAMP_DPI)).astype(np.float64)
    ref = _resize(_lum(_ref_crop(ctx, v.side, v.light, ring)), mine.shape).astype(np.float64)
    k = _REF_RAMP_DPI / 25.4
    inner = _grow(box, _RAMP_RIM_MM)
    x0, y0 = (inner[0] - ring[0]) * k, (inner[1] - ring[1]) * k
    page = np.ones(mine.shape, bool)
    page[max(0, int(y0)) : int(np.ceil(y0 + inner[3] * k)),
         max(0, int(x0)) : int(np.ceil(x0 + inner[2] * k))] = False  # fmt: skip
    if page.sum() < 16:
        return 0.0
    x, y = ref[page], mine[page]
    var = float(x.var())
    gain = float(((x - x.mean()) * (y - y.mean())).mean()) / var if var > 1e-9 else 0.0
    left = mine - (gain * ref + (float(y.mean()) - gain * float(x.mean())))
    yy, xx = np.mgrid[0 : mine.shape[0], 0 : mine.shape[1]].astype(np.float64)
    design = np.stack([np.ones(int(page.sum())), xx[page], yy[page]], 1)
    coef, *_ = np.linalg.lstsq(design, left[page], rcond=None)
    rise = float(np.hypot(coef[1] * box[2] * k, coef[2] * box[3] * k))
    return rise / max(1.0, float(y.mean()))


#: Resolution (dpi) the lamp's fall-off is read at: the reference's own.
_REF_RAMP_DPI = 100
#: Depth (grey levels under the paper of the portrait's box in the model's unpersonalised
#: white-light reference) of the design printed over the portrait (the SPECIMEN mark's
#: letters, 20-40 levels deep), and how far (mm) around it the coarse comparison leaves it
#: out: no ghost image shows it, and over dark clothes its light letters took a genuine
#: zza_passport_td3 to 6.4 times the coarse spread in a photo (3.5-3.9 rendered and scanned).
_OVERPRINT_LEVEL = 10.0
_OVERPRINT_GROW_MM = 0.5


def _overprint(ctx: Context, box: BoxMM, shape: tuple[int, int]) -> NDArray[np.bool_]:
    """True where the model's unpersonalised white-light reference shows print over the
    portrait (``box``, at the pixels of ``shape``): :data:`_OVERPRINT_LEVEL` under its
    paper, grown by :data:`_OVERPRINT_GROW_MM`."""
    assert ctx.model.portrait is not None
    ref = _lum(_ref_crop(ctx, ctx.model.portrait.side, "white", box))
    dark = (ref < float(np.median(ref)) - _OVERPRINT_LEVEL).astype(np.uint8)
    marked = cv2.resize(dark, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
    reach = 2 * max(1, round(_OVERPRINT_GROW_MM * shape[1] / max(1e-6, box[2]))) + 1
    return np.asarray(cv2.dilate(marked, np.ones((reach, reach), np.uint8)) > 0, bool)


def _ghost_band(model_id: str) -> tuple[float, float]:
    """The band the ghost image of ``model_id`` is compared in (``data/faces.json``'s
    ``ghost_band`` where the model has its own, else :data:`_GHOST_BAND`)."""
    band = _face_table().get("ghost_band", {}).get(model_id)
    return _GHOST_BAND if band is None else (float(band[0]), float(band[1]))


def _overlay_free(ctx: Context, box: BoxMM, shape: tuple[int, int],
                  dpi: int) -> NDArray[np.bool_]:
    """True where the portrait (``box`` at ``dpi``) is not under a hologram, OVI or latent
    image of its side."""
    assert ctx.model.portrait is not None
    side = ctx.model.portrait.side
    over = [f.box_mm for f in ctx.model.features if f.side == side and f.kind in _OVERLAYS]
    return _mask_out(shape, box, over, dpi, pad_mm=0.5)


#: Widest Gaussian blur (pixels) done at full resolution; a wider one is done on the image
#: reduced so that this many pixels remain per sigma and brought back (the same result
#: within a grey level, a fraction of the time: the ghost comparison's 20-30 pixel blurs).
_BLUR_FULL_SIGMA = 4.0


def _blur(img: F32, sigma: float) -> F32:
    """Gaussian blur of ``img`` by ``sigma`` pixels (wide ones on a reduced image)."""
    f = int(sigma // _BLUR_FULL_SIGMA)
    h, w = img.shape[:2]
    if f < 2 or min(h, w) < 4 * f:
        return np.asarray(cv2.GaussianBlur(img, (0, 0), sigma), np.float32)
    small = cv2.resize(img, (max(1, round(w / f)), max(1, round(h / f))),
                       interpolation=cv2.INTER_AREA)  # fmt: skip
    small = cv2.GaussianBlur(small, (0, 0), sigma / f)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)


def _wide_band(img: F32, sigmas: tuple[float, float]) -> F32:
    """The detail of ``img`` between two Gaussian blurs (``sigmas``), the wide one done on
    a reduced image (:func:`_blur`)."""
    return np.asarray(_blur(img, sigmas[0]) - _blur(img, sigmas[1]), np.float32)


def _masked_band(img: F32, mask: NDArray[np.bool_], sigmas: tuple[float, float]) -> F32:
    """The detail of ``img`` between two Gaussian blurs (``sigmas``), over ``mask`` only
    (normalised convolution): pixels outside it (a hologram's foil over the portrait)
    neither enter nor pull the band's levels."""
    m = mask.astype(np.float32)
    im = img * m

    def smooth(s: float) -> F32:
        return np.asarray(_blur(im, s) / np.maximum(_blur(m, s), np.float32(1e-3)), np.float32)

    return np.asarray(smooth(sigmas[0]) - smooth(sigmas[1]), np.float32)


def _ncc_trimmed(a: F32, b: F32, keep: NDArray[np.bool_], trim_pct: float) -> float:
    """Correlation of ``a`` and ``b`` over ``keep``, less the ``trim_pct`` % of pixels where
    ``a`` departs most from its least-squares fit by ``b``."""
    x, y = a[keep].astype(np.float64), b[keep].astype(np.float64)
    if x.size < 16:
        return 0.0
    x, y = x - x.mean(), y - y.mean()
    gain = float((x * y).sum() / max(1e-9, float((y * y).sum())))
    misfit = np.abs(x - gain * y)
    ok = misfit <= np.percentile(misfit, 100.0 - trim_pct)
    return _ncc(x[ok].astype(np.float32), y[ok].astype(np.float32))


#: Iterations of each enhanced-correlation step of the ghost image's placement: it starts
#: within a pixel and converges in a few (more changed no distance by over 2 %).
_ECC_STEPS = 12
#: Largest sub-pixel correction (pixels at :data:`_GHOST_DPI`) of the ghost image's
#: whole-pixel position: the search's own step is one pixel, so a correction beyond 1.5
#: has locked onto something else and the whole-pixel position stands.
_SUBPIXEL_MAX = 1.5


def _subpixel(moving: F32, fixed: F32, keep: NDArray[np.bool_]) -> NDArray[np.float32]:
    """The fractional shift (a 2 x 3 map, capture of ``fixed`` to ``moving``) that best
    correlates the two in :data:`_ALIGN_BAND` over ``keep`` (enhanced correlation,
    translation only): the identity when it does not converge or goes beyond
    :data:`_SUBPIXEL_MAX`. A genuine ghost image left half a pixel off its portrait loses
    as much correlation as a look-alike's face."""
    warp = np.eye(2, 3, dtype=np.float32)
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, _ECC_STEPS, 1e-3)
    try:
        _, found = cv2.findTransformECC(_wide_band(fixed, _ALIGN_BAND),
                                        _wide_band(moving, _ALIGN_BAND),
                                        warp.copy(), cv2.MOTION_TRANSLATION, crit,
                                        keep.astype(np.uint8), 1)  # fmt: skip
    except cv2.error:  # no convergence (a flat or unrelated image): the whole-pixel position
        return warp
    shift = np.asarray(found, np.float32)
    return shift if float(np.abs(shift[:, 2]).max()) <= _SUBPIXEL_MAX else warp


#: Correlation (of the half-resolution search) within which two places of the ghost image
#: are taken as equally good, the one nearer where the registration puts its box then
#: chosen: a pale ghost image (fair hair, light clothes) correlated 0.57 at its place and
#: 0.57 at the slack's edge 4 mm off in a scan of docsec's generator (taken: 313 times its
#: spread).
_PLACE_TIE = 0.05


def _ghost_onto(layer: F32, portrait: F32, margin: int, keep: NDArray[np.bool_],
                *more: F32, near: tuple[float, float] | None = None) -> list[F32]:
    """The part of ``layer`` (the ghost image's box and the slack around it) that shows
    ``portrait`` (already reduced to the ghost image's size), at the best shift of the
    portrait's inner part in :data:`_ALIGN_BAND` (the ghost image is printed from the
    same photo: a shift only, no turn or scale): found at half resolution (of the places
    within :data:`_PLACE_TIE` of the best, the nearest to ``near``, the box's corner in the
    layer's pixels, when given), refined within two pixels, then to a fraction of a pixel
    over ``keep``; and the same part of each of ``more`` (images of the layer's pixels: the
    design's reference)."""
    h, w = portrait.shape
    m = margin  # the band's edge pixels carry the crop border, not the face
    g = np.ascontiguousarray(_wide_band(layer, _ALIGN_BAND))
    p = np.ascontiguousarray(_wide_band(portrait, _ALIGN_BAND)[m:-m, m:-m])

    def half(a: F32) -> F32:
        size = (max(1, a.shape[1] // 2), max(1, a.shape[0] // 2))
        return np.asarray(cv2.resize(a, size, interpolation=cv2.INTER_AREA), np.float32)

    res = cv2.matchTemplate(half(g), half(p), cv2.TM_CCOEFF_NORMED)
    _, best, _, (hx, hy) = cv2.minMaxLoc(res)
    if near is not None:  # the peaks as good as the best: the nearest to the box
        peaks = (res >= best - _PLACE_TIE) & (res >= cv2.dilate(res, np.ones((3, 3), np.uint8)))
        ys, xs = np.nonzero(peaks)
        # the box's corner (x0, y0 below: the corner plus the margin) at half resolution
        far = np.hypot(xs - (near[0] + m) / 2, ys - (near[1] + m) / 2)
        hx, hy = int(xs[int(np.argmin(far))]), int(ys[int(np.argmin(far))])
    ph, pw = p.shape
    x_lo, y_lo = max(0, 2 * hx - 2), max(0, 2 * hy - 2)
    x_hi, y_hi = min(g.shape[1] - pw, 2 * hx + 2), min(g.shape[0] - ph, 2 * hy + 2)
    window = np.ascontiguousarray(g[y_lo : y_hi + ph, x_lo : x_hi + pw])
    res = cv2.matchTemplate(window, p, cv2.TM_CCOEFF_NORMED)
    _, _, _, (dx, dy) = cv2.minMaxLoc(res)
    x0, y0 = x_lo + dx, y_lo + dy

    def cut(a: F32) -> F32:
        # ``a`` padded by the margin: its (x0, y0) is the whole portrait's corner
        padded = np.asarray(cv2.copyMakeBorder(a, m, m, m, m, cv2.BORDER_REPLICATE), np.float32)
        return np.ascontiguousarray(padded[y0 : y0 + h, x0 : x0 + w])

    cuts = [cut(a) for a in (layer, *more)]
    warp = _subpixel(cuts[0], portrait, keep)
    if not warp[:, 2].any():
        return cuts
    return [_warp(c, warp, (h, w)) for c in cuts]


#: Largest change of scale, shear or turn (either axis, as a share) and shift of the ghost
#: image's middle (pixels) the ghost image's last alignment may make: the personalisation
#: printer's ghost image measured up to 1.6 % off the portrait's scale (its box rounded to
#: the printer's pixels, a page stretched locally in the capture); a map beyond this
#: follows a look-alike's face (eye spacing, head width) as well as a distortion of the
#: capture. The shift is taken at the box's middle, not its corner (where a change of scale
#: alone moves the pixels by several).
_REFINE_MAX = 0.03
_REFINE_SHIFT_MAX = 3.0
#: A page registered with a slightly wrong perspective distorts the ghost image's box
#: against the portrait's by more (an independent flatbed scan of a visa: 8.5 % wider and
#: 5 % sheared; a generator scan of a visa: 4 %), which left genuine ghost images at 10-53
#: times their spread. A map up to :data:`_REFINE_LOOSE_MAX` is taken when it takes away
#: at least :data:`_REFINE_LOOSE_GAIN` of what kept the two apart (1 - their correlation
#: in the alignment band): such distortions 10.9-21 times, while a look-alike's face fitted
#: by a loose map gains 1.6-4.5 times (22 look-alike captures of two plans of docsec's
#: generator, seeds 11 and 31; taken, their distances fell to a third). A genuine photo
#: distorted by 3.8 % that gains 3.5 times is not helped.
_REFINE_LOOSE_MAX = 0.10
_REFINE_LOOSE_GAIN = 6.0


def _refine(ghost: F32, portrait: F32, mask: NDArray[np.bool_]) -> F32:
    """``ghost`` mapped onto ``portrait`` by the affine map that best correlates the two in
    :data:`_ALIGN_BAND` over ``mask`` (enhanced correlation), when it converges to a better
    correlation than the ghost image as placed, moving the middle by at most
    :data:`_REFINE_SHIFT_MAX`, within :data:`_REFINE_MAX` (or :data:`_REFINE_LOOSE_MAX`
    when it takes away :data:`_REFINE_LOOSE_GAIN` of the misfit); else ``ghost`` as it is."""
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, _ECC_STEPS, 1e-4)
    fixed, moving = _wide_band(portrait, _ALIGN_BAND), _wide_band(ghost, _ALIGN_BAND)
    try:
        fit, found = cv2.findTransformECC(fixed, moving, np.eye(2, 3, dtype=np.float32),
                                          cv2.MOTION_AFFINE, crit, mask.astype(np.uint8), 1)
    except cv2.error:  # no convergence: the ghost image as placed
        return ghost
    placed = _ncc(fixed, moving, mask)
    if fit <= placed:  # not converged in its steps: no better than placed
        return ghost
    warp = np.asarray(found, np.float32)
    h, w = ghost.shape[0], ghost.shape[1]
    middle = np.asarray([(w - 1) / 2, (h - 1) / 2], np.float32)
    moved = warp[:, :2] @ middle + warp[:, 2] - middle
    bent = float(np.abs(warp[:, :2] - np.eye(2)).max())
    loose = (1.0 - placed) >= _REFINE_LOOSE_GAIN * max(1e-9, 1.0 - fit)
    if (bent > (_REFINE_LOOSE_MAX if loose else _REFINE_MAX)
            or float(np.abs(moved).max()) > _REFINE_SHIFT_MAX):  # fmt: skip
        return ghost
    return _warp(ghost, warp, (h, w))


def _ghost_layer(ctx: Context, v: RegisteredView, box: BoxMM) -> tuple[F32, F32]:
    """Luminance of ``box`` in ``v`` at :data:`_GHOST_DPI` less the model's unpersonalised
    reference in the same light, its gain and offset fitted to the capture (lighting,
    camera) in closed form, turned by the light's sign (:data:`_GHOST_SIGN`); and that
    reference (the same pixels)."""
    mine = _lum(v.crop(box, _GHOST_DPI))
    ref = _resize(_lum(_ref_crop(ctx, v.side, v.light, box)), mine.shape)
    x, y = ref.astype(np.float64), mine.astype(np.float64)
    var = float(x.var())
    gain = float(((x - x.mean()) * (y - y.mean())).mean()) / var if var > 1e-9 else 0.0
    level = float(y.mean()) - gain * float(x.mean())
    out = (mine - (ref * np.float32(gain) + np.float32(level))) * np.float32(_GHOST_SIGN[v.light])
    return np.asarray(out, np.float32), ref


def _design_free(design: F32) -> NDArray[np.bool_]:
    """True where the model's design (``design``: its unpersonalised reference over the
    ghost image) has no lines of its own (:data:`_DESIGN_LEVEL`), but at least the
    :data:`_DESIGN_KEEP_MIN` share of the pixels, those with the least design."""
    detail = np.asarray(cv2.GaussianBlur(np.abs(_band(design, _DESIGN_BAND)), (0, 0),
                                         _DESIGN_BLUR), np.float32)  # fmt: skip
    out = detail <= _DESIGN_LEVEL
    if out.mean() >= _DESIGN_KEEP_MIN:
        return np.asarray(out, bool)
    return np.asarray(detail <= np.percentile(detail, 100.0 * _DESIGN_KEEP_MIN), bool)


def _fibres(ghost: F32, portrait: F32, keep: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """True on the UV fibres over ``ghost`` (brought onto ``portrait``, the printer's tones
    of the portrait): thin dark lines (a black-hat of :data:`_FIBRE_WIDTH`) that the
    portrait, fitted in gain and level over ``keep``, does not show."""
    x, y = portrait[keep].astype(np.float64), ghost[keep].astype(np.float64)
    gain = float(((x - x.mean()) * (y - y.mean())).mean()) / max(1e-9, float(x.var()))
    fit = np.asarray(portrait * np.float32(gain) + np.float32(y.mean() - gain * x.mean()),
                     np.float32)  # fmt: skip
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_FIBRE_WIDTH, _FIBRE_WIDTH))
    lines = (cv2.morphologyEx(ghost, cv2.MORPH_BLACKHAT, kernel)
             - cv2.morphologyEx(fit, cv2.MORPH_BLACKHAT, kernel))  # fmt: skip
    found = (lines > _FIBRE_LEVEL * (float(fit[keep].std()) + 1e-6)).astype(np.uint8)
    grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * _FIBRE_GROW + 1,) * 2)
    return np.asarray(cv2.dilate(found, grow) > 0, bool)


def _printer_tones(portrait: F32, mask: NDArray[np.bool_]) -> F32:
    """``portrait`` clipped at the :data:`_GHOST_CLIP_PCT` and 100 - :data:`_GHOST_CLIP_PCT`
    percentiles of its pixels in ``mask``: the tones the ghost image printer keeps."""
    lo, hi = np.percentile(portrait[mask], (_GHOST_CLIP_PCT, 100.0 - _GHOST_CLIP_PCT))
    return np.asarray(np.clip(portrait, lo, hi), np.float32)


#: Lights in which the ghost image and the portrait are first levelled (a plane fitted
#: over the compared pixels taken away from each): in white light a photo's lamp falls off
#: across the card by 10-30 % and a vignette darkens its corners, a ramp over the ghost
#: image and the portrait that the comparison band's widest blur does not take away at
#: the box's edges (genuine white-light ghost images of zzb_id_td1 photographed by the
#: independent set's camera measured 5.9-37 times their spread, 1.7-4.4 once levelled;
#: look-alikes moved further off). Under UV 365 nm the ghost image glows on dark paper and
#: levelling took genuine identity cards from 2.4 to 4.8: not there.
_LEVELLED = {"uv365": False, "white": True}


def _level(img: F32, mask: NDArray[np.bool_]) -> F32:
    """``img`` less the plane fitted to it over ``mask`` (least squares)."""
    h, w = img.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    design = np.stack([np.ones(int(mask.sum())), xx[mask], yy[mask]], 1)
    coef, *_ = np.linalg.lstsq(design, img[mask].astype(np.float64), rcond=None)
    return np.asarray(img - (coef[0] + coef[1] * xx + coef[2] * yy), np.float32)


def _ghost_distance(ghosts: Mapping[str, F32], portrait: F32, free: NDArray[np.bool_],
                    keep: NDArray[np.bool_], spreads: Mapping[str, float],
                    band: tuple[float, float] = _GHOST_BAND,
                    clean: Mapping[str, NDArray[np.bool_]] | None = None) -> tuple[float, int]:
    """How far the ghost image (``ghosts``: by light, brought onto the portrait) is from
    ``portrait``: per light of ``spreads`` that is there, one less the trimmed correlation
    in ``band`` (over ``free``, the portrait's pixels under no foil, and the light's
    ``clean`` pixels, those free of the design's lines, when given; judged on ``keep``
    among them; both levelled over ``keep`` first in the lights of :data:`_LEVELLED`), in
    units of the light's spread (the median of the genuine ghost images of the model); the
    mean over those lights, and their number."""
    total, used = 0.0, 0
    p_free: F32 | None = None
    for light, spread in spreads.items():
        g = ghosts.get(light)
        if g is None:
            continue
        shown = portrait
        if _LEVELLED.get(light, False) and keep.sum() >= 3:
            g, shown = _level(g, keep), _level(portrait, keep)
        if clean is not None and light in clean:
            mask = free & clean[light]
            p, judged = _masked_band(shown, mask, band), keep & clean[light]
        elif shown is not portrait:
            mask, p, judged = free, _masked_band(shown, free, band), keep
        else:
            if p_free is None:
                p_free = _masked_band(portrait, free, band)
            mask, p, judged = free, p_free, keep
        ncc = _ncc_trimmed(_masked_band(g, mask, band), p, judged, _GHOST_TRIM_PCT)
        total += (1.0 - ncc) / spread
        used += 1
    return (total / used if used else 0.0), used


def ghost_image_matches_portrait(ctx: Context) -> Finding:
    """Distance of the ghost image from the portrait reduced to its size (the face's
    features and outline against the hair, clothes and background, under UV 365 nm or, for
    a model whose UV emblem covers it, in white light), in units of what genuine ghost
    images of the model show; fails above the threshold: the portrait was replaced, even by
    a look-alike's."""
    cid = "feature.ghost_image.matches_portrait"

    def one(f: FeatureSpec) -> Finding:
        model = ctx.model
        white = ctx.view("white", f.side)
        if white is None or model.portrait is None:
            return _na(ctx, cid, "white", f.side)
        spreads = _ghost_spreads(model.id)
        lights = [light for light in spreads if ctx.view(light, f.side) is not None]
        if not lights:
            return _na(ctx, cid, next(iter(spreads)), f.side)
        box = _clip_box(ctx, f.box_mm)
        around = _clip_box(ctx, _grow(box, _GHOST_SLACK_MM))
        pbox = model.portrait.box_mm
        portrait = _lum(white.crop(pbox, _GHOST_DPI))
        free = _overlay_free(ctx, pbox, (portrait.shape[0], portrait.shape[1]), _GHOST_DPI)
        if free.any():  # a hologram's foil over the portrait is no part of the ghost image
            portrait = portrait.copy()
            portrait[~free] = float(np.median(portrait[free]))
        k = _GHOST_DPI / 25.4
        size = (max(32, round(box[2] * k)), max(32, round(box[3] * k)))
        small = np.asarray(cv2.resize(portrait, size, interpolation=cv2.INTER_AREA), np.float32)
        free_small = cv2.resize(free.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        margin = round(3 * _GHOST_DPI / 100)
        toned = _printer_tones(small, free_small)
        keep = free_small.copy()
        keep[:margin], keep[-margin:], keep[:, :margin], keep[:, -margin:] = (False,) * 4
        ghosts: dict[str, F32] = {}
        clean: dict[str, NDArray[np.bool_]] = {}
        views: dict[str, RegisteredView] = {}
        for light in lights:
            v = ctx.view(light, f.side)
            assert v is not None
            layer, design = _ghost_layer(ctx, v, around)
            ghosts[light], design = _ghost_onto(layer, small, margin, keep, design,
                                                near=((box[0] - around[0]) * k,
                                                      (box[1] - around[1]) * k))  # fmt: skip
            if _DESIGN_LEFT_OUT[light]:
                clean[light] = _design_free(design) & ~_fibres(ghosts[light], toned, keep)
            ghosts[light] = _refine(ghosts[light], toned, keep & clean.get(light, keep))
            views[light] = v
        score, _ = _ghost_distance(ghosts, toned, free_small, keep, spreads,
                                   _ghost_band(model.id), clean)
        coarse = _ghost_coarse(model.id)
        if coarse is not None and _lamp_ramp(ctx, white, pbox) < GHOST_EVEN_LIGHT_MAX:
            over = _overprint(ctx, pbox, (toned.shape[0], toned.shape[1]))
            far, used = _ghost_distance(ghosts, toned, free_small & ~over, keep & ~over,
                                        coarse[1], coarse[0], clean)  # fmt: skip
            if used:
                score = max(score, far)
        limit = float(_face_table()["ghost_distance_max"])
        quality = min(v.quality for v in (white, *views.values()))
        sure, unsure_max = GHOST_SURE_QUALITY, GHOST_LOOSE_MAX
        if quality >= GHOST_SURE_QUALITY:
            sure = GHOST_FIRM_QUALITY
            unsure_max = min(GHOST_FIRM_MAX,
                             limit + GHOST_FIRM_SLOPE * (GHOST_FIRM_QUALITY - quality))
        if limit < score < unsure_max and quality < sure:
            return make_finding(
                cid, Status.WARN,
                f"The ghost image seems to differ from the portrait, but the capture is "
                f"registered too loosely (quality {quality:.2f}, below {sure}) "
                "to be sure: compare them by eye.",
                "Дополнительное изображение, возможно, не совпадает с фотографией, но снимок "
                f"совмещён слишком грубо (качество {quality:.2f}, ниже {sure}): "
                "сравните визуально.",
                score=score, threshold=limit, view=views[lights[0]], box_mm=box)  # fmt: skip
        return _judge(cid, score, low_fails=False, view=views[lights[0]], box=box,
                      threshold=limit,
                      ok=("The ghost image shows the same face as the portrait.",
                          "Дополнительное изображение совпадает с фотографией."),
                      bad=("The ghost image shows a different face: the portrait was "
                           "replaced.",
                           "Дополнительное изображение не совпадает с фотографией: "
                           "фото заменено."))  # fmt: skip

    return _per_side(ctx, "ghost_image", cid, one)


def portrait_position(ctx: Context) -> Finding:
    """Offset (mm) of the portrait's edges from its box; fails above the threshold."""
    cid = "feature.portrait.position"
    model = ctx.model
    if model.portrait is None:
        return make_finding(cid, Status.NOT_APPLICABLE, "the model has no portrait.",
                            "у модели нет фотографии.")
    side = model.portrait.side
    v = ctx.view("white", side)
    if v is None:
        return _na(ctx, cid, "white", side)
    x, y, w, h = model.portrait.box_mm
    pad = 1.5
    box = _clip_box(ctx, (x - pad, y - pad, w + 2 * pad, h + 2 * pad))
    img = _lum(v.crop(box, 100))
    k = 100 / 25.4
    gx = np.median(np.abs(cv2.Sobel(img, cv2.CV_32F, 1, 0)), axis=0)
    gy = np.median(np.abs(cv2.Sobel(img, cv2.CV_32F, 0, 1)), axis=1)
    offsets = []
    for prof, edges in ((gx, (x - box[0], x + w - box[0])), (gy, (y - box[1], y + h - box[1]))):
        for e in edges:
            c = round(e * k)
            lo, hi = max(0, c - round(pad * k)), min(len(prof), c + round(pad * k) + 1)
            if hi - lo < 3:
                continue
            seg = prof[lo:hi]
            if seg.max() < 2.0 * np.median(prof):
                continue  # the portrait's background melts into the paper here
            offsets.append(abs(lo + int(np.argmax(seg)) - c) / k)
    score = max(offsets) if offsets else 0.0
    return _judge(cid, score, low_fails=False, view=v, box=model.portrait.box_mm,
                  ok=("The portrait sits in its box.", "Фотография на своём месте."),
                  bad=("The portrait is shifted in its box: it was re-laminated.",
                       "Фотография смещена: документ переламинирован."))


def _dark_rim(ctx: Context, v: RegisteredView, box: BoxMM) -> float:
    """Depth of a dark line running just outside ``box`` (a cut edge), averaged along each
    edge: the darkest point 0.1-0.9 mm outside against the level 1-1.5 mm outside."""
    dpi = 300
    k = dpi / 25.4
    x, y, w, h = box
    depths = []
    strips = (
        ((x + 1, y - 1.6, w - 2, 1.6), 0, True),  # above: profile runs upwards
        ((x + 1, y + h, w - 2, 1.6), 0, False),  # below
        ((x - 1.6, y + 1, 1.6, h - 2), 1, True),  # left
        ((x + w, y + 1, 1.6, h - 2), 1, False),  # right
    )
    for strip, axis, reverse in strips:
        if strip[0] < 0 or strip[1] < 0:
            continue
        prof = _lum(v.crop(_clip_box(ctx, strip), dpi)).mean(axis=1 if axis == 0 else 0)
        if reverse:
            prof = prof[::-1]
        near = prof[int(0.1 * k) : int(0.9 * k) + 1]
        far = prof[int(1.0 * k) : int(1.5 * k) + 1]
        if near.size and far.size:
            depths.append(float(np.median(far)) - float(near.min()))
    return float(np.median(depths)) if depths else 0.0


def portrait_intact(ctx: Context) -> Finding:
    """Traces of a replaced portrait: a dark cut line just outside its box in white light,
    glue fluorescing around it or brightened photo paper under UV 365 nm (levels above the
    reference); fails above the threshold."""
    cid = "feature.portrait.intact"
    model = ctx.model
    if model.portrait is None:
        return make_finding(cid, Status.NOT_APPLICABLE, "the model has no portrait.",
                            "у модели нет фотографии.")
    side = model.portrait.side
    box = model.portrait.box_mm
    white, uv = ctx.view("white", side), ctx.view("uv365", side)
    if white is None:
        return _na(ctx, cid, "white", side)
    signals: list[tuple[float, RegisteredView, str, str]] = [
        (_dark_rim(ctx, white, box), white, "a cut line runs around the portrait",
         "вокруг фотографии видна линия разреза")]
    if uv is not None:
        signals.append((_uv_lift(ctx, uv, _grow(box, 0.1), _grow(box, 1.1)), uv,
                        "glue fluoresces around the portrait under UV",
                        "в УФ вокруг фотографии светится клей"))
        inside = _clip_box(ctx, _grow(box, -1.5))
        mine = _lum(uv.crop(inside, 50))
        signals.append((float(np.median(mine)) - float(np.median(
            _lum(_ref_crop(ctx, side, "uv365", inside)))), uv,
            "the portrait's paper glows under UV (brightened photo paper)",
            "фотобумага портрета светится в УФ"))
    score, view, en, ru = max(signals, key=lambda s: s[0])
    return _judge(cid, score, low_fails=False, view=view, box=box,
                  ok=("The portrait shows no cut, glue or foreign paper.",
                      "Следов замены фотографии нет."),
                  bad=(f"The portrait was replaced: {en}.", f"Фотография заменена: {ru}."))


#: The head's part of a portrait (rows, columns as shares of the box) the photo of the
#: person is aligned on: the chin, clothes and shoulders left out (ICAO framing: the head
#: fills the upper three quarters), whose edge against another shirt would pull the map.
_HEAD_ROWS, _HEAD_COLS = (0.05, 0.62), (0.10, 0.90)
#: Band (Gaussian sigmas, pixels at :data:`_FACE_DPI`) of the holder's fine detail: eyes,
#: brows, nostrils, mouth.
_FINE_BAND = (1.0, 4.0)
#: The face's inner part (eyes, brows, nose, mouth, cheeks) the aligned photos are compared on.
_INNER_ROWS, _INNER_COLS = (0.25, 0.65), (0.22, 0.78)
#: Iterations of each alignment step (enhanced correlation: a head turned by a few
#: degrees, moved and framed a little tighter or looser converges in about ten).
_ALIGN_ITERATIONS = 20
#: The face's middle from the hair down to the mouth, where the skin's tone is compared
#: with the hair's and the eyes' (a lighter or darker skin, greyer hair).
_TONE_ROWS, _TONE_COLS = (0.05, 0.65), (0.30, 0.70)
#: Blur (pixels at :data:`_FACE_DPI`) of the chroma and tone comparisons: skin, lips, hair
#: and eyes as patches of colour and tone, not the grain of the print.
_CHROMA_SIGMA = 1.5
_TONE_SIGMA = 2.0
#: The three cues of the holder comparison, each in units of what two photos of the same
#: person differ by (the median over 144 genuine pairs of docsec's generator, rendered,
#: scanned and photographed documents): the fine detail of the face's inner part (eyes,
#: brows, nose, mouth) and its chroma (red against green: skin, lips, hair, which a
#: camera's colour cast or light level does not change), as 1 - correlation; the tones of
#: the face's middle (skin against hair and eyes) as what the portrait's tones keep apart
#: from the photo's, fitted in gain and level (grey levels: a pale, low-contrast face is
#: not held to a correlation its shading cannot give).
HOLDER_FINE_SPREAD = 0.011
#: Spread (grey levels, the standard deviation of the portrait's fine detail over the
#: face's inner part) under which the face is too flat for its fine correlation to mean
#: much: the fine cue is then weighed by the portrait's variance over this one's. A genuine
#: dark, low-contrast independent uto_card_td2 (seed 31) spread 4.6-4.8 and read 11-11.6
#: fine spreads rendered and photographed (13.2 and 17.0 in all); the genuine faces of a
#: 40-document plan of docsec's generator (--defects 'photo.impostor', seed 2026) spread
#: 6.8-20.7, its impostors 8.0-21.4 (those under this floor read at least 15.6 fine spreads
#: unweighed, 13.7 weighed). Judged as grey levels apart instead, high-contrast genuine faces
#: read further (an independent zzb_id_td1 rendered: 12.9 against 10.0).
HOLDER_FINE_FLOOR = 10.0
HOLDER_CHROMA_SPREAD = 0.0031
HOLDER_TONE_SPREAD = 1.87
#: Threshold of the holder distance (the cues added up): the holder's own photo reaches
#: 8.1 (144 rendered, scanned and photographed documents of docsec's generator; median
#: about 3), a look-alike (every identity trait moved by a quarter of its range) is above
#: 13 in 96 % of cases (median about 60).
HOLDER_DISTANCE_MAX = 13.0
#: Registration quality (:attr:`RegisteredView.quality`) of the white view under which a
#: holder distance over the threshold but under :data:`HOLDER_LOOSE_MAX` is a warning: a
#: loosely registered photo crops the portrait off its box and lights it unevenly
#: (genuine independent photos registered at 0.57 and 0.47 read 15.7 and 16.9: seeds 31
#: and 4242); docsec's generator's photos register at 0.80 and over, and its impostors
#: read 13.5-194 (median about 40: seed 2026's 'photo.*' and 'photo.impostor' plans).
HOLDER_SURE_QUALITY = 0.7
HOLDER_LOOSE_MAX = 25.0
#: Level (0-255) at or above which a channel of the captured portrait or of the person's
#: photo is saturated: there the red-to-green ratio shows only the other channel, and a
#: camera's lamp fall-off or colour cast (which leaves unsaturated ratios alone) moves it.
HOLDER_CLIP_LEVEL = 250
#: Least share of the face's inner part free of saturated pixels for the chroma cue to be
#: measured; below it the cue is left out. A peach skin rendered at full red (independent
#: set: 95 % of the inner face saturated in every capture) took a genuine photo's chroma to
#: 45 spreads and the sum to 52 against 13 (scan 7.8, rendered 2.6); with the cue left out
#: the holder's own photo stays at 7.3 at most there.
HOLDER_CHROMA_MIN_SHARE = 0.5
#: Spread (standard deviation of the log red-to-green ratio over the face's inner part)
#: under which the portrait's chroma is too even for its correlation to mean much: the
#: chroma cue is then weighed by the portrait's variance over this one's (a residual in
#: log units, not a share of a spread a camera's noise and glare fill). A genuine pale face
#: of docsec's generator (seed 2026, uto_card_td2) spread 0.026-0.040 and read 8-21 chroma
#: spreads scanned and photographed, about 2 once weighed; the genuine faces of a
#: 40-document plan (--defects 'photo.impostor', seed 2026) spread 0.060-0.18, its
#: impostors 0.038-0.154 (those under this floor kept at least 16 chroma spreads).
HOLDER_CHROMA_FLOOR = 0.08


#: Least share of the portrait left clear of the design printed over it (a specimen mark's
#: letters, a hologram's foil: :func:`_overprint`, :func:`_overlay_free`) for the holder
#: comparison to leave the design out; with less, the whole portrait is compared.
HOLDER_CLEAR_MIN_SHARE = 0.5


def _share_mask(shape: tuple[int, int], rows: tuple[float, float],
                cols: tuple[float, float]) -> NDArray[np.bool_]:
    h, w = shape
    m = np.zeros(shape, bool)
    m[round(rows[0] * h) : round(rows[1] * h), round(cols[0] * w) : round(cols[1] * w)] = True
    return m


#: Largest change of scale (either axis) an alignment may make: two ICAO-framed photos of
#: one head differ by a few percent; a map beyond this has locked onto the clothes or the
#: hair's pattern, and the rigid first step stands instead.
_ALIGN_MAX_SCALE = 1.25


def _align_affine(fixed: F32, moving: F32, mask: NDArray[np.bool_]) -> NDArray[np.float32]:
    """The map (capture of ``fixed`` to ``moving``) that best correlates them over ``mask``
    (enhanced correlation maximisation): a turn and shift at half resolution, then an
    affine map at full resolution from there; the first (or the identity) when the next
    does not converge or scales by more than :data:`_ALIGN_MAX_SCALE`."""
    h, w = fixed.shape
    half = (max(8, w // 2), max(8, h // 2))

    def small(a: F32) -> F32:
        return np.asarray(cv2.GaussianBlur(cv2.resize(a, half, interpolation=cv2.INTER_AREA),
                                           (0, 0), 1.0), np.float32)  # fmt: skip

    def blur(a: F32) -> F32:
        return np.asarray(cv2.GaussianBlur(a, (0, 0), 1.0), np.float32)

    warp = np.eye(2, 3, dtype=np.float32)
    m_half = cv2.resize(mask.astype(np.uint8), half, interpolation=cv2.INTER_NEAREST)
    steps = ((small(fixed), small(moving), m_half, cv2.MOTION_EUCLIDEAN, 1e-3),
             (blur(fixed), blur(moving), mask.astype(np.uint8), cv2.MOTION_AFFINE, 1e-4))
    for a, b, m, motion, eps in steps:
        crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, _ALIGN_ITERATIONS, eps)
        try:
            _, found = cv2.findTransformECC(a, b, warp.copy(), motion, crit, m, 1)
            new = np.asarray(found, np.float32)
            sv = np.linalg.svd(new[:, :2], compute_uv=False)
            if sv.max() <= _ALIGN_MAX_SCALE and sv.min() >= 1.0 / _ALIGN_MAX_SCALE:
                warp = new
        except cv2.error:  # no convergence (a flat or unrelated image): keep the last map
            pass
        if a.shape != fixed.shape:  # from half resolution to full: the shift doubles
            warp[:, 2] *= np.float32(w / half[0]), np.float32(h / half[1])
    return warp


def _warp(img: F32, warp: NDArray[np.float32], shape: tuple[int, int]) -> F32:
    return np.asarray(cv2.warpAffine(img, warp, (shape[1], shape[0]),
                                     flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                     borderMode=cv2.BORDER_REPLICATE), np.float32)  # fmt: skip


def _chroma(img: F32) -> F32:
    """Log ratio of red to green, blurred by :data:`_CHROMA_SIGMA`."""
    r = np.maximum(img[..., 0], 0.0) + np.float32(8.0)
    g = np.maximum(img[..., 1], 0.0) + np.float32(8.0)
    return np.asarray(cv2.GaussianBlur(np.log(r / g), (0, 0), _CHROMA_SIGMA), np.float32)


def _saturated(*imgs: F32) -> NDArray[np.bool_]:
    """True where a channel of any of ``imgs`` reaches :data:`HOLDER_CLIP_LEVEL`, grown by
    the chroma blur's reach."""
    hit = np.zeros(imgs[0].shape[:2], np.uint8)
    for img in imgs:
        hit |= (img.max(axis=2) >= HOLDER_CLIP_LEVEL).astype(np.uint8)
    reach = 2 * round(2 * _CHROMA_SIGMA) + 1
    return np.asarray(cv2.dilate(hit, np.ones((reach, reach), np.uint8)) > 0, bool)


def _holder_distance(portrait: F32, person: F32,
                     clear: NDArray[np.bool_] | None = None) -> float:
    """How far the photo of the person (``person``, resized to the portrait's pixels) is
    from the portrait's face: the photo aligned on the portrait's head (an affine map:
    another pose, framing and lens), then one less the correlation of the fine detail of
    the face's inner part, in units of :data:`HOLDER_FINE_SPREAD` (weighed down for a flat
    face: :data:`HOLDER_FINE_FLOOR`), plus the grey levels the tones of the face's middle
    keep apart once fitted (the residual of the least-squares fit), in units of
    :data:`HOLDER_TONE_SPREAD`, plus one less the correlation of the inner part's chroma
    (when both are in colour and enough of it is not saturated:
    :data:`HOLDER_CHROMA_MIN_SHARE`), over its unsaturated pixels, in units of
    :data:`HOLDER_CHROMA_SPREAD` (weighed down for an even chroma:
    :data:`HOLDER_CHROMA_FLOOR`). ``clear``: the portrait's pixels the document prints
    nothing over (a specimen mark, a hologram's foil), the only ones compared."""
    shape = (portrait.shape[0], portrait.shape[1])
    if clear is None or clear.mean() < HOLDER_CLEAR_MIN_SHARE:
        clear = np.ones(shape, bool)
    lum_p, lum_q = _lum(portrait), _lum(person)
    warp = _align_affine(lum_p, lum_q, _share_mask(shape, _HEAD_ROWS, _HEAD_COLS) & clear)
    inner = _share_mask(shape, _INNER_ROWS, _INNER_COLS) & clear
    lum_a = _warp(lum_q, warp, shape)
    band_p = _band(lum_p, _FINE_BAND)
    fine = _ncc(band_p, _band(lum_a, _FINE_BAND), inner)
    fine_flat = min(1.0, float(band_p[inner].var()) / HOLDER_FINE_FLOOR**2)
    tones = np.asarray(cv2.GaussianBlur(lum_p, (0, 0), _TONE_SIGMA), np.float32)
    middle = _share_mask(shape, _TONE_ROWS, _TONE_COLS) & clear
    tone = _ncc(tones, np.asarray(cv2.GaussianBlur(lum_a, (0, 0), _TONE_SIGMA), np.float32),
                middle)  # fmt: skip
    apart = float(tones[middle].std()) * float(np.sqrt(max(0.0, 1.0 - tone * tone)))
    out = (1.0 - fine) * fine_flat / HOLDER_FINE_SPREAD + apart / HOLDER_TONE_SPREAD
    if portrait.ndim == 3 and person.ndim == 3:
        moved = _warp(person, warp, shape)
        measured = inner & ~_saturated(portrait, moved)
        if measured.sum() >= HOLDER_CHROMA_MIN_SHARE * inner.sum():
            c_p = _chroma(portrait)
            chroma = _ncc(c_p, _chroma(moved), measured)
            flat = min(1.0, float(c_p[measured].var()) / HOLDER_CHROMA_FLOOR**2)
            out += (1.0 - chroma) * flat / HOLDER_CHROMA_SPREAD
    return float(out) if np.isfinite(out) else float("inf")  # no measure: no match


def portrait_matches_holder(ctx: Context) -> Finding:
    """Distance of the photo of the person presenting the document (``traveller``),
    aligned on the portrait, from the portrait's face; fails above the threshold."""
    cid = "feature.portrait.matches_holder"
    model = ctx.model
    if model.portrait is None:
        return make_finding(cid, Status.NOT_APPLICABLE, "the model has no portrait.",
                            "у модели нет фотографии.")
    white = ctx.view("white", model.portrait.side)
    if ctx.traveller is None or white is None:
        return make_finding(cid, Status.NOT_APPLICABLE,
                            "needs view traveller (a photo of the person presenting it)."
                            if ctx.traveller is None else f"{ctx.missing('white')}.",
                            "нужен снимок предъявителя." if ctx.traveller is None else
                            "нет снимка в белом свете.", view_name="traveller")  # fmt: skip
    portrait = white.crop(model.portrait.box_mm, _FACE_DPI)
    h, w = portrait.shape[:2]
    person = np.asarray(cv2.resize(np.asarray(ctx.traveller, np.float32), (w, h),
                                   interpolation=cv2.INTER_AREA), np.float32)  # fmt: skip
    shape = (portrait.shape[0], portrait.shape[1])
    clear = ~_overprint(ctx, model.portrait.box_mm, shape) & _overlay_free(
        ctx, model.portrait.box_mm, shape, _FACE_DPI)
    score = _holder_distance(portrait, person, clear)
    if HOLDER_DISTANCE_MAX < score < HOLDER_LOOSE_MAX and white.quality < HOLDER_SURE_QUALITY:
        return make_finding(
            cid, Status.WARN,
            "The person presenting the document may not match the portrait, but the capture "
            f"is registered too loosely (quality {white.quality:.2f}, below "
            f"{HOLDER_SURE_QUALITY}) to be sure: compare the faces by eye.",
            "Предъявитель, возможно, не соответствует фотографии, но снимок совмещён слишком "
            f"грубо (качество {white.quality:.2f}, ниже {HOLDER_SURE_QUALITY}): сравните "
            "лица визуально.",
            score=score, threshold=HOLDER_DISTANCE_MAX, view=white,
            box_mm=model.portrait.box_mm)  # fmt: skip
    return _judge(cid, score, low_fails=False, view=white, box=model.portrait.box_mm,
                  threshold=HOLDER_DISTANCE_MAX,
                  ok=("The person presenting the document matches the portrait.",
                      "Предъявитель соответствует фотографии."),
                  bad=("The person presenting the document does not match the portrait: "
                       "compare face shape, eyes, nose and ears (an impostor?).",
                       "Предъявитель не соответствует фотографии: сравните овал лица, глаза, "
                       "нос, уши (самозванец?)."))
