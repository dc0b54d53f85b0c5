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

from docsec.cli._service import fail, load_settings, open_database


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Prepare demo accounts, registry and exercise; print the log-ins.")]
    = False,
) -> None:
    """Run the training service until interrupted.

    Exit codes: 0 stopped (Ctrl-C or SIGTERM); 1 the server could not start (the port taken,
    say); 2 usage error, a bad ``DOCSEC_*`` value or a database that cannot be opened.
    """
    import uvicorn

    from docsec.errors import DocsecError
    from service.app import create_app

    settings = load_settings()
    with open_database(settings):
        pass  # reachable and migrated before anything is served
    base = f"http://{host}:{port}"
    if demo:
        from service.demo import instructions, seed_demo

        try:
            setup = seed_demo(settings)
        except DocsecError as exc:
            raise fail(str(exc)) from None
        typer.echo(instructions(setup, base))
    app = create_app(settings)
    typer.echo(f"docsec service on {base} (data: {settings.data_dir}; API docs: {base}/docs)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    except SystemExit as exc:  # uvicorn exits with its own code when it cannot start
        if exc.code not in (0, None):
            raise fail(f"the service could not start on {base}", code=1) from None
        raise
