"""docsec.inspect compares with the model's reference, never with what the generator made."""

from __future__ import annotations

import ast
from pathlib import Path

import docsec.inspect


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_no_module_of_docsec_inspect_imports_the_generator() -> None:
    root = Path(docsec.inspect.__file__).parent
    offenders = {
        str(p.relative_to(root)): sorted(m for m in _imports(p)
                                         if m == "docsec.generate" or m.startswith(
                                             "docsec.generate."))
        for p in root.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_imports_through_the_entry_point_do_not_load_the_generator() -> None:
    import subprocess
    import sys

    code = ("import sys, docsec.inspect, docsec.cli.check; "
            "print(any(m.startswith('docsec.generate') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
