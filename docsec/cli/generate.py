"""``docsec generate`` (one document) and ``docsec exercise generate`` (an exercise set).

``docsec generate MODEL --seed N [--defect ID]... --out DIR`` writes every view as PNG and
``document.json`` (the data and the answer key of that document). ``docsec generate --list``
prints the models and the defect catalogue. ``docsec exercise generate --topic document|vehicle
|mixed --level 1|2|3 --count N --forgery-rate R --out DIR`` writes the trainee package
(``DIR/trainee``: views, captures, registry extract, ``manifest.json`` with no answers) and the
instructor package (``DIR/instructor/answer_key.json`` with the parameters and the seed),
showing a progress bar. Without ``--seed`` each exercise gets a fresh secret seed; the same
seed gives byte-identical files.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Annotated

import typer

exercise_app = typer.Typer(
    help="Exercise sets: synthetic documents and vehicles with planted defects and answer keys.",
    no_args_is_help=True,
)


def _date(text: str | None) -> datetime.date:
    if text is None:
        return datetime.date(2026, 1, 15)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


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
    list_: Annotated[bool, typer.Option("--list", help="List models and defects.")] = False,
) -> None:
    """Generate one synthetic document: all its views as PNG plus document.json."""
    from docsec.errors import DocsecError
    from docsec.generate import make_document
    from docsec.generate.defects import applicable, catalogue
    from docsec.generate.exercise import save_png
    from docsec.models import load_models

    if list_:
        for mid, m in load_models().items():
            typer.echo(f"{mid:26s} {m.kind:22s} {m.issuer}  views: {', '.join(m.view_names())}")
        typer.echo("")
        for spec in catalogue().values():
            models = [mid for mid, m in load_models().items() if spec.id in applicable(m)]
            typer.echo(f"{spec.id:34s} d{spec.difficulty} {spec.forgery_type:40s} "
                       f"{len(models)} models")
        return
    if model is None:
        typer.echo("error: give a model id (docsec generate --list shows them)", err=True)
        raise typer.Exit(2)
    try:
        doc = make_document(model, rng=seed, defects=tuple(defect or ()),
                            reference_date=_date(reference_date), dpi=dpi, views=view)
    except DocsecError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    out.mkdir(parents=True, exist_ok=True)
    for name, image in doc.views.items():
        save_png(image, out / f"{name}.png", compress_level=6)
    data = {"seed": seed, **doc.to_dict()}
    (out / "document.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
    )
    typer.echo(f"{model}: {len(doc.views)} views, {'genuine' if doc.genuine else 'defective'}"
               f" -> {out}")


@exercise_app.command("generate")
def exercise_generate(
    out: Annotated[Path, typer.Option(help="Output directory (trainee/ and instructor/).")],
    topic: Annotated[str, typer.Option(help="document, vehicle or mixed.")] = "document",
    level: Annotated[int, typer.Option(
        help="Trainee level, the tools given: 1 white + UV 365; 2 adds IR, transmitted, tilt.")
    ] = 1,
    capture_level: Annotated[int | None, typer.Option(
        help="1 clean scan, 2 degraded scan, 3 hard photo (default: --level).")] = None,
    defect_level: Annotated[int | None, typer.Option(
        help="Highest defect difficulty, 1-3 (default: --level).")] = None,
    count: Annotated[int, typer.Option(help="Number of items.")] = 10,
    forgery_rate: Annotated[float, typer.Option(help="Share of items with a defect.")] = 0.5,
    seed: Annotated[int | None, typer.Option(
        help="Seed to reproduce an exercise (default: a fresh secret seed).")] = None,
    dpi: Annotated[int, typer.Option(help="Resolution of the views.")] = 200,
    reference_date: Annotated[
        str | None, typer.Option(help="The exercise's 'today' (YYYY-MM-DD, default 2026-01-15).")
    ] = None,
) -> None:
    """Generate an exercise: OUT/trainee/ (views, captures, manifest) and OUT/instructor/."""
    from rich.progress import Progress

    from docsec.errors import DocsecError
    from docsec.generate.exercise import make_exercise

    try:
        with Progress(transient=True) as bar:
            task = bar.add_task("generating", total=count)
            result = make_exercise(
                topic=topic, level=level, capture_level=capture_level,
                defect_level=defect_level, count=count, forgery_rate=forgery_rate, seed=seed,
                out=out, reference_date=_date(reference_date), dpi=dpi,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except DocsecError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    forged = result.answer_key["forged"]
    typer.echo(f"{count} items ({forged} with a defect): give trainees {result.trainee_dir}; "
               f"the answer key and seed are in {result.instructor_dir}")
