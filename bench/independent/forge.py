"""Forgeries planted on a document's rendered views by code that shares nothing with
``docsec.generate.defects``: a forger's hand, not the generator's answer key.

Each forgery works on the pixels of the views of one genuine document (every light of a side
is drawn in one frame, so a box in one view is the same box in all of them) and knows the
document's design only as an examiner's reference does: the boxes of the model's zones and
features in millimetres (:mod:`docsec.models`). Where a forger would find something on the
page (the ink of a field, the characters of the MRZ, the fibres), it is found here from the
pixels. Text is re-typed in Liberation or GNU FreeFont (the designs print DejaVu), copies are
made by blurring and screening with a halftone dot of its own, inks are sampled from the page.

:data:`FORGERIES` lists them with the check IDs that should catch each one (those the defect
catalogue declares for the nearest defect of its own); :func:`forge` plants one and returns
the views with the boxes it changed (``changed``), so a test can see the pixels move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from bench.independent.pages import FONTS, MONO
from docsec.models import DocumentModel, get_model

Box = tuple[int, int, int, int]
Views = dict[str, NDArray[np.uint8]]
#: Views that are not lights of the page: never forged here (the VIN plate is the car's).
NOT_LIGHTS = ("vin_plate", "traveller")
#: Fonts a forger re-types a field in: Liberation and FreeFont, none of them the designs'.
FORGER_FONTS = (*FONTS, *MONO)
#: Luminance below which a pixel of a visual-zone value box is ink (values print near
#: black, 22-90 grey; the guilloche and the rainbow under them stay above 140).
INK_LUMA = 115


@dataclass(frozen=True)
class Doc:
    """A genuine document as the forger gets it: views, model, dpi and what it prints."""

    model_id: str
    dpi: int
    views: Mapping[str, NDArray[np.uint8]]
    mrz_lines: tuple[str, ...] | None
    fields: Mapping[str, str]
    donor: Mapping[str, NDArray[np.uint8]] | None = None
    """Another person's document of the same model (its views and ``traveller``): the
    portrait a substitution pastes in."""

    @property
    def model(self) -> DocumentModel:
        return get_model(self.model_id)


@dataclass
class Forged:
    """A forged document: its views, the boxes changed in each view (page pixels), the day
    it is presented (an expired document) and the traveller who presents it."""

    views: Views
    changed: dict[str, list[Box]] = field(default_factory=dict)
    reference_date: dt.date | None = None


@dataclass(frozen=True)
class Forgery:
    """One kind of forgery: what it does, the check IDs that should catch it, the models it
    can be planted on and the function that plants it."""

    id: str
    description: str
    checks: tuple[str, ...]
    fits: Callable[[DocumentModel], bool]
    plant: Callable[[Doc, np.random.Generator], Forged]


# ---------------------------------------------------------------------------------------
# geometry and small helpers


def view_of(light: str, side: str) -> str:
    """The view name of ``light`` on ``side`` (``white``, ``white_back``)."""
    return light if side == "front" else f"{light}_back"


def side_views(views: Mapping[str, Any], side: str) -> list[str]:
    """Names of the views of ``side`` (lights only)."""
    out = []
    for name in views:
        if name in NOT_LIGHTS:
            continue
        if name.endswith("_back") == (side == "back"):
            out.append(name)
    return out


def light(name: str) -> str:
    return name.removesuffix("_back")


def _px(box_mm: tuple[float, float, float, float], dpi: int) -> Box:
    return DocumentModel.box_px(box_mm, dpi)


def _grow(box: Box, by: int, shape: tuple[int, ...]) -> Box:
    x, y, w, h = box
    x0, y0 = max(0, x - by), max(0, y - by)
    x1, y1 = min(shape[1], x + w + by), min(shape[0], y + h + by)
    return x0, y0, x1 - x0, y1 - y0


def _luma(img: NDArray[np.uint8]) -> NDArray[np.float32]:
    if img.ndim == 2:
        return img.astype(np.float32)
    f = img.astype(np.float32)
    return np.asarray(0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2], np.float32)


def _copy(views: Mapping[str, NDArray[np.uint8]]) -> Views:
    return {k: np.array(v, copy=True) for k, v in views.items()}


def _mark(out: Forged, view: str, box: Box) -> None:
    out.changed.setdefault(view, []).append(box)


def _inpaint(img: NDArray[np.uint8], mask: NDArray[np.uint8], radius: int = 3) -> NDArray[np.uint8]:
    if not mask.any():
        return img
    return np.asarray(cv2.inpaint(img, mask, radius, cv2.INPAINT_TELEA), np.uint8)


def _illuminant_gain(frame: NDArray[np.uint8], white: NDArray[np.uint8], box: Box,
                     margin: int = 10) -> NDArray[np.float32] | float:  # fmt: skip
    """How the frame's light differs from white light's on the paper around ``box`` (the
    box itself left out): per channel, so a flat print pasted in takes the frame's light."""
    x, y, w, h = box
    y0, x0 = max(0, y - margin), max(0, x - margin)
    sl = (slice(y0, y + h + margin), slice(x0, x + w + margin))
    ring = np.ones(frame[sl].shape[:2], bool)
    ring[y - y0 : y - y0 + h, x - x0 : x - x0 + w] = False
    a = frame[sl][ring].astype(np.float32)
    b = white[sl][ring].astype(np.float32)
    gain = (np.median(a, axis=0) + 1) / (np.median(b, axis=0) + 1)
    return gain if frame.ndim == 3 else float(gain)


