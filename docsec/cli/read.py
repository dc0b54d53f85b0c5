"""``docsec read IMAGE...``: locate and read the MRZ (and the visual zone) of captures.

One process reads every image given; with ``--json`` each image is one compact JSON line
(JSON Lines) in the shape of :meth:`docsec.read.Reading.to_dict` (per-character candidates
only with ``--candidates``). ``--rectified DIR`` writes each located page warped upright to
its model's frame (``DIR/<image stem>.png``, 300 dpi; ``<stem>-2.png``... when the name is
taken: nothing is overwritten). ``--debug DIR`` writes the MRZ band candidates and the
fitted character grid over each image (``<stem>.bands.png``, ``<stem>.grid.png``), to see
why an MRZ was or was not found. An image that cannot be read is reported (a JSON error
object with ``--json``) and the batch goes on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from docsec.cli.output import FINDINGS, OK, emit, fail, parse_date

app = typer.Typer(help="Read the MRZ and visual zone of document captures.")


@app.command("read")
def read(
    images: Annotated[
        list[Path], typer.Argument(help="Image files (PNG, JPEG, TIFF, WebP, BMP).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per image (JSON Lines).")
    ] = False,
    candidates: Annotated[
        bool,
        typer.Option("--candidates", help="With --json: per-character candidate probabilities."),
    ] = False,
    viz: Annotated[
        bool, typer.Option("--viz/--no-viz", help="OCR the visual-zone fields too.")
    ] = True,
    reference_date: Annotated[
        str | None,
        typer.Option(
            "--reference-date",
            help="'Today' for the expiry check (YYYY-MM-DD; samples and exercises name "
            "theirs in their manifest). Default: today.",
        ),
    ] = None,
    max_pixels: Annotated[int, typer.Option(help="Refuse images with more pixels.")] = 40_000_000,
    rectified: Annotated[
        Path | None,
        typer.Option("--rectified", help="Write each located page, rectified, to this directory."),
    ] = None,
    dpi: Annotated[
        int, typer.Option(min=50, max=1200, help="Resolution of the rectified pages.")
    ] = 300,
    debug: Annotated[
        Path | None,
        typer.Option("--debug", help="Write the MRZ band candidates (<stem>.bands.png) and the "
                     "fitted character grid (<stem>.grid.png) over each image to this directory."),
    ] = None,
) -> None:
    """Read each IMAGE: document model, quad, orientation, MRZ lines, confidences, findings.

    A reading is valid when an MRZ was read, every check passes and every character is
    trusted; otherwise the output says why (invalid_reasons). Exit codes: 0 every image
    gave a valid MRZ or a page of a known model without one; 1 some image could not be
    read, gave nothing, or its MRZ is not valid; 2 a bad option (date, output folder).
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import datetime as dt

    import cv2

    from docsec.errors import DocsecError, OutputError
    from docsec.imaging import load_image
    from docsec.outdir import ensure_folder, unused_path
    from docsec.read import read_document, rectify

    ref = parse_date(reference_date, "--reference-date", as_json=as_json) or dt.date.today()
    for option, folder in (("--rectified", rectified), ("--debug", debug)):
        if folder is not None:
            try:
                ensure_folder(folder)
            except OutputError as exc:
                fail(f"{option}: {exc}", as_json=as_json, code=exc.code)
    cv2.setNumThreads(1)  # one image at a time: worker threads only add latency
    failures = 0
    written: set[Path] = set()
    for path in images:
        try:
            try:
                image = load_image(path, max_pixels=max_pixels)
                reading = read_document(image, name=str(path), viz=viz, reference_date=ref)
            except cv2.error as exc:  # a last guard: one bad image never stops the batch
                raise DocsecError(f"the image cannot be processed: {str(exc).strip()}") from None
            out = reading.to_dict(candidates=candidates)
            if rectified is not None and reading.page is not None and reading.page.model:
                page = rectify(image, reading.page, dpi=dpi)
                target = unused_path(rectified, path.stem, ".png", written)
                if not cv2.imwrite(str(target), cv2.cvtColor(page, cv2.COLOR_RGB2BGR)):
                    raise OutputError(f"cannot write {target}")
                written.add(target)
                out["rectified"] = str(target)
            if debug is not None:
                from docsec.read.debug import write_debug

                free = unused_path(debug, path.stem, ".bands.png", written)
                stem = free.name.removesuffix(".bands.png")
                pictures = write_debug(debug, stem, image, reading.mrz)
                written.update(pictures)
                out["debug"] = [str(p) for p in pictures]
        except DocsecError as exc:
            failures += 1
            err = {"image": str(path), "error": {"code": exc.code, "message": str(exc)}}
            if as_json:
                emit(err)
            else:
                typer.echo(f"{path}: {exc.code}: {exc}", err=True)
            continue
        document = out["document"]
        mrz = out["mrz"]
        if isinstance(mrz, dict):
            failures += not mrz["valid"]
        elif not (isinstance(document, dict) and document.get("model")):
            failures += 1
        if as_json:
            emit(out)
        else:
            typer.echo(_summary(out))
    raise typer.Exit(FINDINGS if failures else OK)


def _summary(out: dict[str, object]) -> str:
    lines = [f"{out['image']}:"]
    doc = out["document"]
    mrz = out["mrz"]
    if not isinstance(doc, dict):
        return f"{out['image']}: no MRZ found"
    if not isinstance(mrz, dict):
        if not doc.get("model"):
            return f"{out['image']}: no MRZ and no known document found"
        lines.append(f"  model {doc['model']} ({doc.get('side')}), "
                     f"orientation {doc.get('orientation')}°, no MRZ")  # fmt: skip
        lines.extend(_viz_lines(out))
        return "\n".join(lines)
    lines.append(
        f"  model {doc.get('model') or '?'}, orientation {doc.get('orientation')}°, "
        f"format {mrz['format']}, {'valid' if mrz['valid'] else 'NOT valid'}"
    )
    lines.extend(f"  {text}" for text in mrz["lines"])
    for c in mrz["corrections"]:
        lines.append(
            f"  corrected {c['position']}: {c['found']} -> {c['chosen']} ({c['reason']})"
        )
    for f in mrz["findings"]:
        if isinstance(f, dict) and f.get("status") in ("fail", "warn"):
            lines.append(f"  {f['status']}: {f['id']} {f.get('message', '')}")
    for r in mrz.get("invalid_reasons") or []:
        if isinstance(r, dict) and r.get("reason") != "finding":
            lines.append(f"  not valid: {r.get('reason')}: {r.get('message')}")
    lines.extend(_viz_lines(out))
    return "\n".join(lines)


def _viz_lines(out: dict[str, object]) -> list[str]:
    viz = out.get("viz")
    if not isinstance(viz, dict):
        return []
    return [f"  viz {name}: {v['value']!r} ({v['confidence']})" for name, v in viz.items()]
