"""Typeface checks: the MRZ is set in OCR-B (classifier confidence) and the visual-zone
fields are set in the model's typeface. Registered in
:data:`docsec.inspect.features.FEATURE_CHECKS`.

The visual-zone check sets each readable field's value again in the model's typeface at the
model's type size and measures how well it explains the ink of the capture (normalised
correlation, its maximum taken between pixels). Where each field lies is first found on the
side's fields together: each text is looked for over a wide margin and an affine drift of
the page fitted to where they lie (a page registered a per cent, a degree or a few
millimetres off), so that each field is then looked for where the others put it, over its
position and a few per cent of scale. A field re-typed in another face explains worse than
the document's other fields do in the same capture, and worse than a common office face
(the family's serif, the Arial, Times and Helvetica clones) set at the same cap height and
searched the same way: both differences, added, make the field's score, so blur, JPEG and
lighting that lower every field alike do not fail a genuine document. A score just short
of the threshold is a warning (weak evidence), not a failure.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from docsec.checkdigit import vin_mod11
from docsec.errors import DocsecError
from docsec.inspect.checkbase import (
    _clip_box,
    _ink_share,
    _judge,
    _lum,
    _na,
    _ncc,
    _parabola_peak,
    _per_side,
    _ref_crop,
    _resize,
    _value_box,
)
from docsec.inspect.context import Context, make_finding
from docsec.inspect.register import RegisteredView
from docsec.inspect.rules import edit_distance
from docsec.models import (
    FONT_FILES,
    DocumentModel,
    FeatureSpec,
    FieldSpec,
    format_date,
    mm_to_px,
)
from docsec.report import Finding, Status

__all__ = [
    "MODEL_FONT_FILES",
    "MRZ_FONT_THRESHOLD",
    "OTHER_FACES",
    "VIZ_FONT_THRESHOLD",
    "VIZ_FONT_WEAK",
    "field_fits",
    "mrz_font_ocr_b",
    "viz_font_consistent",
]

F32 = NDArray[np.float32]


class _Fit(NamedTuple):
    """How one field's text in the model's face fits the capture's ink."""

    fit: float  # normalised correlation
    text: str
    size: float  # type size, px at _DPI
    x: int  # top left of the set text in ``ink``
    y: int
    scale: float
    ink: F32
    sure: bool  # the text was read surely (else the MRZ's spelling of an unsure reading)

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
#: The font file of each typeface a model names (:data:`docsec.models.FONT_FILES`).
MODEL_FONT_FILES: Mapping[str, Path] = FONT_FILES
#: Faces a field re-typed on an office computer most likely comes in: the family's serif,
#: the metric clones of Arial, Times and Helvetica, and of Courier, the typewriter face
#: (Debian ``fonts-liberation2``, ``fonts-freefont-ttf``). A face whose file is missing is
#: left out. A name typed again in a Courier clone fits the model's face 0.81-0.86 against
#: its peers' 0.90-0.96 (a held-out independent seed, rendered, scanned, photographed) and
#: the proportional faces no better, so without a Courier clone it scored only -0.09 to
#: -0.12; the Courier clone fits it 0.88-0.93.
OTHER_FACES: Mapping[str, Path] = {
    "DejaVu Serif": _DEJAVU / "DejaVuSerif.ttf",
    "Liberation Sans": Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    "Liberation Serif": Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    "FreeSans": Path("/usr/share/fonts/truetype/freefont/FreeSans.ttf"),
    "Liberation Mono": Path("/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"),
}

