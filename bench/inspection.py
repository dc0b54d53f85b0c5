"""Benchmark of ``docsec.inspect``: per-defect recall, false alarms, verdicts, time.

Documents come from :func:`docsec.generate.make_document`: half genuine, the other half
each with one defect, the defects taken in turn over the whole catalogue (each on a model it
applies to, chosen at random), rendered with every view at ``--dpi``. Each document is
inspected at level 3 three ways: as rendered, as a clean flatbed scan (capture level 1) and
as a mild phone photo (capture level 1) of every view, all views of one document captured
with the same seed (one fixed position: the views share one homography, as on a video
spectral comparator). A planted defect counts as found when one of the check IDs the
catalogue declares for it fails. Vehicle documents get an in-memory registry holding the
planted registry record (if any) among generated ones.

Printed: per-defect recall per capture, false alarms (genuine documents with any failing
finding, and which checks fired), rejected genuine documents, the verdict confusion matrix
and the median time per document (one process, warm), with each goal.

Usage: ``.venv/bin/python bench/inspection.py [--n 40] [--captures rendered,scan,photo]
[--dump scores.csv]`` (``--n 500`` or more for the full run; the default finishes in a few
minutes on a quiet 2-core machine).
"""

from __future__ import annotations

import sys

# This file is named like the standard library's ``inspect``: take its folder off the path
# before anything imports that module, and put the repository root there instead.
sys.path[0] = __file__.rsplit("/", 2)[0]

import argparse  # noqa: E402
import collections  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from docsec.generate import make_document  # noqa: E402
from docsec.generate.capture import capture  # noqa: E402
from docsec.generate.defects import applicable, catalogue  # noqa: E402
from docsec.inspect import inspect_document  # noqa: E402
from docsec.models import FANTASY_MODEL_IDS, MODEL_IDS, get_model  # noqa: E402
from docsec.registry.load import record_from_mapping  # noqa: E402
from docsec.registry.memory import InMemoryRegistry  # noqa: E402
from docsec.registry.mock import make_records  # noqa: E402

REF = dt.date(2026, 1, 15)


def plan(n: int, seed: int) -> list[tuple[str, tuple[str, ...], int]]:
    """(model, defects, seed) of each document: half genuine, defects in turn."""
    rng = np.random.default_rng(seed)
    specs = sorted(catalogue())
    # the fantasy design carries only what applies to no genuine model (it is never genuine)
    by_defect = {d: [m for m in MODEL_IDS if d in applicable(get_model(m))]
                 or [m for m in FANTASY_MODEL_IDS if d in applicable(get_model(m))]
                 for d in specs}
    specs = [d for d in specs if by_defect[d]]
    out: list[tuple[str, tuple[str, ...], int]] = []
    k = 0
    for i in range(n):
        doc_seed = int(rng.integers(0, 2**31))
        if i % 2 == 0:
            out.append((MODEL_IDS[int(rng.integers(len(MODEL_IDS)))], (), doc_seed))
        else:
            d = specs[k % len(specs)]
            k += 1
            models = by_defect[d]
            out.append((models[int(rng.integers(len(models)))], (d,), doc_seed))
    return out


