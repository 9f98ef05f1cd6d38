"""Do lab 01's hidden checks pass the solution and name each known mistake?

`Solution` is the notebook's solution, one method per student function; `mutant(...)`
replaces methods to apply one named mistake (train calls the other methods through
self, so a wrong gradient also reaches train). Every mistake must fail its check with
an AssertionError whose message contains the expected diagnosis.
"""

from __future__ import annotations

import math
import sys
import warnings
from dataclasses import replace

import numpy as np
import pytest
import torch

from grader_tests.lab01_gd_from_scratch import checks as lab01_gd
from grader_tests.lab01_gd_from_scratch import reference as lab01_ref

from .judging import JudgedModule

lab = JudgedModule(lab01_gd)  # every check_* through the judge, as in grading

P = lab.DEFAULT
NOTEBOOK_X, NOTEBOOK_Y = lab.reference_data(P)  # what a notebook's globals x, y hold
NOTEBOOK_NOISE = NOTEBOOK_Y - (P.true_w * NOTEBOOK_X + P.true_b)


class Solution:
    """The notebook's solution cells."""

    def make_data(self, n, true_w, true_b, noise_std, seed):
        torch.manual_seed(seed)
        x = torch.rand(n, 1)
        noise = noise_std * torch.randn(n, 1)
        y = true_w * x + true_b + noise
        return x, y

    def predict(self, x, w, b):
        return w * x + b

    def mse(self, y_hat, y):
        return ((y_hat - y) ** 2).mean()

    def gradients(self, x, y, w, b):
        error = self.predict(x, w, b) - y
        return 2 * (x * error).mean(), 2 * error.mean()

    def step(self, w, b, dw, db, lr):
        return w - lr * dw, b - lr * db

    def train(self, x, y, w0, b0, lr, num_epochs):
        w, b = torch.as_tensor(w0), torch.as_tensor(b0)
        losses = []
        for _ in range(num_epochs):
            loss = self.mse(self.predict(x, w, b), y)
            losses.append(float(loss))
            dw, db = self.gradients(x, y, w, b)
            w, b = self.step(w, b, dw, db, lr)
        return w, b, losses

    def largest_stable_lr(self, x):
        x = x.to(torch.float64)
        m1, m2, one = x.mean(), (x**2).mean(), torch.ones((), dtype=torch.float64)
        h = 2 * torch.stack([torch.stack([m2, m1]), torch.stack([m1, one])])
        return float(2 / torch.linalg.eigvalsh(h)[-1])


def mutant(**methods) -> Solution:
    """The solution with some methods replaced (a method set to None: not defined)."""
    return type("Mutant", (Solution,), methods)()


FUNCTION = {
    "check_make_data_shape": "make_data",
    "check_make_data_values": "make_data",
    "check_predict": "predict",
    "check_mse": "mse",
    "check_dw": "gradients",
    "check_db": "gradients",
    "check_step": "step",
    "check_train_params": "train",
    "check_train_losses": "train",
    "check_largest_stable_lr": "largest_stable_lr",
}


def run(check: str, student: Solution) -> None:
    getattr(lab, check)(getattr(student, FUNCTION[check]))


def recipe(x_draw=torch.rand, noise_draw=torch.randn, scale=None, line=None):
    """make_data with one part of the recipe swapped out."""

    def make_data(self, n, true_w, true_b, noise_std, seed):
        torch.manual_seed(seed)
        x = x_draw(n, 1)
        noise = (noise_std if scale is None else scale(noise_std)) * noise_draw(n, 1)
        w, b = (true_w, true_b) if line is None else line
        return x, w * x + b + noise

    return make_data


def grads(dw_of, db_of):
    """gradients with dw, db computed from (x, error) by the given formulas."""

    def gradients(self, x, y, w, b):
        error = self.predict(x, w, b) - y
        return dw_of(x, error), db_of(x, error)

    return gradients


def raising(exc):
    def fn(self, *args):
        raise exc

    return fn


def _noise_first(self, n, true_w, true_b, noise_std, seed):
    torch.manual_seed(seed)
    noise = noise_std * torch.randn(n, 1)
    x = torch.rand(n, 1)
    return x, true_w * x + true_b + noise


def _unseeded(self, n, true_w, true_b, noise_std, seed):
    x = torch.rand(n, 1)
    return x, true_w * x + true_b + noise_std * torch.randn(n, 1)


def _autograd_copy(self, x, y, w, b):
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    ((w * x + b - y) ** 2).mean().backward()
    return w.grad, b.grad


def _inplace_step(self, w, b, dw, db, lr):
    w -= lr * dw
    b -= lr * db
    return w, b


def _backward(self, x, y, w, b):
    loss = self.mse(self.predict(x, w, b), y)
    loss.backward()
    return w.grad, b.grad


def _train_variant(
    record_after=False,
    assign=True,
    extra=False,
    epochs=None,
    start=None,
    lr=None,
    losses_out=None,
):
    """train with one loop mistake."""

    def train(self, x, y, w0, b0, lr_arg, num_epochs):
        w0, b0 = start if start is not None else (w0, b0)
        w, b, losses = torch.as_tensor(w0), torch.as_tensor(b0), []
        for _ in range(epochs or num_epochs):
            loss = self.mse(self.predict(x, w, b), y)
            if not record_after:
                losses.append(float(loss))
            dw, db = self.gradients(x, y, w, b)
            new = self.step(w, b, dw, db, lr or lr_arg)
            if assign:
                w, b = new
            if record_after:
                losses.append(float(self.mse(self.predict(x, w, b), y)))
        if extra:
            losses.append(float(self.mse(self.predict(x, w, b), y)))
        return w, b, (losses if losses_out is None else losses_out(losses))

    return train


def _hessian(x, factor=2.0):
    x = x.double()
    m1, m2 = x.mean(), (x**2).mean()
    return factor * torch.stack([torch.stack([m2, m1]), torch.stack([m1, m1 * 0 + 1])])


mean, tsum = torch.mean, torch.sum
N = P.n

