"""Regenerate ``samples/``: every document model genuine and with one planted defect.

One command rebuilds the whole committed set (byte-identical for the same code)::

    make samples

Each sample gets an opaque folder (``s01`` ...): all its views as JPEG at 150 dpi (small on
purpose: the set is a preview, generate larger ones with ``docsec generate``), and a clean
flatbed scan and a hard phone photo of each captured side (front, back, VIN plate) of the same
document rendered at 300 dpi. The truth (model, seed, defects, regions in view and capture
coordinates, MRZ, fields) lives only in ``samples/manifest.json``. The registry extract
``samples/registry_extract.csv`` is a mock stolen-vehicle list with the planted vehicle record
hidden among generated ones.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from docsec.generate import make_document
from docsec.generate.capture import capture, project_xy
from docsec.generate.exercise import save_capture, save_jpeg, write_registry

OUT = Path(__file__).resolve().parents[1] / "samples"
REF = datetime.date(2026, 1, 15)
DPI = 150
JPEG_QUALITY = 85
CAPTURE_DPI = 300
CAPTURED_SIDES = ("white", "white_back", "vin_plate")
SPACE_OF_VIEW = {"white": "front", "white_back": "back", "vin_plate": "vin_plate"}
DEFECTS = {
    "uto_passport_td3": "photo.substitution",
    "zza_passport_td3": "viz_mrz.surname",
    "uto_id_td1": "uv.fibres_printed",
    "zzb_id_td1": "ir.mrz_transparent",
    "uto_card_td2": "substrate.watermark_on_surface",
    "uto_visa_mrva": "ovd.hologram_static",
    "uto_vehicle_registration": "vehicle.on_stolen_list",
}


def main() -> None:
    if OUT.exists():
        for child in OUT.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    OUT.mkdir(exist_ok=True)
    entries: list[dict[str, Any]] = []
    planted_records: list[dict[str, Any]] = []
    n = 0
    for model_id, defect in DEFECTS.items():
        for defects in ((), (defect,)):
            n += 1
            sid = f"s{n:02d}"
            seed = 500 + n
            doc = make_document(model_id, rng=seed, defects=defects, reference_date=REF, dpi=DPI)
            folder = OUT / sid
            folder.mkdir()
            files: dict[str, str] = {}
            for name, image in doc.views.items():
                save_jpeg(image, folder / f"{name}.jpg", quality=JPEG_QUALITY)
                files[name] = f"{sid}/{name}.jpg"
            # Captures are taken of the same document rendered at scanner resolution, so the
            # reader sees what a lab or a trainee's phone would give it.
            sides = [s for s in CAPTURED_SIDES if s in doc.views]
            hires = make_document(model_id, rng=seed, defects=defects, reference_date=REF,
                                  dpi=CAPTURE_DPI, views=sides)
            captures: dict[str, Any] = {}
            for k, side in enumerate(sides):
                space = SPACE_OF_VIEW[side]
                shots = (("photo", 3),) if side == "vin_plate" else (("scan", 1), ("photo", 3))
                for kind, level in shots:
                    name = f"capture_{kind}" + ("" if side == "white" else f"_{space}")
                    c = capture(hires.views[side], kind=kind, level=level,  # type: ignore[arg-type]
                                rng=seed * 100 + k * 10 + level)
                    save_capture(c, folder / f"{name}.jpg")
                    files[name] = f"{sid}/{name}.jpg"
                    captures[name] = (space, c)
            truth = doc.to_dict()
            for d, entry in zip(hires.answer_key, truth["defects"], strict=True):  # type: ignore[call-overload]
                entry["capture_regions"] = {
                    name: [
                        [[round(float(x), 1), round(float(y), 1)]
                         for x, y in project_xy(np.asarray(poly), c.homography)]
                        for region_space, poly in d.regions
                        if region_space == space and poly
                    ]
                    for name, (space, c) in captures.items()
                }
            record = (doc.vehicle or {}).get("registry_record")
            if isinstance(record, dict):
                planted_records.append(record)
            entries.append({
                "id": sid, "seed": seed, "files": files,
                "captures": {k: {"dpi": CAPTURE_DPI, **c.to_dict()}
                             for k, (_, c) in captures.items()},
                **truth,
            })  # fmt: skip
    write_registry(OUT / "registry_extract.csv", planted_records, seed=2026)
    manifest = {
        "about": "docsec sample set: synthetic documents of fictional issuers (SPECIMEN). "
        "Rebuild with: .venv/bin/python scripts/make_samples.py",
        "reference_date": REF.isoformat(),
        "dpi": DPI,
        "registry_extract": "registry_extract.csv",
        "samples": entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, default=str) + "\n"
    (OUT / "manifest.json").write_text(text, encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(entries)} samples, {total / 1e6:.1f} MB in {OUT}")


if __name__ == "__main__":
    main()
