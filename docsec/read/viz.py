"""Visual-zone OCR: Tesseract on the model's field boxes of the rectified page.

The page is rectified from the capture to the model's frame at :data:`VIZ_DPI` with
the page homography (:func:`docsec.read.page.rectify`). The fields printed on the
captured side (``page.side``) are cut out below their labels
(:data:`LABEL_MM`, the label line docsec documents print at the top of every field
box), binarised with Otsu's threshold to drop the guilloche, and stacked into one image
with white gaps, so a single Tesseract call (``--psm 6``) reads every field; each word
is assigned back to the field whose slot contains it. Models whose visual zone is
Cyrillic (``script == "cyrillic"``) are read with ``rus+eng``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from docsec.errors import OCRError
from docsec.lookalikes import OCR_DIGIT_FOR, OCR_LETTER_FOR
from docsec.models import DocumentModel, FieldSpec, mm_to_px
from docsec.ocr.tesseract import ocr_words
from docsec.read.page import PageFit, rectify

__all__ = ["LABEL_MM", "VIZ_DPI", "VizField", "format_value", "ink_image", "read_viz"]

VIZ_DPI = 300
#: Height of the label line at the top of a field box; the value is printed below it.
LABEL_MM = 1.9
_MARGIN_MM = 1.0
#: Vertical slack of a field window: the page quad may be this far off (millimetres).
_SLACK_MM = 1.0
_GAP_PX = 24
#: Share of the way from ink to paper past which a pixel is paper (guilloche, tints).
_WHITE_AT = 0.7


@dataclass(frozen=True, slots=True)
class VizField:
    """A visual-zone value as read, with Tesseract's mean word confidence (0-1)."""

    value: str
    confidence: float
    script: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {"value": self.value, "confidence": round(self.confidence, 3), "script": self.script}


def ink_image(rgb: np.ndarray) -> np.ndarray:
    """Gray image of the personalisation ink: dark and neutral stays dark, colour goes light.

    Personalisation is printed in near-black carbon or dark dye ink; the guilloche, the
    rainbow print and the SPECIMEN mark are light, saturated colours. The brightest
    channel of a pixel (HSV value) is low only where all three channels are dark, so it
    keeps the ink and lifts coloured line work towards the paper.
    """
    if rgb.ndim == 2:
        return rgb
    return np.asarray(rgb.max(axis=2), np.uint8)


def _clean(crop: np.ndarray) -> np.ndarray:
    """Stretch a field crop so its ink is black and anything light (paper, lines) white.

    Ink and paper levels are read from the crop itself (lighting varies across a photo);
    values past :data:`_WHITE_AT` of the way from ink to paper become white. No hard
    threshold: thin strokes of blurred captures stay whole for Tesseract.
    """
    ink, paper = np.percentile(crop, (1.0, 60.0))
    if paper - ink < 16:
        return np.full_like(crop, 255)  # nothing printed
    t = (crop.astype(np.float32) - float(ink)) / ((float(paper) - float(ink)) * _WHITE_AT)
    return np.asarray(np.clip(t * 255.0, 0, 255), np.uint8)


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
#: Look-alikes of digits where a digit must stand, and of capitals where a capital must.
_AS_DIGIT = str.maketrans(dict(OCR_DIGIT_FOR))
_AS_LETTER = str.maketrans(dict(OCR_LETTER_FOR))


def _as_digits(text: str) -> str | None:
    out = text.translate(_AS_DIGIT)
    return out if out.isdigit() else None


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
                month = parts[1].translate(_AS_LETTER)
                if day is not None and year is not None and month in _MONTHS:
                    return f"{day} {month} {year}"
    if field.name == "document_number" and model.number_prefix:
        compact = clean.replace(" ", "")
        n = len(model.number_prefix)
        if len(compact) == 9 and compact[:n].translate(_AS_LETTER) == model.number_prefix:
            number = _as_digits(compact[n:])
            if number is not None:
                return model.number_prefix + number
    return text


