"""Registration: every supplied view brought into the recognised model's canonical frame.

A view is named by its light and side (``white``, ``uv365``, ``ir``, ``transmitted``,
``tilt_1`` ..., with ``_back`` for the second side). The white view of a side is the
anchor: the reader (:func:`docsec.read.read_document`) recognises the model and finds the
page homography in it; registration keeps whichever of the reader's page, the page the MRZ
grid alone predicts and the whole frame correlates best with the reference, and refines it
by a bounded search of the page's offset and scale (steps under the guilloche's pitch, so it
cannot lock onto a shifted copy of the pattern); a page still below :data:`_GOOD_ENOUGH`
(e.g. a flatbed scan whose white page on a white platen was taken for the whole frame) is
aligned onto the reference's design by ECC, coarse to fine (:func:`_ecc_refined`; its best
alignment then goes through a smoothed 70 dpi and a 100 dpi level, :func:`_ecc_fine`, which
land within half a millimetre whatever the CPU's SIMD path). Views taken from one
fixed position (a video spectral comparator: same frame size as the anchor,
``fixed_position=True``) share the anchor's homography; hand-held views are located on
their own (:func:`docsec.read.page.locate_page` with the anchor's page as prior). Each
registration has a quality figure (0..1): the correlation of the rectified view with the
model's unpersonalised reference in the same light (50 dpi, personalised areas left out); a
failing image check on a view below :data:`QUALITY_MIN` is reported as a warning
(:func:`docsec.inspect._gate`), unless the check found its feature itself where it read it
(:func:`docsec.inspect.tilt.located`: a photo's lamp lowers the whole page's figure).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.errors import InvalidComponent
from docsec.imaging.geometry import apply_homography
from docsec.models import CANONICAL_DPI, DocumentModel, mm_to_px
from docsec.read.page import PageFit, locate_page

__all__ = ["LIGHTS", "QUALITY_MIN", "RegisteredView", "light_of", "side_of", "structure_ncc"]

#: The lights a view can be taken in (tilt frames are ``tilt_<k>``).
LIGHTS = ("white", "uv365", "uv254", "ir", "transmitted", "tilt")

_Q_DPI = 50

#: Registration quality under which a view's failing image check becomes a warning: below
#: it the rectified view correlates so loosely with the reference's design that a check's
#: box may not hold the feature it reads (genuine captures at capture level 1 measure
#: 0.6-0.95; a page located on the wrong quad measures under 0.3).
QUALITY_MIN = 0.45


def side_of(view: str) -> str:
    """``white_back`` -> ``back``; every other name -> ``front``."""
    return "back" if view.endswith("_back") else "front"


def light_of(view: str) -> str:
    """``tilt_2_back`` -> ``tilt_2``; ``uv365`` -> ``uv365``."""
    return view.removesuffix("_back")


@dataclass
class RegisteredView:
    """One view in the model's frame: ``mm_to_capture`` maps page millimetres to pixels.

    ``quality`` is 0..1 (0 when the view could not be registered); ``shared_with`` names
    the anchor view whose homography a fixed-position view shares.
    """

    name: str
    image: NDArray[np.uint8]
    model: DocumentModel
    mm_to_capture: NDArray[np.float64] | None
    quality: float = 0.0
    shared_with: str | None = None
    measured: bool = False
    _cache: dict[tuple[object, ...], NDArray[np.float32]] = field(default_factory=dict, repr=False)

    @property
    def light(self) -> str:
        """The light of the view (``white``, ``uv365``, ``tilt_1`` ...)."""
        return light_of(self.name)

    @property
    def side(self) -> str:
        """The side of the document the view shows."""
        return side_of(self.name)

    @property
    def registered(self) -> bool:
        """Whether the view has a homography into the canonical frame."""
        return self.mm_to_capture is not None

    def crop(self, box_mm: tuple[float, float, float, float], dpi: int,
             *, gray: bool = False) -> NDArray[np.float32]:
        """The region ``box_mm`` of the page, rectified at ``dpi`` (float32, 0..255)."""
        key = (box_mm, dpi, gray)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if self.mm_to_capture is None:
            raise ValueError(f"view {self.name} is not registered")
        x, y, w, h = box_mm
        size = (max(1, mm_to_px(x + w, dpi) - mm_to_px(x, dpi)),
                max(1, mm_to_px(y + h, dpi) - mm_to_px(y, dpi)))  # fmt: skip
        px_to_mm = np.array([[25.4 / dpi, 0.0, mm_to_px(x, dpi) * 25.4 / dpi],
                             [0.0, 25.4 / dpi, mm_to_px(y, dpi) * 25.4 / dpi],
                             [0.0, 0.0, 1.0]])  # fmt: skip
        img: np.ndarray = self.image
        if gray and img.ndim == 3:
            img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        out = cv2.warpPerspective(img, self.mm_to_capture @ px_to_mm, size,
                                  flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                  borderMode=cv2.BORDER_REPLICATE).astype(np.float32)  # fmt: skip
        self._cache[key] = out
        return out

    def page(self, dpi: int, *, gray: bool = False) -> NDArray[np.float32]:
        """The whole page rectified at ``dpi``."""
        w, h = self.model.size_mm
        return self.crop((0.0, 0.0, w, h), dpi, gray=gray)

    def to_capture(self, box_mm: tuple[float, float, float, float]) -> list[list[float]] | None:
        """Corners of ``box_mm`` in capture pixels (None when not registered)."""
        if self.mm_to_capture is None:
            return None
        x, y, w, h = box_mm
        pts = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64)
        return np.round(apply_homography(pts, self.mm_to_capture), 1).tolist()  # type: ignore[no-any-return]


def canonical_polygon(box_mm: tuple[float, float, float, float]) -> list[list[float]]:
    """Corners of ``box_mm`` in the 600 dpi canonical frame."""
    k = CANONICAL_DPI / 25.4
    x, y, w, h = box_mm
    return [[round(a * k, 1), round(b * k, 1)]
            for a, b in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))]  # fmt: skip


def _structure(img: NDArray[np.float32]) -> NDArray[np.float32]:
    g = img if img.ndim == 2 else img.mean(axis=2)
    g = cv2.GaussianBlur(g.astype(np.float32), (0, 0), 1.0)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1)
    return np.asarray(cv2.magnitude(gx, gy), np.float32)


def structure_ncc(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    """Normalised correlation of two same-size images' gradient magnitude (-1..1)."""
    sa, sb = _structure(a), _structure(b)
    sa = sa - sa.mean()
    sb = sb - sb.mean()
    den = float(np.sqrt((sa * sa).sum() * (sb * sb).sum()))
    return float((sa * sb).sum() / den) if den > 0 else 0.0


