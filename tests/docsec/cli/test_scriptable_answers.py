"""Answers a lab can script and trust, through the real entry point (``docsec`` via CliRunner).

Every case asserts the exit code, a one-line message (or a JSON error object with ``--json``)
and that nothing was written or changed: no registry created by a query, no half-written
or stale output folder, no partial registry load.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from docsec.cli import app
from docsec.registry.load import write_records
from docsec.registry.mock import make_records
from docsec.registry.sql import SqlRegistry

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "samples"
STOLEN = "SALU604BZJB798296"  # on the lab's list below
OTHER = "SALU604BZJB728296"  # one character away, by no look-alike: another vehicle
CHERY = "LVVDB21B0PD800717"  # on the list; typed with an O for the 0 below
CHERY_O = "LVVDB21BOPD800717"
EXPIRED_TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
               "L898902C36UTO7408122F1204159ZE184226B<<<<<10")  # fmt: skip

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def one_line_error(result: Result) -> str:
    """The whole of stderr: one line starting with ``error:``; nothing on stdout."""
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def json_error(result: Result) -> dict[str, str]:
    """With --json: exactly one JSON object on stdout with error.code and error.message."""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    error = json.loads(lines[0])["error"]
    assert set(error) == {"code", "message"} and error["message"]
    return error  # type: ignore[no-any-return]


def json_lines(result: Result) -> list[dict[str, object]]:
    """Compact JSON Lines: one object a line, no indentation."""
    lines = result.stdout.splitlines()
    assert all(line.startswith("{") and ": " not in line[:20] for line in lines)
    return [json.loads(line) for line in lines]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder without a registry (no $DOCSEC_REGISTRY)."""
    monkeypatch.delenv("DOCSEC_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def registry(lab: Path) -> Path:
    """A lab's stolen list with the two reference vehicles, imported into ./reg.sqlite."""
    path = lab / "list.csv"
    path.write_text(
        "vin,make,model,reporting_country,date_reported,case_ref\n"
        f"{STOLEN},Land Rover,Defender,UTO,2024-05-01,UTO-2024-1\n"
        f"{CHERY},Chery,Tiggo,ZZA,2024-06-02,ZZA-2024-7\n",
        encoding="utf-8",
    )
    result = run("registry", "import", str(path), "--registry", "reg.sqlite")
    assert result.exit_code == 0, result.output
    return lab / "reg.sqlite"


def count(path: Path) -> int:
    reg = SqlRegistry(path)
    try:
        return reg.count()
    finally:
        reg.close()


# ---------------------------------------------------------------- registry: no false "not stolen"


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_mistyped_registry_is_an_error_and_creates_nothing(
    registry: Path, lab: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    typo = "no/such/dir/reg.sqlite"
    if how == "option":
        result = run("vin", "check", STOLEN, "--registry", typo)
    else:
        monkeypatch.setenv("DOCSEC_REGISTRY", typo)
        result = run("vin", "check", STOLEN)
    assert result.exit_code == 2
    assert "no registry at" in one_line_error(result)
    assert not (lab / "no").exists()
    search = run("registry", "search", "--vin", STOLEN, "--registry", "typo.sqlite", "--json")
    assert search.exit_code == 2 and json_error(search)["code"] == "RegistryNotFound"
    assert not (lab / "typo.sqlite").exists()


def test_without_a_registry_the_vehicle_is_not_checked(lab: Path) -> None:
    result = run("vin", "check", STOLEN, "--json")
    assert result.exit_code == 0
    (row,) = json_lines(result)
    stolen = [f for f in row["findings"] if f["id"] == "vehicle.stolen"]  # type: ignore[attr-defined]
    assert stolen[0]["status"] == "not_applicable"
    assert stolen[0]["message"].startswith("not checked: no registry")
    human = run("vin", "check", STOLEN)
    assert "vehicle.stolen: not checked" in " ".join(human.stdout.split())
    assert "pass vehicle.stolen" not in human.stdout
    assert tree(lab) == []  # nothing created


@pytest.mark.parametrize("url", ["mysql://lab:s3cret@db/docsec", "oracle://lab:s3cret@db/x"])
def test_unsupported_database_urls_are_refused(lab: Path, url: str) -> None:
    result = run("vin", "check", STOLEN, "--registry", url)
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "unsupported database URL scheme" in line and "s3cret" not in line


def test_a_database_password_is_never_echoed(lab: Path) -> None:
    result = run("registry", "search", "--vin", STOLEN,
                 "--registry", "postgresql+psycopg://lab:s3cret@127.0.0.1:1/docsec")  # fmt: skip
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "s3cret" not in line and "lab:***@" in line


# ----------------------------------------------------------------- look-alike, near, exit codes


def test_a_near_miss_is_not_a_lookalike(registry: Path) -> None:
    plain = run("vin", "check", OTHER, "--registry", "reg.sqlite", "--json")
    assert plain.exit_code == 0
    (row,) = json_lines(plain)
    assert row["registry"]["hits"] == []  # type: ignore[index]
    near = run("vin", "check", OTHER, "--registry", "reg.sqlite", "--near", "--json")
    assert near.exit_code == 3
    (hit,) = json_lines(near)[0]["registry"]["hits"]  # type: ignore[index]
    assert hit["match"] == "near" and hit["record"]["vin"] == STOLEN
    search = run("registry", "search", "--vin", OTHER, "--registry", "reg.sqlite", "--json")
    assert search.exit_code == 0 and json_lines(search)[0]["hits"] == []
    assert json_lines(search)[0]["query"] == {  # booleans are booleans
        "kind": "vin", "value": OTHER, "fuzzy": True, "near": False}  # fmt: skip


def test_candidates_win_the_exit_code(registry: Path) -> None:
    # the O makes the VIN invalid (exit 1), but the stolen look-alike must show: 3
    result = run("vin", "check", CHERY_O, "--registry", "reg.sqlite", "--json")
    assert result.exit_code == 3
    (row,) = json_lines(result)
    assert row["valid"] is False
    assert row["registry"]["hits"][0]["match"] == "lookalike"  # type: ignore[index]
    batch = run("vin", "check", STOLEN, "NOTAVIN", "--registry", "reg.sqlite")
    assert batch.exit_code == 3


@pytest.mark.parametrize(
    "command",
    [["vin", "check"], ["registry", "search"], ["registry", "seed"], ["registry", "import"],
     ["mrz", "parse"], ["mrz", "render"], ["read"], ["generate"], ["exercise", "generate"],
     ["demo"]],
)  # fmt: skip
def test_every_command_documents_its_exit_codes(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "Exit codes: 0" in text, text


# ------------------------------------------------------------------------- registry hygiene


def test_seeding_and_importing_again_duplicate_nothing(lab: Path) -> None:
    first = run("registry", "seed", "--records", "300", "--seed", "4", "--json")
    again = run("registry", "seed", "--records", "300", "--seed", "4", "--json")
    assert (first.exit_code, again.exit_code) == (0, 0)
    assert json_lines(first)[0]["inserted"] == 300
    counts = json_lines(again)[0]
    assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (0, 0, 300)
    assert counts["registry_count"] == 300
    records = list(make_records(300, seed=4))
    path = lab / "list.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        write_records(records[:10], fh, format="jsonl")
    rows = path.read_text(encoding="utf-8").splitlines()
    edited = json.loads(rows[0]) | {"colour": "lilac"}
    rows[0] = json.dumps(edited)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("registry", "import", str(path), "--json")
    assert result.exit_code == 0, result.output
    counts = json_lines(result)[0]
    assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (0, 1, 9)
    assert counts["registry_count"] == 300


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("excel.csv", "\ufeffvin;make;reporting_country;date_reported;case_ref\r\n"
                      f"{STOLEN};Land Rover;UTO;2024-05-01;UTO-1\r\n"),
        ("tabs.csv", f"vin\treporting_country\tdate_reported\n{STOLEN}\tUTO\t2024-05-01\n"),
    ],
)  # fmt: skip
def test_excel_csv_is_read(lab: Path, name: str, text: str) -> None:
    (lab / name).write_text(text, encoding="utf-8", newline="")
    result = run("registry", "import", name, "--json")
    assert result.exit_code == 0, result.output
    assert json_lines(result)[0]["inserted"] == 1
    found = run("registry", "search", "--vin", STOLEN, "--json")
    assert found.exit_code == 3
    hit = json_lines(found)[0]["hits"][0]  # type: ignore[index]
    assert hit["record"]["reporting_country"] == "UTO"


def _pg_url() -> str | None:
    return os.environ.get("DOCSEC_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, lab: Path) -> Iterator[str]:
    """A registry holding two records, on SQLite and (in CI) PostgreSQL."""
    if request.param == "sqlite":
        target = str(lab / "reg.sqlite")
    else:
        url = _pg_url()
        if not url:
            pytest.skip("set DOCSEC_TEST_PG_URL to run the PostgreSQL registry tests")
        from sqlalchemy import create_engine

        from docsec.registry.sql import metadata

        engine = create_engine(url)
        metadata.drop_all(engine)
        engine.dispose()
        target = url
    reg = SqlRegistry(target, create=True)
    reg.add(make_records(2, seed=1))
    reg.close()
    yield target


@pytest.mark.parametrize(
    ("bad", "expect"),
    [
        ("Ro\x00ver", "U+0000"),
        ("Ro\u202erev", "U+202E"),  # right-to-left override: displays as something else
        ("Ro\u2066ver", "U+2066"),
        ("x" * 100, "at most 60"),
        ("x" * 1_000_000, "longer than"),
    ],
    ids=["nul", "rlo", "isolate", "oversize", "million"],
)
def test_hostile_fields_are_refused_by_line_and_load_nothing(
    lab: Path, database: str, bad: str, expect: str
) -> None:
    path = lab / "list.csv"
    path.write_text(
        "vin,make,reporting_country,date_reported,case_ref\n"
        f"{CHERY},Chery,ZZA,2024-06-02,ZZA-1\n"
        f"{STOLEN},{bad},UTO,2024-05-01,UTO-1\n",
        encoding="utf-8",
    )
    result = run("registry", "import", str(path), "--registry", database)
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "line 3" in line and expect in line, line
    reg = SqlRegistry(database)
    try:
        assert reg.count() == 2  # all or nothing
    finally:
        reg.close()


def test_a_file_in_another_encoding_says_what_to_do(lab: Path) -> None:
    path = lab / "list.csv"
    path.write_bytes(f"vin,make,reporting_country,date_reported\n{STOLEN},Citroën,UTO,"
                     "2024-05-01\n".encode("latin-1"))  # fmt: skip
    result = run("registry", "import", str(path), "--json")
    assert result.exit_code == 2
    assert "CSV UTF-8" in json_error(result)["message"]
    assert tree(lab) == ["list.csv"]  # no registry created for a file that loads nothing


# ---------------------------------------------------------------- reference date and valid


@pytest.mark.parametrize(
    "command",
    [["mrz", "parse", *EXPIRED_TD3], ["demo"], ["read", str(SAMPLES / "s02" / "capture_scan.jpg")],
     ["generate", "uto_passport_td3", "--out", "out"], ["exercise", "generate", "--out", "out"]],
)  # fmt: skip
@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "15/01/2026"])
def test_a_bad_reference_date_is_one_line(lab: Path, command: list[str], value: str) -> None:
    result = run(*command, "--reference-date", value)
    assert result.exit_code == 2
    assert "--reference-date" in one_line_error(result)
    as_json = run(*command, "--reference-date", value, "--json")
    assert as_json.exit_code == 2 and json_error(as_json)["code"] == "UsageError"
    assert tree(lab) == []


