"""The measurement wing times what a term runs: it reaches the course only
through the pipeline's public functions (and layout's paths), so a change to a
stage's internals cannot leave the benchmarks timing something else."""

from __future__ import annotations

import ast

from .course import REPO

BENCH = REPO / "coursekit" / "bench"
ALLOWED = {"layout", "pipeline"}


def _course_imports(path) -> set[str]:
    """The coursekit modules a bench file imports (relative or absolute)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 2:  # from .. import x / from ..x import y
                found |= {module} if module else {a.name for a in node.names}
            elif module.startswith("coursekit."):
                found.add(module.split(".")[1])
            elif module == "coursekit":
                found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {
                a.name.split(".")[1]
                for a in node.names
                if a.name.count(".") >= 1 and a.name.startswith("coursekit.")
            }
    return found - {"bench"}


def test_the_bench_uses_only_the_pipeline():
    crossing = {
        path.name: sorted(_course_imports(path) - ALLOWED)
        for path in sorted(BENCH.glob("*.py"))
    }
    assert not {k: v for k, v in crossing.items() if v}, crossing


def test_the_import_scan_sees_a_crossing(tmp_path):
    """The scan itself: an import of a stage's internals is reported."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from .. import grading, pipeline\nfrom ..warm import lifecycle\n"
        "import coursekit.report\nfrom . import floors\n"
    )
    assert _course_imports(probe) == {"grading", "pipeline", "warm", "report"}