#: Mean OCR-B classifier confidence of the MRZ: genuine 0.995-1.000 (generator, rendered,
#: scanned, photographed), an MRZ reprinted in another face and still read 0.84-0.91.
MRZ_FONT_THRESHOLD = 0.96
#: Share of ink in the MRZ box above which it is printed: printed MRZ zones 0.07-0.11
#: (rendered, scanned, photographed), the unpersonalised design's 0.00.
_MRZ_INK_SHARE = 0.03
#: Field score (own fit less the other fields' median fit, plus own fit less the best other
#: face's), measured on 749 genuine captures of docsec's generator (250 documents) and 36
#: of the independent set (each rendered, scanned and photographed; seed 2026): genuine
#: sides -0.010 at worst on the generator, -0.045 on the independent set (a scan
#: registered 1.5-3 mm off); re-typed fields -0.142 and less (a dotted date in DejaVu Serif
#: -0.178 and less, a name typed again in a Liberation or FreeFont face -0.142 and less).
VIZ_FONT_THRESHOLD = -0.095
#: Score below which, the threshold not reached, the check warns (weak evidence: the
#: field is worth a look by eye); no genuine side of those above came below -0.045.
VIZ_FONT_WEAK = -0.065
#: Resolution the fields are compared at: capital letters 12-15 px high, the capture's own
#: resolution in the benchmark (finer adds no detail to a 200 dpi capture).
_DPI = 200
#: Tesseract's word confidence above which a reading is taken as the printed text (misread
#: values ran 0.0-0.8; a field read surely and also in the MRZ is compared both ways).
_SURE_READ = 0.85
#: Allowance on the score of a name known only by its MRZ spelling (Tesseract unsure of
#: the print): a genuine O'CONNELL set as the MRZ's OCONNELL scores -0.2, a name re-typed
#: so that Tesseract cannot read it -0.4 and less.
_UNSURE_TEXT_ALLOWANCE = 0.2
#: Widest a text set at the model's size may be against the ink in its value box: genuine
#: values 1.11 at most (a value read with stray marks 1.45), values typed again in another
#: face 1.28; a value read with its label 1.6-4.1.
_MAX_WIDTH_RATIO = 1.5
#: Fewest fields a side needs compared: the others' median must rest on two or more.
_MIN_FIELDS = 3
#: Fewest characters (spaces aside) a value needs for its shapes to tell typefaces apart.
_MIN_GLYPHS = 4
#: Lowest median fit of a side's fields for a comparison: below, the capture or its
#: registration does not show the type (a page registered 2 mm off fits 0.2-0.3 everywhere;
#: genuine captures 0.75-0.95).
_MIN_TYPICAL_FIT = 0.6
#: How far (mm) around the value box the ink is looked for: a page registered at a scale
#: a per cent or two off puts a field up to 2.6-3.5 mm off along its line (a scanned
#: certificate's document number, a photographed one's holder name), a millimetre across
#: it; the label's last row is above.
_GROW_X_MM, _GROW_UP_MM, _GROW_DOWN_MM = 4.5, 0.8, 0.9
#: Scales tried around the model's type size (type set at whole pixels, registration scale).
#: Steps of the scale's search around the model's type size (or the other face's cap
#: height), and how far it goes: type set at whole pixels, a registration a few per cent
#: off (a photographed corner 6 % larger).
_SCALE_STEPS = (0.03, 0.015, 0.0075)
_MAX_SCALE = 0.07
#: Fields (those fitting worst against their peers) the other faces are tried on.
_OTHER_FACES_TRIED = 2
#: Blur (px at :data:`_DPI`) of the set text: the capture's optics and anti-aliasing.
_BLUR_PX = 0.7
_PAD_PX = 3
#: Margins (mm) of the first, wide search for each field's text: along the line and across
#: it (a page registered a few per cent off or sheared puts fields 3.2 mm along and 1.5 mm
#: across off where the model has them on an independent scan, 2 mm and 2.3 mm on a
#: generator scan registered with quality 0.54; lines of fields lie 5.5 mm apart or more).
_WIDE_X_MM, _WIDE_Y_MM = 9.0, 3.5
#: Fit a field's text needs in the wide search to place the page.
_ANCHOR_FIT = 0.45
#: Scales a text found below :data:`_ANCHOR_FIT` is looked for again at in the wide search
#: (a photographed corner nearer the camera shows its type 6 % larger).
_WIDE_SCALES = (0.95, 1.05)
#: A field this far (mm) from the fitted drift is left out of the fit.
_ALIGN_OUTLIER_MM = 0.6
#: Spread (mm) of the fields found, along x or y, that lets the drift change that way.
_ALIGN_SPREAD_MM = 10.0
#: Largest change of the drift per mm (a scale or shear of 8 %).
_ALIGN_MAX_SLOPE = 0.08
#: How far below the side's other fields (their median fit) the best of the model's and
#: the other faces' fits of a text read in another alphabet than the field's may come
#: before the reading is taken as a misreading and the field left out: a genuine Cyrillic
#: surname photographed and read as Latin look-alikes (ПОЛЯКОВ as NONAKOB, 0.90 sure) fit
#: 0.63-0.65 in every face against its peers' 0.88 (0.23 below) and failed the document; a
#: text in the field's own alphabet is always judged. A Latin name typed over a Cyrillic
#: one in a face none of :data:`OTHER_FACES` is (0.28-0.33) is then left out too: the
#: MRZ comparison (``feature.viz_mrz.match``) fails it.
_WRONG_SCRIPT_GAP = 0.15
#: Glyphs (those fitting the ink worst) at which a misreading is doubted.
_DOUBTED_GLYPHS = 2
#: How much worse than the side's other fields a field's text may fit with its doubted
#: glyph left out (:func:`_doubted`): genuine fields read with one wrong letter 0.05-0.08
#: below (a photographed OKONKWO read OKONXWO), a surname re-typed in Liberation Sans 0.27
#: below, a date re-typed in DejaVu Serif 0.08-0.11 below (no one character helps it).
_DOUBT_REST_GAP = 0.15
#: Characters (those whose glyph alone fits best) set again in the whole text at a doubted
#: glyph: the right letter of a misread genuine field ranked first or second.
_SHORTLIST = 3
#: Columns (px) either side of a glyph left out with it (its neighbours' anti-aliasing).
_GLYPH_SIDE_PX = 2
#: The MRZ field a visual-zone field shows.
_MRZ_OF = {"date_of_birth": "date_of_birth", "date_of_expiry": "date_of_expiry",
           "valid_until": "date_of_expiry", "document_number": "document_number",
           "surname": "primary_identifier", "given_names": "secondary_identifier"}  # fmt: skip


# --- fonts ----------------------------------------------------------------------------------


