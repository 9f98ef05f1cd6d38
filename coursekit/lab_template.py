"""The files of a new lab, as `make new-lab` writes them: one small, complete exercise.

The exercise (the mean squared error, with a sum-instead-of-mean diagnosis) is
there to be replaced, but it is complete: the solution gets full marks, the
blank release 0, and the checks have unit tests. Placeholders: {{lab}} (07_x),
{{nn}} (07), {{title}}, {{module}} (lab07_x), {{prefix}} (lab07).
"""

from __future__ import annotations

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each {{key}} in `text` by its value."""
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


TITLE = """# Lab {{nn}}: {{title}} (2 points)

What this lab is about and why it matters, in a few sentences. This template's
exercise is the mean squared error, the loss the course's gradient descent
minimises; replace it with your own, keeping the structure: why, the equation with
the code's names, the task with its points, an answer cell, the cells that check it.

**Learning objectives.** After this lab you can

- write the mean squared error of a prediction, averaging (not summing) over the
  examples;
- read a check's message and find the mistake it names.

**How this lab works.** Replace each `raise NotImplementedError()` with your code,
then run the cell below it: it prints what it compared and, when something is off,
what to look at. Hidden checks run the same function on other data when your work
is graded."""

SETUP_TEXT = """## 0. Setup

The lab's data: targets `Y` and a model's predictions `Y_HAT` for $N = 4$ examples."""

SETUP = """import torch

Y = torch.tensor([1.0, 2.0, 3.0, 4.0])  # targets, shape (N,)
Y_HAT = torch.tensor([1.5, 2.0, 2.0, 5.0])  # predictions, shape (N,)"""

MSE_TEXT = r"""## 1. The mean squared error (2 points)

**Why.** Gradient descent needs one number that says how wrong the predictions are.
The mean squared error averages the squared errors over the $N$ examples:

$$L = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2 .$$

**Pitfall.** A sum instead of the mean gives $N$ times the loss, and $N$ times its
gradient: the same learning rate then takes steps $N$ times too long.

**Task (2 points).** Write `mse(y_hat, y)` returning $L$ as a 0-dim tensor. One
point checks that it returns one number, one point checks its value on other data."""

ANSWER = '''def mse(y_hat, y):
    """Mean squared error: y_hat, y (N,) tensors -> L, a 0-dim tensor."""
    ### BEGIN SOLUTION
    loss = ((y_hat - y) ** 2).mean()  # the mean over the N examples, not the sum
    ### END SOLUTION
    return loss'''

TEST_FORM = '''"""Check that mse returns one number, a 0-dim tensor."""
loss_small = mse(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 1.0]))
print(f"mse returned {loss_small!r} (should be tensor(2.))")
assert isinstance(loss_small, torch.Tensor) and loss_small.dim() == 0, (
    f"mse should return a 0-dim tensor, got {loss_small!r}: "
    "did you average the squared errors over the examples?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("mse_form", mse)
### END HIDDEN TESTS'''

TEST_VALUE = '''"""Check mse on two examples with errors 0 and 2: the mean of 0 and 4 is 2."""
loss_small = mse(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 1.0]))
print(f"mse = {float(loss_small):.4f} (should be 2.0000)")
assert abs(float(loss_small) - 2.0) < 1e-6, (
    f"got {float(loss_small):.4f}, expected 2: 4 means a sum over the 2 examples "
    "instead of a mean, 1.4142 a square root (RMSE), 1 a missing square"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("mse_value", mse)
### END HIDDEN TESTS'''

USE_TEXT = """On the lab's data the errors are 0.5, 0, -1 and 1: the squares 0.25, 0, 1 and 1
average to 0.5625."""

USE = """print(f"mse(Y_HAT, Y) = {float(mse(Y_HAT, Y)):.4f} (should be 0.5625)")"""

SUMMARY = """## Summary

- The mean squared error averages the squared errors: $L = \\frac{1}{N}\\sum_i
  (\\hat y_i - y_i)^2$, one number.
- A sum instead of the mean is $N$ times too large, and so is its gradient.

## Exercises

1. Compute `((Y_HAT - Y) ** 2).sum()` and compare it with `mse(Y_HAT, Y)`. What is
   the ratio, and why?
2. Why square the errors rather than add them up as they are?"""


