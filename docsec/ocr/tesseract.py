"""Tesseract, the second opinion: the only module that imports ``tesserocr`` or ``pytesseract``.

Two backends give the same words (the same engine, the same parameters, the same TSV
output parsed the same way):

- ``tesserocr`` (the default when it imports): Tesseract in-process, a
  ``PyTessBaseAPI`` per language set and concurrent recognition, created lazily with an
  explicit tessdata path and reused (25-55 ms a call instead of 175-300 ms,
  ECOSYSTEM.md §1). An API is used by one thread at a time (taken from a pool and put
  back), so a server's many threads hold no more APIs than recognitions run at once;
  tesserocr releases the GIL while it recognises. ``Recognize(timeout=...)`` bounds a
  runaway read (an API that timed out or failed is dropped, not reused). Built from source
  against Debian's ``libtesseract`` (``pip install --no-binary tesserocr``), it gives
  exactly what the command line gives.
- ``pytesseract`` (the fallback): a ``tesseract`` process per call, killed at its
  ``timeout``.

Every call runs with ``OMP_THREAD_LIMIT=1`` (Debian's tesseract links libgomp; on a
shared 2-core machine threads only add latency). A missing binary, library or language
pack raises :class:`~docsec.errors.OCREngineUnavailable`; a timeout, a crash or no free
slot raises :class:`~docsec.errors.OCRError`; callers report either in their result's
``warnings``.

At most :data:`MAX_PROCESSES` recognitions run at once in a process (a bounded
semaphore, for either backend): a burst of requests queues instead of starting one OCR
engine per request. The list of installed languages is cached only once it was read
successfully, so a Tesseract installed after a first failure is found.
``DOCSEC_OCR_BACKEND=pytesseract`` forces the fallback.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from docsec.errors import OCREngineUnavailable, OCRError

__all__ = [
    "BACKEND",
    "BACKENDS",
    "MAX_PROCESSES",
    "MRZ_WHITELIST",
    "OcrWord",
    "available_languages",
    "ocr_words",
    "tessdata_path",
]

MRZ_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
#: Tesseract recognitions at once: one per core (each runs single-threaded).
MAX_PROCESSES = max(1, os.cpu_count() or 1)
_SLOTS = threading.BoundedSemaphore(MAX_PROCESSES)
_LANGS_LOCK = threading.Lock()
_LANGS: frozenset[str] | None = None
#: Where Debian (and most distributions) install the language data, newest first.
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
BACKENDS = ("tesserocr", "pytesseract")


def _tesserocr() -> Any | None:
    try:
        import tesserocr
    except ImportError:
        return None
    return tesserocr


def _default_backend() -> str:
    forced = os.environ.get("DOCSEC_OCR_BACKEND", "").strip().lower()
    if forced in BACKENDS:
        return forced
    return "tesserocr" if _tesserocr() is not None else "pytesseract"


#: The backend :func:`ocr_words` uses unless told otherwise.
BACKEND = _default_backend()


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One word Tesseract read: text, confidence 0-1, box ``(x, y, w, h)``, line key."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]
    line: tuple[int, int, int]


def tessdata_path() -> str | None:
    """The tessdata folder: ``TESSDATA_PREFIX``, the library's own default, or Debian's.

    tesserocr's bundled engine (the manylinux wheel) defaults to ``./``; a build against
    Debian's library knows its folder. None when no folder with language data is found.
    """
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix and os.path.isdir(prefix):
        return prefix.rstrip("/") + "/"
    lib = _tesserocr()
    if lib is not None:
        try:
            path, langs = lib.get_languages()
        except RuntimeError:
            path, langs = "", []
        if langs and path and path != "./":
            return str(path)
    for folder in _TESSDATA_DIRS:
        if os.path.isfile(os.path.join(folder, "eng.traineddata")):
            return folder + "/"
    return None


def available_languages(backend: str | None = None) -> frozenset[str]:
    """Installed Tesseract languages (empty if the engine is missing or fails).

    A successful answer is cached for the life of the process; a failure is not, so
    the next call asks again.
    """
    global _LANGS
    with _LANGS_LOCK:
        if _LANGS is not None:
            return _LANGS
        if (backend or BACKEND) == "tesserocr":
            langs = _tesserocr_languages()
        else:
            langs = _pytesseract_languages()
        if langs:
            _LANGS = langs
        return langs


def _pytesseract_languages() -> frozenset[str]:
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError):
        return frozenset()


def _tesserocr_languages() -> frozenset[str]:
    lib = _tesserocr()
    path = tessdata_path()
    if lib is None or path is None:
        return frozenset()
    try:
        return frozenset(lib.get_languages(path)[1])
    except RuntimeError:
        return frozenset()


def ocr_words(
    gray: np.ndarray,
    *,
    lang: str = "eng",
    psm: int = 6,
    whitelist: str | None = None,
    timeout: float = 5.0,
    backend: str | None = None,
) -> list[OcrWord]:
    """Words of a gray ``uint8`` image with confidences (Tesseract's TSV output).

    ``whitelist`` is written as on a command line (a space escaped as ``\\ ``, a quote
    as ``\\'``); with a whitelist the dictionaries are not loaded. ``backend`` is one of
    :data:`BACKENDS` (default :data:`BACKEND`).
    """
    use = backend or BACKEND
    if use not in BACKENDS:
        raise ValueError(f"unknown OCR backend {use!r}; use one of {', '.join(BACKENDS)}")
    if use == "tesserocr" and _tesserocr() is None:
        raise OCREngineUnavailable("tesserocr is not installed")
    langs = available_languages(use)
    if not langs:
        raise OCREngineUnavailable("tesseract is not installed or does not run")
    missing = [p for p in lang.split("+") if p not in langs]
    if missing:
        raise OCREngineUnavailable(f"tesseract language data missing: {', '.join(missing)}")
    if not _SLOTS.acquire(timeout=timeout):
        raise OCRError(f"tesseract busy: no free slot of {MAX_PROCESSES} within {timeout:g} s")
    try:
        if use == "tesserocr":
            tsv = _tesserocr_tsv(gray, lang, psm, whitelist, timeout)
        else:
            tsv = _pytesseract_tsv(gray, lang, psm, whitelist, timeout)
    finally:
        _SLOTS.release()
    return _words_of_tsv(tsv)


def _pytesseract_tsv(
    gray: np.ndarray, lang: str, psm: int, whitelist: str | None, timeout: float
) -> str:
    import pytesseract

    config = f"--psm {psm}"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
        config += " -c load_system_dawg=0 -c load_freq_dawg=0"
    try:
        out = pytesseract.image_to_data(gray, lang=lang, config=config, timeout=timeout)
    except pytesseract.TesseractNotFoundError:
        raise OCREngineUnavailable() from None
    except (RuntimeError, OSError) as exc:  # timeout, crash (TesseractError), exec failure
        raise OCRError(f"tesseract failed: {exc}") from None
    # drop the header line: the in-process TSV has none
    return str(out).split("\n", 1)[1] if "\n" in str(out) else ""


#: Idle in-process APIs by (language, dictionaries loaded). An API is taken out of the
#: pool for one recognition and put back after it, so no two threads ever use one at
#: once; since at most :data:`MAX_PROCESSES` recognitions run at once (the slots), the
#: pool holds at most that many APIs a key however many threads a server runs.
_POOL: dict[tuple[str, bool], list[Any]] = {}
_POOL_LOCK = threading.Lock()


def _new_api(lang: str, dawgs: bool) -> Any:
    """A new API for ``lang`` with the explicit tessdata path."""
    lib = _tesserocr()
    path = tessdata_path()
    if lib is None or path is None:
        raise OCREngineUnavailable("tesseract language data not found (set TESSDATA_PREFIX)")
    variables = {} if dawgs else {"load_system_dawg": "0", "load_freq_dawg": "0"}
    try:
        return lib.PyTessBaseAPI(path=path, lang=lang, variables=variables)
    except RuntimeError as exc:
        raise OCREngineUnavailable(f"tesseract cannot load {lang!r}: {exc}") from None


def _take_api(lang: str, dawgs: bool) -> Any:
    """An idle API for ``lang`` from the pool, or a new one (created lazily)."""
    with _POOL_LOCK:
        idle = _POOL.setdefault((lang, dawgs), [])
        if idle:
            return idle.pop()
    return _new_api(lang, dawgs)


def _give_back(lang: str, dawgs: bool, api: Any) -> None:
    with _POOL_LOCK:
        _POOL.setdefault((lang, dawgs), []).append(api)


def _tesserocr_tsv(
    gray: np.ndarray, lang: str, psm: int, whitelist: str | None, timeout: float
) -> str:
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise OCRError(f"tesseract needs a gray uint8 image, got {gray.dtype} {gray.shape}")
    dawgs = not whitelist
    api = _take_api(lang, dawgs)
    chars = (whitelist or "").replace("\\ ", " ").replace("\\'", "'")
    image = np.ascontiguousarray(gray)
    try:
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", chars)
        api.SetImageBytes(image.tobytes(), image.shape[1], image.shape[0], 1, image.shape[1])
        done = api.Recognize(timeout=max(1, int(timeout * 1000)))
        tsv = str(api.GetTSVText(0)) if done else None
    except (RuntimeError, ValueError) as exc:  # a crash inside the engine: drop the API
        raise OCRError(f"tesseract failed: {exc}") from None
    if tsv is None:  # the deadline passed: drop the API (its state is half-done)
        raise OCRError(f"tesseract failed: timed out after {timeout:g} s")
    _give_back(lang, dawgs, api)
    return tsv


def _words_of_tsv(tsv: str) -> list[OcrWord]:
    """Words of Tesseract's TSV (level, page, block, paragraph, line, word, box, conf, text)."""
    words = []
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(
            OcrWord(
                text=text,
                confidence=max(float(cols[10]), 0.0) / 100.0,
                box=(left, top, width, height),
                line=(int(cols[2]), int(cols[3]), int(cols[4])),
            )
        )
    return words
