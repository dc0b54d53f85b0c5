"""Mock stolen-vehicle registry (INTERPOL SMV-like): records, search, storage, mock lists.

A hit is a lead, never a verdict: every answer carries :data:`ADVICE`.

* :mod:`docsec.registry.base`: ``StolenRecord``, ``Match``, ``SearchAnswer``, the
  ``VehicleRegistry`` Protocol;
* :mod:`docsec.registry.memory`: ``InMemoryRegistry``;
* :mod:`docsec.registry.sql`: ``SqlRegistry`` (SQLite file by default, PostgreSQL by URL);
* :mod:`docsec.registry.mock`: ``make_vehicle``, ``make_records`` (seeded, synthetic);
* :mod:`docsec.registry.lookalike`: look-alike folding, blocking keys, weighted distance.
"""

from docsec.registry.base import (
    ADVICE,
    Match,
    SearchAnswer,
    StolenRecord,
    VehicleRegistry,
    normalize_key,
)

__all__ = ["ADVICE", "Match", "SearchAnswer", "StolenRecord", "VehicleRegistry", "normalize_key"]
