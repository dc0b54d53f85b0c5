"""Tesseract failures are visible in both backends, the language cache does not freeze a
failure, concurrent recognitions are bounded, each thread has its own in-process API, and
the two backends read the samples' visual zones alike."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytesseract
import pytest

from docsec.errors import OCREngineUnavailable, OCRError
from docsec.imaging.io import load_image
from docsec.ocr import tesseract
from docsec.read import read_document, read_mrz
from docsec.read.mrz import second_opinion

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
HAS_TESSEROCR = tesseract._tesserocr() is not None
needs_tesserocr = pytest.mark.skipif(not HAS_TESSEROCR, reason="tesserocr not installed")


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "_LANGS", None)


def _text_page(lines: int = 40) -> np.ndarray:
    page = np.full((40 * lines + 40, 1400), 255, np.uint8)
    for i in range(lines):
        cv2.putText(page, f"LOREM IPSUM {i} DOLOR SIT AMET", (20, 40 + 40 * i),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)  # fmt: skip
    return page


def test_language_cache_does_not_freeze_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def flaky(config: str = "") -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise pytesseract.TesseractNotFoundError()
        return ["eng", "osd"]

    monkeypatch.setattr(pytesseract, "get_languages", flaky)
    assert tesseract.available_languages("pytesseract") == frozenset()
    assert tesseract.available_languages("pytesseract") == {"eng", "osd"}
    assert tesseract.available_languages("pytesseract") == {"eng", "osd"}
    assert len(calls) == 2  # cached once it worked


@needs_tesserocr
def test_tesserocr_language_cache_does_not_freeze_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = tesseract.tessdata_path()
    paths = iter([None, real, "/nowhere"])
    monkeypatch.setattr(tesseract, "tessdata_path", lambda: next(paths))
    assert tesseract.available_languages("tesserocr") == frozenset()
    assert "eng" in tesseract.available_languages("tesserocr")
    assert "eng" in tesseract.available_languages("tesserocr")  # cached, not asked again


def test_missing_tesseract_is_an_error_not_an_empty_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": [])
    with pytest.raises(OCRError, match="not installed"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), backend="pytesseract")


@needs_tesserocr
def test_tesserocr_without_language_data_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "tessdata_path", lambda: None)
    with pytest.raises(OCREngineUnavailable, match="not installed"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), backend="tesserocr")


def test_missing_tesserocr_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "_tesserocr", lambda: None)
    with pytest.raises(OCREngineUnavailable, match="tesserocr is not installed"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), backend="tesserocr")


@needs_tesserocr
@pytest.mark.parametrize("backend", tesseract.BACKENDS)
def test_missing_language_is_reported(backend: str) -> None:
    with pytest.raises(OCREngineUnavailable, match="language data missing: xx"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), lang="eng+xx", backend=backend)


@needs_tesserocr
def test_language_listed_but_unloadable_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "_LANGS", frozenset({"eng", "qqq"}))
    with pytest.raises(OCREngineUnavailable, match="cannot load 'qqq'"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), lang="qqq", backend="tesserocr")


def test_timeout_and_crash_are_ocr_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng"])

    def crash(*args: object, **kwargs: object) -> None:
        raise pytesseract.TesseractError(-11, "segmentation fault")

    monkeypatch.setattr(pytesseract, "image_to_data", crash)
    with pytest.raises(OCRError, match="tesseract failed"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), backend="pytesseract")


@needs_tesserocr
def test_tesserocr_timeout_is_an_error_and_the_api_reads_again() -> None:
    page = _text_page()
    with pytest.raises(OCRError, match="timed out"):
        tesseract.ocr_words(page, timeout=0.001, backend="tesserocr")
    words = tesseract.ocr_words(page[:100], timeout=30, backend="tesserocr")
    assert [w.text for w in words][:3] == ["LOREM", "IPSUM", "0"]


@needs_tesserocr
def test_tesserocr_crash_is_an_error_and_the_api_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken:
        def __getattr__(self, name: str) -> Any:
            return lambda *a, **k: True

        def Recognize(self, timeout: int = 0) -> bool:  # noqa: N802 - tesserocr's name
            raise RuntimeError("engine crashed")

    monkeypatch.setattr(tesseract, "_POOL", {("eng", False): [Broken()]})
    with pytest.raises(OCRError, match="tesseract failed: engine crashed"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), whitelist="A", backend="tesserocr")
    assert tesseract._POOL[("eng", False)] == []  # not put back


@pytest.mark.parametrize("backend", tesseract.BACKENDS)
def test_concurrent_recognitions_are_bounded(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setattr(tesseract, "available_languages", lambda backend=None: {"eng"})
    monkeypatch.setattr(tesseract, "_tesserocr", lambda: object())
    running = 0
    peak = 0
    lock = threading.Lock()

    def slow(*args: object) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return ""

    monkeypatch.setattr(tesseract, f"_{backend}_tsv", slow)
    threads = [
        threading.Thread(target=tesseract.ocr_words,
                         args=(np.full((40, 200), 255, np.uint8),), kwargs={"backend": backend})
        for _ in range(4 * tesseract.MAX_PROCESSES + 2)
    ]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == tesseract.MAX_PROCESSES


@needs_tesserocr
def test_apis_are_never_shared_at_once_and_stay_few(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "_POOL", {})
    in_use: set[int] = set()
    clash = []
    lock = threading.Lock()
    real = tesseract._take_api

    def take(lang: str, dawgs: bool) -> Any:
        api = real(lang, dawgs)
        with lock:
            clash.append(id(api) in in_use)
            in_use.add(id(api))
        return api

    def give(lang: str, dawgs: bool, api: Any) -> None:
        with lock:
            in_use.discard(id(api))
        tesseract._POOL.setdefault((lang, dawgs), []).append(api)

    monkeypatch.setattr(tesseract, "_take_api", take)
    monkeypatch.setattr(tesseract, "_give_back", give)
    line = _text_page(1)
    threads = [
        threading.Thread(target=tesseract.ocr_words, args=(line,), kwargs={"backend": "tesserocr"})
        for _ in range(3 * tesseract.MAX_PROCESSES + 2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(clash) == len(threads) and not any(clash)
    assert 1 <= len(tesseract._POOL[("eng", True)]) <= tesseract.MAX_PROCESSES


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown OCR backend"):
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), backend="easyocr")


def test_failed_second_opinion_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.docsec.read.conftest import TD3, render_mrz_page

    r = read_mrz(render_mrz_page(TD3), tesseract=False)
    assert r is not None
    monkeypatch.setattr(tesseract, "BACKEND", "pytesseract")
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": [])
    out = second_opinion(r)
    assert out is not None and out.lines == r.lines
    assert any("second opinion failed" in w for w in out.warnings)


@needs_tesserocr
@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.parametrize("sample", ["s01/capture_scan.jpg", "s05/capture_scan.jpg"])
def test_both_backends_read_the_same_visual_zone(
    monkeypatch: pytest.MonkeyPatch, sample: str
) -> None:
    manifest = json.loads((SAMPLES / "manifest.json").read_text())
    item = next(s for s in manifest["samples"] if s["id"] == sample.split("/")[0])
    image = load_image((SAMPLES / sample).read_bytes())
    fields = {}
    for backend in tesseract.BACKENDS:
        monkeypatch.setattr(tesseract, "BACKEND", backend)
        r = read_document(image, viz=True)
        assert r.viz and not [w for w in r.warnings if "visual zone" in w]
        fields[backend] = {k: (v.value, round(v.confidence, 2)) for k, v in r.viz.items()}
    assert fields["tesserocr"] == fields["pytesseract"]
    right = sum(fields["tesserocr"][k][0] == v for k, v in item["fields"].items()
                if k in fields["tesserocr"])  # fmt: skip
    assert right >= 0.9 * len(fields["tesserocr"])
