"""docsec is measured against the open-source readers and checkers, never built on them."""

from __future__ import annotations

import re
from pathlib import Path

import docsec

REFERENCE_TOOLS = re.compile(
    r"^\s*(?:import|from)\s+(?:mrz|passporteye|fastmrz|vininfo|vin|pyvin)\b", re.MULTILINE
)


def test_no_module_of_docsec_imports_a_reference_tool() -> None:
    root = Path(docsec.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if REFERENCE_TOOLS.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
