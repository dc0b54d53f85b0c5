"""``docsec users``: accounts and lab API keys of the training service's database.

* ``docsec users create --role R --username U [--password P] [--language en|ru]`` (a password
  is generated and printed when none is given);
* ``docsec users api-key --username U [--rate-limit N]`` prints a new key for a lab account
  (shown once, stored hashed).

The database is the service's: ``DOCSEC_DATABASE_URL``, else the SQLite file under
``DOCSEC_DATA_DIR``. Exit codes: 0 done; 2 usage error, a bad ``DOCSEC_*`` value, a database
that cannot be opened, an unknown role, a taken user name or no such user.
"""

from __future__ import annotations

from typing import Annotated

import typer

from docsec.cli._service import fail, load_settings, open_database

app = typer.Typer(help="Accounts and lab API keys of the training service. Exit codes: 0 done, "
                  "2 usage, settings or database error.", no_args_is_help=True)


@app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help="admin, instructor, trainee or lab.")],
    username: Annotated[str, typer.Option("--username", help="Login name.")],
    password: Annotated[str | None, typer.Option(
        "--password", help="At least 10 characters (default: generated and printed).")] = None,
    language: Annotated[str, typer.Option("--language", help="Feedback language: en or ru.")]
    = "en",
) -> None:
    """Create an account. Exit codes: 0 created; 2 usage, settings or database error, an
    unknown role or a taken user name."""
    from service.auth import create_user, new_password

    secret = password or new_password()
    with open_database(load_settings()) as db:
        try:
            with db.session() as session:
                create_user(session, username=username, role=role, password=secret,
                            language=language)
        except (ValueError, LookupError) as exc:
            raise fail(str(exc.args[0] if exc.args else exc)) from None
    typer.echo(f"created {role} {username}")
    if password is None:
        typer.echo(f"password: {secret}")


@app.command("api-key")
def api_key(
    username: Annotated[str, typer.Option("--username", help="A lab account.")],
    rate_limit: Annotated[int | None, typer.Option(
        "--rate-limit", min=1, help="Requests a minute (default DOCSEC_LAB_RATE_LIMIT_PER_MIN).")]
    = None,
) -> None:
    """Create an API key for a lab account and print it (shown once). Exit codes: 0 printed;
    2 usage, settings or database error, or no such lab account."""
    from sqlalchemy import select

    from service.auth import issue_api_key
    from service.models import User

    settings = load_settings()
    with open_database(settings) as db:
        try:
            with db.session() as session:
                user = session.scalar(select(User).where(User.username == username))
                if user is None:
                    raise ValueError(f"no user {username!r}")
                key = issue_api_key(session, user,
                                    rate_limit or settings.lab_rate_limit_per_min)
        except ValueError as exc:
            raise fail(str(exc)) from None
    typer.echo(key)