def _design_mask(model: DocumentModel, side: str, size: tuple[int, int], dpi: int) -> np.ndarray:
    """255 on the design, 0 on what is personalised (fields, MRZ, portrait, ghost image)."""
    mask = np.full((size[1], size[0]), 255, np.uint8)
    boxes = [f.box_mm for f in model.fields if f.side == side]
    boxes += [z.box_mm for z in (model.mrz, model.portrait) if z is not None and z.side == side]
    boxes += [f.box_mm for f in model.features
              if f.side == side and f.kind in ("ghost_image", "laser_perforation")]  # fmt: skip
    k = dpi / 25.4
    for x, y, w, h in boxes:
        mask[max(0, int(y * k)) : int(np.ceil((y + h) * k)),
             max(0, int(x * k)) : int(np.ceil((x + w) * k))] = 0  # fmt: skip
    return mask


class _Scorer:
    """Registration quality of candidate homographies of one view against one reference:
    the reference template, the design mask and the gray view are prepared once."""

    def __init__(self, image: NDArray[np.uint8], model: DocumentModel, side: str,
                 ref: NDArray[np.uint8]) -> None:
        self.side = side
        w_mm, h_mm = model.size_mm
        self.size = (max(1, mm_to_px(w_mm, _Q_DPI)), max(1, mm_to_px(h_mm, _Q_DPI)))
        self.gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        r_full = ref if ref.ndim == 2 else cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY)
        r = cv2.resize(r_full, self.size, interpolation=cv2.INTER_AREA).astype(np.float32)
        keep = _design_mask(model, side, self.size, _Q_DPI) > 0
        t = np.asarray(cv2.GaussianBlur(r, (0, 0), 1.0), np.float32)[keep]
        self.keep = keep
        self.tmpl = t - t.mean()
        self.tmpl_norm = float(np.sqrt((self.tmpl * self.tmpl).sum()))
        s = 25.4 / _Q_DPI
        self.px_to_mm = np.array([[s, 0.0, 0.0], [0.0, s, 0.0], [0.0, 0.0, 1.0]])

    def __call__(self, mm_to_capture: NDArray[np.float64]) -> float:
        page = cv2.warpPerspective(self.gray, mm_to_capture @ self.px_to_mm, self.size,
                                   flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                   borderMode=cv2.BORDER_REPLICATE).astype(np.float32)  # fmt: skip
        img = np.asarray(cv2.GaussianBlur(page, (0, 0), 1.0), np.float32)[self.keep]
        img -= img.mean()
        den = self.tmpl_norm * float(np.sqrt((img * img).sum()))
        return max(0.0, float((self.tmpl * img).sum() / den)) if den > 0 else 0.0