MISTAKES = [
    # make_data
    (
        "check_make_data_shape",
        "blank",
        {"make_data": raising(NotImplementedError())},
        "raised NotImplementedError. Did you replace `raise NotImplementedError()`",
    ),
    (
        "check_make_data_shape",
        "not defined",
        {"make_data": None},
        "make_data should be a function; got None",
    ),
    (
        "check_make_data_shape",
        "returns x only",
        {"make_data": lambda s, n, *a: torch.rand(n, 1)},
        "should return 2 values (x, y); got a torch.Tensor of shape (100, 1). Did you "
        "forget to return y?",
    ),
    (
        "check_make_data_shape",
        "flat x",
        {
            "make_data": lambda s, n, w, b, sd, seed: (
                torch.rand(n),
                w * torch.rand(n) + b,
            )
        },
        "x from make_data(100, 2.0, 3.0, 0.2, 42) has the wrong shape: got (100,), "
        "expected (100, 1). Keep the column shape (100, 1): did you write "
        "torch.rand(100)?",
    ),
    (
        "check_make_data_shape",
        "hard-coded 100",
        {"make_data": lambda s, n, *a: Solution().make_data(100, *a)},
        "got (100, 1), expected (7, 1). Did you write 100 instead of the argument n?",
    ),
    (
        "check_make_data_shape",
        "numpy",
        {"make_data": lambda s, *a: tuple(t.numpy() for t in Solution().make_data(*a))},
        "x from make_data(100, 2.0, 3.0, 0.2, 42) should be a torch.Tensor; got a "
        "numpy.ndarray of shape (100, 1). Use torch, not numpy",
    ),
    (
        "check_make_data_shape",
        "integer x",
        {
            "make_data": lambda s, n, *a: (
                torch.randint(0, 2, (n, 1)),
                torch.zeros(n, 1),
            )
        },
        "has dtype torch.int64; expected a floating dtype",
    ),
    (
        "check_make_data_shape",
        "nan y",
        {
            "make_data": lambda s, n, *a: (
                torch.rand(n, 1),
                torch.full((n, 1), math.nan),
            )
        },
        "y from make_data(100, 2.0, 3.0, 0.2, 42) is nan in 100 of 100 entries",
    ),
    (
        "check_make_data_values",
        "randn for x",
        {"make_data": recipe(x_draw=torch.randn)},
        "did you use torch.randn instead of torch.rand?",
    ),
    (
        "check_make_data_values",
        "seed document's x",
        {"make_data": recipe(x_draw=lambda *s: torch.randn(*s) * 10)},
        "x should be uniform on [0, 1)",
    ),
    (
        "check_make_data_values",
        "noise missing",
        {"make_data": recipe(scale=lambda sd: 0.0)},
        "y has no noise",
    ),
    (
        "check_make_data_values",
        "noise unscaled",
        {"make_data": recipe(scale=lambda sd: 1.0)},
        "did you forget to multiply torch.randn(n, 1) by noise_std?",
    ),
    (
        "check_make_data_values",
        "noise variance",
        {"make_data": recipe(scale=lambda sd: sd**2)},
        "did you square noise_std?",
    ),
    (
        "check_make_data_values",
        "uniform noise",
        {"make_data": recipe(noise_draw=torch.rand)},
        "torch.rand instead of torch.randn",
    ),
    (
        "check_make_data_values",
        "noise drawn first",
        {"make_data": _noise_first},
        "did you draw the noise before x?",
    ),
    (
        "check_make_data_values",
        "seed 42 hard-coded",
        {
            "make_data": lambda s, n, w, b, sd, seed: Solution().make_data(
                n, w, b, sd, 42
            )
        },
        "x from make_data(13, -1.5, 0.5, 0.3, 7) is wrong in 13 of 13 entries",
    ),
    (
        "check_make_data_values",
        "seed 42 hard-coded (hint)",
        {
            "make_data": lambda s, n, w, b, sd, seed: Solution().make_data(
                n, w, b, sd, 42
            )
        },
        "With seed=7 it drew the x of seed 42: did you seed with 42 instead of the "
        "argument seed?",
    ),
    (
        "check_make_data_values",
        "not seeded",
        {"make_data": _unseeded},
        "x does not match the recipe",
    ),
    (
        "check_make_data_values",
        "line hard-coded",
        {"make_data": recipe(line=(2.0, 3.0))},
        "did you hard-code the line 2.0 * x + 3.0?",
    ),
    (
        "check_make_data_values",
        "noise_std hard-coded",
        {"make_data": recipe(scale=lambda sd: 0.2)},
        "make_data ignores noise_std: did you hard-code 0.2?",
    ),
    (
        "check_make_data_values",
        "float64 data",
        {
            "make_data": lambda s, *a: tuple(
                t.double() for t in Solution().make_data(*a)
            )
        },
        "has dtype torch.float64; expected torch.float32",
    ),
    # predict
    (
        "check_predict",
        "true line (seed document 000)",
        {"predict": lambda s, x, w, b: 2 * x + 3},
        "predict ignores w and b: for w = 0.5, b = -1.0 it returned 2.0 * x + 3.0. Did "
        "you use the true line 2.0 * x + 3.0 instead of the parameters?",
    ),
    (
        "check_predict",
        "true line plus noise (seed document 000)",
        {"predict": lambda s, x, w, b: 2 * x + 3 + NOTEBOOK_NOISE},
        "predict ignores w and b: predict(x, w=0.5, b=-1.0) and predict(x, w=-0.5, "
        "b=1.0) return the same values",
    ),
    (
        "check_predict",
        "w and b swapped",
        {"predict": lambda s, x, w, b: b * x + w},
        "did you write b * x + w?",
    ),
    (
        "check_predict",
        "bias missing",
        {"predict": lambda s, x, w, b: w * x},
        "did you forget + b?",
    ),
    (
        "check_predict",
        "weight missing",
        {"predict": lambda s, x, w, b: x + b},
        "did you forget w * x?",
    ),
    (
        "check_predict",
        "flattened",
        {"predict": lambda s, x, w, b: (w * x + b).ravel()},
        "got (100,), expected (100, 1). Keep the column shape (100, 1): did you "
        "flatten x",
    ),
    (
        "check_predict",
        "broadcast to n x n",
        {"predict": lambda s, x, w, b: w * x + b * torch.ones(x.shape[0])},
        "got (100, 100), expected (100, 1). 100 x 100 values come from broadcasting",
    ),
    (
        "check_predict",
        "returns None",
        {"predict": lambda s, x, w, b: None},
        "predict(x, w=0.5, b=-1.0) should be a torch.Tensor; got None.",
    ),
    (
        "check_predict",
        "numpy",
        {"predict": lambda s, x, w, b: (w * x + b).numpy()},
        "should be a torch.Tensor; got a numpy.ndarray",
    ),
    (
        "check_predict",
        "other wrong formula",
        {"predict": lambda s, x, w, b: w * x + b + 0.5},
        "predict(x, w=0.5, b=-1.0) is wrong in 100 of 100 entries",
    ),
    # mse
    (
        "check_mse",
        "sum",
        {"mse": lambda s, a, y: ((a - y) ** 2).sum()},
        f"mse is {N}x the reference (N = {N}): did you sum the squared errors",
    ),
    (
        "check_mse",
        "RMSE",
        {"mse": lambda s, a, y: ((a - y) ** 2).mean().sqrt()},
        "did you return the RMSE?",
    ),
    (
        "check_mse",
        "absolute",
        {"mse": lambda s, a, y: (a - y).abs().mean()},
        "mse is the mean absolute error",
    ),
    (
        "check_mse",
        "square of the mean",
        {"mse": lambda s, a, y: (a - y).mean() ** 2},
        "Did you square the mean error",
    ),
    (
        "check_mse",
        "halved",
        {"mse": lambda s, a, y: ((a - y) ** 2).mean() / 2},
        "did you divide by 2?",
    ),
    (
        "check_mse",
        "not squared",
        {"mse": lambda s, a, y: (a - y).mean()},
        "Did you forget to square the errors?",
    ),
    (
        "check_mse",
        "no mean",
        {"mse": lambda s, a, y: (a - y) ** 2},
        "mse(y_hat, y) has 100 elements (shape (100, 1)); expected one number. Did you "
        "forget to average the per-example squared errors",
    ),
    (
        "check_mse",
        "raises",
        {"mse": raising(TypeError("bad operand"))},
        "calling mse(y_hat, y) raised TypeError: bad operand",
    ),
    # gradients: the ratio table
    (
        "check_dw",
        "sum",
        {"gradients": grads(lambda x, e: 2 * tsum(x * e), lambda x, e: 2 * tsum(e))},
        f"dw is {float(N)}x the reference (N = {N}): did you sum over the examples "
        "instead of averaging?",
    ),
    (
        "check_db",
        "sum",
        {"gradients": grads(lambda x, e: 2 * tsum(x * e), lambda x, e: 2 * tsum(e))},
        f"db is {float(N)}x the reference (N = {N})",
    ),
    (
        "check_dw",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: 2 * mean(e))},
        "dw is half the reference",
    ),
    (
        "check_db",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: 2 * mean(x * e), lambda x, e: mean(e))},
        "db is half the reference",
    ),
    (
        "check_dw",
        "wrong sign",
        {"gradients": grads(lambda x, e: -2 * mean(x * e), lambda x, e: 2 * mean(e))},
        "dw has the wrong sign: got 5.084, expected -5.084. Did you write y - y_hat "
        "instead of y_hat - y?",
    ),
    (
        "check_db",
        "wrong sign",
        {"gradients": grads(lambda x, e: 2 * mean(x * e), lambda x, e: -2 * mean(e))},
        "db has the wrong sign",
    ),
    (
        "check_dw",
        "sum and wrong sign",
        {"gradients": grads(lambda x, e: -2 * tsum(x * e), lambda x, e: 2 * mean(e))},
        f"dw is {-float(N)}x the reference (N = {N}): did you sum over the examples "
        "instead of averaging, and write y - y_hat",
    ),
    (
        "check_db",
        "sum and factor 2 missing",
        {"gradients": grads(lambda x, e: 2 * mean(x * e), lambda x, e: tsum(e))},
        f"db is {N / 2}x the reference (N = {N}): did you sum over the examples instead "
        "of averaging, and leave out the factor 2?",
    ),
    (
        "check_dw",
        "wrong sign and factor 2 missing",
        {"gradients": grads(lambda x, e: -mean(x * e), lambda x, e: 2 * mean(e))},
        "dw is -0.5x the reference",
    ),
    (
        "check_db",
        "factor 2 twice",
        {"gradients": grads(lambda x, e: 2 * mean(x * e), lambda x, e: 4 * mean(e))},
        "Did you multiply by 2 twice?",
    ),
    (
        "check_dw",
        "divided by N twice",
        {
            "gradients": grads(
                lambda x, e: 2 * mean(x * e) / x.shape[0], lambda x, e: 2 * mean(e)
            )
        },
        "did you divide by N twice",
    ),
    (
        "check_db",
        "bias gradient zero",
        {
            "gradients": grads(
                lambda x, e: 2 * mean(x * e), lambda x, e: torch.zeros(())
            )
        },
        "db is 0, but should be -9.519: did you forget to compute db",
    ),
    # gradients: other mistakes
    (
        "check_dw",
        "per-example gradient (seed document 000)",
        {"gradients": grads(lambda x, e: 2 * x * e, lambda x, e: 2 * mean(e))},
        "dw from gradients(x, y, w=0.5, b=-1.0) has 100 elements (shape (100, 1)); "
        "expected one number. Did you forget to average the per-example gradients "
        "2 * x * (y_hat - y) over the examples?",
    ),
    (
        "check_db",
        "per-example gradient",
        {"gradients": grads(lambda x, e: 2 * mean(x * e), lambda x, e: 2 * e)},
        "per-example gradients 2 * (y_hat - y)",
    ),
    (
        "check_db",
        "bias gradient None",
        {"gradients": grads(lambda x, e: 2 * mean(x * e), lambda x, e: None)},
        "returned None for db: did you forget to compute db = 2 * mean(y_hat - y)?",
    ),
    (
        "check_db",
        "only dw returned",
        {"gradients": lambda s, x, y, w, b: 2 * mean(x * (w * x + b - y))},
        "should return 2 values (dw, db); got a torch.Tensor of shape (). Did you "
        "forget to return db?",
    ),
    (
        "check_dw",
        "returned (db, dw)",
        {
            "gradients": lambda s, x, y, w, b: tuple(
                reversed(Solution().gradients(x, y, w, b))
            )
        },
        "dw equals the reference db: did you forget the factor x in dw, or return "
        "(db, dw)",
    ),
    (
        "check_dw",
        "factor x missing",
        {"gradients": grads(lambda x, e: 2 * mean(e), lambda x, e: 2 * mean(e))},
        "did you forget the factor x in dw",
    ),
    (
        "check_dw",
        "global data",
        {
            "gradients": lambda s, x, y, w, b: Solution().gradients(
                NOTEBOOK_X, NOTEBOOK_Y, w, b
            )
        },
        "did you use global variables instead of the arguments x, y?",
    ),
    (
        "check_dw",
        "autograd on plain tensors",
        {"gradients": _backward},
        "calling gradients(x, y, w=0.5, b=-1.0) raised RuntimeError: element 0 of "
        "tensors does not require grad",
    ),
    (
        "check_dw",
        "autograd on copies that require grad",
        {"gradients": _autograd_copy},
        "used autograd (it built a graph for backward()): this lab derives the "
        "gradients by hand",
    ),
    (
        "check_db",
        "autograd on copies that require grad",
        {"gradients": _autograd_copy},
        "Compute db = 2 * mean(y_hat - y) from predict",
    ),
    # step
    (
        "check_step",
        "in place",
        {"step": _inplace_step},
        "step(w=0.5, b=-1.0, dw=2.0, db=-4.0, lr=0.1) changed the w and b passed in (an "
        "in-place update): return w - lr * dw and b - lr * db as new tensors",
    ),
    (
        "check_step",
        "uphill",
        {"step": lambda s, w, b, dw, db, lr: (w + lr * dw, b + lr * db)},
        "the new w from step(w=0.5, b=-1.0, dw=2.0, db=-4.0, lr=0.1) is "
        "wrong: got 0.7, expected 0.3 (difference 0.4, up to 4e-06 allowed). The new w "
        "moved uphill: did you write w + lr * dw instead of w - lr * dw?",
    ),
    (
        "check_step",
        "updates with the weights (seed document 003)",
        {"step": lambda s, w, b, dw, db, lr: (w - lr * w, b - lr * b)},
        "did you update with the weights instead of their gradient",
    ),
    (
        "check_step",
        "lr missing",
        {"step": lambda s, w, b, dw, db, lr: (w - dw, b - db)},
        "Did you forget to multiply dw by lr?",
    ),
    (
        "check_step",
        "w updated with db",
        {"step": lambda s, w, b, dw, db, lr: (w - lr * db, b - lr * db)},
        "Did you update w with db instead of dw?",
    ),
    (
        "check_step",
        "b updated with dw",
        {"step": lambda s, w, b, dw, db, lr: (w - lr * dw, b - lr * dw)},
        "Did you update b with dw instead of db?",
    ),
    (
        "check_step",
        "returned (b, w)",
        {"step": lambda s, w, b, dw, db, lr: (b - lr * db, w - lr * dw)},
        "Did you return (b, w) instead of (w, b)?",
    ),
    (
        "check_step",
        "returns the inputs",
        {"step": lambda s, w, b, dw, db, lr: (w, b)},
        "step returned w unchanged",
    ),
    (
        "check_step",
        "returns the change",
        {"step": lambda s, w, b, dw, db, lr: (-lr * dw, -lr * db)},
        "step returned the change -lr * dw",
    ),
    (
        "check_step",
        "returns w only",
        {"step": lambda s, w, b, dw, db, lr: w - lr * dw},
        "should return 2 values (w, b)",
    ),
    (
        "check_step",
        "returns a list of tensors",
        {"step": lambda s, w, b, dw, db, lr: [torch.stack([w - lr * dw, b - lr * db])]},
        "should return 2 values (w, b); got a list of 1 values.",
    ),
    # train: parameters
    (
        "check_train_params",
        "sum instead of mean",
        {"gradients": grads(lambda x, e: 2 * tsum(x * e), lambda x, e: 2 * tsum(e))},
        "is nan: expected a finite number. Training diverged",
    ),
    (
        "check_train_params",
        "wrong sign",
        {"gradients": grads(lambda x, e: -2 * mean(x * e), lambda x, e: -2 * mean(e))},
        "Training diverged",
    ),
    (
        "check_train_params",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: mean(e))},
        "w, b match a run with half the gradient: did you leave out the factor 2",
    ),
    (
        "check_train_params",
        "per-example gradient",
        {"gradients": grads(lambda x, e: 2 * x * e, lambda x, e: 2 * mean(e))},
        "w after train(x, y, w0=0.0, b0=0.0, lr=0.1, num_epochs=1000) has 100 elements"
        " (shape (100, 1)); expected one number. Did you forget to average the "
        "per-example gradients 2 * x * (y_hat - y)",
    ),
    (
        "check_train_params",
        "bias gradient zero",
        {
            "gradients": grads(
                lambda x, e: 2 * mean(x * e), lambda x, e: torch.zeros(())
            )
        },
        "b never moved from its start value: is db computed (not 0) and used by step?",
    ),
    (
        "check_train_params",
        "true line in predict",
        {"predict": lambda s, x, w, b: 2 * x + 3 + 0 * w},
        "w after train(x, y, w0=0.0, b0=0.0, lr=0.1, num_epochs=1000) is wrong",
    ),
    (
        "check_train_params",
        "uphill step",
        {"step": lambda s, w, b, dw, db, lr: (w + lr * dw, b + lr * db)},
        "Training diverged",
    ),
    (
        "check_train_params",
        "updates with the weights",
        {"step": lambda s, w, b, dw, db, lr: (w - lr * w, b - lr * b)},
        "w and b never moved from (w0, b0) = (0.0, 0.0): does the loop assign step's "
        "result",
    ),
    (
        "check_train_params",
        "step result not assigned",
        {"train": _train_variant(assign=False)},
        "w and b never moved",
    ),
    (
        "check_train_params",
        "returned (b, w, losses)",
        {
            "train": lambda s, *a: (lambda w, b, losses: (b, w, losses))(
                *Solution().train(*a)
            )
        },
        "Did you return (b, w, losses) instead of (w, b, losses)?",
    ),
    (
        "check_train_params",
        "losses not returned",
        {"train": lambda s, *a: Solution().train(*a)[:2]},
        "should return 3 values (w, b, losses)",
    ),
    (
        "check_train_params",
        "blank",
        {"train": raising(NotImplementedError())},
        "calling train(x, y, w0=0.0, b0=0.0, lr=0.1, num_epochs=1000) raised "
        "NotImplementedError",
    ),
    # train: losses
    (
        "check_train_losses",
        "recorded after the update",
        {"train": _train_variant(record_after=True)},
        "losses[0] is the loss after the first update: did you "
        "append the loss after calling step?",
    ),
    (
        "check_train_losses",
        "one extra loss",
        {"train": _train_variant(extra=True)},
        "has 51 entries; expected 50, one per epoch. One too many",
    ),
    (
        "check_train_losses",
        "notebook's NUM_EPOCHS",
        {"train": _train_variant(epochs=P.num_epochs)},
        "has 1000 entries; expected 50, one per epoch. Does "
        "the loop run num_epochs (the argument) times",
    ),
    (
        "check_train_losses",
        "notebook's W0, B0",
        {"train": _train_variant(start=(P.w0, P.b0))},
        "does train start from its arguments w0, b0?",
    ),
    (
        "check_train_losses",
        "notebook's LR",
        {"train": _train_variant(lr=P.lr)},
        "does train use its lr argument?",
    ),
    (
        "check_train_losses",
        "empty list",
        {"train": _train_variant(losses_out=lambda losses: [])},
        "Did you append float(loss) inside",
    ),
    (
        "check_train_losses",
        "last loss only",
        {"train": _train_variant(losses_out=lambda losses: losses[-1])},
        "should be a list of floats, one per epoch; got a float",
    ),
    (
        "check_train_losses",
        "losses None",
        {"train": _train_variant(losses_out=lambda losses: None)},
        "should be a list of floats, one per epoch; got None",
    ),
    (
        "check_train_losses",
        "uphill step",
        {"step": lambda s, w, b, dw, db, lr: (w + lr * dw, b + lr * db)},
        "rise at epoch 1",
    ),
    (
        "check_train_losses",
        "sum instead of mean",
        {"gradients": grads(lambda x, e: 2 * tsum(x * e), lambda x, e: 2 * tsum(e))},
        "Training diverged",
    ),
    (
        "check_train_losses",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: mean(e))},
        "The losses fall as if the gradients were half as large",
    ),
    # largest_stable_lr
    (
        "check_largest_stable_lr",
        "1/L",
        {
            "largest_stable_lr": lambda s, x: float(
                1 / torch.linalg.eigvalsh(_hessian(x))[-1]
            )
        },
        "1 / L instead of 2 / L",
    ),
    (
        "check_largest_stable_lr",
        "Hessian without its 2",
        {
            "largest_stable_lr": lambda s, x: float(
                2 / torch.linalg.eigvalsh(_hessian(x, 1.0))[-1]
            )
        },
        "Did you leave the factor 2 out of the Hessian",
    ),
    (
        "check_largest_stable_lr",
        "smallest eigenvalue",
        {
            "largest_stable_lr": lambda s, x: float(
                2 / torch.linalg.eigvalsh(_hessian(x))[0]
            )
        },
        "the smallest eigenvalue instead of the largest",
    ),
    (
        "check_largest_stable_lr",
        "L itself",
        {
            "largest_stable_lr": lambda s, x: float(
                torch.linalg.eigvalsh(_hessian(x))[-1]
            )
        },
        "Did you return L itself",
    ),
    (
        "check_largest_stable_lr",
        "w-w entry only",
        {"largest_stable_lr": lambda s, x: float(2 / (2 * (x.double() ** 2).mean()))},
        "only the w-w entry",
    ),
    (
        "check_largest_stable_lr",
        "global x",
        {"largest_stable_lr": lambda s, x: Solution().largest_stable_lr(NOTEBOOK_X)},
        "did you use a global variable instead of the argument?",
    ),
    (
        "check_largest_stable_lr",
        "returns None",
        {"largest_stable_lr": lambda s, x: None},
        "largest_stable_lr(x) should be a number; got None.",
    ),
    (
        "check_largest_stable_lr",
        "other wrong value",
        {"largest_stable_lr": lambda s, x: 0.5},
        "largest_stable_lr(x) is wrong: got 0.5, expected",
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


def _float32_gradients(self, x, y, w, b):
    return Solution().gradients(x.float(), y.float(), w.float(), b.float())


def _float64_train(self, x, y, w0, b0, lr, num_epochs):
    return Solution().train(
        x.double(), y.double(), float(w0), float(b0), lr, num_epochs
    )


def _noisy_train(self, *args):
    print("epoch 0", file=sys.stderr)  # a progress bar writes to stderr
    warnings.warn("a student warning", UserWarning, stacklevel=1)
    return Solution().train(*args)


def _numpy_lr(self, x):
    xs = x.double().numpy().ravel()
    h = 2 * np.array([[np.mean(xs**2), np.mean(xs)], [np.mean(xs), 1.0]])
    return 2 / np.linalg.eigvalsh(h)[-1]


EQUIVALENT = {
    "solution": {},
    "y summed in another order": {
        "make_data": lambda s, n, w, b, sd, seed: (
            lambda x, noise: (x, noise + b + x * w)
        )(*Solution().make_data(n, 0.0, 0.0, sd, seed))
    },
    "predict as torch.addcmul": {
        "predict": lambda s, x, w, b: torch.addcmul(b.expand_as(x), x, w.expand_as(x))
    },
    "mse as a Python float": {"mse": lambda s, a, y: ((a - y) ** 2).mean().item()},
    "mse with a numpy scalar": {"mse": lambda s, a, y: np.mean(((a - y) ** 2).numpy())},
    "gradients as Python floats": {
        "gradients": lambda s, *a: tuple(float(g) for g in Solution().gradients(*a))
    },
    "gradients of shape (1, 1)": {
        "gradients": lambda s, *a: tuple(
            g.reshape(1, 1) for g in Solution().gradients(*a)
        )
    },
    "gradients in float32": {"gradients": _float32_gradients},
    "gradients via matrix products": {
        "gradients": lambda s, x, y, w, b: (
            lambda e: (2 * (x.T @ e).squeeze() / len(x), 2 * e.sum() / len(x))
        )(w * x + b - y)
    },
    "train in float64": {"train": _float64_train},
    "train with tensor losses": {
        "train": _train_variant(
            losses_out=lambda losses: [torch.tensor(v) for v in losses]
        )
    },
    "train with a 1-D tensor of losses": {
        "train": _train_variant(losses_out=torch.tensor)
    },
    "train that prints to stderr and warns": {"train": _noisy_train},
    "largest_stable_lr with numpy": {"largest_stable_lr": _numpy_lr},
    "largest_stable_lr in float32, as a tensor": {
        "largest_stable_lr": lambda s, x: (
            2 / torch.linalg.eigvalsh(_hessian(x).float())[-1]
        )
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
    assert (
        lab.check_answer(question, spelling.format(case(lab.ANSWERS[question]))) is None
    )


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ("B)", "should be one of 'a', 'b', 'c'; got 'B)'. Write the letter alone"),
        ("b.", "got 'b.'"),
        ("", "got ''"),
        ("ab", "got 'ab'"),
        ("d", "got 'd'"),
        ("b) the loss grows", "got 'b) the loss grows'"),
        (None, "should be a string holding one letter ('a', 'b', 'c'); got None."),
        (2, "got a int"),
        (["b"], "got a list of 1 values"),
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
    assert f"{lab.ANSWERS[question]})" not in texts[0]


# ---- the learning-rate sweep and inputs on a large scale (graded with context) ----

KEY = "f9091f6eef0cd083f39cdc80175fb83b"
STUDENTS = ["", "alice"]  # the example data and one student's own data


def _context(student: str):
    from coursekit.judge.server import Context

    return Context("01_gd_from_scratch", student, KEY)


def _sweep(start=None, lr_of=None, epochs=None, pick=-1, chain=False, data=None):
    """lr_sweep with one mistake, on the solution's train."""

    def lr_sweep(x, y, lrs, num_epochs):
        x, y = data if data is not None else (x, y)
        w, b, out = 0.0, 0.0, []
        for lr in lrs:
            w0, b0 = start if start is not None else ((w, b) if chain else (0.0, 0.0))
            w, b, losses = Solution().train(
                x, y, w0, b0, lr if lr_of is None else lr_of(lrs), epochs or num_epochs
            )
            out.append(losses[pick])
        return out

    return lr_sweep


def _trained(student: str) -> tuple[float, float]:
    answers = lab.run_answers(lab.student_params(KEY, student))
    return answers["w"], answers["b"]


def _big(student: str) -> tuple[float, list[float]]:
    """The solution's lr_max_big and sweep_big on the student's x_big, y_big."""
    x, y = lab.reference_big_data(lab.student_params(KEY, student))
    lr_max = Solution().largest_stable_lr(x)
    return lr_max, _sweep()(x, y, [P.lr, lr_max / 2], lab.SWEEP_EPOCHS)


def run_sweep(student: str, lr_sweep) -> None:
    lab.check_lr_sweep(lr_sweep, context=_context(student))


SWEEP_MISTAKES = [
    (
        "no reset between runs",
        lambda s: _sweep(chain=True),
        "Each run went on from where the previous one ended",
    ),
    (
        "starts from the trained w, b",
        lambda s: _sweep(start=_trained(s)),
        "Every run started from the w, b trained in Section 6",
    ),
    (
        "one lr only",
        lambda s: _sweep(lr_of=lambda lrs: lrs[0]),
        "Every run used the first learning rate",
    ),
    (
        "the notebook's LR",
        lambda s: _sweep(lr_of=lambda lrs: P.lr),
        "Every run used lr = 0.1 (the notebook's LR)",
    ),
    (
        "NUM_EPOCHS",
        lambda s: _sweep(epochs=P.num_epochs),
        "The runs took 1000 epochs (the notebook's NUM_EPOCHS)",
    ),
    ("losses[0]", lambda s: _sweep(pick=0), "Every entry is the loss at the start"),
    (
        "global x, y",
        lambda s: _sweep(data=lab.reference_data(lab.student_params(KEY, s))),
        "does lr_sweep use its arguments x, y",
    ),
    (
        "whole losses lists",
        lambda s: (
            lambda x, y, lrs, n: [
                Solution().train(x, y, 0.0, 0.0, lr, n)[2] for lr in lrs
            ]
        ),
        "Append the last loss of each run, losses[-1], not the whole list.",
    ),
    (
        "one number",
        lambda s: lambda x, y, lrs, n: 0.5,
        "should be a list of 4 floats, one final loss per learning rate; got a float",
    ),
    ("too few", lambda s: lambda x, y, lrs, n: [0.1], "should hold 4 final losses"),
    ("blank", lambda s: raising(NotImplementedError()), "NotImplementedError"),
]


@pytest.mark.parametrize("student", STUDENTS)
def test_lr_sweep_passes_the_solution(student):
    """Does the solution's sweep pass on each student's own data, in float32 and 64?"""
    run_sweep(student, _sweep())
    run_sweep(student, lambda x, y, lrs, n: _sweep()(x.double(), y.double(), lrs, n))
    run_sweep(student, lambda x, y, lrs, n: torch.tensor(_sweep()(x, y, lrs, n)))


@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize(
    ("make", "fragment"),
    [pytest.param(m, f, id=name) for name, m, f in SWEEP_MISTAKES],
)
def test_lr_sweep_mistake_is_diagnosed(student, make, fragment):
    """Does each sweep mistake fail on the student's data with its diagnosis?"""
    with pytest.raises(AssertionError) as info:
        run_sweep(student, make(student))
    assert fragment in str(info.value)


def test_lr_sweep_uses_the_graded_students_data():
    """Does a sweep that runs on another student's data fail for this student?"""
    alice = lab.reference_data(lab.student_params(KEY, "alice"))
    with pytest.raises(AssertionError, match="on the example data"):
        run_sweep("", _sweep(data=alice))


@pytest.mark.parametrize("student", STUDENTS)
def test_big_scale_passes_the_solution(student):
    """Do the solution's lr_max_big and sweep_big pass, as tensor or float?"""
    lr_max, sweep = _big(student)
    lab.check_big_scale(lr_max, sweep, context=_context(student))
    lab.check_big_scale(torch.tensor(lr_max), tuple(sweep), context=_context(student))


def _big_mistakes(student: str) -> list:
    p = lab.student_params(KEY, student)
    (x, y), (xb, yb) = lab.reference_data(p), lab.reference_big_data(p)
    lr_max, sweep = _big(student)
    lr_x = Solution().largest_stable_lr(x)
    n = lab.SWEEP_EPOCHS
    return [
        ("threshold of x", lr_x, sweep, "That is the threshold for x, not x_big"),
        ("1 / L", lr_max / 2, sweep, "Did you return 1 / L instead of 2 / L?"),
        (
            "sweep on x",
            lr_max,
            _sweep()(x, y, [P.lr, lr_max / 2], n),
            "These are the losses for x, y: run the sweep on x_big, y_big.",
        ),
        (
            "lrs swapped",
            lr_max,
            _sweep()(xb, yb, [lr_max / 2, P.lr], n),
            "The two learning rates are swapped",
        ),
        (
            "full threshold",
            lr_max,
            _sweep()(xb, yb, [P.lr, lr_max], n),
            "The second learning rate is lr_max_big itself",
        ),
        (
            "no reset",
            lr_max,
            _sweep(chain=True)(xb, yb, [P.lr, lr_max / 2], n),
            "a float64 run of the lab's loop from w = b = 0 ends at",
        ),
        ("one entry", lr_max, sweep[:1], "sweep_big should hold 2 final losses"),
        ("None", None, sweep, "lr_max_big should be a number; got None"),
    ]


@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("case", range(8))
def test_big_scale_mistake_is_diagnosed(student, case):
    """Does each big-scale mistake fail with its diagnosis?"""
    _, lr_max, sweep, fragment = _big_mistakes(student)[case]
    with pytest.raises(AssertionError) as info:
        lab.check_big_scale(lr_max, sweep, context=_context(student))
    assert fragment in str(info.value)


# ---- Section 8: epochs to reach the target; Section 10: more noise (context) ----

NEW_STUDENTS = ["", "alice", "bob", "carol"]  # the example data and three ids


def epochs_to_reach(losses, target):
    for k, loss in enumerate(losses):
        if loss <= target:
            return k
    return None


def _target(p) -> float:
    """The notebook's TARGET: 1.01 times the least-squares loss of its data."""
    x, y = lab.reference_data(p)
    A = torch.cat([x, torch.ones_like(x)], dim=1).double()
    w_ls, b_ls = torch.linalg.lstsq(A, y.double()).solution.ravel()
    return 1.01 * float(((w_ls * x.double() + b_ls - y.double()) ** 2).mean())


def _init_values(student: str, start=(-10.0, 10.0), reach=epochs_to_reach) -> dict:
    """The worked solution of Section 8 on the student's data (float32, as typed)."""
    p = lab.student_params(KEY, student)
    x, y = lab.reference_data(p)
    target = _target(p)
    _, _, losses = Solution().train(x, y, P.w0, P.b0, P.lr, P.num_epochs)
    _, _, losses_far = Solution().train(x, y, *start, P.lr, P.num_epochs)
    return {
        "epochs_to_reach": reach,
        "losses_far": losses_far,
        "epochs_near": reach(losses, target),
        "epochs_far": reach(losses_far, target),
        "losses": losses,
        "target": target,
    }


def run_init(student: str, values: dict) -> None:
    names = ("epochs_to_reach", "losses_far", "epochs_near", "epochs_far")
    lab.check_init_epochs(*(values[k] for k in names), context=_context(student))


@pytest.mark.parametrize("student", NEW_STUDENTS)
def test_init_epochs_passes_the_solution(student):
    """Does the worked solution pass on each student's data, also as a tensor run?"""
    values = _init_values(student)
    run_init(student, values)
    expected = lab.init_answers(lab.student_params(KEY, student))
    assert values["epochs_near"] < values["epochs_far"]
    assert values["epochs_far"] == expected["epochs_far"]
    as_tensor = dict(values, losses_far=torch.tensor(values["losses_far"]))
    run_init(student, dict(as_tensor, epochs_far=np.int64(values["epochs_far"])))


def _strict(losses, target):
    return next((k for k, v in enumerate(losses) if v < target), None)


def _late(losses, target):
    k = epochs_to_reach(losses, target)
    return None if k is None else k + 1


def _minus_one(losses, target):
    k = epochs_to_reach(losses, target)
    return -1 if k is None else k


def _the_loss(losses, target):
    k = epochs_to_reach(losses, target)
    return None if k is None else losses[k]


def _last(losses, target):
    return max((k for k, v in enumerate(losses) if v <= target), default=None)


def _init_mistakes(student: str) -> list:
    right = _init_values(student)
    swapped = _init_values(student, start=(10.0, -10.0))
    from_zero = _init_values(student, start=(0.0, 0.0))
    return [
        ("<", dict(right, epochs_to_reach=_strict), "instead of <="),
        ("k + 1", dict(right, epochs_to_reach=_late), "One epoch too late"),
        ("-1", dict(right, epochs_to_reach=_minus_one), "return None, not -1"),
        ("the loss", dict(right, epochs_to_reach=_the_loss), "a loss, not an epoch"),
        ("last epoch", dict(right, epochs_to_reach=_last), "not the first"),
        (
            "blank",
            dict(right, epochs_to_reach=raising(NotImplementedError())),
            "Did you replace",
        ),
        ("far run from (0, 0)", from_zero, "losses_far[0] is the loss at (0.0, 0.0)"),
        ("start swapped", swapped, "w comes first"),
        (
            "near and far swapped",
            dict(
                right, epochs_near=right["epochs_far"], epochs_far=right["epochs_near"]
            ),
            "did you pass losses_far instead of losses",
        ),
        (
            "far counted on the near run",
            dict(right, epochs_far=right["epochs_near"]),
            "did you pass losses instead of losses_far",
        ),
        (
            "only the last loss",
            dict(right, losses_far=right["losses_far"][-1:]),
            "has 1 entries",
        ),
        (
            "epochs as a string",
            dict(right, epochs_near="85"),
            "should be an epoch, an int k",
        ),
        ("no epochs", dict(right, epochs_far=None), "epochs_far is None"),
    ]


def test_epochs_accept_a_float32_tie():
    """At a tie within EPOCH_RTOL of the target, either neighbouring epoch passes."""
    target = 1.0
    losses = [2.0, 1.0 + 0.5 * lab.EPOCH_RTOL, 0.5]
    assert lab._epochs_accepted(losses, target) == {1, 2}
    losses = [2.0, 1.0 + 0.5 * lab.EPOCH_RTOL, 1.0 - 0.5 * lab.EPOCH_RTOL, 0.5]
    assert lab._epochs_accepted(losses, target) == {1, 2, 3}  # both may read high
    assert lab._epochs_accepted([2.0, 0.9, 0.5], target) == {1}
    assert lab._epochs_accepted([2.0, 1.5], target) == {None}


def _noise_values(student: str, noise_std=None, seed_offset=0, ratio=None) -> dict:
    """The worked solution of Section 10 on the student's data, one thing changed."""
    p = lab.student_params(KEY, student)
    x, y = lab.reference_data(p)
    q = lab.noise_params(p)
    q = replace(q, seed=q.seed + seed_offset, noise_std=noise_std or q.noise_std)
    x_noisy, y_noisy = lab.reference_data(q)
    _, _, losses = Solution().train(x, y, P.w0, P.b0, P.lr, P.num_epochs)
    w_n, b_n, losses_n = Solution().train(
        x_noisy, y_noisy, P.w0, P.b0, P.lr, P.num_epochs
    )
    ratios = (ratio or (lambda a, b: [a / P.noise_std**2, b / lab.NOISE_STD_HIGH**2]))(
        losses[-1], losses_n[-1]
    )
    return {
        "x_noisy": x_noisy,
        "y_noisy": y_noisy,
        "w_noisy": w_n,
        "b_noisy": b_n,
        "losses_noisy": losses_n,
        "noise_ratios": ratios,
        "x": x,
        "y": y,
    }


def run_noise(student: str, values: dict) -> None:
    names = ("x_noisy", "y_noisy", "w_noisy", "b_noisy", "losses_noisy", "noise_ratios")
    lab.check_noise_run(*(values[k] for k in names), context=_context(student))


@pytest.mark.parametrize("student", NEW_STUDENTS)
def test_noise_run_passes_the_solution(student):
    """Does the worked solution pass on each student's data, ratios as a tensor too?"""
    values = _noise_values(student)
    run_noise(student, values)
    run_noise(student, dict(values, noise_ratios=torch.tensor(values["noise_ratios"])))
    ratios = values["noise_ratios"]
    assert abs(ratios[1] / ratios[0] - 1) < 1e-4  # the residuals scale exactly


def _noise_mistakes(student: str) -> list:
    right = _noise_values(student)
    on_x = dict(
        right,
        **dict(
            zip(
                ("w_noisy", "b_noisy", "losses_noisy"),
                Solution().train(
                    right["x"], right["y"], P.w0, P.b0, P.lr, P.num_epochs
                ),
                strict=True,
            )
        ),
    )
    return [
        ("another seed", _noise_values(student, seed_offset=1), "the same SEED"),
        (
            "the old noise std",
            _noise_values(student, noise_std=P.noise_std),
            "y_noisy is the data of noise_std = 0.2",
        ),
        ("trained on x, y", on_x, "those of the run on x, y"),
        (
            "ratio by noise_std",
            _noise_values(student, ratio=lambda a, b: [a / P.noise_std, b]),
            "not by noise_std",
        ),
        (
            "no division",
            _noise_values(student, ratio=lambda a, b: [a, b]),
            "Divide each final loss by its noise_std ** 2",
        ),
        (
            "first loss",
            dict(
                right, noise_ratios=[right["noise_ratios"][0], right["losses_noisy"][0]]
            ),
            "noise_ratios",
        ),
        (
            "one ratio",
            dict(right, noise_ratios=right["noise_ratios"][:1]),
            "got 1 entries",
        ),
        ("x flattened", dict(right, x_noisy=right["x_noisy"].ravel()), "x_noisy"),
        (
            "only the last loss",
            dict(right, losses_noisy=right["losses_noisy"][-1:]),
            "has 1 entries",
        ),
    ]


# The two runs the student writes (Sections 8 and 10): the check's runner, the
# known mistakes, the right values of a student, and how many mistakes there are.
RUNS = {
    "init": (run_init, _init_mistakes, _init_values, 13),
    "noise": (run_noise, _noise_mistakes, _noise_values, 9),
}
RUN_CASES = [(run, k) for run, spec in RUNS.items() for k in range(spec[3])]


@pytest.mark.parametrize("run", RUNS)
def test_every_run_mistake_has_a_case(run):
    """Do the case numbers below cover each run's list of mistakes exactly?"""
    _, mistakes, _, count = RUNS[run]
    assert len(mistakes(NEW_STUDENTS[0])) == count


@pytest.mark.parametrize("student", NEW_STUDENTS)
@pytest.mark.parametrize("run, case", RUN_CASES)
def test_run_mistake_is_diagnosed(student, run, case):
    """Does each mistake of a run fail on the student's data with its diagnosis?"""
    check, mistakes, _, _ = RUNS[run]
    _, values, fragment = mistakes(student)[case]
    with pytest.raises(AssertionError) as info:
        check(student, values)
    assert fragment in str(info.value)


@pytest.mark.parametrize("run", RUNS)
def test_runs_use_the_graded_students_data(run):
    """Does alice's run, handed in for the example data, fail?"""
    check, _, values, _ = RUNS[run]
    with pytest.raises(AssertionError, match="the example data"):
        check("", values("alice"))


def test_pasted_cells_type_in_every_run():
    """The copying student of the demo types in the numbers of all three runs."""
    cells = lab01_ref.pasted_cells(P)
    assert set(cells) == {"train_run", "init_run", "noise_run"}
    assert "epochs_near, epochs_far = 85, 401" in cells["init_run"]
