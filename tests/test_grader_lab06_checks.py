"""Do lab 06's hidden checks pass the solution and name each known mistake and wrong form?

`SOLUTION` holds the notebook's solution functions; `with_(...)` replaces one to apply
a named mistake. Every mistake must fail its check with an AssertionError whose
message contains the expected diagnosis; every wrongly written answer (a string for a
letter, a list for a tuple...) must fail with a sentence saying how to write it. The
notebook's own solution and test cells are also run here, as autograde runs them.
"""

from __future__ import annotations

import contextlib
import math

import nbformat
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from coursekit import layout
from grader_tests.lab06_review import checks as lab06_review

from .course import REPO
from .judging import JudgedModule

lab = JudgedModule(lab06_review)  # every check_* through the judge, as in grading

# ---- the notebook's solution functions ----


def split_table(rows, n_inputs):
    table = torch.tensor(rows, dtype=torch.float32)
    return table[:, :n_inputs], table[:, n_inputs:]


def init_params(n_inputs, n_outputs, seed):
    torch.manual_seed(seed)
    w = torch.randn(n_outputs, n_inputs, requires_grad=True)
    b = torch.randn(n_outputs, requires_grad=True)
    return w, b


def predict(x, w, b):
    return x @ w.T + b


def mse(y_hat, y):
    return ((y_hat - y) ** 2).mean()


def autograd_dw(x, y, w0):
    w = torch.tensor(float(w0), dtype=x.dtype, requires_grad=True)
    loss = ((w * x - y) ** 2).mean()
    loss.backward()
    return float(w.grad)


def step_(w, b, lr):
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()


def make_dataset(x, y):
    return TensorDataset(x, y)


def make_loader(x, y, batch_size, seed):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        make_dataset(x, y), batch_size=batch_size, shuffle=True, generator=generator
    )


def make_optimizer(model, lr):
    return torch.optim.SGD(model.parameters(), lr=lr)