def mrz_font_ocr_b(ctx: Context) -> Finding:
    """Mean OCR-B classifier confidence of the MRZ characters; fails below."""
    cid = "feature.mrz_font.ocr_b"

    def one(f: FeatureSpec) -> Finding:
        reading = ctx.readings.get(f.side)
        v = ctx.view("white", f.side)
        if reading is not None and reading.mrz is None and v is not None:
            # the page was recognised, but no OCR-B line was read where the MRZ is printed
            share = _ink_share(v.crop(_clip_box(ctx, f.box_mm), 100))
            if share >= _MRZ_INK_SHARE:
                return make_finding(cid, Status.FAIL,
                                    "The MRZ zone is printed but no OCR-B line could be read "
                                    "in it: reprinted in another typeface.",
                                    "Зона МСЗ напечатана, но не читается как OCR-B: "
                                    "перепечатана другим шрифтом.", score=0.0,
                                    threshold=MRZ_FONT_THRESHOLD, view=v,
                                    box_mm=_clip_box(ctx, f.box_mm))  # fmt: skip
        if reading is None or reading.mrz is None or v is None:
            return make_finding(cid, Status.ERROR, "no MRZ was read on this side.",
                                "МСЗ на этой стороне не прочитана.", view=v,
                                box_mm=f.box_mm)  # fmt: skip
        score = float(reading.mrz.mean_confidence)
        return _judge(cid, score, low_fails=True, view=v, box=_clip_box(ctx, f.box_mm),
                      threshold=MRZ_FONT_THRESHOLD,
                      ok=("The MRZ is printed in OCR-B.", "МСЗ напечатана шрифтом OCR-B."),
                      bad=("The MRZ glyphs are not OCR-B: reprinted in another typeface.",
                           "Символы МСЗ не OCR-B: перепечатана другим шрифтом."))

    return _per_side(ctx, "mrz_font", cid, one)


@functools.lru_cache(maxsize=256)
def _font(path: Path, size: float) -> ImageFont.FreeTypeFont:
    """``path`` at ``size`` px (callers round sizes to whole pixels: a bounded set is
    cached)."""
    return ImageFont.truetype(str(path), size)


@functools.cache
def _installed(path: Path) -> bool:
    return path.exists()


@functools.cache
def _cap_ratio(path: Path) -> float:
    """Height of the capital H over the type size."""
    top, bottom = _font(path, 100.0).getbbox("H")[1::2]
    return float(bottom - top) / 100.0


@functools.lru_cache(maxsize=64)
def _set(text: str, path: Path, size: float) -> tuple[F32, int] | None:
    """``text`` set in ``path`` at ``size`` px rounded to whole pixels (coverage 0..1,
    blurred like a capture), trimmed to its inked rows, and the row of the ascender line
    above it. Type is rasterised at a whole pixel size, its outlines hinted to that grid,
    and the scale search (:func:`_scaled_fit`) takes up the rest: a genuine field set at
    20.47 px fits its ink 0.82-0.93, at 20 px 0.95-0.97 (the hinting of the strokes)."""
    f = _font(path, float(max(4, round(size))))
    width = int(np.ceil(f.getlength(text))) + 2 * _PAD_PX
    asc, desc = f.getmetrics()
    img = Image.new("L", (max(1, width), asc + desc + 2), 0)
    ImageDraw.Draw(img).text((_PAD_PX, 0), text, fill=255, font=f)
    a = np.asarray(img, np.float32) / np.float32(255)
    rows = np.nonzero(a.max(axis=1) > 0.1)[0]
    if rows.size == 0:
        return None
    a = a[rows[0] : rows[-1] + 1]
    blurred: F32 = np.asarray(cv2.GaussianBlur(a, (0, 0), _BLUR_PX), np.float32)
    blurred.flags.writeable = False  # cached: shared by every caller
    return blurred, int(rows[0])


def _scaled(t: F32, k: float) -> F32:
    if k == 1.0:
        return t
    h, w = max(2, round(t.shape[0] * k)), max(2, round(t.shape[1] * k))
    how = cv2.INTER_AREA if k < 0.75 else cv2.INTER_LINEAR
    return np.asarray(cv2.resize(t, (w, h), interpolation=how), np.float32)


def _match(ink: F32, t: F32, x: int, y: int, rx: int, ry: int) -> tuple[float, int, int]:
    """Best normalised correlation of ``t`` with its top left within ``rx``, ``ry`` of
    ``(x, y)`` in ``ink``, and where."""
    xa, ya = max(0, x - rx), max(0, y - ry)
    win = ink[ya : y + ry + t.shape[0], xa : x + rx + t.shape[1]]
    if win.shape[0] < t.shape[0] or win.shape[1] < t.shape[1] or float(np.ptp(t)) < 1e-3:
        return -1.0, x, y
    r = np.asarray(cv2.matchTemplate(np.ascontiguousarray(win), np.ascontiguousarray(t),
                                     cv2.TM_CCOEFF_NORMED), np.float32)  # fmt: skip
    _, _best, _, (dx, dy) = cv2.minMaxLoc(r)
    return min(1.0, _parabola_peak(r, dx, dy)[2]), xa + dx, ya + dy


def _ink(ctx: Context, v: RegisteredView, f: FieldSpec) -> F32:
    """Darkness of the field's value box (grown by the wide search's margins) beyond the
    model's unpersonalised design there (its gain and offset fitted to the capture); what
    the margins reach beyond the page is no ink."""
    x, y, w, h = _value_box(f)
    x0, y0 = x - _WIDE_X_MM, y - _WIDE_Y_MM
    x1, y1 = x + w + _WIDE_X_MM, y + h + _WIDE_Y_MM
    pw, ph = ctx.model.size_mm
    cx0, cy0, cx1, cy1 = max(0.0, x0), max(0.0, y0), min(pw, x1), min(ph, y1)
    ink = _design_removed(ctx, v, (cx0, cy0, cx1 - cx0, cy1 - cy0))
    p = {mm: mm_to_px(mm, _DPI) for mm in (x0, y0, x1, y1, cx0, cy0, cx1, cy1)}
    pads = ((p[cy0] - p[y0], p[y1] - p[cy1]), (p[cx0] - p[x0], p[x1] - p[cx1]))
    if any(a > 0 or b > 0 for a, b in pads):
        ink = np.pad(ink, pads)
    return np.ascontiguousarray(ink, np.float32)


