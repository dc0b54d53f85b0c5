"""Security-printing primitives of the fictitious designs (DOMAIN.md §2.3), as pure functions.

Every function here is a vectorised numpy/OpenCV rendering that costs a few milliseconds at
300 dpi. Design-level patterns (guilloche, rosette, emblem, watermark, hologram) are seeded by
a *design* seed, the same for every copy of a document model, and are meant to be cached by
the caller; per-document randomness (UV fibres) takes the document's rng.

Layer conventions (images are ``uint8``; sizes are ``size_xy = (width, height)``):

* *ink layers* are RGBA ``(rows, cols, 4)``: the ink colour and its anti-aliased coverage as
  alpha; lay them on a view with :func:`alpha_over` (or use the alpha as a mask and the RGB as
  the ink of another light);
* *masks* are gray ``(rows, cols)`` ``uint8`` (0 = nothing, 255 = full), except
  :func:`perforation` (a boolean hole mask) and :func:`watermark` (multitone around 128);
* *counterfeit imitations* (:func:`halftone`, :func:`scan_print`, :func:`blur_microprint`)
  take an RGB image and return a new RGB image of the same size.

Features and their genuine rendering (DOMAIN.md §2.3 rows): guilloche and rosettes (5,
hypotrochoid families, fine anti-aliased lines), microprint (6, 0.2-0.3 mm repeated text), rainbow
/ split-duct printing (7, smooth hue gradient) and its halftone imitation, UV fibres (2, short
random Bézier curves), a fictional emblem (3, geometric: never a real state's arms), watermark
(9, multitone, transmitted light), security thread (10, dark band with negative microtext),
OVD/hologram frames (14, diffractive rainbow plus a kinematic element that moves between
tilt frames), OVI colours (13), laser perforation (17, the number as round holes), and the
scan-and-print counterfeit chain (DOMAIN.md §3: blur, halftone, colour shift).

>>> g = guilloche((300, 200), rng=1, colour=(40, 90, 160), line_px=1.0)
>>> g.shape, g.dtype, bool(g[..., 3].max() > 200)
((200, 300, 4), dtype('uint8'), True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image, ImageDraw

from docsec.errors import ImageError, ValidationError
from docsec.generate.text import font

__all__ = [
    "MICROPRINT_HEIGHT_MM",
    "OVI_PAIRS",
    "Fibre",
    "alpha_over",
    "blur_microprint",
    "emblem",
    "guilloche",
    "halftone",
    "hologram_frames",
    "microprint",
    "ovi_colours",
    "perforation",
    "rainbow",
    "rosette",
    "scan_print",
    "security_thread",
    "uv_fibres",
    "watermark",
]

RGB = NDArray[np.uint8]
RGBA = NDArray[np.uint8]
Gray = NDArray[np.uint8]
Colour = tuple[int, int, int]
SeedLike = np.random.Generator | int | None

_SHIFT = 4  # cv2 drawing in 1/16 pixel for sub-pixel anti-aliased lines
_ONE = 1 << _SHIFT
_MAX_SIDE = 20000

#: Letter height of genuine microprint (DOMAIN.md §2.3 row 6: 0.2-0.3 mm; legible only with
#: a loupe or a magnified view); models carry their own as the feature's ``height_mm``.
MICROPRINT_HEIGHT_MM = 0.25
#: Smallest letter height drawn: below a fifth of a pixel the row is a uniform tint.
MICROPRINT_MIN_PX = 0.2
#: Capital height at which the outlines are drawn before area-averaging down: from about
#: 16 px FreeType's hinting and whole-pixel sizes no longer change a glyph's shape.
_MICRO_CAP_PX = 16.0
#: Largest drawing scale (a 0.2 px row is then drawn 16 px tall): bounds the canvas.
_MICRO_MAX_SCALE = 80

OVI_PAIRS: dict[str, tuple[Colour, Colour]] = {
    "gold_green": ((190, 152, 44), (42, 132, 72)),
    "magenta_green": ((168, 44, 118), (44, 146, 84)),
    "green_blue": ((46, 146, 82), (44, 72, 168)),
    "copper_violet": ((176, 98, 52), (96, 56, 150)),
}


# --- helpers ----------------------------------------------------------------------------------


def _size(size_xy: Sequence[int]) -> tuple[int, int]:
    try:
        w, h = int(size_xy[0]), int(size_xy[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise ValidationError("size_xy must be (width, height)", size_xy=size_xy) from exc
    if not (1 <= w <= _MAX_SIDE and 1 <= h <= _MAX_SIDE):
        raise ValidationError("size_xy out of range", size_xy=size_xy)
    return w, h


def _colour(colour: Sequence[int]) -> Colour:
    try:
        c = tuple(int(v) for v in colour)
    except (TypeError, ValueError) as exc:
        raise ValidationError("colour must be an (r, g, b) triple", colour=colour) from exc
    if len(c) != 3 or not all(0 <= v <= 255 for v in c):
        raise ValidationError("colour must be an (r, g, b) triple of 0..255", colour=colour)
    return c[0], c[1], c[2]


def _rgb(image: ArrayLike) -> RGB:
    arr = np.asarray(image)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3 or min(arr.shape[:2]) < 1:
        raise ImageError("expected an RGB uint8 image (rows, cols, 3)", shape=arr.shape)
    return arr


def _layer(colour: Colour, coverage: Gray) -> RGBA:
    """RGBA ink layer from a colour and an 8-bit coverage mask."""
    h, w = coverage.shape
    out = np.empty((h, w, 4), np.uint8)
    packed = np.array([colour[0], colour[1], colour[2], 0], np.uint8).view(np.uint32)[0]
    out.view(np.uint32)[..., 0] = packed  # one 32-bit store per pixel: ~10x faster
    out[..., 3] = coverage
    return out


def _polylines(mask: Gray, curves: Sequence[NDArray[np.float64]], line_px: float,
               closed: bool = False) -> None:  # fmt: skip
    """Draw float ``[x, y]`` polylines anti-aliased into ``mask`` (in place)."""
    pts = [np.round(c * _ONE).astype(np.int32) for c in curves if len(c) >= 2]
    if pts:
        thickness = max(1, round(line_px))
        cv2.polylines(mask, pts, closed, 255, thickness, cv2.LINE_AA, _SHIFT)


def _hypotrochoid(petals: int, loops: int, d_ratio: float, phase: float = 0.0,
                  samples_per_petal: int = 48) -> NDArray[np.float64]:  # fmt: skip
    """Unit hypotrochoid with ``petals`` lobes closing after ``loops`` turns (gcd = 1).

    Fixed circle radius R = petals, rolling radius r = loops, pen distance d = d_ratio * r:
    x = (R - r) cos t + d cos((R - r) t / r), y = (R - r) sin t - d sin((R - r) t / r),
    t in [0, 2 pi loops]; scaled so the largest radius is 1.
    """
    big_r, r = float(petals), float(loops)
    d = d_ratio * r
    n = samples_per_petal * petals * max(1, loops // 2 + 1)
    t = np.linspace(0.0, 2 * math.pi * loops, n)
    k = (big_r - r) / r
    x = (big_r - r) * np.cos(t + phase) + d * np.cos(k * t - phase)
    y = (big_r - r) * np.sin(t + phase) - d * np.sin(k * t - phase)
    return np.column_stack([x, y]) / (abs(big_r - r) + d)


def _coprime_pair(gen: np.random.Generator, petals: tuple[int, int],
                  loops: tuple[int, int]) -> tuple[int, int]:  # fmt: skip
    while True:
        p = int(gen.integers(petals[0], petals[1] + 1))
        q = int(gen.integers(loops[0], loops[1] + 1))
        if math.gcd(p, q) == 1 and p != q:
            return p, q


def alpha_over(base: ArrayLike, layer: ArrayLike, *, xy: tuple[int, int] = (0, 0)) -> RGB:
    """Composite an RGBA ``layer`` over an RGB ``base`` with its top-left at ``xy`` (clipped).

    Returns a new image; the inputs are not modified.
    """
    out = _rgb(base).copy()
    lay = np.asarray(layer)
    if lay.dtype != np.uint8 or lay.ndim != 3 or lay.shape[2] != 4:
        raise ImageError("layer must be an RGBA uint8 image (rows, cols, 4)", shape=lay.shape)
    x0, y0 = int(xy[0]), int(xy[1])
    h, w = out.shape[:2]
    lx0, ly0 = max(0, -x0), max(0, -y0)
    x1, y1 = min(w, x0 + lay.shape[1]), min(h, y0 + lay.shape[0])
    if x1 <= max(0, x0) or y1 <= max(0, y0):
        return out
    region = out[max(0, y0) : y1, max(0, x0) : x1]
    src = lay[ly0 : ly0 + region.shape[0], lx0 : lx0 + region.shape[1]]
    a = src[..., 3:4].astype(np.float32) / 255.0
    mixed = region.astype(np.float32) * (1.0 - a) + src[..., :3].astype(np.float32) * a
    region[...] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    return out


# --- fine-line printing -----------------------------------------------------------------------


def guilloche(
    size_xy: tuple[int, int],
    *,
    rng: SeedLike,
    colour: Sequence[int] = (60, 100, 150),
    line_px: float = 1.0,
    spacing_px: float | None = None,
    style: Literal["net", "rosettes"] = "net",
) -> RGBA:
    """Guilloche background (DOMAIN.md §2.3 row 5) as an RGBA ink layer.

    ``style="net"``: two interlaced families of compound sine waves (each line
    ``y_i + A1 sin(2 pi x / l1 + i d1) + A2 sin(2 pi x / l2 + i d2)``, the second family
    drifting the other way), the classic fine-line lattice of a data page.
    ``style="rosettes"``: a lattice of hypotrochoid rosettes.
    ``spacing_px`` (line pitch) defaults to ``14 * line_px``. Seed with the design seed.
    """
    w, h = _size(size_xy)
    ink = _colour(colour)
    gen = np.random.default_rng(rng)
    spacing = float(spacing_px) if spacing_px is not None else max(4.0, 14.0 * line_px)
    if not spacing > 0 or not line_px > 0:
        raise ValidationError("line_px and spacing_px must be positive")
    mask = np.zeros((h, w), np.uint8)
    if style == "net":
        step = max(1.0, min(3.0, w / 400))
        x = np.arange(-2.0, w + step + 2.0, step)
        a1 = spacing * gen.uniform(1.2, 2.6)
        l1 = w * gen.uniform(0.18, 0.4)
        a2 = spacing * gen.uniform(0.3, 0.8)
        l2 = l1 / gen.uniform(2.5, 4.5)
        d1, d2 = gen.uniform(0.08, 0.3), gen.uniform(0.1, 0.5)
        p1, p2 = gen.uniform(0.0, 2 * math.pi, size=2)
        extra = int(math.ceil((a1 + a2) / spacing)) + 1
        idx = np.arange(-extra, int(math.ceil(h / spacing)) + extra + 1, dtype=np.float64)
        curves: list[NDArray[np.float64]] = []
        for sign, offset in ((1.0, 0.0), (-1.0, 0.5)):
            y = (
                (idx[:, None] + offset) * spacing
                + a1 * np.sin(2 * math.pi * x[None, :] / l1 + p1 + sign * d1 * idx[:, None])
                + a2 * np.sin(2 * math.pi * x[None, :] / l2 + p2 + sign * d2 * idx[:, None])
            )
            curves.extend(np.stack([np.broadcast_to(x, y.shape), y], axis=-1))
        _polylines(mask, curves, line_px)
    elif style == "rosettes":
        petals, loops = _coprime_pair(gen, (9, 23), (3, 8))
        d_ratio = gen.uniform(0.6, 1.4)
        cell = min(w, h) / gen.uniform(1.2, 2.5)
        unit = _hypotrochoid(petals, loops, d_ratio)
        curves = []
        for cy in np.arange(0.0, h + cell, cell * 0.866):
            shift = (round(cy / (cell * 0.866)) % 2) * cell / 2
            for cx in np.arange(-shift, w + cell, cell):
                curves.append(unit * (cell * 0.58) + [cx, cy])
        _polylines(mask, curves, line_px, closed=True)
    else:
        raise ValidationError("style must be 'net' or 'rosettes'", style=style)
    return _layer(ink, mask)


def rosette(
    size_xy: tuple[int, int],
    *,
    rng: SeedLike,
    colour: Sequence[int] = (150, 60, 90),
    line_px: float = 1.0,
    copies: int = 4,
) -> RGBA:
    """A guilloche rosette (medallion) filling the box: ``copies`` nested hypotrochoids.

    One hypotrochoid family (petals and loops coprime) drawn ``copies`` times with a
    shrinking pen distance and a half-petal twist each, framed by an epitrochoid border
    ring, centred in the box. Seed with the design seed.
    """
    w, h = _size(size_xy)
    ink = _colour(colour)
    if not 1 <= copies <= 32:
        raise ValidationError("copies must be in 1..32", copies=copies)
    gen = np.random.default_rng(rng)
    petals, loops = _coprime_pair(gen, (11, 31), (3, 9))
    d_ratio = gen.uniform(0.8, 1.5)
    radius = 0.5 * min(w, h) - max(1.0, line_px)
    centre = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    curves = []
    for k in range(copies):
        unit = _hypotrochoid(petals, loops, d_ratio * (1.0 - 0.14 * k), phase=k * math.pi / petals)
        curves.append(unit * radius * (0.8 - 0.06 * k) + centre)
    # border ring: an epitrochoid-like wave around the medallion
    ring_waves = int(gen.integers(24, 60))
    t = np.linspace(0.0, 2 * math.pi, ring_waves * 24)
    for j, amp in enumerate((0.05, -0.05)):
        r = radius * (0.92 + amp * np.sin(ring_waves * t + j * math.pi / 2))
        curves.append(np.column_stack([r * np.cos(t), r * np.sin(t)]) + centre)
    mask = np.zeros((h, w), np.uint8)
    _polylines(mask, curves, line_px, closed=True)
    return _layer(ink, mask)


def microprint(
    text: str,
    size_xy: tuple[int, int],
    *,
    height_px: float,
    colour: Sequence[int] = (40, 40, 60),
    line_gap: float = 0.5,
) -> RGBA:
    """Microprint (DOMAIN.md §2.3 row 6): rows of ``text`` repeated, capitals ``height_px`` high.

    Real microprint is 0.2-0.3 mm tall (:data:`MICROPRINT_HEIGHT_MM`): about 3 px at 300 dpi,
    where it prints as a fine line texture, and 10-30 px in a 1200-2400 dpi magnified view,
    where it reads. The letters are vector outlines rasterised at the output resolution:
    drawn :func:`_supersample` times larger (capitals at least :data:`_MICRO_CAP_PX` tall,
    so hinting and whole-pixel font sizes do not distort them) and area-averaged down, which
    is the anti-aliased coverage of the outline in each output pixel. Rows are
    ``height_px * (1 + line_gap)`` apart, centred in the box, and each row starts further
    along the text, so no column of letters lines up.
    """
    w, h = _size(size_xy)
    ink = _colour(colour)
    text = " ".join(text.split())
    if not text:
        raise ValidationError("microprint text is empty")
    if not MICROPRINT_MIN_PX <= height_px <= 400.0:
        raise ValidationError(f"height_px must be in {MICROPRINT_MIN_PX}..400",
                              height_px=height_px)  # fmt: skip
    if not 0.0 <= line_gap <= 10.0:
        raise ValidationError("line_gap must be in 0..10", line_gap=line_gap)
    s = _supersample(height_px)
    f = font("condensed", max(4, round(height_px * s / 0.73)))  # DejaVu cap height ~0.73 em
    _, cap_top, _, cap_bottom = f.getbbox("H")
    cap = max(1, cap_bottom - cap_top)
    unit = text + "  "
    unit_w = max(1.0, f.getlength(unit))
    big_w, big_h = w * s, h * s
    row_h = cap * 1.35  # the capitals and a little room, as the row a glyph may take
    pitch = max(row_h, height_px * s * (1.0 + line_gap))
    rows = max(1, math.floor((big_h - row_h) / pitch) + 1) if big_h >= row_h else 1
    y_first = (big_h - ((rows - 1) * pitch + row_h)) / 2.0 + (row_h - cap) / 2.0
    reps = math.ceil(big_w / unit_w) + 2
    canvas = Image.new("L", (big_w, big_h), 0)
    draw = ImageDraw.Draw(canvas)
    for i in range(rows):
        off = (i * unit_w * 3 / 7) % unit_w
        draw.text((-off, y_first + i * pitch - cap_top), unit * reps, fill=255, font=f)
    big = np.asarray(canvas, np.uint8)
    mask = big if s == 1 else cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA)
    return _layer(ink, np.ascontiguousarray(mask, dtype=np.uint8))


def _supersample(height_px: float) -> int:
    """Drawing scale for letters ``height_px`` tall: capitals at least :data:`_MICRO_CAP_PX`."""
    return max(1, min(_MICRO_MAX_SCALE, math.ceil(_MICRO_CAP_PX / height_px)))


def rainbow(
    size_xy: tuple[int, int], colours: Sequence[Sequence[int]], *, angle_deg: float = 0.0
) -> RGB:
    """Rainbow (split-duct, iris) printing (DOMAIN.md §2.3 row 7): a smooth blend of ``colours``.

    The inks run into each other along the direction ``angle_deg`` (0 = left to right):
    a continuous, monotonic hue change with no dots or steps (compare :func:`halftone`).
    Returns the RGB ink field; use it as the colour of a guilloche's alpha.
    """
    w, h = _size(size_xy)
    cols = np.array([_colour(c) for c in colours], np.float32)
    if len(cols) < 2:
        raise ValidationError("rainbow needs at least two colours")
    lut_t = np.linspace(0.0, 1.0, 256, dtype=np.float32)
    pos = np.linspace(0.0, 1.0, len(cols), dtype=np.float32)
    seg = np.clip(np.searchsorted(pos, lut_t, side="right") - 1, 0, len(cols) - 2)
    f = (lut_t - pos[seg]) / (pos[seg + 1] - pos[seg])
    f = f * f * (3 - 2 * f)  # smoothstep: inks mix gradually in the duct
    lut = (cols[seg] * (1 - f[:, None]) + cols[seg + 1] * f[:, None] + 0.5).astype(np.uint8)
    a = math.radians(angle_deg)
    xs = np.arange(w, dtype=np.float32) * np.float32(math.cos(a))
    ys = np.arange(h, dtype=np.float32) * np.float32(math.sin(a))
    lo = float(min(xs.min(), xs.max()) + min(ys.min(), ys.max()))
    hi = float(max(xs.min(), xs.max()) + max(ys.min(), ys.max()))
    scale = np.float32(255.0 / max(hi - lo, 1e-6))
    xs, ys = (xs - np.float32(lo)) * scale + np.float32(0.5), ys * scale
    if abs(ys[-1]) < 1e-6:  # horizontal: one row, repeated
        idx = np.broadcast_to(xs.astype(np.uint8)[None, :], (h, w))
    else:
        idx = (ys[:, None] + xs[None, :]).astype(np.uint8)
    idx3 = cv2.merge([np.ascontiguousarray(idx)] * 3)
    return np.asarray(cv2.LUT(idx3, lut.reshape(256, 1, 3)), np.uint8)


# --- counterfeit imitations -------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _screen_tile(a: int, b: int) -> NDArray[np.uint8]:
    """One period of a rational-tangent round-dot screen with cell vector ``(a, b)`` pixels.

    The dot lattice is spanned by ``(a, b)`` and ``(-b, a)`` (cell ``sqrt(a^2 + b^2)`` px at
    ``atan2(b, a)``); it contains ``(a^2 + b^2, 0)`` and ``(0, a^2 + b^2)``, so the threshold
    map is periodic with that period in x and y, as in a printer's RT screening. The value
    is 255 * pi * (squared distance to the nearest dot centre, in cells), clipped: a tone
    ``t`` (0-255) inks round dots covering ``t / 255`` of each cell (up to pi/4, where
    neighbouring dots touch).
    """
    n = a * a + b * b
    xs = np.arange(n, dtype=np.float64)
    u = (xs[None, :] * a + xs[:, None] * b) / n
    v = (xs[:, None] * a - xs[None, :] * b) / n
    fu, fv = u - np.floor(u) - 0.5, v - np.floor(v) - 0.5
    return np.asarray(np.clip(np.rint(255 * math.pi * (fu * fu + fv * fv)), 0, 255), np.uint8)


def _screen(h: int, w: int, cell_px: float, angle_deg: float) -> NDArray[np.uint8]:
    """Threshold map of the screen nearest to ``cell_px`` at ``angle_deg``, tiled to (h, w)."""
    t = math.radians(angle_deg)
    a, b = round(cell_px * math.cos(t)), round(cell_px * math.sin(t))
    if a == 0 and b == 0:
        a = 1
    tile = _screen_tile(a, b)
    n = tile.shape[0]
    return np.ascontiguousarray(np.tile(tile, (h // n + 1, w // n + 1))[:h, :w])


def halftone(image: ArrayLike, *, cell_px: float = 4.0, angle: float = 15.0) -> RGB:
    """CMYK amplitude-modulated dot screen of ``image`` (the counterfeit imitation, row 7).

    The image is separated into C, M, Y and K (grey-component replacement beyond 50 %
    grey), each thresholded pixel by pixel against its own round-dot screen (C at
    ``angle``, M at ``angle + 60``, Y at ``angle - 15``, K at ``angle + 30`` degrees:
    15/75/0/45 by default, each rounded to the nearest rational-tangent screen), giving
    the periodic dots, stepped hue and broken fine lines that betray a colour copy.
    """
    img = _rgb(image)
    if not 1.5 <= cell_px <= 64:
        raise ValidationError("cell_px must be in 1.5..64", cell_px=cell_px)
    h, w = img.shape[:2]
    inv = cv2.split(cv2.bitwise_not(np.ascontiguousarray(img)))
    grey = cv2.min(cv2.min(inv[0], inv[1]), inv[2])
    over = cv2.subtract(grey, np.full_like(grey, 128))
    k = cv2.add(over, over)  # K only past 50 % grey, saturating
    room = cv2.subtract(np.full_like(k, 255), k)
    offsets = (0.0, 60.0, -15.0, 30.0)
    dots = []
    for i, off in enumerate(offsets):
        sep = cv2.divide(cv2.subtract(inv[i], k), room, scale=255) if i < 3 else k
        screen = _screen(h, w, float(cell_px), float((angle + off) % 180.0))
        dots.append(cv2.compare(sep, screen, cv2.CMP_GT))
    planes = [cv2.bitwise_not(cv2.bitwise_or(d, dots[3])) for d in dots[:3]]
    return np.asarray(cv2.merge(planes), np.uint8)


def scan_print(image: ArrayLike, *, rng: SeedLike) -> RGB:
    """Scan-and-print counterfeit chain (DOMAIN.md §3): blur, colour shift, misregistration,
    halftone.

    The scanner blurs the fine lines (Gaussian sigma 0.9-1.5 px), the reprint shifts and
    desaturates colours, suppresses the paper tone to white and misregisters one
    separation by a pixel, and the printer's dot screen (cell 3-5 px, random angle)
    replaces continuous tone: fine lines break into dots and the smooth rainbow steps.
    """
    img = _rgb(image)
    gen = np.random.default_rng(rng)
    sigma = gen.uniform(0.9, 1.5)
    blurred = cv2.GaussianBlur(img, (0, 0), sigma)
    # colour shift in one pass: desaturate towards luma, per-channel gain and bias
    sat = gen.uniform(0.7, 0.9)
    gain = gen.uniform(0.92, 1.05, size=3)
    bias = gen.uniform(-8.0, 10.0, size=3)
    luma = np.array([0.299, 0.587, 0.114])
    mix = (sat * np.eye(3) + (1.0 - sat) * luma[None, :]) * gain[:, None]
    shifted = np.asarray(cv2.transform(blurred, np.column_stack([mix, bias])), np.uint8)
    # the copier's background suppression: the paper tone (97th percentile) becomes white
    white = np.percentile(shifted[::4, ::4].reshape(-1, 3), 97, axis=0)
    levels = np.diag(255.0 / np.maximum(white, 64.0))
    shifted = np.asarray(cv2.transform(shifted, np.column_stack([levels, np.zeros(3)])), np.uint8)
    ch = int(gen.integers(3))
    dx, dy = (int(v) for v in gen.integers(-1, 2, size=2))
    shifted[..., ch] = np.roll(shifted[..., ch], (dy, dx), axis=(0, 1))
    cell, angle = float(gen.uniform(3.0, 5.0)), float(gen.uniform(0.0, 90.0))
    dotted = halftone(shifted, cell_px=cell, angle=angle)
    return np.asarray(cv2.GaussianBlur(dotted, (0, 0), 0.5), np.uint8)  # ink spread of the dots


def blur_microprint(image: ArrayLike, *, factor: float = 3.0) -> RGB:
    """Counterfeit microprint (row 6): re-sampled at ``1/factor`` resolution, ink spread.

    A copier cannot resolve ~1 pt letters: they come out as grey blobs. The image is
    area-downsampled by ``factor``, upsampled back, and darkened a little (ink spread),
    so the letters are unreadable while the line's position and tone stay.
    """
    img = _rgb(image)
    if not 1.5 <= factor <= 16:
        raise ValidationError("factor must be in 1.5..16", factor=factor)
    h, w = img.shape[:2]
    small = cv2.resize(img, (max(1, round(w / factor)), max(1, round(h / factor))),
                       interpolation=cv2.INTER_AREA)  # fmt: skip
    up = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    spread = 255.0 * (up / 255.0) ** 1.25
    return np.asarray(spread + 0.5, dtype=np.uint8)


# --- substrate and UV -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fibre:
    """One security fibre: a cubic Bézier curve (``control_xy``: 4 points) and its colour."""

    control_xy: tuple[tuple[float, float], ...]
    colour: Colour
    length_px: float

    @property
    def centre_xy(self) -> tuple[float, float]:
        """Mid-point of the curve (t = 0.5)."""
        p = np.asarray(self.control_xy)
        c = 0.125 * p[0] + 0.375 * p[1] + 0.375 * p[2] + 0.125 * p[3]
        return float(c[0]), float(c[1])

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description."""
        return {
            "control_xy": [[round(x, 2), round(y, 2)] for x, y in self.control_xy],
            "colour": list(self.colour),
            "length_px": round(self.length_px, 2),
        }


