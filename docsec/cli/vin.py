"""``docsec vin``: check VINs (49 CFR 565, ISO 3779/3780) and search the stolen-vehicle registry.

``docsec vin check VIN... [--json] [--registry URL] [--near]`` prints one result per VIN (JSON
Lines with ``--json``). Exit codes: 0 every VIN valid and no registry candidate, 1 some VIN
invalid, 3 registry candidates found (wins over 1; a hit is a lead: confirm with the
reporting country before any action), 2 usage or registry errors (a registry that was named
but does not exist is an error: a query never creates one).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from docsec.cli.output import CANDIDATES, FINDINGS, OK, emit, fail_with

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
NEAR_HELP = "Also list near misses (other characters than look-alikes: possibly another vehicle)."


def registry_target(option: str | None) -> tuple[str, bool]:
    """The registry to use and whether the user named it (else it is the default)."""
    if option:
        return option, True
    env = os.environ.get("DOCSEC_REGISTRY")
    if env:
        return env, True
    return str(DEFAULT_REGISTRY), False


def open_registry(
    option: str | None, *, must_exist: bool, as_json: bool = False
) -> VehicleRegistry | None:
    """Open the registry for a query (never created); None when the default one is absent
    and not required. A named registry that does not exist exits 2."""
    from docsec.errors import RegistryError
    from docsec.registry.sql import SqlRegistry

    target, named = registry_target(option)
    if not (named or must_exist) and not Path(target).exists():
        return None
    try:
        return SqlRegistry(target)
    except RegistryError as exc:
        fail_with(exc, as_json=as_json)


def create_registry(option: str | None, *, as_json: bool = False) -> VehicleRegistry:
    """Open the registry for loading, creating it when missing."""
    from docsec.errors import RegistryError
    from docsec.registry.sql import SqlRegistry

    try:
        return SqlRegistry(registry_target(option)[0], create=True)
    except RegistryError as exc:
        fail_with(exc, as_json=as_json)


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
    near: Annotated[bool, typer.Option("--near", help=NEAR_HELP)] = False,
    reference_year: Annotated[
        int | None, typer.Option(help="Inspection year (bounds model-year candidates).")
    ] = None,
) -> None:
    """Validate and decode VINs; search the registry when one is available.

    Without a registry the answer says "vehicle.stolen: not checked". Exit codes: 0 every
    VIN valid and no registry candidate; 1 some VIN invalid; 3 registry candidates found
    (wins over 1); 2 usage or registry error (a named registry that does not exist).
    """
    from docsec.errors import RegistryError
    from docsec.vin import check

    reg = open_registry(registry, must_exist=False, as_json=as_json)
    reason = (
        "no registry (give --registry or set $DOCSEC_REGISTRY; create one with "
        "docsec registry seed or docsec registry import)"
    )
    invalid = candidates = False
    for text in vins:
        try:
            result = check(
                text, registry=reg, reference_year=reference_year, near=near, not_checked=reason
            )
        except RegistryError as exc:
            fail_with(exc, as_json=as_json)
        if as_json:
            emit(result.to_dict())
        else:
            _print_human(result)
        invalid |= not result.valid
        candidates |= result.registry is not None and bool(result.registry.hits)
    raise typer.Exit(CANDIDATES if candidates else FINDINGS if invalid else OK)
