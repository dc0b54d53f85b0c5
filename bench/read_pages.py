"""Benchmark of page finding, model recognition and the visual zone, on what data it says.

Three measurements, each printed with the data it was taken on:

1. **Pages without an MRZ** (every model side that carries no MRZ: the vehicle
   registration certificate, the fronts of the TD1 cards...), drawn by
   ``docsec.generate.make_document`` and captured by ``docsec.generate.capture`` at the
   three tiers (clean = scan level 1, mild = scan level 2, hard = photo level 3:
   perspective, blur, glare, any rotation). Per tier: model and side recognised, a wrong
   model claimed, page corners within 2 % of the diagonal, exact visual-zone fields.
   Goal (issue 11): model recognised >= 90 % on hard photos.
2. **Visual-zone fields of pages with an MRZ** (the generator's passports, cards and
   visas, same tiers), read by ``read_document`` with the visual zone. Goal: exact
   visual-zone fields >= 90 % on hard photos. A field is exact when it equals the
   generator's value after normalisation (upper case, single spaces).
3. **Pages of unknown designs** (``bench/independent``: its own page drawer, layouts,
   colours and fonts; the reader knows none of them as a model): its document pages and
   its negatives (forms, letters, cards, tickets, no MRZ), clean, mild and hard. The
   honest figure there is how often a model is claimed from the page design alone: any
   such claim is false. Claims that come from the MRZ (a page whose MRZ names an issuer
   and format docsec has a model for) are counted apart.

Usage: ``.venv/bin/python bench/read_pages.py [--pages N] [--viz N] [--independent N]``
"""

from __future__ import annotations

import os
import sys

_BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _BENCH]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

