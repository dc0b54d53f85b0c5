"""``docsec vin``: check VINs (49 CFR 565, ISO 3779/3780) and search the stolen-vehicle registry.

``docsec vin check VIN... [--json] [--registry URL]`` prints one result per VIN (JSON Lines
with ``--json``). Exit codes: 0 every VIN valid and no registry candidate, 1 some VIN
invalid, 3 registry candidates found (a hit is a lead: confirm with the reporting
country before any action), 2 usage or registry errors.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from docsec.registry.base import VehicleRegistry
    from docsec.vin import VINCheck

app = typer.Typer(
    help="Check Vehicle Identification Numbers and look them up in the stolen-vehicle registry.",
    no_args_is_help=True,
)

DEFAULT_REGISTRY = Path("var") / "registry.sqlite"
REGISTRY_HELP = (
    "Registry: SQLAlchemy URL or SQLite file path "
    "(default: $DOCSEC_REGISTRY, else ./var/registry.sqlite)."
)


def registry_target(option: str | None) -> tuple[str, bool]:
    """The registry to use and whether the user named it (else it is the default)."""
    if option:
        return option, True
    env = os.environ.get("DOCSEC_REGISTRY")
    if env:
        return env, True
    return str(DEFAULT_REGISTRY), False


def open_registry(option: str | None, *, must_exist: bool) -> VehicleRegistry | None:
    """Open the registry; None when the default file is absent and not required."""
    from docsec.errors import RegistryError
    from docsec.registry.sql import SqlRegistry

    target, named = registry_target(option)
    if "://" not in target and not Path(target).exists() and not (named or must_exist):
        return None
    if "://" not in target and must_exist and not Path(target).exists():
        typer.echo(
            f"error: no registry at {target} (create one: docsec registry seed)", err=True
        )
        raise typer.Exit(2)
    try:
        return SqlRegistry(target)
    except RegistryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _print_human(result: VINCheck) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    mark = "[green]valid[/green]" if result.valid else "[red]INVALID[/red]"
    console.print(f"[bold]{result.vin or result.input!r}[/bold] ({result.kind}): {mark}")
    if result.decoded is not None:
        d = result.decoded
        years = ", ".join(map(str, d.model_years)) or "not encoded"
        console.print(
            f"  WMI {d.wmi}: {d.manufacturer or 'unknown manufacturer'} "
            f"({d.country or 'unknown country'}, {d.region})  model year: {years}  "
            f"plant {d.plant}  serial {d.serial}",
            markup=False,
        )
    for f in result.findings:
        colour = {"fail": "red", "warn": "yellow", "pass": "green"}.get(f.status.value, "dim")
        console.print(f"  [{colour}]{f.status.value:>14}[/{colour}] {f.id}: ", end="")
        console.print(f.message, markup=False)
    for s in result.suggestions:
        console.print(f"  suggestion: {s}", markup=False)
    if result.registry is not None:
        for m in result.registry.hits:
            r = m.record
            console.print(
                f"  registry {m.match} (distance {m.distance}): {r.vin} {r.make} {r.model} "
                f"{r.colour} {r.plate} [{r.plate_country}] reported by {r.reporting_country} "
                f"on {r.date_reported} case {r.case_ref} status {r.status}",
                markup=False,
            )
        for note in result.registry.notes:
            console.print(f"  note: {note}", markup=False)
        if result.registry.hits:
            console.print(f"  [bold]{result.registry.advice}[/bold]")


@app.command("check")
def check_command(
    vins: Annotated[list[str], typer.Argument(help="VINs or chassis numbers to check.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON Lines, one object per VIN.")
    ] = False,
    registry: Annotated[str | None, typer.Option("--registry", help=REGISTRY_HELP)] = None,
    reference_year: Annotated[
        int | None, typer.Option(help="Inspection year (bounds model-year candidates).")
    ] = None,
) -> None:
    """Validate and decode VINs; search the registry when one is available."""
    from docsec.errors import RegistryError
    from docsec.vin import check

    reg = open_registry(registry, must_exist=False)
    code = 0
    for text in vins:
        try:
            result = check(text, registry=reg, reference_year=reference_year)
        except RegistryError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            _print_human(result)
        if not result.valid:
            code = 1
        elif code == 0 and result.registry is not None and result.registry.hits:
            code = 3
    raise typer.Exit(code)
