"""Checks in UV 365 nm and infrared light: the substrate stays dull, fibres glow (and do not
show in white light), the emblem glows with the reference's shape (and does not show in white
light), the MRZ and the carbon-ink fields absorb in IR while dye-ink fields drop out (the
model's ink table). Registered in :data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect.checkbase import (
    F32,
    BoxMM,
    _band,
    _box_shape,
    _chan_max,
    _chan_min,
    _clip_box,
    _heat,
    _ink_share,
    _judge,
    _lum,
    _mask_out,
    _na,
    _ncc,
    _per_side,
    _personal_boxes,
    _ref_crop,
    _resize,
    _slid_ncc,
    _value_box,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.register import RegisteredView
from docsec.inspect.tilt import feature_offset, shifted
from docsec.models import FeatureSpec, FieldSpec
from docsec.report import Finding, Status

__all__ = [
    "ir_fields_dark",
    "ir_mrz_dark",
    "uv_emblem_invisible_in_white",
    "uv_emblem_present",
    "uv_fibres_invisible_in_white",
    "uv_fibres_present",
    "uv_fibres_random",
    "uv_substrate_dull",
]



# --- UV 365 -----------------------------------------------------------------------------------


def uv_substrate_dull(ctx: Context) -> Finding:
    """Median UV brightness of blank paper over the reference's; fails above the threshold."""
    cid = "feature.uv_substrate.dull"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("uv365", f.side)
        if v is None:
            return _na(ctx, cid, "uv365", f.side)
        box = _clip_box(ctx, f.box_mm)
        mine = _lum(v.crop(box, 50))
        ref = _lum(_ref_crop(ctx, f.side, "uv365", box))
        ref = _resize(ref, mine.shape)
        blank = _mask_out(mine.shape, box, _personal_boxes(ctx, f.side), 50, 1.0)
        blank &= ref < np.percentile(ref, 60)
        if blank.sum() < 20:
            blank = np.ones_like(blank)
        score = float(np.median(mine[blank])) / max(8.0, float(np.median(ref[blank])))
        return _judge(cid, score, low_fails=False, view=v, box=box,
                      ok=("The substrate stays dull under UV 365 nm.",
                          "Подложка в УФ 365 нм не светится."),
                      bad=("The paper glows under UV 365 nm: optical brightener, not "
                           "security paper.",
                           "Бумага светится в УФ 365 нм: оптический отбеливатель, "
                           "не защищённая бумага."))  # fmt: skip

    return _per_side(ctx, "uv_dull_substrate", cid, one)


#: Resolution (dpi) fibres are looked for at: a fibre 0.1-0.2 mm wide is under a pixel.
_FIBRE_DPI = 100
#: A fibre pixel stands out of the paper around it (its 7-pixel median) by this many times
#: the capture's own noise (the robust spread of the same difference over the blank
#: paper): a photo's blur leaves a fibre 40-70 levels where a render has 130+, and the
#: paper's noise is 1.5-3 levels, a JPEG's blocks a few more.
_FIBRE_NOISE_K = 6.0
#: ... and by at least this many levels (a noiseless render's gradients, a JPEG's ringing).
_FIBRE_GLOW_MIN = 12.0
#: ... in a colour: the channels of its excess over the paper spread by at least this share
#: of the largest (the models' red, green and blue fibres 0.74-0.95; noise and the grey of
#: a capture's blur around the design much less).
_FIBRE_HUE_SHARE = 0.5
#: The opening that takes a fibre (a pixel or two wide at :data:`_FIBRE_DPI`) away.
_RIDGE_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
#: Fluorescent fibres per cm² of blank paper below which they are missing: genuine papers
#: show 0.47 and more in every capture of both sets once the glow is judged against the
#: capture's own noise (a comparator's photos went down to 0.16 before), papers with the
#: fibres inpainted or left out 0.00-0.06.
FIBRES_PER_CM2_MIN = 0.2
#: Margin (mm) left out around the glowing thread and emblem: a scan registered 1-2 mm off
#: there shows bits of the thread's glowing line beside its box.
_GLOWING_PAD_MM = 3.0
#: Margin (mm) along the page's edges left out: a capture's edge blurs into its background.
_FIBRE_EDGE_MM = 1.5


