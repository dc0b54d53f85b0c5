"""Tesseract, the second opinion: the only module that imports ``pytesseract``.

Every call runs with ``OMP_THREAD_LIMIT=1`` (Debian's tesseract links libgomp; on a
shared 2-core machine threads only add latency, ECOSYSTEM.md §1) and a ``timeout``
(pytesseract kills a runaway process). A missing binary or language pack raises
:class:`~docsec.errors.OCREngineUnavailable`; a timeout raises
:class:`~docsec.errors.OCRError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

import numpy as np

from docsec.errors import OCREngineUnavailable, OCRError

__all__ = ["MRZ_WHITELIST", "OcrWord", "available_languages", "ocr_words"]

MRZ_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One word Tesseract read: text, confidence 0-1, box ``(x, y, w, h)``, line key."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]
    line: tuple[int, int, int]


@cache
def available_languages() -> frozenset[str]:
    """Installed Tesseract languages (empty if the binary is missing)."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError):
        return frozenset()


def ocr_words(
    gray: np.ndarray,
    *,
    lang: str = "eng",
    psm: int = 6,
    whitelist: str | None = None,
    timeout: float = 5.0,
) -> list[OcrWord]:
    """Words of a gray ``uint8`` image with confidences (``image_to_data``)."""
    import pytesseract

    langs = available_languages()
    missing = [p for p in lang.split("+") if p not in langs]
    if missing:
        raise OCREngineUnavailable(f"tesseract language data missing: {', '.join(missing)}")
    config = f"--psm {psm}"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
        config += " -c load_system_dawg=0 -c load_freq_dawg=0"
    try:
        data = pytesseract.image_to_data(
            gray, lang=lang, config=config, timeout=timeout, output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractNotFoundError:
        raise OCREngineUnavailable() from None
    except RuntimeError as exc:
        raise OCRError(f"tesseract failed: {exc}") from None
    words = []
    for i, text in enumerate(data["text"]):
        text = str(text).strip()
        if not text:
            continue
        conf = float(data["conf"][i])
        words.append(
            OcrWord(
                text=text,
                confidence=max(conf, 0.0) / 100.0,
                box=(int(data["left"][i]), int(data["top"][i]), int(data["width"][i]),
                     int(data["height"][i])),  # fmt: skip
                line=(int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
            )
        )
    return words
