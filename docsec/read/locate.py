"""Find MRZ bands in a capture without knowing the document model, at any angle and scale.

The MRZ (ICAO 9303-3 §4: two or three lines of OCR-B at a fixed 2.54 mm pitch, every
cell filled, fillers included) is the only text on a document whose lines are rows of
evenly spaced characters without word gaps. Two finders propose bands:

* **Character chains** (:func:`_chain_bands`, ranked first): dark strokes are picked
  out with black-hat filters on a downscaled gray image (any character size: a
  black-hat keeps strokes narrower than its kernel), the ink is cut into connected
  components, and every component is linked to its nearest neighbour of similar size a
  character's step away along the strongest directions those neighbours point in. The
  chains are pieces of text lines at any angle and pitch (9-60 px) that follow a curled
  line; pieces of one line are joined across gaps left by glare or a shadow's edge, and
  evenly spaced lines stacked at MRZ line spacing make bands of two or three lines.
  Such a band knows its pitch (:attr:`BandCandidate.pitch`).
* **Closing bars**: characters joined along the line direction with a short
  line-shaped closing (four directions 45° apart) at :attr:`LocateParams.pitches`,
  the resulting bars grouped into bands of two or three parallel bars of similar
  length; these catch lines whose characters blur has run together, so they are only
  looked for when no chain band of two or more lines was found. When one was, single
  lines shorter than an MRZ line are not proposed either (visual-zone print): every
  band proposed is read in both directions with two ink thresholds.

The working image is only reduced as far as keeps the smallest MRZ pitch of a capture
(9 px, a phone photo at arm's length) legible. Each :class:`BandCandidate` is a rotated
rectangle in the capture's pixel coordinates; the reader rectifies and reads it in both
directions (0° and 180°).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = [
    "LOCATE",
    "WORK_SIZE",
    "BandCandidate",
    "LocateParams",
    "find_mrz_bands",
    "mrz_shaped",
    "reads_turned",
]


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
    # -- the character-chain finder (rotation- and scale-free) --
    #: Working image pitch for the chain finder (pixels): below about 6 px blurred
    #: neighbours touch and a character is no longer one connected component.
    chain_work_pitch: float = 6.5
    #: Black-hat kernels of the chain finder (working pixels): a black-hat picks out dark
    #: strokes narrower than its kernel at any character size; the larger one keeps
    #: strokes widened by blur or a large pitch whole.
    chain_hats: tuple[int, ...] = (9, 19)
    #: Black-hat ink kept where it reaches this share of the strongest ink within four
    #: kernels (print under glare or in a shadow keeps its strokes).
    chain_ink: float = 0.4
    #: Extent of a character component (working pixels, longer side of its box): below
    #: 3 px it is noise, above 60 px a picture or a block.
    char_size: tuple[float, float] = (3.0, 60.0)
    #: Neighbours looked at per component (nearest first); enough to skip the line above.
    neighbours: int = 10
    #: Size ratio of two neighbouring characters ('<' is about 0.55 of a capital).
    size_ratio: tuple[float, float] = (0.45, 2.2)
    #: Step to the next character along the line, in the larger one's size (OCR-B
    #: pitch is 0.9-1.3 cap heights; a '<' after a capital is about two '<' sizes away).
    step: tuple[float, float] = (0.45, 2.6)
    #: Largest offset across the line per step along it (tan of about 14°: curl and
    #: perspective bend a line by a few degrees between neighbours).
    lean: float = 0.25
    #: Neighbour directions agreeing within 5° needed to try a line direction.
    min_votes: int = 12
    #: Line directions tried (the strongest peaks of the neighbour directions).
    max_directions: int = 3
    #: Pieces of a line shorter than this many characters are not kept on their own.
    min_piece: int = 5
    #: Characters a line needs (after joining its pieces): an MRZ line has 30-44, glare
    #: or a shadow may wipe out half of one.
    min_line: int = 14
    #: ... or this many when another such line is stacked on it at line spacing (two or
    #: three parallel rows of evenly spaced characters are rare outside an MRZ).
    min_stacked_line: int = 10
    #: Pieces of one line are joined across gaps up to this many pitches (glare, shade).
    join_gap: float = 9.0
    #: Share of a line's steps within 0.7-1.4 pitches for it to count as evenly spaced
    #: (fixed-pitch OCR-B; proportional text has uneven steps and word gaps).
    even_steps: float = 0.6
    #: Median height of a line's characters across the line, in pitches, below which the
    #: "line" is a rule of evenly spaced dashes or dots (a dashed page border, a
    #: perforation): OCR-B capitals stand 0.8-1.1 pitches tall and a filler '<' about
    #: half of that; a dash is one or two pixels thick (0.05-0.2 pitches). A line
    #: streaked by motion blur (0.8 pitch at 20 degrees) measured 0.298, so the
    #: bound sits between the two.
    min_glyph_height: float = 0.25
    #: Line spacing of one band, in pitches (Doc 9303: 1.4-2 pitches; blur and tilt).
    line_spacing: tuple[float, float] = (1.0, 2.9)
    #: Cells per line of a band shaped like an MRZ (:func:`mrz_shaped`): from a TD1 line
    #: (30 cells) of which glare or shade hides two fifths to a TD3 line (44) whose median
    #: step perspective shortened by a fifth.
    shaped_cells: tuple[float, float] = (18.0, 56.0)
    #: Lines of one band whose pitches (median steps) differ by more than this factor
    #: take the pitch of the line with the most characters (:func:`_chain_candidate`).
    pitch_spread: float = 1.1
    #: Character height over pitch (OCR-B cap height 2.0-2.6 mm at a 2.3-2.6 mm pitch):
    #: a chain band's thickness, in the units of a bar's.
    height_per_pitch: float = 0.85
    #: The closing bars (lines whose characters blur ran together) are only looked for
    #: when no chain band of two or more lines spans this many cells: where the lines
    #: of an MRZ were legible as characters, bars over them only repeat the band (and
    #: cost a third of the finder's time).
    bars_unless_cells: float = 25.0
    # -- which way a band's text likely reads (the order its two directions are read in) --
    #: Character pitch of the small upright sample of a band (pixels): enough to tell
    #: glyphs from paper, a few hundred pixels for a whole MRZ.
    order_pitch: float = 6.0
    #: Black-hat kernel (sample pixels, about 1.8 pitches: keeps whole strokes) and the
    #: window of the strongest ink nearby (4 pitches), as the chain finder's ink mask:
    #: glare and a shadow across the band leave the glyphs' share of it alone.
    order_hat: int = 11
    order_window: int = 24


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
    #: Character pitch measured along the lines (capture pixels), 0 when not measured
    #: (a closing bar's thickness only approximates it).
    pitch: float = 0.0

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


#: Shortest closing bar kept (working pixels): 30 characters of the smallest pitch tried.
_MIN_BAR = 50


def _bars(binary: np.ndarray, direction_deg: float, gap: int) -> list[_Bar]:
    p = LOCATE
    closed = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, _line_kernel(gap, direction_deg))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    bars = []
    for cnt in contours:
        if len(cnt) < 8:  # specks, fibres and glyph fragments
            continue
        _, _, bw, bh = cv2.boundingRect(cnt)
        if bw * bw + bh * bh < _MIN_BAR * _MIN_BAR:  # no rotated rectangle inside is long
            continue
        (cx, cy), (w, h), ang = cv2.minAreaRect(cnt)
        length, thick = (w, h) if w >= h else (h, w)
        angle = ang if w >= h else ang + 90.0
        if length < _MIN_BAR or thick < 3 or length < p.min_elongation * thick:
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


# ------------------------------------------------------------------ character chains


def _relative_ink(hat: np.ndarray, local_max: np.ndarray, share: float, floor: int) -> np.ndarray:
    """255 where ``hat > share * local_max`` and ``hat > floor`` (both ``uint8``), else 0.

    The least ink level passing both tests is tabulated for each of the 256 local maxima
    with the same arithmetic, so the mask is exactly that of the two tests on the image
    (at a third of their cost)."""
    least = _least_ink(share, floor)
    if least is None:  # some local maximum admits no ink at all: the tests themselves
        return ((hat > share * local_max) & (hat > floor)).astype(np.uint8) * 255
    return cv2.compare(hat, cv2.LUT(local_max, least), cv2.CMP_GE)


@functools.lru_cache(maxsize=8)
def _least_ink(share: float, floor: int) -> np.ndarray | None:
    """Per local maximum (0-255), the least ``uint8`` ink level ``h`` with
    ``h > share * maximum`` and ``h > floor``; None when for some maximum no level passes."""
    levels = np.arange(256, dtype=np.float64)
    passes = (levels[:, None] > share * levels[None, :]) & (levels[:, None] > floor)
    if not passes.any(axis=0).all():
        return None
    return np.asarray(passes.argmax(axis=0), dtype=np.uint8)


def _labelled(binary: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats`` (8-connected) of ``binary``: labels counted in
    16 bits when they fit (the same labels and statistics at half the cost of 32-bit
    labels), else in 32."""
    try:
        count, labels, stats, centres = cv2.connectedComponentsWithStats(
            binary, connectivity=8, ltype=cv2.CV_16U
        )
    except cv2.error:  # more than 65,535 components (a noise texture): 32-bit labels
        count, labels, stats, centres = cv2.connectedComponentsWithStats(binary, connectivity=8)
    return int(count), labels, stats, centres


