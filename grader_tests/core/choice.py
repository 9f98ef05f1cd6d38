"""Multiple-choice answers: one letter, checked for its form before its value."""

from __future__ import annotations

from collections.abc import Callable

from . import messages


def letter_of(name: str, answer: object, letters: tuple[str, ...]) -> str:
    """`answer` (the student's variable `name`) as one of `letters`, or why it is not.

    Case and surrounding spaces are forgiven; anything else that is not a single
    letter gets a message on the form.
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
    return letter


class MultipleChoice:
    """A lab's multiple-choice items: the key, the letters, and for each item a hint
    for a wrong letter, which must not give the right one away.

    `form(name, answer)` returns the answer's letter or fails on its form
    (`letter_of` by default).
    """

    def __init__(
        self,
        answers: dict[str, str],
        hints: dict[str, str],
        letters: tuple[str, ...] = ("a", "b", "c"),
        form: Callable[[str, object], str] | None = None,
    ) -> None:
        self.answers, self.hints, self.letters = answers, hints, letters
        self.form = form or (lambda name, answer: letter_of(name, answer, letters))

    def check(self, question: str, answer: object) -> None:
        """The answer to `question` is one of the letters, and the right one."""
        __tracebackhide__ = True  # noqa: F841
        if question not in self.answers:  # the notebook's author called it wrongly
            raise ValueError(
                f"unknown question {question!r}; known: {sorted(self.answers)}"
            )
        name = f"answer_{question}"
        if self.form(name, answer) != self.answers[question]:
            raise AssertionError(
                f"{name} = {answer!r} is not right. {self.hints[question]}"
            )
