"""Text of the failure messages: numbers, shapes, types and "got / expected" sentences.

Kept apart from the checks so that every message reads the same way: the variable,
what is wrong, got / expected / allowed, then the likely mistake as a question.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from grader_tests.core import remote
from grader_tests.core.named import Diagnosis, mistake_of

SIGNIFICANT_DIGITS = 4  # enough to tell values apart at a glance; more only if needed


def fmt_number(value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """Format a float to `digits` significant digits: 2.3812 -> '2.381'."""
    return f"{float(value):.{digits}g}"


def fmt_pair(got: float, expected: float) -> tuple[str, str]:
    """Format got and expected so that unequal values print unequal.

    4 significant digits if that shows the difference; else one digit more than the
    first that does: 1.000012 vs 1.000019, not 1.00001 vs 1.00002.
    """
    for digits in range(SIGNIFICANT_DIGITS, 18):
        pair = fmt_number(got, digits), fmt_number(expected, digits)
        if float(got) == float(expected) or pair[0] != pair[1]:
            if digits > SIGNIFICANT_DIGITS:
                pair = fmt_number(got, digits + 1), fmt_number(expected, digits + 1)
            return pair
    return pair


def fmt_ratio(ratio: float) -> str:
    """A ratio to 4 significant digits, as Python prints it: '100.0', '0.5'."""
    return repr(float(fmt_number(ratio)))


def fmt_shape(shape: Sequence[int]) -> str:
    """A shape as a tuple: torch.Size([100, 1]) -> '(100, 1)'; 0-dim -> '()'."""
    dims = tuple(int(d) for d in shape)
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def fmt_type(value: object) -> str:
    """A value's type as a student reads it: 'None', 'a list of 3 values', 'a str'."""
    if value is None:
        return "None"
    if isinstance(value, torch.Tensor):
        return f"a torch.Tensor of shape {fmt_shape(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a numpy.ndarray of shape {fmt_shape(value.shape)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, remote.Remote):
        return f"a {remote.type_name(value).removeprefix('builtins.')}"
    if hasattr(value, "why") and type(value).__name__ == "Opaque":
        kind = str(getattr(value, "type", "")).removeprefix("builtins.")
        return f"a {kind} ({value.why})"
    cls = type(value)
    module = "" if cls.__module__ == "builtins" else f"{cls.__module__}."
    return f"a {module}{cls.__qualname__}"


def value_mismatch(name: str, got: float, expected: float, allowed: float) -> str:
    """Sentence for a number that is off and matches no known mistake."""
    g, e = fmt_pair(got, expected)
    diff = fmt_number(abs(float(got) - float(expected)), 2)
    return (
        f"{name} is wrong: got {g}, expected {e} "
        f"(difference {diff}, up to {fmt_number(allowed, 2)} allowed)."
    )


def entries_mismatch(
    name: str,
    bad: int,
    total: int,
    index: int,
    got: float,
    expected: float,
    allowed: float,
) -> str:
    """Sentence for a tensor whose entries are off, naming the worst entry."""
    g, e = fmt_pair(got, expected)
    diff = fmt_number(abs(float(got) - float(expected)), 2)
    return (
        f"{name} is wrong in {bad} of {total} entries; the worst is entry {index}: "
        f"got {g}, expected {e} (difference {diff}, up to {fmt_number(allowed, 2)} "
        "allowed)."
    )


def with_hint(message: str, hint: str | None) -> str:
    """Append a hint (the likely mistake, as a question) to a message, if any.

    The result names the hint's mistake (or the message's), as a `Diagnosis` does.
    """
    text = f"{message} {hint}" if hint else message
    mistake = mistake_of(hint) or mistake_of(message)
    return Diagnosis(text, mistake) if mistake else text
