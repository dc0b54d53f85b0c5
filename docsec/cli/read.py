"""``docsec read IMAGE...``: locate and read the MRZ (and the visual zone) of captures.

One process reads every image given; with ``--json`` each image is one JSON line
(JSON Lines) in the shape of :meth:`docsec.read.Reading.to_dict`. ``--rectified DIR``
writes each located page warped upright to its model's frame (``DIR/<image stem>.png``,
300 dpi). Exit code 0 when every image gave an MRZ or a page of a known model, 1
otherwise (unreadable images are reported, not fatal).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Read the MRZ and visual zone of document captures.")


@app.command("read")
def read(
    images: Annotated[
        list[Path], typer.Argument(help="Image files (PNG, JPEG, TIFF, WebP, BMP).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per image (JSON Lines).")
    ] = False,
    viz: Annotated[
        bool, typer.Option("--viz/--no-viz", help="OCR the visual-zone fields too.")
    ] = True,
    reference_date: Annotated[
        str | None,
        typer.Option("--reference-date", help="Date for the expiry check (YYYY-MM-DD)."),
    ] = None,
    max_pixels: Annotated[int, typer.Option(help="Refuse images with more pixels.")] = 40_000_000,
    rectified: Annotated[
        Path | None,
        typer.Option("--rectified", help="Write each located page, rectified, to this directory."),
    ] = None,
    dpi: Annotated[int, typer.Option(help="Resolution of the rectified pages.")] = 300,
) -> None:
    """Read each IMAGE: document model, quad, orientation, MRZ lines, confidences, findings."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import cv2

    from docsec.errors import DocsecError
    from docsec.imaging import load_image
    from docsec.read import read_document, rectify

    cv2.setNumThreads(1)  # one image at a time: worker threads only add latency
    ref = dt.date.fromisoformat(reference_date) if reference_date else dt.date.today()
    failures = 0
    if rectified is not None:
        rectified.mkdir(parents=True, exist_ok=True)
    for path in images:
        try:
            image = load_image(path, max_pixels=max_pixels)
            reading = read_document(image, name=str(path), viz=viz, reference_date=ref)
            out = reading.to_dict()
            if rectified is not None and reading.page is not None and reading.page.model:
                page = rectify(image, reading.page, dpi=dpi)
                target = rectified / f"{path.stem}.png"
                cv2.imwrite(str(target), cv2.cvtColor(page, cv2.COLOR_RGB2BGR))
                out["rectified"] = str(target)
        except DocsecError as exc:
            failures += 1
            err = {"image": str(path), "error": {"code": exc.code, "message": str(exc)}}
            if as_json:
                typer.echo(json.dumps(err, ensure_ascii=False))
            else:
                typer.echo(f"{path}: {exc.code}: {exc}", err=True)
            continue
        document = out["document"]
        if out["mrz"] is None and not (isinstance(document, dict) and document.get("model")):
            failures += 1
        if as_json:
            typer.echo(json.dumps(out, ensure_ascii=False))
        else:
            typer.echo(_summary(out))
    raise typer.Exit(1 if failures else 0)


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
    lines.extend(_viz_lines(out))
    return "\n".join(lines)


def _viz_lines(out: dict[str, object]) -> list[str]:
    viz = out.get("viz")
    if not isinstance(viz, dict):
        return []
    return [f"  viz {name}: {v['value']!r} ({v['confidence']})" for name, v in viz.items()]