def fit(model, loss_fn, optimizer, loader, num_epochs):
    losses = []
    for _ in range(num_epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
    return losses


def predict_with(model, x):
    with torch.no_grad():
        return model(x)


SOLUTION = {
    "check_split_table": split_table,
    "check_init_params": init_params,
    "check_predict": predict,
    "check_mse": mse,
    "check_autograd_dw": autograd_dw,
    "check_step_": step_,
    "check_step_zero": step_,
    "check_make_dataset": make_dataset,
    "check_make_loader": make_loader,
    "check_make_optimizer": make_optimizer,
    "check_fit": fit,
    "check_predict_with": predict_with,
}


@pytest.mark.parametrize("check", sorted(SOLUTION))
def test_solution_passes(check):
    """Does each code check accept the notebook's solution (and return None)?"""
    assert getattr(lab, check)(SOLUTION[check]) is None


def raising(exc):
    def fn(*args):
        raise exc

    return fn


# ---- mistakes in code ----


def _randn_size_empty(n_inputs, n_outputs, seed):  # the source's Q7 answer
    torch.manual_seed(seed)
    return torch.randn(size=(), requires_grad=True), torch.randn(
        size=(), requires_grad=True
    )


def _init(draw_w=None, draw_b=None, order="wb", seeded=True, grad=True, scale=None):
    def init(n_inputs, n_outputs, seed):
        if seeded:
            torch.manual_seed(seed)
        shapes = {"w": (n_outputs, n_inputs), "b": (n_outputs,)}
        draws = {"w": draw_w or torch.randn, "b": draw_b or torch.randn}
        out = {k: draws[k](*shapes[k], requires_grad=grad) for k in order}
        if scale is not None:
            out = {k: v * scale for k, v in out.items()}
        return out["w"], out["b"]

    return init


def _step(w_new, b_new=None, zero=True, inplace=True, no_grad=True, ret=False):
    """step_ computing new values with w_new(w, lr), b_new(b, lr)."""
    b_new = b_new or w_new

    def step(w, b, lr):
        ctx = torch.no_grad() if no_grad else contextlib.nullcontext()
        with ctx:
            nw, nb = w_new(w, lr), b_new(b, lr)
            if inplace:
                w.copy_(nw)
                b.copy_(nb)
        if zero:
            w.grad.zero_()
            b.grad.zero_()
        return (nw, nb) if ret else None

    return step


def _rebinding_step(w, b, lr):
    with torch.no_grad():
        w = w - lr * w.grad
        b = b - lr * b.grad


def _no_no_grad_step(w, b, lr):
    w -= lr * w.grad
    b -= lr * b.grad


def _zero_first_step(w, b, lr):
    w.grad.zero_()
    b.grad.zero_()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad


def _detaching_step(w, b, lr):
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.requires_grad_(False)
    w.grad = None
    b.grad = None


def _fit(
    zero=True, step=True, backward=True, epochs=None, record="before", returns=True
):
    def fit_variant(model, loss_fn, optimizer, loader, num_epochs):
        losses = []
        for _ in range(epochs or num_epochs):
            per_epoch = []
            for xb, yb in loader:
                loss = loss_fn(model(xb), yb)
                if backward:
                    loss.backward()
                if step:
                    optimizer.step()
                if zero:
                    optimizer.zero_grad()
                per_epoch.append(loss.item())
            losses += per_epoch if record == "before" else [per_epoch[-1]]
        return losses if returns else None

    return fit_variant


def _fit_keeping_tensors(model, loss_fn, optimizer, loader, num_epochs):
    losses = []
    for _ in range(num_epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss)  # the tensor, with its graph
    return losses


def _fit_detached_tensors(model, loss_fn, optimizer, loader, num_epochs):
    losses = []
    for _ in range(num_epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.detach())
    return losses


def _grad_tensor(x, y, w0):
    w = torch.tensor(float(w0), dtype=x.dtype, requires_grad=True)
    ((w * x - y) ** 2).mean().backward()
    return w.grad


def _predict_detached(model, x):
    return model(x).detach()


def _sum_autograd_dw(x, y, w0):
    w = torch.tensor(float(w0), dtype=x.dtype, requires_grad=True)
    ((w * x - y) ** 2).sum().backward()
    return float(w.grad)


def _loss_not_grad(x, y, w0):
    w = torch.tensor(float(w0), dtype=x.dtype, requires_grad=True)
    loss = ((w * x - y) ** 2).mean()
    loss.backward()
    return loss.item()


def _no_requires_grad(x, y, w0):
    w = torch.tensor(float(w0), dtype=x.dtype)
    loss = ((w * x - y) ** 2).mean()
    loss.backward()
    return float(w.grad)


def _returns_none_grad(x, y, w0):
    w = torch.tensor(float(w0), dtype=x.dtype, requires_grad=True)
    ((w * x - y) ** 2).mean()
    return w.grad


def _per_example(x, y, w0):
    return 2 * x * (w0 * x - y)


def _predict_with_graph(model, x):
    return model(x)


def _predict_numpy(model, x):
    with torch.no_grad():
        return model(x).numpy()


class _Other(torch.nn.Module):
    pass


GLOBAL_MODEL = torch.nn.Linear(3, 2)
GLOBAL_X, GLOBAL_Y = torch.zeros(4, 3), torch.zeros(4, 2)


def _loader(
    batch_size=None, shuffle=True, seeded=True, seed=None, drop_last=False, data=None
):
    """make_loader with one mistake: a typed-in batch size or seed, no shuffle..."""

    def loader(x, y, bs, sd):
        x, y = data or (x, y)
        gen = torch.Generator().manual_seed(sd if seed is None else seed)
        return DataLoader(
            TensorDataset(x, y),
            batch_size=batch_size or bs,
            shuffle=shuffle,
            drop_last=drop_last,
            generator=gen if seeded else None,
        )

    return loader


def _loader_global_seed(x, y, bs, sd):
    torch.manual_seed(sd)  # seeds the global state, not the loader's generator
    return DataLoader(TensorDataset(x, y), batch_size=bs, shuffle=True)


def _loader_shuffled_apart(x, y, bs, sd):
    gen = torch.Generator().manual_seed(sd)
    return DataLoader(
        TensorDataset(x[torch.randperm(len(x), generator=gen)], y), batch_size=bs
    )


MISTAKES = [
    # Q4 split_table
    (
        "check_split_table",
        "int64 (source's torch.tensor)",
        lambda rows, n: (lambda t: (t[:, :n], t[:, n:]))(torch.tensor(rows)),
        "has dtype torch.int64; expected torch.float32. torch.tensor of Python ints",
    ),
    (
        "check_split_table",
        "float64",
        lambda rows, n: (lambda t: (t[:, :n], t[:, n:]))(
            torch.tensor(rows, dtype=torch.float64)
        ),
        "has dtype torch.float64; expected torch.float32. The weights are float32",
    ),
    (
        "check_split_table",
        "data requires grad",
        lambda rows, n: (lambda t: (t[:, :n], t[:, n:]))(
            torch.tensor(rows, dtype=torch.float32, requires_grad=True)
        ),
        "requires grad: the data are not parameters",
    ),
    (
        "check_split_table",
        "1-D targets",
        lambda rows, n: (lambda t: (t[:, :n], t[:, -1]))(
            torch.tensor(rows, dtype=torch.float32)
        ),
        "got (5,), expected (5, 2). Keep the targets 2-D",
    ),
    (
        "check_split_table",
        "transposed",
        lambda rows, n: (lambda t: (t[:, :n].T, t[:, n:].T))(
            torch.tensor(rows, dtype=torch.float32)
        ),
        "did you transpose the table?",
    ),
    (
        "check_split_table",
        "columns swapped",
        lambda rows, n: (lambda t: (t[:, -n:], t[:, :-n]))(
            torch.tensor(rows, dtype=torch.float32)
        ),
        "Are the first n_inputs columns the inputs",
    ),
    (
        "check_split_table",
        "blank",
        raising(NotImplementedError()),
        "raised NotImplementedError. Did you replace `raise NotImplementedError()`",
    ),
    (
        "check_split_table",
        "numpy",
        lambda rows, n: (np.array(rows)[:, :n], np.array(rows)[:, n:]),
        "should be a torch.Tensor; got a numpy.ndarray",
    ),
    (
        "check_split_table",
        "returns one tensor",
        lambda rows, n: torch.tensor(rows, dtype=torch.float32),
        "should return 2 values (inputs, targets)",
    ),
    # Q7 init_params
    (
        "check_init_params",
        "torch.randn(size=()) (source's Q7 answer)",
        _randn_size_empty,
        "got (), expected (2, 3). torch.randn(size=()) makes a 0-dim tensor",
    ),
    (
        "check_init_params",
        "w transposed",
        lambda nf, nt, seed: (
            torch.randn(nf, nt, requires_grad=True),
            torch.randn(nt, requires_grad=True),
        ),
        "got (3, 2), expected (2, 3). With y_hat = x @ w.T + b, w has one row per output",
    ),
    (
        "check_init_params",
        "no requires_grad",
        _init(grad=False),
        "has requires_grad=False: create it with requires_grad=True",
    ),
    (
        "check_init_params",
        "scaled after creation",
        _init(scale=0.1),
        "is not a leaf tensor",
    ),
    (
        "check_init_params",
        "rand instead of randn",
        _init(torch.rand, torch.rand),
        "did you use torch.rand (uniform) instead of torch.randn",
    ),
    (
        "check_init_params",
        "b drawn first",
        _init(order="bw"),
        "Did you draw b before w?",
    ),
    (
        "check_init_params",
        "not seeded",
        _init(seeded=False),
        "Did you seed with the argument seed right before drawing w?",
    ),
    (
        "check_init_params",
        "seed hard-coded",
        lambda nf, nt, seed: init_params(nf, nt, 0),
        "does not match the recipe torch.manual_seed(seed)",
    ),
    # Q8 predict
    ("check_predict", "x @ w", lambda x, w, b: x @ w + b, "cannot be multiplied"),
    (
        "check_predict",
        "x @ w (hint)",
        lambda x, w, b: x @ w + b,
        "w has shape (n_outputs, n_inputs): multiply x @ w.T.",
    ),
    (
        "check_predict",
        "w @ x.T",
        lambda x, w, b: w @ x.T + b[:, None],
        "got (2, 6), expected (6, 2). That is (x @ w.T).T",
    ),
    ("check_predict", "no bias", lambda x, w, b: x @ w.T, "Did you forget + b?"),
    (
        "check_predict",
        "minus bias",
        lambda x, w, b: x @ w.T - b,
        "Did you subtract b instead of adding it?",
    ),
    (
        "check_predict",
        "other",
        lambda x, w, b: x @ w.T + 2 * b,
        "is wrong in 12 of 12 entries",
    ),
    # Q13 mse
    (
        "check_mse",
        "divided by rows (source's Q12 answer)",
        lambda p, t: ((p - t) ** 2).sum() / p.shape[0],
        "Did you divide the sum by the number of rows (7) instead of the number of entries",
    ),
    (
        "check_mse",
        "sum",
        lambda p, t: ((p - t) ** 2).sum(),
        "Did you sum the squared differences without averaging?",
    ),
    ("check_mse", "RMSE", lambda p, t: ((p - t) ** 2).mean().sqrt(), "(the RMSE)"),
    ("check_mse", "absolute", lambda p, t: (p - t).abs().mean(), "mean absolute error"),
    (
        "check_mse",
        "square of the mean",
        lambda p, t: (p - t).mean() ** 2,
        "Did you square the mean difference",
    ),
    (
        "check_mse",
        "not squared",
        lambda p, t: (p - t).mean(),
        "Did you forget to square the differences?",
    ),
    (
        "check_mse",
        "detached",
        lambda p, t: ((p - t) ** 2).mean().detach(),
        "that backward() cannot run through (y_hat required grad)",
    ),
    (
        "check_mse",
        "a Python float",
        lambda p, t: ((p - t) ** 2).mean().item(),
        "returns the right number as a float that backward() cannot run through",
    ),
    (
        "check_mse",
        "no mean",
        lambda p, t: (p - t) ** 2,
        "has 21 elements (shape (7, 3)); expected one number. Did you forget to average",
    ),
    # X7 autograd_dw
    (
        "check_autograd_dw",
        "sum instead of mean",
        _sum_autograd_dw,
        "dL/dw is 4.0x the reference (N = 4): did you sum over the examples",
    ),
    (
        "check_autograd_dw",
        "returns the loss",
        _loss_not_grad,
        "the loss L(w0), not its gradient: return w.grad after loss.backward().",
    ),
    (
        "check_autograd_dw",
        "w without requires_grad",
        _no_requires_grad,
        "Create w with requires_grad=True before computing the loss.",
    ),
    (
        "check_autograd_dw",
        "no backward",
        _returns_none_grad,
        "returned None: did you return w.grad after loss.backward()?",
    ),
    (
        "check_autograd_dw",
        "per-example gradients",
        _per_example,
        "has 4 elements (shape (4,)); expected one number. Did you forget to average",
    ),
    (
        "check_autograd_dw",
        "the formula instead of autograd",
        lambda x, y, w0: float((2 * x * (w0 * x - y)).mean()),
        "is right but never ran backward()",
    ),
    (
        "check_autograd_dw",
        "w.grad itself, a tensor",
        _grad_tensor,
        "returns a torch.Tensor of shape (); expected a Python float",
    ),
    (
        "check_autograd_dw",
        "hard-coded -30",
        lambda x, y, w0: -30.0,
        "autograd_dw(x, y, w0=0.7) with 6 points is wrong",
    ),
    # Q19 step_: values
    (
        "check_step_",
        "weights instead of gradient (notebook 003)",
        _step(lambda t, lr: t - t * lr),
        "Did you subtract lr * w (the weights) instead of lr * w.grad, as in w.sub_(w * lr)",
    ),
    (
        "check_step_",
        "uphill",
        _step(lambda t, lr: t + lr * t.grad),
        "w moved uphill: did you add lr * w.grad",
    ),
    (
        "check_step_",
        "lr missing",
        _step(lambda t, lr: t - t.grad),
        "Did you forget to multiply w.grad by lr?",
    ),
    (
        "check_step_",
        "rebinding inside the function",
        _rebinding_step,
        "left w unchanged: did you write w = w - lr * w.grad?",
    ),
    (
        "check_step_",
        "returns new tensors",
        _step(lambda t, lr: t - lr * t.grad, inplace=False, zero=False, ret=True),
        "left w unchanged: it returned new tensors instead",
    ),
    (
        "check_step_",
        "no torch.no_grad",
        _no_no_grad_step,
        "raised RuntimeError: a leaf Variable that requires grad is being used in an "
        "in-place operation",
    ),
    (
        "check_step_",
        "zeroed before the update",
        _zero_first_step,
        "Or did you zero w.grad before using it?",
    ),
    (
        "check_step_",
        "b not updated",
        _step(lambda t, lr: t - lr * t.grad, b_new=lambda t, lr: t.clone()),
        "left b unchanged: did you forget to update b (b -= lr * b.grad)?",
    ),
    (
        "check_step_",
        "blank",
        raising(NotImplementedError()),
        "calling step_(w, b, lr=0.1) raised NotImplementedError",
    ),
    # Q24 step_: the reset
    (
        "check_step_zero",
        "no reset (notebook 003)",
        _step(lambda t, lr: t - lr * t.grad, zero=False),
        "w.grad still holds 1.44, ... (not zeros): did you call w.grad.zero_() after the update?",
    ),
    (
        "check_step_zero",
        "requires_grad dropped",
        _detaching_step,
        "w is no longer a leaf that requires grad",
    ),
    # Q31 make_dataset
    (
        "check_make_dataset",
        "a list of pairs",
        lambda x, y: list(zip(x, y, strict=True)),
        "should return a torch.utils.data.TensorDataset; got a list of 6 values.",
    ),
    (
        "check_make_dataset",
        "inputs only",
        lambda x, y: TensorDataset(x),
        "holds 1 tensors; expected 2, (input, target)",
    ),
    (
        "check_make_dataset",
        "swapped",
        lambda x, y: TensorDataset(y, x),
        "is (target, input): pass the inputs first",
    ),
    (
        "check_make_dataset",
        "changed",
        lambda x, y: TensorDataset(x * 2, y),
        "is not (x[0], y[0])",
    ),
    # Q32 make_loader
    (
        "check_make_loader",
        "no shuffle",
        _loader(shuffle=False),
        "visits the examples in their stored order 0..10 every epoch: shuffling is off",
    ),
    (
        "check_make_loader",
        "no generator (unseeded)",
        _loader(seeded=False),
        "the shuffle is not seeded (it draws from torch's global random state)",
    ),
    (
        "check_make_loader",
        "torch.manual_seed instead of a generator",
        _loader_global_seed,
        "torch.manual_seed(seed) in make_loader does not fix the order",
    ),
    (
        "check_make_loader",
        "seed typed in",
        _loader(seed=0),
        "shuffles reproducibly but not in the recipe's order: its first epoch visits",
    ),
    (
        "check_make_loader",
        "batch size 5 typed in",
        _loader(batch_size=5),
        "yields batches of [5, 5, 1] examples; expected [4, 4, 3]",
    ),
    (
        "check_make_loader",
        "default batch size",
        lambda x, y, bs, sd: DataLoader(
            TensorDataset(x, y),
            shuffle=True,
            generator=torch.Generator().manual_seed(sd),
        ),
        "Batches of 1 are DataLoader's default: pass batch_size=batch_size.",
    ),
    (
        "check_make_loader",
        "drop_last",
        _loader(drop_last=True),
        "The last, smaller batch is missing: leave drop_last=False.",
    ),
    (
        "check_make_loader",
        "global data",
        _loader(data=(GLOBAL_X, GLOBAL_Y)),
        "has 4 examples; expected 11: build it from the arguments",
    ),
    (
        "check_make_loader",
        "x shuffled apart from y",
        _loader_shuffled_apart,
        "pair inputs with the wrong targets",
    ),
    (
        "check_make_loader",
        "returns the dataset",
        lambda x, y, bs, sd: TensorDataset(x, y),
        "should return a torch.utils.data.DataLoader; got a torch.utils.data.dataset."
        "TensorDataset. Did you return the dataset instead",
    ),
    # Q43 make_optimizer
    (
        "check_make_optimizer",
        "lr=1e-5 written in (source's Q43 answer)",
        lambda m, lr: torch.optim.SGD(m.parameters(), lr=1e-5),
        "has lr 1e-05; expected 0.05: did you pass the argument lr?",
    ),
    (
        "check_make_optimizer",
        "Adam",
        lambda m, lr: torch.optim.Adam(m.parameters(), lr=lr),
        "should return a torch.optim.SGD; got a torch.optim.adam.Adam",
    ),
    (
        "check_make_optimizer",
        "global model",
        lambda m, lr: torch.optim.SGD(GLOBAL_MODEL.parameters(), lr=lr),
        "holds other tensors than model.parameters()",
    ),
    (
        "check_make_optimizer",
        "momentum",
        lambda m, lr: torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9),
        "sets {'momentum': 0.9}: plain SGD",
    ),
    # Q44 fit
    (
        "check_fit",
        "no zero_grad",
        _fit(zero=False),
        "They match a run that never resets the gradients",
    ),
    ("check_fit", "no step", _fit(step=False), "The parameters never changed"),
    ("check_fit", "no backward", _fit(backward=False), "The parameters never changed"),
    ("check_fit", "one epoch", _fit(epochs=1), "They match a single epoch"),
    (
        "check_fit",
        "no return",
        _fit(returns=False),
        "should return the list of the batch losses (floats); got None.",
    ),
    (
        "check_fit",
        "one loss per epoch",
        _fit(record="epoch"),
        "returned 3 losses; expected 9, one per batch (3 epochs of 3 batches). One per batch",
    ),
    (
        "check_fit",
        "detached loss tensors",
        _fit_detached_tensors,
        "the losses should be Python floats: append loss.item()",
    ),
    (
        "check_fit",
        "keeps the loss tensors",
        _fit_keeping_tensors,
        "losses[0] from fit(model, F.mse_loss, optimizer, loader, num_epochs=3) (10 "
        "examples, batch size 4, lr 0.1) is a tensor that requires grad: append loss.item()",
    ),
    # Q45 predict_with
    (
        "check_predict_with",
        "model(unseen_input) (source's Q45 answer)",
        _predict_with_graph,
        "returns a tensor that requires grad",
    ),
    (
        "check_predict_with",
        "graph recorded, then detached",
        _predict_detached,
        "recorded an autograd graph and then dropped it (.detach())",
    ),
    (
        "check_predict_with",
        "numpy",
        _predict_numpy,
        "should be a torch.Tensor; got a numpy.ndarray",
    ),
    (
        "check_predict_with",
        "global model",
        lambda m, x: GLOBAL_MODEL.double()(x).detach(),
        "Did you call the model argument on the x argument?",
    ),
]


