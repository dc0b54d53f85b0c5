"""The docstring examples of docsec.vin and docsec.registry are tests too."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "docsec.vin",
    "docsec.vin.number",
    "docsec.vin.decode",
    "docsec.vin.check",
    "docsec.registry.base",
    "docsec.registry.lookalike",
    "docsec.registry.search",
    "docsec.registry.memory",
    "docsec.registry.sql",
    "docsec.registry.mock",
    "docsec.registry.load",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if name != "docsec.registry.base":
        assert result.attempted > 0, f"{name} has no examples"


def test_reference_tools_are_not_imported_by_the_library() -> None:
    import pathlib

    root = pathlib.Path(importlib.import_module("docsec").__file__).parent  # type: ignore[arg-type]
    for sub in ("vin", "registry"):
        for path in (root / sub).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "import vininfo" not in text and "from vininfo" not in text, path
