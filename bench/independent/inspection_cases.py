"""The independent inspection set: genuine documents, forgeries planted by
:mod:`.forge`, captures by :mod:`.comparator`, and pages of unknown designs.

The docsec models are fictional designs that only :mod:`docsec.generate` draws, so a genuine
document's views come from :func:`docsec.generate.make_document` (as rendered, at the bench's
dpi). Everything done to them afterwards is independent code: the forgeries (:mod:`.forge`,
nothing shared with ``docsec.generate.defects``) and the captures (:mod:`.comparator`,
nothing shared with ``docsec.generate.capture``). The negatives are pages of designs no
docsec model has, drawn by :mod:`.pages` with and without an MRZ: the right answer for them
is "no known model".

:func:`plan` and :func:`negatives` list the items from a seed; :func:`build` and
:func:`build_negative` draw one; both are deterministic.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from bench.independent.comparator import capture_views
from bench.independent.forge import FORGERIES, Doc, ForgeryDoesNotFit, forge
from bench.independent.mrztext import compose
from bench.independent.pages import draw_document, draw_negative
from docsec.generate import make_document
from docsec.models import MODEL_IDS, get_model

#: Pages of unknown designs: MRZ formats drawn with an MRZ, and pages without one.
NEGATIVE_KINDS = ("TD3", "form", "TD1", "letter", "TD2", "card", "MRVA", "ticket")
#: Attempts at another seed when a forgery does not fit a drawn document.
RETRIES = 5
#: Forgeries that paste another person's portrait: that person presents the document.
DONOR_FORGERIES = ("portrait.pasted_cut_edge", "portrait.feathered_ghost_kept")


@dataclass(frozen=True)
class Item:
    """One document of the independent set: model, forgery (None: genuine), seed."""

    index: int
    model: str
    forgery: str | None
    seed: int

    @property
    def genuine(self) -> bool:
        return self.forgery is None


@dataclass(frozen=True)
class Negative:
    """One page of an unknown design: an MRZ format (``TD3`` ...) or a page kind."""

    index: int
    kind: str
    seed: int

    @property
    def has_mrz(self) -> bool:
        return self.kind in ("TD1", "TD2", "TD3", "MRVA", "MRVB")


@dataclass
class Built:
    """A drawn document: its rendered views, the day it is presented, its vehicle record and
    the boxes the forgery changed (page pixels, by view)."""

    item: Item
    views: dict[str, NDArray[np.uint8]]
    reference_date: dt.date
    vehicle: Mapping[str, object] | None
    changed: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    seed: int = 0


def forgery_ids(pattern: str | None = None) -> list[str]:
    """The forgery IDs, those matching ``pattern`` (fnmatch) when given."""
    return [f for f in sorted(FORGERIES) if pattern is None or fnmatch.fnmatch(f, pattern)]


def plan(n: int, seed: int, pattern: str | None = None) -> list[Item]:
    """``n`` documents: half genuine on models drawn at random, the other half forged, the
    forgeries (those matching ``pattern``) in shuffled rounds, each on a model it fits."""
    rng = np.random.default_rng(seed)
    ids = forgery_ids(pattern)
    fits = {f: [m for m in MODEL_IDS if FORGERIES[f].fits(get_model(m))] for f in ids}
    ids = [f for f in ids if fits[f]]
    queue: list[str] = []
    out = []
    for i in range(n):
        doc_seed = int(rng.integers(0, 2**31))
        if i % 2 == 0 or not ids:
            out.append(Item(i, MODEL_IDS[int(rng.integers(len(MODEL_IDS)))], None, doc_seed))
            continue
        if not queue:
            queue = [ids[k] for k in rng.permutation(len(ids))]
        f = queue.pop()
        out.append(Item(i, fits[f][int(rng.integers(len(fits[f])))], f, doc_seed))
    return out


def negatives(n: int, seed: int) -> list[Negative]:
    """``n`` pages of unknown designs, with and without an MRZ, in turn."""
    rng = np.random.default_rng(seed + 1)
    return [Negative(i, NEGATIVE_KINDS[i % len(NEGATIVE_KINDS)], int(rng.integers(0, 2**31)))
            for i in range(n)]  # fmt: skip


def build(item: Item, *, dpi: int, reference_date: dt.date) -> Built:
    """Draw ``item``: the genuine document, and the forgery planted on it (another seed
    when the drawn document cannot take it)."""
    model = get_model(item.model)
    last: Exception | None = None
    for attempt in range(RETRIES):
        seed = item.seed + 7919 * attempt
        doc = make_document(item.model, rng=seed, reference_date=reference_date, dpi=dpi,
                            traveller=model.portrait is not None)  # fmt: skip
        views = dict(doc.views)
        if item.forgery is None:
            return Built(item, views, reference_date, doc.vehicle, seed=seed)
        donor = None
        if item.forgery in DONOR_FORGERIES:
            donor = make_document(item.model, rng=seed + 1, reference_date=reference_date,
                                  dpi=dpi, traveller=True).views  # fmt: skip
        source = Doc(item.model, dpi, views, doc.mrz_lines, dict(doc.fields), donor)
        try:
            forged = forge(item.forgery, source, np.random.default_rng(seed + 2))
        except ForgeryDoesNotFit as exc:
            last = exc
            continue
        out = dict(forged.views)
        if donor is not None and "traveller" in donor:
            out["traveller"] = donor["traveller"]  # the person whose photo was pasted in
        return Built(item, out, forged.reference_date or reference_date, doc.vehicle,
                     forged.changed, seed)  # fmt: skip
    raise ForgeryDoesNotFit(f"{item.forgery} fits none of {RETRIES} documents of {item.model}: "
                            f"{last}")


def captured(built: Built, mode: str) -> dict[str, NDArray[np.uint8]]:
    """The views as ``mode`` gives them: ``rendered`` as drawn, ``scan`` or ``photo``
    through :func:`.comparator.capture_views` (all views of a side from one position)."""
    if mode == "rendered":
        return dict(built.views)
    return capture_views(built.views, mode, built.seed + (31 if mode == "scan" else 57))


def build_negative(neg: Negative, mode: str, *, dpi: int) -> dict[str, NDArray[np.uint8]]:
    """A page of an unknown design as ``mode`` gives it (only a white view)."""
    rng = np.random.default_rng(neg.seed)
    ppm = dpi / 25.4 * float(rng.uniform(0.9, 1.1))
    if neg.has_mrz:
        page, _ = draw_document(neg.kind, compose(neg.kind, rng), ppm, rng,
                                band=str(rng.choice(["tint", "white", "none"])))  # fmt: skip
    else:
        page = draw_negative(neg.kind, ppm, rng)
    views = {"white": np.ascontiguousarray(page, np.uint8)}
    if mode == "rendered":
        return views
    return capture_views(views, mode, neg.seed + 3)