def _fibre_covered(ctx: Context, side: str) -> list[BoxMM]:
    """Boxes where fibres cannot be told under UV: the MRZ (its filler characters repeat at
    the type's pitch), the portrait, the ghost image and the perforated number (colours and
    edges of their own)."""
    m = ctx.model
    boxes = [f.box_mm for f in m.features
             if f.side == side and f.kind in ("ghost_image", "laser_perforation")]
    if m.mrz is not None and m.mrz.side == side:
        boxes.append(m.mrz.box_mm)
    if m.portrait is not None and m.portrait.side == side:
        boxes.append(m.portrait.box_mm)
    return boxes


def _fibre_mask(ctx: Context, f: FeatureSpec, v: RegisteredView) -> tuple[NDArray[np.bool_], float]:
    """Pixels of glowing fibres in blank UV areas (:data:`_FIBRE_DPI`) and the share of
    blank area; the blank-paper mask is kept in ``ctx.memo`` beside them."""
    key = f"fibres/{f.side}"
    if key in ctx.memo:
        out: tuple[NDArray[np.bool_], float] = ctx.memo[key]
        return out
    box = _clip_box(ctx, f.box_mm)
    uv = v.crop(box, _FIBRE_DPI)
    bg = cv2.medianBlur(np.ascontiguousarray(np.clip(uv, 0, 255).astype(np.uint8)),
                        7).astype(np.float32)  # fmt: skip
    excess = uv - bg
    glow = _chan_max(excess)
    hue = glow - _chan_min(excess)
    ref = _ref_crop(ctx, f.side, "uv365", box)
    ref = _resize(ref, uv.shape[:2])
    glowing = [g.box_mm for g in ctx.model.features
               if g.side == f.side and g.kind in ("security_thread", "uv_emblem")]
    blank = _mask_out(uv.shape[:2], box, _personal_boxes(ctx, f.side) + glowing, _FIBRE_DPI,
                      1.0)  # fmt: skip
    undesigned = _lum(ref) < np.percentile(_lum(ref), 70) + 6
    blank &= undesigned
    # the paper where a repeat is looked for also takes the visual-zone fields: their text
    # is dull under UV, and fibres printed over the whole sheet show there too (a
    # passport's fields leave a sixth of its page blank, too little to meet a tile again)
    wide = _mask_out(uv.shape[:2], box, _fibre_covered(ctx, f.side) + glowing, _FIBRE_DPI,
                     1.0) & undesigned
    # the brightest, most saturated fibre pixels: where a fibre printed in visible ink shows
    # its colour in white light (a faint fibre's edge pixels show the paper)
    saturated = _chan_max(uv) - _chan_min(uv) > _FIBRE_SATURATED
    ctx.memo[f"{key}/bright"] = (glow > _FIBRE_BRIGHT) & saturated & blank
    blank &= _mask_out(uv.shape[:2], box, glowing, _FIBRE_DPI, _GLOWING_PAD_MM)
    wide &= _mask_out(uv.shape[:2], box, glowing, _FIBRE_DPI, _GLOWING_PAD_MM)
    edge = round(_FIBRE_EDGE_MM * _FIBRE_DPI / 25.4)
    for m in (blank, wide):
        m[:edge], m[-edge:], m[:, :edge], m[:, -edge:] = False, False, False, False
    if blank.sum() >= 100:
        sample = excess[blank][::7]
        noise = 1.4826 * float(np.median(np.abs(sample - np.median(sample, axis=0))))
    else:
        noise = 0.0
    level = max(_FIBRE_GLOW_MIN, _FIBRE_NOISE_K * noise)
    # a fibre is a ridge, brighter than the paper on both sides: it also stands out of the
    # view's opening (which keeps a step, such as a page edge against the background)
    ridge = _chan_max(uv - cv2.morphologyEx(uv, cv2.MORPH_OPEN, _RIDGE_KERNEL))
    body = (glow > level) & (ridge > level)
    fibre = body & (hue > _FIBRE_HUE_SHARE * glow)
    mask = fibre & blank
    share = float(blank.mean())
    ctx.memo[key] = (mask, share)
    ctx.memo[f"{key}/blank"] = blank
    # where fibres are compared with themselves, each glowing ridge with a coloured pixel
    # is taken whole: a JPEG photo's halved colour resolution leaves a thin stroke's own
    # colour only at some of its pixels (printed strokes 0.25 mm wide kept 104 of their
    # 335 pixels on a photo), and a repeat is judged on whole strokes
    n, lab = cv2.connectedComponents(body.astype(np.uint8), connectivity=8)
    coloured = np.zeros(n, bool)
    coloured[lab[fibre]] = True
    coloured[0] = False
    ctx.memo[f"{key}/wide"] = (coloured[lab] & wide, wide)
    return mask, share


