"""Test helpers: the repository, and throwaway copies of the course in which
the real nbgrader runs. Importing this module sets the environment those
runs need (conftest.py imports it first, so every test gets it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from coursekit import labkeys, layout

REPO = layout.ROOT
# The committed release/ carries the keys of the demo secret; an instructor's own
# secret (.course-secret, or this variable in their shell) must not change what the
# tests release and compare. Tests of the secret set their own.
os.environ[labkeys.SECRET_ENV] = labkeys.DEMO_SECRET
# nbgrader runs `alembic` when it creates a gradebook: the venv's bin/ must be on PATH.
os.environ["PATH"] = (
    f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
)


def make_course(dest: Path) -> Path:
    """A copy of this repository's course (config, labs, demo class) in `dest`."""
    return layout.copy_course(dest, REPO)


def _graded_cells(lab: str, root: Path) -> list[dict]:
    """The nbgrader metadata of a lab's graded cells, from its source notebook."""
    import nbformat

    nb = nbformat.read(layout.notebook("source", lab, root=root), as_version=4)
    metas = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    return [m for m in metas if m.get("grade")]


def auto_points(lab: str, root: Path = REPO) -> float:
    """The points of a lab's auto-graded test cells, read from its source notebook:
    what a correct submission scores (answers graded by hand are not counted)."""
    return sum(
        float(m["points"]) for m in _graded_cells(lab, root) if not m.get("solution")
    )


def cell_points(lab: str, grade_ids: list[str], root: Path = REPO) -> float:
    """The points of these test cells of a lab, read from its source notebook."""
    return sum(
        float(m["points"])
        for m in _graded_cells(lab, root)
        if m["grade_id"] in grade_ids
    )
