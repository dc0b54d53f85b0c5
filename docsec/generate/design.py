"""Per-design layers of a document side, rendered once per (model, side, dpi) and cached.

Everything that is the same on every copy of a design (DOMAIN.md §2.3: guilloche, rainbow,
microprint, emblem, watermark, thread, OVD frames, OVI, latent image, printed labels, the
SPECIMEN mark) is composed here at the output dpi and cached with :func:`functools.cache`;
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

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

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


@functools.cache
def side_design(model_id: str, side: str, dpi: int) -> SideDesign:
    """The cached layers of ``side`` of model ``model_id`` at ``dpi``."""
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
        grad = _rainbow(box[2:4], r0, r1)
        _tint(under, box, np.full(box[3:1:-1], 0.85, np.float32), grad.astype(np.float32))
    if "guilloche" in feats:
        box = _box(feats["guilloche"], dpi, size)
        for i, colour in enumerate(pal["guilloche"]):
            lines = _guilloche(box[2:4], seed=seed + i, line_px=max(1.0, dpi / 300))
            _tint(under, box, lines * 0.8, np.asarray(colour, np.float32))
    if "microprint" in feats:
        f = feats["microprint"]
        box = _box(f, dpi, size)
        mp = _microprint(str(f.params.get("text", model.issuer_name)), box[2:4])
        _tint(under, box, mp, np.asarray(pal["guilloche"][0], np.float32) * 0.5)
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
        emblem = _emblem(box[2:4], seed=seed)
        no_emblem = _crop(uv, box)
        _tint(uv, box, emblem * 0.9, np.asarray(pal["uv_emblem"], np.float32))
        keep("uv_emblem", "absent", Patch("uv", box, no_emblem))
    if "watermark" in feats:
        box = _box(feats["watermark"], dpi, size)
        wm = _watermark(box[2:4], seed=seed)  # -1..1: darker / lighter than paper
        no_wm = _crop(transmitted, box)
        region = transmitted[box[1] : box[1] + box[3], box[0] : box[0] + box[2]].astype(np.float32)
        _paste(transmitted, box, np.clip(region + wm * 45, 0, 255).astype(np.uint8))
        keep("watermark", "on_surface", Patch("transmitted", box, no_wm))
    if "security_thread" in feats:
        f = feats["security_thread"]
        box = _box(f, dpi, size)
        band = _security_thread(box[2:4], str(f.params.get("text", model.issuer)))
        no_t = _crop(transmitted, box)
        no_uv = _crop(uv, box)
        _darken(transmitted, box, band, 70.0)
        _tint(uv, box, band * 0.8, np.asarray([120, 200, 255], np.float32))
        keep("security_thread", "absent", Patch("transmitted", box, no_t), Patch("uv", box, no_uv))
    # Counterfeit states of the printed design, cut from the finished white-light base so
    # everything printed in the box goes through the same counterfeit process.
    if "rainbow" in feats:
        box = _box(feats["rainbow"], dpi, size)
        screened = _halftone(_crop(under, box), cell_px=max(3, dpi // 60), rng=rng)
        keep("rainbow", "halftone", Patch("under", box, screened))
    if "guilloche" in feats:
        box = _box(feats["guilloche"], dpi, size)
        counterfeit = _scan_print(_crop(under, box), rng=np.random.default_rng(seed))
        keep("guilloche", "scan_print", Patch("under", box, counterfeit))
    if "microprint" in feats:
        box = _box(feats["microprint"], dpi, size)
        blurred = np.asarray(
            Image.fromarray(_crop(under, box)).filter(
                ImageFilter.GaussianBlur(max(1.0, dpi / 220))
            )
        )
        keep("microprint", "blurred", Patch("under", box, blurred))
    if "uv_emblem" in feats:
        box = _box(feats["uv_emblem"], dpi, size)
        tmp = _crop(under, box)
        _tint(tmp, (0, 0, box[2], box[3]), _emblem(box[2:4], seed=seed) * 0.35,
              np.asarray(pal["uv_emblem"], np.float32) * 0.8)
        keep("uv_emblem", "visible_in_white", Patch("under", box, tmp))
    if "watermark" in feats:
        box = _box(feats["watermark"], dpi, size)
        tmp = _crop(under, box)
        wm = _watermark(box[2:4], seed=seed)
        wm_alpha = (np.abs(wm) * 0.35).astype(np.float32)
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
            Overlay(box, *_hologram_frame(box[2:4], k, frames, seed=seed))
            for k in range(frames + 1)
        )
    ovi: tuple[Overlay, Overlay] | None = None
    if "ovi" in feats:
        box = _box(feats["ovi"], dpi, size)
        shape = _emblem(box[2:4], seed=seed + 7) * 0.9
        a, b = (np.asarray(c, np.uint8) for c in pal["ovi"])
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


# --- design art -------------------------------------------------------------------------------
# Small vectorised renderings of the printed security features (DOMAIN.md §2.3 rows 3, 5-7,
# 9, 10, 14); each returns a coverage/alpha array of the box size (float32 0..1).


def _rainbow(size_xy: tuple[int, int], c0: NDArray[np.float32],
             c1: NDArray[np.float32]) -> NDArray[np.float32]:
    """Split-duct (iris) printing: a smooth horizontal blend from ``c0`` to ``c1`` via a hue."""
    w, h = size_xy
    t = np.linspace(0.0, 1.0, w, dtype=np.float32)
    mid = (c0 + c1) / 2 + np.asarray([10, -8, 12], np.float32)
    row = np.where(
        t[:, None] < 0.5,
        c0[None, :] + (mid - c0)[None, :] * (t[:, None] * 2),
        mid[None, :] + (c1 - mid)[None, :] * (t[:, None] * 2 - 1),
    )
    return np.broadcast_to(row[None, :, :], (h, w, 3)).astype(np.float32)


def _halftone(img: RGB, *, cell_px: int, rng: np.random.Generator) -> RGB:
    """CMYK-like dot screen imitation of a continuous tone (counterfeit rainbow printing)."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    cy = (yy % cell_px) - cell_px / 2 + 0.5
    cx = (xx % cell_px) - cell_px / 2 + 0.5
    dist = np.sqrt(cx * cx + cy * cy) / (cell_px / 2)
    ink = 1.0 - img.astype(np.float32) / 255.0  # ink coverage per channel
    dots = (dist[..., None] < np.sqrt(ink) * 1.25 * 1.6).astype(np.float32)
    out = 255.0 * (1.0 - dots * np.clip(ink * 3.0, 0.0, 1.0))
    out += rng.normal(0, 2.0, size=out.shape)
    # Stepped hue: quantise the tone in coarse steps as a 4-colour print would.
    screened: RGB = np.clip(np.round(out / 24.0) * 24.0, 0, 255).astype(np.uint8)
    return screened