def test_valid_means_one_thing_and_says_why_not() -> None:
    expired = run("mrz", "parse", *EXPIRED_TD3, "--reference-date", "2026-01-15", "--json")
    assert expired.exit_code == 1
    (row,) = json_lines(expired)
    assert row["valid"] is False
    assert [r["id"] for r in row["invalid_reasons"]] == ["mrz.expired"]  # type: ignore[attr-defined]
    current = run("mrz", "parse", *EXPIRED_TD3, "--reference-date", "2010-01-01", "--json")
    assert current.exit_code == 0
    assert json_lines(current)[0]["invalid_reasons"] == []
    human = run("mrz", "parse", *EXPIRED_TD3, "--reference-date", "2026-01-15")
    assert "not valid: mrz.expired" in human.stdout


@pytest.mark.slow
def test_samples_read_with_their_reference_date() -> None:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    ref = manifest["reference_date"]
    scan = str(SAMPLES / "s02" / "capture_scan.jpg")
    result = run("read", scan, "--no-viz", "--json", "--reference-date", ref)
    (row,) = json_lines(result)
    mrz = row["mrz"]
    assert isinstance(mrz, dict)
    failed = {f["id"] for f in mrz["findings"] if f["status"] == "fail"}
    assert "mrz.expired" not in failed
    assert "candidates" not in mrz  # about 10 kB an image: only on request
    assert mrz["valid"] is (not mrz["invalid_reasons"])
    assert result.exit_code == (0 if mrz["valid"] else 1)
    # the same genuine document is expired ten years on; valid and the findings agree
    later = (dt.date.fromisoformat(ref) + dt.timedelta(days=3653 * 2)).isoformat()
    result = run("read", scan, "--no-viz", "--json", "--candidates", "--reference-date", later)
    (row,) = json_lines(result)
    mrz = row["mrz"]
    assert isinstance(mrz, dict) and "candidates" in mrz
    assert mrz["valid"] is False and result.exit_code == 1
    assert "mrz.expired" in {r.get("id") for r in mrz["invalid_reasons"]}


