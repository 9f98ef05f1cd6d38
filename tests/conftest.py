"""Shared helpers: a throwaway copy of the course in which the real nbgrader runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory):
    """A course copy with every lab released from its paired script and the whole
    demo class graded (two workers, as `make demo` on 2 cores): (root, outcomes).

    Grading the class is the suite's longest step; tests that need a graded
    course share this one instead of grading again.
    """
    from coursekit import demo, grading, pairs, release

    root = make_course(tmp_path_factory.mktemp("course"))
    pairs.regenerate(root)  # the notebooks as their paired scripts give them
    release.release_all(root)
    demo.collect(root)
    outcomes = grading.autograde_all(root, jobs=2)
    assert grading.feedback_and_export(root) == []
    return root, outcomes
