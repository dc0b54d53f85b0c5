"""Find the document page in a capture from its own edges, and recognise its model.

The page finder does not need an MRZ, and finding the page does not depend on any
design: on a downscaled copy of the capture it collects candidate quads from

* straight edges: LSD segments of the lightness and of the colourfulness, merged into
  lines ranked by their longest stretch along an edge; two pairs of roughly opposite
  lines whose four sides all run along edges give a quad, and so do two opposite lines
  and one across them, the page ending where the edges of its long sides end (a side
  lost in glare or against a paper of the same colour); quads are ranked by edge cover
  and by the contrast across their outline, and only quads of a known page format's
  aspect are kept (:func:`page_quads`);
* the page's outline: Canny edges of the gray and colour channels, closed and traced as
  contours; each large contour's convex hull is reduced to four corners;
* the page against the background: pixels that differ in colour from the capture's
  border (the scanner lid, the table) form blobs whose hulls give more quads;
* a prior quad (the page predicted from the MRZ grid, :mod:`docsec.read.page`).

Only then is the design compared: every candidate is refined by fitting a straight line
to the strongest edge along each of its four sides, then rectified to each model side's
template (the averaged look of the design: titles, labels, guilloche, portrait and MRZ
areas, built by ``scripts/make_page_templates.py``) in each of the four corner orders
whose aspect ratio fits the model's ISO/IEC 7810 / ICAO 9303 size. The normalised
cross-correlation with the template scores the candidate; the best one above
``min_score`` that also agrees with its template region by region
(:func:`local_agreement`) gives the page quad, the model, the side and the quarter
turn, and the quad is snapped onto the edges of the full-resolution capture. Pages that
match no template are reported as not found: clutter and pages of designs no model has
(a portrait on the left and an MRZ at the foot correlate with every passport template
globally, never region by region). When no candidate holds, the best near misses (a
side lost in glare or against a paper of the same colour) have their corners moved onto
the template (:func:`polish_match`); a polished quad must pass the same checks and also
agree, cell by cell at 100 dpi, with the model's printed design outside the holder's
data (:func:`design_agreement`: title letters, labels, emblem, guilloche), which a page
of another design bent onto a 96-pixel template does not. Thresholds:
:class:`PageFindParams`.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass, replace
from importlib import resources

import cv2
import numpy as np

from docsec.imaging.geometry import apply_homography, order_quad, to_gray
from docsec.models import DocumentModel, get_model

__all__ = [
    "MIN_SCORE",
    "PAGEFIND",
    "PERSONALISED_FEATURES",
    "PageFindParams",
    "PageMatch",
    "design_agreement",
    "find_page",
    "load_templates",
    "local_agreement",
    "match_quad",
    "page_quads",
    "polish_match",
    "refine_quad",
]

@dataclass(frozen=True)
class PageFindParams:
    """Thresholds of the page finder, each with its reason (defaults: :data:`PAGEFIND`)."""

    #: Longest side of the downscaled image the finder works on (pixels): pages span
    #: 150+ px there, enough for their edges and the design, and the search stays cheap.
    work_size: int = 640
    #: Lowest template correlation accepted as a page of a known model: genuine pages of
    #: hard photos score 0.5-0.95 on their true quad, pages of other designs below 0.4.
    min_score: float = 0.45
    #: Largest ``|log(apparent aspect / model aspect)|`` tried (perspective shortens sides).
    aspect_tolerance: float = 0.3
    #: Smallest page area (share of the frame): captures show the page at 5 % and more.
    min_area_share: float = 0.03
    #: Shortest side of a candidate quad (work pixels) worth rectifying at all.
    min_side_px: float = 8.0
    #: Canny thresholds on the Lab channels (low, high): paper against desk or paper.
    canny_low: int = 20
    canny_high: int = 60
    #: Colour-distance blobs: closing (work pixels) joins a page split by print or glare,
    #: opening drops thin clutter (lines, text) touching it.
    blob_close_px: int = 7
    blob_open_px: int = 9
    #: Colour-distance cuts (CIELAB x4) of the page-against-background masks.
    contrast_cuts: tuple[float, ...] = (12.0, 24.0, 40.0)
    #: Polygon tolerances (share of the perimeter) tried to reduce a hull to four corners.
    hull_eps: tuple[float, ...] = (0.02, 0.04, 0.08)
    #: Shortest line segment kept for the line search (share of the work image's side):
    #: page edges are long, text strokes and guilloche short.
    min_segment_share: float = 0.04
    #: Segments on one straight line: angles within this (degrees) ...
    merge_angle_deg: float = 1.5
    #: ... and offsets within this (work pixels).
    merge_offset_px: float = 1.5
    #: Lines kept for the quad search, the longest edge stretch first (quadruples of
    #: lines grow as n^4/8, vectorised: 40 lines cost a few milliseconds).
    max_lines: int = 80
    #: Shortest edge stretch of a kept line (share of the work image's side): a page side
    #: of a page at the smallest size runs this far.
    min_run_share: float = 0.06
    #: Holes of this many samples in an edge stretch are bridged (glare, a stain).
    run_gap_px: int = 4
    #: Gain of the colourfulness image the second LSD pass runs on (chroma 0-60 -> 0-240).
    chroma_gain: float = 4.0
    #: Opposite sides of a page differ in angle by at most this under 30 degree tilts.
    opposite_angle_deg: float = 35.0
    #: Adjacent sides meet at more than this angle (a page corner seen at a slant).
    corner_angle_deg: float = 50.0
    #: An edge pixel: the gradient across the side (levels a pixel) exceeds this ...
    edge_gradient: float = 2.5
    #: ... and is at least this share of the whole gradient (the edge runs along the side).
    edge_alignment: float = 0.75
    #: Search across a side for its edge (work pixels): corners are interpolated.
    edge_reach_px: int = 2
    #: Least share of every side covered by edge for a line quad to be kept.
    min_side_cover: float = 0.3
    #: Three-line quads: least edge cover of the side across the two opposite lines ...
    three_side_cover: float = 0.6
    #: ... the opposite lines' edges run at least this share of that side's length ...
    three_min_extent: float = 0.3
    #: ... and end at the same distance within this share (perspective foreshortening).
    three_extent_match: float = 0.3
    #: ... and rank below four-line quads of the same cover by this factor.
    three_line_weight: float = 0.8
    #: Line quads ranked for the distinct best (the rest are near copies or worse).
    max_ranked_quads: int = 800
    #: Points a side where the inside and outside of a quad are compared ...
    contrast_samples: int = 12
    #: ... this far from the side (work pixels, past the blur of an edge) ...
    contrast_step_px: float = 4.0
    #: ... and the Lab distance that counts as a fully clear outline.
    contrast_full: float = 20.0
    #: Line quads passed on to model recognition, best edge cover first.
    max_line_quads: int = 24
    #: Line quads ranked after those, tried only when nothing else holds (a page among
    #: papers whose outlines rank above its own: 3 of 11 hard-photo pages missed were
    #: found in the next 24) and held to :func:`design_agreement` like a polished quad.
    extra_line_quads: int = 24
    #: Quads whose corners are all within this of a tried one are not tried again.
    same_quad_px: float = 4.0
    #: Edge refinement: reach across each side (share of the quad's diagonal).
    refine_reach: float = 0.025
    #: Edge refinement: weakest step (levels) taken for an edge, absolute and relative
    #: to the median step along the side.
    refine_min_step: float = 4.0
    refine_rel_step: float = 0.5
    #: Edge refinement: profiles across each side (between 10 % and 90 % of its length).
    refine_profiles: int = 24
    #: Edge refinement: fewest edge points (of ``refine_profiles``) for a side to move.
    refine_min_points: int = 6
    #: Cells a side of the grid of :func:`local_agreement`.
    agreement_grid: int = 4
    #: Share of the template's (unit) energy a cell needs to be judged, relative to an
    #: even spread: cells of flat paper are skipped.
    agreement_min_energy: float = 0.25
    #: Lowest :func:`local_agreement` of a recognised page: genuine pages of mild scans
    #: and hard photos (generator, seed 21) agree at 0.75 and more on the quads found
    #: (quads a few per cent off, polished first: ``repolish_below``), candidates on
    #: pages of other designs (bench/independent, seed 9303) at 0.67 at most.
    min_agreement: float = 0.7
    #: The same when the caller names the models (the MRZ named the model, or the other
    #: side of the document was recognised): no unknown design is in question, only this
    #: model's sides and turns, so the bound set before the page grid was corrected stays
    #: (genuine pages of hard photos agreed at 0.58 and more even then).
    named_min_agreement: float = 0.48
    #: Candidates verified cell by cell, the best-correlated first.
    max_verified: int = 6
    #: Final refinement at full resolution: reach across each side (work pixels).
    final_reach: float = 3.0
    #: Template polish when no candidate is verified: the best candidates scoring this
    #: or more (a quad a few per cent off the page: genuine pages of hard photos scored
    #: 0.27-0.72 on such quads) have their corners moved to raise the correlation ...
    polish_min_score: float = 0.25
    #: ... at most this many candidates, the best-scoring first ...
    polish_candidates: int = 3
    #: ... by steps of these shares of the quad's diagonal, coarse to fine (the quads
    #: that miss are 3-12 % off); the polished quad must then pass ``min_score`` and
    #: ``min_agreement`` like any other, and :func:`design_agreement` as well.
    polish_steps: tuple[float, ...] = (0.04, 0.02, 0.01, 0.005)
    #: Lowest :func:`design_agreement` of a polished page: the polish moves eight corner
    #: coordinates until a 96-pixel template correlates, so pages of unknown designs
    #: (bench/independent: 170 captures, 3 candidates each) reach template scores of
    #: 0.45-0.78 and cell agreement up to 0.67, but agree with the model's printed
    #: design at 100 dpi at 0.19 at most; genuine polished pages of hard photos 0.39-0.82.
    min_design_agreement: float = 0.4
    #: Cells of :func:`design_agreement` (millimetres a side): a title's word, a label,
    #: a stretch of guilloche or an emblem's quarter.
    design_cell_mm: float = 8.0
    #: A cell is judged when the reference's band-passed print varies by this much
    #: (mean square, levels^2 a pixel): flat paper and tint say nothing.
    design_min_texture: float = 4.0
    #: Band-pass of :func:`design_agreement` (Gaussian sigmas in reference pixels at
    #: 100 dpi): the fine one absorbs a hand-held photo's blur, the coarse one lighting.
    design_fine_sigma: float = 1.2
    design_coarse_sigma: float = 8.0
    #: Iterations of the ECC alignment of the page onto the reference before the cells
    #: are compared (a polished quad is a millimetre or two off).
    design_ecc_iterations: int = 60
    #: Height of the label line at the top of a field box (mm, as the visual-zone reader's
    #: ``VizParams.label_mm``): labels are the design, the value below them the holder's.
    design_label_mm: float = 1.9
    #: Rounds of corner moves a step size at most.
    polish_rounds: int = 4
    #: A candidate scoring below this is polished (:func:`polish_match`) when it does not
    #: agree region by region, and a verified page too: pages on their true quads score
    #: 0.72-0.95, a scan's page taken with the scanner bed's edge or a photo's quad a
    #: few per cent off 0.50-0.67 (generator, seed 21) ...
    repolish_below: float = 0.7
    #: ... and its polished corners replace the quad when the score rises by this much
    #: (quads 3-7 % off the page rose by 0.20-0.29 and landed within 2 %; quads already
    #: on the page rose by 0.04 at most).
    repolish_gain: float = 0.15
    #: Share of the frame a page corner may lie outside it (the page is in the frame).
    frame_margin: float = 0.01


#: The page finder's defaults.
PAGEFIND = PageFindParams()
#: Longest side of the downscaled image the page finder works on (pixels).
WORK_SIZE = PAGEFIND.work_size
#: Lowest template correlation accepted as a page of a known model.
MIN_SCORE = PAGEFIND.min_score


@dataclass(frozen=True)
class PageMatch:
    """A page found in a capture: model, side, quarter turn, corners, template score.

    ``quad_xy`` holds the page's own corners (its top-left, top-right, bottom-right,
    bottom-left) in capture pixels; ``orientation`` is the page's clockwise quarter turn
    in the capture (0, 90, 180, 270).
    """

    model: DocumentModel
    side: str
    orientation: int
    quad_xy: np.ndarray
    score: float

    def page_mm_to_capture(self) -> np.ndarray:
        """Homography (3x3) from page millimetres ``[x, y]`` to capture pixels."""
        w, h = self.model.size_mm
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        return np.asarray(
            cv2.getPerspectiveTransform(src, self.quad_xy.astype(np.float32)), np.float64
        )


@functools.cache
def load_templates() -> dict[tuple[str, str], np.ndarray]:
    """Model-side templates ``{(model_id, side): gray uint8 image}`` (cached, read-only)."""
    raw = resources.files("docsec.read").joinpath("data/page_templates.npz").read_bytes()
    with np.load(io.BytesIO(raw)) as data:
        out = {}
        for key in data.files:
            model_id, side = key.split("/")
            tpl = _normalise(data[key].astype(np.float32))
            tpl.setflags(write=False)  # shared by every thread: read-only
            out[(model_id, side)] = tpl
    return out


def _normalise(img: np.ndarray) -> np.ndarray:
    """Zero mean, unit norm after removing the slow shading (lighting gradients)."""
    f = img.astype(np.float32)
    f = cv2.GaussianBlur(f, (3, 3), 0.7) - cv2.blur(f, (31, 31), borderType=cv2.BORDER_REFLECT)
    f -= f.mean()
    n = float(np.linalg.norm(f))
    return f / n if n > 0 else f


def _to_template(gray: np.ndarray, quad_xy: np.ndarray, tw: int, th: int) -> np.ndarray:
    """The quad (page corners: top-left, top-right, bottom-right, bottom-left) of ``gray``
    warped to a ``tw`` x ``th`` template's grid.

    The page's corners go to the template's outer pixel edges, not to its corner pixels'
    centres (the templates are area averages of the whole page,
    ``scripts/make_page_templates.py``): with the corners on pixel centres the outer rows
    and columns sample the page's very edge, half background, so a quad on the page's
    edges scored 0.55 where one a few pixels inside scored 0.85 (a photographed vehicle
    certificate whose edges were found exactly was refused, and polished quads were
    pulled inwards).
    """
    dst = np.array([[-0.5, -0.5], [tw - 0.5, -0.5], [tw - 0.5, th - 0.5], [-0.5, th - 0.5]],
                   np.float32)  # fmt: skip
    matrix = cv2.getPerspectiveTransform(np.asarray(quad_xy, np.float32), dst)
    return cv2.warpPerspective(gray, matrix, (tw, th), flags=cv2.INTER_AREA,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def match_quad(
    gray: np.ndarray,
    quad_xy: np.ndarray,
    *,
    models: tuple[str, ...] | None = None,
    params: PageFindParams = PAGEFIND,
) -> PageMatch | None:
    """Best template match of the quad ``quad_xy`` of ``gray`` (any corner order)."""
    quad = order_quad(quad_xy)
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)  # top, right, bottom, left
    if sides.min() < params.min_side_px:
        return None
    groups: dict[tuple[int, int], list[tuple[DocumentModel, str, np.ndarray]]] = {}
    for (model_id, side), tpl in load_templates().items():
        if models is None or model_id in models:
            groups.setdefault((tpl.shape[1], tpl.shape[0]), []).append(
                (get_model(model_id), side, tpl)
            )
    best: PageMatch | None = None
    for (tw, th), members in groups.items():
        aspect = tw / th
        for k in range(4):
            # corner order k: the page's top edge is the quad's side k
            width = sides[k] + sides[(k + 2) % 4]
            height = sides[(k + 1) % 4] + sides[(k + 3) % 4]
            if abs(math.log(width / height / aspect)) > params.aspect_tolerance:
                continue
            corners = np.roll(quad, -k, axis=0)
            warped = _normalise(_to_template(gray, corners, tw, th))
            for model, side, tpl in members:
                score = float((warped * tpl).sum())
                if best is None or score > best.score:
                    best = PageMatch(model, side, k * 90, corners, score)
    return best


def local_agreement(
    gray: np.ndarray, match: PageMatch, *, params: PageFindParams = PAGEFIND
) -> float:
    """How well the page agrees with its model side's template region by region.

    The rectified page and the template are cut into ``agreement_grid`` x
    ``agreement_grid`` cells; each cell where the template shows structure gets its own
    correlation, and the median over cells is returned. A page of another design can
    correlate globally with a template (a portrait on the left, an MRZ band at the foot:
    every passport looks like that at 96 pixels), but not cell by cell: titles, labels,
    emblems and guilloche differ.
    """
    tpl = load_templates()[(match.model.id, match.side)]
    th, tw = tpl.shape
    warped = _normalise(_to_template(gray, match.quad_xy, tw, th))
    n = params.agreement_grid
    scores = []
    energy_floor = params.agreement_min_energy / (n * n)
    for i in range(n):
        for j in range(n):
            ys = slice(i * th // n, (i + 1) * th // n)
            xs = slice(j * tw // n, (j + 1) * tw // n)
            t = tpl[ys, xs] - tpl[ys, xs].mean()
            w = warped[ys, xs] - warped[ys, xs].mean()
            tt = float((t * t).sum())
            if tt < energy_floor:
                continue  # a flat part of the design says nothing
            ww = float((w * w).sum())
            scores.append(float((t * w).sum()) / max(math.sqrt(tt * ww), 1e-12))
    return float(np.median(scores)) if scores else 0.0


def polish_match(
    gray: np.ndarray, match: PageMatch, *, params: PageFindParams = PAGEFIND
) -> PageMatch:
    """The match with its corners moved, one at a time, to raise its template correlation.

    A candidate quad a few per cent off the page (one side lost in glare or against a
    paper of the same colour, a corner cut by the blob it came from) correlates with its
    template but not cell by cell. Coordinate ascent on the eight corner coordinates, by
    steps of ``polish_steps`` of the diagonal, coarse to fine, moves it onto the design.
    """

    def score(quad: np.ndarray) -> float:
        return template_score(gray, quad, match)

    quad = np.asarray(match.quad_xy, np.float64).copy()
    best = score(quad)
    diag = float(np.linalg.norm(quad[2] - quad[0]))
    for share in params.polish_steps:
        step = share * diag
        for _ in range(params.polish_rounds):
            moved = False
            for corner in range(4):
                for axis in (0, 1):
                    for sign in (1.0, -1.0):
                        trial = quad.copy()
                        trial[corner, axis] += sign * step
                        got = score(trial)
                        if got > best:
                            quad, best, moved = trial, got, True
            if not moved:
                break
    return PageMatch(match.model, match.side, match.orientation, quad, best)


def template_score(gray: np.ndarray, quad_xy: np.ndarray, match: PageMatch) -> float:
    """Correlation of the quad of ``gray`` (in ``match``'s corner order) with the template
    of ``match``'s model side."""
    tpl = load_templates()[(match.model.id, match.side)]
    th, tw = tpl.shape
    warped = _normalise(_to_template(gray, quad_xy, tw, th))
    return float((warped * tpl).sum())


#: Features of a side whose look differs from copy to copy or with the light and angle
#: (the holder's ghost image, diffractive and colour-shifting elements, the laser
#: perforation, the thread's window): :func:`design_agreement` leaves them out.
PERSONALISED_FEATURES = frozenset(
    {"ghost_image", "hologram", "ovi", "latent_image", "perforation", "security_thread"}
)


def _personal_mask(model: DocumentModel, side: str, shape: tuple[int, int], dpi: int,
                   label_mm: float) -> np.ndarray:  # fmt: skip
    """1 where ``side`` of ``model`` shows its fixed design, 0 on the holder's data (field
    values below their labels, portrait, MRZ) and :data:`PERSONALISED_FEATURES`, with a
    millimetre's margin."""
    mask = np.ones(shape, np.uint8)
    px_mm = dpi / 25.4

    def cut(box: tuple[float, float, float, float], top: float = 0.0) -> None:
        x, y, w, h = box
        x0, y0 = max(round((x - 1) * px_mm), 0), max(round((y + top - 0.5) * px_mm), 0)
        x1, y1 = max(round((x + w + 1) * px_mm), 0), max(round((y + h + 1) * px_mm), 0)
        mask[y0:y1, x0:x1] = 0

    for f in model.fields:
        if f.side == side:
            cut(f.box_mm, label_mm)
    for zone in (model.portrait, model.mrz):
        if zone is not None and zone.side == side:
            cut(zone.box_mm)
    for feature in model.features:
        if feature.side == side and feature.id in PERSONALISED_FEATURES:
            cut(feature.box_mm)
    return mask


def design_agreement(
    gray: np.ndarray, match: PageMatch, *, params: PageFindParams = PAGEFIND
) -> float:
    """How well the page agrees with its model's printed design, cell by cell, at 100 dpi.

    ``gray`` is the capture (full resolution, the quad in its pixels). The page is
    rectified to the model side's unpersonalised reference (the white-light view the
    inspection compares with, :func:`docsec.inspect.reference.reference`), both are
    band-passed, the page is aligned onto the reference by ECC (homography) on the
    fixed design, and each ``design_cell_mm`` cell of fixed design (the holder's data and
    the copy-to-copy features masked out: :func:`_personal_mask`) with print in the
    reference gets its own correlation; the median is returned. A page of another
    design agrees with a 96-pixel template once its corners are moved far enough, not
    with the title's letters, labels, emblem and guilloche of the model.
    """
    from docsec.inspect.reference import REF_DPI, reference

    ref = to_gray(np.asarray(reference(match.model.id, match.side, "white")))
    h, w = ref.shape
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    matrix = cv2.getPerspectiveTransform(np.asarray(match.quad_xy, np.float32), dst)
    page = cv2.warpPerspective(gray, matrix, (w, h), flags=cv2.INTER_AREA,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    mask = _personal_mask(match.model, match.side, (h, w), REF_DPI, params.design_label_mm)

    def band(img: np.ndarray) -> np.ndarray:
        f = img.astype(np.float32)
        return np.asarray(cv2.GaussianBlur(f, (0, 0), params.design_fine_sigma)
                          - cv2.GaussianBlur(f, (0, 0), params.design_coarse_sigma))  # fmt: skip

    r, p = band(ref), band(page)
    warp: np.ndarray = np.eye(3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, params.design_ecc_iterations,
                1e-4)  # fmt: skip
    try:
        _, found = cv2.findTransformECC(r, p, warp, cv2.MOTION_HOMOGRAPHY, criteria, mask, 5)
        warp = np.asarray(found)
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        p = np.asarray(
            cv2.warpPerspective(p, warp, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        )
    except cv2.error:
        pass  # no convergence: the cells are compared as rectified
    c = max(8, round(params.design_cell_mm * REF_DPI / 25.4))
    scores = []
    for y in range(0, h - c // 2, c):
        for x in range(0, w - c // 2, c):
            keep = mask[y : y + c, x : x + c].astype(bool)
            if keep.mean() < 0.5:
                continue  # mostly the holder's data
            rc = r[y : y + c, x : x + c][keep]
            pc = p[y : y + c, x : x + c][keep]
            rc, pc = rc - rc.mean(), pc - pc.mean()
            rr = float((rc * rc).sum())
            if rr / keep.sum() < params.design_min_texture:
                continue  # flat paper or tint
            pp = float((pc * pc).sum())
            scores.append(float((rc * pc).sum()) / max(math.sqrt(rr * pp), 1e-9))
    return float(np.median(scores)) if scores else 0.0


def _border_colour(img: np.ndarray) -> np.ndarray:
    border = np.concatenate([img[:4].reshape(-1, 3), img[-4:].reshape(-1, 3),
                             img[:, :4].reshape(-1, 3), img[:, -4:].reshape(-1, 3)])  # fmt: skip
    return np.asarray(np.median(border, axis=0), np.float32)


def _inside(quad: np.ndarray, cols: int, rows: int, margin: float) -> bool:
    m = margin * max(cols, rows)
    return bool(quad[:, 0].min() >= -m and quad[:, 0].max() <= cols - 1 + m
                and quad[:, 1].min() >= -m and quad[:, 1].max() <= rows - 1 + m)  # fmt: skip


def _contrast(small: np.ndarray) -> np.ndarray:
    """Colour distance (CIELAB, x4) of each pixel from the capture's border colour."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB)
    diff = np.linalg.norm(lab.astype(np.float32) - _border_colour(lab), axis=2)
    return np.asarray(np.clip(diff * 4, 0, 255), np.uint8)


def _hull_quads(mask: np.ndarray, min_area: float, params: PageFindParams) -> list[np.ndarray]:
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    for cnt in contours:
        hull = cv2.convexHull(cnt)
        if cv2.contourArea(hull) < min_area:
            continue
        peri = cv2.arcLength(hull, True)
        for eps in params.hull_eps:
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                quads.append(approx.reshape(4, 2).astype(np.float64))
                break
        quads.append(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64))
    return quads


def _region_quads(small: np.ndarray, params: PageFindParams) -> list[np.ndarray]:
    """Quads of closed outlines and of blobs that differ in colour from the frame's border."""
    rows, cols = small.shape[:2]
    min_area = params.min_area_share * rows * cols
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB)
    edges = cv2.Canny(lab[..., 0], params.canny_low, params.canny_high)
    for c in (1, 2):
        edges = cv2.bitwise_or(edges, cv2.Canny(lab[..., c], params.canny_low, params.canny_high))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    quads = _hull_quads(edges, min_area, params)
    diff8 = _contrast(small)
    otsu, _ = cv2.threshold(diff8, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    for t in (*params.contrast_cuts, otsu):
        close = np.ones((params.blob_close_px, params.blob_close_px), np.uint8)
        mask = cv2.morphologyEx((diff8 > t).astype(np.uint8) * 255, cv2.MORPH_CLOSE, close)
        opening = np.ones((params.blob_open_px, params.blob_open_px), np.uint8)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, opening)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        big = [c for c in contours if cv2.contourArea(c) >= min_area]
        quads.extend(_hull_quads(cv2.drawContours(np.zeros_like(mask), big, -1, 255, -1),
                                 min_area, params))  # fmt: skip
    return quads


@dataclass(frozen=True)
class _Line:
    """A straight line ``p + t d`` (unit ``d``) and its edge samples, one a pixel from t0."""

    p: np.ndarray
    d: np.ndarray
    t0: float
    hit: np.ndarray  # 1.0 where the line runs along an edge
    run: float  # longest stretch of edge (small gaps bridged), pixels


def _gradients(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel, the gradient (levels a pixel) of the Lab channel that changes most:
    paper against a desk differs in lightness, paper against paper often in colour."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (3, 3), 0), cv2.COLOR_RGB2LAB).astype(np.float32)
    gx = np.stack([cv2.Sobel(lab[..., c], cv2.CV_32F, 1, 0, ksize=3) / 8 for c in range(3)])
    gy = np.stack([cv2.Sobel(lab[..., c], cv2.CV_32F, 0, 1, ksize=3) / 8 for c in range(3)])
    pick = np.argmax(gx * gx + gy * gy, axis=0)[None]
    return (np.take_along_axis(gx, pick, 0)[0], np.take_along_axis(gy, pick, 0)[0])


def _segments(small: np.ndarray, params: PageFindParams) -> np.ndarray:
    """LSD segments ``(x0, y0, x1, y1)`` of the lightness and of the colourfulness."""
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    chroma8 = np.clip(chroma * params.chroma_gain, 0, 255).astype(np.uint8)
    lsd = cv2.createLineSegmentDetector()
    out = []
    for channel in (lab[..., 0].astype(np.uint8), chroma8):
        found = lsd.detect(channel)[0]
        if found is not None:
            out.append(found.reshape(-1, 4).astype(np.float64))
    return np.concatenate(out) if out else np.zeros((0, 4))


def _lines(small: np.ndarray, params: PageFindParams) -> list[_Line]:
    """The straight lines of the capture that run longest along an edge (LSD segments
    merged into lines, ranked by their longest edge stretch, not by summed segments:
    rows of dashes or text add up to long lines but have no long stretch)."""
    rows, cols = small.shape[:2]
    segs = _segments(small, params)
    length = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    keep = length >= params.min_segment_share * max(rows, cols)
    segs, length = segs[keep], length[keep]
    groups: list[list[int]] = []
    keys: list[tuple[float, float]] = []  # (angle in [0, pi), offset along the normal)
    merge_angle = math.radians(params.merge_angle_deg)
    for i in np.argsort(-length):
        x0, y0, x1, y1 = segs[i]
        ang = math.atan2(y1 - y0, x1 - x0) % math.pi
        rho = -(x0 + x1) / 2 * math.sin(ang) + (y0 + y1) / 2 * math.cos(ang)
        for g, (a, r) in enumerate(keys):
            da = abs(ang - a)
            flip = da > math.pi / 2
            da = math.pi - da if flip else da
            if da < merge_angle and abs((-r if flip else r) - rho) < params.merge_offset_px:
                groups[g].append(int(i))
                break
        else:
            groups.append([int(i)])
            keys.append((ang, rho))
    gx, gy = _gradients(small)
    out = []
    for members in groups:
        # the group's longest segment gives the line (a fit through all of them would
        # average a page edge with the parallel border or shadow line beside it)
        x0, y0, x1, y1 = segs[members[0]]
        d = np.array([x1 - x0, y1 - y0]) / max(math.hypot(x1 - x0, y1 - y0), 1e-9)
        line = _cover(np.array([x0, y0]), d, gx, gy, params)
        if line.run >= params.min_run_share * max(rows, cols):
            out.append(line)
    out.sort(key=lambda ln: -ln.run)
    return out[: params.max_lines]


def _longest_run(hit: np.ndarray, gap: int) -> float:
    """Longest stretch of ``hit`` with holes of at most ``gap`` samples bridged."""
    idx = np.flatnonzero(hit)
    if idx.size == 0:
        return 0.0
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [idx.size - 1]])
    return float((idx[ends] - idx[starts]).max() + 1)


def _cover(
    p: np.ndarray, d: np.ndarray, gx: np.ndarray, gy: np.ndarray, params: PageFindParams
) -> _Line:
    """Edge samples along the line ``p + t d`` across the whole frame."""
    rows, cols = gx.shape
    n = np.array([-d[1], d[0]])
    ts = []
    for axis, limit in ((0, cols - 1), (1, rows - 1)):
        if abs(d[axis]) > 1e-9:
            ts += [(0 - p[axis]) / d[axis], (limit - p[axis]) / d[axis]]
    inside = [t for t in ts if np.all((p + t * d >= -1) & (p + t * d <= [cols, rows]))]
    if len(inside) < 2:
        return _Line(p, d, 0.0, np.zeros(1), 0.0)
    t_lo, t_hi = min(inside), max(inside)
    t = np.arange(t_lo, t_hi + 1.0, 1.0)
    offs = np.arange(-params.edge_reach_px, params.edge_reach_px + 1, dtype=np.float64)
    xs = (p[0] + t[:, None] * d[0] + offs[None, :] * n[0]).astype(np.float32)
    ys = (p[1] + t[:, None] * d[1] + offs[None, :] * n[1]).astype(np.float32)
    sx = cv2.remap(gx, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    sy = cv2.remap(gy, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    across = np.abs(sx * n[0] + sy * n[1])
    whole = np.hypot(sx, sy) + 1e-6
    edge = (across > params.edge_gradient) & (across > params.edge_alignment * whole)
    hit = edge.any(axis=1).astype(np.float64)
    return _Line(p, d, float(t_lo), hit, _longest_run(hit, params.run_gap_px))


def _bridged_runs(hit: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """For each sample, the first and last sample of the edge stretch it lies in (holes
    of at most ``gap`` bridged); a sample off any stretch is its own start and end."""
    n = len(hit)
    idx = np.arange(n)
    on = np.flatnonzero(hit > 0)
    start, end = idx.copy(), idx.copy()
    if on.size == 0:
        return start, end
    breaks = np.flatnonzero(np.diff(on) > gap + 1)
    s_idx = on[np.concatenate([[0], breaks + 1])]
    e_idx = on[np.concatenate([breaks, [on.size - 1]])]
    for s0, e0 in zip(s_idx, e_idx, strict=True):
        start[s0 : e0 + 1] = s0
        end[s0 : e0 + 1] = e0
    return start, end


def _line_quads(
    small: np.ndarray, params: PageFindParams, limit: int | None = None
) -> list[np.ndarray]:
    """Quads whose sides run along straight edges, best cover first (design-independent:
    any page with a visible outline is found, whatever is printed on it).

    * Four lines: two pairs of roughly opposite lines (angles within
      ``opposite_angle_deg``, the pairs crossing at more than ``corner_angle_deg``) whose
      sides each lie on edges for at least ``min_side_cover`` of their length.
    * Three lines, for a page whose fourth side does not show (glare, a paper of the
      same colour beside it): two opposite lines and one crossing both along an edge;
      the page ends where the edges of the two opposite lines end.

    Vectorised over all line triples and quadruples.
    """
    rows, cols = small.shape[:2]
    lines = _lines(small, params)
    n = len(lines)
    if n < 3:
        return []
    p = np.array([ln.p for ln in lines])
    d = np.array([ln.d for ln in lines])
    ang = np.degrees(np.arccos(np.clip(np.abs(d @ d.T), 0.0, 1.0)))
    # t[i, j]: the parameter on line i of its crossing with line j
    det = d[:, None, 0] * (-d[None, :, 1]) - d[:, None, 1] * (-d[None, :, 0])
    safe = np.where(np.abs(det) < 1e-9, 1e-9, det)
    diff = p[None, :, :] - p[:, None, :]
    t = (diff[..., 0] * (-d[None, :, 1]) - diff[..., 1] * (-d[None, :, 0])) / safe
    width = max(len(ln.hit) for ln in lines) + 1
    cum = np.zeros((n, width + 1))
    run_start = np.zeros((n, width), np.int64)
    run_end = np.zeros((n, width), np.int64)
    for i, ln in enumerate(lines):
        k = len(ln.hit)
        cum[i, 1 : k + 1] = np.cumsum(ln.hit)
        cum[i, k + 1 :] = cum[i, k]
        rs, re = _bridged_runs(ln.hit, params.run_gap_px)
        run_start[i, :k], run_end[i, :k] = rs, re
        run_start[i, k:], run_end[i, k:] = k - 1, k - 1
    t0 = np.array([ln.t0 for ln in lines])

    def covered(line: np.ndarray, ta: np.ndarray, tb: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(ta, tb) - t0[line], np.maximum(ta, tb) - t0[line]
        i = np.clip(np.round(lo).astype(np.int64), 0, width)
        j = np.clip(np.round(hi).astype(np.int64), 0, width)
        return np.asarray((cum[line, j] - cum[line, i]) / np.maximum(hi - lo, 1.0))

    def point(line: np.ndarray, tt: np.ndarray) -> np.ndarray:
        return np.asarray(p[line] + tt[:, None] * d[line])

    m = params.frame_margin * max(rows, cols)
    min_area = params.min_area_share * rows * cols

    def plausible(corners: np.ndarray) -> np.ndarray:
        x, y = corners[..., 0], corners[..., 1]
        inside = ((x >= -m) & (x <= cols - 1 + m) & (y >= -m) & (y <= rows - 1 + m)).all(axis=1)
        area = 0.5 * np.abs((x * np.roll(y, -1, 1) - np.roll(x, -1, 1) * y).sum(axis=1))
        return np.asarray(inside & (area >= min_area))

    iu, ju = np.triu_indices(n, 1)
    par = ang[iu, ju] < params.opposite_angle_deg
    pa, pb = iu[par], ju[par]
    scored: list[tuple[float, np.ndarray]] = []
    if pa.size >= 2:
        k1, k2 = np.triu_indices(pa.size, 1)
        a, b, c, dd = pa[k1], pb[k1], pa[k2], pb[k2]
        ok = (a != c) & (a != dd) & (b != c) & (b != dd)
        cross = np.minimum.reduce([ang[a, c], ang[a, dd], ang[b, c], ang[b, dd]])
        ok &= cross > params.corner_angle_deg
        a, b, c, dd = a[ok], b[ok], c[ok], dd[ok]
        # corners around the quad: a-c, c-b, b-d, d-a
        corners = np.stack([point(a, t[a, c]), point(c, t[c, b]), point(b, t[b, dd]),
                            point(dd, t[dd, a])], axis=1)  # fmt: skip
        keep = plausible(corners)
        a, b, c, dd, corners = a[keep], b[keep], c[keep], dd[keep], corners[keep]
        cover = np.stack([
            covered(c, t[c, a], t[c, b]), covered(b, t[b, c], t[b, dd]),
            covered(dd, t[dd, b], t[dd, a]), covered(a, t[a, dd], t[a, c]),
        ], axis=1)  # fmt: skip
        good = cover.min(axis=1) >= params.min_side_cover
        scored += list(zip(cover[good].mean(axis=1).tolist(), corners[good], strict=True))
    if pa.size:
        # three lines: opposite pair (a, b), line c across both
        a = np.repeat(pa, n)
        b = np.repeat(pb, n)
        c = np.tile(np.arange(n), pa.size)
        ok = (c != a) & (c != b) & (np.minimum(ang[a, c], ang[b, c]) > params.corner_angle_deg)
        a, b, c = a[ok], b[ok], c[ok]
        ta, tb = t[a, c], t[b, c]
        across = covered(c, t[c, a], t[c, b])
        keep = across >= params.three_side_cover
        a, b, c, ta, tb, across = a[keep], b[keep], c[keep], ta[keep], tb[keep], across[keep]
        ia = np.clip(np.round(ta - t0[a]).astype(np.int64), 0, width - 1)
        ib = np.clip(np.round(tb - t0[b]).astype(np.int64), 0, width - 1)
        for sign, runs in ((1.0, run_end), (-1.0, run_start)):
            # the page runs from the corner on c along a and b to where their edges end
            la = sign * (runs[a, ia] - ia)
            lb = sign * (runs[b, ib] - ib)
            side = np.hypot(*(point(a, ta) - point(b, tb)).T)
            long_enough = np.minimum(la, lb) >= params.three_min_extent * side
            similar = np.abs(la - lb) <= params.three_extent_match * np.maximum(la, lb)
            sel = long_enough & similar
            if not sel.any():
                continue
            corners = np.stack([point(a[sel], ta[sel]), point(b[sel], tb[sel]),
                                point(b[sel], tb[sel] + sign * lb[sel]),
                                point(a[sel], ta[sel] + sign * la[sel])], axis=1)  # fmt: skip
            fine = plausible(corners)
            score = params.three_line_weight * across[sel][fine]
            scored += list(zip(score.tolist(), corners[fine], strict=True))
    if not scored:
        return []
    score = np.array([sc for sc, _ in scored])
    quads = np.stack([q for _, q in scored])
    fits = _fits_a_format(quads, params)
    quads, score = quads[fits], score[fits]
    if not len(quads):  # no outline has the shape of a known page format
        return []
    order = np.argsort(-score)[: params.max_ranked_quads]
    score[order] *= _edge_contrast(small, quads[order], params)
    order = order[np.argsort(-score[order])]
    out: list[np.ndarray] = []
    kept = np.zeros((0, 4, 2))
    for k in order:
        q = quads[k]
        oq = order_quad(q)
        if len(kept) and (np.abs(kept - oq).max(axis=(1, 2)) < params.same_quad_px).any():
            continue
        if not cv2.isContourConvex(q.astype(np.float32)):
            continue
        out.append(q)
        kept = np.concatenate([kept, oq[None]])
        if len(out) >= (params.max_line_quads if limit is None else limit):
            break
    return out


def _edge_contrast(small: np.ndarray, quads: np.ndarray, params: PageFindParams) -> np.ndarray:
    """How clearly each quad's outline separates two regions (0-1): the median Lab
    distance between points just inside and just outside its sides, over
    ``contrast_full``. A page lies on its background; lines across other objects (rows
    of print, a paper's stripes) bound a quad with much the same on both sides."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB).astype(np.float32)
    centre = quads.mean(axis=1, keepdims=True)
    a = quads
    b = np.roll(quads, -1, axis=1)
    f = np.linspace(0.1, 0.9, params.contrast_samples)[None, None, :, None]
    pts = a[:, :, None, :] + f * (b - a)[:, :, None, :]  # (q, 4, s, 2)
    u = (b - a) / np.maximum(np.linalg.norm(b - a, axis=2, keepdims=True), 1e-9)
    nrm = np.stack([-u[..., 1], u[..., 0]], axis=2)
    mid = (a + b) / 2
    flip = np.sign(((mid - centre) * nrm).sum(axis=2, keepdims=True))
    out_n = (nrm * np.where(flip == 0, 1.0, flip))[:, :, None, :]
    step = params.contrast_step_px
    outside = (pts + step * out_n).reshape(-1, 2).astype(np.float32)
    inside = (pts - step * out_n).reshape(-1, 2).astype(np.float32)

    def sample(xy: np.ndarray) -> np.ndarray:
        cols = 4 * params.contrast_samples  # a row per quad keeps remap's maps small
        got = cv2.remap(lab, xy[:, 0].reshape(-1, cols), xy[:, 1].reshape(-1, cols),
                        cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        return np.asarray(got.reshape(-1, 3))

    dist = np.linalg.norm(sample(inside) - sample(outside), axis=1)
    per_quad = np.median(dist.reshape(len(quads), -1), axis=1)
    return np.asarray(np.clip(per_quad / params.contrast_full, 0.0, 1.0))


def _fits_a_format(quads: np.ndarray, params: PageFindParams) -> np.ndarray:
    """Whether each quad's apparent aspect (mean opposite sides) is near a known page
    format's (the models' sizes, ISO/IEC 7810 and ICAO 9303 formats), either way up."""
    sides = np.linalg.norm(quads - np.roll(quads, -1, axis=1), axis=2)
    aspect = (sides[:, 0] + sides[:, 2]) / np.maximum(sides[:, 1] + sides[:, 3], 1e-9)
    log_aspect = np.abs(np.log(np.maximum(aspect, 1e-9)))
    known = np.array([abs(math.log(tpl.shape[1] / tpl.shape[0]))
                      for tpl in load_templates().values()])  # fmt: skip
    return np.asarray(
        (np.abs(log_aspect[:, None] - known[None, :]) <= params.aspect_tolerance).any(axis=1)
    )


def refine_quad(
    gray: np.ndarray, quad_xy: np.ndarray, *, params: PageFindParams = PAGEFIND
) -> np.ndarray:
    """Snap each side of an ordered quad onto the strongest straight edge near it.

    Along each side, gray-level profiles across the side (``refine_reach`` of the quad's
    size to each side) give the position of the steepest step; a robust line fit through
    those positions replaces the side, and neighbouring sides intersect in the new
    corners. Sides without a clear edge keep their place.
    """
    quad = np.asarray(quad_xy, np.float64)
    g = cv2.GaussianBlur(gray, (3, 3), 0).astype(np.float32)
    size = max(float(np.linalg.norm(quad[2] - quad[0])), 1.0)
    r = max(3.0, params.refine_reach * size)
    centre = quad.mean(axis=0)
    lines = []
    offsets = np.linspace(-r, r, int(2 * r) + 1)
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        along = b - a
        length = float(np.linalg.norm(along))
        if length < 4:
            return quad
        u = along / length
        n = np.array([-u[1], u[0]])
        if (a + b) / 2 @ n - centre @ n < 0:
            n = -n  # outward normal
        ts = np.linspace(0.1, 0.9, params.refine_profiles)
        base = a[None, :] + ts[:, None] * along[None, :]
        pts = base[:, None, :] + offsets[None, :, None] * n[None, None, :]
        mx = pts[..., 0].astype(np.float32)
        my = pts[..., 1].astype(np.float32)
        prof = cv2.remap(g, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        step = np.abs(np.diff(prof, axis=1)) * np.exp(-0.5 * (offsets[1:] / (0.5 * r)) ** 2)
        best = step.argmax(axis=1)
        strength = step.max(axis=1)
        keep = strength > max(params.refine_min_step,
                              params.refine_rel_step * float(np.median(strength)))  # fmt: skip
        if keep.sum() < params.refine_min_points:
            lines.append((a, u))
            continue
        found = base[keep] + (offsets[best[keep]] + 0.5 * (offsets[1] - offsets[0]))[
            :, None
        ] * n[None, :]
        vx, vy, x0, y0 = cv2.fitLine(found.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        lines.append((np.array([float(x0[0]), float(y0[0])]),
                      np.array([float(vx[0]), float(vy[0])])))  # fmt: skip
    out = np.empty((4, 2))
    for i in range(4):
        (p, d), (q, e) = lines[(i - 1) % 4], lines[i]
        m = np.array([[d[0], -e[0]], [d[1], -e[1]]])
        if abs(np.linalg.det(m)) < 1e-6:
            return quad
        s = np.linalg.solve(m, q - p)
        out[i] = p + s[0] * d
    if np.abs(out - quad).max() > 2 * r:
        return quad
    return out


def page_quads(image: np.ndarray, *, params: PageFindParams = PAGEFIND) -> list[np.ndarray]:
    """Candidate page quads of a capture from its edges and contrast alone (no design).

    Quads in capture pixels, the line quads (best edge cover first) before the outline
    and contrast-blob quads; what is printed on the page plays no part.
    """
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    small, scale = _work_copy(rgb, params)
    quads = _line_quads(small, params) + _region_quads(small, params)
    return [q / scale for q in quads]


def _work_copy(rgb: np.ndarray, params: PageFindParams) -> tuple[np.ndarray, float]:
    rows, cols = rgb.shape[:2]
    scale = min(1.0, params.work_size / max(rows, cols))
    if scale < 1.0:
        return cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale
    return rgb, scale


def find_page(
    image: np.ndarray,
    *,
    prior_quad_xy: np.ndarray | None = None,
    models: tuple[str, ...] | None = None,
    prior_only: bool = False,
    params: PageFindParams = PAGEFIND,
) -> PageMatch | None:
    """The page of a known model in a capture (RGB or gray ``uint8``), or None.

    Page quads come from the capture's edges and contrast (:func:`page_quads`: straight
    lines whose four sides run along edges, closed outlines, blobs of another colour than
    the background); each is refined against the page edges and rectified to every model
    side's template. The best-correlated candidate above ``min_score`` that also agrees
    with its template region by region (:func:`local_agreement` above ``min_agreement``, or
    ``named_min_agreement`` when ``models`` names the models)
    is the page; a page of a design no model has is refused there. ``prior_quad_xy``
    (capture pixels, e.g. the page predicted from the MRZ) is tried too and, being
    refined against the page edges, is how an MRZ-derived quad is sharpened; ``models``
    restricts the templates tried (e.g. to the model the MRZ names); ``prior_only``
    skips the search for other candidates.
    """
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    small, scale = _work_copy(rgb, params)
    gray = to_gray(small)
    contrast = _contrast(small)
    least_agreement = params.min_agreement if models is None else params.named_min_agreement
    quads: list[np.ndarray] = []
    extra: list[np.ndarray] = []
    if not (prior_only and prior_quad_xy is not None):
        lines = _line_quads(small, params, params.max_line_quads + params.extra_line_quads)
        quads = lines[: params.max_line_quads] + _region_quads(small, params)
        extra = lines[params.max_line_quads :]
    if prior_quad_xy is not None:
        quads.insert(0, np.asarray(prior_quad_xy, np.float64) * scale)
    tried: list[np.ndarray] = []

    def candidates(quads: list[np.ndarray]) -> tuple[list[PageMatch], list[PageMatch]]:
        """Template matches of the quads not tried yet: above ``min_score``, and near."""
        matches: list[PageMatch] = []
        near: list[PageMatch] = []
        for quad in quads:
            ordered = order_quad(quad)
            if any(np.abs(ordered - t).max() < params.same_quad_px for t in tried):
                continue
            tried.append(ordered)
            options = [ordered]
            for edges_of in (gray, contrast):
                refined = refine_quad(edges_of, ordered, params=params)
                if all(np.abs(refined - o).max() > 1.0 for o in options):
                    options.append(refined)
            for q in options:
                if not _inside(q, small.shape[1], small.shape[0], params.frame_margin):
                    continue  # the whole page is in the frame (captures keep it there)
                match = match_quad(gray, q, models=models, params=params)
                if match is not None and match.score >= params.min_score:
                    matches.append(match)
                elif match is not None and match.score >= params.polish_min_score:
                    near.append(match)
        return matches, near

    def printed_design(m: PageMatch) -> bool:
        at_full = replace(m, quad_xy=m.quad_xy / scale)
        return design_agreement(full_gray, at_full, params=params) >= params.min_design_agreement

    matches, near = candidates(quads)
    # the best-correlated candidate that also agrees with its template cell by cell
    matches.sort(key=lambda m: -m.score)

    def verified(m: PageMatch) -> PageMatch | None:
        """The match, or its polished corners when it is a few per cent off the page,
        if it agrees with its template region by region."""
        if local_agreement(gray, m, params=params) >= least_agreement:
            return m
        if m.score >= params.repolish_below:
            return None
        p = repolished(m)
        if p is not m and local_agreement(gray, p, params=params) >= least_agreement:
            return p
        return None

    def repolished(m: PageMatch) -> PageMatch:
        p = polish_match(gray, m, params=params)
        return p if p.score - m.score >= params.repolish_gain else m

    best = next((v for v in map(verified, matches[: params.max_verified]) if v is not None),
                None)  # fmt: skip
    full_gray = to_gray(rgb)

    def polished(near: list[PageMatch]) -> PageMatch | None:
        """The first of the best near misses that, its corners moved onto the design,
        holds and agrees with the model's printed design at full resolution."""
        for m in sorted(near, key=lambda m: -m.score)[: params.polish_candidates]:
            p = polish_match(gray, m, params=params)
            if (
                p.score >= params.min_score
                and local_agreement(gray, p, params=params) >= least_agreement
                and printed_design(p)
            ):
                return p
        return None

    if best is None:
        best = polished(matches + near)  # no candidate holds: a near miss polished
    if best is None and extra:
        # a page among papers: its outline ranked below theirs, held to the printed design
        more, near = candidates(extra)
        more.sort(key=lambda m: -m.score)
        best = next((m for m in more[: params.max_verified]
                     if local_agreement(gray, m, params=params) >= least_agreement
                     and printed_design(m)), None)  # fmt: skip
        if best is None:
            best = polished(more + near)
    if best is None:
        return None
    if best.score < params.repolish_below:
        # a page verified on a quad a few per cent off (a scan's page against a white lid
        # taken with the bed's edge): its corners moved onto the design, then snapped
        p = repolished(best)
        if p is not best and local_agreement(gray, p, params=params) >= least_agreement:
            best = p
    full = apply_homography(best.quad_xy, np.diag([1 / scale, 1 / scale, 1.0]))
    if scale < 1.0:
        # a work pixel is up to half a millimetre of the page: snap the sides onto the
        # edges of the full-resolution capture, within a few work pixels
        fine = replace(params, refine_reach=params.final_reach / scale / max(
            float(np.linalg.norm(full[2] - full[0])), 1.0))  # fmt: skip
        full = refine_quad(full_gray, full, params=fine)
    return PageMatch(best.model, best.side, best.orientation, full, best.score)
