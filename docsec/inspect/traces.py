"""Checks of the local traces falsification leaves on a genuine document.

Erasure (a UV stain, a thin spot in transmitted light), a cut edge or glue around a
substituted photo, re-lamination, a foreign print process over the design: each is a plain
function of the inspection :class:`~docsec.inspect.context.Context` returning one
:class:`~docsec.report.Finding`, registered in :data:`TRACE_CHECKS` beside
:data:`docsec.inspect.features.FEATURE_CHECKS`.

Every check compares the document in one light with the model's unpersonalised reference in
the same light (:func:`docsec.inspect.reference.reference`) and looks for what the physics of
the trace adds to it, never for anything a generator planted:

* ``feature.page.no_uv_stain``: an eradicator (chemical erasure) leaves the paper it
  wetted fluorescing under UV 365 nm: a patch centimetres across brighter than the dull
  substrate around it and than the reference shows there;
* ``feature.page.even_thickness``: scraping (mechanical erasure) thins the paper: a
  patch brighter in transmitted light than the reference shows there;
* ``feature.laminate.no_bubbles``: a re-laminated page traps air: round glare spots that
  appear under tilt and not face-on, outside the optically variable features;
* ``feature.portrait.no_cut_line``: a photo cut out and stuck over the original leaves a
  dark line along its edges (a printed portrait fades straight into the paper);
* ``feature.page.no_edge_glue``: the adhesive of a data page glued into a booklet
  fluoresces under UV along the page's edges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import cv2
import numpy as np
from numpy.typing import NDArray

from docsec.inspect import tilt
from docsec.inspect.context import Context, make_finding
from docsec.inspect.reference import reference
from docsec.inspect.register import RegisteredView
from docsec.inspect.tilt import TILT_THRESHOLDS
from docsec.report import Finding, Status, worst

__all__ = ["BOOKLET_KINDS", "TRACE_CHECKS", "TRACE_THRESHOLDS", "not_a_booklet", "same_position"]

F32 = NDArray[np.float32]
BoxMM = tuple[float, float, float, float]

#: Resolution the traces are looked for at (pixels per inch): 2 px a millimetre is fine for
#: patches centimetres across and keeps each check to a few milliseconds.
_DPI = 50
#: Median filter (pixels at :data:`_DPI`) that takes out UV fibres, text strokes and print
#: detail narrower than ~2.5 mm before a patch is looked for.
_DETAIL_PX = 5

#: Window (pixels at :data:`_DPI`: 3.5 mm) of the floor (darkest level) compared.
_FLOOR_PX = 7
#: Narrowest patch (pixels at :data:`_DPI`: 3.5 mm) taken for a stain.
_PATCH_PX = 7
#: Margin (mm) around the features left out of a patch search.
_FEATURE_PAD_MM = 1.5
#: Largest offset (pixels at :data:`_DPI`: 1.5 mm) of a copy's print from the reference.
_SHIFT_PX = 3
#: Side (pixels at :data:`_DPI`: 7.5 mm) of the neighbourhood whose structure sets the offset.
_BLOCK_PX = 15
#: Margin (mm) along the page's edges left out: a capture's border and shadow are no trace.
_EDGE_MM = 4.0

#: The threshold of each check's score (all fail above).
TRACE_THRESHOLDS: Mapping[str, float] = {
    # UV lift (grey levels) of the brightest patch 3.5 mm across or more beyond the
    # reference (the smaller of the median and floor lifts): genuine rendered and scanned
    # copies stay below 1.5, photographed ones reach 2.4; an eradicator's stain lifts 3.3+
    "feature.page.no_uv_stain": 2.8,
    # transmitted light under a field over that around it (paper levels, beyond the
    # reference): genuine copies mostly below 2.7 (paper formation), a few scans and photos
    # 3.7; a scraped field lifts 4.5+
    "feature.page.even_thickness": 4.1,
    # round glare spots under tilt, per mille of the page (docsec.inspect.tilt, each frame's
    # exposure taken out)
    "feature.laminate.no_bubbles": TILT_THRESHOLDS["feature.laminate.no_bubbles"],
    # depth (grey levels) of a dark line along the portrait's edges: genuine rendered,
    # scanned and photographed portraits stay within 1, a cut edge is 35 and more
    "feature.portrait.no_cut_line": 10.0,
    # UV lift (grey levels) of the page's edge band over the paper inside it, beyond the
    # reference: genuine rendered and scanned copies stay below 3.6 (vehicle certificates'
    # scans reach 7.4), photographed ones 6.8; the adhesive of a glued-in page lifts 43+
    # rendered, 54+ scanned and 65+ in photos now that their edge is found in the white view
    # of the same position (3-39 before): between, with room on both sides
    "feature.page.no_edge_glue": 15.0,
}


def _lum(img: F32) -> F32:
    if img.ndim == 2:
        return img
    out: F32 = img @ np.asarray([0.299, 0.587, 0.114], np.float32)
    return out


def _reference_page(ctx: Context, side: str, light: str, shape: tuple[int, int]) -> F32 | None:
    """The model's unpersonalised ``side`` in ``light`` (luminance) at ``shape``."""
    try:
        ref = reference(ctx.model.id, side, light)
    except ValueError:
        return None
    lum = _lum(ref.astype(np.float32))
    return np.asarray(cv2.resize(lum, (shape[1], shape[0]), interpolation=cv2.INTER_AREA),
                      np.float32)


