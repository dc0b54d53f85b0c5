"""make_document: views, determinism, coherent data, errors."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pytest
from PIL import Image

from docsec.errors import InvalidComponent
from docsec.generate import make_document
from docsec.generate.content import format_date
from docsec.generate.render import view_names
from docsec.models import MODEL_IDS, get_model
from docsec.mrz import parse

REF = datetime.date(2026, 1, 15)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_view_renders(model_id: str) -> None:
    doc = make_document(model_id, rng=4, reference_date=REF, dpi=80)
    model = get_model(model_id)
    assert tuple(doc.views) == view_names(model)
    assert set(model.view_names()) < set(doc.views)
    assert {v for v in doc.views if v.startswith("uv254")} == {
        v.replace("uv365", "uv254") for v in doc.views if v.startswith("uv365")}
    w, h = model.canonical_px(80)
    for name, img in doc.views.items():
        assert img.dtype == np.uint8
        if name == "vin_plate":
            continue
        gray = name.startswith(("ir", "transmitted"))
        assert img.shape == ((h, w) if gray else (h, w, 3)), name
    assert doc.genuine and doc.answer_key == ()


@pytest.mark.parametrize("model_id", [m for m in MODEL_IDS if m != "uto_vehicle_registration"])
def test_genuine_mrz_parses_valid(model_id: str) -> None:
    for seed in range(5):
        doc = make_document(model_id, rng=seed, reference_date=REF, dpi=50, views=["white"])
        assert doc.mrz_lines is not None
        result = parse(doc.mrz_lines, reference_date=REF)
        failed = [f.id for f in result.findings if f.status == "fail"]
        assert failed == [], (doc.mrz_lines, failed)


def test_viz_agrees_with_mrz() -> None:
    doc = make_document("uto_passport_td3", rng=11, reference_date=REF, dpi=50, views=["white"])
    assert doc.mrz_lines is not None
    line2 = doc.mrz_lines[1]
    assert doc.fields["document_number"] == line2[:9]
    dob = datetime.date.fromisoformat(str(doc.holder["date_of_birth"]))
    assert doc.fields["date_of_birth"] == format_date(dob, "dd_mon_yyyy")
    assert line2[13:19] == dob.strftime("%y%m%d")


def test_cyrillic_visual_zone_transliterated_mrz() -> None:
    doc = make_document("zza_passport_td3", rng=2, reference_date=REF, dpi=50, views=["white"])
    assert any("\u0400" <= c <= "\u04ff" for c in doc.fields["surname"])
    assert doc.mrz_lines is not None and doc.mrz_lines[0].startswith("P<ZZA")
    assert doc.mrz_lines[0].replace("<", "").isalpha()
    assert doc.transliteration_version


def _png(img: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def test_same_seed_byte_identical() -> None:
    kw = {"reference_date": REF, "dpi": 100, "defects": ["uv.fibres_printed"]}
    a = make_document("uto_id_td1", rng=21, **kw)  # type: ignore[arg-type]
    b = make_document("uto_id_td1", rng=21, **kw)  # type: ignore[arg-type]
    c = make_document("uto_id_td1", rng=22, **kw)  # type: ignore[arg-type]
    for name in a.views:
        assert _png(a.views[name]) == _png(b.views[name]), name
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.views["white"], c.views["white"])


def test_views_subset_and_specimen_mark() -> None:
    doc = make_document("uto_card_td2", rng=1, reference_date=REF, dpi=100, views=["white", "ir"])
    assert list(doc.views) == ["white", "ir"]
    white = doc.views["white"].astype(int)
    reddish = (white[..., 0] - white[..., 1] > 40) & (white[..., 0] > 150)
    assert reddish.mean() > 0.01  # the SPECIMEN overlay is there


def test_light_behaviour_of_inks_and_features() -> None:
    doc = make_document("uto_passport_td3", rng=3, reference_date=REF, dpi=150)
    model = get_model("uto_passport_td3")
    x, y, w, h = model.box_px(model.feature("ir_mrz").box_mm, 150)
    ir_mrz = doc.views["ir"][y : y + h, x : x + w]
    assert ir_mrz.min() < 60  # carbon MRZ absorbs IR
    x, y, w, h = model.box_px(model.field("place_of_birth").box_mm, 150)
    assert doc.views["ir"][y : y + h, x : x + w].min() > 150  # dye ink drops out in IR
    uv = doc.views["uv365"].astype(int)
    assert np.median(uv.sum(axis=2)) < 150  # UV-dull substrate
    frames = [doc.views[f"tilt_{k}"] for k in (1, 2, 3)]
    x, y, w, h = model.box_px(model.feature("hologram").box_mm, 150)
    assert not np.array_equal(frames[0][y : y + h, x : x + w], frames[2][y : y + h, x : x + w])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"model_id": "nowhere"}, "unknown document model"),
        ({"model_id": "uto_passport_td3", "views": ["white_back"]}, "no view"),
        ({"model_id": "uto_passport_td3", "defects": ["no.such.defect"]}, "unknown defect"),
        ({"model_id": "uto_vehicle_registration", "defects": ["photo.substitution"]}, "apply"),
        ({"model_id": "uto_passport_td3", "dpi": 5}, "dpi"),
    ],
)
def test_bad_input_raises_typed_errors(args: dict[str, object], message: str) -> None:
    model_id = str(args.pop("model_id"))
    with pytest.raises(InvalidComponent, match=message):
        make_document(model_id, rng=1, reference_date=REF, **args)  # type: ignore[arg-type]


def test_vehicle_agrees_with_the_vin_decoder() -> None:
    from docsec.vin import decode

    for seed in range(8):
        doc = make_document("uto_vehicle_registration", rng=seed, reference_date=REF, dpi=50,
                            views=["white", "vin_plate"])
        assert doc.vehicle is not None
        decoded = decode(doc.fields["E"], reference_year=REF.year)
        assert doc.fields["D.1"] in decoded.facts.entry.makes
        assert doc.vehicle["year"] in decoded.model_years
        assert doc.fields["A"].startswith("UT")
        assert doc.views["vin_plate"].ndim == 3


def test_reference_views_are_the_unpersonalised_design() -> None:
    from docsec.generate import reference_views

    ref = reference_views("uto_passport_td3", dpi=60)
    doc = make_document("uto_passport_td3", rng=1, reference_date=datetime.date(2026, 1, 15),
                        dpi=60)
    assert set(ref) == set(doc.views)
    assert not np.array_equal(ref["white"], doc.views["white"])
    assert np.array_equal(ref["ir"], reference_views("uto_passport_td3", dpi=60)["ir"])
    assert "vin_plate" not in reference_views("uto_vehicle_registration", dpi=50)


def test_residence_cards_and_visas_are_for_foreign_nationals() -> None:
    for model_id in ("uto_card_td2", "uto_visa_mrva"):
        for seed in range(4):
            doc = make_document(model_id, rng=seed, reference_date=datetime.date(2026, 1, 15),
                                dpi=50, views=["white"])
            assert doc.fields["nationality"] in ("ZZA", "ZZB"), (model_id, doc.fields)


def test_vin_plate_shows_the_vehicle_maker() -> None:
    from docsec.generate.render import render_views

    doc = make_document("uto_vehicle_registration", rng=3,
                        reference_date=datetime.date(2026, 1, 15), dpi=100, views=["vin_plate"])
    assert doc.vehicle is not None
    import dataclasses

    from docsec.generate.plan import Plan

    plan = Plan(model_id="uto_vehicle_registration", dpi=100, vin_plate=str(doc.vehicle["vin"]),
                vin_maker=str(doc.vehicle["make"]))
    other = dataclasses.replace(plan, vin_maker="Other Maker")
    a = render_views(plan, views=["vin_plate"])["vin_plate"]
    assert np.array_equal(a, doc.views["vin_plate"])
    assert not np.array_equal(a, render_views(other, views=["vin_plate"])["vin_plate"])
