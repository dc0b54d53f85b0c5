"""Service settings, read from ``DOCSEC_*`` environment variables (Pydantic settings).

* ``DOCSEC_DATA_DIR``: exercises, the default SQLite database, the default registry and the
  signing key live here (default ``~/.local/share/docsec``);
* ``DOCSEC_DATABASE_URL``: an SQLAlchemy URL (``postgresql+psycopg://...``); default an SQLite
  file ``DATA_DIR/docsec.sqlite`` in WAL mode;
* ``DOCSEC_REGISTRY``: the stolen-vehicle registry (URL or SQLite file), default
  ``DATA_DIR/registry.sqlite``;
* ``DOCSEC_ALERTS``: the deployment's document alert list (lost, stolen and revoked
  documents, a CSV file as ``docsec check --alerts`` reads it), consulted by every document
  check of the lab API; none by default;
* ``DOCSEC_SECRET_KEY``: the token signing key; when not given, one is generated on first start
  and kept in ``DATA_DIR/secret_key`` (mode 0600), never in the repository;
* ``DOCSEC_TOKEN_LIFETIME_S``, ``DOCSEC_UPLOAD_MAX_BYTES``, ``DOCSEC_UPLOAD_MAX_PIXELS``,
  ``DOCSEC_LAB_RATE_LIMIT_PER_MIN`` (default for new API keys), ``DOCSEC_LOGIN_RATE_LIMIT_PER_MIN``,
  ``DOCSEC_EXERCISE_MAX_ITEMS`` (at most 200).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "docsec"


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DOCSEC_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    registry: str | None = None
    alerts: Path | None = None
    secret_key: SecretStr | None = None
    token_lifetime_s: int = Field(default=8 * 3600, ge=60, le=7 * 24 * 3600)
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    upload_max_pixels: int = Field(default=40_000_000, ge=10_000)
    lab_rate_limit_per_min: int = Field(default=6000, ge=1)
    login_rate_limit_per_min: int = Field(default=30, ge=1)
    #: items one exercise may have on this deployment (generation runs inside the request)
    exercise_max_items: int = Field(default=200, ge=1, le=200)

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @property
    def resolved_database_url(self) -> str:
        """The database URL (default: an SQLite file under the data directory)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'docsec.sqlite'}"

    @property
    def registry_target(self) -> str:
        """The registry's URL or SQLite file."""
        return self.registry or str(self.data_dir / "registry.sqlite")

    @property
    def exercises_dir(self) -> Path:
        """Where generated exercises are written."""
        return self.data_dir / "exercises"

    def signing_key(self) -> str:
        """The token signing key: given, or read from (or first written to) the data dir."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Written whole under a temporary name, then linked into place: of several processes
        # starting at once exactly one key wins and nobody reads a half-written file.
        tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        return path.read_text(encoding="utf-8").strip()
