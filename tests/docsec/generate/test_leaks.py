"""The trainee package gives no defect away without looking at the documents.

For every defect of the catalogue, an exercise drilling it is compared with genuine items of
the same models: same file names, file sizes within the spread of genuine items, no two
frames byte-identical, no metadata in the images, registry rows of one format, nothing in the
manifest but ids, paths, the lights given and the reference date; the seed appears nowhere.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from docsec.generate import make_document
from docsec.generate.bundles import bundle_scenarios, bundles
from docsec.generate.defects import (
    applicable,
    catalogue,
    revealed_with,
    scenario_applicable,
    scenarios,
)
from docsec.generate.exercise import (
    LEVEL_TOOLS,
    NOISE_SIGMA,
    TOPICS,
    _regions_for,
    _views_for,
    capture_file,
    device_noise,
    make_exercise,
    save_png,
)
from docsec.generate.regions import LOUPE_REGIONS
from docsec.models import FANTASY_MODEL_IDS, MODEL_IDS, get_model

REF = datetime.date(2026, 1, 15)
DPI = 60
SEED = 8_412_337_105_993
LEVEL = 2
GENUINE_PER_MODEL = 8
CAPTURES_PER_VIEW = 8
# Sizes of one view vary by 8-20 % between genuine items (device noise, content); a size
# less than 1 % outside the range of a sample of genuine items is no usable signal.
SIZE_SLACK = 0.01
MANIFEST_KEYS = {"exercise", "reference_date", "views", "files", "items"}


def _topic(model_id: str) -> str:
    return "vehicle" if model_id in TOPICS["vehicle"] else "document"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@functools.cache
def _genuine_png_spread(tmp: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(model, view) -> smallest and largest PNG of genuine items at the device's noise range."""
    spread: dict[tuple[str, str], list[int]] = defaultdict(list)
    rng = np.random.default_rng(0)
    path = Path(tmp) / "probe.png"
    for model_id in (*MODEL_IDS, *FANTASY_MODEL_IDS):
        views = _views_for(model_id, LEVEL_TOOLS[LEVEL])
        regions = _regions_for(model_id, LEVEL_TOOLS[LEVEL], (), DPI)
        for seed in range(GENUINE_PER_MODEL):
            doc = make_document(model_id, rng=900 + seed, reference_date=REF, dpi=DPI,
                                views=views, traveller=True, regions=regions)
            for view, image in doc.views.items():
                for sigma in NOISE_SIGMA:
                    save_png(device_noise(image, sigma, rng), path)
                    spread[(model_id, view)].append(path.stat().st_size)
    return {k: (min(v), max(v)) for k, v in spread.items()}


