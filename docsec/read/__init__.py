"""Reading a capture: locate the MRZ band, read it, recognise the model, read the visual zone.

:func:`read_document` is plain sequential code over the stages:

``load_image`` (caller) -> :func:`docsec.read.locate.find_mrz_bands` ->
:func:`docsec.read.mrz.read_band` (each band, both directions; the best reading by check
digits and confidence wins) -> :func:`docsec.mrz.parse` (fields, findings) -> model from
format and issuing state -> page homography from the MRZ grid and the model's MRZ box,
snapped onto the page edges (:func:`docsec.read.page.locate_page`); without an MRZ, the
page found from its edges and design (:mod:`docsec.read.pagefind`) -> :func:`rectify` ->
optional visual-zone OCR (:mod:`docsec.read.viz`).

The result :class:`Reading` serialises to the JSON shape of issue 5::

    {"image", "document": {"model", "quad", "orientation"},
     "mrz": {"lines", "format", "char_confidence", "corrections", "fields", "findings"},
     "viz": {...}, "timings_ms": {...}}
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from docsec.imaging.geometry import to_gray
from docsec.ocr.ocrb import OcrbClassifier, load_classifier
from docsec.read.deblur import DEBLUR, estimate_motion_blur, remove_motion_blur
from docsec.read.decode import decode_cells
from docsec.read.locate import BandCandidate, find_mrz_bands, mrz_shaped, reads_turned
from docsec.read.mrz import BandRead, read_band, second_opinion
from docsec.read.page import PageFit, fit_page, locate_page, rectify
from docsec.read.viz import VizField, read_viz

__all__ = ["PageFit", "Reading", "read_document", "read_mrz", "rectify"]

#: Stop trying further bands once a reading is trusted with this mean confidence.
_GOOD_ENOUGH = 0.93
#: Bands read again with the locally relative ink threshold when no reading is complete:
#: on 140 benchmark captures (both sets, every tier, negatives) every reading it bettered
#: came from the finder's first band and none from past its third, while the pass over
#: all eight bands cost pages without an MRZ a sixth of their time. Each is read again
#: only in the direction its fillers say (:func:`reads_turned`) unless Otsu's threshold
#: read an MRZ the other way: on the 310 images of the reading benchmark one reading came
#: from the local threshold without any by Otsu's, in that direction, and the second
#: direction read locally cost pages without an MRZ a third of their time. A band that
#: Otsu's threshold did not read as an MRZ either way is read again only when it is
#: shaped like one (:func:`mrz_shaped`): that one reading came from a band of two lines
#: of 44 cells, while single lines of other print took most of the pass's time.
_LOCAL_BANDS = 3
#: Bands read with Otsu's threshold before the search gives up when none of them gave a
#: reading that is an MRZ (bands are ranked by how MRZ-like their lines are): on the
#: reading benchmark (310 images, seeds 5 and 9303) every reading came from the finder's
#: first two bands, on a held-out independent seed (11; 90 images) one from its fourth
#: (a piece of a curled line whose whole bands did not read): one band of margin.
#: Pages without an MRZ read all eight in both directions.
_FRUITLESS_BANDS = 5


def _settled(best: BandRead) -> bool:
    """Whether further bands and thresholds need not be tried: ``best`` is trusted and
    confident (an untrusted reading may still be bettered by another band or the locally
    relative ink threshold)."""
    return best.trusted and best.mean_confidence >= _GOOD_ENOUGH


@dataclass(frozen=True)
class Reading:
    """Everything read from one capture (see the module docstring for the JSON shape)."""

    image: str | None
    mrz: BandRead | None
    page: PageFit | None
    parsed: Mapping[str, object] | None
    viz: Mapping[str, VizField] | None
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    #: Failures on the way that leave part of the reading empty (Tesseract missing, timed
    #: out or crashed), so an unread visual zone never looks like a blank one.
    warnings: tuple[str, ...] = ()

    @property
    def mrz_lines(self) -> tuple[str, ...] | None:
        """The MRZ lines read, or None when no MRZ was found."""
        return self.mrz.lines if self.mrz is not None else None

    @property
    def valid(self) -> bool:
        """An MRZ was read, every check passes (no finding failed: check digits, dates,
        expiry against the reference date...) and every character is trusted (see
        :meth:`invalid_reasons` for why not)."""
        return not self.invalid_reasons()

    def invalid_reasons(self) -> list[dict[str, object]]:
        """Why the reading is not valid (empty when it is): each reason has a ``reason``
        (``no_mrz``, ``not_an_mrz``, ``finding``, ``unsure``, ``syntax``, ``incomplete``)
        and a ``message``; ``finding`` names the check ``id``, ``unsure`` the characters."""
        if self.mrz is None:
            return [{"reason": "no_mrz", "message": "no MRZ was read"}]
        parsed = self.parsed or {}
        reasons: list[dict[str, object]] = []
        if parsed.get("error"):
            reasons.append({"reason": "not_an_mrz", "message": str(parsed["error"])})
        findings = parsed.get("findings")
        for f in findings if isinstance(findings, list) else []:
            if isinstance(f, dict) and f.get("status") == "fail":
                reasons.append({"reason": "finding", "id": f.get("id"),
                                "message": f.get("message", "")})  # fmt: skip
        if self.mrz.unverified_low:
            sure = self.mrz.final_confidence()
            low = [
                (i + 1, j + 1, self.mrz.lines[i][j], round(sure[i][j], 4))
                for i, j in self.mrz.unsure
            ]
            where = ", ".join(f"{ch!r} at line {i} column {j} ({c})" for i, j, ch, c in low)
            reasons.append({
                "reason": "unsure",
                "message": f"{self.mrz.unverified_low} character(s) read with low confidence "
                "and not vouched for by a check digit"
                + (f"; unsure characters: {where}" if where else ""),
                "characters": [{"position": [i, j], "character": ch, "confidence": c}
                               for i, j, ch, c in low],
            })  # fmt: skip
        if not self.mrz.syntax_ok:
            reasons.append({"reason": "syntax", "message": "the name or a code field is "
                            "malformed, so a misread cannot be ruled out"})  # fmt: skip
        if not self.mrz.complete:
            reasons.append({"reason": "incomplete", "message": "the printed line runs on beyond "
                            "the format's length: only a window of it was read"})  # fmt: skip
        return reasons

    def to_dict(self, *, candidates: bool = False) -> dict[str, object]:
        """JSON-ready mapping in the issue's shape (per-character candidates only when
        ``candidates``: about 10 kB an image)."""
        document: dict[str, object] = {"model": None, "quad": None, "orientation": None}
        if self.page is not None:
            document = self.page.to_dict()
        mrz: dict[str, object] | None = None
        if self.mrz is not None:
            parsed = self.parsed or {}
            mrz = {
                "lines": list(self.mrz.lines),
                "format": self.mrz.format.value,
                "valid": self.valid,
                "invalid_reasons": self.invalid_reasons(),
                "char_confidence": self.mrz.char_confidence(),
                "corrections": [c.to_dict() for c in self.mrz.corrections],
                "quad": np.round(self.mrz.quad_xy, 1).tolist(),
                "fields": parsed.get("fields", {}),
                "findings": parsed.get("findings", []),
            }
            if candidates:
                mrz["candidates"] = [
                    [[list(c) for c in cell.candidates] for cell in line]
                    for line in self.mrz.cells
                ]
        viz = None if self.viz is None else {k: v.to_dict() for k, v in self.viz.items()}
        return {
            "image": self.image,
            "document": document,
            "mrz": mrz,
            "viz": viz,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "warnings": list(self.warnings),
        }


def read_mrz(
    image: np.ndarray,
    *,
    classifier: OcrbClassifier | None = None,
    max_bands: int = 8,
    tesseract: bool = True,
    bands: list[BandCandidate] | None = None,
) -> BandRead | None:
    """Locate and read the MRZ of a capture (RGB or gray ``uint8``); None if none is found.

    The bands are read in the band finder's order, first with Otsu's global ink threshold.
    The search stops at a trusted, confident reading (:func:`_settled`), and after the
    first :data:`_FRUITLESS_BANDS` bands when none of them read as an MRZ (a page without
    one); once a reading is complete (:func:`_complete`: every check digit passes, the
    composite included) no further band is read, only the band it came from again, in the
    direction it was read in, with the locally relative threshold, which may vouch for its
    unsure characters. Without a complete reading the first :data:`_LOCAL_BANDS` bands are
    read again with the locally relative threshold (print faded by a lighting gradient or
    glare), stopping at a complete one: those that Otsu's threshold read as an MRZ or that
    are shaped like one (:func:`docsec.read.locate.mrz_shaped`), each in the direction
    its fillers say, the other way too only where Otsu's threshold read an MRZ that way.

    Still without a complete reading, the first :data:`_DEBLUR_BANDS` bands whose
    gradients show a hand-held phone's streak (:mod:`docsec.read.deblur`) are read again
    with the streak removed (:func:`_read_deblurred`).

    Tesseract is consulted (:func:`docsec.read.mrz.second_opinion`) only when the best
    OCR-B reading is not complete (a check digit fails), and only about its unsure
    characters: where every check digit passes, it could change only characters no check
    digit covers, and a character it changes stays unsure, so the reading's trust cannot
    change (on 59 complete readings of both benchmark sets it changed no text and no
    trust, at about 100 ms each). ``bands`` are the
    capture's band candidates when already found (:func:`find_mrz_bands` with
    ``max_candidates=max_bands``).
    """
    clf = classifier or load_classifier()
    gray = to_gray(image)
    if bands is None:
        bands = find_mrz_bands(gray, max_candidates=max_bands)
    found: set[tuple[int, bool]] = set()
    turned: dict[int, bool] = {}
    best, source = _read_bands(gray, bands, clf, local=False, found=found, turned=turned,
                               fruitless=_FRUITLESS_BANDS)  # fmt: skip
    if best is None or not _settled(best):
        # the band of a complete reading again, in the direction it was read in (turned
        # by 180 degrees the band is other text, whose check digits cannot all pass), or
        # the first bands when no reading was complete: each in the direction its fillers
        # say, and the other way only where Otsu's threshold read an MRZ that way
        if best is not None and _complete(best) and source is not None:
            index, flip = source
            other, _ = _read_bands(gray, [bands[index]], clf, local=True, best=best,
                                   until_complete=False, flips=(flip,))  # fmt: skip
        else:
            # a band no direction of which read as an MRZ is read again only when it is
            # shaped like one (pages without an MRZ paid most of their time here)
            again = {i for i, band in enumerate(bands[:_LOCAL_BANDS])
                     if (i, False) in found or (i, True) in found or mrz_shaped(band)}  # fmt: skip
            other, _ = _read_bands(gray, bands[:_LOCAL_BANDS], clf, local=True, best=best,
                                   turned=turned, second_if=found, only=again)  # fmt: skip
        best = other if other is not None else best
    if best is None or not _complete(best):
        # characters run together by a hand-held phone's streak: the first bands again,
        # the streak removed (a reading that way is sure only where check digits vouch)
        other = _read_deblurred(gray, bands[:_DEBLUR_BANDS], clf)
        if other is not None and (best is None or other.score > best.score):
            best = other
    if best is not None and not best.trusted and not _complete(best) and tesseract:
        other = second_opinion(best)
        if other is not None and other.score > best.score:
            best = other
        elif other is not None and other.warnings != best.warnings:
            best = replace(best, warnings=other.warnings)  # the failure stays visible
    return best


#: Bands whose motion blur is removed and read again when no reading is complete: the
#: MRZ band is the finder's first on 28 of 30 hard photos of the independent set, and each
#: band costs a filter and a reading per streak length (pages without an MRZ pay it too:
#: with two bands and both ink thresholds their median time grew threefold).
_DEBLUR_BANDS = 1


def _read_deblurred(gray: np.ndarray, bands: list[BandCandidate],
                    clf: OcrbClassifier) -> BandRead | None:  # fmt: skip
    """The first complete reading (:func:`_complete`) of ``bands`` with their motion blur
    removed (:mod:`docsec.read.deblur`; bands without a streak are skipped), or None;
    never trusted on the recogniser's confidence (:func:`_distrusted`). A reading that is
    not complete is not kept: every filtered try is one more chance for other print to
    pass two check digits (on a page without an MRZ one did)."""
    for band in bands:
        blur = estimate_motion_blur(gray, band) if band.lines >= 2 else None
        if blur is None:
            continue  # a single line: an MRZ band of two or three was found unstreaked
        pitch = band.pitch or band.thickness
        for share in DEBLUR.lengths:
            sharp = remove_motion_blur(gray, band, blur, share * pitch)
            # the filter restores the ink's contrast: Otsu's global threshold suffices
            reading, _ = _read_bands(sharp, [band], clf, local=False)
            if reading is not None and _complete(reading):
                return _distrusted(reading, share * pitch, blur.angle_deg)
    return None


def _distrusted(reading: BandRead, length: float, angle: float) -> BandRead:
    """``reading`` decoded again with every cell held unsure unless a passing check digit
    vouches for it (as a misplaced cell), with a warning naming the streak removed."""
    cells = tuple((j, k) for j, line in enumerate(reading.lines) for k in range(len(line)))
    d = decode_cells(list(reading.proba), reading.format, cells)
    note = f"read after removing a motion blur of {length:.1f} px at {angle:.0f} degrees"
    return replace(
        reading, lines=d.lines, corrections=d.corrections, checks_passed=d.checks_passed,
        checks_total=d.checks_total, unverified_low=d.unverified_low, syntax_ok=d.syntax_ok,
        unsure=d.unsure, low_count=d.low_count, checks_meaningful=d.checks_meaningful,
        confidence=d.confidence, misplaced=cells, warnings=(*reading.warnings, note),
    )  # fmt: skip


def _complete(reading: BandRead) -> bool:
    """Whether ``reading`` makes reading other bands pointless: it is an MRZ
    (:attr:`BandRead.plausible`), every check digit passes (the composite included), the
    fields are well formed and the grid covered the whole printed line. Another band could
    only read the same MRZ again (a re-read of its own band may still vouch for characters
    it is unsure of) or other print, whose check digits do not all pass."""
    return (
        reading.checks_passed == reading.checks_total
        and reading.syntax_ok
        and reading.complete
        and reading.plausible
    )


def _read_bands(
    gray: np.ndarray,
    bands: list[BandCandidate],
    clf: OcrbClassifier,
    *,
    local: bool,
    best: BandRead | None = None,
    until_complete: bool = True,
    flips: tuple[bool, ...] = (False, True),
    found: set[tuple[int, bool]] | None = None,
    turned: dict[int, bool] | None = None,
    second_if: set[tuple[int, bool]] | None = None,
    fruitless: int | None = None,
    only: set[int] | None = None,
) -> tuple[BandRead | None, tuple[int, bool] | None]:
    """The best reading of ``bands`` (or ``best`` when none scores higher) and where it
    came from: the band's index and whether it was read turned by 180 degrees (None:
    ``best`` as given), read with the ``local`` ink threshold in the directions ``flips``;
    stops after the direction that makes the best reading settled (or complete, when
    ``until_complete``), and before band ``fruitless`` (an index) when no band before it
    gave a reading that is an MRZ.

    ``found`` collects the ``(band index, flip)`` that gave a reading; ``turned`` holds
    (and collects) each band index's :func:`reads_turned`; with ``second_if`` a band's
    second direction is read only when ``(index, flip)`` is in it; with ``only`` only
    the bands of those indices are read."""
    source: tuple[int, bool] | None = None
    turned = {} if turned is None else turned
    for i, band in enumerate(bands):
        if fruitless is not None and i >= fruitless and best is None:
            break
        if only is not None and i not in only:
            continue
        # the direction the text likely reads in first: a complete reading then ends the
        # search before the other is read (about half of all bands read turned)
        if len(flips) > 1 and i not in turned:
            turned[i] = reads_turned(gray, band)
        order = flips[::-1] if len(flips) > 1 and turned[i] else flips
        if second_if is not None:
            order = order[:1] + tuple(f for f in order[1:] if (i, f) in second_if)
        for flip, readings in zip(order, read_band(gray, band, clf, flips=order, local=local),
                                  strict=True):  # fmt: skip
            if readings and found is not None:
                found.add((i, flip))
            for reading in readings:
                if best is None or reading.score > best.score:
                    best, source = reading, (i, flip)
            if best is not None and (_settled(best) or (until_complete and _complete(best))):
                return best, source
    return best, source


def _parse(lines: tuple[str, ...], reference_date: dt.date | None) -> dict[str, object]:
    from docsec.errors import ValidationError
    from docsec.mrz import parse

    try:
        parsed = parse(list(lines), reference_date=reference_date)
    except ValidationError as exc:
        return {"fields": {}, "findings": [], "error": str(exc)}
    out = parsed.to_dict()
    return {"fields": out.get("fields", {}), "findings": out.get("findings", [])}


def _has_mrz(page: PageFit) -> bool:
    model = page.model
    return model is not None and model.mrz is not None and model.mrz.side == page.side


def read_document(
    image: np.ndarray,
    *,
    name: str | None = None,
    viz: bool = True,
    reference_date: dt.date | None = None,
    classifier: OcrbClassifier | None = None,
    page_first: bool = False,
) -> Reading:
    """Read one capture: MRZ (always), model and page quad, visual zone.

    The page comes from the MRZ grid snapped onto the page edges, or, for pages without
    an MRZ (vehicle registration certificate, TD1 front), from the page edges and the
    design alone. ``viz=False`` skips the Tesseract pass over the visual-zone fields (the
    MRZ itself never needs Tesseract) and, where the MRZ names the model, the search for
    page candidates other than the MRZ prediction refined against the page edges.
    ``reference_date`` is passed to the MRZ parser for the expiry finding.

    ``page_first`` suits a capture expected to show a page without an MRZ (a vehicle
    registration certificate): the page is searched for first and, when it is a model side
    that carries no MRZ and every MRZ band candidate of the capture lies on that page (its
    own print, which the design says is no MRZ), no band is read (a few hundred
    milliseconds saved); when the capture has no room for an MRZ outside the page, the
    bands are not even looked for. Otherwise the capture is read as without ``page_first`` (the page
    search not repeated), with the same result.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    bands: list[BandCandidate] | None = None
    first: PageFit | None = None
    if page_first:
        first = locate_page(image, None, thorough=viz)
        timings["page"] = (time.perf_counter() - t0) * 1000
        if first is not None and not _has_mrz(first) and first.quad_xy is not None:
            if not _room_beside(image, first):
                return _finish(image, name, None, first, None, viz, timings, t0)
            bands = find_mrz_bands(to_gray(image), max_candidates=_MAX_BANDS)
            if all(_on_page(b.centre_xy, first) for b in bands):
                return _finish(image, name, None, first, None, viz, timings, t0)
    t0m = time.perf_counter()
    mrz = read_mrz(image, classifier=classifier, bands=bands)
    timings["mrz"] = (time.perf_counter() - t0m) * 1000
    parsed = None
    t1 = time.perf_counter()
    mrz_page = None
    if mrz is not None:
        parsed = _parse(mrz.lines, reference_date)
        mrz_page = fit_page(mrz, image.shape[1], image.shape[0])
        timings["parse"] = (time.perf_counter() - t1) * 1000
    # without an MRZ, the page search done first is the one this would run
    reuse = mrz is None and page_first
    page = first if reuse else locate_page(image, mrz_page, thorough=viz)
    if page is None:
        page = mrz_page
    elif mrz is not None and not mrz.trusted and page.source == "edges" and not _has_mrz(page):
        # an untrusted "MRZ" on a recognised side that carries none is other print
        mrz, parsed = None, None
    timings["page"] = timings.get("page", 0.0) + (time.perf_counter() - t1) * 1000
    return _finish(image, name, mrz, page, parsed, viz, timings, t0)


