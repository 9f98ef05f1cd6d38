"""Do lab 03's hidden checks pass the solution and name each known mistake?

`Solution` is the notebook's solution, one method per student function; `mutant(...)`
replaces methods to apply one named mistake. The training mistakes are written as the
PyTorch code a student would write (`autograd_loop(...)`, `nn_loop(...)`), so the
checks are tested against real autograd behaviour: accumulation, in-place errors, a
rebound non-leaf w, the optimizer's call order, a broadcasting nn.MSELoss.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from grader_tests.lab03_autograd import checks as lab03_autograd

from .judging import JudgedModule

lab = JudgedModule(lab03_autograd)  # every check_* through the judge, as in grading

P = lab.DEFAULT
N = P.n
NOTEBOOK_X, NOTEBOOK_Y = (a.astype(np.float64) for a in lab.reference_data(P))


class Solution:
    """The notebook's solution cells."""

    def gradient(self, x, y, y_hat):
        return np.mean(2 * x * (y_hat - y))

    def numerical_gradient(self, f, w, h=1e-6):
        return (f(w + h) - f(w - h)) / (2 * h)

    def train_autograd(self, x, y, w0, lr, num_epochs):
        w = torch.tensor(w0, dtype=x.dtype, requires_grad=True)
        losses = []
        for _ in range(num_epochs):
            loss = ((w * x - y) ** 2).mean()
            losses.append(loss.item())
            loss.backward()
            with torch.no_grad():
                w -= lr * w.grad
            w.grad.zero_()
        return w.detach(), losses

    def train_nn(self, x, y, w0, lr, num_epochs):
        x, y = x.reshape(-1, 1), y.reshape(-1, 1)
        model = nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            model.weight.fill_(w0)
        loss_fn = nn.MSELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        losses = []
        for _ in range(num_epochs):
            loss = loss_fn(model(x), y)
            losses.append(loss.item())
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        return model, losses


def mutant(**methods) -> Solution:
    """The solution with some methods replaced (a method set to None: not defined)."""
    return type("Mutant", (Solution,), methods)()


FUNCTION = {
    "check_gradient": "gradient",
    "check_numerical_gradient": "numerical_gradient",
    "check_train_autograd_w": "train_autograd",
    "check_train_autograd_losses": "train_autograd",
    "check_train_nn_w": "train_nn",
    "check_train_nn_losses": "train_nn",
}


def run(check: str, student: Solution) -> None:
    getattr(lab, check)(getattr(student, FUNCTION[check]))


def raising(exc):
    def fn(self, *args):
        raise exc

    return fn


def autograd_loop(
    zero="after",
    update="in place",
    no_grad=True,
    sign=1.0,
    reduce=torch.mean,
    record="before",
    start=None,
    lr_fixed=None,
    epochs=None,
    out=None,
):
    """train_autograd written with one mistake, as a student would write it."""

    def train_autograd(self, x, y, w0, lr, num_epochs):
        w = torch.tensor(w0 if start is None else start, requires_grad=True)
        step_lr = lr if lr_fixed is None else lr_fixed
        losses = []
        for _ in range(num_epochs if epochs is None else epochs):
            if zero == "before" and w.grad is not None:
                w.grad.zero_()
            loss = reduce((w * x - y) ** 2)
            if record == "before":
                losses.append(loss.item())
            loss.backward()
            if update == "in place" and no_grad:
                with torch.no_grad():
                    w -= sign * step_lr * w.grad
            elif update == "in place":
                w -= sign * step_lr * w.grad
            elif update == "rebind" and no_grad:
                with torch.no_grad():
                    w = w - sign * step_lr * w.grad
            elif update == "rebind":
                w = w - sign * step_lr * w.grad
            elif update == "weights":  # the crop-yield lab's bug
                with torch.no_grad():
                    w -= sign * step_lr * w
            if zero == "after":
                w.grad.zero_()
            if record == "after":
                losses.append(float(((w * x - y) ** 2).mean()))
        return w, (losses if out is None else out(losses))

    return train_autograd


