"""Capture simulation: a rendered document view as a flatbed scan or a phone photo.

A *capture* is what an officer's scanner or phone would deliver of one view of a
document (DOMAIN.md §2.2: captures are registered to the canonical template frame
by a homography). :func:`capture` places the page in a capture frame with a single
projective warp and then degrades it, graded by difficulty level:

====== ================================================ =================================
level  ``kind="scan"``                                  ``kind="photo"``
====== ================================================ =================================
1      clean flatbed scan: skew ≤ 1°, light noise,      easy photo: page fills the frame,
       scanner-lid background, no JPEG                  slight perspective, plain desk
2      mildly degraded scan: skew ≤ 4°, quarter turns   photo with perspective, blur,
       (90°/180°/270°), blur, light gradient, JPEG      gradient, some glare, a few objects
3      poor scan: skew ≤ 8°, open lid (dark bed) half   hard phone photo: strong
       the time, strong blur, gradient, noise, low JPEG perspective, blur (incl. motion),
                                                        lighting gradient, glare, noise,
                                                        low JPEG, any quarter turn, page
                                                        small in a cluttered scene
====== ================================================ =================================

Geometry convention: every point is an ``[x, y]`` pair (x = column, y = row) with
pixel centres at integer coordinates (OpenCV's convention). ``Capture.homography``
maps a source-image point to the capture point, so an answer-key polygon drawn on a
view is carried into the capture with :func:`project_xy`. ``Capture.rotation`` is
the quarter turn (clockwise, degrees) applied on top of the small skew:
``np.rot90(c.image, k=c.rotation // 90)`` turns the page roughly upright again.

Randomness comes only from the ``rng`` passed in, so the same seed gives
byte-identical captures (JPEG via OpenCV's libjpeg at a quality drawn from the rng).
The cluttered background is procedural (desk texture, objects, other paper, text
blobs); no external image is used.

>>> import numpy as np
>>> page = np.full((300, 420, 3), 255, np.uint8)
>>> c = capture(page, kind="scan", level=1, rng=7)
>>> c.image.dtype, c.rotation, c.jpeg_quality
(dtype('uint8'), 0, None)
>>> project_xy([[0, 0]], np.eye(3)).tolist()
[[0.0, 0.0]]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
from numpy.typing import ArrayLike, NDArray

from docsec.errors import ImageError, ValidationError

__all__ = [
    "PROFILES",
    "Capture",
    "CaptureProfile",
    "capture",
    "project_xy",
]

Kind = Literal["scan", "photo"]
Level = Literal[1, 2, 3]
RGBImage = NDArray[np.uint8]
FloatRange = tuple[float, float]

# Letters for text blobs on the clutter paper: Latin and digits, never MRZ fillers.
_TEXT_ALPHABET = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "))
_DESK_COLOURS = np.array(
    [
        [150, 105, 70],  # oak
        [110, 75, 50],  # walnut
        [190, 160, 120],  # birch
        [120, 120, 125],  # grey laminate
        [60, 62, 70],  # dark counter
        [215, 212, 205],  # white office desk
        [70, 90, 110],  # blue felt mat
    ],
    dtype=np.float32,
)


@dataclass(frozen=True, slots=True)
class CaptureProfile:
    """Ranges the random capture parameters are drawn from, for one kind and level.

    ``quarter_turns`` holds the probabilities of 0°, 90°, 180° and 270° (clockwise).
    ``glare_strength`` is the peak blend towards white (kept ≤ 0.7 so the print under a
    glare stays legible, as an officer would retake a photo whose MRZ is burnt out).
    ``fill`` is, for photos, the fraction of the frame the page's bounding box spans
    (fitted in both directions); for scans, the scanner margin as a fraction of the
    page size. ``gradient`` is the largest relative brightness drop across the frame.
    ``clutter``: 0 plain background, 1 textured desk, 2 desk and objects, 3 desk,
    objects, other papers and text.
    """

    skew_deg: float
    quarter_turns: tuple[float, float, float, float]
    tilt_deg: float
    fill: FloatRange
    blur_sigma: FloatRange
    motion_blur_prob: float
    motion_blur_px: FloatRange
    gradient: float
    glare_prob: float
    glare_strength: FloatRange
    noise_sigma: FloatRange
    jpeg_quality: tuple[int, int] | None
    colour_cast: float
    clutter: int
    open_lid_prob: float = 0.0


_GAIN_ONE = 200.0  # 8-bit gain fields: 200 means x1.0
_UPRIGHT = (1.0, 0.0, 0.0, 0.0)
_TURNS = (0.55, 0.15, 0.15, 0.15)
_ANY_TURN = (0.4, 0.2, 0.2, 0.2)

PROFILES: Mapping[tuple[str, int], CaptureProfile] = {
    ("scan", 1): CaptureProfile(
        skew_deg=1.0, quarter_turns=_UPRIGHT, tilt_deg=0.0, fill=(0.02, 0.06),
        blur_sigma=(0.0, 0.4), motion_blur_prob=0.0, motion_blur_px=(0.0, 0.0),
        gradient=0.03, glare_prob=0.0, glare_strength=(0.0, 0.0), noise_sigma=(1.0, 2.0),
        jpeg_quality=None, colour_cast=0.01, clutter=0,
    ),
    ("scan", 2): CaptureProfile(
        skew_deg=4.0, quarter_turns=_TURNS, tilt_deg=0.0, fill=(0.02, 0.08),
        blur_sigma=(0.5, 1.0), motion_blur_prob=0.0, motion_blur_px=(0.0, 0.0),
        gradient=0.10, glare_prob=0.0, glare_strength=(0.0, 0.0), noise_sigma=(2.0, 4.0),
        jpeg_quality=(60, 85), colour_cast=0.03, clutter=0,
    ),
    ("scan", 3): CaptureProfile(
        skew_deg=8.0, quarter_turns=_ANY_TURN, tilt_deg=0.0, fill=(0.03, 0.12),
        blur_sigma=(0.9, 1.5), motion_blur_prob=0.0, motion_blur_px=(0.0, 0.0),
        gradient=0.20, glare_prob=0.0, glare_strength=(0.0, 0.0), noise_sigma=(4.0, 7.0),
        jpeg_quality=(35, 60), colour_cast=0.05, clutter=0, open_lid_prob=0.5,
    ),
    ("photo", 1): CaptureProfile(
        skew_deg=3.0, quarter_turns=_UPRIGHT, tilt_deg=6.0, fill=(0.80, 0.90),
        blur_sigma=(0.4, 0.8), motion_blur_prob=0.0, motion_blur_px=(0.0, 0.0),
        gradient=0.08, glare_prob=0.0, glare_strength=(0.0, 0.0), noise_sigma=(2.0, 3.0),
        jpeg_quality=(85, 95), colour_cast=0.03, clutter=1,
    ),
    ("photo", 2): CaptureProfile(
        skew_deg=8.0, quarter_turns=_TURNS, tilt_deg=15.0, fill=(0.65, 0.82),
        blur_sigma=(0.7, 1.2), motion_blur_prob=0.2, motion_blur_px=(2.0, 4.0),
        gradient=0.20, glare_prob=0.4, glare_strength=(0.2, 0.45), noise_sigma=(3.0, 5.0),
        jpeg_quality=(65, 85), colour_cast=0.06, clutter=2,
    ),
    ("photo", 3): CaptureProfile(
        skew_deg=15.0, quarter_turns=_ANY_TURN, tilt_deg=28.0, fill=(0.50, 0.68),
        blur_sigma=(1.0, 1.7), motion_blur_prob=0.4, motion_blur_px=(2.0, 5.0),
        gradient=0.40, glare_prob=1.0, glare_strength=(0.35, 0.7), noise_sigma=(4.0, 8.0),
        jpeg_quality=(40, 70), colour_cast=0.10, clutter=3,
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Capture:
    """One simulated capture of a document view.

    ``homography`` (3×3 float64) maps source-image ``[x, y]`` to capture ``[x, y]``;
    ``page_quad_xy`` (4×2) holds the page corners (source top-left, top-right,
    bottom-right, bottom-left) in capture pixels; ``params`` records the values drawn;
    ``jpeg_bytes`` is the encoded file whose decoding is ``image``.
    """

    image: RGBImage
    homography: NDArray[np.float64]
    kind: Kind
    level: Level
    rotation: int
    jpeg_quality: int | None
    page_quad_xy: NDArray[np.float64]
    params: Mapping[str, float] = field(default_factory=dict)
    jpeg_bytes: bytes | None = field(default=None, repr=False)
    """The JPEG file the capture was decoded from (None for lossless scans): write it as is
    rather than re-encoding ``image``, which would compress the capture twice."""

    @property
    def size_xy(self) -> tuple[int, int]:
        """Capture width and height in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description (everything but the pixels)."""
        return {
            "kind": self.kind,
            "level": self.level,
            "size_xy": list(self.size_xy),
            "rotation": self.rotation,
            "jpeg_quality": self.jpeg_quality,
            "homography": [[float(v) for v in row] for row in self.homography],
            "page_quad_xy": [[round(float(v), 3) for v in p] for p in self.page_quad_xy],
            "params": {k: round(float(v), 4) for k, v in self.params.items()},
        }


def project_xy(points_xy: ArrayLike, homography: ArrayLike) -> NDArray[np.float64]:
    """Map ``[x, y]`` points through a 3×3 homography; returns an ``(N, 2)`` float64 array.

    A single point ``[x, y]`` is accepted too (the result is still ``(1, 2)``).
    Raises :class:`~docsec.errors.ValidationError` for malformed input.
    """
    try:
        pts = np.asarray(points_xy, dtype=np.float64)
        h = np.asarray(homography, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError("points and homography must be numeric arrays") from exc
    if pts.ndim == 1:
        pts = pts.reshape(1, -1)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValidationError("points_xy must have shape (N, 2)", shape=pts.shape)
    if h.shape != (3, 3) or not np.all(np.isfinite(h)):
        raise ValidationError("homography must be a finite 3x3 matrix", shape=h.shape)
    homog = pts @ h[:, :2].T + h[:, 2]
    w = homog[:, 2:3]
    if np.any(np.abs(w) < 1e-12):
        raise ValidationError("a point maps to infinity under this homography")
    return np.ascontiguousarray(homog[:, :2] / w)


def capture(
    image: ArrayLike,
    *,
    kind: Kind,
    level: Level,
    rng: np.random.Generator | int | None = None,
) -> Capture:
    """Simulate a flatbed scan or phone photo of ``image`` (RGB or gray ``uint8``).

    The page is placed with one projective warp (skew, quarter turn, and for photos
    a camera tilt and the page's scale in the frame), over a procedural background,
    then blurred, lit with a gradient (and glare for photos), given sensor noise and
    JPEG-compressed, with the amounts drawn from :data:`PROFILES` for ``(kind,
    level)``. Returns a :class:`Capture` whose homography carries source points into
    the capture. The same ``rng`` seed gives byte-identical output.
    """
    src = _as_rgb(image)
    if kind not in ("scan", "photo"):
        raise ValidationError("kind must be 'scan' or 'photo'", kind=kind)
    if level not in (1, 2, 3):
        raise ValidationError("level must be 1, 2 or 3", level=level)
    profile = PROFILES[(kind, level)]
    gen = np.random.default_rng(rng)
    h_src, w_src = src.shape[:2]
    params: dict[str, float] = {}

    if kind == "scan":
        base_h, frame_xy = _scan_geometry(w_src, h_src, profile, gen, params)
    else:
        base_h, frame_xy = _photo_geometry(w_src, h_src, profile, gen, params)
    turns = int(gen.choice(4, p=np.asarray(profile.quarter_turns)))
    turn_h, out_xy = _quarter_turn(turns, frame_xy)
    hom = turn_h @ base_h
    hom /= hom[2, 2]
    params["quarter_turns"] = float(turns)

    corners = np.array(
        [[-0.5, -0.5], [w_src - 0.5, -0.5], [w_src - 0.5, h_src - 0.5], [-0.5, h_src - 0.5]]
    )
    quad = project_xy(corners, hom)

    if kind == "scan":
        # an affine map onto a uniform scanner lid (open lid: the dark bed): one warp with a
        # constant border, which also anti-aliases the page edge
        frame = np.asarray(cv2.warpAffine(
            src, hom[:2], out_xy, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
            borderValue=_lid_colour(profile, gen, params),
        ), np.uint8)  # fmt: skip
    else:
        frame = _desk(out_xy, profile, gen, params, quad)
        _paste_page(frame, src, hom, quad)

    frame = _blur(frame, profile, gen, params)
    frame = _light_and_noise(frame, profile, gen, params)

    quality: int | None = None
    encoded: bytes | None = None
    if profile.jpeg_quality is not None:
        lo, hi = profile.jpeg_quality
        quality = int(gen.integers(lo, hi + 1))
        frame, encoded = _jpeg_roundtrip(frame, quality)

    return Capture(
        image=frame,
        homography=hom,
        kind=kind,
        level=level,
        rotation=90 * turns,
        jpeg_quality=quality,
        page_quad_xy=quad,
        params=params,
        jpeg_bytes=encoded,
    )


def _as_rgb(image: ArrayLike) -> RGBImage:
    try:
        arr = np.asarray(image)
    except (TypeError, ValueError) as exc:
        raise ImageError("capture needs a uint8 image array") from exc
    if arr.dtype != np.uint8:
        raise ImageError("capture needs a uint8 image", dtype=str(arr.dtype))
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ImageError("capture needs a (rows, cols) or (rows, cols, 3) image", shape=arr.shape)
    if arr.shape[0] < 8 or arr.shape[1] < 8:
        raise ImageError("image too small to capture", shape=arr.shape)
    return np.ascontiguousarray(arr)


def _uniform(gen: np.random.Generator, r: FloatRange) -> float:
    return float(gen.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


def _similarity(angle_deg: float, scale: float, centre: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rotation (clockwise on screen for positive angles, y down) and scale about ``centre``."""
    a = math.radians(angle_deg)
    c, s = math.cos(a) * scale, math.sin(a) * scale
    m = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    t_in = np.array([[1.0, 0.0, -centre[0]], [0.0, 1.0, -centre[1]], [0.0, 0.0, 1.0]])
    return np.asarray(m @ t_in, dtype=np.float64)


def _scan_geometry(
    w: int, h: int, p: CaptureProfile, gen: np.random.Generator, params: dict[str, float]
) -> tuple[NDArray[np.float64], tuple[int, int]]:
    """Page on a scanner bed: small skew about its centre, uneven margins, scale 1."""
    skew = _uniform(gen, (-p.skew_deg, p.skew_deg))
    m = _similarity(skew, 1.0, np.array([(w - 1) / 2.0, (h - 1) / 2.0]))
    corners = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]])
    q = project_xy(corners, m)
    margins = [_uniform(gen, p.fill) * s for s in (w, h, w, h)]  # left, top, right, bottom
    # pixel edges run from -0.5 to size - 0.5: the page starts a margin in from the edge
    shift = np.array([margins[0] - 0.5 - q[:, 0].min(), margins[1] - 0.5 - q[:, 1].min()])
    m = np.array([[1.0, 0.0, shift[0]], [0.0, 1.0, shift[1]], [0.0, 0.0, 1.0]]) @ m
    fw = math.ceil(q[:, 0].max() - q[:, 0].min() + margins[0] + margins[2])
    fh = math.ceil(q[:, 1].max() - q[:, 1].min() + margins[1] + margins[3])
    params["skew_deg"] = skew
    return m, (fw, fh)


