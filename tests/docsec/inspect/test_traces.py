"""Checks of falsification traces: each fails on its defect and passes on the genuine twin,
as rendered and as scanned; a missing view makes it not applicable, naming the view."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from docsec.generate import SyntheticDocument
from docsec.generate.capture import capture
from docsec.inspect import InspectionReport, inspect_document
from docsec.inspect.traces import TRACE_CHECKS, TRACE_THRESHOLDS
from docsec.models import feature_checks
from docsec.report import Status

from .conftest import REF

MakeDoc = Callable[..., SyntheticDocument]

CASES = [
    ("erasure.chemical", "feature.page.no_uv_stain", "uto_passport_td3"),
    ("erasure.mechanical", "feature.page.even_thickness", "uto_passport_td3"),
    ("laminate.relaminated", "feature.laminate.no_bubbles", "uto_card_td2"),
    ("photo.cut_edge", "feature.portrait.no_cut_line", "uto_passport_td3"),
]


def _scan(views: dict[str, np.ndarray], seed: int = 31) -> dict[str, np.ndarray]:
    out = {}
    for name, img in views.items():
        im = capture(img, kind="scan", level=1, rng=seed).image
        out[name] = np.asarray(im.mean(axis=2), np.uint8) if img.ndim == 2 else im
    return out


_REPORTS: dict[tuple[str, str, str], InspectionReport] = {}


def _report(make_doc: MakeDoc, model: str, defect: str, mode: str) -> InspectionReport:
    key = (model, defect, mode)
    if key not in _REPORTS:
        doc = make_doc(model, defect) if defect else make_doc(model)
        views = dict(doc.views) if mode == "rendered" else _scan(dict(doc.views))
        _REPORTS[key] = inspect_document(views, reference_date=REF, level=3, viz=False)
    return _REPORTS[key]


def test_trace_ids_are_declared_and_thresholded() -> None:
    assert set(TRACE_CHECKS) <= set(feature_checks())
    assert set(TRACE_CHECKS) == set(TRACE_THRESHOLDS)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
@pytest.mark.parametrize(("defect", "check_id", "model"), CASES)
def test_trace_fails_on_its_defect_and_passes_on_the_genuine_twin(
        make_doc: MakeDoc, defect: str, check_id: str, model: str, mode: str) -> None:
    forged = _report(make_doc, model, defect, mode).finding(check_id)
    genuine = _report(make_doc, model, "", mode).finding(check_id)
    assert forged is not None and genuine is not None
    assert genuine.status == Status.PASS, genuine
    assert forged.status == Status.FAIL, forged
    assert forged.score is not None and genuine.score is not None
    assert forged.threshold == genuine.threshold == TRACE_THRESHOLDS[check_id]
    assert genuine.score < TRACE_THRESHOLDS[check_id] < forged.score
    # the finding points at the trace, in canonical and capture coordinates
    assert forged.region is not None and forged.region["capture"] is not None
    assert forged.message and forged.message_ru


def test_trace_needs_its_view(make_doc: MakeDoc) -> None:
    rep = inspect_document(make_doc("uto_passport_td3").views, reference_date=REF, level=1,
                           viz=False)
    thin = rep.finding("feature.page.even_thickness")
    assert thin is not None and thin.status == Status.NOT_APPLICABLE
    assert "transmitted" in thin.message and "level 1" in thin.message
    bubbles = rep.finding("feature.laminate.no_bubbles")
    assert bubbles is not None and bubbles.status == Status.NOT_APPLICABLE
    stain = rep.finding("feature.page.no_uv_stain")
    assert stain is not None and stain.status == Status.PASS


@pytest.mark.slow
def test_glued_in_page_fails_on_a_scan(make_doc: MakeDoc) -> None:
    # the adhesive is a band under a millimetre wide along the page's edges: a scan shows
    # it against the scanner's lid (a render has no background to find the edge against)
    cid = "feature.page.no_edge_glue"
    forged = _report(make_doc, "uto_passport_td3", "page.glued_in", "scan").finding(cid)
    genuine = _report(make_doc, "uto_passport_td3", "", "scan").finding(cid)
    assert forged is not None and genuine is not None
    assert genuine.status == Status.PASS and forged.status == Status.FAIL, (genuine, forged)


def _photo(views: dict[str, np.ndarray], seed: int) -> dict[str, np.ndarray]:
    """Every view photographed from one position (one seed: one geometry), as a comparator's
    camera on a stand takes each light."""
    out = {}
    for name, img in views.items():
        im = capture(img, kind="photo", level=1, rng=seed).image
        out[name] = np.asarray(im.mean(axis=2), np.uint8) if img.ndim == 2 else im
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [9017, 9363])
def test_glued_in_page_fails_on_a_photo(make_doc: MakeDoc, seed: int) -> None:
    """In a photo the adhesive's band is about as bright under UV as the desk beside the
    page, so the page's edge is found in the white view taken from the same position."""
    for defects, want in (((), Status.PASS), (("page.glued_in",), Status.FAIL)):
        doc = make_doc("uto_passport_td3", *defects, seed=seed)
        views = _photo({k: v for k, v in doc.views.items() if k in ("white", "uv365")}, seed)
        rep = inspect_document(views, reference_date=REF, level=2, viz=False)
        for cid in ("feature.page.no_edge_glue", "feature.page.intact"):
            f = rep.finding(cid)
            assert f is not None and f.status == want, (defects, f)


def test_page_edge_checks_need_a_booklet(make_doc: MakeDoc) -> None:
    """A card, a visa sticker and a loose certificate have no data page bound into a
    booklet: the glued-in page checks say so instead of judging the capture's border."""
    rep = inspect_document(make_doc("uto_id_td1").views, reference_date=REF, level=1,
                           viz=False)
    for cid in ("feature.page.intact", "feature.page.no_edge_glue"):
        f = rep.finding(cid)
        assert f is not None and f.status == Status.NOT_APPLICABLE, f
        assert "booklet" in f.message and f.message_ru
    rep = inspect_document(make_doc("uto_passport_td3").views, reference_date=REF, level=1,
                           viz=False)
    for cid in ("feature.page.intact", "feature.page.no_edge_glue"):
        f = rep.finding(cid)
        assert f is not None and f.status == Status.PASS, f
