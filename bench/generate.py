"""Benchmark the document generator (issue 4, point 9).

Figures (median of several runs, one process, one core for the rendering):

* documents per second with all views at 300 dpi, over the seven models in turn
  (goal >= 5 documents/s);
* wall time of a 20-document exercise with captures, written to disk (goal <= 5 s; the PNG and
  JPEG encoders run in two threads next to the renderer); level 3: every view, UV 254 nm, the
  loupe views and the 2400 dpi magnified views of the default regions;
* the cost of a magnified view: a region's design composed the first time (once per model,
  region and dpi) and a document's view of it at 2400 dpi.

The design caches (one per model, side and dpi, and one per loupe or microscope field) and the
reference sheets of level 3 are warmed first: they are built once per process. Run:
``.venv/bin/python bench/generate.py``.
"""

from __future__ import annotations

import sys

# bench/ holds scripts named like standard modules (inspect.py): keep it off the import path.
sys.path[:] = [p for p in sys.path if p != __import__("os").path.dirname(__file__)]

import datetime  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from docsec.generate import make_document  # noqa: E402
from docsec.generate.design import region_design  # noqa: E402
from docsec.generate.exercise import (  # noqa: E402
    LEVEL_TOOLS,
    REFERENCE_DPI,
    _regions_for,
    default_magnified,
    make_exercise,
)
from docsec.generate.reference import model_reference_files  # noqa: E402
from docsec.generate.regions import MAG_DPI, MAG_FIELD_MM  # noqa: E402
from docsec.models import MODEL_IDS  # noqa: E402

REF = datetime.date(2026, 1, 15)


def docs_per_second(n: int, dpi: int, seed0: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        make_document(MODEL_IDS[i % len(MODEL_IDS)], rng=seed0 + i, reference_date=REF, dpi=dpi)
    return n / (time.perf_counter() - start)


def exercise_seconds(seed: int) -> tuple[float, float]:
    """Wall and CPU seconds (all threads) of one 20-document exercise."""
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        make_exercise(topic="mixed", level=3, count=20, forgery_rate=0.5, seed=seed,
                      out=Path(tmp) / "ex")
        return time.perf_counter() - start, time.process_time() - cpu


def magnified_cost() -> tuple[float, float]:
    """Milliseconds to compose a new 2400 dpi field's design (fields of one model in turn)
    and to render a document's magnified view of a composed one."""
    from docsec.models import DocumentModel, get_model

    model = get_model("uto_passport_td3")
    fw, fh = MAG_FIELD_MM
    boxes = [(10.0 + 9 * k, 20.0 + 3 * (k % 4), fw, fh) for k in range(8)]
    start = time.perf_counter()
    for box in boxes:
        region_design(model.id, "front", MAG_DPI, DocumentModel.box_px(box, MAG_DPI), 200)
    design_ms = (time.perf_counter() - start) / len(boxes) * 1000
    regions = _regions_for(model.id, LEVEL_TOOLS[3], default_magnified(), 200)
    make_document(model.id, rng=1, reference_date=REF, dpi=200, views=["white"],
                  regions=regions)
    start = time.perf_counter()
    plain = [make_document(model.id, rng=2 + k, reference_date=REF, dpi=200, views=["white"])
             for k in range(10)]
    base = time.perf_counter() - start
    start = time.perf_counter()
    for k in range(10):
        make_document(model.id, rng=2 + k, reference_date=REF, dpi=200, views=["white"],
                      regions=regions)
    view_ms = (time.perf_counter() - start - base) / (10 * len(regions)) * 1000
    del plain
    return design_ms, view_ms


def main() -> None:
    for model_id in MODEL_IDS:  # build the design caches and reference sheets (once per process)
        make_document(model_id, rng=0, reference_date=REF, dpi=300)
        make_document(model_id, rng=0, reference_date=REF, dpi=200,
                      regions=_regions_for(model_id, LEVEL_TOOLS[3], default_magnified(), 200))
        model_reference_files(model_id, REFERENCE_DPI)
    cpu0 = time.process_time()
    rates = [docs_per_second(28, 300, 100 * r) for r in range(5)]
    cpu = time.process_time() - cpu0
    print(f"documents/s, all views, 300 dpi, 7 models: median {statistics.median(rates):.1f} "
          f"(runs {', '.join(f'{r:.1f}' for r in rates)}; CPU {cpu:.1f} s for 140 documents)"
          f"   goal >= 5")
    runs = [exercise_seconds(7 + r) for r in range(3)]
    times = [w for w, _ in runs]
    cpus = [c for _, c in runs]
    print(f"exercise of 20 documents (mixed, level 3: all lights, loupe and magnified views, "
          f"photo captures, 200 dpi views, 3 writer threads): median wall "
          f"{statistics.median(times):.2f} s (runs "
          f"{', '.join(f'{t:.2f}' for t in times)}; CPU {statistics.median(cpus):.2f} s)"
          f"   goal <= 5 s")
    design_ms, view_ms = magnified_cost()
    print(f"magnified view at {MAG_DPI} dpi ({MAG_FIELD_MM[0]} x {MAG_FIELD_MM[1]} mm): a new "
          f"field's design {design_ms:.0f} ms (once per model and field), a document's view "
          f"{view_ms:.0f} ms")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