def _mask(shape: tuple[int, int], boxes: Iterable[BoxMM], pad_mm: float) -> NDArray[np.bool_]:
    """True outside ``boxes`` (grown by ``pad_mm``) on a page at :data:`_DPI`."""
    keep = np.ones(shape, bool)
    k = _DPI / 25.4
    for x, y, w, h in boxes:
        x0, y0 = int((x - pad_mm) * k), int((y - pad_mm) * k)
        x1, y1 = int(np.ceil((x + w + pad_mm) * k)), int(np.ceil((y + h + pad_mm) * k))
        keep[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = False
    return keep


def _feature_boxes(ctx: Context, side: str, kinds: tuple[str, ...]) -> list[BoxMM]:
    return [f.box_mm for f in ctx.model.features if f.side == side and f.kind in kinds]


def _edge_margin(shape: tuple[int, int], mm: float) -> NDArray[np.bool_]:
    """True farther than ``mm`` from the page's edge (a capture's border is no trace)."""
    keep = np.zeros(shape, bool)
    k = max(1, round(mm * _DPI / 25.4))
    keep[k:-k, k:-k] = True
    return keep


def _patch_box(lift: F32, at: tuple[int, int], level: float) -> BoxMM:
    """The box (mm) of the connected patch of ``lift`` above ``level`` around ``at``."""
    blob = (lift > level).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    lab = int(labels[at])
    k = 25.4 / _DPI
    if lab == 0:
        y, x = at
        return (x - 2) * k, (y - 2) * k, 4 * k, 4 * k
    x, y, w, h = (int(v) for v in stats[lab, :4])
    return x * k, y * k, w * k, h * k


def _lift_map(ctx: Context, v: RegisteredView, light: str,
              detail_px: int = 5) -> tuple[F32, NDArray[np.bool_]] | None:
    """How much brighter each place of the page is in ``light`` than the reference shows it,
    over the page's own difference (capture exposure), fine detail filtered out; and where it
    may be judged (away from the edges).

    The print of a copy may sit a millimetre off the reference (the design's registration
    varies from sheet to sheet): each place is compared with the reference shifted by up to
    :data:`_SHIFT_PX` as the structure around it (:data:`_BLOCK_PX`) fits best, the local
    mean taken out so that a broad patch does not steer the choice."""
    mine = _lum(v.page(_DPI))
    ref = _reference_page(ctx, v.side, light, (mine.shape[0], mine.shape[1]))
    if ref is None:
        return None
    # level the two: the capture's exposure and gain differ from the reference's
    keep = _edge_margin(mine.shape, _EDGE_MM)
    m_lo, m_hi = np.percentile(mine[keep], (10, 90))
    r_lo, r_hi = np.percentile(ref[keep], (10, 90))
    gain = float(np.clip(float(r_hi - r_lo) / max(1.0, float(m_hi - m_lo)), 0.5, 2.0))
    mine = (mine - float(np.median(mine[keep]))) * gain
    ref = ref - float(np.median(ref[keep]))
    r = _SHIFT_PX
    padded = cv2.copyMakeBorder(ref, r, r, r, r, cv2.BORDER_REPLICATE)
    h, w = mine.shape
    mine = np.ascontiguousarray(mine, np.float32)
    best_cost = np.full(mine.shape, np.inf, np.float32)
    diff = np.zeros(mine.shape, np.float32)
    # the same arithmetic as numpy's in OpenCV's calls, into buffers allocated once
    d, mean, cost = (np.empty(mine.shape, np.float32) for _ in range(3))
    better = np.empty(mine.shape, np.uint8)
    block = (_BLOCK_PX, _BLOCK_PX)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            cv2.subtract(mine, padded[r + dy : r + dy + h, r + dx : r + dx + w], dst=d)
            cv2.blur(d, block, dst=mean)
            cv2.absdiff(d, mean, dst=mean)  # |d - its local mean|
            cv2.blur(mean, block, dst=cost)
            cv2.compare(cost, best_cost, cv2.CMP_LT, dst=better)
            cv2.copyTo(cost, better, best_cost)
            cv2.copyTo(d, better, diff)
    if detail_px > 1:
        diff = np.asarray(cv2.medianBlur(np.clip(diff + 128, 0, 255).astype(np.uint8),
                                         detail_px), np.float32) - 128.0
        # a broad patch lifts the dark ground between a design's strokes too: compare the
        # floors (grey erosion over :data:`_FLOOR_PX`) as well and keep the smaller lift, so
        # line work printed brighter or thicker than the reference lifts nothing
        kernel = np.ones((_FLOOR_PX, _FLOOR_PX), np.uint8)
        floor = np.asarray(cv2.erode(mine, kernel), np.float32) - np.asarray(
            cv2.erode(ref, kernel), np.float32)
        diff = np.minimum(diff, floor)
        diff = np.asarray(cv2.GaussianBlur(diff, (0, 0), 1.5), np.float32)
    return diff, keep


def _patch_check(ctx: Context, cid: str, light: str, exclude: tuple[str, ...],
                 ok: tuple[str, str], bad: tuple[str, str]) -> Finding:
    """The brightest patch of ``light`` over the reference on each side that carries
    personal data, ``exclude`` features and the portrait left out; fails above."""
    sides = sorted({f.side for f in ctx.model.fields}
                   | ({ctx.model.mrz.side} if ctx.model.mrz is not None else set()))
    threshold = TRACE_THRESHOLDS[cid]
    found: list[Finding] = []
    for side in sides:
        v = ctx.view(light, side)
        if v is None:
            continue
        got = _lift_map(ctx, v, light, _DETAIL_PX)
        if got is None:
            continue
        lift, keep = got
        boxes = _feature_boxes(ctx, side, exclude)
        if ctx.model.portrait is not None and ctx.model.portrait.side == side:
            boxes.append(ctx.model.portrait.box_mm)
        keep &= _mask(lift.shape, boxes, _FEATURE_PAD_MM)
        if not keep.any():
            continue
        # a patch running into the page's edge is the capture's background let in by a
        # loose registration (or light around the page), not a stain on the paper
        blob = (lift > threshold / 2).astype(np.uint8)
        n, labels = cv2.connectedComponents(blob, connectivity=8)
        rim = ~_edge_margin(lift.shape, _EDGE_MM + 1.0)
        for lab in np.unique(labels[rim & (labels > 0)]):
            keep &= labels != lab
        masked = np.where(keep, lift, -255.0).astype(np.float32)
        # a stain is centimetres across: spots narrower than :data:`_PATCH_PX` (a design's
        # detail a loose registration lets through) are opened away
        masked = np.asarray(cv2.morphologyEx(masked, cv2.MORPH_OPEN, cv2.getStructuringElement(
            cv2.MORPH_ELLIPSE, (_PATCH_PX, _PATCH_PX))), np.float32)
        at = np.unravel_index(int(np.argmax(masked)), masked.shape)
        score = float(masked[at])
        box = _patch_box(masked, (int(at[0]), int(at[1])), score / 2)
        failed = score > threshold
        en, ru = bad if failed else ok
        found.append(make_finding(cid, Status.FAIL if failed else Status.PASS, en, ru,
                                  score=score, threshold=threshold, view=v,
                                  box_mm=box if failed else None))  # fmt: skip
    if not found:
        why = ctx.missing(light, sides[0] if sides else "front")
        return make_finding(cid, Status.NOT_APPLICABLE, f"{why}.", f"нет снимка: {why}.",
                            view_name=light)
    top = worst(f.status for f in found)
    return max((f for f in found if f.status == top), key=lambda f: f.score or 0.0)


def uv_stain(ctx: Context) -> Finding:
    """Lift (grey levels) of the brightest patch under UV 365 nm over the reference, the
    thread, the ghost image, the OVDs and the portrait left out; fails above:
    the fluorescent stain an eradicator leaves where data was washed off."""
    return _patch_check(
        ctx, "feature.page.no_uv_stain", "uv365",
        ("security_thread", "ghost_image", "hologram", "ovi"),
        ok=("The substrate shows no fluorescent stain under UV.",
            "Следов травления (пятен люминесценции) в УФ нет."),
        bad=("A fluorescent stain shows under UV where the paper was wetted: chemical "
             "erasure (washing) of the data; look for the altered entry under "
             "magnification.",
             "В УФ видно пятно люминесценции на месте смачивания бумаги: химическое "
             "травление (вытравливание) реквизитов; осмотрите изменённую запись под "
             "увеличением."))


def _ring_mask(shape: tuple[int, int], box: BoxMM, inner_mm: float,
               outer_mm: float) -> NDArray[np.bool_]:
    """True between ``box`` grown by ``inner_mm`` and by ``outer_mm`` (page at :data:`_DPI`)."""
    return _mask(shape, [box], inner_mm) & ~_mask(shape, [box], outer_mm)


#: Percentile of the levels under and around a field taken as its paper's (the ink of
#: the fields, darker, stays below it).
_PAPER_Q = 80


def thin_spot(ctx: Context) -> Finding:
    """How much more light the paper under a personalised field (or the MRZ) lets through
    than the paper around it, each measured against the reference (median grey levels: the
    field's ink, darker, is outnumbered); fails above: scraping (mechanical erasure) thins
    the paper where data was removed."""
    cid = "feature.page.even_thickness"
    threshold = TRACE_THRESHOLDS[cid]
    model = ctx.model
    targets: dict[str, list[tuple[str, BoxMM]]] = {}
    for f in model.fields:
        targets.setdefault(f.side, []).append((f.name, f.box_mm))
    if model.mrz is not None:
        targets.setdefault(model.mrz.side, []).append(("MRZ", model.mrz.box_mm))
    found: list[Finding] = []
    for side, boxes in sorted(targets.items()):
        v = ctx.view("transmitted", side)
        if v is None:
            continue
        got = _lift_map(ctx, v, "transmitted", 1)
        if got is None:
            continue
        lift, keep = got
        # holes of the perforation and the thread's dark band are no paper
        keep &= _mask(lift.shape, _feature_boxes(ctx, side, ("laser_perforation",
                                                             "security_thread")), 1.0)
        best: tuple[float, str, BoxMM] | None = None
        for name, box in boxes:
            inside = ~_mask(lift.shape, [box], 0.5) & keep
            around = _ring_mask(lift.shape, box, 1.5, 4.0) & keep
            if inside.sum() < 20 or around.sum() < 20:
                continue
            score = float(np.percentile(lift[inside], _PAPER_Q)) - float(
                np.percentile(lift[around], _PAPER_Q))
            if best is None or score > best[0]:
                best = (score, name, box)
        if best is None:
            continue
        score, name, box = best
        failed = score > threshold
        found.append(make_finding(
            cid, Status.FAIL if failed else Status.PASS,
            f"The paper under {name.replace('_', ' ')} lets more light through than around it: "
            "it was thinned by scraping (mechanical erasure); look for raised fibres in "
            "raking light." if failed else "The paper is even in transmitted light.",
            f"Бумага под реквизитом {name} на просвет светлее, чем вокруг: утончена "
            "подчисткой (механическое удаление записи); осмотрите в косопадающем свете."
            if failed else "Бумага на просвет равномерная.",
            score=score, threshold=threshold, view=v, box_mm=box if failed else None,
            field_name=name if failed else None))
    if not found:
        side = model.mrz.side if model.mrz is not None else "front"
        why = ctx.missing("transmitted", side)
        return make_finding(cid, Status.NOT_APPLICABLE, f"{why}.", f"нет снимка: {why}.",
                            view_name="transmitted")
    top = worst(f.status for f in found)
    return max((f for f in found if f.status == top), key=lambda f: f.score or 0.0)


_OVD = ("hologram", "ovi", "latent_image")
#: A tilt frame brighter than the face-on view by this much (grey levels, beyond the
#: frame's own change around it) is glare: a bubble's glare lifts 5-20 levels, capture noise
#: at 50 dpi stays within 2.
_GLARE = 4.0


def _smooth_background(d: F32) -> F32:
    """The slowly varying part of ``d``: a 15-pixel median (7.5 mm at :data:`_DPI`)."""
    lo = float(d.min())
    scaled = np.clip(d - lo, 0, 255).astype(np.uint8)
    return np.asarray(cv2.medianBlur(scaled, 15), np.float32) + lo


#: Resolution (pixels per inch) the portrait's edges are profiled at: a cut line is
#: 0.1-0.2 mm wide.
_EDGE_DPI = 400
#: Where the edge profile runs (mm from the portrait's edge: inside, outside) and how much
#: of each edge's ends is left out (corners, rounded photo corners).
_EDGE_IN_MM, _EDGE_OUT_MM, _EDGE_END_MM = 0.4, 1.2, 2.0
#: Pieces each edge is cut into along its length: a cut line runs the whole edge, a print
#: line crossing it only part of it.
_EDGE_PIECES = 4


def _dip(profile: NDArray[np.float64]) -> float:
    """Depth of the deepest dark line of a profile: how far below the brighter levels on
    both sides of it (running maxima from either end) a point lies."""
    left = np.maximum.accumulate(profile)
    right = np.maximum.accumulate(profile[::-1])[::-1]
    return float(np.max(np.minimum(left, right) - profile))


def portrait_cut_line(ctx: Context) -> Finding:
    """Depth (grey levels) of a dark line running along the portrait's edges just outside
    it in white light: the median over the four edges of the median over pieces of each
    edge; fails above: the edge of a photo cut out and glued over the original (a genuine
    portrait is printed into the page and fades straight into the paper)."""
    cid = "feature.portrait.no_cut_line"
    threshold = TRACE_THRESHOLDS[cid]
    portrait = ctx.model.portrait
    if portrait is None:
        return make_finding(cid, Status.NOT_APPLICABLE, "the model has no portrait.",
                            "у модели нет фотографии.")
    v = ctx.view("white", portrait.side)
    if v is None:
        why = ctx.missing("white", portrait.side)
        return make_finding(cid, Status.NOT_APPLICABLE, f"{why}.", f"нет снимка: {why}.",
                            view_name="white")
    x, y, w, h = portrait.box_mm
    span, end = _EDGE_IN_MM + _EDGE_OUT_MM, _EDGE_END_MM
    strips = (  # (box, profile runs along x, profile reversed: outside last)
        ((x + w - _EDGE_IN_MM, y + end, span, h - 2 * end), True, False),
        ((x - _EDGE_OUT_MM, y + end, span, h - 2 * end), True, True),
        ((x + end, y + h - _EDGE_IN_MM, w - 2 * end, span), False, False),
        ((x + end, y - _EDGE_OUT_MM, w - 2 * end, span), False, True),
    )
    pw, ph = ctx.model.size_mm
    depths = []
    for box, along_x, reverse in strips:
        bx, by, bw, bh = box
        if bx < 0 or by < 0 or bx + bw > pw or by + bh > ph or min(bw, bh) <= 0:
            continue  # a portrait at the page's edge: that edge cannot be profiled
        crop = _lum(v.crop(box, _EDGE_DPI)).astype(np.float64)
        pieces = np.array_split(crop, _EDGE_PIECES, axis=0 if along_x else 1)
        dips = []
        for piece in pieces:
            prof = piece.mean(axis=0) if along_x else piece.mean(axis=1)
            dips.append(_dip(prof[::-1] if reverse else prof))
        depths.append(float(np.median(dips)))
    if not depths:
        return make_finding(cid, Status.NOT_APPLICABLE, "the portrait's edges lie on the "
                            "page's edge.", "края фотографии совпадают с краем страницы.",
                            view=v)
    score = float(np.median(depths))
    failed = score > threshold
    return make_finding(
        cid, Status.FAIL if failed else Status.PASS,
        "A dark cut line runs around the portrait: a photo was cut out and stuck over the "
        "original (photo substitution); examine its edges under magnification and tilt."
        if failed else "The portrait's edges fade into the page with no cut line.",
        "Вокруг фотографии видна тёмная линия среза: фотография вырезана и наклеена поверх "
        "оригинала (переклейка фотографии); осмотрите края под увеличением и при наклоне."
        if failed else "Края фотографии переходят в бланк без линии среза.",
        score=score, threshold=threshold, view=v, box_mm=portrait.box_mm)


#: Resolution (pixels per inch) the page's edges are profiled at under UV.
_GLUE_DPI = 200
#: Band along the page's edge where a glued-in page's adhesive shows (mm inside the edge)
#: and the band inside it that shows the page's own level.
_GLUE_BAND_MM, _GLUE_INNER_MM = (0.1, 0.8), (1.2, 2.0)
#: How far past the page's edge the profiles start (mm), and how far from where the
#: registration puts it the edge is looked for.
_GLUE_OUT_MM, _GLUE_REACH_MM = 1.0, 0.6


#: Share of the view's size within which the page's corners fall on the view's corners when
#: the view shows nothing but the page (a flat rendering: no background to find the edge
#: against); a scanner leaves a margin of 2 % and more, a photo more.
_EDGE_IS_BORDER = 0.01


def _page_fills_view(ctx: Context, v: RegisteredView) -> bool:
    """Whether the registered page covers the whole view (its corners on the view's)."""
    w, h = ctx.model.size_mm
    quad = v.to_capture((0.0, 0.0, w, h))
    if quad is None:
        return False
    ih, iw = v.image.shape[:2]
    corners = np.array([[0, 0], [iw, 0], [iw, ih], [0, ih]], np.float64)
    got = np.asarray(quad, np.float64)
    return bool(np.abs(got - corners).max() <= _EDGE_IS_BORDER * max(iw, ih))


def _edge_offset(prof: NDArray[np.float64], nominal: int, reach: int) -> int:
    """Index of the page's edge in a profile running from outside the page inwards: the
    largest step between the two sides within ``reach`` of ``nominal`` (the capture's
    background and the paper differ; the registration may be a little off)."""
    lo, hi = max(1, nominal - reach), min(len(prof) - 1, nominal + reach)
    steps = np.abs(prof[lo + 1 : hi + 1] - prof[lo - 1 : hi - 1])
    return lo + int(np.argmax(steps)) if steps.size else nominal


def edge_profiles(ctx: Context, v: RegisteredView, side: str,
                  edge_view: RegisteredView | None = None,
                  ) -> list[list[tuple[NDArray[np.float64], NDArray[np.float64]]]] | None:
    """Per edge of the page, per piece of it, the UV profile running inwards from where the
    page's edge is found in the capture, and the reference's from its edge (levels at
    :data:`_GLUE_DPI`); None when the model has no UV reference. With ``edge_view`` (the
    white view of the same side, taken from the same position) the edge is found there:
    under UV a band along the edge as bright as the background beside it (the adhesive in
    a photo) would otherwise move the edge found onto the band's inner side."""
    w, h = ctx.model.size_mm
    k = _GLUE_DPI / 25.4
    ref = _reference_page(ctx, side, "uv365", (round(h * k), round(w * k)))
    if ref is None:
        return None
    out = _GLUE_OUT_MM
    depth = _GLUE_INNER_MM[1] + _GLUE_OUT_MM + _GLUE_REACH_MM + 0.4
    # page strips reaching out past each edge (profiles run from outside inwards)
    strips = (
        ((-out, 3.0, depth, h - 6.0), True, False),
        ((w - depth + out, 3.0, depth, h - 6.0), True, True),
        ((3.0, -out, w - 6.0, depth), False, False),
        ((3.0, h - depth + out, w - 6.0, depth), False, True),
    )
    edge = round(out * k)
    reach = round(_GLUE_REACH_MM * k)
    pad = round(out * k) + 2
    ref_pad = cv2.copyMakeBorder(ref, pad, pad, pad, pad, cv2.BORDER_REPLICATE).astype(
        np.float64)
    fills = _page_fills_view(ctx, v)
    edges = []
    for box, along_x, reverse in strips:
        mine = _lum(v.crop(box, _GLUE_DPI)).astype(np.float64)
        lit = (_lum(edge_view.crop(box, _GLUE_DPI)).astype(np.float64)
               if edge_view is not None else None)  # fmt: skip
        if lit is not None and lit.shape != mine.shape:
            lit = None
        x0, y0 = round(box[0] * k) + pad, round(box[1] * k) + pad
        r = ref_pad[y0 : y0 + mine.shape[0], x0 : x0 + mine.shape[1]]
        if r.shape != mine.shape:
            continue
        axis = 0 if along_x else 1
        pieces = []
        lits = (np.array_split(lit, _EDGE_PIECES, axis=axis) if lit is not None
                else [None] * _EDGE_PIECES)  # fmt: skip
        for pm, pr, pl in zip(np.array_split(mine, _EDGE_PIECES, axis=axis),
                              np.array_split(r, _EDGE_PIECES, axis=axis), lits, strict=True):
            prof = pm.mean(axis=0) if along_x else pm.mean(axis=1)
            rprof = pr.mean(axis=0) if along_x else pr.mean(axis=1)
            lprof = None if pl is None else (pl.mean(axis=0) if along_x else pl.mean(axis=1))
            if reverse:
                prof, rprof = prof[::-1], rprof[::-1]
                lprof = None if lprof is None else lprof[::-1]
            at = edge if fills else _edge_offset(prof if lprof is None else lprof, edge, reach)
            pieces.append((prof[at:], rprof[edge:]))
        edges.append(pieces)
    return edges


#: Models whose data page is bound into a booklet: only there can a page be cut out and
#: glued in. A card has no binding, a visa is a sticker glued into a passport by design and
#: a vehicle certificate is a loose sheet: on those the edge checks have nothing to judge
#: (their edges met the adhesive threshold only by a capture's border).
BOOKLET_KINDS = frozenset({"passport_td3"})


def not_a_booklet(ctx: Context, cid: str) -> Finding | None:
    """A not-applicable finding of ``cid`` when the model has no bound data page (not in
    :data:`BOOKLET_KINDS`), else None."""
    if ctx.model.kind in BOOKLET_KINDS:
        return None
    return make_finding(cid, Status.NOT_APPLICABLE,
                        f"the model {ctx.model.id} is no booklet: it has no bound data page.",
                        f"модель {ctx.model.id} не книжка: у неё нет вшитой страницы "
                        "с данными.")


#: Pixels within which two views' page corners fall when they were taken from one position.
_SAME_POSITION_PX = 3.0


def same_position(a: RegisteredView, b: RegisteredView, size_mm: tuple[float, float]) -> bool:
    """Whether two views put the page's corners at the same capture pixels (one fixed
    position, as a comparator's lights of one side)."""
    w, h = size_mm
    qa, qb = a.to_capture((0.0, 0.0, w, h)), b.to_capture((0.0, 0.0, w, h))
    if qa is None or qb is None:
        return False
    diff = np.abs(np.asarray(qa, np.float64) - np.asarray(qb, np.float64))
    return bool(diff.max() <= _SAME_POSITION_PX)


def page_edge_glue(ctx: Context) -> Finding:
    """How much brighter under UV 365 nm the 0.1-0.8 mm along the data page's edges are
    than the paper 1.2-2 mm in, beyond what the reference shows there (grey levels; each
    edge found in the capture, the median over pieces of each edge, then over the edges);
    fails above: the adhesive of a data page glued into the booklet fluoresces along its
    edges."""
    cid = "feature.page.no_edge_glue"
    threshold = TRACE_THRESHOLDS[cid]
    if (loose := not_a_booklet(ctx, cid)) is not None:
        return loose
    side = ctx.model.mrz.side if ctx.model.mrz is not None else "front"
    v = ctx.view("uv365", side)
    if v is None:
        why = ctx.missing("uv365", side)
        return make_finding(cid, Status.NOT_APPLICABLE, f"{why}.", f"нет снимка: {why}.",
                            view_name="uv365")
    w, h = ctx.model.size_mm
    # the page's edge found in white light when it was taken from the UV view's position
    white = ctx.view("white", side)
    same_place = (white is not None and white.image.shape[:2] == v.image.shape[:2]
                  and same_position(white, v, ctx.model.size_mm))  # fmt: skip
    edges = edge_profiles(ctx, v, side, white if same_place else None)
    if edges is None:
        return make_finding(cid, Status.ERROR, "the model has no UV reference.",
                            "нет эталона в УФ.", view=v)
    k = _GLUE_DPI / 25.4
    b0, b1 = (round(m * k) for m in _GLUE_BAND_MM)
    i0, i1 = (round(m * k) for m in _GLUE_INNER_MM)
    lifts = []
    for pieces in edges:
        per_piece = []
        for page, rpage in pieces:
            if len(page) <= i1 or len(rpage) <= i1:
                continue
            band = page[b0:b1].mean() - rpage[b0:b1].mean()
            inner = page[i0:i1].mean() - rpage[i0:i1].mean()
            per_piece.append(float(band - inner))
        if per_piece:
            lifts.append(float(np.median(per_piece)))
    if not lifts:
        return make_finding(cid, Status.ERROR, "the page's edges could not be profiled.",
                            "края страницы не удалось проанализировать.", view=v)
    score = float(np.median(lifts))
    failed = score > threshold
    return make_finding(
        cid, Status.FAIL if failed else Status.PASS,
        "Adhesive fluoresces along the data page's edges under UV: the page was glued in "
        "(a substituted data page); check the binding and the page numbering."
        if failed else "No adhesive fluoresces along the data page's edges.",
        "По краям страницы с данными в УФ светится клей: страница вклеена (замена страницы); "
        "проверьте прошивку и нумерацию страниц." if failed else
        "Клея по краям страницы с данными в УФ нет.",
        score=score, threshold=threshold, view=v, box_mm=(0.0, 0.0, w, h))


#: Check ID -> (function, the lights it looks at).
TRACE_CHECKS: Mapping[str, tuple[Callable[[Context], Finding], tuple[str, ...]]] = {
    "feature.page.no_uv_stain": (uv_stain, ("uv365",)),
    "feature.page.even_thickness": (thin_spot, ("transmitted",)),
    "feature.laminate.no_bubbles": (tilt.laminate_bubbles, ("white", "tilt")),
    "feature.portrait.no_cut_line": (portrait_cut_line, ("white",)),
    "feature.page.no_edge_glue": (page_edge_glue, ("uv365",)),
}
