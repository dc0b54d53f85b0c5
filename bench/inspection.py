"""Benchmark of ``docsec.inspect``: per-defect recall, false alarms, verdicts, time.

Documents come from :func:`docsec.generate.make_document`: half genuine; of the other half,
three in four carry one defect and one in four a forgery scenario (several coordinated
defects), the defects and scenarios taken in shuffled rounds over the whole catalogue (every
one appears once before any repeats, each on a model it applies to, chosen at random). Every
document is rendered with every view at ``--dpi`` (and, for models with a portrait, a photo
of the person presenting it). Each is inspected at level 3 three ways: as rendered, as a
clean flatbed scan (capture level 1) and as a mild phone photo (capture level 1) of every
view, all views of one document captured with the same seed (one fixed position: the views
share one homography, as on a video spectral comparator; the VIN plate is always a photo).
A planted defect counts as found when one of the check IDs the catalogue declares for it
fails. Vehicle documents get an in-memory registry holding the planted registry record (if
any) among generated ones; every document gets the exercise's document alert list with its
own listing (if any) among generated ones.

Printed: per-defect recall per capture, scenarios caught (verdict refer or reject), false
alarms (genuine documents with any failing finding, and which checks fired), rejected genuine
documents, the verdict confusion matrix and the time per document (median and p90, wall
clock, warm, and the CPU time of the process and its Tesseract runs, which the load
inflates less), with each goal. Time is measured inside the process that inspects: every
process runs single-threaded (BLAS, OpenCV and Tesseract limited to one thread, "one core"),
and ``--jobs`` only spreads documents over processes. The load average is printed beside
the times: figures from a loaded machine are pessimistic.

Usage: ``.venv/bin/python bench/inspection.py [--n 40] [--jobs 1] [--captures
rendered,scan,photo] [--dump scores.csv]`` (``--n 500`` for the full run).
"""

from __future__ import annotations

import os
import sys

# one core: the numeric libraries must not spread a document over threads
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_THREAD_LIMIT"):
    os.environ.setdefault(_var, "1")

# This file is named like the standard library's ``inspect``: take its folder off the path
# before anything imports that module, and put the repository root there instead.
sys.path[0] = __file__.rsplit("/", 2)[0]

import argparse  # noqa: E402
import collections  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import io  # noqa: E402
import multiprocessing  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from docsec.alerts import read_alerts  # noqa: E402
from docsec.generate import make_document  # noqa: E402
from docsec.generate.capture import capture  # noqa: E402
from docsec.generate.defects import applicable, catalogue, scenario_applicable, scenarios  # noqa: E402
from docsec.generate.exercise import document_alerts_csv  # noqa: E402
from docsec.inspect import inspect_document  # noqa: E402
from docsec.models import FANTASY_MODEL_IDS, MODEL_IDS, get_model  # noqa: E402
from docsec.registry.load import record_from_mapping  # noqa: E402
from docsec.registry.memory import InMemoryRegistry  # noqa: E402
from docsec.registry.mock import make_records  # noqa: E402

REF = dt.date(2026, 1, 15)
#: One forged document in this many carries a whole scenario rather than one defect.
SCENARIO_EVERY = 4
#: Views that are not lights of the document: never captured again as a scan.
_NOT_LIGHTS = ("vin_plate", "traveller")


@dataclass(frozen=True)
class Item:
    """One document of the plan: its model, planted defects (or scenario), seed."""

    index: int
    model: str
    defects: tuple[str, ...]
    scenario: str | None
    seed: int

    @property
    def genuine(self) -> bool:
        return not self.defects and self.scenario is None


def _models_for(ids: list[str], fits: Any) -> dict[str, list[str]]:
    # the fantasy design carries only what applies to no genuine model (it is never genuine)
    return {d: [m for m in MODEL_IDS if d in fits(get_model(m))]
            or [m for m in FANTASY_MODEL_IDS if d in fits(get_model(m))] for d in ids}


def plan(n: int, seed: int) -> list[Item]:
    """The documents: half genuine, the forged ones over defects and scenarios in rounds."""
    rng = np.random.default_rng(seed)
    by_defect = _models_for(sorted(catalogue()), applicable)
    by_scenario = _models_for(sorted(scenarios()), scenario_applicable)
    defects = [d for d, ms in by_defect.items() if ms]
    scens = [s for s, ms in by_scenario.items() if ms]
    queue_d: list[str] = []
    queue_s: list[str] = []
    out: list[Item] = []
    forged = 0
    for i in range(n):
        doc_seed = int(rng.integers(0, 2**31))
        if i % 2 == 0:
            out.append(Item(i, MODEL_IDS[int(rng.integers(len(MODEL_IDS)))], (), None, doc_seed))
            continue
        forged += 1
        if forged % SCENARIO_EVERY == 0:
            if not queue_s:
                queue_s = [scens[k] for k in rng.permutation(len(scens))]
            s = queue_s.pop()
            models = by_scenario[s]
            out.append(Item(i, models[int(rng.integers(len(models)))], scenarios()[s].defects,
                            s, doc_seed))
        else:
            if not queue_d:
                queue_d = [defects[k] for k in rng.permutation(len(defects))]
            d = queue_d.pop()
            models = by_defect[d]
            out.append(Item(i, models[int(rng.integers(len(models)))], (d,), None, doc_seed))
    return out