def nn_loop(
    order="bsz",
    reshape_y=True,
    reshape_x=True,
    bias=False,
    set_w0=True,
    reduction="mean",
    maximize=False,
    out=None,
):
    """train_nn written with one mistake; `order` spells the calls each epoch.

    b = loss.backward(), s = optimizer.step(), z = optimizer.zero_grad().
    """

    def train_nn(self, x, y, w0, lr, num_epochs):
        x = x.reshape(-1, 1) if reshape_x else x
        y = y.reshape(-1, 1) if reshape_y else y
        model = nn.Linear(1, 1, bias=bias)
        if set_w0:
            with torch.no_grad():
                model.weight.fill_(w0)
                if bias:
                    model.bias.zero_()
        loss_fn = nn.MSELoss(reduction=reduction)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, maximize=maximize)
        losses = []
        for _ in range(num_epochs):
            loss = loss_fn(model(x), y)
            losses.append(float(loss))
            for call in order:
                {"b": loss.backward, "s": optimizer.step, "z": optimizer.zero_grad}[
                    call
                ]()
        return model if out is None else out(model), losses

    return train_nn


def _formula_train(self, x, y, w0, lr, num_epochs):
    w, losses = torch.tensor(w0, dtype=x.dtype), []
    for _ in range(num_epochs):
        losses.append(((w * x - y) ** 2).mean().item())
        w = w - lr * (2 * x * (w * x - y)).mean()
    return w, losses


def _formula_train_with_graph(self, x, y, w0, lr, num_epochs):
    w, losses = torch.tensor(w0, dtype=x.dtype, requires_grad=True), []
    for _ in range(num_epochs):
        losses.append(((w * x - y) ** 2).mean().item())
        with torch.no_grad():
            w -= lr * (2 * x * (w * x - y)).mean()
    return w.detach(), losses


def gradient_of(formula):
    def gradient(self, x, y, y_hat):
        return formula(x, y, y_hat)

    return gradient


def fd_of(formula):
    def numerical_gradient(self, f, w, h=1e-6):
        return formula(f, w, h)

    return numerical_gradient


ACCUMULATE = "This matches a run in which the gradients accumulate"
W_TEXT = "w after train_autograd(x, y, w0=0.0, lr=0.01, num_epochs=20) is wrong"
NN_TEXT = "w after train_nn(x, y, w0=0.0, lr=0.01, num_epochs=20) is wrong"

