"""Tesseract failures are visible, the language cache does not freeze a failure, and
concurrent Tesseract processes are bounded."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytesseract
import pytest

from docsec.errors import OCRError
from docsec.ocr import tesseract
from docsec.read import read_mrz
from docsec.read.mrz import second_opinion


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "_LANGS", None)


def test_language_cache_does_not_freeze_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def flaky(config: str = "") -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise pytesseract.TesseractNotFoundError()
        return ["eng", "osd"]

    monkeypatch.setattr(pytesseract, "get_languages", flaky)
    assert tesseract.available_languages() == frozenset()
    assert tesseract.available_languages() == {"eng", "osd"}
    assert tesseract.available_languages() == {"eng", "osd"}
    assert len(calls) == 2  # cached once it worked


def test_missing_tesseract_is_an_error_not_an_empty_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": [])
    with pytest.raises(OCRError, match="not installed"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8))


def test_timeout_and_crash_are_ocr_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng"])

    def crash(*args: object, **kwargs: object) -> None:
        raise pytesseract.TesseractError(-11, "segmentation fault")

    monkeypatch.setattr(pytesseract, "image_to_data", crash)
    with pytest.raises(OCRError, match="tesseract failed"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8))


def test_concurrent_processes_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng"])
    running = 0
    peak = 0
    lock = threading.Lock()

    def slow(*args: object, **kwargs: object) -> dict[str, list[object]]:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return {"text": []}

    monkeypatch.setattr(pytesseract, "image_to_data", slow)
    threads = [
        threading.Thread(target=tesseract.ocr_words, args=(np.full((40, 200), 255, np.uint8),))
        for _ in range(4 * tesseract.MAX_PROCESSES + 2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == tesseract.MAX_PROCESSES


def test_failed_second_opinion_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.docsec.read.conftest import TD3, render_mrz_page

    r = read_mrz(render_mrz_page(TD3), tesseract=False)
    assert r is not None
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": [])
    out = second_opinion(r)
    assert out is not None and out.lines == r.lines
    assert any("second opinion failed" in w for w in out.warnings)
