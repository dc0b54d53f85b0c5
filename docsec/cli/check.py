"""``docsec check``: inspect a document in its lights, decide, and explain each finding.

``docsec check --white F [--uv365 F] [--uv254 F] [--ir F] [--transmitted F] [--tilt F ...]
[--white-back F ...] [--vin-plate F] [--level 1|2|3] [--registry URL] [--alerts FILE]
[--reference-date D] [--json | --html OUT]``, or ``docsec check DIR`` for an exercise item
folder: the views are found by file name (``white.png``, ``uv365.png``, ``tilt_1.png`` ...,
``*_back``, ``vin_plate.png``; ``capture_white.jpg`` and its siblings when there is no plain
view), the reference date comes from the exercise's ``manifest.json``, the registry extract
``registry.csv`` beside it is used when no registry is named and the document alert list
``document_alerts.csv`` (lost, stolen and revoked documents) when no ``--alerts`` is given.

Output: a summary (verdict, reasons, failing findings), ``--json`` one JSON object
(``verdict``, ``reasons``, ``model``, ``findings``, ``reading``, ``timings_ms``), ``--html OUT``
a self-contained HTML report. Exit codes: 0 accept, 1 refer or reject, 2 bad input (no
white view, unreadable image, unknown level, no document found).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from docsec.cli.output import FINDINGS, OK, emit, fail, fail_with, parse_date

if TYPE_CHECKING:
    import datetime as dt

    from docsec.alerts import DocumentAlerts
    from docsec.registry.base import VehicleRegistry

_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp")
_LIGHTS = ("white", "uv365", "uv254", "ir", "transmitted")


def _view_name(stem: str) -> str | None:
    """The view a file stem names (``capture_white`` -> ``white``), or None."""
    name = stem.removeprefix("capture_")
    base = name.removesuffix("_back")
    if name in ("vin_plate", "traveller") or base in _LIGHTS or (
        base.startswith("tilt_") and base[5:].isdigit()
    ):
        return name
    return None


def views_in_folder(folder: Path) -> dict[str, Path]:
    """View name -> file of an item folder; plain views win over ``capture_*`` files.

    Plain views of one item were taken from one position; captures are photos or scans
    of their own, used only for the views that have no plain file.
    """
    plain: dict[str, Path] = {}
    captured: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() not in _IMAGE_EXT or not p.is_file():
            continue
        name = _view_name(p.stem)
        if name is not None:
            (captured if p.stem.startswith("capture_") else plain)[name] = p
    return {**captured, **plain} if plain.keys() & {"white", "white_back"} else {
        **plain, **captured}


def _manifest_date(folder: Path) -> str | None:
    for cand in (folder / "manifest.json", folder.parent / "manifest.json"):
        if cand.is_file():
            try:
                data = json.loads(cand.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            value = data.get("reference_date") if isinstance(data, dict) else None
            return str(value) if value else None
    return None


def _extract_registry(folder: Path) -> VehicleRegistry | None:
    from docsec.registry.load import read_file
    from docsec.registry.memory import InMemoryRegistry

    for cand in (folder / "registry.csv", folder.parent / "registry.csv"):
        if cand.is_file():
            return InMemoryRegistry(list(read_file(cand)))
    return None


def _extract_alerts(folder: Path) -> Path | None:
    for cand in (folder / "document_alerts.csv", folder.parent / "document_alerts.csv"):
        if cand.is_file():
            return cand
    return None


def check(
    folder: Annotated[
        Path | None, typer.Argument(help="An exercise item folder (views found by file name).")
    ] = None,
    white: Annotated[Path | None, typer.Option("--white", help="White-light view.")] = None,
    uv365: Annotated[Path | None, typer.Option("--uv365", help="UV 365 nm view.")] = None,
    uv254: Annotated[Path | None, typer.Option("--uv254", help="UV 254 nm view.")] = None,
    ir: Annotated[Path | None, typer.Option("--ir", help="Infrared view.")] = None,
    transmitted: Annotated[
        Path | None, typer.Option("--transmitted", help="Transmitted-light view.")
    ] = None,
    tilt: Annotated[
        list[Path] | None, typer.Option("--tilt", help="Tilt frames, in order (repeat).")
    ] = None,
    white_back: Annotated[
        Path | None, typer.Option("--white-back", help="White light, second side.")
    ] = None,
    uv365_back: Annotated[
        Path | None, typer.Option("--uv365-back", help="UV 365 nm, second side.")
    ] = None,
    uv254_back: Annotated[
        Path | None, typer.Option("--uv254-back", help="UV 254 nm, second side.")
    ] = None,
    ir_back: Annotated[Path | None, typer.Option("--ir-back", help="IR, second side.")] = None,
    transmitted_back: Annotated[
        Path | None, typer.Option("--transmitted-back", help="Transmitted, second side.")
    ] = None,
    tilt_back: Annotated[
        list[Path] | None, typer.Option("--tilt-back", help="Tilt frames, second side.")
    ] = None,
    vin_plate: Annotated[
        Path | None, typer.Option("--vin-plate", help="Photo of the vehicle's VIN plate.")
    ] = None,
    traveller: Annotated[
        Path | None, typer.Option("--traveller", help="Photo of the person presenting it.")
    ] = None,
    level: Annotated[
        int, typer.Option("--level", min=1, max=3,
                          help="1: white + UV 365; 2: + UV 254, IR, transmitted, tilt; 3: all.")
    ] = 3,
    registry: Annotated[
        str | None, typer.Option("--registry", help="Stolen-vehicle registry (URL or path).")
    ] = None,
    alerts: Annotated[
        Path | None, typer.Option("--alerts", help="Lost, stolen and revoked documents list "
                                  "(CSV: document_number, issuing_state, document_type, "
                                  "status, date_reported, case_ref).")
    ] = None,
    reference_date: Annotated[
        str | None, typer.Option("--reference-date", help="'Today' of the check (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    separate: Annotated[
        bool, typer.Option("--separate", help="Views were taken from different positions "
                           "(hand-held): register each on its own.")
    ] = False,
) -> None:
    """Inspect a document: every security feature in every light, a verdict, the reasons.

    Exit codes: 0 accept; 1 refer to second line or reject; 2 bad input.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import cv2

    from docsec.alerts import read_alerts_file
    from docsec.cli.vin import open_registry
    from docsec.errors import DocsecError
    from docsec.imaging import load_image
    from docsec.inspect import inspect_document

    if as_json and html is not None:
        fail("--json and --html are exclusive", as_json=as_json)
    files: dict[str, Path] = {}
    extract: VehicleRegistry | None = None
    if folder is not None:
        if not folder.is_dir():
            fail(f"{folder} is not a folder", as_json=as_json)
        files = views_in_folder(folder)
        reference_date = reference_date or _manifest_date(folder)
        if registry is None:
            extract = _extract_registry(folder)
        if alerts is None:
            alerts = _extract_alerts(folder)
    given = {"white": white, "uv365": uv365, "uv254": uv254, "ir": ir,
             "transmitted": transmitted, "white_back": white_back, "uv365_back": uv365_back,
             "uv254_back": uv254_back, "ir_back": ir_back,
             "transmitted_back": transmitted_back, "vin_plate": vin_plate,
             "traveller": traveller}  # fmt: skip
    for k, frames in (("", tilt), ("_back", tilt_back)):
        for i, p in enumerate(frames or [], start=1):
            given[f"tilt_{i}{k}"] = p
    files.update({k: v for k, v in given.items() if v is not None})
    if not files.keys() & {"white", "white_back"}:
        fail("a white-light view is needed (--white, --white-back or a folder with white.png)",
             as_json=as_json)  # fmt: skip
    ref: dt.date | None = parse_date(reference_date, "--reference-date", as_json=as_json)
    reg = extract if extract is not None else open_registry(registry, must_exist=False,
                                                            as_json=as_json)
    alert_list: DocumentAlerts | None = None
    if alerts is not None:
        try:
            alert_list = read_alerts_file(alerts)
        except DocsecError as exc:
            fail(f"--alerts: {exc}", as_json=as_json, code=exc.code)
    cv2.setNumThreads(1)
    try:
        images = {name: load_image(path) for name, path in files.items()}
        for name in list(images):
            if name.startswith(("ir", "transmitted")):
                images[name] = cv2.cvtColor(images[name], cv2.COLOR_RGB2GRAY)
        report = inspect_document(images, level=level, reference_date=ref, registry=reg,
                                  fixed_position=not separate, alerts=alert_list)  # fmt: skip
    except DocsecError as exc:
        fail_with(exc, as_json=as_json)
    except cv2.error as exc:
        fail(f"the images cannot be processed: {str(exc).strip()}", as_json=as_json,
             code="ImageError")  # fmt: skip
    code = OK if report.verdict == "accept" else FINDINGS
    if html is not None:
        try:
            html.write_text(report.to_html(), encoding="utf-8")
        except OSError as exc:
            fail(f"--html: cannot write {html}: {exc.strerror or exc}", code="OutputError")
    if as_json:
        emit(report.to_dict())
        raise typer.Exit(code)
    _print_human(report, html)
    raise typer.Exit(code)


def _print_human(report: object, html: Path | None) -> None:
    from rich.console import Console

    from docsec.inspect import InspectionReport
    from docsec.report import Status

    assert isinstance(report, InspectionReport)
    console = Console(highlight=False)
    colour = {"accept": "green", "refer": "yellow", "reject": "red"}[report.verdict]
    model = report.model.id if report.model is not None else "page of no known model"
    console.print(f"[bold]{model}[/bold] (level {report.level}): "
                  f"[bold {colour}]{report.verdict.upper()}[/bold {colour}]")
    for r in report.reasons:
        console.print(f"  - {r['id']}: {r['en']}")
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.status.value] = counts.get(f.status.value, 0) + 1
    console.print("  findings: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for f in report.findings:
        if f.status in (Status.FAIL, Status.WARN, Status.ERROR):
            console.print(f"  [{f.status.value}] {f.id} ({f.view or '-'}): {f.message}")
    console.print(f"  {report.timings_ms.get('total', 0):.0f} ms")
    if html is not None:
        console.print(f"  report: {html}")