def test_td1_in_two_lines_is_named() -> None:
    result = run("mrz", "parse", "IDUTOD231458907<<<<<<<<<<<<<<<",
                 "7408122F1204159UTO<<<<<<<<<<<6")  # fmt: skip
    assert result.exit_code == 2
    assert "TD1 needs 3 lines" in one_line_error(result)


# -------------------------------------------------------------- images and output folders


@pytest.mark.slow
def test_degenerate_images_are_errors_and_the_batch_goes_on(lab: Path) -> None:
    names = []
    for w, h in [(20000, 1), (1, 20000), (60000, 3)]:
        name = f"strip_{w}x{h}.png"
        Image.new("RGB", (w, h), "white").save(lab / name)
        names.append(name)
    scan = str(SAMPLES / "s02" / "capture_scan.jpg")
    result = run("read", *names, scan, "--no-viz", "--json", "--reference-date", "2026-01-15")
    rows = json_lines(result)
    assert [r["image"] for r in rows] == [*names, scan]
    for row in rows[:3]:
        assert row["error"]["code"] == "ImageLoadError"  # type: ignore[index]
        assert "too thin" in row["error"]["message"]  # type: ignore[index]
    assert rows[3]["mrz"] is not None
    assert result.exit_code == 1
    human = run("read", names[0], "--no-viz")
    assert human.exit_code == 1 and len(human.stderr.splitlines()) == 1


