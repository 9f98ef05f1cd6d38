"""Reference values left out of a check's message, for whatever the kernel may see.

A failed check says what it got and what it expected ("got 1.415, expected
0.1103 (difference 1.3 ...)"). The student keeps their own values and the
diagnosis; the reference values for the grader's probe inputs become "…", so
they cannot be copied into a resubmission. The judge redacts each verdict
before the kernel hears it, and the feedback redacts errors again.

Standard library only: the judge imports it once, before it forks for each
notebook.
"""

from __future__ import annotations

import re

# A value quoted after "expected", "should be" or "difference": a number, a
# list, a tensor, or arithmetic ending in one, up to the punctuation that
# ends the clause.
# Words ("expected one number", "expected torch.float32") and shapes in
# parentheses ("expected (5, 1)") are kept.
REFERENCE = re.compile(
    r"\b(expected|difference|should be|reference is)\s+"
    r"(?:tensor\([^)]*\)"
    r"|(?:-?\d|\[)[^:;]*?(?=:|;| \(|, [a-zA-Z]| for |\.\s|\.$|\)|$))",
    re.M,
)
HIDDEN_VALUE = "…"


def redact_references(text: str) -> str:
    """Replace each quoted reference value in a check's message by "…"."""
    return REFERENCE.sub(lambda m: f"{m.group(1)} {HIDDEN_VALUE}", text)