def _photo_geometry(
    w: int, h: int, p: CaptureProfile, gen: np.random.Generator, params: dict[str, float]
) -> tuple[NDArray[np.float64], tuple[int, int]]:
    """Pinhole camera looking at the tilted page; the projected page is fitted in a 4:3 frame."""
    fw = round(1.1 * max(w, h))
    fh = round(0.75 * fw)
    skew = _uniform(gen, (-p.skew_deg, p.skew_deg))
    tilt = _uniform(gen, (0.0, p.tilt_deg))
    tilt_dir = _uniform(gen, (0.0, 2.0 * math.pi))
    ax, ay = math.radians(tilt) * math.cos(tilt_dir), math.radians(tilt) * math.sin(tilt_dir)
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    a = math.radians(skew)
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    rot = rz @ rx @ ry
    focal = 1.2 * max(w, h)  # a phone's ~65° field of view across the page
    corners = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]])
    centred = np.column_stack([corners - [(w - 1) / 2.0, (h - 1) / 2.0], np.zeros(4)])
    cam = centred @ rot.T + [0.0, 0.0, focal]
    proj = focal * cam[:, :2] / cam[:, 2:3]
    lo, hi = proj.min(axis=0), proj.max(axis=0)
    fill = _uniform(gen, p.fill)
    scale = fill * min(fw / (hi[0] - lo[0]), fh / (hi[1] - lo[1]))
    size = (hi - lo) * scale
    margin = 0.02 * np.array([fw, fh])
    room = np.maximum(np.array([fw, fh]) - size - 2 * margin, 0.0)
    offset = margin - 0.5 + room * gen.uniform(0.0, 1.0, size=2)  # pixel edges from -0.5
    dst = (proj - lo) * scale + offset
    hom = cv2.getPerspectiveTransform(corners.astype(np.float32), dst.astype(np.float32))
    params.update(skew_deg=skew, tilt_deg=tilt, fill=fill)
    return np.asarray(hom, dtype=np.float64), (fw, fh)