_BEZIER_T = np.linspace(0.0, 1.0, 17)
_BEZIER_B = np.stack(
    [(1 - _BEZIER_T) ** 3, 3 * (1 - _BEZIER_T) ** 2 * _BEZIER_T,
     3 * (1 - _BEZIER_T) * _BEZIER_T**2, _BEZIER_T**3], axis=1,
)  # fmt: skip


def uv_fibres(
    size_xy: tuple[int, int],
    *,
    rng: SeedLike,
    count: int,
    colours: Sequence[Sequence[int]],
    length_px: tuple[float, float] = (20.0, 60.0),
    width_px: float = 1.0,
) -> tuple[RGBA, tuple[Fibre, ...]]:
    """UV security fibres (DOMAIN.md §2.3 row 2): ``count`` short random Bézier curves.

    Each fibre starts anywhere in the box, runs ``length_px`` in a random direction and
    bends through two control points offset sideways (N(0, 0.25 length)); its colour is
    drawn from ``colours``. Returns the RGBA layer (as fluorescing under UV) and the
    fibres, so checks and answer keys know where each one is. Seed per document.
    """
    w, h = _size(size_xy)
    cols = [_colour(c) for c in colours]
    if not cols:
        raise ValidationError("uv_fibres needs at least one colour")
    if not 0 <= count <= 100000:
        raise ValidationError("count must be in 0..100000", count=count)
    lo, hi = float(length_px[0]), float(length_px[1])
    if not 0 < lo <= hi:
        raise ValidationError("length_px must be (low, high) with 0 < low <= high")
    gen = np.random.default_rng(rng)
    start = gen.uniform([0.0, 0.0], [w, h], size=(count, 2))
    theta = gen.uniform(0.0, 2 * math.pi, size=count)
    length = gen.uniform(lo, hi, size=count)
    direction = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    normal = np.stack([-direction[:, 1], direction[:, 0]], axis=1)
    bend = gen.normal(0.0, 0.25, size=(count, 2)) * length[:, None]
    p0 = start
    p3 = start + direction * length[:, None]
    p1 = start + direction * (length / 3)[:, None] + normal * bend[:, :1]
    p2 = start + direction * (2 * length / 3)[:, None] + normal * bend[:, 1:]
    ctrl = np.stack([p0, p1, p2, p3], axis=1)  # (count, 4, 2)
    which = gen.integers(len(cols), size=count)
    curves = np.einsum("tk,nkd->ntd", _BEZIER_B, ctrl)  # (count, 17, 2)

    # colour planes: solid lines 4 px wider than the anti-aliased alpha, so edge pixels
    # carry the fibre's colour (no dark fringe when composited)
    layer = np.zeros((h, w, 4), np.uint8)
    thickness = max(1, round(width_px))
    all_pts = np.round(curves * _ONE).astype(np.int32)
    for ci, colour in enumerate(cols):
        pts = list(all_pts[which == ci])
        if pts:
            cv2.polylines(layer, pts, False, (*colour, 0), thickness + 4, cv2.LINE_8, _SHIFT)
    if count:
        alpha = np.zeros((h, w), np.uint8)
        cv2.polylines(alpha, list(all_pts), False, 255, thickness, cv2.LINE_AA, _SHIFT)
        layer[..., 3] = alpha
    seg_len = np.linalg.norm(np.diff(curves, axis=1), axis=2).sum(axis=1)
    fibres = tuple(
        Fibre(
            control_xy=tuple((float(x), float(y)) for x, y in ctrl[i]),
            colour=cols[int(which[i])],
            length_px=float(seg_len[i]),
        )
        for i in range(count)
    )
    return layer, fibres