def _design_removed(ctx: Context, v: RegisteredView,
                    box: tuple[float, float, float, float]) -> F32:
    """Darkness of ``box`` of ``v`` beyond the model's unpersonalised design there."""
    mine = _lum(v.crop(box, _DPI))
    ref = _resize(_lum(_ref_crop(ctx, v.side, v.light, box)), mine.shape)
    rc = ref - ref.mean()
    var = float((rc * rc).sum())
    gain = float((rc * (mine - mine.mean())).sum()) / var if var > 1e-6 else 0.0
    design = rc * np.float32(gain) + np.float32(mine.mean())
    return np.ascontiguousarray(design - mine, np.float32)


@functools.lru_cache(maxsize=256)
def _length_100(path: Path, text: str) -> float:
    """Advance width of ``text`` in ``path`` at 100 px."""
    return float(_font(path, 100.0).getlength(text))


def _width(text: str, path: Path, size: float) -> float:
    """Width (px) of ``text``'s glyphs set in ``path`` at ``size``."""
    got = _set(text, path, size)
    return float(got[0].shape[1] - 2 * _PAD_PX) if got is not None else 0.0


def _ink_extent(ink: F32) -> int:
    """Width (px) of what is inked in ``ink`` (columns reaching half its strong ink)."""
    if ink.size == 0:
        return 0
    strong = float(np.percentile(ink, 99.5))
    if strong <= 0:
        return 0
    cols = np.nonzero(ink.max(axis=0) > 0.5 * strong)[0]
    return int(cols[-1] - cols[0] + 1) if cols.size else 0


def _type_size(f: FieldSpec, path: Path, text: str) -> float:
    """The model's type size of ``f`` in px at :data:`_DPI`, smaller when ``text`` would
    overrun the value box (set to fit)."""
    k = _DPI / 25.4
    size = f.size_mm * k
    room = _value_box(f)[2] * k - 2
    length = _length_100(path, text) * size / 100.0
    return size * room / length if length > room else size


def _scaled_fit(ink: F32, t: F32, x: int, y: int, rx: int, ry: int,
                first: tuple[float, int, int] | None = None) -> tuple[float, int, int, float]:
    """Best correlation of ``t`` with ``ink`` over position (within ``rx``, ``ry`` of
    ``(x, y)``) and scale, where its top left lies and the scale: the scale climbs in
    :data:`_SCALE_STEPS` (each tried on both sides of the best so far, the first walked
    on while it gains, up to :data:`_MAX_SCALE` off; each try searched around the best
    place so far as far as the step moves the text's middle), the model's face and the
    other faces alike (a correlation of text a few pixels high falls by a third 3 % off
    its scale). ``first`` is the match at scale 1 when the caller has it."""
    if first is None:
        first = _match(ink, t, x, y, rx, ry)
    best = (first[0], first[1], first[2], 1.0)
    for i, step in enumerate(_SCALE_STEPS):
        for sign in (-1.0, 1.0):
            while True:
                s = best[3] + sign * step
                if abs(s - 1.0) > _MAX_SCALE + 1e-9:
                    break
                ts = _scaled(t, s)
                reach = 1 + int(np.ceil(step * ts.shape[1] / 2))
                got = _match(ink, ts, best[1], best[2], reach, 2 if i == 0 else 1)
                if got[0] <= best[0]:
                    break
                best = (*got, s)
                if i > 0:
                    break
    return best


def _fit(ink: F32, texts: Sequence[str], path: Path,
         sizes: Sequence[float]) -> tuple[float, int, int, float, int] | None:
    """How well the text in the model's face explains ``ink``: of ``texts`` (each set at its
    size of ``sizes``), the one fitting best, its best correlation over position and scale
    (:func:`_scaled_fit`), where its top left lies, the scale and which text it was."""
    k = _DPI / 25.4
    best: tuple[float, int, int, float, int] | None = None
    for i, (text, size) in enumerate(zip(texts, sizes, strict=True)):
        got = _set(text, path, size)
        if got is None:
            continue
        t, top = got
        x0, y0 = round(_GROW_X_MM * k) - _PAD_PX, round(_GROW_UP_MM * k) + top
        fit = _scaled_fit(ink, t, x0, y0, round(_GROW_X_MM * k), round(_GROW_DOWN_MM * k))
        if best is None or fit[0] > best[0]:
            best = (*fit, i)
    return best


def _glyph_fits(fit: _Fit, path: Path) -> list[tuple[float, int, float]]:
    """Each glyph of ``fit``'s text (spaces aside): the correlation of its columns of the
    set text with the ink under them where the field was found, its index, and the
    correlation of the text's other columns (the glyph and a pixel or two either side of
    it left out) with theirs."""
    got = _set(fit.text, path, fit.size)
    if got is None:
        return []
    t = _scaled(got[0], fit.scale)
    ink = fit.ink[fit.y : fit.y + t.shape[0], fit.x : fit.x + t.shape[1]]
    if ink.shape != t.shape:
        return []
    font = _font(path, float(max(4, round(fit.size))))
    out = []
    for i, c in enumerate(fit.text):
        if c.isspace():
            continue
        a = round((_PAD_PX + font.getlength(fit.text[:i])) * fit.scale)
        b = round((_PAD_PX + font.getlength(fit.text[: i + 1])) * fit.scale)
        rest = np.ones(t.shape[1], bool)
        rest[max(0, a - _GLYPH_SIDE_PX) : b + _GLYPH_SIDE_PX] = False
        if b > a and rest.any():
            out.append((_ncc(ink[:, a:b], t[:, a:b]), i, _ncc(ink[:, rest], t[:, rest])))
    return out


