"""The recalibrated image checks: each fails on its defect and passes on the genuine twin,
as rendered and as scanned, and a registration a millimetre off does not fail a genuine
document; the VIN read by OCR finds the registry's exact record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from docsec.generate import SyntheticDocument
from docsec.generate.capture import capture
from docsec.inspect import InspectionReport, inspect_document
from docsec.inspect.context import Context
from docsec.inspect.features import FEATURE_CHECKS
from docsec.inspect.rules import _vin_read
from docsec.registry.memory import InMemoryRegistry
from docsec.registry.mock import make_records
from docsec.report import Status
from docsec.vin import check
from tests.docsec.inspect.conftest import REF

MakeDoc = Callable[..., SyntheticDocument]

#: (model, defect, the check that must fail on it and pass on the genuine twin)
CASES = [
    ("uto_card_td2", "substrate.watermark_on_surface", "feature.watermark.present"),
    ("zza_passport_td3", "substrate.thread_missing", "feature.security_thread.present"),
    ("zza_passport_td3", "ovd.hologram_missing", "feature.hologram.present"),
    ("zzb_id_td1", "uv.emblem_missing", "feature.uv_emblem.present"),
    ("uto_passport_td3", "print.rainbow_halftone", "feature.rainbow.smooth"),
    ("uto_id_td1", "ovd.ovi_static", "feature.ovi.shift"),
    ("zza_passport_td3", "page.glued_in", "feature.page.intact"),
]


def _scanned(doc: SyntheticDocument, seed: int = 5) -> dict[str, np.ndarray]:
    """Every view as a clean flatbed scan from one position (same seed for every view)."""
    out = {}
    for name, img in doc.views.items():
        im = capture(img, kind="scan", level=1, rng=seed).image
        out[name] = np.asarray(im.mean(axis=2), np.uint8) if img.ndim == 2 else im
    return out


def _status(views: dict[str, np.ndarray], check_id: str) -> Status:
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    f = rep.finding(check_id)
    assert f is not None, check_id
    return f.status


@pytest.mark.parametrize(("model", "defect", "check_id"), CASES)
def test_defect_fails_and_twin_passes_rendered(make_doc: MakeDoc, model: str, defect: str,
                                               check_id: str) -> None:
    assert _status(dict(make_doc(model, defect).views), check_id) == Status.FAIL
    assert _status(dict(make_doc(model).views), check_id) == Status.PASS


@pytest.mark.slow
@pytest.mark.parametrize(("model", "defect", "check_id"), CASES)
def test_defect_fails_and_twin_passes_scanned(make_doc: MakeDoc, model: str, defect: str,
                                              check_id: str) -> None:
    assert _status(_scanned(make_doc(model, defect)), check_id) == Status.FAIL
    assert _status(_scanned(make_doc(model)), check_id) == Status.PASS


def _context(rep: InspectionReport, shift_mm: tuple[float, float]) -> Context:
    """The report's views with their registration moved by ``shift_mm`` on the page."""
    t = np.array([[1.0, 0.0, shift_mm[0]], [0.0, 1.0, shift_mm[1]], [0.0, 0.0, 1.0]])
    views = {n: replace(v, mm_to_capture=v.mm_to_capture @ t, _cache={})
             for n, v in rep.views.items() if v.mm_to_capture is not None}
    assert rep.model is not None
    return Context(model=rep.model, views=views, supplied=frozenset(views),
                   readings=rep.readings, mrz=None, reference_date=REF, level=3)


@pytest.mark.parametrize("shift", [(1.0, 0.0), (-0.8, 0.8)])
def test_small_features_pass_with_the_registration_a_millimetre_off(
        make_doc: MakeDoc, shift: tuple[float, float]) -> None:
    rep = inspect_document(dict(make_doc("uto_passport_td3").views), reference_date=REF,
                           level=3, viz=False)
    ctx = _context(rep, shift)
    for cid in ("feature.watermark.present", "feature.security_thread.present",
                "feature.hologram.present", "feature.uv_emblem.present"):
        f = FEATURE_CHECKS[cid][0](ctx)
        assert f.status == Status.PASS, (cid, shift, f.score, f.threshold)


def test_a_vin_read_with_letters_vins_never_use_finds_the_exact_record() -> None:
    vin = "5XYPDAY06FG136634"
    records = list(make_records(30, seed=3))
    registry = InMemoryRegistry([*records, replace(records[0], vin=vin)])
    read = _vin_read("5XYPDAYO6FG 136634")  # OCR: O for the zero
    assert read == vin
    result = check(read, registry=registry)
    assert result.registry is not None
    assert [h.match for h in result.registry.hits] == ["exact"]
    assert _vin_read("1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"


def test_a_perforated_number_one_digit_off_fails_and_the_twin_passes(make_doc: MakeDoc) -> None:
    cid = "feature.laser_perforation.matches_number"
    # a digit changed into a similar one can stay under the margin (rendered: 6 of 7 found in
    # calibration); this document changes one clearly
    assert _status(dict(make_doc("uto_passport_td3", "perforation.number_mismatch").views),
                   cid) == Status.FAIL
    assert _status(dict(make_doc("uto_passport_td3").views), cid) == Status.PASS
