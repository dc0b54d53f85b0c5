"""Visual-zone OCR: Tesseract on the model's field boxes of the rectified page.

The page is rectified from the capture to the model's frame at ``VIZ.dpi`` with the
page homography (:func:`docsec.read.page.rectify`), whatever the page's turn, tilt or
blur. The fields printed on the captured side (``page.side``) are cut out below their
labels (``VIZ.label_mm``, the label line docsec documents print at the top of every field
box) with margins that tolerate a page quad a millimetre off, the personalisation ink is
kept and coloured print (guilloche, rainbow, SPECIMEN) lifted (:func:`ink_image`), and
the value line is cut out of its window (:func:`_value_line`; a run of inked rows that
blur joined to the next label is cut at its least inked row first).

Each field has a character class (:func:`field_class`): dates, codes (document code,
issuing state, nationality, sex: capitals only), numbers (capitals and digits) and free
text. The crops of one class are stacked into one sheet with white gaps and read by one
Tesseract call (``--psm 6``) whose whitelist is the class's characters, so a ``Z`` cannot
come back as ``7`` in a nationality or a stray ``|`` end a name; each word is assigned
back to the field whose slot contains it, in Tesseract's reading order. Text fields of
models whose visual zone is Cyrillic (``script == "cyrillic"``) are read with
``rus+eng``; codes are Latin capitals in every script. The page is sharpened first
(blurred photos merge strokes). A field that comes back unsure (low confidence, or not
in its format: :func:`fits_format`) is read again on its own, sharpened harder and
enlarged, as one line,
and a sex or a one-letter document code Tesseract cannot read is taken by its shape
among ``M``, ``F`` and ``X`` or ``P``, ``I``, ``A``, ``C`` and ``V``
(:func:`closed_vocabulary`). Latin fields are then checked against their print
(:func:`docsec.read.vizmatch.choose`) among Tesseract's readings and the candidates their
format, the MRZ and the model give (a date of issue the MRZ's expiry implies over the
model's validity; a short word with a space at a digit-letter join; a name's apostrophe
the MRZ drops), the MRZ's value holding against the others unless one leads it. A date or
number Tesseract doubts, that the MRZ contradicts or whose year no document prints has
every digit tried, not only look-alikes (:func:`_search_digits`); one read only in
fragments is read glyph by glyph from its print when its format fixes every other
character (:func:`_digit_template`, :func:`docsec.read.vizmatch.read_digits`). With tesserocr
(:mod:`docsec.ocr.tesseract`) a page costs a few in-process calls, not a process each.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import cv2
import numpy as np

from docsec.errors import OCRError
from docsec.lookalikes import (
    OCR_DIGIT_FOR,
    OCR_LETTER_FOR,
    PREFIX_LOOKALIKES,
    VIN_DIGIT_FOR_LETTER,
)
from docsec.models import MONTHS, DocumentModel, FieldSpec, format_date, mm_to_px
from docsec.ocr.tesseract import OcrWord, ocr_words
from docsec.read.page import PageFit, rectify
from docsec.read.vizmatch import choose, read_digits

__all__ = [
    "CHARSETS",
    "LABEL_MM",
    "VIZ",
    "VIZ_DPI",
    "VizField",
    "VizParams",
    "closed_vocabulary",
    "field_class",
    "fits_format",
    "format_value",
    "glyph_count",
    "ink_image",
    "read_viz",
]


@dataclass(frozen=True)
class VizParams:
    """Thresholds of the visual-zone reader, each with its reason (defaults: :data:`VIZ`)."""

    #: Resolution of the rectified page: 2.3-2.6 mm capitals become 27-31 px, the glyph
    #: size Tesseract reads best.
    dpi: int = 300
    #: Height of the label line at the top of a field box; the value is printed below it.
    label_mm: float = 1.9
    #: Margin left and right of a field box: the page quad may be this far off.
    margin_mm: float = 1.0
    #: Horizontal search for a value's first letter around its box's left edge (mm): the
    #: registration error of a page quad on hard photos, below the 3 mm between boxes.
    align_mm: float = 2.0
    #: A column of a value line is inked when more than this share of its rows is dark.
    column_ink_share: float = 0.05
    #: Vertical reach of a field window above and below the value's place (millimetres):
    #: page quads of hard photos put values up to 2 mm off (measured against the true
    #: quad), below the 6.5 mm between field boxes; the value run nearest its expected
    #: place is taken (:func:`_value_line`), so a neighbour's line is not.
    slack_mm: float = 2.8
    #: Top of a value's capitals below its label line (millimetres): the generator's and
    #: docsec documents' value line starts 0.3-0.5 mm below the 1.9 mm label line.
    value_top_mm: float = 0.4
    #: White rows and columns between the crops of a sheet (Tesseract keeps them apart).
    gap_px: int = 24
    #: Ink and paper levels of a crop: these percentiles of its gray values (a value
    #: covers a few per cent of its window, the paper most of it).
    ink_percentile: float = 1.0
    paper_percentile: float = 60.0
    #: A crop whose ink and paper differ by fewer levels than this holds nothing printed.
    blank_contrast: float = 16.0
    #: Share of the way from ink to paper past which a pixel is paper (guilloche, tints).
    white_at: float = 0.7
    #: A row of the window is inked when more than this share of it is darker than
    #: ``row_dark`` (a glyph row; guilloche has been lifted by then).
    row_ink_share: float = 0.004
    row_dark: int = 128
    #: Inked rows with gaps of at most this many rows are one run (accents, dots).
    row_gap: int = 2
    #: A component of ink is (part of) a glyph when its height is at least this share of
    #: the field's capital height (a broken stroke of a blurred capital; guilloche speckle
    #: and JPEG noise are smaller) and at most this one (frame lines, glare edges).
    glyph_min_cap: float = 0.45
    #: The end of a value is followed on columns with pixels darker than this (a cleaned
    #: window: 0 ink, 255 paper): light strokes of capitals under glare count too.
    end_dark: int = 200
    glyph_max_cap: float = 2.5
    #: A value ends at a gap between glyphs wider than this (mm): word spaces of 2.4 mm
    #: type are 0.6-0.8 mm, and values are set in one line with single spaces.
    end_gap_mm: float = 2.0
    #: Shortest run taken for the value (mm): labels print at 1.4 mm, values at 2.3+.
    min_value_mm: float = 1.0
    #: Runs at least this share of the tallest run's height are values (labels print at
    #: 1.4 mm, their inked runs 0.3-1.3 mm tall; values' 1.6-2.0 mm on hard photos).
    value_run_share: float = 0.75
    #: A run of inked rows taller than this many capital heights holds two lines (blur
    #: joins a value to the label under or over it): a value with accents, descenders and
    #: a hard photo's blur spans at most 1.6 (capitals 1.0, lower case 1.3, blur 0.3).
    max_run_cap: float = 1.7
    #: Such a run is cut at its least inked row at least this many capital heights
    #: inside it (a value's own rows are inked throughout).
    split_edge_cap: float = 0.5
    #: Margin kept above and below the value run (mm): descenders, blur.
    value_margin_mm: float = 0.4
    #: Words at either end of a value below this Tesseract confidence are dropped: stray
    #: line work beside a value reads as short low-confidence words.
    end_word_confidence: float = 0.3
    #: Tesseract's time limit per sheet (seconds).
    timeout: float = 10.0
    #: Unsharp mask of the rectified ink image (Gaussian sigma in pixels, amount): blur
    #: of hand-held photos (sigma 1-1.7 px, motion 2-5 px at the capture's scale) merges
    #: strokes that Tesseract then misreads; 2 px restores stroke gaps at 300 dpi.
    sharpen_sigma: float = 2.0
    sharpen_amount: float = 1.0
    #: The unsharp mask of a field read again: a field unsure at the first pass is mostly
    #: a hard photo's, whose blur (2-3.5 px at 300 dpi) a wider, stronger mask undoes
    #: better (on held-out generator hard photos, Tesseract alone read 63 % of fields
    #: exactly with it against 61 %; applied to every field it cost clean scans a field
    #: in 90).
    reread_sharpen_sigma: float = 3.0
    reread_sharpen_amount: float = 1.5
    #: A field read below this mean word confidence, or not in its format, is read again
    #: on its own (single line, enlarged): the sheet pass is right on ~95 % of fields
    #: above it on the generator's captures.
    unsure_confidence: float = 0.8
    #: Enlargement of a field crop for the second read: hand-held photos leave capitals
    #: of 18-22 px at 300 dpi, below the 30-40 px Tesseract's line recogniser likes.
    reread_scale: float = 2.0
    #: White border around a field crop read on its own (pixels, after enlargement).
    reread_pad_px: int = 24
    #: One-letter values by shape (:func:`closed_vocabulary`): a pixel is ink past this
    #: share of the way from paper to ink, a glyph has this many ink pixels or more, and
    #: glyphs are compared at this size (pixels a side).
    glyph_ink: float = 0.35
    glyph_min_pixels: int = 10
    glyph_px: int = 32
    #: Least correlation of the best letter and its lead over the next: on the
    #: generator's hard photos every letter taken at 0.6 / 0.15 was right (24 of 36; the
    #: others were left to Tesseract), a lead of 0.13 was once wrong.
    glyph_min_score: float = 0.6
    glyph_margin: float = 0.15
    #: A document number read glyph by glyph from the print (Tesseract returned only
    #: fragments) is a candidate when its setting matches the ink at least this well:
    #: the fit look-alike digits need too (``MatchParams.min_fit``); on a crop that does
    #: not show the number clearly the best of ten digits a place is noise.
    glyph_read_min_fit: float = 0.84


#: The visual-zone reader's defaults.
VIZ = VizParams()
VIZ_DPI = VIZ.dpi
#: Height of the label line at the top of a field box; the value is printed below it.
LABEL_MM = VIZ.label_mm

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
#: Characters Tesseract may return per field class (None: no whitelist). Dates hold
#: digits, month abbreviations and dots; codes capitals; numbers capitals and digits;
#: text (names, places, addresses, makes) letters of both cases, digits and the
#: punctuation of addresses and names.
CHARSETS: dict[str, str | None] = {
    "date": _DIGITS + _UPPER + ".",
    "code": _UPPER,
    "number": _UPPER + _DIGITS,
    "text": _UPPER + _UPPER.lower() + _DIGITS + ",.-'/",
}
#: Fields whose value is a code of capitals (ICAO 9303-3 §4: document code, 3-letter
#: state codes, sex).
_CODE_FIELDS = frozenset({"document_code", "issuing_state", "nationality", "sex"})


def field_class(field: FieldSpec) -> str:
    """The character class of a field: ``date``, ``code``, ``number`` or ``text``."""
    label = field.label.lower()
    if "date" in label or "valid" in label:
        return "date"
    if field.name in _CODE_FIELDS:
        return "code"
    if field.name == "document_number" or "number" in label or " no." in f" {label}":
        return "number"
    return "text"


@dataclass(frozen=True, slots=True)
class VizField:
    """A visual-zone value as read, with Tesseract's mean word confidence (0-1)."""

    value: str
    confidence: float
    script: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {"value": self.value, "confidence": round(self.confidence, 3), "script": self.script}


