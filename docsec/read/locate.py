"""Find MRZ bands in a capture without knowing the document model, at any quarter turn.

The MRZ (ICAO 9303-3 §4: two or three lines of OCR-B at a fixed 2.54 mm pitch, every
cell filled, fillers included) is the only text on a document whose lines have no
word gaps. So: dark-on-light strokes are enhanced with a black-hat filter on a
downscaled gray image, characters are joined along the line direction with a short
line-shaped closing (along four directions 45° apart, which covers any rotation with
skew and perspective to spare), and the resulting bars are grouped into bands of two or
three parallel bars of similar length. The character pitch is not known: the filter
and the closing run at :attr:`LocateParams.pitches` on the working image, and the
working image is only reduced as far as keeps the smallest MRZ pitch of a capture
(9 px, a phone photo at arm's length) at :attr:`LocateParams.min_work_pitch` or more.
Each :class:`BandCandidate` is a rotated rectangle in the capture's pixel coordinates;
the reader rectifies and reads it in both directions (0° and 180°).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["LOCATE", "WORK_SIZE", "BandCandidate", "LocateParams", "find_mrz_bands"]


@dataclass(frozen=True, slots=True)
class LocateParams:
    """The band finder's thresholds, each with its reason."""

    #: Longest side of the working image (pixels): the filters' cost grows with its area.
    work_size: int = 800
    #: Smallest character pitch (capture pixels) a capture's MRZ may have: 9 px is a
    #: TD3 line 400 px long, what a phone at arm's length gives.
    min_capture_pitch: float = 9.0
    #: The working image is not reduced below this pitch for the smallest MRZ (pixels):
    #: under 5 px the strokes of OCR-B blend with the paper.
    min_work_pitch: float = 5.0
    #: Longest side allowed when keeping small print legible (pixels): a bound on cost.
    max_work_size: int = 1400
    #: Character pitches tried on the working image (pixels), small to large.
    pitches: tuple[int, ...] = (6, 9, 14, 22)
    #: Directions of the line-shaped closing (degrees); 45° apart, each covers ±22.5°.
    directions: tuple[float, ...] = (0.0, 45.0, 90.0, 135.0)
    #: Black-hat ink kept where it reaches this share of the strongest ink nearby.
    relative_ink: float = 0.45
    #: Black-hat response below this is paper texture, not ink (gray levels).
    min_ink: int = 12
    #: A joined line is at least this many times longer than thick (MRZ lines: 25-55).
    min_elongation: float = 15.0
    #: Share of the bar's rectangle its contour fills (bars are solid, scribbles not).
    min_fill: float = 0.45
    #: Ink share inside a bar: printed characters, neither solid blocks nor empty frames.
    ink_share: tuple[float, float] = (0.12, 0.72)
    #: Parallel bars of one band differ by at most this angle (degrees).
    max_angle_diff: float = 6.0
    #: Line spacing of one band, in bar thicknesses (Doc 9303: about 1.4-2 pitches).
    spacing: tuple[float, float] = (0.9, 5.0)


LOCATE = LocateParams()
#: Longest side of the downscaled image the band finder works on (pixels).
WORK_SIZE = LOCATE.work_size


@dataclass(frozen=True, slots=True)
class BandCandidate:
    """A possible MRZ band: centre, size along / across the lines, direction, line count.

    ``angle_deg`` is the direction of the lines in the capture (x right, y down), modulo
    180°; ``thickness`` is the mean bar thickness (about one character height) in
    capture pixels; ``score`` ranks candidates (larger is more MRZ-like).
    """

    centre_xy: tuple[float, float]
    length: float
    height: float
    angle_deg: float
    lines: int
    thickness: float
    score: float

    def corners_xy(self) -> np.ndarray:
        """The band's four corners ``(4, 2)`` in capture pixels."""
        a = math.radians(self.angle_deg)
        u = np.array([math.cos(a), math.sin(a)])
        v = np.array([-math.sin(a), math.cos(a)])
        c = np.array(self.centre_xy)
        hl, hh = self.length / 2, self.height / 2
        return np.array([c - hl * u - hh * v, c + hl * u - hh * v, c + hl * u + hh * v,
                         c - hl * u + hh * v])  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Bar:
    centre: np.ndarray
    length: float
    thickness: float
    angle: float  # degrees, modulo 180, direction of the bar's long axis


def _line_kernel(gap: int, direction_deg: float) -> np.ndarray:
    """A one-pixel line ``gap`` long at ``direction_deg`` (a closing along it joins the
    characters of a line printed in that direction)."""
    if direction_deg % 180 == 0:
        return np.ones((1, gap), np.uint8)
    if direction_deg % 180 == 90:
        return np.ones((gap, 1), np.uint8)
    a = math.radians(direction_deg)
    half = (gap - 1) / 2
    size = int(2 * math.ceil(half * max(abs(math.cos(a)), abs(math.sin(a)))) + 1)
    kernel = np.zeros((size, size), np.uint8)
    c = size // 2
    dx, dy = half * math.cos(a), half * math.sin(a)
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1, 1)
    return kernel


def _bars(binary: np.ndarray, direction_deg: float, gap: int) -> list[_Bar]:
    p = LOCATE
    closed = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, _line_kernel(gap, direction_deg))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    bars = []
    for cnt in contours:
        if len(cnt) < 8:  # specks, fibres and glyph fragments
            continue
        (cx, cy), (w, h), ang = cv2.minAreaRect(cnt)
        length, thick = (w, h) if w >= h else (h, w)
        angle = ang if w >= h else ang + 90.0
        if length < 50 or thick < 3 or length < p.min_elongation * thick:
            continue
        area = cv2.contourArea(cnt)
        if area < p.min_fill * length * thick:  # a bar is mostly filled; scribbles are not
            continue
        x, y, w_box, h_box = cv2.boundingRect(cnt)
        mask = np.zeros((h_box, w_box), np.uint8)
        cv2.drawContours(mask, [cnt - np.array([x, y])], -1, 255, thickness=-1)
        inside = cv2.countNonZero(mask)
        inked = cv2.countNonZero(cv2.bitwise_and(binary[y : y + h_box, x : x + w_box], mask))
        ink = inked / max(inside, 1)
        if not p.ink_share[0] < ink < p.ink_share[1]:  # characters, not blocks or frames
            continue
        bars.append(_Bar(np.array([cx, cy]), length, thick, angle % 180.0))
    return bars


