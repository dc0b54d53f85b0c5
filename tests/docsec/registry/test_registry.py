"""Registries (memory and SQL): exact, suffix, plate, engine and look-alike search."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec.errors import InvalidFormat, InvalidLength, RegistryError
from docsec.registry.base import ADVICE, StolenRecord, VehicleRegistry
from docsec.registry.lookalike import CLASSES, distance
from docsec.registry.memory import InMemoryRegistry
from docsec.registry.mock import make_records
from docsec.registry.sql import SqlRegistry

N = 3000
SEED = 11
RECORDS = list(make_records(N, seed=SEED))
VINS = [r for r in RECORDS if r.kind == "vin" and r.status != "cloned_vin"]


@pytest.fixture(scope="module", params=["memory", "sqlite", "postgres"])
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VehicleRegistry]:
    if request.param == "memory":
        yield InMemoryRegistry(RECORDS)
        return
    if request.param == "sqlite":
        reg = SqlRegistry(tmp_path_factory.mktemp("reg") / "registry.sqlite", create=True)
    else:
        url = os.environ.get("DOCSEC_TEST_PG_URL")
        if not url:
            pytest.skip("set DOCSEC_TEST_PG_URL to run the PostgreSQL registry tests")
        from sqlalchemy import create_engine

        from docsec.registry.sql import metadata

        engine = create_engine(url)
        metadata.drop_all(engine)
        engine.dispose()
        reg = SqlRegistry(url, create=True)
    assert reg.add(RECORDS).inserted == N
    yield reg
    reg.close()


def test_count_and_protocol(registry: VehicleRegistry) -> None:
    assert registry.count() == N
    assert isinstance(registry, VehicleRegistry)


def test_exact_hit_carries_advice(registry: VehicleRegistry) -> None:
    rec = VINS[5]
    ans = registry.search(vin=rec.vin.lower(), fuzzy=False)
    assert ans.hits[0].match == "exact" and ans.hits[0].distance == 0
    assert ans.hits[0].record == rec
    assert ans.advice == ADVICE and "confirm" in ans.advice
    assert ans.to_dict()["advice"] == ADVICE
    none = registry.search(vin="1M8GDM9AXKP042788")
    assert none.hits == () and none.advice == ADVICE


def test_suffix_search(registry: VehicleRegistry) -> None:
    rec = VINS[7]
    for n in (6, 8):
        ans = registry.search(last=rec.vin[-n:])
        assert rec in [m.record for m in ans.hits]
        assert all(m.record.vin.endswith(rec.vin[-n:]) for m in ans.hits)
        assert all(m.match == "suffix" for m in ans.hits)
    with pytest.raises(InvalidLength):
        registry.search(last=rec.vin[-4:])  # four is what thieves expect officers to check


def test_plate_and_engine_search_normalised(registry: VehicleRegistry) -> None:
    rus = next(r for r in RECORDS if r.plate_country == "RUS")
    latin = rus.plate.translate(str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")).lower()
    ans = registry.search(plate=latin.replace(" ", "-"))
    assert rus in [m.record for m in ans.hits] and ans.hits[0].match == "plate"
    rec = VINS[3]
    ans = registry.search(engine=" " + rec.engine_number.lower())
    assert [m.record for m in ans.hits][0].engine_number == rec.engine_number


def test_clones_are_flagged(registry: VehicleRegistry) -> None:
    clone = next(r for r in RECORDS if r.status == "cloned_vin")
    ans = registry.search(vin=clone.vin, fuzzy=False)
    assert len(ans.hits) >= 2
    assert any("possible clone" in note for note in ans.notes)


def _mutate(vin: str, rng: np.random.Generator, lookalikes: int, subs: int, swap: bool) -> str:
    chars = list(vin)
    positions = [int(p) for p in rng.permutation(16)]
    if swap:
        i = next(p for p in positions if chars[p] != chars[p + 1])
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        positions = [p for p in positions if p not in (i, i + 1, i - 1)]
    for p in positions[:lookalikes]:
        cls = next((c for c in CLASSES if chars[p] in c), None)
        if cls:
            chars[p] = next(c for c in cls if c != chars[p])
    for p in positions[lookalikes : lookalikes + subs]:
        cls = next((c for c in CLASSES if chars[p] in c), chars[p])
        chars[p] = next(c for c in "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"[int(rng.integers(33)):]
                        + "0123456789" if c not in cls)
    return "".join(chars)


@pytest.mark.parametrize(
    ("lookalikes", "subs", "swap"),
    [(1, 0, False), (3, 0, False), (0, 1, False), (0, 2, False), (0, 0, True), (2, 2, True)],
)
def test_lookalike_queries_are_found(
    registry: VehicleRegistry, lookalikes: int, subs: int, swap: bool
) -> None:
    rng = np.random.default_rng(lookalikes * 10 + subs + swap)
    for rec in VINS[:60]:
        query = _mutate(rec.vin, rng, lookalikes, subs, swap)
        if query == rec.vin:
            continue
        ans = registry.search(vin=query, limit=1000, near=True)
        found = {m.record.vin: m for m in ans.hits}
        assert rec.vin in found, (query, rec.vin)
        # look-alike: only look-alike characters and transpositions; other changes are near
        assert found[rec.vin].match == ("near" if subs else "lookalike")
        assert found[rec.vin].distance == distance(query, rec.vin)
        distances = [m.distance for m in ans.hits]
        assert distances == sorted(distances)
        plain = {m.record.vin: m for m in registry.search(vin=query, limit=1000).hits}
        assert (rec.vin in plain) == (not subs)
        assert all(m.match != "near" for m in plain.values())


def test_lookalike_ranks_closest_first(registry: VehicleRegistry) -> None:
    rec = VINS[11]
    query = rec.vin.replace("0", "O").replace("1", "I")
    if query == rec.vin:
        query = rec.vin[:-1] + ("S" if rec.vin[-1] == "5" else rec.vin[-1])
    ans = registry.search(vin=query)
    assert ans.hits[0].record.vin == rec.vin
    assert any("look-alike" in n for n in ans.notes)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"vin": "1M8", "plate": "X"}, {"vin": ""}, {"vin": "🚗" * 17}, {"vin": "x" * 10_000},
     {"plate": "  "}, {"vin": "1M8GDM9AXKP042788", "limit": 0}],
)
def test_bad_queries_raise_typed_errors(
    registry: VehicleRegistry, kwargs: dict[str, object]
) -> None:
    with pytest.raises((InvalidFormat, InvalidLength)):
        registry.search(**kwargs)  # type: ignore[arg-type]


def test_distance_limits() -> None:
    assert distance("AAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAA") == 0
    assert distance("10000000000000000", "IOOOOOOOOOOOOOOOO") == pytest.approx(17 * 0.25)
    assert distance("ABCDEFGHJKLMNPRST", "XYCDEFGHJKLMNPRST") == 2.0
    assert distance("ABCDEFGHJKLMNPRST", "XYZDEFGHJKLMNPRST") is None  # three substitutions
    # one transposition + two substitutions is the limit; a third swap is beyond it
    assert distance("ABCDEFGHJKLMNPRST", "BACDEFGHJKLMNPRTS") == 3.0
    assert distance("ABCDEFGHJKLMNPRST", "BACDFEGHJKLMNPRTS") is None
    assert distance("ABCDEFGHJKLMNPRST", "BACDEFGHJKLMNPXYZ"[:14] + "RST") == 1.0
    assert distance("ABC", "ABCD") is None


def test_record_validation() -> None:
    with pytest.raises(InvalidFormat):
        StolenRecord("1M8GDM9AXKP042788", "", "", "", None, "", "", "", "UTO",
                     datetime.date(2024, 1, 1), "", status="lost")


def test_sql_registry_bad_target(tmp_path: os.PathLike[str]) -> None:
    blocker = os.path.join(tmp_path, "file")
    with open(blocker, "w") as fh:
        fh.write("x")
    with pytest.raises(RegistryError):
        SqlRegistry(os.path.join(blocker, "sub", "r.sqlite"))
    with pytest.raises(RegistryError):
        SqlRegistry("nosuchdialect://x")


def test_sql_rows_match_index_columns() -> None:
    from docsec.registry.search import index_columns
    from docsec.registry.sql import _row, stolen_vehicles

    names = [c.name for c in stolen_vehicles.columns if c.name != "id"]
    for rec in RECORDS[:200]:
        row = dict(zip(names, _row(rec, True), strict=True))
        for name, value in index_columns(rec).items():
            assert row[name] == value


def test_prefiltered_score_equals_distance() -> None:
    from docsec.registry.lookalike import fold, within

    rng = np.random.default_rng(3)
    for rec in VINS[:300]:
        swap = bool(rng.random() < 0.5)
        q = _mutate(rec.vin, rng, int(rng.integers(4)), int(rng.integers(4)), swap)
        score = within(q)
        for other in (rec.vin, VINS[int(rng.integers(len(VINS)))].vin):
            assert score(other, fold(other)) == distance(q, other)


_MEMORY = InMemoryRegistry(RECORDS[:300])


@settings(max_examples=200, deadline=None)
@given(
    key=st.sampled_from(["vin", "last", "plate", "engine"]),
    text=st.text(max_size=30),
)
def test_search_never_crashes(key: str, text: str) -> None:
    try:
        ans = _MEMORY.search(**{key: text})  # type: ignore[arg-type]
    except (InvalidFormat, InvalidLength):
        return
    assert ans.advice == ADVICE


def test_key_tuple_is_the_ten_block_triples() -> None:
    from itertools import combinations

    from docsec.registry.lookalike import _BLOCKS, KEY_NAMES, fold, key_tuple

    assert [n[2:] for n in KEY_NAMES] == ["".join(t) for t in combinations("abcde", 3)]
    for rec in VINS[:50]:
        f = fold(rec.vin)
        blocks = {name: f[slice(*span)] for name, span in _BLOCKS.items()}
        expected = tuple("".join(blocks[b] for b in t) for t in combinations("abcde", 3))
        assert key_tuple(f) == expected
    assert key_tuple("KE701234567") == ("",) * 9 + ("234567",)


def test_lookalike_search_is_the_near_search_without_near_hits(registry: VehicleRegistry) -> None:
    # without near misses, SQL looks hits up by their folds; with them, by blocking keys:
    # both must agree on every exact and look-alike hit, in the same order
    rng = np.random.default_rng(21)
    for rec in VINS[:80]:
        q = _mutate(rec.vin, rng, int(rng.integers(3)), int(rng.integers(2)),
                    bool(rng.random() < 0.5))
        plain = registry.search(vin=q, limit=1000)
        near = registry.search(vin=q, limit=1000, near=True)
        assert plain.hits == tuple(m for m in near.hits if m.match != "near"), q


def test_opening_an_older_registry_builds_the_covering_indexes(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, inspect

    from docsec.registry.lookalike import KEY_NAMES

    path = f"{tmp_path}/old.sqlite"
    reg = SqlRegistry(path, create=True)
    reg.add(RECORDS[:500])
    reg.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # the one-column key indexes of earlier registries
        for name in KEY_NAMES:
            conn.exec_driver_sql(f"DROP INDEX ix_sv_{name}_fold")
            conn.exec_driver_sql(f"CREATE INDEX ix_sv_{name} ON stolen_vehicles ({name})")
    queries = [VINS[i].vin.replace("0", "O") for i in range(40)]
    expected = InMemoryRegistry(RECORDS[:500])
    reg = SqlRegistry(path)
    names = {ix["name"] for ix in inspect(engine).get_indexes("stolen_vehicles")}
    assert {f"ix_sv_{n}_fold" for n in KEY_NAMES} <= names
    assert not {f"ix_sv_{n}" for n in KEY_NAMES} & names
    for near in (False, True):
        assert [reg.search(vin=q, near=near) for q in queries] == [
            expected.search(vin=q, near=near) for q in queries
        ]
    assert SqlRegistry(path).count() == 500  # opening again changes nothing
    reg.close()
    engine.dispose()
