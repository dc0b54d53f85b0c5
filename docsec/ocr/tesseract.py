"""Tesseract, the second opinion: the only module that imports ``pytesseract``.

Every call runs with ``OMP_THREAD_LIMIT=1`` (Debian's tesseract links libgomp; on a
shared 2-core machine threads only add latency, ECOSYSTEM.md §1) and a ``timeout``
(pytesseract kills a runaway process). A missing binary or language pack raises
:class:`~docsec.errors.OCREngineUnavailable`; a timeout, a crash or no free slot
raises :class:`~docsec.errors.OCRError`; callers report either in their result's
``warnings``.

At most :data:`MAX_PROCESSES` Tesseract processes run at once in a process (a bounded
semaphore): a burst of requests queues instead of starting one OCR engine per request.
The list of installed languages is cached only once it was read successfully, so a
Tesseract installed after a first failure is found.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

from docsec.errors import OCREngineUnavailable, OCRError

__all__ = ["MAX_PROCESSES", "MRZ_WHITELIST", "OcrWord", "available_languages", "ocr_words"]

MRZ_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
#: Tesseract processes at once: one per core (each runs single-threaded).
MAX_PROCESSES = max(1, os.cpu_count() or 1)
_SLOTS = threading.BoundedSemaphore(MAX_PROCESSES)
_LANGS_LOCK = threading.Lock()
_LANGS: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One word Tesseract read: text, confidence 0-1, box ``(x, y, w, h)``, line key."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]
    line: tuple[int, int, int]


def available_languages() -> frozenset[str]:
    """Installed Tesseract languages (empty if the binary is missing or fails).

    A successful answer is cached for the life of the process; a failure is not, so
    the next call asks again.
    """
    global _LANGS
    import pytesseract

    with _LANGS_LOCK:
        if _LANGS is not None:
            return _LANGS
        try:
            langs = frozenset(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractNotFoundError, OSError, RuntimeError):
            return frozenset()
        if langs:
            _LANGS = langs
        return langs


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
    if not langs:
        raise OCREngineUnavailable("tesseract is not installed or does not run")
    missing = [p for p in lang.split("+") if p not in langs]
    if missing:
        raise OCREngineUnavailable(f"tesseract language data missing: {', '.join(missing)}")
    config = f"--psm {psm}"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
        config += " -c load_system_dawg=0 -c load_freq_dawg=0"
    if not _SLOTS.acquire(timeout=timeout):
        raise OCRError(f"tesseract busy: no free slot of {MAX_PROCESSES} within {timeout:g} s")
    try:
        data = pytesseract.image_to_data(
            gray, lang=lang, config=config, timeout=timeout, output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractNotFoundError:
        raise OCREngineUnavailable() from None
    except (RuntimeError, OSError) as exc:  # timeout, crash (TesseractError), exec failure
        raise OCRError(f"tesseract failed: {exc}") from None
    finally:
        _SLOTS.release()
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