def refine(view: RegisteredView, ref: NDArray[np.uint8]) -> float:
    """The registration quality of ``view`` (0..1): the correlation of the rectified view
    with the model's unpersonalised reference in the same light, 50 dpi, personalised areas
    left out."""
    if view.mm_to_capture is None:
        return 0.0
    return _Scorer(view.image, view.model, view.side, ref)(view.mm_to_capture)


def _masked_ncc(a: np.ndarray, b: np.ndarray, keep: np.ndarray) -> float:
    x = a[keep] - a[keep].mean()
    y = b[keep] - b[keep].mean()
    den = float(np.sqrt((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / den) if den > 0 else 0.0


#: Registration quality above which the anchor's homography is not refined further.
_GOOD_ENOUGH = 0.8
#: Steps (mm) of the refinement of the page's scale and offset, coarse to fine; the largest
#: stays under the pitch of the guilloche, so the search cannot lock onto a shifted copy.
_REFINE_STEPS_MM = (0.8, 0.4, 0.2)
#: Smallest gain in quality a refinement step must bring to be kept.
_MIN_GAIN = 0.005


def _frame_homography(model: DocumentModel, shape: tuple[int, ...]) -> NDArray[np.float64]:
    """Page millimetres to capture pixels when the page fills the whole frame."""
    w_mm, h_mm = model.size_mm
    h, w = shape[:2]
    return np.array([[w / w_mm, 0.0, -0.5], [0.0, h / h_mm, -0.5], [0.0, 0.0, 1.0]])


def _refined(score: _Scorer, model: DocumentModel, h: NDArray[np.float64],
             q: float) -> tuple[NDArray[np.float64], float]:
    """Coordinate search of the page's offset and scale along each axis (in page mm) that
    raises the registration quality: fixes a page quad snapped onto an inner edge or a
    page located a little short of its border."""
    w_mm, h_mm = model.size_mm
    params = np.zeros(4)  # dx, dy (mm), sx, sy (mm of growth over the page)
    for step in _REFINE_STEPS_MM:
        improved = True
        while improved:
            improved = False
            for k in range(4):
                for sign in (1.0, -1.0):
                    trial = params.copy()
                    trial[k] += sign * step
                    if np.abs(trial).max() > 3.0:
                        continue
                    a = np.array([[1 + trial[2] / w_mm, 0.0, trial[0]],
                                  [0.0, 1 + trial[3] / h_mm, trial[1]], [0.0, 0.0, 1.0]])
                    tq = score(h @ a)
                    if tq > q + _MIN_GAIN:
                        params, q, improved = trial, tq, True
                        break
                if improved:
                    break
    a = np.array([[1 + params[2] / w_mm, 0.0, params[0]],
                  [0.0, 1 + params[3] / h_mm, params[1]], [0.0, 0.0, 1.0]])
    return h @ a, q


#: Resolutions (dpi) of the coarse-to-fine ECC alignment of the rectified page onto the
#: reference's design: 12 dpi reaches a page located up to ~10 mm off (a scan's page found
#: on the platen's frame), 25 and 50 dpi bring it within a fraction of a millimetre.
_ECC_DPIS = (20, 35, 50)
#: Iterations and convergence step of each ECC level (a few dozen suffice at these sizes).
_ECC_CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)


#: The last ECC levels (dpi, Gaussian smoothing in pixels), run once on the coarse levels'
#: best alignment: at 50 dpi the masked design pins a card's corners only to about a
#: millimetre (the optimum itself sits 0.5-1.1 mm off the true page, and where ECC stops in
#: that flat valley follows the CPU's rounding: 0.49-1.25 mm on one scan under three OpenCV
#: SIMD paths); at 100 dpi the optimum is sharp and within 0.4 mm of the page, but its basin
#: is narrow (from 1 mm off it may lock 3 mm away on the guilloche), so a smoothed 70 dpi
#: level leads into it (card scans and photos 1-1.6 mm off: 0.27-0.58 mm after both).
_ECC_FINE_LEVELS = ((70, 5), (100, 3))
#: Iterations and convergence step of each last level (they converge in under ten).
_ECC_FINE_CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 1e-6)
#: Largest move (mm, any page corner) of the last levels from the coarse alignment: the
#: coarse levels leave a card within 1.3 mm; a larger move is a level that diverged (from
#: 1.5 mm off along the page's height they may run 14-22 mm away).
_ECC_FINE_MAX_MOVE_MM = 2.0

