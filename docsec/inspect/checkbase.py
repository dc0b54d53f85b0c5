"""What every image check shares: thresholds, crops of a registered view and of the model's
unpersonalised reference, masks of the personalised areas, and the judging of a score."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.context import Context, make_finding
from docsec.inspect.reference import REF_DPI, reference
from docsec.inspect.register import RegisteredView
from docsec.models import FeatureSpec, FieldSpec
from docsec.report import Finding, Status, worst

F32 = NDArray[np.float32]
BoxMM = tuple[float, float, float, float]

#: The threshold of each check's score (the direction is in the check's docstring).
THRESHOLDS: Mapping[str, float] = {
    "feature.uv_substrate.dull": 2.5,
    # slid correlation: genuine 0.71-0.93 (registration off by up to 1 mm), no emblem
    # -0.04-0.08
    "feature.uv_emblem.present": 0.4,
    "feature.ir_mrz.dark": 0.5,
    # the print checks (guilloche, rainbow, microprint), the fibres, IR fields and the emblem
    # in white light (uvir.py), the watermark, thread and perforated number
    # (transmitted.py), the typefaces (fonts.py), the ghost image's presence and likeness
    # and the holder's likeness (faces.py) and the hologram (features.py) keep their
    # thresholds beside their measures
    # genuine paper -0.02-0.09 (ZZA's design reaches 0.09), a printed watermark 0.40-0.69
    "feature.watermark.invisible_in_white": 0.2,
    "feature.portrait.position": 2.0,
    # colour change over the reference's: genuine 0.53-1.09, a static print 0.00
    "feature.latent_image.present": 0.4,
    "feature.portrait.intact": 30.0,
    # UV lift of the band along the edges over the paper inside it (levels, beyond the
    # reference): genuine -0.8-0.35 in every capture, a glued-in page 24+ (photos' soft edges
    # hide it on some)
    "feature.page.intact": 8.0,
}

_LABEL_MM = 1.9  # a field's printed value sits below its label
_LABEL_SKIP_MM = 0.3  # the label's descenders reach this far into the value box


def _ncc(a: F32, b: F32, mask: NDArray[np.bool_] | None = None) -> float:
    if mask is not None:
        a, b = a[mask], b[mask]
    a = a - a.mean()
    b = b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 1e-6 else 0.0


def _lum(img: F32) -> F32:
    if img.ndim == 2:
        return img
    out: F32 = img @ np.asarray([0.299, 0.587, 0.114], np.float32)
    return out


def _ref_crop(ctx: Context, side: str, light: str, box: BoxMM) -> F32:
    ref = reference(ctx.model.id, side, light)
    x, y, w, h = (round(v * REF_DPI / 25.4) for v in box)
    x, y = max(0, x), max(0, y)
    return ref[y : y + max(1, h), x : x + max(1, w)].astype(np.float32)


def _resize(img: F32, shape: tuple[int, ...]) -> F32:
    return np.asarray(cv2.resize(img, (shape[1], shape[0]), interpolation=cv2.INTER_AREA),
                      np.float32)


def _clip_box(ctx: Context, box: BoxMM) -> BoxMM:
    w, h = ctx.model.size_mm
    x, y, bw, bh = box
    x, y = max(0.0, x), max(0.0, y)
    return x, y, max(0.5, min(bw, w - x)), max(0.5, min(bh, h - y))


def _features(ctx: Context, kind: str) -> list[FeatureSpec]:
    return [f for f in ctx.model.features if f.kind == kind]


def _value_box(f: FieldSpec) -> BoxMM:
    x, y, w, h = f.box_mm
    return x, y + _LABEL_MM, w, max(0.5, h - _LABEL_MM)


def _personal_boxes(ctx: Context, side: str) -> list[BoxMM]:
    """Boxes of everything personalised on ``side`` (fields, MRZ, portrait, ghost image)."""
    m = ctx.model
    boxes = [f.box_mm for f in m.fields if f.side == side]
    if m.mrz is not None and m.mrz.side == side:
        boxes.append(m.mrz.box_mm)
    if m.portrait is not None and m.portrait.side == side:
        boxes.append(m.portrait.box_mm)
    boxes += [f.box_mm for f in m.features
              if f.side == side and f.kind in ("ghost_image", "laser_perforation")]  # fmt: skip
    return boxes


def _mask_out(shape: tuple[int, int], origin: BoxMM, boxes: Iterable[BoxMM], dpi: int,
              pad_mm: float = 0.5) -> NDArray[np.bool_]:
    """True outside ``boxes`` in a crop of ``origin`` at ``dpi``."""
    keep = np.ones(shape, bool)
    k = dpi / 25.4
    for x, y, w, h in boxes:
        x0 = int((x - pad_mm - origin[0]) * k)
        y0 = int((y - pad_mm - origin[1]) * k)
        x1 = int(np.ceil((x + w + pad_mm - origin[0]) * k))
        y1 = int(np.ceil((y + h + pad_mm - origin[1]) * k))
        keep[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = False
    return keep


def _heat(ctx: Context, check_id: str, view: RegisteredView, box: BoxMM, values: F32) -> None:
    """Keep a heat map (0..1 over ``box``) of ``check_id`` for the HTML report."""
    quad = view.to_capture(box)
    if quad is None or values.size == 0:
        return
    top = float(values.max())
    heat = np.clip(values / top, 0.0, 1.0).astype(np.float32) if top > 0 else values
    ctx.memo.setdefault("heat", {})[check_id] = (view.name, quad, heat)


def _na(ctx: Context, check_id: str, light: str, side: str) -> Finding:
    why = ctx.missing(light, side)
    return make_finding(check_id, Status.NOT_APPLICABLE, f"{why}.",
                        f"нет снимка: {why}.", view_name=light)  # fmt: skip


def _judge(check_id: str, score: float, *, low_fails: bool, view: RegisteredView | None,
           box: BoxMM | None, ok: tuple[str, str], bad: tuple[str, str],
           threshold: float | None = None) -> Finding:
    t = THRESHOLDS[check_id] if threshold is None else threshold
    failed = score < t if low_fails else score > t
    en, ru = bad if failed else ok
    return make_finding(check_id, Status.FAIL if failed else Status.PASS, en, ru, score=score,
                        threshold=t, view=view, box_mm=box)  # fmt: skip


def _per_side(ctx: Context, kind: str, check_id: str,
              one: Callable[[FeatureSpec], Finding]) -> Finding:
    feats = _features(ctx, kind)
    if not feats:
        return make_finding(check_id, Status.NOT_APPLICABLE,
                            f"the model {ctx.model.id} has no {kind.replace('_', ' ')}.",
                            f"у модели {ctx.model.id} нет этого защитного элемента.")
    found = [one(f) for f in feats]
    top = worst(f.status for f in found)
    return next(f for f in found if f.status == top)



_BAND_SIGMA = (2.0, 30.0)


def _band(img: F32, sigmas: tuple[float, float] = _BAND_SIGMA) -> F32:
    lo, hi = sigmas
    return np.asarray(cv2.GaussianBlur(img, (0, 0), lo) - cv2.GaussianBlur(img, (0, 0), hi),
                      np.float32)



def _less_design(ctx: Context, v: RegisteredView, box: BoxMM, dpi: int) -> F32:
    """Luminance of ``box`` in ``v`` less the model's unpersonalised reference in the same
    light, the reference's gain and offset fitted to the capture (lighting, camera)."""
    mine = _lum(v.crop(box, dpi))
    ref = _resize(_lum(_ref_crop(ctx, v.side, v.light, box)), mine.shape)
    a = np.stack([ref.ravel(), np.ones(ref.size, np.float32)], axis=1)
    coef, *_ = np.linalg.lstsq(a, mine.ravel(), rcond=None)
    out: F32 = mine - (ref * np.float32(coef[0]) + np.float32(coef[1]))
    return out