def _feature_box(model: DocumentModel, kind: str, dpi: int) -> tuple[str, Box] | None:
    for f in model.features:
        if f.kind == kind:
            return f.side, _px(f.box_mm, dpi)
    return None


def _has(kind: str) -> Callable[[DocumentModel], bool]:
    return lambda m: any(f.kind == kind for f in m.features)


# ---------------------------------------------------------------------------------------
# the portrait


def _portrait_box(doc: Doc) -> tuple[str, Box]:
    zone = doc.model.portrait
    assert zone is not None
    return zone.side, _px(zone.box_mm, doc.dpi)


def _paste_cut(doc: Doc, rng: np.random.Generator) -> Forged:
    """Another person's photo print stuck over the portrait: a little larger than the box,
    a little skew, its cut edge a dark line; photo paper is dull under UV, its dyes fade in
    IR, and two layers of paper let less light through."""
    assert doc.donor is not None
    out = Forged(_copy(doc.views))
    side, (x, y, w, h) = _portrait_box(doc)
    white = view_of("white", side)
    grow = max(2, round(0.5 * doc.dpi / 25.4))
    shape = doc.views[white].shape
    ox, oy = (int(v) for v in rng.integers(-grow, grow + 1, 2))
    bx, by, bw, bh = _grow((x + ox, y + oy, w, h), grow, shape)
    photo = doc.donor[white][y : y + h, x : x + w]
    photo = np.asarray(cv2.resize(photo, (bw, bh), interpolation=cv2.INTER_LINEAR), np.uint8)
    angle = rng.uniform(-1.2, 1.2)
    rot = cv2.getRotationMatrix2D((bw / 2, bh / 2), angle, 1.0)
    photo = np.asarray(cv2.warpAffine(photo, rot, (bw, bh), borderMode=cv2.BORDER_REPLICATE),
                       np.uint8)
    edge = np.zeros((bh, bw), np.float32)
    cv2.rectangle(edge, (0, 0), (bw - 1, bh - 1), 1.0, max(1, round(doc.dpi / 200)))
    edge = np.asarray(cv2.GaussianBlur(edge, (0, 0), 0.6), np.float32)
    cut = rng.uniform(40, 90)
    for name in side_views(doc.views, side):
        img = out.views[name]
        region = img[by : by + bh, bx : bx + bw].astype(np.float32)
        lt = light(name)
        if lt == "white" or lt.startswith("tilt_"):
            gain = _luma(img).mean() / max(1.0, _luma(doc.views[white]).mean())
            new = photo.astype(np.float32) * gain
        elif lt in ("uv365", "uv254"):
            dull = np.median(region.reshape(-1, region.shape[-1]), axis=0) * rng.uniform(0.7, 1.0)
            lum = _luma(photo)[..., None] / 255.0
            new = np.broadcast_to(dull * (0.6 + 0.4 * lum), region.shape).astype(np.float32)
        elif lt == "ir":
            paper = float(np.percentile(region, 90))
            new = 0.8 * paper + 0.2 * _luma(photo)
        elif lt == "transmitted":
            new = region * rng.uniform(0.6, 0.8)
        else:
            continue
        e = edge[..., None] if new.ndim == 3 and img.ndim == 3 else edge
        new = new * (1 - e) + cut * e
        img[by : by + bh, bx : bx + bw] = np.clip(new, 0, 255).astype(np.uint8)
        _mark(out, name, (bx, by, bw, bh))
    return out


def _paste_feathered(doc: Doc, rng: np.random.Generator) -> Forged:
    """Another person's portrait blended in over a feathered margin (no edge to see), in
    every light as that person's own document shows it; the ghost image is left as it was."""
    assert doc.donor is not None
    out = Forged(_copy(doc.views))
    side, box = _portrait_box(doc)
    shape = doc.views[view_of("white", side)].shape
    feather = rng.uniform(0.5, 1.2) * doc.dpi / 25.4
    bx, by, bw, bh = _grow(box, int(2 * feather), shape)
    alpha = np.zeros((bh, bw), np.float32)
    x, y, w, h = box
    cv2.rectangle(alpha, (x - bx, y - by), (x - bx + w - 1, y - by + h - 1), 1.0, -1)
    alpha = np.asarray(cv2.GaussianBlur(alpha, (0, 0), feather / 2), np.float32)
    for name in side_views(doc.views, side):
        if name not in doc.donor:
            continue
        img = out.views[name]
        a = alpha[..., None] if img.ndim == 3 else alpha
        region = img[by : by + bh, bx : bx + bw].astype(np.float32)
        other = doc.donor[name][by : by + bh, bx : bx + bw].astype(np.float32)
        img[by : by + bh, bx : bx + bw] = np.clip(region * (1 - a) + other * a, 0, 255).astype(
            np.uint8)
        _mark(out, name, (bx, by, bw, bh))
    return out


