"""Synthetic parametric portraits: never a real face.

A face is a :class:`FaceParams` vector (head shape, skin tone, hair style and colour,
eye/brow/nose/mouth geometry, facial hair, glasses, clothing) drawn from an rng and
rendered with anti-aliased OpenCV primitives as a passport-style head-and-shoulders
following the usual travel-document portrait conventions (ICAO Doc 9303 Part 3 and the
ICAO portrait-quality guidance: frontal, centred, head about three quarters of the
height, neutral expression, plain light background). No photograph or face model is
involved, so no real person's likeness can appear.

Faces support the document drills of DOMAIN.md §3: a *substituted* photo is a new
random face, an *impostor* is a :func:`lookalike` (nearby parameters), and
:func:`face_distance` measures how far two faces are apart in normalised parameter
space (0 = identical; random pairs are about 1).

>>> import numpy as np
>>> img, p = make_face(np.random.default_rng(1), (413, 531))
>>> img.shape, img.dtype
((531, 413, 3), dtype('uint8'))
>>> face_distance(p, p)
0.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.errors import ValidationError

__all__ = [
    "HAIR_STYLES",
    "FaceParams",
    "face_distance",
    "lookalike",
    "make_face",
    "render_face",
]

RGBImage = NDArray[np.uint8]

HAIR_STYLES = ("short", "side_part", "long", "receding", "curly", "tied_back")
_BEARDS = ("none", "stubble", "moustache", "full")
_GLASSES = ("none", "thin", "thick")

# Continuous parameters: (low, high) of the drawn range. Geometry is relative to the
# head size or the image size, colours are positions along the palettes below.
_RANGES: dict[str, tuple[float, float]] = {
    "head_width": (0.52, 0.64),  # head width / image width
    "head_ratio": (1.22, 1.45),  # head height / head width
    "jaw": (0.0, 1.0),  # 0 round, 1 narrow pointed chin
    "head_x": (-0.02, 0.02),  # centre offset / image width
    "head_roll": (-3.0, 3.0),  # degrees
    "skin_tone": (0.0, 1.0),
    "skin_red": (0.0, 1.0),
    "hair_colour": (0.0, 1.0),
    "hair_grey": (0.0, 1.0),
    "hair_volume": (0.0, 1.0),
    "hairline": (0.0, 1.0),
    "eye_spacing": (0.34, 0.46),  # eye centre distance / head width
    "eye_size": (0.10, 0.14),  # eye width / head width
    "eye_height": (0.40, 0.50),  # eye line from the head top / head height
    "eye_colour": (0.0, 1.0),
    "brow_thickness": (0.015, 0.04),
    "brow_angle": (-10.0, 12.0),
    "brow_gap": (0.05, 0.09),  # brow above the eye / head height
    "nose_length": (0.17, 0.25),  # / head height
    "nose_width": (0.16, 0.26),  # / head width
    "mouth_width": (0.30, 0.44),  # / head width
    "lip_thickness": (0.015, 0.04),  # / head height
    "mouth_gap": (0.07, 0.11),  # mouth below the nose tip / head height
    "ear_size": (0.14, 0.22),  # / head height
    "neck_width": (0.40, 0.55),  # / head width
    "shoulder_width": (0.85, 1.0),  # / image width
    "clothing": (0.0, 1.0),
    "background": (0.0, 1.0),
}
_CATEGORIES: dict[str, int] = {
    "hair_style": len(HAIR_STYLES),
    "beard": len(_BEARDS),
    "glasses": len(_GLASSES),
}
# distance weights: a category change is as visible as a large continuous change
_CATEGORY_WEIGHT = 1.5
_POSE_FIELDS = frozenset({"head_x", "head_roll", "background", "clothing"})  # not identity

_SKIN = np.array(
    [[250, 222, 200], [240, 196, 165], [224, 172, 134], [196, 136, 98], [160, 104, 70],
     [116, 74, 48], [82, 54, 38]], dtype=np.float64,
)  # fmt: skip
_HAIR = np.array(
    [[22, 18, 17], [55, 38, 28], [96, 66, 42], [140, 100, 62], [196, 160, 104],
     [222, 196, 140], [150, 66, 34]], dtype=np.float64,
)  # fmt: skip
_GREY = np.array([190, 190, 186], dtype=np.float64)
_EYES = np.array(
    [[58, 38, 26], [98, 64, 38], [120, 100, 50], [86, 120, 80], [80, 120, 170], [120, 134, 146]],
    dtype=np.float64,
)
_CLOTHES = np.array(
    [[30, 34, 48], [45, 45, 50], [70, 78, 96], [110, 40, 40], [40, 80, 70], [150, 150, 155],
     [200, 195, 185], [90, 70, 55]], dtype=np.float64,
)  # fmt: skip
_BACKGROUNDS = np.array([[236, 238, 240], [222, 230, 240], [240, 238, 232], [214, 218, 222]])


@dataclass(frozen=True, slots=True)
class FaceParams:
    """The parameter vector of one synthetic face (see ``_RANGES`` for each field's range)."""

    head_width: float
    head_ratio: float
    jaw: float
    head_x: float
    head_roll: float
    skin_tone: float
    skin_red: float
    hair_colour: float
    hair_grey: float
    hair_volume: float
    hairline: float
    eye_spacing: float
    eye_size: float
    eye_height: float
    eye_colour: float
    brow_thickness: float
    brow_angle: float
    brow_gap: float
    nose_length: float
    nose_width: float
    mouth_width: float
    lip_thickness: float
    mouth_gap: float
    ear_size: float
    neck_width: float
    shoulder_width: float
    clothing: float
    background: float
    hair_style: int
    beard: int
    glasses: int

    def to_dict(self) -> dict[str, float | int | str]:
        """JSON-ready parameters, with category names alongside their indices."""
        d: dict[str, float | int | str] = {
            k: (round(v, 5) if isinstance(v, float) else v) for k, v in asdict(self).items()
        }
        d["hair_style_name"] = HAIR_STYLES[self.hair_style]
        d["beard_name"] = _BEARDS[self.beard]
        d["glasses_name"] = _GLASSES[self.glasses]
        return d


def make_face(
    rng: np.random.Generator | int | None,
    size_xy: tuple[int, int],
    *,
    sex: Literal["F", "M", "<", "X"] | None = None,
    age: int | None = None,
) -> tuple[RGBImage, FaceParams]:
    """Draw a random face and render it at ``size_xy`` = (width, height) pixels.

    ``sex`` (the MRZ sex field) biases hair style and facial hair; ``age`` biases grey
    hair and a receding hairline. Returns the RGB image and its parameters.
    """
    gen = np.random.default_rng(rng)
    lows, highs = np.array(list(_RANGES.values())).T
    drawn = gen.uniform(lows, highs)
    values: dict[str, float | int] = {n: float(v) for n, v in zip(_RANGES, drawn, strict=True)}
    style_p = np.ones(len(HAIR_STYLES))
    beard_p = np.array([0.55, 0.15, 0.12, 0.18])
    if sex == "F":
        style_p = np.array([0.15, 0.15, 0.35, 0.0, 0.15, 0.2])
        beard_p = np.array([1.0, 0.0, 0.0, 0.0])
    elif sex == "M":
        style_p = np.array([0.35, 0.25, 0.05, 0.15, 0.15, 0.05])
    if age is not None:
        values["hair_grey"] = float(np.clip((age - 35) / 40 + gen.normal(0, 0.15), 0, 1))
        if sex != "F" and age > 40:
            style_p[HAIR_STYLES.index("receding")] += 0.3
    values["hair_style"] = int(gen.choice(len(HAIR_STYLES), p=style_p / style_p.sum()))
    values["beard"] = int(gen.choice(len(_BEARDS), p=beard_p / beard_p.sum()))
    values["glasses"] = int(gen.choice(len(_GLASSES), p=[0.7, 0.18, 0.12]))
    params = FaceParams(**values)  # type: ignore[arg-type]
    return render_face(params, size_xy), params


def lookalike(params: FaceParams, rng: np.random.Generator | int | None, *,
              strength: float = 0.15) -> FaceParams:  # fmt: skip
    """A different but similar face: every identity parameter moves by ``strength``.

    Each continuous parameter moves by ``N(0, strength)`` of its range (clipped to the
    range); the hair style, facial hair and glasses stay, except that with
    ``strength > 0.3`` one of them may change. Pose, clothing and background are
    redrawn freely, as in a different photograph of a similar person.
    """
    if not 0.0 <= strength <= 1.0:
        raise ValidationError("strength must be in [0, 1]", strength=strength)
    gen = np.random.default_rng(rng)
    changes: dict[str, float | int] = {}
    for name, (lo, hi) in _RANGES.items():
        if name in _POSE_FIELDS:
            changes[name] = float(gen.uniform(lo, hi))
            continue
        v = float(getattr(params, name))
        changes[name] = float(np.clip(v + gen.normal(0.0, strength) * (hi - lo), lo, hi))
    if strength > 0.3 and gen.random() < strength:
        name = str(gen.choice(list(_CATEGORIES)))
        changes[name] = int(gen.integers(_CATEGORIES[name]))
    return replace(params, **changes)  # type: ignore[arg-type]


def face_distance(a: FaceParams, b: FaceParams) -> float:
    """Distance of two faces' identity parameters (pose, clothes, background ignored).

    Root-mean-square of the range-normalised differences of the continuous parameters,
    plus ``1.5`` per differing category (hair style, facial hair, glasses), divided by
    the RMS expected between two uniformly random values (``1/√6``) so unrelated faces
    score about 1 and a ``lookalike(strength=0.15)`` about 0.35.
    """
    diffs = [
        (float(getattr(a, n)) - float(getattr(b, n))) / (hi - lo)
        for n, (lo, hi) in _RANGES.items()
        if n not in _POSE_FIELDS
    ]
    diffs += [_CATEGORY_WEIGHT * float(getattr(a, n) != getattr(b, n)) for n in _CATEGORIES]
    rms = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    return rms * math.sqrt(6.0)


def render_face(params: FaceParams, size_xy: tuple[int, int]) -> RGBImage:
    """Render ``params`` as an RGB head-and-shoulders portrait of ``size_xy`` = (w, h)."""
    w, h = int(size_xy[0]), int(size_xy[1])
    if w < 16 or h < 16 or w > 4000 or h > 4000:
        raise ValidationError("portrait size must be between 16 and 4000 pixels", size_xy=size_xy)
    _check_params(params)
    p = params
    ss = 4  # drawing coordinates are in 1/16 px (cv2 shift=4) for sub-pixel anti-aliasing
    one = 1 << ss

    bg = _BACKGROUNDS[min(int(p.background * len(_BACKGROUNDS)), len(_BACKGROUNDS) - 1)]
    ramp = np.linspace(4.0, -6.0, h)[:, None, None]
    img = np.clip(bg[None, None, :] + ramp, 0, 255).astype(np.uint8)
    img = np.ascontiguousarray(np.broadcast_to(img, (h, w, 3)))

    skin = _palette(_SKIN, p.skin_tone) * (1 + 0.05 * (p.skin_red - 0.5) * np.array([1, -0.6, -1]))
    skin_dark = skin * 0.82
    hair = _palette(_HAIR, p.hair_colour) * (1 - p.hair_grey) + _GREY * p.hair_grey
    clothes = _palette(_CLOTHES, p.clothing, smooth=False)

    # head geometry (pixels): ICAO-style framing, head ~ 75 % of the height incl. hair
    hw = p.head_width * w
    hh = min(p.head_ratio * hw, 0.62 * h)
    hw = hh / p.head_ratio
    cx = w / 2 + p.head_x * w
    top = 0.13 * h
    cy = top + hh / 2
    a, b = hw / 2, hh / 2
    rot = _rotator(cx, cy, p.head_roll)

    def pts(xy: NDArray[np.float64]) -> NDArray[np.int32]:
        return np.round(rot(xy) * one).astype(np.int32)

    def poly(xy: NDArray[np.float64], colour: NDArray[np.float64]) -> None:
        cv2.fillPoly(img, [pts(xy)], _c(colour), cv2.LINE_AA, ss)

    def ellipse(x: float, y: float, ax: float, ay: float, colour: NDArray[np.float64],
                angle: float = 0.0, a0: float = 0.0, a1: float = 360.0,
                thickness: int = -1) -> None:  # fmt: skip
        centre = rot(np.array([[x, y]]))[0]
        cv2.ellipse(img, (round(centre[0] * one), round(centre[1] * one)),
                    (max(1, round(ax * one)), max(1, round(ay * one))), angle + p.head_roll,
                    a0, a1, _c(colour), thickness, cv2.LINE_AA, ss)  # fmt: skip

    def line(xy: NDArray[np.float64], colour: NDArray[np.float64], width: float) -> None:
        cv2.polylines(img, [pts(xy)], False, _c(colour), max(1, round(width)), cv2.LINE_AA, ss)

    # shoulders and clothing, neck
    sw = p.shoulder_width * w / 2
    ybase = cy + b * 0.92
    ellipse(cx, h + 0.08 * h, sw, h - ybase - 0.06 * h + 0.08 * h + 0.05 * h, clothes)
    nw = p.neck_width * a
    neck = np.array([[cx - nw, cy + b * 0.55], [cx + nw, cy + b * 0.55],
                     [cx + nw * 1.08, ybase + 0.07 * h], [cx, ybase + 0.13 * h],
                     [cx - nw * 1.08, ybase + 0.07 * h]])  # fmt: skip
    poly(neck, skin_dark)

    style = HAIR_STYLES[p.hair_style]
    vol = 0.04 + 0.08 * p.hair_volume
    if style == "long":
        wide, wider = a * (1.12 + vol), a * (1.25 + vol)
        back = np.array([[cx - wide, cy - b * 0.2], [cx + wide, cy - b * 0.2],
                         [cx + wider, ybase + 0.1 * h], [cx - wider, ybase + 0.1 * h]])  # fmt: skip
        poly(back, hair * 0.9)
        ellipse(cx, cy - b * 0.15, a * (1.12 + vol), b * (1.0 + vol / 2), hair * 0.9)
    elif style == "tied_back":
        ellipse(cx, top - b * 0.02, a * 0.32, a * 0.28, hair * 0.9)

    # ears, head outline (jaw narrows the lower half)
    ear_h = p.ear_size * hh
    ey = top + p.eye_height * hh
    for side in (-1, 1):
        ellipse(cx + side * a * 0.97, ey + ear_h * 0.25, ear_h * 0.3, ear_h * 0.5, skin_dark)
        ellipse(cx + side * a * 0.97, ey + ear_h * 0.25, ear_h * 0.17, ear_h * 0.34, skin * 0.72)
    t = np.linspace(0.0, 2 * math.pi, 72, endpoint=False)
    sin_t = np.sin(t)
    narrow = 1.0 - (0.18 + 0.22 * p.jaw) * np.clip(sin_t, 0, None) ** 2
    chin = 1.0 + 0.04 * p.jaw * np.clip(sin_t, 0, None) ** 8
    head = np.column_stack([cx + a * np.cos(t) * narrow, cy + b * sin_t * chin])
    poly(head, skin)

    # hair on top of the head: a cap down to the hairline, shaped by style
    hairline_y = top + hh * (0.14 + 0.1 * p.hairline)
    if style != "receding":
        cap_top = top - vol * hh
        cap = np.column_stack([
            cx + a * (1.03 + vol) * np.cos(np.linspace(math.pi, 2 * math.pi, 36)),
            hairline_y + (hairline_y - cap_top) * np.sin(np.linspace(math.pi, 2 * math.pi, 36)),
        ])
        temple = np.array([[cx + a * (1.02 + vol * 0.5), ey - hh * 0.08],
                           [cx - a * (1.02 + vol * 0.5), ey - hh * 0.08]])  # fmt: skip
        poly(np.vstack([cap, temple]), hair)
        # the forehead: skin dome cut back into the cap (gives the hairline its curve)
        fh = np.column_stack([
            cx + a * 0.86 * np.cos(np.linspace(math.pi, 2 * math.pi, 24)),
            hairline_y + 0.5 * (ey - hairline_y)
            + (0.5 * (ey - hairline_y)) * np.sin(np.linspace(math.pi, 2 * math.pi, 24)),
        ])  # fmt: skip
        poly(np.vstack([fh, [[cx + a * 0.86, ey], [cx - a * 0.86, ey]]]), skin)
        if style == "side_part":
            sweep = np.array([[cx - a * 0.25, hairline_y - hh * 0.06],
                              [cx + a * 0.95, hairline_y - hh * 0.02],
                              [cx + a * 0.9, hairline_y + hh * 0.1],
                              [cx + a * 0.2, hairline_y + hh * 0.03]])  # fmt: skip
            poly(sweep, hair)
            parting = np.array([[cx - a * 0.25, hairline_y - hh * 0.05],
                                [cx - a * 0.32, cap_top + hh * 0.02]])  # fmt: skip
            line(parting, hair * 0.7, max(1.0, 0.006 * w))
        elif style == "curly":
            for k in range(11):
                ang = math.pi + math.pi * k / 10
                r = a * (0.16 + 0.1 * p.hair_volume)
                ellipse(cx + a * (1.0 + vol) * math.cos(ang), hairline_y
                        + (hairline_y - cap_top) * 0.9 * math.sin(ang), r, r, hair)  # fmt: skip
    else:  # receding: bands of hair above the ears, following the head outline
        band = max(2, round((0.1 + 0.08 * p.hair_volume) * a))
        for a0, a1 in ((160.0, 212.0), (-32.0, 20.0)):
            ellipse(cx, cy, a * 0.97, b * 0.97, hair, a0=a0, a1=a1, thickness=band)

    # eyes, brows
    half_gap = p.eye_spacing * hw / 2
    ew, eh = p.eye_size * hw / 2, p.eye_size * hw * 0.22
    iris = _palette(_EYES, p.eye_colour)
    brow_y = ey - p.brow_gap * hh
    for side in (-1, 1):
        ex = cx + side * half_gap
        ellipse(ex, ey, ew, eh, np.array([245.0, 243.0, 238.0]))
        ellipse(ex, ey, eh * 0.95, eh * 0.95, iris)
        ellipse(ex, ey, eh * 0.42, eh * 0.42, np.array([15.0, 12.0, 12.0]))
        ellipse(ex, ey, ew * 1.02, eh * 1.15, skin_dark * 0.7, a0=180, a1=360,
                thickness=max(1, round(0.012 * hw)))  # fmt: skip
        slope = math.tan(math.radians(p.brow_angle)) * side
        inner, outer = ex - side * ew * 1.1, ex + side * ew * 1.2
        brow = np.array([[inner, brow_y + slope * ew * 0.6],
                         [ex, brow_y - eh * 0.35],
                         [outer, brow_y - slope * ew * 0.6 + eh * 0.4]])  # fmt: skip
        line(brow, hair * 0.8 + skin * 0.2 if p.hair_grey < 0.7 else hair * 0.6,
             p.brow_thickness * hh)

    # nose, mouth
    nose_tip = ey + p.nose_length * hh
    nwid = p.nose_width * hw / 2
    line(np.array([[cx - half_gap * 0.25, ey + eh], [cx - nwid * 0.55, nose_tip - eh * 0.5],
                   [cx - nwid, nose_tip], [cx - nwid * 0.4, nose_tip + eh * 0.35]]),
         skin * 0.7, max(1.0, 0.01 * hw))  # fmt: skip
    line(np.array([[cx + nwid * 0.4, nose_tip + eh * 0.35], [cx + nwid, nose_tip]]),
         skin * 0.7, max(1.0, 0.01 * hw))  # fmt: skip
    for side in (-1, 1):
        ellipse(cx + side * nwid * 0.45, nose_tip + eh * 0.1, nwid * 0.2, eh * 0.25, skin * 0.55)
    my = nose_tip + p.mouth_gap * hh
    mw = p.mouth_width * hw / 2
    lip_h = p.lip_thickness * hh
    lips = skin * np.array([0.9, 0.66, 0.66]) + np.array([18.0, 0.0, 0.0])
    ellipse(cx, my - lip_h * 0.35, mw * 0.92, lip_h * 0.7, lips, a0=180, a1=360)
    ellipse(cx, my, mw * 0.85, lip_h, lips * 0.95, a0=0, a1=180)
    line(np.array([[cx - mw, my - lip_h * 0.1], [cx, my + lip_h * 0.05],
                   [cx + mw, my - lip_h * 0.1]]), lips * 0.55, max(1.0, 0.008 * hw))  # fmt: skip

    # facial hair
    beard = _BEARDS[p.beard]
    if beard in ("moustache", "full"):
        must = np.array([[cx - mw * 1.05, my - lip_h * 0.3], [cx - mw * 0.5, nose_tip + eh * 0.55],
                         [cx + mw * 0.5, nose_tip + eh * 0.55], [cx + mw * 1.05, my - lip_h * 0.3],
                         [cx, my - lip_h * 0.9]])  # fmt: skip
        poly(must, hair * 0.95)
    if beard in ("stubble", "full"):
        shade = hair * 0.9 if beard == "full" else skin * 0.75 + hair * 0.25
        low = t[(sin_t > 0.15)]
        jaw_pts = np.column_stack([
            cx + a * np.cos(low) * narrow[sin_t > 0.15],
            cy + b * np.sin(low) * chin[sin_t > 0.15],
        ])
        low_lip = my + lip_h * 2.2
        around = np.array([[cx + mw * 1.1, my - lip_h], [cx + mw * 0.7, low_lip],
                           [cx - mw * 0.7, low_lip], [cx - mw * 1.1, my - lip_h]])  # fmt: skip
        poly(np.vstack([jaw_pts, around]), shade)
        if beard == "full":
            ellipse(cx, my, mw * 0.8, lip_h * 0.9, lips * 0.95, a0=0, a1=180)

    # glasses
    if p.glasses:
        thick = max(1, round((0.008 if p.glasses == 1 else 0.02) * hw))
        frame = np.array([40.0, 36.0, 34.0]) if p.glasses == 2 else np.array([120.0, 110.0, 95.0])
        for side in (-1, 1):
            ellipse(cx + side * half_gap, ey + eh * 0.2, ew * 1.45, eh * 2.6, frame,
                    thickness=thick)  # fmt: skip
        line(np.array([[cx - half_gap + ew * 1.45, ey], [cx + half_gap - ew * 1.45, ey]]),
             frame, thick)  # fmt: skip
    return img


def _check_params(p: FaceParams) -> None:
    for f in fields(p):
        v = getattr(p, f.name)
        if f.name in _CATEGORIES:
            if not isinstance(v, int | np.integer) or not 0 <= int(v) < _CATEGORIES[f.name]:
                raise ValidationError("face category out of range", field=f.name, value=v)
        elif not isinstance(v, float | int) or not math.isfinite(v):
            raise ValidationError("face parameter must be a finite number", field=f.name, value=v)


def _palette(colours: NDArray[np.float64], t: float, *, smooth: bool = True) -> NDArray[np.float64]:
    """Colour at ``t`` in [0, 1] along a palette (linear between entries, or the nearest)."""
    t = min(max(t, 0.0), 1.0) * (len(colours) - 1)
    if not smooth:
        return np.asarray(colours[round(t)], dtype=np.float64)
    i = min(int(t), len(colours) - 2)
    f = t - i
    return np.asarray(colours[i] * (1 - f) + colours[i + 1] * f, dtype=np.float64)


def _c(colour: NDArray[np.float64]) -> tuple[int, int, int]:
    c = np.clip(np.rint(colour), 0, 255).astype(int)
    return int(c[0]), int(c[1]), int(c[2])


_PointMap = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _rotator(cx: float, cy: float, deg: float) -> _PointMap:
    """Rotation by ``deg`` (clockwise on screen, like cv2.ellipse angles) about (cx, cy)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    centre = np.array([cx, cy])
    m = np.array([[c, s], [-s, c]])

    def rot(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray((np.asarray(xy, np.float64) - centre) @ m + centre, np.float64)

    return rot
