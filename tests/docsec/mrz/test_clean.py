"""Typed trainee input: Cyrillic/Greek look-alikes, lower case and spaces."""

from __future__ import annotations

import datetime

from typer.testing import CliRunner

from docsec.cli import app
from docsec.mrz import normalize_typed, parse

from .test_specimens import TD3

REF = datetime.date(2010, 1, 1)


def test_cyrillic_keyboard_input_becomes_the_mrz() -> None:
    typed = ("Р<UТОЕRIKSSОN<<АNNА<МАRIА<<<<<<<<<<<<<<<<<<<",  # Cyrillic Р Т О Е А М
             "l898902c3 6uto7408122f1204159ze184226b<<<<<10")  # fmt: skip
    assert parse((typed[0], TD3[1]), reference_date=REF).finding("mrz.charset").status.value == (
        "fail"
    )
    fixed = [normalize_typed(line) for line in typed]
    assert tuple(fixed) == TD3
    assert parse(fixed, reference_date=REF).valid


def test_only_look_alikes_change() -> None:
    assert normalize_typed("ЖЛЯ«") == "ЖЛЯ<"  # no Latin twin: left for the charset check
    assert normalize_typed("Нн") == "HH"  # shape, not sound (transliteration gives N)
    assert normalize_typed("a\nb") == "A\nB"


def test_cli_typed_flag() -> None:
    typed = ["Р<UТОЕRIKSSОN<<АNNА<МАRIА<<<<<<<<<<<<<<<<<<<",
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]  # fmt: skip
    runner = CliRunner()
    ref = ["--reference-date", "2010-01-01"]
    assert runner.invoke(app, ["mrz", "parse", *typed, *ref]).exit_code == 1
    result = runner.invoke(app, ["mrz", "parse", *typed, "--typed", *ref])
    assert result.exit_code == 0, result.output
