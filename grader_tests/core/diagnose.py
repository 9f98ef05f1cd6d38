"""Mistake signatures: the likely mistake, from how a wrong answer relates to the right.

A gradient of a mean loss over N examples that is N times too large was summed; one that
is -1 times the reference has the error's sign flipped. The table below maps such
factors to a question for the student; `best_match` does the same for any list of
candidate wrong answers a check computes (the reference with one mistake applied).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from grader_tests.core import messages
from grader_tests.core.named import Diagnosis

# A mistaken formula evaluated in float32 lands within ~1e-6 relative of its candidate;
# the table's factors differ by 2x or more, so 1e-3 matches one without confusing two.
MATCH_RTOL = 1e-3

Candidate = tuple[
    Sequence[float], str
]  # (a wrong answer's values, the question to ask)


def gradient_signatures(n: int) -> list[tuple[float, Diagnosis]]:
    """(factor, message) pairs for the gradient of a mean over n examples.

    got = factor * expected. Messages are templates with {name}, {got}, {expected},
    {ratio} and {n}; factors equal to 1 or repeated (small n) are left out. Each
    message is a `Diagnosis` naming its mistake (see grader_tests.core.named).
    """
    got_expected = "Got {got}, expected {expected}."
    table = [  # (factor, message, the mistake it names)
        (
            n,
            "{name} is {ratio}x the reference (N = {n}): did you sum over the examples "
            "instead of averaging? " + got_expected,
            "SummedNotAveraged",
        ),
        (
            0.5,
            "{name} is half the reference: got {got}, expected {expected}. Did you "
            "leave out the factor 2 that the derivative of the square brings down?",
            "MissingFactor2",
        ),
        (
            -1.0,
            "{name} has the wrong sign: got {got}, expected {expected}. Did you "
            "write y - y_hat instead of y_hat - y?",
            "WrongSign",
        ),
        (
            -n,
            "{name} is {ratio}x the reference (N = {n}): did you sum over the "
            "examples instead of averaging, and write y - y_hat instead of "
            "y_hat - y? " + got_expected,
            "SummedAndWrongSign",
        ),
        (
            n / 2,
            "{name} is {ratio}x the reference (N = {n}): did you sum over the "
            "examples instead of averaging, and leave out the factor 2? "
            + got_expected,
            "SummedAndMissingFactor2",
        ),
        (
            -0.5,
            "{name} is {ratio}x the reference: got {got}, expected {expected}. Did "
            "you write y - y_hat instead of y_hat - y, and leave out the factor 2?",
            "WrongSignAndMissingFactor2",
        ),
        (
            2.0,
            "{name} is twice the reference: got {got}, expected {expected}. Did you "
            "multiply by 2 twice?",
            "DoubledFactor2",
        ),
        (
            1 / n,
            "{name} is {ratio}x the reference (1/N, N = {n}): did you divide by N "
            "twice (a mean, then / N again)? " + got_expected,
            "DividedTwice",
        ),
        (
            0.0,
            "{name} is 0, but should be {expected}: did you forget to compute "
            "{name} (returned zeros or an untouched initial value)?",
            "GradientNotComputed",
        ),
    ]
    kept: list[tuple[float, Diagnosis]] = []
    for factor, message, mistake in table:
        if factor != 1 and all(factor != f for f, _ in kept):
            kept.append((float(factor), Diagnosis(message, mistake)))
    return kept


def _distance(got: Sequence[float], candidate: Sequence[float]) -> float:
    """Largest |got - candidate| relative to the candidate's largest magnitude."""
    diff = max(abs(g - c) for g, c in zip(got, candidate, strict=True))
    scale = max(abs(c) for c in candidate)
    if scale == 0.0:
        return 0.0 if diff == 0.0 else float("inf")  # zeros match exact zeros only
    return diff / scale


def best_match(
    got: Sequence[float], candidates: Iterable[Candidate], rtol: float = MATCH_RTOL
) -> str | None:
    """The message of the candidate closest to `got`, if it lies within `rtol`."""
    best, best_distance = None, rtol
    for values, message in candidates:
        if len(values) != len(got):
            continue
        distance = _distance(got, values)
        if distance <= best_distance:  # nan distances never match
            best, best_distance = message, distance
    return best


def diagnose_scalar(name: str, got: float, expected: float, n: int) -> str | None:
    """The gradient signature that explains a wrong number, as a sentence, or None."""
    if expected == 0.0:
        return None  # every factor of 0 is 0: the ratio says nothing
    g, e = messages.fmt_pair(got, expected)
    fields = {"name": name, "got": g, "expected": e, "n": n}
    fields["ratio"] = messages.fmt_ratio(got / expected)
    candidates = [
        (
            [factor * expected],
            Diagnosis(template.format(**fields), template.mistake),
        )
        for factor, template in gradient_signatures(n)
    ]
    return best_match([got], candidates)


def diagnose_shape(
    shape: Sequence[int], n: int, per_example: str | None = None
) -> str | None:
    """A question explaining a wrong shape by its number of elements, or None.

    For a value that should be one number, `per_example` names what each example
    contributes, e.g. "gradients 2 * x * (y_hat - y)": n elements mean no average.
    """
    numel = 1
    for d in shape:
        numel *= int(d)
    if per_example is not None and numel == n:
        return (
            f"Did you forget to average the per-example {per_example} "
            "over the examples?"
        )
    if numel == n * n:
        return (
            f"{n} x {n} values come from broadcasting shape ({n},) against ({n}, 1): "
            f"do all your tensors have shape ({n}, 1)?"
        )
    return None