MISTAKES = [
    # gradient
    (
        "check_gradient",
        "blank",
        {"gradient": raising(NotImplementedError())},
        "raised NotImplementedError. Did you replace `raise NotImplementedError()`",
    ),
    (
        "check_gradient",
        "not defined",
        {"gradient": None},
        "gradient should be a function; got None",
    ),
    (
        "check_gradient",
        "np.dot(...).mean(): a sum (seed 004)",
        {"gradient": gradient_of(lambda x, y, a: np.dot(2 * x, a - y).mean())},
        "is wrong: got -90, expected -22.5 (difference 68, up to 0.00023 allowed). dw is "
        "4x the reference (N = 4): np.dot(2 * x, y_hat - y) is already the sum over the "
        "examples, one number, so the .mean() after it changes nothing",
    ),
    (
        "check_gradient",
        "sum",
        {"gradient": gradient_of(lambda x, y, a: np.sum(2 * x * (a - y)))},
        "changes nothing (a common bug)",
    ),
    (
        "check_gradient",
        "factor 2 missing",
        {"gradient": gradient_of(lambda x, y, a: np.mean(x * (a - y)))},
        "dw is half the reference: got -11.25, expected -22.5. Did you leave out the "
        "factor 2",
    ),
    (
        "check_gradient",
        "wrong sign",
        {"gradient": gradient_of(lambda x, y, a: np.mean(2 * x * (y - a)))},
        "dw has the wrong sign: got 22.5, expected -22.5. Did you write y - y_hat",
    ),
    (
        "check_gradient",
        "hard-coded N = 4",
        {"gradient": gradient_of(lambda x, y, a: np.dot(2 * x, a - y) / 4)},
        "but this x has 5 examples: did you divide by 4 instead of len(x)?",
    ),
    (
        "check_gradient",
        "per-example gradients",
        {"gradient": gradient_of(lambda x, y, a: 2 * x * (a - y))},
        "has 4 elements (shape (4,)); expected one number. Did you forget to average the "
        "per-example gradients 2 * x * (y_hat - y)",
    ),
    (
        "check_gradient",
        "returns None",
        {"gradient": gradient_of(lambda x, y, a: None)},
        "returned None: did you forget `return dw`",
    ),
    (
        "check_gradient",
        "factor x missing",
        {"gradient": gradient_of(lambda x, y, a: np.mean(2 * (a - y)))},
        "compare your code with the formula",
    ),
    (
        "check_gradient",
        "global data",
        {
            "gradient": gradient_of(
                lambda x, y, a: np.mean(
                    2 * NOTEBOOK_X * (0.5 * NOTEBOOK_X - NOTEBOOK_Y)
                )
            )
        },
        "with x = [0.5, -1, 2, 3, 1.5]",
    ),
    # numerical_gradient
    (
        "check_numerical_gradient",
        "blank",
        {"numerical_gradient": raising(NotImplementedError())},
        "raised NotImplementedError",
    ),
    (
        "check_numerical_gradient",
        "forward difference",
        {"numerical_gradient": fd_of(lambda f, w, h: (f(w + h) - f(w)) / h)},
        "got 6.7951, expected 6.7501, the central difference of a cubic, 3 w^2 + h^2 "
        "(up to 6.8e-09 allowed). That is the forward difference",
    ),
    (
        "check_numerical_gradient",
        "backward difference",
        {"numerical_gradient": fd_of(lambda f, w, h: (f(w) - f(w - h)) / h)},
        "That is the backward difference",
    ),
    (
        "check_numerical_gradient",
        "divided by h",
        {"numerical_gradient": fd_of(lambda f, w, h: (f(w + h) - f(w - h)) / h)},
        "did you divide by h instead of 2 * h?",
    ),
    (
        "check_numerical_gradient",
        "/ 2 * h",
        {"numerical_gradient": fd_of(lambda f, w, h: (f(w + h) - f(w - h)) / 2 * h)},
        "Did you write / 2 * h?",
    ),
    (
        "check_numerical_gradient",
        "h ignored",
        {
            "numerical_gradient": fd_of(
                lambda f, w, h: (f(w + 1e-6) - f(w - 1e-6)) / 2e-6
            )
        },
        "That is the exact derivative, 6.75, but the central difference with h = 0.01 is "
        "not exact: does numerical_gradient use its argument h?",
    ),
    (
        "check_numerical_gradient",
        "the lab's loss, not f",
        {
            "numerical_gradient": fd_of(
                lambda f, w, h: (
                    (
                        lab.reference_mse(
                            lab.reference_forward(NOTEBOOK_X, w + h), NOTEBOOK_Y
                        )
                        - lab.reference_mse(
                            lab.reference_forward(NOTEBOOK_X, w - h), NOTEBOOK_Y
                        )
                    )
                    / (2 * h)
                )
            )
        },
        "does numerical_gradient evaluate its argument f?",
    ),
    (
        "check_numerical_gradient",
        "default h too small",
        {
            "numerical_gradient": lambda self, f, w, h=1e-13: (
                (f(w + h) - f(w - h)) / (2 * h)
            )
        },
        "is the default h about 1e-6?",
    ),
    (
        "check_numerical_gradient",
        "default h too large",
        {
            "numerical_gradient": lambda self, f, w, h=0.1: (
                (f(w + h) - f(w - h)) / (2 * h)
            )
        },
        "numerical_gradient(f, 1.5) (the default h) for f(w) = w ** 3 is wrong: got "
        "6.76, expected 6.75 (difference 0.01, up to 6.7e-07 allowed). The expected "
        "value is the exact derivative 3 w^2; the central difference of a cubic is "
        "3 w^2 + h^2, within 1e-12 of it with h = 1e-6: is the default h about 1e-6? "
        "Yours behaves like h = 0.1, too large",
    ),
    (
        "check_numerical_gradient",
        "default h 1e-3",
        {
            "numerical_gradient": lambda self, f, w, h=1e-3: (
                (f(w + h) - f(w - h)) / (2 * h)
            )
        },
        "Yours behaves like h = 0.001, too large",
    ),
    (
        "check_numerical_gradient",
        "no default h",
        {"numerical_gradient": lambda self, f, w, h: (f(w + h) - f(w - h)) / (2 * h)},
        "raised TypeError",
    ),
    # train_autograd: the mistakes the lab names
    (
        "check_train_autograd_w",
        "zero_ missing (accumulation)",
        {"train_autograd": autograd_loop(zero=None)},
        W_TEXT + ": got 2.277, expected 1.922 (difference "
        "0.35, up to 1e-05 allowed). "
        + ACCUMULATE
        + ": the update of epoch k used the "
        "sum of the gradients of epochs 0 to k, because backward() adds to w.grad. Did "
        "you forget w.grad.zero_() after the update?",
    ),
    (
        "check_train_autograd_losses",
        "zero_ missing (accumulation)",
        {"train_autograd": autograd_loop(zero=None)},
        ACCUMULATE,
    ),
    (
        "check_train_autograd_w",
        "update outside no_grad",
        {"train_autograd": autograd_loop(no_grad=False)},
        "calling train_autograd(x, y, w0=0.0, lr=0.01, "
        "num_epochs=20) raised RuntimeError: a leaf Variable that requires grad is being "
        "used in an in-place operation. w -= lr * w.grad changes w in place, and "
        "autograd refuses to record an in-place change of a leaf it must differentiate: "
        "put the update inside `with torch.no_grad():`.",
    ),
    (
        "check_train_autograd_losses",
        "update outside no_grad",
        {"train_autograd": autograd_loop(no_grad=False)},
        "put the update inside `with torch.no_grad():`",
    ),
    (
        "check_train_autograd_w",
        "formula instead of autograd",
        {"train_autograd": _formula_train},
        "train_autograd(x, y, w0=0.0, lr=0.01, num_epochs=20) never "
        "ran backward(): this task takes dL/dw from autograd",
    ),
    (
        "check_train_autograd_losses",
        "formula instead of autograd",
        {"train_autograd": _formula_train},
        "call loss.backward() each epoch",
    ),
    (
        "check_train_autograd_w",
        "graph built, formula used",
        {"train_autograd": _formula_train_with_graph},
        "never ran backward()",
    ),
    (
        "check_train_autograd_w",
        "wrong sign",
        {"train_autograd": autograd_loop(sign=-1.0)},
        "This matches gradient ascent: did you write w += lr * w.grad",
    ),
    (
        "check_train_autograd_losses",
        "wrong sign",
        {"train_autograd": autograd_loop(sign=-1.0)},
        "This matches gradient ascent",
    ),
    (
        "check_train_autograd_w",
        "sum loss (N times too large)",
        {"train_autograd": autograd_loop(reduce=torch.sum)},
        f"got 2, expected 1.922 (difference 0.078, up to 1e-05 allowed). This matches a "
        f"run whose gradient is N = {N} times too large (like dot_gradient's), because "
        "the loss is the sum of the squared errors instead of their "
        "mean: did you write .sum() instead of .mean() in the loss?",
    ),
    (
        "check_train_autograd_losses",
        "sum loss (N times too large)",
        {"train_autograd": autograd_loop(reduce=torch.sum)},
        "is the sum of the squared errors",
    ),
    (
        "check_train_autograd_w",
        "w = w - lr * w.grad (non-leaf)",
        {"train_autograd": autograd_loop(update="rebind", no_grad=False)},
        "raised AttributeError: 'NoneType' object has no attribute 'zero_'. w.grad is "
        "None because w is no longer a leaf: `w = w - lr * w.grad` made w a new tensor",
    ),
    (
        "check_train_autograd_losses",
        "w = w - lr * w.grad, zero_ first",
        {
            "train_autograd": autograd_loop(
                update="rebind", no_grad=False, zero="before"
            )
        },
        "raised TypeError: unsupported operand type(s) for *: 'float' and 'NoneType'. "
        "w.grad is None because w is no longer a leaf",
    ),
    (
        "check_train_autograd_w",
        "w = w - lr * w.grad inside no_grad",
        {"train_autograd": autograd_loop(update="rebind", zero=None)},
        "raised RuntimeError: element 0 of tensors does not require grad and does not "
        "have a grad_fn. The loss does not depend on a tensor that requires grad",
    ),
    (
        "check_train_autograd_w",
        "w never updated",
        {"train_autograd": autograd_loop(update=None)},
        "w never moved from w0 = 0.0: does the update change w itself",
    ),
    (
        "check_train_autograd_w",
        "update with the weights, w -= lr * w",
        {"train_autograd": autograd_loop(update="weights")},
        "w never moved from w0 = 0.0: does the update change w itself, in place "
        "(w -= lr * w.grad inside torch.no_grad())? Or does it use w instead of "
        "w.grad? From w0 = 0, w -= lr * w never moves.",
    ),
    (
        "check_train_autograd_losses",
        "update with the weights, w -= lr * w",
        {"train_autograd": autograd_loop(update="weights")},
        "This matches a run that updates with the weights instead of their gradient, "
        "w -= lr * w",
    ),
    (
        "check_train_autograd_losses",
        "recorded after the update",
        {"train_autograd": autograd_loop(record="after")},
        "losses[0] is the loss after the first update",
    ),
    (
        "check_train_autograd_losses",
        "notebook's LR",
        {"train_autograd": autograd_loop(lr_fixed=P.lr)},
        "(the notebook's LR), not the lr = 0.015 passed in",
    ),
    (
        "check_train_autograd_losses",
        "notebook's W0",
        {"train_autograd": autograd_loop(start=P.w0)},
        "(the notebook's W0), not at the w0 = -1.0 passed in",
    ),
    (
        "check_train_autograd_losses",
        "notebook's NUM_EPOCHS",
        {"train_autograd": autograd_loop(epochs=P.num_epochs)},
        "has 20 entries; expected 12, one per "
        "epoch. Does the loop run num_epochs (the argument) times, not the notebook's "
        "NUM_EPOCHS = 20?",
    ),
    (
        "check_train_autograd_losses",
        "last loss only",
        {"train_autograd": autograd_loop(out=lambda losses: losses[-1])},
        "should be a list of floats, one per epoch; got a float",
    ),
    (
        "check_train_autograd_losses",
        "empty list",
        {"train_autograd": autograd_loop(out=lambda losses: [])},
        "Did you append loss.item() inside the epoch loop?",
    ),
    (
        "check_train_autograd_w",
        "returns w only",
        {"train_autograd": lambda self, *a: Solution().train_autograd(*a)[0]},
        "should return 2 values (w, losses)",
    ),
    (
        "check_train_autograd_w",
        "blank",
        {"train_autograd": raising(NotImplementedError())},
        "raised NotImplementedError",
    ),
    (
        "check_train_autograd_w",
        "w never created with requires_grad",
        {
            "train_autograd": lambda self, x, y, w0, lr, n: (
                lambda w: (((w * x - y) ** 2).mean().backward(), w)
            )(torch.tensor(w0))
        },
        "The loss does not depend on a tensor that requires grad",
    ),
    # train_nn
    (
        "check_train_nn_w",
        "optimizer.zero_grad missing",
        {"train_nn": nn_loop("bs")},
        NN_TEXT
        + ": got 2.277, expected 1.922 (difference 0.35, up to 1e-05 allowed). "
        + ACCUMULATE
        + ": the update of epoch k used the sum of the gradients of epochs "
        "0 to k, because backward() adds to model.weight.grad. Did you forget "
        "optimizer.zero_grad()?",
    ),
    (
        "check_train_nn_losses",
        "optimizer.zero_grad missing",
        {"train_nn": nn_loop("bs")},
        "Did you forget optimizer.zero_grad()?",
    ),
    (
        "check_train_nn_w",
        "zero_grad between backward and step",
        {"train_nn": nn_loop("bzs")},
        "got 0, expected 1.922 (difference 1.9, up to 1e-05 allowed). The "
        "weight never moved from w0 = 0.0: did you call optimizer.zero_grad() between "
        "loss.backward() and optimizer.step()?",
    ),
    (
        "check_train_nn_losses",
        "zero_grad between backward and step",
        {"train_nn": nn_loop("bzs")},
        "did you call optimizer.zero_grad() between loss.backward() "
        "and optimizer.step()?",
    ),
    (
        "check_train_nn_w",
        "step before backward",
        {"train_nn": nn_loop("szb")},
        "did you call optimizer.step() before loss.backward()?",
    ),
    (
        "check_train_nn_losses",
        "step before backward",
        {"train_nn": nn_loop("szb")},
        "did you call optimizer.step() before loss.backward()?",
    ),
    (
        "check_train_nn_w",
        "zero_grad, step, backward",
        {"train_nn": nn_loop("zsb")},
        "The weight never moved from w0 = 0.0",
    ),
    (
        "check_train_nn_w",
        "step missing",
        {"train_nn": nn_loop("bz")},
        "Or did you forget optimizer.step()?",
    ),
    (
        "check_train_nn_w",
        "y not reshaped (MSELoss broadcasts)",
        {"train_nn": nn_loop(reshape_y=False)},
        "This matches nn.MSELoss between a prediction of shape "
        "(n, 1) and a target of shape (n,): they broadcast to (n, n)",
    ),
    (
        "check_train_nn_losses",
        "y not reshaped (MSELoss broadcasts)",
        {"train_nn": nn_loop(reshape_y=False)},
        "Reshape y to (n, 1) as well.",
    ),
    (
        "check_train_nn_w",
        "x not reshaped",
        {"train_nn": nn_loop(reshape_x=False)},
        "raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x4 and 1x1). "
        "nn.Linear(1, 1) expects x of shape (n, 1)",
    ),
    (
        "check_train_nn_w",
        "reduction='sum'",
        {"train_nn": nn_loop(reduction="sum")},
        "did you write nn.MSELoss(reduction='sum') instead of the default, the mean?",
    ),
    (
        "check_train_nn_w",
        "maximize=True",
        {"train_nn": nn_loop(maximize=True)},
        "did you pass maximize=True or a negative lr to optim.SGD?",
    ),
    (
        "check_train_nn_w",
        "bias left in",
        {"train_nn": nn_loop(bias=True)},
        "has 2 parameter tensors (weight (1, 1), bias (1,)); the lab's model f = w * x "
        "has one weight and no bias: use nn.Linear(1, 1, bias=False).",
    ),
    (
        "check_train_nn_w",
        "weight not set to w0",
        {"train_nn": nn_loop(set_w0=False)},
        "nn.Linear starts from a random weight. Set it before training",
    ),
    (
        "check_train_nn_losses",
        "weight not set to w0",
        {"train_nn": nn_loop(set_w0=False)},
        "Before any update (num_epochs=0) the model's weight is",
    ),
    (
        "check_train_nn_w",
        "returns the weight, not the model",
        {"train_nn": nn_loop(out=lambda model: model.weight)},
        "should be the model (a torch.nn.Module); "
        "got a torch.Tensor of shape (1, 1). Return the model itself, not its weight.",
    ),
    (
        "check_train_nn_w",
        "returns None",
        {"train_nn": lambda self, *a: None},
        "should return 2 values (model, losses); got None.",
    ),
]


