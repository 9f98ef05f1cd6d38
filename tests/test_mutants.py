"""Do the hidden tests catch the known student mistakes? (`make mutants` runs them all.)"""

from __future__ import annotations

from collections import Counter

import pytest

from coursekit import mutants

from .course import REPO

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

CATALOGUE = mutants.load(REPO / "mutants")
SAMPLE_EVERY = 8  # CI grades every 8th mutant; `make mutants` grades them all


def test_catalogue_covers_every_lab_with_unique_names():
    """Does every lab have mistakes to inject, each named once?"""
    from coursekit import layout

    assert {m.lab for m in CATALOGUE} == set(layout.labs(REPO))
    names = Counter((m.lab, m.name) for m in CATALOGUE)
    assert [n for n, k in names.items() if k > 1] == []


@pytest.mark.parametrize("mutant", CATALOGUE, ids=lambda m: f"{m.lab}-{m.name}")
def test_each_edit_applies_to_the_current_solution(mutant):
    """Does each edit still match the solution exactly once (so no mutant silently rots)?"""
    code = mutants.mutated_cell(mutant, REPO)
    assert mutant.new in code


def test_a_sample_of_mutants_loses_points():
    """Graded for real, does every sampled non-equivalent mutant lose points?"""
    verdicts = mutants.run(CATALOGUE[::SAMPLE_EVERY], REPO, jobs=2)
    assert verdicts, "no mutant sampled"
    report = mutants.format_verdicts(verdicts)
    assert all(v.ok for v in verdicts), report