def _star(points: int, inner: float, rotation: float) -> NDArray[np.float64]:
    """Unit star polygon with ``points`` tips and inner radius ``inner``."""
    k = np.arange(2 * points)
    r = np.where(k % 2 == 0, 1.0, inner)
    ang = rotation - math.pi / 2 + k * math.pi / points
    return np.column_stack([r * np.cos(ang), r * np.sin(ang)])


def _emblem_mask(w: int, h: int, design: int) -> Gray:
    gen = np.random.default_rng([design, 0xE3B1E3])
    mask = np.zeros((h, w), np.uint8)
    c = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    rad = 0.5 * min(w, h) - 1.0
    lw = max(1, round(rad * 0.035))

    def circle(r: float, thickness: int) -> None:
        cv2.circle(mask, (round(c[0] * _ONE), round(c[1] * _ONE)), max(1, round(r * _ONE)),
                   255, thickness, cv2.LINE_AA, _SHIFT)  # fmt: skip

    def poly(xy: NDArray[np.float64], value: int = 255) -> None:
        cv2.fillPoly(mask, [np.round(xy * _ONE).astype(np.int32)], value, cv2.LINE_AA, _SHIFT)

    # outer rings
    rings = int(gen.integers(1, 4))
    for i in range(rings):
        circle(rad * (0.97 - 0.07 * i), lw if i else lw + 1)
    inner_r = rad * (0.97 - 0.07 * rings)
    # a ring of beads between the rings and the star
    beads = int(gen.integers(0, 3)) * 12
    for j in range(beads):
        a = 2 * math.pi * j / max(1, beads)
        p = c + inner_r * 0.93 * np.array([math.cos(a), math.sin(a)])
        bead_r = max(1, round(rad * 0.025 * _ONE))
        cv2.circle(mask, (round(p[0] * _ONE), round(p[1] * _ONE)), bead_r, 255, -1,
                   cv2.LINE_AA, _SHIFT)  # fmt: skip
    # rays from a central star
    tips = int(gen.integers(5, 13))
    star_r = inner_r * gen.uniform(0.55, 0.8)
    rot = gen.uniform(0.0, math.pi / tips)
    rays = tips * int(gen.integers(1, 4))
    for j in range(rays):
        a = rot + 2 * math.pi * j / rays - math.pi / 2
        dirv = np.array([math.cos(a), math.sin(a)])
        seg = np.array([c + dirv * star_r * 0.9, c + dirv * inner_r * 0.85])
        cv2.polylines(mask, [np.round(seg * _ONE).astype(np.int32)], False, 255, lw,
                      cv2.LINE_AA, _SHIFT)  # fmt: skip
    poly(_star(tips, gen.uniform(0.38, 0.6), rot) * star_r + c)
    # a cut-out centre: a small polygon or circle in negative
    sides = int(gen.integers(0, 9))
    centre_r = star_r * gen.uniform(0.25, 0.4)
    if sides >= 3:
        poly(_star(sides, 1.0, rot)[::2] * centre_r + c, 0)
    else:
        cv2.circle(mask, (round(c[0] * _ONE), round(c[1] * _ONE)), max(1, round(centre_r * _ONE)),
                   0, -1, cv2.LINE_AA, _SHIFT)  # fmt: skip
    return mask