def _alphabet(c: str, script: str) -> str:
    """The characters a glyph read as ``c`` may be instead: capitals and digits for a
    capital or digit, small letters for a small one (the script's letters)."""
    if c.islower():
        return _LOWER + (_LOWER_CYRILLIC if script != "latin" else "")
    if c.isupper() or c.isdigit():
        return _UPPER + _DIGITS + (_UPPER_CYRILLIC if script != "latin" else "")
    return ""


_UPPER, _LOWER, _DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
_UPPER_CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
_LOWER_CYRILLIC = _UPPER_CYRILLIC.lower()


def _shortlist(fit: _Fit, path: Path, i: int, alphabet: str) -> list[str]:
    """The :data:`_SHORTLIST` characters of ``alphabet`` (other than the one read) whose
    glyph alone, set in the model's face where glyph ``i`` of ``fit``'s text stands, fits
    the ink under it best (a pixel either way): a quick ranking before whole texts are set
    again."""
    got = _set(fit.text, path, fit.size)
    if got is None:
        return []
    t0, top = got
    font = _font(path, float(max(4, round(fit.size))))
    asc, desc = font.getmetrics()
    start = font.getlength(fit.text[:i])
    h = round(t0.shape[0] * fit.scale)
    ranked: list[tuple[float, str]] = []
    for c in alphabet:
        if c == fit.text[i]:
            continue
        img = Image.new("L", (int(np.ceil(font.getlength(c))) + 2 * _PAD_PX, asc + desc + 2), 0)
        ImageDraw.Draw(img).text((_PAD_PX, 0), c, fill=255, font=font)
        a = np.asarray(img, np.float32)[top : top + t0.shape[0]] / np.float32(255)
        g = _scaled(np.asarray(cv2.GaussianBlur(a, (0, 0), _BLUR_PX), np.float32), fit.scale)
        x = fit.x + round(start * fit.scale)
        win = fit.ink[fit.y : fit.y + h, max(0, x - 1) : x + g.shape[1] + 1]
        if g.shape[0] != win.shape[0] or win.shape[1] < g.shape[1] or float(np.ptp(g)) < 1e-3:
            continue
        r = cv2.matchTemplate(np.ascontiguousarray(win), np.ascontiguousarray(g),
                              cv2.TM_CCOEFF_NORMED)  # fmt: skip
        ranked.append((float(np.max(r)), c))
    return [c for _, c in sorted(ranked, reverse=True)[:_SHORTLIST]]


def _doubted(fit: _Fit, path: Path, script: str, peers: float) -> _Fit | None:
    """``fit``'s text given OCR's doubt at one glyph: at each of the
    :data:`_DOUBTED_GLYPHS` glyphs whose columns fit the ink worst, every character of its
    kind (:func:`_alphabet`) set in its place in the model's face and fitted where the field
    lies; the best text with one character changed, when it fits better than the text as
    read (else None). Only a glyph the rest of the field does not share the misfit of is
    doubted: the text's other columns must fit as well as the side's other fields do
    (``peers``, their median fit) less :data:`_DOUBT_REST_GAP`; a field set in another
    face misfits at every glyph, and its spacing with them."""
    glyphs = sorted(_glyph_fits(fit, path))
    if len(glyphs) < _MIN_GLYPHS:
        return None
    best: _Fit | None = None
    for _local, i, rest in glyphs[:_DOUBTED_GLYPHS]:
        if rest < peers - _DOUBT_REST_GAP:
            continue
        for c in _shortlist(fit, path, i, _alphabet(fit.text[i], script)):
            text = fit.text[:i] + c + fit.text[i + 1 :]
            got = _set.__wrapped__(text, path, fit.size)
            if got is None:
                continue
            g, x, y = _match(fit.ink, _scaled(got[0], fit.scale), fit.x, fit.y, 2, 1)
            if g > (best.fit if best is not None else fit.fit):
                best = fit._replace(fit=g, text=text, x=x, y=y)
    return best


def _other_fit(ink: F32, text: str, cap_px: float, x: int, y: int) -> tuple[float, str]:
    """The best fit of ``text`` in any of :data:`OTHER_FACES` set at the cap height
    ``cap_px`` (near the model face's place), and that face."""
    best = (-1.0, "")
    for name, path in OTHER_FACES.items():
        if not _installed(path):
            continue
        got = _set(text, path, cap_px / _cap_ratio(path))
        if got is None:
            continue
        # the fit at the cap height does not rank the faces: a face typed 7 % smaller
        # fits 0.31 there and 0.75 at its scale
        g = _scaled_fit(ink, got[0], x, y, 8, 3)[0]
        if g > best[0]:
            best = (g, name)
    return best


def _checked_vin(text: str) -> str | None:
    """``text`` as a VIN (I, O, Q read for 1, 0, 0, which VINs never use) when its check
    digit computes: a VIN read that surely, however unsure Tesseract was of it."""
    vin = text.replace(" ", "").upper().translate(str.maketrans("IOQ", "100"))
    if len(vin) != 17:
        return None
    try:
        return vin if vin_mod11.calc_check_digit(vin) == vin[8] else None
    except DocsecError:
        return None


def _in_script(text: str, script: str) -> bool:
    """Whether the letters of ``text`` belong to ``script`` (``latin``: no Cyrillic letter;
    ``cyrillic``: no Latin one); digits, marks and other scripts' fields pass."""
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in text)
    latin = any(c.isascii() and c.isalpha() for c in text)
    if script == "latin":
        return not cyrillic
    if script == "cyrillic":
        return not latin
    return True


