"""Do lab 05's hidden checks pass the solution and name each known mistake?

`Solution` is the notebook's solution, one method per student function; `mutant(...)`
replaces methods to apply one named mistake (fit calls train_step through self, so a
wrong step also reaches fit). Every mistake must fail its check with an
AssertionError whose message contains the expected diagnosis.
"""

from __future__ import annotations

import functools
import sys
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader_tests.lab05_torch_nn import checks as lab05_nn

from .judging import JudgedModule

lab = JudgedModule(lab05_nn)  # every check_* through the judge, as in grading

P = lab.DEFAULT
INPUTS, TARGETS = lab.reference_data(P)  # what a notebook's globals hold


def _loader(inputs, targets, batch_size, seed, **kwargs):
    generator = torch.Generator().manual_seed(seed)
    options = {"batch_size": batch_size, "shuffle": True, "generator": generator}
    options.update(kwargs)
    return DataLoader(TensorDataset(inputs, targets), **options)


class LinearRegression(nn.Module):
    """The notebook's nn.Module subclass."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)

    def forward(self, x):
        return self.linear(x)


class NoSuperInit(LinearRegression):
    def __init__(self):
        self.linear = nn.Linear(3, 2)


class PlainTensors(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.randn(2, 3, requires_grad=True)
        self.b = torch.zeros(2, requires_grad=True)

    def forward(self, x):
        return x @ self.w.T + self.b


class Swapped(LinearRegression):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 3)


class NoBias(LinearRegression):
    def forward(self, x):
        return x @ self.linear.weight.T


class OwnSeed(LinearRegression):
    def __init__(self):
        torch.manual_seed(0)
        super().__init__()


class NoForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)


class TwoLayers(LinearRegression):
    def __init__(self):
        super().__init__()
        self.extra = nn.Linear(3, 2)


class OwnParameters(nn.Module):
    """Correct too: the parameters as nn.Parameter, drawn as nn.Linear draws them."""

    def __init__(self):
        super().__init__()
        layer = nn.Linear(3, 2)
        self.weight = nn.Parameter(layer.weight.detach().clone())
        self.bias = nn.Parameter(layer.bias.detach().clone())

    def forward(self, x):
        return x @ self.weight.T + self.bias


def _unshuffled_minibatch(self):
    model = self.make_model(P.seed)
    loader = DataLoader(TensorDataset(INPUTS, TARGETS), batch_size=2)
    opt = self.make_optimizer(model, P.lr)
    return self.fit(model, self.loss_fn, opt, loader, P.num_epochs), model


def _unseeded_minibatch(self):
    model = self.make_model(P.seed)
    torch.manual_seed(1)
    loader = DataLoader(TensorDataset(INPUTS, TARGETS), batch_size=2, shuffle=True)
    opt = self.make_optimizer(model, P.lr)
    return self.fit(model, self.loss_fn, opt, loader, P.num_epochs), model


def _continued_minibatch(self):
    return Solution().minibatch(start=trained(Solution()))


def _other_model_minibatch(self):
    losses, _ = Solution().minibatch()
    return losses, Solution().make_model(P.seed)


class Solution:
    """The notebook's solution cells."""

    def make_loader(self, inputs, targets, batch_size, seed):
        return _loader(inputs, targets, batch_size, seed)

    def make_model(self, seed):
        torch.manual_seed(seed)
        return nn.Linear(3, 2)

    @staticmethod
    def loss_fn(y_hat, y):
        return F.mse_loss(y_hat, y)

    def make_optimizer(self, model, lr):
        return torch.optim.SGD(model.parameters(), lr=lr)

    def train_step(self, model, loss_fn, opt, xb, yb):
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss.item()

    def fit(self, model, loss_fn, opt, loader, num_epochs):
        losses = []
        for _ in range(num_epochs):
            for xb, yb in loader:
                losses.append(self.train_step(model, loss_fn, opt, xb, yb))
        return losses

    def train(self, inputs, targets, w, b, lr, num_epochs):
        losses = []
        for _ in range(num_epochs):
            diff = inputs @ w.t() + b - targets
            loss = torch.sum(diff * diff) / diff.numel()
            losses.append(loss.item())
            loss.backward()
            with torch.no_grad():
                w -= w.grad * lr
                b -= b.grad * lr
                w.grad.zero_()
                b.grad.zero_()
        return w, b, losses

    def predict_with(self, model, x):
        with torch.no_grad():
            return model(x)

    def minibatch(self, batch_size=2, seed=None, start=None, lr=None, epochs=None):
        """Section 10's run (losses_mb, model_mb), with any setting changed."""
        model = start if start is not None else self.make_model(P.seed)
        opt = self.make_optimizer(model, lr or P.lr)
        seed = P.seed if seed is None else seed
        loader = self.make_loader(INPUTS, TARGETS, batch_size, seed)
        return self.fit(model, self.loss_fn, opt, loader, epochs or P.num_epochs), model

    module = LinearRegression


