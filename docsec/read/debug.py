"""Pictures of why the reader found (or did not find) an MRZ: ``docsec read --debug DIR``.

:func:`debug_images` draws, over the capture, every band candidate of
:func:`~docsec.read.locate.find_mrz_bands` (rank and score; the finder's working image
is where its scale and pitch kernels apply), each of the first bands cut out upright
at a common character size (what the reader rectifies and reads: glare, a shadow's
edge, blur or a dot-matrix print show there at a legible scale) and, when a reading was
made, the fitted character grid (every cell centre) with the reading's MRZ quad.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from docsec.imaging.geometry import to_gray
from docsec.read.locate import BandCandidate, find_mrz_bands
from docsec.read.mrz import BandRead

__all__ = ["band_crop", "debug_images", "write_debug"]

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


#: Bands cut out upright in the ``crops`` picture (the reader tries the first ones most).
CROP_BANDS = 4
#: Character pitch of the upright crops (pixels): large enough to see a glyph's strokes.
CROP_PITCH = 24.0
#: Margin around a band in its crop, in character pitches (the reader's patch reaches
#: past the band's ends and into the lines above and below).
CROP_MARGIN = 2.0
#: Widest crop (pixels): a band of 44 cells at :data:`CROP_PITCH` with its margins fits.
CROP_WIDTH = 1400


def band_crop(gray: np.ndarray, band: BandCandidate) -> np.ndarray:
    """``band`` cut out of ``gray`` with its lines horizontal at :data:`CROP_PITCH`
    (at most :data:`CROP_WIDTH` wide), with :data:`CROP_MARGIN` pitches around it."""
    pitch = band.pitch or band.thickness
    scale = min(CROP_PITCH / max(pitch, 1.0),
                CROP_WIDTH / (band.length + 2 * CROP_MARGIN * pitch))  # fmt: skip
    a = np.radians(band.angle_deg)
    u = np.array([np.cos(a), np.sin(a)])
    v = np.array([-np.sin(a), np.cos(a)])
    width = max(1, int(round((band.length + 2 * CROP_MARGIN * pitch) * scale)))
    height = max(1, int(round((band.height + 2 * CROP_MARGIN * pitch) * scale)))
    lin = np.column_stack([u, v]) / scale  # crop -> capture, about the crop's centre
    origin = np.array(band.centre_xy) - lin @ np.array([width / 2, height / 2])
    to_capture = np.hstack([lin, origin[:, None]])
    return cv2.warpAffine(gray, to_capture, (width, height),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def _crops(gray: np.ndarray, bands: list[BandCandidate]) -> np.ndarray:
    """The first :data:`CROP_BANDS` bands' upright crops stacked, each labelled with its
    rank, line count and pitch."""
    rows = []
    for rank, band in enumerate(bands[:CROP_BANDS]):
        crop = _rgb(band_crop(gray, band))
        colour = _BAND_COLOURS[rank % len(_BAND_COLOURS)]
        label = f"{rank + 1}: {band.lines} lines, pitch {band.pitch or band.thickness:.1f} px"
        head = np.full((18, crop.shape[1], 3), 255, np.uint8)
        cv2.putText(head, label, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.45, colour, 1, cv2.LINE_AA)
        rows += [head, crop]
    width = max(r.shape[1] for r in rows)
    return np.vstack([np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255)
                      for r in rows])  # fmt: skip


def debug_images(image: np.ndarray, reading: BandRead | None) -> dict[str, np.ndarray]:
    """``bands``: every band candidate over the capture; ``crops``: the first bands cut
    out upright (none when no band was found); ``grid``: the fitted grid (cell centres,
    green when vouched for or sure, red when unsure) and the MRZ quad."""
    gray = to_gray(image)
    bands = find_mrz_bands(gray)
    out = {}
    canvas = _rgb(image)
    _draw_bands(canvas, bands)
    out["bands"] = canvas
    if bands:
        out["crops"] = _crops(gray, bands)
    if reading is not None:
        canvas = _rgb(image)
        _draw_grid(canvas, reading)
        out["grid"] = canvas
    return out


def write_debug(directory: Path, stem: str, image: np.ndarray, reading: BandRead | None
                ) -> list[Path]:  # fmt: skip
    """Write :func:`debug_images` as ``<stem>.bands.png``, ``<stem>.crops.png`` and
    ``<stem>.grid.png``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, picture in debug_images(image, reading).items():
        path = directory / f"{stem}.{name}.png"
        cv2.imwrite(str(path), cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
        written.append(path)
    return written