@pytest.mark.parametrize(
    "check, case, student, fragment", MISTAKES, ids=[f"{m[0]}-{m[1]}" for m in MISTAKES]
)
def test_mistake_is_named(check, case, student, fragment):
    """Does each known mistake fail its check, with the diagnosis in the message?"""
    with pytest.raises(AssertionError) as info:
        getattr(lab, check)(student)
    assert fragment in str(info.value)


def test_not_a_function():
    """Does a check say so when the name holds a value instead of a function?"""
    with pytest.raises(
        AssertionError, match="split_table should be a function; got None"
    ):
        lab.check_split_table(None)


# ---- typed-in answers: forms and values ----

CORRECT_ANSWERS = [
    ("check_q6_shapes", ((4, 7), (4,))),
    ("check_q6_shapes", (torch.Size([4, 7]), (np.int64(4),))),
    ("check_q12_mse", (1.5,)),
    ("check_q12_mse", (torch.tensor(1.5),)),
    ("check_x4_change", (-0.3,)),
    ("check_x4_change", (7.5 * 1.99**2 - 30,)),
    ("check_q24_grad", (12,)),
    ("check_q22_lr_max", (2 / 15,)),
    ("check_q22_lr_max", (0.133,)),
    ("check_q25_order", ("ceabd",)),
    ("check_q25_order", ("d, c, e, a, b",)),
    ("check_q25_order", ("CEDAB",)),
    ("check_q26_updates", (40,)),
    ("check_q33_batch_sizes", ((4, 4, 4, 3),)),
    ("check_q36_linear", ((3, 5), 18)),
]