def mutant(**methods) -> Solution:
    """The solution with some methods replaced (a method set to None: not defined)."""
    return type("Mutant", (Solution,), methods)()


def trained(student: Solution, **overrides) -> nn.Module:
    """The notebook's training run with the student's functions."""
    settings = {"batch_size": P.batch_size, "lr": P.lr, "epochs": P.num_epochs}
    settings.update(overrides)
    model = student.make_model(P.seed)
    opt = student.make_optimizer(model, settings["lr"])
    loader = student.make_loader(INPUTS, TARGETS, settings["batch_size"], P.seed)
    student.fit(model, student.loss_fn, opt, loader, settings["epochs"])
    return model


FUNCTION = {
    "check_loader": "make_loader",
    "check_model": "make_model",
    "check_loss_fn": "loss_fn",
    "check_optimizer": "make_optimizer",
    "check_train_step": "train_step",
    "check_fit_params": "fit",
    "check_fit_losses": "fit",
    "check_full_batch": "train",
    "check_module": "module",
}


def run(check: str, student: Solution, **training) -> None:
    if check == "check_prediction":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = training.pop("model", None) or trained(student, **training)
        lab.check_prediction(student.predict_with, model)
        return
    if check == "check_minibatch":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses, model = student.minibatch(**training)
        lab.check_minibatch(losses, model)
        return
    getattr(lab, check)(getattr(student, FUNCTION[check]))


def raising(exc):
    def fn(self, *args):
        raise exc

    return fn


def _step(order: str, zero: bool = True):
    """train_step with its calls in another order: 'b' backward, 's' step, 'z' zero."""

    def train_step(self, model, loss_fn, opt, xb, yb):
        loss = loss_fn(model(xb), yb)
        for op in order:
            if op == "b":
                loss.backward()
            elif op == "s":
                opt.step()
            elif op == "z" and zero:
                opt.zero_grad()
        return loss.item()

    return train_step


def _fit(epochs=None, out=None, data=None, per_epoch=False, loader=None):
    """fit with one loop mistake."""

    def fit(self, model, loss_fn, opt, train_dl, num_epochs):
        losses = []
        for _ in range(epochs or num_epochs):
            for xb, yb in loader or train_dl:
                xb, yb = data or (xb, yb)
                loss = self.train_step(model, loss_fn, opt, xb, yb)
                if not per_epoch:
                    losses.append(loss)
            if per_epoch:
                losses.append(loss)
        return out(model, losses) if out else losses

    return fit


def _manual(update=None, zero=True, reduce=None, lr=None, epochs=None):
    """train with one mistake."""

    def train(self, inputs, targets, w, b, lr_arg, num_epochs):
        rate, losses = lr or lr_arg, []
        for _ in range(epochs or num_epochs):
            diff = inputs @ w.t() + b - targets
            loss = (reduce or (lambda d: torch.sum(d) / d.numel()))(diff * diff)
            losses.append(loss.item())
            loss.backward()
            with torch.no_grad():
                if update is None:
                    w -= w.grad * rate
                    b -= b.grad * rate
                else:
                    update(w, b, rate)
                if zero:
                    w.grad.zero_()
                    b.grad.zero_()
        return w, b, losses

    return train


def _shrink(w, b, lr):
    w.sub_(w * lr)
    b.sub_(b * lr)


def _unseeded_model(self, seed):
    return nn.Linear(3, 2)


def _seeded_42(self, seed):
    torch.manual_seed(42)
    return nn.Linear(3, 2)


def _manual_init(self, seed):
    torch.manual_seed(seed)
    model = nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(torch.randn(2, 3))
    return model


def _global_seed_loader(self, inputs, targets, batch_size, seed):
    torch.manual_seed(seed)
    return DataLoader(TensorDataset(inputs, targets), batch_size, shuffle=True)


def _sampler_loader(self, inputs, targets, batch_size, seed):
    dataset = TensorDataset(inputs, targets)
    sampler = torch.utils.data.RandomSampler(
        dataset, generator=torch.Generator().manual_seed(seed)
    )
    return DataLoader(dataset, batch_size, sampler=sampler)


def _separately_shuffled(self, inputs, targets, batch_size, seed):
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(inputs), generator=g)
    dataset = TensorDataset(inputs[perm], targets)
    return DataLoader(dataset, batch_size, shuffle=True, generator=g)


