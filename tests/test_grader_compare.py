"""Do comparisons use plain floats and say got / expected / allowed / the mistake?"""

from __future__ import annotations

import math

import pytest

from grader_tests.core import compare


def test_is_close():
    """Is the tolerance atol + rtol * |expected|, and nan never close?"""
    assert compare.is_close(1.0 + 1e-6, 1.0, rtol=1e-6, atol=0.0)
    assert not compare.is_close(1.0 + 3e-6, 1.0, rtol=1e-6, atol=1e-6)
    assert compare.is_close(1e-7, 0.0, rtol=0.1, atol=1e-6)
    assert not compare.is_close(math.nan, 0.0, rtol=1.0, atol=1.0)


def test_worst_entry():
    """Are the entries out of tolerance counted, the worst (or nan) named?"""
    assert compare.worst_entry([1.0, 2.0], [1.0, 2.0], 0.0, 0.0) is None
    assert compare.worst_entry([1.0, 2.5, 3.1], [1.0, 2.0, 3.0], 0.0, 0.01) == (2, 1)
    assert compare.worst_entry([1.0, math.nan], [1.0, 2.0], 0.0, 0.01) == (1, 1)


def test_require_close_names_a_gradient_signature():
    """Is a ratio-table mistake named before any candidate?"""
    with pytest.raises(AssertionError) as info:
        compare.require_close(
            "db",
            2.38,
            -2.38,
            1e-5,
            0.0,
            gradient=("db", 100),
            candidates=[(2.38, "a candidate")],
        )
    assert str(info.value) == (
        "db has the wrong sign: got 2.38, expected -2.38. Did you write y - y_hat "
        "instead of y_hat - y?"
    )


def test_require_close_appends_a_fitting_candidate():
    """Is a candidate's question appended to the got / expected sentence?"""
    with pytest.raises(AssertionError) as info:
        hint = [(0.39, "Did you use 1 / L?")]
        compare.require_close("lr", 0.39, 0.78, 1e-5, 0.0, candidates=lambda: hint)
    assert str(info.value) == (
        "lr is wrong: got 0.39, expected 0.78 (difference 0.39, up to 7.8e-06 "
        "allowed). Did you use 1 / L?"
    )


def test_require_close_passes_and_skips_candidates():
    """Are candidates never computed when the value is right?"""

    def boom():
        raise RuntimeError("computed")

    compare.require_close("w", 1.0, 1.0 + 1e-9, 1e-6, 0.0, candidates=boom)


def test_require_entries():
    """Does an off tensor name its worst entry, then the hint?"""
    compare.require_entries("y", [1.0], [1.0], 0.0, 0.0, "unused")
    with pytest.raises(AssertionError) as info:
        compare.require_entries("y", [1.0, 3.0], [1.0, 2.0], 0.0, 0.5, "Hint?")
    assert str(info.value) == (
        "y is wrong in 1 of 2 entries; the worst is entry 1: got 3, expected 2 "
        "(difference 1, up to 0.5 allowed). Hint?"
    )
