"""Checks in transmitted light: the watermark's tone (and its absence in white light), the
dark security-thread band, and the laser-perforated number read hole by hole and compared
with the document number. Registered in :data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.checkbase import (
    _SLIDE_MM,
    F32,
    _box_shape,
    _chan_max,
    _clip_box,
    _judge,
    _lum,
    _na,
    _ncc,
    _per_side,
    _ref_crop,
    _resize,
    _slid_ncc,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.reference import glyphs, reference
from docsec.inspect.register import RegisteredView
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

__all__ = [
    "laser_perforation_matches_number",
    "security_thread_present",
    "watermark_invisible_in_white",
    "watermark_present",
]

#: Resolution (pixels per inch) the watermark is compared at (its tones span millimetres).
_WM_DPI = 50


# --- transmitted light ------------------------------------------------------------------------


def watermark_present(ctx: Context) -> Finding:
    """Correlation of the transmitted-light watermark with the reference's, the best over
    shifts of up to :data:`_SLIDE_MM` (registration); fails below (no watermark, or a printed
    imitation: one flat tone, never lighter than the paper)."""
    cid = "feature.watermark.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("transmitted", f.side)
        if v is None:
            return _na(ctx, cid, "transmitted", f.side)
        box = _clip_box(ctx, f.box_mm)
        ref = _resize(_lum(_ref_crop(ctx, f.side, "transmitted", box)), _box_shape(box, _WM_DPI))
        score = _slid_ncc(ctx, v, box, ref, _WM_DPI, _lum)
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The multitone watermark shows in transmitted light.",
                          "Многотоновый водяной знак виден на просвет."),
                      bad=("No multitone watermark shows in transmitted light.",
                           "На просвет водяного знака нет."))

    return _per_side(ctx, "watermark", cid, one)


def watermark_invisible_in_white(ctx: Context) -> Finding:
    """Correlation of white-light darkening with the watermark's tone; fails above."""
    cid = "feature.watermark.invisible_in_white"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        mine = v.crop(box, 50)
        ref = _resize(_lum(_ref_crop(ctx, f.side, "transmitted", box)), mine.shape[:2])
        paper = float(np.median(reference(ctx.model.id, f.side, "transmitted")))
        tone = np.abs(ref - paper)
        keep = _chan_max(mine) > 120
        score = _ncc(-_lum(mine), tone, keep) if keep.sum() > 30 else 0.0
        return _judge(cid, score, low_fails=False, view=v, box=box,
                      ok=("The watermark does not show in reflected white light.",
                          "В отражённом свете водяной знак не виден."),
                      bad=("The watermark shows in reflected light: printed on the surface.",
                           "Водяной знак виден в отражённом свете: напечатан на поверхности."))

    return _per_side(ctx, "watermark", cid, one)


#: Width (mm) of the paper either side of the thread the band is compared with, and the gap
#: (mm) left between them (the band's soft edges).
_FLANK_MM, _FLANK_GAP_MM = 2.0, 0.5


def _band_contrast(profile: NDArray[np.float64], nominal: int, width: int, reach: int,
                   flank: int, gap: int) -> float:
    """The largest contrast (flanks' median less the band's mean, levels) of a band of
    ``width`` columns starting within ``reach`` of ``nominal`` in a column profile."""
    best = -np.inf
    for p in range(nominal - reach, nominal + reach + 1):
        if p < 0 or p + width > len(profile):
            continue
        sides = np.concatenate([profile[max(0, p - gap - flank) : max(0, p - gap)],
                                profile[p + width + gap : p + width + gap + flank]])
        if sides.size:
            best = max(best, float(np.median(sides)) - float(profile[p : p + width].mean()))
    return best