def emblem(
    size_xy: tuple[int, int], *, design: int, colour: Sequence[int] = (40, 60, 120)
) -> RGBA:
    """A fictional, purely geometric emblem (rings, beads, rays, a star with a cut-out centre).

    Never a real state's arms: only circles, rays and star polygons whose counts and
    proportions come from ``design``. Used as the UV-fluorescent emblem (row 3), the
    watermark motif and the hologram's kinematic element.
    """
    w, h = _size(size_xy)
    return _layer(_colour(colour), _emblem_mask(w, h, int(design)))


def watermark(
    size_xy: tuple[int, int], *, design: int, motif: ArrayLike | None = None
) -> Gray:
    """Multitone watermark (DOMAIN.md §2.3 row 9) for the transmitted view.

    Returns a gray image around 128: above 128 the paper is thinner and transmits more
    light, below it is thicker (darker). The motif (default: the design's emblem, or a
    gray ``motif`` image such as a portrait, resized to the box) becomes soft light
    shading with darker edges, the relief of a mould-made watermark. Brighten/darken the
    transmitted view by ``value - 128``; it must not show in reflected white light.
    """
    w, h = _size(size_xy)
    if motif is None:
        base = _emblem_mask(w, h, int(design)).astype(np.float32) / 255.0
    else:
        m = np.asarray(motif)
        if m.dtype != np.uint8 or m.ndim not in (2, 3):
            raise ImageError("watermark motif must be a uint8 image", shape=m.shape)
        if m.ndim == 3:
            m = cv2.cvtColor(np.ascontiguousarray(m[..., :3]), cv2.COLOR_RGB2GRAY)
        m = cv2.resize(m, (w, h), interpolation=cv2.INTER_AREA)
        base = 1.0 - m.astype(np.float32) / 255.0  # dark motif parts become thin (bright)
    s = max(0.8, min(w, h) / 70.0)
    soft = cv2.GaussianBlur(base, (0, 0), s)
    small = cv2.resize(base, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    wide = cv2.resize(cv2.GaussianBlur(small, (0, 0), s), (w, h), interpolation=cv2.INTER_LINEAR)
    relief = 0.9 * soft - 0.6 * np.abs(soft - wide)
    peak = max(float(np.abs(relief).max()), 1e-6)
    return np.asarray(np.clip(128.0 + 100.0 * relief / peak + 0.5, 0, 255), np.uint8)


def security_thread(
    size_xy: tuple[int, int],
    *,
    text: str,
    width_px: float,
    x_px: float | None = None,
    density: int = 200,
) -> Gray:
    """Embedded security thread (DOMAIN.md §2.3 row 10) as a density mask for transmitted light.

    A vertical band ``width_px`` wide centred at ``x_px`` (default the box centre) with
    ``density`` (0-255), carrying ``text`` as negative microtext running down the band
    (letters at a quarter of the density). Darken the transmitted view by it and use it
    as the fluorescing mask under UV; a forged thread is drawn on the surface instead.
    """
    w, h = _size(size_xy)
    if not 1.0 <= width_px <= w:
        raise ValidationError("width_px must be in 1..width", width_px=width_px)
    if not 0 <= density <= 255:
        raise ValidationError("density must be in 0..255", density=density)
    cx = (w - 1) / 2.0 if x_px is None else float(x_px)
    x0 = max(0, round(cx - width_px / 2))
    x1 = min(w, max(x0 + 1, round(cx + width_px / 2)))
    mask = np.zeros((h, w), np.uint8)
    mask[:, x0:x1] = density
    band_w = x1 - x0
    if text.strip() and band_w >= 5:
        # microtext across the band's width, drawn horizontally then turned to run down it
        letters = microprint(text, (h, band_w), height_px=max(2.0, band_w * 0.6), line_gap=2.0)
        glyph = np.rot90(letters[..., 3], k=-1)[:, :band_w]
        cut = (glyph.astype(np.float32) / 255.0) * (density * 0.75)
        mask[:, x0:x1] = np.clip(density - cut + 0.5, 0, 255).astype(np.uint8)
    return mask


# --- optically variable -----------------------------------------------------------------------


def hologram_frames(size_xy: tuple[int, int], k: int, *, design: int) -> list[RGBA]:
    """``k`` tilt frames of an OVD/hologram patch (DOMAIN.md §2.3 row 14), as RGBA layers.

    Each frame is a translucent foil with a diffractive rainbow (hue bands whose phase
    moves with the tilt) and a kinematic element, the design's star, that slides across
    the patch and turns as the frame index grows. A static sticker (the forgery) would
    repeat frame 0. Seed with the design seed.
    """
    w, h = _size(size_xy)
    if not 1 <= k <= 16:
        raise ValidationError("k must be in 1..16", k=k)
    gen = np.random.default_rng([int(design), 0x401091])
    fx, fy = gen.uniform(1.0, 3.0), gen.uniform(0.5, 2.0)
    wob = gen.uniform(0.05, 0.2)
    tips = int(gen.integers(5, 10))
    inner = gen.uniform(0.4, 0.6)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xs, ys = xx / max(1, w - 1), yy / max(1, h - 1)
    base_hue = fx * xs + fy * ys + wob * np.sin(2 * math.pi * (2 * xs - ys))
    star_r = 0.32 * min(w, h)
    frames = []
    for j in range(k):
        t = j / max(1, k - 1) if k > 1 else 0.0
        hue = ((base_hue + 0.8 * t) % 1.0 * 255.0).astype(np.uint8)
        hsv = np.dstack([hue, np.full_like(hue, 150), np.full_like(hue, 235)])
        rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB_FULL)
        shape = np.zeros((h, w), np.uint8)
        centre = np.array([w * (0.3 + 0.4 * t), h * (0.5 + 0.12 * math.sin(math.pi * t))])
        star = _star(tips, inner, math.radians(35.0 * t)) * star_r + centre
        cv2.fillPoly(shape, [np.round(star * _ONE).astype(np.int32)], 255, cv2.LINE_AA, _SHIFT)
        s = shape.astype(np.float32)[..., None] / 255.0
        shifted = cv2.cvtColor(np.dstack([hue + np.uint8(128), hsv[..., 1], hsv[..., 2]]),
                               cv2.COLOR_HSV2RGB_FULL)  # fmt: skip
        colour = rgb * (1 - s) + shifted * s
        alpha = 70.0 + 120.0 * s[..., 0]
        frames.append(np.dstack([colour + 0.5, alpha + 0.5]).astype(np.uint8))
    return frames


