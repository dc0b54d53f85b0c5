"""The defect catalogue and its planting: each defect changes only what it declares and trips
exactly the MRZ/VIN checks it declares."""

from __future__ import annotations

import datetime
import functools
import json
from importlib import resources

import numpy as np
import pytest

from docsec.errors import InvalidComponent
from docsec.generate import PlantedDefect, SyntheticDocument, make_document
from docsec.generate.defects import applicable, catalogue, scenario_applicable, scenarios
from docsec.generate.exercise import default_magnified
from docsec.generate.regions import LOUPE_REGIONS, RegionView, region_views
from docsec.models import FANTASY_MODEL_IDS, MODEL_IDS, DocumentModel, feature_checks, get_model
from docsec.mrz import CHECK_IDS, parse
from docsec.vin import check as vin_check

REF = datetime.date(2026, 1, 15)
DPI = 60
SEED = 17
ORIGIN = "North America"  # one vehicle origin for the twins (a check-digit defect needs it)
VEHICLE_CHECKS = {"vin.check_digit", "vin.model_year", "vehicle.stolen", "document.alert"}
FORGERY_TYPES = {
    "check-digit error", "visual zone vs MRZ mismatch", "expired document", "impossible date",
    "photo substitution", "counterfeit substrate", "counterfeit printing", "MRZ reprinted",
    "data alteration", "counterfeit (scan and print)", "counterfeit OVD", "inconsistent fonts",
    "inconsistent issuer", "VIN check-digit error", "certificate VIN differs from VIN plate",
    "stolen vehicle", "cloned VIN",
}  # fmt: skip


def test_catalogue_shape() -> None:
    cat = catalogue()
    assert len(cat) >= 40
    raw = json.loads((resources.files("docsec.generate") / "data" / "defects.json").read_text())
    ids = [d["id"] for d in raw["defects"]]
    assert len(ids) == len(set(ids))
    assert {d.forgery_type for d in cat.values()} >= FORGERY_TYPES
    for spec in cat.values():
        assert 1 <= spec.difficulty <= 3
        assert spec.prado and spec.reveal_views and spec.checks
        assert spec.feedback["en"].endswith(".") and spec.feedback["ru"]
        assert spec.effects and spec.action in ("refer", "reject")


def test_declared_checks_are_real_ids() -> None:
    features = set(feature_checks())
    for spec in catalogue().values():
        for cid in spec.checks:
            if cid.startswith("mrz."):
                assert cid in CHECK_IDS, cid
            elif cid.startswith("feature."):
                assert cid in features, cid
            else:
                assert cid in VEHICLE_CHECKS, cid


def test_every_model_has_many_defects() -> None:
    for model_id in MODEL_IDS:
        assert len(applicable(get_model(model_id))) >= 15, model_id


@functools.cache
def _regions(model_id: str) -> tuple[RegionView, ...]:
    """The loupe views and the default magnified views of a model (at the tests' dpi)."""
    return tuple(region_views(get_model(model_id), loupe=LOUPE_REGIONS,
                              magnified=default_magnified(), view_dpi=DPI))


@functools.cache
def _genuine(model_id: str) -> SyntheticDocument:
    return make_document(model_id, rng=SEED, reference_date=REF, dpi=DPI, traveller=True,
                         vehicle_origin=ORIGIN, regions=_regions(model_id))


PAIRS = [(m, d) for m in MODEL_IDS for d in applicable(get_model(m))]
PAIRS += [(m, "issuer.fantasy_design") for m in FANTASY_MODEL_IDS]