def _value_line(window: np.ndarray) -> np.ndarray:
    """The tallest run of inked rows of a field window (the value; labels print smaller).

    The window reaches :data:`_SLACK_MM` above and below the value's place, so a page
    quad a millimetre off still holds whole glyphs; the run is cut out with a margin.
    """
    px_mm = VIZ_DPI / 25.4
    inked = (window < 128).mean(axis=1) > 0.004
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
            if gap > 2:
                runs.append((start, i - gap + 1))
                start, gap = None, 0
    if start is not None:
        runs.append((start, len(inked) - gap))
    tall = [r for r in runs if r[1] - r[0] >= 1.0 * px_mm]
    if not tall:
        return window
    top, bottom = max(tall, key=lambda r: r[1] - r[0])
    margin = round(0.4 * px_mm)
    return window[max(top - margin, 0) : bottom + margin]


def read_viz(
    image: np.ndarray,
    page: PageFit,
    *,
    timeout: float = 10.0,
    warnings: list[str] | None = None,
) -> dict[str, VizField]:
    """Values of the fields on the captured side of ``page.model``.

    The fields are cut from the rectified page (:func:`ink_image`, :func:`_clean`) and
    stacked into one sheet per script: Latin fields are read with ``eng``, Cyrillic ones
    with ``rus+eng``. Fields of a script whose Tesseract run fails (missing binary or
    language pack, timeout, crash) are left out and the failure is appended to
    ``warnings``, so an unread visual zone never looks like a blank one.
    """
    model = page.model
    if model is None or page.page_mm_to_capture is None:
        return {}
    fields = [f for f in model.fields if f.side == page.side]
    if not fields:
        return {}
    size = (mm_to_px(model.size_mm[0], VIZ_DPI), mm_to_px(model.size_mm[1], VIZ_DPI))
    rectified = ink_image(rectify(image, page, dpi=VIZ_DPI))
    out: dict[str, VizField] = {}
    for script, lang in (("latin", "eng"), ("cyrillic", "rus+eng")):
        mine = [f for f in fields if (f.script == "cyrillic") == (script == "cyrillic")]
        if mine:
            try:
                out.update(_read_sheet(rectified, model, mine, size, lang, timeout))
            except OCRError as exc:
                if warnings is not None:
                    warnings.append(f"visual zone ({script}) not read: {exc}")
    return {f.name: out[f.name] for f in fields if f.name in out}


def _read_sheet(
    rectified: np.ndarray,
    model: DocumentModel,
    fields: list[FieldSpec],
    size: tuple[int, int],
    lang: str,
    timeout: float,
) -> dict[str, VizField]:
    crops, slots = [], []
    top = _GAP_PX
    width = 0
    for f in fields:
        x, y, w, h = f.box_mm
        x0 = max(mm_to_px(x - _MARGIN_MM, VIZ_DPI), 0)
        y0 = max(mm_to_px(y + LABEL_MM - _SLACK_MM, VIZ_DPI), 0)
        x1 = min(mm_to_px(x + w + _MARGIN_MM, VIZ_DPI), size[0])
        y1 = min(mm_to_px(y + h + _SLACK_MM, VIZ_DPI), size[1])
        if x1 <= x0 or y1 <= y0:
            continue
        crop = _value_line(_clean(rectified[y0:y1, x0:x1]))
        crops.append((top, crop))
        slots.append((top, top + crop.shape[0], f))
        top += crop.shape[0] + _GAP_PX
        width = max(width, crop.shape[1])
    sheet = np.full((top, width + 2 * _GAP_PX), 255, np.uint8)
    for y, crop in crops:
        sheet[y : y + crop.shape[0], _GAP_PX : _GAP_PX + crop.shape[1]] = crop
    words = ocr_words(sheet, lang=lang, psm=6, timeout=timeout)
    out: dict[str, VizField] = {}
    for y0, y1, f in slots:
        mine = [w for w in words if y0 <= w.box[1] + w.box[3] / 2 < y1]
        mine.sort(key=lambda w: (w.box[1] // 20, w.box[0]))
        value = format_value(f, model, " ".join(w.text for w in mine))
        conf = float(np.mean([w.confidence for w in mine])) if mine else 0.0
        out[f.name] = VizField(value, conf, f.script)
    return out