def _meta(grade_id: str, grade: bool = False, solution: bool = False,
          points: int | None = None) -> dict:  # fmt: skip
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution,
            "schema_version": 3, "solution": solution, "task": False}  # fmt: skip
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def notebook(values: dict[str, str]) -> NotebookNode:
    """The source notebook of a new lab, its cells' ids equal to their grade ids."""
    p = values["prefix"]
    cells = [
        new_markdown_cell(TITLE, metadata=_meta(f"{p}_md_title")),
        new_markdown_cell(SETUP_TEXT, metadata=_meta(f"{p}_md_setup")),
        new_code_cell(SETUP, metadata=_meta(f"{p}_setup")),
        new_markdown_cell(MSE_TEXT, metadata=_meta(f"{p}_md_mse")),
        new_code_cell(ANSWER, metadata=_meta(f"{p}_mse", solution=True)),
        new_code_cell(TEST_FORM, metadata=_meta(f"test_{p}_mse_form", True, points=1)),
        new_code_cell(
            TEST_VALUE, metadata=_meta(f"test_{p}_mse_value", True, points=1)
        ),
        new_markdown_cell(USE_TEXT, metadata=_meta(f"{p}_md_use")),
        new_code_cell(USE, metadata=_meta(f"{p}_use")),
        new_markdown_cell(SUMMARY, metadata=_meta(f"{p}_md_summary")),
    ]
    for cell in cells:
        cell.id = cell.metadata["nbgrader"]["grade_id"]
        cell.source = fill(cell.source, values)
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = dict(KERNELSPEC)
    nb.metadata.language_info = {"name": "python"}
    nbformat.validate(nb)
    return nb


INIT = '''"""Lab {{nn}}, {{title}}: its checks (checks.py), reference and known mistakes."""

from .checks import CHECKS

__all__ = ["CHECKS"]
'''

REFERENCE = '''"""Lab {{nn}}, {{title}}: the reference answers, in float64."""

from __future__ import annotations


def reference_mse(y_hat: tuple[float, ...], y: tuple[float, ...]) -> float:
    """The mean squared error in float64, in plain Python."""
    return sum((a - b) ** 2 for a, b in zip(y_hat, y, strict=True)) / len(y)
'''

MISTAKES = '''"""Lab {{nn}}, {{title}}: the wrong answers students give, and what to ask them."""

from __future__ import annotations

import math

from .reference import reference_mse


def mistakes(y_hat: tuple[float, ...], y: tuple[float, ...]) -> list[tuple[float, str]]:
    """Likely wrong answers for these inputs, each with the question to ask."""
    n = len(y)
    errors = [a - b for a, b in zip(y_hat, y, strict=True)]
    mean = reference_mse(y_hat, y)
    return [
        (mean * n, f"Did you sum the squared errors instead of averaging (N = {n})?"),
        (math.sqrt(mean), "That is the root of the mean squared error: drop the sqrt."),
        (sum(abs(e) for e in errors) / n, "Did you forget to square the errors?"),
        (sum(errors) / n, "Did you forget to square the errors?"),
    ]
'''

CHECKS = '''"""Lab {{nn}}, {{title}}: the hidden checks.

Each `check_*` takes the student's function, calls it on inputs it builds itself,
compares with a float64 reference (reference.py), and raises AssertionError with a
sentence on the first thing wrong: defined -> type -> shape -> finite -> value ->
diagnosis (mistakes.py). The judge runs them outside the student's kernel: the
hidden test cells name them (`judge.check("mse_form", mse)`) as `CHECKS` lists
them, and `mse` is the student's function, called in the kernel. Unit tests:
tests/test_grader_{{module}}.py.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from grader_tests.core import compare, validate

from .mistakes import mistakes
from .reference import reference_mse

# Inputs the checks choose, not the notebook's data: a function that reads the
# notebook's Y or Y_HAT instead of its arguments shows. N = 5, so a sum is 5x the mean.
PROBE_Y_HAT = (0.5, -1.0, 2.0, 3.0, 1.5)
PROBE_Y = (1.0, -2.5, 3.5, 7.0, 2.0)
# A float32 mean of five squares is within a few float32 eps (1.2e-7) of the float64
# reference; the nearest mistake checked for (a square root, RMSE) is 50% off.
RTOL = 1e-5
CALL = f"mse(y_hat, y) with y_hat = {list(PROBE_Y_HAT)}, y = {list(PROBE_Y)}"


def _call(mse: Callable) -> object:
    validate.require_callable(mse, "mse")
    return validate.call(mse, CALL, torch.tensor(PROBE_Y_HAT), torch.tensor(PROBE_Y))


@validate.quiet
def check_mse_form(mse: Callable) -> None:
    """mse(y_hat, y) returns one number: a 0-dim floating tensor, finite."""
    __tracebackhide__ = True  # noqa: F841
    hint = "Did you average the squared errors over the examples (.mean())?"
    validate.require_tensor_values(_call(mse), CALL, (), hint)


@validate.quiet
def check_mse_value(mse: Callable) -> None:
    """mse(y_hat, y) equals the float64 mean of the squared errors."""
    __tracebackhide__ = True  # noqa: F841
    got = validate.to_number(_call(mse), CALL)
    validate.require_finite([got], CALL)
    expected = reference_mse(PROBE_Y_HAT, PROBE_Y)
    compare.require_close(
        CALL, got, expected, RTOL, 0.0, candidates=mistakes(PROBE_Y_HAT, PROBE_Y)
    )


# The hidden test cells' checks, by the names they call (`judge.check(name, ...)`).
CHECKS = {"mse_form": check_mse_form, "mse_value": check_mse_value}
'''

