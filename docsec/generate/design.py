"""Per-design layers of a document side, rendered once per (model, side, dpi) and cached.

Everything that is the same on every copy of a design (DOMAIN.md §2.3: guilloche, rainbow,
microprint, emblem, watermark, thread, OVD frames, OVI, latent image, printed labels, the
SPECIMEN mark) is composed here at the output dpi and cached (a bounded LRU of
:data:`CACHE_SIZE` sides; every cached array is read-only, so threads share them safely);
only the personalisation is drawn per document (:mod:`docsec.generate.render`).

A :class:`SideDesign` holds the base of each light (``under`` = white light before the
overlays, ``uv``, ``ir``, ``transmitted``), the overlays that sit on top in white light and
under tilt (hologram frames, OVI, latent image), and, for every counterfeit state a defect may
switch a feature into, the replacement patch of the feature's box (``alternates``), so a defect
changes pixels only inside the box it declares. ``uv254`` is the base under short-wave UV
(254 nm), whose response per element is data (``data/lights.json``, :func:`lights`).

:func:`region_design` composes the same layers over a window of a side only, at any dpi (a
loupe or microscope field at 1200-2400 dpi): each feature is drawn over its own box and cut to
the window, a feature box larger than :data:`FEATURE_BUDGET_PX` is drawn at the dpi that fits
and resampled over the window only, so a magnified crop costs about what its pixels cost, and
:func:`side_design` is the window that is the whole side.
"""

from __future__ import annotations

import collections
import functools
import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from docsec.errors import InvalidComponent
from docsec.generate import patterns
from docsec.generate.text import font, text_mask
from docsec.models import DocumentModel, FeatureSpec, get_model, mm_to_px

__all__ = [
    "Overlay", "Patch", "SideDesign", "cut_feature", "lights", "region_design", "side_design",
]

RGB = NDArray[np.uint8]
Gray = NDArray[np.uint8]
BoxPx = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Overlay:
    """A translucent element laid over a box: ``alpha`` (float32 0..1) and its colour patch."""

    box_px: BoxPx
    alpha: NDArray[np.float32]
    colour: RGB


@dataclass(frozen=True, slots=True)
class Patch:
    """Replacement pixels for a box of one base (``under``, ``uv``, ``uv254``, ``ir``,
    ``transmitted``)."""

    base: str
    box_px: BoxPx
    pixels: NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class SideDesign:
    """Cached layers of one side of one design at one dpi."""

    size_xy: tuple[int, int]
    under: RGB
    uv: RGB
    ir: Gray
    transmitted: Gray
    hologram: tuple[Overlay, ...]
    ovi: tuple[Overlay, Overlay] | None
    latent: Overlay | None
    specimen_idx: tuple[NDArray[np.intp], NDArray[np.float32]]
    """Flat pixel indices of the SPECIMEN mark and its coverage (0..1)."""
    alternates: Mapping[tuple[str, str], tuple[Patch, ...]]
    """(feature kind, counterfeit state) -> replacement patches."""
    fibre_colours: tuple[tuple[int, int, int], ...]
    uv254: RGB | None = None
    """The base under short-wave UV (254 nm; :func:`lights`)."""
    origin_xy: tuple[int, int] = (0, 0)
    """Corner of the layers on the side (a window of :func:`region_design`; 0, 0 for a side)."""
    dpi: int = 0


def _box(f: FeatureSpec, dpi: int, size_xy: tuple[int, int]) -> BoxPx:
    x, y, w, h = DocumentModel.box_px(f.box_mm, dpi)
    x, y = min(max(0, x), size_xy[0] - 1), min(max(0, y), size_xy[1] - 1)
    return x, y, max(1, min(w, size_xy[0] - x)), max(1, min(h, size_xy[1] - y))


def _crop(a: NDArray[np.uint8], box: BoxPx) -> NDArray[np.uint8]:
    x, y, w, h = box
    return a[y : y + h, x : x + w].copy()


