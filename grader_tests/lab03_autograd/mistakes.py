"""Lab 03's known mistakes, each as the wrong answer it gives and the question to ask.

A check that finds a wrong value looks here: every function returns candidates (the
reference with one named mistake applied, and the question for the student), computed
in float64 from the check's own inputs, never stored. The training mistakes are
simulated by `mistaken_train`, one loop with a switch per mistake; the unit tests
compare each switch with the real PyTorch code that makes the mistake (a missing
zero_, optimizer.step before backward, a broadcasting nn.MSELoss, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader_tests.core.named import Diagnosis
from grader_tests.lab03_autograd.reference import (
    LabParams,
    reference_central_difference,
    reference_data,
    reference_forward,
    reference_gradient,
    reference_mse,
    reference_train,
)

Scalar = list[tuple[float, str]]

AUTOGRAD, NN = "autograd", "nn"  # which training function a candidate is for


def gradient(x: np.ndarray, y: np.ndarray, y_hat: np.ndarray, lab_n: int) -> Scalar:
    """gradient(x, y, y_hat) beyond the ratio table: the np.dot sum, a fixed N."""
    expected, n = reference_gradient(x, y, y_hat), len(x)
    candidates = [
        (
            n * expected,
            f"dw is {n}x the reference (N = {n}): np.dot(2 * x, y_hat - y) "
            "is already the sum over the examples, one number, so the .mean() after it "
            "changes nothing (a common bug). Divide by len(x), or write "
            "np.mean(2 * x * (y_hat - y)).",
        ),
    ]
    if n != lab_n:
        candidates.append(
            (
                n / lab_n * expected,
                f"dw is the sum divided by {lab_n} (the lab's N), "
                f"but this x has {n} examples: did you divide by {lab_n} instead of "
                "len(x)?",
            )
        )
    return candidates


def numerical_gradient(
    f: Callable[[float], float], w: float, h: float, exact: float, lab_slope: float
) -> Scalar:
    """numerical_gradient(f, w, h) done wrong: one-sided, 2h mistyped, h ignored."""
    fw, fp, fm = float(f(w)), float(f(w + h)), float(f(w - h))
    central = reference_central_difference(f, w, h)
    return [
        (
            (fp - fw) / h,
            "That is the forward difference (f(w + h) - f(w)) / h, whose "
            "error shrinks like h, not h ** 2: use the central difference "
            "(f(w + h) - f(w - h)) / (2 * h).",
        ),
        (
            (fw - fm) / h,
            "That is the backward difference (f(w) - f(w - h)) / h: use "
            "the central difference (f(w + h) - f(w - h)) / (2 * h).",
        ),
        (
            2 * central,
            "That is twice the central difference: did you divide by h "
            "instead of 2 * h? The two points w - h and w + h are 2h apart.",
        ),
        (
            (fp - fm) / 2 * h,
            "Did you write / 2 * h? Python reads it as (... / 2) * h, "
            "which multiplies by h: write / (2 * h).",
        ),
        (
            exact,
            f"That is the exact derivative, {exact:g}, but the central "
            f"difference with h = {h} is not exact: does numerical_gradient use its "
            "argument h?",
        ),
        (
            lab_slope,
            "That is the slope of the lab's loss, not of the function f "
            "passed in: does numerical_gradient evaluate its argument f?",
        ),
    ]


@dataclass(frozen=True)
class Run:
    """A training run with one mistake: its final w and its losses, and the question."""

    w: float
    losses: list[float]
    message: str
    losses_only: bool = False  # same w as another candidate: used for the losses only


def mistaken_train(
    x: np.ndarray,
    y: np.ndarray,
    w0: float,
    lr: float,
    num_epochs: int,
    *,
    accumulate: bool = False,
    ascend: bool = False,
    gradient_scale: float = 1.0,
    loss_scale: float = 1.0,
    delay: bool = False,
    frozen: bool = False,
    broadcast: bool = False,
    record_after: bool = False,
    shrink: bool = False,
) -> tuple[float, list[float]]:
    """The lab's loop in float64 with mistakes switched on; returns (w, losses).

    accumulate: the gradient buffer is never zeroed (w.grad += g each epoch);
    ascend: w += lr * grad; gradient_scale, loss_scale: a sum instead of a mean;
    delay: optimizer.step() before loss.backward() (each step uses the previous
    epoch's gradient, the first step none); frozen: w never changes;
    broadcast: the loss compares every prediction with every target, as
    nn.MSELoss does for shapes (n, 1) and (n,); record_after: the loss is
    recorded after the update; shrink: the update uses the weights instead of
    the gradient, w -= lr * w (the crop-yield lab's bug).
    """
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    w, buffer, previous, losses = float(w0), 0.0, None, []

    def loss_and_gradient(w: float) -> tuple[float, float]:
        if broadcast:
            error = reference_forward(x, w)[:, None] - y[None, :]  # (n, n)
            return float(np.mean(error**2)), float(2 * np.mean(x[:, None] * error))
        y_hat = reference_forward(x, w)
        return reference_mse(y_hat, y), reference_gradient(x, y, y_hat)

    for _ in range(num_epochs):
        loss, grad = loss_and_gradient(w)
        if not record_after:
            losses.append(loss_scale * loss)
        grad = w if shrink else grad * gradient_scale
        buffer = buffer + grad if accumulate else grad
        sign = -1.0 if ascend else 1.0
        if delay:
            if previous is not None:
                w -= sign * lr * previous
            previous = buffer
        elif not frozen:
            w -= sign * lr * buffer
        if record_after:
            losses.append(loss_scale * loss_and_gradient(w)[0])
    return w, losses


def train(x: np.ndarray, y: np.ndarray, run: Mapping[str, Any], kind: str) -> list[Run]:
    """Runs of train_autograd (kind AUTOGRAD) or train_nn (NN) with one mistake each."""
    n, w0 = len(x), run["w0"]
    args = (x, y, w0, run["lr"], run["num_epochs"])
    grad_name = "w.grad" if kind == AUTOGRAD else "model.weight.grad"
    zeroing = (
        "w.grad.zero_() after the update"
        if kind == AUTOGRAD
        else ("optimizer.zero_grad()")
    )
    sum_loss = (
        ".sum() instead of .mean() in the loss"
        if kind == AUTOGRAD
        else ("nn.MSELoss(reduction='sum') instead of the default, the mean")
    )
    runs = [
        Run(
            *mistaken_train(*args, accumulate=True),
            "This matches a run in which the "
            "gradients accumulate: the update of epoch k used the sum of the gradients "
            f"of epochs 0 to k, because backward() adds to {grad_name}. Did you forget "
            f"{zeroing}?",
        ),
        Run(
            *mistaken_train(*args, gradient_scale=n, loss_scale=n),
            "This matches a "
            f"run whose gradient is N = {n} times too large (like dot_gradient's), "
            "because the loss is the sum of the squared errors "
            f"instead of their mean: did you write {sum_loss}?",
        ),
    ]
    if kind == AUTOGRAD:
        runs += [
            Run(
                *mistaken_train(*args, gradient_scale=n),
                "This matches a run with the "
                f"gradient np.dot(2 * x, y_hat - y).mean(), N = {n} times too large "
                "(np.dot is already a sum): did you update with it "
                "instead of with w.grad?",
                losses_only=True,
            ),
            Run(
                *mistaken_train(*args, ascend=True),
                Diagnosis(
                    "This matches "
                    "gradient ascent: did you write w += lr * w.grad instead of "
                    "w -= lr * w.grad?",
                    "GradientAscent",
                ),
            ),
            Run(
                *mistaken_train(*args, frozen=True),
                f"w never moved from w0 = {w0}: "
                "does the update change w itself, in place (w -= lr * w.grad inside "
                "torch.no_grad())?"
                + (
                    " Or does it use w instead of w.grad? "
                    "From w0 = 0, w -= lr * w never moves."
                    if w0 == 0
                    else ""
                ),
            ),
        ]
        shrunk = mistaken_train(*args, shrink=True)
        runs.append(
            Run(
                *shrunk,
                Diagnosis(
                    "This matches a run that updates with the "
                    "weights instead of their gradient, w -= lr * w: w only shrinks "
                    "towards 0 and the loss barely moves. Subtract lr * w.grad.",
                    "UpdatedWithWeights",
                ),
                losses_only=shrunk[0] == w0,
            )  # from w0 = 0: the frozen run's w
        )
    else:
        runs += [
            Run(
                *mistaken_train(*args, frozen=True),
                f"The weight never moved from w0 "
                f"= {w0}: did you call optimizer.zero_grad() between loss.backward() "
                "and optimizer.step()? zero_grad clears the gradient that step needs "
                "(it sets it to None, and step skips a parameter without one): the "
                "order is backward, step, zero_grad (or zero_grad first). Or did you "
                "forget optimizer.step()?",
            ),
            Run(
                *mistaken_train(*args, delay=True),
                "This matches a run that updates "
                "with the previous epoch's gradient, the first step doing nothing: did "
                "you call optimizer.step() before loss.backward()? The order is "
                "backward, then step, then zero_grad.",
            ),
            Run(
                *mistaken_train(*args, broadcast=True),
                "This matches nn.MSELoss "
                "between a prediction of shape (n, 1) and a target of shape (n,): they "
                "broadcast to (n, n), every prediction against every target (PyTorch "
                "warns: 'Using a target size ... different to the input size'). "
                "Reshape y to (n, 1) as well.",
            ),
            Run(
                *mistaken_train(*args, ascend=True),
                Diagnosis(
                    "This matches "
                    "gradient ascent: did you pass maximize=True or a negative lr to "
                    "optim.SGD?",
                    "GradientAscent",
                ),
            ),
        ]
    runs.append(
        Run(
            *mistaken_train(*args, record_after=True),
            "losses[0] is the loss after the "
            "first update: record loss.item() before the update, so that losses[0] is "
            "the loss at w0.",
            losses_only=True,
        )
    )
    return runs


def train_settings(p: LabParams, run: Mapping[str, Any]) -> list[Run]:
    """Losses of a run that reads the notebook's W0 or LR instead of its arguments."""
    x, y = reference_data(p)
    epochs = run["num_epochs"]
    lab_lr = reference_train(x, y, run["w0"], p.lr, epochs)
    lab_w0 = reference_train(x, y, p.w0, run["lr"], epochs)
    return [
        Run(
            *lab_lr,
            f"The losses follow a run with lr = {p.lr} (the notebook's LR), "
            f"not the lr = {run['lr']} passed in: does the function use its argument "
            "lr?",
            losses_only=True,
        ),
        Run(
            *lab_w0,
            f"The losses start at w = {p.w0} (the notebook's W0), not at the "
            f"w0 = {run['w0']} passed in: does the function start from its argument "
            "w0?",
            losses_only=True,
        ),
    ]


# ---- the prediction tasks: why each entry is what it is ----
# A wrong entry gets its sentence, which names the true value: the experiment cell
# above the test cell prints it anyway, so the point is the reason, not the number.
PREDICTION_WHY: dict[str, tuple[str, ...]] = {
    "accumulate": (
        "backward() does not overwrite a.grad, it adds to it: the second backward "
        "adds its 6 to the 6 already there, so a.grad is 12 (6 would mean "
        "overwriting).",
        "a.grad.zero_() sets a.grad to 0, and the third backward adds 6 to that 0, "
        "so a.grad is 6 again (0 forgets the third backward, 18 the zero_()).",
    ),
    "no_grad": (
        "Inside torch.no_grad() nothing is recorded, so z = 2 * w is a plain tensor: "
        "z.requires_grad is False.",
        "Inside torch.no_grad() no graph is built, so z has no grad_fn: "
        "z.grad_fn is None is True.",
        "w is still the leaf created with requires_grad=True: the in-place update "
        "changed its values, not its flag, so w.requires_grad is True.",
    ),
    "numpy": (
        "torch.from_numpy(a) shares a's memory, so a[0] = 10.0 changes shared too: "
        "shared[0] is 10.0.",
        "torch.tensor(a) copied the values before the change, so copied[0] is still "
        "1.0.",
        "shared is float64 (from_numpy keeps numpy's dtype) and w32 float32: the "
        "matrix product @ refuses two dtypes, so shared @ w32 raises a RuntimeError "
        "(True). Convert first with shared.float().",
        "Elementwise * promotes float32 to float64 instead of raising: shared * w32 "
        "is a float64 tensor, so the prediction is False.",
    ),
}
