"""MRZ recognition from a located band: rectify, fit the character grid, classify, decode.

Geometry (ICAO 9303-3 §4.2): every MRZ cell holds one OCR-B character at a fixed pitch,
2 lines of 44 (TD3, MRV-A), 2 of 36 (TD2, MRV-B) or 3 of 30 (TD1). The band is warped
upright at about :data:`PATCH_PITCH` pixels a character; character blobs are found with
a black-hat filter and Otsu; blobs are clustered into lines and numbered along each line
by their spacing; a homography from grid coordinates ``(column, line)`` to the patch is
fitted to all blob centres with RANSAC, so perspective foreshortening along a line is
followed. Every line is then resampled to the canonical strip of :mod:`docsec.ocr.ocrb`
and classified cell by cell, and its cells are checked against its glyphs
(:func:`misplaced_cells`): a character whose cell does not hold exactly one glyph
centred in it is never trusted, however sure the recogniser is of it.

The line counts and lengths come from :mod:`docsec.mrz.formats`; decoding the class
probabilities (corrections, check digits, trust) is the image-free
:mod:`docsec.read.decode`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from docsec.mrz.countries import category
from docsec.mrz.formats import LAYOUTS, MRZFormat
from docsec.ocr.ocrb import (
    CLASSES,
    CROP_H,
    MARGIN,
    N_OUTPUTS,
    PITCH,
    STRIP_H,
    CellReading,
    OcrbClassifier,
    cell_features,
    normalise_strip,
    strip_width,
)
from docsec.read.decode import (
    CLASS_INDEX,
    DOCUMENT_CODE_FIRST,
    FORMATS_BY_SHAPE,
    LOW_CONFIDENCE,
    UNSURE,
    Correction,
    Decoded,
    date_shaped,
    decode_cells,
    format_for,
    name_structure_ok,
)
from docsec.read.locate import BandCandidate
from docsec.read.params import GRID, REPORT

__all__ = [
    "LOW_CONFIDENCE",
    "UNSURE",
    "BandRead",
    "Correction",
    "Decoded",
    "decode_cells",
    "misplaced_cells",
    "name_structure_ok",
    "read_band",
    "second_opinion",
]

#: Character pitch of the upright band patch, in pixels.
PATCH_PITCH = 24.0
#: Cells of the longest MRZ line (TD3, MRV-A), from :mod:`docsec.mrz.formats`.
_LONGEST_LINE = max(n for _, n in FORMATS_BY_SHAPE)
#: Cells of the shortest MRZ line (TD1).
_SHORTEST_LINE = min(n for _, n in FORMATS_BY_SHAPE)
#: A line of characters ending within this many pitches of the patch edge may go on
#: beyond it (the patch's own margin is two bar thicknesses or more).
_EDGE_PITCHES = 1.0
#: Share of the band's length added on each side the text reaches: a bar found over
#: 30 of 44 cells misses up to 14, about half its length.
_EXTEND = 0.6
#: Shifts ``(dx, dy)`` of the cell window (canonical strip pixels, a tenth of a pitch)
#: the recogniser also looks through, the grid's own first: a curled, sheared or
#: blurred line leaves characters a few pixels off the fitted grid.
_SHIFTS = ((0, 0), (-2, 0), (2, 0), (0, -2), (0, 2))
#: Grids of one band read through every shifted window, best first by their reading on
#: the grid alone: the others lose to them anyway, at a fifth of the cost each.
_FULL_READS = 2
#: A blob continues a line when it is within this share of a pitch across from the
#: line's last blob (lines are 1.4-2 pitches apart; blob centres wander by ~0.2).
_LINE_DRIFT = 0.45
#: ... plus this share of a pitch for every pitch of gap (a curled line's slope).
_LINE_LEAN = 0.06
#: A line is followed across gaps of up to this many pitches (glare wipes out cells).
_LINE_GAP = 12.0
#: Between glyphs farther apart than this many pitches glyphs are missing (faint print,
#: glare), not merely spaced wide by a grid fitted a cell short.
_GAP_PITCHES = 1.6
#: Residuals of the character centres from the grid larger than this share of a pitch
#: are not followed (a misplaced blob, a merged pair), when fitting a line's bend.
_BEND_OUTLIER = 0.3
#: A line's bend is followed only when the fit moves some cell by this many patch
#: pixels or more (an eighth of a pitch); below it the straight grid stands.
_BEND_MIN = 3.0
#: Ink density of a normalised strip above which a pixel is a glyph's when the cells are
#: moved onto the glyphs (:func:`_column_shifts`): print under glare keeps 0.15-0.3 of
#: the line's contrast, which :attr:`GridParams.ink` (0.3) loses.
_REFINE_INK = 0.15
#: A line's cells are moved onto its glyphs only when the fit moves some cell by this
#: share of a pitch or more: below it the recogniser's window holds the glyph anyway.
_REFINE_MIN = 0.2
#: ... and never by more than this many pitches: a fit that far off numbered the glyphs
#: wrongly (other ink, glyphs run together), and the grid's own shifts cover whole cells.
_REFINE_MAX = 1.2
#: A line is refined only when this share of its cells holds a glyph found.
_REFINE_FOUND = 0.75
#: Grids of one band (best first by their reading on the grid alone) whose cells are moved
#: onto the glyphs and whose faint print is stretched when their check digits do not all
#: pass.
_REFINE_READS = 2
#: A cell's ink is stretched to full density (:func:`_stretched`) when its darkest ink
#: reaches less than this density: glare leaves print at 0.15-0.5, clear print reaches 1.
_FAINT = 0.6
#: ... by at most this factor: paper under glare with JPEG noise reaches about 0.1, which
#: must not become ink.
_STRETCH_MAX = 4.0
#: Share of a stretched cell's probabilities kept (the rest spread over every output), so
#: that it is never above :attr:`DecodeParams.unsure` (0.95): a check digit may change
#: it, and two of them in one span vouch for neither.
_FAINT_KEEP = 0.9


@dataclass(frozen=True)
class BandRead:
    """The reading of one band in one direction.

    ``quad_xy`` are the MRZ corners in capture pixels (top-left of the first character
    cell, top-right of the last cell of line 1, bottom-right and bottom-left of the last
    line), ``direction_deg`` the direction of the text lines in the capture (clockwise
    from the x axis), ``grid_to_capture`` the homography from grid ``(column, line)``
    (0-based, character centres) to capture pixels. ``strips`` are the
    rectified gray lines (canonical strips) and ``proba`` the per-line class
    probabilities, kept for the Tesseract second opinion. ``complete`` is False when
    the line held more printed cells than the format (the reading is a window).
    """

    format: MRZFormat
    lines: tuple[str, ...]
    cells: tuple[tuple[CellReading, ...], ...]
    corrections: tuple[Correction, ...]
    checks_passed: int
    checks_total: int
    unverified_low: int
    syntax_ok: bool
    mean_confidence: float
    quad_xy: np.ndarray
    direction_deg: float
    grid_to_capture: np.ndarray
    strips: tuple[np.ndarray, ...] = ()
    proba: tuple[np.ndarray, ...] = ()
    complete: bool = True
    #: 0-based ``(line, column)`` of every character no passing check digit vouches for
    #: that was read below :attr:`TrustParams.trust_unchecked` or whose cell is
    #: misplaced on its glyph (:attr:`misplaced`).
    unsure: tuple[tuple[int, int], ...] = ()
    #: Characters below :attr:`DecodeParams.low_confidence` no check digit vouches for.
    low_count: int = 0
    #: Check digits over non-empty data that pass (a filler digit over fillers excluded).
    checks_meaningful: int = 0
    #: Probability of each character read among those its field can hold.
    confidence: tuple[tuple[float, ...], ...] = ()
    #: What went wrong on the way (a failed Tesseract second opinion...).
    warnings: tuple[str, ...] = ()
    #: 0-based ``(line, column)`` of the cells off their glyph (:func:`misplaced_cells`).
    misplaced: tuple[tuple[int, int], ...] = ()

    @property
    def score(self) -> float:
        """Ranking among readings: checks passed first, then confidence."""
        frac = self.checks_passed / self.checks_total if self.checks_total else 0.5
        penalty = 0.05 * self.low_count + (0.0 if self.syntax_ok else 0.3)
        penalty += 0.0 if self.complete else 0.5
        return 2.0 * frac + self.mean_confidence - penalty

    @property
    def plausible(self) -> bool:
        """Whether this is an MRZ at all (:class:`~docsec.read.params.ReportParams`): a
        document code, a name, and at least two check digits over real data that pass
        (all of them when the reading is a window of a longer printed line)."""
        if self.lines[0][:1] not in DOCUMENT_CODE_FIRST:
            return False
        if self.low_count > REPORT.max_low_share * sum(len(line) for line in self.lines):
            return False  # mostly guesses: a few check digits pass by chance
        # a document code read as another letter and replaced by the format's (P for a
        # TD3...) is no evidence of an MRZ: one more passing check digit stands in
        recoded = any(c.line == 1 and c.column == 1 for c in self.corrections)
        if self.checks_meaningful < REPORT.min_checks + int(recoded):
            return False
        if not self.complete and self.checks_passed < self.checks_total:
            # a window of a longer printed line (other print, or MRZ-like text run on
            # into more): any window passes a check digit one time in ten
            return False
        layout = LAYOUTS[self.format]
        holder = layout.field("name")
        letters = sum(c != "<" for c in self.lines[holder.line][holder.start : holder.stop])
        if letters < REPORT.min_name_letters:
            return False  # fillers where the holder's name must be: other print
        for name in ("date_of_birth", "date_of_expiry"):
            f = layout.field(name)
            text = self.lines[f.line][f.start : f.stop]
            if not date_shaped(text):
                return False
        state = layout.field("issuing_state")
        code = self.lines[state.line][state.start : state.stop].rstrip("<")
        return category(code) is not None or self.checks_meaningful > REPORT.min_checks

    @property
    def trusted(self) -> bool:
        """All check digits pass, the fields are well formed, every character is vouched
        for by a check digit or read surely (``unsure`` empty), and the grid covered the
        whole printed line (``complete``)."""
        return (
            self.checks_passed == self.checks_total
            and self.unverified_low == 0
            and self.syntax_ok
            and self.complete
        )

    def char_confidence(self) -> list[list[float]]:
        """Per-character confidence, line by line."""
        return [[round(c.confidence, 4) for c in line] for line in self.cells]

    def final_confidence(self) -> list[list[float]]:
        """Probability of each character of :attr:`lines` (after corrections) among the
        characters its field can hold, line by line (what ``unsure`` is judged on)."""
        if not self.confidence:
            return self.char_confidence()
        return [list(row) for row in self.confidence]


# ---------------------------------------------------------------------------- geometry


def _band_patch(
    gray: np.ndarray, band: BandCandidate, pitch: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Upright patch of the band (lines horizontal) and the patch -> capture homography.

    ``pitch`` is the character pitch in capture pixels when known; the band's bar
    thickness (about one character height, blur included) stands in for it otherwise.
    """
    scale = PATCH_PITCH / max(pitch or band.thickness, 4.0)
    # generous margins: bars can stop short of faint line ends, and a band of two found
    # bars may be the first two of three lines
    pad_x = 0.2 * band.length + 2.0 * band.thickness
    pad_y = 2.6 * band.thickness
    width = int(round((band.length + 2 * pad_x) * scale))
    height = int(round((band.height + 2 * pad_y) * scale))
    a = math.radians(band.angle_deg)
    u = np.array([math.cos(a), math.sin(a)])
    v = np.array([-math.sin(a), math.cos(a)])
    c = np.array(band.centre_xy)
    # patch (px, py) -> capture: c + ((px - w/2) u + (py - h/2) v) / scale
    lin = np.column_stack([u, v]) / scale
    origin = c - lin @ np.array([width / 2, height / 2])
    patch_to_cap = np.array([[*lin[0], origin[0]], [*lin[1], origin[1]], [0.0, 0.0, 1.0]])
    patch = cv2.warpAffine(
        gray, patch_to_cap[:2], (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip
    return patch, patch_to_cap


@dataclass(frozen=True, slots=True)
class _Blob:
    x: float
    y: float
    w: float
    h: float
    fill: float = 0.5  # ink share of the bounding box


def _blobs(patch: np.ndarray, *, loose: bool = False, local: bool = False) -> list[_Blob]:
    """Character-sized ink blobs of a band patch (``loose``: any size, to measure the scale;
    ``local``: locally relative threshold instead of Otsu's global one)."""
    k = int(PATCH_PITCH * 1.6) | 1
    hat = cv2.morphologyEx(
        patch, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    if local:
        # threshold relative to the strongest ink within a few pitches: print fading under
        # a lighting gradient or glare keeps its blobs (more noise blobs too: a fallback)
        window = cv2.getStructuringElement(
            cv2.MORPH_RECT, (int(4 * PATCH_PITCH), int(2 * PATCH_PITCH))
        )
        local_max = cv2.dilate(hat, window)
        binary: np.ndarray = ((hat > 0.4 * local_max) & (hat > 10)).astype(np.uint8)
    else:
        level, binary = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        if level < 10:
            _, binary = cv2.threshold(hat, 10, 255, cv2.THRESH_BINARY)
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if loose:
            if 4 <= h <= 3 * PATCH_PITCH and 2 <= w <= 3 * PATCH_PITCH:
                out.append(_Blob(x + w / 2, y + h / 2, float(w), float(h), area / (w * h)))
            continue
        if not 0.45 * PATCH_PITCH <= h <= 1.6 * PATCH_PITCH:
            continue
        if w < 0.2 * PATCH_PITCH or area < 0.08 * w * h:
            continue
        out.append(_Blob(x + w / 2, y + h / 2, float(w), float(h), area / (w * h)))
    return out


def _cluster_lines(blobs: list[_Blob]) -> list[list[_Blob]]:
    """Blobs grouped into text lines by following each line from left to right.

    A blob joins the line whose last blob is nearest across, within :data:`_LINE_DRIFT`
    of a pitch plus :data:`_LINE_LEAN` per pitch of gap: a curled or bent page bends
    its lines by up to a pitch over their length, which a cut at fixed heights would
    split, while the next line is 1.4-2 pitches away.
    """
    tracks: list[list[_Blob]] = []
    for blob in sorted(blobs, key=lambda b: b.x):
        best, best_dy = None, math.inf
        for track in tracks:
            last = track[-1]
            gap = blob.x - last.x
            if gap > _LINE_GAP * PATCH_PITCH:
                continue
            dy = abs(blob.y - last.y)
            reach = _LINE_DRIFT + _LINE_LEAN * max(gap / PATCH_PITCH - 1.0, 0.0)
            if dy < reach * PATCH_PITCH and dy < best_dy:
                best, best_dy = track, dy
        if best is None:
            tracks.append([blob])
        else:
            best.append(blob)
    lines = [t for t in tracks if len(t) >= 12]
    return sorted(lines, key=lambda t: float(np.median([b.y for b in t])))


def _index_line(
    line: list[_Blob], *, merge: bool = False, pitch: float | None = None
) -> list[tuple[float, float, float]]:
    """``(index, x, y)`` of the characters of one line, numbered by their spacing.

    Blobs of characters run together by blur are split at ``pitch`` (patch pixels: the
    band's measured pitch when known, else :data:`PATCH_PITCH`).

    The line is cut at gaps of three pitches or more and its longest piece kept;
    ``merge`` joins the pieces next to it again while the whole fits in the longest MRZ
    line (print faded or wiped out under glare leaves such gaps)."""
    # squat blobs at the ends (wider than tall, well below the line's character height)
    # and solid bars are foreign ink such as a dashed pattern beside the MRZ: OCR-B
    # capitals, digits and fillers are all taller than wide, and characters run together
    # by blur leave gaps in their bounding box
    tall = float(np.median([b.h for b in line]))

    def foreign(b: _Blob) -> bool:
        return (b.h < 0.65 * tall and b.w > b.h) or (b.w > 1.5 * b.h and b.fill > 0.65)

    while len(line) > 12 and foreign(line[-1]):
        line = line[:-1]
    while len(line) > 12 and foreign(line[0]):
        line = line[1:]
    step = pitch or PATCH_PITCH
    centres: list[tuple[float, float]] = []
    for blob in line:
        k = max(1, round(blob.w / step)) if blob.w > 1.4 * step else 1
        for t in range(k):
            centres.append((blob.x - blob.w / 2 + (t + 0.5) * blob.w / k, blob.y))
    gaps = np.diff([c[0] for c in centres])
    good = gaps[(gaps > 0.6 * step) & (gaps < 1.5 * step)]
    pitch = float(np.median(good)) if good.size else step
    out = [(0.0, *centres[0])]
    index = 0
    for prev, cur in itertools.pairwise(centres):
        if cur[0] - prev[0] < 0.45 * pitch:
            continue  # a broken glyph: keep its first part
        index += max(1, round((cur[0] - prev[0]) / pitch))
        out.append((float(index), *cur))
    # every MRZ cell is printed: a gap of 3 pitches or more separates the MRZ from other ink
    segments: list[list[tuple[float, float, float]]] = [[out[0]]]
    for prev_i, cur_i in itertools.pairwise(out):
        if cur_i[0] - prev_i[0] >= 3:
            segments.append([])
        segments[-1].append(cur_i)
    k_best = max(range(len(segments)), key=lambda k: (len(segments[k]),
                 segments[k][-1][0] - segments[k][0][0]))  # fmt: skip
    best = segments[k_best]
    if merge:
        # glare or a shadow can wipe a run of cells out of a line: the neighbouring pieces
        # of print are joined again as long as the whole stays within the longest MRZ line
        # (fragments of one or two cells, what glare leaves of a glyph, are carried along)
        pieces = [k for k, seg in enumerate(segments) if len(seg) >= 3 or k == k_best]
        at = pieces.index(k_best)
        lo = hi = at
        while True:
            grown = False
            for k in (lo - 1, hi + 1):
                if not 0 <= k < len(pieces):
                    continue
                first_i = segments[pieces[min(k, lo)]][0][0]
                last_i = segments[pieces[max(k, hi)]][-1][0]
                if last_i - first_i + 1 <= _LONGEST_LINE:
                    lo, hi = min(k, lo), max(k, hi)
                    grown = True
            if not grown:
                break
        best = [c for seg in segments[pieces[lo] : pieces[hi] + 1] for c in seg]
    # an end blob a whole cell away from the rest is foreign ink (page edge, other print)
    while len(best) > 28 and best[-1][0] - best[-2][0] >= 2:
        best = best[:-1]
    while len(best) > 28 and best[1][0] - best[0][0] >= 2:
        best = best[1:]
    first = best[0][0]
    return [(i - first, x, y) for i, x, y in best]


def _align_lines(
    indexed: Sequence[list[tuple[float, float, float]]], n: int
) -> list[list[tuple[float, float, float]]] | None:
    """The lines cut to the extent of a line of exactly ``n`` cells, or None.

    The lines of an MRZ start and end at the same place (every cell is printed, Doc
    9303-3 §4.2), so when one line of the group spans exactly ``n`` cells and the others
    run on into foreign ink beside the MRZ (a pattern, other print), the others are cut
    to its extent and numbered from its first cell by position.
    """
    exact = [line for line in indexed if int(line[-1][0]) + 1 in (n - 1, n)]
    if not exact:
        return None
    ref = max(exact, key=len)
    x0, x1 = ref[0][1], ref[-1][1]
    pitch = (x1 - x0) / max(ref[-1][0] - ref[0][0], 1.0)
    out = []
    for line in indexed:
        kept = [c for c in line if x0 - 0.5 * pitch <= c[1] <= x1 + 0.5 * pitch]
        if len(kept) < 0.8 * n:
            return None
        offset = round((kept[0][1] - x0) / pitch) - kept[0][0]
        out.append([(i + offset, x, y) for i, x, y in kept])
    if max(int(line[-1][0]) for line in out) + 1 > n or min(line[0][0] for line in out) < 0:
        return None
    return out


#: At most this many glyphs at a line's start are taken as missed (a thin ``I`` and a
#: filler or two in faint print), not a line that begins elsewhere.
_MISSED_START = 3


def _left_aligned(
    indexed: Sequence[list[tuple[float, float, float]]],
) -> list[list[tuple[float, float, float]]] | None:
    """The lines numbered from their common start, or None when they start together.

    The lines of an MRZ start at the same place (Doc 9303-3 §4.2), but each line is
    numbered from its first glyph found; a line whose first glyphs were missed (a thin
    ``I``, a faint filler) would put its characters a cell or more off the other lines'
    and shear the grid. Each line's numbering is moved by the whole pitches its first
    glyph lies right of the leftmost line's first glyph.
    """
    steps = [(line[-1][1] - line[0][1]) / (line[-1][0] - line[0][0])
             for line in indexed if line[-1][0] > line[0][0]]  # fmt: skip
    if len(indexed) < 2 or not steps:
        return None
    pitch = float(np.median(steps))
    start = min(line[0][1] for line in indexed)
    offsets = [round((line[0][1] - start) / pitch) for line in indexed]
    if not any(offsets) or max(offsets) > _MISSED_START:
        return None
    out = [[(i + k, x, y) for i, x, y in line] for line, k in zip(indexed, offsets, strict=True)]
    # ... and so numbered the lines end together too (every cell is printed): lines that
    # merely begin at different places are other print, whose more grids are more chances
    # for it to pass two check digits
    ends = [line[-1][0] for line in out]
    return out if max(ends) - min(ends) <= 1 else None


def _fit_grid(
    indexed: Sequence[list[tuple[float, float, float]]], n: int
) -> list[tuple[np.ndarray, list[np.ndarray]]]:
    """Grid -> patch homographies for each way the observed columns can sit in ``n``
    cells, each with the observed centres ``(column, x, y)`` of every line on that grid."""
    observed = max(int(line[-1][0]) for line in indexed) + 1
    if not n - 4 <= observed <= n + 8:
        return []
    low, high = min(0, n - observed), max(0, n - observed)
    out = []
    for shift in range(low, high + 1):
        src, dst = [], []
        points = []
        for j, line in enumerate(indexed):
            pts = [(i + shift, x, y) for i, x, y in line if 0 <= i + shift < n]
            points.append(np.array(pts, dtype=np.float64).reshape(-1, 3))
            for i, x, y in pts:
                src.append((i, float(j)))
                dst.append((x, y))
        if len(src) < 8:
            continue
        hom, _ = cv2.findHomography(
            np.array(src, dtype=np.float32), np.array(dst, dtype=np.float32),
            cv2.RANSAC, 0.3 * PATCH_PITCH,
        )  # fmt: skip
        if hom is not None:
            out.append((np.asarray(hom, dtype=np.float64), points))
    return out


def _bends(hom: np.ndarray, points: Sequence[np.ndarray], n: int) -> list[np.ndarray] | None:
    """Per line, polynomial coefficients (in ``t = 2 col / (n - 1) - 1``) of the offset
    ``(dx, dy)`` of its characters from the straight grid, or None when no line bends.

    A curled page or a booklet's bend moves a line's characters off any homography by
    up to a pitch; the offsets are smooth along the line, so a low-order robust fit of
    the observed centres' residuals follows them. A line with too few characters takes
    the mean bend of the others.
    """
    fits: list[np.ndarray | None] = []
    for j, pts in enumerate(points):
        if len(pts) < 10:
            fits.append(None)
            continue
        pred = _map(hom, np.column_stack([pts[:, 0], np.full(len(pts), float(j))]))
        res = pts[:, 1:] - pred
        t = 2.0 * pts[:, 0] / max(n - 1, 1) - 1.0
        deg = 3 if len(pts) >= 20 else 2
        keep = np.ones(len(pts), bool)
        coef = np.zeros((deg + 1, 2))
        for _ in range(3):
            if keep.sum() < deg + 4:
                break
            coef = np.polynomial.polynomial.polyfit(t[keep], res[keep], deg)
            err = np.hypot(*(res - np.polynomial.polynomial.polyval(t, coef).T).T)
            keep = err < _BEND_OUTLIER * PATCH_PITCH
        fits.append(np.asarray(coef).reshape(deg + 1, 2))
    known = [f for f in fits if f is not None]
    if not known:
        return None
    size = max(len(f) for f in known)
    padded = [np.vstack([f, np.zeros((size - len(f), 2))]) for f in known]
    mean = np.mean(padded, axis=0)
    out = [mean if f is None else np.vstack([f, np.zeros((size - len(f), 2))]) for f in fits]
    t = np.linspace(-1.0, 1.0, 9)
    largest = max(float(np.abs(np.polynomial.polynomial.polyval(t, c)).max()) for c in out)
    return out if largest >= _BEND_MIN else None


def _map(hom: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.hstack([pts, np.ones((len(pts), 1))]) @ hom.T
    w = p[:, 2:3]
    # a point on a degenerate grid's horizon maps far away instead of to infinity
    w = np.where(np.abs(w) < 1e-12, np.where(w < 0, -1e-12, 1e-12), w)
    return np.asarray(p[:, :2] / w)


def _line_strips(
    patch: np.ndarray, hom: np.ndarray, n: int, n_lines: int,
    bends: Sequence[np.ndarray] | None = None, spans: Sequence[tuple[float, float]] = (),
    moves: Sequence[np.ndarray | None] = (),
) -> list[np.ndarray]:  # fmt: skip
    """Canonical strips of the lines on the grid ``hom``, each line moved by its
    :func:`_bends` offsets (held constant beyond the columns observed, ``spans``) and
    its strip columns by ``moves`` (grid columns, one a strip column: :func:`_column_shifts`)."""
    mid_col = (n - 1) / 2
    a, b = _map(hom, np.array([[mid_col, 0.0], [mid_col + 1, 0.0]]))
    pitch_img = float(np.hypot(*(b - a)))
    if n_lines > 1:
        c = _map(hom, np.array([[mid_col, 1.0]]))[0]
        spacing = float(np.hypot(*(c - a))) / max(pitch_img, 1e-6)
    else:
        spacing = 1.7
    strips = []
    width = strip_width(n)
    for j in range(n_lines):
        # canonical (u, v) -> grid (col, line)
        s = np.array([
            [1.0 / PITCH, 0.0, -MARGIN / PITCH - 0.5],
            [0.0, 1.0 / (PITCH * spacing), j - STRIP_H / 2 / (PITCH * spacing)],
            [0.0, 0.0, 1.0],
        ])  # fmt: skip
        move = moves[j] if j < len(moves) else None
        if bends is None and move is None:
            strips.append(
                cv2.warpPerspective(
                    patch, hom @ s, (width, STRIP_H),
                    flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                    borderMode=cv2.BORDER_REPLICATE,
                )  # fmt: skip
            )
            continue
        uu, vv = np.meshgrid(np.arange(width, dtype=np.float64),
                             np.arange(STRIP_H, dtype=np.float64))  # fmt: skip
        if move is not None:
            uu = uu + PITCH * move[None, :]
        grid = np.stack([uu.ravel(), vv.ravel(), np.ones(uu.size)], axis=1) @ (hom @ s).T
        # a degenerate grid (a fit through the horizon) maps some pixels to infinity:
        # they are sampled at the patch's corner like any other point off the patch
        w = grid[:, 2:3]
        safe = np.abs(w) > 1e-9
        xy = np.where(safe, grid[:, :2] / np.where(safe, w, 1.0), -1.0)
        xy = xy.reshape(STRIP_H, width, 2)
        if bends is not None:
            cols = uu[0] / PITCH - MARGIN / PITCH - 0.5
            lo, hi = spans[j] if j < len(spans) else (0.0, n - 1.0)
            t = 2.0 * np.clip(cols, lo, hi) / max(n - 1, 1) - 1.0
            xy = xy + np.polynomial.polynomial.polyval(t, bends[j]).T[None, :, :]
        strips.append(
            cv2.remap(patch, xy[..., 0].astype(np.float32), xy[..., 1].astype(np.float32),
                      cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        )
    return strips


# ---------------------------------------------------------------------------- reading


def read_band(
    gray: np.ndarray,
    band: BandCandidate,
    classifier: OcrbClassifier,
    *,
    flips: Sequence[bool] = (False, True),
    local: bool = False,
) -> Iterator[list[BandRead]]:
    """Read a band upright, then turned by 180°: one list of readings (one per plausible
    grid) per direction, lazily, so a caller can stop after a trusted upright reading.

    The patch and its character blobs are computed once; turning only mirrors them.
    ``local`` selects the locally relative ink threshold (for faded print).
    """
    patch, patch_to_cap, blobs, line_pitch = _prepare(gray, band, local)
    h, w = patch.shape
    for flip in flips:
        if flip:
            turn = np.array([[-1.0, 0.0, w - 1.0], [0.0, -1.0, h - 1.0], [0.0, 0.0, 1.0]])
            yield _read_blobs(
                np.ascontiguousarray(patch[::-1, ::-1]),
                patch_to_cap @ turn,
                [_Blob(w - b.x, h - b.y, b.w, b.h, b.fill) for b in blobs],
                classifier,
                line_pitch,
            )
        else:
            yield _read_blobs(patch, patch_to_cap, blobs, classifier, line_pitch)


def _prepare(
    gray: np.ndarray, band: BandCandidate, local: bool
) -> tuple[np.ndarray, np.ndarray, list[_Blob], float | None]:
    """The band's upright patch, its patch -> capture homography, its character blobs and
    the line pitch in patch pixels (None when the band has no measured pitch)."""
    cells = band.length / band.pitch if band.pitch else float(_SHORTEST_LINE)
    if cells < _SHORTEST_LINE:
        # a chain band shorter than any MRZ line: the rest of its lines lies past glare or
        # a shadow on one side or the other; the patch takes in enough of both sides
        band = replace(band, length=band.length + 2 * (_SHORTEST_LINE - cells) * band.pitch)
    patch, patch_to_cap = _band_patch(gray, band)
    blobs = _blobs(patch, local=local)
    sized = blobs if len(blobs) >= 24 else _blobs(patch, loose=True)
    patch_pitch: float | None = None  # None: the bar thickness
    if len(sized) >= 12:
        # OCR-B capitals are about one pitch tall: rescale so the pitch is PATCH_PITCH (the
        # bar thickness misleads when blur merged two lines into one bar)
        heights = np.array([b.h for b in sized])
        typical = float(np.median(heights[heights <= np.percentile(heights, 90)]))
        pitch = typical * band.thickness / PATCH_PITCH
        if abs(pitch / band.thickness - 1.0) > 0.12:
            patch_pitch = pitch
            patch, patch_to_cap = _band_patch(gray, band, pitch)
            blobs = _blobs(patch, local=local)
    longer = _extended(band, patch.shape[1], blobs)
    if longer is not None:
        # the found bar stopped short of the printed line (glare, shade, faint print at
        # one end): the band is cut again with room for the rest of the line
        band = longer
        patch, patch_to_cap = _band_patch(gray, band, patch_pitch)
        blobs = _blobs(patch, local=local)
    # a chain band's pitch measured along its lines (blur does not stretch it), in patch
    # pixels: blobs of characters run together are split at it
    scale = PATCH_PITCH / max(patch_pitch or band.thickness, 4.0)
    line_pitch = band.pitch * scale if band.pitch else None
    return patch, patch_to_cap, blobs, line_pitch


def _extended(band: BandCandidate, width: int, blobs: list[_Blob]) -> BandCandidate | None:
    """``band`` lengthened towards the patch edges its text lines reach, or None when
    every line of characters ends inside the patch."""
    ends = [(line[0].x, line[-1].x) for line in _cluster_lines(blobs)]
    if not ends:
        return None
    near = _EDGE_PITCHES * PATCH_PITCH
    left = any(x0 < near for x0, _ in ends)
    right = any(x1 > width - near for _, x1 in ends)
    if not (left or right):
        return None
    grow = _EXTEND * band.length
    a = math.radians(band.angle_deg)
    shift = (grow / 2) * ((1.0 if right else 0.0) - (1.0 if left else 0.0))
    cx, cy = band.centre_xy
    length = band.length + grow * (int(left) + int(right))
    return replace(band, centre_xy=(cx + shift * math.cos(a), cy + shift * math.sin(a)),
                   length=length)  # fmt: skip


def _read_blobs(
    patch: np.ndarray, patch_to_cap: np.ndarray, blobs: list[_Blob], classifier: OcrbClassifier,
    pitch: float | None = None,
) -> list[BandRead]:  # fmt: skip
    results = _read_lines(patch, patch_to_cap, blobs, classifier, merge=False, pitch=pitch)
    if not any(r.trusted for r in results):
        results += _read_lines(patch, patch_to_cap, blobs, classifier, merge=True, pitch=pitch)
    return results


def _read_lines(
    patch: np.ndarray,
    patch_to_cap: np.ndarray,
    blobs: list[_Blob],
    classifier: OcrbClassifier,
    *,
    merge: bool,
    pitch: float | None = None,
) -> list[BandRead]:
    clusters = _cluster_lines(blobs)
    clustered = [_index_line(line, merge=merge, pitch=pitch) for line in clusters]
    if merge and clustered == [_index_line(line, pitch=pitch) for line in clusters]:
        return []  # no line had pieces to join: the plain reading stands
    # the lines of one MRZ print the same number of cells: a row of a few stray blobs next
    # to it (other print, a pattern) must not take the place of an MRZ line in the groups
    longest = max((len(line) for line in clustered), default=0)
    lines = [line for line in clustered if len(line) >= 0.5 * longest]
    if len(lines) < 2:
        return []
    plans: list[tuple[np.ndarray, list[np.ndarray], int, int, bool]] = []
    groups = [lines[i : i + 3] for i in range(len(lines) - 2)] if len(lines) >= 3 else []
    groups += [lines[i : i + 2] for i in range(len(lines) - 1)]
    for indexed in groups[:4]:
        n_lines = len(indexed)
        observed = max(int(line[-1][0]) for line in indexed) + 1
        lengths = sorted({n for rows, n in FORMATS_BY_SHAPE if rows == n_lines}, reverse=True)
        for n in lengths:
            if n < max(lengths) and observed > n + 4:
                continue  # a 44-character line: never read a 36-character window of it
            # more printed cells than the format holds: a window of a longer text, whose
            # check digits may pass by accident - never trusted (complete=False)
            for hom, points in _fit_grid(indexed, n):
                plans.append((hom, points, n, n_lines, observed > n + 1))
            aligned = _align_lines(indexed, n) if observed > n + 1 else None
            for hom, points in _fit_grid(aligned, n) if aligned is not None else ():
                plans.append((hom, points, n, n_lines, False))
            # a line whose first glyphs were not found (thin print: an I, a filler) is
            # numbered from a later glyph: numbered by position from the lines' common start
            started = _left_aligned(indexed)
            if started is not None:
                wider = max(int(line[-1][0]) for line in started) + 1
                for hom, points in _fit_grid(started, n):
                    plans.append((hom, points, n, n_lines, wider > n + 1))

    # every grid's lines are cut and their cells read on the grid alone, all grids' cells
    # in one product; these probabilities rank the grids and are reused by the full read
    cut = [_cut_grid(patch, hom, n, n_lines, points) for hom, points, n, n_lines, _ in plans]
    at_grid = _split_rows(
        _lines_proba(classifier, [nm for c in cut for nm in c.norms],
                     [p[2] for p, c in zip(plans, cut, strict=True) for _ in c.norms]),
        [p[2] * p[3] for p in plans],
    )  # fmt: skip
    cells = [replace(c, at_grid=g) for c, g in zip(cut, at_grid, strict=True)]

    def read(k: int, shifts: Sequence[tuple[int, int]], glyphs: bool = True) -> BandRead:
        hom, points, n, n_lines, window = plans[k]
        reading = _read_grid(patch, patch_to_cap, hom, n, n_lines, classifier, points, shifts,
                             glyphs=glyphs, cells=cells[k])  # fmt: skip
        return replace(reading, complete=False) if window else reading

    # every grid is read on the grid alone; the best few again through the shifted
    # windows too (five times the recogniser's work), which decides their confidence
    # (ranked by score and check digits, which the glyph check leaves alone)
    quick = [read(k, _SHIFTS[:1], glyphs=False) for k in range(len(plans))]
    # the best grids whose check digits fail (or pass on a reading that is no MRZ: a date
    # read with fillers), or that leave characters unsure, are cut again with their cells
    # moved onto the line's glyphs, found down to faint print (glare, shade: a name line
    # slipped by a cell: :func:`_column_shifts`)
    for k in sorted(range(len(plans)), key=lambda k: -quick[k].score)[:_REFINE_READS]:
        q = quick[k]
        if q.checks_passed == q.checks_total and q.plausible and not q.unverified_low:
            continue
        hom, points, n, n_lines, _ = plans[k]
        moves = [_column_shifts(norm, n) for norm in cells[k].norms]
        variants = []
        base = cells[k]
        if any(m is not None for m in moves):
            base = _cut_grid(patch, hom, n, n_lines, points, moves)
            variants.append(base)
        # ... and their faint print stretched to full density
        stretched = [_stretched(norm, n) for norm in base.norms]
        faint = tuple((j, col) for j, (_, cols) in enumerate(stretched) for col in cols)
        if faint:
            variants.append(replace(base, norms=tuple(nm for nm, _ in stretched), faint=faint))
        for variant in variants:
            probs = _lines_proba(classifier, variant.norms, [n] * len(variant.norms))
            plans.append(plans[k])
            cells.append(replace(variant, at_grid=probs))
            quick.append(read(len(plans) - 1, _SHIFTS[:1], glyphs=False))
    best = sorted(range(len(plans)), key=lambda k: -quick[k].score)[:_FULL_READS]
    # ... when on the grid alone they pass the check digits over data an MRZ needs: the
    # shifted windows only make unsure characters less sure, and on the independent set
    # not one of 309 grids short of them became a plausible reading through them
    best = [k for k in best if quick[k].checks_meaningful >= REPORT.min_checks]
    results = [read(k, _SHIFTS[:1] if _sure(quick[k]) else _SHIFTS) for k in best]
    # other print (a form, a ticket, MRZ-like decoy text) is never reported as an MRZ
    return [r for r in results if r.plausible]


def _sure(quick: BandRead) -> bool:
    """Whether a grid's reading on the grid alone needs no shifted windows: every check
    digit passes, the fields are well formed and every character no check digit vouches
    for was read surely (``unverified_low`` 0). The glyph check still runs."""
    return (
        quick.checks_passed == quick.checks_total
        and quick.unverified_low == 0
        and quick.syntax_ok
        and all(float(p.max(axis=1).min()) >= UNSURE for p in quick.proba)
    )


@dataclass(frozen=True)
class _GridCells:
    """A grid's line strips (canonical), their normalised strips and the recogniser's
    probabilities (every output, junk included; ``float32``) of their cells on the grid
    itself, one row a cell, line after line (empty until computed). ``faint`` are the
    0-based ``(line, column)`` of cells whose ink was stretched (:func:`_stretched`):
    never read surely."""

    strips: tuple[np.ndarray, ...]
    norms: tuple[np.ndarray, ...]
    at_grid: np.ndarray
    faint: tuple[tuple[int, int], ...] = ()


def _cut_grid(
    patch: np.ndarray, hom: np.ndarray, n: int, n_lines: int, points: Sequence[np.ndarray],
    moves: Sequence[np.ndarray | None] = (),
) -> _GridCells:
    """The line strips of the grid ``hom`` (following the lines' bends through
    ``points``, and each line's strip columns moved by ``moves``) and their normalised
    strips."""
    bends = _bends(hom, points, n) if points else None
    spans = [(float(p[:, 0].min()), float(p[:, 0].max())) if len(p) else (0.0, n - 1.0)
             for p in points]  # fmt: skip
    strips = tuple(_line_strips(patch, hom, n, n_lines, bends, spans, moves))
    norms = tuple(normalise_strip(s) for s in strips)
    return _GridCells(strips, norms, np.empty((0, N_OUTPUTS), np.float32))


def _split_rows(rows: np.ndarray, counts: Sequence[int]) -> list[np.ndarray]:
    """``rows`` cut into consecutive pieces of ``counts`` rows."""
    return np.split(rows, np.cumsum(counts)[:-1]) if len(counts) else []


def _lines_proba(
    classifier: OcrbClassifier,
    norms: Sequence[np.ndarray],
    sizes: Sequence[int],
    shifts: Sequence[tuple[int, int]] = _SHIFTS[:1],
    at_grid: np.ndarray | None = None,
) -> np.ndarray:
    """Class probabilities (every output, ``float32``), one row a cell, line after line, of
    normalised strips of ``sizes`` cells each, looked at through ``shifts`` (the grid's own
    first), every cell of every line and shift in one matrix product; ``at_grid`` are the
    probabilities on the grid when already known (only the other shifts are computed).

    A cell keeps its probabilities on the grid when the shifted windows' mean agrees on
    its best character; where they disagree (a grid off by a few pixels on a curled or
    blurred line) it takes the mean, whose best character is then read with the mean's
    lower confidence. So a character can change only to an unsure one, and the
    confidence of a character judged sure is exactly the grid's.
    """
    rows = sum(sizes)
    todo = shifts[1:] if at_grid is not None else shifts
    if todo and rows:
        feats = np.concatenate([cell_features(norm, n, dx=dx, dy=dy) for dx, dy in todo
                                for norm, n in zip(norms, sizes, strict=True)])  # fmt: skip
        got = classifier.predict_proba(feats).reshape(len(todo), rows, -1)
    else:
        got = np.empty((len(todo), rows, N_OUTPUTS), np.float32)
    views = got if at_grid is None else np.concatenate([at_grid[None], got])
    if len(views) == 1:
        return np.asarray(views[0])
    mean = views.mean(axis=0)
    agree = (mean.argmax(axis=1) == views[0].argmax(axis=1))[:, None]
    return np.asarray(np.where(agree, views[0], mean))


def _cell_proba(
    classifier: OcrbClassifier, norm: np.ndarray, n: int,
    shifts: Sequence[tuple[int, int]] = _SHIFTS,
) -> np.ndarray:  # fmt: skip
    """Class probabilities of the ``n`` cells of one normalised strip, looked at through
    :data:`_SHIFTS` as well as on the fitted grid (:func:`_lines_proba`)."""
    return _lines_proba(classifier, [norm], [n], shifts)


def _read_grid(
    patch: np.ndarray,
    patch_to_cap: np.ndarray,
    hom: np.ndarray,
    n: int,
    n_lines: int,
    classifier: OcrbClassifier,
    points: Sequence[np.ndarray] = (),
    shifts: Sequence[tuple[int, int]] = _SHIFTS,
    strips: Sequence[np.ndarray] = (),
    *,
    glyphs: bool = True,
    cells: _GridCells | None = None,
) -> BandRead:
    """Read the grid ``hom`` (``strips``: its line strips when already cut; ``cells``: its
    strips and probabilities on the grid when already computed; ``glyphs``: check its
    cells against the glyphs, :func:`misplaced_cells`)."""
    if cells is None:
        if strips:
            norms = tuple(normalise_strip(s) for s in strips)
            cells = _GridCells(tuple(strips), norms, np.empty((0, N_OUTPUTS), np.float32))
        else:
            cells = _cut_grid(patch, hom, n, n_lines, points)
    strips, norms = cells.strips, cells.norms
    known = cells.at_grid if len(cells.at_grid) else None
    full = _lines_proba(classifier, norms, [n] * len(norms), shifts, known)
    if cells.faint:
        # stretched faint print is not what the recogniser's confidence was measured on:
        # its characters stay unsure (a check digit may still vouch for one a span)
        rows = [j * n + col for j, col in cells.faint]
        full = full.copy()
        full[rows] = _FAINT_KEEP * full[rows] + (1.0 - _FAINT_KEEP) / N_OUTPUTS
    # the decoder's arithmetic in double precision, as its thresholds were set
    proba = _split_rows(full[:, : len(CLASSES)].astype(np.float64), [n] * len(norms))
    proba_all = np.vstack(proba)
    raw = ["".join(CLASSES[int(i)] for i in p.argmax(axis=1)) for p in proba]
    fmt = format_for(raw, (n_lines, n), proba[0][0])
    misplaced = tuple(
        (j, col) for j, norm in enumerate(norms) if glyphs for col in misplaced_cells(norm, n)
    )
    decoded = decode_cells(proba, fmt, misplaced)
    readings = tuple(tuple(classifier.read_cells_from_proba(p)) for p in proba)
    grid_to_cap = patch_to_cap @ hom
    corners = np.array([[-0.5, -0.6], [n - 0.5, -0.6], [n - 0.5, n_lines - 0.4],
                        [-0.5, n_lines - 0.4]])  # fmt: skip
    quad = _map(grid_to_cap, corners)
    a, b = _map(grid_to_cap, np.array([[0.0, 0.0], [n - 1.0, 0.0]]))
    direction = math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])) % 360.0
    return BandRead(
        format=fmt,
        lines=decoded.lines,
        cells=readings,
        corrections=decoded.corrections,
        checks_passed=decoded.checks_passed,
        checks_total=decoded.checks_total,
        unverified_low=decoded.unverified_low,
        syntax_ok=decoded.syntax_ok,
        unsure=decoded.unsure,
        low_count=decoded.low_count,
        checks_meaningful=decoded.checks_meaningful,
        confidence=decoded.confidence,
        mean_confidence=float(np.mean(proba_all.max(axis=1))),
        quad_xy=quad,
        direction_deg=direction,
        grid_to_capture=grid_to_cap,
        strips=tuple(strips),
        proba=tuple(proba),
        misplaced=misplaced,
    )


def _glyph_centres(norm: np.ndarray, ink: float = GRID.ink) -> np.ndarray:
    """Centres (strip x) of the glyphs of a normalised canonical strip, left to right.

    Ink pieces (:class:`~docsec.read.params.GridParams`) covering the line's middle are
    joined where they overlap along the line (a glyph broken by faint print); a piece
    wider than one glyph (glyphs run together by blur) is split at the pitch, its
    glyphs as wide as the line's typical single glyph. ``ink`` is the ink density a
    glyph's pixels pass.
    """
    top = (STRIP_H - CROP_H) // 2
    rows = norm[top : top + CROP_H]
    binary = (rows > ink).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    mid = STRIP_H / 2 - top
    reach = GRID.mid_band * PITCH
    pieces: list[list[float]] = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if h < GRID.min_height * PITCH or area < GRID.min_area * PITCH * PITCH:
            continue
        if y > mid + reach or y + h < mid - reach:
            continue  # another line's glyph reaching into the strip's edge
        pieces.append([float(x), float(x + w)])
    pieces.sort()
    glyphs: list[list[float]] = []
    for a, b in pieces:
        if glyphs:
            pa, pb = glyphs[-1]
            if pb - a > GRID.overlap * min(b - a, pb - pa):
                glyphs[-1][1] = max(pb, b)
                continue
        glyphs.append([a, b])
    single = [b - a for a, b in glyphs if b - a < 1.2 * PITCH]
    typical = float(np.median(single)) if single else 0.6 * PITCH
    centres: list[float] = []
    for a, b in glyphs:
        k = max(1, round((b - a - typical) / PITCH) + 1)
        step = (b - a - typical) / (k - 1) if k > 1 else 0.0
        centres.extend(a + typical / 2 + t * step for t in range(k))
    return np.array(centres, dtype=np.float64)


def misplaced_cells(norm: np.ndarray, n: int) -> list[int]:
    """0-based columns of the cells of a normalised canonical strip of ``n`` cells that do
    not hold exactly one glyph centred in them (Doc 9303-3 §4.2: every cell is printed).

    A cell is misplaced when the glyph nearest its centre is farther than
    :attr:`GridParams.max_offset <docsec.read.params.GridParams.max_offset>` of a pitch
    (off-centre, or no glyph at all: faint print, glare). Every cell of the line is
    when two cells hold one glyph, a glyph lies between cells with no cell of its own,
    or the cells are not all on the glyphs of one numbering (cell ``i`` on the line's
    glyph ``i + k`` for one ``k``): the cells on one side of such a place read their
    neighbours' glyphs, often surely, and which side is right is not known.
    """
    cells = MARGIN + PITCH * (np.arange(n) + 0.5)
    glyphs = _glyph_centres(norm)
    if not len(glyphs):
        return list(range(n))
    dist = np.abs(cells[:, None] - glyphs[None, :])
    nearest = dist.argmin(axis=1)
    off = dist.min(axis=1)
    bad = np.flatnonzero(off > GRID.max_offset * PITCH).tolist()
    # a cell with no glyph in its window (faint print) holds none of its neighbours'
    held = nearest[off <= GRID.empty * PITCH]
    inside = np.flatnonzero((glyphs > cells[0] - PITCH / 2) & (glyphs < cells[-1] + PITCH / 2))
    if len(np.unique(held)) < len(held) or not set(inside.tolist()) <= set(held.tolist()):
        return list(range(n))
    # glyphs numbered by count, a gap of two pitches or more (print wiped out by glare)
    # counting the glyphs it holds
    gaps = np.diff(glyphs)
    steps = np.where(gaps > _GAP_PITCHES * PITCH, np.maximum(np.round(gaps / PITCH), 1.0), 1.0)
    number = np.concatenate([[0.0], np.cumsum(steps)])
    shift = (number[nearest] - np.arange(n))[off <= GRID.max_offset * PITCH]
    if len(np.unique(shift)) > 1:
        return list(range(n))
    return [int(i) for i in bad]


def _stretched(norm: np.ndarray, n: int) -> tuple[np.ndarray, list[int]]:
    """A normalised canonical strip of ``n`` cells with the ink of its faint cells
    stretched to full density, and the 0-based columns of the cells stretched.

    The strip's levels are set a few pitches at a time (:func:`~docsec.ocr.ocrb.
    normalise_strip`), so print under a glare spot beside dark print stays faint, and the
    recogniser, which learnt glyphs at full density, reads a faint ``Z`` as ``I`` and a
    faint ``O`` as a filler. Each cell is scaled by its own darkest ink (the darkest
    within a pitch, smoothed over half a pitch so that neighbours join without a seam)
    where that stays below :data:`_FAINT`, by at most :data:`_STRETCH_MAX`.
    """
    top = (STRIP_H - CROP_H) // 2
    peak = norm[top : top + CROP_H].max(axis=0)
    peak = cv2.dilate(peak[None, :], np.ones((1, PITCH), np.uint8))[0]
    peak = cv2.blur(peak[None, :], (PITCH // 2, 1))[0]
    gain = np.where(peak < _FAINT, 1.0 / np.maximum(peak, 1.0 / _STRETCH_MAX), 1.0)
    centres = np.round(MARGIN + PITCH * (np.arange(n) + 0.5)).astype(np.intp)
    faint = [int(c) for c in np.flatnonzero(gain[np.clip(centres, 0, len(gain) - 1)] > 1.0)]
    if not faint:
        return norm, []
    out = np.clip(norm * gain[None, :].astype(np.float32), 0.0, 1.0)
    return np.asarray(out, dtype=np.float32), faint


def _column_shifts(norm: np.ndarray, n: int) -> np.ndarray | None:
    """How far (grid columns, one value a strip column) the cells of a normalised canonical
    strip of ``n`` cells must move to sit on its glyphs, or None when they sit on them.

    Every MRZ cell holds a printed glyph (Doc 9303-3 §4.2), so the line's glyphs, found
    down to the faint print glare leaves (:data:`_REFINE_INK`) and numbered by count (a
    gap of two pitches or more counting the glyphs it holds), are the line's cells. A
    grid fitted on the glyphs found before (glare wiped out a run of them, a shadow cut
    the line) leaves the cells beyond them off their glyphs by up to a pitch; the
    glyphs' offsets from their cells (a glyph off its neighbours' run dropped), taken
    between glyphs from their neighbours, move them back. None when fewer than
    :data:`_REFINE_FOUND` of the cells hold a glyph found, when more glyphs than cells
    were found (other ink), or when no cell moves by :data:`_REFINE_MIN` of a pitch or
    some cell by more than :data:`_REFINE_MAX`.
    """
    cols = (_glyph_centres(norm, _REFINE_INK) - MARGIN) / PITCH - 0.5
    cols = cols[(cols > -1.0) & (cols < n)]
    if len(cols) < _REFINE_FOUND * n:
        return None
    gaps = np.diff(cols)
    steps = np.where(gaps > _GAP_PITCHES, np.maximum(np.round(gaps), 1.0), 1.0)
    number = np.concatenate([[0.0], np.cumsum(steps)])
    if number[-1] + 1 > n:
        return None
    # the numbering's start: where most glyphs sit nearest their cells, within the line
    start = float(np.clip(np.round(np.median(cols - number)), 0.0, n - 1.0 - number[-1]))
    index = number + start
    res = cols - index
    # a glyph off its neighbours' run (a split or misplaced piece) is not followed
    pad = np.pad(res, 2, mode="edge")
    local = np.median(np.lib.stride_tricks.sliding_window_view(pad, 5), axis=1)
    keep = np.abs(res - local) < _BEND_OUTLIER
    if keep.sum() < _REFINE_FOUND * n:
        return None
    # between glyphs the offset is interpolated, held beyond the first and last, and
    # smoothed over three cells (a glyph centre is found to a tenth of a pitch)
    at_cells = np.interp(np.arange(n, dtype=np.float64), index[keep], res[keep])
    at_cells = np.convolve(np.pad(at_cells, 1, mode="edge"), np.ones(3) / 3.0, mode="valid")
    largest = float(np.abs(at_cells).max())
    if not _REFINE_MIN <= largest <= _REFINE_MAX:
        return None
    # every strip column, held constant beyond the line's first and last cells
    strip_cols = (np.arange(strip_width(n)) - MARGIN) / PITCH - 0.5
    return np.asarray(np.interp(strip_cols, np.arange(n), at_cells), dtype=np.float64)


def second_opinion(reading: BandRead, *, timeout: float = 3.0) -> BandRead | None:
    """Ask Tesseract about the unsure characters of an untrusted reading.

    The canonical strips are stacked, enlarged twice and read with the MRZ character
    whitelist. Where a line comes back at the right length, each character the OCR-B
    recogniser was unsure of (below :data:`UNSURE`) and whose Tesseract reading is
    among its candidates (probability >= 0.01) gets that candidate's probability
    raised five-fold; the lines are then decoded again (charsets, codes, check digits).
    Confident characters are never touched. Returns the new reading with every change
    reported (reason ``"tesseract"``), None when Tesseract changed nothing, or the
    same reading with a warning when Tesseract failed (missing, timed out, crashed).
    """
    from docsec.errors import OCRError
    from docsec.ocr.tesseract import MRZ_WHITELIST, ocr_words

    if not reading.strips or not reading.proba:
        return None
    n = len(reading.lines[0])
    gap = 16
    width = max(s.shape[1] for s in reading.strips)
    sheet = np.full(((STRIP_H + gap) * len(reading.strips) + gap, width), 255, np.uint8)
    for j, strip in enumerate(reading.strips):
        top = gap + j * (STRIP_H + gap)
        sheet[top : top + STRIP_H, : strip.shape[1]] = strip
    sheet = cv2.resize(sheet, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    try:
        words = ocr_words(sheet, psm=6, whitelist=MRZ_WHITELIST, timeout=timeout)
    except OCRError as exc:
        return replace(reading, warnings=(*reading.warnings, f"second opinion failed: {exc}"))
    by_line: dict[tuple[int, int, int], list[tuple[int, str]]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append((w.box[0], w.text))
    texts = ["".join(t for _, t in sorted(v)) for _, v in sorted(by_line.items())]
    if len(texts) != len(reading.lines):
        return None
    proba = [p.copy() for p in reading.proba]
    changes: list[Correction] = []
    for j, (text, p) in enumerate(zip(texts, proba, strict=True)):
        if len(text) != n:
            continue
        for col, ch in enumerate(text):
            row = p[col]
            conf = float(row.max())
            first = CLASSES[int(row.argmax())]
            k = CLASS_INDEX.get(ch)
            if k is None or conf >= UNSURE or ch == first or row[k] < 0.01:
                continue
            row[k] *= 5.0
            row /= row.sum()
            if CLASSES[int(row.argmax())] != first:
                changes.append(Correction(j + 1, col + 1, first, ch, conf, "tesseract"))
    if not changes:
        return None
    decoded = decode_cells(proba, reading.format, reading.misplaced)
    return replace(
        reading,
        lines=decoded.lines,
        corrections=tuple(changes) + decoded.corrections,
        checks_passed=decoded.checks_passed,
        checks_total=decoded.checks_total,
        unverified_low=decoded.unverified_low,
        syntax_ok=decoded.syntax_ok,
        unsure=decoded.unsure,
        low_count=decoded.low_count,
        checks_meaningful=decoded.checks_meaningful,
        confidence=decoded.confidence,
    )
