"""SQL stolen-vehicle registry through SQLAlchemy: an SQLite file by default, PostgreSQL by URL.

One table, ``stolen_vehicles``: the record fields plus derived search columns (see
:mod:`docsec.registry.lookalike`): ``fold`` (the look-alike folded VIN), ten blocking keys
``k_abc`` .. ``k_cde`` (look-alike search with substitutions and transpositions; ``k_cde``
is the last six characters and also serves exact and last-N lookups), the normalised
plate and engine number. Keys, plate and engine number are indexed; each key's index
carries the fold too (``ix_sv_k_abc_fold`` ..), so a look-alike search reads its
candidates' folds from the indexes alone, never the table, and fetches the full records
of the few that pass the fold test. Opening a registry built with the earlier one-column
key indexes builds the covering ones (once, about a second per index per million
records) and drops the superseded ones; a registry that cannot be changed (read-only,
locked by another process building them) is searched as it is, with the same answers.
Searches run as plain SQL through the DB-API (portable: SQLite and PostgreSQL).

Records have a natural key, the VIN (or chassis number) and the case reference (unique
index ``ux_sv_key``): loading a record again updates it or leaves it unchanged, never
duplicates it, and every load reports inserted, updated and unchanged counts. A load runs
in one transaction: one failure loads nothing. Bulk loads into an empty table run with the
indexes dropped and rebuilt afterwards; on SQLite with ``journal_mode=WAL`` and
``synchronous=OFF`` during the load (a crash mid-load loses the load, never an existing
registry's consistency).

Opening never creates a registry unless asked (``create=True``: seeding and importing);
a query against a missing file or an empty database raises
:class:`~docsec.errors.RegistryNotFound`. Only SQLite and PostgreSQL URLs are accepted, and
a URL is shown with its password masked.

>>> import tempfile, os
>>> from docsec.registry.mock import make_records
>>> path = os.path.join(tempfile.mkdtemp(), 'reg.sqlite')
>>> reg = SqlRegistry(path, create=True)
>>> reg.add(make_records(200, seed=3)).inserted
200
>>> reg.add(make_records(200, seed=3)).to_dict()
{'inserted': 0, 'updated': 0, 'unchanged': 200}
>>> first = next(iter(make_records(1, seed=3)))
>>> reg.search(vin=first.vin).hits[0].match
'exact'
>>> reg.close()
>>> SqlRegistry(os.path.join(tempfile.mkdtemp(), 'typo.sqlite'))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
docsec.errors.RegistryNotFound: no registry at ...typo.sqlite (create one: ...)
>>> mask_url('postgresql+psycopg://lab:s3cret@db.example/docsec')
'postgresql+psycopg://lab:***@db.example/docsec'
"""

from __future__ import annotations

import datetime
import os
import re
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
    inspect,
    make_url,
    select,
)
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.schema import CreateIndex

from docsec.errors import RegistryError, RegistryNotFound
from docsec.registry.base import (
    RECORD_FIELDS,
    LoadCounts,
    SearchAnswer,
    StolenRecord,
    normalize_key,
)
from docsec.registry.lookalike import (
    KEY_NAMES,
    SERIAL_KEY,
    fold,
    key_tuple,
    lookalike_folds,
    may_match,
    query_keys,
)
from docsec.registry.search import answer, parse_query, rank

__all__ = ["SUPPORTED_BACKENDS", "SqlRegistry", "mask_url", "stolen_vehicles", "to_url"]

#: Database back-ends a registry may live in (SQLAlchemy backend names).
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_CREATE_HINT = "create one: docsec registry seed or docsec registry import"

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
    Index("ux_sv_key", _c.vin, _c.case_ref, unique=True),
    *(Index(f"ix_sv_{name}_fold", _c[name], _c.fold) for name in KEY_NAMES),
    Index("ix_sv_plate", _c.plate_norm),
    Index("ix_sv_engine", _c.engine_norm),
)
#: One-column key indexes of earlier registries, replaced by the covering ones above.
_SUPERSEDED = tuple(f"ix_sv_{name}" for name in KEY_NAMES)
_RECORD_COLUMNS = tuple(_c[name] for name in RECORD_FIELDS)
_BATCH = 20_000
_LOOKUP = 500  # VINs per key lookup of an upsert (well under every driver's parameter limit)
# Column and key names are our own constants; every value goes through bound parameters.
_SELECT = f"SELECT {', '.join(RECORD_FIELDS)} FROM {stolen_vehicles.name} WHERE "  # noqa: S608
_SELECT_FOLD = f"SELECT id, fold FROM {stolen_vehicles.name} WHERE "  # noqa: S608


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