#: Smallest gain in quality for which the ECC alignment replaces the page fit: the
#: reference's design is not the printed page to the tenth of a millimetre (a rendered visa
#: aligns 1 mm off its true place for a gain of 0.02), a page found on the wrong quad gains
#: 0.15-0.45.
_ECC_MIN_GAIN = 0.05


#: ECC alignments also start from the reader's page fit and the other candidates when their
#: page lies more than this (mm, any corner) from every start already tried: from a scan's
#: page found loosely on the platen (quality 0.40-0.49) the coarse levels land anywhere
#: between 0.12 and 0.88 depending on the start and on the CPU's SIMD path (a TD2 card
#: scan of the generator: 0.61 with AVX-512, 0.88 without), so more starts make the best
#: alignment found less a matter of one path.
_ECC_DISTINCT_START_MM = 1.0


def _corner_move_mm(model: DocumentModel, a: NDArray[np.float64], b: NDArray[np.float64]
                    ) -> float:  # fmt: skip
    """How far (page mm, the largest over the four corners) page homography ``a`` puts the
    page from where ``b`` does."""
    w_mm, h_mm = model.size_mm
    corners = np.array([[0.0, w_mm, w_mm, 0.0], [0.0, 0.0, h_mm, h_mm], [1.0, 1.0, 1.0, 1.0]])
    back = np.linalg.solve(b, a @ corners)
    return float(np.abs(back[:2] / back[2] - corners[:2]).max())