def _lr_ignored(value):
    return lambda s, model, lr: torch.optim.SGD(model.parameters(), lr=value)


def _manual_new_leaves(self, inputs, targets, w, b, lr, num_epochs):
    losses = []
    for _ in range(num_epochs):
        w = w.detach().requires_grad_()
        b = b.detach().requires_grad_()
        loss = F.mse_loss(inputs @ w.T + b, targets)
        losses.append(loss.item())
        dw, db = torch.autograd.grad(loss, (w, b))
        w, b = w - lr * dw, b - lr * db
    return w.detach(), b.detach(), losses


def _manual_tensor_losses(self, inputs, targets, w, b, lr, num_epochs):
    losses = []
    for _ in range(num_epochs):
        diff = inputs @ w.t() + b - targets
        loss = torch.sum(diff * diff) / diff.numel()
        losses.append(loss)
        loss.backward()
        with torch.no_grad():
            w -= w.grad * lr
            b -= b.grad * lr
            w.grad.zero_()
            b.grad.zero_()
    return w, b, losses


GLOBAL_MODEL = nn.Linear(3, 2)
N = len(INPUTS)

MISTAKES = [
    # make_loader
    (
        "check_loader",
        "blank",
        {"make_loader": raising(NotImplementedError())},
        "raised NotImplementedError. Did you replace `raise NotImplementedError()`",
    ),
    (
        "check_loader",
        "not defined",
        {"make_loader": None},
        "make_loader should be a function; got None",
    ),
    (
        "check_loader",
        "returns the dataset",
        {"make_loader": lambda s, x, y, bs, seed: TensorDataset(x, y)},
        "Did you return the dataset instead of the DataLoader",
    ),
    (
        "check_loader",
        "shuffle off",
        {
            "make_loader": lambda s, x, y, bs, seed: _loader(
                x, y, bs, seed, shuffle=False
            )
        },
        "shuffling is off. Pass shuffle=True",
    ),
    (
        "check_loader",
        "batch size 1 (the default)",
        {"make_loader": lambda s, x, y, bs, seed: _loader(x, y, 1, seed)},
        "did you forget batch_size=batch_size?",
    ),
    (
        "check_loader",
        "batch size hard-coded 5",
        {"make_loader": lambda s, x, y, bs, seed: _loader(x, y, 5, seed)},
        "yields batches of [5, 5, 1] examples per "
        "epoch; expected [4, 4, 3] (11 examples in batches of 4, the last one shorter). "
        "Batches of 5: did you type the notebook's BATCH_SIZE",
    ),
    (
        "check_loader",
        "full batch",
        {"make_loader": lambda s, x, y, bs, seed: _loader(x, y, len(x), seed)},
        "did you use len(inputs) as the batch size?",
    ),
    (
        "check_loader",
        "drop_last",
        {
            "make_loader": lambda s, x, y, bs, seed: _loader(
                x, y, bs, seed, drop_last=True
            )
        },
        "did you set drop_last=True?",
    ),
    (
        "check_loader",
        "seeded through the global RNG",
        {"make_loader": _global_seed_loader},
        "the shuffle is not seeded",
    ),
    (
        "check_loader",
        "unseeded",
        {
            "make_loader": lambda s, x, y, bs, seed: DataLoader(
                TensorDataset(x, y), bs, shuffle=True
            )
        },
        "Pass generator=torch.Generator().manual_seed(seed)",
    ),
    (
        "check_loader",
        "seed hard-coded 42",
        {"make_loader": lambda s, x, y, bs, seed: _loader(x, y, bs, 42)},
        "instead of a typed-in 42?",
    ),
    (
        "check_loader",
        "another recipe",
        {"make_loader": _sampler_loader},
        "shuffles reproducibly but not in the recipe's order",
    ),
    (
        "check_loader",
        "inputs and targets shuffled apart",
        {"make_loader": _separately_shuffled},
        "did you shuffle inputs and targets separately?",
    ),
    (
        "check_loader",
        "the notebook's data",
        {"make_loader": lambda s, x, y, bs, seed: _loader(INPUTS, TARGETS, bs, seed)},
        "has 5 examples; expected 11",
    ),
    # make_model
    (
        "check_model",
        "nn.Linear(2, 3)",
        {"make_model": lambda s, seed: (torch.manual_seed(seed), nn.Linear(2, 3))[1]},
        "make_model(42).weight has the wrong shape: got (3, 2), expected (2, 3). "
        "nn.Linear(in_features, out_features) stores weight as (out_features, "
        "in_features) = (2, 3): did you write nn.Linear(2, 3)?",
    ),
    (
        "check_model",
        "no bias",
        {"make_model": lambda s, seed: nn.Linear(3, 2, bias=False)},
        "did you pass bias=False?",
    ),
    (
        "check_model",
        "in a Sequential",
        {"make_model": lambda s, seed: nn.Sequential(nn.Linear(3, 2))},
        "Return the nn.Linear layer itself",
    ),
    (
        "check_model",
        "float64",
        {"make_model": lambda s, seed: Solution().make_model(seed).double()},
        "expected torch.float32",
    ),
    (
        "check_model",
        "unseeded",
        {"make_model": _unseeded_model},
        "did you forget torch.manual_seed(seed) right before nn.Linear(3, 2)?",
    ),
    (
        "check_model",
        "seed hard-coded",
        {"make_model": _seeded_42},
        "did you seed with a typed-in 42 instead of the argument seed?",
    ),
    (
        "check_model",
        "own init",
        {"make_model": _manual_init},
        "keep nn.Linear's own initialisation",
    ),
    (
        "check_model",
        "frozen",
        {
            "make_model": lambda s, seed: (
                Solution().make_model(seed).requires_grad_(False)
            )
        },
        "do not require gradients",
    ),
    # loss_fn
    (
        "check_loss_fn",
        "F.l1_loss",
        {"loss_fn": staticmethod(F.l1_loss)},
        "did you use F.l1_loss instead of F.mse_loss?",
    ),
    (
        "check_loss_fn",
        "reduction='sum'",
        {"loss_fn": staticmethod(functools.partial(F.mse_loss, reduction="sum"))},
        "The loss is 10x the mean squared error (the "
        "batch has 10 entries): did you use reduction='sum'",
    ),
    (
        "check_loss_fn",
        "nn.MSELoss class",
        {"loss_fn": nn.MSELoss},
        "loss_fn is the class torch.nn.modules.loss.MSELoss, not a loss",
    ),
    (
        "check_loss_fn",
        "RMSE",
        {"loss_fn": staticmethod(lambda a, y: F.mse_loss(a, y).sqrt())},
        "the RMSE",
    ),
    (
        "check_loss_fn",
        "divided by rows",
        {"loss_fn": staticmethod(lambda a, y: ((a - y) ** 2).sum() / len(a))},
        "The loss is 2x the MSE: did you divide the "
        "summed squares by the number of rows",
    ),
    (
        "check_loss_fn",
        "typed-in divisor",
        {"loss_fn": staticmethod(lambda a, y: ((a - y) ** 2).sum() / 10)},
        "loss_fn(y_hat, y) on a batch of 2 is wrong",
    ),
    (
        "check_loss_fn",
        ".item()",
        {"loss_fn": staticmethod(lambda a, y: F.mse_loss(a, y).item())},
        "Did you return loss.item() or float(loss)?",
    ),
    (
        "check_loss_fn",
        "detached",
        {"loss_fn": staticmethod(lambda a, y: F.mse_loss(a.detach(), y))},
        "cut off from the graph",
    ),
    (
        "check_loss_fn",
        "reduction='none'",
        {"loss_fn": staticmethod(functools.partial(F.mse_loss, reduction="none"))},
        "Did you use reduction='none'?",
    ),
    (
        "check_loss_fn",
        "not defined",
        {"loss_fn": None},
        "loss_fn should be a function; got None",
    ),
    # make_optimizer
    (
        "check_optimizer",
        "a typed-in lr 3e-5",
        {"make_optimizer": _lr_ignored(3e-5)},
        "the lr of the optimizer from make_optimizer(model, lr=1e-05) is wrong: got "
        "3e-05, expected 1e-05",
    ),
    (
        "check_optimizer",
        "lr 1e-4",
        {"make_optimizer": _lr_ignored(1e-4)},
        "That is 10x the argument",
    ),
    (
        "check_optimizer",
        "the notebook's LR, typed in",
        {"make_optimizer": _lr_ignored(1e-5)},
        "1e-05 is the notebook's LR: use the argument lr.",
    ),
    (
        "check_optimizer",
        "Adam",
        {"make_optimizer": lambda s, m, lr: torch.optim.Adam(m.parameters(), lr=lr)},
        "got a torch.optim.adam.Adam. Use torch.optim.SGD",
    ),
    (
        "check_optimizer",
        "momentum",
        {
            "make_optimizer": lambda s, m, lr: torch.optim.SGD(
                m.parameters(), lr=lr, momentum=0.9
            )
        },
        "sets {'momentum': 0.9}",
    ),
    (
        "check_optimizer",
        "a global model's parameters",
        {
            "make_optimizer": lambda s, m, lr: torch.optim.SGD(
                GLOBAL_MODEL.parameters(), lr=lr
            )
        },
        "does not hold this model's weight and bias",
    ),
    (
        "check_optimizer",
        "weight only",
        {"make_optimizer": lambda s, m, lr: torch.optim.SGD([m.weight], lr=lr)},
        "does not hold this model's weight",
    ),
    # train_step
    (
        "check_train_step",
        "no zero_grad",
        {"train_step": _step("bs", zero=False)},
        "The second step used the first batch's gradient plus the second's: PyTorch "
        "adds each backward() to .grad: did you forget opt.zero_grad()",
    ),
    (
        "check_train_step",
        "step before backward",
        {"train_step": _step("zsb")},
        "The parameters did not change: did you call opt.step() before loss.backward()",
    ),
    (
        "check_train_step",
        "step before backward, zero at the end",
        {"train_step": _step("sbz")},
        "did you call opt.step() before loss.backward()",
    ),
    (
        "check_train_step",
        "step, zero, backward",
        {"train_step": _step("szb")},
        "did you call opt.step() before loss.backward()",
    ),
    (
        "check_train_step",
        "no step",
        {"train_step": _step("bz")},
        "Or is opt.step() missing?" if False else "or not at all?",
    ),
    (
        "check_train_step",
        "whole data set",
        {
            "train_step": lambda s, m, f, o, xb, yb: Solution().train_step(
                m, f, o, INPUTS, TARGETS
            )
        },
        "The step used the gradient of the whole data set",
    ),
    (
        "check_train_step",
        "own optimizer with the notebook's lr",
        {
            "train_step": lambda s, m, f, o, xb, yb: Solution().train_step(
                m, f, torch.optim.SGD(m.parameters(), lr=P.lr), xb, yb
            )
        },
        "does train_step use the argument opt?",
    ),
    (
        "check_train_step",
        "returns the model",
        {
            "train_step": lambda s, m, f, o, xb, yb: (
                Solution().train_step(m, f, o, xb, yb),
                m,
            )[1]
        },
        "should be the batch's loss, a number; got a torch.nn.modules.linear.Linear",
    ),
    (
        "check_train_step",
        "returns nothing",
        {"train_step": lambda s, *a: (Solution().train_step(*a), None)[1]},
        "Did you forget `return loss.item()`?",
    ),
    (
        "check_train_step",
        "returns the loss after the step",
        {
            "train_step": lambda s, m, f, o, xb, yb: (
                Solution().train_step(m, f, o, xb, yb),
                f(m(xb), yb).item(),
            )[1]
        },
        "That is the batch's loss after the step",
    ),
    # fit: parameters
    (
        "check_fit_params",
        "no zero_grad",
        {"train_step": _step("bs", zero=False)},
        "did you forget opt.zero_grad()",
    ),
    (
        "check_fit_params",
        "step before backward",
        {"train_step": _step("zsb")},
        "The parameters never moved",
    ),
    (
        "check_fit_params",
        "step, zero, backward",
        {"train_step": _step("szb")},
        "opt.step() before loss.backward()?",
    ),
    (
        "check_fit_params",
        "whole data set",
        {"fit": _fit(data=(INPUTS, TARGETS))},
        "you compute the loss on the whole data set (inputs, targets) instead of "
        "the batch xb, yb? With one batch per epoch both are the same; with batches of 2"
        " they are not.",
    ),
    (
        "check_fit_params",
        "100 epochs",
        {"fit": _fit(epochs=100)},
        "They match 100 epochs of training, not the 500 asked for",
    ),
    (
        "check_fit_params",
        "the notebook's epochs",
        {"fit": _fit(epochs=P.num_epochs)},
        "They match 500 epochs of training, not the 30 asked for",
    ),
    (
        "check_fit_params",
        "one epoch too many",
        {"fit": lambda s, *a: Solution().fit(*a[:4], a[4] + 1)},
        "They match 501 epochs",
    ),
    (
        "check_fit_params",
        "the notebook's train_dl",
        {"fit": _fit(loader=_loader(INPUTS, TARGETS, P.batch_size, P.seed))},
        "does fit loop over its argument loader?",
    ),
    (
        "check_fit_params",
        "blank",
        {"fit": raising(NotImplementedError())},
        "raised NotImplementedError",
    ),
    (
        "check_fit_params",
        "summed loss",
        {
            "fit": lambda s, m, f, o, dl, n: Solution().fit(
                m, functools.partial(F.mse_loss, reduction="sum"), o, dl, n
            )
        },
        "is wrong in",
    ),
    # fit: losses
    (
        "check_fit_losses",
        "returns the model",
        {"fit": _fit(out=lambda m, losses: m)},
        "should return the list of losses, one per batch; got a "
        "torch.nn.modules.linear.Linear. Did you return model instead of losses?",
    ),
    (
        "check_fit_losses",
        "returns nothing",
        {"fit": _fit(out=lambda m, losses: None)},
        "Did you forget `return losses`?",
    ),
    (
        "check_fit_losses",
        "one per epoch",
        {"fit": _fit(per_epoch=True)},
        "has 30 entries; expected 90 = 30 epochs x 3 batches, one per batch. That is "
        "one per epoch",
    ),
    (
        "check_fit_losses",
        "the notebook's epochs",
        {"fit": _fit(epochs=P.num_epochs)},
        "not the notebook's 500?",
    ),
    ("check_fit_losses", "100 epochs", {"fit": _fit(epochs=100)}, "not 100?"),
    (
        "check_fit_losses",
        "whole data set",
        {"fit": _fit(data=(INPUTS, TARGETS))},
        "you compute the loss on the whole data set",
    ),
    (
        "check_fit_losses",
        "no zero_grad",
        {"train_step": _step("bs", zero=False)},
        "did you forget opt.zero_grad()",
    ),
    (
        "check_fit_losses",
        "step before backward",
        {"train_step": _step("zsb")},
        "The parameters never moved",
    ),
    (
        "check_fit_losses",
        "the last loss only",
        {"fit": _fit(out=lambda m, losses: losses[-1:])},
        "Did you return only the last loss",
    ),
    (
        "check_fit_losses",
        "loss after the step",
        {
            "train_step": lambda s, m, f, o, xb, yb: (
                Solution().train_step(m, f, o, xb, yb),
                f(m(xb), yb).item(),
            )[1]
        },
        "The losses are those after each step",
    ),
    # train (full batch)
    (
        "check_full_batch",
        "w.sub_(w * lr)",
        {"train": _manual(update=_shrink)},
        "w and b only shrank toward 0: did you update with the "
        "weights instead of their gradients, as in w.sub_(w * "
        "learning_rate)?",
    ),
    (
        "check_full_batch",
        "no zero_",
        {"train": _manual(zero=False)},
        "did you forget w.grad.zero_() and b.grad.zero_()",
    ),
    (
        "check_full_batch",
        "summed loss",
        {"train": _manual(reduce=torch.sum)},
        "divide the sum by diff.numel()",
    ),
    (
        "check_full_batch",
        "a typed-in lr",
        {"train": _manual(lr=3e-5)},
        "w, b match lr = 3e-05, a typed-in learning_rate",
    ),
    (
        "check_full_batch",
        "the notebook's lr",
        {"train": _manual(lr=P.lr)},
        "does train use its argument lr?",
    ),
    (
        "check_full_batch",
        "the notebook's epochs",
        {"train": _manual(epochs=P.num_epochs)},
        "w, b match 500 epochs (the notebook's NUM_EPOCHS)",
    ),
    (
        "check_full_batch",
        "typed-in epochs",
        {"train": _manual(epochs=100)},
        "w, b match 100 epochs (typed in)",
    ),
    (
        "check_full_batch",
        "returns the losses only",
        {"train": lambda s, *a: Solution().train(*a)[2]},
        "should return 3 values (w, b, losses)",
    ),
    (
        "check_full_batch",
        "never updates",
        {"train": _manual(update=lambda w, b, lr: None)},
        "w and b never moved",
    ),
    # the trained model's prediction
    (
        "check_prediction",
        "no zero_grad",
        {"train_step": _step("bs", zero=False)},
        "did you forget opt.zero_grad()",
    ),
    (
        "check_prediction",
        "step before backward",
        {"train_step": _step("zsb")},
        "The prediction is the one of the untrained model",
    ),
    (
        "check_prediction",
        "F.l1_loss",
        {"loss_fn": staticmethod(F.l1_loss)},
        "F.l1_loss",
    ),
    (
        "check_prediction",
        "summed loss",
        {"loss_fn": staticmethod(functools.partial(F.mse_loss, reduction="sum"))},
        "reduction='sum'",
    ),
    (
        "check_prediction",
        "lr 3e-5",
        {"make_optimizer": _lr_ignored(3e-5)},
        "Was the model trained with lr = 3e-05",
    ),
    (
        "check_prediction",
        "100 epochs",
        {"fit": _fit(epochs=100)},
        "The model looks trained for 100 epochs, not 500",
    ),
    (
        "check_prediction",
        "batch size 1",
        {"make_loader": lambda s, x, y, bs, seed: _loader(x, y, 1, seed)},
        "batches of 1 example",
    ),
    (
        "check_prediction",
        "predict squeezes",
        {"predict_with": lambda s, m, x: m(x).squeeze(0).detach()},
        "Keep the batch dimension",
    ),
    (
        "check_prediction",
        "predict without no_grad",
        {"predict_with": lambda s, m, x: m(x)},
        "Compute model(x) inside `with torch.no_grad():`",
    ),
    (
        "check_full_batch",
        "fresh leaves and autograd.grad",
        {"train": _manual_new_leaves},
        "returned new tensors for w and b: update the w and b passed in, in place",
    ),
    (
        "check_full_batch",
        "losses left empty",
        {"train": lambda s, *a: (lambda w, b, _: (w, b, []))(*Solution().train(*a))},
        "have 0 entries; expected 500, one per epoch",
    ),
    (
        "check_full_batch",
        "loss tensors kept",
        {"train": _manual_tensor_losses},
        "losses[0] from train(inputs, targets, w, b, lr=1e-05, 500) (w, b: the "
        "initial weights of make_model(42)) is a tensor that requires grad",
    ),
    # the mini-batch run
    (
        "check_minibatch",
        "unshuffled loader",
        {"minibatch": _unshuffled_minibatch},
        "the loader does not shuffle. Use make_loader(inputs, targets, 2, SEED)",
    ),
    (
        "check_minibatch",
        "unseeded loader",
        {"minibatch": _unseeded_minibatch},
        "but the batches are not the seeded ones",
    ),
    (
        "check_minibatch",
        "loader seeded 0",
        {"minibatch": lambda s: Solution().minibatch(seed=0)},
        "but the batches are not the seeded ones",
    ),
    (
        "check_minibatch",
        "full batches",
        {"minibatch": lambda s: Solution().minibatch(batch_size=5)},
        "has 500 entries; expected 1500 = 500 epochs x 3 batches",
    ),
    (
        "check_minibatch",
        "batches of 1",
        {"minibatch": lambda s: Solution().minibatch(batch_size=1)},
        "batches of 1 row",
    ),
    (
        "check_minibatch",
        "100 epochs",
        {"minibatch": lambda s: Solution().minibatch(epochs=100)},
        "That is 100 epochs of 3 batches",
    ),
    (
        "check_minibatch",
        "continues Section 8's model",
        {"minibatch": _continued_minibatch},
        "continued from Section 8's trained model",
    ),
    (
        "check_minibatch",
        "another start",
        {"minibatch": lambda s: Solution().minibatch(start=Solution().make_model(0))},
        "is not the loss of make_model(SEED)'s start",
    ),
    (
        "check_minibatch",
        "lr 3e-5",
        {"minibatch": lambda s: Solution().minibatch(lr=3e-5)},
        "The run used lr = 3e-05",
    ),
    (
        "check_minibatch",
        "another model handed over",
        {"minibatch": _other_model_minibatch},
        "model_mb is not the model it trained",
    ),
    (
        "check_minibatch",
        "no zero_grad",
        {"train_step": _step("bs", zero=False)},
        "losses_mb",
    ),
    # the nn.Module subclass
    (
        "check_module",
        "no super().__init__()",
        {"module": NoSuperInit},
        "Call super().__init__() first",
    ),
    (
        "check_module",
        "plain tensors",
        {"module": PlainTensors},
        "A tensor stored as a plain attribute is not a parameter",
    ),
    (
        "check_module",
        "nn.Linear(2, 3)",
        {"module": Swapped},
        "Did you write nn.Linear(2, 3)?",
    ),
    (
        "check_module",
        "no bias in forward",
        {"module": NoBias},
        "forward leaves out the bias",
    ),
    ("check_module", "a seed of its own", {"module": OwnSeed}, "no seed of its own"),
    ("check_module", "no forward", {"module": NoForward}, "forward"),
    (
        "check_module",
        "two layers",
        {"module": TwoLayers},
        "Store one nn.Linear(3, 2) and nothing else",
    ),
    (
        "check_module",
        "an instance",
        {"module": LinearRegression()},
        "LinearRegression() (after torch.manual_seed(42)) raised",
    ),
    (
        "check_module",
        "not a module",
        {"module": lambda s: None},
        "should be an nn.Module; got None",
    ),
    (
        "check_prediction",
        "predict that detaches",
        {"predict_with": lambda s, m, x: m(x).detach()},
        "recorded an autograd graph and then dropped it (.detach())",
    ),
    (
        "check_prediction",
        "predict ignores the model",
        {"predict_with": lambda s, m, x: GLOBAL_MODEL(x).detach()},
        "predict_with should return model(x)",
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


def test_training_twice_is_diagnosed():
    """Is a model trained by running the training cell twice recognised?"""
    model = trained(Solution())
    student = Solution()
    opt = student.make_optimizer(model, P.lr)
    student.fit(
        model,
        F.mse_loss,
        opt,
        student.make_loader(INPUTS, TARGETS, P.batch_size, P.seed),
        P.num_epochs,
    )
    with pytest.raises(AssertionError, match="did you run the training cell twice?"):
        run("check_prediction", student, model=model)


def test_prediction_of_a_broken_model_says_so():
    """Does check_prediction explain a model that is not nn.Linear(3, 2)?"""
    with pytest.raises(
        AssertionError,
        match=r"got a torch.nn.modules.linear.Linear "
        r"with weight of shape \(3, 2\)",
    ):
        lab.check_prediction(Solution().predict_with, nn.Linear(2, 3))
    with pytest.raises(AssertionError, match="model should be the notebook's trained"):
        lab.check_prediction(Solution().predict_with, None)


def _float_loss_step(self, model, loss_fn, opt, xb, yb):
    loss = loss_fn(model(xb), yb)
    loss.backward()
    opt.step()
    opt.zero_grad()
    return float(loss)  # torch 2.13 warns: requires_grad tensor to scalar


def _zero_first_step(self, model, loss_fn, opt, xb, yb):
    opt.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    opt.step()
    return loss


def _manual_no_grad_step(self, model, loss_fn, opt, xb, yb):
    model.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    with torch.no_grad():
        for group in opt.param_groups:
            for param in group["params"]:
                param -= group["lr"] * param.grad
    return loss.detach()


def _noisy_fit(self, *args):
    print("epoch 0", file=sys.stderr)  # a progress bar writes to stderr
    warnings.warn("a student warning", UserWarning, stacklevel=1)
    return Solution().fit(*args)


def _sequential_loader(self, inputs, targets, batch_size, seed):
    generator = torch.Generator()
    generator.manual_seed(seed)
    return DataLoader(
        TensorDataset(inputs, targets),
        batch_size=batch_size,
        shuffle=True,
        generator=generator,
    )


EQUIVALENT = {
    "solution": {},
    "nn.MSELoss()": {"loss_fn": nn.MSELoss()},
    "loss written out": {"loss_fn": staticmethod(lambda a, y: ((a - y) ** 2).mean())},
    "sum / numel mse": {
        "loss_fn": staticmethod(
            lambda a, y: torch.sum((a - y) * (a - y)) / (a - y).numel()
        )
    },
    "zero_grad first, tensor loss returned": {"train_step": _zero_first_step},
    "float(loss), which warns": {"train_step": _float_loss_step},
    "manual no_grad update": {"train_step": _manual_no_grad_step},
    "fit that prints to stderr and warns": {"fit": _noisy_fit},
    "fit returning a tensor": {"fit": _fit(out=lambda m, losses: torch.tensor(losses))},
    "generator seeded in two lines": {"make_loader": _sequential_loader},
    "module with its own nn.Parameter": {"module": OwnParameters},
}


@pytest.mark.parametrize("methods", EQUIVALENT.values(), ids=EQUIVALENT.keys())
def test_correct_implementations_pass(methods):
    """Do the solution and equivalent correct variants pass every check?"""
    student = mutant(**methods)
    for check in [*FUNCTION, "check_prediction", "check_minibatch"]:
        assert run(check, student) is None


@pytest.mark.parametrize("spelling", ["{}", "{} ", " {}", "{}\n", "\t{}  "])
@pytest.mark.parametrize("case", [str.lower, str.upper])
@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_right_answer_passes(question, case, spelling):
    """Is the right letter accepted in either case and with surrounding whitespace?"""
    answer = spelling.format(case(lab.ANSWERS[question]))
    assert lab.check_answer(question, answer) is None


@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_wrong_answers_fail_with_a_hint(question):
    """Does each wrong letter fail, with the question's hint and not the letter?"""
    for letter in set(lab.LETTERS) - {lab.ANSWERS[question]}:
        with pytest.raises(AssertionError) as info:
            lab.check_answer(question, letter)
        assert lab.ANSWER_HINTS[question] in str(info.value)


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (None, "should be a string holding one letter"),
        (1, "got a int"),
        ("ab", "should be one of 'a', 'b', 'c'"),
        ("d", "Write the letter alone"),
    ],
)
def test_malformed_answers_fail(answer, fragment):
    with pytest.raises(AssertionError, match=fragment):
        lab.check_answer("shuffle", answer)


def test_answers_are_not_all_the_same_letter():
    assert len(set(lab.ANSWERS.values())) > 1


def test_unknown_question_is_the_authors_error():
    with pytest.raises(ValueError, match="unknown question"):
        lab05_nn.check_answer("nope", "a")
