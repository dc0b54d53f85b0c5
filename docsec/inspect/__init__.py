"""Inspection: check every security feature in every light, decide, explain each finding.

:func:`inspect_document` takes the views of one document (``white``, ``uv365``, ``ir``,
``transmitted``, ``tilt_1`` ..., ``_back`` for the second side, ``vin_plate`` for a vehicle),
reads each side's white view (:func:`docsec.read.read_document`: MRZ, model, page, visual
zone), registers every view into the model's canonical frame
(:mod:`docsec.inspect.register`), runs one check per ID of ``feature_checks.json``
(:mod:`docsec.inspect.features`) and every data rule (:mod:`docsec.inspect.rules`), and
decides accept / refer / reject (:mod:`docsec.inspect.verdict`). Which views are used follows
the level: 1 white and UV 365; 2 also UV 254, IR, transmitted and tilt; 3 everything
supplied.

Checks compare with the model's unpersonalised reference (:mod:`docsec.inspect.reference`),
never with anything the generator planted; this package imports nothing from
:mod:`docsec.generate`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from docsec.alerts import DocumentAlerts
from docsec.errors import ImageError, InvalidComponent, RegionNotFound
from docsec.inspect.context import Context, make_finding
from docsec.inspect.features import FEATURE_CHECKS
from docsec.inspect.register import (
    QUALITY_MIN,
    RegisteredView,
    light_of,
    register_side,
    side_of,
)
from docsec.inspect.rules import data_findings
from docsec.inspect.traces import TRACE_CHECKS
from docsec.inspect.verdict import decide
from docsec.models import DocumentModel
from docsec.read import PageFit, Reading, read_document
from docsec.registry.base import VehicleRegistry
from docsec.report import Finding, Status

__all__ = ["LEVEL_LIGHTS", "InspectionReport", "inspect_document", "views_for_level"]

#: Lights each level uses (``tilt`` stands for every tilt frame); level 3 uses everything.
LEVEL_LIGHTS: Mapping[int, frozenset[str]] = {
    1: frozenset({"white", "uv365"}),
    2: frozenset({"white", "uv365", "uv254", "ir", "transmitted", "tilt"}),
}


def _family(view: str) -> str:
    light = light_of(view)
    return "tilt" if light.startswith("tilt_") else light


def views_for_level(names: list[str] | tuple[str, ...] | set[str], level: int) -> list[str]:
    """The views of ``names`` that ``level`` uses (the VIN plate and the photo of the
    traveller are not lights: always used).

    >>> views_for_level(["white", "ir", "tilt_1", "uv365_back", "vin_plate"], 1)
    ['white', 'uv365_back', 'vin_plate']
    """
    if level not in (1, 2, 3):
        raise InvalidComponent(f"level must be 1, 2 or 3, got {level!r}")
    if level == 3:
        return list(names)
    lights = LEVEL_LIGHTS[level]
    return [n for n in names if n in ("vin_plate", "traveller") or _family(n) in lights]


@dataclass
class InspectionReport:
    """The outcome of one inspection: verdict, reasons, findings, the reading, timings."""

    verdict: str
    reasons: list[dict[str, str]]
    model: DocumentModel | None
    level: int
    findings: list[Finding]
    readings: Mapping[str, Reading]
    views: Mapping[str, RegisteredView]
    reference_date: dt.date
    timings_ms: dict[str, float] = field(default_factory=dict)
    heat: Mapping[str, Any] = field(default_factory=dict)

    def finding(self, check_id: str) -> Finding | None:
        """The finding of ``check_id`` (None when it was not produced)."""
        return next((f for f in self.findings if f.id == check_id), None)

    def failed(self) -> list[str]:
        """IDs of the failing findings."""
        return [f.id for f in self.findings if f.status == Status.FAIL]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (``verdict``, ``reasons``, ``model``, ``findings``, ...)."""
        return {
            "verdict": self.verdict,
            "reasons": self.reasons,
            "model": self.model.id if self.model is not None else None,
            "level": self.level,
            "reference_date": self.reference_date.isoformat(),
            "findings": [finding_dict(f) for f in self.findings],
            "registration": {
                name: {"quality": round(v.quality, 3), "registered": v.registered,
                       "shared_with": v.shared_with}
                for name, v in self.views.items()
            },
            "reading": {side: r.to_dict() for side, r in self.readings.items()},
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }

    def to_html(self) -> str:
        """A self-contained HTML report (inline images, no external files)."""
        from docsec.inspect.html import render_html

        return render_html(self)