def security_thread_present(ctx: Context) -> Finding:
    """Contrast of the thread band against the paper either side, the band looked for within
    :data:`_SLIDE_MM` of its box: dark in transmitted light, bright in UV (the weaker of the
    two, in 0..1 of the level range); fails below."""
    cid = "feature.security_thread.present"

    def one(f: FeatureSpec) -> Finding:
        box = _clip_box(ctx, f.box_mm)
        x, y, w, h = box
        dpi = 100
        k = dpi / 25.4
        reach_mm = _SLIDE_MM + _FLANK_GAP_MM + _FLANK_MM
        wide = _clip_box(ctx, (x - reach_mm, y, w + 2 * reach_mm, h))
        scores: list[tuple[float, RegisteredView]] = []
        for light in ("transmitted", "uv365"):
            v = ctx.view(light, f.side)
            if v is None:
                continue
            prof = np.median(_lum(v.crop(wide, dpi)), axis=0).astype(np.float64)
            if light == "uv365":  # the thread glows: bright on dull paper
                prof = -prof
            c = _band_contrast(prof, round((x - wide[0]) * k), max(1, round(w * k)),
                               round(_SLIDE_MM * k), round(_FLANK_MM * k),
                               round(_FLANK_GAP_MM * k))  # fmt: skip
            scores.append((c / 255.0, v))
        if not scores:
            return _na(ctx, cid, "transmitted", f.side)
        score, v = min(scores, key=lambda s: s[0])
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The security thread shows (dark band in transmitted light, glowing "
                          "in UV).",
                          "Защитная нить видна (тёмная полоса на просвет, свечение в УФ)."),
                      bad=("No security thread appears where the model has one.",
                           "Защитной нити нет там, где она должна быть."))

    return _per_side(ctx, "security_thread", cid, one)


def laser_perforation_matches_number(ctx: Context) -> Finding:
    """Reads the perforated number (holes in transmitted light) and compares it, glyph by
    glyph, with the MRZ document number; the score is the largest Hamming margin by which
    another character fits a glyph better than the expected one (fails above)."""
    cid = "feature.laser_perforation.matches_number"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("transmitted", f.side)
        if v is None:
            return _na(ctx, cid, "transmitted", f.side)
        number = _document_number(ctx)
        box = _clip_box(ctx, f.box_mm)
        if not number:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "no document number was read to compare with.",
                                "номер документа не прочитан, сравнивать не с чем.",
                                view=v, box_mm=box)  # fmt: skip
        # the number looked for with room around its box (registration, a number set a
        # little off its nominal place)
        x, y, w, h = box
        wide = _clip_box(ctx, (x - _PERF_ROOM_MM, y - _PERF_ROOM_MM / 2,
                               w + 2 * _PERF_ROOM_MM, h + _PERF_ROOM_MM))  # fmt: skip
        k = _PERF_DPI / 25.4
        pitch = min(h / _PERF_ROWS, w / (_PERF_COLS * len(number))) * k
        grid = _hole_grid(_lum(v.crop(wide, _PERF_DPI)), pitch)
        cells = _split_glyphs(grid, len(number)) if grid is not None else []
        if len(cells) != len(number):
            return make_finding(cid, Status.ERROR,
                                "the perforated number could not be read in transmitted light.",
                                "перфорированный номер на просвет не читается.",
                                view=v, box_mm=box, expected=number)  # fmt: skip
        found, margin = _read_cells(cells, number)
        if found != number and grid is not None:
            # stray holes at an end may have stretched the cut: read again with the ends
            # trimmed, kept when fewer characters then differ
            trimmed = _best_split(grid, number)
            if len(trimmed) == len(number):
                again, m2 = _read_cells(trimmed, number)
                differ = sum(a != b for a, b in zip(found, number, strict=True))
                if sum(a != b for a, b in zip(again, number, strict=True)) < differ:
                    found, margin = again, m2
        t = _PERF_MARGIN
        if sum(a != b for a, b in zip(found, number, strict=True)) > _PERF_MAX_DIFFER:
            # a re-perforated number differs in a digit or two; most glyphs misread is a
            # dot matrix this capture does not resolve (a phone photo at 200 dpi), not
            # another number: the view cannot show it, as a missing view could not
            return make_finding(cid, Status.NOT_APPLICABLE,
                                f"the transmitted view does not resolve the perforated dots "
                                f"(read {found}): compare the number with {number} by eye "
                                "against the light.",
                                f"снимок на просвет не разрешает точки перфорации (прочитано "
                                f"{found}): сверьте номер с {number} визуально на просвет.",
                                view=v, box_mm=box, expected=number, found=found,
                                score=margin, threshold=t)  # fmt: skip
        failed = margin > t
        return make_finding(
            cid, Status.FAIL if failed else Status.PASS,
            f"The perforated number reads {found}, the document number is {number}."
            if failed else "The laser-perforated number equals the document number.",
            f"Перфорированный номер {found}, номер документа {number}."
            if failed else "Перфорированный номер совпадает с номером документа.",
            score=margin, threshold=t, view=v, box_mm=box, expected=number, found=found)

    return _per_side(ctx, "laser_perforation", cid, one)


