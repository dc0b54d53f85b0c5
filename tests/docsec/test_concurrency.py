"""Reads, parses and generation from 8 threads give the serial results.

The service runs library calls in a thread pool, so every module-level cache the library
keeps (VIN memo tables, design layers, MRZ parse caches, OCR-B weights, page templates)
is shared between threads: it must be bounded, hold read-only arrays, and never let one
thread see another's half-built entry. The threaded run starts from cold caches, so the
threads race to fill them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from docsec.generate import make_document
from docsec.generate.design import side_design
from docsec.imaging import load_image
from docsec.mrz import parse
from docsec.ocr.ocrb import load_classifier
from docsec.read import read_document
from docsec.read.pagefind import load_templates
from docsec.vin import check

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
REF = dt.date(2026, 1, 15)
THREADS = 8
# the modules (their packages export functions of the same names)
vin_decode = importlib.import_module("docsec.vin.decode")
parse_module = importlib.import_module("docsec.mrz.parse")

MRZS = [
    ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
     "L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
    ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
    ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
     "L898902C36UTO7408122F1204159ZE184226B<<<<<11"),
    ("I<XXXD231458907<<<<<<<<<<<<<<<", "7408122F1204159ZZZ<<<<<<<<<<<6",
     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
]  # fmt: skip
VINS = ["1M8GDM9AXKP042788", "WVWZZZ1KZ6W000001", "1M8GDM9A1KP042788", "1M8GDM9AXKPO42788",
        "JH4KA7561PC008269", "5YJ3E1EA7KF317000", "XTA210930Y2765432", ""]  # fmt: skip


def _digest(value: object) -> object:
    """A comparable summary: arrays by hash, mappings and sequences element by element."""
    if isinstance(value, np.ndarray):
        return (value.shape, str(value.dtype), hashlib.sha256(value.tobytes()).hexdigest())
    if isinstance(value, dict):
        return {k: _digest(v) for k, v in value.items() if k != "timings_ms"}
    if isinstance(value, list | tuple):
        return [_digest(v) for v in value]
    return value


def _read(name: str) -> Callable[[], object]:
    def run() -> object:
        image = load_image(SAMPLES / name)
        return _digest(read_document(image, name=name, viz=False, reference_date=REF).to_dict())

    return run


def _parse(lines: tuple[str, ...]) -> Callable[[], object]:
    return lambda: _digest(parse(lines, reference_date=REF).to_dict())


def _vin(vin: str, year: int) -> Callable[[], object]:
    return lambda: _digest(check(vin, reference_year=year).to_dict())


def _generate(model_id: str, seed: int) -> Callable[[], object]:
    def run() -> object:
        doc = make_document(
            model_id, rng=seed, reference_date=REF, dpi=100, views=["white", "uv365", "ir"]
        )
        return _digest({"doc": doc.to_dict(), "views": dict(doc.views)})

    return run


def _clear_caches() -> None:
    side_design.cache_clear()
    load_classifier.cache_clear()
    load_templates.cache_clear()
    vin_decode._years.cache_clear()
    vin_decode._FACTS.clear()
    for plan in parse_module._PLANS.values():
        plan.issuer_cache.clear()
        plan.nationality_cache.clear()
        plan.code_cache.clear()


@pytest.mark.slow
def test_threads_give_the_serial_results() -> None:
    tasks: list[Callable[[], object]] = [
        *(_read(f"s0{k}/capture_scan.jpg") for k in (1, 2, 3)),
        *(_parse(lines) for lines in MRZS),
        *(_vin(v, year) for v in VINS for year in (2020, 2026)),
        *(_generate(m, seed) for m in ("uto_passport_td3", "uto_id_td1", "zza_passport_td3")
          for seed in (1, 2)),
    ]  # fmt: skip
    _clear_caches()
    serial = [task() for task in tasks]
    _clear_caches()
    # every task twice, interleaved, so several threads work on the same inputs at once
    work = tasks + tasks[::-1]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        threaded = list(pool.map(lambda task: task(), work))
    assert threaded[: len(tasks)] == serial
    assert threaded[len(tasks) :] == serial[::-1]


def test_cached_arrays_are_read_only() -> None:
    design = side_design("uto_passport_td3", "front", 60)
    arrays = [design.under, design.uv, design.ir, design.transmitted, *design.specimen_idx]
    arrays += [o.alpha for o in design.hologram] + [o.colour for o in design.hologram]
    arrays += [p.pixels for patches in design.alternates.values() for p in patches]
    clf = load_classifier()
    arrays += [clf.mean, clf.scale, clf.w1, clf.b1, clf.w2, clf.b2]
    arrays += list(load_templates().values())
    for a in arrays:
        assert not a.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        design.under[0, 0] = 0


def test_caches_are_bounded() -> None:
    assert side_design.cache_info().maxsize is not None
    assert vin_decode._years.cache_info().maxsize is not None
    # model-year candidates for any number of reference years stay within the bound
    for year in range(1000, 1000 + vin_decode._years.cache_info().maxsize + 500):
        check("1M8GDM9AXKP042788", reference_year=year)
    info = vin_decode._years.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize
    # MRZ parse caches keep known codes only: junk issuers never grow them
    from docsec.mrz import countries

    for k in range(300):
        junk = f"{chr(65 + k % 26)}{chr(65 + (k // 26) % 26)}Q"
        parse((f"I<{junk}D231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
               "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"), reference_date=REF)  # fmt: skip
    for p in parse_module._PLANS.values():
        assert all(countries.category(c) is not None for c in p.issuer_cache)
        assert all(countries.category(c) is not None for c in p.nationality_cache)
        assert len(p.code_cache) <= 37 * 37
