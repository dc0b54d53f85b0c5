"""Portrait checks: the ghost image present and showing the portrait's face, the portrait in
its box and its edges intact, and the portrait against the traveller's photograph."""

from __future__ import annotations

import cv2
import numpy as np

from docsec.inspect.checkbase import (
    F32,
    BoxMM,
    _band,
    _clip_box,
    _grow,
    _judge,
    _less_design,
    _lum,
    _na,
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


#: Resolution of the face comparison (a ghost image is 12-18 mm wide: 50-70 pixels).
_GHOST_DPI = 100
#: How far (mm) around its box the ghost image is looked for: the personalisation printer
#: places it within about a millimetre, and the box itself may sit a little off it.
_GHOST_SLACK_MM = 2.0
#: Relative sizes of the portrait tried against the ghost image (placement tolerance).
_GHOST_SCALES = (0.92, 1.0, 1.08)
#: Bands (Gaussian sigmas, pixels at :data:`_GHOST_DPI`) the faces are compared in, each
#: with the correlation a genuine ghost image keeps in it (dev seeds, every model, rendered,
#: scan and photo: genuine >= 0.55 fine and >= 0.88 wide): the fine band holds the eyes,
#: brows and mouth, the wide one the face's shading and proportions.
_GHOST_BANDS = (((1.0, 6.0), 0.5), ((2.0, 30.0), 0.85))


def _face_match(ghost: F32, portrait: F32, size_mm: tuple[float, float]) -> float:
    """How well the ghost image matches the portrait: in each of :data:`_GHOST_BANDS`, the
    best correlation of the portrait, reduced to the ghost image's size (a few scales), slid
    over the ghost image's neighbourhood, over the correlation a genuine one keeps; the
    lower of the two (1 = as a genuine ghost image at its limit)."""
    return min(_face_corr(ghost, portrait, size_mm, band) / floor
               for band, floor in _GHOST_BANDS)


def _face_corr(ghost: F32, portrait: F32, size_mm: tuple[float, float],
               band: tuple[float, float]) -> float:
    g = _band(ghost, band)
    p_full = _band(portrait, band)
    k = _GHOST_DPI / 25.4
    best = 0.0
    for s in _GHOST_SCALES:
        w, h = round(size_mm[0] * k * s), round(size_mm[1] * k * s)
        if w < 8 or h < 8 or w > g.shape[1] or h > g.shape[0]:
            continue
        p = np.asarray(cv2.resize(p_full, (w, h), interpolation=cv2.INTER_AREA), np.float32)
        p = p[2:-2, 2:-2]
        res = cv2.matchTemplate(np.ascontiguousarray(g), np.ascontiguousarray(p),
                                cv2.TM_CCOEFF_NORMED)  # fmt: skip
        best = max(best, float(res.max()))
    return best


def ghost_image_matches_portrait(ctx: Context) -> Finding:
    """Correlation of the ghost image (UV, else white) with the portrait reduced to its size."""
    cid = "feature.ghost_image.matches_portrait"

    def one(f: FeatureSpec) -> Finding:
        model = ctx.model
        white = ctx.view("white", f.side)
        if white is None or model.portrait is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        around = _clip_box(ctx, _grow(box, _GHOST_SLACK_MM))
        portrait = _lum(white.crop(model.portrait.box_mm, _GHOST_DPI))
        # the ghost image alone: the capture less the unpersonalised design (a UV emblem or
        # guilloche crossing it), in white light and under UV (where it glows: inverted)
        scores: list[tuple[float, RegisteredView]] = []
        for light, sign in (("white", 1.0), ("uv365", -1.0)):
            v = ctx.view(light, f.side)
            if v is None:
                continue
            layer = _less_design(ctx, v, around, _GHOST_DPI) * sign
            scores.append((_face_match(layer, portrait, (box[2], box[3])), v))
        score, src = max(scores, key=lambda t: t[0])
        return _judge(cid, score, low_fails=True, view=src, box=box,
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


#: The face's part of a portrait (rows, columns as shares of the box): clothes, shoulders
#: and background, which change from one photo to the next, left out.
_FACE_ROWS, _FACE_COLS = (0.05, 0.68), (0.12, 0.88)
#: Bands and the correlation the same person keeps in each across two photos (pose, light
#: and clothes change; dev seeds, every model with a portrait).
_HOLDER_BANDS = (((1.0, 6.0), 0.5), ((2.0, 30.0), 0.8))


def _holder_match(portrait: F32, person: F32) -> float:
    """How well the photo of the person matches the portrait's face: per band of
    :data:`_HOLDER_BANDS`, the best correlation of the portrait's face (a few scales) slid
    over the photo, over the correlation the same person keeps; the lower of the two."""
    h, w = portrait.shape
    r0, r1 = (round(v * h) for v in _FACE_ROWS)
    c0, c1 = (round(v * w) for v in _FACE_COLS)
    out = np.inf
    for band, floor in _HOLDER_BANDS:
        p, q = _band(portrait, band)[r0:r1, c0:c1], _band(person, band)
        best = 0.0
        for s in _GHOST_SCALES:
            t = np.asarray(cv2.resize(p, (round(p.shape[1] * s), round(p.shape[0] * s)),
                                      interpolation=cv2.INTER_AREA), np.float32)  # fmt: skip
            if t.shape[0] > q.shape[0] or t.shape[1] > q.shape[1] or min(t.shape) < 8:
                continue
            res = cv2.matchTemplate(np.ascontiguousarray(q), np.ascontiguousarray(t),
                                    cv2.TM_CCOEFF_NORMED)  # fmt: skip
            best = max(best, float(res.max()))
        out = min(out, best / floor)
    return float(out)


def portrait_matches_holder(ctx: Context) -> Finding:
    """Correlation of the portrait with the photo of the person presenting the document
    (``traveller``: face features and shading, both reduced to the portrait's box); fails
    below the threshold."""
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
    portrait = _lum(white.crop(model.portrait.box_mm, _GHOST_DPI))
    person = _resize(_lum(np.asarray(ctx.traveller, np.float32)), portrait.shape)
    score = _holder_match(portrait, person)
    return _judge(cid, score, low_fails=True, view=white, box=model.portrait.box_mm,
                  ok=("The person presenting the document matches the portrait.",
                      "Предъявитель соответствует фотографии."),
                  bad=("The person presenting the document does not match the portrait: "
                       "compare face shape, eyes, nose and ears (an impostor?).",
                       "Предъявитель не соответствует фотографии: сравните овал лица, глаза, "
                       "нос, уши (самозванец?)."))