# ---------------------------------------------------------------------------------------
# the visual zone


def _value_box(doc: Doc, name: str) -> tuple[str, Box]:
    spec = doc.model.field(name)
    x, y, w, h = _px(spec.box_mm, doc.dpi)
    label = round(1.9 * doc.dpi / 25.4)  # the label line above the value
    return spec.side, (x, y + label, w, max(1, h - label))


def _ink(doc: Doc, side: str, box: Box) -> tuple[NDArray[np.uint8], Box] | None:
    """The ink mask of a value box in white light and the box around the ink."""
    x, y, w, h = box
    lum = _luma(doc.views[view_of("white", side)][y : y + h, x : x + w])
    mask = (lum < INK_LUMA).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    big = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= 3]  # specks left out
    keep = np.isin(labels, big).astype(np.uint8)
    ys, xs = np.nonzero(keep)
    if xs.size < 10:
        return None
    return keep, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                  int(ys.max() - ys.min() + 1))  # fmt: skip


def _font_for_cap(path: str, cap_px: int) -> ImageFont.FreeTypeFont:
    """``path`` at the size whose capital H is ``cap_px`` high."""
    size = max(6, cap_px)
    for _ in range(4):
        f = ImageFont.truetype(path, size)
        top, bottom = f.getbbox("H")[1], f.getbbox("H")[3]
        got = max(1, bottom - top)
        size = max(6, round(size * cap_px / got))
    return ImageFont.truetype(path, size)


def _retype(doc: Doc, rng: np.random.Generator, name: str, value: str) -> Forged | None:
    """Erase the value of field ``name`` (inpainting over its ink) and type ``value`` in
    its place in a forger's font, in each light with the ink the old value showed there."""
    side, box = _value_box(doc, name)
    found = _ink(doc, side, box)
    if found is None:
        return None
    mask, (ix, iy, iw, ih) = found
    x, y, w, h = box
    grown = np.asarray(cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=1), np.uint8)
    path = str(rng.choice(FORGER_FONTS))
    cap = ih if not any(c in value for c in "QJ,;()") else round(ih * 0.8)
    fnt = _font_for_cap(path, max(6, cap))
    top = fnt.getbbox("H")[1]
    text = Image.new("L", (w, h), 0)
    ImageDraw.Draw(text).text((ix, iy - top), value, font=fnt, fill=255)
    cover = np.asarray(text, np.float32) / 255.0
    if not cover.any():
        return None
    out = Forged(_copy(doc.views))
    for vname in side_views(doc.views, side):
        img = out.views[vname]
        region = img[y : y + h, x : x + w]
        sel = mask.astype(bool)
        ink = np.median(region[sel], axis=0).astype(np.float32)
        around = np.median(region[~grown.astype(bool)], axis=0).astype(np.float32)
        shows = float(np.abs(np.asarray(ink) - np.asarray(around)).max()) > 20
        clean = _inpaint(np.ascontiguousarray(region), np.asarray(grown * 255, np.uint8),
                         2).astype(np.float32)
        if shows:
            c = cover[..., None] if img.ndim == 3 else cover
            clean = clean * (1 - c) + ink * c
        img[y : y + h, x : x + w] = np.clip(clean, 0, 255).astype(np.uint8)
        _mark(out, vname, box)
    return out


def _text_field(doc: Doc) -> str:
    names = [f.name for f in doc.model.fields]
    for cand in ("surname", "C.1.1", "given_names", "place_of_birth", "authority"):
        if cand in names and doc.fields.get(cand):
            return cand
    return names[0]


_NEW_SURNAMES = ("KESTREL", "MARROWBY", "HALLOWAY", "STONEFIELD", "ORMSBY", "PELLINGTON",
                 "VARGAS", "TRELAWNEY", "ABERNATHY", "QUILLFEATHER")  # fmt: skip


def _other_font(doc: Doc, rng: np.random.Generator) -> Forged:
    name = _text_field(doc)
    got = _retype(doc, rng, name, doc.fields[name])
    if got is None:
        raise ForgeryDoesNotFit(f"no ink found in field {name}")
    return got


def _altered(doc: Doc, rng: np.random.Generator) -> Forged:
    name = "surname"
    old = doc.fields[name]
    new = str(rng.choice([s for s in _NEW_SURNAMES if s not in old]))
    got = _retype(doc, rng, name, new)
    if got is None:
        raise ForgeryDoesNotFit("no ink found in the surname")
    return got


