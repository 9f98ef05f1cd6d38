"""Fixtures shared by the test modules; their helpers live in tests/course.py."""

from __future__ import annotations

import pytest

from .course import make_course


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
