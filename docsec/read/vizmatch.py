"""Visual-zone values checked against the print: each candidate set in the model's typeface.

Tesseract reads a field; on blurred photos it confuses digits of one width (``2``/``7``,
``6``/``8``, ``4``/``5``) and drops letters of short codes. The model says which typeface
and type size each field is printed in (``FieldSpec.font``, ``FieldSpec.size_mm``), so a
candidate value can be *set* as it would be printed and compared with the field's ink
(:func:`match_score`): the candidate whose setting matches the ink best, over a few blurs
and sizes (the capture's blur and the page quad's scale error are unknown), is the one the
print shows. Candidates are Tesseract's readings, their single-character look-alike
variants in places the field's format fixes as digits (dates, document numbers), and the
values the MRZ gives for the fields ICAO 9303-3 says the visual zone repeats; a candidate
replaces the reading only when it matches the ink better by :attr:`MatchParams.margin`
(:func:`choose`), so the print decides, never the MRZ alone. A fixed-format value
Tesseract returned only fragments of is read glyph by glyph (:func:`read_digits`): each
digit place takes the digit whose setting matches the ink best.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from docsec.lookalikes import PRINT_DIGIT_LOOKALIKES, PRINT_LETTER_LOOKALIKES
from docsec.models import FONT_FILES

if TYPE_CHECKING:
    from PIL import ImageFont

__all__ = [
    "FONT_FILES",
    "MATCH",
    "MatchParams",
    "choose",
    "digit_variants",
    "letter_variants",
    "match_score",
    "read_digits",
]


@dataclass(frozen=True)
class MatchParams:
    """Thresholds of the print match, each with its reason (defaults: :data:`MATCH`)."""

    #: Blurs (Gaussian sigma, pixels at the reader's 300 dpi) a candidate's setting is
    #: compared at: sharp scans to hand-held photos (1.5-4 px at 300 dpi).
    blur_sigmas: tuple[float, ...] = (1.0, 2.0, 3.0, 4.5)
    #: Sizes tried around the model's type size: a page quad a few per cent off scales the
    #: rectified page by as much.
    scales: tuple[float, ...] = (0.94, 1.0, 1.06)
    #: Lead (correlation) a candidate needs over the reading to replace it: a wrong digit
    #: in a correct setting costs 0.02-0.1, so a smaller lead is noise of the blur search.
    margin: float = 0.02
    #: Lead a look-alike digit needs over the digit read (dates, numbers): a wrong digit
    #: of a right setting costs 0.006-0.016 on the generator's hard photos; no right digit
    #: was beaten by more than 0.001 by a look-alike.
    digit_margin: float = 0.005
    #: Look-alikes are tried only on a setting that fits its crop this well (a poorly
    #: fitting long line gains up to 0.2 from any change of its width) ...
    min_fit: float = 0.84
    #: ... and one replaces the letter read when it leads by this much (right letters of
    #: a well-fitting setting were beaten by 0.001 at most, wrong ones lost 0.02-0.07).
    letter_margin: float = 0.015
    #: Least correlation of a replacing candidate: below it the crop does not show the
    #: value clearly enough to choose by shape.
    min_score: float = 0.55
    #: A pixel of the crop or the setting counts as ink past this share (the compared
    #: region is the union of both inks, so a candidate missing letters is penalised).
    ink: float = 0.3
    #: Search around the crop's first ink column and ink centroid for the setting's place
    #: (pixels at 300 dpi): the anchor is off by a stroke's width or a speck.
    reach_px: int = 8
    #: Pixels added around the compared region (blur of the edges).
    pad_px: int = 3
    #: Look-alike replacements made one after another at most (each must raise the score).
    max_steps: int = 3
    #: Longest candidate list scored per field (bounds the time on a long date).
    max_candidates: int = 40


#: The print match's defaults.
MATCH = MatchParams()


@functools.lru_cache(maxsize=64)
def _face(font: str, size_px: int) -> ImageFont.FreeTypeFont | None:
    """The model's ``font`` loaded at ``size_px`` (None when its file cannot be read)."""
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(FONT_FILES.get(font, FONT_FILES["sans"])), size_px)
    except OSError:
        return None