def _quarter_turn(
    turns: int, frame_xy: tuple[int, int]
) -> tuple[NDArray[np.float64], tuple[int, int]]:
    """Homography turning the frame by ``turns`` × 90° clockwise (like ``np.rot90(k=-turns)``)."""
    fw, fh = frame_xy
    if turns == 0:
        return np.eye(3), (fw, fh)
    if turns == 1:
        return np.array([[0.0, -1.0, fh - 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), (fh, fw)
    if turns == 2:
        return np.array([[-1.0, 0.0, fw - 1.0], [0.0, -1.0, fh - 1.0], [0.0, 0.0, 1.0]]), (fw, fh)
    return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, fw - 1.0], [0.0, 0.0, 1.0]]), (fh, fw)


def _smooth_field(
    gen: np.random.Generator, size_xy: tuple[int, int], cells: int
) -> NDArray[np.float32]:
    """Low-frequency noise in [-1, 1], drawn on a coarse grid and upsampled (cheap)."""
    w, h = size_xy
    gw = max(2, cells)
    gh = max(2, round(cells * h / max(w, 1)))
    coarse = gen.uniform(-1.0, 1.0, size=(gh, gw)).astype(np.float32)
    return np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), np.float32)


def _lid_colour(
    p: CaptureProfile, gen: np.random.Generator, params: dict[str, float]
) -> tuple[float, float, float]:
    """Scanner lid colour (near white) or, with the lid open, the dark empty bed."""
    open_lid = bool(gen.random() < p.open_lid_prob)
    params["open_lid"] = float(open_lid)
    level = _uniform(gen, (18.0, 40.0)) if open_lid else _uniform(gen, (232.0, 250.0))
    tint = gen.uniform(-2.0, 2.0, size=3)
    r, g, b = (float(np.clip(level + t, 0, 255)) for t in tint)
    return r, g, b