class ForgeryDoesNotFit(Exception):
    """The forgery cannot be planted on this document (the bench draws another seed)."""


# ---------------------------------------------------------------------------------------
# UV 365


def _uv_views(doc: Doc, side: str) -> list[str]:
    return [n for n in side_views(doc.views, side) if light(n) in ("uv365", "uv254")]


def _fibre_mask(img: NDArray[np.uint8], exclude: list[Box]) -> NDArray[np.uint8]:
    """Thin bright strokes standing out of the substrate (top-hat of the brightest
    channel), outside the boxes of larger fluorescent features."""
    bright = img.max(axis=2) if img.ndim == 3 else img
    hat = cv2.morphologyEx(bright, cv2.MORPH_TOPHAT,
                           cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
    mask = (hat > 30).astype(np.uint8)
    for x, y, w, h in exclude:
        mask[y : y + h, x : x + w] = 0
    return np.asarray(cv2.dilate(mask, np.ones((3, 3), np.uint8)) * 255, np.uint8)


def _bright_features(doc: Doc, side: str) -> list[Box]:
    boxes = []
    for f in doc.model.features:
        if f.side == side and f.kind in ("uv_emblem", "ghost_image", "security_thread"):
            boxes.append(_px(f.box_mm, doc.dpi))
    if doc.model.portrait is not None and doc.model.portrait.side == side:
        boxes.append(_px(doc.model.portrait.box_mm, doc.dpi))
    return boxes


def _remove_fibres(doc: Doc, out: Forged) -> None:
    side = next(f.side for f in doc.model.features if f.kind == "uv_fibres")
    for name in _uv_views(doc, side):
        img = out.views[name]
        mask = _fibre_mask(img, _bright_features(doc, side))
        out.views[name] = _inpaint(img, mask, 3)
        ys, xs = np.nonzero(mask)
        if xs.size:
            _mark(out, name, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                              int(ys.max() - ys.min() + 1)))  # fmt: skip


def _fibres_inpainted(doc: Doc, rng: np.random.Generator) -> Forged:
    out = Forged(_copy(doc.views))
    _remove_fibres(doc, out)
    return out


#: Hues of a forger's fluorescent printing inks (RGB as the UV camera sees them).
_PRINT_HUES = ((255, 90, 170), (120, 255, 120), (255, 210, 80), (110, 170, 255))


def _fibres_printed(doc: Doc, rng: np.random.Generator) -> Forged:
    """The paper's fibres gone (a counterfeit's paper has none) and short strokes printed
    instead as a repeating tile: bright in UV and faintly coloured in white light."""
    out = Forged(_copy(doc.views))
    _remove_fibres(doc, out)
    side = next(f.side for f in doc.model.features if f.kind == "uv_fibres")
    white = view_of("white", side)
    h, w = doc.views[white].shape[:2]
    ppm = doc.dpi / 25.4
    tile = int(rng.uniform(18, 28) * ppm)
    strokes = []
    for _ in range(int(rng.integers(5, 9))):
        x0, y0 = rng.uniform(0, tile, 2)
        ang = rng.uniform(0, np.pi)
        ln = rng.uniform(1.5, 3.5) * ppm
        strokes.append((x0, y0, x0 + ln * np.cos(ang), y0 + ln * np.sin(ang),
                        _PRINT_HUES[int(rng.integers(len(_PRINT_HUES)))]))  # fmt: skip
    layer = np.zeros((h, w, 3), np.float32)
    cover = np.zeros((h, w), np.float32)
    for ty in range(0, h + tile, tile):
        for tx in range(0, w + tile, tile):
            for x0, y0, x1, y1, hue in strokes:
                p0 = (int(tx + x0), int(ty + y0))
                p1 = (int(tx + x1), int(ty + y1))
                cv2.line(layer, p0, p1, tuple(float(c) for c in hue), 2, cv2.LINE_AA)
                cv2.line(cover, p0, p1, 1.0, 2, cv2.LINE_AA)
    c = cover[..., None]
    for name in side_views(doc.views, side):
        img = out.views[name]
        lt = light(name)
        if img.ndim != 3:
            continue
        if lt in ("uv365", "uv254"):
            strength = 0.9
        elif lt == "white" or lt.startswith("tilt_"):
            strength = 0.35  # the printed ink's own colour shows on the paper
        else:
            continue
        f = img.astype(np.float32)
        ink = layer if lt.startswith("uv") else 0.55 * f + 0.45 * layer
        img[:] = np.clip(f * (1 - strength * c) + ink * strength * c, 0, 255).astype(np.uint8)
        _mark(out, name, (0, 0, w, h))
    return out


