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

import cv2
import numpy as np

from docsec.errors import OCRError
from docsec.imaging.geometry import to_gray
from docsec.models import mm_to_px
from docsec.ocr.tesseract import ocr_words
from docsec.read.page import PageFit, rectify

__all__ = ["LABEL_MM", "VIZ_DPI", "VizField", "read_viz"]

VIZ_DPI = 300
#: Height of the label line at the top of a field box; the value is printed below it.
LABEL_MM = 1.9
_MARGIN_MM = 0.5
_GAP_PX = 24


@dataclass(frozen=True, slots=True)
class VizField:
    """A visual-zone value as read, with Tesseract's mean word confidence (0-1)."""

    value: str
    confidence: float
    script: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {"value": self.value, "confidence": round(self.confidence, 3), "script": self.script}


def read_viz(image: np.ndarray, page: PageFit, *, timeout: float = 10.0) -> dict[str, VizField]:
    """Values of the fields on the captured side of ``page.model``.

    Empty when Tesseract or a needed language pack is unavailable or times out.
    """
    model = page.model
    if model is None or page.page_mm_to_capture is None:
        return {}
    fields = [f for f in model.fields if f.side == page.side]
    if not fields:
        return {}
    size = (mm_to_px(model.size_mm[0], VIZ_DPI), mm_to_px(model.size_mm[1], VIZ_DPI))
    rectified = to_gray(rectify(image, page, dpi=VIZ_DPI))
    crops, slots = [], []
    top = _GAP_PX
    width = 0
    for f in fields:
        x, y, w, h = f.box_mm
        x0 = max(mm_to_px(x - _MARGIN_MM, VIZ_DPI), 0)
        y0 = max(mm_to_px(y + LABEL_MM - 0.2, VIZ_DPI), 0)
        x1 = min(mm_to_px(x + w + _MARGIN_MM, VIZ_DPI), size[0])
        y1 = min(mm_to_px(y + h, VIZ_DPI), size[1])
        if x1 <= x0 or y1 <= y0:
            continue
        _, crop = cv2.threshold(
            rectified[y0:y1, x0:x1], 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU
        )
        crops.append((top, crop))
        slots.append((top, top + crop.shape[0], f))
        top += crop.shape[0] + _GAP_PX
        width = max(width, crop.shape[1])
    sheet = np.full((top, width + 2 * _GAP_PX), 255, np.uint8)
    for y, crop in crops:
        sheet[y : y + crop.shape[0], _GAP_PX : _GAP_PX + crop.shape[1]] = crop
    cyrillic = any(f.script == "cyrillic" for f in fields)
    try:
        words = ocr_words(sheet, lang="rus+eng" if cyrillic else "eng", psm=6, timeout=timeout)
    except OCRError:
        return {}
    out: dict[str, VizField] = {}
    for y0, y1, f in slots:
        mine = [w for w in words if y0 <= w.box[1] + w.box[3] / 2 < y1]
        mine.sort(key=lambda w: (w.box[1] // 20, w.box[0]))
        value = " ".join(w.text for w in mine)
        conf = float(np.mean([w.confidence for w in mine])) if mine else 0.0
        out[f.name] = VizField(value, conf, f.script)
    return out
