"""The command line keeps BLAS to one thread per image unless the caller says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

_PROBE = "import docsec.cli, os; print(os.environ.get('OPENBLAS_NUM_THREADS'))"


def _probe(env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                         text=True, check=True, timeout=60)  # fmt: skip
    return out.stdout.strip()


def test_cli_limits_blas_threads_by_default() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _probe(env) == "1"


def test_cli_keeps_the_callers_setting() -> None:
    assert _probe({**os.environ, "OPENBLAS_NUM_THREADS": "2"}) == "2"
