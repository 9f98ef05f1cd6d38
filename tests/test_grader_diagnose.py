"""Does the mistake table name the right mistake, and only when it fits?"""

from __future__ import annotations

import pytest
import torch

from grader_tests.core import diagnose

N = 100
EXPECTED = -2.38

CASES = [
    (
        N,
        "dw is 100.0x the reference (N = 100): did you sum over the examples instead "
        "of averaging? Got -238, expected -2.38.",
    ),
    (
        0.5,
        "dw is half the reference: got -1.19, expected -2.38. Did you leave out the "
        "factor 2",
    ),
    (
        -1,
        "dw has the wrong sign: got 2.38, expected -2.38. Did you write y - y_hat "
        "instead of y_hat - y?",
    ),
    (
        -N,
        "dw is -100.0x the reference (N = 100): did you sum over the examples "
        "instead of averaging, and write y - y_hat",
    ),
    (
        N / 2,
        "dw is 50.0x the reference (N = 100): did you sum over the examples "
        "instead of averaging, and leave out the factor 2?",
    ),
    (
        -0.5,
        "dw is -0.5x the reference: got 1.19, expected -2.38. Did you write "
        "y - y_hat instead of y_hat - y, and leave out the factor 2?",
    ),
    (
        2,
        "dw is twice the reference: got -4.76, expected -2.38. Did you multiply by 2 "
        "twice?",
    ),
    (1 / N, "dw is 0.01x the reference (1/N, N = 100): did you divide by N twice"),
    (0, "dw is 0, but should be -2.38: did you forget to compute dw"),
]


@pytest.mark.parametrize(("factor", "message"), CASES)
def test_each_signature_is_named(factor, message):
    """Is got = factor * expected diagnosed with that factor's message?"""
    assert diagnose.diagnose_scalar("dw", factor * EXPECTED, EXPECTED, N).startswith(
        message
    )


@pytest.mark.parametrize(("factor", "message"), CASES)
def test_signature_survives_float32_rounding(factor, message):
    """Is a mistake computed in float32 still recognised?"""
    got = float(torch.tensor(factor * EXPECTED, dtype=torch.float32))
    assert diagnose.diagnose_scalar("dw", got, EXPECTED, N).startswith(message[:20])


def test_every_table_factor_is_covered():
    """Does the test table cover every factor in the signature table?"""
    assert sorted(f for f, _ in diagnose.gradient_signatures(N)) == sorted(
        float(f) for f, _ in CASES
    )


@pytest.mark.parametrize("factor", [1.0, 1.01, 0.9, -1.1, 3.0, N * 1.01, 1e-9])
def test_no_signature_for_other_values(factor):
    """Is a value that matches no known mistake left undiagnosed?"""
    assert diagnose.diagnose_scalar("dw", factor * EXPECTED, EXPECTED, N) is None


def test_no_diagnosis_when_expected_is_zero():
    """With a zero reference every factor gives 0: is nothing claimed?"""
    assert diagnose.diagnose_scalar("dw", 0.0, 0.0, N) is None


def test_small_n_drops_ambiguous_factors():
    """With N = 2, N/2 = 1 and N = 2: are 1 and duplicates left out?"""
    factors = [f for f, _ in diagnose.gradient_signatures(2)]
    assert 1.0 not in factors
    assert len(factors) == len(set(factors))


def test_best_match_picks_the_nearest_candidate_within_rtol():
    """Does best_match prefer the closer candidate and ignore far or misshapen ones?"""
    candidates = [([1.0, 2.0], "a"), ([1.0, 2.0005], "b"), ([1.0], "short")]
    assert diagnose.best_match([1.0, 2.0004], candidates) == "b"
    assert diagnose.best_match([1.0, 2.1], candidates) is None
    assert diagnose.best_match([1.0, 2.0], candidates, rtol=0.0) == "a"


def test_zero_candidate_matches_only_zero():
    """Does an all-zero candidate match exact zeros only (it has no scale)?"""
    assert diagnose.best_match([0.0], [([0.0], "zero")]) == "zero"
    assert diagnose.best_match([1e-12], [([0.0], "zero")]) is None


def test_nan_matches_nothing():
    """Is nan never taken for a known mistake?"""
    assert diagnose.best_match([float("nan")], [([1.0], "one")]) is None


@pytest.mark.parametrize(
    ("shape", "per_example", "expected"),
    [
        (
            (N, 1),
            "gradients 2 * x * (y_hat - y)",
            "Did you forget to average the "
            "per-example gradients 2 * x * (y_hat - y) over the examples?",
        ),
        ((N,), "gradients", "Did you forget to average the per-example gradients"),
        ((N, 1), None, None),
        (
            (N, N),
            None,
            "100 x 100 values come from broadcasting shape (100,) against "
            "(100, 1): do all your tensors have shape (100, 1)?",
        ),
        ((2,), "gradients", None),
    ],
)
def test_shape_diagnosis(shape, per_example, expected):
    """Is a wrong shape explained by its number of elements?"""
    got = diagnose.diagnose_shape(shape, N, per_example)
    assert got == expected if expected is None else got.startswith(expected)
