"""Is the released lab safe to hand out, and does the source grade itself correctly?"""

from __future__ import annotations

import nbformat
import pytest
from nbgrader.validator import Validator

from coursekit import demo, layout

from .course import REPO

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

LABS = layout.labs(REPO)


def solution_lines(lab: str) -> set[str]:
    """Lines of the source's solution regions that appear nowhere else in the source."""
    source = nbformat.read(layout.notebook("source", lab, root=REPO), as_version=4)
    inside, outside = set(), set()
    for cell in source.cells:
        region = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text in demo.MARKERS:
                region = text == demo.MARKERS[0]
                continue
            (inside if region else outside).add(text)
    return {line for line in inside - outside if len(line) > 12}


@pytest.mark.parametrize("lab", LABS)
def test_release_has_no_solutions_or_hidden_tests(lab):
    """Does the student's notebook leak a solution line, a hidden test or the grader's name?"""
    text = layout.notebook("release", lab, root=REPO).read_text()
    for marker in (
        "BEGIN SOLUTION",
        "END SOLUTION",
        "BEGIN HIDDEN TESTS",
        "grader_tests",
    ):
        assert marker not in text
    released = nbformat.read(layout.notebook("release", lab, root=REPO), as_version=4)
    lines = {
        line.strip() for cell in released.cells for line in cell.source.splitlines()
    }
    leaked = solution_lines(lab) & lines
    assert not leaked, f"solution lines in release/{lab}: {sorted(leaked)}"


@pytest.mark.parametrize("lab", LABS)
def test_release_folder_holds_only_the_notebook(lab):
    """Nothing grader-side (data, references, helpers) may sit beside a lab's notebook."""
    for step in ("source", "release"):
        files = [p.name for p in (REPO / step / lab).iterdir()]
        assert files == [f"{lab}.ipynb"], f"{step}/{lab} holds {files}"


@pytest.mark.parametrize("lab", LABS)
def test_source_passes_its_own_tests(lab):
    """Does the instructor's notebook, solutions in place, pass every test cell?"""
    assert Validator().validate(str(layout.notebook("source", lab, root=REPO))) == {}


@pytest.mark.parametrize("lab", LABS)
def test_blank_release_passes_no_test_cell(lab):
    """Does every test cell fail on the blank release (no points for nothing)?"""
    result = Validator(invert=True).validate(
        str(layout.notebook("release", lab, root=REPO))
    )
    assert result == {}, f"test cells that pass with blank answers: {result}"