def ovi_colours(frame_index: int, *, pair: str = "gold_green", steps: int = 2) -> Colour:
    """Colour of optically variable ink (DOMAIN.md §2.3 row 13) in tilt frame ``frame_index``.

    Frame 0 is the frontal (white-light) view and shows the pair's first colour; the
    colour shifts smoothly to the second over ``steps`` tilt frames and stays there. A
    photocopy (the forgery) keeps the frame-0 colour in every frame.
    """
    if pair not in OVI_PAIRS:
        raise ValidationError(f"unknown OVI pair {pair!r}; use one of {sorted(OVI_PAIRS)}")
    if frame_index < 0 or steps < 1:
        raise ValidationError("frame_index must be >= 0 and steps >= 1")
    a, b = (np.asarray(c, np.float64) for c in OVI_PAIRS[pair])
    t = min(1.0, frame_index / steps)
    t = t * t * (3 - 2 * t)
    c = np.rint(a * (1 - t) + b * t).astype(int)
    return int(c[0]), int(c[1]), int(c[2])


# --- personalisation --------------------------------------------------------------------------


def perforation(
    text: str,
    size_xy: tuple[int, int],
    *,
    hole_px: float,
    pitch_px: float | None = None,
    rows: int = 9,
) -> NDArray[np.bool_]:
    """Laser perforation (DOMAIN.md §2.3 row 17): ``text`` as a dot matrix of round holes.

    The text is rasterised ``rows`` cells high (a dot-matrix font), each inked cell
    becomes a hole of diameter ``hole_px`` on a ``pitch_px`` grid (default ``1.6 *
    hole_px``, shrunk if needed so the whole text fits; holes then at most 0.8 pitch wide),
    centred in the box. Returns a
    boolean mask (True = hole: bright in transmitted light, dark-edged in white light).
    """
    w, h = _size(size_xy)
    text = text.strip()
    if not text:
        raise ValidationError("perforation text is empty")
    if not 1.0 <= hole_px <= 200.0:
        raise ValidationError("hole_px must be in 1..200", hole_px=hole_px)
    if not 5 <= rows <= 40:
        raise ValidationError("rows must be in 5..40", rows=rows)
    grid = _dot_matrix(text, rows)
    pitch = float(pitch_px) if pitch_px is not None else 1.6 * hole_px
    pitch = min(pitch, w / grid.shape[1], h / grid.shape[0])
    if pitch < 3.0:
        raise ValidationError("the box is too small for this text", size_xy=size_xy)
    # holes never merge: a pixel-wide gap between neighbours at the smallest pitch
    radius = min(hole_px / 2.0, pitch * 0.4, (pitch - 1.5) / 2.0)
    gh, gw = grid.shape
    # every pixel centre, in grid cells from the grid's top-left corner
    gx = (np.arange(w) + 0.5 - (w - gw * pitch) / 2.0) / pitch
    gy = (np.arange(h) + 0.5 - (h - gh * pitch) / 2.0) / pitch
    ix, iy = np.floor(gx).astype(np.intp), np.floor(gy).astype(np.intp)
    fx, fy = (gx - ix - 0.5) * pitch, (gy - iy - 0.5) * pitch
    okx, oky = (ix >= 0) & (ix < gw), (iy >= 0) & (iy < gh)
    on = grid[np.clip(iy, 0, gh - 1)[:, None], np.clip(ix, 0, gw - 1)[None, :]]
    inside = fy[:, None] ** 2 + fx[None, :] ** 2 <= radius * radius
    return np.asarray(on & inside & oky[:, None] & okx[None, :], dtype=np.bool_)


@functools.lru_cache(maxsize=256)
def _dot_matrix(text: str, rows: int) -> NDArray[np.bool_]:
    """``text`` rasterised at ``rows`` cells of height (capitals fill the rows)."""
    f = font("mono", max(5, round(rows / 0.73)))
    left, top, right, bottom = f.getbbox(text)
    img = Image.new("L", (int(right - left) + 2, rows + 2), 0)
    ImageDraw.Draw(img).text((1 - left, 1 - f.getbbox("H")[1]), text, fill=255, font=f)
    grid = np.asarray(img, np.uint8) > 110
    cols = np.nonzero(grid.any(axis=0))[0]
    grid = grid[:, cols.min() : cols.max() + 1] if cols.size else grid
    grid.setflags(write=False)
    return grid
