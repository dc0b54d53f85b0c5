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
fails; when every one of them says not applicable on a capture (a 170 dpi photo cannot show
a 150 lpi dot screen: the check names the scan or loupe it needs), the capture cannot reveal
it there, and it is listed apart, with the reason, instead of counted. Vehicle documents
get an in-memory registry holding the planted registry record (if any) among generated
ones; every document gets the exercise's document alert list with its own listing (if
any) among generated ones.

Printed: per-defect recall per capture, scenarios caught (verdict refer or reject), false
alarms (genuine documents with any failing finding, and which checks fired), rejected genuine
documents, the verdict confusion matrix and the time per document (median and p90, wall
clock, warm, and the CPU time of the process and its Tesseract runs, which the load
inflates less), with each goal. Time is measured inside the process that inspects: every
process runs single-threaded (BLAS, OpenCV and Tesseract limited to one thread, "one core"),
and ``--jobs`` only spreads documents over processes. The load average is printed beside
the times: figures from a loaded machine are pessimistic.

``--independent N`` adds the same figures on the independent inspection set
(:mod:`bench.independent.inspection_cases`): genuine documents of the docsec models (which
only docsec.generate draws) captured by code of its own (:mod:`bench.independent.comparator`:
flatbed scan and camera, every light of a side from one position), forgeries planted by code
of its own (:mod:`bench.independent.forge`, nothing shared with docsec.generate.defects),
and pages of designs no model has, with and without an MRZ (``--negatives``), for which the
right answer is "no known model". ``--n 0`` prints that block alone. ``--defects PATTERN``
(fnmatch) keeps the defects, scenarios and forgeries whose ID matches (genuine documents are
still included) to calibrate on a few.

Usage: ``.venv/bin/python bench/inspection.py [--n 40] [--independent 0] [--negatives K]
[--defects PATTERN] [--jobs 1] [--captures rendered,scan,photo] [--dump scores.csv]``
(``--n 500`` for the full run).
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
import fnmatch  # noqa: E402
import io  # noqa: E402
import multiprocessing  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import bench.independent.inspection_cases as ind  # noqa: E402
from bench.independent.forge import FORGERIES, ForgeryDoesNotFit  # noqa: E402
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


def _matching(ids: list[str], pattern: str | None) -> list[str]:
    return [i for i in ids if pattern is None or fnmatch.fnmatch(i, pattern)]


def plan(n: int, seed: int, pattern: str | None = None) -> list[Item]:
    """The documents: half genuine, the forged ones over defects and scenarios in rounds
    (only those whose ID matches ``pattern``, fnmatch, when given)."""
    rng = np.random.default_rng(seed)
    by_defect = _models_for(_matching(sorted(catalogue()), pattern), applicable)
    by_scenario = _models_for(_matching(sorted(scenarios()), pattern), scenario_applicable)
    defects = [d for d, ms in by_defect.items() if ms]
    scens = [s for s, ms in by_scenario.items() if ms]
    queue_d: list[str] = []
    queue_s: list[str] = []
    out: list[Item] = []
    forged = 0
    for i in range(n):
        doc_seed = int(rng.integers(0, 2**31))
        if i % 2 == 0 or not (defects or scens):
            out.append(Item(i, MODEL_IDS[int(rng.integers(len(MODEL_IDS)))], (), None, doc_seed))
            continue
        forged += 1
        if scens and (forged % SCENARIO_EVERY == 0 or not defects):
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
    statuses: dict[str, str] = field(default_factory=dict)
    #: the English message of every finding that said not applicable (what it needs)
    na_reasons: dict[str, str] = field(default_factory=dict)


def _outcome(mode: str, rep: Any, ms: float, cpu_ms: float) -> Outcome:
    """The outcome of one inspection that returned the report ``rep``."""
    return Outcome(mode, frozenset(rep.failed()), rep.verdict, ms, cpu_ms,
                   dict(rep.timings_ms), statuses={f.id: f.status.value for f in rep.findings},
                   na_reasons={f.id: f.message for f in rep.findings
                               if f.status.value == "not_applicable"})  # fmt: skip


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
        o = _outcome(mode, rep, (time.perf_counter() - t0) * 1000, (_cpu() - c0) * 1000)
        if s["dump"]:
            o.rows = [{"doc": item.index, "model": item.model,
                       "defect": item.scenario or ",".join(item.defects), "mode": mode,
                       "id": fd.id, "status": fd.status.value, "score": fd.score,
                       "threshold": fd.threshold} for fd in rep.findings]
        out.append(o)
    return item, out