def uv_fibres_present(ctx: Context) -> Finding:
    """Glowing fibre pixels per cm² of blank substrate; fails below the threshold."""
    cid = "feature.uv_fibres.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("uv365", f.side)
        if v is None:
            return _na(ctx, cid, "uv365", f.side)
        mask, share = _fibre_mask(ctx, f, v)
        area_cm2 = max(0.1, f.box_mm[2] * f.box_mm[3] / 100.0 * share)
        n, _ = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        score = (n - 1) / area_cm2
        _heat(ctx, cid, v, _clip_box(ctx, f.box_mm),
              np.asarray(cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)),
                         np.float32))  # fmt: skip
        return _judge(cid, score, low_fails=True, view=v, box=_clip_box(ctx, f.box_mm),
                      threshold=FIBRES_PER_CM2_MIN,
                      ok=("Fluorescent fibres glow under UV 365 nm.",
                          "В УФ 365 нм видны люминесцентные волокна."),
                      bad=("No fluorescent fibres appear under UV 365 nm.",
                           "В УФ 365 нм люминесцентных волокон нет."))  # fmt: skip

    return _per_side(ctx, "uv_fibres", cid, one)


#: Colour contrast (levels, the three channels' deviations added) of the brightest fibre
#: pixels in white light over the paper around them above which the fibres are printed on
#: the surface: genuine embedded fibres -3.5-15 (docsec's scans of ZZA's coloured guilloche
#: reach 15), fibres printed in visible ink 18.5 and more in docsec's captures, a
#: comparator's fainter print 8-31 (its repeating tile fails :func:`uv_fibres_random`).
FIBRES_WHITE_MAX = 17.0
#: The fibre pixels judged in white light: glowing by this many levels over the paper
#: around them and this saturated (largest less smallest channel) under UV.
_FIBRE_BRIGHT = 35.0
_FIBRE_SATURATED = 60.0
#: Fewest pieces of those pixels to judge by: genuine captures judged show 5 and more
#: (independent set, seeds 31 and 4242), fibres printed in visible ink 16 and more; a
#: photographed genuine zzb_id_td1 card left 4 pieces (10 pixels), one of them on dark
#: print, and failed at 35.5 (a held-out seed).
_FIBRE_WHITE_MIN_PIECES = 5


def uv_fibres_invisible_in_white(ctx: Context) -> Finding:
    """Colour contrast in white light on the fibres found in UV, over their surroundings."""
    cid = "feature.uv_fibres.invisible_in_white"

    def one(f: FeatureSpec) -> Finding:
        uv = ctx.view("uv365", f.side)
        white = ctx.view("white", f.side)
        if uv is None or white is None:
            return _na(ctx, cid, "uv365" if uv is None else "white", f.side)
        _fibre_mask(ctx, f, uv)
        mask = ctx.memo[f"fibres/{f.side}/bright"]
        box = _clip_box(ctx, f.box_mm)
        pieces = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[0] - 1
        if mask.sum() < 10 or pieces < _FIBRE_WHITE_MIN_PIECES:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                f"too few fibres were found under UV ({pieces}) to look for "
                                "in white light.",
                                "в УФ слишком мало волокон, сравнивать не с чем.",
                                view=white, box_mm=box)  # fmt: skip
        img = white.crop(box, 100)
        bg = cv2.medianBlur(np.ascontiguousarray(img.astype(np.uint8)), 7).astype(np.float32)
        dev = np.abs(img - bg).sum(axis=2)
        m8 = mask.astype(np.uint8)
        ring = (np.asarray(cv2.dilate(m8, np.ones((5, 5), np.uint8)), bool)
                & ~np.asarray(cv2.dilate(m8, np.ones((3, 3), np.uint8)), bool))
        # medians: a few fibres lying on dark print do not make the paper look printed on
        score = float(np.median(dev[mask])) - float(np.median(dev[ring]))
        return _judge(cid, score, low_fails=False, view=white, box=box,
                      threshold=FIBRES_WHITE_MAX,
                      ok=("The fibres cannot be seen in white light (embedded in the paper).",
                          "В белом свете волокна не видны (они в толще бумаги)."),
                      bad=("The fibres show in white light: they are printed on the surface.",
                           "Волокна видны в белом свете: они напечатаны на поверхности."))

    return _per_side(ctx, "uv_fibres", cid, one)


