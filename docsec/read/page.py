"""Which document model a reading belongs to, and where its page is in the capture.

Two routes give the page. With an MRZ, the model is recognised from the MRZ itself: its
format (line count and length) and its issuing state (line 1, positions 3-5, ICAO 9303-3
§4.2) select one of the models in :mod:`docsec.models`. The page homography then
follows from the MRZ grid: the OCR-B cells sit at a 2.54 mm pitch (10 characters per
inch, ICAO 9303-3 §4.2.2) inside the
model's MRZ box, so grid coordinates map to page millimetres by a known affine map and
``page -> capture = grid -> capture  o  page -> grid``; that quad is then snapped onto the
page's own edges when they are clear (:func:`docsec.read.pagefind.find_page` with the MRZ
quad as prior). Without an MRZ (vehicle registration certificates, the front of a TD1
card) the page is found from its edges and contrast against the background and the model
and side are recognised from the design (:mod:`docsec.read.pagefind`).
:func:`rectify` warps the page to the model's canonical frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from docsec.imaging.geometry import apply_homography
from docsec.models import (
    CANONICAL_DPI,
    MRZ_LEFT_MM,
    MRZ_LINE_PITCH_MM,
    MRZ_PITCH_MM,
    DocumentModel,
    load_models,
    mm_to_px,
)
from docsec.read.mrz import BandRead
from docsec.read.pagefind import PageMatch, find_page

__all__ = [
    "PageFit",
    "fit_page",
    "locate_page",
    "mrz_grid_to_page_mm",
    "recognise_model",
    "rectify",
]

#: Largest distance (share of the page diagonal) between the MRZ-derived page corners and
#: the page edges found near them for the edges to replace the MRZ prediction.
_SNAP_SHARE = 0.06
#: A page refined on its MRZ-predicted quad alone whose corners reach further than this
#: share of its diagonal outside the capture was snapped onto other print (a card's
#: printed frame, a design line), not onto the page's edges: the page candidates of the
#: whole capture are then tried too, as in a thorough search (a flat capture of a card
#: snapped 20 px over its top edge, 2 % of the diagonal, read its fields' dates wrong).
_OUTSIDE_SHARE = 0.01

# Centre of an OCR-B glyph from its drawing origin: half the advance of a font whose
# capitals are 2.42 mm high (capitals are 0.73 em, the advance 0.723 em).
_GLYPH_CENTRE_MM = 0.5 * 0.723 * 2.42 / 0.73


@dataclass(frozen=True)
class PageFit:
    """The recognised model (or None), the page quad in capture pixels, the page's turn.

    ``orientation`` is the clockwise quarter turn of the page in the capture (0, 90,
    180, 270); ``page_mm_to_capture`` maps page millimetres ``[x, y]`` to capture pixels;
    ``side`` is the captured side of the model; ``source`` says where the quad came from:
    ``"mrz"`` (the MRZ grid), ``"mrz+edges"`` (the MRZ grid snapped onto the page edges)
    or ``"edges"`` (the page edges and design alone); ``score`` is the template
    correlation of the page (None when not measured).
    """

    model: DocumentModel | None
    quad_xy: np.ndarray | None
    orientation: int
    page_mm_to_capture: np.ndarray | None
    side: str = "front"
    source: str = "mrz"
    score: float | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``document`` part of a reading."""
        return {
            "model": self.model.id if self.model is not None else None,
            "side": self.side if self.model is not None else None,
            "quad": None if self.quad_xy is None else np.round(self.quad_xy, 1).tolist(),
            "orientation": self.orientation,
            "quad_source": self.source if self.quad_xy is not None else None,
            "page_score": None if self.score is None else round(self.score, 3),
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
    side = model.mrz.side if model.mrz is not None else "front"
    return PageFit(model, quad, orientation, mm_to_cap, side)


def _from_match(match: PageMatch, source: str) -> PageFit:
    return PageFit(match.model, match.quad_xy, match.orientation, match.page_mm_to_capture(),
                   match.side, source, match.score)  # fmt: skip


def _outside(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether a corner of ``quad`` lies beyond :data:`_OUTSIDE_SHARE` of its diagonal
    outside an image of ``shape``."""
    h, w = shape[:2]
    margin = _OUTSIDE_SHARE * float(np.linalg.norm(quad[2] - quad[0]))
    xs, ys = quad[:, 0], quad[:, 1]
    return bool(xs.min() < -margin or ys.min() < -margin
                or xs.max() > w + margin or ys.max() > h + margin)


def locate_page(
    image: np.ndarray, mrz_page: PageFit | None = None, *, thorough: bool = True
) -> PageFit | None:
    """The page of a capture: the MRZ-derived page snapped onto its edges, or found alone.

    With ``mrz_page`` (from :func:`fit_page`) only that model is tried, on the quad of the
    MRZ prediction refined against the page edges and, when ``thorough``, on every other
    page candidate of the capture too (about 40 ms more; the visual zone wants the best
    quad, an MRZ-only read does not). The edges replace the prediction when their corners
    lie within :data:`_SNAP_SHARE` of the page diagonal (otherwise the MRZ prediction
    stands). With no MRZ page, every model side is tried on every page candidate of the
    capture; None when no page of a known model is found. An MRZ page without a model
    (an MRZ was read but its format and issuer name no model) rules out the models'
    MRZ sides.
    """
    if mrz_page is not None and mrz_page.model is not None and mrz_page.quad_xy is not None:
        match = find_page(image, prior_quad_xy=mrz_page.quad_xy, models=(mrz_page.model.id,),
                          prior_only=not thorough)  # fmt: skip
        if not thorough and match is not None and _outside(match.quad_xy, image.shape):
            match = find_page(image, prior_quad_xy=mrz_page.quad_xy,
                              models=(mrz_page.model.id,))  # fmt: skip
        if match is None or match.side != mrz_page.side:
            return mrz_page
        diag = float(np.linalg.norm(mrz_page.quad_xy[2] - mrz_page.quad_xy[0]))
        if np.abs(match.quad_xy - mrz_page.quad_xy).max() > _SNAP_SHARE * diag:
            return mrz_page
        return _from_match(match, "mrz+edges")
    match = find_page(image)
    if match is None:
        return None
    if mrz_page is not None and match.model.mrz is not None and match.model.mrz.side == match.side:
        # an MRZ was read that names no known model, so this page is no known model's MRZ
        # side (its MRZ would have named it): a look-alike design, not that model
        return None
    return _from_match(match, "edges")


def rectify(image: np.ndarray, page: PageFit, *, dpi: int = CANONICAL_DPI) -> np.ndarray:
    """The page of ``image`` warped upright to the model's canonical frame at ``dpi``.

    The result has the model's size in pixels (``model.canonical_px(dpi)``), the page's
    top-left corner at the origin, and the channels of ``image``. Raises
    :class:`~docsec.errors.RegionNotFound` if the page has no model or homography.
    """
    from docsec.errors import ImageError, RegionNotFound

    if page.model is None or page.page_mm_to_capture is None:
        raise RegionNotFound("the page was not located: nothing to rectify")
    if dpi <= 0 or dpi > 1200:
        raise ImageError(f"dpi must be in 1..1200, got {dpi}")
    scale = np.diag([25.4 / dpi, 25.4 / dpi, 1.0])  # page px at dpi -> mm
    size = (mm_to_px(page.model.size_mm[0], dpi), mm_to_px(page.model.size_mm[1], dpi))
    return cv2.warpPerspective(
        image, page.page_mm_to_capture @ scale, size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip
