"""``docsec registry``: seed, import and search the mock stolen-vehicle registry.

* ``docsec registry seed --records N --seed S`` loads a deterministic mock list;
* ``docsec registry import FILE`` loads a lab's own list (CSV or JSON Lines);
* ``docsec registry search [--vin V | --last N V | --plate P | --engine E] [--near] [--json]``.

The registry is an SQLAlchemy URL or an SQLite file (``--registry``; default
``$DOCSEC_REGISTRY``, else ``./var/registry.sqlite``). Seeding and importing create it when
missing; searching never does. Records are keyed by VIN and case reference: loading again
updates or leaves records unchanged, never duplicates them. Every answer carries the advice:
a hit is a lead, confirmed with the reporting country before any action.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from docsec.cli.output import CANDIDATES, OK, emit, fail, fail_with
from docsec.cli.vin import NEAR_HELP, REGISTRY_HELP, create_registry, open_registry

if TYPE_CHECKING:
    from docsec.registry.base import LoadCounts, StolenRecord, VehicleRegistry

app = typer.Typer(
    help="The mock stolen-vehicle registry (INTERPOL SMV-like).", no_args_is_help=True
)


def _load(
    reg: VehicleRegistry, records: Iterable[StolenRecord], total: int | None, label: str
) -> LoadCounts:
    """Load records, with a progress bar on stderr when it is a terminal."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(label, total=total)

        def counted(it: Iterable[StolenRecord]) -> Iterator[StolenRecord]:
            for i, rec in enumerate(it, start=1):
                yield rec
                if i % 1000 == 0:
                    bar.update(task, completed=i)

        return reg.add(counted(records))


def _counts_line(counts: LoadCounts) -> str:
    return f"{counts.inserted} inserted, {counts.updated} updated, {counts.unchanged} unchanged"


@app.command("seed")
def seed_command(
    records: Annotated[int, typer.Option("--records", min=1, help="Number of records.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same list).")] = 0,
    registry: Annotated[str | None, typer.Option("--registry", help=REGISTRY_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Load a deterministic mock stolen list (valid VINs, clones, chassis numbers).

    Seeding again with the same seed changes nothing (records are keyed by VIN and case
    reference). A progress bar is shown on a terminal. Exit codes: 0 loaded; 2 the registry
    cannot be opened or written.
    """
    from docsec.errors import RegistryError
    from docsec.registry.mock import make_records

    start = time.perf_counter()
    reg = create_registry(registry, as_json=as_json)
    try:
        counts = _load(reg, make_records(records, seed=seed), records, "seeding")
        held = reg.count()
    except RegistryError as exc:
        fail_with(exc, as_json=as_json)
    seconds = time.perf_counter() - start
    if as_json:
        emit({"seed": seed, "records": records, **counts.to_dict(), "registry_count": held,
              "seconds": round(seconds, 2)})  # fmt: skip
    else:
        typer.echo(
            f"seeded {records} records (seed {seed}): {_counts_line(counts)} in "
            f"{seconds:.1f} s; registry holds {held}"
        )


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or JSON Lines (.jsonl) with record fields.")],
    registry: Annotated[str | None, typer.Option("--registry", help=REGISTRY_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Load a lab's own stolen list (all or nothing: one bad line loads nothing).

    CSV may be Excel's "CSV UTF-8" (with a byte-order mark) and separated by commas,
    semicolons or tabs. Records are keyed by VIN and case reference: the answer counts
    inserted, updated and unchanged records. Exit codes: 0 loaded; 2 the file or a line of
    it is malformed (the message names the line), or the registry cannot be opened.
    """
    from docsec.errors import RegistryError
    from docsec.registry.load import read_file

    if not file.is_file():
        fail(f"no such file: {file}", as_json=as_json, code="RegistryError")
    try:
        records = list(read_file(file))
    except RegistryError as exc:
        fail_with(exc, as_json=as_json)
    reg = create_registry(registry, as_json=as_json)
    try:
        counts = _load(reg, records, len(records), "importing")
        held = reg.count()
    except RegistryError as exc:
        fail_with(exc, as_json=as_json)
    if as_json:
        emit({"file": str(file), **counts.to_dict(), "registry_count": held})
    else:
        typer.echo(f"imported {file}: {_counts_line(counts)}; registry holds {held}")


@app.command("search")
def search_command(
    vin: Annotated[str | None, typer.Option("--vin", help="VIN or chassis number.")] = None,
    last: Annotated[
        tuple[int, str] | None,
        typer.Option("--last", help="The last N characters of V: --last 8 V.", metavar="N V"),
    ] = None,
    plate: Annotated[str | None, typer.Option("--plate", help="Plate (normalised).")] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="Engine number.")] = None,
    exact: Annotated[bool, typer.Option("--exact", help="No look-alike candidates.")] = False,
    near: Annotated[bool, typer.Option("--near", help=NEAR_HELP)] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    registry: Annotated[str | None, typer.Option("--registry", help=REGISTRY_HELP)] = None,
) -> None:
    """Search by VIN (with look-alikes), last 6-16 characters, plate or engine number.

    Look-alike candidates differ only by look-alike characters (0/O/Q/D, 1/I/L, 2/Z, 5/S,
    8/B, 6/G, U/V) or one transposition; --near adds other near misses. Exit codes: 0 no
    hit; 3 hits found; 2 bad input or no registry (a search never creates one).
    """
    from docsec.errors import RegistryError, ValidationError
    from docsec.registry.base import normalize_key

    if exact and near:
        fail("--exact and --near exclude each other", as_json=as_json)
    suffix = None
    if last is not None and last[1] is not None:
        n, value = last
        text = normalize_key(value) if value is not None else ""
        if n is None or not 6 <= n <= 16 or len(text) < n:
            fail("--last N V needs 6 <= N <= 16 and at least N characters", as_json=as_json)
        suffix = text[-n:]
    reg = open_registry(registry, must_exist=True, as_json=as_json)
    assert reg is not None
    try:
        ans = reg.search(
            vin=vin, last=suffix, plate=plate, engine=engine, fuzzy=not exact, near=near,
            limit=limit,
        )  # fmt: skip
    except (ValidationError, RegistryError) as exc:
        fail_with(exc, as_json=as_json)
    if as_json:
        emit(ans.to_dict())
    else:
        typer.echo(f"{len(ans.hits)} hit(s) for {ans.query['kind']} {ans.query['value']}")
        for m in ans.hits:
            r = m.record
            typer.echo(
                f"  {m.match:9} {m.distance:5.2f}  {r.vin:17}  {r.make} {r.model} {r.year or '?'} "
                f"{r.colour}  {r.plate} [{r.plate_country}]  engine {r.engine_number}  "
                f"{r.reporting_country} {r.date_reported} {r.case_ref} {r.status}"
            )
        for note in ans.notes:
            typer.echo(f"  note: {note}")
        typer.echo(ans.advice)
    raise typer.Exit(CANDIDATES if ans.hits else OK)
