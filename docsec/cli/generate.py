"""``docsec generate`` (one document) and ``docsec exercise generate`` (an exercise set).

``docsec generate MODEL --seed N [--defect ID]... --out DIR`` writes every view as PNG and
``document.json`` (the data and the answer key of that document). ``docsec generate --list``
prints the models and the defect catalogue. ``docsec exercise generate --topic document|vehicle
|mixed --level 1|2|3 --count N --forgery-rate R --out DIR`` writes the trainee package
(``DIR/trainee``: views, captures, registry extract, ``manifest.json`` with no answers) and the
instructor package (``DIR/instructor/answer_key.json`` with the parameters and the seed),
showing a progress bar. Without ``--seed`` each exercise gets a fresh secret seed; the same
seed gives byte-identical files.

Both write their folder all at once (a temporary folder moved in at the end: an error or
Ctrl-C leaves nothing behind) and refuse a folder that is not empty unless ``--force``,
which replaces its content. Exit codes: 0 written; 2 a bad option value, or the folder
cannot be written.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Annotated

import typer

from docsec.cli.output import emit, fail, fail_with, parse_date

exercise_app = typer.Typer(
    help="Exercise sets: synthetic documents and vehicles with planted defects and answer keys.",
    no_args_is_help=True,
)


FORCE_HELP = "Replace the content of a folder that is not empty."
JSON_HELP = "Print what was written as one JSON object."


def _date(text: str | None, as_json: bool) -> datetime.date:
    return parse_date(text, "--reference-date", as_json=as_json) or datetime.date(2026, 1, 15)


def generate(
    model: Annotated[str | None, typer.Argument(help="Document model id (see --list).")] = None,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same files.")] = 0,
    defect: Annotated[
        list[str] | None, typer.Option("--defect", "-d", help="Defect id to plant (repeatable).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out"),
    dpi: Annotated[int, typer.Option(help="Resolution of the views.")] = 300,
    view: Annotated[
        list[str] | None, typer.Option("--view", help="Only these views (repeatable).")
    ] = None,
    reference_date: Annotated[
        str | None, typer.Option(help="The exercise's 'today' (YYYY-MM-DD, default 2026-01-15).")
    ] = None,
    scenario: Annotated[str | None, typer.Option(
        help="Forgery scenario to plant (its coordinated defects; see --list).")] = None,
    list_: Annotated[bool, typer.Option(
        "--list", help="List models, defects and forgery scenarios (with --json: as JSON).")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Generate one synthetic document: all its views as PNG plus document.json.

    The output folder is written all at once and must be absent or empty unless --force.
    Exit codes: 0 written; 2 a bad option value (model, defect, view, dpi, date) or an
    output folder that cannot be written.
    """
    from docsec.errors import DocsecError
    from docsec.generate import make_document
    from docsec.generate.bundles import bundle_listing
    from docsec.generate.defects import catalogue_listing
    from docsec.generate.exercise import save_png
    from docsec.outdir import check_target, staged_folder

    if list_:
        listing = {**catalogue_listing(), **bundle_listing()}
        if as_json:
            emit(listing)
            return
        for m in listing["models"]:
            typer.echo(f"{m['id']:26s} {m['kind']:22s} {m['issuer']}  "
                       f"views: {', '.join(m['views'])}")
        typer.echo("")
        for d in listing["defects"]:
            typer.echo(f"{d['id']:34s} d{d['difficulty']} {d['forgery_type']:40s} "
                       f"{len(d['models'])} models")
        typer.echo("")
        for sc in listing["scenarios"]:
            typer.echo(f"{sc['id']:42s} d{sc['difficulty']} {len(sc['defects'])} defects, "
                       f"{len(sc['models'])} models")
        typer.echo("")
        for b in listing["bundles"]:
            docs = ", ".join(f"{d['role']} ({d['model']})" for d in b["documents"])
            typer.echo(f"{b['id']:42s} multi-document: {docs}")
        for sc in listing["bundle_scenarios"]:
            typer.echo(f"{sc['id']:42s} d{sc['difficulty']} on the {sc['document']} of "
                       f"{sc['bundle']}")
        return
    if model is None:
        fail("give a model id (docsec generate --list shows them)", as_json=as_json)
    ref = _date(reference_date, as_json)
    try:
        check_target(out, force=force)  # before any work
        doc = make_document(model, rng=seed, defects=tuple(defect or ()),
                            reference_date=ref, dpi=dpi, views=view, scenario=scenario)
        with staged_folder(out, force=force) as stage:
            for name, image in doc.views.items():
                save_png(image, stage / f"{name}.png", compress_level=6)
            data = {"seed": seed, **doc.to_dict()}
            (stage / "document.json").write_text(
                json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n",
                encoding="utf-8",
            )
    except DocsecError as exc:
        fail_with(exc, as_json=as_json)
    if as_json:
        emit({"model": model, "seed": seed, "genuine": doc.genuine, "out": str(out),
              "views": sorted(doc.views), "reference_date": ref.isoformat()})  # fmt: skip
    else:
        typer.echo(f"{model}: {len(doc.views)} views, "
                   f"{'genuine' if doc.genuine else 'defective'} -> {out}")  # fmt: skip


