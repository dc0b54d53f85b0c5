"""``docsec serve``: run the training service (FastAPI under uvicorn).

``docsec serve [--host H] [--port P] [--demo]`` serves ``/healthz``, the API under ``/api/v1``
and its documentation at ``/docs``; settings come from ``DOCSEC_*`` variables (see
:mod:`service.settings`). ``--demo`` first prepares demo accounts with fresh passwords, a lab
API key, a seeded mock registry with the samples' extract and an assigned exercise, and prints
how to log in.
"""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Prepare demo accounts, registry and exercise; print the log-ins.")]
    = False,
) -> None:
    """Run the training service."""
    import uvicorn

    from docsec.errors import DocsecError
    from service.app import create_app
    from service.settings import Settings

    settings = Settings()
    base = f"http://{host}:{port}"
    if demo:
        from service.demo import instructions, seed_demo

        try:
            setup = seed_demo(settings)
        except DocsecError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(instructions(setup, base))
    app = create_app(settings)
    typer.echo(f"docsec service on {base} (data: {settings.data_dir}; API docs: {base}/docs)")
    uvicorn.run(app, host=host, port=port, log_level="info")
