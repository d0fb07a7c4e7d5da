"""The product package never depends on the maintainer tools in devkit/ (not in the wheel)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sentiment"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_product_module_imports_devkit():
    offenders = {str(p.relative_to(SRC)): sorted(n for n in _imports(p) if n.split(".")[0] == "devkit")
                 for p in SRC.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 50  # the scan saw the package