def mask_url(url: str) -> str:
    """``url`` as it may be shown: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)


class SqlRegistry:
    """A registry in an SQL database (a :class:`~docsec.registry.base.VehicleRegistry`).

    Parameters
    ----------
    target : str or path-like
        SQLAlchemy URL (``postgresql+psycopg://...``) or SQLite file path.
    create : bool
        Create the database file (and its folder) and the table when missing. Without it
        (every query), a missing registry is an error, never an empty new one.

    Raises
    ------
    RegistryNotFound
        No registry at ``target`` and ``create`` is false.
    RegistryError
        An unsupported URL scheme, or the database cannot be opened or its schema created.
    """

    def __init__(self, target: str | os.PathLike[str], *, create: bool = False) -> None:
        url = to_url(target)
        self.url = mask_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise RegistryError(f"{self.url} is neither a database URL nor a file path") from None
        backend = parsed.get_backend_name()
        if backend not in SUPPORTED_BACKENDS:
            raise RegistryError(
                f"unsupported database URL scheme {parsed.drivername!r}: give an SQLite file "
                "path or a postgresql+psycopg:// URL"
            )
        secret = parsed.password
        database = parsed.database
        try:
            if backend == "sqlite" and database and database != ":memory:":
                path = Path(database)
                if create:
                    path.parent.mkdir(parents=True, exist_ok=True)
                elif not path.is_file():
                    raise RegistryNotFound(f"no registry at {path} ({_CREATE_HINT})")
            self._engine: Engine = create_engine(url)
            if self._engine.dialect.name == "sqlite":
                event.listen(self._engine, "connect", _sqlite_pragmas)
            if create:
                metadata.create_all(self._engine)
            elif not inspect(self._engine).has_table(stolen_vehicles.name):
                self._engine.dispose()
                raise RegistryNotFound(f"{self.url} holds no registry ({_CREATE_HINT})")
            self._upgrade_indexes()
        except (SQLAlchemyError, OSError, ImportError) as exc:
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if secret:
                text = text.replace(str(secret), "***")
            raise RegistryError(f"cannot open the registry at {self.url}: {text}") from None

    def _upgrade_indexes(self) -> None:
        """Build missing indexes of the current schema and drop superseded ones.

        Each index is built in its own transaction (``IF NOT EXISTS``: another process may
        be building it at the same time). A registry that cannot be changed keeps its
        indexes: searches give the same answers, only more slowly.
        """
        held = {ix["name"] for ix in inspect(self._engine).get_indexes(stolen_vehicles.name)}
        missing = [ix for ix in _INDEXES if ix.name not in held]
        stale = [name for name in _SUPERSEDED if name in held]
        if not missing and not stale:
            return
        sqlite = self._engine.dialect.name == "sqlite"
        try:
            for ix in missing:
                with self._engine.begin() as conn:
                    conn.execute(CreateIndex(ix, if_not_exists=True))
                    if sqlite:
                        conn.exec_driver_sql(f"ANALYZE {ix.name}")
            for name in stale:
                with self._engine.begin() as conn:
                    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        except SQLAlchemyError:
            return  # read-only or busy: searched with the indexes it has

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def count(self) -> int:
        """Number of records held."""
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(stolen_vehicles)).scalar_one())

    def add(self, records: Iterable[StolenRecord]) -> LoadCounts:
        """Store records in one transaction, keyed by VIN and case reference.

        A record whose key is new is inserted; one whose key is held already replaces the
        stored record when it differs (updated) and is left alone when it is the same
        (unchanged). Within one load, a later record with the same key wins. Into an empty
        table the load is a bulk load: indexes are dropped and rebuilt after the rows (and
        SQLite runs with ``synchronous=OFF`` meanwhile).
        """
        try:
            return self._add(records)
        except SQLAlchemyError as exc:
            text = str(exc).splitlines()[0]
            raise RegistryError(f"cannot store records: {text}") from None

    def _add(self, records: Iterable[StolenRecord]) -> LoadCounts:
        bulk = self.count() == 0
        sqlite = self._engine.dialect.name == "sqlite"
        with self._engine.begin() as conn:
            if bulk:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA synchronous=OFF")
                for ix in _INDEXES:
                    ix.drop(conn, checkfirst=True)
                counts = self._bulk_load(conn, records, sqlite)
                for ix in _INDEXES:
                    ix.create(conn, checkfirst=True)
                if sqlite:
                    conn.exec_driver_sql("ANALYZE")
            else:
                counts = self._upsert(conn, records, sqlite)
        if bulk and sqlite:
            self._engine.dispose()  # fresh connections come back with synchronous=NORMAL
        return counts

    def _bulk_load(self, conn: Any, records: Iterable[StolenRecord], sqlite: bool) -> LoadCounts:
        """Insert every row, then keep the last row of each repeated key."""
        n = 0
        it = iter(records)
        insert = self._insert_sql()
        while batch := list(islice(it, _BATCH)):
            # DB-API executemany with tuples: Core's per-row parameter processing
            # would triple the load time of a million records
            conn.exec_driver_sql(insert, [_row(r, sqlite) for r in batch])
            n += len(batch)
        table = stolen_vehicles.name
        repeated = conn.exec_driver_sql(
            f"SELECT vin, case_ref FROM {table} GROUP BY vin, case_ref "  # noqa: S608
            "HAVING COUNT(*) > 1"
        ).all()
        mark = self._mark()
        updated = unchanged = 0
        for vin, case_ref in repeated:
            rows = conn.exec_driver_sql(
                f"SELECT id, {', '.join(RECORD_FIELDS)} FROM {table} "  # noqa: S608
                f"WHERE vin = {mark} AND case_ref = {mark} ORDER BY id",
                (vin, case_ref),
            ).all()
            for before, after in zip(rows, rows[1:], strict=False):
                same = _record(before[1:]) == _record(after[1:])
                unchanged += same
                updated += not same
            conn.exec_driver_sql(
                f"DELETE FROM {table} WHERE id IN ({', '.join([mark] * (len(rows) - 1))})",  # noqa: S608
                tuple(r[0] for r in rows[:-1]),
            )
        return LoadCounts(n - updated - unchanged, updated, unchanged)

    def _upsert(self, conn: Any, records: Iterable[StolenRecord], sqlite: bool) -> LoadCounts:
        """Insert new keys, update changed records, count unchanged ones (batch by batch)."""
        inserted = updated = unchanged = 0
        mark = self._mark()
        table = stolen_vehicles.name
        names = [c.name for c in stolen_vehicles.columns if c.name != "id"]
        update = (
            f"UPDATE {table} SET {', '.join(f'{n} = {mark}' for n in names)} "  # noqa: S608
            f"WHERE id = {mark}"
        )
        insert = self._insert_sql()
        it = iter(records)
        while batch := list(islice(it, _BATCH)):
            held: dict[tuple[str, str], tuple[int | None, StolenRecord]] = {}
            vins = sorted({r.vin for r in batch})
            for start in range(0, len(vins), _LOOKUP):
                chunk = vins[start : start + _LOOKUP]
                for row in conn.exec_driver_sql(
                    f"SELECT id, {', '.join(RECORD_FIELDS)} FROM {table} "  # noqa: S608
                    f"WHERE vin IN ({', '.join([mark] * len(chunk))}) ORDER BY id",
                    tuple(chunk),
                ):
                    rec = _record(row[1:])
                    held[(rec.vin, rec.case_ref)] = (row[0], rec)
            new: dict[tuple[str, str], StolenRecord] = {}
            changed: dict[int, StolenRecord] = {}
            for rec in batch:
                key = (rec.vin, rec.case_ref)
                if key in new:
                    same = new[key] == rec
                    new[key] = rec
                elif key in held:
                    rid, old = held[key]
                    same = old == rec
                    if not same and rid is not None:
                        changed[rid] = rec
                        held[key] = (rid, rec)
                else:
                    new[key] = rec
                    inserted += 1
                    continue
                unchanged += same
                updated += not same
            if new:
                conn.exec_driver_sql(insert, [_row(r, sqlite) for r in new.values()])
            if changed:
                conn.exec_driver_sql(
                    update, [(*_row(r, sqlite), rid) for rid, r in changed.items()]
                )
        return LoadCounts(inserted, updated, unchanged)

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
        near: bool = False,
    ) -> SearchAnswer:
        """Search by exactly one key; hits ranked by distance, then newest report."""
        q = parse_query(
            vin=vin, last=last, plate=plate, engine=engine, fuzzy=fuzzy, limit=limit, near=near
        )
        mark = self._mark()
        params: list[str]
        if q.kind == "vin":
            folded = fold(q.value)
            if q.fuzzy and not q.near and len(folded) == 17:
                # exact and look-alike hits only: their folds are known in advance
                folds = sorted(lookalike_folds(folded))
                serials = sorted({f[-6:] for f in folds})
                where = (
                    f"{SERIAL_KEY} IN ({', '.join([mark] * len(serials))}) "
                    f"AND fold IN ({', '.join([mark] * len(folds))})"
                )
                params = serials + folds
            elif q.fuzzy and len(folded) == 17:
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
        dbapi_error: type[Exception] = self._engine.dialect.loaded_dbapi.Error
        try:
            with self._engine.connect() as conn:
                # plain DB-API cursors: up to hundreds of candidate rows, no Row objects
                cursor: Any = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                try:
                    if q.kind == "vin" and q.fuzzy and q.near:
                        # two phases: the folds of the blocking-key candidates (from the
                        # covering key indexes), then full rows of those passing the fold
                        # test only; rank() measures the true distance
                        test = may_match(q.value)
                        cursor.execute(_SELECT_FOLD + where, tuple(params))
                        keep = [rid for rid, cf in cursor.fetchall() if test(cf)]
                        rows: Sequence[Any] = []
                        if keep:
                            marks = ", ".join([mark] * len(keep))
                            cursor.execute(_SELECT + f"id IN ({marks})", tuple(keep))
                            rows = cursor.fetchall()
                    else:
                        cursor.execute(_SELECT + where, tuple(params))
                        rows = cursor.fetchall()
                finally:
                    cursor.close()
        except (SQLAlchemyError, dbapi_error) as exc:
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