def _sharpen(gray: np.ndarray, params: VizParams = VIZ) -> np.ndarray:
    """Unsharp mask (``sharpen_sigma``, ``sharpen_amount``): blurred strokes apart again."""
    if params.sharpen_amount <= 0:
        return gray
    g = gray.astype(np.float32)
    blurred = cv2.GaussianBlur(g, (0, 0), params.sharpen_sigma)
    return np.asarray(np.clip(g + params.sharpen_amount * (g - blurred), 0, 255), np.uint8)


def ink_image(rgb: np.ndarray) -> np.ndarray:
    """Gray image of the personalisation ink: dark and neutral stays dark, colour goes light.

    Personalisation is printed in near-black carbon or dark dye ink; the guilloche, the
    rainbow print and the SPECIMEN mark are light, saturated colours. The brightest
    channel of a pixel (HSV value) is low only where all three channels are dark, so it
    keeps the ink and lifts coloured line work towards the paper.
    """
    if rgb.ndim == 2:
        return rgb
    # channel by channel: numpy reduces a short last axis some 30 times slower
    out = np.array(rgb[..., 0])
    for c in range(1, rgb.shape[2]):
        np.maximum(out, rgb[..., c], out=out)
    return np.asarray(out, np.uint8)


def _clean(crop: np.ndarray, params: VizParams = VIZ) -> np.ndarray:
    """Stretch a field crop so its ink is black and anything light (paper, lines) white.

    Ink and paper levels are read from the crop itself (lighting varies across a photo);
    values past ``white_at`` of the way from ink to paper become white. No hard
    threshold: thin strokes of blurred captures stay whole for Tesseract.
    """
    ink, paper = np.percentile(crop, (params.ink_percentile, params.paper_percentile))
    if paper - ink < params.blank_contrast:
        return np.full_like(crop, 255)  # nothing printed
    t = (crop.astype(np.float32) - float(ink)) / ((float(paper) - float(ink)) * params.white_at)
    return np.asarray(np.clip(t * 255.0, 0, 255), np.uint8)


