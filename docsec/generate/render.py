"""Compose the views of a document from its design layers and its personalisation plan.

Views (DOMAIN.md §2.2): ``white`` (RGB, reflected white light), ``uv365`` (RGB, UV-A 365 nm
fluorescence), ``ir`` (gray, ~900 nm "B900": carbon inks absorb, dye inks drop out),
``transmitted`` (gray, light from behind: watermark, thread, perforation), ``tilt_1`` ..
``tilt_k`` (RGB, white light under tilt: hologram frames move, OVI shifts colour, the latent
image appears in ``tilt_2``). A second side adds the same names with ``_back``; the vehicle
certificate adds ``vin_plate``, a photo of the vehicle's VIN plate.

The design (cached per model, side and dpi in :mod:`docsec.generate.design`) is copied and
the plan's items are composited into small boxes with numpy, so a document with all its views
costs a few full-frame copies plus box-sized work.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from docsec.errors import InvalidComponent
from docsec.generate import patterns
from docsec.generate.design import (
    Overlay,
    SideDesign,
    cut_feature,
    lights,
    region_design,
    side_design,
)
from docsec.generate.plan import GENUINE_STATES, ImageItem, Plan, TextItem, Trace
from docsec.generate.text import font
from docsec.models import DocumentModel, get_model, mm_to_px

__all__ = [
    "BASE_VIEWS", "MAX_REGION_DPI", "TILT_FRAMES", "render_region", "render_views", "side_of",
    "view_family", "view_names",
]

BASE_VIEWS = ("white", "uv365", "ir", "transmitted")
TILT_FRAMES = 3

Image8 = NDArray[np.uint8]


def side_of(view: str) -> str:
    """The side a view name belongs to (``white_back`` -> ``back``)."""
    return "back" if view.endswith("_back") else "front"


def view_family(view: str) -> str:
    """The light or tool of a view without side suffix, frame number or region
    (``tilt_2_back`` -> ``tilt``, ``loupe_microprint`` -> ``loupe``, ``mag_mrz_back`` -> ``mag``).
    """
    base = view.removesuffix("_back")
    for family in ("tilt", "loupe", "mag"):
        if base.startswith(f"{family}_"):
            return family
    return base


def _blend_rgb(dst: Image8, box: tuple[int, int, int, int], a: NDArray[np.float32],
               colour: NDArray[np.float32]) -> None:
    x, y, w, h = box
    h = min(h, dst.shape[0] - y, a.shape[0])
    w = min(w, dst.shape[1] - x, a.shape[1])
    if h <= 0 or w <= 0:
        return
    a = a[:h, :w]
    col = colour[:h, :w] if colour.ndim == 3 else colour
    region = dst[y : y + h, x : x + w].astype(np.float32)
    dst[y : y + h, x : x + w] = (region + (col - region) * a[..., None] + 0.5).astype(np.uint8)


def _blend_gray(dst: Image8, box: tuple[int, int, int, int], a: NDArray[np.float32],
                level: float | NDArray[np.float32]) -> None:
    x, y, w, h = box
    h = min(h, dst.shape[0] - y, a.shape[0])
    w = min(w, dst.shape[1] - x, a.shape[1])
    if h <= 0 or w <= 0:
        return
    a = a[:h, :w]
    lv = level[:h, :w] if isinstance(level, np.ndarray) else level
    region = dst[y : y + h, x : x + w].astype(np.float32)
    dst[y : y + h, x : x + w] = np.clip(region + (lv - region) * a + 0.5, 0, 255).astype(np.uint8)


def _overlay(dst: Image8, ov: Overlay) -> None:
    _blend_rgb(dst, ov.box_px, ov.alpha, ov.colour.astype(np.float32))


def view_names(model: DocumentModel) -> tuple[str, ...]:
    """Every view :func:`render_views` makes of ``model``: the model's views
    (:meth:`~docsec.models.DocumentModel.view_names`) with ``uv254`` after each ``uv365``."""
    out: list[str] = []
    for v in model.view_names(tilt_frames=TILT_FRAMES):
        out.append(v)
        if v.startswith("uv365"):
            out.append(v.replace("uv365", "uv254"))
    return tuple(out)


def render_views(plan: Plan, *, views: Sequence[str] | None = None) -> dict[str, Image8]:
    """Render the requested views of ``plan`` (all views of the model when ``views`` is None).

    Raises :class:`~docsec.errors.InvalidComponent` for a view name the model does not have.
    """
    model = get_model(plan.model_id)
    names = view_names(model)
    wanted = tuple(names) if views is None else tuple(views)
    for v in wanted:
        if v not in names:
            raise InvalidComponent(f"model {model.id!r} has no view {v!r}; views: {names}")
    out: dict[str, Image8] = {}
    for side in model.sides:
        suffix = "" if side == "front" else f"_{side}"
        mine = [v for v in wanted if side_of(v) == side and v != "vin_plate"]
        if mine:
            out.update(_render_side(model, plan, side, suffix, mine))
    if "vin_plate" in wanted:
        out["vin_plate"] = _vin_plate(model, plan)
    return {v: out[v] for v in wanted}


def _alternates(design: SideDesign, plan: Plan, kind: str, base: str, img: Image8) -> None:
    state = plan.states.get(kind, GENUINE_STATES.get(kind, ""))
    if state == GENUINE_STATES.get(kind):
        return
    for patch in design.alternates.get((kind, state), ()):
        if patch.base == base:
            x, y, w, h = patch.box_px
            img[y : y + h, x : x + w] = patch.pixels


_KINDS = (
    "uv_substrate",
    "rainbow",
    "guilloche",
    "microprint",
    "uv_emblem",
    "watermark",
    "security_thread",
)
_KIND_OF = {
    "uv_substrate": "uv_dull_substrate",
}


def _base(design: SideDesign, plan: Plan, base: str) -> Image8:
    src = {"under": design.under, "uv": design.uv, "ir": design.ir,
           "transmitted": design.transmitted, "uv254": design.uv254}[base]
    if src is None:
        raise InvalidComponent(f"the design has no {base!r} base")
    img = src.copy()
    for feature in _KINDS:
        _alternates(design, plan, feature, base, img)
    return img


def _render_side(model: DocumentModel, plan: Plan, side: str, suffix: str,
                 views: list[str]) -> dict[str, Image8]:
    design = side_design(model.id, side, plan.dpi)
    fibres = _fibres(model, plan, side, design)
    perforation = None
    if plan.perforation is not None and plan.perforation[0] == side:
        perforation = _perforation_mask(plan.perforation[1], plan.perforation[2], plan.dpi)
    fibres254 = None
    if any(view_family(v) == "uv254" for v in views):
        fibres254 = _fibres254(model, plan, side, design, 1.0, (0, 0))
    return _compose_views(model, design, plan, side, suffix, views, fibres, fibres254,
                          perforation)


Fibres = tuple[NDArray[np.intp], NDArray[np.float32]]


def _compose_views(model: DocumentModel, design: SideDesign, plan: Plan, side: str,
                   suffix: str, views: Sequence[str], fibres: Fibres | None,
                   fibres254: Fibres | None,
                   perforation: tuple[NDArray[np.float32], tuple[int, int, int, int]] | None,
                   ) -> dict[str, Image8]:
    """The ``views`` of one side: ``plan``'s items (in the frame of ``design``, at its dpi)
    composited over the design's layers."""
    texts = [t for t in plan.texts if t.side == side]
    images = [i for i in plan.images if i.side == side]
    families = {view_family(v) for v in views}
    out: dict[str, Image8] = {}
    spec_colour = np.asarray(model.palette["specimen"], np.float32)

    if families & {"white", "tilt"}:
        under = _base(design, plan, "under")
        for img_item in images:
            _put_image(under, img_item, "white")
        for t in texts:
            ink = model.inks[t.ink]
            _blend_rgb(under, t.box_px, t.mask.astype(np.float32) / 255.0,
                       np.asarray(ink.white, np.float32))
        if perforation is not None:
            _blend_rgb(under, perforation[1], perforation[0] * 0.55,
                       np.asarray([120, 95, 70], np.float32))
        if fibres is not None and plan.states.get("uv_fibres") == "printed":
            _put_fibres(under, fibres, 0.5)
        _put_specimen(under, design, spec_colour, 0.28)
        holo = design.hologram
        hstate = plan.states.get("hologram", "dynamic")
        if "white" in families:
            white = under.copy()
            if holo and hstate != "absent":
                _overlay(white, holo[0])
            if design.ovi is not None:
                _overlay(white, design.ovi[0])
            out[f"white{suffix}"] = white
        for k in range(1, TILT_FRAMES + 1):
            name = f"tilt_{k}{suffix}"
            if name not in views:
                continue
            tilt = under.copy()
            if holo and hstate != "absent":
                _overlay(tilt, holo[0] if hstate == "static" else holo[min(k, len(holo) - 1)])
            if design.ovi is not None:
                shift = plan.states.get("ovi", "shift") == "shift"
                _overlay(tilt, _ovi_frame(design.ovi, k / TILT_FRAMES if shift else 0.0))
            if (design.latent is not None and k == 2
                    and plan.states.get("latent_image", "present") == "present"):
                _overlay(tilt, design.latent)
            out[name] = tilt
    if "uv365" in families:
        uv = _base(design, plan, "uv")
        for t in texts:
            ink = model.inks[t.ink]
            a = t.mask.astype(np.float32) * (ink.uv / 255.0)
            _blend_rgb(uv, t.box_px, a, np.zeros(3, np.float32))
        for img_item in images:
            _put_image(uv, img_item, "uv365")
        if fibres is not None and plan.states.get("uv_fibres") != "absent":
            _put_fibres(uv, fibres, 1.0)
        _put_specimen(uv, design, np.zeros(3, np.float32), 0.14)
        out[f"uv365{suffix}"] = uv
    if "uv254" in families:
        sw = lights()["uv254"]
        uv2 = _base(design, plan, "uv254")
        for t in texts:
            dark = float(sw["inks"].get(t.ink, sw["ink_default"]))
            _blend_rgb(uv2, t.box_px, t.mask.astype(np.float32) * (dark / 255.0),
                       np.zeros(3, np.float32))
        for img_item in images:
            _put_image(uv2, img_item, "uv254")
        if fibres254 is not None:
            _put_fibres(uv2, fibres254, 1.0)
        _put_specimen(uv2, design, np.zeros(3, np.float32), 0.14)
        out[f"uv254{suffix}"] = uv2
    if "ir" in families:
        ir = _base(design, plan, "ir")
        for t in texts:
            ink = model.inks[t.ink]
            if ink.ir > 0:
                _blend_gray(ir, t.box_px, t.mask.astype(np.float32) * (ink.ir / 255.0), 15.0)
        for img_item in images:
            _put_image(ir, img_item, "ir")
        if perforation is not None:  # laser-burnt hole walls are carbonised: dark in IR
            _blend_gray(ir, perforation[1], perforation[0] * 0.85, 25.0)
        out[f"ir{suffix}"] = ir
    if "transmitted" in families:
        tr = _base(design, plan, "transmitted")
        for t in texts:
            ink = model.inks[t.ink]
            _blend_gray(tr, t.box_px, t.mask.astype(np.float32) * (ink.transmitted / 255.0), 40.0)
        for img_item in images:
            _put_image(tr, img_item, "transmitted")
        if perforation is not None:
            _blend_gray(tr, perforation[1], perforation[0], 255.0)
        out[f"transmitted{suffix}"] = tr
    for trace in plan.traces:
        if trace.side == side:
            for name, img in out.items():
                _draw_trace(img, trace, view_family(name), name, plan.dpi)
    return out