def _paste_page(
    frame: RGBImage, src: RGBImage, hom: NDArray[np.float64], quad: NDArray[np.float64]
) -> None:
    """Warp ``src`` onto ``frame`` in place, working only inside the page's bounding box."""
    h, w = frame.shape[:2]
    x0, y0 = (max(0, math.floor(v) - 2) for v in quad.min(axis=0))
    x1, y1 = min(w, math.ceil(quad[:, 0].max()) + 3), min(h, math.ceil(quad[:, 1].max()) + 3)
    if x1 <= x0 or y1 <= y0:
        return
    shift = np.array([[1.0, 0.0, -x0], [0.0, 1.0, -y0], [0.0, 0.0, 1.0]])
    crop = np.ascontiguousarray(frame[y0:y1, x0:x1])
    cv2.warpPerspective(src, shift @ hom, (x1 - x0, y1 - y0), dst=crop, flags=cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_TRANSPARENT)  # fmt: skip
    frame[y0:y1, x0:x1] = crop


def _desk(
    size_xy: tuple[int, int],
    p: CaptureProfile,
    gen: np.random.Generator,
    params: dict[str, float],
    page_quad_xy: NDArray[np.float64] | None,
) -> RGBImage:
    """Desk texture, the page's soft shadow and, by clutter level, objects, papers and text."""
    w, h = size_xy
    # desk: base colour, blotchy low-frequency shading and wood-like grain, drawn at 1/4 size
    sw, sh = max(4, w // 4), max(4, h // 4)
    desk_index = int(gen.integers(len(_DESK_COLOURS)))
    base = _DESK_COLOURS[desk_index] * gen.uniform(0.85, 1.1)
    blotch = _smooth_field(gen, (sw, sh), 6) * 12.0
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    phi = _uniform(gen, (0.0, math.pi))
    period = _uniform(gen, (3.0, 12.0))
    warp = _smooth_field(gen, (sw, sh), 5) * _uniform(gen, (4.0, 12.0))
    grain = np.sin((xx * math.cos(phi) + yy * math.sin(phi)) / period * 2 * math.pi + warp)
    grain_amp = _uniform(gen, (2.0, 7.0)) if p.clutter >= 1 else 0.0
    desk = base[None, None, :] + (blotch + grain_amp * grain)[:, :, None]
    if page_quad_xy is not None:
        # soft shadow of the page, slightly offset (the page itself is pasted on top later)
        offset = gen.uniform(-0.015, 0.015, size=2) * np.array([w, h])
        mask = np.zeros((sh, sw), np.float32)
        pts = np.round((page_quad_xy + offset) * np.array([sw / w, sh / h])).astype(np.int32)
        cv2.fillConvexPoly(mask, pts, 1.0)
        soft = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(1.0, 0.01 * sw)), np.float32)
        desk *= (1.0 - _uniform(gen, (0.15, 0.4)) * soft)[:, :, None]
    frame = _upsample(np.clip(desk, 0, 255).astype(np.uint8), w, h)
    params["desk_colour"] = float(desk_index)
    if p.clutter >= 3:
        for _ in range(int(gen.integers(1, 4))):
            _draw_paper(frame, gen)
    if p.clutter >= 2:
        for _ in range(int(gen.integers(3, 9))):
            _draw_object(frame, gen)
    if p.clutter >= 3:
        _draw_text_lines(frame, gen)
    return frame