#: Band candidates :func:`read_mrz` tries (its ``max_bands`` default).
_MAX_BANDS = 8


#: A band centred this close outside a page's outline (mm) is its edge or print on it
#: (photographed edges and shadows make bands there); another document's MRZ, lying beside
#: the page, is centred at least its half-height plus its own margin (over 5 mm) away.
_PAGE_EDGE_MM = 3.0


def _on_page(point: tuple[float, float], page: PageFit) -> bool:
    """Whether ``point`` (capture pixels) lies on ``page`` or within :data:`_PAGE_EDGE_MM`
    outside its outline."""
    import cv2

    assert page.quad_xy is not None and page.model is not None
    quad = np.asarray(page.quad_xy, np.float64)
    px_per_mm = float(np.linalg.norm(quad[1] - quad[0])) / page.model.size_mm[0]
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    inside = cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), True)
    return bool(inside >= -_PAGE_EDGE_MM * px_per_mm)


#: Thickness (mm) of the least MRZ: two OCR-B lines 2.4 mm high, their centres 3.5 mm or
#: more apart; a capture with no wider room outside the page holds no other MRZ.
_MRZ_MIN_HEIGHT_MM = 6.0


def _room_beside(image: np.ndarray, page: PageFit) -> bool:
    """Whether the capture outside ``page`` has room anywhere for an MRZ
    (:data:`_MRZ_MIN_HEIGHT_MM` thick), measured on a 1 px/mm mask of the capture."""
    import cv2

    assert page.quad_xy is not None and page.model is not None
    quad = np.asarray(page.quad_xy, np.float64)
    mm_per_px = page.model.size_mm[0] / max(1e-6, float(np.linalg.norm(quad[1] - quad[0])))
    h, w = (int(np.ceil(n * mm_per_px)) for n in image.shape[:2])
    outside = np.ones((h + 2, w + 2), np.uint8)  # a zero frame: the capture's edge
    outside[0, :] = outside[-1, :] = outside[:, 0] = outside[:, -1] = 0
    cv2.fillConvexPoly(outside, np.round(quad * mm_per_px + 1).astype(np.int32), 0)
    depth = cv2.distanceTransform(outside, cv2.DIST_L2, 3)
    return bool(2.0 * float(depth.max()) >= _MRZ_MIN_HEIGHT_MM)


def _finish(image: np.ndarray, name: str | None, mrz: BandRead | None, page: PageFit | None,
            parsed: Mapping[str, object] | None, viz: bool, timings: dict[str, float],
            t0: float) -> Reading:
    """The reading with the visual zone read when ``viz``."""
    fields = None
    warnings: list[str] = list(mrz.warnings) if mrz is not None else []
    if viz and page is not None and page.model is not None:
        t2 = time.perf_counter()
        fields = read_viz(image, page, warnings=warnings, mrz=parsed)
        timings["viz"] = (time.perf_counter() - t2) * 1000
    timings["total"] = (time.perf_counter() - t0) * 1000
    return Reading(name, mrz, page, parsed, fields, timings, tuple(warnings))
