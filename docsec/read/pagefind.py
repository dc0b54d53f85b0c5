"""Find the document page in a capture from its own edges, and recognise its model.

The page finder does not need an MRZ. On a downscaled copy of the capture it collects
candidate quads from

* the page's outline: Canny edges of the gray and colour channels, closed and traced as
  contours; each large contour's convex hull is reduced to four corners;
* the page against the background: pixels that differ in colour from the capture's
  border (the scanner lid, the table) form blobs whose hulls give more quads;
* a prior quad (the page predicted from the MRZ grid, :mod:`docsec.read.page`).

Every candidate is refined by fitting a straight line to the strongest edge along each
of its four sides, then rectified to each model side's template (the averaged look of
the design: titles, labels, guilloche, portrait and MRZ areas, built by
``scripts/make_page_templates.py``) in each of the four corner orders whose aspect ratio
fits the model's ISO/IEC 7810 / ICAO 9303 size. The normalised cross-correlation with
the template scores the candidate; the best one above :data:`MIN_SCORE` gives the page
quad, the model, the side and the quarter turn. Pages that match no template are
reported as not found (clutter such as other papers is rejected this way).
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from importlib import resources

import cv2
import numpy as np

from docsec.imaging.geometry import apply_homography, order_quad, to_gray
from docsec.models import DocumentModel, get_model

__all__ = ["MIN_SCORE", "PageMatch", "find_page", "load_templates", "match_quad"]

#: Longest side of the downscaled image the page finder works on (pixels).
WORK_SIZE = 640
#: Lowest template correlation accepted as a page of a known model.
MIN_SCORE = 0.45
#: Largest ``|log(apparent aspect / model aspect)|`` tried (perspective shortens sides).
_ASPECT_TOLERANCE = 0.3


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


def match_quad(
    gray: np.ndarray, quad_xy: np.ndarray, *, models: tuple[str, ...] | None = None
) -> PageMatch | None:
    """Best template match of the quad ``quad_xy`` of ``gray`` (any corner order)."""
    quad = order_quad(quad_xy)
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)  # top, right, bottom, left
    if sides.min() < 8:
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
        dst = np.array([[0, 0], [tw, 0], [tw, th], [0, th]], np.float32)
        for k in range(4):
            # corner order k: the page's top edge is the quad's side k
            width = sides[k] + sides[(k + 2) % 4]
            height = sides[(k + 1) % 4] + sides[(k + 3) % 4]
            if abs(math.log(width / height / aspect)) > _ASPECT_TOLERANCE:
                continue
            corners = np.roll(quad, -k, axis=0)
            matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
            warped = _normalise(cv2.warpPerspective(
                gray, matrix, (tw, th), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
            ))  # fmt: skip
            for model, side, tpl in members:
                score = float((warped * tpl).sum())
                if best is None or score > best.score:
                    best = PageMatch(model, side, k * 90, corners, score)
    return best


def _border_colour(img: np.ndarray) -> np.ndarray:
    border = np.concatenate([img[:4].reshape(-1, 3), img[-4:].reshape(-1, 3),
                             img[:, :4].reshape(-1, 3), img[:, -4:].reshape(-1, 3)])  # fmt: skip
    return np.asarray(np.median(border, axis=0), np.float32)


def _inside(quad: np.ndarray, cols: int, rows: int, margin: float = 0.01) -> bool:
    m = margin * max(cols, rows)
    return bool(quad[:, 0].min() >= -m and quad[:, 0].max() <= cols - 1 + m
                and quad[:, 1].min() >= -m and quad[:, 1].max() <= rows - 1 + m)  # fmt: skip


def _contrast(small: np.ndarray) -> np.ndarray:
    """Colour distance (CIELAB, x4) of each pixel from the capture's border colour."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB)
    diff = np.linalg.norm(lab.astype(np.float32) - _border_colour(lab), axis=2)
    return np.asarray(np.clip(diff * 4, 0, 255), np.uint8)


def _hull_quads(mask: np.ndarray, min_area: float) -> list[np.ndarray]:
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    for cnt in contours:
        hull = cv2.convexHull(cnt)
        if cv2.contourArea(hull) < min_area:
            continue
        peri = cv2.arcLength(hull, True)
        for eps in (0.02, 0.04, 0.08):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                quads.append(approx.reshape(4, 2).astype(np.float64))
                break
        quads.append(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64))
    return quads


