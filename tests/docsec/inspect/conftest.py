"""Documents for the inspection tests: generated once per session, at a small dpi."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from docsec.generate import SyntheticDocument, make_document

REF = dt.date(2026, 1, 15)
DPI = 200


@pytest.fixture(scope="session")
def make_doc() -> Callable[..., SyntheticDocument]:
    cache: dict[tuple[str, tuple[str, ...], int], SyntheticDocument] = {}

    def make(model: str, *defects: str, seed: int = 7) -> SyntheticDocument:
        key = (model, defects, seed)
        if key not in cache:
            cache[key] = make_document(model, rng=seed, defects=defects, reference_date=REF,
                                       dpi=DPI)
        return cache[key]

    return make
