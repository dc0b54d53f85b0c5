"""``docsec mrz parse|render`` and ``docsec demo`` through typer's CliRunner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from docsec.cli import app
from docsec.mrz import CHECK_IDS

from .test_specimens import TD1, TD3

runner = CliRunner()


def test_parse_valid_exits_0_with_json() -> None:
    result = runner.invoke(app, ["mrz", "parse", *TD3, "--json", "--reference-date", "2010-01-01"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["format"] == "TD3" and payload["valid"] is True
    assert payload["fields"]["document_number"] == {"raw": "L898902C3", "value": "L898902C3"}
    assert payload["fields"]["date_of_birth"]["value"] == "1974-08-12"
    assert [f["id"] for f in payload["findings"]] == list(CHECK_IDS)
    first = payload["findings"][0]
    assert set(first) == {"id", "status", "field", "positions", "expected", "found", "message"}


def test_parse_failing_check_exits_1() -> None:
    bad = (TD3[0], TD3[1][:19] + "3" + TD3[1][20:])
    result = runner.invoke(app, ["mrz", "parse", *bad, "--reference-date", "2010-01-01"])
    assert result.exit_code == 1
    assert "mrz.check_digit.date_of_birth" in result.stdout
    # Expired against today's date: also a failing finding.
    assert runner.invoke(app, ["mrz", "parse", *TD1]).exit_code == 1


def test_not_an_mrz_exits_2_with_a_message() -> None:
    result = runner.invoke(app, ["mrz", "parse", "hello", "world"])
    assert result.exit_code == 2
    assert "not an MRZ" in result.stderr


def test_bad_reference_date_is_a_usage_error() -> None:
    result = runner.invoke(app, ["mrz", "parse", *TD3, "--reference-date", "2010-13-01"])
    assert result.exit_code == 2


def test_render_td3_specimen() -> None:
    args = ["mrz", "render", "--format", "TD3", "--document-code", "P", "--issuing-state", "UTO",
            "--surname", "Eriksson", "--given-names", "Anna María", "--document-number",
            "L898902C3", "--nationality", "UTO", "--birth-date", "1974-08-12", "--sex", "F",
            "--expiry-date", "2012-04-15", "--optional-data", "ZE184226B"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == list(TD3)
    as_json = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert as_json["lines"] == list(TD3)


def test_render_raw_date_and_cyrillic_name() -> None:
    args = ["mrz", "render", "--format", "td1", "--document-code", "I", "--issuing-state", "ZZA",
            "--surname", "Щербаков", "--given-names", "Алексей", "--document-number",
            "D23145890734", "--nationality", "ZZA", "--birth-date", "680000", "--sex", "M",
            "--expiry-date", "2031-01-01"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("I<ZZAD23145890<7349")
    assert lines[1].startswith("680000")
    assert lines[2].startswith("SHCHERBAKOV<<ALEKSEI")


def test_render_errors_exit_2() -> None:
    args = ["mrz", "render", "--format", "TD3", "--document-code", "P", "--issuing-state", "U2O",
            "--surname", "X", "--document-number", "1", "--nationality", "UTO", "--birth-date",
            "1974-08-12", "--sex", "F", "--expiry-date", "2012-04-15"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "cannot render" in result.stderr
    bad_format = runner.invoke(app, [*args[:3], "TD9", *args[4:]])
    assert bad_format.exit_code == 2


def test_demo_renders_all_formats_and_the_planted_defect() -> None:
    result = runner.invoke(app, ["demo", "--reference-date", "2026-11-26"])
    assert result.exit_code == 0, result.output
    for fmt in ("TD1", "TD2", "TD3", "MRVA", "MRVB"):
        assert f"({fmt})" in result.stdout
    assert "SHCHERBAKOV<<ALEKSEI" in result.stdout
    assert "altered DOB" in result.stdout and "invalid" in result.stdout
