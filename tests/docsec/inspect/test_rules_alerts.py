"""Data rules: the document alert list (document.alert) and the VIN plate against field E."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from docsec.alerts import DocumentAlerts, record_from_row
from docsec.generate import SyntheticDocument, make_document
from docsec.generate.capture import capture
from docsec.inspect import inspect_document
from docsec.inspect.rules import _PLATE_AGREE, _PLATE_MARGIN, read_vin_plate
from docsec.report import Status

from .conftest import DPI, REF

MakeDoc = Callable[..., SyntheticDocument]


def _listing(doc: SyntheticDocument, **change: str) -> DocumentAlerts:
    assert doc.alert is not None
    row = {k: str(v) for k, v in doc.alert.items()}
    row.update(case_ref="UTO-2025-0000042", **change)
    decoy = {"document_number": "XX0000000", "issuing_state": "ZZA", "status": "lost",
             "date_reported": "2024-01-01"}
    return DocumentAlerts([record_from_row(decoy), record_from_row(row)])


@pytest.mark.parametrize(("defect", "status_words"), [
    ("document.stolen_blank", "stolen blank"),
    ("document.revoked_fraud", "revoked as obtained by fraud"),
])
def test_listed_document_fails_as_a_lead(make_doc: MakeDoc, defect: str,
                                         status_words: str) -> None:
    doc = make_doc("uto_passport_td3", defect)
    rep = inspect_document(doc.views, reference_date=REF, level=1, viz=False,
                           alerts=_listing(doc))
    f = rep.finding("document.alert")
    assert f is not None and f.status == Status.FAIL
    assert status_words in f.message and "UTO-2025-0000042" in f.message
    assert "lead" in f.message and "arrest" not in f.message.lower()
    assert "вторую линию" in (f.message_ru or "")
    assert f.region is not None  # the MRZ that holds the number
    assert rep.verdict == "refer"
    assert "document.alert" in {r["id"] for r in rep.reasons}


def test_lookalike_listing_warns_and_a_clean_list_passes(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3", "document.stolen_blank")
    assert doc.alert is not None
    number = str(doc.alert["document_number"])
    swap = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
    i = next(i for i, c in enumerate(number) if c in swap)
    typo = number[:i] + swap[number[i]] + number[i + 1 :]
    rep = inspect_document(doc.views, reference_date=REF, level=1, viz=False,
                           alerts=_listing(doc, document_number=typo))
    f = rep.finding("document.alert")
    assert f is not None and f.status == Status.WARN and typo in f.message
    genuine = make_doc("uto_passport_td3")
    clean = inspect_document(genuine.views, reference_date=REF, level=1, viz=False,
                             alerts=_listing(doc, issuing_state="ZZB"))
    g = clean.finding("document.alert")
    assert g is not None and g.status == Status.PASS


def test_no_list_is_not_checked(make_doc: MakeDoc) -> None:
    rep = inspect_document(make_doc("uto_passport_td3").views, reference_date=REF, level=1,
                           viz=False)
    f = rep.finding("document.alert")
    assert f is not None and f.status == Status.NOT_APPLICABLE
    assert "no list" in f.message


def test_listing_reported_after_the_reference_date_is_not_yet_a_hit(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3", "document.stolen_blank")
    rep = inspect_document(doc.views, reference_date=REF, level=1, viz=False,
                           alerts=_listing(doc, date_reported="2026-06-01"))
    f = rep.finding("document.alert")
    assert f is not None and f.status == Status.PASS


def _plate(defects: tuple[str, ...], seed: int) -> tuple[str, np.ndarray]:
    doc = make_document("uto_vehicle_registration", rng=seed, defects=defects,
                        reference_date=REF, dpi=DPI, views=("white", "vin_plate"))
    assert doc.vehicle is not None
    return str(doc.vehicle["vin"]), doc.views["vin_plate"]


@pytest.mark.parametrize("seed", [5, 48647418])
@pytest.mark.parametrize("kind", ["rendered", "photo"])
def test_vin_plate_differs_by_one_digit(seed: int, kind: str) -> None:
    for defects, differs in (((), False), (("vin.plate_mismatch",), True)):
        vin, plate = _plate(defects, seed)
        img = plate if kind == "rendered" else capture(plate, kind="photo", level=1,
                                                       rng=seed + 17).image
        got = read_vin_plate(img, vin)
        assert got is not None
        read, margin = got
        assert sum(a == b for a, b in zip(read, vin, strict=True)) >= _PLATE_AGREE
        assert (margin > _PLATE_MARGIN) is differs, (defects, read, vin, margin)


@pytest.mark.slow
def test_vin_plate_mismatch_is_flagged_in_the_inspection() -> None:
    doc = make_document("uto_vehicle_registration", rng=48647418,
                        defects=("vin.plate_mismatch",), reference_date=REF, dpi=DPI)
    views = dict(doc.views)
    views["vin_plate"] = capture(views["vin_plate"], kind="photo", level=1, rng=3).image
    rep = inspect_document(views, reference_date=REF, level=1)
    f = rep.finding("feature.vin_plate.matches_certificate")
    # a small margin on a photo warns (refer), a large one fails
    assert f is not None and f.status in (Status.FAIL, Status.WARN), f
    assert f.expected is not None and f.found is not None and f.expected != f.found
