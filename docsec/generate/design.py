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
changes pixels only inside the box it declares.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from docsec.generate import patterns
from docsec.generate.text import font, text_mask
from docsec.models import DocumentModel, FeatureSpec, get_model, mm_to_px

__all__ = ["Overlay", "Patch", "SideDesign", "side_design"]

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
    """Replacement pixels for a box of one base (``under``, ``uv``, ``ir``, ``transmitted``)."""

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


def _tint(base: RGB, box: BoxPx, mask: NDArray[np.float32], colour: NDArray[np.float32]) -> None:
    """Blend ``colour`` (RGB or per-pixel RGB) into ``base`` over ``box`` with ``mask`` 0..1."""
    x, y, w, h = box
    region = base[y : y + h, x : x + w].astype(np.float32)
    a = mask[..., None]
    base[y : y + h, x : x + w] = np.clip(region * (1 - a) + colour * a + 0.5, 0, 255).astype(
        np.uint8
    )


def _darken(base: Gray, box: BoxPx, mask: NDArray[np.float32], level: float) -> None:
    x, y, w, h = box
    region = base[y : y + h, x : x + w].astype(np.float32)
    base[y : y + h, x : x + w] = np.clip(region * (1 - mask) + level * mask + 0.5, 0, 255).astype(
        np.uint8
    )


#: Sides kept by :func:`side_design`: every side of every model at two resolutions.
CACHE_SIZE = 32


def _read_only(*arrays: NDArray[np.generic]) -> None:
    for a in arrays:
        a.setflags(write=False)