def _assert_confined(planted: PlantedDefect, doc: SyntheticDocument,
                     base: SyntheticDocument) -> None:
    """Pixels differ from ``base`` only inside the declared regions of the declared views,
    and every declared view really changed (the answer key is exact, not generous)."""
    changed_views = []
    for view, img in doc.views.items():
        diff = img != base.views[view]
        if diff.ndim == 3:
            diff = diff.any(axis=2)
        if not diff.any():
            continue
        changed_views.append(view)
        assert view in planted.changed_views, f"{planted.id}: {view} changed, not declared"
        space = view if view in ("vin_plate", "traveller") else (
            "back" if view.endswith("_back") else "front")
        # a loupe or magnified view: the regions mapped into its field (one pixel of slack
        # at the views' dpi for the outlines redrawn at its own)
        rv = next((r for r in _regions(doc.model_id) if r.name == view), None)
        k, ox, oy, pad = 1.0, 0, 0, 0
        if rv is not None:
            k = rv.dpi / doc.dpi
            ox, oy = DocumentModel.box_px(rv.box_mm, rv.dpi)[:2]
            pad = round(k)
        inside = np.zeros_like(diff)
        for s, poly in planted.regions:
            if s == space and poly:
                xs = [p[0] * k - ox for p in poly]
                ys = [p[1] * k - oy for p in poly]
                inside[max(0, int(min(ys)) - pad) : int(max(ys)) + 1 + pad,
                       max(0, int(min(xs)) - pad) : int(max(xs)) + 1 + pad] = True
        assert not (diff & ~inside).any(), f"{planted.id}: {view} changed outside its regions"
    # Page views exactly; a loupe or magnified view is declared when the defect's regions
    # overlap its field (a whole-page region, such as printed fibres, may miss a small field).
    regions = {r.name for r in _regions(doc.model_id)}
    assert {v for v in planted.changed_views if v not in regions} == {
        v for v in changed_views if v not in regions}, planted.id
    assert {v for v in changed_views if v in regions} <= set(planted.changed_views), planted.id
    # The revealing views are changed views of the lights the catalogue names.
    if planted.changed_views:
        assert set(planted.views) <= set(planted.changed_views)


@pytest.mark.slow
@pytest.mark.parametrize(("model_id", "defect_id"), PAIRS)
def test_defect_changes_only_what_it_declares(model_id: str, defect_id: str) -> None:
    genuine = _genuine(model_id)
    doc = make_document(model_id, rng=SEED, reference_date=REF, dpi=DPI, defects=[defect_id],
                        traveller=True, vehicle_origin=ORIGIN, regions=_regions(model_id))
    (planted,) = doc.answer_key
    assert planted.id == defect_id and not doc.genuine
    _assert_confined(planted, doc, genuine)
    spec = catalogue()[defect_id]
    # (a fantasy document is a whole design: nothing differs from itself without the defect)
    if not set(spec.reveal_views) & {"registry", "database"} and "fantasy" not in spec.requires:
        assert planted.views, f"{defect_id}: no revealing view changed"
    if set(spec.reveal_views) & {"loupe", "mag"}:
        # revealed by magnification: some loupe or magnified view shows it
        region_names = {r.name for r in _regions(model_id)}
        shown = {v for v in planted.views if v in region_names}
        assert any(np.any(doc.views[v] != genuine.views[v]) for v in shown), defect_id
    # Data: only the declared fields differ.
    changed_fields = {k for k in genuine.fields if genuine.fields[k] != doc.fields[k]}
    if genuine.mrz_lines != doc.mrz_lines:
        changed_fields.add("mrz")
    assert changed_fields <= set(planted.fields)
    # The declared MRZ checks are exactly the MRZ checks that fail.
    if doc.mrz_lines is not None:
        declared = {c for c in planted.checks if c.startswith("mrz.")}
        result = parse(doc.mrz_lines, reference_date=REF)
        failed = {f.id for f in result.findings if f.status == "fail"}
        assert failed == declared, (doc.mrz_lines, failed, declared)
    if doc.vehicle is not None:
        result_v = vin_check(str(doc.fields["E"]), reference_year=REF.year)
        failed_v = {f.id for f in result_v.findings if f.status == "fail"}
        declared_v = {c for c in planted.checks if c.startswith("vin.")}
        assert failed_v == declared_v


SCENARIO_PAIRS = [(m, s) for m in (*MODEL_IDS, *FANTASY_MODEL_IDS)
                  for s in scenario_applicable(get_model(m))
                  if m in MODEL_IDS or s == "fantasy_document"]


def test_enough_scenarios() -> None:
    assert len(scenarios()) >= 8
    multi = [s for s in scenarios().values() if len(s.defects) >= 2]
    assert len(multi) >= 8
    assert {s.forgery_type.split(" (")[0] for s in scenarios().values()} >= {
        "counterfeit", "falsified genuine document", "page substitution", "stolen blank",
        "genuine document obtained by fraud", "cloned vehicle", "impostor", "fantasy document"}
    for model_id in MODEL_IDS:
        assert scenario_applicable(get_model(model_id)), model_id


