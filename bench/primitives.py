"""Benchmark of the generator's image primitives: captures, faces and security patterns.

Sizes are those of a TD3 passport data page at 300 dpi (125 x 88 mm = 1476 x 1039 px) and
its portrait (35 x 45 mm = 413 x 531 px). Each figure is the median of several runs in one
process on one core (OpenCV limited to one thread), as wall time and as the process's CPU
time (the verdict uses CPU time, which other jobs on a shared machine disturb less), printed
next to its goal. Goals are
per call; design-level patterns are rendered once per design and cached by the generator,
so their goal is looser than that of per-document work (captures, faces, fibres).

Run: ``.venv/bin/python bench/primitives.py [--runs N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import cv2
import numpy as np

from docsec.generate import patterns as P
from docsec.generate.capture import capture
from docsec.generate.faces import make_face, render_face

PAGE_XY = (1476, 1039)
PORTRAIT_XY = (413, 531)


def _median_ms(fn: Callable[[int], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in ms."""
    fn(0)  # warm-up (imports, caches)
    wall, cpu = [], []
    for i in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(i + 1)
        wall.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
    return statistics.median(wall), statistics.median(cpu)


def _page() -> np.ndarray:
    """A busy synthetic page: guilloche on rainbow, microprint, emblem, text-like bars."""
    w, h = PAGE_XY
    rb = P.rainbow(PAGE_XY, [(236, 214, 222), (214, 226, 242), (226, 238, 214)])
    page = P.alpha_over(rb, P.guilloche(PAGE_XY, rng=1, colour=(90, 110, 160)))
    page = P.alpha_over(page, P.microprint("UTOPIA", (w - 80, 12), height_px=4), xy=(40, 40))
    for i in range(2):
        y = h - 200 + 70 * i
        cv2.putText(page, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", (60, y),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.3, (20, 20, 20), 3, cv2.LINE_AA)
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    runs = args.runs
    page = _page()
    _, face = make_face(0, PORTRAIT_XY)
    colours = [(255, 70, 70), (70, 255, 110), (90, 130, 255)]

    rows: list[tuple[str, Callable[[int], object], float]] = []
    for kind in ("scan", "photo"):
        for level in (1, 2, 3):
            rows.append((
                f"capture {kind} level {level} (TD3 page)",
                lambda s, k=kind, lv=level: capture(page, kind=k, level=lv, rng=s),  # type: ignore[misc]
                30.0,
            ))
    rows += [
        ("make_face (portrait)", lambda s: make_face(s, PORTRAIT_XY), 5.0),
        ("render_face (portrait)", lambda s: render_face(face, PORTRAIT_XY), 5.0),
        ("uv_fibres 150 (page, per document)",
         lambda s: P.uv_fibres(PAGE_XY, rng=s, count=150, colours=colours), 10.0),
        ("guilloche net (page, per design)", lambda s: P.guilloche(PAGE_XY, rng=s), 30.0),
        ("guilloche rosettes (page, per design)",
         lambda s: P.guilloche(PAGE_XY, rng=s, style="rosettes"), 30.0),
        ("rosette 40 mm (per design)", lambda s: P.rosette((472, 472), rng=s), 10.0),
        ("rainbow (page, per design)",
         lambda s: P.rainbow(PAGE_XY, [(230, 200, 210), (200, 220, 240)], angle_deg=s), 15.0),
        ("microprint 110 x 1.5 mm (per design)",
         lambda s: P.microprint("UTOPIA", (1300, 18), height_px=4), 5.0),
        ("emblem 25 mm (per design)", lambda s: P.emblem((295, 295), design=s), 5.0),
        ("watermark 30 x 38 mm (per design)",
         lambda s: P.watermark((354, 449), design=s), 10.0),
        ("security_thread (per design)",
         lambda s: P.security_thread((60, 1039), text="UTOPIA", width_px=24), 5.0),
        ("hologram_frames 4 x 25x20 mm (per design)",
         lambda s: P.hologram_frames((295, 236), 4, design=s), 20.0),
        ("perforation 9 chars (per document)",
         lambda s: P.perforation(f"L{s:08d}", (600, 110), hole_px=6), 5.0),
        ("halftone 60 x 15 mm (defect)",
         lambda s: P.halftone(page[:177, :708], cell_px=4, angle=s), 10.0),
        ("scan_print (page, defect)", lambda s: P.scan_print(page, rng=s), 60.0),
        ("blur_microprint 110 x 1.5 mm (defect)",
         lambda s: P.blur_microprint(page[40:58, 40:1340]), 5.0),
    ]
    print(f"primitives at 300 dpi, median of {runs} runs, 1 OpenCV thread "
          "(cpu = this process's CPU time: less sensitive to other load on the machine)")
    for name, fn, goal in rows:
        wall, cpu = _median_ms(fn, runs)
        verdict = "ok" if cpu <= goal else "over"
        print(f"{name:44s} wall {wall:7.2f} ms  cpu {cpu:7.2f} ms  "
              f"goal <= {goal:5.1f} ms  {verdict}")


if __name__ == "__main__":
    main()
