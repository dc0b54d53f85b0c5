"""In-memory stolen-vehicle registry: the fake in the box (tests, labs, small lists).

Same search semantics as :class:`docsec.registry.sql.SqlRegistry` (both rank through
:mod:`docsec.registry.search`), with dictionaries for indexes.

>>> from docsec.registry.mock import make_records
>>> reg = InMemoryRegistry(make_records(500, seed=1))
>>> rec = next(iter(make_records(1, seed=1)))
>>> ans = reg.search(vin=rec.vin)
>>> ans.hits[0].match, ans.hits[0].distance
('exact', 0.0)
>>> reg.search(vin=rec.vin.replace('0', 'O')).hits[0].record == rec
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from docsec.registry.base import LoadCounts, SearchAnswer, StolenRecord
from docsec.registry.lookalike import KEY_NAMES, SERIAL_KEY, fold, query_keys
from docsec.registry.search import answer, index_columns, parse_query, rank

__all__ = ["InMemoryRegistry"]


class InMemoryRegistry:
    """A registry held in dictionaries (a :class:`~docsec.registry.base.VehicleRegistry`)."""

    def __init__(self, records: Iterable[StolenRecord] = ()) -> None:
        self._records: list[StolenRecord] = []
        self._by_key: dict[tuple[str, str], int] = {}
        self._index: dict[str, defaultdict[str, list[int]]] = {
            name: defaultdict(list)
            for name in ("fold", "plate_norm", "engine_norm", *KEY_NAMES)
        }
        self.add(records)

    def add(self, records: Iterable[StolenRecord]) -> LoadCounts:
        """Store records keyed by VIN and case reference (insert, update or leave alone)."""
        inserted = updated = unchanged = 0
        for rec in records:
            key = (rec.vin, rec.case_ref)
            i = self._by_key.get(key)
            if i is not None:
                if self._records[i] == rec:
                    unchanged += 1
                    continue
                # index entries of the old version stay: ranking re-checks every candidate
                self._records[i] = rec
                updated += 1
            else:
                i = len(self._records)
                self._records.append(rec)
                self._by_key[key] = i
                inserted += 1
            cols = index_columns(rec)
            idx = self._index
            for name in ("fold", "plate_norm", "engine_norm", *KEY_NAMES):
                if cols[name]:
                    idx[name][cols[name]].append(i)
        return LoadCounts(inserted, updated, unchanged)

    def count(self) -> int:
        """Number of records held."""
        return len(self._records)

    def search(
        self,
        *,
        vin: str | None = None,
        last: str | None = None,
        plate: str | None = None,
        engine: str | None = None,
        fuzzy: bool = True,
        limit: int = 20,
        near: bool = False,
    ) -> SearchAnswer:
        """Search by exactly one key; hits ranked by distance, then newest report."""
        q = parse_query(
            vin=vin, last=last, plate=plate, engine=engine, fuzzy=fuzzy, limit=limit, near=near
        )
        ids: set[int] = set()
        idx = self._index
        if q.kind == "vin":
            folded = fold(q.value)
            ids.update(idx["fold"].get(folded, ()))
            if q.fuzzy and len(folded) == 17:
                for name, values in query_keys(folded).items():
                    for v in values:
                        ids.update(idx[name].get(v, ()))
        elif q.kind == "suffix":
            ids.update(idx[SERIAL_KEY].get(fold(q.value[-6:]), ()))
        else:
            ids.update(idx[f"{q.kind}_norm"].get(q.value, ()))
        return answer(q, rank(q, (self._records[i] for i in sorted(ids))))