#: Longest extent (mm) of a fibre: the models' fibres are 20-60 pixels at 200 dpi (at most
#: 7.6 mm). A longer glowing line (a page edge a capture blurs into its background, a
#: printed rule) is no fibre, and would meet itself at any shift along it.
_FIBRE_MAX_MM = 8.0
#: Shifts (mm) at which the fibres are compared with themselves: longer than a fibre, so a
#: fibre never meets itself, and up to two printing tiles of a forger's repeating pattern
#: (18-28 mm a tile, or a plate's step).
_REPEAT_MM = (_FIBRE_MAX_MM, 45.0)
#: Fewest fibre pixels (at 100 dpi) to judge whether they repeat: a handful of strokes can
#: meet by chance.
_REPEAT_MIN_PIXELS = 60
#: Share of the fibre pixels whose shifted place must still be blank paper for a shift to
#: count: a few fibres meeting by chance are a large share of a small remainder. A card's
#: blank strip leaves a tile's repeat only 0.2 of its strokes' pixels to land on (a quarter
#: was asked before: such a tile, met again 90 of 91 pixels, went unjudged).
_REPEAT_ROOM_SHARE = 0.15
#: Pixels (about one fibre at 100 dpi) added to the room a share is taken over, so a few
#: pixels meeting by chance in a small room do not make a large share.
_REPEAT_PRIOR_PX = 10.0
#: Share of the fibre pixels that find fibre pixels again (within a pixel) at the best
#: shift where five fibres or more meet (:data:`_REPEAT_MIN_PIECES`), above which the
#: fibres repeat. Before that condition genuine random fibres read 0.0-0.61 (docsec's
#: captures and a comparator's, rendered, scanned, photographed: 190 captures) and once
#: 0.70 (three fibres meeting on a scanned card); with it genuine fibres read 0.0-0.22 on
#: 204 captures of the independent set (seeds 31 and 4242), strokes printed in a repeating
#: tile 0.92-0.97 (12 captures, photos included).
FIBRES_REPEAT_MAX = 0.7


#: Best shifts tried before the fibres are taken as not repeating: a shift whose met pixels
#: lie along one line (no wider than a fibre is long) in pieces that lie along the shift is
#: a line meeting itself, and the shifts within :data:`_REPEAT_LINE_DEG` of its direction
#: are dropped.
_REPEAT_TRIES = 3
_REPEAT_LINE_DEG = 10.0
#: Fewest pieces (strokes) of the mask that must meet others (over half their pixels) at a
#: shift for it to be judged: at the best shifts of genuine fibres 1-4 pieces met (a
#: scanned card's three fibres, the only ones its shift left room to, met and scored 0.70,
#: a false alarm), at a printed tile's 7-21 (independent set, two seeds, rendered, scanned
#: and photographed; a tile prints 5-8 strokes and is met again several times on a page).
_REPEAT_MIN_PIECES = 5
#: Best shifts looked at in all, those where too few pieces meet passed over; when none of
#: them has enough, the fibres do not repeat (score 0).
_REPEAT_LOOKS = 60
#: Share of the met pixels in pieces lying along the shift (within :data:`_REPEAT_LINE_DEG`,
#: or too short to have a direction) at which the meeting is a line's: the pieces of a
#: thread's or an edge's line all lie along it, strokes printed in a tile lie at random (a
#: card's blank paper is a strip 3-7 mm high, where a tile's strokes meet in a band as
#: narrow as a line's: 0.0-0.27 of them lie along the shift there; a line's 1.0).
_REPEAT_ALONG_SHARE = 0.6
#: Fewest pixels, and least ratio of its long axis to its short one, for a piece to have a
#: direction.
_PIECE_MIN_PX, _PIECE_ELONGATION = 4, 2.0


def _correlate(a: F32, spectrum: F32, shape: tuple[int, int]) -> F32:
    """Correlation of ``a`` with the image whose DFT (CCS-packed, ``shape``) is
    ``spectrum``: ``out[dy, dx] = sum(img[y, x] * a[y + dy, x + dx])`` at every shift that
    does not wrap (both zero-padded to ``shape``)."""
    pad = np.zeros(shape, np.float32)
    pad[: a.shape[0], : a.shape[1]] = a
    prod = cv2.mulSpectrums(cv2.dft(pad), spectrum, 0, conjB=True)
    out = np.asarray(cv2.idft(prod, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT), np.float32)
    return out


