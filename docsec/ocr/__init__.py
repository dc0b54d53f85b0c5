"""Character recognition: the OCR-B fixed-pitch MRZ recogniser and a Tesseract second opinion."""

from __future__ import annotations

from docsec.ocr.ocrb import CLASSES, CellReading, OcrbClassifier, load_classifier

__all__ = ["CLASSES", "CellReading", "OcrbClassifier", "load_classifier"]
