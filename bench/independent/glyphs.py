"""OCR-B print of MRZ lines by renderers other than FreeType's.

The glyph outlines of the *Sharp* cut of OCR-B (``OCRBS.otf`` of Debian ``fonts-ocr-b``;
docsec prints and trains with the regular cut ``OCRB.otf`` through FreeType) are read
with fontTools, flattened to polygons and filled here:

* ``outline``: polygon fill at 4x supersampling, area-averaged (smooth edges);
* ``aliased``: polygon fill at 1x, no anti-aliasing (pixel-snapped, like a bitmap font);
* ``dotmatrix``: the glyph sampled on a dot grid and printed as round dots;
* ``engraved``: thin strokes with uneven depth, like laser engraving in polycarbonate.

Stroke weight changes by dilation or erosion of the supersampled fill. The result is
an ink coverage mask (0 paper, 1 ink) of the whole MRZ block.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from fontTools.pens.basePen import BasePen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

FONT = "/usr/share/fonts/opentype/ocr-b/OCRBS.otf"
RENDERERS = ("outline", "aliased", "dotmatrix", "engraved")
SUPER = 4


@dataclass(frozen=True)
class PrintStyle:
    """How an MRZ is printed: renderer, stroke weight (supersampled pixels), geometry in mm."""

    renderer: str
    weight: int
    pitch_mm: float
    cap_mm: float
    line_mm: float

    @staticmethod
    def random(rng: np.random.Generator, renderers: tuple[str, ...] = RENDERERS) -> PrintStyle:
        renderer = str(rng.choice(renderers))
        weight = int(rng.integers(-2, 3)) if renderer in ("outline", "aliased") else 0
        return PrintStyle(renderer, weight, float(rng.uniform(2.3, 2.6)),
                          float(rng.uniform(2.0, 2.6)), float(rng.uniform(3.4, 4.4)))  # fmt: skip


class _FlatPen(BasePen):  # type: ignore[misc]
    def __init__(self, glyph_set: object) -> None:
        super().__init__(glyph_set)
        self.contours: list[np.ndarray] = []
        self._points: list[tuple[float, float]] = []

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self._points = [pt]

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self._points.append(pt)

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float],
                    p3: tuple[float, float]) -> None:  # fmt: skip
        p0 = np.array(self._points[-1])
        a, b, c = np.array(p1), np.array(p2), np.array(p3)
        for t in np.linspace(0.125, 1.0, 8):
            s = 1 - t
            q = s**3 * p0 + 3 * s * s * t * a + 3 * s * t * t * b + t**3 * c
            self._points.append((float(q[0]), float(q[1])))

    def _closePath(self) -> None:
        if len(self._points) > 2:
            self.contours.append(np.array(self._points))
        self._points = []

    _endPath = _closePath


@cache
def _outlines() -> tuple[dict[str, list[np.ndarray]], float, float]:
    """Polygons of every MRZ character in font units, the advance and the cap height."""
    font = TTFont(FONT)
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    out = {}
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<":
        pen = _FlatPen(glyphs)
        glyphs[cmap[ord(ch)]].draw(pen)
        out[ch] = pen.contours
    bounds = BoundsPen(glyphs)
    glyphs[cmap[ord("H")]].draw(bounds)
    cap = float(bounds.bounds[3] - bounds.bounds[1])
    advance = float(glyphs[cmap[ord("H")]].width)
    return out, advance, cap


def render_mrz(lines: tuple[str, ...], style: PrintStyle, px_per_mm: float,
               rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Ink coverage ``float32`` of the MRZ block; one pitch of margin around it."""
    outlines, advance, cap = _outlines()
    pitch = style.pitch_mm * px_per_mm
    cap_px = style.cap_mm * px_per_mm
    line_px = style.line_mm * px_per_mm
    n = max(len(t) for t in lines)
    width = int(np.ceil(pitch * (n + 2)))
    height = int(np.ceil(line_px * (len(lines) - 1) + cap_px + 2 * pitch))
    s = 1 if style.renderer == "aliased" else SUPER
    canvas: np.ndarray = np.zeros((height * s, width * s), np.uint8)
    scale = cap_px / cap
    jitter = 0.02 * pitch
    for j, text in enumerate(lines):
        baseline = pitch + cap_px + j * line_px
        for k, ch in enumerate(text):
            x0 = pitch * (k + 1.5) - advance * scale / 2 + rng.normal(0, jitter)
            y0 = baseline + rng.normal(0, jitter)
            polys = [
                np.round(np.column_stack([x0 + c[:, 0] * scale, y0 - c[:, 1] * scale]) * s * 8)
                .astype(np.int32)
                for c in outlines[ch]
            ]
            if polys:
                cv2.fillPoly(canvas, polys, 255, lineType=cv2.LINE_8, shift=3)
    if style.weight:
        kernel = np.ones((abs(style.weight) + 1,) * 2, np.uint8)
        canvas = cv2.dilate(canvas, kernel) if style.weight > 0 else cv2.erode(canvas, kernel)
    if style.renderer == "dotmatrix":
        canvas = _dots(canvas, cap_px * s / 8.5)
    elif style.renderer == "engraved":
        thin = cv2.erode(canvas, np.ones((max(2, int(0.03 * cap_px * s)),) * 2, np.uint8))
        canvas = thin if thin.any() else canvas
    mask: np.ndarray = canvas.astype(np.float32) / 255.0
    if s > 1:
        mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_AREA)
    if style.renderer == "engraved":
        depth = cv2.GaussianBlur(rng.uniform(0.55, 1.0, mask.shape).astype(np.float32), (0, 0), 1.2)
        mask = np.clip(mask * (0.6 + 0.6 * depth), 0.0, 1.0)
    return mask


def _dots(canvas: np.ndarray, step: float) -> np.ndarray:
    """Print a glyph fill as a grid of round dots ``step`` supersampled pixels apart."""
    out = np.zeros_like(canvas)
    radius = max(1, int(round(0.62 * step)))
    ys = np.arange(step / 2, canvas.shape[0], step)
    xs = np.arange(step / 2, canvas.shape[1], step)
    for y in ys:
        row = canvas[int(y)]
        for x in xs:
            if row[int(x)] > 127:
                cv2.circle(out, (int(x), int(y)), radius, 255, -1, lineType=cv2.LINE_AA)
    return out
