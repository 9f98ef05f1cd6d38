"""Value comparisons in plain Python floats, with the sentence to raise on a mismatch.

Plain `math`, never torch.allclose, np.allclose or torch.testing.assert_close: a
student cell may have monkeypatched those. When a value is off, the sentence says
got / expected / allowed, then the likely mistake if a candidate wrong answer fits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from grader_tests.core import diagnose, messages

Candidates = Sequence[tuple[float, str]]  # (a wrong answer, the question to ask)


def is_close(got: float, expected: float, rtol: float, atol: float) -> bool:
    """True if |got - expected| <= atol + rtol * |expected| (False for nan)."""
    return abs(got - expected) <= atol + rtol * abs(expected)


def worst_entry(
    got: Sequence[float], expected: Sequence[float], rtol: float, atol: float
) -> tuple[int, int] | None:
    """(number of entries out of tolerance, index of the worst), or None if all fit."""
    excess = [
        abs(g - e) - (atol + rtol * abs(e)) for g, e in zip(got, expected, strict=True)
    ]
    bad = [i for i, d in enumerate(excess) if not d <= 0.0]  # nan counts as bad
    if not bad:
        return None
    worst = max(bad, key=lambda i: excess[i] if math.isfinite(excess[i]) else math.inf)
    return len(bad), worst


def require_close(
    label: str,
    got: float,
    expected: float,
    rtol: float,
    atol: float,
    *,
    gradient: tuple[str, int] | None = None,
    candidates: Candidates | Callable[[], Candidates] = (),
) -> None:
    """Fail unless got is close to expected, naming the likely mistake if one fits.

    `gradient=(name, n)` first tries the gradient signatures (ratio N, 1/2, -1, ...);
    then the `candidates` are tried (a callable is called only on failure, for
    candidates that cost a training run).
    """
    __tracebackhide__ = True  # noqa: F841
    if is_close(got, expected, rtol, atol):
        return
    message = None
    if gradient is not None:
        name, n = gradient
        message = diagnose.diagnose_scalar(name, got, expected, n)
    if message is None:
        listed = candidates() if callable(candidates) else candidates
        hint = diagnose.best_match([got], [([c], m) for c, m in listed])
        allowed = atol + rtol * abs(expected)
        mismatch = messages.value_mismatch(label, got, expected, allowed)
        message = messages.with_hint(mismatch, hint)
    raise AssertionError(message)


def require_entries(
    label: str,
    got: Sequence[float],
    expected: Sequence[float],
    rtol: float,
    atol: float,
    hint: str | None = None,
) -> None:
    """Fail if any entry is off, naming the worst entry, then the hint if any."""
    __tracebackhide__ = True  # noqa: F841
    worst = worst_entry(got, expected, rtol, atol)
    if worst is None:
        return
    bad, i = worst
    allowed = atol + rtol * abs(expected[i])
    message = messages.entries_mismatch(
        label, bad, len(got), i, got[i], expected[i], allowed
    )
    raise AssertionError(messages.with_hint(message, hint))
