"""The simulated traffic is the outside world: it never imports the product's backend, shell or widgets."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "citysim" / "traffic"


def test_citysim_traffic_imports_no_product_internals():
    bad = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            bad += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("backend", "app", "widgets")]
    assert not bad, bad
    assert any(ROOT.rglob("*.py"))
