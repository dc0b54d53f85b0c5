"""``docsec reference MODEL --out DIR``: a model's reference sheet (PNG and HTML).

The genuine, unpersonalised specimen of the model in every light with numbered callouts of
its security features and a legend of their glossary terms in English and Russian:
``sheet.png``, one PNG per side and light, ``index.html`` and ``sheet.json``. The folder is
written all at once and must be absent or empty unless ``--force``. Exit codes: 0 written;
2 an unknown model, a bad dpi or a folder that cannot be written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from docsec.cli.output import emit, fail_with


def reference(
    model: Annotated[str, typer.Argument(help="Document model id (docsec generate --list).")],
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("reference"),
    dpi: Annotated[int, typer.Option(help="Resolution of the panels (50-600).")] = 150,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the content of a folder that is not empty.")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print what was written as one JSON object.")] = False,
) -> None:
    """Write the reference sheet of MODEL: its genuine specimen in every light, numbered."""
    from docsec.errors import DocsecError
    from docsec.generate.reference import reference_sheet, write_reference_sheet
    from docsec.outdir import check_target, staged_folder

    try:
        check_target(out, force=force)
        sheet = reference_sheet(model, dpi=dpi)
        with staged_folder(out, force=force) as stage:
            written = write_reference_sheet(sheet, stage)
    except DocsecError as exc:
        fail_with(exc, as_json=as_json)
    names = sorted(p.name for p in written)
    if as_json:
        emit({"model": sheet.model_id, "out": str(out), "files": names,
              "callouts": len(sheet.entries)})
    else:
        typer.echo(f"{sheet.model_id}: {len(sheet.entries)} features in {len(sheet.panels)} "
                   f"panels -> {out / 'index.html'}")