@pytest.mark.parametrize("check, args", CORRECT_ANSWERS, ids=lambda v: str(v)[:30])
def test_right_answers_pass(check, args):
    """Are right answers accepted, in every reasonable form?"""
    assert getattr(lab, check)(*args) is None


WRONG_ANSWERS = [
    # forms
    (
        "check_q6_shapes",
        ((4, 7), 4),
        "q6_b_shape should be a tuple of ints, like (5,); got the int 4. A tuple with one "
        "element needs a trailing comma: (4,); (4) is just the int 4.",
    ),
    (
        "check_q6_shapes",
        ([4, 7], (4,)),
        "q6_w_shape should be a tuple of ints, like (2, 3); got a list [4, 7]. Write it "
        "with round brackets, as a tuple.",
    ),
    (
        "check_q6_shapes",
        ((4.0, 7.0), (4,)),
        "Its entries must be ints; the float 4.0 is not.",
    ),
    (
        "check_q6_shapes",
        ("(4, 7)", (4,)),
        "got the string '(4, 7)'. Remove the quotes.",
    ),
    (
        "check_q6_shapes",
        ((True, 7), (4,)),
        "Its entries must be ints; the bool True is not.",
    ),
    (
        "check_q12_mse",
        ("1.5",),
        "q12_mse should be a number, not a string: remove the quotes around '1.5'.",
    ),
    ("check_q12_mse", ([1.5],), "q12_mse should be one number; got a list [1.5]."),
    ("check_q12_mse", (None,), "q12_mse should be a number; got None."),
    ("check_q12_mse", (float("nan"),), "q12_mse is nan: expected a finite number."),
    (
        "check_q12_mse",
        (torch.ones(2),),
        "q12_mse has 2 elements (shape (2,)); expected one number.",
    ),
    (
        "check_q26_updates",
        (31.25,),
        "q26_updates should be a whole number (an int); got the float 31.25. A batch is "
        "never split: did you divide 100 by 32 without rounding up to whole batches?",
    ),
    ("check_q26_updates", (40.0,), "Write 40 instead of 40.0."),
    ("check_q26_updates", ("40",), "got the string '40'. Remove the quotes."),
    ("check_q26_updates", (True,), "got the bool True."),
    (
        "check_q33_batch_sizes",
        ([4, 4, 4, 3],),
        "got a list [4, 4, 4, 3]. Write it with round",
    ),
    ("check_q36_linear", ((3, 5), 18.0), "q36_num_params should be a whole number"),
    (
        "check_q25_order",
        (["c", "e", "a", "b", "d"],),
        'q25_order should be a string holding each of the letters "abcde" once',
    ),
    ("check_q25_order", ("ceab",), "got the string 'ceab'."),
    ("check_q25_order", ("ceabdd",), "got the string 'ceabdd'."),
    # values
    (
        "check_q6_shapes",
        ((7, 4), (4,)),
        "q6_w_shape = (7, 4) is not the shape of w. That is the shape of w.T",
    ),
    ("check_q6_shapes", ((200, 7), (4,)), "That is the shape of the inputs"),
    (
        "check_q6_shapes",
        ((4, 7), (200, 4)),
        "one bias per target, shared by all examples",
    ),
    (
        "check_q6_shapes",
        ((4, 7), (7,)),
        "one entry per target (per output), not per input",
    ),
    ("check_q6_shapes", ((4, 7), (4, 1)), "Make b one-dimensional"),
    (
        "check_q12_mse",
        (3.0,),
        "Did you divide the sum of squared errors by the number of "
        "rows (3) instead of by the number of entries (6)?",
    ),
    ("check_q12_mse", (9,), "Did you sum the squared errors without averaging them?"),
    ("check_q12_mse", (math.sqrt(1.5),), "(that is the RMSE)"),
    ("check_q12_mse", (5 / 6,), "That is the mean absolute error"),
    ("check_q12_mse", (4.5,), "by the number of columns (2)"),
    ("check_q12_mse", (2.0,), "q12_mse = 2 is not the MSE of these predictions."),
    ("check_x4_change", (0.3,), "check the sign"),
    ("check_x4_change", (-30,), "That is dL/dw itself"),
    ("check_x4_change", (29.70075,), "That is the new loss"),
    ("check_x4_change", (-1.2,), "like np.dot(2*x, y_pred - y)"),
    ("check_q24_grad", (6.0,), "That is the gradient of one backward pass"),
    ("check_q24_grad", (9.0,), "That is the loss, not its gradient."),
    ("check_q22_lr_max", (1 / 15,), "That is 1 / L''"),
    ("check_q22_lr_max", (2 / 7.5,), "Did you leave out the factor 2"),
    (
        "check_q22_lr_max",
        (2 / 60,),
        "Did you sum over the examples instead of averaging",
    ),
    (
        "check_q22_lr_max",
        (0.5,),
        "q22_lr_max = 0.5 is not the bound on stable learning rates.",
    ),
    (
        "check_q25_order",
        ("ceadb",),
        "It zeroes the gradients between backward() and the update",
    ),
    (
        "check_q25_order",
        ("ecabd",),
        "Step 'c' (preds = model(inputs)) comes right after 'e'",
    ),
    (
        "check_q25_order",
        ("ceba d",),
        "Step 'b' (the update under torch.no_grad()) comes right after 'e'",
    ),
    ("check_q26_updates", (30,), "That drops the last, smaller batch"),
    ("check_q26_updates", (4,), "That is one epoch; the question asks for all 10."),
    ("check_q26_updates", (10,), "one update per batch, not per epoch"),
    ("check_q26_updates", (1000,), "That is one update per example"),
    ("check_q33_batch_sizes", ((4, 4, 4),), "drop_last is False"),
    ("check_q33_batch_sizes", ((3, 4, 4, 4),), "The full batches come first"),
    (
        "check_q33_batch_sizes",
        ((4, 4, 4, 4),),
        "The sizes should add up to the 15 examples.",
    ),
    (
        "check_q36_linear",
        ((5, 3), 18),
        "nn.Linear stores weight as (out_features, in_features)",
    ),
    ("check_q36_linear", ((3, 5), 15), "Did you forget the bias, one per output?"),
]