for _var in ("OMP_THREAD_LIMIT", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

REFERENCE_DATE = dt.date(2026, 11, 26)
#: Capture tiers of ``docsec.generate.capture``: (kind, level).
TIERS = {"clean": ("scan", 1), "mild": ("scan", 2), "hard": ("photo", 3)}
#: Largest corner error (share of the page diagonal) for a page quad to count as found.
CORNER_SHARE = 0.02


@dataclass(frozen=True)
class PageSample:
    """One generator capture: tier, model and side, image, page quad, visual-zone truth."""

    tier: str
    model_id: str
    side: str
    image: np.ndarray
    quad_xy: np.ndarray
    fields: Mapping[str, str]


def _view(side: str) -> str:
    return "white" if side == "front" else f"white_{side}"


def model_sides(with_mrz: bool) -> list[tuple[str, str]]:
    """Every (model id, side) of the issuers' models whose side carries (or lacks) the MRZ."""
    from docsec.models import load_models

    out = []
    for model in load_models().values():
        for side in model.sides:
            has = model.mrz is not None and model.mrz.side == side
            if has == with_mrz:
                out.append((model.id, side))
    return out


def generator_samples(per_tier: int, seed: int, *, with_mrz: bool) -> list[PageSample]:
    """``per_tier`` captures a tier, the model sides taken in turn (fixed seeds)."""
    from docsec.generate import make_document
    from docsec.generate.capture import capture
    from docsec.models import get_model

    sides = model_sides(with_mrz)
    rng = np.random.default_rng(seed)
    out = []
    for tier, (kind, level) in TIERS.items():
        for i in range(per_tier):
            model_id, side = sides[i % len(sides)]
            doc_seed = int(rng.integers(0, 2**31))
            doc = make_document(model_id, rng=doc_seed, reference_date=REFERENCE_DATE,
                                views=[_view(side)])  # fmt: skip
            cap = capture(doc.views[_view(side)], kind=kind, level=level,  # type: ignore[arg-type]
                          rng=doc_seed + 1)  # fmt: skip
            names = {f.name for f in get_model(model_id).fields if f.side == side}
            fields = {k: v for k, v in doc.fields.items() if k in names}
            out.append(PageSample(tier, model_id, side, cap.image, cap.page_quad_xy, fields))
    return out


def _norm(text: str) -> str:
    return " ".join(text.upper().split())


def viz_score(truth: Mapping[str, str], viz: Mapping[str, object] | None) -> tuple[int, int]:
    """Exactly read visual-zone fields (after :func:`_norm`) and fields expected."""
    ok = 0
    for name, value in truth.items():
        got = getattr((viz or {}).get(name), "value", None)
        ok += got is not None and _norm(str(got)) == _norm(value)
    return ok, len(truth)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def pages_without_mrz(samples: list[PageSample], *, verbose: bool = False) -> None:
    """Model recognition, corners and visual zone of MRZ-less pages, per tier."""
    from docsec.read import read_document

    if not samples:
        return
    kinds = sorted({f"{s.model_id}/{s.side}" for s in samples})
    print(
        "\npages without an MRZ, docsec.generate captures (" + ", ".join(kinds) + "): model and "
        f"side recognised, wrong model claimed, corners within {100 * CORNER_SHARE:.0f} % of "
        "the diagonal, exact visual-zone fields; goal: model >= 90 % on hard photos"
    )
    print(f"{'tier':6} {'n':>4} {'model':>7} {'wrong':>6} {'corners':>8} {'viz fields':>17} "
          f"{'median ms':>10}")  # fmt: skip
    for tier in TIERS:
        group = [s for s in samples if s.tier == tier]
        if not group:
            continue
        model_ok = wrong = corners_ok = ok = total = 0
        lat = []
        for s in group:
            t0 = time.perf_counter()
            r = read_document(s.image, viz=True, reference_date=REFERENCE_DATE)
            lat.append((time.perf_counter() - t0) * 1000)
            page = r.page
            got = None if page is None or page.model is None else (page.model.id, page.side)
            if got == (s.model_id, s.side):
                model_ok += 1
                if page is not None and page.quad_xy is not None:
                    diag = float(np.linalg.norm(s.quad_xy[2] - s.quad_xy[0]))
                    corners_ok += float(np.abs(page.quad_xy - s.quad_xy).max()) < (
                        CORNER_SHARE * diag
                    )
            elif got is not None:
                wrong += 1
            a, b = viz_score(s.fields, r.viz)
            ok, total = ok + a, total + b
            if verbose and (got != (s.model_id, s.side) or a < b):
                print(f"    {tier} {s.model_id}/{s.side}: got {got}, viz {a}/{b}")
                if a < b and r.viz:
                    for name, value in s.fields.items():
                        v = r.viz.get(name)
                        if v is None or _norm(v.value) != _norm(value):
                            print(f"      {name}: {None if v is None else v.value!r} != {value!r}")
        n = len(group)
        print(
            f"{tier:6} {n:4d} {_pct(model_ok, n):>7} {wrong:6d} {_pct(corners_ok, n):>8} "
            f"{_pct(ok, total) + ' of ' + str(total):>17} {statistics.median(lat):10.0f}"
        )


def viz_with_mrz(samples: list[PageSample], *, verbose: bool = False) -> None:
    """Exact visual-zone fields of pages with an MRZ, per tier."""
    from docsec.read import read_document

    if not samples:
        return
    print(
        "\nvisual zone of pages with an MRZ, docsec.generate captures: exact fields (upper "
        "case, single spaces) against the generator's values; goal: >= 90 % on hard photos"
    )
    print(f"{'tier':6} {'n':>4} {'model':>7} {'viz fields':>17} {'median ms':>10}")
    for tier in TIERS:
        group = [s for s in samples if s.tier == tier]
        if not group:
            continue
        model_ok = ok = total = 0
        lat = []
        for s in group:
            t0 = time.perf_counter()
            r = read_document(s.image, viz=True, reference_date=REFERENCE_DATE)
            lat.append((time.perf_counter() - t0) * 1000)
            model_ok += (
                r.page is not None and r.page.model is not None and (r.page.model.id == s.model_id)
            )
            a, b = viz_score(s.fields, r.viz)
            ok, total = ok + a, total + b
            if verbose and a < b:
                print(f"    {tier} {s.model_id}: viz {a}/{b}")
                for name, value in s.fields.items():
                    v = (r.viz or {}).get(name)
                    if v is None or _norm(v.value) != _norm(value):
                        print(f"      {name}: {None if v is None else v.value!r} != {value!r}")
        n = len(group)
        print(
            f"{tier:6} {n:4d} {_pct(model_ok, n):>7} "
            f"{_pct(ok, total) + ' of ' + str(total):>17} {statistics.median(lat):10.0f}"
        )


def unknown_designs(per_tier: int, negatives: int, *, verbose: bool = False) -> None:
    """How often a model is claimed on pages of designs docsec does not know."""
    from bench.independent import Case, build_set
    from docsec.imaging.io import load_image
    from docsec.read import read_document

    if per_tier <= 0 and negatives <= 0:
        return
    cases = [c for c in build_set(per_tier, negatives) if c.tier != "specimen"]
    print(
        "\npages of unknown designs (bench/independent: own drawer, layouts, colours, fonts; "
        "documents with an MRZ and negatives without): a model claimed from the page design "
        "is a false claim; claims from the MRZ's issuer and format are counted apart"
    )
    print(f"{'set':18} {'n':>4} {'design claims':>14} {'rate':>7} {'MRZ claims':>11} "
          f"{'median ms':>10}")  # fmt: skip
    groups: dict[str, list[Case]] = {}
    for c in cases:
        key = "negative " + c.note.split("/")[1] if c.tier == "negative" else "document " + c.tier
        groups.setdefault(key, []).append(c)
    for key in sorted(groups):
        false = mrz_claims = 0
        lat = []
        for c in groups[key]:
            image = load_image(c.data)
            t0 = time.perf_counter()
            r = read_document(image, viz=False, reference_date=REFERENCE_DATE)
            lat.append((time.perf_counter() - t0) * 1000)
            page = r.page
            if page is None or page.model is None:
                continue
            if page.source.startswith("mrz"):
                mrz_claims += 1
            else:
                false += 1
                if verbose:
                    print(
                        f"    {key} {c.note}: claimed {page.model.id}/{page.side} "
                        f"score {page.score}"
                    )
        n = len(groups[key])
        print(
            f"{key:18} {n:4d} {false:14d} {_pct(false, n):>7} {mrz_claims:11d} "
            f"{statistics.median(lat):10.0f}"
        )


def report(pages: int, viz: int, independent: int, negatives: int, seed: int = 6) -> None:
    """Every figure of this module (the entry point ``bench/read.py`` calls)."""
    verbose = bool(os.environ.get("BENCH_VERBOSE"))
    t0 = time.perf_counter()
    no_mrz = generator_samples(pages, seed, with_mrz=False) if pages else []
    with_mrz = generator_samples(viz, seed + 1, with_mrz=True) if viz else []
    print(
        f"\n{len(no_mrz) + len(with_mrz)} generator captures for the page figures built in "
        f"{time.perf_counter() - t0:.0f} s (pages without an MRZ: {pages} a tier; with an MRZ: "
        f"{viz} a tier)"
    )
    pages_without_mrz(no_mrz, verbose=verbose)
    viz_with_mrz(with_mrz, verbose=verbose)
    unknown_designs(independent, negatives, verbose=verbose)


def main() -> None:
    import cv2

    cv2.setNumThreads(1)
    parser = argparse.ArgumentParser(description="page finding and visual-zone benchmark")
    parser.add_argument("--pages", type=int, default=30, help="MRZ-less pages a tier")
    parser.add_argument("--viz", type=int, default=20, help="pages with an MRZ a tier (viz)")
    parser.add_argument(
        "--independent",
        type=int,
        default=20,
        help="independent-set documents a tier (unknown designs)",
    )
    parser.add_argument("--negatives", type=int, default=30, help="independent-set negatives")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    report(args.pages, args.viz, args.independent, args.negatives, args.seed)


if __name__ == "__main__":
    main()
