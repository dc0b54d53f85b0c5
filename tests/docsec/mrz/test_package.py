"""Package hygiene: light imports, no reference tools, one home for the 7-3-1 arithmetic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docsec.mrz
from docsec.mrz import CHECK_IDS, CHECKS, LAYOUTS, MRZFormat

MRZ_DIR = Path(docsec.mrz.__file__).parent


def test_import_pulls_no_heavy_or_reference_library() -> None:
    code = (
        "import sys, docsec.mrz, docsec.cli.mrz; "
        "bad = [m for m in ('cv2', 'numpy', 'PIL', 'pytesseract', 'mrz', 'passporteye', "
        "'rich') if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_reference_tool_or_weight_table_in_the_source() -> None:
    for path in MRZ_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import mrz" not in text and "from mrz" not in text
        assert "passporteye" not in text
        assert "7, 3, 1" not in text and "(7,3,1)" not in text


def test_check_ids_are_documented_and_cover_every_check_digit() -> None:
    assert tuple(CHECKS) == CHECK_IDS
    assert len(set(CHECK_IDS)) == len(CHECK_IDS)
    for layout in LAYOUTS.values():
        for spec in layout.check_digits:
            assert spec.id in CHECK_IDS


def test_layouts_tile_every_line_exactly() -> None:
    for fmt in MRZFormat:
        layout = LAYOUTS[fmt]
        for line in range(fmt.lines):
            spans = sorted((f.start, f.stop) for f in layout.fields if f.line == line)
            covered = [c for a, b in spans for c in range(a, b)]
            assert covered == list(range(fmt.length)), (fmt, line)