def _inspect(views: dict[str, np.ndarray], mode: str, reference_date: dt.date,
             registry: Any, alerts: Any) -> tuple[Outcome, Any]:  # fmt: skip
    """One timed inspection of ``views`` (an outcome with the error when it raised)."""
    s = _SETTINGS
    c0 = _cpu()
    t0 = time.perf_counter()
    try:
        rep = inspect_document(views, reference_date=reference_date, level=s["level"],
                               registry=registry, alerts=alerts)
    except Exception as exc:  # noqa: BLE001 - counted and reported
        return Outcome(mode, error=type(exc).__name__), None
    o = _outcome(mode, rep, (time.perf_counter() - t0) * 1000, (_cpu() - c0) * 1000)
    return o, rep


def run_independent(item: ind.Item) -> tuple[ind.Item, list[Outcome]]:
    """Draw an item of the independent set and inspect it in every capture mode."""
    s = _SETTINGS
    try:
        built = ind.build(item, dpi=s["dpi"], reference_date=REF)
    except ForgeryDoesNotFit as exc:
        return item, [Outcome(m, error=f"not planted ({exc})") for m in s["modes"]]
    registry = None
    if built.vehicle is not None:
        registry = InMemoryRegistry(list(make_records(30, seed=item.seed)))
    alerts = read_alerts(io.StringIO(document_alerts_csv([], item.seed, reference_date=REF)))
    out = []
    for mode in s["modes"]:
        views = ind.captured(built, mode)
        o, rep = _inspect(views, mode, built.reference_date, registry, alerts)
        if s["dump"] and rep is not None:
            o.rows = [{"doc": f"ind{item.index}", "model": item.model,
                       "defect": item.forgery or "", "mode": mode, "id": fd.id,
                       "status": fd.status.value, "score": fd.score,
                       "threshold": fd.threshold} for fd in rep.findings]
        out.append(o)
    return item, out


def run_negative(neg: ind.Negative) -> tuple[ind.Negative, list[tuple[str, str]]]:
    """Inspect a page of an unknown design in every capture mode: what docsec says."""
    s = _SETTINGS
    out = []
    for mode in s["modes"]:
        views = ind.build_negative(neg, mode, dpi=s["dpi"])
        o, rep = _inspect(views, mode, REF, None, None)
        if rep is None:
            what = "no known model" if o.error == "RegionNotFound" else f"raised {o.error}"
        elif rep.model is None:
            what = f"no model, MRZ rules only: {rep.verdict}"
        else:
            what = f"model {rep.model.id}: {rep.verdict}"
        out.append((mode, what))
    return neg, out


@dataclass
class Tally:
    """Counts over the inspected documents of one block."""

    found: dict[tuple[str, str], list[bool]] = field(
        default_factory=lambda: collections.defaultdict(list))
    caught: dict[tuple[str, str], list[bool]] = field(
        default_factory=lambda: collections.defaultdict(list))
    missed: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: collections.defaultdict(list))
    #: planted defects no declared check could judge on the capture (each said not
    #: applicable), with the first check's reason: not counted in the recall
    unjudged: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: collections.defaultdict(list))
    genuine_fail: collections.Counter[str] = field(default_factory=collections.Counter)
    genuine_rejected: collections.Counter[str] = field(default_factory=collections.Counter)
    genuine_n: collections.Counter[str] = field(default_factory=collections.Counter)
    fired: dict[str, collections.Counter[str]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter))
    confusion: dict[str, collections.Counter[tuple[str, str]]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter))
    times: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    cpu: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    stage: dict[str, dict[str, list[float]]] = field(default_factory=lambda: collections.
                                                     defaultdict(lambda: collections.
                                                                 defaultdict(list)))
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, genuine: bool, outcomes: list[Outcome], planted: dict[str, tuple[str, ...]],
            scenario: str | None = None) -> None:  # fmt: skip
        """Count one document: ``planted`` maps each planted defect to its check IDs."""
        truth = "genuine" if genuine else "forged"
        for o in outcomes:
            m = o.mode
            self.rows.extend(o.rows)
            self.confusion[m][(truth, o.verdict)] += 1
            if o.error is not None:
                self.errors[f"{m}:{o.error}"] += 1
            else:
                assert o.ms is not None and o.cpu_ms is not None
                self.times[m].append(o.ms)
                self.cpu[m].append(o.cpu_ms)
                for key, v in o.stages.items():
                    self.stage[m][key].append(v)
            if genuine:
                self.genuine_n[m] += 1
                if o.error is not None:
                    self.genuine_fail[m] += 1
                    self.fired[m]["(no report)"] += 1
                elif o.failed:
                    self.genuine_fail[m] += 1
                    for f in o.failed:
                        self.fired[m][f] += 1
                if o.verdict == "reject":
                    self.genuine_rejected[m] += 1
            for d, checks in planted.items():
                if o.error is None and all(c in o.na_reasons for c in checks):
                    self.unjudged[(d, m)].append(o.na_reasons[checks[0]])
                    continue
                hit = bool(o.failed & set(checks))
                self.found[(d, m)].append(hit)
                if not hit:
                    self.missed[(d, m)].append(
                        "(no report)" if o.error is not None else ", ".join(
                            f"{c.split('.', 1)[1] if c.startswith('feature.') else c} "
                            f"{o.statuses.get(c, 'absent')}" for c in checks))
            if scenario is not None:
                self.caught[(scenario, m)].append(o.verdict in ("refer", "reject"))


