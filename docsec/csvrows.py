"""Rows of a hand-made CSV file, read defensively: the one reader of docsec's list imports.

Lists that officers export from spreadsheets (stolen vehicles, lost and stolen documents)
come with a byte-order mark, commas, semicolons or tabs, blank lines and sometimes a stray
NUL or a pasted blob. :func:`read_rows` takes the delimiter the header line uses, checks the
header against the columns a list may have, caps every value's length, and names the line of
every fault through the caller's own exception type.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import IO

__all__ = ["DELIMITERS", "read_rows"]

#: The separators a spreadsheet's "save as CSV" writes, by locale.
DELIMITERS = ",;\t"


def read_rows(stream: IO[str], *, required: Sequence[str], known: Collection[str],
              error: Callable[[str], Exception], max_field: int, what: str = "columns",
              lower_header: bool = False,
              exact_length: bool = False) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, row)`` for every non-blank line after the header.

    ``required`` columns must be in the header and no column outside ``known`` may be;
    ``exact_length`` refuses short lines too (a long line is always refused). Faults raise
    ``error(message)``, the message starting with ``line N:``.

    >>> import io
    >>> rows = read_rows(io.StringIO("\\ufeffa;b\\n1;2\\n\\n3;4\\n"), required=["a"],
    ...                  known=["a", "b"], error=ValueError, max_field=10)
    >>> list(rows)
    [(2, {'a': '1', 'b': '2'}), (4, {'a': '3', 'b': '4'})]
    """
    header_text = stream.readline().removeprefix("\ufeff").rstrip("\r\n")
    delimiter = max(DELIMITERS, key=header_text.count)

    def lines() -> Iterator[str]:
        yield header_text + "\n"
        yield from stream

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = [h.strip().lower() if lower_header else h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise error(f"line 1: {exc}") from None
    missing = [k for k in required if k not in header]
    unknown = sorted(set(header) - set(known))
    if missing or unknown:
        raise error(
            f"line 1: the header must name the {what} (separated by commas, semicolons or "
            f"tabs: {', '.join(sorted(known))}); missing {', '.join(missing) or 'none'}, "
            f"unknown {', '.join(unknown) or 'none'}")
    previous = csv.field_size_limit(max_field)
    try:
        line = 1
        while True:
            try:
                values = next(reader, None)
            except csv.Error as exc:
                reason = str(exc)
                if "field larger" in reason:
                    reason = f"a value is longer than {max_field} characters"
                elif "NUL" in reason:
                    reason = "the line holds a NUL character: lists hold printable text only"
                raise error(f"line {reader.line_num}: {reason}") from None
            if values is None:
                return
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) or (exact_length and len(values) != len(header)):
                raise error(
                    f"line {start}: {len(values)} values, the header names {len(header)}")
            yield start, dict(zip(header, values, strict=False))
    finally:
        csv.field_size_limit(previous)
