"""Pictures of why the reader found (or did not find) an MRZ: ``docsec read --debug DIR``.

:func:`debug_images` draws, over the capture, every band candidate of
:func:`~docsec.read.locate.find_mrz_bands` (rank and score; the finder's working image
is where its scale and pitch kernels apply) and, when a reading was made, the fitted
character grid (every cell centre) with the reading's MRZ quad.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from docsec.imaging.geometry import to_gray
from docsec.read.locate import BandCandidate, find_mrz_bands
from docsec.read.mrz import BandRead

__all__ = ["debug_images", "write_debug"]

_BAND_COLOURS = ((230, 40, 40), (240, 150, 20), (200, 200, 0), (60, 160, 60), (40, 120, 230))


def _rgb(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB) if image.ndim == 2 else image.copy()


def _draw_bands(canvas: np.ndarray, bands: list[BandCandidate]) -> None:
    width = max(1, round(max(canvas.shape[:2]) / 600))
    for rank, band in enumerate(bands):
        colour = _BAND_COLOURS[rank % len(_BAND_COLOURS)]
        pts = np.round(band.corners_xy()).astype(np.int32)
        cv2.polylines(canvas, [pts], True, colour, width, lineType=cv2.LINE_AA)
        label = f"{rank + 1}: {band.lines} lines, score {band.score:.1f}"
        x, y = (int(v) for v in pts.min(axis=0))
        cv2.putText(canvas, label, (x, max(12, y - 4)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.4 * width, colour, width, cv2.LINE_AA)  # fmt: skip


def _draw_grid(canvas: np.ndarray, reading: BandRead) -> None:
    n = len(reading.lines[0])
    rows = len(reading.lines)
    cols, lines = np.meshgrid(np.arange(n, dtype=np.float64), np.arange(rows, dtype=np.float64))
    grid = np.column_stack([cols.ravel(), lines.ravel(), np.ones(cols.size)])
    mapped = grid @ reading.grid_to_capture.T
    centres = mapped[:, :2] / mapped[:, 2:3]
    unsure = set(reading.unsure)
    radius = max(1, round(max(canvas.shape[:2]) / 700))
    for k, (x, y) in enumerate(centres):
        colour = (230, 30, 30) if (k // n, k % n) in unsure else (20, 170, 60)
        cv2.circle(canvas, (int(round(x)), int(round(y))), radius, colour, -1, cv2.LINE_AA)
    quad = np.round(reading.quad_xy).astype(np.int32)
    cv2.polylines(canvas, [quad], True, (30, 90, 230), radius, lineType=cv2.LINE_AA)


def debug_images(image: np.ndarray, reading: BandRead | None) -> dict[str, np.ndarray]:
    """``bands``: every band candidate over the capture; ``grid``: the fitted grid (cell
    centres, green when vouched for or sure, red when unsure) and the MRZ quad."""
    bands = find_mrz_bands(to_gray(image))
    out = {}
    canvas = _rgb(image)
    _draw_bands(canvas, bands)
    out["bands"] = canvas
    if reading is not None:
        canvas = _rgb(image)
        _draw_grid(canvas, reading)
        out["grid"] = canvas
    return out


def write_debug(directory: Path, stem: str, image: np.ndarray, reading: BandRead | None
                ) -> list[Path]:  # fmt: skip
    """Write :func:`debug_images` as ``<stem>.bands.png`` and ``<stem>.grid.png``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, picture in debug_images(image, reading).items():
        path = directory / f"{stem}.{name}.png"
        cv2.imwrite(str(path), cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
        written.append(path)
    return written
