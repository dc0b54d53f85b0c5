"""``docsec registry``: seed, import and search the mock stolen-vehicle registry.

* ``docsec registry seed --records N --seed S`` loads a deterministic mock list;
* ``docsec registry import FILE`` loads a lab's own list (CSV or JSON Lines);
* ``docsec registry search [--vin V | --last N V | --plate P | --engine E] [--json]``.

The registry is an SQLAlchemy URL or an SQLite file (``--registry``; default
``$DOCSEC_REGISTRY``, else ``./var/registry.sqlite``). Every answer carries the advice:
a hit is a lead, confirmed with the reporting country before any action. ``search``
exits 0 without hits, 3 with hits, 2 on bad input.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from docsec.cli.vin import REGISTRY_HELP, open_registry, registry_target

app = typer.Typer(
    help="The mock stolen-vehicle registry (INTERPOL SMV-like).", no_args_is_help=True
)


@app.command("seed")
def seed_command(
    records: Annotated[int, typer.Option("--records", min=1, help="Number of records.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same list).")] = 0,
    registry: Annotated[str | None, typer.Option("--registry", help=REGISTRY_HELP)] = None,
) -> None:
    """Load a deterministic mock stolen list (valid VINs, clones, chassis numbers)."""
    from docsec.errors import RegistryError
    from docsec.registry.mock import make_records
    from docsec.registry.sql import SqlRegistry

    start = time.perf_counter()
    try:
        reg = SqlRegistry(registry_target(registry)[0])
        n = reg.add(make_records(records, seed=seed))
    except RegistryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"seeded {n} records (seed {seed}) in {time.perf_counter() - start:.1f} s; "
        f"registry holds {reg.count()}"
    )


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or JSON Lines (.jsonl) with record fields.")],
    registry: Annotated[str | None, typer.Option("--registry", help=REGISTRY_HELP)] = None,
) -> None:
    """Load a lab's own stolen list (all or nothing: one bad line loads nothing)."""
    from docsec.errors import RegistryError
    from docsec.registry.load import read_file
    from docsec.registry.sql import SqlRegistry

    if not file.is_file():
        typer.echo(f"error: no such file: {file}", err=True)
        raise typer.Exit(2)
    try:
        records = list(read_file(file))
        reg = SqlRegistry(registry_target(registry)[0])
        n = reg.add(records)
    except RegistryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"imported {n} records from {file}; registry holds {reg.count()}")


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
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    registry: Annotated[str | None, typer.Option("--registry", help=REGISTRY_HELP)] = None,
) -> None:
    """Search by VIN (with look-alikes), last 6-16 characters, plate or engine number."""
    from docsec.errors import RegistryError, ValidationError
    from docsec.registry.base import normalize_key

    suffix = None
    if last is not None and last[1] is not None:
        n, value = last
        text = normalize_key(value) if value is not None else ""
        if n is None or not 6 <= n <= 16 or len(text) < n:
            typer.echo("error: --last N V needs 6 <= N <= 16 and at least N characters", err=True)
            raise typer.Exit(2)
        suffix = text[-n:]
    reg = open_registry(registry, must_exist=True)
    assert reg is not None
    try:
        ans = reg.search(
            vin=vin, last=suffix, plate=plate, engine=engine, fuzzy=not exact, limit=limit
        )
    except ValidationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except RegistryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2))
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
    raise typer.Exit(3 if ans.hits else 0)