def _consume(results: Iterator[Any], n: int, budget: float, t_start: float,
             what: str) -> tuple[list[Any], bool]:  # fmt: skip
    done: list[Any] = []
    for k, res in enumerate(results, 1):
        if budget and time.perf_counter() - t_start > budget * 60:
            return done, True
        done.append(res)
        if k % 10 == 0:
            print(f"  {k}/{n} {what}, {time.perf_counter() - t_start:.0f} s", file=sys.stderr,
                  flush=True)  # fmt: skip
    return done, False


def _print_recall(title: str, ids: list[str], t: Tally, modes: list[str], width: int,
                  bad: list[str], label: str = "defect") -> None:  # fmt: skip
    print(f"\n{title}")
    print(f"{label:{width}s}" + "".join(f"{m:>14s}" for m in modes))
    for d in ids:
        cells = []
        for m in modes:
            got = t.found.get((d, m), [])
            if not got:
                cells.append(f"{'n/a' if t.unjudged.get((d, m)) else '-':>14s}")
                continue
            r = sum(got) / len(got)
            goal = 0.90 if m == "photo" else 0.95
            if r < goal:
                bad.append(f"{d}@{m}")
            cells.append(f"{sum(got):>5d}/{len(got):<3d}{r:>5.0%}")
        print(f"{d:{width}s}" + "".join(cells))
    na = [(k, v) for k, v in sorted(t.unjudged.items()) if k[0] in ids]
    if na:
        print(f"\nNot judged, so not counted above: the capture cannot show the {label} (every "
              "check it declares said not applicable, and why)")
        for (d, m), reasons in na:
            kinds = collections.Counter(_reason(why) for why in reasons)
            for kind, k in kinds.most_common():
                eg = next(why for why in reasons if _reason(why) == kind)
                print(f"  {d}@{m} x{k}: {eg}" + (" (and alike)" if k > 1 else ""))


def _print_misses(t: Tally, ids: list[str], what: str = "defects", label: str = "defect") -> None:
    misses = [(k, v) for k, v in sorted(t.missed.items()) if k[0] in ids]
    if misses:
        print(f"\nMissed {what} ({label}@capture: status of each of its checks)")
        for (d, m), reasons in misses:
            for r in collections.Counter(reasons).most_common():
                print(f"  {d}@{m}: {r[0]}" + (f"  x{r[1]}" if r[1] > 1 else ""))


def _reason(text: str) -> str:
    """``text`` with its numbers (dpi, sizes) generalised, so like reasons count together."""
    return re.sub(r"\d+(\.\d+)?", "#", text)