def _candidates(small: np.ndarray) -> list[np.ndarray]:
    rows, cols = small.shape[:2]
    min_area = 0.03 * rows * cols
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB)
    edges = cv2.Canny(lab[..., 0], 20, 60)
    for c in (1, 2):
        edges = cv2.bitwise_or(edges, cv2.Canny(lab[..., c], 20, 60))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    quads = _hull_quads(edges, min_area)
    diff8 = _contrast(small)
    otsu, _ = cv2.threshold(diff8, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    for t in (12.0, 24.0, 40.0, otsu):
        mask = cv2.morphologyEx((diff8 > t).astype(np.uint8) * 255, cv2.MORPH_CLOSE,
                                np.ones((7, 7), np.uint8))  # fmt: skip
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        big = [c for c in contours if cv2.contourArea(c) >= min_area]
        quads.extend(_hull_quads(cv2.drawContours(np.zeros_like(mask), big, -1, 255, -1),
                                 min_area))  # fmt: skip
    return quads


def refine_quad(gray: np.ndarray, quad_xy: np.ndarray, *, reach: float = 0.025) -> np.ndarray:
    """Snap each side of an ordered quad onto the strongest straight edge near it.

    Along each side, gray-level profiles across the side (``reach`` of the quad's size to
    each side) give the position of the steepest step; a robust line fit through those
    positions replaces the side, and neighbouring sides intersect in the new corners.
    Sides without a clear edge keep their place.
    """
    quad = np.asarray(quad_xy, np.float64)
    g = cv2.GaussianBlur(gray, (3, 3), 0).astype(np.float32)
    size = max(float(np.linalg.norm(quad[2] - quad[0])), 1.0)
    r = max(3.0, reach * size)
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
        ts = np.linspace(0.1, 0.9, 24)
        base = a[None, :] + ts[:, None] * along[None, :]
        pts = base[:, None, :] + offsets[None, :, None] * n[None, None, :]
        mx = pts[..., 0].astype(np.float32)
        my = pts[..., 1].astype(np.float32)
        prof = cv2.remap(g, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        step = np.abs(np.diff(prof, axis=1)) * np.exp(-0.5 * (offsets[1:] / (0.5 * r)) ** 2)
        best = step.argmax(axis=1)
        strength = step.max(axis=1)
        keep = strength > max(4.0, 0.5 * float(np.median(strength)))
        if keep.sum() < 6:
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


def find_page(
    image: np.ndarray,
    *,
    prior_quad_xy: np.ndarray | None = None,
    models: tuple[str, ...] | None = None,
    prior_only: bool = False,
) -> PageMatch | None:
    """The page of a known model in a capture (RGB or gray ``uint8``), or None.

    ``prior_quad_xy`` (capture pixels, e.g. the page predicted from the MRZ) is tried
    too and, being refined against the page edges, is how an MRZ-derived quad is
    sharpened; ``models`` restricts the templates tried (e.g. to the model the MRZ names);
    ``prior_only`` skips the search for other candidates.
    """
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    rows, cols = rgb.shape[:2]
    scale = min(1.0, WORK_SIZE / max(rows, cols))
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if (
        scale < 1.0
    ) else rgb
    gray = to_gray(small)
    contrast = _contrast(small)
    quads = [] if prior_only and prior_quad_xy is not None else _candidates(small)
    if prior_quad_xy is not None:
        quads.insert(0, np.asarray(prior_quad_xy, np.float64) * scale)
    best: PageMatch | None = None
    tried: list[np.ndarray] = []
    for quad in quads:
        ordered = order_quad(quad)
        if any(np.abs(ordered - t).max() < 4.0 for t in tried):
            continue
        tried.append(ordered)
        options = [ordered]
        for edges_of in (gray, contrast):
            refined = refine_quad(edges_of, ordered)
            if all(np.abs(refined - o).max() > 1.0 for o in options):
                options.append(refined)
        for q in options:
            if not _inside(q, small.shape[1], small.shape[0]):
                continue  # the whole page is in the frame (captures keep it there)
            match = match_quad(gray, q, models=models)
            if match is not None and (best is None or match.score > best.score):
                best = match
    if best is None or best.score < MIN_SCORE:
        return None
    full = apply_homography(best.quad_xy, np.diag([1 / scale, 1 / scale, 1.0]))
    return PageMatch(best.model, best.side, best.orientation, full, best.score)