CHECK_TESTS = '''"""Do lab {{nn}}'s hidden checks pass the solution and name each known mistake?"""

from __future__ import annotations

import pytest
import torch

from grader_tests.{{module}} import checks

from .judging import JudgedModule

lab = JudgedModule(checks)  # every check_* through the judge, as in grading


def solution(y_hat, y):
    """The notebook's solution cell."""
    return ((y_hat - y) ** 2).mean()


def raises(exc):
    def mse(y_hat, y):
        raise exc

    return mse


def test_solution_passes_every_check():
    """Does the worked solution pass, in float32 and in float64?"""
    lab.check_mse_form(solution)
    lab.check_mse_value(solution)
    lab.check_mse_value(lambda y_hat, y: solution(y_hat.double(), y.double()))


def test_reference_agrees_with_torch():
    """Is the reference the float64 mean squared error torch computes?"""
    y_hat = torch.tensor(lab.PROBE_Y_HAT, dtype=torch.float64)
    y = torch.tensor(lab.PROBE_Y, dtype=torch.float64)
    expected = torch.nn.functional.mse_loss(y_hat, y).item()
    assert lab.reference_mse(lab.PROBE_Y_HAT, lab.PROBE_Y) == pytest.approx(
        expected, rel=1e-15
    )


MISTAKES = [
    ("check_mse_form", "blank", raises(NotImplementedError()),
     "raised NotImplementedError. Did you replace `raise NotImplementedError()`"),
    ("check_mse_form", "not a function", None, "mse should be a function; got None"),
    ("check_mse_form", "no mean", lambda y_hat, y: (y_hat - y) ** 2,
     "has the wrong shape: got (5,), expected (). Did you average"),
    ("check_mse_form", "a list", lambda y_hat, y: ((y_hat - y) ** 2).tolist(),
     "should be a torch.Tensor; got a list of 5 values"),
    ("check_mse_value", "sum", lambda y_hat, y: ((y_hat - y) ** 2).sum(),
     "Did you sum the squared errors instead of averaging (N = 5)?"),
    ("check_mse_value", "RMSE", lambda y_hat, y: ((y_hat - y) ** 2).mean().sqrt(),
     "That is the root of the mean squared error"),
    ("check_mse_value", "no square", lambda y_hat, y: (y_hat - y).abs().mean(),
     "Did you forget to square the errors?"),
    ("check_mse_value", "the notebook's data", lambda y_hat, y: torch.tensor(0.5625),
     "is wrong: got 0.5625, expected 4.2"),
    ("check_mse_value", "nan", lambda y_hat, y: torch.tensor(float("nan")),
     "is nan: expected a finite number"),
]  # fmt: skip


@pytest.mark.parametrize(
    "check, case, mse, fragment", MISTAKES, ids=[f"{m[0]}-{m[1]}" for m in MISTAKES]
)
def test_each_mistake_fails_with_its_message(check, case, mse, fragment):
    """Does the check fail on this mistake, with a message that names it?"""
    with pytest.raises(AssertionError) as failure:
        getattr(lab, check)(mse)
    assert fragment in str(failure.value)
'''

DEMO = """# The demo class of lab {{nn}} (see demo/01_gd_from_scratch.toml for the format).
# Each submission is the released lab with its answer cells filled in with the
# worked solution, except those under `cells` (replaced by the code given) or, with
# `blank = true`, none. `loses` names the test cells it must lose.

[[submission]]
student = "correct"
about = "The worked solution: full marks."
loses = []

[[submission]]
student = "blank"
about = "The release as handed out, nothing filled in: 0 points, and grading must not crash."
blank = true
loses = ["test_{{prefix}}_mse_form", "test_{{prefix}}_mse_value"]

[[submission]]
student = "sum_not_mean"
about = "Sums the squared errors instead of averaging them: the right form, N times the value."
loses = ["test_{{prefix}}_mse_value"]
[submission.cells]
{{prefix}}_mse = '''
def mse(y_hat, y):
    return ((y_hat - y) ** 2).sum()
'''
"""

MUTANTS = """# Mistakes students make in lab {{nn}}, injected one at a time into the worked
# solution by `make mutants`. Each replaces `old` (which must occur exactly once in
# the solution cell `cell`) with `new`; every mutant must lose points.

[[mutant]]
name = "root_of_mean"
cell = "{{prefix}}_mse"
old = "((y_hat - y) ** 2).mean()"
new = "((y_hat - y) ** 2).mean().sqrt()"
"""