@pytest.mark.parametrize(
    ("check", "methods", "fragment"),
    [pytest.param(c, m, f, id=f"{c}: {name}") for c, name, m, f in MISTAKES],
)
def test_mistake_is_diagnosed(check, methods, fragment):
    """Does each known mistake fail its check, with its diagnosis in the message?"""
    with pytest.raises(AssertionError) as info:
        run(check, mutant(**methods))
    assert fragment in str(info.value)


def _grad_none_instead_of_zero(self, x, y, w0, lr, num_epochs):
    w = torch.tensor(w0, requires_grad=True)
    losses = []
    for _ in range(num_epochs):
        loss = torch.nn.functional.mse_loss(w * x, y)
        losses.append(loss)
        loss.backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
        w.grad = None
    return w, losses


def _autograd_grad(self, x, y, w0, lr, num_epochs):
    w = torch.tensor(float(w0), dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(num_epochs):
        loss = ((w * x.double() - y.double()) ** 2).mean()
        (dw,) = torch.autograd.grad(loss, w)
        losses.append(loss.item())
        with torch.no_grad():
            w -= lr * dw
    return float(w), torch.tensor(losses)


def _noisy_train(self, *args):
    print("epoch 0", file=sys.stderr)  # a progress bar writes to stderr
    warnings.warn("a student warning", UserWarning, stacklevel=1)
    return Solution().train_autograd(*args)


def _squeezed_nn(self, x, y, w0, lr, num_epochs):
    model = nn.Sequential(nn.Linear(1, 1, bias=False))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[w0]]))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_epochs):
        optimizer.zero_grad(set_to_none=False)
        loss = nn.functional.mse_loss(model(x.unsqueeze(1)).squeeze(1), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return model, losses


EQUIVALENT = {
    "solution": {},
    "gradient with np.dot / len": {
        "gradient": gradient_of(lambda x, y, a: np.dot(2 * x, a - y) / len(x))
    },
    "gradient in float32": {
        "gradient": gradient_of(
            lambda x, y, a: np.float32(
                np.mean(2 * x.astype(np.float32) * (a - y).astype(np.float32))
            )
        )
    },
    "gradient as a 1-element array": {
        "gradient": gradient_of(lambda x, y, a: np.array([2 * np.mean(x * (a - y))]))
    },
    "gradient as a torch scalar": {
        "gradient": gradient_of(
            lambda x, y, a: 2 * (torch.from_numpy(x) * torch.from_numpy(a - y)).mean()
        )
    },
    "central difference, other order": {
        "numerical_gradient": fd_of(
            lambda f, w, h: f(w + h) / (2 * h) - f(w - h) / (2 * h)
        )
    },
    "central difference, default h = 1e-5": {
        "numerical_gradient": lambda self, f, w, h=1e-5: (f(w + h) - f(w - h)) / (2 * h)
    },
    "zero_ at the start of each epoch": {
        "train_autograd": autograd_loop(zero="before")
    },
    "w.grad = None, F.mse_loss, tensor losses": {
        "train_autograd": _grad_none_instead_of_zero
    },
    "torch.autograd.grad in float64": {"train_autograd": _autograd_grad},
    "train that prints to stderr and warns": {"train_autograd": _noisy_train},
    "zero_grad first": {"train_nn": nn_loop("zbs")},
    "Sequential, zero_grad(set_to_none=False), squeezed output": {
        "train_nn": _squeezed_nn
    },
}


@pytest.mark.parametrize("methods", EQUIVALENT.values(), ids=EQUIVALENT.keys())
def test_correct_implementations_pass(methods):
    """Do the solution and equivalent correct variants pass every check?"""
    student = mutant(**methods)
    for check in FUNCTION:
        assert run(check, student) is None


@pytest.mark.parametrize("spelling", ["{}", "{} ", " {}", "{}\n", "\t{}  "])
@pytest.mark.parametrize("case", [str.lower, str.upper])
@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_right_answer_passes(question, case, spelling):
    """Is the right letter accepted in either case and with surrounding whitespace?"""
    answer = spelling.format(case(lab.ANSWERS[question]))
    assert lab.check_answer(question, answer) is None


def test_answers_are_not_all_the_same_letter():
    """Would answering the same letter everywhere lose points?"""
    assert len(set(lab.ANSWERS.values())) > 1


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ("B)", "should be one of 'a', 'b', 'c'; got 'B)'. Write the letter alone"),
        ("", "got ''"),
        ("d", "got 'd'"),
        (None, "should be a string holding one letter ('a', 'b', 'c'); got None."),
        (2, "got a int"),
    ],
)
@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_malformed_answer_is_rejected(question, answer, fragment):
    """Is anything but a single letter rejected with a message saying so?"""
    with pytest.raises(AssertionError) as info:
        lab.check_answer(question, answer)
    assert f"answer_{question} should be" in str(info.value)
    assert fragment in str(info.value)


