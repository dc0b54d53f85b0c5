"""Document models: every model loads, its boxes fit the page, its features are well formed."""

from __future__ import annotations

import pytest

from docsec.errors import InvalidComponent
from docsec.models import MODEL_IDS, DocumentModel, feature_checks, get_model, load_models
from docsec.mrz import MRZFormat

KINDS = {"passport_td3", "id_td1", "card_td2", "visa_mrva", "vehicle_registration"}


def test_all_contract_models_load() -> None:
    models = load_models()
    assert set(models) == set(MODEL_IDS)
    assert {m.kind for m in models.values()} == KINDS
    assert {m.issuer for m in models.values()} == {"UTO", "ZZA", "ZZB"}
    assert get_model("zza_passport_td3").script == "cyrillic"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_boxes_fit_the_page(model_id: str) -> None:
    m = get_model(model_id)
    w, h = m.size_mm
    boxes = [f.box_mm for f in m.fields] + [f.box_mm for f in m.features]
    boxes += [z.box_mm for z in (m.mrz, m.portrait) if z is not None]
    for x, y, bw, bh in boxes:
        assert x >= 0 and y >= 0 and bw > 0 and bh > 0
        assert x + bw <= w + 1e-6 and y + bh <= h + 1e-6
    for f in list(m.fields) + list(m.features):
        assert f.side in m.sides


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_feature_ids_unique_and_inks_known(model_id: str) -> None:
    m = get_model(model_id)
    ids = [f.id for f in m.features]
    assert len(ids) == len(set(ids))
    assert all(f.ink in m.inks for f in m.fields)
    assert m.inks["carbon"].ir > 0.5 and m.inks["dye"].ir == 0.0


def test_formats_and_pixels() -> None:
    assert get_model("uto_passport_td3").format is MRZFormat.TD3
    assert get_model("uto_visa_mrva").format is MRZFormat.MRVA
    assert get_model("uto_vehicle_registration").format is None
    assert get_model("uto_id_td1").canonical_px(600) == (2022, 1276)
    assert DocumentModel.box_px((0, 0, 25.4, 25.4), 300) == (0, 0, 300, 300)


def test_view_names_per_side() -> None:
    td1 = get_model("uto_id_td1").view_names()
    assert "white_back" in td1 and "tilt_3_back" in td1 and len(td1) == 14
    assert get_model("uto_vehicle_registration").view_names()[-1] == "vin_plate"


def test_unknown_model_and_field() -> None:
    with pytest.raises(InvalidComponent):
        get_model("nowhere_passport")
    with pytest.raises(InvalidComponent):
        get_model("uto_passport_td3").field("shoe_size")


def test_feature_checks_are_dotted_and_defined() -> None:
    checks = feature_checks()
    assert len(checks) >= 20
    for cid, c in checks.items():
        parts = cid.split(".")
        assert parts[0] == "feature" and len(parts) == 3
        assert c.definition.endswith(".")


def test_feature_checks_name_model_features() -> None:
    # feature.<feature_id>.<property>: the feature id is one of a model's features, or one of
    # the cross-cutting comparisons (visual zone vs MRZ, issuer list, portrait, VIN sources) or
    # the laminate and binding of a data page.
    cross_cutting = {"viz_mrz", "issuer", "portrait", "vin_plate", "vin_record", "laminate",
                     "page"}
    feature_ids = {f.id for m in load_models().values() for f in m.features}
    for cid in feature_checks():
        assert cid.split(".")[1] in feature_ids | cross_cutting, cid
