"""Which document model a reading belongs to, and where its page is in the capture.

The model is recognised from the MRZ itself: its format (line count and length) and its
issuing state (line 1, positions 3-5, ICAO 9303-3 §4.2) select one of the models in
:mod:`docsec.models`. The page homography then follows from the MRZ grid: the OCR-B
cells sit at a 2.54 mm pitch (10 characters per inch, ICAO 9303-3 §4.2.2) inside the
model's MRZ box, so grid coordinates map to page millimetres by a known affine map and
``page -> capture = grid -> capture  o  page -> grid``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from docsec.imaging.geometry import apply_homography
from docsec.models import (
    MRZ_LEFT_MM,
    MRZ_LINE_PITCH_MM,
    MRZ_PITCH_MM,
    DocumentModel,
    load_models,
)
from docsec.read.mrz import BandRead

__all__ = [
    "PageFit",
    "fit_page",
    "mrz_grid_to_page_mm",
    "recognise_model",
]

# Centre of an OCR-B glyph from its drawing origin: half the advance of a font whose
# capitals are 2.42 mm high (capitals are 0.73 em, the advance 0.723 em).
_GLYPH_CENTRE_MM = 0.5 * 0.723 * 2.42 / 0.73


@dataclass(frozen=True)
class PageFit:
    """The recognised model (or None), the page quad in capture pixels, the page's turn.

    ``orientation`` is the clockwise quarter turn of the page in the capture (0, 90,
    180, 270); ``page_mm_to_capture`` maps page millimetres ``[x, y]`` to capture pixels.
    """

    model: DocumentModel | None
    quad_xy: np.ndarray | None
    orientation: int
    page_mm_to_capture: np.ndarray | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``document`` part of a reading."""
        return {
            "model": self.model.id if self.model is not None else None,
            "quad": None if self.quad_xy is None else np.round(self.quad_xy, 1).tolist(),
            "orientation": self.orientation,
        }


def recognise_model(reading: BandRead) -> DocumentModel | None:
    """The model whose MRZ format and issuing state match the reading, if exactly one does."""
    issuer = reading.lines[0][2:5]
    matches = [
        m
        for m in load_models().values()
        if m.format_name == reading.format.name and m.issuer == issuer and m.mrz is not None
    ]
    return matches[0] if len(matches) == 1 else None


def mrz_grid_to_page_mm(model: DocumentModel, n_chars: int, n_lines: int) -> np.ndarray:
    """Affine map (3x3) from MRZ grid ``(column, line)`` (character centres) to page mm.

    Layout of docsec documents (:data:`docsec.models.MRZ_LEFT_MM` and its siblings, which
    the generator prints with): the first cell starts :data:`MRZ_LEFT_MM` inside the MRZ
    box, characters 2.42 mm high on the ICAO pitch, lines :data:`MRZ_LINE_PITCH_MM` apart
    (closer if the box is short), the block centred vertically in the box.
    """
    if model.mrz is None:
        raise ValueError(f"model {model.id} has no MRZ")
    x, y, w, h = model.mrz.box_mm
    first_x = x + MRZ_LEFT_MM + _GLYPH_CENTRE_MM
    line_step = min(MRZ_LINE_PITCH_MM, h / n_lines)
    first_y = y + h / 2 - line_step * (n_lines - 1) / 2
    return np.array([[MRZ_PITCH_MM, 0.0, first_x], [0.0, line_step, first_y], [0.0, 0.0, 1.0]])


def fit_page(reading: BandRead, width: int, height: int) -> PageFit:
    """Model, page quad and orientation for an MRZ reading in a ``width`` x ``height`` capture."""
    orientation = int(round(reading.direction_deg / 90.0)) % 4 * 90
    model = recognise_model(reading)
    if model is None:
        return PageFit(None, None, orientation, None)
    n_lines = len(reading.lines)
    grid_to_mm = mrz_grid_to_page_mm(model, len(reading.lines[0]), n_lines)
    mm_to_cap = reading.grid_to_capture @ np.linalg.inv(grid_to_mm)
    mm_to_cap /= mm_to_cap[2, 2]
    w_mm, h_mm = model.size_mm
    quad = apply_homography(np.array([[0, 0], [w_mm, 0], [w_mm, h_mm], [0, h_mm]]), mm_to_cap)
    return PageFit(model, quad, orientation, mm_to_cap)