def _emblem_erased(doc: Doc, rng: np.random.Generator) -> Forged:
    """The UV emblem missing from a counterfeit: where it fluoresced, the dull substrate
    (its colour and grain measured around the emblem's box)."""
    out = Forged(_copy(doc.views))
    for f in doc.model.features:
        if f.kind != "uv_emblem":
            continue
        x, y, w, h = _grow(_px(f.box_mm, doc.dpi), 2, doc.views[view_of("white", f.side)].shape)
        for name in _uv_views(doc, f.side):
            img = out.views[name]
            region = img[y : y + h, x : x + w]
            ring = np.concatenate([img[max(0, y - 8) : y, x : x + w].reshape(-1, img.shape[-1]),
                                   img[y + h : y + h + 8, x : x + w].reshape(-1, img.shape[-1])])
            if ring.size == 0:
                ring = region.reshape(-1, img.shape[-1])
            base = np.median(ring, axis=0).astype(np.float32)
            grain = float(np.std(ring.astype(np.float32) - base))
            mask = (_luma(region) > float(_luma(base[None, None, :]).ravel()[0]) + 18).astype(
                np.uint8)
            mask = np.asarray(cv2.dilate(mask, np.ones((3, 3), np.uint8)), bool)
            fill = base + rng.normal(0, grain, region.shape).astype(np.float32)
            region[mask] = np.clip(fill[mask], 0, 255).astype(np.uint8)
            _mark(out, name, (x, y, w, h))
        break
    return out


def _substrate_bright(doc: Doc, rng: np.random.Generator) -> Forged:
    """Paper with optical brighteners: it glows blue-white under UV."""
    out = Forged(_copy(doc.views))
    glow = np.array([rng.uniform(150, 190), rng.uniform(160, 200), rng.uniform(220, 255)],
                    np.float32)  # fmt: skip
    mix = rng.uniform(0.4, 0.6)
    for side in doc.model.sides:
        for name in _uv_views(doc, side):
            img = out.views[name]
            f = img.astype(np.float32)
            g = glow if img.ndim == 3 else float(glow.mean())
            img[:] = np.clip(f * (1 - mix) + g * mix * (0.85 + 0.15 * f / 255.0), 0, 255
                             ).astype(np.uint8)  # fmt: skip
            _mark(out, name, (0, 0, img.shape[1], img.shape[0]))
    return out


# ---------------------------------------------------------------------------------------
# transmitted light


def _remove_transmitted(doc: Doc, kind: str, grow_px: int) -> Forged:
    out = Forged(_copy(doc.views))
    found = _feature_box(doc.model, kind, doc.dpi)
    if found is None:
        raise ForgeryDoesNotFit(kind)
    side, box = found
    name = view_of("transmitted", side)
    img = out.views[name]
    x, y, w, h = _grow(box, grow_px, img.shape)
    cx, cy, cw, ch = _grow((x, y, w, h), 10, img.shape)  # the paper around it to fill from
    context = np.ascontiguousarray(img[cy : cy + ch, cx : cx + cw])
    inner = np.zeros(context.shape[:2], bool)
    inner[y - cy : y - cy + h, x - cx : x - cx + w] = True
    ring = context[~inner].astype(np.float32)
    base = float(np.median(ring)) if ring.size else float(np.median(context))
    # the paper's noise from the median deviation: the ring may cross another feature (a
    # vehicle certificate's security thread passes beside its watermark), whose dark band
    # would inflate a standard deviation until the faint watermark is never masked
    noise = 1.4826 * float(np.median(np.abs(ring - base))) if ring.size else 2.0
    mask = (np.abs(context.astype(np.float32) - base) > max(4.0, 2 * noise)) & inner
    if kind == "security_thread":
        mask = inner  # the whole band
    grown = np.asarray(cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)), bool)
    grown &= inner
    img[cy : cy + ch, cx : cx + cw] = _inpaint(context, grown.astype(np.uint8) * 255, 3)
    _mark(out, name, (x, y, w, h))
    return out


def _watermark_removed(doc: Doc, rng: np.random.Generator) -> Forged:
    return _remove_transmitted(doc, "watermark", 2)


def _thread_removed(doc: Doc, rng: np.random.Generator) -> Forged:
    return _remove_transmitted(doc, "security_thread", 2)


# ---------------------------------------------------------------------------------------
# print: a copy of the design


def _screen(shape: tuple[int, int], period: float, angle_deg: float) -> NDArray[np.float32]:
    """A halftone dot screen's threshold field (0..1) of ``period`` pixels at ``angle``."""
    h, w = shape
    a = np.deg2rad(angle_deg)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (xx * np.cos(a) + yy * np.sin(a)) * 2 * np.pi / period
    v = (-xx * np.sin(a) + yy * np.cos(a)) * 2 * np.pi / period
    return np.asarray(0.5 + 0.25 * (np.cos(u) + np.cos(v)), np.float32)


#: Supersampling of a copy: the copier's screen is finer than the view's pixels.
COPY_SUPER = 3