def _print_common(t: Tally, modes: list[str], load: tuple[float, float], jobs: int,
                  wall: float) -> None:  # fmt: skip
    print("\nGenuine documents (goal: any failing finding <= 2%, rejected = 0)")
    for m in modes:
        n = t.genuine_n[m]
        fa = t.genuine_fail[m]
        print(f"  {m:9s} false alarms {fa}/{n} = {fa / max(1, n):.1%}   rejected "
              f"{t.genuine_rejected[m]}/{n}   checks fired: "
              + (", ".join(f"{k} x{v}" for k, v in t.fired[m].most_common()) or "none"))
    print("\nVerdicts (rows: truth; columns: accept / refer / reject / error)")
    for m in modes:
        for truth in ("genuine", "forged"):
            c = t.confusion[m]
            print(f"  {m:9s} {truth:8s} " + "  ".join(
                f"{v}={c[(truth, v)]}" for v in ("accept", "refer", "reject", "error")))
    print(f"\nTime per document, all views, one single-threaded process (wall ms; goal median "
          f"<= 500); load average {load[0]:.1f} at start, {load[1]:.1f} at end, "
          f"{jobs} process(es), {wall:.0f} s in all")
    for m in modes:
        if t.times[m]:
            parts = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in t.stage[m].items()
                              if k != "total")
            print(f"  {m:9s} median {statistics.median(t.times[m]):.0f}  p90 "
                  f"{np.percentile(t.times[m], 90):.0f}  (stage medians: {parts});  CPU time "
                  f"(process and Tesseract) median {statistics.median(t.cpu[m]):.0f}  p90 "
                  f"{np.percentile(t.cpu[m], 90):.0f}")
    if t.errors:
        print("\nInspections that raised:", dict(t.errors))


def _generator_block(args: argparse.Namespace, modes: list[str], imap: Any) -> list[Any]:
    docs = plan(args.n, args.seed, args.defects)
    cat = catalogue()
    t = Tally()
    load_start = os.getloadavg()
    t_start = time.perf_counter()
    done, stopped = _consume(imap(run, docs), len(docs), args.budget, t_start, "documents")
    for item, outcomes in done:
        t.add(item.genuine, outcomes, {d: cat[d].checks for d in item.defects}, item.scenario)
    wall = time.perf_counter() - t_start
    load_end = os.getloadavg()
    items = [d for d, _ in done]
    n_gen = sum(1 for d in items if d.genuine)
    n_scen = sum(1 for d in items if d.scenario)
    if stopped:
        print(f"STOPPED at the time budget ({args.budget:g} min): {len(items)} of the "
              f"{len(docs)} planned documents inspected")
    print(f"docsec.inspect benchmark: {len(items)} documents ({n_gen} genuine, "
          f"{len(items) - n_gen - n_scen} with one defect, {n_scen} with a scenario), "
          f"{args.dpi} dpi, level {args.level}, reference date {REF}, seed {args.seed}"
          + (f", defects matching {args.defects!r}" if args.defects else "")
          + "; data: docsec's own generator")
    bad: list[str] = []
    ids = _matching(sorted(cat), args.defects)
    _print_recall("Per-defect recall (found / planted; goal >= 95% rendered and scan, >= 90% "
                  "photo)", ids, t, modes, 40, bad)
    print("\nScenarios caught (verdict refer or reject / presented)")
    for sc in _matching(sorted(scenarios()), args.defects):
        cells = []
        for m in modes:
            got = t.caught.get((sc, m), [])
            cells.append(f"{sum(got):>5d}/{len(got):<3d}" + (f"{sum(got) / len(got):>5.0%}"
                                                              if got else f"{'-':>5s}"))
        print(f"{sc:44s}" + "".join(cells))
    _print_misses(t, ids)
    _print_common(t, modes, (load_start[0], load_end[0]), args.jobs, wall)
    print("\nRecall below goal:", ", ".join(bad) if bad else "none")
    return t.rows