def _angle_diff(a: float, b: float) -> float:
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


def _group(bars: list[_Bar]) -> list[list[_Bar]]:
    """Groups of 1-3 parallel bars of similar length stacked at line spacing."""
    groups: list[list[_Bar]] = []
    n = len(bars)
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            a, b = bars[i], bars[j]
            if _angle_diff(a.angle, b.angle) > LOCATE.max_angle_diff:
                continue
            if not 0.75 < a.length / b.length < 1.33:
                continue
            rad = math.radians(a.angle)
            u = np.array([math.cos(rad), math.sin(rad)])
            d = b.centre - a.centre
            along, across = float(d @ u), abs(float(d[0] * -u[1] + d[1] * u[0]))
            thick = max(a.thickness, b.thickness)
            if abs(along) > 0.2 * max(a.length, b.length):
                continue
            if not LOCATE.spacing[0] * thick < across < LOCATE.spacing[1] * thick:
                continue
            neighbours[i].append(j)
            neighbours[j].append(i)
    seen: set[frozenset[int]] = set()
    for i in range(n):
        groups.append([bars[i]])
        for j in neighbours[i]:
            pair = frozenset((i, j))
            if pair not in seen:
                seen.add(pair)
                groups.append([bars[i], bars[j]])
            for k in neighbours[j]:
                triple = frozenset((i, j, k))
                if len(triple) == 3 and triple not in seen:
                    seen.add(triple)
                    groups.append([bars[x] for x in sorted(triple)])
    return groups


def _candidate(group: list[_Bar], scale: float) -> BandCandidate:
    pts = []
    for bar in group:
        rad = math.radians(bar.angle)
        u = np.array([math.cos(rad), math.sin(rad)])
        v = np.array([-u[1], u[0]])
        for s in (-1, 1):
            for t in (-1, 1):
                pts.append(bar.centre + s * bar.length / 2 * u + t * bar.thickness / 2 * v)
    (cx, cy), (w, h), ang = cv2.minAreaRect(np.array(pts, dtype=np.float32))
    length, height = (w, h) if w >= h else (h, w)
    angle = (ang if w >= h else ang + 90.0) % 180.0
    thick = float(np.mean([b.thickness for b in group]))
    ratio = length / max(thick, 1.0)
    # MRZ lines hold 30-44 characters about as tall as their pitch: bars 25-55 times longer
    # than thick score best; three- and two-line bands beat single bars.
    shape = -3.0 * abs(math.log(ratio / 36.0))
    lengths = [b.length for b in group]
    evenness = -4.0 * (max(lengths) - min(lengths)) / max(lengths)
    score = len(group) * 1.0 + shape + evenness + length * scale / LOCATE.work_size
    return BandCandidate(
        centre_xy=(cx / scale, cy / scale),
        length=length / scale,
        height=height / scale,
        angle_deg=angle,
        lines=len(group),
        thickness=thick / scale,
        score=score,
    )


def _work_scale(rows: int, cols: int) -> float:
    """Scale of the working image: at most :attr:`LocateParams.work_size` on the long
    side, unless that would shrink the smallest MRZ pitch below ``min_work_pitch``."""
    p = LOCATE
    longest = max(rows, cols)
    scale = min(1.0, p.work_size / longest)
    legible = min(1.0, p.min_work_pitch / p.min_capture_pitch, p.max_work_size / longest)
    return max(scale, legible)


def find_mrz_bands(gray: np.ndarray, *, max_candidates: int = 8) -> list[BandCandidate]:
    """Candidate MRZ bands of a gray capture, best first (may be empty)."""
    p = LOCATE
    rows, cols = gray.shape[:2]
    scale = _work_scale(rows, cols)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if (
        scale < 1.0
    ) else gray
    candidates: list[BandCandidate] = []
    for pitch in p.pitches:  # character pitch at the working scale, small to large
        if pitch * 8 > max(small.shape):
            continue  # an MRZ line of 30 such characters would not fit
        ksize = int(1.3 * pitch) | 1
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (ksize, ksize))
        hat = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, kernel)
        # locally relative threshold: faint print under glare or in shade still counts
        local_max = cv2.dilate(hat, cv2.getStructuringElement(cv2.MORPH_RECT, (4 * ksize,) * 2))
        binary = ((hat > p.relative_ink * local_max) & (hat > p.min_ink)).astype(np.uint8) * 255
        gap = int(1.15 * pitch)  # runs of "<" leave almost a pitch of paper per row
        for direction in p.directions:
            for group in _group(_bars(binary, direction, gap)):
                candidates.append(_candidate(group, scale))
    candidates.sort(key=lambda c: -c.score)
    kept: list[BandCandidate] = []
    for cand in candidates:
        duplicate = any(
            math.dist(cand.centre_xy, k.centre_xy) < 0.3 * k.height + 2
            and _angle_diff(cand.angle_deg, k.angle_deg) < 5
            and abs(cand.length - k.length) < 0.1 * k.length
            for k in kept
        )
        if not duplicate:
            kept.append(cand)
        if len(kept) >= max_candidates:
            break
    return kept