@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_wrong_letter_does_not_reveal_the_answer(question):
    """Does a wrong letter fail with a message that is the same for every wrong one?"""
    wrong = [letter for letter in lab.LETTERS if letter != lab.ANSWERS[question]]
    texts = []
    for letter in wrong:
        with pytest.raises(AssertionError) as info:
            lab.check_answer(question, letter)
        texts.append(str(info.value).replace(repr(letter), "<answer>"))
    assert "is not right" in texts[0]
    assert len(set(texts)) == 1
    assert repr(lab.ANSWERS[question]) not in texts[0]


# ---- predictions ----

PREDICTED = {  # the worked solution's predictions
    "accumulate": (12.0, 6.0),
    "no_grad": (False, True, True),
    "numpy": (10.0, 1.0, True, False),
}


@pytest.mark.parametrize(
    ("name", "prediction"),
    [
        *PREDICTED.items(),
        ("accumulate", (12, 6)),
        ("accumulate", [12.0, 6.0]),
        ("accumulate", (np.float64(12.0), torch.tensor(6.0))),
        ("numpy", (10, 1, True, False)),
        ("no_grad", (np.bool_(False), True, True)),
    ],
)
def test_right_prediction_passes(name, prediction):
    """Is the right prediction accepted, written as ints, a list or numpy values?"""
    assert lab.check_prediction(name, prediction) is None