def captured(views: dict[str, np.ndarray], kind: str, seed: int) -> dict[str, np.ndarray]:
    """Every view captured with the same seed (one fixed position)."""
    out = {}
    for name, img in views.items():
        if name == "traveller":
            out[name] = img
            continue
        k = "photo" if name == "vin_plate" else kind
        c = capture(img, kind=k, level=1, rng=seed)  # type: ignore[arg-type]
        im = c.image
        if img.ndim == 2:
            im = np.asarray(im.mean(axis=2), np.uint8)
        out[name] = im
    return out


@dataclass
class Outcome:
    """What one inspection of one capture gave."""

    mode: str
    failed: frozenset[str] = frozenset()
    verdict: str = "error"
    ms: float | None = None
    cpu_ms: float | None = None
    stages: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)


_SETTINGS: dict[str, Any] = {}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract runs as one)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _init(dpi: int, level: int, modes: list[str], dump: bool) -> None:
    cv2.setNumThreads(1)
    _SETTINGS.update(dpi=dpi, level=level, modes=modes, dump=dump)
    # warm-up: classifier, references, Tesseract
    warm = make_document("uto_passport_td3", rng=1, reference_date=REF, dpi=dpi)
    inspect_document(warm.views, reference_date=REF, level=level)


def run(item: Item) -> tuple[Item, list[Outcome]]:
    """Generate ``item`` and inspect it in every capture mode."""
    s = _SETTINGS
    model = get_model(item.model)
    doc = make_document(item.model, rng=item.seed, scenario=item.scenario,
                        defects=() if item.scenario else item.defects, reference_date=REF,
                        dpi=s["dpi"], traveller=model.portrait is not None)
    registry = None
    if doc.vehicle is not None:
        recs = list(make_records(30, seed=item.seed))
        planted = doc.vehicle.get("registry_record")
        if isinstance(planted, dict):
            recs.append(record_from_mapping(planted))
        registry = InMemoryRegistry(recs)
    # the exercise's lost, stolen and revoked documents extract, with this document's listing
    # (if any) among generated ones
    alerts = read_alerts(io.StringIO(document_alerts_csv(
        [dict(doc.alert)] if doc.alert is not None else [], item.seed, reference_date=REF)))
    out = []
    for mode in s["modes"]:
        views = dict(doc.views) if mode == "rendered" else captured(
            dict(doc.views), mode, item.seed + 17)
        c0 = _cpu()
        t0 = time.perf_counter()
        try:
            rep = inspect_document(views, reference_date=REF, level=s["level"],
                                   registry=registry, alerts=alerts)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            out.append(Outcome(mode, error=type(exc).__name__))
            continue
        o = Outcome(mode, frozenset(rep.failed()), rep.verdict,
                    (time.perf_counter() - t0) * 1000, (_cpu() - c0) * 1000,
                    dict(rep.timings_ms))
        if s["dump"]:
            o.rows = [{"doc": item.index, "model": item.model,
                       "defect": item.scenario or ",".join(item.defects), "mode": mode,
                       "id": fd.id, "status": fd.status.value, "score": fd.score,
                       "threshold": fd.threshold} for fd in rep.findings]
        out.append(o)
    return item, out


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--n", type=int, default=40, help="documents (half genuine)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--captures", default="rendered,scan,photo")
    ap.add_argument("--level", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1, help="processes (each single-threaded)")
    ap.add_argument("--dump", help="write every finding's score to this CSV")
    ap.add_argument("--budget", type=float, default=0.0,
                    help="minutes after which no further document is counted (0: none); the "
                         "report then says how many of the plan were inspected")
    args = ap.parse_args()
    modes = [m for m in args.captures.split(",") if m]
    docs = plan(args.n, args.seed)
    cat = catalogue()
    found: dict[tuple[str, str], list[bool]] = collections.defaultdict(list)
    caught: dict[tuple[str, str], list[bool]] = collections.defaultdict(list)
    genuine_fail: dict[str, int] = collections.Counter()
    genuine_rejected: dict[str, int] = collections.Counter()
    genuine_n: dict[str, int] = collections.Counter()
    fired: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    confusion: dict[str, collections.Counter[tuple[str, str]]] = collections.defaultdict(
        collections.Counter)
    times: dict[str, list[float]] = collections.defaultdict(list)
    cpu: dict[str, list[float]] = collections.defaultdict(list)
    stage: dict[str, dict[str, list[float]]] = collections.defaultdict(
        lambda: collections.defaultdict(list))
    errors: collections.Counter[str] = collections.Counter()
    rows: list[dict[str, Any]] = []
    load_start = os.getloadavg()
    init = (args.dpi, args.level, modes, bool(args.dump))
    t_start = time.perf_counter()
    results: Iterator[tuple[Item, list[Outcome]]]
    if args.jobs > 1:
        pool = multiprocessing.get_context("spawn").Pool(args.jobs, _init, init)
        results = pool.imap_unordered(run, docs)
    else:
        pool = None
        _init(*init)
        results = map(run, docs)
    done: list[Item] = []
    stopped = False
    for k, (item, outcomes) in enumerate(results, 1):
        if args.budget and time.perf_counter() - t_start > args.budget * 60:
            stopped = True
            break
        done.append(item)
        truth = "genuine" if item.genuine else "forged"
        for o in outcomes:
            m = o.mode
            rows.extend(o.rows)
            confusion[m][(truth, o.verdict)] += 1
            if o.error is not None:
                errors[f"{m}:{o.error}"] += 1
            else:
                assert o.ms is not None
                times[m].append(o.ms)
                assert o.cpu_ms is not None
                cpu[m].append(o.cpu_ms)
                for key, v in o.stages.items():
                    stage[m][key].append(v)
            if item.genuine:
                genuine_n[m] += 1
                if o.error is not None:
                    genuine_fail[m] += 1
                    fired[m]["(no report)"] += 1
                elif o.failed:
                    genuine_fail[m] += 1
                    for f in o.failed:
                        fired[m][f] += 1
                if o.verdict == "reject":
                    genuine_rejected[m] += 1
            for d in item.defects:
                found[(d, m)].append(bool(o.failed & set(cat[d].checks)))
            if item.scenario is not None:
                caught[(item.scenario, m)].append(o.verdict in ("refer", "reject"))
        if k % 10 == 0:
            print(f"  {k}/{len(docs)} documents, {time.perf_counter() - t_start:.0f} s",
                  file=sys.stderr, flush=True)
    if pool is not None:
        if stopped:
            pool.terminate()
        else:
            pool.close()
        pool.join()
    wall = time.perf_counter() - t_start
    load_end = os.getloadavg()
    if args.dump:
        with open(args.dump, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["doc"])
            w.writeheader()
            w.writerows(sorted(rows, key=lambda r: (r["doc"], r["mode"])))
    n_gen = sum(1 for d in done if d.genuine)
    n_scen = sum(1 for d in done if d.scenario)
    if stopped:
        print(f"STOPPED at the time budget ({args.budget:g} min): {len(done)} of the "
              f"{len(docs)} planned documents inspected")
    print(f"docsec.inspect benchmark: {len(done)} documents ({n_gen} genuine, "
          f"{len(done) - n_gen - n_scen} with one defect, {n_scen} with a scenario), "
          f"{args.dpi} dpi, level {args.level}, reference date {REF}, seed {args.seed}; "
          "data: docsec's own generator")
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
    print("\nScenarios caught (verdict refer or reject / presented)")
    for s in sorted(scenarios()):
        cells = []
        for m in modes:
            got = caught.get((s, m), [])
            cells.append(f"{sum(got):>5d}/{len(got):<3d}" + (f"{sum(got) / len(got):>5.0%}"
                                                              if got else f"{'-':>5s}"))
        print(f"{s:44s}" + "".join(cells))
    print("\nGenuine documents (goal: any failing finding <= 2%, rejected = 0)")
    for m in modes:
        n = genuine_n[m]
        fa = genuine_fail[m]
        print(f"  {m:9s} false alarms {fa}/{n} = {fa / max(1, n):.1%}   rejected "
              f"{genuine_rejected[m]}/{n}   checks fired: "
              + (", ".join(f"{k} x{v}" for k, v in fired[m].most_common()) or "none"))
    print("\nVerdicts (rows: truth; columns: accept / refer / reject / error)")
    for m in modes:
        for truth in ("genuine", "forged"):
            c = confusion[m]
            print(f"  {m:9s} {truth:8s} " + "  ".join(
                f"{v}={c[(truth, v)]}" for v in ("accept", "refer", "reject", "error")))
    print(f"\nTime per document, all views, one single-threaded process (wall ms; goal median "
          f"<= 500); load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end, "
          f"{args.jobs} process(es), {wall:.0f} s in all")
    for m in modes:
        if times[m]:
            parts = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in stage[m].items()
                              if k != "total")
            print(f"  {m:9s} median {statistics.median(times[m]):.0f}  p90 "
                  f"{np.percentile(times[m], 90):.0f}  (stage medians: {parts});  CPU time "
                  f"(process and Tesseract) median {statistics.median(cpu[m]):.0f}  p90 "
                  f"{np.percentile(cpu[m], 90):.0f}")
    if errors:
        print("\nInspections that raised:", dict(errors))
    print("\nRecall below goal:", ", ".join(bad) if bad else "none")


if __name__ == "__main__":
    main()