def _rand_colour(gen: np.random.Generator, lo: int = 0, hi: int = 256) -> tuple[int, int, int]:
    c = gen.integers(lo, hi, size=3)
    return int(c[0]), int(c[1]), int(c[2])


def _muted_colour(gen: np.random.Generator) -> tuple[int, int, int]:
    c = 0.55 * gen.integers(0, 256, size=3) + 0.45 * gen.uniform(40, 200)
    return int(c[0]), int(c[1]), int(c[2])


def _draw_paper(frame: RGBImage, gen: np.random.Generator) -> None:
    """Another sheet of paper (rotated rectangle) with rows of word blobs on it."""
    h, w = frame.shape[:2]
    pw = _uniform(gen, (0.25, 0.6)) * w
    ph = pw * _uniform(gen, (0.7, 1.4))
    centre = gen.uniform([0.0, 0.0], [w, h])
    angle = _uniform(gen, (0.0, 2 * math.pi))
    ux = np.array([math.cos(angle), math.sin(angle)])
    uy = np.array([-ux[1], ux[0]])

    def pt(a: float, b: float) -> NDArray[np.float64]:
        return np.asarray(centre + (a - 0.5) * pw * ux + (b - 0.5) * ph * uy, dtype=np.float64)

    quad = np.array([pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 1)])
    cv2.fillConvexPoly(frame, np.round(quad).astype(np.int32), _rand_colour(gen, 215, 256),
                       lineType=cv2.LINE_AA)
    ink = _rand_colour(gen, 10, 90)
    line_h = max(3.0, ph * _uniform(gen, (0.01, 0.02))) / ph
    n_lines = min(30, int(0.8 / (line_h * 2.6)))
    # words along each line: widths 3-12 %, gaps 1.5-3 % of the sheet, from x = 8 % to 92 %
    widths = gen.uniform(0.03, 0.12, size=(n_lines, 20))
    gaps = gen.uniform(0.015, 0.03, size=(n_lines, 20))
    starts = 0.08 + np.cumsum(widths + gaps, axis=1) - widths - gaps
    ends = np.minimum(starts + widths, 0.92)
    line_b = 0.1 + np.arange(n_lines)[:, None] * line_h * 2.6 + np.zeros((1, 20))
    keep = starts < 0.9
    a0, a1, b0 = starts[keep], ends[keep], line_b[keep]
    corners_ab = np.stack([
        np.stack([a0, b0], -1), np.stack([a1, b0], -1),
        np.stack([a1, b0 + line_h], -1), np.stack([a0, b0 + line_h], -1),
    ], axis=1)  # (words, 4, 2) in sheet fractions
    xy = centre + (corners_ab[..., :1] - 0.5) * pw * ux + (corners_ab[..., 1:] - 0.5) * ph * uy
    blobs = list(np.round(xy * 16).astype(np.int32))
    if blobs:
        cv2.fillPoly(frame, blobs, ink, cv2.LINE_AA, 4)