def captured(views: dict[str, np.ndarray], kind: str, seed: int) -> dict[str, np.ndarray]:
    """Every view captured with the same seed (one fixed position)."""
    out = {}
    for name, img in views.items():
        k = "photo" if name == "vin_plate" else kind
        c = capture(img, kind=k, level=1, rng=seed)  # type: ignore[arg-type]
        im = c.image
        if img.ndim == 2:
            im = np.asarray(im.mean(axis=2), np.uint8)
        out[name] = im
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=40, help="documents (half genuine)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--captures", default="rendered,scan,photo")
    ap.add_argument("--level", type=int, default=3)
    ap.add_argument("--dump", help="write every finding's score to this CSV")
    args = ap.parse_args()
    modes = [m for m in args.captures.split(",") if m]
    docs = plan(args.n, args.seed)
    cat = catalogue()
    found: dict[tuple[str, str], list[bool]] = collections.defaultdict(list)
    genuine_fail: dict[str, list[int]] = collections.defaultdict(list)
    genuine_rejected: dict[str, int] = collections.Counter()
    genuine_n: dict[str, int] = collections.Counter()
    fired: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    confusion: dict[str, collections.Counter[tuple[str, str]]] = collections.defaultdict(
        collections.Counter)
    times: dict[str, list[float]] = collections.defaultdict(list)
    stage: dict[str, dict[str, list[float]]] = collections.defaultdict(
        lambda: collections.defaultdict(list))
    errors: collections.Counter[str] = collections.Counter()
    rows: list[dict[str, Any]] = []
    # warm-up: classifier, references, Tesseract
    warm = make_document("uto_passport_td3", rng=1, reference_date=REF, dpi=args.dpi)
    inspect_document(warm.views, reference_date=REF, level=args.level)
    t_start = time.perf_counter()
    for i, (model_id, defects, seed) in enumerate(docs):
        doc = make_document(model_id, rng=seed, defects=defects, reference_date=REF,
                            dpi=args.dpi)
        registry = None
        if doc.vehicle is not None:
            recs = list(make_records(30, seed=seed))
            planted = doc.vehicle.get("registry_record")
            if isinstance(planted, dict):
                recs.append(record_from_mapping(planted))
            registry = InMemoryRegistry(recs)
        for mode in modes:
            views = dict(doc.views) if mode == "rendered" else captured(
                dict(doc.views), mode, seed + 17)
            t0 = time.perf_counter()
            try:
                rep = inspect_document(views, reference_date=REF, level=args.level,
                                       registry=registry)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                errors[f"{mode}:{type(exc).__name__}"] += 1
                for d in defects:
                    found[(d, mode)].append(False)
                if not defects:
                    genuine_n[mode] += 1
                    genuine_fail[mode].append(1)
                    fired[mode]["(no report)"] += 1
                confusion[mode][("genuine" if not defects else "forged", "error")] += 1
                continue
            times[mode].append((time.perf_counter() - t0) * 1000)
            for k, v in rep.timings_ms.items():
                stage[mode][k].append(v)
            failed = set(rep.failed())
            truth = "genuine" if not defects else "forged"
            confusion[mode][(truth, rep.verdict)] += 1
            if not defects:
                genuine_n[mode] += 1
                genuine_fail[mode].append(1 if failed else 0)
                for f in failed:
                    fired[mode][f] += 1
                if rep.verdict == "reject":
                    genuine_rejected[mode] += 1
            for d in defects:
                found[(d, mode)].append(bool(failed & set(cat[d].checks)))
            if args.dump:
                for fd in rep.findings:
                    rows.append({"doc": i, "model": model_id, "defect": defects[0] if defects
                                 else "", "mode": mode, "id": fd.id, "status": fd.status.value,
                                 "score": fd.score, "threshold": fd.threshold})
        if (i + 1) % 10 == 0:
            print(f"  {i + 1}/{len(docs)} documents, {time.perf_counter() - t_start:.0f} s",
                  file=sys.stderr, flush=True)
    if args.dump:
        with open(args.dump, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["doc"])
            w.writeheader()
            w.writerows(rows)
    print(f"docsec.inspect benchmark: {len(docs)} documents ({sum(1 for d in docs if not d[1])} "
          f"genuine), {args.dpi} dpi, level {args.level}, reference date {REF}, seed "
          f"{args.seed}")
    print("\nPer-defect recall (found / planted; goal >= 95% rendered and scan, >= 90% photo)")
    print(f"{'defect':40s}" + "".join(f"{m:>14s}" for m in modes))
    bad: list[str] = []
    for d in sorted(cat):
        cells = []
        for m in modes:
            got = found.get((d, m), [])
            if not got:
                cells.append(f"{'-':>14s}")
                continue
            r = sum(got) / len(got)
            goal = 0.90 if m == "photo" else 0.95
            if r < goal:
                bad.append(f"{d}@{m}")
            cells.append(f"{sum(got):>5d}/{len(got):<3d}{r:>5.0%}")
        print(f"{d:40s}" + "".join(cells))
    print("\nGenuine documents (goal: any failing finding <= 2%, rejected = 0)")
    for m in modes:
        n = genuine_n[m]
        fa = sum(genuine_fail[m])
        print(f"  {m:9s} false alarms {fa}/{n} = {fa / max(1, n):.1%}   rejected "
              f"{genuine_rejected[m]}/{n}   checks fired: "
              + (", ".join(f"{k} x{v}" for k, v in fired[m].most_common()) or "none"))
    print("\nVerdicts (rows: truth; columns: accept / refer / reject / error)")
    for m in modes:
        for truth in ("genuine", "forged"):
            c = confusion[m]
            print(f"  {m:9s} {truth:8s} " + "  ".join(
                f"{v}={c[(truth, v)]}" for v in ("accept", "refer", "reject", "error")))
    print("\nTime per document, all views, one process (median ms; goal <= 500)")
    for m in modes:
        if times[m]:
            parts = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in stage[m].items()
                              if k != "total")
            print(f"  {m:9s} median {statistics.median(times[m]):.0f}  p90 "
                  f"{np.percentile(times[m], 90):.0f}  ({parts})")
    if errors:
        print("\nInspections that raised:", dict(errors))
    print("\nRecall below goal:", ", ".join(bad) if bad else "none")


if __name__ == "__main__":
    main()