def _halftone_copy(img: NDArray[np.uint8], box: Box, rng: np.random.Generator,
                   dpi: int) -> NDArray[np.uint8]:  # fmt: skip
    """``box`` of ``img`` copied: scanned (the scanner's blur), printed through a CMY dot
    screen of 100-170 lines an inch at 3x the view's resolution, and seen again at it."""
    x, y, w, h = box
    k = COPY_SUPER
    f = img[y : y + h, x : x + w].astype(np.float32) / 255.0
    big = np.asarray(cv2.resize(f, (w * k, h * k), interpolation=cv2.INTER_CUBIC), np.float32)
    ppm = dpi * k / 25.4
    big = np.asarray(cv2.GaussianBlur(big, (0, 0), rng.uniform(0.06, 0.12) * ppm), np.float32)
    period = dpi * k / rng.uniform(100, 170)
    chans = [big[..., c] for c in range(3)] if big.ndim == 3 else [big]
    out = []
    for c, tone in enumerate(chans):
        thr = _screen(tone.shape, period, (15, 75, 0)[c % 3] + rng.uniform(-3, 3))
        dots = (tone > thr).astype(np.float32)  # paper where the tone is lighter than the dot
        out.append(np.asarray(cv2.GaussianBlur(dots, (0, 0), 0.2 * k), np.float32))
    res = np.stack(out, axis=-1) if big.ndim == 3 else out[0]
    small = cv2.resize(res, (w, h), interpolation=cv2.INTER_AREA)
    return np.asarray(np.clip(small * 255, 0, 255), np.uint8)


def _copied(kind: str) -> Callable[[Doc, np.random.Generator], Forged]:
    """The feature's box copied (:func:`_halftone_copy`) from the white view; a copy is
    flat, so every tilt frame shows the same print at the frame's own exposure."""
    def plant(doc: Doc, rng: np.random.Generator) -> Forged:
        out = Forged(_copy(doc.views))
        found = _feature_box(doc.model, kind, doc.dpi)
        if found is None:
            raise ForgeryDoesNotFit(kind)
        side, box = found
        white = doc.views[view_of("white", side)]
        box = _grow(box, round(0.4 * doc.dpi / 25.4), white.shape)
        x, y, w, h = box
        copy = _halftone_copy(white, box, rng, doc.dpi).astype(np.float32)
        for name in side_views(doc.views, side):
            lt = light(name)
            if lt != "white" and not lt.startswith("tilt_"):
                continue
            img = out.views[name]
            gain = _illuminant_gain(img, white, box)
            img[y : y + h, x : x + w] = np.clip(copy * gain, 0, 255).astype(np.uint8)
            _mark(out, name, box)
        return out
    return plant


# ---------------------------------------------------------------------------------------
# optically variable features


def _frozen(kind: str) -> Callable[[Doc, np.random.Generator], Forged]:
    """A static imitation: the patch the white view shows copied into every tilt frame."""
    def plant(doc: Doc, rng: np.random.Generator) -> Forged:
        out = Forged(_copy(doc.views))
        found = _feature_box(doc.model, kind, doc.dpi)
        if found is None:
            raise ForgeryDoesNotFit(kind)
        side, (x, y, w, h) = found
        white = doc.views[view_of("white", side)]
        patch = white[y : y + h, x : x + w].astype(np.float32)
        for name in side_views(doc.views, side):
            if not light(name).startswith("tilt_"):
                continue
            img = out.views[name]
            # the frame's own light, measured on the paper around the patch
            gain = _illuminant_gain(img, white, (x, y, w, h))
            img[y : y + h, x : x + w] = np.clip(patch * gain, 0, 255).astype(np.uint8)
            _mark(out, name, (x, y, w, h))
        return out
    return plant


# ---------------------------------------------------------------------------------------
# MRZ and data


#: Where the document number sits in the MRZ: (line, first, last + 1) by format.
_NUMBER_AT = {"TD1": (0, 5, 14), "TD2": (1, 0, 9), "TD3": (1, 0, 9), "MRVA": (1, 0, 9),
              "MRVB": (1, 0, 9)}  # fmt: skip
#: Where the date of expiry sits in the MRZ: (line, first) by format.
_EXPIRY_AT = {"TD1": (1, 8), "TD2": (1, 21), "TD3": (1, 21), "MRVA": (1, 21), "MRVB": (1, 21)}


def _mrz_cells(doc: Doc) -> tuple[str, list[tuple[int, int, float, float]]]:
    """The MRZ's side and, per line, its band ``(top, bottom)``, the centre of its first
    character and the pitch, found from the ink in the MRZ box of the white view."""
    zone = doc.model.mrz
    assert zone is not None and doc.mrz_lines is not None
    x, y, w, h = _px(zone.box_mm, doc.dpi)
    img = doc.views[view_of("white", zone.side)]
    ink = (_luma(img[y : y + h, x : x + w]) < 110).astype(np.uint8)
    rows = ink.sum(axis=1) > 2
    bands: list[tuple[int, int]] = []
    start = None
    for r, on in enumerate([*rows, False]):
        if on and start is None:
            start = r
        elif not on and start is not None:
            if r - start >= 4:
                bands.append((start, r))
            start = None
    if len(bands) != len(doc.mrz_lines):
        raise ForgeryDoesNotFit(f"{len(bands)} MRZ lines found, {len(doc.mrz_lines)} printed")
    cells = []
    for (top, bottom), line in zip(bands, doc.mrz_lines, strict=True):
        n, _, stats, cents = cv2.connectedComponentsWithStats(ink[top:bottom])
        xs = sorted(float(cents[k][0]) for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= 3)
        if len(xs) < 2:
            raise ForgeryDoesNotFit("no characters on an MRZ line")
        pitch = (xs[-1] - xs[0]) / (len(line) - 1)
        cells.append((y + top, y + bottom, x + xs[0], pitch))
    return zone.side, cells


