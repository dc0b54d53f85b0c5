"""``docsec demo``: render sample MRZs of all five formats, parse them back, show the findings.

The samples are fictional (ICAO specimen state Utopia ``UTO`` and the training state Zandaria
``ZZA`` with a Cyrillic visual zone); one extra copy has an altered date of birth, so the table
shows what a planted defect looks like.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from docsec.report import Finding

_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "not_applicable": "dim"}
_SHORT = {"pass": "pass", "fail": "FAIL", "warn": "warn", "not_applicable": "-"}


def findings_table(findings: Sequence[Finding], *, title: str = "") -> Table:
    """A Rich table of findings: check ID, status, expected, found, message."""
    from rich.table import Table

    table = Table(title=title or None)
    table.add_column("check", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for column in ("expected", "found", "message"):
        table.add_column(column, overflow="fold")
    for f in findings:
        style = _STYLE[f.status.value]
        table.add_row(
            f.id,
            f"[{style}]{_SHORT[f.status.value]}[/{style}]",
            f.expected or "",
            f.found or "",
            f.message,
        )
    return table


def demo(
    reference_date: Annotated[
        str | None, typer.Option(help="'Today' of the exercise (YYYY-MM-DD); default: today.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per sample (JSON Lines).")
    ] = False,
) -> None:
    """Render sample MRZs of all five formats, parse them back and print their findings.

    Exit codes: 0 shown; 2 a bad option value.
    """
    from rich.console import Console
    from rich.table import Table

    from docsec.cli.output import emit, parse_date
    from docsec.mrz import CHECK_IDS, MRZData, MRZFormat, parse, render

    ref = parse_date(reference_date, "--reference-date", as_json=as_json) or datetime.date.today()
    expiry = ref + datetime.timedelta(days=5 * 365)
    samples: list[tuple[str, MRZFormat, MRZData]] = [
        ("UTO passport", MRZFormat.TD3,
         MRZData("P", "UTO", "L898902C3", "UTO", datetime.date(1974, 8, 12), "F", expiry,
                 "Eriksson", "Anna María", "ZE184226B")),
        ("ZZA passport", MRZFormat.TD3,
         MRZData("P", "ZZA", "ZA1234567", "ZZA", datetime.date(1988, 2, 29), "M", expiry,
                 "Щербаков", "Алексей Юрьевич")),
        ("UTO ID card", MRZFormat.TD1,
         MRZData("I", "UTO", "D23145890734", "UTO", "680000", "<", expiry,
                 "Müller-Lüdenscheidt", "Jürgen Friedrich")),
        ("ZZA card", MRZFormat.TD2,
         MRZData("I", "ZZA", "ZB7654321", "ZZA", datetime.date(1990, 11, 3), "F", expiry,
                 "Қасымова", "Әйгерім")),
        ("UTO visa A", MRZFormat.MRVA,
         MRZData("V", "UTO", "VA0012345", "ZZA", datetime.date(1979, 5, 17), "M", expiry,
                 "Жумабаев", "Ерлан", "ENTRIES2")),
        ("UTO visa B", MRZFormat.MRVB,
         MRZData("V", "UTO", "VB0067890", "UTO", datetime.date(2001, 1, 9), "F", expiry,
                 "O'Neill", "Saoirse")),
    ]  # fmt: skip
    console = Console()
    results = []
    for label, fmt, data in samples:
        lines = render(data, fmt)
        results.append((label, lines, parse(lines, reference_date=ref)))
    # A planted defect: the date of birth altered on a copy of the first passport (digit kept).
    lines = results[0][1]
    altered = (lines[0], lines[1][:13] + "750812" + lines[1][19:])
    results.append(("altered DOB", altered, parse(altered, reference_date=ref)))
    if as_json:
        for label, _, mrz in results:
            emit({"sample": label, **mrz.to_dict()})
        return

    console.print(f"[bold]docsec MRZ demo[/bold]  reference date {ref.isoformat()}")
    for label, lines, mrz in results:
        verdict = "[green]valid[/green]" if mrz.valid else "[bold red]invalid[/bold red]"
        console.print(f"\n[bold]{label}[/bold] ({mrz.format.value}) {verdict}")
        for line in lines:
            console.print(f"  {line}", markup=False, highlight=False)
    table = Table(title="findings per check ID")
    table.add_column("check")
    for label, _, _ in results:
        table.add_column(label, justify="center")
    for check_id in CHECK_IDS:
        cells = []
        for _, _, mrz in results:
            status = mrz.finding(check_id).status.value
            cells.append(f"[{_STYLE[status]}]{_SHORT[status]}[/{_STYLE[status]}]")
        table.add_row(check_id, *cells)
    console.print()
    console.print(table)