def _paste(a: NDArray[np.uint8], box: BoxPx, pixels: NDArray[np.uint8]) -> None:
    x, y, w, h = box
    a[y : y + h, x : x + w] = pixels


def _tint(base: RGB, box: BoxPx, mask: NDArray[Any], colour: NDArray[Any]) -> None:
    """Blend ``colour`` (RGB or per-pixel RGB) into ``base`` over ``box`` with ``mask`` 0..1."""
    x, y, w, h = box
    region = base[y : y + h, x : x + w].astype(np.float32)
    a = mask[..., None]
    base[y : y + h, x : x + w] = np.clip(region * (1 - a) + colour * a + 0.5, 0, 255).astype(
        np.uint8
    )


def _darken(base: Gray, box: BoxPx, mask: NDArray[Any], level: float) -> None:
    x, y, w, h = box
    region = base[y : y + h, x : x + w].astype(np.float32)
    base[y : y + h, x : x + w] = np.clip(region * (1 - mask) + level * mask + 0.5, 0, 255).astype(
        np.uint8
    )


#: Sides kept by :func:`side_design`: every side of every model at two resolutions.
CACHE_SIZE = 32
#: Regions kept by :func:`region_design`: the loupe and magnified fields of every model.
REGION_CACHE_SIZE = 160
#: Largest feature box drawn at the requested dpi (pixels). A larger one (a page-wide guilloche
#: or the SPECIMEN mark behind a 2400 dpi crop) is drawn at the dpi that fits and resampled over
#: the crop only; 12 MP keeps every feature of every page at 600 dpi drawn whole, as before.
FEATURE_BUDGET_PX = 12_000_000
#: The same for the features behind a region (a loupe or microscope field): a page-wide
#: guilloche behind a 2400 dpi field is drawn at about 750 dpi (lines three pixels wide,
#: resampled), which keeps a new field's design under a second.
REGION_BUDGET_PX = 4_000_000
#: Resolution of the copier whose scan-and-print or blurred microprint a magnified crop shows.
COPIER_DPI = 600


def _read_only(*arrays: NDArray[np.generic]) -> None:
    for a in arrays:
        a.setflags(write=False)


