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
  blocks, so at least one of the six block pairs (AB, AC, AD, BC, BD, CD) is intact.
  AB is a prefix of ``fold`` and CD a prefix of the reversed fold (range scans); AC, AD,
  BC, BD are stored keys. The query side also tries its 16 adjacent transpositions.

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
    "query_keys",
    "record_keys",
]

CLASSES: tuple[str, ...] = ("0OQD", "1IL", "2Z", "5S", "8B", "6G", "UV")
LOOKALIKE_COST = 0.25
MAX_SUBSTITUTIONS = 2
MAX_TRANSPOSITIONS = 1
_FOLD = str.maketrans({c: cls[0] for cls in CLASSES for c in cls[1:]})
_CLASS_OF = {c: i for i, cls in enumerate(CLASSES) for c in cls}
#: Stored blocking keys (AB and CD are served by prefix scans of fold and reversed fold).
KEY_NAMES: tuple[str, ...] = ("k_ac", "k_ad", "k_bc", "k_bd")


def fold(vin: str) -> str:
    """Map every look-alike class to its representative."""
    return vin.translate(_FOLD)


def record_keys(folded: str) -> dict[str, str]:
    """Stored blocking keys of a folded 17-character VIN (empty strings otherwise)."""
    if len(folded) != 17:
        return dict.fromkeys(KEY_NAMES, "")
    a, b, c, d = folded[:8], folded[8:11], folded[11:14], folded[14:]
    return {"k_ac": a + c, "k_ad": a + d, "k_bc": b + c, "k_bd": b + d}


def query_keys(folded: str) -> tuple[set[str], set[str], dict[str, set[str]]]:
    """Keys to probe for a folded 17-character query.

    Returns ``(fold prefixes AB, reversed-fold prefixes of CD, {key name: values})`` over
    the query and its 16 adjacent transpositions.
    """
    variants = {folded}
    for i in range(16):
        if folded[i] != folded[i + 1]:
            variants.add(folded[:i] + folded[i + 1] + folded[i] + folded[i + 2 :])
    prefixes = {v[:11] for v in variants}
    suffixes = {v[11:][::-1] for v in variants}
    keys: dict[str, set[str]] = {name: set() for name in KEY_NAMES}
    for v in variants:
        for name, value in record_keys(v).items():
            keys[name].add(value)
    return prefixes, suffixes, keys


def _sub_cost(a: str, b: str) -> tuple[float, int]:
    if a == b:
        return 0.0, 0
    ca, cb = _CLASS_OF.get(a), _CLASS_OF.get(b)
    if ca is not None and ca == cb:
        return LOOKALIKE_COST, 0
    return 1.0, 1


def distance(query: str, candidate: str) -> float | None:
    """Weighted distance between two equal-length strings, or None beyond the limits.

    Look-alike substitution 0.25, other substitution 1, adjacent transposition 1; at most
    :data:`MAX_SUBSTITUTIONS` other substitutions and :data:`MAX_TRANSPOSITIONS`
    transposition (optimal string alignment, no insertions or deletions: a VIN has a
    fixed length).
    """
    n = len(query)
    if n != len(candidate):
        return None
    # best[i] maps (substitutions, transpositions) -> lowest cost for the first i characters
    best: list[dict[tuple[int, int], float]] = [{(0, 0): 0.0}] + [{} for _ in range(n)]
    for i in range(1, n + 1):
        cost, subs = _sub_cost(query[i - 1], candidate[i - 1])
        here = best[i]
        for (s, t), c in best[i - 1].items():
            key = (s + subs, t)
            if key[0] <= MAX_SUBSTITUTIONS and c + cost < here.get(key, 99.0):
                here[key] = c + cost
        if (
            i >= 2
            and query[i - 1] != query[i - 2]
            and query[i - 1] == candidate[i - 2]
            and query[i - 2] == candidate[i - 1]
        ):
            for (s, t), c in best[i - 2].items():
                key = (s, t + 1)
                if key[1] <= MAX_TRANSPOSITIONS and c + 1.0 < here.get(key, 99.0):
                    here[key] = c + 1.0
        if not here:
            return None
    return min(best[n].values())