@functools.lru_cache(maxsize=CACHE_SIZE)
def side_design(model_id: str, side: str, dpi: int) -> SideDesign:
    """The cached layers of ``side`` of model ``model_id`` at ``dpi`` (read-only arrays)."""
    model = get_model(model_id)
    w, h = model.canonical_px(dpi)
    size = (w, h)
    pal = model.palette
    seed = int(pal["design_seed"]) * 1000 + (0 if side == "front" else 1)
    rng = np.random.default_rng(seed)
    feats = {f.kind: f for f in model.features if f.side == side}
    paper = np.asarray(pal["paper"], np.float32)

    # Paper: colour with a fine, fixed fibrous texture.
    grain = rng.normal(0.0, 3.0, size=(h // 4 + 1, w // 4 + 1)).astype(np.float32)
    grain = np.kron(grain, np.ones((4, 4), np.float32))[:h, :w]
    under = np.clip(paper[None, None, :] + grain[..., None], 0, 255).astype(np.uint8)
    transmitted = np.clip(205 + grain * 2.5, 0, 255).astype(np.uint8)
    ir = np.clip(232 + grain, 0, 255).astype(np.uint8)
    uv_paper = np.asarray(pal["uv_substrate"], np.float32)
    uv = np.clip(uv_paper[None, None, :] + grain[..., None] * 0.6, 0, 255).astype(np.uint8)
    alternates: dict[tuple[str, str], tuple[Patch, ...]] = {}

    def keep(kind: str, state: str, *patches: Patch) -> None:
        alternates[(kind, state)] = tuple(patches)

    if "rainbow" in feats:
        box = _box(feats["rainbow"], dpi, size)
        r0, r1 = (np.asarray(c, np.float32) for c in pal["rainbow"])
        mid = np.clip((r0 + r1) / 2 + np.asarray([10, -8, 12], np.float32), 0, 255)
        grad = patterns.rainbow(box[2:4], [tuple(int(v) for v in c) for c in (r0, mid, r1)],
                                angle_deg=float(pal.get("rainbow_angle", 0.0)))
        _tint(under, box, np.full(box[3:1:-1], 0.85, np.float32), grad.astype(np.float32))
        # A colour copy prints the split-fountain background as a dot screen; the lines
        # printed over it later stay lines (the difference is added to the finished base).
        smooth = _crop(under, box)
        screened = cv2.GaussianBlur(patterns.halftone(smooth, cell_px=max(2.0, dpi / 100)),
                                    (0, 0), max(0.4, dpi / 600))
        rainbow_dots = screened.astype(np.int16) - smooth.astype(np.int16)
    if "guilloche" in feats:
        box = _box(feats["guilloche"], dpi, size)
        styles = pal.get("guilloche_styles", ("net", "rosettes"))
        pitch = float(pal.get("guilloche_pitch", 14.0))  # line pitch in line widths
        for i, colour in enumerate(pal["guilloche"]):
            line_px = max(0.8, dpi / 300)
            layer = patterns.guilloche(box[2:4], rng=seed + i, colour=colour, line_px=line_px,
                                       spacing_px=max(4.0, pitch * line_px),
                                       style=styles[i % len(styles)])
            # Fine-line background prints light: keep the personalisation legible on top.
            layer[..., 3] = (layer[..., 3].astype(np.float32) * 0.45).astype(np.uint8)
            _paste(under, box, patterns.alpha_over(_crop(under, box), layer))
    if "microprint" in feats:
        f = feats["microprint"]
        box = _box(f, dpi, size)
        colour = tuple(int(v * 0.5) for v in pal["guilloche"][0])
        height_mm = float(f.params.get("height_mm", patterns.MICROPRINT_HEIGHT_MM))
        mp = patterns.microprint(str(f.params.get("text", model.issuer_name)), box[2:4],
                                 height_px=max(patterns.MICROPRINT_MIN_PX, height_mm * dpi / 25.4),
                                 colour=colour)
        _paste(under, box, patterns.alpha_over(_crop(under, box), mp))
    for t in model.titles:
        if t.side != side:
            continue
        x, y = mm_to_px(t.xy_mm[0], dpi), mm_to_px(t.xy_mm[1], dpi)
        size_px = mm_to_px(t.size_mm, dpi)
        tb = (x, y, min(w - x, mm_to_px(110, dpi)), min(h - y, round(size_px * 1.4)))
        m = text_mask(t.text, tb[2:4], font="sans_bold", size_px=size_px).astype(np.float32)
        _tint(under, tb, m / 255.0, np.asarray(pal["guilloche"][0], np.float32) * 0.45)
    label_ink = np.asarray(model.inks["label"].white, np.float32)
    for fs in model.fields:
        if fs.side != side:
            continue
        x, y, bw, bh = DocumentModel.box_px(fs.box_mm, dpi)
        lh = mm_to_px(1.6, dpi)
        lb = (x, y, bw, lh + 2)
        m = text_mask(fs.label, lb[2:4], font="condensed", size_px=lh).astype(np.float32)
        _tint(under, lb, m / 255.0 * 0.9, label_ink)
    if "uv_emblem" in feats:
        box = _box(feats["uv_emblem"], dpi, size)
        emblem = _alpha(patterns.emblem(box[2:4], design=seed))
        no_emblem = _crop(uv, box)
        _tint(uv, box, emblem * 0.9, np.asarray(pal["uv_emblem"], np.float32))
        keep("uv_emblem", "absent", Patch("uv", box, no_emblem))
    if "watermark" in feats:
        box = _box(feats["watermark"], dpi, size)
        wm = _watermark_tone(box[2:4], seed)  # -1..1: darker / lighter than paper
        region = transmitted[box[1] : box[1] + box[3], box[0] : box[0] + box[2]].astype(np.float32)
        # A printed imitation is ink on the surface: in transmitted light a flat shadow of the
        # motif (one tone, never lighter than the paper), not a multitone image.
        shadow = np.where(np.abs(wm) > 0.25, region - 28.0, region)
        _paste(transmitted, box, np.clip(region + wm * 45, 0, 255).astype(np.uint8))
        keep("watermark", "on_surface",
             Patch("transmitted", box, np.clip(shadow, 0, 255).astype(np.uint8)))
    if "security_thread" in feats:
        f = feats["security_thread"]
        box = _box(f, dpi, size)
        band = patterns.security_thread(box[2:4], text=str(f.params.get("text", model.issuer)),
                                        width_px=float(box[2])).astype(np.float32) / 255.0
        no_t = _crop(transmitted, box)
        no_uv = _crop(uv, box)
        _darken(transmitted, box, band, 70.0)
        _tint(uv, box, band * 0.8, np.asarray([120, 200, 255], np.float32))
        keep("security_thread", "absent", Patch("transmitted", box, no_t), Patch("uv", box, no_uv))
    # Counterfeit states of the printed design, cut from the finished white-light base so
    # everything printed in the box goes through the same counterfeit process.
    if "rainbow" in feats:
        box = _box(feats["rainbow"], dpi, size)
        dotted = np.clip(_crop(under, box).astype(np.int16) + rainbow_dots * 0.15, 0, 255)
        keep("rainbow", "halftone", Patch("under", box, dotted.astype(np.uint8)))
    if "guilloche" in feats:
        box = _box(feats["guilloche"], dpi, size)
        # The copier's dot screen is made at 600 dpi and seen at the output resolution.
        k = max(1, round(600 / dpi))
        fine = cv2.resize(_crop(under, box), (box[2] * k, box[3] * k),
                          interpolation=cv2.INTER_LINEAR)
        counterfeit = cv2.resize(patterns.scan_print(fine, rng=seed), (box[2], box[3]),
                                 interpolation=cv2.INTER_AREA)
        # Toner scatter and paper grain of the reprint (the copy is not smoother than print).
        scatter = np.random.default_rng(seed + 11).normal(0.0, 2.0, counterfeit.shape)
        counterfeit = np.clip(counterfeit + scatter, 0, 255).astype(np.uint8)
        keep("guilloche", "scan_print", Patch("under", box, counterfeit))
    if "microprint" in feats:
        box = _box(feats["microprint"], dpi, size)
        # A copy does not resolve detail finer than about a letter height: the letters merge
        # into blobs at any viewing resolution, a magnified view included.
        height_mm = float(feats["microprint"].params.get("height_mm",
                                                         patterns.MICROPRINT_HEIGHT_MM))
        blurred = patterns.blur_microprint(
            _crop(under, box), factor=min(16.0, max(3.0, height_mm * dpi / 25.4)))
        keep("microprint", "blurred", Patch("under", box, blurred))
    if "uv_emblem" in feats:
        box = _box(feats["uv_emblem"], dpi, size)
        tmp = _crop(under, box)
        _tint(tmp, (0, 0, box[2], box[3]), _alpha(patterns.emblem(box[2:4], design=seed)) * 0.35,
              np.asarray(pal["uv_emblem"], np.float32) * 0.8)
        keep("uv_emblem", "visible_in_white", Patch("under", box, tmp))
    if "watermark" in feats:
        box = _box(feats["watermark"], dpi, size)
        tmp = _crop(under, box)
        wm = _watermark_tone(box[2:4], seed)
        wm_alpha = (np.abs(wm) > 0.25).astype(np.float32) * 0.55  # printed grey, plain to see
        _tint(tmp, (0, 0, box[2], box[3]), wm_alpha, (paper * 0.72).astype(np.float32))
        keep("watermark", "on_surface", *alternates[("watermark", "on_surface")],
             Patch("under", box, tmp))
    # UV-bright paper: a whole-page alternate of the UV base (optical brightener).
    bright = uv.astype(np.float32)
    bright = np.clip(bright * 0.35 + np.asarray([150, 160, 235], np.float32) * 0.65, 0, 255)
    keep("uv_substrate", "bright", Patch("uv", (0, 0, w, h), bright.astype(np.uint8)))

    hologram: tuple[Overlay, ...] = ()
    if "hologram" in feats:
        f = feats["hologram"]
        box = _box(f, dpi, size)
        frames = int(f.params.get("frames", 3))
        hologram = tuple(
            Overlay(box, _alpha(layer) * 0.8, np.ascontiguousarray(layer[..., :3]))
            for layer in patterns.hologram_frames(box[2:4], frames + 1, design=seed)
        )
    ovi: tuple[Overlay, Overlay] | None = None
    if "ovi" in feats:
        box = _box(feats["ovi"], dpi, size)
        shape = _alpha(patterns.emblem(box[2:4], design=seed + 7)) * 0.9
        pair = str(pal.get("ovi_pair", "gold_green"))
        a, b = (np.asarray(patterns.ovi_colours(k, pair=pair), np.uint8) for k in (0, 1))
        ovi = (
            Overlay(box, shape, np.broadcast_to(a, (*shape.shape, 3)).copy()),
            Overlay(box, shape, np.broadcast_to(b, (*shape.shape, 3)).copy()),
        )
    latent: Overlay | None = None
    if "latent_image" in feats:
        f = feats["latent_image"]
        box = _box(f, dpi, size)
        m = text_mask(
            str(f.params.get("text", model.issuer)),
            box[2:4],
            font="sans_bold",
            size_px=round(box[3] * 0.9),
        ).astype(np.float32)
        colour = np.broadcast_to(np.asarray([90, 90, 110], np.uint8), (*m.shape, 3)).copy()
        latent = Overlay(box, m / 255.0 * 0.55, colour)

    specimen = _specimen(size, dpi).ravel()
    spec_idx = np.flatnonzero(specimen)
    specimen_idx = (spec_idx, specimen[spec_idx].astype(np.float32) / 255.0)
    _read_only(under, uv, ir, transmitted, *specimen_idx)
    for layer in (*hologram, *(ovi or ()), *((latent,) if latent is not None else ())):
        _read_only(layer.alpha, layer.colour)
    for patches in alternates.values():
        _read_only(*(p.pixels for p in patches))
    return SideDesign(
        size_xy=size,
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
    )


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
