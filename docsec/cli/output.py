"""What every command shares: exit codes, compact JSON Lines, one-line errors, date options.

* Data goes to stdout: a human summary, or with ``--json`` one compact JSON object per input
  (JSON Lines).
* An error is one line on stderr (``error: <message>``), or with ``--json`` one JSON object
  on stdout, ``{"error": {"code": ..., "message": ...}}``, so a script reading stdout sees it.
* Exit codes: :data:`OK` 0, :data:`FINDINGS` 1 (the answer holds failures), :data:`USAGE` 2
  (bad input, missing registry, unwritable output: no answer), :data:`CANDIDATES` 3 (registry
  candidates found; they win over 1, since a hit must not hide behind a typo).
"""

from __future__ import annotations

import datetime
import json
from typing import NoReturn

import typer

from docsec.errors import DocsecError

__all__ = [
    "CANDIDATES",
    "FINDINGS",
    "OK",
    "USAGE",
    "dumps",
    "emit",
    "fail",
    "fail_with",
    "parse_date",
]

OK = 0
FINDINGS = 1
USAGE = 2
CANDIDATES = 3


def dumps(data: object) -> str:
    """Compact one-line JSON (UTF-8 text kept as is).

    >>> dumps({"valid": True, "lines": ["P<UTO"]})
    '{"valid":true,"lines":["P<UTO"]}'
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def emit(data: object) -> None:
    """Print one JSON Lines record on stdout."""
    typer.echo(dumps(data))


def fail(
    message: str,
    *,
    as_json: bool = False,
    code: str = "UsageError",
    exit_code: int = USAGE,
    **extra: object,
) -> NoReturn:
    """Report an error (one line on stderr, or a JSON object on stdout) and exit."""
    if as_json:
        emit({**extra, "error": {"code": code, "message": message}})
    else:
        typer.echo(f"error: {message}", err=True)
    raise typer.Exit(exit_code)


def fail_with(exc: DocsecError, *, as_json: bool = False, exit_code: int = USAGE) -> NoReturn:
    """:func:`fail` with a typed exception's code and message."""
    fail(str(exc).splitlines()[0] if str(exc) else exc.code, as_json=as_json, code=exc.code,
         exit_code=exit_code)  # fmt: skip


def parse_date(text: str | None, option: str, *, as_json: bool = False) -> datetime.date | None:
    """An ISO date option (``YYYY-MM-DD``), None when not given; a bad value exits 2."""
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)", as_json=as_json)