def render_region(plan: Plan, side: str, box_mm: tuple[float, float, float, float], dpi: int,
                  *, views: Sequence[str] = ("white",)) -> dict[str, Image8]:
    """The box ``box_mm`` of ``side`` of the document of ``plan`` in the lights ``views``
    (``white``, ``uv365``, ``uv254``, ``ir``, ``transmitted``, ``tilt_k``) at ``dpi`` (a loupe or
    microscope field, up to 2400 dpi), without rendering the rest of the side.

    The same document as :func:`render_views` shows: the design of the box
    (:func:`~docsec.generate.design.region_design`, with the paper grain of the document's own
    views), the personalisation redrawn at ``dpi`` (text and the MRZ as outlines, the portrait
    and ghost image resampled, the perforation, the document's fibres), the planted feature
    states and the traces of tampering. Downsampled to the document's dpi, it matches its view
    of the same box.

    Raises :class:`~docsec.errors.InvalidComponent` for an unknown side or view, a box off the
    side or a dpi outside 50-2400.
    """
    model = get_model(plan.model_id)
    if side not in model.sides:
        raise InvalidComponent(f"model {model.id!r} has no side {side!r}")
    if not 50 <= dpi <= MAX_REGION_DPI:
        raise InvalidComponent(f"dpi must be between 50 and {MAX_REGION_DPI}, got {dpi}")
    for v in views:
        if v not in BASE_VIEWS + ("uv254",) and not (
                v.startswith("tilt_") and v.removeprefix("tilt_").isdigit()
                and 1 <= int(v.removeprefix("tilt_")) <= TILT_FRAMES):
            raise InvalidComponent(f"no light {v!r} for a region")
    w, h = model.canonical_px(dpi)
    x, y, bw, bh = DocumentModel.box_px(box_mm, dpi)
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
    if x1 <= x0 or y1 <= y0:
        raise InvalidComponent(f"box {box_mm} mm is off the side")
    win = (x0, y0, x1 - x0, y1 - y0)
    design = region_design(model.id, side, dpi, win, plan.dpi)
    k = dpi / plan.dpi
    texts = []
    for t in plan.texts:
        if t.side != side or _inter_box(_scaled(t.box_px, k), win, pad=round(2 * k)) is None:
            continue
        if t.redraw is not None:
            part = t.redraw(dpi, win)
        else:
            part = _resampled(_scaled(t.box_px, k), win, t.mask, cv2.INTER_LINEAR)
        if part is not None:
            mask = part[1]
            if t.process == "inkjet":
                mask = _inkjet(mask, dpi, plan.fibre_seed + sum(t.key.encode()))
            texts.append(replace(t, box_px=part[0], mask=mask, redraw=None))
    images = []
    for im in plan.images:
        if im.side != side:
            continue
        part = _resampled(_scaled(im.box_px, k), win, im.image, cv2.INTER_CUBIC)
        if part is not None:
            images.append(replace(im, box_px=part[0], image=part[1]))
    traces = tuple(replace(tr, box_px=_scaled(tr.box_px, k)) for tr in plan.traces
                   if tr.side == side)
    local = replace(plan, dpi=dpi, texts=tuple(texts), images=tuple(images), traces=(),
                    perforation=None)
    perforation = None
    if plan.perforation is not None and plan.perforation[0] == side:
        f = model.feature("laser_perforation")
        pbox = DocumentModel.box_px(f.box_mm, dpi)
        cut = cut_feature(pbox, win, lambda sz, s: [_perforation_mask(
            plan.perforation[1] if plan.perforation else "", (0, 0, *sz),
            max(1, round(dpi * s)))[0]])
        if cut is not None:
            perforation = (cut[1][0].astype(np.float32), cut[0])
    families = {view_family(v) for v in views}
    fibres = fibres254 = None
    if families & {"white", "tilt", "uv365"}:
        fibres = _fibres_at(model, plan, side, design, k, win)
    if "uv254" in families:
        fibres254 = _fibres254(model, plan, side, design, k, (win[0], win[1]))
    out = _compose_views(model, design, local, side, "", views, fibres, fibres254, perforation)
    for tr in traces:
        for name, img in out.items():
            _draw_trace_window(img, tr, view_family(name), name, dpi, win)
    return out


