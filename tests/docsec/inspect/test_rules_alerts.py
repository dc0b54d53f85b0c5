"""Data rules: the document alert list (document.alert) and the VIN plate against field E."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from docsec.alerts import DocumentAlerts, record_from_row
from docsec.errors import DocsecError
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


def _hand_held(plate: np.ndarray, turn: float, seed: int) -> np.ndarray:
    """``plate`` photographed by hand: on a coloured car body, in perspective and turned by
    ``turn`` degrees, a lamp's fall-off, a glare spot on the body beside it, blur, noise and
    JPEG (none of it docsec's capture code)."""
    import cv2

    rng = np.random.default_rng(seed)
    h, w = plate.shape[:2]
    out_w, out_h = int(w * 1.3), int(h * 2.0)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    jitter = rng.uniform(-0.04, 0.04, (4, 2)) * [w, h]
    dst = src + [(out_w - w) / 2, (out_h - h) / 2] + jitter
    centre = dst.mean(axis=0)
    a = np.deg2rad(turn)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    dst = ((dst - centre) @ rot.T + centre).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    body = np.empty((out_h, out_w, 3), np.float32)
    body[:] = rng.uniform(40, 140, 3)
    warped = cv2.warpPerspective(plate.astype(np.float32), m, (out_w, out_h))
    alpha = cv2.warpPerspective(np.ones((h, w), np.float32), m, (out_w, out_h))[..., None]
    img = warped * alpha + body * (1 - alpha)
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    img *= (1 - 0.25 * xx / out_w)[..., None]
    gx, gy = out_w * 0.85, out_h * 0.9  # glare on the body, touching the plate's corner
    img += (70 * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * (0.12 * out_w) ** 2)))[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 1.0) + rng.normal(0, 2.5, img.shape)
    jpeg = [cv2.IMWRITE_JPEG_QUALITY, 75]
    ok, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), jpeg)
    assert ok
    return np.asarray(cv2.imdecode(buf, cv2.IMREAD_UNCHANGED), np.uint8)


@pytest.mark.parametrize(("seed", "turn"), [(5, 0.0), (48647418, 4.0), (7, -6.0)])
def test_hand_held_plate_photo_reads_and_one_changed_digit_is_sure(seed: int,
                                                                   turn: float) -> None:
    vin, plate = _plate((), seed)
    img = _hand_held(plate, turn, seed)
    got = read_vin_plate(img, vin)
    assert got is not None
    read, margin = got
    assert sum(a == b for a, b in zip(read, vin, strict=True)) >= 15, (read, vin)
    assert margin <= _PLATE_MARGIN, (read, vin, margin)
    # the certificate says another digit somewhere: that cell reads no such digit
    i = next(k for k, c in enumerate(vin) if c.isdigit() and k != 8)
    other = vin[:i] + ("3" if vin[i] != "3" else "6") + vin[i + 1 :]
    bad = read_vin_plate(img, other)
    assert bad is not None
    assert bad[0][i] != other[i] and bad[1] > _PLATE_MARGIN, (bad, vin, other)


def test_plate_read_refuses_what_is_no_vin() -> None:
    with pytest.raises(DocsecError):
        read_vin_plate(np.zeros((40, 200, 3), np.uint8), "ABC")
    with pytest.raises(DocsecError):
        read_vin_plate(np.zeros((5,), np.uint8), "1HGCV14452A455393")


@pytest.mark.slow
def test_plate_one_digit_off_fails_and_genuine_passes_on_hand_held_photos() -> None:
    """feature.vin_plate.matches_certificate on a hand-held plate photo: the genuine
    document passes, a plate one character off the certificate fails."""
    for defects, want in (((), Status.PASS), (("vin.plate_mismatch",), Status.FAIL)):
        doc = make_document("uto_vehicle_registration", rng=5, defects=defects,
                            reference_date=REF, dpi=DPI)
        views = dict(doc.views)
        views["vin_plate"] = _hand_held(views["vin_plate"], 3.0, 5)
        rep = inspect_document(views, reference_date=REF, level=1)
        f = rep.finding("feature.vin_plate.matches_certificate")
        assert f is not None and f.status == want, (defects, f)