def finding_dict(f: Finding) -> dict[str, object]:
    """A finding in the report's JSON shape."""
    return {
        "id": f.id,
        "status": f.status.value,
        "view": f.view,
        "region": f.region,
        "score": f.score,
        "threshold": f.threshold,
        "field": f.field,
        "expected": f.expected,
        "found": f.found,
        "message": {"en": f.message, "ru": f.message_ru},
    }


def _as_image(name: str, img: object) -> NDArray[np.uint8]:
    a = np.asarray(img)
    if a.dtype != np.uint8 or a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
        raise ImageError(f"view {name!r} is not an 8-bit gray or RGB image")
    if a.ndim == 3 and a.shape[2] == 4:
        a = np.ascontiguousarray(a[..., :3])
    if min(a.shape[:2]) < 32:
        raise ImageError(f"view {name!r} is too small ({a.shape[1]}x{a.shape[0]})")
    return a


_KNOWN = ("white", "uv365", "uv254", "ir", "transmitted")


def _check_name(name: str) -> None:
    light = light_of(name)
    ok = name in ("vin_plate", "traveller") or light in _KNOWN or (
        light.startswith("tilt_") and light[5:].isdigit())
    if not ok:
        raise InvalidComponent(
            f"unknown view {name!r}: use white, uv365, uv254, ir, transmitted, tilt_<k> "
            "(with _back for the second side), vin_plate or traveller")