#: Nozzle pitch of an office inkjet printer (dpi): the drops a magnified view resolves.
INKJET_DPI = 600
#: Share of drops that throw a satellite droplet beside them.
INKJET_SATELLITES = 0.12


def _inkjet(mask: Image8, dpi: int, seed: int) -> Image8:
    """Text printed by an inkjet printer as a magnified view shows it: round drops on the
    printer's grid (:data:`INKJET_DPI`) with placement jitter, ragged edges and satellite
    droplets, instead of the solid strokes of laser or toner personalisation. At or below the
    printer's resolution the drops merge and the mask is returned as it is."""
    pitch = dpi / INKJET_DPI
    if pitch < 2.0:
        return mask
    h, w = mask.shape
    rng = np.random.default_rng(seed)
    cover = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), pitch / 2)
    gy, gx = np.mgrid[pitch / 2 : h : pitch, pitch / 2 : w : pitch]
    gy, gx = gy.ravel(), gx.ravel()
    inked = cover[gy.astype(np.int64), gx.astype(np.int64)] > 0.45
    ys = gy[inked] + rng.normal(0.0, pitch * 0.18, int(inked.sum()))
    xs = gx[inked] + rng.normal(0.0, pitch * 0.18, int(inked.sum()))
    sat = rng.random(len(xs)) < INKJET_SATELLITES
    ang = rng.uniform(0.0, 2 * np.pi, int(sat.sum()))
    ys = np.concatenate([ys, ys[sat] + np.sin(ang) * pitch * 1.4])
    xs = np.concatenate([xs, xs[sat] + np.cos(ang) * pitch * 1.4])
    radius = np.concatenate([np.full(int(inked.sum()), 0.62 * pitch),
                             np.full(int(sat.sum()), 0.3 * pitch)])
    out = np.zeros((h, w), np.uint8)
    for x, y, r in zip(xs, ys, radius, strict=True):
        cv2.circle(out, (round(x * 16), round(y * 16)), max(1, round(r * 16)), 255, -1,
                   cv2.LINE_AA, 4)
    return out