def _document_number(ctx: Context) -> str | None:
    if ctx.mrz is None:
        return None
    f = ctx.mrz.fields.get("document_number")
    return str(f.value) if f is not None and f.value else None


_PERF_ROWS = 9
#: Dot columns a character of the perforation font takes (its advance), for the pitch the
#: box gives: the number fills the box's height (9 rows) or its width, whichever is less.
_PERF_COLS = 6
#: Resolution (pixels per inch) the perforated number is read at.
_PERF_DPI = 300
#: Room (mm) around the number's box it is looked for in.
_PERF_ROOM_MM = 1.5
#: Blob filter: Gaussians of these shares of the pitch (a hole; the paper around it).
_PERF_FINE, _PERF_COARSE = 0.15, 2.0
#: A hole that places the lattice is a blob-filter peak this many robust deviations over
#: the paper's texture ...
_PERF_PEAK = 3.0
#: ... and at least this share of the strong holes' level (the 90th percentile of peaks).
_PERF_FAINT = 0.3
#: Range (shares of the box's pitch) the lattice pitch is searched in.
_PERF_PITCH_RANGE = (0.8, 1.2)
#: Holes stand this many robust deviations of the empty nodes above them (perforated
#: numbers: 3.3-7.8 on photos, scans and renders; blank paper's texture split in two: 2.2).
_PERF_SEPARATION = 2.7
#: Most characters a read of the perforated number may differ in from the document number
#: and still be judged (more is a read that failed).
_PERF_MAX_DIFFER = 2
#: Columns of holes at either end of the number that may be stray (texture, print).
_PERF_TRIM = 2
#: Dots by which another character may fit a perforated glyph better than the document
#: number's before the numbers differ (generator, 16 documents x 3 captures: genuine 0 on
#: renders and scans, up to 4 on 200 dpi photos; one digit changed 7 (a 6 for an 8 on a
#: photo) to 27): midway.
_PERF_MARGIN = 5.5