@functools.cache
def _genuine_capture_spread(tmp: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(model, capture file) -> smallest and largest capture of genuine items (clean scans)."""
    spread: dict[tuple[str, str], list[int]] = defaultdict(list)
    path = Path(tmp) / "probe.jpg"
    for model_id in (*MODEL_IDS, *FANTASY_MODEL_IDS):
        names = [v for v in ("white", "white_back", "vin_plate")
                 if v in get_model(model_id).view_names()]
        for seed in range(GENUINE_PER_MODEL):
            doc = make_document(model_id, rng=900 + seed, reference_date=REF, dpi=DPI,
                                views=names)
            for name in names:
                for r in range(CAPTURES_PER_VIEW):
                    capture_file(doc.views[name], "photo" if name == "vin_plate" else "scan",
                                 1, np.random.default_rng([seed, r]), path)
                    spread[(model_id, f"capture_{name}")].append(path.stat().st_size)
    return {k: (min(v), max(v)) for k, v in spread.items()}


def _drillable() -> list[str]:
    return [d for d, spec in catalogue().items() if revealed_with(spec, LEVEL_TOOLS[LEVEL])]


def _models_for(drill: str) -> list[str]:
    models = [m for m in MODEL_IDS if drill in applicable(get_model(m))
              or drill in scenario_applicable(get_model(m))]
    # a fantasy document is drilled on a model of its kind, and becomes the fantasy design
    return models or ["uto_passport_td3"]


def test_every_defect_is_drillable_at_level_two() -> None:
    assert _drillable() == list(catalogue())


@pytest.mark.slow
@pytest.mark.parametrize("defect_id", [*_drillable(), *scenarios()])
def test_trainee_package_does_not_give_the_defect_away(defect_id: str,
                                                       tmp_path_factory: pytest.TempPathFactory,
                                                       ) -> None:
    """A defect of the catalogue or a forgery scenario, drilled at level 2."""
    base = tmp_path_factory.getbasetemp()
    models = _models_for(defect_id)
    model_id = models[sum(defect_id.encode()) % len(models)]
    out = tmp_path_factory.mktemp("ex")
    ex = make_exercise(topic=_topic(model_id), level=LEVEL, capture_level=1, count=2,
                       forgery_rate=0.5, drills=[defect_id], seed=SEED, out=out, dpi=DPI)
    trainee = out / "trainee"
    key = ex.answer_key
    (forged,) = [it for it in key["items"] if not it["genuine"]]
    assert defect_id in (forged["defects"][0]["id"], forged["scenario"])
    png_spread = _genuine_png_spread(str(base))
    cap_spread = _genuine_capture_spread(str(base))
    files = _files(trainee)

    # File names: those of a genuine item of the same model.
    genuine_views = set(_views_for(forged["model"], LEVEL_TOOLS[LEVEL])) | {
        r.name for r in _regions_for(forged["model"], LEVEL_TOOLS[LEVEL], (), DPI)}
    if get_model(forged["model"]).portrait is not None:
        genuine_views.add("traveller")
    names = {n for n in forged["files"] if not n.startswith("capture_")}
    assert names == genuine_views
    # Sizes: within the spread of genuine items.
    for name, rel in forged["files"].items():
        size = len(files[rel])
        if name.startswith("capture_"):
            lo, hi = cap_spread[(forged["model"], name)]
        else:
            lo, hi = png_spread[(forged["model"], name)]
        slack = SIZE_SLACK * hi
        assert lo - slack <= size <= hi + slack, f"{rel}: {size} bytes, genuine {lo}-{hi}"
    # No two files byte-identical (frames of one item included).
    digests = [hashlib.sha256(b).hexdigest() for b in files.values()]
    assert len(set(digests)) == len(digests)
    # Metadata: PNG with IHDR, IDAT, IEND only; JPEG without APPn/COM text.
    for rel, data in files.items():
        if rel.endswith(".png"):
            assert _png_chunks(data) <= {b"IHDR", b"IDAT", b"IEND"}, rel
        elif rel.endswith(".jpg"):
            assert b"Exif" not in data[:4096] and b"\xff\xfe" not in data[:4096], rel
    # The manifest: ids, paths, lights, reference date; items alike.
    manifest = json.loads(files["manifest.json"])
    assert set(manifest) == MANIFEST_KEYS
    assert manifest["reference_date"] == REF.isoformat()
    for entry in manifest["items"]:
        assert set(entry) == {"id", "files"}
    text = b"\n".join(v for k, v in files.items() if not k.endswith((".png", ".jpg")))
    assert str(key["seed"]).encode() not in text
    for word in (defect_id, defect_id.split(".")[-1], "genuine", "forged", "defect",
                 "scenario"):
        assert word.encode() not in files["manifest.json"], word
    # The registry and the documents extract: planted rows have the format and dates of the
    # others.
    if "registry.csv" in files:
        _assert_registry_uniform(files["registry.csv"].decode(), REF)
    if "document_alerts.csv" in files:
        _assert_alerts_uniform(files["document_alerts.csv"].decode(), REF)


@pytest.mark.slow
@pytest.mark.parametrize("scenario_id", list(bundle_scenarios()))
def test_multi_document_item_does_not_give_the_forgery_away(
        scenario_id: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A multi-document scenario drilled at level 2: its item against a genuine item of the
    same bundle, and each document's files against genuine items of its model."""
    base = tmp_path_factory.getbasetemp()
    sc = bundle_scenarios()[scenario_id]
    bundle = bundles()[sc.bundle]
    topic = "vehicle" if all(m in TOPICS["vehicle"] for _, m in bundle.documents) else (
        "document")
    out = tmp_path_factory.mktemp("bx")
    ex = make_exercise(topic=topic, level=LEVEL, capture_level=1, count=2, forgery_rate=0.5,
                       drills=[scenario_id], seed=SEED, out=out, dpi=DPI)
    items = ex.answer_key["items"]
    (forged,) = [it for it in items if not it["genuine"]]
    (genuine,) = [it for it in items if it["genuine"]]
    assert forged["scenario"] == scenario_id and forged["defect_document"] == sc.document
    assert set(forged["files"]) == set(genuine["files"])
    files = _files(out / "trainee")
    png_spread = _genuine_png_spread(str(base))
    cap_spread = _genuine_capture_spread(str(base))
    roles = dict(bundle.documents)
    for name, rel in forged["files"].items():
        role = next(r for r in roles if name.startswith(f"{r}_"))
        view = name.removeprefix(f"{role}_")
        size = len(files[rel])
        spread = cap_spread if view.startswith("capture_") else png_spread
        lo, hi = spread[(roles[role], view)]
        slack = SIZE_SLACK * hi
        assert lo - slack <= size <= hi + slack, f"{rel}: {size} bytes, genuine {lo}-{hi}"
    digests = [hashlib.sha256(b).hexdigest() for b in files.values()]
    assert len(set(digests)) == len(digests)
    manifest = json.loads(files["manifest.json"])
    assert set(manifest) == MANIFEST_KEYS
    for word in (scenario_id, "bundle", "genuine", "forged", "mismatch", sc.document + "\""):
        assert word.encode() not in files["manifest.json"], word
    text = b"\n".join(v for k, v in files.items() if not k.endswith((".png", ".jpg")))
    assert str(ex.answer_key["seed"]).encode() not in text


def _png_chunks(data: bytes) -> set[bytes]:
    out, pos = set(), 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        out.add(data[pos + 4 : pos + 8])
        pos += 12 + length
    return out


CASE_REF = re.compile(r"^[A-Z]{3}-\d{4}-\d{7}$")


def _assert_registry_uniform(text: str, ref: datetime.date) -> None:
    rows = list(csv.DictReader(text.splitlines()))
    serials = []
    for row in rows:
        assert CASE_REF.match(row["case_ref"]), row
        assert row["case_ref"][:3] == row["reporting_country"]
        assert row["case_ref"][4:8] == row["date_reported"][:4]
        assert row["colour"] == row["colour"].lower(), row
        assert datetime.date.fromisoformat(row["date_reported"]) < ref, row
        serials.append(int(row["case_ref"][-7:]))
    assert serials == list(range(serials[0], serials[0] + len(rows)))


def _assert_alerts_uniform(text: str, ref: datetime.date) -> None:
    rows = list(csv.DictReader(text.splitlines()))
    numbers = {m.issuer: re.compile(rf"^{m.number_prefix}\d{{{9 - len(m.number_prefix)}}}$")
               for m in (get_model(i) for i in MODEL_IDS) if m.mrz is not None}
    serials = []
    for row in rows:
        assert CASE_REF.match(row["case_ref"]) and row["case_ref"][:3] == row["issuing_state"]
        assert datetime.date.fromisoformat(row["date_reported"]) < ref, row
        kinds = [get_model(i) for i in MODEL_IDS if get_model(i).issuer == row["issuing_state"]
                 and get_model(i).kind == row["document_type"]]
        assert kinds, row
        assert re.match(rf"^{kinds[0].number_prefix}\d{{{9 - len(kinds[0].number_prefix)}}}$",
                        row["document_number"]), row
        serials.append(int(row["case_ref"][-7:]))
    assert numbers and serials == list(range(serials[0], serials[0] + len(rows)))


@pytest.mark.slow
def test_document_alerts_hold_planted_numbers(tmp_path: Path) -> None:
    ex = make_exercise(topic="document", level=2, count=4, forgery_rate=1.0, out=tmp_path,
                       drills=["stolen_blank", "fraudulently_obtained"], dpi=50, seed=4)
    text = (tmp_path / "trainee" / "document_alerts.csv").read_text()
    for item in ex.answer_key["items"]:
        assert item["fields"]["document_number"] in text
        assert item["expected_action"] == "refer"
    _assert_alerts_uniform(text, REF)


@pytest.mark.slow
def test_vehicle_registry_planted_rows_blend_in(tmp_path: Path) -> None:
    ex = make_exercise(topic="vehicle", level=2, count=6, forgery_rate=1.0, out=tmp_path,
                       drills=["vehicle.on_stolen_list", "vehicle.cloned_vin"], dpi=50)
    text = (tmp_path / "trainee" / "registry.csv").read_text()
    vins = {it["fields"]["E"] for it in ex.answer_key["items"]}
    assert all(v in text for v in vins)
    _assert_registry_uniform(text, REF)


def test_fresh_secret_seed_and_new_package_per_exercise(tmp_path: Path) -> None:
    a = make_exercise(topic="document", level=1, count=1, forgery_rate=0.0,
                      out=tmp_path / "a", dpi=50)
    b = make_exercise(topic="document", level=1, count=1, forgery_rate=0.0,
                      out=tmp_path / "b", dpi=50)
    assert a.answer_key["seed"] != b.answer_key["seed"]
    assert a.manifest["exercise"] != b.manifest["exercise"]
    fa, fb = _files(a.trainee_dir), _files(b.trainee_dir)
    assert all(fa[k] != fb.get(k) for k in fa)
    for pkg, key in ((fa, a.answer_key), (fb, b.answer_key)):
        assert all(str(key["seed"]).encode() not in v for v in pkg.values())
    assert not list(a.trainee_dir.rglob("answer_key*"))
    assert (a.instructor_dir / "answer_key.json").is_file()


def test_level_one_gets_white_uv365_and_a_loupe(tmp_path: Path) -> None:
    ex = make_exercise(topic="document", level=1, count=2, forgery_rate=0.0, seed=3,
                       out=tmp_path, dpi=50)
    for item in ex.manifest["items"]:
        views = {n.removesuffix("_back") for n in item["files"]
                 if not n.startswith(("capture", "loupe_")) and n != "traveller"}
        assert views == {"white", "uv365"}
        assert {n for n in item["files"] if n.startswith("loupe_")} == {
            f"loupe_{r}" for r in LOUPE_REGIONS}
    assert ex.manifest["views"] == ["loupe", "uv365", "white"]


def test_level_three_gets_the_reference_sheets(tmp_path: Path) -> None:
    ex = make_exercise(topic="vehicle", level=3, count=1, forgery_rate=0.0, seed=3,
                       out=tmp_path, dpi=50)
    rel = ex.manifest["files"]["reference_uto_vehicle_registration"]
    assert (ex.trainee_dir / rel).is_file()
    assert (ex.trainee_dir / rel).with_name("sheet.png").is_file()
