"""Fixed-pitch OCR-B recogniser for MRZ character cells (ICAO 9303-3 §4.2: OCR-B size 1,
pitch 2.54 mm, character set ``A``-``Z``, ``0``-``9``, ``<``).

The reader rectifies every MRZ line to a *canonical strip*: the character pitch is
:data:`PITCH` pixels, the line's vertical centre (middle of the capitals) is the strip's
middle row, and the centre of character ``k`` (0-based) is at
``x = MARGIN + PITCH * (k + 0.5)``. A cell is the :data:`CROP_H` x :data:`CROP_W`
window around a character centre; its pixels, ink-normalised per line, are the
classifier's features. ``scripts/train_ocrb.py`` renders OCR-B glyphs from
``fonts-ocr-b`` into exactly this geometry, with augmentation, and trains the
one-hidden-layer network whose weights live in ``data/ocrb_mlp.npz``. Inference is
plain numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import cv2
import numpy as np

from docsec.errors import OCREngineUnavailable

__all__ = [
    "CLASSES",
    "CROP_H",
    "CROP_W",
    "MARGIN",
    "N_OUTPUTS",
    "PITCH",
    "STRIP_H",
    "CellReading",
    "OcrbClassifier",
    "cell_features",
    "load_classifier",
    "normalise_strip",
    "strip_width",
]

CLASSES = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
#: The network has one more output, "junk": a misaligned or upside-down cell. Its
#: probability mass lowers the confidence of every real character.
N_OUTPUTS = len(CLASSES) + 1
PITCH = 20
CROP_W = 22
CROP_H = 28
STRIP_H = 36
MARGIN = 12
N_FEATURES = CROP_W * CROP_H
#: Rows the levels are measured on, in pitches about the strip's middle: the capitals
#: (about 0.95 pitch tall) with a little paper above and below.
LEVEL_ROWS = 1.2
#: Paper level: the lightest smoothed level within this many pitches (a glyph is about
#: 0.7 pitch wide, so paper shows within two).
PAPER_WINDOW = 2.0
#: Ink level: the darkest within this many pitches (four cells hold a dark stroke even
#: in a run of ``<``).
INK_WINDOW = 4.0
#: Levels are averaged over this many pitches, so neighbouring cells are scaled alike.
LEVEL_SMOOTH = 3.0
#: The local span is at least this share of the line's span: glare can fade print to a
#: quarter of its contrast, and paper texture must not become ink.
MIN_SPAN_SHARE = 0.25
#: Smallest span (gray levels): below it the strip holds no print.
MIN_SPAN = 12.0


#: Column offsets of a cell window.
_CROP_COLUMNS = np.arange(CROP_W)


def strip_width(n_chars: int) -> int:
    """Width in pixels of the canonical strip of a line of ``n_chars`` characters."""
    return 2 * MARGIN + PITCH * n_chars


def _percentiles(values: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """``np.percentile(values, q)`` (linear) for each ``q``, rounded to ``float32`` as
    numpy gives it for a ``float32`` array; a ``uint8`` array's from its histogram (the
    same order statistics and interpolation, without sorting)."""
    if values.dtype != np.uint8 or values.size == 0:
        got = np.percentile(values.astype(np.float32), qs).astype(np.float32)
        return [float(v) for v in got]
    cum = np.cumsum(np.bincount(values.ravel(), minlength=256))
    n = int(cum[-1])
    out = []
    for q in qs:
        virtual = (n - 1) * (q / 100)
        below = math.floor(virtual)
        t = virtual - below
        # the values of rank below and below + 1: the first level whose count passes it
        a, b = (float(v) for v in np.searchsorted(cum, [below, min(below + 1, n - 1)], "right"))
        # numpy's interpolation, from the nearer end
        value = b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t
        out.append(float(np.float32(value)))
    return out


def normalise_strip(strip: np.ndarray) -> np.ndarray:
    """Map a gray line strip to ``float32`` ink density: paper 0, ink 1 (clipped).

    Paper and ink levels are set along the line, a few pitches at a time (paper: the
    upper envelope of the line bridging :data:`PAPER_WINDOW` pitches, ink: the darkest within
    :data:`INK_WINDOW`, both smoothed over :data:`LEVEL_SMOOTH` pitches), so print under
    glare, past a shadow's edge or on a lighting gradient keeps its full ink density.
    The span is never below :data:`MIN_SPAN_SHARE` of the whole line's span (85th minus
    2nd percentile) nor below :data:`MIN_SPAN` gray levels, so plain paper is not
    stretched into ink.
    """
    values = strip.astype(np.float32)
    high, low = _percentiles(strip, (85.0, 2.0))
    whole = high - low
    # levels from the rows of the characters only: a shadow or the next line at the
    # strip's top or bottom edge must not set the ink level
    mid = values.shape[0] // 2
    half = round(LEVEL_ROWS * PITCH / 2)
    band = cv2.GaussianBlur(values, (0, 0), 1.0)[max(mid - half, 0) : mid + half]
    paper = band.max(axis=0)[None, :]
    ink = band.min(axis=0)[None, :]
    # a closing bridges the glyphs without lifting the paper of a lighting gradient
    paper = cv2.morphologyEx(
        paper, cv2.MORPH_CLOSE, np.ones((1, 2 * round(PAPER_WINDOW * PITCH / 2) + 1), np.uint8)
    )
    ink = cv2.erode(ink, np.ones((1, 2 * round(INK_WINDOW * PITCH / 2) + 1), np.uint8))
    k = 2 * round(LEVEL_SMOOTH * PITCH / 2) + 1
    paper = cv2.blur(paper, (k, 1))
    ink = cv2.blur(ink, (k, 1))
    span = np.maximum(paper - ink, max(MIN_SPAN_SHARE * whole, MIN_SPAN))
    out = np.clip((paper - values) / span, 0.0, 1.0)
    return np.asarray(out, dtype=np.float32)


def cell_features(
    norm_strip: np.ndarray,
    n_chars: int,
    *,
    dx: float = 0.0,
    dy: int = 0,
    cells: Sequence[int] | None = None,
) -> np.ndarray:
    """Features ``(len(cells), CROP_H * CROP_W)`` of cells of a normalised canonical strip.

    ``cells`` defaults to all ``n_chars`` cells; ``dx``/``dy`` shift every crop window
    (pixels of the canonical strip), for a local search around the fitted grid.
    """
    index = np.arange(n_chars) if cells is None else np.asarray(cells, dtype=np.intp)
    top = min(max((STRIP_H - CROP_H) // 2 + dy, 0), STRIP_H - CROP_H)
    rows = norm_strip[top : top + CROP_H]
    width = rows.shape[1]
    # every window's left edge at once (rounded half to even, as Python's round)
    left = np.round(MARGIN + PITCH * (index + 0.5) + dx - CROP_W / 2).astype(np.intp)
    left = np.clip(left, 0, width - CROP_W)
    windows = rows[:, left[:, None] + _CROP_COLUMNS]  # (CROP_H, cells, CROP_W)
    out = np.ascontiguousarray(windows.transpose(1, 0, 2), dtype=np.float32)
    return out.reshape(len(index), N_FEATURES)


@dataclass(frozen=True, slots=True)
class CellReading:
    """Recognition of one character cell: best character, its probability, ranked candidates."""

    char: str
    confidence: float
    candidates: tuple[tuple[str, float], ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "char": self.char,
            "confidence": round(self.confidence, 4),
            "candidates": [[c, round(p, 4)] for c, p in self.candidates],
        }


@dataclass(frozen=True)
class OcrbClassifier:
    """One-hidden-layer network (ReLU, softmax) over cell pixels, trained by the script."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    version: str

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probabilities ``(N, N_OUTPUTS)`` (classes, then junk; ``float32``, as the whole
        network computes) of feature rows ``(N, 616)``."""
        x = (np.asarray(features, dtype=np.float32) - self.mean) * self.scale
        hidden = np.maximum(x @ self.w1 + self.b1, np.float32(0.0))
        logits = hidden @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        exp /= exp.sum(axis=1, keepdims=True)
        return np.asarray(exp, dtype=np.float32)

    def read_cells(self, features: np.ndarray, *, top_k: int = 3) -> list[CellReading]:
        """Best character, confidence and the ``top_k`` candidates of every cell."""
        return self.read_cells_from_proba(self.predict_proba(features), top_k=top_k)

    @staticmethod
    def read_cells_from_proba(proba: np.ndarray, *, top_k: int = 3) -> list[CellReading]:
        """:class:`CellReading` of every row of class probabilities (junk column ignored)."""
        proba = proba[:, : len(CLASSES)]
        order = np.argsort(-proba, axis=1)[:, :top_k]
        best = np.take_along_axis(proba, order, axis=1)
        readings = []
        for idx, ps in zip(order.tolist(), best.tolist(), strict=True):
            cands = tuple(zip((CLASSES[i] for i in idx), ps, strict=True))
            readings.append(CellReading(cands[0][0], cands[0][1], cands))
        return readings


@cache
def load_classifier() -> OcrbClassifier:
    """Load the committed OCR-B classifier (``docsec/ocr/data/ocrb_mlp.npz``), cached, read-only."""
    try:
        ref = resources.files("docsec.ocr") / "data" / "ocrb_mlp.npz"
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
            arrays = {k: np.asarray(data[k]) for k in data.files}
    except (OSError, ValueError, KeyError) as exc:
        raise OCREngineUnavailable(
            f"the OCR-B classifier weights cannot be loaded ({exc}); run scripts/train_ocrb.py"
        ) from None
    classes = str(arrays["classes"])
    if (
        classes != CLASSES
        or arrays["w1"].shape[0] != N_FEATURES
        or arrays["w2"].shape[1] != N_OUTPUTS
    ):
        raise OCREngineUnavailable("the OCR-B classifier weights do not match this code version")
    weights = {k: arrays[k].astype(np.float32) for k in ("mean", "scale", "w1", "b1", "w2", "b2")}
    for w in weights.values():
        w.setflags(write=False)  # shared by every thread: read-only
    return OcrbClassifier(**weights, version=str(arrays["version"]))