def _draw_object(frame: RGBImage, gen: np.random.Generator) -> None:
    """A desk object: cup (ring), phone or card (rectangle), pen (thick line), coin (disc)."""
    h, w = frame.shape[:2]
    s = min(w, h)
    colour = _muted_colour(gen)
    what = int(gen.integers(4))
    cx, cy = int(gen.integers(0, w)), int(gen.integers(0, h))
    if what == 0:
        r = int(_uniform(gen, (0.06, 0.14)) * s)
        cv2.circle(frame, (cx, cy), r, colour, thickness=max(2, r // 5), lineType=cv2.LINE_AA)
    elif what == 1:
        rect = ((cx, cy), (_uniform(gen, (0.1, 0.3)) * s, _uniform(gen, (0.1, 0.3)) * s),
                _uniform(gen, (0.0, 180.0)))
        box = cv2.boxPoints(rect)
        cv2.fillConvexPoly(frame, np.round(box).astype(np.int32), colour, lineType=cv2.LINE_AA)
    elif what == 2:
        length = _uniform(gen, (0.2, 0.5)) * s
        a = _uniform(gen, (0.0, math.pi))
        end = (int(cx + length * math.cos(a)), int(cy + length * math.sin(a)))
        cv2.line(frame, (cx, cy), end, colour, thickness=max(3, s // 80), lineType=cv2.LINE_AA)
    else:
        r = int(_uniform(gen, (0.02, 0.05)) * s)
        cv2.circle(frame, (cx, cy), r, colour, thickness=-1, lineType=cv2.LINE_AA)


def _draw_text_lines(frame: RGBImage, gen: np.random.Generator) -> None:
    """A few lines of printed-looking text (Hershey glyphs) lying on the desk."""
    h, w = frame.shape[:2]
    for _ in range(int(gen.integers(2, 6))):
        n = int(gen.integers(6, 24))
        text = "".join(gen.choice(_TEXT_ALPHABET, size=n).tolist())
        scale = _uniform(gen, (0.6, 1.6)) * min(w, h) / 900.0
        org = (int(gen.integers(0, max(1, w - 50))), int(gen.integers(20, max(21, h))))
        cv2.putText(frame, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, _rand_colour(gen, 0, 80),
                    thickness=max(1, round(2 * scale)), lineType=cv2.LINE_AA)


def _blur(
    frame: RGBImage, p: CaptureProfile, gen: np.random.Generator, params: dict[str, float]
) -> RGBImage:
    sigma = _uniform(gen, p.blur_sigma)
    params["blur_sigma"] = sigma
    out = frame
    if sigma >= 0.2:
        k = 2 * math.ceil(2.0 * sigma) + 1  # truncated at 2 sigma: 30 % cheaper, same look
        out = np.asarray(cv2.GaussianBlur(out, (k, k), sigma), np.uint8)
    if p.motion_blur_prob > 0 and gen.random() < p.motion_blur_prob:
        length = _uniform(gen, p.motion_blur_px)
        angle = _uniform(gen, (0.0, math.pi))
        k = int(math.ceil(length)) | 1
        kernel = np.zeros((k, k), np.float32)
        c = (k - 1) / 2.0
        dx, dy = math.cos(angle) * length / 2.0, math.sin(angle) * length / 2.0
        cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0,
                 thickness=1, lineType=cv2.LINE_AA)
        kernel /= kernel.sum()
        out = np.asarray(cv2.filter2D(out, -1, kernel), np.uint8)
        params["motion_blur_px"] = length
    return out


def _light_and_noise(
    frame: RGBImage, p: CaptureProfile, gen: np.random.Generator, params: dict[str, float]
) -> RGBImage:
    """Lighting gradient and colour cast (multiplicative), glare (blend to white), sensor noise.

    The smooth fields are computed on a coarse grid and applied with saturating 8-bit
    OpenCV arithmetic (gain quantised to 1/200): float32 frames would cost 3x more.
    """
    h, w = frame.shape[:2]
    gw, gh = 64, max(2, round(64 * h / w))
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    xx, yy = xx / (gw - 1) - 0.5, yy / (gh - 1) - 0.5

    # gain: a linear ramp in a random direction plus vignetting, times a colour cast
    drop = _uniform(gen, (0.0, p.gradient))
    a = _uniform(gen, (0.0, 2 * math.pi))
    ramp = (xx * math.cos(a) + yy * math.sin(a)) / math.sqrt(0.5)  # in [-1, 1]
    gain = 1.0 - drop * (0.5 + 0.5 * ramp) - 0.5 * drop * (xx * xx + yy * yy)
    cast = 1.0 + gen.uniform(-p.colour_cast, p.colour_cast, size=3)
    params["gradient"] = drop

    glare = np.zeros_like(gain)
    if p.glare_prob > 0 and gen.random() < p.glare_prob:
        # an elliptical highlight
        strength = _uniform(gen, p.glare_strength)
        cx, cy = gen.uniform(0.15, 0.85, size=2)
        sx, sy = gen.uniform(0.05, 0.18, size=2)
        theta = _uniform(gen, (0.0, math.pi))
        u = (xx + 0.5 - cx) * math.cos(theta) + (yy + 0.5 - cy) * math.sin(theta)
        v = -(xx + 0.5 - cx) * math.sin(theta) + (yy + 0.5 - cy) * math.cos(theta)
        # at most 70 % towards white: the print under the glare is faint but still there
        glare = strength * np.exp(-0.5 * ((u / sx) ** 2 + (v / sy) ** 2))
        params["glare"] = strength
    # glare blends the lit image towards white: out = f * gain * (1 - g) + 255 * g
    mul = gain[:, :, None] * cast * (1.0 - glare[:, :, None])
    mul3 = np.clip(np.rint(mul * _GAIN_ONE), 0, 255).astype(np.uint8)
    out = cv2.multiply(frame, _upsample(mul3, w, h), scale=1.0 / _GAIN_ONE)
    if glare.max() > 0:
        white = np.rint(np.repeat(glare[:, :, None], 3, axis=2) * 255.0).astype(np.uint8)
        out = cv2.add(out, _upsample(white, w, h))

    sigma = _uniform(gen, p.noise_sigma)
    params["noise_sigma"] = sigma
    if sigma > 0:
        # a band of fresh noise repeated down the frame (per-pixel noise for the whole frame
        # costs several times more and looks the same after blur and JPEG); the noise is the
        # difference of two uniform integers (triangular, s.d. ``sigma``), added and
        # subtracted with saturating 8-bit operations
        band = min(h, 97)
        k = max(1, round(math.sqrt(1.0 + 6.0 * sigma * sigma) - 1.0))  # k(k+2)/6 = sigma^2
        up = gen.integers(0, k + 1, size=(band, w, 3), dtype=np.uint8)
        down = gen.integers(0, k + 1, size=(band, w, 3), dtype=np.uint8)
        out = np.ascontiguousarray(out, dtype=np.uint8)
        for y0 in range(0, h, band):
            rows = out[y0 : y0 + band]  # a contiguous view: OpenCV writes in place
            n = rows.shape[0]
            cv2.add(rows, up[:n], dst=rows)
            cv2.subtract(rows, down[:n], dst=rows)
    return np.asarray(out, dtype=np.uint8)


def _upsample(coarse: NDArray[np.uint8], w: int, h: int) -> NDArray[np.uint8]:
    return np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)


def _jpeg_roundtrip(frame: RGBImage, quality: int) -> tuple[RGBImage, bytes]:
    """Encode as JPEG and decode again (libjpeg expects BGR order for its colour transform)."""
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ImageError("JPEG encoding failed", quality=quality)
    dec = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if dec is None:
        raise ImageError("JPEG decoding failed", quality=quality)
    return np.asarray(cv2.cvtColor(dec, cv2.COLOR_BGR2RGB), np.uint8), buf.tobytes()