WRONG_PREDICTIONS = [
    # (name, prediction, the wrong entries' reasons that must be in the message)
    (
        "accumulate",
        (6.0, 6.0),
        ["[0] (a.grad after the second backward) = 6", "it adds to it"],
    ),
    ("accumulate", (12.0, 0.0), ["[1]", "0 forgets the third backward"]),
    ("accumulate", (12.0, 18.0), ["[1]", "18 the zero_()"]),
    ("accumulate", (24.0, 6.0), ["[0]", "a.grad is 12"]),
    (
        "no_grad",
        (True, True, True),
        ["[0] (z.requires_grad) = True", "z.requires_grad is False"],
    ),
    (
        "no_grad",
        (False, False, True),
        ["[1] (z.grad_fn is None) = False", "no grad_fn"],
    ),
    (
        "no_grad",
        (False, True, False),
        ["[2] (w.requires_grad after the block)", "changed its values, not its flag"],
    ),
    ("no_grad", (True, False, False), ["[0]", "[1]", "[2]"]),
    ("numpy", (1.0, 1.0, True, False), ["[0] (shared[0]) = 1", "shares a's memory"]),
    ("numpy", (10.0, 10.0, True, False), ["[1] (copied[0]) = 10", "copied the values"]),
    (
        "numpy",
        (10.0, 1.0, False, False),
        ["[2]", "refuses two dtypes", "shared.float()"],
    ),
    ("numpy", (10.0, 1.0, True, True), ["[3]", "promotes float32 to float64"]),
    ("numpy", (10.0, 1.0, False, True), ["[2]", "[3]"]),
]


