"""``docsec mrz``: parse and render ICAO 9303 machine-readable zones.

``docsec mrz parse LINE... [--json] [--reference-date YYYY-MM-DD]`` exits 0 when the MRZ is valid,
1 when any finding fails and 2 when the text is no MRZ at all (or a bad option).
``docsec mrz render`` exits 0, or 2 when the data cannot be rendered.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import typer

from docsec.cli.output import FINDINGS, OK, emit, fail, parse_date
from docsec.errors import NotAnMRZ, ValidationError

app = typer.Typer(
    help="Parse and render ICAO 9303 machine-readable zones (TD1, TD2, TD3, MRV-A, MRV-B).",
    no_args_is_help=True,
)

_FORMATS = ("TD1", "TD2", "TD3", "MRVA", "MRVB")


@app.command("parse")
def parse_command(
    lines: Annotated[list[str], typer.Argument(help="The MRZ lines, one argument per line.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    reference_date: Annotated[
        str | None,
        typer.Option(help="'Today' for century inference and expiry (YYYY-MM-DD)."),
    ] = None,
    typed: Annotated[
        bool,
        typer.Option(
            "--typed", help="Typed input: fix Cyrillic look-alikes, lower case and spaces first."
        ),
    ] = False,
) -> None:
    """Parse and check an MRZ (valid: every check passes).

    Exit codes: 0 valid; 1 a check failed (the output names it); 2 not an MRZ, or a bad
    option value.
    """
    from docsec.mrz import normalize_typed, parse

    ref = parse_date(reference_date, "--reference-date", as_json=as_json)
    if typed:
        lines = [normalize_typed(line) for line in lines]
    try:
        mrz = parse(lines, reference_date=ref)
    except NotAnMRZ as exc:
        fail(f"not an MRZ: {exc}", as_json=as_json, code=exc.code)
    if as_json:
        emit(mrz.to_dict())
    else:
        from rich.console import Console

        from docsec.cli.demo import findings_table

        console = Console()
        console.print(f"[bold]{mrz.format.value}[/bold]  valid: {mrz.valid}")
        for reason in mrz.invalid_reasons():
            console.print(f"  not valid: {reason['id']}: {reason['message']}", markup=False)
        for name, field in mrz.fields.items():
            console.print(f"  {name:28} {field.raw!r:>20}  {field.value}", markup=False)
        console.print(findings_table(mrz.findings, title="findings"))
    raise typer.Exit(OK if mrz.valid else FINDINGS)


@app.command("render")
def render_command(
    format: Annotated[str, typer.Option("--format", help="TD1, TD2, TD3, MRVA or MRVB.")],
    document_code: Annotated[str, typer.Option(help="P, I, ID, AC, V ...")],
    issuing_state: Annotated[str, typer.Option(help="Issuer code: UTO, D ...")],
    surname: Annotated[
        str,
        typer.Option(
            "--primary-identifier", "--surname", help="Primary identifier (any supported script)."
        ),
    ],
    document_number: Annotated[str, typer.Option(help="Document number (>9: overflow rule).")],
    nationality: Annotated[str, typer.Option(help="Nationality code.")],
    birth_date: Annotated[str, typer.Option(help="YYYY-MM-DD, or raw YYMMDD ('680000').")],
    sex: Annotated[str, typer.Option(help="M, F or <.")],
    expiry_date: Annotated[str, typer.Option(help="YYYY-MM-DD, or raw YYMMDD.")],
    given_names: Annotated[
        str,
        typer.Option("--secondary-identifier", "--given-names", help="Secondary identifier."),
    ] = "",
    optional_data: Annotated[str, typer.Option(help="Optional data / personal number.")] = "",
    optional_data_2: Annotated[str, typer.Option(help="TD1 line-2 optional data.")] = "",
    language: Annotated[
        str | None, typer.Option(help="Transliteration overrides: uk, tg, uz.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print lines and data as JSON.")] = False,
) -> None:
    """Render exact MRZ lines (check digits computed, names transliterated and truncated).

    Exit codes: 0 rendered; 2 the data cannot be rendered or an option value is bad.
    """
    from docsec.mrz import MRZData, MRZFormat, render

    fmt_name = format.upper().replace("-", "")
    if fmt_name not in _FORMATS:
        fail(f"--format: {format!r} is not one of {', '.join(_FORMATS)}", as_json=as_json)

    def when(text: str, option: str) -> datetime.date | str:
        if len(text) == 6 and "-" not in text:
            return text
        date = parse_date(text, option, as_json=as_json)
        assert date is not None
        return date

    data = MRZData(
        document_code=document_code,
        issuing_state=issuing_state,
        document_number=document_number,
        nationality=nationality,
        date_of_birth=when(birth_date, "--birth-date"),
        sex=sex,
        date_of_expiry=when(expiry_date, "--expiry-date"),
        primary_identifier=surname,
        secondary_identifier=given_names,
        optional_data=optional_data,
        optional_data_2=optional_data_2,
    )
    try:
        lines = render(data, MRZFormat(fmt_name), language=language)
    except ValidationError as exc:
        fail(f"cannot render: {exc}", as_json=as_json, code=exc.code)
    if as_json:
        emit({"format": fmt_name, "lines": list(lines), "data": data.to_dict()})
    else:
        for line in lines:
            typer.echo(line)