@functools.lru_cache(maxsize=8)
def _shift_grid(ry: int, rx: int, dpi: int) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                       NDArray[np.float64], NDArray[np.bool_]]:
    """The shifts -ry..ry by -rx..rx (pixels, a column and a row), their angles, and which
    are as long as :data:`_REPEAT_MM` (read-only: shared by every document)."""
    dy = np.arange(-ry, ry + 1, dtype=np.float64)[:, None]
    dx = np.arange(-rx, rx + 1, dtype=np.float64)[None, :]
    r = np.hypot(dy, dx) * (25.4 / dpi)
    angle = np.arctan2(dy, dx) + np.zeros_like(r)
    within = (r >= _REPEAT_MM[0]) & (r <= _REPEAT_MM[1])
    for a in (dy, dx, angle, within):
        a.flags.writeable = False
    return dy, dx, angle, within


def _repeat_share(mask: NDArray[np.bool_], blank: NDArray[np.bool_], dpi: int) -> float:
    """How far ``mask`` repeats: the largest share of its pixels that land on ``mask``
    (grown by a pixel) when shifted by a vector of :data:`_REPEAT_MM`, counting only pixels
    whose shifted position is still ``blank`` (paper where fibres can be seen): the
    correlation of the mask with itself, by one float32 DFT of the mask padded by the
    longest shift only (the counts, whole numbers, rounded back); shifts along which only a
    line meets itself, and shifts at which fewer than :data:`_REPEAT_MIN_PIECES` pieces of
    the mask meet (over half their pixels), are passed over."""
    h, w = mask.shape
    reach = int(np.ceil(_REPEAT_MM[1] * dpi / 25.4))
    ry, rx = min(reach, h - 1), min(reach, w - 1)
    shape = (cv2.getOptimalDFTSize(h + ry), cv2.getOptimalDFTSize(w + rx))
    m = mask.astype(np.float32)
    grown = np.asarray(cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)),
                       np.float32) * blank  # fmt: skip
    pad = np.zeros(shape, np.float32)
    pad[:h, :w] = m
    fm = np.asarray(cv2.dft(pad), np.float32)
    # the shifts -ry..ry and -rx..rx: the wrapped end of the correlation, then its start
    rows = np.r_[shape[0] - ry : shape[0], 0 : ry + 1]
    cols = np.r_[shape[1] - rx : shape[1], 0 : rx + 1]
    hits = np.rint(_correlate(grown, fm, shape)[np.ix_(rows, cols)])
    room = np.rint(_correlate(blank.astype(np.float32), fm, shape)[np.ix_(rows, cols)])
    dy, dx, angle, within = _shift_grid(ry, rx, dpi)
    usable = within & (room >= max(_REPEAT_ROOM_SHARE * float(m.sum()), _REPEAT_MIN_PIXELS))
    if not usable.any():
        return 0.0
    share = np.where(usable, hits / (room + _REPEAT_PRIOR_PX), 0.0)
    ys, xs = np.nonzero(mask)
    labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)[1][ys, xs]
    sizes = np.bincount(labels)
    pieces: tuple[NDArray[np.float64], NDArray[np.bool_]] | None = None
    tries, looked = 0, 0
    while tries < _REPEAT_TRIES and looked < _REPEAT_LOOKS:
        looked += 1
        iy, ix = np.unravel_index(int(np.argmax(share)), share.shape)
        best = float(share[iy, ix])
        if best <= 0.0:
            return 0.0
        # the pixels that met at this shift: spread across the page (a tile), or along one
        # line (a thread or an edge a poor registration leaves in the blank paper, which
        # meets itself at any shift along it)
        sy, sx = int(dy[iy, 0]), int(dx[0, ix])
        ty, tx = ys + sy, xs + sx
        inside = (ty >= 0) & (ty < h) & (tx >= 0) & (tx < w)
        met = inside.copy()
        met[inside] = grown[ty[inside], tx[inside]] > 0
        # a shift at which only a few fibres meet (most of their pixels): two or three
        # fibres meet by chance at one of the thousands of shifts tried, and make a large
        # share of a small room
        hit = np.bincount(labels[met], minlength=sizes.size)
        if int(np.count_nonzero(2 * hit[1:] > sizes[1:])) < _REPEAT_MIN_PIECES:
            share[max(0, iy - 1) : iy + 2, max(0, ix - 1) : ix + 2] = 0.0
            continue
        tries += 1
        a = float(angle[iy, ix])
        across = -xs[met] * np.sin(a) + ys[met] * np.cos(a)
        if across.size and float(np.ptp(across)) * 25.4 / dpi > _FIBRE_MAX_MM:
            return best
        if pieces is None:
            pieces = _piece_angles(mask)
        # ... or met in a narrow band by pieces at random angles (a tile's strokes)
        turn_p = np.mod(pieces[0][ys[met], xs[met]] - a, np.pi)
        along_p = np.minimum(turn_p, np.pi - turn_p) < np.deg2rad(_REPEAT_LINE_DEG)
        along_p |= ~pieces[1][ys[met], xs[met]]
        if across.size and float(along_p.mean()) < _REPEAT_ALONG_SHARE:
            return best  # strokes at random angles, met in a narrow band of blank paper
        # the shifts' angle to this one, either way along the line (modulo 180 degrees)
        turn = np.mod(angle - a, np.pi)
        share[np.minimum(turn, np.pi - turn) < np.deg2rad(_REPEAT_LINE_DEG)] = 0.0
    return 0.0