def inspect_document(
    views: Mapping[str, object],
    *,
    level: int = 3,
    reference_date: dt.date | None = None,
    registry: VehicleRegistry | None = None,
    fixed_position: bool = True,
    vin_plate_text: str | None = None,
    viz: bool = True,
    alerts: DocumentAlerts | None = None,
) -> InspectionReport:
    """Inspect one document from its views; see the module docstring.

    Parameters
    ----------
    views : mapping of str to image
        ``uint8`` gray or RGB arrays by view name; ``white`` (or ``white_back``) is needed.
    level : {1, 2, 3}
        Which lights are used (1: white, UV 365; 2: also IR, transmitted, tilt; 3: all).
    reference_date : datetime.date, optional
        "Today" of the check (expiry), default today.
    registry : VehicleRegistry, optional
        Stolen-vehicle registry for vehicle documents.
    fixed_position : bool
        Views of one side with the anchor's frame size were taken from one fixed position
        and share its homography (a comparator); False registers each view on its own.
    vin_plate_text : str, optional
        The VIN as read from the plate by the officer, instead of reading ``vin_plate``.
    viz : bool
        Read the visual-zone fields the data rules compare (Tesseract); False leaves
        ``feature.viz_mrz.match`` and the certificate rules without a reading.
    alerts : DocumentAlerts, optional
        Lost, stolen and revoked documents list (:mod:`docsec.alerts`) the document number
        is looked up in (``document.alert``).

    Raises
    ------
    InvalidComponent
        Unknown view name or level.
    ImageError
        A view is not an image.
    RegionNotFound
        No document of a known model was found in the white view(s).
    """
    t0 = time.perf_counter()
    ref_date = reference_date or dt.date.today()
    for name in views:
        _check_name(name)
    used = views_for_level(list(views), level)
    images = {n: _as_image(n, views[n]) for n in used}
    groups: dict[str, dict[str, NDArray[np.uint8]]] = {}
    for n, img in images.items():
        if n not in ("vin_plate", "traveller"):
            groups.setdefault(side_of(n), {})[n] = img
    if not any(("white" if s == "front" else "white_back") in g for s, g in groups.items()):
        raise InvalidComponent("a white-light view (white or white_back) is needed")
    readings: dict[str, Reading] = {}
    unplaced: list[Reading] = []
    pages: dict[str, PageFit] = {}
    frames: dict[str, tuple[int, int]] = {}
    model: DocumentModel | None = None
    renamed: dict[str, dict[str, NDArray[np.uint8]]] = {}
    # a VIN plate is supplied with a vehicle's papers, which carry no MRZ: their page is
    # searched for first, and the MRZ search skipped when the page shows none
    vehicle = "vin_plate" in images or vin_plate_text is not None
    # the second side first: on a card it carries the MRZ, which names the model, and the
    # first side is then only located (no search for an MRZ it does not carry)
    for side, group in sorted(groups.items(), key=lambda kv: kv[0] != "back"):
        anchor = "white" if side == "front" else "white_back"
        if anchor not in group:
            continue
        known = _page_of_known_model(group[anchor], anchor, model, pages, frames)
        reading = known or read_document(group[anchor], name=anchor, viz=False,
                                         reference_date=ref_date, page_first=vehicle)  # fmt: skip
        page = reading.page
        if page is None or page.model is None:
            if reading.mrz is not None:
                unplaced.append(reading)
            continue
        if viz:
            reading = _read_fields(group[anchor], reading)
        real = page.side
        if real in renamed:  # both captures show the same side: keep the first
            continue
        readings[real] = reading
        pages[real] = page
        frames[real] = (group[anchor].shape[0], group[anchor].shape[1])
        if model is None or (reading.mrz is not None and page.model.mrz is not None):
            model = page.model
        renamed[real] = {
            (light_of(n) if real == "front" else f"{light_of(n)}_back"): img
            for n, img in group.items()
        }
    if model is None:
        return _mrz_only(unplaced, ref_date, level, t0)
    t1 = time.perf_counter()
    registered: dict[str, RegisteredView] = {}
    for side, group in renamed.items():
        side_model = pages[side].model
        if side_model is None or side_model.id != model.id:
            continue
        anchor = "white" if side == "front" else "white_back"
        registered.update(register_side(group, anchor, pages[side],
                                        fixed_position=fixed_position,
                                        candidates=_mrz_candidates(readings[side],
                                                                   group[anchor])))  # fmt: skip
    t2 = time.perf_counter()
    mrz = None
    # an MRZ whose issuer names no model leaves its side unplaced (a look-alike design); when
    # the document's other side named the model and that MRZ has the model's format, it is
    # this document's MRZ all the same, and its data rules (the issuer's first) must see it
    mrz_reads = [r for r in readings.values() if r.mrz is not None] or [
        r for r in unplaced
        if model.mrz is not None and r.mrz is not None and r.mrz.format.name == model.format_name]
    for r in mrz_reads:
        if r.mrz is not None:
            from docsec.errors import ValidationError
            from docsec.mrz import parse

            try:
                mrz = parse(list(r.mrz.lines), reference_date=ref_date)
            except ValidationError:
                mrz = None
    ctx = Context(model=model, views=registered, supplied=frozenset(views), readings=readings,
                  mrz=mrz, reference_date=ref_date, level=level, registry=registry,
                  vin_plate=images.get("vin_plate"), vin_plate_text=vin_plate_text,
                  traveller=images.get("traveller"), alerts=alerts)
    findings: list[Finding] = []
    for cid, (fn, _lights) in {**FEATURE_CHECKS, **TRACE_CHECKS}.items():
        try:
            findings.append(_gate(fn(ctx), registered, ctx.memo.get("located", set())))
        except (ValueError, ArithmeticError, IndexError, cv2_error()) as exc:
            findings.append(make_finding(cid, Status.ERROR, f"the check could not run: {exc}",
                                         "проверку не удалось выполнить."))
    t3 = time.perf_counter()
    findings.extend(data_findings(ctx))
    t4 = time.perf_counter()
    verdict, reasons = decide(findings)
    timings = {
        "read": (t1 - t0) * 1000,
        "register": (t2 - t1) * 1000,
        "features": (t3 - t2) * 1000,
        "data": (t4 - t3) * 1000,
        "total": (t4 - t0) * 1000,
    }
    return InspectionReport(verdict=verdict, reasons=reasons, model=model, level=level,
                            findings=findings, readings=readings, views=registered,
                            reference_date=ref_date, timings_ms=timings,
                            heat=dict(ctx.memo.get("heat", {})))  # fmt: skip