def _guilloche(size_xy: tuple[int, int], *, seed: int, line_px: float) -> NDArray[np.float32]:
    """Interlaced hypotrochoid/rosette lines (anti-aliased via supersampled PIL drawing)."""
    w, h = size_xy
    rng = np.random.default_rng(seed)
    ss = 2
    img = Image.new("L", (w * ss, h * ss), 0)
    draw = ImageDraw.Draw(img)
    t = np.linspace(0, 2 * np.pi * 7, 5000)
    big_r, r = 1.0, 0.28 + 0.12 * rng.random()
    d = 0.5 + 0.3 * rng.random()
    for k in range(6):
        phase = k * np.pi / 18
        x = (big_r - r) * np.cos(t + phase) + d * np.cos((big_r - r) / r * t + phase)
        y = (big_r - r) * np.sin(t + phase) - d * np.sin((big_r - r) / r * t + phase)
        sx = (x / (big_r - r + d) * 0.5 + 0.5) * w * ss
        sy = (y / (big_r - r + d) * 0.5 + 0.5) * h * ss
        draw.line(list(zip(sx.tolist(), sy.tolist(), strict=True)), fill=255,
                  width=max(1, round(line_px * ss * 0.6)))
    small = img.resize((w, h), Image.Resampling.BOX)
    return np.asarray(small, np.float32) / 255.0 * 0.7