#: Highest resolution of a region (a microscope field of a few millimetres).
MAX_REGION_DPI = 2400


def _inter_box(box: tuple[int, int, int, int], win: tuple[int, int, int, int],
               pad: int = 0) -> tuple[int, int, int, int] | None:
    """Intersection of ``box`` grown by ``pad`` with ``win`` (None when empty)."""
    x0, y0 = max(box[0] - pad, win[0]), max(box[1] - pad, win[1])
    x1 = min(box[0] + box[2] + pad, win[0] + win[2])
    y1 = min(box[1] + box[3] + pad, win[1] + win[3])
    return None if x1 <= x0 or y1 <= y0 else (x0, y0, x1 - x0, y1 - y0)


def _scaled(box: tuple[int, int, int, int], k: float) -> tuple[int, int, int, int]:
    """A box in pixels at one dpi, in pixels at ``k`` times that dpi."""
    x, y, w, h = box
    x0, y0 = round(x * k), round(y * k)
    return x0, y0, max(1, round((x + w) * k) - x0), max(1, round((y + h) * k) - y0)


def _resampled(box: tuple[int, int, int, int], win: tuple[int, int, int, int],
               image: Image8, interpolation: int,
               ) -> tuple[tuple[int, int, int, int], Image8] | None:
    """``image`` stretched over ``box`` (pixels of the region's dpi): the part inside ``win``,
    as its box in the window's frame and its pixels (None when it misses the window)."""
    bx, by, bw, bh = box
    x0, y0 = max(bx, win[0]), max(by, win[1])
    x1, y1 = min(bx + bw, win[0] + win[2]), min(by + bh, win[1] + win[3])
    if x1 <= x0 or y1 <= y0:
        return None
    ih, iw = image.shape[:2]
    kx, ky = iw / bw, ih / bh
    m = np.asarray([[kx, 0.0, (x0 - bx + 0.5) * kx - 0.5],
                    [0.0, ky, (y0 - by + 0.5) * ky - 0.5]], np.float64)
    out = cv2.warpAffine(np.ascontiguousarray(image), m, (x1 - x0, y1 - y0),
                         flags=interpolation | cv2.WARP_INVERSE_MAP,
                         borderMode=cv2.BORDER_REPLICATE)
    return (x0 - win[0], y0 - win[1], x1 - x0, y1 - y0), np.asarray(out, np.uint8)


def _ovi_frame(ovi: tuple[Overlay, Overlay], t: float) -> Overlay:
    """The optically variable ink at tilt fraction ``t`` (0 = face-on colour, 1 = the other):
    the colour shifts gradually across the tilt frames."""
    a, b = ovi
    if t <= 0.0:
        return a
    colour = a.colour.astype(np.float32) * (1.0 - t) + b.colour.astype(np.float32) * t
    return Overlay(a.box_px, a.alpha, (colour + 0.5).astype(np.uint8))


