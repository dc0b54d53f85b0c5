"""Rebuild ``docsec/inspect/data/references.npz``: the unpersonalised look of every model.

What a reference collection (PRADO-style) shows an examiner: each side of each document
model in every light (white, UV 365, IR, transmitted, the tilt frames) with no holder data,
no portrait and no per-copy fibres, at :data:`REF_DPI` (tilt frames stored as their XOR with
the white view); and the dot-matrix glyphs of the
laser-perforation font (9 rows). :mod:`docsec.inspect` compares captures with these and
never calls the generator. Deterministic: the design is fixed per model.

Usage: ``.venv/bin/python scripts/make_references.py [--check]`` (``--check`` compares the
stored file with a fresh build and exits 1 when they differ).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docsec.generate.patterns import _dot_matrix  # noqa: E402
from docsec.generate.plan import Plan  # noqa: E402
from docsec.generate.render import TILT_FRAMES, render_views  # noqa: E402
from docsec.models import FANTASY_MODEL_IDS, MODEL_IDS, get_model  # noqa: E402

REF_DPI = 100
PERFORATION_ROWS = 9
GLYPHS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
OUT = Path(__file__).resolve().parent.parent / "docsec" / "inspect" / "data" / "references.npz"


def build() -> dict[str, np.ndarray]:
    """Every reference array by key (``model/side/light``, ``glyph/<c>``)."""
    arrays: dict[str, np.ndarray] = {"dpi": np.asarray(REF_DPI)}
    for model_id in MODEL_IDS + FANTASY_MODEL_IDS:
        model = get_model(model_id)
        plan = Plan(model_id=model_id, dpi=REF_DPI).with_state("uv_fibres", "absent")
        views = [v for v in model.view_names(tilt_frames=TILT_FRAMES) if v != "vin_plate"]
        rendered = render_views(plan, views=views)
        for name, img in rendered.items():
            side = "back" if name.endswith("_back") else "front"
            light = name.removesuffix("_back")
            if light.startswith("tilt_"):
                # a tilt frame differs from white light only on the optically variable
                # features: stored as the XOR with the white view, which compresses to little
                white = rendered["white" if side == "front" else "white_back"]
                img = np.bitwise_xor(img, white)
            arrays[f"{model_id}/{side}/{light}"] = img
    for c in GLYPHS:
        arrays[f"glyph/{c}"] = np.asarray(_dot_matrix(c, PERFORATION_ROWS), np.uint8)
    return arrays


def encode(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


def main() -> int:
    arrays = build()
    if "--check" in sys.argv[1:]:
        with np.load(OUT) as stored:
            same = set(stored.files) == set(arrays) and all(
                np.array_equal(stored[k], arrays[k]) for k in arrays
            )
        print("references up to date" if same else "references differ from the generator")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(encode(arrays))
    print(f"{len(arrays)} arrays -> {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