@functools.lru_cache(maxsize=512)
def _setting(text: str, font: str, size_px: int) -> np.ndarray | None:
    """``text`` set in ``font`` at ``size_px`` (ink 0-1, cut to its ink; read-only)."""
    from PIL import Image, ImageDraw

    face = _face(font, size_px)
    if face is None:
        return None
    width = int(face.getlength(text)) + 2 * size_px
    im = Image.new("L", (max(width, 1), 2 * size_px), 0)
    ImageDraw.Draw(im).text((size_px // 2, size_px // 4), text, fill=255, font=face)
    a = np.asarray(im, np.float32) / 255.0
    on = a > 0.05
    ys, xs = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    if ys.size == 0:
        return None
    out = np.ascontiguousarray(a[ys[0] : ys[-1] + 1, xs[0] : xs[-1] + 1])
    out.setflags(write=False)
    return out


def _size_px(text: str, font: str, size_mm: float, box_w_mm: float, dpi: int) -> float:
    """Type size in pixels a value is set at: the field's size, shrunk to fit its box."""
    size = size_mm * dpi / 25.4
    t = _setting(text, font, max(4, round(size)))
    box = box_w_mm * dpi / 25.4
    if t is not None and t.shape[1] > box - 2:
        size *= (box - 2) / t.shape[1]
    return size


def match_score(
    crop: np.ndarray,
    text: str,
    font: str,
    size_mm: float,
    box_w_mm: float,
    dpi: int,
    params: MatchParams = MATCH,
) -> float:
    """How well ``text`` set in ``font`` matches a field's cleaned crop (correlation, -1..1).

    The setting is blurred (``blur_sigmas``) and sized (``scales``) to the crop, placed
    where it correlates best near the crop's ink, and compared over the union of the
    crop's ink and its own, so a candidate with letters too many or too few scores low.
    Empty text scores -1.
    """
    return _fit(_Crop.of(crop, params), text, font, size_mm, box_w_mm, dpi, params)[0]


@dataclass
class _Crop:
    """A field's crop prepared once for every setting compared with it: its ink (0-1, the
    darkest 1), where a setting starts on it, the box of its ink, and each setting's score
    already computed (by text, type size in pixels and blur)."""

    ink: np.ndarray
    anchor: tuple[int, float] | None
    #: Rows and columns (first, last) of the ink above :attr:`MatchParams.ink`, or None.
    box: tuple[int, int, int, int] | None
    scores: dict[tuple[str, int, float], float]

    @staticmethod
    def of(crop: np.ndarray, params: MatchParams) -> _Crop | None:
        """``crop`` prepared, or None when it shows no ink."""
        if crop.size == 0:
            return None
        ink = 1.0 - crop.astype(np.float32) / 255.0
        peak = float(ink.max())
        if peak <= 0:
            return None
        ink /= peak  # the darkest ink is 1 whatever the print's contrast
        return _Crop(ink, _anchor(ink, params), _ink_box(ink, params.ink), {})


def _fit(
    prep: _Crop | None,
    text: str,
    font: str,
    size_mm: float,
    box_w_mm: float,
    dpi: int,
    params: MatchParams,
    only: tuple[float, float] | None = None,
) -> tuple[float, tuple[float, float]]:
    """Best score of ``text`` over sizes and blurs (or at ``only``), and where it was."""
    text = text.strip()
    if not text or prep is None or prep.anchor is None:
        return -1.0, (1.0, params.blur_sigmas[0])
    anchor = prep.anchor
    base = _size_px(text, font, size_mm, box_w_mm, dpi)
    best, where = -1.0, (1.0, params.blur_sigmas[0])

    def at(k: float, sigma: float) -> None:
        nonlocal best, where
        size = max(4, round(base * k))
        key = (text, size, sigma)
        score = prep.scores.get(key)
        if score is None:
            t0 = _setting(text, font, size)
            score = -1.0 if t0 is None else _place(prep, anchor, text, font, size, sigma,
                                                   params)  # fmt: skip
            prep.scores[key] = score
        if score > best:
            best, where = score, (k, sigma)

    if only is not None:
        at(*only)
        return best, where
    # the size at a middle blur, then the blur at that size (the two barely interact)
    middle = params.blur_sigmas[len(params.blur_sigmas) // 2]
    for k in params.scales:
        at(k, middle)
    k_best = where[0]
    for sigma in params.blur_sigmas:
        if sigma != middle:
            at(k_best, sigma)
    return best, where


def _anchor(ink: np.ndarray, params: MatchParams) -> tuple[int, float] | None:
    """First inked column and the ink's row centroid of a crop (where a setting starts)."""
    cols = np.flatnonzero((ink > 0.5).mean(axis=0) > 0.05)
    rows = ink.sum(axis=1)
    if cols.size == 0 or rows.sum() <= 0:
        return None
    return int(cols[0]), float((rows * np.arange(rows.size)).sum() / rows.sum())


def _ink_box(img: np.ndarray, level: float) -> tuple[int, int, int, int] | None:
    """Rows and columns (first, last) of ``img`` above ``level`` (None when none is)."""
    on = img > level
    ys, xs = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    return None if ys.size == 0 else (int(ys[0]), int(ys[-1]), int(xs[0]), int(xs[-1]))


@functools.lru_cache(maxsize=512)
def _blurred(text: str, font: str, size_px: int, sigma: float, pad_px: int,
             ink: float) -> tuple[np.ndarray, int, tuple[int, int, int, int] | None] | None:
    """The setting of ``text`` padded and blurred by ``sigma`` (read-only), its padding, and
    the rows and columns (first, last) of its ink above ``ink`` (None without any)."""
    setting = _setting(text, font, size_px)
    if setting is None:
        return None
    pad = pad_px + int(3 * sigma)
    t = cv2.copyMakeBorder(setting, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0.0)
    t = np.asarray(cv2.GaussianBlur(t, (0, 0), sigma), np.float32)
    t.setflags(write=False)
    return t, pad, _ink_box(t, ink)


def _place(
    prep: _Crop,
    anchor: tuple[int, float],
    text: str,
    font: str,
    size_px: int,
    sigma: float,
    params: MatchParams,
) -> float:
    got = _blurred(text, font, size_px, sigma, params.pad_px, params.ink)
    if got is None:
        return -1.0
    t, pad, t_box = got
    ink = prep.ink
    th, tw = t.shape
    h, w = ink.shape
    r = params.reach_px
    # the setting's first ink column on the crop's, its centre row on the ink's centroid
    x0 = anchor[0] - pad
    y0 = round(anchor[1] - (th - 2 * pad) / 2) - pad
    # a canvas holding the crop and every place the setting is tried at
    left, top = max(0, r - x0), max(0, r - y0)
    right = max(0, x0 + tw + r - w)
    bottom = max(0, y0 + th + r - h)
    big = cv2.copyMakeBorder(ink, top, bottom, left, right, cv2.BORDER_CONSTANT, value=0.0)
    x0, y0 = x0 + left, y0 + top
    window = big[y0 - r : y0 + th + r, x0 - r : x0 + tw + r]
    res = cv2.matchTemplate(window, t, cv2.TM_CCORR_NORMED)
    _, _, _, (dx, dy) = cv2.minMaxLoc(res)
    x, y = x0 - r + dx, y0 - r + dy
    # the region compared: the union of both inks (canvas coordinates), padded
    boxes = []
    if prep.box is not None:
        ya, yb, xa, xb = prep.box
        boxes.append((ya + top, yb + top, xa + left, xb + left))
    if t_box is not None:
        ya, yb, xa, xb = t_box
        boxes.append((ya + y, yb + y, xa + x, xb + x))
    if not boxes:
        return -1.0
    p = params.pad_px
    ya = max(min(b[0] for b in boxes) - p, 0)
    yb = min(max(b[1] for b in boxes) + p + 1, big.shape[0])
    xa = max(min(b[2] for b in boxes) - p, 0)
    xb = min(max(b[3] for b in boxes) + p + 1, big.shape[1])
    a = big[ya:yb, xa:xb].ravel()
    placed = np.zeros((yb - ya, xb - xa), np.float32)
    # the setting where it was placed, clipped to the region
    sy0, sx0 = max(y, ya), max(x, xa)
    sy1, sx1 = min(y + th, yb), min(x + tw, xb)
    if sy1 > sy0 and sx1 > sx0:
        placed[sy0 - ya : sy1 - ya, sx0 - xa : sx1 - xa] = t[sy0 - y : sy1 - y, sx0 - x : sx1 - x]
    b = placed.ravel()
    a = a - a.mean()
    b = b - b.mean()
    den = float(np.sqrt((a @ a) * (b @ b)))
    return float(a @ b) / den if den > 0 else -1.0


def letter_variants(value: str) -> list[str]:
    """``value`` with one character replaced by a look-alike (or a space removed)."""
    out = []
    for i, ch in enumerate(value):
        for alt in PRINT_LETTER_LOOKALIKES.get(ch, ()):
            out.append(value[:i] + alt + value[i + 1 :])
    return out


_DIGITS = "0123456789"


def digit_variants(value: str, places: Iterable[int], *, every: bool = False) -> list[str]:
    """``value`` with one digit at one of ``places`` replaced by a look-alike digit (with
    ``every``: by each other digit)."""
    out: list[str] = []
    for i in places:
        if 0 <= i < len(value) and value[i] in PRINT_DIGIT_LOOKALIKES:
            alts = _DIGITS.replace(value[i], "") if every else PRINT_DIGIT_LOOKALIKES[value[i]]
            out.extend(value[:i] + d + value[i + 1 :] for d in alts)
    return out


def read_digits(
    crop: np.ndarray,
    template: str,
    places: Iterable[int],
    font: str,
    size_mm: float,
    box_w_mm: float,
    dpi: int,
    *,
    params: MatchParams = MATCH,
) -> tuple[str, float]:
    """The digits at ``places`` of a fixed-format value read from the print alone, with
    the setting's score: each place in turn takes the digit whose setting (the rest as
    read so far) matches the ink best, sweep after sweep while one changes (at most
    ``max_steps``). For a number Tesseract returns only fragments of (``D172`` for
    ``D62374842``): the value's format (prefix, length: ``template``) fixes where the
    digits stand, so one glyph at a time is a choice among ten. Digits of one advance
    (DejaVu's and Liberation's) keep the setting's width, so the size and blur fitted on
    the template hold for every candidate."""
    prep = _Crop.of(crop, params)
    args = (font, size_mm, box_w_mm, dpi, params)
    value = template
    score, where = _fit(prep, value, *args)
    slots = [i for i in places if 0 <= i < len(value)]
    for _ in range(params.max_steps):
        changed = False
        for i in slots:
            options = [value[:i] + d + value[i + 1 :] for d in _DIGITS]
            s, v = max((_fit(prep, o, *args, only=where)[0], o) for o in options)
            if v != value and s > score:
                value, score, changed = v, s, True
        if not changed:
            break
    return value, _fit(prep, value, *args)[0]


def choose(
    crop: np.ndarray,
    reading: str,
    candidates: Iterable[str],
    font: str,
    size_mm: float,
    box_w_mm: float,
    dpi: int,
    *,
    digit_places: Iterable[int] | None = None,
    every_digit: bool = False,
    letters: bool = False,
    incumbent: str | None = None,
    params: MatchParams = MATCH,
) -> tuple[str, float, float]:
    """The value the print shows among ``reading`` and ``candidates``, with both scores.

    The reading is fitted over every size and blur; the candidates are scored at the size
    and blur that fit best, the best few fitted in full. With ``digit_places`` the winner's
    digits there are then replaced one at a time by look-alikes while that raises the
    score by ``digit_margin`` (a date read ``79 OCT 2075`` becomes ``29 OCT 2025``;
    with ``every_digit`` by every other digit, for a reading Tesseract doubts: a blurred
    ``1`` read ``2`` is no look-alike pair); with
    ``letters``, its capitals by look-alike capitals (``NOROHAVN``, ``NORDHAVN``) while
    the setting fits well and each raises the score by ``letter_margin``. Returns ``(value, its
    score, the reading's score)``: a candidate replaces the reading only when it scores
    at least ``min_score`` and leads the reading by ``margin``. An ``incumbent`` among the
    candidates (the value the MRZ gives) is always fitted in full, and another candidate
    replaces it only when it leads it by ``margin`` too: when Tesseract read nothing
    useful, the other months set around the MRZ's date must not win by noise.
    """
    p = params
    args = (font, size_mm, box_w_mm, dpi, p)
    prep = _Crop.of(crop, p)  # every setting below is compared with this one crop
    own, where = _fit(prep, reading, *args)
    pool: list[str] = []
    seen = {reading.strip()}
    for c in candidates:
        c = c.strip()
        if c and c not in seen and len(pool) < p.max_candidates:
            seen.add(c)
            pool.append(c)
    if own < 0 and pool:  # nothing read: fit the size and blur on the first candidate
        where = _fit(prep, pool[0], *args)[1]
    quick = sorted(((_fit(prep, c, *args, only=where)[0], c) for c in pool), reverse=True)
    best, best_score = reading, own
    inc = None if incumbent is None else incumbent.strip()
    full = [c for _, c in quick[:3]]
    if inc in pool and inc not in full:
        full.append(inc)
    scores = {c: _fit(prep, c, *args)[0] for c in full}
    for c in full:
        if scores[c] > best_score:
            best, best_score = c, scores[c]
    if inc in scores and best not in (inc, reading) and best_score < scores[inc] + p.margin:
        best, best_score = inc, scores[inc]  # the incumbent holds against noise
    if best != reading and (best_score < p.min_score or best_score < own + p.margin):
        best, best_score = reading, own
    seen = {best}  # look-alikes of the value kept, pool candidates among them
    for _ in range(p.max_steps):
        if best_score < p.min_fit:
            break
        if digit_places is not None:
            variants = digit_variants(best, list(digit_places), every=every_digit)
            margin = p.digit_margin
        elif letters:
            variants, margin = letter_variants(best), p.letter_margin
        else:
            break
        step = [(_fit(prep, v, *args, only=where)[0], v) for v in variants if v not in seen]
        if not step:
            break
        seen.update(x for _, x in step)
        # the few best at the fitted size and blur, fitted in full
        score, v = max((_fit(prep, x, *args)[0], x) for _, x in sorted(step, reverse=True)[:3])
        if score < best_score + margin:
            break
        best, best_score = v, score
    return best, best_score, own
