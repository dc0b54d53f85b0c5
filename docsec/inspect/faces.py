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
    _less_design,
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


def ghost_image_present(ctx: Context) -> Finding:
    """Tonal spread of the ghost-image box over the reference's; fails below."""
    cid = "feature.ghost_image.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        mine = _lum(v.crop(box, 50))
        ref = _lum(_ref_crop(ctx, f.side, "white", box))
        score = float(mine.std()) - float(_resize(ref, mine.shape).std())
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The ghost image is present.", "Дополнительное изображение есть."),
                      bad=("The ghost image is missing.", "Дополнительного изображения нет."))

    return _per_side(ctx, "ghost_image", cid, one)


#: Resolution of the face comparisons: a ghost image 11-18 mm wide is 43-71 pixels, a
#: portrait 21-35 mm wide 83-138 pixels, enough for eyes, brows, nose and mouth.
_FACE_DPI = 100
#: How far (mm) around its box the ghost image is looked for: the personalisation printer
#: places it within about a millimetre, and a page registered on a scan's whole frame (its
#: margins taken for the page: 6-8 % too large) puts a ghost image 100 mm from the page's
#: corner up to 6 mm off (the portrait, near the corner, moves far less).
_GHOST_SLACK_MM = 6.0
#: Bands (Gaussian sigmas, pixels at :data:`_FACE_DPI`) faces are compared in. Fine: eyes,
#: brows, nostrils, mouth. Mid: the same with the face's outline, against a white-light
#: guilloche whose fine lines would drown the fine band. Wide: the head against the
#: clothes and background (the ghost image is printed from the same photo: the same ones).
_FINE_BAND = (1.0, 4.0)
_MID_BAND = (1.0, 10.0)
_WIDE_BAND = (2.0, 30.0)
#: The cues of the ghost-image comparison: (light, sign, band). Under UV 365 nm the ghost
#: image glows (a darker portrait is a brighter ghost image) clear of the white-light
#: design; in white light it is printed over the guilloche.
_GHOST_CUES: tuple[tuple[str, str, float, tuple[float, float]], ...] = (
    ("uv365_fine", "uv365", -1.0, _FINE_BAND),
    ("uv365_wide", "uv365", -1.0, _WIDE_BAND),
    ("white_mid", "white", 1.0, _MID_BAND),
)
#: Share (%) of the ghost image's pixels left out of each correlation, those the portrait
#: explains worst: UV fibres (each document's own) and the edges of a UV emblem or a
#: guilloche crossing it, which the unpersonalised reference cannot take away.
_GHOST_TRIM_PCT = 10.0
#: Features whose foil lies over the portrait in white light (not printed in the ghost).
_OVERLAYS = ("hologram", "ovi", "latent_image")


@functools.cache
def _face_table() -> Mapping[str, Any]:
    """``data/faces.json``: per model, the spread of each ghost-image cue between genuine
    ghost images and their portraits, and the thresholds (see the file's ``about``)."""
    path = resources.files("docsec.inspect") / "data" / "faces.json"
    with path.open("r", encoding="utf-8") as fh:
        table: Mapping[str, Any] = json.load(fh)
    return table


def _ghost_spreads(model_id: str) -> Mapping[str, float]:
    spreads = _face_table()["ghost_spread"]
    return {str(k): float(v) for k, v in spreads.get(model_id, spreads["default"]).items()}


def _overlay_free(ctx: Context, box: BoxMM, shape: tuple[int, int]) -> NDArray[np.bool_]:
    """True where the portrait (``box`` at :data:`_FACE_DPI`) is not under a hologram, OVI
    or latent image of its side."""
    assert ctx.model.portrait is not None
    side = ctx.model.portrait.side
    over = [f.box_mm for f in ctx.model.features if f.side == side and f.kind in _OVERLAYS]
    return _mask_out(shape, box, over, _FACE_DPI, pad_mm=0.5)


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


def _ghost_onto(layer: F32, portrait: F32) -> F32:
    """The part of ``layer`` (the ghost image's box and the slack around it) that shows
    ``portrait`` (already reduced to the ghost image's size), at the best whole-pixel shift
    of the portrait's inner part in :data:`_MID_BAND` (the ghost image is printed from the
    same photo: a shift only, no turn or scale; a finer shift, tried, widened the spread of
    genuine ghost images more than that of look-alikes)."""
    h, w = portrait.shape
    m = 3  # the band's edge pixels carry the crop border, not the face
    g, p = _band(layer, _MID_BAND), _band(portrait, _MID_BAND)
    res = cv2.matchTemplate(np.ascontiguousarray(g), np.ascontiguousarray(p[m:-m, m:-m]),
                            cv2.TM_CCOEFF_NORMED)  # fmt: skip
    _, _, _, (x0, y0) = cv2.minMaxLoc(res)
    # the layer padded by the margin: its (x0, y0) is the whole portrait's corner
    padded = np.asarray(cv2.copyMakeBorder(layer, m, m, m, m, cv2.BORDER_REPLICATE), np.float32)
    return np.ascontiguousarray(padded[y0 : y0 + h, x0 : x0 + w])


def _ghost_distance(ghosts: Mapping[str, F32], portrait: F32, keep: NDArray[np.bool_],
                    spreads: Mapping[str, float]) -> tuple[float, int]:
    """How far the ghost image (``ghosts``: by light, brought onto the portrait) is from
    ``portrait``: per cue of :data:`_GHOST_CUES` whose light is there, one less the
    trimmed correlation in the cue's band, in units of its ``spreads`` (the median of the
    genuine ghost images of the model), added up; and the number of cues used."""
    total, used = 0.0, 0
    for name, light, _, band in _GHOST_CUES:
        g = ghosts.get(light)
        if g is None:
            continue
        ncc = _ncc_trimmed(_band(g, band), _band(portrait, band), keep, _GHOST_TRIM_PCT)
        total += (1.0 - ncc) / spreads[name]
        used += 1
    return total, used