def _scan_print(img: RGB, *, rng: np.random.Generator) -> RGB:
    """Scan-and-print counterfeit of a fine-line area: blur, dot screen, colour shift."""
    blurred = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(1.6)))
    shifted = np.clip(blurred.astype(np.float32) * np.asarray([0.97, 1.0, 0.93], np.float32)
                      + np.asarray([4, 2, -6], np.float32), 0, 255).astype(np.uint8)
    return _halftone(shifted, cell_px=4, rng=rng)


def _microprint(text: str, size_xy: tuple[int, int]) -> NDArray[np.float32]:
    """A line of repeated ~1 pt text filling the box (readable only under magnification)."""
    w, h = size_xy
    line = (text.replace(" ", "") + " ") * (w // max(1, h) + 4)
    m = text_mask(line, (w, h), font="condensed", size_px=max(4, h))
    return m.astype(np.float32) / 255.0


def _emblem(size_xy: tuple[int, int], *, seed: int) -> NDArray[np.float32]:
    """A fictional emblem: rings and a star of rays (no real state's arms)."""
    w, h = size_xy
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy, rad = w / 2, h / 2, min(w, h) / 2
    rr = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / rad
    th = np.arctan2(yy - cy, xx - cx)
    rays = int(rng.integers(7, 13))
    star = (np.cos(th * rays) * 0.5 + 0.5) > (rr * 1.2)
    ring = (np.abs(rr - 0.88) < 0.05) | (np.abs(rr - 0.74) < 0.025)
    out: NDArray[np.float32] = ((star | ring) & (rr < 1.0)).astype(np.float32)
    return out


def _watermark(size_xy: tuple[int, int], *, seed: int) -> NDArray[np.float32]:
    """Multitone watermark: a soft emblem lighter than the paper with a darker ring (-1..1)."""
    e = _emblem(size_xy, seed=seed + 3)
    soft = np.asarray(Image.fromarray((e * 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(max(1.0, min(size_xy) / 40))), np.float32) / 255.0
    h, w = soft.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rr = np.sqrt(((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2)
    dark = np.clip(1.0 - np.abs(rr - 0.95) * 8, 0.0, 1.0)
    wm: NDArray[np.float32] = np.clip(soft - dark * 0.6, -1.0, 1.0).astype(np.float32)
    return wm


def _security_thread(size_xy: tuple[int, int], text: str) -> NDArray[np.float32]:
    """Embedded thread: a band with negative microtext (text lighter than the band)."""
    w, h = size_xy
    band = np.ones((h, w), np.float32) * 0.75
    if w >= 6:
        m = text_mask((text + " ") * (h // max(1, w) + 2), (h, w), font="condensed",
                      size_px=max(4, w - 2))
        band -= np.rot90(m.astype(np.float32) / 255.0)[:h, :w] * 0.35
    return band


def _hologram_frame(size_xy: tuple[int, int], k: int, frames: int, *,
                    seed: int) -> tuple[NDArray[np.float32], RGB]:
    """Frame ``k`` of an OVD: diffractive rainbow bands whose hue and kinematic shape move."""
    w, h = size_xy
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    phase = k / max(1, frames) * 2 * np.pi
    diag = (xx / max(1, w) + yy / max(1, h)) * 6 * np.pi + phase
    rgb = np.stack(
        [np.sin(diag + shift) * 0.5 + 0.5 for shift in (0.0, 2.09, 4.19)],
        axis=-1,
    )
    colour = (140 + rgb * 110).astype(np.uint8)
    # Kinematic element: the emblem slides across the patch with the tilt.
    e = _emblem((max(2, w // 2), max(2, h // 2)), seed=seed + 11)
    shape = np.zeros((h, w), np.float32)
    ox = int((w - e.shape[1]) * (k / max(1, frames)))
    oy = (h - e.shape[0]) // 2
    shape[oy : oy + e.shape[0], ox : ox + e.shape[1]] = e
    alpha = (0.28 + 0.35 * shape).astype(np.float32)
    return alpha, colour