@pytest.mark.parametrize(
    "check, args, fragment",
    WRONG_ANSWERS,
    ids=[f"{w[0]}-{w[1]!r}"[:60] for w in WRONG_ANSWERS],
)
def test_wrong_answer_or_form_is_explained(check, args, fragment):
    """Does each wrong value or wrong form fail with the sentence that explains it?"""
    with pytest.raises(AssertionError) as info:
        getattr(lab, check)(*args)
    assert fragment in str(info.value)


def test_value_messages_do_not_give_the_answer():
    """Do the messages for wrong typed-in values keep the right value to themselves?"""
    cases = [
        ("check_q12_mse", (3.0,), "1.5"),
        ("check_q22_lr_max", (0.5,), "0.1333"),
        ("check_q26_updates", (30,), "40"),
        ("check_q24_grad", (6.0,), "12"),
        ("check_x4_change", (0.3,), "-0.3"),
    ]
    for check, args, answer in cases:
        with pytest.raises(AssertionError) as info:
            getattr(lab, check)(*args)
        assert answer not in str(info.value)


# ---- multiple choice ----


@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_choice_key_and_wrong_letters(question):
    """Does the right letter pass (any case, spaces) and each wrong one fail without the key?"""
    right = lab.ANSWERS[question]
    lab.check_choice(question, right)
    lab.check_choice(question, f" {right.upper()} ")
    for letter in set(lab.LETTERS) - {right}:
        with pytest.raises(AssertionError) as info:
            lab.check_choice(question, letter)
        message = str(info.value)
        assert f"answer_{question} = {letter!r} is not right." in message
        assert f'"{right}"' not in message and f"'{right}'" not in message


