"""Rebuild ``docsec/read/data/page_templates.npz``: the look of every model side, small.

For each document model of :mod:`docsec.models` and each of its sides, the white-light
views of several generated documents (different holders, same design) are averaged in
gray at :data:`WIDTH` pixels wide, so the personalisation blurs out and the fixed design
(titles, labels, guilloche, portrait and MRZ areas) stays. The reader
(:mod:`docsec.read.pagefind`) correlates a rectified page candidate with these templates
to tell which model and side it is and which way up it lies. Deterministic: fixed seeds.

Usage: ``.venv/bin/python scripts/make_page_templates.py``
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docsec.generate import make_document  # noqa: E402
from docsec.models import MODEL_IDS, get_model  # noqa: E402

WIDTH = 96
SEEDS = range(8)
OUT = Path(__file__).resolve().parent.parent / "docsec" / "read" / "data" / "page_templates.npz"


def main() -> None:
    arrays: dict[str, Any] = {}
    for model_id in MODEL_IDS:
        model = get_model(model_id)
        w_mm, h_mm = model.size_mm
        size = (WIDTH, round(WIDTH * h_mm / w_mm))
        for side in model.sides:
            view = "white" if side == "front" else f"white_{side}"
            acc = np.zeros((size[1], size[0]), np.float64)
            for seed in SEEDS:
                doc = make_document(model_id, rng=seed, reference_date=dt.date(2026, 11, 26),
                                    dpi=150, views=[view])  # fmt: skip
                gray = cv2.cvtColor(doc.views[view], cv2.COLOR_RGB2GRAY)
                acc += cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
            arrays[f"{model_id}/{side}"] = np.round(acc / len(SEEDS)).astype(np.uint8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"{len(arrays)} templates -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
