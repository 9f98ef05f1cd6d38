"""Named mistakes: a stable identifier carried by a diagnosis, for class reports.

A check's message is written for the student and may be reworded at any time;
the identifier is for the instructor's report ("12 students summed instead of
averaging"). A diagnosis is a `Diagnosis`, a str that also knows its mistake;
`validate.quiet` raises it as an AssertionError subclass named for the mistake,
so the graded notebook's error output records the name (its `ename`) and
counting mistakes never depends on the message's wording.
"""

from __future__ import annotations

# Identifier -> what the student did, as a report lists it.
MISTAKES: dict[str, str] = {
    "SummedNotAveraged": "summed over the examples instead of averaging",
    "MissingFactor2": "left out the factor 2 of the squared error's derivative",
    "WrongSign": "wrote y - y_hat instead of y_hat - y (wrong sign)",
    "SummedAndWrongSign": "summed instead of averaging, and the wrong sign",
    "SummedAndMissingFactor2": "summed instead of averaging, and no factor 2",
    "WrongSignAndMissingFactor2": "the wrong sign, and no factor 2",
    "DoubledFactor2": "multiplied by 2 twice",
    "DividedTwice": "divided by N twice",
    "GradientNotComputed": "left a gradient at zero (never computed it)",
    "UpdatedWithWeights": "updated with the weights instead of their gradient",
    "GradientAscent": "added the gradient (climbed the loss) instead of subtracting",
    "NoZeroGrad": "never zeroed the gradients, so they accumulated",
    "TrueLine": "predicted with the true line instead of w and b",
    "NotAveraged": "kept the per-example terms (forgot to average them)",
    "TracksGradients": "predicted with autograd recording a graph (no torch.no_grad())",
}

# The visible checks in students' notebooks cannot import this package (students
# do not have it), so their messages are plain text; these phrases of theirs name
# a mistake. tests/test_grader_named.py checks that each phrase still occurs in a
# lab's visible checks, so a rewording fails the tests instead of going uncounted.
VISIBLE_PHRASES: dict[str, str] = {
    "did you sum over the examples instead of averaging": "SummedNotAveraged",
    "did you sum over the points instead of averaging": "SummedNotAveraged",
    "did you drop the factor 2": "MissingFactor2",
    "did you write y - y_hat instead of y_hat - y": "WrongSign",
    "did you forget the gradient for b": "GradientNotComputed",
    "did you compute the gradient for b?": "GradientNotComputed",
    "did you forget to average the per-example terms": "NotAveraged",
    ".grad.zero_()?": "NoZeroGrad",
    "means optimizer.zero_grad() is missing": "NoZeroGrad",
}


class Diagnosis(str):
    """A message for the student that names one mistake of `MISTAKES`."""

    mistake: str

    def __new__(cls, text: str, mistake: str) -> Diagnosis:
        if mistake not in MISTAKES:
            raise KeyError(f"unknown mistake {mistake!r}: add it to MISTAKES")
        obj = super().__new__(cls, text)
        obj.mistake = mistake
        return obj

    def __reduce__(self):  # pickles as text plus its mistake
        return (Diagnosis, (str(self), self.mistake))


def mistake_of(message: object) -> str | None:
    """The mistake a message names, or None for a plain string."""
    return getattr(message, "mistake", None)


def mistake_in_output(ename: str, evalue: str) -> str | None:
    """The mistake a test cell's error output names: by the error's name if a
    hidden check raised it, else by a visible check's phrase, else None."""
    if ename in MISTAKES:
        return ename
    if ename == "AssertionError":
        for phrase, mistake in VISIBLE_PHRASES.items():
            if phrase in evalue:
                return mistake
    return None


_ERRORS: dict[str, type[AssertionError]] = {}


def error_class(mistake: str | None) -> type[AssertionError]:
    """AssertionError itself, or its subclass named for `mistake` (made once)."""
    if mistake is None:
        return AssertionError
    if mistake not in _ERRORS:
        _ERRORS[mistake] = type(mistake, (AssertionError,), {"__module__": __name__})
    return _ERRORS[mistake]