def _independent_block(args: argparse.Namespace, modes: list[str], imap: Any) -> list[Any]:
    items = ind.plan(args.independent, args.seed, args.defects)
    n_neg = args.negatives if args.negatives is not None else max(8, args.independent // 4)
    negs = ind.negatives(n_neg, args.seed)
    t = Tally()
    load_start = os.getloadavg()
    t_start = time.perf_counter()
    done, stopped = _consume(imap(run_independent, items), len(items), args.budget, t_start,
                             "independent documents")
    for item, outcomes in done:
        planted = {} if item.forgery is None else {item.forgery: FORGERIES[item.forgery].checks}
        t.add(item.genuine, outcomes, planted)
    neg_done, neg_stopped = _consume(imap(run_negative, negs), len(negs), args.budget,
                                     t_start, "negatives")  # fmt: skip
    wall = time.perf_counter() - t_start
    load_end = os.getloadavg()
    got = [i for i, _ in done]
    n_gen = sum(1 for i in got if i.genuine)
    print()
    if stopped or neg_stopped:
        print(f"STOPPED at the time budget ({args.budget:g} min): {len(got)} of {len(items)} "
              f"documents and {len(neg_done)} of {len(negs)} negatives inspected")
    print(f"docsec.inspect on the independent set: {len(got)} documents ({n_gen} genuine, "
          f"{len(got) - n_gen} with one forgery) and {len(neg_done)} pages of unknown designs, "
          f"{args.dpi} dpi, level {args.level}, reference date {REF} (an expired document is "
          f"presented 20-400 days after its expiry), seed {args.seed}"
          + (f", forgeries matching {args.defects!r}" if args.defects else ""))
    print("data: genuine documents rendered by docsec.generate (the models' designs exist only "
          "there); forgeries planted by bench/independent/forge.py and captures by "
          "bench/independent/comparator.py (no code shared with docsec.generate's defects or "
          "capture: 'rendered' is the forged render uncaptured, 'scan' a flatbed, 'photo' a "
          "camera on a stand, every light of a side from one position); negatives drawn by "
          "bench/independent/pages.py")
    bad: list[str] = []
    _print_recall("Per-forgery recall on the independent set (found: one of its check IDs "
                  "fails; goal >= 95% rendered and scan, >= 90% photo)",
                  ind.forgery_ids(args.defects), t, modes, 34, bad, "forgery")
    print("\nChecks that should catch each forgery: "
          + "; ".join(f"{f}: {', '.join(FORGERIES[f].checks)}"
                      for f in ind.forgery_ids(args.defects)))
    _print_misses(t, ind.forgery_ids(args.defects), "forgeries", "forgery")
    _print_common(t, modes, (load_start[0], load_end[0]), args.jobs, wall)
    print("\nNegatives: pages of designs no docsec model has (right answer: no known model; "
          f"an accept of a docsec model is wrong): {sum(1 for n in negs if n.has_mrz)} with an "
          f"MRZ, {sum(1 for n in negs if not n.has_mrz)} without")
    neg_counts: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter)
    wrong = 0
    for neg, outcomes in neg_done:
        for mode, what in outcomes:
            neg_counts[(mode, "with MRZ" if neg.has_mrz else "no MRZ")][what] += 1
            wrong += what.startswith("model ") and what.endswith(": accept")
    for m in modes:
        for kind in ("with MRZ", "no MRZ"):
            c = neg_counts[(m, kind)]
            print(f"  {m:9s} {kind:8s} " + (", ".join(f"{k} x{v}" for k, v in
                                                       sorted(c.items())) or "none"))
    print(f"  accepted as a docsec model: {wrong}")
    print("\nCompetitors: none inspects security features (the MRZ readers compared in "
          "bench/read.py read the MRZ only), so there is no competitor figure for this block.")
    print("\nRecall below goal (independent set):", ", ".join(bad) if bad else "none")
    return t.rows


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--n", type=int, default=40,
                    help="documents of docsec's own generator (half genuine); 0: none")
    ap.add_argument("--independent", type=int, default=0,
                    help="documents of the independent set (half genuine); 0: none")
    ap.add_argument("--negatives", type=int, default=None,
                    help="pages of unknown designs in the independent block (default: a "
                         "quarter of --independent, at least 8)")
    ap.add_argument("--defects", default=None,
                    help="fnmatch pattern: only defects, scenarios and forgeries whose ID "
                         "matches (genuine documents still included)")
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
    init = (args.dpi, args.level, modes, bool(args.dump))
    pool = None
    if args.jobs > 1:
        pool = multiprocessing.get_context("spawn").Pool(args.jobs, _init, init)
        imap: Any = pool.imap_unordered
    else:
        _init(*init)
        imap = map
    rows: list[dict[str, Any]] = []
    try:
        if args.n > 0:
            rows += _generator_block(args, modes, imap)
        if args.independent > 0:
            rows += _independent_block(args, modes, imap)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if args.dump:
        with open(args.dump, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["doc"])
            w.writeheader()
            w.writerows(sorted(rows, key=lambda r: (str(r["doc"]), r["mode"])))


if __name__ == "__main__":
    main()