def _mrz_digit(doc: Doc, rng: np.random.Generator) -> Forged:
    """One digit of the document number cut out and replaced by another digit cut from
    elsewhere in the same line: its check digit (and the composite) no longer computes."""
    assert doc.mrz_lines is not None and doc.model.format_name is not None
    side, cells = _mrz_cells(doc)
    li, a, b = _NUMBER_AT[doc.model.format_name]
    line = doc.mrz_lines[li]
    targets = [i for i in range(a, b) if line[i].isdigit()]
    if not targets:
        raise ForgeryDoesNotFit("no digit in the document number")
    t = int(rng.choice(targets))
    sources = [i for i, c in enumerate(line) if c.isdigit() and c != line[t]
               and not a <= i < b]  # fmt: skip
    if not sources:
        raise ForgeryDoesNotFit("no other digit in the MRZ line")
    s = int(rng.choice(sources))
    top, bottom, x0, pitch = cells[li]
    half = pitch / 2
    sx, tx = round(x0 + s * pitch - half), round(x0 + t * pitch - half)
    pw = round(pitch)
    top, bottom = top - 2, bottom + 2
    out = Forged(_copy(doc.views))
    for name in side_views(doc.views, side):
        img = out.views[name]
        img[top:bottom, tx : tx + pw] = doc.views[name][top:bottom, sx : sx + pw]
        _mark(out, name, (tx, top, pw, bottom - top))
    return out


def _expired(doc: Doc, rng: np.random.Generator) -> Forged:
    """A genuine document presented after it expired (the MRZ's date of expiry)."""
    assert doc.mrz_lines is not None and doc.model.format_name is not None
    li, at = _EXPIRY_AT[doc.model.format_name]
    s = doc.mrz_lines[li][at : at + 6]
    expiry = dt.date(2000 + int(s[:2]), int(s[2:4]), int(s[4:6]))
    return Forged(_copy(doc.views), reference_date=expiry + dt.timedelta(
        days=int(rng.integers(20, 400))))  # fmt: skip


def _vin_digit(doc: Doc, rng: np.random.Generator) -> Forged:
    """One digit of the certificate's VIN (field E) cut out and replaced by another digit
    of the same VIN: it no longer agrees with the VIN plate (nor, for a North American VIN,
    with its own check digit)."""
    vin = doc.fields.get("E", "")
    side, box = _value_box(doc, "E")
    found = _ink(doc, side, box)
    if found is None or len(vin) != 17:
        raise ForgeryDoesNotFit("no VIN")
    mask, _ = found
    n, labels, stats, cents = cv2.connectedComponentsWithStats(mask)
    tall = max(int(stats[k, cv2.CC_STAT_HEIGHT]) for k in range(1, n))
    # characters only: specks of the background pattern are far shorter than a capital
    comps = sorted((k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= 3
                    and stats[k, cv2.CC_STAT_HEIGHT] >= 0.6 * tall),
                   key=lambda k: float(cents[k][0]))  # fmt: skip
    if len(comps) != 17:
        raise ForgeryDoesNotFit(f"{len(comps)} characters found in the VIN")
    targets = [i for i, c in enumerate(vin) if c.isdigit() and i != 8]
    t = int(rng.choice(targets))
    sources = [i for i, c in enumerate(vin) if c.isdigit() and c != vin[t]]
    if not sources:
        raise ForgeryDoesNotFit("one digit only in the VIN")
    s = int(rng.choice(sources))
    x, y, _, _ = box

    def cell(k: int) -> Box:
        st = stats[comps[k]]
        return (x + int(st[cv2.CC_STAT_LEFT]) - 1, y + int(st[cv2.CC_STAT_TOP]) - 1,
                int(st[cv2.CC_STAT_WIDTH]) + 2, int(st[cv2.CC_STAT_HEIGHT]) + 2)  # fmt: skip

    sx, sy, sw, sh = cell(s)
    tx, ty, tw, th = cell(t)
    cx = tx + tw // 2 - sw // 2
    top = min(ty, sy) - 1
    bottom = max(ty + th, sy + sh) + 1
    out = Forged(_copy(doc.views))
    for name in side_views(doc.views, side):
        img = out.views[name]
        region = np.ascontiguousarray(img[top:bottom, tx : tx + tw])
        tmask = np.zeros(region.shape[:2], np.uint8)
        tmask[1:-1, 1:-1] = 255
        img[top:bottom, tx : tx + tw] = _inpaint(region, tmask, 2)
        img[sy : sy + sh, cx : cx + sw] = doc.views[name][sy : sy + sh, sx : sx + sw]
        _mark(out, name, (min(tx, cx), top, max(tx + tw, cx + sw) - min(tx, cx), bottom - top))
    return out


