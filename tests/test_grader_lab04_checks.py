"""Do lab 04's hidden checks pass the solution and name each known mistake?

`Solution` is the notebook's solution, one method per student function; `mutant(...)`
replaces methods to apply one named mistake (train calls the other methods through
self, so a wrong mse or step also reaches train). Every mistake must fail its check
with an AssertionError whose message contains the expected diagnosis.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import torch

from grader_tests.lab04_multi_output_regression import checks as lab04_multi_output

from .judging import JudgedModule

lab = JudgedModule(lab04_multi_output)  # every check_* through the judge, as in grading

P = lab.DEFAULT
INPUTS, TARGETS = lab.data(P)  # what the notebook's globals hold
M = P.num_outputs


class Solution:
    """The notebook's solution cells."""

    def init_params(self, n_inputs, n_outputs, seed):
        torch.manual_seed(seed)
        w = torch.randn(n_outputs, n_inputs, requires_grad=True)
        b = torch.randn(n_outputs, requires_grad=True)
        return w, b

    def predict(self, x, w, b):
        return x @ w.t() + b

    def mse(self, y_hat, y):
        diff = y_hat - y
        return torch.sum(diff * diff) / diff.numel()

    def gradients(self, x, y, w, b):
        loss = self.mse(self.predict(x, w, b), y)
        loss.backward()
        return w.grad, b.grad

    def formula_gradients(self, x, y, w, b):
        error = self.predict(x, w, b) - y
        return 2 / error.numel() * error.t() @ x, 2 / error.numel() * error.sum(0)

    def step_(self, w, b, lr):
        with torch.no_grad():
            w -= w.grad * lr
            b -= b.grad * lr
        w.grad.zero_()
        b.grad.zero_()

    def train(self, x, y, w, b, lr, num_epochs):
        losses = []
        for _ in range(num_epochs):
            loss = self.mse(self.predict(x, w, b), y)
            losses.append(loss.item())
            loss.backward()
            self.step_(w, b, lr)
        return w, b, losses

    def train_fixed(self, x, y, w, b, lr, num_epochs):
        losses = []
        for _ in range(num_epochs):
            loss = self.mse(self.predict(x, w, b), y)
            losses.append(loss.item())
            loss.backward()
            with torch.no_grad():
                w.sub_(w.grad * lr)
                b.sub_(b.grad * lr)
                w.grad.zero_()
                b.grad.zero_()
        return w, b, losses

    def hessian(self, x, num_outputs):
        x64 = x.double()
        a = torch.cat([x64, torch.ones(len(x64), 1, dtype=torch.float64)], dim=1)
        return 2 / (len(x64) * num_outputs) * a.t() @ a

    def largest_stable_lr(self, x, num_outputs):
        return float(2 / torch.linalg.eigvalsh(self.hessian(x, num_outputs))[-1])

    def notebook_run(self, seed=P.seed, lr=P.lr, num_epochs=P.num_epochs):
        """The notebook's training cell: (w, b, losses)."""
        w, b = self.init_params(3, 2, seed)
        return self.train(INPUTS.clone(), TARGETS.clone(), w, b, lr, num_epochs)


def mutant(**methods) -> Solution:
    """The solution with some methods replaced (a method set to None: not defined)."""
    return type("Mutant", (Solution,), methods)()


FUNCTION = {
    "check_init_shapes": "init_params",
    "check_init_values": "init_params",
    "check_predict": "predict",
    "check_mse": "mse",
    "check_grad_w": "gradients",
    "check_grad_b": "gradients",
    "check_formula_dw": "formula_gradients",
    "check_formula_db": "formula_gradients",
    "check_step": "step_",
    "check_step_zero_grad": "step_",
    "check_train_params": "train",
    "check_train_losses": "train",
    "check_debug_fix": "train_fixed",
    "check_hessian": "hessian",
    "check_largest_stable_lr": "largest_stable_lr",
    "check_trained": "notebook_run",
}


def run(check: str, student: Solution) -> None:
    if check == "check_trained":
        lab.check_trained(*student.notebook_run())
    else:
        getattr(lab, check)(getattr(student, FUNCTION[check]))


def raising(exc):
    def fn(self, *args):
        raise exc

    return fn


# ---- mistaken implementations ----