@exercise_app.command("generate")
def exercise_generate(
    out: Annotated[Path, typer.Option(help="Output directory (trainee/ and instructor/).")],
    topic: Annotated[str, typer.Option(help="document, vehicle or mixed.")] = "document",
    level: Annotated[int, typer.Option(
        help="Trainee level, the tools given: 1 white, UV 365 and a loupe; 2 adds IR, "
        "transmitted, tilt and UV 254; 3 adds magnified regions and reference sheets.")
    ] = 1,
    capture_level: Annotated[int | None, typer.Option(
        help="1 clean scan, 2 degraded scan, 3 hard photo (default: --level).")] = None,
    defect_level: Annotated[int | None, typer.Option(
        help="Highest defect difficulty, 1-3 (default: --level).")] = None,
    count: Annotated[int, typer.Option(help="Number of items.")] = 10,
    forgery_rate: Annotated[float, typer.Option(help="Share of items with a defect.")] = 0.5,
    drill: Annotated[list[str] | None, typer.Option(
        "--drill", help="Defect or scenario id forged items carry (repeatable; default: "
        "drawn from the catalogue by difficulty, half of them whole scenarios).")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Seed to reproduce an exercise (default: a fresh secret seed).")] = None,
    dpi: Annotated[int, typer.Option(help="Resolution of the views.")] = 200,
    reference_date: Annotated[
        str | None, typer.Option(help="The exercise's 'today' (YYYY-MM-DD, default 2026-01-15).")
    ] = None,
    magnify: Annotated[str | None, typer.Option(
        help="Level 3: regions magnified at 2400 dpi for every item, REGION[,REGION] of "
        "microprint, guilloche, rainbow, portrait, personalisation, mrz (default: those the "
        "catalogue's defects declare and the portrait).")] = None,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Generate an exercise: OUT/trainee/ (views, captures, manifest) and OUT/instructor/.

    OUT is written all at once (Ctrl-C or an error leaves nothing) and must be absent or
    empty unless --force. Exit codes: 0 written; 2 a bad option value or an output folder
    that cannot be written.
    """
    from rich.console import Console
    from rich.progress import Progress

    from docsec.errors import DocsecError
    from docsec.generate.exercise import make_exercise

    ref = _date(reference_date, as_json)
    console = Console(stderr=True)
    try:
        with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task("generating", total=count)
            result = make_exercise(
                topic=topic, level=level, capture_level=capture_level,
                defect_level=defect_level, count=count, forgery_rate=forgery_rate, seed=seed,
                out=out, reference_date=ref, dpi=dpi, force=force, drills=drill,
                magnify=None if magnify is None else [
                    r.strip() for r in magnify.split(",") if r.strip()],
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except DocsecError as exc:
        fail_with(exc, as_json=as_json)
    forged = result.answer_key["forged"]
    if as_json:
        emit({"out": str(out), "count": count, "forged": forged,
              "trainee": str(result.trainee_dir), "instructor": str(result.instructor_dir),
              "reference_date": ref.isoformat()})  # fmt: skip
    else:
        typer.echo(f"{count} items ({forged} with a defect): give trainees "
                   f"{result.trainee_dir}; the answer key and seed are in "
                   f"{result.instructor_dir}")  # fmt: skip
