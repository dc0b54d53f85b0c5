"""The unpersonalised reference of every model (what a PRADO entry shows an examiner).

Each side of each model in every light, with no holder data, portrait or per-copy fibres,
at :data:`REF_DPI` (``data/references.npz``, rebuilt by ``scripts/make_references.py``), and
the dot-matrix glyphs of the laser-perforation font. Checks compare captures with these.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from docsec.errors import InvalidComponent

__all__ = ["REF_DPI", "glyphs", "reference"]

#: Resolution of the stored references (pixels per inch).
REF_DPI = 100


@functools.cache
def _store() -> Mapping[str, NDArray[np.uint8]]:
    path = resources.files("docsec.inspect") / "data" / "references.npz"
    with path.open("rb") as fh, np.load(fh) as npz:
        return {k: np.asarray(npz[k]) for k in npz.files}


@functools.cache
def reference(model_id: str, side: str, light: str) -> NDArray[np.uint8]:
    """The model's unpersonalised ``side`` in ``light`` (``white``, ``uv365``, ``ir``,
    ``transmitted``, ``tilt_1`` ...) at :data:`REF_DPI`; RGB for white, UV and tilt, gray
    for IR and transmitted.

    >>> reference("uto_passport_td3", "front", "uv365").shape
    (346, 492, 3)
    """
    store = _store()
    key = f"{model_id}/{side}/{light}"
    if key not in store:
        raise InvalidComponent(f"no reference for {key!r}")
    img = store[key]
    if light.startswith("tilt_"):
        img = np.bitwise_xor(img, store[f"{model_id}/{side}/white"])
    img.setflags(write=False)
    return img


@functools.cache
def glyphs() -> Mapping[str, NDArray[np.bool_]]:
    """Dot-matrix cells (True = hole) of each character of the laser-perforation font,
    trimmed to the inked rows and columns."""
    out = {}
    for k, v in _store().items():
        if k.startswith("glyph/"):
            g = v.astype(bool)
            rows, cols = np.nonzero(g.any(axis=1))[0], np.nonzero(g.any(axis=0))[0]
            out[k.removeprefix("glyph/")] = g[rows.min() : rows.max() + 1,
                                              cols.min() : cols.max() + 1]  # fmt: skip
    return out
