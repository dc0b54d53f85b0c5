"""Exercise sets: files, answer key, a manifest without answers, determinism."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from docsec.errors import InvalidComponent
from docsec.generate.exercise import make_exercise

ANSWER_WORDS = {"genuine", "defects", "mrz", "fields", "checks", "feedback", "vehicle", "forged"}


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        out = set(value)
        for v in value.values():
            out |= _keys(v)
        return out
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value)) if value else set()
    return set()


@pytest.mark.slow
def test_exercise_files_keys_and_determinism(tmp_path: Path) -> None:
    a = make_exercise(topic="mixed", level=2, count=6, forgery_rate=0.5, seed=5,
                      out=tmp_path / "a", dpi=60)
    make_exercise(topic="mixed", level=2, count=6, forgery_rate=0.5, seed=5,
                  out=tmp_path / "b", dpi=60)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    key = json.loads((tmp_path / "a" / "instructor" / "answer_key.json").read_text())
    manifest = json.loads((tmp_path / "a" / "trainee" / "manifest.json").read_text())
    assert key["seed"] == 5 and "seed" not in manifest
    assert manifest["reference_date"] == "2026-01-15"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["instructor", "trainee"]
    assert not list((tmp_path / "a" / "trainee").rglob("answer_key*"))
    assert key["forged"] == 3 == sum(not it["genuine"] for it in key["items"])
    assert len(a.items) == len(key["items"]) == len(manifest["items"]) == 6
    assert not (_keys(manifest) & ANSWER_WORDS)
    for item in key["items"]:
        required = {"id", "model", "format", "files", "mrz", "fields", "genuine", "defects"}
        assert required <= set(item)
        for rel in item["files"].values():
            assert (tmp_path / "a" / "trainee" / rel).is_file()
        assert "capture_white" in item["files"]
        for d in item["defects"]:
            assert {"id", "views", "region", "checks", "capture_regions", "feedback"} <= set(d)
            for polys in d["capture_regions"].values():
                assert all(len(p["polygon_xy"]) == 4 for p in polys)
    if any(it["model"] == "uto_vehicle_registration" for it in key["items"]):
        assert (tmp_path / "a" / "trainee" / "registry.csv").is_file()


def test_vehicle_exercise_puts_planted_records_in_the_registry(tmp_path: Path) -> None:
    make_exercise(topic="vehicle", level=3, count=4, forgery_rate=1.0, seed=12,
                  out=tmp_path, dpi=50)
    key = json.loads((tmp_path / "instructor" / "answer_key.json").read_text())
    registry = (tmp_path / "trainee" / "registry.csv").read_text()
    assert registry.startswith("vin,make,model,colour,year,plate")
    for item in key["items"]:
        for defect in item["defects"]:
            if defect["id"] in ("vehicle.on_stolen_list", "vehicle.cloned_vin"):
                assert item["fields"]["E"] in registry


@pytest.mark.parametrize(
    "kwargs",
    [{"topic": "sports"}, {"level": 4}, {"count": 0}, {"forgery_rate": 1.5}],
)
def test_bad_parameters(tmp_path: Path, kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"topic": "document", "level": 1, "count": 2, "forgery_rate": 0.5,
                               "seed": 1, "out": tmp_path}
    args.update(kwargs)
    with pytest.raises(InvalidComponent):
        make_exercise(**args)  # type: ignore[arg-type]