def _blob(shape: tuple[int, int], seed: int, cover: float) -> NDArray[np.float32]:
    """A soft irregular blob (0..1) filling about ``cover`` of a box, zero on its border."""
    h, w = shape
    rng = np.random.default_rng(seed)
    coarse = rng.random((6, 6)).astype(np.float32)
    field = np.asarray(Image.fromarray(coarse).resize((w, h), Image.Resampling.BICUBIC),
                       np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.hypot((xx - w / 2) / max(1.0, w / 2), (yy - h / 2) / max(1.0, h / 2))
    level = field * 0.6 + (1.0 - r) * 0.9
    cut = np.quantile(level, 1.0 - cover)
    blob = np.clip((level - cut) * 4.0, 0.0, 1.0)
    blob[r >= 0.97] = 0.0
    out: NDArray[np.float32] = blob.astype(np.float32)
    return out


def _ring(shape: tuple[int, int], width: int) -> NDArray[np.float32]:
    """1 on a band ``width`` pixels wide along the inside of a box, else 0."""
    h, w = shape
    m = np.zeros((h, w), np.float32)
    k = max(1, min(width, h // 2, w // 2))
    m[:k, :] = m[-k:, :] = 1.0
    m[:, :k] = m[:, -k:] = 1.0
    return m


#: What each trace of tampering does in the lights it shows in: (light family, blended as
#: ``rgb`` or ``gray``, colour or grey level).
_TRACE_INK: dict[tuple[str, str], tuple[str, tuple[float, ...]]] = {
    ("uv_stain", "uv365"): ("rgb", (190, 200, 235)),
    ("thin_spot", "transmitted"): ("gray", (255.0,)),
    ("thin_spot", "white"): ("rgb", (250, 248, 240)),
    ("thin_spot", "tilt"): ("rgb", (250, 248, 240)),
    ("cut_edge", "white"): ("rgb", (70, 62, 58)),
    ("cut_edge", "tilt"): ("rgb", (70, 62, 58)),
    ("glue", "uv365"): ("rgb", (200, 215, 255)),
    ("photo_paper", "uv365"): ("rgb", (175, 185, 250)),
    ("laminate", "tilt"): ("rgb", (250, 250, 250)),
}


def _trace_ink(kind: str, light: str) -> tuple[str, tuple[float, ...], float] | None:
    """How a trace blends in ``light`` (mode, colour, strength), None where it does not show;
    under short-wave UV a glowing trace glows by its share of :func:`lights`."""
    if light == "uv254":
        gain = float(lights()["uv254"]["traces"].get(kind, 0.0))
        ink = _TRACE_INK.get((kind, "uv365"))
        return None if ink is None or gain <= 0 else (*ink, gain)
    ink = _TRACE_INK.get((kind, light))
    return None if ink is None else (*ink, 1.0)


def _trace_alpha(trace: Trace, light: str, name: str, shape: tuple[int, int],
                 dpi: float) -> NDArray[np.float32]:
    """Coverage (0..1) of a trace over its box of ``shape`` pixels at ``dpi`` in one light."""
    h, w = shape
    kind = trace.kind
    px_mm = dpi / 25.4
    rng = np.random.default_rng(trace.seed)
    if kind == "uv_stain":
        return _blob((h, w), trace.seed, 0.55) * 0.45
    if kind == "thin_spot":
        blob = _blob((h, w), trace.seed, 0.5)
        if light == "transmitted":
            return blob * 0.55
        # raised fibres of the scraped surface scatter light: pale specks
        out: NDArray[np.float32] = (rng.random((h, w)) < 0.08).astype(np.float32) * blob * 0.6
        return out
    if kind == "cut_edge":
        ring = _ring((h, w), max(1, round(0.15 * px_mm)))
        wobble = (0.5 + 0.5 * rng.random((h, w))).astype(np.float32)
        return ring * wobble * np.float32(0.7)
    if kind == "glue":
        ring = _ring((h, w), max(1, round(0.8 * px_mm)))
        patchy = _blob((h, w), trace.seed, 0.95) * 0.4 + 0.4
        return ring * patchy
    if kind == "photo_paper":
        return np.full((h, w), 0.55, np.float32)
    if kind == "laminate":
        frame = int(name.removesuffix("_back").removeprefix("tilt_"))
        bubbles = np.zeros((h, w), np.float32)
        yy, xx = np.mgrid[0:h, 0:w]
        for _ in range(14):
            cx, cy = rng.uniform(0.05, 0.95) * w, rng.uniform(0.05, 0.95) * h
            r = rng.uniform(0.8, 2.5) * px_mm
            bubbles = np.maximum(bubbles, (np.hypot(xx - cx, yy - cy) < r).astype(np.float32))
        return bubbles * np.float32(0.1 + 0.08 * frame)
    raise InvalidComponent(f"unknown trace kind {kind!r}")


def _blend_trace(img: Image8, box: tuple[int, int, int, int], alpha: NDArray[np.float32],
                 ink: tuple[str, tuple[float, ...], float]) -> None:
    mode, colour, gain = ink
    a = alpha if gain == 1.0 else alpha * np.float32(gain)
    if mode == "gray":
        _blend_gray(img, box, a, float(colour[0]))
    else:
        _blend_rgb(img, box, a, np.asarray(colour, np.float32))


def _draw_trace(img: Image8, trace: Trace, light: str, name: str, dpi: int) -> None:
    """Draw a trace of tampering (:class:`~docsec.generate.plan.Trace`) in one view."""
    ink = _trace_ink(trace.kind, light)
    if ink is None:
        return
    x, y, w, h = trace.box_px
    h = min(h, img.shape[0] - y)
    w = min(w, img.shape[1] - x)
    if h <= 1 or w <= 1:
        return
    _blend_trace(img, (x, y, w, h), _trace_alpha(trace, light, name, (h, w), dpi), ink)


def _draw_trace_window(img: Image8, trace: Trace, light: str, name: str, dpi: int,
                       win: tuple[int, int, int, int]) -> None:
    """Draw a trace whose box is in pixels of the side at ``dpi`` into a region view of the
    window ``win`` (the trace drawn over its whole box, cut to the window)."""
    ink = _trace_ink(trace.kind, light)
    if ink is None:
        return
    part = cut_feature(trace.box_px, win, lambda sz, s: [
        _trace_alpha(trace, light, name, (sz[1], sz[0]), dpi * s)],
        budget=TRACE_BUDGET_PX)
    if part is not None:
        _blend_trace(img, part[0], np.asarray(part[1][0], np.float32), ink)


#: Largest trace box drawn at a region's dpi (pixels); a page-wide trace behind a magnified
#: crop is drawn at the dpi that fits and resampled (its blobs are smooth).
TRACE_BUDGET_PX = 4_000_000


def _put_image(dst: Image8, item: ImageItem, view: str) -> None:
    """Composite a portrait (RGB) or ghost image (gray) the way it looks in ``view``."""
    img = item.image
    box = item.box_px
    ones = np.ones(img.shape[:2], np.float32)
    if item.key == "portrait":
        if view == "white":
            _blend_rgb(dst, box, ones, img.astype(np.float32))
        elif view == "uv365":
            dim = img.astype(np.float32) * 0.18
            _blend_rgb(dst, box, ones * 0.85, dim)
        elif view == "uv254":
            dim = img.astype(np.float32) * float(lights()["uv254"]["portrait_gain"])
            _blend_rgb(dst, box, ones * 0.85, dim)
        elif view == "ir":
            gray = img.astype(np.float32) @ np.asarray([0.3, 0.5, 0.2], np.float32)
            _blend_gray(dst, box, ones * 0.9, gray * 0.8 + 30)
        elif view == "transmitted":
            gray = img.astype(np.float32) @ np.asarray([0.3, 0.5, 0.2], np.float32)
            _blend_gray(dst, box, ones * 0.25, gray * 0.6)
    elif item.key == "ghost":
        g = img.astype(np.float32) / 255.0  # 1 = paper, 0 = darkest
        ink = 1.0 - g
        if view == "white":
            _blend_rgb(dst, box, ink * 0.6, np.asarray([140, 110, 100], np.float32))
        elif view == "uv365":
            _blend_rgb(dst, box, ink * 0.8, np.asarray([255, 150, 210], np.float32))
        elif view == "uv254":
            sw = lights()["uv254"]
            _blend_rgb(dst, box, ink * float(sw["ghost_strength"]),
                       np.asarray(sw["ghost_colour"], np.float32))
        elif view == "transmitted":
            _blend_gray(dst, box, ink * 0.12, 60.0)


def _fibres(model: DocumentModel, plan: Plan, side: str,
            design: SideDesign) -> tuple[NDArray[np.intp], NDArray[np.float32]] | None:
    """Per-document UV fibres as flat pixel indices and RGBA values (0..1 alpha), or None.

    Fibres (:func:`docsec.generate.patterns.uv_fibres`, 2-4.5 mm Bézier strokes) are placed by
    the document's own seed; printed imitations repeat the design's fixed positions on every
    copy.
    """
    feats = [f for f in model.features if f.kind == "uv_fibres" and f.side == side]
    if not feats:
        return None
    state = plan.states.get("uv_fibres", "embedded")
    seed = plan.fibre_seed if state != "printed" else int(model.palette["design_seed"])
    idx, rgba, _ = _uv_fibres(design.size_xy, plan.dpi, seed,
                              int(feats[0].params.get("count", 50)),
                              tuple(tuple(c) for c in design.fibre_colours))
    return idx, rgba


#: Fibre sets kept (a document's page views, its UV 254 nm views and its magnified views
#: use the same ones).
FIBRE_CACHE_SIZE = 16


@functools.lru_cache(maxsize=FIBRE_CACHE_SIZE)
def _uv_fibres(size_xy: tuple[int, int], dpi: int, seed: int, count: int,
               colours: tuple[tuple[int, ...], ...],
               ) -> tuple[NDArray[np.intp], NDArray[np.float32], tuple[patterns.Fibre, ...]]:
    """Fibres of a side at ``dpi`` (:func:`docsec.generate.patterns.uv_fibres`, 2-4.5 mm
    strokes): flat pixel indices and RGBA values (read-only) and the fibres' curves."""
    px_mm = dpi / 25.4
    layer, fibres = patterns.uv_fibres(size_xy, rng=seed, count=count, colours=colours,
                                       length_px=(2.0 * px_mm, 4.5 * px_mm),
                                       width_px=max(1.0, dpi / 220))
    flat = layer.reshape(-1, 4)
    idx = np.flatnonzero(flat[:, 3])
    rgba = flat[idx].astype(np.float32)
    idx.setflags(write=False)
    rgba.setflags(write=False)
    return idx, rgba, fibres


#: Fibres whose shapes alone are wanted are drawn this many times smaller (their geometry
#: scales exactly: every draw of :func:`patterns.uv_fibres` is proportional to the size).
_SHAPE_SCALE = 8


def _fibre_shapes(size_xy: tuple[int, int], dpi: int, seed: int,
                  count: int) -> list[patterns.Fibre]:
    """The curves of :func:`_uv_fibres`'s fibres without drawing them at full size."""
    if count <= 0:
        return []
    k = _SHAPE_SCALE
    px_mm = dpi / 25.4 / k
    _, small = patterns.uv_fibres((max(1, size_xy[0] // k), max(1, size_xy[1] // k)),
                                  rng=seed, count=count, colours=[(255, 255, 255)],
                                  length_px=(2.0 * px_mm, 4.5 * px_mm), width_px=1.0)
    sx, sy = size_xy[0] / max(1, size_xy[0] // k), size_xy[1] / max(1, size_xy[1] // k)
    return [dataclasses.replace(f, control_xy=tuple((x * sx, y * sy) for x, y in f.control_xy),
                                length_px=f.length_px * k) for f in small]


def _fibre_set(model: DocumentModel, plan: Plan, side: str, seed: int, count: int,
               colours: Sequence[Sequence[int]]) -> tuple[patterns.Fibre, ...]:
    """The fibres :func:`_fibres` draws (their curves in pixels of the side at the document's
    dpi)."""
    return _uv_fibres(model.canonical_px(plan.dpi), plan.dpi, seed, count,
                      tuple(tuple(c) for c in colours))[2]


#: Points along each fibre's Bézier curve when fibres are redrawn (a magnified fibre stays a
#: smooth curve).
_FIBRE_SAMPLES = 65


def _draw_fibres(fibres: Sequence[tuple[patterns.Fibre, tuple[int, int, int]]], k: float,
                 origin: tuple[int, int], size_xy: tuple[int, int],
                 width_px: float) -> Fibres | None:
    """Fibres (each with the colour it shows) scaled by ``k`` and drawn into a frame of
    ``size_xy`` whose corner is ``origin``, as flat pixel indices and RGBA values."""
    w, h = size_xy
    if not fibres:
        return None
    ctrl = np.asarray([f.control_xy for f, _ in fibres], np.float64) * k - np.asarray(origin)
    pad = 2 * width_px + 4
    # a Bézier curve lies inside its control points' hull: skip fibres whose hull misses
    inside = ((ctrl[..., 0].max(axis=1) >= -pad) & (ctrl[..., 0].min(axis=1) <= w + pad)
              & (ctrl[..., 1].max(axis=1) >= -pad) & (ctrl[..., 1].min(axis=1) <= h + pad))
    if not inside.any():
        return None
    t = np.linspace(0.0, 1.0, _FIBRE_SAMPLES)
    basis = np.stack([(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3], axis=1)
    curves = np.zeros((len(fibres), _FIBRE_SAMPLES, 2))
    curves[inside] = np.einsum("tk,nkd->ntd", basis, ctrl[inside])
    thickness = max(1, round(width_px))
    margin = thickness + 4
    idx_parts: list[NDArray[np.intp]] = []
    rgba_parts: list[NDArray[np.float32]] = []
    for i in np.flatnonzero(inside):
        # each fibre in a canvas of its own bounding box: the cost of its pixels only
        c = curves[i]
        x0 = max(0, int(np.floor(c[:, 0].min())) - margin)
        y0 = max(0, int(np.floor(c[:, 1].min())) - margin)
        x1 = min(w, int(np.ceil(c[:, 0].max())) + margin + 1)
        y1 = min(h, int(np.ceil(c[:, 1].max())) + margin + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        pts = [np.round((c - (x0, y0)) * 16).astype(np.int32)]
        alpha = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.polylines(alpha, pts, False, 255, thickness, cv2.LINE_AA, 4)
        yy, xx = np.nonzero(alpha)
        if not len(yy):
            continue
        idx_parts.append((yy + y0) * w + (xx + x0))
        part = np.empty((len(yy), 4), np.float32)
        part[:, :3] = fibres[int(i)][1]
        part[:, 3] = alpha[yy, xx]
        rgba_parts.append(part)
    if not idx_parts:
        return None
    return np.concatenate(idx_parts).astype(np.intp), np.concatenate(rgba_parts)


def _fibres_at(model: DocumentModel, plan: Plan, side: str, design: SideDesign, k: float,
               win: tuple[int, int, int, int]) -> Fibres | None:
    """The fibres of :func:`_fibres` (same seed, same state) redrawn over a region at ``k``
    times the document's dpi."""
    feats = [f for f in model.features if f.kind == "uv_fibres" and f.side == side]
    if not feats:
        return None
    state = plan.states.get("uv_fibres", "embedded")
    seed = plan.fibre_seed if state != "printed" else int(model.palette["design_seed"])
    fib = _fibre_set(model, plan, side, seed, int(feats[0].params.get("count", 50)),
                     design.fibre_colours)
    return _draw_fibres([(f, f.colour) for f in fib], k, (win[0], win[1]),
                        design.size_xy, max(1.0, plan.dpi * k / 220))


def _fibres254(model: DocumentModel, plan: Plan, side: str, design: SideDesign, k: float,
               origin: tuple[int, int]) -> Fibres | None:
    """The fibres that glow under short-wave UV (:func:`lights`): embedded fibres of the
    palette colours that respond to 254 nm, in their 254 nm colour, and a second population
    that responds to 254 nm only. Printed or missing fibres show nothing."""
    feats = [f for f in model.features if f.kind == "uv_fibres" and f.side == side]
    if not feats or plan.states.get("uv_fibres", "embedded") != "embedded":
        return None
    sw = lights()["uv254"]
    count = int(feats[0].params.get("count", 50))
    palette = [tuple(c) for c in design.fibre_colours]
    mapped = list(sw["fibres"])
    shown: list[tuple[patterns.Fibre, tuple[int, int, int]]] = []
    for f in _fibre_set(model, plan, side, plan.fibre_seed, count, design.fibre_colours):
        i = palette.index(tuple(f.colour)) if tuple(f.colour) in palette else -1
        c = mapped[i] if 0 <= i < len(mapped) else None
        if c is not None:
            shown.append((f, (int(c[0]), int(c[1]), int(c[2]))))
    only = sw["fibres_254_only"]
    c254 = tuple(int(v) for v in only["colour"])
    shown += [(f, (c254[0], c254[1], c254[2])) for f in _fibre_shapes(
        model.canonical_px(plan.dpi), plan.dpi, plan.fibre_seed + int(only["seed_offset"]),
        round(count * float(only["share"])))]
    return _draw_fibres(shown, k, origin, design.size_xy, max(1.0, plan.dpi * k / 220))


def _put_fibres(dst: Image8, fibres: tuple[NDArray[np.intp], NDArray[np.float32]],
                strength: float) -> None:
    flat_img = dst.reshape(-1, 3)
    idx, rgba = fibres
    old = flat_img[idx].astype(np.float32)
    a = rgba[:, 3:4] * (strength / 255.0)
    flat_img[idx] = (old + (rgba[:, :3] - old) * a + 0.5).astype(np.uint8)


def _put_specimen(dst: Image8, design: SideDesign, colour: NDArray[np.float32],
                  strength: float) -> None:
    idx, alpha = design.specimen_idx
    a = alpha * strength
    if dst.ndim == 3:
        flat_img = dst.reshape(-1, 3)
        old = flat_img[idx].astype(np.float32)
        flat_img[idx] = (old + (colour - old) * a[:, None] + 0.5).astype(np.uint8)


def _perforation_mask(number: str, box: tuple[int, int, int, int],
                      dpi: int) -> tuple[NDArray[np.float32], tuple[int, int, int, int]]:
    """Holes of the laser-perforated number in ``box`` (:func:`patterns.perforation`)."""
    x, y, w, h = box
    rows = 9
    # Below about 200 dpi a hole is smaller than a pixel: draw at a multiple of the box size
    # and area-average down (the holes then show as partial transparency, as a scan would).
    scale = max(1, int(np.ceil(200 / dpi)))
    sw, sh = w * scale, h * scale
    pitch = min(sh / rows, sw / max(1, len(number) * 6))
    holes = patterns.perforation(number, (sw, sh), hole_px=max(1.0, pitch * 0.62),
                                 pitch_px=max(1.5, pitch), rows=rows).astype(np.float32)
    if scale > 1:
        holes = holes.reshape(h, scale, w, scale).mean(axis=(1, 3))
    return holes.astype(np.float32), box


def _vin_plate(model: DocumentModel, plan: Plan) -> Image8:
    """A photo-like view of the vehicle's riveted VIN plate (stamped characters)."""
    if model.vin_plate_mm is None or plan.vin_plate is None:
        raise InvalidComponent(f"model {model.id!r} has no VIN plate")
    dpi = plan.dpi
    w, h = mm_to_px(model.vin_plate_mm[0], dpi), mm_to_px(model.vin_plate_mm[1], dpi)
    img = Image.new("RGB", (w, h), (168, 172, 176))
    draw = ImageDraw.Draw(img)
    # Brushed metal: fixed streaks per design, not per document.
    rng = np.random.default_rng(int(model.palette["design_seed"]) + 99)
    for _ in range(60):
        yy = int(rng.integers(0, h))
        shade = int(rng.integers(150, 195))
        draw.line([(0, yy), (w, yy)], fill=(shade, shade + 3, shade + 6), width=1)
    r = max(2, mm_to_px(1.6, dpi))
    for cx, cy in ((r * 2, r * 2), (w - r * 2, r * 2), (r * 2, h - r * 2), (w - r * 2, h - r * 2)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(120, 122, 126), outline=(80, 80, 84))
    f_small = font("sans_bold", mm_to_px(2.4, dpi))
    maker = (plan.vin_maker or model.issuer_name).upper()
    draw.text((r * 4, mm_to_px(3, dpi)), maker, fill=(60, 60, 66), font=f_small)
    f_vin = font("mono", mm_to_px(5.0, dpi))
    draw.text((r * 3, mm_to_px(12, dpi)), plan.vin_plate, fill=(35, 35, 40), font=f_vin)
    draw.text((r * 3 + 1, mm_to_px(12, dpi) + 1), plan.vin_plate, fill=(205, 208, 212), font=f_vin)
    blurred = img.filter(ImageFilter.GaussianBlur(max(0.5, dpi / 400)))
    return np.asarray(blurred, dtype=np.uint8).copy()


def text_item(key: str, side: str, box_px: tuple[int, int, int, int], mask: Image8,
              ink: str) -> TextItem:
    """Convenience constructor used by the generator and the defects."""
    return TextItem(key=key, side=side, box_px=box_px, mask=mask, ink=ink)