# ---------------------------------------------------------------------------------------


def _portrait_fits(m: DocumentModel) -> bool:
    return m.portrait is not None and any(f.kind == "ghost_image" for f in m.features)


def _mrz_fits(m: DocumentModel) -> bool:
    return m.mrz is not None and m.format_name in _NUMBER_AT


FORGERIES: dict[str, Forgery] = {f.id: f for f in (
    Forgery("portrait.pasted_cut_edge",
            "another person's photo stuck over the portrait, its cut edge showing",
            ("feature.ghost_image.matches_portrait", "feature.portrait.intact",
             "feature.portrait.no_cut_line", "feature.portrait.position"),
            _portrait_fits, _paste_cut),
    Forgery("portrait.feathered_ghost_kept",
            "another person's portrait blended in seamlessly; the ghost image left as it was",
            ("feature.ghost_image.matches_portrait",), _portrait_fits, _paste_feathered),
    Forgery("viz.field_other_font", "a visual-zone value erased and typed again, the same "
            "text in a Liberation or FreeFont face", ("feature.viz_font.consistent",),
            lambda m: bool(m.fields), _other_font),
    Forgery("viz.surname_altered", "the surname erased and another typed in a Liberation or "
            "FreeFont face", ("feature.viz_mrz.match", "feature.viz_font.consistent"),
            lambda m: m.mrz is not None and any(f.name == "surname" for f in m.fields),
            _altered),
    Forgery("uv.fibres_inpainted", "the UV fibres removed (inpainted) from the UV views",
            ("feature.uv_fibres.present",), _has("uv_fibres"), _fibres_inpainted),
    Forgery("uv.fibres_printed", "no fibres in the paper; strokes printed in a repeating "
            "tile, bright in UV and faintly visible in white",
            ("feature.uv_fibres.invisible_in_white", "feature.uv_fibres.random"),
            _has("uv_fibres"), _fibres_printed),
    Forgery("uv.emblem_erased", "the UV emblem's fluorescence inpainted over",
            ("feature.uv_emblem.present",), _has("uv_emblem"), _emblem_erased),
    Forgery("uv.substrate_brightened", "paper with optical brighteners: blue-white in UV",
            ("feature.uv_substrate.dull",), _has("uv_dull_substrate"), _substrate_bright),
    Forgery("transmitted.watermark_removed", "the watermark inpainted out of transmitted "
            "light", ("feature.watermark.present",), _has("watermark"), _watermark_removed),
    Forgery("transmitted.thread_removed", "the security thread's dark band inpainted out of "
            "transmitted light", ("feature.security_thread.present",),
            _has("security_thread"), _thread_removed),
    Forgery("print.microprint_copied", "the microprint line scanned and printed again "
            "(blur and a CMY dot screen)", ("feature.microprint.sharp",), _has("microprint"),
            _copied("microprint")),
    Forgery("print.guilloche_copied", "the guilloche scanned and printed again (blur and a "
            "CMY dot screen)", ("feature.guilloche.continuous",), _has("guilloche"),
            _copied("guilloche")),
    Forgery("ovd.hologram_frozen", "a static hologram imitation: one frame in every tilt",
            ("feature.hologram.dynamic",), _has("hologram"), _frozen("hologram")),
    Forgery("ovd.ovi_frozen", "ordinary ink for the OVI: the frontal colour in every tilt",
            ("feature.ovi.shift",), _has("ovi"), _frozen("ovi")),
    Forgery("mrz.number_digit_swapped", "a digit of the MRZ document number replaced by "
            "another cut from the line", ("mrz.check_digit.document_number",
                                          "mrz.check_digit.composite"),
            _mrz_fits, _mrz_digit),
    Forgery("dates.presented_expired", "a genuine document presented after its expiry",
            ("mrz.expired",), _mrz_fits, _expired),
    Forgery("vin.digit_swapped", "a digit of the certificate's VIN replaced by another cut "
            "from the VIN", ("feature.vin_plate.matches_certificate", "vin.check_digit"),
            lambda m: any(f.name == "E" for f in m.fields), _vin_digit),
)}


def forge(forgery_id: str, doc: Doc, rng: np.random.Generator) -> Forged:
    """Plant ``forgery_id`` on ``doc``; raises :class:`ForgeryDoesNotFit` when this
    document cannot take it (the caller draws another)."""
    spec = FORGERIES[forgery_id]
    if not spec.fits(doc.model):
        raise ForgeryDoesNotFit(f"{forgery_id} does not apply to {doc.model_id}")
    return spec.plant(doc, rng)