def _hole_grid(gray: F32, pitch_hint: float) -> NDArray[np.bool_] | None:
    """The dot matrix of bright holes (True = hole), one cell per hole pitch.

    A blob filter at the hole size (a difference of Gaussians, :data:`_PERF_FINE` and
    :data:`_PERF_COARSE` of ``pitch_hint``, the pitch the model's box gives) finds the
    clear holes as local maxima; they place a square lattice (pitch and phase fitted on
    every one of them, :func:`_lattice_pitch`). Every node of the lattice is then judged
    by the filter's response, holes against the nodes between the characters (Otsu), and a
    hole with no other beside it dropped as the paper's texture: a blurred photo's faint
    holes are kept where a fixed level loses them, and a hole a pixel off still lands in
    its cell. The :data:`_PERF_ROWS` rows holding the most holes are kept."""
    if pitch_hint < 2.0:
        return None
    g = gray.astype(np.float32)
    fine = cv2.GaussianBlur(g, (0, 0), max(0.6, pitch_hint * _PERF_FINE))
    coarse = cv2.GaussianBlur(g, (0, 0), pitch_hint * _PERF_COARSE)
    blob = fine - coarse
    size = max(3, int(pitch_hint * 0.7) | 1)
    peak = blob >= cv2.dilate(blob, np.ones((size, size), np.uint8))
    med = float(np.median(blob))
    mad = float(np.median(np.abs(blob - med))) * 1.4826 + 1e-6
    strong = blob > med + _PERF_PEAK * mad
    ys, xs = np.nonzero(peak & strong)
    if len(xs) < 10:
        return None
    # the strongest peaks set the level a hole reaches; faint ones are the paper's fibres
    vals = blob[ys, xs]
    keep = vals > _PERF_FAINT * float(np.percentile(vals, 90))
    pts = np.stack([xs[keep], ys[keep]], axis=1).astype(np.float64)
    if len(pts) < 10:
        return None
    # one lattice pitch for both axes (round holes on a square grid), fitted with each
    # axis's phase: every hole votes, so a blurred hole a pixel off its place still lands
    # in its cell, where splitting at gaps merges or splits rows and columns
    pitch = _lattice_pitch(pts, float(pitch_hint))
    # every node of the lattice sampled (the filter's best within a third of a pitch):
    # holes the peak level missed (a blurred photo) are judged against the nodes between
    # the characters, two classes split where they separate best (Otsu)
    px = _lattice_phase(pts[:, 0], pitch)
    py = _lattice_phase(pts[:, 1], pitch)
    h, w = blob.shape
    xs_n = np.arange(px % pitch, w, pitch)
    ys_n = np.arange(py % pitch, h, pitch)
    if xs_n.size < 2 or ys_n.size < _PERF_ROWS:
        return None
    best = cv2.dilate(blob, np.ones((max(1, round(pitch / 3)) | 1,) * 2, np.uint8))
    nodes = best[np.clip(np.round(ys_n).astype(int), 0, h - 1)[:, None],
                 np.clip(np.round(xs_n).astype(int), 0, w - 1)[None, :]]  # fmt: skip
    level = _otsu_level(nodes.ravel())
    on = nodes > level
    off = nodes[~on]
    spread = float(np.median(np.abs(off - np.median(off)))) * 1.4826 + 1e-6
    separation = (float(np.median(nodes[on])) - float(np.median(off))) / spread
    if not on.any() or separation < _PERF_SEPARATION:
        return None  # one class: paper without holes
    # a hole with no other within one node is the paper's texture (a glyph's holes touch)
    near = cv2.filter2D(on.astype(np.float32), -1, np.ones((3, 3), np.float32),
                        borderType=cv2.BORDER_CONSTANT)  # fmt: skip
    on &= near > 1.5
    gy, gx = (a.astype(np.intp) for a in np.nonzero(on))
    # rows: the _PERF_ROWS consecutive grid rows holding the most holes (stray peaks of the
    # print above or below the number are dropped)
    counts = np.bincount(gy)
    if len(counts) > _PERF_ROWS:
        sums = np.convolve(counts, np.ones(_PERF_ROWS, int), mode="valid")
        r0 = int(np.argmax(sums))
        sel = (gy >= r0) & (gy < r0 + _PERF_ROWS)
        gy, gx = gy[sel] - r0, gx[sel]
    if gx.size < 10:
        return None
    gx = gx - gx.min()
    if gx.max() > 400:
        return None
    grid = np.zeros((int(gy.max()) + 1, int(gx.max()) + 1), bool)
    grid[gy, gx] = True
    return grid


def _phase_strength(coords: NDArray[np.float64], pitch: float) -> complex:
    """Mean unit phasor of ``coords`` modulo ``pitch``: its length is 1 when every
    coordinate sits on one lattice of that pitch, about 0 for none."""
    return complex(np.mean(np.exp(2j * np.pi * coords / pitch)))


def _lattice_pitch(pts: NDArray[np.float64], hint: float) -> float:
    """The pitch near ``hint`` (within :data:`_PERF_PITCH_RANGE`) on which the points'
    x and y coordinates both fall best."""
    lo, hi = _PERF_PITCH_RANGE
    cands = hint * np.linspace(lo, hi, 61)
    score = [abs(_phase_strength(pts[:, 0], p)) + abs(_phase_strength(pts[:, 1], p))
             for p in cands]
    return float(cands[int(np.argmax(score))])


def _lattice_phase(coords: NDArray[np.float64], pitch: float) -> float:
    """The offset (pixels, 0..pitch) of the lattice of ``pitch`` the coordinates fit best."""
    return float(np.angle(_phase_strength(coords, pitch)) / (2 * np.pi) * pitch) % pitch


def _otsu_level(values: NDArray[np.float32]) -> float:
    """The level splitting ``values`` into two classes of the largest between-class
    variance (Otsu)."""
    v = np.sort(values.astype(np.float64))
    n = v.size
    c = np.cumsum(v)
    k = np.arange(1, n)
    w0, w1 = k / n, (n - k) / n
    m0, m1 = c[:-1] / k, (c[-1] - c[:-1]) / (n - k)
    i = int(np.argmax(w0 * w1 * (m0 - m1) ** 2))
    return float((v[i] + v[i + 1]) / 2)