def _components(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres ``(n, 2)``, sizes ``(n,)`` and second moments ``(n, 3)`` (variance along x,
    along y, covariance) of the character-sized ink components."""
    p = LOCATE
    count, labels, stats, centres = _labelled(binary)
    st = stats[1:].astype(np.float64)
    w, h, area = st[:, 2], st[:, 3], st[:, 4]
    size = np.maximum(w, h)
    ok = (
        (size >= p.char_size[0]) & (size <= p.char_size[1]) & (area >= 4)
        & (area <= 0.85 * w * h + 2)  # solid blocks are not characters
        & (np.minimum(w, h) * 8 >= size)  # neither are hairlines
    )  # fmt: skip
    # second moments of every component from its ink pixels (one pass over the ink, in
    # row order as np.nonzero gives it: cv2.findNonZero is three times faster)
    found = cv2.findNonZero(binary)
    xy = found.reshape(-1, 2) if found is not None else np.zeros((0, 2), np.int32)
    xs, ys = xy[:, 0], xy[:, 1]
    lab = labels[ys, xs]
    n = np.maximum(np.bincount(lab, minlength=count), 1).astype(np.float64)
    mx, my = np.bincount(lab, xs, count) / n, np.bincount(lab, ys, count) / n
    vxx = np.bincount(lab, xs.astype(np.float64) ** 2, count) / n - mx**2
    vyy = np.bincount(lab, ys.astype(np.float64) ** 2, count) / n - my**2
    vxy = np.bincount(lab, xs.astype(np.float64) * ys, count) / n - mx * my
    moments = np.column_stack([vxx, vyy, vxy])[1:]
    return np.asarray(centres[1:][ok], dtype=np.float64), size[ok], moments[ok]


def _neighbour_table(
    centres: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest neighbours (excluding self), a validity mask (found, similar size) and the
    larger size of each pair, each ``(n, k)``."""
    from scipy.spatial import cKDTree

    n = len(centres)
    k = min(LOCATE.neighbours, n)
    _, idx = cKDTree(centres).query(centres, k=k)
    idx = np.asarray(idx).reshape(n, k)[:, 1:]
    valid = idx < n
    nb = np.where(valid, idx, 0)
    ratio = sizes[:, None] / sizes[nb]
    lo, hi = LOCATE.size_ratio
    valid &= (ratio >= lo) & (ratio <= hi)
    return nb, valid, np.maximum(sizes[:, None], sizes[nb])


def _line_directions(centres: np.ndarray, nb: np.ndarray, valid: np.ndarray,
                     larger: np.ndarray) -> list[float]:  # fmt: skip
    """The strongest directions (degrees mod 180) from components to their nearest
    neighbour at a character's step: the directions text lines run in."""
    p = LOCATE
    d = np.linalg.norm(centres[nb] - centres[:, None, :], axis=2)
    ok = valid & (d >= p.step[0] * larger) & (d <= p.step[1] * larger)
    has = ok.any(axis=1)
    if not has.any():
        return []
    rows = np.flatnonzero(has)
    first = nb[rows, ok[rows].argmax(axis=1)]
    dv = centres[first] - centres[rows]
    angles = np.degrees(np.arctan2(dv[:, 1], dv[:, 0])) % 180.0
    hist = np.bincount((angles // 5).astype(np.int64) % 36, minlength=36).astype(np.float64)
    smooth = hist + 0.5 * (np.roll(hist, 1) + np.roll(hist, -1))
    peaks: list[float] = []
    for k in np.argsort(-smooth):
        if smooth[k] < p.min_votes or len(peaks) >= p.max_directions:
            break
        if smooth[k] < smooth[(k - 1) % 36] or smooth[k] < smooth[(k + 1) % 36]:
            continue
        centre = k * 5 + 2.5
        if any(_angle_diff(centre, q) < 15 for q in peaks):
            continue
        off = np.abs(angles - centre) % 180.0
        near = np.radians(2 * angles[np.minimum(off, 180.0 - off) <= 10])
        peaks.append(math.degrees(math.atan2(np.sin(near).mean(), np.cos(near).mean())) / 2
                     % 180.0)  # fmt: skip
    return peaks


def _chains(centres: np.ndarray, nb: np.ndarray, valid: np.ndarray, larger: np.ndarray,
            theta: float) -> list[np.ndarray]:  # fmt: skip
    """Chains of components each followed by its nearest character along ``theta``
    (every component has at most one successor and one predecessor), in line order."""
    p = LOCATE
    n = len(centres)
    rad = math.radians(theta)
    u = np.array([math.cos(rad), math.sin(rad)])
    v = np.array([-u[1], u[0]])
    dv = centres[nb] - centres[:, None, :]
    along, across = dv @ u, dv @ v
    ok = valid & (along > p.step[0] * larger) & (along < p.step[1] * larger)
    ok &= np.abs(across) <= p.lean * along + 0.1 * larger
    cost = np.where(ok, along + 3.0 * np.abs(across), np.inf)
    best = cost.argmin(axis=1)
    rows = np.arange(n)
    best_cost = cost[rows, best]
    succ = np.where(np.isfinite(best_cost), nb[rows, best], -1)
    # a component taken by several predecessors keeps the cheapest
    has = np.flatnonzero(succ >= 0)
    order = has[np.lexsort((best_cost[has], succ[has]))]
    _, first = np.unique(succ[order], return_index=True)
    keep = np.full(n, -1)
    keep[order[first]] = succ[order[first]]
    pred = np.full(n, -1)
    pred[keep[keep >= 0]] = np.flatnonzero(keep >= 0)
    out = []
    for start in np.flatnonzero((pred < 0) & (keep >= 0)):
        chain = [int(start)]
        while keep[chain[-1]] >= 0 and len(chain) < 4 * _MAX_CELLS:
            chain.append(int(keep[chain[-1]]))
        if len(chain) >= p.min_piece:
            out.append(np.array(chain))
    return out


#: Cells of the longest MRZ line (Doc 9303-3: TD3 and MRV-A).
_MAX_CELLS = 44


@dataclass
class _Line:
    pts: np.ndarray  # character centres in line order, working pixels
    pitch: float
    even: float  # share of evenly spaced steps
    comps: np.ndarray  # the characters' component indices, in line order

    def direction(self) -> np.ndarray:
        d = self.pts[-1] - self.pts[0]
        return np.asarray(d / max(float(np.hypot(*d)), 1e-6))


def _line(pts: np.ndarray, comps: np.ndarray) -> _Line:
    steps = np.hypot(*np.diff(pts, axis=0).T)
    pitch = float(np.median(steps))
    even = float(np.mean((steps > 0.7 * pitch) & (steps < 1.4 * pitch)))
    return _Line(pts, pitch, even, comps)


def _glyph_height(line: _Line, moments: np.ndarray) -> float:
    """Median extent of the line's characters across it, in pitches (from each ink
    component's spread: a uniform spread of height H has variance H^2 / 12)."""
    u = line.direction()
    v = np.array([-u[1], u[0]])
    m = moments[line.comps]
    var = v[0] ** 2 * m[:, 0] + v[1] ** 2 * m[:, 1] + 2 * v[0] * v[1] * m[:, 2]
    return float(np.median(np.sqrt(12.0 * np.maximum(var, 0.0)))) / max(line.pitch, 1e-6)


def _join(pieces: list[_Line]) -> list[_Line]:
    """Pieces of one printed line joined across gaps (glare, a shadow's edge, a merged
    blob): the next piece starts ahead of the last one's end, on its line, same pitch.

    Longer pieces are extended first, each by the nearest piece ahead of it; every pair
    is judged at once on arrays (a capture has a few hundred pieces)."""
    p = LOCATE
    lines = sorted(pieces, key=lambda ln: len(ln.pts), reverse=True)
    if len(lines) < 2:
        return lines
    ends = np.array([ln.pts[-1] for ln in lines])
    starts = np.array([ln.pts[0] for ln in lines])
    pitch = np.array([ln.pitch for ln in lines])
    u = np.array([ln.direction() for ln in lines])
    while len(lines) > 1:
        d = starts[None, :, :] - ends[:, None, :]  # [a, b]: from a's end to b's start
        gap = np.einsum("abk,ak->ab", d, u)
        off = np.abs(d[:, :, 1] * u[:, None, 0] - d[:, :, 0] * u[:, None, 1])
        ratio = pitch[None, :] / pitch[:, None]
        ok = (ratio > 0.7) & (ratio < 1.4) & (gap > 0.5 * pitch[:, None])
        ok &= (gap < p.join_gap * pitch[:, None]) & (off < 0.6 * pitch[:, None])
        np.fill_diagonal(ok, False)
        rows = np.flatnonzero(ok.any(axis=1))
        if not rows.size:
            break
        a = int(rows[0])
        b = int(np.argmin(np.where(ok[a], gap[a], np.inf)))
        first, second = lines[a], lines[b]
        merged = _line(np.vstack([first.pts, second.pts]),
                       np.concatenate([first.comps, second.comps]))  # fmt: skip
        merged.pitch, merged.even = first.pitch, max(first.even, second.even)
        keep = [k for k in range(len(lines)) if k not in (a, b)]
        lines = [lines[k] for k in keep] + [merged]
        ends = np.vstack([ends[keep], merged.pts[-1]])
        starts = np.vstack([starts[keep], merged.pts[0]])
        pitch = np.append(pitch[keep], merged.pitch)
        u = np.vstack([u[keep], merged.direction()])
    return lines


def _stacked(a: _Line, b: _Line) -> bool:
    """Whether ``b`` is the next MRZ line after ``a``: parallel, same pitch, at line
    spacing, overlapping along the line."""
    p = LOCATE
    if not 0.75 < b.pitch / a.pitch < 1.33:
        return False
    u = a.direction()
    if abs(float(u @ b.direction())) < math.cos(math.radians(LOCATE.max_angle_diff)):
        return False
    v = np.array([-u[1], u[0]])
    a_along, b_along = a.pts @ u, b.pts @ u
    lo, hi = max(a_along.min(), b_along.min()), min(a_along.max(), b_along.max())
    shorter = min(np.ptp(a_along), np.ptp(b_along))
    if hi - lo < 0.5 * shorter:
        return False
    sel = (b_along >= lo) & (b_along <= hi)
    if not sel.any():  # the overlap falls between two of b's characters
        return False
    # across offset of b from a, each b character against the a character nearest along
    nearest = np.abs(a_along[None, :] - b_along[sel][:, None]).argmin(axis=1)
    across = float(np.median((b.pts[sel] - a.pts[nearest]) @ v))
    pitch = (a.pitch + b.pitch) / 2
    return bool(p.line_spacing[0] * pitch < abs(across) < p.line_spacing[1] * pitch)


def _chain_candidate(group: list[_Line], scale: float) -> BandCandidate:
    p = LOCATE
    pitches = [ln.pitch for ln in group]
    pitch = float(np.mean(pitches))
    if max(pitches) > p.pitch_spread * min(pitches):
        # the lines of one MRZ print at one pitch: one whose median step is that far off
        # is a piece of its line (glare, a shadow), a few uneven steps moved its median
        pitch = max(group, key=lambda ln: len(ln.pts)).pitch
    u = group[0].direction()
    v = np.array([-u[1], u[0]])
    pts = np.vstack([ln.pts for ln in group])
    half = 0.5 * pitch * u, 0.5 * p.height_per_pitch * pitch * v
    corners = np.vstack([pts + sa * half[0] + sb * half[1] for sa in (-1, 1) for sb in (-1, 1)])
    (cx, cy), (w, h), ang = cv2.minAreaRect(corners.astype(np.float32))
    length, height = (w, h) if w >= h else (h, w)
    angle = (ang if w >= h else ang + 90.0) % 180.0
    cells = length / pitch
    count = float(np.mean([len(ln.pts) for ln in group]))
    even = float(np.mean([ln.even for ln in group]))
    # ranked before the closing bars: lines of evenly spaced characters, 30-44 of them
    score = (3.0 + len(group) - 2.0 * abs(math.log(max(cells, 1.0) / 37.0)) + even
             + min(count / cells, 1.0))  # fmt: skip
    return BandCandidate(
        centre_xy=(cx / scale, cy / scale),
        length=length / scale,
        height=height / scale,
        angle_deg=angle,
        lines=len(group),
        thickness=p.height_per_pitch * pitch / scale,
        score=score,
        pitch=pitch / scale,
    )


def _chain_bands(gray: np.ndarray) -> list[BandCandidate]:
    """Bands of one to three evenly spaced character chains at any angle and scale."""
    p = LOCATE
    rows, cols = gray.shape[:2]
    legible = p.chain_work_pitch / p.min_capture_pitch
    scale = max(_work_scale(rows, cols), min(1.0, legible, p.max_work_size / max(rows, cols)))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if (
        scale < 1.0
    ) else gray
    out: list[BandCandidate] = []
    for ksize in p.chain_hats:
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (ksize, ksize))
        hat = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, kernel)
        local_max = cv2.dilate(hat, cv2.getStructuringElement(cv2.MORPH_RECT, (4 * ksize,) * 2))
        binary = _relative_ink(hat, local_max, p.chain_ink, p.min_ink)
        centres, sizes, moments = _components(binary)
        if len(centres) < p.min_line:
            continue
        nb, valid, larger = _neighbour_table(centres, sizes)
        for theta in _line_directions(centres, nb, valid, larger):
            pieces = [_line(centres[c], c) for c in _chains(centres, nb, valid, larger, theta)]
            lines = [ln for ln in _join(pieces) if len(ln.pts) >= p.min_stacked_line
                     and ln.even >= p.even_steps
                     and _glyph_height(ln, moments) >= p.min_glyph_height]  # fmt: skip
            u = np.array([math.cos(math.radians(theta)), math.sin(math.radians(theta))])
            v = np.array([-u[1], u[0]])
            lines.sort(key=lambda ln: float(np.median(ln.pts @ v)))
            for i, line in enumerate(lines):
                if len(line.pts) >= p.min_line:
                    out.append(_chain_candidate([line], scale))
                for j in range(i + 1, len(lines)):
                    if not _stacked(line, lines[j]):
                        continue
                    out.append(_chain_candidate([line, lines[j]], scale))
                    for k in range(j + 1, len(lines)):
                        if _stacked(lines[j], lines[k]):
                            out.append(_chain_candidate([line, lines[j], lines[k]], scale))
    return out


def _work_scale(rows: int, cols: int) -> float:
    """Scale of the working image: at most :attr:`LocateParams.work_size` on the long
    side, unless that would shrink the smallest MRZ pitch below ``min_work_pitch``."""
    p = LOCATE
    longest = max(rows, cols)
    scale = min(1.0, p.work_size / longest)
    legible = min(1.0, p.min_work_pitch / p.min_capture_pitch, p.max_work_size / longest)
    return max(scale, legible)


def _inside(cand: BandCandidate, band: BandCandidate) -> bool:
    """Whether ``cand`` is one of the lines of a multi-line chain ``band`` (or a bar over
    them): parallel, its centre within the band, no longer than it. The band's patch
    holds it with the lines around it, so reading it again only costs time."""
    if band.lines < 2 or not band.pitch or cand.lines > band.lines:
        return False
    if _angle_diff(cand.angle_deg, band.angle_deg) > LOCATE.max_angle_diff:
        return False
    a = math.radians(band.angle_deg)
    d = np.subtract(cand.centre_xy, band.centre_xy)
    along = abs(float(d[0] * math.cos(a) + d[1] * math.sin(a)))
    across = abs(float(-d[0] * math.sin(a) + d[1] * math.cos(a)))
    return (along < 0.25 * band.length and across < band.height / 2
            and cand.length < 1.15 * band.length)  # fmt: skip


def _bar_bands(gray: np.ndarray) -> list[BandCandidate]:
    """Bands of one to three closing bars (characters joined along the line)."""
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
        binary = _relative_ink(hat, local_max, p.relative_ink, p.min_ink)
        gap = int(1.15 * pitch)  # runs of "<" leave almost a pitch of paper per row
        for direction in p.directions:
            for group in _group(_bars(binary, direction, gap)):
                candidates.append(_candidate(group, scale))
    return candidates


def find_mrz_bands(gray: np.ndarray, *, max_candidates: int = 8) -> list[BandCandidate]:
    """Candidate MRZ bands of a gray capture, best first (may be empty)."""
    p = LOCATE
    candidates: list[BandCandidate] = _chain_bands(gray)
    stacked = any(c.lines >= 2 and c.length >= p.bars_unless_cells * c.pitch for c in candidates)
    # single lines are kept even beside such a band: a piece of an MRZ line whose band did
    # not read may still read (dropping the short ones lost a mild TD2 of the independent
    # set for a sixth less reading time)
    if not stacked:
        candidates += _bar_bands(gray)
    candidates.sort(key=lambda c: -c.score)
    kept: list[BandCandidate] = []
    for cand in candidates:
        duplicate = any(
            (math.dist(cand.centre_xy, k.centre_xy) < 0.3 * k.height + 2
             and _angle_diff(cand.angle_deg, k.angle_deg) < 5
             and abs(cand.length - k.length) < 0.1 * k.length)
            or _inside(cand, k)
            for k in kept
        )  # fmt: skip
        if not duplicate:
            kept.append(cand)
        if len(kept) >= max_candidates:
            break
    return kept


def mrz_shaped(band: BandCandidate) -> bool:
    """Whether ``band`` is shaped like an MRZ: two or three lines of about as many cells
    as an MRZ line holds (:attr:`LocateParams.shaped_cells`; a closing bar's cells are
    counted at its thickness over :attr:`LocateParams.height_per_pitch`)."""
    lo, hi = LOCATE.shaped_cells
    pitch = band.pitch or band.thickness / LOCATE.height_per_pitch
    return band.lines >= 2 and lo <= band.length / max(pitch, 1e-6) <= hi


def reads_turned(gray: np.ndarray, band: BandCandidate) -> bool:
    """Whether ``band``'s text more likely reads turned by 180 degrees from its
    ``angle_deg`` (the reader then tries that direction first).

    An MRZ's fillers ``<`` gather at the right ends of its lines (names, optional data;
    Doc 9303-3 §4.2) and a filler holds less ink than a letter or digit, so the band's
    right third holds less ink than its left one. Ink is counted on a small upright
    sample of the band with the chain finder's locally relative mask, so a lighting
    gradient, glare or a shadow across the band does not decide. On the reading
    benchmark's 310 images (generator and independent set, seed 9303) it named the
    direction the MRZ read in for 255 of 264 bands (the misses: hard photos whose thirds
    held about as much ink), the band's own direction for 137."""
    p = LOCATE
    scale = p.order_pitch / max(band.pitch or band.thickness, 1.0)
    width = max(3, int(band.length * scale))
    height = max(1, int(band.height * scale))
    a = math.radians(band.angle_deg)
    u = np.array([math.cos(a), math.sin(a)])
    v = np.array([-u[1], u[0]])
    lin = np.column_stack([u, v]) / scale
    origin = np.asarray(band.centre_xy) - lin @ np.array([width / 2, height / 2])
    sample_to_capture = np.column_stack([lin, origin])
    sample = cv2.warpAffine(gray, sample_to_capture, (width, height),
                            flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                            borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    square = cv2.MORPH_RECT
    hat = cv2.morphologyEx(sample, cv2.MORPH_BLACKHAT,
                           cv2.getStructuringElement(square, (p.order_hat,) * 2))  # fmt: skip
    local_max = cv2.dilate(hat, cv2.getStructuringElement(square, (p.order_window,) * 2))
    ink = np.count_nonzero(_relative_ink(hat, local_max, p.chain_ink, p.min_ink), axis=0)
    third = width // 3
    return bool(ink[:third].sum() < ink[width - third :].sum())
