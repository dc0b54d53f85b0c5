"""``docsec mrz``: parse and render ICAO 9303 machine-readable zones."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Parse and render ICAO 9303 machine-readable zones (TD1, TD2, TD3, MRV-A, MRV-B).",
    no_args_is_help=True,
)