def _ecc_refined(score: _Scorer, model: DocumentModel, ref: NDArray[np.uint8],
                 h: NDArray[np.float64], *, gated: bool,
                 memo: dict[tuple[int, bytes], tuple[NDArray[np.float64], float] | None]
                 | None = None) -> NDArray[np.float64] | None:
    """The page homography ``h`` refined by ECC (enhanced correlation coefficient) of the
    rectified luminance onto the reference's unpersonalised design, coarse to fine,
    personalised areas masked (``gated``: a level is kept only when it raises the quality,
    so one that diverges is dropped); None when no level converges. The correction is affine: a
    flatbed scan adds no perspective, and a full homography bends the page's corners, which
    lie in masked areas (the MRZ), by more than a millimetre. ``memo`` keeps each level's
    alignment by its starting homography for the next call (a gated and an ungated run from
    one start align alike until the gate drops a level)."""
    r_gray = ref if ref.ndim == 2 else cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY)
    cur, cur_q, converged = h, score(h), False
    kept = {} if memo is None else memo
    for dpi in _ECC_DPIS:
        s = 25.4 / dpi
        p = np.array([[s, 0.0, 0.0], [0.0, s, 0.0], [0.0, 0.0, 1.0]])
        key = (dpi, np.ascontiguousarray(cur, np.float64).tobytes())
        if key not in kept:
            found = _ecc_level(score, model, r_gray, cur, dpi, p)
            kept[key] = None if found is None else (found, score(found))
        got = kept[key]
        if got is None:  # did not converge at this level: the next one starts from cur
            continue
        nxt, q = got
        if q > cur_q or not gated:
            cur, cur_q, converged = nxt, q, True
    return np.asarray(cur / cur[2, 2], np.float64) if converged else None


def _ecc_fine(score: _Scorer, model: DocumentModel, ref: NDArray[np.uint8],
              h: NDArray[np.float64]) -> NDArray[np.float64]:
    """The coarse ECC alignment ``h`` refined by the last ECC levels
    (:data:`_ECC_FINE_LEVELS`); ``h`` itself when they do not converge or move a page corner
    more than :data:`_ECC_FINE_MAX_MOVE_MM` (they diverged)."""
    r_gray = ref if ref.ndim == 2 else cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY)
    cur = h
    for dpi, smooth in _ECC_FINE_LEVELS:
        s = 25.4 / dpi
        p = np.array([[s, 0.0, 0.0], [0.0, s, 0.0], [0.0, 0.0, 1.0]])
        nxt = _ecc_level(score, model, r_gray, cur, dpi, p, _ECC_FINE_CRITERIA, smooth)
        if nxt is None:
            return h
        cur = nxt
    w_mm, h_mm = model.size_mm
    corners = np.array([[0.0, w_mm, w_mm, 0.0], [0.0, 0.0, h_mm, h_mm], [1.0, 1.0, 1.0, 1.0]])
    # the move in page millimetres: the fine homography's corners taken back through ``h``
    back = np.linalg.solve(h, cur @ corners)
    move = float(np.abs(back[:2] / back[2] - corners[:2]).max())
    return np.asarray(cur / cur[2, 2], np.float64) if move <= _ECC_FINE_MAX_MOVE_MM else h