def _piece_angles(mask: NDArray[np.bool_]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Per pixel of ``mask``, the direction (radians, as :func:`numpy.arctan2` of a row and
    a column step) of the long axis of its 8-connected piece, from the piece's second
    moments, and whether the piece has one (:data:`_PIECE_MIN_PX`,
    :data:`_PIECE_ELONGATION`)."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    ys, xs = np.nonzero(mask)
    lab = labels[ys, xs]
    cnt = np.bincount(lab, minlength=n).astype(np.float64)
    safe = np.maximum(cnt, 1.0)
    mx, my = np.bincount(lab, xs, n) / safe, np.bincount(lab, ys, n) / safe
    dx, dy = xs - mx[lab], ys - my[lab]
    sxx = np.bincount(lab, dx * dx, n) / safe
    syy = np.bincount(lab, dy * dy, n) / safe
    sxy = np.bincount(lab, dx * dy, n) / safe
    theta = 0.5 * np.arctan2(2 * sxy, sxx - syy)
    spread = np.sqrt((sxx - syy) ** 2 + 4 * sxy * sxy)
    big, small = (sxx + syy + spread) / 2, np.maximum((sxx + syy - spread) / 2, 1 / 12)
    oriented = (cnt >= _PIECE_MIN_PX) & (big >= _PIECE_ELONGATION**2 * small)
    out_a = np.zeros(mask.shape, np.float64)
    out_o = np.zeros(mask.shape, bool)
    out_a[ys, xs] = theta[lab]
    out_o[ys, xs] = oriented[lab]
    return out_a, out_o


def _fibres_only(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``mask`` without its pieces longer than :data:`_FIBRE_MAX_MM` either way."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    longest = round(_FIBRE_MAX_MM * _FIBRE_DPI / 25.4)
    long = (np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) > longest)
    long[0] = False  # the background
    if not long.any():
        return mask
    out: NDArray[np.bool_] = mask & ~long[labels]
    return out


def uv_fibres_random(ctx: Context) -> Finding:
    """Whether the glowing fibres repeat: the largest share of them found again at one
    shift of 8-45 mm (a printing tile); fails above :data:`FIBRES_REPEAT_MAX`. Fibres
    embedded in the paper lie at random, so only their density meets them again."""
    cid = "feature.uv_fibres.random"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("uv365", f.side)
        if v is None:
            return _na(ctx, cid, "uv365", f.side)
        _fibre_mask(ctx, f, v)
        wide, blank = ctx.memo[f"fibres/{f.side}/wide"]
        mask = _fibres_only(wide)
        box = _clip_box(ctx, f.box_mm)
        if int(mask.sum()) < _REPEAT_MIN_PIXELS:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "too few fibres were found under UV to tell whether they "
                                "repeat.",
                                "в УФ слишком мало волокон, чтобы судить, повторяются ли "
                                "они.", view=v, box_mm=box)  # fmt: skip
        score = _repeat_share(mask, blank, _FIBRE_DPI)
        return _judge(cid, score, low_fails=False, view=v, box=box,
                      threshold=FIBRES_REPEAT_MAX,
                      ok=("The fibres lie at random, as fibres embedded in the paper do.",
                          "Волокна расположены случайно, как в толще бумаги."),
                      bad=("The fibres repeat in a pattern: they were printed, not embedded "
                           "in the paper.",
                           "Волокна повторяются по шаблону: они напечатаны, а не введены в "
                           "бумагу."))  # fmt: skip

    return _per_side(ctx, "uv_fibres", cid, one)


def _emblem_template(ctx: Context, side: str, box: BoxMM, shape: tuple[int, ...]) -> F32:
    ref = _ref_crop(ctx, side, "uv365", box)
    return _resize(_lum(ref), shape[:2])