#: Capital height of a sans-serif face as a share of its type size (DejaVu, Liberation).
_CAP_SHARE = 0.73
_SEXES = frozenset({"M", "F", "X"})
#: One-letter values read by shape (:func:`closed_vocabulary`) when Tesseract, made for
#: words, returns nothing in their format: the sex (ICAO 9303-3 §4: ``M``, ``F``, ``X``)
#: and a one-letter document code (its first letter: ``P``, ``I``, ``A``, ``C``, ``V``).
#: On the generator's captures (20 a tier) Tesseract lost a passport's lone ``P`` in 4
#: of 4 hard photos; by shape 6 of 11 were read, none wrong.
_SHAPE_READ = {"sex": "MFX", "document_code": "PIACV"}
#: Look-alikes of digits where a digit must stand, and of capitals where a capital must.
_AS_DIGIT = str.maketrans(dict(OCR_DIGIT_FOR))
_AS_LETTER = str.maketrans(dict(OCR_LETTER_FOR))
#: The letters a VIN never holds and the digits they are read for (ISO 3779, 49 CFR
#: 565.15(a)), and a VIN's length.
_VIN_DIGITS = str.maketrans(dict(VIN_DIGIT_FOR_LETTER))
_VIN_LENGTH = 17


def _as_digits(text: str) -> str | None:
    out = text.translate(_AS_DIGIT)
    return out if out.isdigit() else None


def _month(text: str) -> str | None:
    """The month abbreviation read as ``text``: exact, or the only one a letter away."""
    if text in MONTHS:
        return text
    if len(text) != 3:
        return None
    near = [m for m in MONTHS if sum(a != b for a, b in zip(m, text, strict=True)) == 1]
    return near[0] if len(near) == 1 else None


def _is_prefix(read: str, prefix: str) -> bool:
    """Whether ``read`` is the number prefix, each capital as read or as a digit look-alike."""
    return len(read) == len(prefix) and all(
        r == p or OCR_LETTER_FOR.get(r) == p or (r, p) in PREFIX_LOOKALIKES
        for r, p in zip(read, prefix, strict=True)
    )


def format_value(field: FieldSpec, model: DocumentModel, text: str) -> str:
    """A read value put in its field's printed format when it fits that format exactly.

    Dates (fields labelled as dates or validity) follow the model's ``date_style``
    (``DD MON YYYY`` or ``DD.MM.YYYY``) and the document number is the model's
    ``number_prefix`` followed by digits (9 characters, as in the MRZ, ICAO 9303-3
    §4.2.2): in such fixed places OCR look-alikes (``O``/``0``, ``I``/``1``, ``/``/``7``
    ...) are read as the kind of character the format puts there. Anything that does not
    fit the format comes back as read.
    """
    clean = text.strip(" .,;:'\"-_").upper()
    label = field.label.lower()
    if "date" in label or "valid" in label:
        if model.date_style == "dmy_dots":
            parts = [p for p in clean.replace(",", ".").replace(" ", ".").split(".") if p]
            if len(parts) == 3 and [len(p) for p in parts] == [2, 2, 4]:
                dmy = [d for d in (_as_digits(p) for p in parts) if d is not None]
                if len(dmy) == 3:
                    return ".".join(dmy)
        else:
            parts = clean.split()
            if len(parts) == 3 and [len(p) for p in parts] == [2, 3, 4]:
                day, year = _as_digits(parts[0]), _as_digits(parts[2])
                month = _month(parts[1].translate(_AS_LETTER))
                if day is not None and year is not None and month is not None:
                    return f"{day} {month} {year}"
    if "vehicle identification" in label:
        # ISO 3779: a VIN holds no I, O or Q; read in a VIN they are its 1 and 0
        vin = clean.replace(" ", "").translate(_VIN_DIGITS)
        if len(vin) == _VIN_LENGTH and vin.isalnum():
            return vin
    if field.name == "sex":
        sexes = [t for t in clean.split() if t in _SEXES]
        if len(sexes) == 1:
            return sexes[0]
    if field.name == "document_number" and model.number_prefix:
        compact = clean.replace(" ", "")
        n = len(model.number_prefix)
        if len(compact) == 9 and _is_prefix(compact[:n], model.number_prefix):
            number = _as_digits(compact[n:])
            if number is not None:
                return model.number_prefix + number
    return text


def _value_line(
    window: np.ndarray, expected_mm: float | None = None, params: VizParams = VIZ
) -> np.ndarray:
    """The run of inked rows of a field window that is its value, cut out with a margin.

    Runs at least ``value_run_share`` as tall as the tallest (labels print smaller) are
    values; the one whose centre is nearest ``expected_mm`` (from the window's top) is
    taken, else the tallest. The window reaches ``slack_mm`` above and below the value's
    place, so a page quad two millimetres off still holds whole glyphs.
    """
    rows = _value_rows(window, expected_mm, params)
    if rows is None:
        return window
    margin = round(params.value_margin_mm * params.dpi / 25.4)
    return window[max(rows[0] - margin, 0) : rows[1] + margin]


def _split_run(
    window: np.ndarray, run: tuple[int, int], cap_px: float, params: VizParams
) -> list[tuple[int, int]]:
    """A run of inked rows taller than ``max_run_cap`` capitals cut at its least inked
    row (blur joins a value's line to the label under it), each part cut again."""
    top, bottom = run
    if bottom - top <= params.max_run_cap * cap_px:
        return [run]
    ink = (window[top:bottom] < params.row_dark).mean(axis=1)
    edge = max(1, round(params.split_edge_cap * cap_px))
    if bottom - top <= 2 * edge:
        return [run]
    cut = top + edge + int(np.argmin(ink[edge : bottom - top - edge]))
    return [*_split_run(window, (top, cut), cap_px, params),
            *_split_run(window, (cut + 1, bottom), cap_px, params)]  # fmt: skip