def _grow(box: BoxMM, mm: float) -> BoxMM:
    x, y, w, h = box
    return x - mm, y - mm, w + 2 * mm, h + 2 * mm


def _uv_lift(ctx: Context, v: RegisteredView, inner: BoxMM, outer: BoxMM,
             q: float = 50) -> float:
    """How much brighter the band between ``inner`` and ``outer`` is in UV than the
    reference shows it (``q``-th percentile of luminance levels)."""
    box = _clip_box(ctx, outer)
    mine = _lum(v.crop(box, 100))
    ref = _resize(_lum(_ref_crop(ctx, v.side, "uv365", box)), mine.shape)
    band = ~_mask_out(mine.shape, box, [box], 100, 0.0) & _mask_out(mine.shape, box, [inner],
                                                                    100, 0.0)
    if band.sum() < 10:
        return 0.0
    return float(np.percentile(mine[band], q)) - float(np.percentile(ref[band], q))

#: How far (mm) the transmitted-light features are looked for around where the registration
#: puts them: a registration off by a millimetre takes a 1.2 mm thread band off its box and
#: halves a watermark's correlation in place.
_SLIDE_MM = 1.5


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


def _parabola_peak(res: F32, x: int, y: int) -> tuple[float, float, float]:
    """The maximum of ``res`` at ``(x, y)`` between pixels: a parabola through it and its
    neighbours along each axis gives the offset (``dx``, ``dy``, within half a pixel) and
    the value at the vertex (a correlation of text a few pixels high loses up to 0.05 at
    a half-pixel offset)."""
    value = float(res[y, x])
    off = [0.0, 0.0]
    h, w = res.shape[:2]
    for k, (a, c) in enumerate(((res[y, x - 1], res[y, x + 1]) if 0 < x < w - 1 else (None, None),
                                (res[y - 1, x], res[y + 1, x]) if 0 < y < h - 1 else (None, None))):
        if a is None or c is None:
            continue
        den = float(a) + float(c) - 2.0 * float(res[y, x])
        if den < -1e-9:
            off[k] = float(np.clip(0.5 * (float(a) - float(c)) / den, -0.5, 0.5))
            value -= (float(a) - float(c)) ** 2 / (8.0 * den)
    return off[0], off[1], value


def _box_shape(box: BoxMM, dpi: int) -> tuple[int, int]:
    k = dpi / 25.4
    return max(2, round(box[3] * k)), max(2, round(box[2] * k))


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


# --- IR ---------------------------------------------------------------------------------------


def _ink_share(img: F32) -> float:
    """Share of dark (ink) pixels: darker than half way from ink to the paper level."""
    g = _chan_max(img) if img.ndim == 3 else img
    paper = float(np.percentile(g, 90))
    return float((g < paper * 0.55).mean())