def _read_cells(cells: list[NDArray[np.bool_]], number: str) -> tuple[str, float]:
    """Each cell read as the glyph of its kind (digit or letter, as the number has there)
    with the fewest differing dots, and the largest margin by which that glyph fits a cell
    better than the number's own character."""
    g = glyphs()
    read, margin = [], 0.0
    for cell, want in zip(cells, number, strict=True):
        # the perforated number keeps the MRZ number's shape: digits where it has digits
        same_kind = {c: t for c, t in g.items() if c.isdigit() == want.isdigit()}
        dists = {c: _glyph_distance(cell, t) for c, t in same_kind.items()}
        best = min(dists, key=lambda c: dists[c])
        read.append(best)
        if want in dists:
            margin = max(margin, dists[want] - dists[best])
    return "".join(read), margin


def _best_split(grid: NDArray[np.bool_], number: str) -> list[NDArray[np.bool_]]:
    """The grid cut into the number's characters after up to :data:`_PERF_TRIM` columns are
    dropped at either end (holes of the print or the paper beside the number stretch the
    cut): the trim whose cells fit the document number's glyphs best overall. The ends
    only move, so a character changed inside the number still shows."""
    g = glyphs()
    best: tuple[float, list[NDArray[np.bool_]]] | None = None
    width = grid.shape[1]
    for left in range(_PERF_TRIM + 1):
        for right in range(_PERF_TRIM + 1):
            part = grid[:, left : width - right]
            if not (part[:, :1].any() and part[:, -1:].any()):
                continue  # a trim that starts or ends on an empty column is another's twin
            cells = _split_glyphs(part, len(number))
            if len(cells) != len(number):
                continue
            cost = sum(_glyph_distance(c, g[ch]) for c, ch in zip(cells, number, strict=True)
                       if ch in g)
            if best is None or cost < best[0]:
                best = (cost, cells)
            if cost == 0:  # every cell is its expected glyph exactly
                return cells
    return best[1] if best is not None else []


def _split_glyphs(grid: NDArray[np.bool_], n: int) -> list[NDArray[np.bool_]]:
    """Cut the dot matrix into ``n`` characters of the monospaced font's advance: the
    advance and offset that put the fewest holes on the cuts (glyphs may touch)."""
    height, width = grid.shape
    if n < 1 or width < n:
        return []
    cols = grid.sum(axis=0).astype(np.float64)
    best: tuple[float, float, float] | None = None
    for advance in np.arange(max(2.0, width / n - 1.5), width / n + 1.51, 0.1):
        for off in np.arange(-advance * 0.5, 0.01, 0.25):
            cuts = [round(off + k * advance) for k in range(1, n)]
            if not all(0 < c < width for c in cuts):
                continue
            cost = float(sum(cols[c] for c in cuts)) + abs(off + n * advance - width) * 0.5
            if best is None or cost < best[0]:
                best = (cost, float(advance), float(off))
    if best is None:
        return []
    _, advance, off = best
    edges = [0] + [round(off + k * advance) for k in range(1, n)] + [width]
    out = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        cell = grid[:, a:b]
        used = np.nonzero(cell.any(axis=0))[0]
        if used.size == 0:
            return []
        out.append(cell[:, used[0] : used[-1] + 1])
    return out


def _glyph_distance(cell: NDArray[np.bool_], tmpl: NDArray[np.bool_]) -> float:
    """Fewest differing dots between ``cell`` and ``tmpl`` over small alignments."""
    h = max(cell.shape[0], tmpl.shape[0]) + 1
    w = max(cell.shape[1], tmpl.shape[1]) + 2
    a = np.zeros((h, w), bool)
    a[: cell.shape[0], : cell.shape[1]] = cell
    th, tw = tmpl.shape
    # the template at each of its six offsets against the cell at each of its three shifts,
    # all eighteen pairs counted at once
    b = np.zeros((6, h, w), bool)
    for k, (dy, dx) in enumerate((dy, dx) for dy in (0, 1) for dx in (0, 1, 2)):
        b[k, dy : dy + th, dx : dx + tw] = tmpl[: h - dy, : w - dx]
    rolled = np.stack([np.roll(a, ax, axis=1) for ax in (0, 1, 2)])
    return float((rolled[:, None] ^ b[None]).sum(axis=(2, 3)).min())
