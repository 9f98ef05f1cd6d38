"""Multiple-choice answers: one letter, checked for its form before its value."""

from __future__ import annotations

from . import messages


def check_letter(
    name: str, answer: object, letters: tuple[str, ...], correct: str, hint: str
) -> None:
    """`answer` (the student's variable `name`) is one of `letters` and equals `correct`.

    Case and surrounding spaces are forgiven; anything else that is not a single
    letter gets a message on the form. A wrong letter gets `hint`, which must not
    give the right one away.
    """
    __tracebackhide__ = True  # noqa: F841
    allowed = ", ".join(repr(letter) for letter in letters)
    if not isinstance(answer, str):
        raise AssertionError(
            f"{name} should be a string holding one letter ({allowed}); got "
            f"{messages.fmt_type(answer)}."
        )
    letter = answer.strip().lower()
    if letter not in letters:
        raise AssertionError(
            f"{name} should be one of {allowed}; got {answer!r}. Write the letter "
            "alone, in quotes."
        )
    if letter != correct:
        raise AssertionError(f"{name} = {answer!r} is not right. {hint}")