CHOICE_FORMS = [
    (
        "B)",
        'answer_q14 should be one of "a", "b", "c", "d"; got the string \'B)\'. Write '
        'the letter alone, in quotes: answer_q14 = "a" (with your letter).',
    ),
    (
        3,
        'answer_q14 should be one letter in quotes ("a", "b", "c", "d"); got the int 3.',
    ),
    ("e", "got the string 'e'"),
    ("", "got the string ''"),
    ("ab", "got the string 'ab'"),
    ("backward computes gradients", "got the string 'backward computes gradients'"),
    (["a"], "got a list ['a']"),
    (None, "got None"),
]


@pytest.mark.parametrize("answer, fragment", CHOICE_FORMS, ids=lambda v: repr(v)[:20])
def test_choice_form_is_explained(answer, fragment):
    """Does a wrongly written letter fail with how to write it?"""
    with pytest.raises(AssertionError) as info:
        lab.check_choice("q14", answer)
    assert fragment in str(info.value)


def test_unknown_question_is_the_authors_error():
    """Does a misspelt question name raise ValueError (a notebook bug, not a student's)?"""
    with pytest.raises(ValueError, match="unknown question"):
        lab06_review.check_choice("q99", "a")


# ---- the notebook's own cells ----


def test_notebook_points_add_up_to_the_title():
    """Do the cells' points add up to the 48 (33 + 15) the title states?"""
    nb = nbformat.read(layout.notebook("source", "06_review", root=REPO), as_version=4)
    graded = [
        c.metadata["nbgrader"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]
    auto = sum(m["points"] for m in graded if not m["solution"])
    manual = sum(m["points"] for m in graded if m["solution"])
    assert (auto, manual) == (33, 15)
    assert "(48 points: 33 auto-graded, 15 graded by hand)" in nb.cells[0].source
    ids = [
        c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata
    ]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(("rv_", "test_rv_")) for i in ids)


def test_every_review_question_is_asked():
    """Does the notebook ask all 45 questions of notebook 003 (Q1-Q45) and X1-X8?"""
    nb = nbformat.read(layout.notebook("source", "06_review", root=REPO), as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for k in range(1, 46):
        assert f"**Q{k}.**" in text, f"Q{k} is not asked"
    for k in range(1, 9):
        assert f"**X{k}**" in text, f"X{k} is not asked"