def _value_rows(
    window: np.ndarray,
    expected_mm: float | None,
    params: VizParams,
    cap_px: float | None = None,
) -> tuple[int, int] | None:
    """First and past-last row of the value's run of inked rows (:func:`_value_line`);
    with ``cap_px`` (the value's capital height) over-tall runs are split first
    (:func:`_split_run`)."""
    px_mm = params.dpi / 25.4
    inked = (window < params.row_dark).mean(axis=1) > params.row_ink_share
    runs: list[tuple[int, int]] = []
    start = None
    gap = 0
    for i, on in enumerate(inked):
        if on:
            if start is None:
                start = i
            gap = 0
        elif start is not None:
            gap += 1
            if gap > params.row_gap:
                runs.append((start, i - gap + 1))
                start, gap = None, 0
    if start is not None:
        runs.append((start, len(inked) - gap))
    if cap_px is not None:
        runs = [part for r in runs for part in _split_run(window, r, cap_px, params)]
    tall = [r for r in runs if r[1] - r[0] >= params.min_value_mm * px_mm]
    if not tall:
        return None
    tallest = max(r[1] - r[0] for r in tall)
    values = [r for r in tall if r[1] - r[0] >= params.value_run_share * tallest]
    if expected_mm is None:
        return max(values, key=lambda r: r[1] - r[0])
    centre = expected_mm * px_mm
    return min(values, key=lambda r: abs((r[0] + r[1]) / 2 - centre))


