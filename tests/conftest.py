"""Shared fixtures: a throwaway copy of the course in which the real nbgrader runs."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from coursekit import layout

REPO = layout.ROOT
# nbgrader runs `alembic` when it creates a gradebook: the venv's bin/ must be on PATH.
os.environ["PATH"] = (
    f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
)


def make_course(dest: Path) -> Path:
    """Copy what an instructor's clone holds (config, source, release, demo) into `dest`."""
    shutil.copy(REPO / "nbgrader_config.py", dest / "nbgrader_config.py")
    for folder in ("source", "release", "solutions", "demo"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A fresh course folder of its own for one test."""
    return make_course(tmp_path)
