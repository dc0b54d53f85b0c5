"""Benchmark the document generator (issue 4, point 9).

Figures (median of several runs, one process, one core for the rendering):

* documents per second with all views at 300 dpi, over the seven models in turn
  (goal >= 5 documents/s);
* wall time of a 20-document exercise with captures, written to disk (goal <= 5 s; the PNG and
  JPEG encoders run in two threads next to the renderer).

The design caches (one per model, side and dpi) and the reference sheets of level 3 are
warmed first: they are built once per process. Run: ``.venv/bin/python bench/generate.py``.
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
from docsec.generate.exercise import REFERENCE_DPI, make_exercise  # noqa: E402
from docsec.generate.reference import model_reference_files  # noqa: E402
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


def main() -> None:
    for model_id in MODEL_IDS:  # build the design caches and reference sheets (once per process)
        make_document(model_id, rng=0, reference_date=REF, dpi=300)
        make_document(model_id, rng=0, reference_date=REF, dpi=200)
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
    print(f"exercise of 20 documents (mixed, level 3 photo captures, 200 dpi views, 3 writer "
          f"threads): median wall {statistics.median(times):.2f} s (runs "
          f"{', '.join(f'{t:.2f}' for t in times)}; CPU {statistics.median(cpus):.2f} s)"
          f"   goal <= 5 s")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