def uv_emblem_present(ctx: Context) -> Finding:
    """Correlation of the UV emblem area (blue channel) with the reference emblem, the best
    over shifts of up to :data:`_SLIDE_MM`; fails below."""
    cid = "feature.uv_emblem.present"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("uv365", f.side)
        if v is None:
            return _na(ctx, cid, "uv365", f.side)
        box = _clip_box(ctx, f.box_mm)
        tmpl = _emblem_template(ctx, f.side, box, _box_shape(box, 50))
        score = _slid_ncc(ctx, v, box, tmpl, 50,
                          lambda m: m[..., 2] if m.ndim == 3 else m)  # fmt: skip
        return _judge(cid, score, low_fails=True, view=v, box=box,
                      ok=("The UV emblem glows and matches the design.",
                          "УФ-эмблема светится и соответствует образцу."),
                      bad=("The UV-fluorescent emblem is missing or does not match the design.",
                           "УФ-эмблема отсутствует или не соответствует образцу."))

    return _per_side(ctx, "uv_emblem", cid, one)


#: Band (Gaussian sigmas, pixels at 50 dpi) the white-light tint is compared with the
#: emblem in: the emblem's lines, not a lamp's fall-off or a colour cast across the page.
_EMBLEM_BAND = (0.7, 4.0)
#: Correlation above which the emblem shows in white light: genuine documents 0.00-0.12 in
#: every capture of both sets (docsec's generator and a comparator's, 370 captures), an
#: emblem printed in visible ink 0.40-0.47.
EMBLEM_WHITE_MAX = 0.25