def _ecc_level(score: _Scorer, model: DocumentModel, r_gray: NDArray[Any],
               cur: NDArray[np.float64], dpi: int,
               p: NDArray[np.float64],
               criteria: tuple[int, int, float] = _ECC_CRITERIA,
               smooth: int = 3) -> NDArray[np.float64] | None:
    """One level of :func:`_ecc_refined`: ``cur`` aligned by ECC at ``dpi`` (``p``: its
    pixels to page mm), or None when ECC does not converge or diverges."""
    w_mm, h_mm = model.size_mm
    size = (max(1, mm_to_px(w_mm, dpi)), max(1, mm_to_px(h_mm, dpi)))
    tmpl = cv2.resize(r_gray, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    page = cv2.warpPerspective(score.gray, cur @ p, size,
                               flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE).astype(np.float32)  # fmt: skip
    mask = _design_mask(model, score.side, size, dpi)
    try:
        _, found = cv2.findTransformECC(tmpl, page, np.eye(2, 3, dtype=np.float32),
                                        cv2.MOTION_AFFINE, criteria, mask, smooth)  # fmt: skip
    except cv2.error:
        return None
    warp = np.asarray(found, np.float64)
    if not np.all(np.isfinite(warp)):
        return None
    affine = np.vstack([warp, [0.0, 0.0, 1.0]])
    return np.asarray(cur @ p @ affine @ np.linalg.inv(p), np.float64)


def register_side(views: Mapping[str, NDArray[np.uint8]], anchor: str, page: PageFit,
                  *, fixed_position: bool = True,
                  candidates: Sequence[NDArray[np.float64]] = ()) -> dict[str, RegisteredView]:
    """Register the views of one side against its anchor's page fit.

    The anchor's homography is the best, by registration quality, of the reader's page fit,
    the ``candidates`` (e.g. the page the MRZ grid alone predicts) and the whole frame (a
    view cropped to the page), refined by a small search of the page's offset and scale
    when still below :data:`_GOOD_ENOUGH`. Views of the same frame size share it
    (``fixed_position``); others are located on their own.
    """
    from docsec.inspect.reference import reference

    assert page.model is not None
    model = page.model
    base = views[anchor]
    out: dict[str, RegisteredView] = {}
    head = RegisteredView(anchor, base, model, page.page_mm_to_capture)
    try:
        ref_white = reference(model.id, head.side, "white")
    except InvalidComponent:  # a model without a stored reference: no quality figure
        ref_white = None
    if ref_white is not None and head.mm_to_capture is not None:
        score = _Scorer(base, model, head.side, ref_white)
        best_h, best_q = head.mm_to_capture, score(head.mm_to_capture)
        for h in (*candidates, _frame_homography(model, base.shape)):
            q = score(h)
            if q > best_q + _MIN_GAIN:
                best_h, best_q = h, q
        if best_q < _GOOD_ENOUGH:
            best_h, best_q = _refined(score, model, best_h, best_q)
        if best_q < _GOOD_ENOUGH:
            ecc_h, ecc_q = best_h, best_q
            memo: dict[tuple[int, bytes], tuple[NDArray[np.float64], float] | None] = {}
            starts = [best_h, _frame_homography(model, base.shape)]
            for h in (head.mm_to_capture, *candidates):
                if all(_corner_move_mm(model, h, s) > _ECC_DISTINCT_START_MM for s in starts):
                    starts.append(h)
            for start, gated in itertools.product(starts, (False, True)):
                eh = _ecc_refined(score, model, ref_white, start, gated=gated, memo=memo)
                eq = score(eh) if eh is not None else 0.0
                if eh is not None and eq > ecc_q:
                    ecc_h, ecc_q = eh, eq
            if ecc_q > best_q + _ECC_MIN_GAIN:
                best_h = _ecc_fine(score, model, ref_white, ecc_h)
                best_q = score(best_h)
        head = RegisteredView(anchor, base, model, best_h, quality=best_q, measured=True)
    out[anchor] = head
    for name, img in views.items():
        if name == anchor:
            continue
        if fixed_position and img.shape[:2] == base.shape[:2]:
            # one fixed position (a comparator): the anchor's homography and its quality
            out[name] = RegisteredView(name, img, model, head.mm_to_capture,
                                       quality=head.quality, shared_with=anchor,
                                       measured=head.measured)  # fmt: skip
            continue
        own = locate_page(img if img.ndim == 3 else cv2.cvtColor(img, cv2.COLOR_GRAY2RGB), None)
        ok = own is not None and own.model is not None and own.model.id == model.id
        rv = RegisteredView(name, img, model,
                            own.page_mm_to_capture if ok and own is not None else None)
        try:
            ref = reference(model.id, rv.side, rv.light)
        except InvalidComponent:  # a light the model has no reference for
            ref = None
        if ref is not None and rv.registered:
            rv.quality = refine(rv, ref)
            rv.measured = True
        out[name] = rv
    return out
