"""The repository's Python is ruff-clean and type-checks, so CI (which runs only the tests) keeps it so."""

from __future__ import annotations

import subprocess
import sys

from .course import REPO


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


def test_ruff_finds_no_problem():
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_files_are_formatted():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check():
    """mypy over coursekit/ and grader_tests/ (pyproject.toml's [tool.mypy]) finds nothing."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
