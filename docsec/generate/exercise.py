"""Exercise sets: documents and vehicles with planted defects, captures, and two manifests.

An exercise is chosen by topic (``document``, ``vehicle``, ``mixed``), level (1-3: the capture
difficulty, DOMAIN.md §5: level 1 = clean flatbed scan, 2 = degraded scan, 3 = hard phone
photo; and the defects' difficulty, at most the level), a count and a forgery rate (the
instructor's base rate: exactly ``round(count * rate)`` items carry a defect, so signal-
detection scores are meaningful). One seed gives byte-identical files.

Files written to ``out``:

* ``<item>/<view>.png`` for every view of the document, ``<item>/capture_<view>.jpg`` for the
  captured white light (both sides, and the VIN plate of a vehicle);
* ``registry.csv``: the mock stolen-vehicle registry extract (vehicle and mixed topics), with
  the planted records hidden among generated ones;
* ``manifest.json``: what a trainee gets: item ids, model, file paths. **No answers**;
* ``answer_key.json``: per item ``id``, ``model``, ``format``, ``files``, ``mrz`` (as printed),
  ``fields``, ``genuine`` and ``defects`` (``id``, ``views``, ``region``, ``regions`` in view and
  in capture coordinates, ``checks``, feedback).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from docsec.errors import InvalidComponent
from docsec.generate.capture import Capture, capture, project_xy
from docsec.generate.defects import applicable, catalogue
from docsec.generate.document import SyntheticDocument, make_document
from docsec.models import MODEL_IDS, get_model

__all__ = [
    "TOPICS",
    "ExerciseItem",
    "ExerciseSet",
    "make_exercise",
    "save_capture",
    "save_jpeg",
    "save_png",
    "write_registry",
]

Topic = Literal["document", "vehicle", "mixed"]
TOPICS: Mapping[str, tuple[str, ...]] = {
    "document": tuple(m for m in MODEL_IDS if m != "uto_vehicle_registration"),
    "vehicle": ("uto_vehicle_registration",),
    "mixed": MODEL_IDS,
}
_CAPTURE: Mapping[int, tuple[Literal["scan", "photo"], Literal[1, 2, 3]]] = {
    1: ("scan", 1),
    2: ("scan", 2),
    3: ("photo", 3),
}
_REGISTRY_FIELDS = (
    "vin", "make", "model", "colour", "year", "plate", "plate_country", "engine_number",
    "reporting_country", "date_reported", "case_ref", "status",
)  # fmt: skip


def save_png(image: NDArray[np.uint8], path: Path, *, compress_level: int = 1) -> None:
    """Write a PNG with a fixed compression level and no metadata (byte-identical reruns).

    Level 1 (exercises) writes the rows unfiltered through zlib level 1: about a third faster
    than an adaptive-filter encoder on these noisy, textured views, at the same size. Higher
    levels use Pillow's encoder (smaller files, for committed samples).
    """
    if compress_level > 1:
        Image.fromarray(image).save(path, format="PNG", compress_level=compress_level)
        return
    rows, cols = image.shape[:2]
    channels = 1 if image.ndim == 2 else image.shape[2]
    raw = np.empty((rows, cols * channels + 1), np.uint8)
    raw[:, 0] = 0  # filter type None for every row
    raw[:, 1:] = image.reshape(rows, cols * channels)
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    header = struct.pack(">IIBBBBB", cols, rows, 8, colour_type, 0, 0, 0)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF
        )

    body = zlib.compress(raw.tobytes(), compress_level)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def save_jpeg(image: NDArray[np.uint8], path: Path, *, quality: int = 90) -> None:
    """Write a baseline JPEG with fixed settings and no metadata (byte-identical reruns)."""
    Image.fromarray(image).save(path, format="JPEG", quality=quality, optimize=False,
                                progressive=False, subsampling=2)


@dataclass(frozen=True, slots=True)
class ExerciseItem:
    """One item of an exercise: its answer-key entry and trainee-manifest entry."""

    id: str
    answer: Mapping[str, Any]
    manifest: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ExerciseSet:
    """A written exercise set."""

    out: Path
    items: tuple[ExerciseItem, ...]
    answer_key: Mapping[str, Any]
    manifest: Mapping[str, Any]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (no pixels)."""
        return {"out": str(self.out), "items": len(self.items), **dict(self.manifest)}


def _pick_defect(model_id: str, level: int, rng: np.random.Generator) -> str:
    model = get_model(model_id)
    specs = catalogue()
    ids = [d for d in applicable(model) if specs[d].difficulty <= level]
    # Favour defects of the exercise's own difficulty (level 1 = obvious ones only).
    weights = np.asarray([3.0 if specs[d].difficulty == level else 1.0 for d in ids])
    return ids[int(rng.choice(len(ids), p=weights / weights.sum()))]


