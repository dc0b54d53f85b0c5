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

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from docsec.errors import InvalidComponent
from docsec.generate import patterns
from docsec.generate.design import Overlay, SideDesign, side_design
from docsec.generate.plan import GENUINE_STATES, ImageItem, Plan, TextItem, Trace
from docsec.generate.text import font
from docsec.models import DocumentModel, get_model, mm_to_px

__all__ = ["BASE_VIEWS", "TILT_FRAMES", "render_views", "side_of", "view_family"]

BASE_VIEWS = ("white", "uv365", "ir", "transmitted")
TILT_FRAMES = 3

Image8 = NDArray[np.uint8]


def side_of(view: str) -> str:
    """The side a view name belongs to (``white_back`` -> ``back``)."""
    return "back" if view.endswith("_back") else "front"


def view_family(view: str) -> str:
    """The light of a view without side suffix and frame number (``tilt_2_back`` -> ``tilt``)."""
    base = view.removesuffix("_back")
    return "tilt" if base.startswith("tilt_") else base


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


def render_views(plan: Plan, *, views: Sequence[str] | None = None) -> dict[str, Image8]:
    """Render the requested views of ``plan`` (all views of the model when ``views`` is None).

    Raises :class:`~docsec.errors.InvalidComponent` for a view name the model does not have.
    """
    model = get_model(plan.model_id)
    names = model.view_names(tilt_frames=TILT_FRAMES)
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
           "transmitted": design.transmitted}[base]
    img = src.copy()
    for feature in _KINDS:
        _alternates(design, plan, feature, base, img)
    return img


def _render_side(model: DocumentModel, plan: Plan, side: str, suffix: str,
                 views: list[str]) -> dict[str, Image8]:
    design = side_design(model.id, side, plan.dpi)
    texts = [t for t in plan.texts if t.side == side]
    images = [i for i in plan.images if i.side == side]
    families = {view_family(v) for v in views}
    out: dict[str, Image8] = {}
    spec_colour = np.asarray(model.palette["specimen"], np.float32)
    fibres = _fibres(model, plan, side, design)
    perforation = None
    if plan.perforation is not None and plan.perforation[0] == side:
        perforation = _perforation_mask(plan.perforation[1], plan.perforation[2], plan.dpi)

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


def _draw_trace(img: Image8, trace: Trace, light: str, name: str, dpi: int) -> None:
    """Draw a trace of tampering (:class:`~docsec.generate.plan.Trace`) in one view."""
    x, y, w, h = trace.box_px
    h = min(h, img.shape[0] - y)
    w = min(w, img.shape[1] - x)
    if h <= 1 or w <= 1:
        return
    box = (x, y, w, h)
    kind = trace.kind
    px_mm = dpi / 25.4
    rng = np.random.default_rng(trace.seed)
    if kind == "uv_stain" and light == "uv365":
        a = _blob((h, w), trace.seed, 0.55) * 0.45
        _blend_rgb(img, box, a, np.asarray([190, 200, 235], np.float32))
    elif kind == "thin_spot":
        blob = _blob((h, w), trace.seed, 0.5)
        if light == "transmitted":
            _blend_gray(img, box, blob * 0.55, 255.0)
        elif light in ("white", "tilt"):
            # raised fibres of the scraped surface scatter light: pale specks
            specks = (rng.random((h, w)) < 0.08).astype(np.float32) * blob * 0.6
            _blend_rgb(img, box, specks, np.asarray([250, 248, 240], np.float32))
    elif kind == "cut_edge" and light in ("white", "tilt"):
        ring = _ring((h, w), max(1, round(0.15 * px_mm)))
        wobble = (0.5 + 0.5 * rng.random((h, w))).astype(np.float32)
        _blend_rgb(img, box, ring * wobble * np.float32(0.7), np.asarray([70, 62, 58], np.float32))
    elif kind == "glue" and light == "uv365":
        ring = _ring((h, w), max(1, round(0.8 * px_mm)))
        patchy = _blob((h, w), trace.seed, 0.95) * 0.4 + 0.4
        _blend_rgb(img, box, ring * patchy, np.asarray([200, 215, 255], np.float32))
    elif kind == "photo_paper" and light == "uv365":
        a = np.full((h, w), 0.55, np.float32)
        _blend_rgb(img, box, a, np.asarray([175, 185, 250], np.float32))
    elif kind == "laminate" and light == "tilt":
        frame = int(name.removesuffix("_back").removeprefix("tilt_"))
        bubbles = np.zeros((h, w), np.float32)
        yy, xx = np.mgrid[0:h, 0:w]
        for _ in range(14):
            cx, cy = rng.uniform(0.05, 0.95) * w, rng.uniform(0.05, 0.95) * h
            r = rng.uniform(0.8, 2.5) * px_mm
            bubbles = np.maximum(bubbles, (np.hypot(xx - cx, yy - cy) < r).astype(np.float32))
        glare = np.float32(0.1 + 0.08 * frame)
        _blend_rgb(img, box, bubbles * glare, np.asarray([250, 250, 250], np.float32))


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
    px_mm = plan.dpi / 25.4
    layer, _ = patterns.uv_fibres(
        design.size_xy,
        rng=seed,
        count=int(feats[0].params.get("count", 50)),
        colours=design.fibre_colours,
        length_px=(2.0 * px_mm, 4.5 * px_mm),
        width_px=max(1.0, plan.dpi / 220),
    )
    flat = layer.reshape(-1, 4)
    idx = np.flatnonzero(flat[:, 3])
    return idx, flat[idx].astype(np.float32)


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
