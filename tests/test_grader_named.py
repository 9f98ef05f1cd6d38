"""Do diagnosed mistakes reach the notebook as a stable name, not only as text?"""

from __future__ import annotations

import pickle

import pytest

from grader_tests.core import diagnose, messages, named
from grader_tests.lab01_gd_from_scratch import checks as lab01_gd


def _gradients(dw_factor: float = 1.0, db_factor: float = 1.0):
    """The lab's gradients with dw and db scaled by the given factors."""

    def gradients(x, y, w, b):
        error = w * x + b - y
        dw = 2 * (x * error).mean() * dw_factor
        db = 2 * error.mean() * db_factor
        return dw, db

    return gradients


@pytest.mark.parametrize(
    ("check", "gradients", "mistake"),
    [
        (lab01_gd.check_dw, _gradients(dw_factor=100.0), "SummedNotAveraged"),
        (lab01_gd.check_dw, _gradients(dw_factor=-1.0), "WrongSign"),
        (lab01_gd.check_db, _gradients(db_factor=0.5), "MissingFactor2"),
        (lab01_gd.check_db, _gradients(db_factor=0.0), "GradientNotComputed"),
    ],
)
def test_check_raises_the_named_mistake(check, gradients, mistake):
    """Does a check raise the AssertionError subclass named for the mistake it finds?"""
    with pytest.raises(AssertionError) as info:
        check(gradients)
    assert type(info.value).__name__ == mistake
    assert mistake in named.MISTAKES


def test_correct_and_unnamed_answers():
    """Does a correct answer pass, and a wrong one that fits no mistake stay plain?"""
    lab01_gd.check_dw(_gradients())
    with pytest.raises(AssertionError) as info:
        lab01_gd.check_dw(_gradients(dw_factor=1.37))
    assert type(info.value) is AssertionError


def test_diagnosis_keeps_its_name_through_hints():
    """Does with_hint keep the hint's mistake, and a plain hint add none?"""
    hint = diagnose.diagnose_scalar("dw", -238.0, -2.38, 100)
    assert named.mistake_of(hint) == "SummedNotAveraged"
    assert named.mistake_of(messages.with_hint("dw is wrong.", hint)) == (
        "SummedNotAveraged"
    )
    assert named.mistake_of(messages.with_hint("dw is wrong.", "Why?")) is None
    assert pickle.loads(pickle.dumps(hint)).mistake == "SummedNotAveraged"
    with pytest.raises(KeyError):
        named.Diagnosis("text", "NotAMistake")
    assert named.error_class("WrongSign") is named.error_class("WrongSign")


def _visible_checks() -> str:
    """The visible part of every test cell of every lab, one text."""
    import nbformat

    from coursekit import layout, preprocessors

    parts = []
    for lab in layout.labs():
        nb = nbformat.read(layout.notebook("source", lab), as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            # graded test cells, and the locked cells whose helpers they call
            if cell.cell_type == "code" and not meta.get("solution"):
                parts.append(preprocessors.strip_hidden(cell.source))
    return "\n".join(parts)


def test_visible_phrases_still_occur_in_the_labs():
    """Is each phrase that names a mistake still written in some lab's visible check?"""
    text = _visible_checks()
    assert [p for p in named.VISIBLE_PHRASES if p not in text] == []


@pytest.mark.parametrize(
    ("ename", "evalue", "mistake"),
    [
        ("SummedNotAveraged", "dw is 100.0x the reference", "SummedNotAveraged"),
        (
            "AssertionError",
            "dw is 4 times the finite differences: did you sum over the "
            "points instead of averaging (N = 4 here)?",
            "SummedNotAveraged",
        ),
        (
            "AssertionError",
            "db is None: did you compute the gradient for b?",
            "GradientNotComputed",
        ),
        ("AssertionError", "dw is wrong: got 1, expected 2.", None),
        ("NameError", "name 'gradients' is not defined", None),
        ("TypeError", "did you drop the factor 2", None),
    ],
)
def test_error_outputs_are_attributed(ename, evalue, mistake):
    """Is a graded cell's error output attributed to its mistake, and only then?"""
    assert named.mistake_in_output(ename, evalue) == mistake
