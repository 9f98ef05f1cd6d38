"""What several labs' checks ask the same way: a loss history, its length, the MSE's
usual mistakes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from grader_tests.core import messages, validate
from grader_tests.core.linear import mse


def loss_history(
    losses: object,
    label: str,
    item: Callable[[int], str],
    per: str = "epoch",
    record: str = "loss.item()",
) -> list[float]:
    """A training run's losses as floats: a list of numbers (or one-element tensors),
    or a 1-D tensor or array. `label` names the whole, `item(i)` entry i."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(losses, (torch.Tensor, np.ndarray)) and np.ndim(losses) == 1:
        return validate.to_floats(torch.as_tensor(losses))
    if not isinstance(losses, (list, tuple)):
        raise AssertionError(
            f"{label} should be a list of floats, one per {per}; got "
            f"{messages.fmt_type(losses)}. Did you return the list you appended "
            f"{record} to?"
        )
    return [validate.to_number(v, item(i)) for i, v in enumerate(losses)]


def require_one_per_epoch(
    values: list[float],
    label: str,
    epochs: int,
    lab_epochs: int,
    record: str = "loss.item()",
) -> None:
    """One loss per epoch, with a question for the usual wrong lengths."""
    __tracebackhide__ = True  # noqa: F841
    if len(values) == epochs:
        return
    hint = {
        0: f"Did you append {record} inside the epoch loop?",
        1: "Did you return only the last loss instead of the list of all of them?",
        epochs - 1: "One too few: does the loop run range(num_epochs) (not "
        "range(1, num_epochs) or range(num_epochs - 1))?",
        epochs + 1: "One too many: does the loop run range(num_epochs), and do you "
        "record the loss only inside it (not also after the loop)?",
        2 * epochs: "Twice as many: did you append to the same list twice, or run the "
        "training twice?",
        lab_epochs: f"Does the loop run num_epochs (the argument) times, not the "
        f"notebook's NUM_EPOCHS = {lab_epochs}?",
    }.get(len(values))
    message = f"{label} has {len(values)} entries; expected {epochs}, one per epoch."
    raise AssertionError(messages.with_hint(message, hint))


Candidates = list[tuple[float, str]]


def mse_mistakes(y_hat: np.ndarray, y: np.ndarray, name: str = "mse") -> Candidates:
    """The MSE's usual wrong values: summed, RMSE, absolute, squared mean, halved,
    not squared; each with the question to ask."""
    error, expected, n = y_hat - y, mse(y_hat, y), y.size
    return [
        (
            n * expected,
            f"{name} is {n}x the reference (N = {n}): did you sum the "
            "squared errors instead of averaging them?",
        ),
        (
            expected**0.5,
            f"{name} is the square root of the MSE: did you return the "
            "RMSE? The MSE has no square root.",
        ),
        (
            float(np.mean(np.abs(error))),
            f"{name} is the mean absolute error: did you "
            "take abs(y_hat - y) instead of squaring?",
        ),
        (
            float(np.mean(error)) ** 2,
            "Did you square the mean error instead of averaging the squared errors?",
        ),
        (
            expected / 2,
            f"{name} is half the reference: did you divide by 2? The MSE "
            "is mean((y_hat - y) ** 2).",
        ),
        (float(np.mean(error)), "Did you forget to square the errors?"),
    ]
