"""Checks in transmitted light: the watermark's tone (and its absence in white light), the
dark security-thread band, and the laser-perforated number read hole by hole and compared
with the document number. Registered in :data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.checkbase import (
    F32,
    BoxMM,
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


#: How far (mm) the watermark is looked for around where the registration puts it: genuine
#: vehicle certificates photographed or scanned show it 3-10 mm off at the page's far end.
_WM_REACH_MM = 12.0
#: Turns (degrees) and scales of the reference the watermark is matched at: the same
#: registrations turn the page's far end by up to 5 degrees and stretch it by up to 4 %
#: (genuine correlation 0.45-0.54 matched unturned at scale 1, 0.66-0.72 with them).
_WM_TURNS_DEG = (-5.0, -2.5, 0.0, 2.5, 5.0)
_WM_SCALES = (0.95, 1.0, 1.05)
#: Least correlation of a genuine watermark, so matched: generator, 290 genuine documents
#: scanned and photographed 0.54-0.85 (independent set 0.68-0.85); a watermark printed on
#: the surface 0.15-0.33 (rendered, scanned and photographed; the wider search lifts it
#: from 0.02-0.17 in place): near the geometric mean.
_WM_MIN = 0.43


def _far_ncc(v: RegisteredView, box: BoxMM, ref: F32) -> float:
    """The best normalised correlation of ``ref`` (``box`` at :data:`_WM_DPI`) with the
    view's ``box`` shifted by up to :data:`_WM_REACH_MM` (the crop is not clipped to the
    page: a registration off at the page's end maps the feature past the edge)."""
    x, y, w, h = box
    r = _WM_REACH_MM
    mine = np.ascontiguousarray(_lum(v.crop((x - r, y - r, w + 2 * r, h + 2 * r), _WM_DPI)))
    best = -1.0
    for scale in _WM_SCALES:
        size = (max(2, round(ref.shape[1] * scale)), max(2, round(ref.shape[0] * scale)))
        sized = np.asarray(cv2.resize(ref, size, interpolation=cv2.INTER_AREA), np.float32)
        h_px, w_px = sized.shape
        if h_px > mine.shape[0] or w_px > mine.shape[1]:
            continue
        for deg in _WM_TURNS_DEG:
            m = cv2.getRotationMatrix2D(((w_px - 1) / 2, (h_px - 1) / 2), deg, 1.0)
            turned = cv2.warpAffine(sized, m, (w_px, h_px), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
            best = max(best, float(cv2.matchTemplate(mine, np.ascontiguousarray(turned),
                                                     cv2.TM_CCOEFF_NORMED).max()))
    return best


# --- transmitted light ------------------------------------------------------------------------


def watermark_present(ctx: Context) -> Finding:
    """Correlation of the transmitted-light watermark with the reference's, the best over
    shifts of up to :data:`_WM_REACH_MM`, turns and scales of the reference (a registration
    off at the page's far end, :func:`_far_ncc`); fails below :data:`_WM_MIN` (no
    watermark, or a printed imitation: one flat tone, never lighter than the paper)."""
    cid = "feature.watermark.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("transmitted", f.side)
        if v is None:
            return _na(ctx, cid, "transmitted", f.side)
        box = _clip_box(ctx, f.box_mm)
        ref = _resize(_lum(_ref_crop(ctx, f.side, "transmitted", box)), _box_shape(box, _WM_DPI))
        score = _far_ncc(v, box, ref)
        return _judge(cid, score, low_fails=True, view=v, box=box, threshold=_WM_MIN,
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
#: How far (mm) the thread band is looked for either side of its box. A hand-held photo's or
#: a scan's registration may be off by several millimetres at the page's far end (genuine
#: vehicle certificates: the thread found 3-10 mm off its box, slanted by up to 7 degrees);
#: no other dark straight band runs the page's height, and a band must be darker than the
#: paper on BOTH sides, so the page edge (paper on one side, the desk on the other) is not one.
_THREAD_REACH_MM = 10.0
#: Slants (tangent) the band is followed along: a registration a few degrees off turns a
#: band along the page's height into a slanted one, whose column median washes out
#: (genuine scans and photos: up to 0.12, 7 degrees, at the far end of a vehicle
#: certificate).
_THREAD_SLANTS = np.linspace(-0.15, 0.15, 31)
#: Rows (mm) averaged into one before the band is followed (a median over fewer rows).
_THREAD_ROW_MM = 3.0
#: Resolution (pixels per inch) the thread band is looked for at.
_THREAD_DPI = 100
#: Least contrast of a genuine thread band (share of the level range; the weaker of
#: transmitted light and UV): generator, 290 genuine documents scanned and photographed
#: 0.20-0.35 (independent set 0.27-0.29); the thread missing 0.001-0.008 in every capture.
_THREAD_MIN = 0.1


def _band_contrast(profiles: NDArray[np.float64], width: int, flank: int,
                   gap: int) -> tuple[float, int]:
    """The largest contrast of a band of ``width`` columns in column profiles (one, or one
    a row) against the paper either side (the lighter of the two sides' medians less the
    band's mean would let a step such as the page edge pass; the darker of them is taken),
    and where it starts."""
    prof = np.atleast_2d(profiles)
    n = prof.shape[1] - width - 2 * (gap + flank) + 1
    if n < 1:
        return -np.inf, 0
    win = np.lib.stride_tricks.sliding_window_view
    sides = np.median(win(prof, flank, axis=1), axis=2)  # each flank's place's median
    band = win(prof, width, axis=1).mean(axis=2)
    p = np.arange(n) + gap + flank  # where each candidate band starts
    c = np.minimum(sides[:, p - gap - flank], sides[:, p + width + gap]) - band[:, p]
    r, i = np.unravel_index(int(np.argmax(c)), c.shape)
    return float(c[r, i]), int(p[i])


def _slanted_profiles(gray: F32) -> NDArray[np.float64]:
    """Column profiles (median down each column, one row per slant) of ``gray`` sheared by
    each of :data:`_THREAD_SLANTS` about its middle row (rows first averaged over
    :data:`_THREAD_ROW_MM`)."""
    rows = max(2, round(gray.shape[0] / (_THREAD_ROW_MM * _THREAD_DPI / 25.4)))
    per_row = gray.shape[0] / rows  # original rows in one averaged row
    g = np.asarray(cv2.resize(gray, (gray.shape[1], rows), interpolation=cv2.INTER_AREA),
                   np.float32)
    h, w = g.shape
    # column x of the sheared image samples column x + t (r - mid) of row r (nearest)
    offs = np.rint(np.outer(_THREAD_SLANTS * per_row, np.arange(h) - (h - 1) / 2))
    cols = np.clip(np.arange(w)[None, None, :] + offs[:, :, None].astype(np.intp), 0, w - 1)
    sheared = g[np.arange(h)[None, :, None], cols]  # slant x row x column
    out: NDArray[np.float64] = np.median(sheared, axis=1).astype(np.float64)
    return out


def security_thread_present(ctx: Context) -> Finding:
    """Contrast of the thread band against the paper on both sides, the band looked for
    within :data:`_THREAD_REACH_MM` of its box and along each of :data:`_THREAD_SLANTS`
    (a registration off by millimetres at the page's end): dark in transmitted light,
    bright in UV (the weaker of the two, as a share of the paper's own level beside it, so
    a dim or bright exposure reads the same); fails below."""
    cid = "feature.security_thread.present"

    def one(f: FeatureSpec) -> Finding:
        box = _clip_box(ctx, f.box_mm)
        x, y, w, h = box
        k = _THREAD_DPI / 25.4
        reach_mm = _THREAD_REACH_MM + _FLANK_GAP_MM + _FLANK_MM
        # not clipped to the page: a registration off at the page's end puts the thread
        # beyond the edge it maps
        wide = (x - reach_mm, y, w + 2 * reach_mm, h)
        scores: list[tuple[float, RegisteredView]] = []
        for light in ("transmitted", "uv365"):
            v = ctx.view(light, f.side)
            if v is None:
                continue
            gray = _lum(v.crop(wide, _THREAD_DPI))
            if light == "uv365":  # the thread glows: bright on dull paper
                gray = np.float32(255.0) - gray
            width, flank = max(1, round(w * k)), round(_FLANK_MM * k)
            gap = round(_FLANK_GAP_MM * k)
            c = _band_contrast(_slanted_profiles(gray), width, flank, gap)[0]
            scores.append((c / 255.0, v))
        if not scores:
            return _na(ctx, cid, "transmitted", f.side)
        score, v = min(scores, key=lambda s: s[0])
        return _judge(cid, score, low_fails=True, view=v, box=box, threshold=_THREAD_MIN,
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
        fits = _fits(cells, number)
        found = "".join(f[0] for f in fits)
        if found != number and grid is not None:
            # stray holes at an end may have stretched the cut: read again with the ends
            # trimmed, kept when fewer characters then differ
            trimmed = _best_split(grid, number)
            if len(trimmed) == len(number):
                fits2 = _fits(trimmed, number)
                again = "".join(f[0] for f in fits2)
                differ = sum(a != b for a, b in zip(found, number, strict=True))
                if sum(a != b for a, b in zip(again, number, strict=True)) < differ:
                    found, fits = again, fits2
        t = _PERF_MARGIN
        margin, blurred = _legible_margin(fits, number, t)
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
        if not failed and blurred:
            # a glyph that fits no character as well as this capture's other glyphs fit
            # theirs is stray holes or lost ones, not another character: too weak to fail
            where = ", ".join(str(i + 1) for i in blurred)
            return make_finding(cid, Status.WARN,
                                f"The perforated number reads {found} against the document "
                                f"number {number}, but the character(s) at position {where} "
                                "fit no glyph as well as the others: check the number by eye "
                                "against the light.",
                                f"Перфорированный номер читается как {found} при номере "
                                f"документа {number}, но знак(и) в позиции {where} не "
                                "совпадают ни с одним символом так же точно, как остальные: "
                                "сверьте номер визуально на просвет.",
                                score=margin, threshold=t, view=v, box_mm=box,
                                expected=number, found=found)  # fmt: skip
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
#: Dots beyond the capture's median glyph fit (its noise) a glyph may fit its best character
#: and still be read as that character (a genuine photo's cell cut through stray holes fits
#: its best character 13-25 dots off where the others fit theirs 5-7 off).
_PERF_LEGIBLE = 4.0


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


def _fits(cells: list[NDArray[np.bool_]], number: str) -> list[tuple[str, float, float]]:
    """Each cell's best character of its kind (digit or letter, as the number has there),
    the dots it differs from that character by, and from the number's own character."""
    g = glyphs()
    out = []
    for cell, want in zip(cells, number, strict=True):
        same_kind = {c: t for c, t in g.items() if c.isdigit() == want.isdigit()}
        dists = {c: _glyph_distance(cell, t) for c, t in same_kind.items()}
        best = min(dists, key=lambda c: dists[c])
        out.append((best, dists[best], dists.get(want, dists[best])))
    return out


def _read_cells(cells: list[NDArray[np.bool_]], number: str) -> tuple[str, float]:
    """Each cell read as the glyph of its kind (digit or letter, as the number has there)
    with the fewest differing dots, and the largest margin by which that glyph fits a cell
    better than the number's own character."""
    fits = _fits(cells, number)
    return "".join(f[0] for f in fits), max((f[2] - f[1] for f in fits), default=0.0)


def _legible_margin(fits: list[tuple[str, float, float]], number: str,
                    limit: float) -> tuple[float, list[int]]:
    """The largest margin by which another character fits a glyph better than the number's
    own (``fits`` as :func:`_fits` gives them), over the glyphs that fit their best
    character about as well as this capture's glyphs fit theirs (within
    :data:`_PERF_LEGIBLE` dots of the median fit: the capture's own noise); and the
    positions of the other glyphs, which fit nothing that well, whose margin exceeds
    ``limit``."""
    noise = float(np.median([f[1] for f in fits]))
    margin, blurred = 0.0, []
    for i, ((best, d_best, d_want), want) in enumerate(zip(fits, number, strict=True)):
        if best == want:
            continue
        if d_best <= noise + _PERF_LEGIBLE:
            margin = max(margin, d_want - d_best)
        elif d_want - d_best > limit:
            blurred.append(i)
    return margin, blurred


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
