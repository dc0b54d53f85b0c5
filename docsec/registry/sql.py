"""SQL stolen-vehicle registry through SQLAlchemy: an SQLite file by default, PostgreSQL by URL.

One table, ``stolen_vehicles``: the record fields plus derived search columns (see
:mod:`docsec.registry.lookalike`): ``fold`` (the look-alike folded VIN), ten blocking keys
``k_abc`` .. ``k_cde`` (look-alike search with substitutions and transpositions; ``k_cde``
is the last six characters and also serves exact and last-N lookups), the normalised
plate and engine number. Keys, plate and engine number are indexed. Searches run as
plain SQL through the DB-API (portable: SQLite and PostgreSQL).

Bulk loads into an empty table run in one transaction with the indexes dropped and
rebuilt afterwards; on SQLite with ``journal_mode=WAL`` and ``synchronous=OFF`` during
the load (a crash mid-load loses the load, never an existing registry's consistency).

>>> import tempfile, os
>>> from docsec.registry.mock import make_records
>>> path = os.path.join(tempfile.mkdtemp(), 'reg.sqlite')
>>> reg = SqlRegistry(path)
>>> reg.add(make_records(200, seed=3))
200
>>> first = next(iter(make_records(1, seed=3)))
>>> reg.search(vin=first.vin).hits[0].match
'exact'
>>> reg.close()
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from docsec.errors import RegistryError
from docsec.registry.base import RECORD_FIELDS, SearchAnswer, StolenRecord, normalize_key
from docsec.registry.lookalike import (
    KEY_NAMES,
    SERIAL_KEY,
    fold,
    key_tuple,
    query_keys,
    within,
)
from docsec.registry.search import answer, parse_query, rank

__all__ = ["SqlRegistry", "stolen_vehicles", "to_url"]

_KEY = String(17).with_variant(String(17, collation="C"), "postgresql")
metadata = MetaData()
stolen_vehicles = Table(
    "stolen_vehicles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("vin", String(17), nullable=False),
    Column("make", String(60), nullable=False),
    Column("model", String(60), nullable=False),
    Column("colour", String(30), nullable=False),
    Column("year", Integer, nullable=True),
    Column("plate", String(20), nullable=False),
    Column("plate_country", String(3), nullable=False),
    Column("engine_number", String(40), nullable=False),
    Column("reporting_country", String(3), nullable=False),
    Column("date_reported", Date, nullable=False),
    Column("case_ref", String(40), nullable=False),
    Column("status", String(12), nullable=False),
    Column("fold", _KEY, nullable=False),
    *(Column(name, _KEY, nullable=False) for name in KEY_NAMES),
    Column("plate_norm", _KEY, nullable=False),
    Column("engine_norm", String(40), nullable=False),
)
_c = stolen_vehicles.c
_INDEXES = (
    *(Index(f"ix_sv_{name}", _c[name]) for name in KEY_NAMES),
    Index("ix_sv_plate", _c.plate_norm),
    Index("ix_sv_engine", _c.engine_norm),
)
_RECORD_COLUMNS = tuple(_c[name] for name in RECORD_FIELDS)
_BATCH = 20_000
# Column and key names are our own constants; every value goes through bound parameters.
_SELECT = f"SELECT {', '.join(RECORD_FIELDS)} FROM {stolen_vehicles.name} WHERE "  # noqa: S608
_SELECT_VIN = f"SELECT id, vin, fold FROM {stolen_vehicles.name} WHERE "  # noqa: S608


def to_url(target: str | os.PathLike[str]) -> str:
    """An SQLAlchemy URL for ``target``: a URL as is, a file path as an SQLite URL.

    >>> to_url('postgresql+psycopg://u@localhost/docsec')
    'postgresql+psycopg://u@localhost/docsec'
    >>> to_url('/tmp/r.sqlite')
    'sqlite:////tmp/r.sqlite'
    """
    text = os.fspath(target)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().absolute())


class SqlRegistry:
    """A registry in an SQL database (a :class:`~docsec.registry.base.VehicleRegistry`).

    Parameters
    ----------
    target : str or path-like
        SQLAlchemy URL (``postgresql+psycopg://...``) or SQLite file path (created, with
        its directory, when missing).

    Raises
    ------
    RegistryError
        The database cannot be opened or its schema created.
    """

    def __init__(self, target: str | os.PathLike[str]) -> None:
        url = to_url(target)
        self.url = url
        try:
            if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self._engine: Engine = create_engine(url)
            if self._engine.dialect.name == "sqlite":
                event.listen(self._engine, "connect", _sqlite_pragmas)
            metadata.create_all(self._engine)
        except (SQLAlchemyError, OSError) as exc:
            raise RegistryError(f"cannot open the registry at {url}: {exc}") from exc

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def count(self) -> int:
        """Number of records held."""
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(stolen_vehicles)).scalar_one())

    def add(self, records: Iterable[StolenRecord]) -> int:
        """Store records in one transaction; return how many were stored.

        Into an empty table the load is a bulk load: indexes are dropped and rebuilt
        after the rows (and SQLite runs with ``synchronous=OFF`` meanwhile).
        """
        try:
            return self._add(records)
        except SQLAlchemyError as exc:
            raise RegistryError(f"cannot store records: {exc}") from exc

    def _add(self, records: Iterable[StolenRecord]) -> int:
        bulk = self.count() == 0
        sqlite = self._engine.dialect.name == "sqlite"
        n = 0
        with self._engine.begin() as conn:
            if bulk:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA synchronous=OFF")
                for ix in _INDEXES:
                    ix.drop(conn, checkfirst=True)
            it = iter(records)
            insert = self._insert_sql()
            while batch := list(islice(it, _BATCH)):
                # DB-API executemany with tuples: Core's per-row parameter processing
                # would triple the load time of a million records
                conn.exec_driver_sql(insert, [_row(r, sqlite) for r in batch])
                n += len(batch)
            if bulk:
                for ix in _INDEXES:
                    ix.create(conn, checkfirst=True)
                if sqlite:
                    conn.exec_driver_sql("ANALYZE")
        if bulk and sqlite:
            self._engine.dispose()  # fresh connections come back with synchronous=NORMAL
        return n

    def _insert_sql(self) -> str:
        mark = self._mark()
        names = [c.name for c in stolen_vehicles.columns if c.name != "id"]
        return (
            f"INSERT INTO {stolen_vehicles.name} ({', '.join(names)}) "  # noqa: S608 (own schema)
            f"VALUES ({', '.join([mark] * len(names))})"
        )

    def records(self) -> Iterator[StolenRecord]:
        """Every record, in insertion order (for exports)."""
        with self._engine.connect() as conn:
            result = conn.execute(select(*_RECORD_COLUMNS).order_by(_c.id))
            for row in result:
                yield _record(row)

    def search(
        self,
        *,
        vin: str | None = None,
        last: str | None = None,
        plate: str | None = None,
        engine: str | None = None,
        fuzzy: bool = True,
        limit: int = 20,
    ) -> SearchAnswer:
        """Search by exactly one key; hits ranked by distance, then newest report."""
        q = parse_query(vin=vin, last=last, plate=plate, engine=engine, fuzzy=fuzzy, limit=limit)
        mark = self._mark()
        params: list[str]
        if q.kind == "vin":
            folded = fold(q.value)
            if q.fuzzy and len(folded) == 17:
                terms, params = [], []
                for name, values in query_keys(folded).items():
                    terms.append(f"{name} IN ({', '.join([mark] * len(values))})")
                    params.extend(sorted(values))
                where = " OR ".join(terms)
            else:
                where = f"{SERIAL_KEY} = {mark} AND fold = {mark}"
                params = [folded[-6:], folded]
        elif q.kind == "suffix":
            where, params = f"{SERIAL_KEY} = {mark}", [fold(q.value[-6:])]
        else:
            column = "plate_norm" if q.kind == "plate" else "engine_norm"
            where, params = f"{column} = {mark}", [q.value]
        try:
            with self._engine.connect() as conn:
                if q.kind == "vin" and q.fuzzy:
                    # two phases: VINs of the blocking-key candidates, then full rows
                    # of those within the look-alike distance only
                    # (plain DB-API cursor: hundreds of candidate rows, no Row objects)
                    score = within(q.value)
                    cursor: Any = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                    try:
                        cursor.execute(_SELECT_VIN + where, tuple(params))
                        keep = [rid for rid, cand, cf in cursor if score(cand, cf) is not None]
                    finally:
                        cursor.close()
                    if not keep:
                        rows: Sequence[Any] = []
                    else:
                        marks = ", ".join([mark] * len(keep))
                        rows = conn.exec_driver_sql(
                            _SELECT + f"id IN ({marks})", tuple(keep)
                        ).all()
                else:
                    rows = conn.exec_driver_sql(_SELECT + where, tuple(params)).all()
        except SQLAlchemyError as exc:
            raise RegistryError(f"registry search failed: {exc}") from exc
        return answer(q, rank(q, (_record(r) for r in rows)))

    def _mark(self) -> str:
        style = self._engine.dialect.paramstyle
        mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style)
        if mark is None:
            raise RegistryError(f"unsupported DB-API parameter style {style!r}")
        return mark


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _row(rec: StolenRecord, iso_dates: bool) -> tuple[object, ...]:
    """Insert parameters in table column order (``id`` left to the database).

    SQLite stores dates as ISO 8601 text (what SQLAlchemy's Date reads back); other
    drivers get ``datetime.date``. Same columns as :func:`~docsec.registry.search.index_columns`.
    """
    folded = fold(rec.vin)
    return (
        rec.vin, rec.make, rec.model, rec.colour, rec.year, rec.plate, rec.plate_country,
        rec.engine_number, rec.reporting_country,
        rec.date_reported.isoformat() if iso_dates else rec.date_reported, rec.case_ref,
        rec.status, folded, *key_tuple(folded), normalize_key(rec.plate),
        normalize_key(rec.engine_number),
    )  # fmt: skip


def _record(row: Any) -> StolenRecord:
    values = dict(zip(RECORD_FIELDS, row, strict=True))
    date = values["date_reported"]
    if isinstance(date, str):
        values["date_reported"] = datetime.date.fromisoformat(date)
    return StolenRecord(**values)
