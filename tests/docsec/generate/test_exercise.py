"""Exercise sets: files, answer key, a manifest without answers, determinism."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docsec.errors import InvalidComponent, OutputError
from docsec.generate.exercise import (
    device_noise,
    generate_exercise,
    make_exercise,
    png_bytes,
    write_exercise,
)

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


@pytest.mark.slow
def test_generation_writes_nothing_and_writing_gives_the_files_of_make_exercise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = {"topic": "mixed", "level": 3, "count": 3, "forgery_rate": 0.7, "seed": 21,
            "dpi": 50}
    ex = generate_exercise(**args)  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())  # generation alone writes nothing
    assert ex.out is None
    with pytest.raises(OutputError):
        _ = ex.trainee_dir
    # The answer key is data, never a trainee file; the files are those the manifest lists.
    assert ex.answer_key["seed"] == 21 and "seed" not in ex.manifest
    assert not any("answer" in rel for rel in ex.files)
    listed = {rel for it in ex.manifest["items"] for rel in it["files"].values()}
    listed |= set(ex.manifest["files"].values())
    assert listed <= set(ex.files)
    written = write_exercise(ex, tmp_path / "a")
    assert written.out == tmp_path / "a" and written.trainee_dir.is_dir()
    make_exercise(out=tmp_path / "b", **args)  # type: ignore[arg-type]
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a == b
    assert set(a) == {f"trainee/{rel}" for rel in ex.files} | {
        "trainee/manifest.json", "instructor/answer_key.json"}
    key = json.loads((tmp_path / "a" / "instructor" / "answer_key.json").read_text())
    assert key == json.loads(json.dumps(ex.answer_key))
    # Written all at once, and a used folder is refused.
    with pytest.raises(OutputError):
        write_exercise(ex, tmp_path / "a")
    assert _digest(tmp_path / "a") == a


def test_bad_parameters_are_refused_before_generation() -> None:
    with pytest.raises(InvalidComponent, match="dpi"):
        generate_exercise(topic="document", level=1, count=1, forgery_rate=0.0, dpi=5000)
    with pytest.raises(InvalidComponent, match="unknown defect"):
        generate_exercise(topic="document", level=1, count=1, forgery_rate=1.0,
                          drills=["no.such_defect"])


def test_view_png_size_depends_only_on_the_dimensions() -> None:
    rng = np.random.default_rng(4)
    flat = np.full((120, 90, 3), 200, np.uint8)
    busy = rng.integers(0, 256, (120, 90, 3), dtype=np.uint8)
    sizes = {len(png_bytes(device_noise(img, s, rng))) for img in (flat, busy) for s in (2, 6)}
    assert len(sizes) == 1
    for img in (busy, busy[..., 0].copy()):
        noisy = device_noise(img, 4.0, np.random.default_rng(1))
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(noisy)))), noisy)
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(
            png_bytes(noisy, compress_level=1)))), noisy)


def test_device_noise_has_the_requested_spread_and_wraps_the_tile() -> None:
    img = np.full((1500, 1300, 3), 128, np.uint8)  # larger than the noise tile
    for sigma in (2.0, 6.0):
        noisy = device_noise(img, sigma, np.random.default_rng(7))
        assert abs(float(noisy.astype(np.float64).std()) - sigma) < 0.15 * sigma
    dark = device_noise(np.zeros((64, 64), np.uint8), 6.0, np.random.default_rng(2))
    assert dark.min() == 0 and dark.dtype == np.uint8  # saturates, never wraps to white
    assert dark.max() < 64