def _texts(model: DocumentModel, f: FieldSpec, read: tuple[str, float] | None,
           mrz: Any) -> tuple[list[str], bool]:
    """What field ``f`` prints, as far as it is known, and whether surely: the MRZ's date or
    number in the model's style; a name read surely (and the MRZ's spelling of it when
    close); any value read surely (with its spaces put right, :func:`_spacings`), or a VIN
    whose check digit computes. Failing those, a Latin name's MRZ spelling (not sure: the
    print may carry an apostrophe the MRZ drops). Empty when nothing is known."""
    sure = read is not None and read[1] >= _SURE_READ
    given = _mrz_text(model, f, mrz, read[0] if sure and read is not None else None)
    out = [given] if given is not None else []
    if sure and read is not None:
        # a date or number the MRZ gives is exact: the reading is only compared as read
        variants = [read[0].strip()] if out else _spacings(read[0].strip())
        out += [t for t in variants if t not in out]
    vin = _checked_vin(read[0]) if read is not None else None
    if vin is not None and vin not in out:
        out.append(vin)
    out = [t for t in out if len(t.replace(" ", "")) >= _MIN_GLYPHS]
    if out:
        return out, True
    name = _mrz_text(model, f, mrz, None, spelling_only=True)
    return ([name] if name is not None and len(name.replace(" ", "")) >= _MIN_GLYPHS
            else [], False)  # fmt: skip


def _mrz_text(model: DocumentModel, f: FieldSpec, mrz: Any, read: str | None, *,
              spelling_only: bool = False) -> str | None:
    """The MRZ's value of field ``f`` as the visual zone prints it: a date or number whose
    check digit computes; a Latin name beside a sure reading ``read`` close to it (or, with
    ``spelling_only``, on its own)."""
    key = _MRZ_OF.get(f.name)
    fields = getattr(mrz, "fields", None) or {}
    if key is None or key not in fields or not fields[key].value:
        return None
    value = fields[key].value
    if isinstance(value, dt.date) or key == "document_number":
        checked = {x.id for x in getattr(mrz, "findings", ()) if x.status == Status.PASS}
        if spelling_only or f"mrz.check_digit.{key}" not in checked:
            return None
        return format_date(value, model.date_style) if isinstance(value, dt.date) else str(value)
    name = str(value)
    if f.script != "latin":
        return None
    if spelling_only:
        return name
    if read is None or edit_distance(name, read.upper()) > 0.4 * len(name):
        return None
    return name


#: Letters Tesseract reads for the digits they look like.
_AS_DIGITS = str.maketrans("OQIZSGB", "0012568")


def _spacings(text: str) -> list[str]:
    """``text`` as read, and with what Tesseract most often gets wrong put right: no spaces
    (a VIN or number read in two), a space wherever letters and digits meet (a registration
    number ``UT 1694 G`` read ``UT 1694G``), look-alike letters inside a number read as the
    digits. A space more or less shifts every glyph after it, so the fit takes the best."""
    out = [text]
    joined = text.replace(" ", "")
    split = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", text)
    split = re.sub(r" +", " ", split) if split.count(" ") <= text.count(" ") + 2 else text
    # a letter read for a digit inside a number (R00G01872 for R00601872)
    digits = re.sub(r"\d[\dA-Z]*", lambda m: m.group(0).translate(_AS_DIGITS), text)
    for t in (joined, split, digits):
        if t not in out and any(c.isdigit() for c in t):
            out.append(t)
    return out


def _drift(inks: Mapping[str, tuple[F32, F32, int]],
           centres: Mapping[str, tuple[float, float]]) -> dict[str, tuple[int, int]] | None:
    """How far (px at :data:`_DPI`) each field's text lies from where the registration puts
    it. ``inks`` holds, by field, the ink over the wide margins (:data:`_WIDE_X_MM`,
    :data:`_WIDE_Y_MM`), the field's text set in the model's face and the row of its top;
    ``centres`` each field's centre (mm). Each text is looked for over the wide margins and
    an affine drift of the page (a shift, and a change along x or y where the fields found
    spread :data:`_ALIGN_SPREAD_MM` or more that way: a page registered a per cent or a
    degree off) fitted to where they lie, the fields off the fit by more than
    :data:`_ALIGN_OUTLIER_MM` left out; every field is then expected where the fit puts it
    (a re-typed field too: its own placement moves neither itself nor the others), and left
    out when that lies beyond the wide margins. A field farther than
    :data:`_ALIGN_SPREAD_MM` along the line from every field the fit rests on is not
    extrapolated to: it is expected where its own text was found (a photographed corner
    is not where a drift fitted on the other side's fields puts it). A text found poorly
    at the model's size is looked for again at :data:`_WIDE_SCALES`. None when no field's
    text was found."""
    k = _DPI / 25.4
    wx, wy = round(_WIDE_X_MM * k), round(_WIDE_Y_MM * k)
    found: dict[str, tuple[float, float, float, float]] = {}
    # at half the resolution: a place to a quarter of a millimetre is all the drift needs
    h = 0.5
    for name, (ink, t, top) in inks.items():
        small, x0, y0 = _scaled(ink, h), round((wx - _PAD_PX) * h), round((wy + top) * h)
        best = _match(small, _scaled(t, h), x0, y0, round(wx * h), round(wy * h))
        for scale in _WIDE_SCALES if best[0] < _ANCHOR_FIT else ():
            got = _match(small, _scaled(t, h * scale), x0, y0, round(wx * h), round(wy * h))
            best = max(best, got)
        fit, x, y = best
        if fit >= _ANCHOR_FIT:
            found[name] = (*centres[name], (x - x0) / h / k, (y - y0) / h / k)
    if not found:
        return None
    p = np.asarray(list(found.values()), np.float64)
    mean = p[:, :2].mean(axis=0)
    spread = [j for j in (0, 1) if float(np.ptp(p[:, j])) >= _ALIGN_SPREAD_MM]
    a = np.stack([np.ones(len(p))] + [p[:, j] - mean[j] for j in spread], 1)
    keep = np.ones(len(p), bool)
    coef = np.zeros((a.shape[1], 2))
    for _ in range(3):
        coef = np.zeros((a.shape[1], 2))
        if keep.sum() > a.shape[1]:
            coef = np.linalg.lstsq(a[keep], p[keep, 2:], rcond=None)[0]
            coef[1:] = np.clip(coef[1:], -_ALIGN_MAX_SLOPE, _ALIGN_MAX_SLOPE)
        else:  # too few fields for the slopes: their median shift
            coef[0] = np.median(p[keep, 2:], axis=0)
        off = np.hypot(*(p[:, 2:] - a @ coef).T)
        new = off <= _ALIGN_OUTLIER_MM
        if not new.any() or bool((new == keep).all()):
            break
        keep = new
    xs = p[keep, 0]
    # a field the fit puts beyond the wide margins cannot be searched: it is left out
    limit = (_WIDE_X_MM - _GROW_X_MM, _WIDE_Y_MM - max(_GROW_UP_MM, _GROW_DOWN_MM))
    out = {}
    for name, c in centres.items():
        if name in found and float(np.min(np.abs(xs - c[0]))) > _ALIGN_SPREAD_MM:
            d = np.array(found[name][2:])
        else:
            d = np.array([1.0] + [c[j] - mean[j] for j in spread]) @ coef
        if abs(d[0]) <= limit[0] and abs(d[1]) <= limit[1]:
            out[name] = (round(float(d[0]) * k), round(float(d[1]) * k))
    return out


