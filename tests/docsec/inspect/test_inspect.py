"""docsec.inspect on generated documents: genuine ones pass, planted defects are caught."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest

from docsec.errors import ImageError, InvalidComponent, RegionNotFound
from docsec.generate import SyntheticDocument
from docsec.generate.defects import catalogue
from docsec.inspect import inspect_document, views_for_level
from docsec.models import feature_checks
from docsec.report import Status
from tests.docsec.inspect.conftest import REF

MakeDoc = Callable[..., SyntheticDocument]


def test_genuine_passport_passes_every_check(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3")
    rep = inspect_document(doc.views, reference_date=REF, level=3)
    assert rep.model.id == "uto_passport_td3"
    assert rep.failed() == []
    assert rep.verdict in ("accept", "refer")
    assert rep.verdict != "reject"
    # every feature check ID of the catalogue is answered exactly once
    ids = [f.id for f in rep.findings if f.id.startswith("feature.")]
    assert set(feature_checks()) <= set(ids)
    assert len(ids) == len(set(ids))
    # image checks carry a score, a threshold, a view and a region in both frames
    f = rep.finding("feature.uv_emblem.present")
    assert f is not None and f.status == Status.PASS
    assert f.score is not None and f.threshold is not None and f.view == "uv365"
    assert f.region is not None and len(f.region["canonical"]) == 4  # type: ignore[arg-type]
    assert f.message and f.message_ru
    # fixed-position views share the white view's homography, with a quality figure
    assert rep.views["uv365"].shared_with == "white"
    assert 0.0 < rep.views["white"].quality <= 1.0


@pytest.mark.parametrize(
    ("model", "defect"),
    [
        ("uto_passport_td3", "uv.bright_substrate"),
        ("uto_passport_td3", "uv.fibres_missing"),
        ("uto_passport_td3", "uv.emblem_missing"),
        ("zza_passport_td3", "ir.mrz_transparent"),
        ("uto_passport_td3", "ir.field_wrong_ink"),
        ("uto_card_td2", "substrate.thread_missing"),
        ("uto_card_td2", "substrate.watermark_on_surface"),
        ("uto_visa_mrva", "ovd.hologram_static"),
        ("uto_passport_td3", "ovd.ovi_static"),
        ("uto_passport_td3", "print.latent_image_missing"),
        ("uto_passport_td3", "print.guilloche_scan_print"),
        ("uto_passport_td3", "photo.substitution"),
        ("uto_passport_td3", "dates.expired"),
        ("uto_passport_td3", "mrz.bad_check_digit.document_number"),
        ("uto_vehicle_registration", "vin.plate_mismatch"),
    ],
)
def test_a_planted_defect_fails_one_of_its_declared_checks(make_doc: MakeDoc, model: str,
                                                           defect: str) -> None:
    # the VIN-plate reading separates one changed character by a margin of 0.2-0.5: seed
    # 1 is one with a clear margin (bench/inspection.py measures the rate over many)
    doc = make_doc(model, defect, seed=1 if defect == "vin.plate_mismatch" else 7)
    rep = inspect_document(doc.views, reference_date=REF, level=3)
    declared = set(catalogue()[defect].checks)
    assert declared & set(rep.failed()), (defect, rep.failed())
    assert rep.verdict in ("refer", "reject")


def test_level_one_uses_white_and_uv_only(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3", "ir.mrz_transparent")
    rep = inspect_document(doc.views, reference_date=REF, level=1, viz=False)
    assert set(rep.views) == {"white", "uv365"}
    ir = rep.finding("feature.ir_mrz.dark")
    assert ir is not None and ir.status == Status.NOT_APPLICABLE
    assert "not used at level 1" in ir.message
    assert views_for_level(["white", "ir", "tilt_2", "vin_plate"], 2) == [
        "white", "ir", "tilt_2", "vin_plate"]


def test_a_check_without_its_view_says_which_view_it_needs(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3")
    rep = inspect_document({"white": doc.views["white"]}, reference_date=REF, viz=False)
    f = rep.finding("feature.watermark.present")
    assert f is not None and f.status == Status.NOT_APPLICABLE
    assert "needs view transmitted" in f.message


def test_json_and_html_reports(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3", "uv.emblem_missing")
    rep = inspect_document(doc.views, reference_date=REF, level=3, viz=False)
    data = json.loads(json.dumps(rep.to_dict()))
    assert {"verdict", "reasons", "model", "findings", "reading", "timings_ms"} <= set(data)
    one = data["findings"][0]
    assert {"id", "status", "view", "region", "score", "threshold", "message"} <= set(one)
    assert set(one["message"]) == {"en", "ru"}
    page = rep.to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "data:image/jpeg;base64," in page
    assert "http://" not in page and "https://" not in page
    assert "feature.uv_emblem.present" in page


def test_bad_input_is_a_typed_error(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3")
    with pytest.raises(InvalidComponent):
        inspect_document({"uv365": doc.views["uv365"]}, reference_date=REF)
    with pytest.raises(InvalidComponent):
        inspect_document({"white": doc.views["white"], "xray": doc.views["ir"]})
    with pytest.raises(InvalidComponent):
        inspect_document({"white": doc.views["white"]}, level=4)
    with pytest.raises(ImageError):
        inspect_document({"white": np.zeros((10, 10), np.float64)})
    with pytest.raises(RegionNotFound):
        inspect_document({"white": np.full((400, 600, 3), 200, np.uint8)}, reference_date=REF)


def test_a_listed_vehicle_fails_the_registry_check_and_is_referred(make_doc: MakeDoc) -> None:
    from docsec.registry.load import record_from_mapping
    from docsec.registry.memory import InMemoryRegistry
    from docsec.registry.mock import make_records

    doc = make_doc("uto_vehicle_registration", "vehicle.on_stolen_list")
    assert doc.vehicle is not None
    planted = doc.vehicle["registry_record"]
    registry = InMemoryRegistry([*make_records(20, seed=3), record_from_mapping(planted)])
    rep = inspect_document(doc.views, reference_date=REF, registry=registry)
    stolen = rep.finding("vehicle.stolen")
    assert stolen is not None and stolen.status == Status.FAIL
    assert rep.verdict == "refer"  # a hit is a lead for the second line, not a rejection
    # the same certificate without a registry: the check says it was not run
    alone = inspect_document(doc.views, reference_date=REF, viz=True)
    f = alone.finding("feature.vin_record.matches_certificate")
    assert f is not None and f.status == Status.NOT_APPLICABLE


def test_a_fantasy_design_is_judged_on_its_mrz(make_doc: MakeDoc) -> None:
    doc = make_doc("xzf_passport_td3")
    rep = inspect_document(doc.views, reference_date=REF, viz=False)
    assert rep.model is None
    assert "feature.issuer.known" in rep.failed()
    assert rep.verdict == "reject"
    assert json.loads(json.dumps(rep.to_dict()))["model"] is None
    assert rep.to_html().startswith("<!DOCTYPE html>")
