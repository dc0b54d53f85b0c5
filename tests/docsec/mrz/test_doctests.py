"""The examples in the docsec.mrz docstrings are tests too."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["docsec.mrz", "docsec.mrz.formats", "docsec.mrz.fields", "docsec.mrz.translit",
           "docsec.mrz.countries", "docsec.mrz.parse", "docsec.mrz.render",
           "docsec.mrz.clean"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