def ghost_image_matches_portrait(ctx: Context) -> Finding:
    """Distance of the ghost image from the portrait reduced to its size (fine detail and
    the head against the clothes under UV 365 nm, the face's shape in white light), in
    units of what genuine ghost images of the model show; fails above the threshold: the
    portrait was replaced, even by a look-alike's."""
    cid = "feature.ghost_image.matches_portrait"

    def one(f: FeatureSpec) -> Finding:
        model = ctx.model
        white = ctx.view("white", f.side)
        if white is None or model.portrait is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        around = _clip_box(ctx, _grow(box, _GHOST_SLACK_MM))
        pbox = model.portrait.box_mm
        portrait = _lum(white.crop(pbox, _FACE_DPI))
        free = _overlay_free(ctx, pbox, (portrait.shape[0], portrait.shape[1]))
        if free.any():  # a hologram's foil over the portrait is no part of the ghost image
            portrait = portrait.copy()
            portrait[~free] = float(np.median(portrait[free]))
        k = _FACE_DPI / 25.4
        size = (max(16, round(box[2] * k)), max(16, round(box[3] * k)))
        small = np.asarray(cv2.resize(portrait, size, interpolation=cv2.INTER_AREA), np.float32)
        keep = cv2.resize(free.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        keep[:3], keep[-3:], keep[:, :3], keep[:, -3:] = False, False, False, False
        ghosts: dict[str, F32] = {}
        views: dict[str, RegisteredView] = {}
        for light, sign in {(c[1], c[2]) for c in _GHOST_CUES}:
            v = ctx.view(light, f.side)
            if v is not None:
                layer = _less_design(ctx, v, around, _FACE_DPI) * np.float32(sign)
                ghosts[light] = _ghost_onto(layer, small)
                views[light] = v
        score, used = _ghost_distance(ghosts, small, keep, _ghost_spreads(model.id))
        limit = float(_face_table()["ghost_distance_max"]) * used / len(_GHOST_CUES)
        return _judge(cid, score, low_fails=False, view=views.get("uv365", white), box=box,
                      threshold=round(limit, 3),
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
HOLDER_CHROMA_SPREAD = 0.0031
HOLDER_TONE_SPREAD = 1.87
#: Threshold of the holder distance (the cues added up): the holder's own photo reaches
#: 8.1 (144 rendered, scanned and photographed documents of docsec's generator; median
#: about 3), a look-alike (every identity trait moved by a quarter of its range) is above
#: 13 in 96 % of cases (median about 60).
HOLDER_DISTANCE_MAX = 13.0


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


def _holder_distance(portrait: F32, person: F32) -> float:
    """How far the photo of the person (``person``, resized to the portrait's pixels) is
    from the portrait's face: the photo aligned on the portrait's head (an affine map:
    another pose, framing and lens), then one less the correlation of the fine detail of
    the face's inner part, in units of :data:`HOLDER_FINE_SPREAD`, plus the grey levels
    the tones of the face's middle keep apart once fitted (the residual of the least-squares
    fit), in units of :data:`HOLDER_TONE_SPREAD`, plus one less
    that of the inner part's chroma (when both are in colour), in units of
    :data:`HOLDER_CHROMA_SPREAD`."""
    shape = (portrait.shape[0], portrait.shape[1])
    lum_p, lum_q = _lum(portrait), _lum(person)
    warp = _align_affine(lum_p, lum_q, _share_mask(shape, _HEAD_ROWS, _HEAD_COLS))
    inner = _share_mask(shape, _INNER_ROWS, _INNER_COLS)
    lum_a = _warp(lum_q, warp, shape)
    fine = _ncc(_band(lum_p, _FINE_BAND), _band(lum_a, _FINE_BAND), inner)
    tones = np.asarray(cv2.GaussianBlur(lum_p, (0, 0), _TONE_SIGMA), np.float32)
    middle = _share_mask(shape, _TONE_ROWS, _TONE_COLS)
    tone = _ncc(tones, np.asarray(cv2.GaussianBlur(lum_a, (0, 0), _TONE_SIGMA), np.float32),
                middle)  # fmt: skip
    apart = float(tones[middle].std()) * float(np.sqrt(max(0.0, 1.0 - tone * tone)))
    out = (1.0 - fine) / HOLDER_FINE_SPREAD + apart / HOLDER_TONE_SPREAD
    if portrait.ndim == 3 and person.ndim == 3:
        chroma = _ncc(_chroma(portrait), _chroma(_warp(person, warp, shape)), inner)
        out += (1.0 - chroma) / HOLDER_CHROMA_SPREAD
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
    score = _holder_distance(portrait, person)
    return _judge(cid, score, low_fails=False, view=white, box=model.portrait.box_mm,
                  threshold=HOLDER_DISTANCE_MAX,
                  ok=("The person presenting the document matches the portrait.",
                      "Предъявитель соответствует фотографии."),
                  bad=("The person presenting the document does not match the portrait: "
                       "compare face shape, eyes, nose and ears (an impostor?).",
                       "Предъявитель не соответствует фотографии: сравните овал лица, глаза, "
                       "нос, уши (самозванец?)."))