def _glyph_components(
    window: np.ndarray, cap_px: float, params: VizParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels, stats and a glyph flag per component of a cleaned window's ink.

    A glyph is a component at least ``glyph_min_cap`` of a capital's height and at
    most ``glyph_max_cap`` of it (strokes of a capital, not speckle of a guilloche or
    the long lines of a frame); index 0 is the paper.
    """
    ink = (window < params.row_dark).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h = stats[:, cv2.CC_STAT_HEIGHT]
    glyph = (h >= params.glyph_min_cap * cap_px) & (h <= params.glyph_max_cap * cap_px)
    glyph[0] = False
    return labels, stats, glyph


def read_viz(
    image: np.ndarray,
    page: PageFit,
    *,
    timeout: float | None = None,
    warnings: list[str] | None = None,
    mrz: Mapping[str, object] | None = None,
    params: VizParams = VIZ,
) -> dict[str, VizField]:
    """Values of the fields on the captured side of ``page.model``.

    The fields are cut from the rectified, sharpened page (:func:`ink_image`,
    :func:`_clean`) and stacked into one sheet per language and character class
    (:func:`field_class`): Latin fields and every code field (ICAO codes are Latin
    capitals whatever the script around them) are read with ``eng``, other Cyrillic ones
    with ``rus+eng``. A field whose value is unsure (below ``unsure_confidence`` or not in
    its format, :func:`fits_format`) is read again on its own, enlarged, as a single line,
    and the reading in its format (else the surer one) is kept. Fields of a sheet whose
    Tesseract run fails (missing engine or language pack, timeout, crash) are left out
    and the failure is appended to ``warnings``, so an unread visual zone never looks like
    a blank one.
    """
    model = page.model
    if model is None or page.page_mm_to_capture is None:
        return {}
    fields = [f for f in model.fields if f.side == page.side]
    if not fields:
        return {}
    size = (mm_to_px(model.size_mm[0], params.dpi), mm_to_px(model.size_mm[1], params.dpi))
    ink = ink_image(rectify(image, page, dpi=params.dpi))
    rectified = _sharpen(ink, params)
    strong: np.ndarray | None = None  # sharpened harder, for fields read again
    limit = params.timeout if timeout is None else timeout
    crops = {f.name: _field_crop(rectified, f, size, params) for f in fields}
    out: dict[str, VizField] = {}
    failed: set[str] = set()
    sheets: dict[tuple[str, str], list[FieldSpec]] = {}
    for f in fields:
        sheets.setdefault(_reading_of(f), []).append(f)
    for (lang, cls), group in sorted(sheets.items()):
        script = "cyrillic" if lang.startswith("rus") else "latin"
        try:
            out.update(_read_sheet(crops, model, group, lang, _whitelist(lang, cls), limit,
                                   params))  # fmt: skip
        except OCRError as exc:
            if warnings is not None and script not in failed:
                warnings.append(f"visual zone ({script}) not read: {exc}")
            failed.add(script)
    reads: dict[str, list[str]] = {name: [v.value] for name, v in out.items()}
    for f in fields:
        first = out.get(f.name)
        crop = crops[f.name]
        if first is None or crop is None or _sure(f, model, first, params):
            continue
        lang, cls = _reading_of(f)
        try:
            if strong is None:
                strong = rectified.copy()
            _sharpen_window(ink, strong, f, size, params)
            harder = _field_crop(strong, f, size, params)
            again = _read_alone(crop if harder is None else harder, model, f, lang,
                                _whitelist(lang, cls), limit, params)  # fmt: skip
        except OCRError as exc:
            if warnings is not None:
                warnings.append(f"visual zone field {f.name} not read again: {exc}")
            continue
        reads[f.name].append(again.value)
        best = _better(f, model, first, again)
        letters = _SHAPE_READ.get(f.name)
        # a document code may have two letters: by shape only when the line shows one
        lone = f.name == "sex" or glyph_count(crop, params) == 1
        if letters and lone and not fits_format(f, model, best.value):
            glyph = closed_vocabulary(crop, letters, params)
            best = best if glyph is None else VizField(glyph[0], glyph[1], f.script)
        out[f.name] = best
    prior = mrz_values(mrz, model)
    for f in fields:
        crop = crops[f.name]
        read = out.get(f.name)
        if crop is None or read is None or f.script != "latin":
            continue
        implied = _issue_from_expiry(mrz, model) if f.name == "date_of_issue" else None
        cands = reads.get(f.name, []) + ([] if implied is None else [implied])
        out[f.name] = _by_print(crop, f, model, read, cands, prior.get(f.name),
                                params)  # fmt: skip
        said = prior.get(f.name)
        if warnings is not None and said is not None and _norm(out[f.name].value) != _norm(said):
            warnings.append(f"visual zone {f.name} reads {out[f.name].value!r}, the MRZ {said!r}")
    return {f.name: out[f.name] for f in fields if f.name in out}


def _norm(text: str) -> str:
    return " ".join(text.upper().split())


#: Visual-zone fields ICAO 9303-3 §4 says repeat the MRZ's data, by the parsed MRZ's
#: field names (names as printed: the MRZ's filler read as spaces).
_MRZ_FIELDS = {
    "document_code": "document_code",
    "issuing_state": "issuing_state",
    "document_number": "document_number",
    "surname": "primary_identifier",
    "given_names": "secondary_identifier",
    "nationality": "nationality",
    "sex": "sex",
    "date_of_birth": "date_of_birth",
    "date_of_expiry": "date_of_expiry",
}


def mrz_values(parsed: Mapping[str, object] | None, model: DocumentModel) -> dict[str, str]:
    """The visual-zone values a parsed MRZ implies (ISO dates in the model's date style).

    ``parsed`` is the reading's ``parsed`` mapping (``{"fields": {name: {"value": ...}}}``).
    Only fields ICAO 9303-3 says the visual zone repeats; a date is written as the model
    prints dates (``DD MON YYYY`` or ``DD.MM.YYYY``).
    """
    fields = (parsed or {}).get("fields")
    if not isinstance(fields, Mapping):
        return {}
    out: dict[str, str] = {}
    for viz_name, mrz_name in _MRZ_FIELDS.items():
        entry = fields.get(mrz_name)
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if not isinstance(value, str) or not value.strip():
            continue
        if viz_name.startswith("date_"):
            m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
            if m is None:
                continue
            try:
                value = format_date(dt.date.fromisoformat(m.group(0)), model.date_style)
            except ValueError:  # no such day: the MRZ implies no printable date
                continue
        out[viz_name] = " ".join(value.replace("<", " ").split())
    return out


def _issue_from_expiry(parsed: Mapping[str, object] | None, model: DocumentModel) -> str | None:
    """The date of issue the MRZ's date of expiry implies when the document ran its
    model's full validity (``validity_years`` before the expiry, plus a day: issued
    04 NOV 2021, expiring 03 NOV 2031), in the model's date style: only a candidate,
    which the print match takes when the print shows it (:func:`_by_print`)."""
    fields = (parsed or {}).get("fields")
    entry = fields.get("date_of_expiry") if isinstance(fields, Mapping) else None
    value = entry.get("value") if isinstance(entry, Mapping) else None
    if not isinstance(value, str) or model.validity_years <= 0:
        return None
    try:
        expiry = dt.date.fromisoformat(value)
        issue = expiry.replace(year=expiry.year - model.validity_years) + dt.timedelta(days=1)
    except ValueError:  # not an ISO date, or 29 February in a common year
        return None
    return format_date(issue, model.date_style)


def _loose_date(text: str, model: DocumentModel) -> str | None:
    """A ``DD MON YYYY`` date from a reading with a misread month (``11 AYS 2026``):
    the day and year as read (digit look-alikes as digits), the month a placeholder the
    print match replaces (:func:`_by_print` tries all twelve)."""
    if model.date_style == "dmy_dots":
        return None
    parts = text.strip(" .,").upper().split()
    if len(parts) != 3 or len(parts[0]) != 2 or len(parts[2]) != 4:
        return None
    day, year = _as_digits(parts[0]), _as_digits(parts[2])
    if day is None or year is None:
        return None
    return f"{day} {_month(parts[1].translate(_AS_LETTER)) or MONTHS[0]} {year}"


def _spacing_variants(value: str) -> list[str]:
    """A value with a space put at each join of digits and letters inside a short word
    (a registration number ``UT 8414 A`` read ``UT 8414A``; a VIN or an engine number,
    one long word, gets none): the print match decides (:func:`_by_print`)."""
    out = []
    start = 0
    for word in value.split(" "):
        if len(word) <= _SPLIT_WORD_MAX:
            for i in range(1, len(word)):
                if word[i - 1].isdigit() != word[i].isdigit():
                    out.append(value[: start + i] + " " + value[start + i :])
        start += len(word) + 1
    return out


#: Characters of a document number, its prefix included (ICAO 9303-3 §4.2.2: nine).
_NUMBER_LENGTH = 9


def _digit_template(field: FieldSpec, model: DocumentModel, reads: list[str]) -> str | None:
    """A fixed-format value with ``0`` wherever a digit stands, or None: the document
    number (the model's prefix, digits to nine characters), a ``DD.MM.YYYY`` date, and a
    ``DD MON YYYY`` date one of whose readings shows its month (``O MAY 1978``, ``11 DEC``):
    the formats whose every other character is known
    (:func:`docsec.read.vizmatch.read_digits`)."""
    if field.name == "document_number" and model.number_prefix:
        return model.number_prefix + "0" * (_NUMBER_LENGTH - len(model.number_prefix))
    if field_class(field) != "date":
        return None
    if model.date_style == "dmy_dots":
        return "00.00.0000"
    months = {m for v in reads for w in v.upper().split() if (m := _month(w.translate(_AS_LETTER)))}
    return f"00 {months.pop()} 0000" if len(months) == 1 else None
#: Longest word :func:`_spacing_variants` splits: the parts of a registration number
#: are 1-4 characters, so two read as one are at most 6 (ISO 3779 VINs are 17).
_SPLIT_WORD_MAX = 6


def _by_print(
    crop: np.ndarray,
    field: FieldSpec,
    model: DocumentModel,
    read: VizField,
    reads: list[str],
    prior: str | None,
    params: VizParams,
) -> VizField:
    """The value the field's print shows among Tesseract's readings and the candidates its
    format and the MRZ give (:func:`docsec.read.vizmatch.choose`), set in the model's
    typeface. A value the print chose over the reading takes its match score as its
    confidence."""
    if prior is not None and _norm(read.value) == _norm(prior):
        return read  # the print read as the MRZ has it: nothing to choose between
    cands = [v for v in reads if v != read.value]
    if prior is not None:
        cands.append(prior)
        if field.name in ("surname", "given_names"):  # the MRZ writes a hyphen as a filler
            words = prior.split()
            cands += [" ".join(words[:i]) + "-" + " ".join(words[i:]) for i in range(1, len(words))]
            cands += _apostrophe_variants(prior)
    if field.name == "sex":
        cands += sorted(_SEXES)
    elif field.name == "document_code":
        cands += list(_SHAPE_READ["document_code"])
    elif field.name in ("issuing_state", "nationality"):
        cands.append(model.issuer)
    elif field.name == "document_number" and model.number_prefix:
        # the prefix's capitals read as digit look-alikes (``0`` for ``D``, ``8`` for ``B``)
        n = len(model.number_prefix)
        for v in reads:
            compact = v.replace(" ", "")
            digits = _as_digits(compact[n:]) if len(compact) == 9 else None
            if digits is not None:
                cands.append(model.number_prefix + digits)
            # the prefix lost: Tesseract drops the first capital of a blurred line (a hard
            # photo's D81904554 read 81904554); the print decides
            digits = _as_digits(compact) if len(compact) == 9 - n else None
            if digits is not None:
                cands.append(model.number_prefix + digits)
    cls = field_class(field)
    if cls in ("text", "number"):
        cands += _spacing_variants(read.value)
    template = _digit_template(field, model, [read.value, *reads])
    if template is not None and not any(fits_format(field, model, v) for v in [read.value, *cands]):
        # fragments only (``D172``): the value read glyph by glyph from the print, taken
        # as a candidate when its setting fits the ink well
        slots = [i for i, ch in enumerate(template) if ch == "0"]
        digits, fit = read_digits(crop, template, slots, field.font, field.size_mm,
                                  field.box_mm[2], params.dpi)  # fmt: skip
        if fit >= params.glyph_read_min_fit:
            cands.insert(0, digits)
    places = None
    if cls == "date" or field.name == "document_number":
        base = read.value if fits_format(field, model, read.value) else next(
            (v for v in [*cands, *(_loose_date(v, model) for v in reads)]
             if v is not None and fits_format(field, model, v)), None)  # fmt: skip
        if base is not None:
            places = [i for i, ch in enumerate(base) if ch.isdigit()]
            if base != read.value:
                cands.insert(0, base)
            if cls == "date" and model.date_style != "dmy_dots":
                day, _, year = base.split()
                cands += [f"{day} {m} {year}" for m in MONTHS]
    letters = cls == "text" and prior is None
    # every digit is tried in a reading Tesseract doubts, that is not in its format, that
    # the MRZ contradicts or whose year no document prints (:func:`_search_digits`)
    every = places is not None and _search_digits(field, model, read, prior, params)
    value, score, own = choose(crop, read.value, cands, field.font, field.size_mm,
                               field.box_mm[2], params.dpi, digit_places=places,
                               every_digit=every, letters=letters,
                               incumbent=prior)  # fmt: skip
    if value == read.value:
        return read
    return VizField(value, max(0.0, min(1.0, score)), read.script)


#: Years a document's dates lie in (births from 1900, validity to 2099): a date read
#: outside them (``20 NOV 3967``) has a misread digit, so every digit is tried.
_YEARS = (1900, 2099)


def _search_digits(
    field: FieldSpec, model: DocumentModel, read: VizField, prior: str | None, params: VizParams
) -> bool:
    """Whether the print match tries every digit, not only look-alikes, in a date's or a
    number's digits: when the reading is unsure or out of its format (:func:`_sure`),
    differs from the MRZ's value, or has a year outside :data:`_YEARS`. On held-out
    generator hard photos (seeds 21 and 31) that gained 9 of 200 date and number fields
    and lost none; a reading that is sure, in format and agrees costs nothing more (clean
    scans), an unsure one 10-35 ms of CPU more."""
    if not _sure(field, model, read, params):
        return True
    if prior is not None and _norm(prior) != _norm(read.value):
        return True
    year = re.search(r"[0-9]{4}$", read.value.strip())
    return year is not None and not _YEARS[0] <= int(year.group(0)) <= _YEARS[1]


def _apostrophe_variants(name: str) -> list[str]:
    """A name with an apostrophe after a word's first letter (``O'CONNELL``, ``D'ARCY``):
    the MRZ drops apostrophes (ICAO 9303-3 §6), the print keeps them; only a
    candidate, which the print match takes when the print shows it."""
    words = name.split()
    return [" ".join([*words[:i], w[0] + "'" + w[1:], *words[i + 1 :]])
            for i, w in enumerate(words) if len(w) >= _APOSTROPHE_MIN]  # fmt: skip


#: Shortest word given an apostrophe candidate (``O'NEIL``: one letter and a name).
_APOSTROPHE_MIN = 4


#: Sans-serif faces (Debian's fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf) a
#: one-letter value is compared with: regular and bold of three designs, so no one
#: printer's font is assumed.
_GLYPH_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
)


def _glyph_vector(ink: np.ndarray, params: VizParams) -> np.ndarray | None:
    """A glyph's ink (1 = ink) cut to its box, centred in a square, unit-normalised."""
    ys, xs = np.nonzero(ink > params.glyph_ink)
    if ys.size < params.glyph_min_pixels:
        return None
    g = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = g.shape
    side = max(h, w)
    square = np.zeros((side, side), np.float32)
    square[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = g
    n = params.glyph_px
    v = cv2.resize(square, (n, n), interpolation=cv2.INTER_AREA).ravel()
    v = v - v.mean()
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else None


@functools.lru_cache(maxsize=8)
def _glyph_templates(letters: str, params: VizParams) -> tuple[tuple[str, np.ndarray], ...]:
    """Each letter in each of :data:`_GLYPH_FONTS` found, blurred like a photo (read-only)."""
    from PIL import Image, ImageDraw, ImageFont

    out = []
    for path in _GLYPH_FONTS:
        try:
            font = ImageFont.truetype(path, 48)
        except OSError:
            continue
        for ch in letters:
            im = Image.new("L", (80, 80), 0)
            ImageDraw.Draw(im).text((10, 5), ch, fill=255, font=font)
            ink = cv2.GaussianBlur(np.asarray(im, np.float32) / 255.0, (0, 0), 1.5)
            v = _glyph_vector(ink, params)
            if v is not None:
                v.setflags(write=False)
                out.append((ch, v))
    return tuple(out)


def _glyph_boxes(crop: np.ndarray, params: VizParams) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x, y, w, h)`` of the capitals of a value line, left to right: blobs of
    ink at least half as tall as the tallest (specks and stray lines dropped), blobs over
    one another (a broken stroke) joined."""
    ink = (crop.astype(np.float32) < 127.5).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink)
    boxes = [tuple(int(v) for v in stats[k, :4]) for k in range(1, n)
             if stats[k, cv2.CC_STAT_AREA] >= params.glyph_min_pixels]  # fmt: skip
    if not boxes:
        return []
    tallest = max(b[3] for b in boxes)
    out: list[tuple[int, int, int, int]] = []
    for x, y, w, h in sorted(b for b in boxes if b[3] >= 0.5 * tallest):
        if out and x < out[-1][0] + out[-1][2] - 0.5 * min(w, out[-1][2]):
            px, py, pw, ph = out[-1]
            x0, y0 = min(px, x), min(py, y)
            out[-1] = (x0, y0, max(px + pw, x + w) - x0, max(py + ph, y + h) - y0)
        else:
            out.append((x, y, w, h))
    return out


def glyph_count(crop: np.ndarray, params: VizParams = VIZ) -> int:
    """How many capitals a value line shows (blobs of ink of a capital's height)."""
    return len(_glyph_boxes(crop, params))


def closed_vocabulary(
    crop: np.ndarray, letters: str, params: VizParams = VIZ
) -> tuple[str, float] | None:
    """A one-letter value among ``letters`` by its shape, with the correlation, or None.

    For fields whose value is one capital of a known few (sex: ``M``, ``F``, ``X``) that
    Tesseract, made for words, often returns nothing for. The largest blob of ink is
    compared with each letter of several sans-serif faces (:data:`_GLYPH_FONTS`); the
    best letter is taken only when it correlates at ``glyph_min_score`` or more and
    leads every other letter by ``glyph_margin``.
    """
    ink = 1.0 - crop.astype(np.float32) / 255.0
    n, _, stats, _ = cv2.connectedComponentsWithStats((ink > 0.5).astype(np.uint8))
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (int(v) for v in stats[k, :4])
    pad = 2
    v = _glyph_vector(ink[max(y - pad, 0) : y + h + pad, max(x - pad, 0) : x + w + pad], params)
    templates = _glyph_templates(letters, params)
    if v is None or not templates:
        return None
    best: dict[str, float] = {}
    for ch, t in templates:
        best[ch] = max(best.get(ch, -1.0), float(v @ t))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    top, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
    if score < params.glyph_min_score or score - runner_up < params.glyph_margin:
        return None
    return top, score


def _reading_of(field: FieldSpec) -> tuple[str, str]:
    """Tesseract language and character class a field is read with."""
    cls = field_class(field)
    lang = "rus+eng" if field.script == "cyrillic" and cls != "code" else "eng"
    return lang, cls


def _whitelist(lang: str, cls: str) -> str | None:
    """A class's characters written for Tesseract's config (None for Cyrillic text)."""
    chars = CHARSETS[cls] if lang == "eng" else None
    # the space is whitelisted too (without it Tesseract's LSTM joins the words of a line);
    # the config line is split like a shell's: escape it and quotes
    return None if chars is None else (chars + " ").replace("'", "\\'").replace(" ", "\\ ")


_DATE_FORMATS = {
    "dmy_dots": re.compile(r"(0[1-9]|[12][0-9]|3[01])\.(0[1-9]|1[0-2])\.[0-9]{4}"),
    "dd_mon_yyyy": re.compile(r"(0[1-9]|[12][0-9]|3[01]) (" + "|".join(MONTHS) + r") [0-9]{4}"),
}


def fits_format(field: FieldSpec, model: DocumentModel, value: str) -> bool:
    """Whether a value (as :func:`format_value` gives it) has its field's printed format.

    Dates in the model's ``date_style``; sex ``M``, ``F`` or ``X``; a document code of one
    or two capitals, the first ``P``, ``I``, ``A``, ``C`` or ``V``, and a state code of three
    (ICAO 9303-3 §4); the document number the
    model's prefix and digits, 9 characters; any other field: not empty.
    """
    cls = field_class(field)
    if cls == "date":
        pattern = _DATE_FORMATS.get(model.date_style, _DATE_FORMATS["dd_mon_yyyy"])
        return pattern.fullmatch(value) is not None
    if field.name == "sex":
        return value in _SEXES
    if field.name == "document_code":  # ICAO 9303-3 §4.2.2: P, I, A, C or V, then one more
        return re.fullmatch(r"[PIACV][A-Z]?", value) is not None
    if cls == "code":
        return re.fullmatch(r"[A-Z]{3}", value) is not None
    if field.name == "document_number" and model.number_prefix:
        rest = value[len(model.number_prefix) :]
        return len(value) == 9 and value.startswith(model.number_prefix) and rest.isdigit()
    return bool(value.strip())


def _sure(field: FieldSpec, model: DocumentModel, read: VizField, params: VizParams) -> bool:
    return read.confidence >= params.unsure_confidence and fits_format(field, model, read.value)


def _better(field: FieldSpec, model: DocumentModel, a: VizField, b: VizField) -> VizField:
    """The reading in its field's format, else the surer one (``a`` on a tie)."""
    fa, fb = fits_format(field, model, a.value), fits_format(field, model, b.value)
    if fa != fb:
        return a if fa else b
    return a if a.confidence >= b.confidence else b


def _read_alone(
    crop: np.ndarray,
    model: DocumentModel,
    field: FieldSpec,
    lang: str,
    whitelist: str | None,
    timeout: float,
    params: VizParams,
) -> VizField:
    """One field read on its own: enlarged, on a white border, as a single line."""
    big = cv2.resize(crop, None, fx=params.reread_scale, fy=params.reread_scale,
                     interpolation=cv2.INTER_CUBIC)  # fmt: skip
    pad = params.reread_pad_px
    sheet = cv2.copyMakeBorder(big, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return _field_value(field, model, ocr_words(sheet, lang=lang, psm=7, whitelist=whitelist,
                                                timeout=timeout), params)  # fmt: skip


def _field_value(
    field: FieldSpec, model: DocumentModel, words: list[OcrWord], params: VizParams
) -> VizField:
    """A field's value from its words, unsure end words dropped (:func:`_trim`).

    The confidence is the mean over every word, the dropped ones too: a value that lost
    a word is not as sure as its remaining words, so it is read again.
    """
    kept = _trim(words, params)
    value = format_value(field, model, " ".join(w.text for w in kept))
    if len(kept) < len(words) and not fits_format(field, model, value):
        # Tesseract splits a blurred number into words and doubts its first ones
        # (``VR`` 0.15, ``31`` 0.15, ``38845`` 0.72 for VR3138845): kept whole when only
        # the whole is in the field's format
        whole = format_value(field, model, " ".join(w.text for w in words))
        if fits_format(field, model, whole):
            value = whole
    if field_class(field) == "text":  # a value ends in a letter or digit: a stray ',' or
        value = value.strip(" .,")  # '.' is a speck of the page beside it
    conf = float(np.mean([w.confidence for w in words])) if words else 0.0
    return VizField(value, conf, field.script)


def _field_window(
    field: FieldSpec, size: tuple[int, int], params: VizParams
) -> tuple[int, int, int, int]:
    """The pixels ``(x0, y0, x1, y1)`` of the rectified page a field's value is looked
    for in (:func:`_field_crop`): its box, ``align_mm`` and a margin left and right,
    ``slack_mm`` above the value's place and below the box."""
    x, y, w, h = field.box_mm
    x0 = max(mm_to_px(x - params.align_mm - params.margin_mm, params.dpi), 0)
    y0 = max(mm_to_px(y + params.label_mm - params.slack_mm, params.dpi), 0)
    x1 = min(mm_to_px(x + w + params.align_mm + params.margin_mm, params.dpi), size[0])
    y1 = min(mm_to_px(y + h + params.slack_mm, params.dpi), size[1])
    return x0, y0, x1, y1


def _sharpen_window(
    ink: np.ndarray, out: np.ndarray, field: FieldSpec, size: tuple[int, int], params: VizParams
) -> None:
    """``out`` sharpened harder (``reread_sharpen_*``) from ``ink`` over a field's window
    only: the same pixels there as the whole page sharpened so, at a field's share of
    the cost (a page's second unsharp mask took 60-100 ms on a loaded machine)."""
    x0, y0, x1, y1 = _field_window(field, size, params)
    if x1 <= x0 or y1 <= y0:
        return
    # past the Gaussian's reach (OpenCV's float kernel: 4 sigmas each side) the border
    # handling of the padded region no longer shows inside the window
    pad = int(math.ceil(4 * params.reread_sharpen_sigma)) + 2
    px0, py0 = max(x0 - pad, 0), max(y0 - pad, 0)
    px1, py1 = min(x1 + pad, ink.shape[1]), min(y1 + pad, ink.shape[0])
    harder = replace(params, sharpen_sigma=params.reread_sharpen_sigma,
                     sharpen_amount=params.reread_sharpen_amount)  # fmt: skip
    region = _sharpen(ink[py0:py1, px0:px1], harder)
    out[y0:y1, x0:x1] = region[y0 - py0 : y1 - py0, x0 - px0 : x1 - px0]


def _field_crop(
    rectified: np.ndarray, field: FieldSpec, size: tuple[int, int], params: VizParams
) -> np.ndarray | None:
    """The value line of a field, cleaned, its left end found from the ink.

    The window reaches ``align_mm`` (and a margin) left of the box; the value starts at
    the box's left edge, so the first inked column within ``align_mm`` of that place
    gives the page's local registration error, and the crop starts ``margin_mm`` before
    the ink (a page quad up to ``align_mm`` off loses no first letter and takes in no
    neighbour).
    """
    px_mm = params.dpi / 25.4
    x, y, w, h = field.box_mm
    x0, y0, x1, y1 = _field_window(field, size, params)
    if x1 <= x0 or y1 <= y0:
        return None
    # the value's capitals' centre below the window's top
    expected = (
        y + params.label_mm + params.value_top_mm + 0.5 * _CAP_SHARE * field.size_mm
    ) - y0 / px_mm
    window = _clean(rectified[y0:y1, x0:x1], params)
    cap_px = _CAP_SHARE * field.size_mm * px_mm
    labels, stats, glyph = _glyph_components(window, cap_px, params)
    # rows from glyph-sized ink only: speckle of a guilloche or a glare's edge does not
    # join the label's run to the value's
    rows = _value_rows(np.where(glyph[labels], 0, 255).astype(np.uint8), expected, params,
                       cap_px)  # fmt: skip
    if rows is None:
        rows = _value_rows(window, expected, params, cap_px)
    if rows is None:
        line = window
        top = 0
    else:
        margin_y = round(params.value_margin_mm * px_mm)
        top = max(rows[0] - margin_y, 0)
        line = window[top : rows[1] + margin_y].copy()
        # ink of components that do not reach the value's rows (a label's descenders,
        # the next label's ascenders, speckle in the margins), and of glyph-sized ones
        # centred off them (a label line blur joined to the value's run and cut off it;
        # a comma's tail, no glyph, hangs below the capitals and stays) is paper
        t, b = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT]
        centre = (t + b) / 2
        outside = (b <= rows[0]) | (t >= rows[1])
        outside |= glyph & ((centre < rows[0]) | (centre >= rows[1]))
        outside[0] = False
        cut = labels[top : top + line.shape[0]]
        line[outside[cut]] = 255
    left_edge = mm_to_px(x, params.dpi) - x0  # the box's left edge in the window
    reach = round(params.align_mm * px_mm)
    inked = np.flatnonzero((line < params.row_dark).mean(axis=0) > params.column_ink_share)
    near = inked[(inked >= left_edge - reach) & (inked <= left_edge + reach)]
    start = int(near[0]) if near.size else left_edge
    margin = round(params.margin_mm * px_mm)
    left = max(start - margin, 0)
    right = min(start + round(w * px_mm) + margin, line.shape[1])
    if rows is not None:
        right = min(right, _value_end(line, start, params) + margin)
    return line[:, left:right] if right > left else None


def _value_end(line: np.ndarray, start: int, params: VizParams) -> int:
    """Right end of a value: its inked columns followed from ``start`` until a gap wider
    than ``end_gap_mm`` (a word space is a third of that; what lies past it is print of
    the page, not the value)."""
    px_mm = params.dpi / 25.4
    inked = np.flatnonzero((line < params.end_dark).mean(axis=0) > params.column_ink_share)
    end = start
    gap = params.end_gap_mm * px_mm
    for c in inked[inked >= start]:
        if c > end + gap:
            break
        end = int(c) + 1
    return end


def _trim(words: list[OcrWord], params: VizParams) -> list[OcrWord]:
    """Drop unsure words at either end of a value (stray line work beside it)."""
    while len(words) > 1 and words[-1].confidence < params.end_word_confidence:
        words = words[:-1]
    while len(words) > 1 and words[0].confidence < params.end_word_confidence:
        words = words[1:]
    return words


def _read_sheet(
    crops: dict[str, np.ndarray | None],
    model: DocumentModel,
    fields: list[FieldSpec],
    lang: str,
    whitelist: str | None,
    timeout: float,
    params: VizParams,
) -> dict[str, VizField]:
    placed, slots = [], []
    gap = params.gap_px
    top = gap
    width = 0
    for f in fields:
        crop = crops.get(f.name)
        if crop is None:
            continue
        placed.append((top, crop))
        slots.append((top, top + crop.shape[0], f))
        top += crop.shape[0] + gap
        width = max(width, crop.shape[1])
    if not slots:
        return {}
    sheet = np.full((top, width + 2 * gap), 255, np.uint8)
    for y, crop in placed:
        sheet[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
    words = ocr_words(sheet, lang=lang, psm=6, whitelist=whitelist, timeout=timeout)
    out: dict[str, VizField] = {}
    for y0, y1, f in slots:
        mine = [w for w in words if y0 <= w.box[1] + w.box[3] / 2 < y1]
        mine.sort(key=lambda w: (w.line, w.box[0]))
        out[f.name] = _field_value(f, model, mine, params)
    return out