def test_rectified_into_a_file_is_one_line(lab: Path) -> None:
    (lab / "taken").write_text("keep me", encoding="utf-8")
    result = run("read", str(SAMPLES / "s02" / "capture_scan.jpg"), "--rectified", "taken")
    assert result.exit_code == 2
    assert "not a folder" in one_line_error(result)
    assert (lab / "taken").read_text(encoding="utf-8") == "keep me"


@pytest.mark.slow
def test_rectified_pages_of_the_same_name_are_all_kept(lab: Path) -> None:
    scans = [SAMPLES / s / "capture_scan.jpg" for s in ("s01", "s02")]
    (lab / "rect").mkdir()
    (lab / "rect" / "capture_scan.png").write_bytes(b"an earlier page")
    result = run("read", *map(str, scans), "--no-viz", "--rectified", "rect", "--json")
    written = [r.get("rectified") for r in json_lines(result)]
    assert len(set(written)) == len(written) == 2
    assert (lab / "rect" / "capture_scan.png").read_bytes() == b"an earlier page"
    assert tree(lab / "rect") == ["capture_scan-2.png", "capture_scan-3.png", "capture_scan.png"]


@pytest.mark.parametrize("command", [["generate", "uto_passport_td3", "--view", "white"],
                                     ["exercise", "generate", "--count", "1"]])  # fmt: skip