def _region_in_capture(poly: Sequence[Sequence[float]], homography: NDArray[np.float64],
                       ) -> list[list[float]]:
    pts = project_xy(np.asarray(poly, np.float64), homography)
    return [[round(float(x), 1), round(float(y), 1)] for x, y in pts]


def make_exercise(
    *,
    topic: str,
    level: int,
    count: int,
    forgery_rate: float,
    seed: int,
    out: Path | str,
    reference_date: datetime.date | None = None,
    dpi: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> ExerciseSet:
    """Generate and write an exercise set (see the module docstring for the files).

    Parameters
    ----------
    topic : {"document", "vehicle", "mixed"}
    level : {1, 2, 3}
        Capture difficulty and maximum defect difficulty.
    count : int
        Number of items (1-1000).
    forgery_rate : float
        Fraction of items with a planted defect (0-1); exactly ``round(count * rate)``.
    seed : int
        The set's seed (same seed, same bytes).
    out : path
        Output directory (created).
    reference_date : datetime.date, optional
        The exercise's "today" (default 2026-01-15, fixed so a seed alone reproduces a set).
    dpi : int
        Resolution of the views.
    progress : callable, optional
        Called with ``(done, total)`` after each item.

    Raises
    ------
    InvalidComponent
        For an unknown topic or an out-of-range level, count or rate.
    """
    if topic not in TOPICS:
        raise InvalidComponent(f"topic must be one of {sorted(TOPICS)}, got {topic!r}")
    if level not in (1, 2, 3):
        raise InvalidComponent(f"level must be 1, 2 or 3, got {level!r}")
    if not 1 <= count <= 1000:
        raise InvalidComponent(f"count must be between 1 and 1000, got {count}")
    if not 0.0 <= forgery_rate <= 1.0:
        raise InvalidComponent(f"forgery rate must be between 0 and 1, got {forgery_rate}")
    ref = reference_date or datetime.date(2026, 1, 15)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    seq = np.random.SeedSequence(seed)
    plan_seq, *item_seqs = seq.spawn(count + 1)
    plan_rng = np.random.default_rng(plan_seq)
    models = TOPICS[topic]
    n_forged = round(count * forgery_rate)
    forged = set(plan_rng.permutation(count)[:n_forged].tolist())
    kind, cap_level = _CAPTURE[level]
    items: list[ExerciseItem] = []
    registry_rows: list[dict[str, Any]] = []
    # Capturing (OpenCV) and encoding (zlib, libjpeg) release the GIL: captures and files are
    # made by worker threads while the next document renders. Every capture has its own seed
    # and every file its own path, so the bytes do not depend on the threads' order.
    with ThreadPoolExecutor(max_workers=3) as pool:
        pending: list[Future[Any]] = []
        builders: list[Callable[[], ExerciseItem]] = []
        for i in range(count):
            item_rng = np.random.default_rng(item_seqs[i])
            doc_seed, defect_seed, capture_seed = (int(x) for x in item_rng.integers(0, 2**63, 3))
            model_id = models[int(plan_rng.integers(len(models)))]
            defects: tuple[str, ...] = ()
            if i in forged:
                defects = (_pick_defect(model_id, level, np.random.default_rng(defect_seed)),)
            doc = make_document(model_id, rng=doc_seed, defects=defects, reference_date=ref,
                                dpi=dpi)
            item_id = f"item-{i + 1:03d}"
            builders.append(_write_item(root, item_id, doc, kind, cap_level, capture_seed,
                                        pool, pending))
            record = (doc.vehicle or {}).get("registry_record")
            if isinstance(record, Mapping):
                registry_rows.append(dict(record))
            if progress is not None:
                progress(i + 1, count)
        for fut in pending:
            fut.result()
        items.extend(build() for build in builders)
    files_common: dict[str, str] = {}
    if topic in ("vehicle", "mixed"):
        files_common["registry"] = "registry.csv"
        write_registry(root / "registry.csv", registry_rows, seed)
    header = {
        "topic": topic,
        "level": level,
        "count": count,
        "seed": seed,
        "reference_date": ref.isoformat(),
        "dpi": dpi,
        "capture": {"kind": kind, "level": cap_level},
        "files": files_common,
    }
    manifest = {**header, "items": [dict(it.manifest) for it in items]}
    answer_key = {
        **header,
        "forgery_rate": forgery_rate,
        "forged": n_forged,
        "items": [dict(it.answer) for it in items],
    }
    _write_json(root / "manifest.json", manifest)
    _write_json(root / "answer_key.json", answer_key)
    return ExerciseSet(out=root, items=tuple(items), answer_key=answer_key, manifest=manifest)


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _write_item(root: Path, item_id: str, doc: SyntheticDocument, kind: Literal["scan", "photo"],
                level: Literal[1, 2, 3], capture_seed: int, pool: ThreadPoolExecutor,
                pending: list[Future[Any]]) -> Callable[[], ExerciseItem]:
    """Queue the files of one item; return the function that builds its entries afterwards."""
    folder = root / item_id
    folder.mkdir(exist_ok=True)
    files: dict[str, str] = {}
    for name, image in doc.views.items():
        rel = f"{item_id}/{name}.png"
        pending.append(pool.submit(save_png, image, root / rel))
        files[name] = rel
    seeds = np.random.SeedSequence(capture_seed).spawn(3)
    futures: dict[str, Future[Capture]] = {}
    for k, name in enumerate(("white", "white_back", "vin_plate")):
        if name not in doc.views:
            continue
        rel = f"{item_id}/capture_{name}.jpg"
        futures[name] = pool.submit(_capture_and_save, doc.views[name],
                                    kind if name != "vin_plate" else "photo", level,
                                    np.random.default_rng(seeds[k]), root / rel)
        pending.append(futures[name])
        files[f"capture_{name}"] = rel
    return functools.partial(_entries, item_id, doc, files, futures)


def _capture_and_save(image: NDArray[np.uint8], kind: Literal["scan", "photo"],
                      level: Literal[1, 2, 3], rng: np.random.Generator, path: Path) -> Capture:
    c = capture(image, kind=kind, level=level, rng=rng)
    save_capture(c, path)
    return c


def save_capture(c: Capture, path: Path) -> None:
    """Write a capture as JPEG: its own encoded file when it has one (no second compression)."""
    if c.jpeg_bytes is not None:
        path.write_bytes(c.jpeg_bytes)
    else:
        save_jpeg(c.image, path)


def _entries(item_id: str, doc: SyntheticDocument, files: dict[str, str],
             futures: Mapping[str, Future[Capture]]) -> ExerciseItem:
    """Answer-key and manifest entries of one item (captures done)."""
    captures = {name: fut.result() for name, fut in futures.items()}
    specs = catalogue()
    defects = []
    for d in doc.answer_key:
        entry = d.to_dict(dpi=doc.dpi)
        per_capture: dict[str, list[dict[str, Any]]] = {}
        for view, c in captures.items():
            space = "vin_plate" if view == "vin_plate" else (
                "back" if view.endswith("_back") else "front")
            polys = [
                {"polygon_xy": _region_in_capture(poly, c.homography)}
                for s, poly in d.regions
                if s == space and poly
            ]
            if polys:
                per_capture[f"capture_{view}"] = polys
        entry["capture_regions"] = per_capture
        spec = specs[d.id]
        entry["prado"] = spec.prado
        entry["forgery_type"] = spec.forgery_type
        entry["difficulty"] = spec.difficulty
        entry["reveal_views"] = list(spec.reveal_views)
        entry["feedback"] = dict(spec.feedback)
        defects.append(entry)
    answer = {
        "id": item_id,
        "model": doc.model_id,
        "format": doc.format,
        "files": files,
        "captures": {f"capture_{k}": c.to_dict() for k, c in captures.items()},
        "mrz": list(doc.mrz_lines) if doc.mrz_lines else None,
        "fields": dict(doc.fields),
        "genuine": doc.genuine,
        "defects": defects,
        "vehicle": _jsonable(doc.vehicle),
        "transliteration_version": doc.transliteration_version,
    }
    manifest = {"id": item_id, "model": doc.model_id, "files": files}
    return ExerciseItem(id=item_id, answer=answer, manifest=manifest)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write_registry(path: Path, planted: list[dict[str, Any]], seed: int) -> None:
    """Registry extract: generated stolen-list records with the planted ones mixed in."""
    from docsec.registry.mock import make_records

    rows: list[dict[str, Any]] = []
    for r in make_records(40, seed=seed):
        rows.append({
            "vin": r.vin, "make": r.make, "model": r.model, "colour": r.colour,
            "year": r.year if r.year is not None else "", "plate": r.plate,
            "plate_country": r.plate_country, "engine_number": r.engine_number,
            "reporting_country": r.reporting_country,
            "date_reported": r.date_reported.isoformat(), "case_ref": r.case_ref,
            "status": r.status,
        })  # fmt: skip
    rng = np.random.default_rng(seed)
    for k, rec in enumerate(planted):
        row = {f: rec.get(f, "") for f in _REGISTRY_FIELDS}
        row["case_ref"] = f"{rec.get('reporting_country', 'UTO')}-{k + 1:05d}"
        rows.insert(int(rng.integers(0, len(rows) + 1)), row)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(_REGISTRY_FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
