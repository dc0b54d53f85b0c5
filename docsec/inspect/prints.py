"""Checks of the print under magnification in white light: guilloche and rainbow print carry
no halftone screen, microprint keeps its fine detail relative to the title print.
Registered in :data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.checkbase import (
    F32,
    BoxMM,
    _chan_max,
    _chan_min,
    _clip_box,
    _grow,
    _heat,
    _ink_share,
    _judge,
    _lum,
    _mask_out,
    _na,
    _per_side,
    _personal_boxes,
    _ref_crop,
    _resize,
    _value_box,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.register import RegisteredView
from docsec.models import FeatureSpec
from docsec.report import Finding, Status

__all__ = [
    "guilloche_continuous",
    "microprint_sharp",
    "rainbow_smooth",
]



# --- white light under magnification -------------------------------------------------------


#: Resolution the print texture is examined at (a halftone screen's cells are 3-5 pixels).
_TEXTURE_DPI = 200
#: Least screen energy the capture is judged against: a clean scanner's sensor noise alone
#: measures 2-4 (the reference of a plain design measures less), a reprint's screen 15-25.
_SCREEN_FLOOR = 3.0
#: Side (mm) of the tiles the print texture is sampled in, and how many are read: the
#: screen of a reprint covers the whole feature, so a spread sample judges it.
_TILE_MM, _TILES = 8.0, 9
#: Least share of a tile clear of personalised areas for it to be sampled.
_TILE_FREE = 0.6


#: Side (pixels at :data:`_TEXTURE_DPI`) of the windows the colour rank is measured in: half a
#: millimetre, where print of one ink over its background shows two colours.
_RANK_WIN = 5


def _third_colour(img: F32, step: int = 1) -> F32:
    """Per pixel (every ``step``-th row and column), the smallest eigenvalue of the colour
    covariance in the :data:`_RANK_WIN` window around it (levels squared). Line print of
    one or two inks over a smooth background mixes at most three colours, which lie in a
    plane of RGB: its third component is the capture's noise alone. A copy's cyan, magenta,
    yellow and black dots spread the colours in all three directions ("dots of several inks
    where the line has one")."""
    win = (_RANK_WIN, _RANK_WIN)
    mean = [cv2.blur(img[..., c], win)[::step, ::step] for c in range(3)]

    def cov(i: int, j: int) -> F32:
        out: F32 = cv2.blur(img[..., i] * img[..., j], win)[::step, ::step] - mean[i] * mean[j]
        return out

    a, b, c = cov(0, 0), cov(1, 1), cov(2, 2)
    d, e, f = cov(0, 1), cov(0, 2), cov(1, 2)
    # the eigenvalues of a symmetric 3x3 matrix in closed form (trigonometric solution)
    q = (a + b + c) / 3
    p1 = d * d + e * e + f * f
    p = np.sqrt(((a - q) ** 2 + (b - q) ** 2 + (c - q) ** 2 + 2 * p1) / 6)
    safe = np.maximum(p, 1e-6)
    ba, bb, bc = (a - q) / safe, (b - q) / safe, (c - q) / safe
    bd, be, bf = d / safe, e / safe, f / safe
    det = ba * (bb * bc - bf * bf) - bd * (bd * bc - bf * be) + be * (bd * bf - bb * be)
    phi = np.arccos(np.clip(det / 2, -1.0, 1.0)) / 3
    low: F32 = np.asarray(q + 2 * p * np.cos(phi + 2 * np.pi / 3), np.float32)
    return low


def _screen_map(img: F32) -> F32:
    """Fine-scale chroma variation (halftone dots) per pixel."""
    c = np.stack([img[..., 0] - img[..., 1], img[..., 1] - img[..., 2]], axis=-1)
    fine = c - cv2.GaussianBlur(c, (0, 0), 1.5)
    out: F32 = np.abs(fine).sum(axis=2)
    return out


def _overlap(a: BoxMM, b: BoxMM) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def _tiles(ctx: Context, side: str, box: BoxMM) -> list[BoxMM]:
    """Up to :data:`_TILES` tiles spread over ``box``, each mostly clear of personal data."""
    x, y, w, h = box
    nx, ny = max(1, int(w // _TILE_MM)), max(1, int(h // _TILE_MM))
    tw, th = min(_TILE_MM, w / nx), min(_TILE_MM, h / ny)
    personal = [_grow(b, 0.5) for b in _personal_boxes(ctx, side)]
    free = []
    for j in range(ny):
        for i in range(nx):
            t = (x + (i + 0.5) * w / nx - tw / 2, y + (j + 0.5) * h / ny - th / 2, tw, th)
            if 1 - sum(_overlap(t, p) for p in personal) / (tw * th) >= _TILE_FREE:
                free.append(t)
    if not free:
        return [box]
    step = max(1, -(-len(free) // _TILES))
    return free[::step][:_TILES]


#: Most halftone-screen energy of the guilloche over the reference's: genuine rendered
#: 1.2-2.7, scanned 1.1-2.5; a scan-and-print copy 2.9 and more (rendered 3.3+).
_SCREEN_MAX = 2.5
#: Least noise (levels squared) the colour rank is judged against: 8-bit rounding, JPEG and
#: clipped white paper leave a plain paper's third colour near 0.
_RANK_FLOOR = 0.5
#: Most third colour (:func:`_third_colour`) of the guilloche over the paper's: genuine
#: scans 1.0-2.4, photos up to 1.3; copies scanned 3.9-40 (the independent set's CMY copy
#: 7.7), rendered 30+.
_RANK_MAX = 3.5
#: Least line coverage of the guilloche (:func:`_line_cover`) over the reference's, the
#: median over tiles: a copy's dot screen drops the pale tints of its fine lines, which fade
#: and break up. Calibrated on the generator (seeds 11 and 12) and the independent set (seed
#: 11): genuine scans 0.65-0.95, photos sampled at 190 dpi or more 0.57+; copies scanned
#: 0.13-0.48 (the independent set's JPEG scans, whose screen no longer shows, 0.27-0.48),
#: photographed 0.11-0.36. Held out (independent seeds 12 and 2026): genuine scans 0.73+,
#: photos 0.57+; copies scanned 0.34-0.58, photographed 0.29-0.44. Held out later
#: (independent seed 4242): genuine zzb_id_td1 backs photographed 0.51 and 0.52 (a photo's
#: flare lifts the pale tints' darkness toward the paper: the same cards scanned 0.66),
#: copies photographed 0.22, scanned 0.32. Judged against the capture's own contrast
#: instead, the copies read as genuine (0.87: a copy's loss is a loss of contrast too), so
#: the level sits at the geometric mean of the genuine photos' least (0.51) and the copies'
#: most photographed (0.44); copies scanned above it pass this mark.
_COVER_MIN = 0.47
#: Share of the reference's line depth (paper less its darkest print) a pixel must lie
#: below the paper to count as line, both images smoothed by :data:`_COVER_SIGMA` pixels
#: (sensor noise, a screen's dots); the capture's depth is scaled by its paper level.
_COVER_DEPTH, _COVER_SIGMA = 0.3, 1.0
#: Brightest paper (95th percentile of a tile's luminance, levels) the coverage is read at:
#: a capture exposed into clipping washes the pale tints out of genuine lines (a photo whose
#: paper reads 252: 0.28-0.43), and a copy's screen whitening its paper there cannot be told
#: from it; fewer than :data:`_COVER_TILES` tiles read leave the mark unjudged.
_COVER_PAPER_MAX, _COVER_TILES = 250.0, 3
#: Least line depth of the reference's tile (levels, paper less its darkest print) the
#: coverage is read on: a tile of paper and faint tint has no lines to lose.
_COVER_MIN_DEPTH = 15.0
#: Least share of a tile free of personalisation the coverage is read on: a tile mostly
#: under a portrait or a field has too few line pixels for a share of them.
_COVER_FREE_SHARE = 0.5


def _line_cover(img: F32, ref: F32, free: NDArray[np.bool_]) -> float | None:
    """The share of the ``free`` pixels of ``img`` darker than its paper by
    :data:`_COVER_DEPTH` of the reference's line depth, over the same share of ``ref``
    (None on a tile too bright to judge or without lines)."""
    g = np.asarray(cv2.GaussianBlur(_lum(img), (0, 0), _COVER_SIGMA), np.float32)[free]
    r = np.asarray(cv2.GaussianBlur(_lum(ref), (0, 0), _COVER_SIGMA), np.float32)[free]
    if g.size == 0:
        return None
    pg, pr = float(np.percentile(g, 95)), float(np.percentile(r, 95))
    depth = pr - float(np.percentile(r, 5))
    if pg >= _COVER_PAPER_MAX or depth < _COVER_MIN_DEPTH or pr <= 0:
        return None
    want = float(np.mean(r < pr - _COVER_DEPTH * depth))
    got = float(np.mean(g < pg - _COVER_DEPTH * depth * pg / pr))
    return got / max(want, 1e-3)


def _print_texture(ctx: Context, f: FeatureSpec, v: RegisteredView, check_id: str,
                   ok: tuple[str, str], bad: tuple[str, str]) -> Finding:
    """Three marks of a copy, sampled in tiles, each over what genuine print shows: the
    halftone-screen energy over the reference's (over :data:`_SCREEN_MAX`), the third
    colour of the print over the paper's noise (over :data:`_RANK_MAX`, judged only when
    plain paper shows to measure that noise on), and the fine lines' coverage under the
    reference's (:func:`_line_cover`, under :data:`_COVER_MIN`: pale line tints a screen
    drops, which still shows where the capture's blur and JPEG have taken the dots
    themselves off); the score is the largest of the three ratios, and fails above 1. Not
    applicable on a capture too coarse to show a screen."""
    box = _clip_box(ctx, f.box_mm)
    coarse = _too_coarse(check_id, v, box, "guilloche", "гильоширную сетку")
    if coarse is not None:
        return coarse
    mine_sum = ref_sum = 0.0
    n = 0
    ranks: list[F32] = []
    covers: list[float] = []
    personal = _personal_boxes(ctx, f.side)
    for t in _tiles(ctx, f.side, box):
        img = v.crop(t, _TEXTURE_DPI)
        if img.ndim != 3:
            continue
        free = _mask_out(img.shape[:2], t, personal, _TEXTURE_DPI, 0.5)
        if free.any():
            ranks.append(_third_colour(img)[free])
        blank = free & (_chan_max(img) > 110)
        if not blank.any():
            continue
        ref = _resize(_ref_crop(ctx, f.side, "white", t), img.shape[:2])
        if free.mean() >= _COVER_FREE_SHARE:
            c = _line_cover(img, ref, free)
            if c is not None:
                covers.append(c)
        ref = np.asarray(cv2.GaussianBlur(ref, (0, 0), 0.7), np.float32)
        mine_sum += float(_screen_map(img)[blank].sum())
        ref_sum += float(_screen_map(ref)[blank].sum())
        n += int(blank.sum())
    if n == 0:
        return make_finding(check_id, Status.NOT_APPLICABLE,
                            "no blank print to examine (all personalised or dark).",
                            "нет свободного от данных участка печати.", view=v, box_mm=box)
    noise = _paper_rank(ctx, f.side)
    for s in ("front", "back"):
        noise = noise if noise is not None else _paper_rank(ctx, s)
    energy = (mine_sum / n) / max(_SCREEN_FLOOR, ref_sum / n)
    score = energy / _SCREEN_MAX
    if noise is not None and ranks:  # the colour rank is judged against measured noise only
        rank = float(np.median(np.concatenate(ranks))) / max(_RANK_FLOOR, noise)
        score = max(score, rank / _RANK_MAX)
    if len(covers) >= _COVER_TILES:
        score = max(score, _COVER_MIN / max(1e-6, float(np.median(covers))))
    if score > 1.0:
        e = _screen_map(v.crop(box, _TEXTURE_DPI))
        _heat(ctx, check_id, v, box, np.asarray(cv2.GaussianBlur(e, (0, 0), 4), np.float32))
    return _judge(check_id, score, low_fails=False, view=v, box=box, ok=ok, bad=bad,
                  threshold=1.0)


def guilloche_continuous(ctx: Context) -> Finding:
    """A copy's marks in the guilloche area (:func:`_print_texture`): screen energy, third
    colour, faded lines; fails above 1."""
    cid = "feature.guilloche.continuous"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        return _print_texture(ctx, f, v, cid,
                              ("The guilloche lines are continuous, with no screen dots.",
                               "Линии гильоширной сетки непрерывны, растра нет."),
                              ("The guilloche lines break into halftone dots or fade and "
                               "break up: scanned and reprinted.",
                               "Линии гильоширной сетки распадаются на растровые точки или "
                               "бледнеют и прерываются: скан и печать."))  # fmt: skip

    return _per_side(ctx, "guilloche", cid, one)
#: Gaussian scale (pixels at :data:`_TEXTURE_DPI`) below which the screen's dots lie: a
#: colour copy's 100 lpi dot screen is 2 pixels at 200 dpi.
_DOT_SIGMA = 0.8
#: Blur (pixels at :data:`_TEXTURE_DPI`) through which a dot screen looks smooth and the
#: design's lines and edges do not.
_DOT_SMOOTH = 1.5


#: A rainbow tile's pixels taken as smooth print: the reference's fine detail there (chroma
#: and luminance, levels) stays below this, and this many pixels (at
#: :data:`_TEXTURE_DPI`) away from any that does not (lines, lettering, edges).
_SMOOTH_DETAIL, _SMOOTH_GAP_PX = 4.0, 3
#: Most fine chroma over fine luminance of the smooth rainbow print: a capture's noise
#: independent in each channel gives 4.2-4.4 (generator and independent scans; JPEG lowers
#: it), genuine renders up to 3.3; a colour copy's dot screen scanned 6.9-8.9, rendered 8.9+.
_RAINBOW_MAX = 5.5
#: Fine luminance (levels, the median over the smooth print) from which a capture carries
#: sensor noise: renders 0.07-0.08, scans and photos 0.29-0.51 (generator, seed 11).
_NOISE_LUMA = 0.2
#: Least fine chroma over fine luminance (the rainbow's score) at which a noisy capture
#: still shows colour at its pixels' scale: a scanner's noise keeps its colour (genuine
#: 4.15-4.49, copies 6.3+), a photo's JPEG takes it off (genuine and copies alike 0.0-1.63
#: at 173-195 dpi, generator seeds 11 and 12): a dot screen's colours cannot show there, and
#: a rainbow that does not fail is not applicable (the level between the two, geometrically).
_RAINBOW_NOISE_MIN = 2.5
#: Least fine luminance (levels) the ratio is taken over (8-bit rounding of a noiseless
#: render measures 0.07).
_LUMA_FLOOR = 0.05


def _fine_chroma(img: F32, sigma: float) -> F32:
    """Per pixel, the chroma (R-G, G-B) detail finer than ``sigma`` (summed magnitude)."""
    c = np.stack([img[..., 0] - img[..., 1], img[..., 1] - img[..., 2]], axis=-1)
    out: F32 = np.abs(c - cv2.GaussianBlur(c, (0, 0), sigma)).sum(axis=2)
    return out


def _smooth_mask(img: F32, ref: F32) -> NDArray[np.bool_]:
    """Pixels of a crop at :data:`_TEXTURE_DPI` taken as smooth print: the reference's fine
    detail stays below :data:`_SMOOTH_DETAIL`, and so does the capture's seen through a blur
    that averages a screen's dots away (a registration a little off brings no design edge
    in), :data:`_SMOOTH_GAP_PX` pixels away from any pixel that does not."""
    g = _lum(ref)
    detail = _fine_chroma(ref, 1.0) + np.abs(g - cv2.GaussianBlur(g, (0, 0), 1.0))
    seen = np.asarray(cv2.GaussianBlur(img, (0, 0), _DOT_SMOOTH), np.float32)
    seen_detail = _fine_chroma(seen, 1.0) + np.abs(
        _lum(seen) - cv2.GaussianBlur(_lum(seen), (0, 0), 1.0))
    rough = (detail > _SMOOTH_DETAIL) | (seen_detail > _SMOOTH_DETAIL)
    grow = np.ones((2 * _SMOOTH_GAP_PX + 1,) * 2, np.uint8)
    out: NDArray[np.bool_] = cv2.dilate(rough.astype(np.uint8), grow) == 0
    return out


#: Kinds of printed feature a copy reprints (their boxes are not plain paper).
_PRINTED = ("rainbow", "guilloche", "microprint", "latent_image", "hologram", "ovi")
#: Least smooth paper pixels (at :data:`_TEXTURE_DPI`, about 0.3 cm²) the noise is read on.
_PAPER_MIN_PX = 2000
#: Pixels with a channel beyond this level (or below 255 less it) are left out of the noise
#: floor: clipping takes the noise off white paper (a clipped scan measured 0.01, its
#: unclipped print 1.0).
_CLIP_LEVEL = 245.0
#: Every this many pixels of the plain paper are read for its noise (plenty remain).
_PAPER_STEP = 3
#: Paper this close (mm) to the page edge is left out (the edge and the background behind it).
_EDGE_MM = 1.5


def _paper_rank(ctx: Context, side: str) -> float | None:
    """The capture's own noise in the colour rank measure (:func:`_third_colour`): its
    median on the white view's smooth paper on ``side``, outside every printed feature and
    personalised area (None when the view is missing or too little plain paper shows)."""
    return _paper(ctx, side)


def _paper(ctx: Context, side: str) -> float | None:
    v = ctx.view("white", side)
    if v is None:
        return None
    key = f"paper_rank_{side}"
    if key in ctx.memo:
        got: float | None = ctx.memo[key]
        return got
    w, h = ctx.model.size_mm
    printed = [f.box_mm for f in ctx.model.features if f.side == side and f.kind in _PRINTED]
    busy = _personal_boxes(ctx, side) + printed
    page = (_EDGE_MM, _EDGE_MM, w - 2 * _EDGE_MM, h - 2 * _EDGE_MM)
    # the plain paper's extent, found at a coarse resolution (1 pixel a millimetre)
    free = _mask_out((int(page[3]), int(page[2])), page, busy, 25, 0.5)
    out: float | None = None
    rows, cols = np.nonzero(free.any(axis=1))[0], np.nonzero(free.any(axis=0))[0]
    img = None
    if rows.size and cols.size:
        region = (page[0] + cols[0], page[1] + rows[0], float(cols[-1] - cols[0] + 1),
                  float(rows[-1] - rows[0] + 1))  # fmt: skip
        img = v.crop(region, _TEXTURE_DPI)
    if img is not None and img.ndim == 3:
        ref = _resize(_ref_crop(ctx, side, "white", region), img.shape[:2])
        paper = _smooth_mask(img, ref) & _mask_out(img.shape[:2], region, busy, _TEXTURE_DPI,
                                                   0.5)  # fmt: skip
        hi, lo = _chan_max(img), _chan_min(img)
        for clip in (_CLIP_LEVEL, 254.5):  # unclipped paper first, then any unsaturated
            keep = paper & (hi < clip) & (lo > 255 - clip)
            if int(keep.sum()) >= _PAPER_MIN_PX:
                paper = keep
                break
        else:
            paper = paper & False
        if int(paper.sum()) >= _PAPER_MIN_PX:
            out = float(np.median(_third_colour(img, _PAPER_STEP)[
                paper[::_PAPER_STEP, ::_PAPER_STEP]]))
    ctx.memo[key] = out
    return out


#: Least sampling of the page (pixels per inch, measured from the registration) at which a
#: colour copy's 100-150 lpi dot screen still leaves its fine colour in the pixels: flat
#: renders and flatbed scans sample at 195-200 dpi and show it (copies 0.9+, genuine below
#: 0.1); phone photos of the page at 165-185 dpi, blurred and JPEG-compressed, do not
#: (copies -0.3 to -0.15, genuine -0.3 to 0.15).
_SCREEN_MIN_DPI = 190.0


def _sampling_dpi(v: RegisteredView, box: BoxMM) -> float:
    """Capture pixels per inch of the page at the centre of ``box`` (the registration's
    local scale; a perspective photo samples the page more coarsely than its nominal dpi)."""
    assert v.mm_to_capture is not None
    x, y = box[0] + box[2] / 2, box[1] + box[3] / 2
    pts = np.asarray([[x, y, 1.0], [x + 1, y, 1.0], [x, y + 1, 1.0]]) @ v.mm_to_capture.T
    xy = pts[:, :2] / pts[:, 2:3]
    jac = np.stack([xy[1] - xy[0], xy[2] - xy[0]], axis=1)
    return float(np.sqrt(abs(np.linalg.det(jac)))) * 25.4


def _too_coarse(cid: str, v: RegisteredView, box: BoxMM, what_en: str,
                what_ru: str) -> Finding | None:
    """Not applicable when the capture samples ``box`` below :data:`_SCREEN_MIN_DPI`: a
    dot screen cannot be seen there, so a pass would mean nothing."""
    dpi = _sampling_dpi(v, box)
    if dpi >= _SCREEN_MIN_DPI:
        return None
    return make_finding(
        cid, Status.NOT_APPLICABLE,
        f"the capture samples the {what_en} at {dpi:.0f} dpi: a copy's 100-150 lpi dot "
        f"screen needs at least {_SCREEN_MIN_DPI:.0f} dpi to show (scan the page at 300 dpi "
        "or examine it under a 10x loupe).",
        f"снимок передаёт {what_ru} с разрешением {dpi:.0f} dpi: для растра копии "
        f"(100-150 lpi) нужно не менее {_SCREEN_MIN_DPI:.0f} dpi (отсканируйте страницу "
        "с 300 dpi или осмотрите под лупой 10x).", view=v, box_mm=box)


def rainbow_smooth(ctx: Context) -> Finding:
    """Fine colour detail (a dot screen's) in the rainbow's smooth print against its fine
    luminance detail: the median over smooth pixels of tiles clear of personal data of the
    fine chroma (:func:`_fine_chroma`) over the fine luminance at the same scale; fails
    above :data:`_RAINBOW_MAX`. A split-duct rainbow blends without dots, so its fine detail
    is the capture's noise, whose chroma and luminance keep a fixed ratio whatever its
    level (the capture needs no other light or plain paper to be measured on); a colour
    copy prints it as a dot screen of several inks, whose fine detail is mostly colour. Not
    applicable on a capture too coarse to show a screen (:data:`_SCREEN_MIN_DPI`) or whose
    noise has lost its colour (:data:`_RAINBOW_NOISE_MIN`)."""
    cid = "feature.rainbow.smooth"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        coarse = _too_coarse(cid, v, box, "rainbow print", "ирисовый фон")
        if coarse is not None:
            return coarse
        personal = _personal_boxes(ctx, f.side)
        chroma: list[F32] = []
        luma: list[F32] = []
        for t in _tiles(ctx, f.side, box):
            img = v.crop(t, _TEXTURE_DPI)
            if img.ndim != 3:
                continue
            ref = _resize(_ref_crop(ctx, f.side, "white", t), img.shape[:2])
            smooth = _smooth_mask(img, ref)
            smooth &= _mask_out(img.shape[:2], t, personal, _TEXTURE_DPI, 0.5)
            if smooth.sum() < 50:
                continue
            g = _lum(img)
            chroma.append(_fine_chroma(img, _DOT_SIGMA)[smooth])
            luma.append(np.abs(g - cv2.GaussianBlur(g, (0, 0), _DOT_SIGMA))[smooth])
        if not chroma:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "no smooth rainbow print clear of personal data to examine.",
                                "нет свободного от данных участка ирисового фона.", view=v,
                                box_mm=box)  # fmt: skip
        fine = float(np.median(np.concatenate(luma)))
        score = float(np.median(np.concatenate(chroma))) / max(_LUMA_FLOOR, fine)
        if fine >= _NOISE_LUMA and score < _RAINBOW_NOISE_MIN:
            return make_finding(
                cid, Status.NOT_APPLICABLE,
                f"the capture's noise shows no colour at its pixels' scale (fine colour "
                f"{score:.2f} of its fine luminance, at least {_RAINBOW_NOISE_MIN:.1f} needed: "
                "a JPEG's halved colour resolution), so a copy's dot screen cannot show (scan "
                "the page at 300 dpi without JPEG compression or examine it under a 10x loupe).",
                "шум снимка не несёт цвета на уровне пикселей (сжатие JPEG), растр копии не "
                "виден (отсканируйте с 300 dpi без JPEG или осмотрите под лупой 10x).",
                view=v, box_mm=box)
        if score > _RAINBOW_MAX:
            e = _fine_chroma(v.crop(box, _TEXTURE_DPI), _DOT_SIGMA)
            _heat(ctx, cid, v, box, np.asarray(cv2.GaussianBlur(e, (0, 0), 4), np.float32))
        return _judge(cid, score, low_fails=False, view=v, box=box, threshold=_RAINBOW_MAX,
                      ok=("The rainbow background changes hue smoothly.",
                          "Ирисовый фон переходит плавно."),
                      bad=("The rainbow background is a halftone screen with stepped "
                           "colours.",
                           "Ирисовый фон напечатан растром со ступенчатыми цветами."))

    return _per_side(ctx, "rainbow", cid, one)


#: Resolution the microprint is examined at (its 0.2-0.3 mm letters span 2 pixels: their
#: strokes still show as a fine texture along the line, a copy's blurred line does not).
_MICRO_DPI = 200
#: Scale (pixels at :data:`_MICRO_DPI`) of the letter texture measured along the line: detail
#: finer than a letter's width, which a copy resampled at letter scale loses.
_LETTER_SIGMA = 1.2
#: Paper strips (mm) above and below the line the capture's own noise is read on: beyond
#: the line's ink by :data:`_PAPER_GAP_MM`, up to :data:`_PAPER_MM` from its box.
_PAPER_GAP_MM, _PAPER_MM = 0.6, 1.6
#: Least ink depth (levels) the texture is measured against (a line paler than this is
#: judged as if it had this depth, so noise on a faint line does not read as letters).
_MIN_INK = 5.0
#: Least letter texture (the r.m.s. of the along-line detail above the paper's noise, over
#: the line's ink depth) by the capture's own edge spread (:func:`_edge_sigma`, pixels at
#: :data:`_MICRO_DPI`): the capture's blur takes the letters' strokes off genuine
#: microprint and a copy's alike, so one level cannot serve a sharp scan and a soft photo.
#: Generator, 250 genuine documents scanned and photographed and 8 copies blurred at letter
#: scale in each capture: genuine at least 0.096 up to a spread of 0.97, 0.066 at 1.05,
#: 0.048 at 1.10, 0.042 at 1.11; copies at most 0.045 up to 0.97 (renders and scans),
#: 0.030 at 1.04-1.08, 0.025 at 1.15. Each level sits near the geometric mean of the two.
_MICRO_SPREADS = (0.97, 1.05, 1.10, 1.15)
_MICRO_MINS = (0.066, 0.044, 0.036, 0.032)


def _micro_min(spread: float | None) -> float:
    """The least letter texture of genuine microprint in a capture of edge ``spread``
    (:data:`_MICRO_MINS`; an unknown spread is taken as the softest judged)."""
    s = _MICRO_MAX_SIGMA if spread is None else spread
    return float(np.interp(s, _MICRO_SPREADS, _MICRO_MINS))


#: Most third colour (:func:`_third_colour`) of the microprint line over the paper's beside
#: it (:func:`_line_screen`: unclipped pixels, the paper's floored at
#: :data:`_MICRO_RANK_FLOOR`), judged where a dot screen can show (:data:`_SCREEN_MIN_DPI`):
#: genuine lines at most 1.70 on the generator's scans and photos (seeds 11 and 12, 220
#: captures) and 1.42 on the independent set's (seeds 11, 12 and 2026); a copy through a
#: CMY screen 2.26-18 on the independent set's scans, 200+ rendered. Copies whose JPEG scan
#: kept no fine colour (1.0-1.6, as genuine) cannot be told by colour and are left to the
#: letter texture.
_MICRO_RANK_MAX = 1.95
#: Least third colour (levels squared) the line's is taken over: a JPEG's chroma subsampling
#: leaves the paper beside it 0.00-0.10 while the edges of genuine one-ink letters keep
#: 0.13-0.32 (a floor of 0.15 let a genuine independent scan read 1.85, and a JPEG of
#: quality 95 2.1).
_MICRO_RANK_FLOOR = 0.2
#: Least sampling of the line (dpi) at which its 0.25 mm letters still span 1.7 pixels and
#: show their strokes: genuine photos sampled at 159 dpi lose them (texture 0.036).
_MICRO_MIN_DPI = 170.0


#: Least sampling of the line (dpi) at which the microprint is passed: below it, a colour
#: copy's 100-170 lpi dot screen (finer than the pixels) leaves letters as textured as
#: genuine ones and, once a JPEG has halved the colour resolution, a line as one-coloured.
#: The independent set's copies (seeds 11, 12, 13, 31 and 2027): 5 of 27 JPEG scans
#: sampled at 191-240 dpi and 5 of 5 photos judged at 173-213 dpi passed both marks; all
#: 13 scans sampled at 241-268 dpi failed (their screen's colours show). The generator's
#: blurred copies fail the letter texture at every sampling (0.25-0.78 of its level), so
#: below this floor the check still fails them and says not applicable otherwise.
_MICRO_PASS_DPI = 250.0


#: Most edge spread of the capture (:func:`_edge_sigma`, pixels at :data:`_MICRO_DPI`) at
#: which the letter texture is judged: renders measure 0.84-0.93, scans 0.88-1.10, photos
#: 0.96-1.32; past 1.15 genuine microprint keeps only 0.036-0.049 of texture, as much as a
#: sharp capture's blurred copy (0.025-0.045), so the letters cannot be judged there.
_MICRO_MAX_SIGMA = 1.15
#: Least step (levels) between the ink and the paper of a text edge the spread is read on.
_EDGE_STEP = 80.0


#: How far (mm) across its length the microprint line is looked for around its box: a
#: registration off by up to 2 mm there (generator scans and renders) leaves blank paper
#: in the box and reads as a line without letters.
_MICRO_FIND_MM = 2.0


def _line_shift(gray: F32, ref: F32, top: int, bottom: int, reach: int, pad: int) -> int:
    """Rows by which the line ``top:bottom`` (with ``pad`` rows either side) of the
    reference ``ref`` shows moved in ``gray`` (same shape), within ``reach``: the shift
    whose row profiles (means along the line) correlate best, then centred on the line's
    ink within :data:`_MICRO_CENTRE` rows (a copy's blurred line is wider than the
    reference's, and the profile match slides off it)."""
    mine = gray.mean(axis=1).astype(np.float64)
    want = ref.mean(axis=1).astype(np.float64)
    a, b = max(0, top - pad), min(len(want), bottom + pad)
    tmpl = want[a:b] - want[a:b].mean()
    best, at = -np.inf, 0
    for d in range(-reach, reach + 1):
        if a + d < 0 or b + d > len(mine):
            continue
        seg = mine[a + d : b + d] - mine[a + d : b + d].mean()
        den = float(np.sqrt((seg * seg).sum() * (tmpl * tmpl).sum()))
        c = float((seg * tmpl).sum()) / den if den > 1e-9 else -np.inf
        if c > best + 1e-9 or (abs(c - best) <= 1e-9 and abs(d) < abs(at)):
            best, at = c, d
    near = [d for d in range(at - _MICRO_CENTRE, at + _MICRO_CENTRE + 1)
            if top + d >= 0 and bottom + d <= len(mine)]
    return min(near, key=lambda d: (float(mine[top + d : bottom + d].mean()), abs(d - at)),
               default=at)


#: Rows (at :data:`_MICRO_DPI`) the found line may be moved to centre it on its ink.
_MICRO_CENTRE = 3


def _edge_sigma(ctx: Context, v: RegisteredView, side: str) -> float | None:
    """The capture's blur as the spread (Gaussian sigma, pixels at :data:`_MICRO_DPI`) of
    the sharpest edges of the personalised text on ``side``: a step of height H blurred by
    sigma has a steepest slope of H / (sigma sqrt(2 pi)); the 95th percentile of slope over
    step on strong edges gives the capture's sharpest edges (None without such text). The
    value boxes are looked in as placed first, then grown by :data:`_EDGE_ROOM_MM` (a
    registration off by more than a line's height leaves them blank)."""
    for room in (0.0, _EDGE_ROOM_MM):
        got = _edge_sigma_in(ctx, v, side, room)
        if got is not None:
            return got
    return None


#: Room (mm) the value boxes are grown by when, as placed, they show no text edges.
_EDGE_ROOM_MM = 1.5


def _edge_sigma_in(ctx: Context, v: RegisteredView, side: str, room: float) -> float | None:
    ratios = []
    for fld in ctx.model.fields:
        if fld.side != side:
            continue
        crop = v.crop(_grow(_value_box(fld), room), _MICRO_DPI)
        if _ink_share(crop) <= 0.03:
            continue
        g = _lum(crop)
        slope = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3),
                         cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)) / 8  # fmt: skip
        k = np.ones((7, 7), np.uint8)
        step = cv2.dilate(g, k) - cv2.erode(g, k)
        strong = step > _EDGE_STEP
        if strong.sum() >= 20:
            ratios.append(slope[strong] / step[strong])
        if len(ratios) == 4:
            break
    if not ratios:
        return None
    top = float(np.percentile(np.concatenate(ratios), 95))
    return 1.0 / max(1e-6, top * float(np.sqrt(2 * np.pi)))


def _letter_texture(crop: F32, top: int, bottom: int) -> float:
    """Letter texture of the microprint rows ``top:bottom`` of ``crop`` (the line with
    paper strips above and below): the energy of the luminance detail along the line finer
    than :data:`_LETTER_SIGMA`, less the same on the paper strips (the capture's noise), as
    an r.m.s. over the line's ink depth (paper level less the line's mean)."""
    g = _lum(crop)
    along = np.abs(g - cv2.GaussianBlur(g, (0, 0), sigmaX=_LETTER_SIGMA, sigmaY=0.01))
    k = _MICRO_DPI / 25.4
    gap = round(_PAPER_GAP_MM * k)
    rows = np.arange(g.shape[0])
    line = (rows >= top) & (rows < bottom)
    paper = (rows < top - gap) | (rows >= bottom + gap)
    if not line.any() or not paper.any():
        return float("nan")
    energy = float(np.mean(along[line] ** 2))
    # the median of |noise| is 0.674 sigma for Gaussian noise; robust to lines in the strips
    noise = (float(np.median(along[paper])) / 0.674) ** 2
    ink = float(np.percentile(g[paper], 75)) - float(np.mean(g[line]))
    return float(np.sqrt(max(0.0, energy - noise))) / max(_MIN_INK, ink)


def _line_screen(crop: F32, top: int, bottom: int,
                 fallback: Callable[[], float | None] | None = None) -> float:
    """The third colour (:func:`_third_colour`) of the line ``top:bottom`` of ``crop`` over
    that of the paper strips beyond :data:`_PAPER_GAP_MM` above and below it, both medians
    over pixels whose :data:`_RANK_WIN` window holds no clipped channel (clipping takes the
    noise off a pale paper: a genuine line on a pink paper whose red channel saturates read
    3.4 times a paper of 0.0), the paper's floored at :data:`_MICRO_RANK_FLOOR`. When the
    strips show fewer than :data:`_MICRO_STRIP_MIN_PX` such pixels, what ``fallback``
    gives (the page's plain paper, :func:`_paper_rank`) stands for them."""
    rank = _third_colour(crop)
    gap = round(_PAPER_GAP_MM * _MICRO_DPI / 25.4)
    paper = np.r_[0 : max(1, top - gap), min(crop.shape[0] - 1, bottom + gap) : crop.shape[0]]
    clipped = (_chan_max(crop) >= _CLIP_LEVEL) | (_chan_min(crop) <= 255 - _CLIP_LEVEL)
    near = cv2.dilate(clipped.astype(np.uint8), np.ones((_RANK_WIN, _RANK_WIN), np.uint8)) == 0
    line_ok, paper_ok = near[top:bottom], near[paper]
    line = rank[top:bottom]
    mine = float(np.median(line[line_ok] if line_ok.sum() >= _MICRO_STRIP_MIN_PX else line))
    if paper_ok.sum() >= _MICRO_STRIP_MIN_PX:
        noise = float(np.median(rank[paper][paper_ok]))
    else:
        page = fallback() if fallback is not None else None
        noise = page if page is not None else float(np.median(rank[paper]))
    return mine / max(_MICRO_RANK_FLOOR, noise)


#: Least unclipped pixels (at :data:`_MICRO_DPI`) the line's or the strips' third colour is
#: read on: a tenth of a 40 mm line's strips.
_MICRO_STRIP_MIN_PX = 300


def microprint_sharp(ctx: Context) -> Finding:
    """Two marks of a copied microprint line, each as a margin (1 at its limit): its letter
    texture (:func:`_letter_texture`) over the least genuine microprint keeps at the
    capture's own blur (:func:`_micro_min`; genuine microprint keeps its
    strokes as fine detail along the line; a copy resampled or blurred at letter scale
    leaves a smooth grey line), and :data:`_MICRO_RANK_MAX` over its third colour against
    the paper beside it (:func:`_third_colour`: one ink, not a screen's several). The score
    is the smaller margin; fails below 1. The texture is not judged on a capture sampling
    the line below :data:`_MICRO_MIN_DPI` or blurred past :data:`_MICRO_MAX_SIGMA`
    (:func:`_edge_sigma`): not applicable there unless the screen shows; and a line that
    fails neither mark is passed only at :data:`_MICRO_PASS_DPI` or more (a colour copy's
    screen finer than the pixels fails neither)."""
    cid = "feature.microprint.sharp"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        x, y, w, h = box
        k = _MICRO_DPI / 25.4
        reach = _MICRO_FIND_MM + _PAPER_MM
        outer = _clip_box(ctx, (x, y - reach, w, h + 2 * reach))
        crop = v.crop(outer, _MICRO_DPI)
        top = round((y - outer[1]) * k)
        bottom = top + max(1, round(h * k))
        # the line where it shows (a registration off by a millimetre or two across the
        # page), with its paper strips
        ref = _resize(_lum(_ref_crop(ctx, f.side, "white", outer)), crop.shape[:2])
        shift = _line_shift(_lum(crop), ref, top, bottom, round(_MICRO_FIND_MM * k),
                            round(_PAPER_MM * k))  # fmt: skip
        lo = max(0, top + shift - round(_PAPER_MM * k))
        crop = crop[lo : bottom + shift + round(_PAPER_MM * k)]
        top, bottom = top + shift - lo, bottom + shift - lo
        texture = _letter_texture(crop, top, bottom)
        if not np.isfinite(texture):
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "the microprint line lies at the page edge: no paper beside "
                                "it to read the capture's noise on.",
                                "микротекст у края страницы: нет бумаги рядом для оценки "
                                "шума снимка.", view=v, box_mm=box)  # fmt: skip
        screen = _line_screen(crop, top, bottom, lambda: _paper_rank(ctx, f.side))
        dpi = _sampling_dpi(v, box)
        # a copy's dot screen shows only where the capture resolves it; below that, JPEG
        # chroma alone lifts the third colour of a genuine line (photos: up to 4.5)
        score = _MICRO_RANK_MAX / max(1e-6, screen) if dpi >= _SCREEN_MIN_DPI else np.inf
        spread = _edge_sigma(ctx, v, f.side)
        if dpi >= _MICRO_MIN_DPI and spread is not None and spread <= _MICRO_MAX_SIGMA:
            score = min(score, texture / _micro_min(spread))
        elif score >= 1.0 and spread is None:
            # no text edges to measure the blur on: the letters cannot be held to a level
            # (a genuine photo of unknown blur measured 0.62 of the softest level)
            return make_finding(
                cid, Status.NOT_APPLICABLE,
                "the capture's sharpness could not be measured (no sharp text edges found), "
                "so its 0.25 mm letters cannot be judged (retake the photo in focus, scan the "
                "page at 300 dpi or examine it under a 10x loupe).",
                "резкость снимка измерить не удалось (нет чётких краёв текста), буквы 0,25 мм "
                "оценить нельзя (переснимите в фокусе, отсканируйте с 300 dpi или осмотрите "
                "под лупой 10x).", view=v, box_mm=box)
        elif score >= 1.0 and dpi < _MICRO_MIN_DPI:
            return make_finding(
                cid, Status.NOT_APPLICABLE,
                f"the capture samples the microprint at {dpi:.0f} dpi: its 0.25 mm letters "
                f"need at least {_MICRO_MIN_DPI:.0f} dpi to be judged (scan the page at 300 "
                "dpi or examine it under a 10x loupe).",
                f"снимок передаёт микротекст с разрешением {dpi:.0f} dpi: для букв 0,25 мм "
                f"нужно не менее {_MICRO_MIN_DPI:.0f} dpi (отсканируйте страницу с 300 dpi "
                "или осмотрите под лупой 10x).", view=v, box_mm=box)
        elif score >= 1.0:
            return make_finding(
                cid, Status.NOT_APPLICABLE,
                f"the capture is too blurred to judge 0.25 mm letters: its sharpest text "
                f"edges spread over {spread:.2f} px at {_MICRO_DPI} dpi (at most "
                f"{_MICRO_MAX_SIGMA:.2f} needed: retake the photo in focus, scan the page at "
                "300 dpi or examine it under a 10x loupe).",
                f"снимок слишком размыт для букв 0,25 мм: резкость краёв текста "
                f"{spread:.2f} px при {_MICRO_DPI} dpi (нужно не более {_MICRO_MAX_SIGMA:.2f}: "
                "переснимите в фокусе, отсканируйте с 300 dpi или осмотрите под лупой 10x).",
                view=v, box_mm=box)
        if score >= 1.0 and dpi < _MICRO_PASS_DPI:
            return make_finding(
                cid, Status.NOT_APPLICABLE,
                f"the capture samples the microprint at {dpi:.0f} dpi: a colour copy's "
                "100-170 lpi dot screen leaves its 0.25 mm letters looking like print there "
                f"(at least {_MICRO_PASS_DPI:.0f} dpi needed to pass them: scan the page at "
                "300 dpi or examine it under a 10x loupe).",
                f"снимок передаёт микротекст с разрешением {dpi:.0f} dpi: растр цветной копии "
                "(100-170 lpi) при таком разрешении не отличить от печати (нужно не менее "
                f"{_MICRO_PASS_DPI:.0f} dpi: отсканируйте страницу с 300 dpi или осмотрите "
                "под лупой 10x).", view=v, box_mm=box)
        return _judge(cid, score, low_fails=True, view=v, box=box, threshold=1.0,
                      ok=("The microprint keeps its fine detail.",
                          "Микротекст сохраняет мелкие детали."),
                      bad=("The microprint is blurred into blobs: reproduced by copying.",
                           "Микротекст размыт: воспроизведён копированием."))

    return _per_side(ctx, "microprint", cid, one)