#: Largest move (share of the page diagonal) of the other side's outline, refined onto
#: this capture's page edges, that still says the card was turned over where it lay: cards
#: turned over in one comparator frame moved 0-0.66 % (generator, 179 rendered, scanned and
#: photographed cards of two seeds), but for one white card on a white scanner lid whose
#: outline was caught by the guilloche's edge (1.95 %: the search's page scores higher
#: there); a card slid 2-3 % of its diagonal is followed by the outline's refinement only
#: partly (pulled onto design edges, yet still correlating 0.76-0.92 with the template).
CARD_MOVED = 0.012


def _page_of_known_model(image: NDArray[np.uint8], name: str, model: DocumentModel | None,
                         done: Mapping[str, PageFit],
                         frames: Mapping[str, tuple[int, int]] | None = None) -> Reading | None:
    """The reading of a side that carries no MRZ once the other side's MRZ has named the
    model: its page located among that model's sides only (None to read it in full).

    ``done`` holds the page fit of each side read so far, ``frames`` the (rows, columns) of
    its capture. The card turned over on a comparator lies where it lay: when this capture
    has the other side's frame size, the other side's page outline is tried first (refined
    onto this capture's edges and matched with this side's template, a few milliseconds).
    The capture is searched for page candidates (a few hundred milliseconds) only when that
    outline does not show this side, when the frames differ (the sides were captured apart:
    the other side's outline says nothing of where this one lies) or when the outline had
    to move by more than :data:`CARD_MOVED` of the page diagonal onto this capture's edges
    (the card moved when it was turned over: the page the search finds replaces the
    refined outline, which was pulled onto whatever edges lay near it)."""
    if model is None or model.mrz is None or model.mrz.side not in done:
        return None
    from docsec.read.pagefind import PageMatch, find_page

    t = time.perf_counter()
    mrz_side = model.mrz.side

    def usable(m: PageMatch | None) -> bool:
        return m is not None and m.side != mrz_side and m.side not in done

    other = done[mrz_side].quad_xy
    frame = None if frames is None else frames.get(mrz_side)
    same_frame = frame is None or frame == (image.shape[0], image.shape[1])
    match = None
    prior = other if other is not None and same_frame else None
    if prior is not None:
        match = find_page(image, models=(model.id,), prior_quad_xy=prior, prior_only=True)
        if usable(match) and match is not None and card_moved(prior, match.quad_xy):
            # the outline was dragged onto whatever edges lie near it (the design's, a
            # guilloche band's) and its template score says little at 96 pixels: the page
            # the capture's own outline gives is taken when the search finds one
            searched = find_page(image, models=(model.id,))
            if usable(searched):
                match = searched
    if not usable(match):
        match = find_page(image, models=(model.id,), prior_quad_xy=prior)
    if match is None or not usable(match):
        return None
    page = PageFit(match.model, match.quad_xy, match.orientation, match.page_mm_to_capture(),
                   match.side, "edges", match.score)  # fmt: skip
    return Reading(name, None, page, None, None, {"page": (time.perf_counter() - t) * 1000})


def card_moved(prior_xy: NDArray[np.float64], found_xy: NDArray[np.float64]) -> bool:
    """Whether the page found from the other side's outline ``prior_xy`` lies more than
    :data:`CARD_MOVED` of the outline's diagonal from it (any corner, either corner order).

    >>> q = np.array([[0.0, 0.0], [860.0, 0.0], [860.0, 540.0], [0.0, 540.0]])
    >>> card_moved(q, q + 3.0), card_moved(q, q + 30.0)
    (False, True)
    """
    from docsec.imaging.geometry import order_quad

    a = order_quad(np.asarray(prior_xy, np.float64))
    b = order_quad(np.asarray(found_xy, np.float64))
    diag = max(float(np.linalg.norm(a[2] - a[0])), 1.0)
    return float(np.abs(a - b).max()) / diag > CARD_MOVED