def field_fits(ctx: Context, v: RegisteredView,
               fields: Sequence[FieldSpec]) -> dict[str, _Fit]:
    """For each field of ``fields`` whose text is known (:func:`_texts`): how the text set
    in the model's face at the model's size fits the ink of the capture, the field looked
    for where the side's drift (:func:`_drift`) puts it."""
    reading = ctx.readings.get(v.side)
    viz = (reading.viz or {}) if reading is not None else {}
    k = _DPI / 25.4
    known: list[tuple[FieldSpec, Path, list[str], bool]] = []
    for f in fields:
        path = MODEL_FONT_FILES.get(f.font)
        if path is None:
            continue
        vf = viz.get(f.name)
        texts, sure = _texts(ctx.model, f,
                             (vf.value, vf.confidence) if vf is not None else None, ctx.mrz)
        if texts:
            known.append((f, path, texts, sure))
    wide: dict[str, tuple[F32, F32, int]] = {}
    centres: dict[str, tuple[float, float]] = {}
    for f, path, texts, _sure in known:
        first = _set(texts[0], path, _type_size(f, path, texts[0]))
        if first is not None:
            wide[f.name] = (_ink(ctx, v, f), *first)
            bx, by, _bw, bh = _value_box(f)
            centres[f.name] = (bx + (first[0].shape[1] / 2 - _PAD_PX) / k, by + bh / 2)
    drift = _drift(wide, centres) if len(wide) >= _MIN_FIELDS else None
    gx, gu, gd = (round(m * k) for m in (_GROW_X_MM, _GROW_UP_MM, _GROW_DOWN_MM))
    wx, wy = round(_WIDE_X_MM * k), round(_WIDE_Y_MM * k)
    out: dict[str, _Fit] = {}
    for f, path, texts, sure in known:
        if f.name not in wide or (drift is not None and f.name not in drift):
            continue
        big = wide[f.name][0]
        dx, dy = drift[f.name] if drift is not None else (0, 0)
        # the fine search's margins around where the drift puts the value box
        ink = np.ascontiguousarray(big[wy + dy - gu : big.shape[0] - wy + dy + gd,
                                       wx + dx - gx : big.shape[1] - wx + dx + gx])
        # a text much wider at the model's size than the ink in the value box is not what
        # the field prints (a label read with the value)
        reach = _ink_extent(ink[gu : gu + round(_value_box(f)[3] * k),
                                gx : gx + round(_value_box(f)[2] * k)])  # fmt: skip
        sizes = [_type_size(f, path, text) for text in texts]
        shown = [i for i, (text, size) in enumerate(zip(texts, sizes, strict=True))
                 if reach == 0 or _width(text, path, size) <= _MAX_WIDTH_RATIO * reach]
        if not shown:
            continue
        texts, sizes = [texts[i] for i in shown], [sizes[i] for i in shown]
        got = _fit(ink, texts, path, sizes)
        if got is not None:
            i = got[4]
            out[f.name] = _Fit(got[0], texts[i], sizes[i], got[1], got[2], got[3], ink, sure)
    return out


