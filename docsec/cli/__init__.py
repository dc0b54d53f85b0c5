"""The ``docsec`` command line: thin commands that parse arguments, call the library, print.

Each sub-command group lives in its own module and is registered here.
"""

from __future__ import annotations

import os

# One image is worked on per thread (a command, or one of the service's worker threads):
# BLAS's own threads only contend with them. The OCR-B recogniser's one matrix product of a
# few hundred rows takes about 1.5 ms on one thread and tens of ms on two on a busy machine.
# Set before numpy is first imported; a value the caller set is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import typer  # noqa: E402

from docsec import __version__  # noqa: E402

app = typer.Typer(
    name="docsec",
    help="Training sandbox for travel-document security and stolen-vehicle checks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"docsec {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """docsec: synthetic documents and vehicles, and the checks that inspect them."""


def _register() -> None:
    # Sub-command groups: one module each (keep imports of heavy libraries inside commands).
    from docsec.cli import demo as demo_cli
    from docsec.cli import generate as generate_cli
    from docsec.cli import mrz as mrz_cli
    from docsec.cli import read as read_cli
    from docsec.cli import registry as registry_cli
    from docsec.cli import serve as serve_cli
    from docsec.cli import users as users_cli
    from docsec.cli import vin as vin_cli

    app.add_typer(mrz_cli.app, name="mrz")
    app.command("demo")(demo_cli.demo)
    app.command("read")(read_cli.read)
    app.add_typer(vin_cli.app, name="vin")
    app.add_typer(registry_cli.app, name="registry")
    app.command("generate")(generate_cli.generate)
    app.add_typer(generate_cli.exercise_app, name="exercise")
    app.command("reference")(__import__("docsec.cli.reference", fromlist=["reference"]).reference)
    app.command("check")(__import__("docsec.cli.check", fromlist=["check"]).check)
    app.command("serve")(serve_cli.serve)
    app.add_typer(users_cli.app, name="users")


_register()


def main() -> None:
    """Console-script entry point."""
    app()