@functools.cache
def lights() -> Mapping[str, Any]:
    """The UV response table of ``data/lights.json`` (short-wave UV per element)."""
    text = (resources.files("docsec.generate") / "data" / "lights.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.lru_cache(maxsize=CACHE_SIZE)
def side_design(model_id: str, side: str, dpi: int) -> SideDesign:
    """The cached layers of ``side`` of model ``model_id`` at ``dpi`` (read-only arrays)."""
    w, h = get_model(model_id).canonical_px(dpi)
    return _compose(model_id, side, dpi, (0, 0, w, h), dpi, FEATURE_BUDGET_PX)


@functools.lru_cache(maxsize=REGION_CACHE_SIZE)
def region_design(model_id: str, side: str, dpi: int, window: BoxPx,
                  grain_dpi: int) -> SideDesign:
    """The layers of the box ``window`` (pixels of the side at ``dpi``) of ``side``, composed
    over that box only: what :func:`side_design` holds there, drawn at ``dpi`` (a magnified
    crop). The paper grain is that of the side at ``grain_dpi`` (the document's own views), so
    the crop shows the same sheet. Arrays and boxes are in the window's frame
    (:attr:`SideDesign.origin_xy` is its corner on the side). Cached, read-only.

    Raises :class:`~docsec.errors.InvalidComponent` for a window off the side.
    """
    w, h = get_model(model_id).canonical_px(dpi)
    x, y, ww, wh = window
    if not (0 <= x < w and 0 <= y < h and ww > 0 and wh > 0 and x + ww <= w and y + wh <= h):
        raise InvalidComponent(f"window {window} is not inside the side "
                               f"({w} x {h} px at {dpi} dpi)")
    return _compose(model_id, side, dpi, window, grain_dpi, REGION_BUDGET_PX)


def _inter(box: BoxPx, win: BoxPx) -> BoxPx | None:
    """Intersection of two boxes (None when empty)."""
    x0, y0 = max(box[0], win[0]), max(box[1], win[1])
    x1, y1 = min(box[0] + box[2], win[0] + win[2]), min(box[1] + box[3], win[1] + win[3])
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1 - x0, y1 - y0


def _local(box: BoxPx, win: BoxPx) -> BoxPx:
    return box[0] - win[0], box[1] - win[1], box[2], box[3]


Draw = Callable[[tuple[int, int], float], Sequence[NDArray[Any]]]


#: Reduced drawings of large features kept for the next window of the same side (a side's
#: loupe and microscope fields are composed one after the other).
_DRAWN_SIZE = 12
_drawn: collections.OrderedDict[tuple[Any, ...], Sequence[NDArray[Any]]] = (
    collections.OrderedDict())
_drawn_lock = threading.Lock()


def cut_feature(box: BoxPx, win: BoxPx, draw: Draw, *, interpolation: int = cv2.INTER_LINEAR,
                budget: int = FEATURE_BUDGET_PX,
                key: tuple[Any, ...] | None = None) -> tuple[BoxPx, list[NDArray[Any]]] | None:
    """Draw a feature over its whole ``box`` and cut the part inside ``win``: the part's box
    in the window's frame and its arrays (None when the feature misses the window).

    ``draw(size_xy, scale)`` returns the feature's arrays at ``size_xy``; ``scale`` is 1 when
    the box fits ``budget`` pixels, otherwise the feature is drawn at ``scale`` times the size
    and only the window's part is resampled to the requested resolution; with ``key`` (what
    identifies the drawing besides its size) that reduced drawing is kept for the next window.
    """
    ib = _inter(box, win)
    if ib is None:
        return None
    bx, by, bw, bh = box
    x, y, w, h = ib
    if bw * bh <= budget:
        return _local(ib, win), [a[y - by : y - by + h, x - bx : x - bx + w]
                                 for a in draw((bw, bh), 1.0)]
    s = math.sqrt(budget / (bw * bh))
    sw, sh = max(1, round(bw * s)), max(1, round(bh * s))
    kx, ky = sw / bw, sh / bh
    arrays: Sequence[NDArray[Any]] | None = None
    if key is not None:
        with _drawn_lock:
            arrays = _drawn.get((*key, sw, sh))
    if arrays is None:
        arrays = draw((sw, sh), s)
        if key is not None:
            with _drawn_lock:
                _drawn[(*key, sw, sh)] = arrays
                while len(_drawn) > _DRAWN_SIZE:
                    _drawn.popitem(last=False)
    m = np.asarray([[kx, 0.0, (x - bx + 0.5) * kx - 0.5],
                    [0.0, ky, (y - by + 0.5) * ky - 0.5]], np.float64)
    out = []
    for a in arrays:
        warped = cv2.warpAffine(np.ascontiguousarray(a), m, (w, h),
                                flags=interpolation | cv2.WARP_INVERSE_MAP,
                                borderMode=cv2.BORDER_REPLICATE)
        out.append(warped.reshape(h, w, *a.shape[2:]))
    return _local(ib, win), out


def _grain(model: DocumentModel, rng: np.random.Generator, dpi: int, win: BoxPx,
           grain_dpi: int) -> NDArray[np.float32]:
    """The paper's fixed grain over ``win``: 4 x 4 pixel cells of the side at ``grain_dpi``."""
    gw, gh = model.canonical_px(grain_dpi)
    cells = rng.normal(0.0, 3.0, size=(gh // 4 + 1, gw // 4 + 1)).astype(np.float32)
    k = grain_dpi / dpi
    if grain_dpi != dpi:
        # a magnified view: the same cells, interpolated (no blocks eight pixels wide)
        ux = ((np.arange(win[0], win[0] + win[2], dtype=np.float32) + 0.5) * k) / 4 - 0.5
        uy = ((np.arange(win[1], win[1] + win[3], dtype=np.float32) + 0.5) * k) / 4 - 0.5
        mx, my = np.meshgrid(ux, uy)
        smooth: NDArray[np.float32] = np.asarray(cv2.remap(cells, mx, my, cv2.INTER_LINEAR,
                                                borderMode=cv2.BORDER_REPLICATE), np.float32)
        return smooth
    gx = np.minimum(((np.arange(win[0], win[0] + win[2]) + 0.5) * k).astype(np.int64) // 4,
                    cells.shape[1] - 1)
    gy = np.minimum(((np.arange(win[1], win[1] + win[3]) + 0.5) * k).astype(np.int64) // 4,
                    cells.shape[0] - 1)
    out: NDArray[np.float32] = cells[gy[:, None], gx[None, :]]
    return out


def _compose(model_id: str, side: str, dpi: int, win: BoxPx, grain_dpi: int,
             budget: int) -> SideDesign:
    """The layers of ``side`` over the window ``win`` (pixels at ``dpi``)."""
    model = get_model(model_id)
    w, h = model.canonical_px(dpi)
    size = (w, h)
    pal = model.palette
    seed = int(pal["design_seed"]) * 1000 + (0 if side == "front" else 1)
    rng = np.random.default_rng(seed)
    feats = {f.kind: f for f in model.features if f.kind and f.side == side}
    paper = np.asarray(pal["paper"], np.float32)
    sw254 = lights()["uv254"]

    # Paper: colour with a fine, fixed fibrous texture.
    grain = _grain(model, rng, dpi, win, grain_dpi)
    under = np.clip(paper[None, None, :] + grain[..., None], 0, 255).astype(np.uint8)
    transmitted = np.clip(205 + grain * 2.5, 0, 255).astype(np.uint8)
    ir = np.clip(232 + grain, 0, 255).astype(np.uint8)
    uv_paper = np.asarray(pal["uv_substrate"], np.float32)
    uv = np.clip(uv_paper[None, None, :] + grain[..., None] * 0.6, 0, 255).astype(np.uint8)
    uv254 = np.clip(uv_paper[None, None, :] * float(sw254["substrate_gain"])
                    + grain[..., None] * float(sw254["grain_gain"]), 0, 255).astype(np.uint8)
    alternates: dict[tuple[str, str], tuple[Patch, ...]] = {}

    def keep(kind: str, state: str, *patches: Patch) -> None:
        alternates[(kind, state)] = tuple(patches)

    def cut(kind: str, draw: Draw, part: int = 0) -> tuple[BoxPx, list[NDArray[Any]]] | None:
        return cut_feature(_box(feats[kind], dpi, size), win, draw, budget=budget,
                           key=(model_id, side, dpi, kind, part))

    rainbow_dots: NDArray[np.int16] | None = None
    if "rainbow" in feats:
        r0, r1 = (np.asarray(c, np.float32) for c in pal["rainbow"])
        mid = np.clip((r0 + r1) / 2 + np.asarray([10, -8, 12], np.float32), 0, 255)
        cols = [tuple(int(v) for v in c) for c in (r0, mid, r1)]
        angle = float(pal.get("rainbow_angle", 0.0))  # the direction the inks run
        part = cut("rainbow", lambda sz, s: [patterns.rainbow(sz, cols, angle_deg=angle)])
        if part is not None:
            lb, (grad,) = part
            _tint(under, lb, np.full(lb[3:1:-1], 0.85, np.float32), grad.astype(np.float32))
            # A colour copy prints the split-fountain background as a dot screen; the lines
            # printed over it later stay lines (the difference is added to the finished base).
            smooth = _crop(under, lb)
            screened = cv2.GaussianBlur(patterns.halftone(smooth, cell_px=max(2.0, dpi / 100)),
                                        (0, 0), max(0.4, dpi / 600))
            rainbow_dots = screened.astype(np.int16) - smooth.astype(np.int16)
    if "guilloche" in feats:
        styles = pal.get("guilloche_styles", ("net", "rosettes"))
        pitch = float(pal.get("guilloche_pitch", 14.0))  # line pitch in line widths
        for i, colour in enumerate(pal["guilloche"]):
            def net(sz: tuple[int, int], s: float, i: int = i,
                    colour: Any = colour) -> list[NDArray[Any]]:
                line_px = max(0.8, dpi * s / 300)
                layer = patterns.guilloche(sz, rng=seed + i, colour=colour, line_px=line_px,
                                           spacing_px=max(4.0, pitch * line_px),
                                           style=styles[i % len(styles)])
                # Fine-line background prints light: keep the personalisation legible on top.
                layer[..., 3] = (layer[..., 3].astype(np.float32) * 0.45).astype(np.uint8)
                return [layer]
            part = cut("guilloche", net, i)
            if part is not None:
                lb, (layer,) = part
                _paste(under, lb, patterns.alpha_over(_crop(under, lb), layer))
    if "microprint" in feats:
        f = feats["microprint"]
        colour = tuple(int(v * 0.5) for v in pal["guilloche"][0])
        text = str(f.params.get("text", model.issuer_name))
        height_mm = float(f.params.get("height_mm", patterns.MICROPRINT_HEIGHT_MM))
        part = cut("microprint", lambda sz, s: [patterns.microprint(
            text, sz, height_px=max(patterns.MICROPRINT_MIN_PX, height_mm * dpi * s / 25.4),
            colour=colour)])
        if part is not None:
            lb, (mp,) = part
            _paste(under, lb, patterns.alpha_over(_crop(under, lb), mp))
    ink_title = np.asarray(pal["guilloche"][0], np.float32) * 0.45
    for t in model.titles:
        if t.side != side:
            continue
        x, y = mm_to_px(t.xy_mm[0], dpi), mm_to_px(t.xy_mm[1], dpi)
        size_px = mm_to_px(t.size_mm, dpi)
        tb = (x, y, min(w - x, mm_to_px(110, dpi)), min(h - y, round(size_px * 1.4)))

        def title(sz: tuple[int, int], s: float, text: str = t.text,
                  size_px: int = size_px) -> list[NDArray[Any]]:
            return [text_mask(text, sz, font="sans_bold", size_px=max(1, round(size_px * s)))]
        part = cut_feature(tb, win, title, budget=budget)
        if part is not None:
            lb, (m,) = part
            _tint(under, lb, m.astype(np.float32) / 255.0, ink_title)
    label_ink = np.asarray(model.inks["label"].white, np.float32)
    for fs in model.fields:
        if fs.side != side:
            continue
        x, y, bw, bh = DocumentModel.box_px(fs.box_mm, dpi)
        lh = mm_to_px(1.6, dpi)

        def label(sz: tuple[int, int], s: float, text: str = fs.label,
                  lh: int = lh) -> list[NDArray[Any]]:
            return [text_mask(text, sz, font="condensed", size_px=max(1, round(lh * s)))]
        part = cut_feature((x, y, bw, lh + 2), win, label, budget=budget)
        if part is not None:
            lb, (m,) = part
            _tint(under, lb, m.astype(np.float32) / 255.0 * 0.9, label_ink)
    if "uv_emblem" in feats:
        part = cut("uv_emblem", lambda sz, s: [_alpha(patterns.emblem(sz, design=seed))])
        if part is not None:
            lb, (emblem,) = part
            no_emblem, no_emblem254 = _crop(uv, lb), _crop(uv254, lb)
            _tint(uv, lb, emblem * 0.9, np.asarray(pal["uv_emblem"], np.float32))
            _tint(uv254, lb, emblem * float(sw254["emblem_strength"]),
                  np.asarray(sw254["emblem_colour"], np.float32))
            keep("uv_emblem", "absent", Patch("uv", lb, no_emblem),
                 Patch("uv254", lb, no_emblem254))
    if "watermark" in feats:
        part = cut("watermark", lambda sz, s: [_watermark_tone(sz, seed)])
        if part is not None:
            lb, (wm,) = part  # -1..1: darker / lighter than paper
            region = _crop(transmitted, lb).astype(np.float32)
            # A printed imitation is ink on the surface: in transmitted light a flat shadow of
            # the motif (one tone, never lighter than the paper), not a multitone image.
            shadow = np.where(np.abs(wm) > 0.25, region - 28.0, region)
            _paste(transmitted, lb, np.clip(region + wm * 45, 0, 255).astype(np.uint8))
            keep("watermark", "on_surface",
                 Patch("transmitted", lb, np.clip(shadow, 0, 255).astype(np.uint8)))
    if "security_thread" in feats:
        f = feats["security_thread"]
        text = str(f.params.get("text", model.issuer))
        part = cut("security_thread", lambda sz, s: [patterns.security_thread(
            sz, text=text, width_px=float(sz[0])).astype(np.float32) / 255.0])
        if part is not None:
            lb, (band,) = part
            no_t, no_uv, no_uv254 = _crop(transmitted, lb), _crop(uv, lb), _crop(uv254, lb)
            _darken(transmitted, lb, band, 70.0)
            _tint(uv, lb, band * 0.8, np.asarray([120, 200, 255], np.float32))
            _tint(uv254, lb, band * float(sw254["thread_strength"]),
                  np.asarray(sw254["thread_colour"], np.float32))
            keep("security_thread", "absent", Patch("transmitted", lb, no_t),
                 Patch("uv", lb, no_uv), Patch("uv254", lb, no_uv254))
    # Counterfeit states of the printed design, cut from the finished white-light base so
    # everything printed in the box goes through the same counterfeit process.
    if "rainbow" in feats and rainbow_dots is not None:
        ib = _inter(_box(feats["rainbow"], dpi, size), win)
        assert ib is not None
        lb = _local(ib, win)
        dotted = np.clip(_crop(under, lb).astype(np.int16) + rainbow_dots * 0.15, 0, 255)
        keep("rainbow", "halftone", Patch("under", lb, dotted.astype(np.uint8)))
    if "guilloche" in feats and (ib := _inter(_box(feats["guilloche"], dpi, size), win)):
        lb = _local(ib, win)
        keep("guilloche", "scan_print", Patch("under", lb, _scan_printed(_crop(under, lb), dpi,
                                                                         seed)))
    if "microprint" in feats and (ib := _inter(_box(feats["microprint"], dpi, size), win)):
        lb = _local(ib, win)
        height_mm = float(feats["microprint"].params.get("height_mm",
                                                         patterns.MICROPRINT_HEIGHT_MM))
        keep("microprint", "blurred",
             Patch("under", lb, _blurred(_crop(under, lb), height_mm * dpi / 25.4)))
    if "uv_emblem" in feats:
        part = cut("uv_emblem", lambda sz, s: [_alpha(patterns.emblem(sz, design=seed))])
        if part is not None:
            lb, (emblem,) = part
            tmp = _crop(under, lb)
            _tint(tmp, (0, 0, lb[2], lb[3]), emblem * 0.35,
                  np.asarray(pal["uv_emblem"], np.float32) * 0.8)
            keep("uv_emblem", "visible_in_white", Patch("under", lb, tmp))
    if "watermark" in feats:
        part = cut("watermark", lambda sz, s: [_watermark_tone(sz, seed)])
        if part is not None:
            lb, (wm,) = part
            tmp = _crop(under, lb)
            wm_alpha = (np.abs(wm) > 0.25).astype(np.float32) * 0.55  # printed grey, plain to see
            _tint(tmp, (0, 0, lb[2], lb[3]), wm_alpha, (paper * 0.72).astype(np.float32))
            keep("watermark", "on_surface", *alternates[("watermark", "on_surface")],
                 Patch("under", lb, tmp))
    # UV-bright paper: a whole-page alternate of the UV bases (optical brightener).
    bright = uv.astype(np.float32)
    bright = np.clip(bright * 0.35 + np.asarray([150, 160, 235], np.float32) * 0.65, 0, 255)
    mix = float(sw254["bright_mix"])
    bright254 = np.clip(uv254.astype(np.float32) * (1 - mix)
                        + np.asarray(sw254["bright_substrate"], np.float32) * mix, 0, 255)
    keep("uv_substrate", "bright", Patch("uv", (0, 0, win[2], win[3]), bright.astype(np.uint8)),
         Patch("uv254", (0, 0, win[2], win[3]), bright254.astype(np.uint8)))

    hologram: tuple[Overlay, ...] = ()
    if "hologram" in feats:
        frames = int(feats["hologram"].params.get("frames", 3))
        part = cut("hologram", lambda sz, s: patterns.hologram_frames(sz, frames + 1,
                                                                      design=seed))
        if part is not None:
            lb, layers = part
            hologram = tuple(Overlay(lb, _alpha(layer) * 0.8, np.ascontiguousarray(layer[..., :3]))
                             for layer in layers)
    ovi: tuple[Overlay, Overlay] | None = None
    if "ovi" in feats:
        part = cut("ovi", lambda sz, s: [_alpha(patterns.emblem(sz, design=seed + 7)) * 0.9])
        if part is not None:
            lb, (shape,) = part
            pair = str(pal.get("ovi_pair", "gold_green"))
            a, b = (np.asarray(patterns.ovi_colours(k, pair=pair), np.uint8) for k in (0, 1))
            ovi = (
                Overlay(lb, shape, np.broadcast_to(a, (*shape.shape, 3)).copy()),
                Overlay(lb, shape, np.broadcast_to(b, (*shape.shape, 3)).copy()),
            )
    latent: Overlay | None = None
    if "latent_image" in feats:
        text = str(feats["latent_image"].params.get("text", model.issuer))
        part = cut("latent_image", lambda sz, s: [text_mask(
            text, sz, font="sans_bold", size_px=round(sz[1] * 0.9)).astype(np.float32)])
        if part is not None:
            lb, (m,) = part
            colour = np.broadcast_to(np.asarray([90, 90, 110], np.uint8), (*m.shape, 3)).copy()
            latent = Overlay(lb, (m / 255.0 * 0.55).astype(np.float32), colour)

    spec_part = cut_feature((0, 0, w, h), win, lambda sz, s: [_specimen(sz, dpi)],
                            budget=budget, key=(model_id, side, dpi, "specimen"))
    assert spec_part is not None
    specimen = spec_part[1][0].ravel()
    spec_idx = np.flatnonzero(specimen)
    specimen_idx = (spec_idx, specimen[spec_idx].astype(np.float32) / 255.0)
    _read_only(under, uv, uv254, ir, transmitted, *specimen_idx)
    for layer in (*hologram, *(ovi or ()), *((latent,) if latent is not None else ())):
        _read_only(layer.alpha, layer.colour)
    for patches in alternates.values():
        _read_only(*(p.pixels for p in patches))
    return SideDesign(
        size_xy=(win[2], win[3]),
        under=under,
        uv=uv,
        ir=ir,
        transmitted=transmitted,
        hologram=hologram,
        ovi=ovi,
        latent=latent,
        specimen_idx=specimen_idx,
        alternates=alternates,
        fibre_colours=tuple(tuple(int(v) for v in c) for c in pal["uv_fibres"]),  # type: ignore[misc]
        uv254=uv254,
        origin_xy=(win[0], win[1]),
        dpi=dpi,
    )


def _scan_printed(crop: RGB, dpi: int, seed: int) -> RGB:
    """The scan-and-print counterfeit of a printed box: the copier's dot screen is made at
    :data:`COPIER_DPI` and seen at the output resolution (a magnified crop shows its dots)."""
    h, w = crop.shape[:2]
    if dpi <= COPIER_DPI:
        k = max(1, round(COPIER_DPI / dpi))
        fine = cv2.resize(crop, (w * k, h * k), interpolation=cv2.INTER_LINEAR)
        counterfeit = cv2.resize(patterns.scan_print(fine, rng=seed), (w, h),
                                 interpolation=cv2.INTER_AREA)
    else:
        q = COPIER_DPI / dpi
        small = cv2.resize(crop, (max(1, round(w * q)), max(1, round(h * q))),
                           interpolation=cv2.INTER_AREA)
        counterfeit = cv2.resize(patterns.scan_print(small, rng=seed), (w, h),
                                 interpolation=cv2.INTER_CUBIC)
    # Toner scatter and paper grain of the reprint (the copy is not smoother than print).
    scatter = np.random.default_rng(seed + 11).normal(0.0, 2.0, counterfeit.shape)
    out: RGB = np.clip(counterfeit + scatter, 0, 255).astype(np.uint8)
    return out


#: Largest blur :func:`patterns.blur_microprint` applies (pixels); a copy seen at a higher
#: resolution is blurred at a lower one and resampled.
_MAX_BLUR = 16.0


def _blurred(crop: RGB, letter_px: float) -> RGB:
    """Copied microprint: a copy does not resolve detail finer than about a letter height
    (``letter_px``): the letters merge into blobs at any viewing resolution, a magnified view
    included."""
    factor = max(3.0, letter_px)
    if factor <= _MAX_BLUR:
        return patterns.blur_microprint(crop, factor=factor)
    h, w = crop.shape[:2]
    k = _MAX_BLUR / factor
    small = cv2.resize(crop, (max(1, round(w * k)), max(1, round(h * k))),
                       interpolation=cv2.INTER_AREA)
    blurred = patterns.blur_microprint(small, factor=_MAX_BLUR)
    out: RGB = np.asarray(cv2.resize(blurred, (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)
    return out


def _specimen(size_xy: tuple[int, int], dpi: int) -> NDArray[np.uint8]:
    """Coverage mask of the diagonal SPECIMEN mark (STYLE.md rule 43: synthetic by construction)."""
    w, h = size_xy
    big = Image.new("L", (w, h), 0)
    size_px = max(8, round(min(w, h) * 0.16))
    f = font("sans_bold", size_px)
    tw = f.getlength("SPECIMEN")
    layer = Image.new("L", (int(tw) + 4, round(size_px * 1.3)), 0)
    ImageDraw.Draw(layer).text((2, 0), "SPECIMEN", fill=255, font=f)
    angle = math.degrees(math.atan2(h, w)) * 0.6
    rot = layer.rotate(angle, expand=True, resample=Image.Resampling.BILINEAR)
    big.paste(rot, ((w - rot.width) // 2, (h - rot.height) // 2))
    del dpi
    return np.asarray(big, dtype=np.uint8)


# --- helpers over the primitives of docsec.generate.patterns ----------------------------------


def _alpha(layer: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Coverage (0..1) of an RGBA ink layer."""
    out: NDArray[np.float32] = layer[..., 3].astype(np.float32) / 255.0
    return out


def _watermark_tone(size_xy: tuple[int, int], seed: int) -> NDArray[np.float32]:
    """The multitone watermark as -1..1 (darker / lighter than the paper in transmitted light)."""
    wm = patterns.watermark(size_xy, design=seed).astype(np.float32)
    out: NDArray[np.float32] = np.clip((wm - 128.0) / 127.0, -1.0, 1.0)
    return out