@pytest.mark.slow
@pytest.mark.parametrize(("model_id", "scenario_id"), SCENARIO_PAIRS)
def test_scenario_defects_each_show_where_declared(model_id: str, scenario_id: str) -> None:
    """Every defect of a scenario changes exactly its declared views and regions: the
    scenario compared with the same document without that one defect."""
    spec = scenarios()[scenario_id]
    doc = make_document(model_id, rng=SEED, reference_date=REF, dpi=DPI, scenario=scenario_id,
                        traveller=True)
    assert doc.scenario == scenario_id
    assert [p.id for p in doc.answer_key] == list(spec.defects)
    for k, planted in enumerate(doc.answer_key):
        others = [d for i, d in enumerate(spec.defects) if i != k]
        without = make_document(model_id, rng=SEED, reference_date=REF, dpi=DPI,
                                defects=others, traveller=True)
        _assert_confined(planted, doc, without)


def test_regions_and_views_in_answer_key() -> None:
    doc = make_document("uto_id_td1", rng=3, reference_date=REF, dpi=DPI,
                        defects=["ir.mrz_transparent"])
    entry = doc.answer_key[0].to_dict(dpi=DPI)
    assert entry["changed_views"] == ["white_back", "uv365_back", "uv254_back", "ir_back",
                                      "transmitted_back", "tilt_1_back", "tilt_2_back",
                                      "tilt_3_back"]
    assert entry["views"] == ["ir_back"] and entry["action"] == "refer"
    region = entry["region"]
    assert isinstance(region, dict) and region["space"] == "back"
    assert len(region["polygon_xy"]) == 4
    canonical = entry["regions_canonical"]
    assert isinstance(canonical, list)
    assert canonical[0]["polygon_xy"][2][0] == pytest.approx(region["polygon_xy"][2][0] * 10)


def test_photo_substitution_keeps_the_ghost() -> None:
    model = get_model("uto_passport_td3")
    a = make_document(model.id, rng=5, reference_date=REF, dpi=100)
    b = make_document(model.id, rng=5, reference_date=REF, dpi=100, defects=["photo.substitution"])
    px, py, pw, ph = model.box_px(model.portrait.box_mm, 100) if model.portrait else (0, 0, 0, 0)
    gx, gy, gw, gh = model.box_px(model.feature("ghost_image").box_mm, 100)
    assert not np.array_equal(a.views["white"][py : py + ph, px : px + pw],
                              b.views["white"][py : py + ph, px : px + pw])
    assert np.array_equal(a.views["white"][gy : gy + gh, gx : gx + gw],
                          b.views["white"][gy : gy + gh, gx : gx + gw])


def test_vehicle_scenarios_carry_registry_records() -> None:
    doc = make_document("uto_vehicle_registration", rng=8, reference_date=REF, dpi=DPI,
                        defects=["vehicle.cloned_vin"])
    assert doc.vehicle is not None
    record = doc.vehicle["registry_record"]
    assert isinstance(record, dict)
    assert record["vin"] == doc.fields["E"] and record["status"] == "cloned_vin"
    assert record["plate"] != doc.fields["A"]


def test_printed_watermark_is_a_flat_shadow_plain_in_white_light() -> None:
    model = get_model("uto_passport_td3")
    x, y, w, h = model.box_px(model.feature("watermark").box_mm, 100)
    a = make_document(model.id, rng=4, reference_date=REF, dpi=100)
    b = make_document(model.id, rng=4, reference_date=REF, dpi=100,
                      defects=["substrate.watermark_on_surface"])
    genuine = a.views["transmitted"][y : y + h, x : x + w].astype(int)
    printed = b.views["transmitted"][y : y + h, x : x + w].astype(int)
    paper = a.views["transmitted"][y + h : y + 2 * h, x : x + w].astype(int)
    top = np.percentile(paper, 99)
    assert np.percentile(genuine, 99) > top + 15  # a real watermark has lighter parts
    assert np.percentile(printed, 99) <= top + 3  # ink only darkens
    assert (printed < np.median(paper) - 20).mean() > 0.05  # the flat shadow of the motif
    white = np.abs(b.views["white"][y : y + h, x : x + w].astype(int)
                   - a.views["white"][y : y + h, x : x + w].astype(int)).max()
    assert white >= 30  # was at most 19 levels: barely there


