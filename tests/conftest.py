"""Shared helpers: a throwaway copy of the course in which the real nbgrader runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from coursekit import layout

REPO = layout.ROOT
# nbgrader runs `alembic` when it creates a gradebook: the venv's bin/ must be on PATH.
os.environ["PATH"] = (
    f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
)


def make_course(dest: Path) -> Path:
    """A copy of this repository's course (config, labs, demo class) in `dest`."""
    return layout.copy_course(dest, REPO)