def uv_emblem_invisible_in_white(ctx: Context) -> Finding:
    """Correlation (either sign) of the white-light blue-minus-red tint with the emblem
    shape, both in :data:`_EMBLEM_BAND`; fails above :data:`EMBLEM_WHITE_MAX`."""
    cid = "feature.uv_emblem.invisible_in_white"

    def one(f: FeatureSpec) -> Finding:
        v = ctx.view("white", f.side)
        if v is None:
            return _na(ctx, cid, "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        # the box where the capture shows its print (the emblem's fine lines decorrelate
        # at a registration 1-2 mm off): found on the white-light design around it
        mine = v.crop(shifted(box, feature_offset(ctx, v, box)), 50)
        tint = mine[..., 2] - mine[..., 0]
        tmpl = _emblem_template(ctx, f.side, box, mine.shape)
        ink = _chan_max(mine) > 120  # leave dark personalisation out
        score = (abs(_ncc(_band(tint, _EMBLEM_BAND), _band(tmpl, _EMBLEM_BAND), ink))
                 if ink.sum() > 50 else 0.0)  # fmt: skip
        return _judge(cid, score, low_fails=False, view=v, box=box, threshold=EMBLEM_WHITE_MAX,
                      ok=("The UV emblem cannot be seen in white light.",
                          "УФ-эмблема не видна в белом свете."),
                      bad=("The UV emblem shows in white light: printed with a visible ink.",
                           "УФ-эмблема видна в белом свете: напечатана видимой краской."))

    return _per_side(ctx, "uv_emblem", cid, one)


def ir_mrz_dark(ctx: Context) -> Finding:
    """MRZ ink share in IR over that in white light; fails below (IR-transparent reprint)."""
    cid = "feature.ir_mrz.dark"

    def one(f: FeatureSpec) -> Finding:
        ir, white = ctx.view("ir", f.side), ctx.view("white", f.side)
        if ir is None or white is None:
            return _na(ctx, cid, "ir" if ir is None else "white", f.side)
        box = _clip_box(ctx, f.box_mm)
        w_share = _ink_share(white.crop(box, 100))
        if w_share < 0.01:
            return make_finding(cid, Status.ERROR, "no MRZ print was found in white light.",
                                "МСЗ в белом свете не найдена.", view=white, box_mm=box)
        score = _ink_share(ir.crop(box, 100, gray=True)) / w_share
        return _judge(cid, score, low_fails=True, view=ir, box=box,
                      ok=("The MRZ absorbs infrared (carbon ink).",
                          "МСЗ поглощает ИК (углеродная краска)."),
                      bad=("The MRZ fades in IR: reprinted with an ink that does not absorb "
                           "infrared.",
                           "МСЗ пропадает в ИК: перепечатана краской, не поглощающей ИК."))

    return _per_side(ctx, "ir_mrz", cid, one)


#: A pixel of an IR view is ink when darker than this share of the view's paper (its 90th
#: percentile around the field): carbon ink that a capture's blur spreads over the paper
#: keeps its strokes' middles at 0.33-0.63 of the paper (a render's at 0.1), dye ink fades
#: to 0.84-0.99 in every capture; white light's darker rule (0.55) would count too few of
#: a blurred carbon stroke's pixels.
IR_INK_LEVEL = 0.75
#: Threshold of the IR ink share over the white one: carbon fields keep 1.0 and more of it
#: in every capture of both sets once IR ink is judged by :data:`IR_INK_LEVEL` (a
#: comparator's photos fell to 0.44 under the white-light rule), dye fields and a carbon
#: field rewritten in dye 0.00.
IR_FIELDS_RATIO = 0.5


def _ir_ink_share(img: F32) -> float:
    """Share of an IR crop's pixels darker than :data:`IR_INK_LEVEL` of its paper."""
    paper = float(np.percentile(img, 90))
    return float((img < paper * IR_INK_LEVEL).mean())


def _white_ink_share(img: F32, level: float) -> float:
    """Share of a white-light crop's pixels whose largest channel is darker than ``level``
    of its paper (the 90th percentile)."""
    g = _chan_max(img) if img.ndim == 3 else img
    paper = float(np.percentile(g, 90))
    return float((g < paper * level).mean())


def ir_fields_dark(ctx: Context) -> Finding:
    """Per field, ink share in IR over white; carbon fields must keep it, dye fields lose it."""
    cid = "feature.ir_fields.dark"
    t = IR_FIELDS_RATIO

    def one(feat: FeatureSpec) -> Finding:
        ir, white = ctx.view("ir", feat.side), ctx.view("white", feat.side)
        if ir is None or white is None:
            return _na(ctx, cid, "ir" if ir is None else "white", feat.side)
        worst: tuple[float, FieldSpec | None, float, bool] = (np.inf, None, 0.0, True)
        # white-light ink judged as laser black first; when no field of an ink that absorbs
        # IR shows any, those fields are judged as the IR view's ink is, and likewise the
        # others when no field at all showed any (a lighter ink, an inkjet's grey under a
        # photo's blur, keeps its strokes above 0.55 of the paper: its fields looked
        # unprinted, and a dark dye field beside them was all the check judged)
        laser = False
        for dark_ink in (True, False):
            for level in (None, IR_INK_LEVEL):
                judged = False
                for f in ctx.model.fields:
                    if f.side != feat.side or (ctx.model.inks[f.ink].ir > 0) != dark_ink:
                        continue
                    box = _value_box(f)
                    crop = white.crop(box, 100)
                    w_share = (_ink_share(crop) if level is None
                               else _white_ink_share(crop, level))  # fmt: skip
                    if w_share < 0.02:
                        continue
                    judged = True
                    ratio = _ir_ink_share(ir.crop(box, 100, gray=True)) / w_share
                    margin = (ratio - t) if dark_ink else (t - ratio)
                    if margin < worst[0]:
                        worst = (margin, f, ratio, dark_ink)
                laser = laser or (judged and level is None)
                if judged or (not dark_ink and laser):
                    break
        worst_margin, worst_f, worst_ratio, worst_dark = worst
        if worst_f is None:
            return make_finding(cid, Status.ERROR, "no visual-zone print was found.",
                                "печать визуальной зоны не найдена.", view=white)
        box = _value_box(worst_f)
        if worst_margin >= 0:
            return make_finding(cid, Status.PASS,
                                "Every field shows in IR exactly as the model's ink table says.",
                                "Каждое поле в ИК видно так, как предписано для модели.",
                                score=worst_ratio, threshold=t, view=ir, box_mm=box,
                                field_name=worst_f.name)  # fmt: skip
        en = (f"Field {worst_f.name} vanishes in IR although the model prints it in carbon ink: "
              "it was altered and rewritten." if worst_dark else
              f"Field {worst_f.name} stays dark in IR although the model prints it in dye ink.")
        ru = (f"Поле {worst_f.name} пропадает в ИК, хотя печатается углеродной краской: "
              "данные изменены." if worst_dark else
              f"Поле {worst_f.name} видно в ИК, хотя печатается красителем.")
        return make_finding(cid, Status.FAIL, en, ru, score=worst_ratio, threshold=t, view=ir,
                            box_mm=box, field_name=worst_f.name)

    return _per_side(ctx, "ir_fields", cid, one)
