"""``docsec serve``: run the training service (FastAPI under uvicorn).

``docsec serve [--host H] [--port P]`` serves ``/healthz``, the API under ``/api/v1`` and its
documentation at ``/docs``; settings come from ``DOCSEC_*`` variables (see
:mod:`service.settings`).
"""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Run the training service."""
    import uvicorn

    from service.app import create_app

    app = create_app()
    typer.echo(f"docsec service on http://{host}:{port} (API docs: http://{host}:{port}/docs)")
    uvicorn.run(app, host=host, port=port, log_level="info")