def _init_bw(self, n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    b = torch.randn(n_outputs, requires_grad=True)
    w = torch.randn(n_outputs, n_inputs, requires_grad=True)
    return w, b


def _init_unseeded(self, n_inputs, n_outputs, seed):
    w = torch.randn(n_outputs, n_inputs, requires_grad=True)
    return w, torch.randn(n_outputs, requires_grad=True)


def _init_rand(self, n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    w = torch.rand(n_outputs, n_inputs, requires_grad=True)
    return w, torch.rand(n_outputs, requires_grad=True)


def _init_42(self, n_inputs, n_outputs, seed):
    return Solution().init_params(n_inputs, n_outputs, 42)


def _init_no_grad(self, n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    return torch.randn(n_outputs, n_inputs), torch.randn(n_outputs)


def _init_not_leaf(self, n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    w = torch.randn(n_outputs, n_inputs, requires_grad=True) * 1.0
    return w, torch.randn(n_outputs, requires_grad=True)


def _init_transposed(self, n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    w = torch.randn(n_inputs, n_outputs, requires_grad=True)
    return w, torch.randn(n_outputs, requires_grad=True)


def _init_float64(self, n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    w = torch.randn(n_outputs, n_inputs, dtype=torch.float64, requires_grad=True)
    return w, torch.randn(n_outputs, dtype=torch.float64, requires_grad=True)


def _init_lab_sizes(self, n_inputs, n_outputs, seed):
    return Solution().init_params(3, 2, seed)


def _init_b_column(self, n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    w = torch.randn(n_outputs, n_inputs, requires_grad=True)
    return w, torch.randn(n_outputs, 1, requires_grad=True)


def _gradients_no_grad(self, x, y, w, b):
    with torch.no_grad():
        loss = self.mse(self.predict(x, w, b), y)
    loss.backward()
    return w.grad, b.grad


def _mse_of(reduce):
    def mse(self, y_hat, y):
        return reduce(y_hat - y)

    return mse


def _step_of(update, zero=True, no_grad=True):
    """step_ with w, b updated in place by update(param, grad, lr)."""

    def step_(self, w, b, lr):
        for param in (w, b):
            if no_grad:
                with torch.no_grad():
                    param.copy_(update(param, param.grad, lr))
            else:
                param -= param.grad * lr
        if zero:
            w.grad.zero_()
            b.grad.zero_()

    return step_


def _step_rebinding(self, w, b, lr):
    with torch.no_grad():
        w = w - w.grad * lr
        b = b - b.grad * lr
    w.grad.zero_()
    b.grad.zero_()


def _step_rebinding_no_zero(self, w, b, lr):
    with torch.no_grad():
        w = w - w.grad * lr  # noqa: F841  (the mistake: the caller never sees it)
        b = b - b.grad * lr  # noqa: F841


def _step_zero_first(self, w, b, lr):
    w.grad.zero_()
    b.grad.zero_()
    with torch.no_grad():
        w -= w.grad * lr
        b -= b.grad * lr


def _step_set_to_none(self, w, b, lr):
    with torch.no_grad():
        w -= w.grad * lr
        b -= b.grad * lr
    w.grad = None
    b.grad = None


def _train_variant(epochs=None, record_after=False, lr=None, init=False):
    """train with one loop mistake."""

    def train(self, x, y, w, b, lr_arg, num_epochs):
        if init:
            w_new, b_new = self.init_params(3, 2, P.seed)
            with torch.no_grad():
                w.copy_(w_new)
                b.copy_(b_new)
        losses = []
        for _ in range(num_epochs if epochs is None else epochs(num_epochs)):
            loss = self.mse(self.predict(x, w, b), y)
            if not record_after:
                losses.append(loss.item())
            loss.backward()
            self.step_(w, b, lr or lr_arg)
            if record_after:
                losses.append(self.mse(self.predict(x, w, b), y).item())
        return w, b, losses

    return train


def _train_copies(self, x, y, w, b, lr, num_epochs):
    w, b = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    return Solution().train(x, y, w, b, lr, num_epochs)


def _train_returns_copies(self, x, y, w, b, lr, num_epochs):
    w, b, losses = Solution().train(x, y, w, b, lr, num_epochs)
    return w.detach() * 1.0 + 1.0, b.detach() * 1.0, losses


def _doc_loop(update, zero):
    """The seed document's loop with the update and zeroing given."""

    def train_fixed(self, x, y, w, b, lr, num_epochs):
        losses = []
        for _ in range(num_epochs):
            loss = self.mse(self.predict(x, w, b), y)
            losses.append(loss.item())
            loss.backward()
            with torch.no_grad():
                w.sub_(update(w, lr))
                b.sub_(update(b, lr))
                if zero:
                    w.grad.zero_()
                    b.grad.zero_()
        return w, b, losses

    return train_fixed


def _autograd_formula(self, x, y, w, b):
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    (((x @ w.t() + b) - y) ** 2).mean().backward()
    return w.grad, b.grad


def _hessian_of(factor=1.0, bias=True, outer=False):
    def hessian(self, x, num_outputs):
        x64 = x.double()
        a = torch.cat([x64, torch.ones(len(x64), 1, dtype=torch.float64)], dim=1)
        a = a if bias else x64
        gram = a @ a.t() if outer else a.t() @ a
        return factor * 2 / (len(x64) * num_outputs) * gram

    return hessian


def _lr_from(h, pick=-1, numerator=2.0):
    def largest_stable_lr(self, x, num_outputs):
        eig = torch.linalg.eigvalsh(h(self, x, num_outputs))
        return float(numerator / eig[pick])

    return largest_stable_lr


def _run_with(**run):
    """notebook_run with other settings (the training cell done wrong)."""

    def notebook_run(self):
        return Solution.notebook_run(self, **run)

    return notebook_run


def _run_twice(self):
    w, b = self.init_params(3, 2, P.seed)
    self.train(INPUTS.clone(), TARGETS.clone(), w, b, P.lr, P.num_epochs)
    return self.train(INPUTS.clone(), TARGETS.clone(), w, b, P.lr, P.num_epochs)


def _run_bw(self):
    w, b = _init_bw(self, 3, 2, P.seed)
    return self.train(INPUTS.clone(), TARGETS.clone(), w, b, P.lr, P.num_epochs)


NUMEL = P.n * M
sum_mse = _mse_of(lambda d: torch.sum(d * d))
rows_mse = _mse_of(lambda d: torch.sum(d * d) / len(d))

MISTAKES = [
    # init_params
    (
        "check_init_shapes",
        "blank",
        {"init_params": raising(NotImplementedError())},
        "raised NotImplementedError. Did you replace `raise NotImplementedError()`",
    ),
    (
        "check_init_shapes",
        "not defined",
        {"init_params": None},
        "init_params should be a function; got None",
    ),
    (
        "check_init_shapes",
        "returns w only",
        {
            "init_params": lambda s, n_in, n_out, seed: torch.randn(
                2, 3, requires_grad=True
            )
        },
        "should return 2 values (w, b); got a torch.Tensor of shape (2, 3)",
    ),
    (
        "check_init_shapes",
        "w transposed",
        {"init_params": _init_transposed},
        "w from init_params(3, 2, 42) has the wrong shape: got (3, 2), expected (2, 3). w "
        "holds one row per output",
    ),
    (
        "check_init_shapes",
        "requires_grad missing",
        {"init_params": _init_no_grad},
        "w from init_params(3, 2, 42) does not require grad: create it with "
        "torch.randn(..., requires_grad=True)",
    ),
    (
        "check_init_shapes",
        "not a leaf",
        {"init_params": _init_not_leaf},
        "is not a leaf tensor (it has grad_fn MulBackward0)",
    ),
    (
        "check_init_shapes",
        "float64",
        {"init_params": _init_float64},
        "has dtype torch.float64; expected torch.float32",
    ),
    (
        "check_init_values",
        "b drawn before w",
        {"init_params": _init_bw},
        "did you draw b before w?",
    ),
    (
        "check_init_values",
        "seed 42 hard-coded",
        {"init_params": _init_42},
        "With seed=7 it drew the values of seed 42: did you seed with 42 instead of the "
        "argument seed?",
    ),
    (
        "check_init_values",
        "torch.rand",
        {"init_params": _init_rand},
        "did you use torch.rand instead of torch.randn?",
    ),
    (
        "check_init_values",
        "not seeded",
        {"init_params": _init_unseeded},
        "did you seed with the argument right before drawing w?",
    ),
    (
        "check_init_shapes",
        "lab's sizes hard-coded",
        {"init_params": _init_lab_sizes},
        "w from init_params(4, 1, 7) has the wrong shape: got (2, 3), expected (1, 4). "
        "That is the lab's shape (2, 3): did you hard-code it",
    ),
    (
        "check_init_values",
        "lab's sizes hard-coded",
        {"init_params": _init_lab_sizes},
        "w from init_params(4, 1, 7) has the wrong shape",
    ),
    (
        "check_init_shapes",
        "b a column",
        {"init_params": _init_b_column},
        "b is 1-D, one entry per output: torch.randn(n_outputs).",
    ),
    # model
    (
        "check_predict",
        "missing transpose",
        {"predict": lambda s, x, w, b: x @ w + b},
        "raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (5x3 and 2x3). w "
        "has shape (2, 3), one row per output, so x (n, 3) @ w (2, 3) does not fit",
    ),
    (
        "check_predict",
        "reshape instead of transpose",
        {"predict": lambda s, x, w, b: x @ w.reshape(3, 2) + b},
        "Did you reshape w to (3, 2) instead of transposing it?",
    ),
    (
        "check_predict",
        "w @ x.t()",
        {"predict": lambda s, x, w, b: w @ x.t() + b[:, None]},
        "got (2, 5), expected (5, 2). That is the transpose of the predictions",
    ),
    (
        "check_predict",
        "bias missing",
        {"predict": lambda s, x, w, b: x @ w.t()},
        "did you forget + b?",
    ),
    (
        "check_predict",
        "global w, b (seed document 002)",
        {
            "predict": lambda s, x, w, b: (
                x @ Solution().init_params(3, 2, 42)[0].t()
                + Solution().init_params(3, 2, 42)[1]
            )
        },
        "does it use a global tensor (like a predict(x) that reads the global w and b) "
        "instead of its arguments?",
    ),
    (
        "check_predict",
        "signature predict(x)",
        {"predict": lambda s, x: x},
        "predict takes x, w and b: a predict(x) that reads the global w and b",
    ),
    (
        "check_predict",
        "global inputs",
        {"predict": lambda s, x, w, b: INPUTS.double() @ w.t() + b},
        "Did you use the global inputs instead of the argument x?",
    ),
    (
        "check_predict",
        "detached",
        {"predict": lambda s, x, w, b: x @ w.detach().t() + b.detach()},
        "autograd does not track it (requires_grad is False)",
    ),
    (
        "check_predict",
        "summed outputs",
        {"predict": lambda s, x, w, b: (x @ w.t() + b).sum(1)},
        "Did you sum over the outputs?",
    ),
    # mse
    (
        "check_mse",
        "sum instead of mean",
        {"mse": sum_mse},
        f"mse is {NUMEL}x the reference (numel = 5 x 2 = {NUMEL}): did you sum",
    ),
    (
        "check_mse",
        "divided by the rows",
        {"mse": rows_mse},
        "mse is 2x the reference: did you divide by the number of rows (len(diff) = 5)",
    ),
    (
        "check_mse",
        "mean over dim 0 only",
        {"mse": _mse_of(lambda d: (d * d).mean(dim=0))},
        "One value per output: did you average over dim=0 only?",
    ),
    (
        "check_mse",
        "mean over dim 1 only",
        {"mse": _mse_of(lambda d: (d * d).mean(dim=1))},
        "One value per example: did you average over dim=1 only?",
    ),
    (
        "check_mse",
        "sum over examples, mean over outputs",
        {"mse": _mse_of(lambda d: (d * d).sum(0).mean())},
        "did you sum over the examples and average over the 2 outputs only?",
    ),
    (
        "check_mse",
        "RMSE",
        {"mse": _mse_of(lambda d: (d * d).mean().sqrt())},
        "did you return the RMSE?",
    ),
    (
        "check_mse",
        "not squared",
        {"mse": _mse_of(lambda d: d.mean())},
        "Did you forget to square the errors",
    ),
    (
        "check_mse",
        "hard-coded numel 10",
        {"mse": _mse_of(lambda d: (d * d).sum() / 10)},
        "Did you divide by 10 (the lab's numel) instead of diff.numel()?",
    ),
    (
        "check_mse",
        ".item()",
        {"mse": _mse_of(lambda d: (d * d).mean().item())},
        "should return a torch.Tensor (loss.backward() needs one); got a float. Did you "
        "use .item()",
    ),
    # gradients by autograd
    (
        "check_grad_w",
        "sum in mse",
        {"mse": sum_mse},
        f"dw is {NUMEL}x the reference (numel = 5 x 2): did you sum the squared errors",
    ),
    (
        "check_grad_b",
        "rows in mse",
        {"mse": rows_mse},
        "db is 2x the reference: did you divide by the number of examples",
    ),
    (
        "check_grad_w",
        "no backward",
        {"gradients": lambda s, x, y, w, b: (w.grad, b.grad)},
        "gradients(x, y, w, b) returned None for dw (w.grad is still None): "
        "did you call loss.backward(), and is the loss computed from the w passed in",
    ),
    (
        "check_grad_w",
        "global weights (seed document 002)",
        {
            "gradients": lambda s, x, y, w, b: Solution().gradients(
                x,
                y,
                *(
                    t.detach().double().requires_grad_()
                    for t in Solution().init_params(3, 2, 42)
                ),
            )
        },
        "dw is the gradient at the seed-42 weights, not at the w, b passed in",
    ),
    (
        "check_grad_w",
        "loss under no_grad",
        {"gradients": _gradients_no_grad},
        "loss.backward() found nothing to differentiate",
    ),
    (
        "check_grad_b",
        "mse per output",
        {"mse": _mse_of(lambda d: (d * d).mean(0))},
        "loss.backward() needs a loss that is one number",
    ),
    (
        "check_grad_b",
        "zeroed before returning",
        {
            "gradients": lambda s, x, y, w, b: (lambda g: (g[0].zero_(), g[1].zero_()))(
                Solution().gradients(x, y, w, b)
            )
        },
        "db is all zeros",
    ),
    (
        "check_grad_w",
        "missing transpose in model",
        {"predict": lambda s, x, w, b: x @ w + b},
        "did you write x @ w instead of x @ w.t()?",
    ),
    # gradients by formula
    (
        "check_formula_dw",
        "x.T @ E",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 / e.numel() * x.t() @ e, 2 / e.numel() * e.sum(0))
            )(s.predict(x, w, b) - y)
        },
        "That is dw transposed: x.T @ E is (3, 2)",
    ),
    (
        "check_formula_dw",
        "x.T @ E reshaped",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (
                    (2 / e.numel() * x.t() @ e).reshape(2, 3),
                    2 / e.numel() * e.sum(0),
                )
            )(s.predict(x, w, b) - y)
        },
        "did you reshape x.T @ E (3, 2) instead of computing E.T @ x (2, 3)?",
    ),
    (
        "check_formula_dw",
        "divided by n",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 / len(e) * e.t() @ x, 2 / len(e) * e.sum(0))
            )(s.predict(x, w, b) - y)
        },
        "dw is 2x the reference: did you divide by the number"
        " of examples (5: len(diff), .mean(dim=0)) instead of the number of entries",
    ),
    (
        "check_formula_db",
        "mean over examples",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 / e.numel() * e.t() @ x, 2 * e.mean(0))
            )(s.predict(x, w, b) - y)
        },
        "db is 2x the reference",
    ),
    (
        "check_formula_dw",
        "no 1/numel",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 * e.t() @ x, 2 * e.sum(0))
            )(s.predict(x, w, b) - y)
        },
        f"dw is {NUMEL}x the reference",
    ),
    (
        "check_formula_dw",
        "factor 2 missing",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (e.t() @ x / e.numel(), e.sum(0) / e.numel())
            )(s.predict(x, w, b) - y)
        },
        "dw is half the reference",
    ),
    (
        "check_formula_db",
        "wrong sign",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 / e.numel() * e.t() @ x, 2 / e.numel() * e.sum(0))
            )(y - s.predict(x, w, b))
        },
        "db has the wrong sign",
    ),
    (
        "check_formula_db",
        "summed over outputs",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 / e.numel() * e.t() @ x, 2 / e.numel() * e.sum(1))
            )(s.predict(x, w, b) - y)
        },
        "did you sum E over dim=1 (the outputs) instead of dim=0",
    ),
    (
        "check_formula_db",
        "summed over all",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 / e.numel() * e.t() @ x, 2 / e.numel() * e.sum())
            )(s.predict(x, w, b) - y)
        },
        "db has one entry per output",
    ),
    (
        "check_formula_db",
        "not summed",
        {
            "formula_gradients": lambda s, x, y, w, b: (
                lambda e: (2 / e.numel() * e.t() @ x, 2 / e.numel() * e)
            )(s.predict(x, w, b) - y)
        },
        "Did you forget to sum E over the examples",
    ),
    (
        "check_formula_dw",
        "autograd inside",
        {"formula_gradients": lambda s, x, y, w, b: Solution().gradients(x, y, w, b)},
        "formula_gradients gets plain tensors (no requires_grad)",
    ),
    # step
    (
        "check_step",
        "updates with the weights (seed document 003)",
        {"step_": _step_of(lambda p, g, lr: p - p * lr)},
        "The new w is w * (1 - lr): did you update with the weights instead of their "
        "gradient, as in w.sub_(w * lr)?",
    ),
    (
        "check_step",
        "wrong sign",
        {"step_": _step_of(lambda p, g, lr: p + g * lr)},
        "The new w moved uphill: did you add w.grad * lr instead of subtracting it?",
    ),
    (
        "check_step",
        "lr missing",
        {"step_": _step_of(lambda p, g, lr: p - g)},
        "Did you forget to multiply w.grad by lr?",
    ),
    (
        "check_step",
        "outside no_grad",
        {"step_": _step_of(None, no_grad=False)},
        "a leaf Variable that requires grad is being used in an in-place operation. Did "
        "you update w outside `with torch.no_grad():`?",
    ),
    (
        "check_step",
        "rebinds w",
        {"step_": _step_rebinding},
        "Did you write w = w - ... inside step_?",
    ),
    (
        "check_step",
        "rebinds w, no zero_",
        {"step_": _step_rebinding_no_zero},
        "w after step_(w, b, lr=0.1) did not change. Did you write w = w - ... inside "
        "step_?",
    ),
    (
        "check_step",
        "zeroes before the update",
        {"step_": _step_zero_first},
        "did not change. Did you zero w.grad before using it?",
    ),
    (
        "check_step_zero_grad",
        "missing zero_",
        {"step_": _step_of(lambda p, g, lr: p - g * lr, zero=False)},
        "w.grad after step_(w, b, lr=0.1) still holds the gradient: did you forget "
        "w.grad.zero_()?",
    ),
    (
        "check_step_zero_grad",
        "outside no_grad",
        {"step_": _step_of(None, no_grad=False)},
        "Did you update w outside `with torch.no_grad():`?",
    ),
    (
        "check_step_zero_grad",
        "grad halved",
        {"step_": lambda s, w, b, lr: (w.grad.mul_(0.5), b.grad.mul_(0.5))},
        "w.grad after step_(w, b, lr=0.1) should"
        " be all zeros; got [1, -2, 0.5, -0.5, 1.5, 0.25].",
    ),
    # train: parameters
    (
        "check_train_params",
        "missing zero_ (accumulation)",
        {"step_": _step_of(lambda p, g, lr: p - g * lr, zero=False)},
        "w, b match a run whose gradients were never zeroed: did you forget "
        "w.grad.zero_()",
    ),
    (
        "check_train_params",
        "updates with the weights",
        {"step_": _step_of(lambda p, g, lr: p - p * lr)},
        "w, b match a run updated with the weights instead of their gradient (each "
        "epoch w = w * (1 - lr))",
    ),
    (
        "check_train_params",
        "wrong sign",
        {"step_": _step_of(lambda p, g, lr: p + g * lr)},
        "Training diverged",
    ),
    (
        "check_train_params",
        "sum in mse",
        {"mse": sum_mse},
        f"w, b match a run with {NUMEL}x the learning rate: are the gradients too large "
        "because mse sums",
    ),
    (
        "check_train_params",
        "rows in mse",
        {"mse": rows_mse},
        "w, b match a run with 2x the learning rate: does mse divide by the number of "
        "rows",
    ),
    (
        "check_train_params",
        "one epoch too few",
        {"train": _train_variant(epochs=lambda e: e - 1)},
        "w, b match 499 epochs, one too few",
    ),
    (
        "check_train_params",
        "one epoch too many",
        {"train": _train_variant(epochs=lambda e: e + 1)},
        "w, b match 501 epochs, one too many",
    ),
    (
        "check_train_params",
        "trains copies",
        {"train": _train_copies},
        "w and b never moved from their initial values: does train update the tensors "
        "passed in, in place",
    ),
    (
        "check_train_params",
        "outside no_grad",
        {"step_": _step_of(None, no_grad=False)},
        "Did you update w outside `with torch.no_grad():`?",
    ),
    (
        "check_train_params",
        "blank",
        {"train": raising(NotImplementedError())},
        "calling train(x, y, w, b, lr=1e-05, num_epochs=500) raised NotImplementedError",
    ),
    # train: losses
    (
        "check_train_losses",
        "recorded after the update",
        {"train": _train_variant(record_after=True)},
        "losses[0] is the loss after the first update",
    ),
    (
        "check_train_losses",
        "one too few",
        {"train": _train_variant(epochs=lambda e: e - 1)},
        "has 49 entries; expected 50, one per epoch. One too few",
    ),
    (
        "check_train_losses",
        "notebook's NUM_EPOCHS",
        {"train": _train_variant(epochs=lambda e: P.num_epochs)},
        "Does the loop run num_epochs (the argument)",
    ),
    (
        "check_train_losses",
        "notebook's LR",
        {"train": _train_variant(lr=P.lr)},
        "does train use its lr argument?",
    ),
    (
        "check_train_losses",
        "re-initialises",
        {"train": _train_variant(init=True)},
        "losses[0] is the loss at the seed-42 weights, not at the w, b passed in",
    ),
    (
        "check_train_losses",
        "missing zero_",
        {"step_": _step_of(lambda p, g, lr: p - g * lr, zero=False)},
        "rise at epoch",
    ),
    (
        "check_train_losses",
        "returns the losses only",
        {"train": lambda s, *a: Solution().train(*a)[2]},
        "train(x, y, w, b, lr=3e-05, num_epochs=50) should "
        "return 3 values (w, b, losses); got a list",
    ),
    (
        "check_train_losses",
        "returns (losses, w, b)",
        {
            "train": lambda s, *a: (lambda w, b, losses: (losses, w, b))(
                *Solution().train(*a)
            )
        },
        "returns is a list of 50 values, the third a torch.Tensor of shape (2,): return "
        "w, b, losses in this order.",
    ),
    (
        "check_train_losses",
        "returns None",
        {"train": lambda s, *a: None},
        "should return 3 values (w, b, losses); got None",
    ),
    (
        "check_train_params",
        "returns the losses only",
        {"train": lambda s, *a: Solution().train(*a)[2]},
        "should return 3 values (w, b, losses); got a list",
    ),
    (
        "check_train_params",
        "returns other tensors",
        {"train": _train_returns_copies},
        "the w returned by train(x, y, w, b, lr=1e-05, num_epochs=500) is not the w "
        "passed in, trained in place",
    ),
    (
        "check_train_params",
        "returns (b, w, losses)",
        {
            "train": lambda s, *a: (lambda w, b, losses: (b, w, losses))(
                *Solution().train(*a)
            )
        },
        "is not the w passed in, trained in place",
    ),
    # the notebook's run
    (
        "check_trained",
        "b drawn before w",
        {"notebook_run": _run_bw},
        "losses[0] is the loss of seed 42's draws in the other order",
    ),
    (
        "check_trained",
        "wrong seed",
        {"notebook_run": _run_with(seed=0)},
        "losses[0] is the loss of the weights of seed 0: did you call init_params(3, 2, "
        "SEED)",
    ),
    (
        "check_trained",
        "unlisted seed",
        {"notebook_run": _run_with(seed=5)},
        "should be the loss at init_params(3, 2, SEED): do predict and mse pass their "
        "checks, and did you call init_params(3, 2, SEED) right before train, with SEED "
        "= 42?",
    ),
    (
        "check_trained",
        "lr 1e-4",
        {"notebook_run": _run_with(lr=1e-4)},
        "w, b match a run with lr = 0.0001: did you pass LR = 1e-05?",
    ),
    (
        "check_trained",
        "lr 1e-6",
        {"notebook_run": _run_with(lr=1e-6)},
        "w, b match a run with lr = 1e-06",
    ),
    (
        "check_trained",
        "lr 1e-3 diverges",
        {"notebook_run": _run_with(lr=1e-3)},
        "Training diverged",
    ),
    (
        "check_trained",
        "one epoch too many",
        {"notebook_run": _run_with(num_epochs=P.num_epochs + 1)},
        "losses has 501 entries; expected 500, one per epoch. One too many",
    ),
    (
        "check_trained",
        "one epoch too few",
        {"notebook_run": _run_with(num_epochs=P.num_epochs - 1)},
        "losses has 499 entries; expected 500",
    ),
    (
        "check_trained",
        "run twice",
        {"notebook_run": _run_twice},
        "losses[0] is the loss after 500 epochs: did you run the training cell twice",
    ),
    (
        "check_trained",
        "sum in mse",
        {"mse": sum_mse},
        "losses[0] is 10x the loss at init_params(3, 2, SEED): does mse sum",
    ),
    (
        "check_trained",
        "missing zero_",
        {"step_": _step_of(lambda p, g, lr: p - g * lr, zero=False)},
        "w, b match a run whose gradients were never zeroed",
    ),
    (
        "check_trained",
        "losses not a list",
        {
            "notebook_run": lambda s: (lambda w, b, losses: (w, b, losses[-1]))(
                *Solution().notebook_run()
            )
        },
        "losses should be a list of floats, one per epoch; got a float",
    ),
    # the debugging exercise
    (
        "check_debug_fix",
        "unchanged (seed document 003)",
        {"train_fixed": _doc_loop(lambda p, lr: p * lr, zero=False)},
        "w, b match a run updated with the weights instead of their gradient",
    ),
    (
        "check_debug_fix",
        "update fixed, zero_ still missing",
        {"train_fixed": _doc_loop(lambda p, lr: p.grad * lr, zero=False)},
        "w, b match a run whose gradients were never zeroed",
    ),
    (
        "check_debug_fix",
        "zero_ added, update still wrong",
        {"train_fixed": _doc_loop(lambda p, lr: p * lr, zero=True)},
        "w, b match a run updated with the weights instead of their gradient",
    ),
    (
        "check_debug_fix",
        "returns the losses only",
        {"train_fixed": lambda s, *a: Solution().train_fixed(*a)[2]},
        "train_fixed(x, y, w, b, lr=1e-05, "
        "num_epochs=100) should return 3 values (w, b, losses)",
    ),
    (
        "check_debug_fix",
        "lr dropped",
        {"train_fixed": _doc_loop(lambda p, lr: p.grad, zero=True)},
        "Training diverged",
    ),
    (
        "check_debug_fix",
        "sign flipped",
        {"train_fixed": _doc_loop(lambda p, lr: -p.grad * lr, zero=True)},
        "w, b match a run that climbs the loss",
    ),
    # hessian, largest stable lr
    (
        "check_hessian",
        "in float32",
        {"hessian": lambda s, x, m: Solution().hessian(x, m).float()},
        "has dtype torch.float32; expected torch.float64: build A from x.double()",
    ),
    (
        "check_formula_dw",
        "autograd on copies that require grad",
        {"formula_gradients": _autograd_formula},
        "used autograd (it built a graph for "
        "backward()): compute dw and db from the matrix formulas above",
    ),
    (
        "check_hessian",
        "no bias column",
        {"hessian": _hessian_of(bias=False)},
        "Did you leave out the column of ones for the bias?",
    ),
    (
        "check_hessian",
        "factor 2 missing",
        {"hessian": _hessian_of(0.5)},
        "H is half the reference: did you leave out the factor 2?",
    ),
    (
        "check_hessian",
        "divided by n only",
        {"hessian": _hessian_of(float(M))},
        "H is 2x the reference: did you divide by n = 5 instead of n * m = 10?",
    ),
    (
        "check_hessian",
        "A @ A.T",
        {"hessian": _hessian_of(outer=True)},
        "Did you compute A @ A.T instead of A.T @ A?",
    ),
    (
        "check_hessian",
        "A.T @ A alone",
        {"hessian": lambda s, x, m: _hessian_of()(s, x, m) * len(x) * m / 2},
        "H is A.T @ A itself: did you forget the factor 2 / (n * m)?",
    ),
    (
        "check_hessian",
        "global inputs",
        {"hessian": lambda s, x, m: Solution().hessian(INPUTS, m)},
        "did you use a global variable instead of the argument?",
    ),
    (
        "check_largest_stable_lr",
        "1/L",
        {"largest_stable_lr": _lr_from(Solution.hessian, numerator=1.0)},
        "Did you return 1 / L instead of 2 / L?",
    ),
    (
        "check_largest_stable_lr",
        "smallest eigenvalue",
        {"largest_stable_lr": _lr_from(Solution.hessian, pick=0)},
        "the smallest eigenvalue instead of the largest",
    ),
    (
        "check_largest_stable_lr",
        "Hessian without its 2",
        {"largest_stable_lr": _lr_from(_hessian_of(0.5))},
        "Did you leave the factor 2 out of the Hessian?",
    ),
    (
        "check_largest_stable_lr",
        "outputs forgotten",
        {"largest_stable_lr": _lr_from(_hessian_of(float(M)))},
        "Did you scale A.T A by 2 / n instead of 2 / (n * m)",
    ),
    (
        "check_largest_stable_lr",
        "no bias column",
        {"largest_stable_lr": _lr_from(_hessian_of(bias=False))},
        "Did you leave out the column of ones for the bias?",
    ),
    (
        "check_largest_stable_lr",
        "global inputs",
        {"largest_stable_lr": lambda s, x, m: Solution().largest_stable_lr(INPUTS, m)},
        "did you use a global variable instead of the argument?",
    ),
    (
        "check_largest_stable_lr",
        "returns None",
        {"largest_stable_lr": lambda s, x, m: None},
        "should be a number; got None.",
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


def _noisy_train(self, *args):
    print("Epoch Number: 0", file=sys.stderr)  # the document printed every epoch
    warnings.warn("a student warning", UserWarning, stacklevel=1)
    return Solution().train(*args)


def _float_losses(self, x, y, w, b, lr, num_epochs):
    losses = []
    for _ in range(num_epochs):
        loss = self.mse(self.predict(x, w, b), y)
        losses.append(float(loss))  # warns: a tensor that requires grad
        loss.backward()
        self.step_(w, b, lr)
    return w, b, losses


EQUIVALENT = {
    "solution": {},
    "init with requires_grad_()": {
        "init_params": lambda s, n_in, n_out, seed: (
            torch.manual_seed(seed),
            torch.randn(n_out, n_in).requires_grad_(),
            torch.randn(n_out).requires_grad_(),
        )[1:]
    },
    "init with the sizes as keywords": {
        "init_params": lambda s, n_in, n_out, seed: (
            torch.manual_seed(seed),
            torch.randn(size=(n_out, n_in), requires_grad=True),
            torch.randn(size=(n_out,), requires_grad=True),
        )[1:]
    },
    "predict with w.T and addmm": {
        "predict": lambda s, x, w, b: torch.addmm(b, x, w.T)
    },
    "predict as (w @ x.T).T": {"predict": lambda s, x, w, b: (w @ x.t()).t() + b},
    "mse as mse_loss": {"mse": lambda s, a, y: torch.nn.functional.mse_loss(a, y)},
    "mse as (diff ** 2).mean()": {"mse": _mse_of(lambda d: (d**2).mean())},
    "gradients cloned": {
        "gradients": lambda s, *a: tuple(g.clone() for g in Solution().gradients(*a))
    },
    "formula in float32": {
        "formula_gradients": lambda s, x, y, w, b: tuple(
            g.double()
            for g in Solution().formula_gradients(
                x.float(), y.float(), w.float(), b.float()
            )
        )
    },
    "formula with einsum": {
        "formula_gradients": lambda s, x, y, w, b: (
            lambda e: (
                torch.einsum("nj,nk->jk", e, x) * 2 / e.numel(),
                e.mean(0) * 2 / e.shape[1],
            )
        )(s.predict(x, w, b) - y)
    },
    "step_ with sub_ and .data": {
        "step_": lambda s, w, b, lr: (
            w.data.sub_(w.grad * lr),
            b.data.sub_(b.grad * lr),
            w.grad.zero_(),
            b.grad.zero_(),
        )
    },
    "step_ setting grads to None": {"step_": _step_set_to_none},
    "train with float(loss)": {"train": _float_losses},
    "train that prints to stderr and warns": {"train": _noisy_train},
    "train in float64 inside": {
        "train": lambda s, x, y, w, b, lr, e: (
            lambda w64, b64: (
                w,
                b,
                Solution().train(x.double(), y.double(), w64, b64, lr, e)[2],
                w.data.copy_(w64.data),
                b.data.copy_(b64.data),
            )[:3]
        )(w.detach().double().requires_grad_(), b.detach().double().requires_grad_())
    },
    "train returning detached views": {
        "train": lambda s, *a: (lambda w, b, losses: (w.detach(), b.detach(), losses))(
            *Solution().train(*a)
        )
    },
    "train_fixed that calls train": {"train_fixed": lambda s, *a: s.train(*a)},
    "largest_stable_lr with numpy": {
        "largest_stable_lr": lambda s, x, m: (
            2 / np.max(np.linalg.eigvalsh(Solution().hessian(x, m).numpy()))
        )
    },
    "largest_stable_lr as a tensor": {
        "largest_stable_lr": lambda s, x, m: (
            2 / torch.linalg.eigvalsh(Solution().hessian(x, m))[-1]
        )
    },
    "losses as a tensor": {
        "notebook_run": lambda s: (lambda w, b, losses: (w, b, torch.tensor(losses)))(
            *Solution().notebook_run()
        )
    },
}


@pytest.mark.filterwarnings("ignore:a student warning")
@pytest.mark.parametrize("methods", EQUIVALENT.values(), ids=EQUIVALENT.keys())
def test_correct_implementations_pass(methods):
    """Do the solution and equivalent correct variants pass every check?"""
    student = mutant(**methods)
    for check in FUNCTION:
        assert run(check, student) is None


@pytest.mark.parametrize("spelling", ["{}", "{} ", " {}", "{}\n"])
@pytest.mark.parametrize("case", [str.lower, str.upper])
@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_right_answer_passes(question, case, spelling):
    """Is the right letter accepted in either case and with surrounding whitespace?"""
    answer = spelling.format(case(lab.ANSWERS[question]))
    assert lab.check_answer(question, answer) is None


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ("c)", "should be one of 'a', 'b', 'c'; got 'c)'. Write the letter alone"),
        ("", "got ''"),
        ("d", "got 'd'"),
        (None, "should be a string holding one letter ('a', 'b', 'c'); got None."),
        (3, "got a int"),
    ],
)
@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_malformed_answer_is_rejected(question, answer, fragment):
    """Is anything but a single letter rejected with a message saying so?"""
    with pytest.raises(AssertionError) as info:
        lab.check_answer(question, answer)
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


def test_answers_are_not_all_the_same_letter():
    assert len(set(lab.ANSWERS.values())) > 1
