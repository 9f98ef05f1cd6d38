"""Do numbers, shapes, types and mismatch sentences read as the course wants?"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader_tests.core import messages


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.3812, "2.381"),
        (-2.38, "-2.38"),
        (100.0, "100"),
        (1e-7, "1e-07"),
        (0.5, "0.5"),
    ],
)
def test_fmt_number(value, text):
    """Are numbers shown to 4 significant digits?"""
    assert messages.fmt_number(value) == text


def test_fmt_pair_shows_enough_digits_to_differ():
    """Do unequal numbers never print equal, and equal ones print as usual?"""
    assert messages.fmt_pair(1.000012, 1.000019) == ("1.000012", "1.000019")
    assert messages.fmt_pair(2.38, -2.38) == ("2.38", "-2.38")
    assert messages.fmt_pair(0.3, 0.3) == ("0.3", "0.3")


@pytest.mark.parametrize(
    ("ratio", "text"),
    [(100.0, "100.0"), (0.5, "0.5"), (-1.0, "-1.0"), (99.99999, "100.0")],
)
def test_fmt_ratio(ratio, text):
    """Are ratios shown as Python prints a float, rounded to 4 digits?"""
    assert messages.fmt_ratio(ratio) == text


@pytest.mark.parametrize(
    ("shape", "text"),
    [
        (torch.Size([100, 1]), "(100, 1)"),
        ((5,), "(5,)"),
        ((), "()"),
        ([2, 3, 4], "(2, 3, 4)"),
    ],
)
def test_fmt_shape(shape, text):
    """Are shapes shown as Python tuples?"""
    assert messages.fmt_shape(shape) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "None"),
        (torch.zeros(3, 1), "a torch.Tensor of shape (3, 1)"),
        (np.zeros(2), "a numpy.ndarray of shape (2,)"),
        ((1, 2, 3), "a tuple of 3 values"),
        ([1], "a list of 1 values"),
        (np.float64(1.0), "a numpy.float64"),
        (1.5, "a float"),
        ("b", "a str"),
    ],
)
def test_fmt_type(value, text):
    """Is a value's type named the way a student would recognise it?"""
    assert messages.fmt_type(value) == text


def test_value_mismatch_sentence():
    """Does the mismatch sentence give got, expected, difference and allowance?"""
    assert messages.value_mismatch("db", 2.0, 2.5, 1e-5) == (
        "db is wrong: got 2, expected 2.5 (difference 0.5, up to 1e-05 allowed)."
    )


def test_entries_mismatch_sentence():
    """Does the tensor mismatch sentence name the count and the worst entry?"""
    assert messages.entries_mismatch("y_hat", 3, 100, 7, 1.0, 1.5, 1e-6) == (
        "y_hat is wrong in 3 of 100 entries; the worst is entry 7: got 1, expected "
        "1.5 (difference 0.5, up to 1e-06 allowed)."
    )


def test_with_hint():
    """Is the hint appended after a space, and nothing added without one?"""
    assert messages.with_hint("x is wrong.", "Did you?") == "x is wrong. Did you?"
    assert messages.with_hint("x is wrong.", None) == "x is wrong."