def _mrz_candidates(reading: Reading, image: NDArray[np.uint8]) -> list[NDArray[np.float64]]:
    """The page the MRZ grid alone predicts (before the reader snaps it onto page edges),
    when it names the same model and side: a second opinion for registration."""
    from docsec.read.page import fit_page

    page = reading.page
    if reading.mrz is None or page is None or page.model is None:
        return []
    fit = fit_page(reading.mrz, image.shape[1], image.shape[0])
    if fit.model is None or fit.model.id != page.model.id or fit.side != page.side \
            or fit.page_mm_to_capture is None:
        return []
    return [np.asarray(fit.page_mm_to_capture, np.float64)]


def _gate(f: Finding, views: Mapping[str, RegisteredView],
          located: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset()) -> Finding:
    """A failing image finding on a view registered below :data:`QUALITY_MIN` becomes a
    warning: the box it read may not hold the feature (the second line looks by eye); not
    one whose check found its feature itself in that view (``located``: check ID and view,
    :func:`docsec.inspect.tilt.located`)."""
    v = views.get(f.view) if f.view is not None else None
    if f.status != Status.FAIL or v is None or not v.measured or v.quality >= QUALITY_MIN:
        return f
    if (f.id, v.name) in located:
        return f
    from dataclasses import replace

    return replace(f, status=Status.WARN,
                   message=f"{f.message} Not judged: view {v.name} is registered with quality "
                           f"{v.quality:.2f} (below {QUALITY_MIN}); examine it by eye.",
                   message_ru=f"{f.message_ru} Не оценено: снимок {v.name} совмещён с "
                              f"качеством {v.quality:.2f} (ниже {QUALITY_MIN}); "
                              "осмотрите визуально.")  # fmt: skip


def _mrz_only(readings: list[Reading], ref_date: dt.date, level: int,
              t0: float) -> InspectionReport:
    """The report of an MRZ on a page of no known model: MRZ and issuer rules only."""
    from docsec.errors import ValidationError
    from docsec.inspect.rules import mrz_only_findings
    from docsec.mrz import parse

    for r in readings:
        assert r.mrz is not None
        try:
            parsed = parse(list(r.mrz.lines), reference_date=ref_date)
        except ValidationError:
            continue
        findings = mrz_only_findings(parsed)
        verdict, reasons = decide(findings)
        total = (time.perf_counter() - t0) * 1000
        return InspectionReport(verdict=verdict, reasons=reasons, model=None, level=level,
                                findings=findings, readings={"front": r}, views={},
                                reference_date=ref_date,
                                timings_ms={"read": total, "total": total})  # fmt: skip
    raise RegionNotFound("no document of a known model was found in the white view")


#: Visual-zone fields the data rules compare, and the vehicle holder's name (C.1.1) the
#: typeface check compares with them (the rest are not read).
_RULE_FIELDS = frozenset({"date_of_birth", "date_of_expiry", "valid_until", "surname",
                          "given_names", "document_number", "A", "C.1.1", "D.1", "E", "R"})


def _read_fields(image: NDArray[np.uint8], reading: Reading) -> Reading:
    """``reading`` with the visual-zone fields the data rules need read (Tesseract)."""
    from dataclasses import replace

    from docsec.read.viz import read_viz

    page = reading.page
    assert page is not None and page.model is not None
    fields = tuple(f for f in page.model.fields
                   if f.name in _RULE_FIELDS and f.side == page.side)  # fmt: skip
    if not fields:
        return reading
    t = time.perf_counter()
    found = read_viz(image, replace(page, model=replace(page.model, fields=fields)))
    timings = {**reading.timings_ms, "viz": (time.perf_counter() - t) * 1000}
    return replace(reading, viz=found, timings_ms=timings)


def cv2_error() -> type[Exception]:
    """OpenCV's exception type (an image too degenerate for a check)."""
    import cv2

    err: type[Exception] = cv2.error
    return err