def test_generation_never_leaves_half_a_folder(lab: Path, command: list[str]) -> None:
    (lab / "afile").write_text("keep me", encoding="utf-8")
    for out, expect in [("afile", "not a folder"), ("afile/sub", "not a folder")]:
        result = run(*command, "--out", out)
        assert result.exit_code == 2
        assert expect in one_line_error(result)
    result = run(*command, "--out", "out", "--dpi", "10")
    assert result.exit_code == 2 and "dpi" in one_line_error(result)
    assert tree(lab) == ["afile"]  # --dpi 10 leaves no empty folder
    (lab / "used").mkdir()
    (lab / "used" / "stale.png").write_bytes(b"from an earlier run")
    result = run(*command, "--out", "used", "--json")
    assert result.exit_code == 2 and json_error(result)["code"] == "OutputError"
    assert tree(lab / "used") == ["stale.png"]
    result = run(*command, "--out", "used", "--force", "--seed", "2", "--json")
    assert result.exit_code == 0, result.output
    assert json_lines(result)[0]["out"] == "used"
    assert "stale.png" not in tree(lab / "used")
    assert not [p for p in lab.iterdir() if p.name.endswith(".partial")]


def test_an_interrupted_exercise_leaves_nothing(
    lab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docsec.generate.exercise as exercise

    real = exercise.make_document
    calls = []

    def interrupted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(exercise, "make_document", interrupted)
    result = run("exercise", "generate", "--count", "3", "--out", "ex", "--seed", "1")
    assert result.exit_code != 0 and len(calls) == 2
    assert tree(lab) == []


# ----------------------------------------------------------------------------- JSON dialect


def test_every_data_command_speaks_compact_json_lines(lab: Path) -> None:
    commands = [
        ["registry", "seed", "--records", "50", "--json"],
        ["demo", "--json", "--reference-date", "2026-01-15"],
        ["mrz", "parse", *EXPIRED_TD3, "--json", "--reference-date", "2010-01-01"],
        ["mrz", "render", "--format", "TD3", "--document-code", "P", "--issuing-state", "UTO",
         "--primary-identifier", "Eriksson", "--secondary-identifier", "Anna", "--document-number",
         "L898902C3", "--nationality", "UTO", "--birth-date", "1974-08-12", "--sex", "F",
         "--expiry-date", "2032-04-15", "--json"],
        ["vin", "check", STOLEN, OTHER, "--json"],
        ["registry", "search", "--vin", STOLEN, "--json"],
    ]  # fmt: skip
    for command in commands:
        result = run(*command)
        assert result.exit_code in (0, 1, 3), (command, result.output)
        rows = json_lines(result)
        assert rows, command
        assert "\n" not in result.stdout.rstrip("\n").replace("\n{", "")
    assert len(json_lines(run("vin", "check", STOLEN, OTHER, "--json"))) == 2
    assert len(json_lines(run("demo", "--json"))) == 7
    render = json_lines(run(*commands[3]))[0]
    assert "primary_identifier" in render["data"]  # type: ignore[operator]


def test_seeding_shows_progress_on_a_terminal_only(lab: Path) -> None:
    quiet = runner.invoke(app, ["registry", "seed", "--records", "2000"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    terminal = runner.invoke(app, ["registry", "seed", "--records", "2000", "--seed", "1"],
                             env={"TTY_COMPATIBLE": "1"})  # fmt: skip
    assert terminal.exit_code == 0 and "seeding" in terminal.stderr