def test_answer_keys_mark_both_sides_of_a_contradiction() -> None:
    for defect, other in (("viz_mrz.date_of_birth", "mrz"), ("photo.substitution", "ghost"),
                          ("vin.plate_mismatch", "E")):
        model_id = "uto_vehicle_registration" if defect.startswith("vin") else "uto_passport_td3"
        model = get_model(model_id)
        doc = make_document(model_id, rng=2, reference_date=REF, dpi=DPI, defects=[defect])
        boxes = [poly for _, poly in doc.answer_key[0].regions if poly]
        if other == "mrz":
            assert model.mrz is not None
            target = model.box_px(model.mrz.box_mm, DPI)
        elif other == "ghost":
            target = model.box_px(model.feature("ghost_image").box_mm, DPI)
        else:
            target = model.box_px(model.field("E").box_mm, DPI)
        assert any(abs(p[0][0] - target[0]) <= 1 and abs(p[2][0] - target[0] - target[2]) <= 1
                   for p in boxes), (defect, boxes, target)
        assert doc.answer_key[0].action == "refer"


def test_traveller_is_the_holder_unless_an_impostor() -> None:
    genuine = make_document("uto_id_td1", rng=6, reference_date=REF, dpi=DPI, traveller=True)
    impostor = make_document("uto_id_td1", rng=6, reference_date=REF, dpi=DPI, traveller=True,
                             scenario="impostor")
    assert genuine.views["traveller"].shape == impostor.views["traveller"].shape
    assert not np.array_equal(genuine.views["traveller"], impostor.views["traveller"])
    (planted,) = impostor.answer_key
    assert planted.views == ("traveller",) and planted.action == "refer"
    assert {s for s, _ in planted.regions} == {"traveller", "front"}
    assert "traveller" not in make_document("uto_id_td1", rng=6, reference_date=REF,
                                            dpi=DPI).views


def test_fantasy_document_is_a_design_of_its_own_never_genuine() -> None:
    assert not set(FANTASY_MODEL_IDS) & set(MODEL_IDS)
    fantasy = get_model("xzf_passport_td3")
    real = get_model("uto_passport_td3")
    assert fantasy.issuer == "XZF" and fantasy.palette != real.palette
    doc = make_document(fantasy.id, rng=1, reference_date=REF, dpi=DPI,
                        scenario="fantasy_document")
    (planted,) = doc.answer_key
    assert planted.views == ("white",) and planted.action == "reject"
    assert doc.mrz_lines is not None and doc.mrz_lines[0][2:5] == "XZF"
    with pytest.raises(InvalidComponent):
        make_document(real.id, rng=1, reference_date=REF, dpi=DPI, scenario="fantasy_document")
    cloned = make_document("uto_vehicle_registration", rng=1, reference_date=REF, dpi=DPI,
                           defects=["vehicle.cloned_vin"])
    assert cloned.answer_key[0].views == ("white",)  # field E, compared with the registry


def test_vehicles_come_from_several_regions_with_their_check_digit_rules() -> None:
    origins = {}
    for seed in range(24):
        doc = make_document("uto_vehicle_registration", rng=seed, reference_date=REF, dpi=DPI,
                            views=["white"])
        assert doc.vehicle is not None
        origin = str(doc.vehicle["origin"])
        result = vin_check(str(doc.fields["E"]), reference_year=REF.year)
        status = {f.id: f.status.value for f in result.findings}["vin.check_digit"]
        origins.setdefault(origin, set()).add(status)
        assert status != "fail"  # a genuine VIN never fails its own region's rule
    assert set(origins) == {"North America", "Europe", "Asia"}
    assert origins["North America"] == {"pass"}
    assert "not_applicable" in origins["Europe"] | origins["Asia"]
    # a planted check-digit error is always on a VIN whose check digit is compulsory
    for seed in range(6):
        bad = make_document("uto_vehicle_registration", rng=seed, reference_date=REF, dpi=DPI,
                            views=["white"], defects=["vin.bad_check_digit"])
        assert bad.vehicle is not None and bad.vehicle["origin"] == "North America"
