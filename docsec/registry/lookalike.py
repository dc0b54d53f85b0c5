"""Look-alike VIN matching: folding, blocking keys and the weighted distance.

Officers, OCR engines and forgers confuse the same strokes: 0/O/Q/D, 1/I/L, 2/Z, 5/S,
8/B, 6/G and U/V. A search must find the record behind a VIN read with such
confusions, with up to two other substitutions and one adjacent transposition, and
return *ranked candidates*, never a verdict.

Index design (works in SQL and in memory):

* ``fold``: every look-alike class mapped to one representative (``O``, ``Q``, ``D`` ->
  ``0``...). Any number of look-alike confusions leaves the folded VIN unchanged.
  Folding merges legal letters (``D`` and ``0``), so candidates are re-ranked by the
  true weighted distance.
* blocking keys for the remaining substitutions: the folded VIN is cut into four blocks
  A = positions 1-8, B = 9-11, C = 12-14, D = 15-17. Two substitutions touch at most two
  blocks, so at least one of the six block pairs (AB, AC, AD, BC, BD, CD) is intact:
  each pair is a stored, indexed key. The query side also tries its 16 adjacent
  transpositions, so a transposition on top of two substitutions is found too. AB (the
  make, model and year part) is the least selective key: its candidates are pre-filtered
  on the serial (positions 12-17) before the weighted distance.

>>> fold('1M8GDM9AXKPO42788')
'1M860M9AXKP042788'
>>> distance('1M8GDM9AXKP042788', '1M8GDM9AXKPO42788')    # one look-alike
0.25
>>> distance('1M8GDM9AXKP042788', '1M8GDM9AXKP047288')    # one transposition
1.0
>>> distance('1M8GDM9AXKP042788', 'WVWZZZ1KZ6W000001') is None
True
"""

from __future__ import annotations

__all__ = [
    "CLASSES",
    "KEY_NAMES",
    "LOOKALIKE_COST",
    "MAX_SUBSTITUTIONS",
    "MAX_TRANSPOSITIONS",
    "distance",
    "fold",
    "key_tuple",
    "query_keys",
    "record_keys",
    "serial_mismatches",
]

CLASSES: tuple[str, ...] = ("0OQD", "1IL", "2Z", "5S", "8B", "6G", "UV")
LOOKALIKE_COST = 0.25
MAX_SUBSTITUTIONS = 2
MAX_TRANSPOSITIONS = 1
_FOLD = str.maketrans({c: cls[0] for cls in CLASSES for c in cls[1:]})
_CLASS_OF = {c: i for i, cls in enumerate(CLASSES) for c in cls}
#: Stored blocking keys: block pairs of the folded VIN (``k_cd`` is also the last six).
KEY_NAMES: tuple[str, ...] = ("k_ab", "k_cd", "k_ac", "k_ad", "k_bc", "k_bd")


def fold(vin: str) -> str:
    """Map every look-alike class to its representative."""
    return vin.translate(_FOLD)


def record_keys(folded: str) -> dict[str, str]:
    """Blocking keys of a folded VIN; chassis numbers get only ``k_cd`` (their last six)."""
    if len(folded) != 17:
        return {**dict.fromkeys(KEY_NAMES, ""), "k_cd": folded[-6:]}
    a, b, c, d = folded[:8], folded[8:11], folded[11:14], folded[14:]
    return {
        "k_ab": a + b, "k_cd": c + d, "k_ac": a + c,
        "k_ad": a + d, "k_bc": b + c, "k_bd": b + d,
    }  # fmt: skip


def key_tuple(folded: str) -> tuple[str, str, str, str, str, str]:
    """:func:`record_keys` as a tuple in :data:`KEY_NAMES` order (bulk loads)."""
    if len(folded) != 17:
        return ("", folded[-6:], "", "", "", "")
    a, b, c, d = folded[:8], folded[8:11], folded[11:14], folded[14:]
    return (a + b, c + d, a + c, a + d, b + c, b + d)


def query_keys(folded: str) -> dict[str, set[str]]:
    """Blocking keys to probe for a folded 17-character query and its 16 adjacent
    transpositions (so that a transposition plus two substitutions is still found)."""
    variants = {folded}
    for i in range(16):
        if folded[i] != folded[i + 1]:
            variants.add(folded[:i] + folded[i + 1] + folded[i] + folded[i + 2 :])
    keys: dict[str, set[str]] = {name: set() for name in KEY_NAMES}
    for v in variants:
        for name, value in record_keys(v).items():
            keys[name].add(value)
    return keys


def serial_mismatches(a: str, b: str) -> int:
    """Differing characters between two equal-length strings (a cheap pre-filter)."""
    return sum(x != y for x, y in zip(a, b, strict=True))


def distance(query: str, candidate: str) -> float | None:
    """Weighted distance between two equal-length strings, or None beyond the limits.

    Look-alike substitution 0.25, other substitution 1, adjacent transposition 1; at most
    :data:`MAX_SUBSTITUTIONS` other substitutions and :data:`MAX_TRANSPOSITIONS`
    transposition (no insertions or deletions: a VIN has a fixed length).
    """
    if len(query) != len(candidate):
        return None
    diffs = [i for i, (a, b) in enumerate(zip(query, candidate, strict=True)) if a != b]
    if not diffs:
        return 0.0
    cost = 0.0
    hard = 0
    costs: dict[int, float] = {}
    for i in diffs:
        c = _cost(query[i], candidate[i])
        costs[i] = c
        cost += c
        hard += c == 1.0
    best = cost if hard <= MAX_SUBSTITUTIONS else None
    for i in diffs:  # one adjacent transposition replaces two substitutions
        j = i + 1
        if j in costs and query[i] == candidate[j] and query[j] == candidate[i]:
            t_hard = hard - (costs[i] == 1.0) - (costs[j] == 1.0)
            t_cost = cost - costs[i] - costs[j] + 1.0
            if t_hard <= MAX_SUBSTITUTIONS and (best is None or t_cost < best):
                best = t_cost
    return best


def _cost(a: str, b: str) -> float:
    ca = _CLASS_OF.get(a)
    return LOOKALIKE_COST if ca is not None and ca == _CLASS_OF.get(b) else 1.0