def viz_font_consistent(ctx: Context) -> Finding:
    """Each readable field set again in the model's typeface and aligned on the capture's
    ink (see the module docstring). A field's score is its fit less the median fit of the
    side's other fields, plus its fit less the best other face's (plus
    :data:`_UNSURE_TEXT_ALLOWANCE` for a name known only by its MRZ spelling); the side's
    score is its worst field's; fails below :data:`VIZ_FONT_THRESHOLD` and warns below
    :data:`VIZ_FONT_WEAK` (weak evidence)."""
    cid = "feature.viz_font.consistent"

    def one(feat: FeatureSpec) -> Finding:
        v = ctx.view("white", feat.side)
        if v is None:
            return _na(ctx, cid, "white", feat.side)
        missing = sorted({str(MODEL_FONT_FILES[f.font]) for f in ctx.model.fields
                          if f.side == feat.side and f.font in MODEL_FONT_FILES
                          and not _installed(MODEL_FONT_FILES[f.font])})  # fmt: skip
        if missing:
            return make_finding(cid, Status.ERROR,
                                f"the typeface file {missing[0]} is missing (install "
                                "fonts-dejavu-core).", "нет файла шрифта модели.",
                                view=v)  # fmt: skip
        fits = field_fits(ctx, v, [f for f in ctx.model.fields if f.side == feat.side])
        if len(fits) < _MIN_FIELDS:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                f"only {len(fits)} field(s) known well enough (at least "
                                f"{_MIN_GLYPHS} characters) to compare typefaces; "
                                f"{_MIN_FIELDS} are needed.",
                                "слишком мало уверенно прочитанных полей для сравнения "
                                "шрифтов.", view=v)  # fmt: skip
        typical = float(np.median([x.fit for x in fits.values()]))
        if typical < _MIN_TYPICAL_FIT:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                f"the capture does not show the type clearly enough to "
                                f"compare typefaces (fields fit {typical:.2f} at the median).",
                                "снимок недостаточно чёток для сравнения шрифтов.",
                                view=v)  # fmt: skip
        # a field's fit less its peers' median; a name known only by its MRZ spelling
        # (the print read unsurely) gets an allowance: its text may lack an apostrophe
        deficits = {name: f.fit - float(np.median([x.fit for n, x in fits.items() if n != name]))
                    + (0.0 if f.sure else _UNSURE_TEXT_ALLOWANCE)
                    for name, f in fits.items()}  # fmt: skip
        worst: tuple[float, str, float, str] | None = None
        tried = 0
        # the other faces are tried on the fields that fit worst (a re-typed field fits
        # below its peers; the others' scores stay above their deficit's)
        for name in sorted(deficits, key=deficits.__getitem__):
            if tried == _OTHER_FACES_TRIED:
                break
            f = fits[name]
            spec = ctx.model.field(name)
            path = MODEL_FONT_FILES[spec.font]
            other, face = _other_fit(f.ink, f.text, _cap_ratio(path) * f.size, f.x, f.y)
            peer_fit = f.fit - deficits[name] + (0.0 if f.sure else _UNSURE_TEXT_ALLOWANCE)
            if (not _in_script(f.text, spec.script)
                    and max(f.fit, other) < peer_fit - _WRONG_SCRIPT_GAP):
                continue  # letters of the wrong alphabet no face explains: a misreading
            tried += 1
            score = deficits[name] + (f.fit - other if face else 0.0)
            peers = f.fit - deficits[name] + (0.0 if f.sure else _UNSURE_TEXT_ALLOWANCE)
            doubted = (_doubted(f, path, spec.script, peers) if score < VIZ_FONT_WEAK
                       else None)  # fmt: skip
            if doubted is not None:
                # OCR's doubt at one glyph: the field scored with that text, when it fits
                # better, against its peers; the other faces get the same doubt (each its
                # better of the two texts: a letter wrong for the other face is no evidence)
                o2, face2 = max(_other_fit(f.ink, doubted.text, _cap_ratio(path) * f.size,
                                           doubted.x, doubted.y), (other, face))
                s2 = (deficits[name] + doubted.fit - f.fit
                      + (doubted.fit - o2 if face2 else 0.0))
                if s2 > score:
                    score, other, face = s2, o2, face2
                    fits[name] = doubted
            if worst is None or score < worst[0]:
                worst = (score, name, other, face)
        if worst is None:
            return make_finding(cid, Status.NOT_APPLICABLE,
                                "the fields that fit worst were read in another alphabet "
                                "than they are printed in, so their typeface cannot be "
                                "compared.",
                                "поля прочитаны не тем алфавитом, шрифт сравнить нельзя.",
                                view=v)  # fmt: skip
        score, name, other, face = worst
        fit, text = fits[name].fit, fits[name].text
        box = _value_box(ctx.model.field(name))
        out = _judge(cid, score, low_fails=True, view=v, box=box,
                     threshold=VIZ_FONT_THRESHOLD,
                     ok=("The fields are set in the model's typeface.",
                         "Поля напечатаны шрифтом модели."),
                     bad=(f"Field {name} ({text!r}) is not set in the model's typeface: it "
                          f"fits {fit:.2f} against the other fields' {typical:.2f}"
                          + (f" and {face}'s {other:.2f}" if face else "")
                          + ": it was re-typed.",
                          f"Поле {name} напечатано не шрифтом модели: перепечатано."))
        status, en, ru = out.status, out.message, out.message_ru
        if status == Status.PASS and score < VIZ_FONT_WEAK:
            status = Status.WARN
            en = (f"Field {name} ({text!r}) fits the model's typeface a little worse than the "
                  f"other fields ({fit:.2f} against {typical:.2f}"
                  + (f", {face} {other:.2f}" if face else "")
                  + "): too little to call it re-typed; compare its letters by eye.")
            ru = (f"Поле {name} совпадает со шрифтом модели чуть хуже остальных полей: "
                  "этого мало, чтобы считать его перепечатанным; сравните буквы визуально.")
        return make_finding(cid, status, en, ru, score=score, threshold=out.threshold,
                            view=v, box_mm=box, field_name=name)

    return _per_side(ctx, "viz_font", cid, one)