@pytest.mark.parametrize(("name", "prediction", "fragments"), WRONG_PREDICTIONS)
def test_wrong_prediction_is_explained(name, prediction, fragments):
    """Does each wrong entry fail with the reason for its true value, and only the
    wrong entries?"""
    with pytest.raises(AssertionError) as info:
        lab.check_prediction(name, prediction)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    for i, (got, true) in enumerate(zip(prediction, PREDICTED[name], strict=True)):
        if got == true:
            assert f"predict_{name}[{i}] (" not in message


@pytest.mark.parametrize(
    ("name", "prediction", "fragment"),
    [
        ("accumulate", 12.0, "should be a tuple of 2 entries"),
        ("accumulate", (12.0,), "should be a tuple of 2 entries"),
        ("accumulate", (12.0, "6"), "predict_accumulate[1]"),
        ("accumulate", (True, 6.0), "should be a number"),
        ("no_grad", (0, 1, 1), "should be True or False"),
        ("no_grad", ("False", True, True), "should be True or False"),
        ("numpy", (10.0, 1.0, True), "should be a tuple of 4 entries"),
        ("numpy", None, "got None"),
    ],
)
def test_malformed_prediction_is_rejected(name, prediction, fragment):
    """Is a prediction of the wrong form rejected with a message saying so?"""
    with pytest.raises(AssertionError) as info:
        lab.check_prediction(name, prediction)
    assert fragment in str(info.value)
