"""Lab 05, the crop-yield regression with torch.nn: the hidden checks and answer key.

Each `check_*` takes the student's object, builds its own inputs, compares with a
float64 reference computed from `LabParams` (reference.py), and raises
AssertionError with one sentence on the first thing wrong: defined -> type -> shape ->
dtype -> finite -> value -> diagnosis (the mistakes are in mistakes.py).

Student code runs in float32, as in the notebook: the data and nn.Linear's weights
are float32, and code that mixes in one of the notebook's float32 tensors would crash
on float64 inputs instead of showing its mistake. The references are float64 runs
from the same float32 numbers (exact in float64); the tolerances below cover float32
rounding, measured, with a wide margin to the nearest mistake.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypedDict

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader_tests.core import (
    choice,
    compare,
    diagnose,
    kernel_objects,
    loaders,
    messages,
    remote,
    validate,
)
from grader_tests.core.named import Diagnosis
from grader_tests.lab05_torch_nn import mistakes as mistakes
from grader_tests.lab05_torch_nn.reference import (  # noqa: F401  (re-exported: one import)
    DEFAULT,
    LabParams,
    full_batch,
    reference_data,
    reference_data64,
    reference_fit,
    reference_forward,
    reference_gradients,
    reference_init,
    reference_lab_run,
    reference_loader,
    reference_model,
    reference_mse,
    reference_order,
    unshuffled_order,
)

# ---- tolerances ----
# nn.Linear's init is float32 from the seeded recipe: a right make_model reproduces
# it bit for bit; 1e-7 allows a copy through float64 and back.
INIT_ATOL = 1e-7
# A float32 loss on a batch is good to ~1e-6 relative; the nearest wrong loss is
# half or twice the MSE.
LOSS_RTOL = 1e-5
# One SGD step in float32: |w| < 1 and lr * dw ~ 0.05, each rounded to ~6e-8
# (float32 eps 1.2e-7 times 0.5); the nearest mistake (the notebook's lr instead of
# the optimizer's) is 4e-2 away.
STEP_ATOL = 2e-6
# A float32 training run against the float64 one: 500 epochs drift by at most 2e-7
# in w and b (measured); the nearest mistake (one epoch too many) ends 4.4e-4 away.
PARAM_ATOL = 1e-5
# Losses along a float32 run: within 1e-5 relative of the float64 run (measured
# 8e-6 for the check's run); a mistaken history is off by orders of magnitude.
HISTORY_RTOL, HISTORY_ATOL = 1e-3, 1e-3
# Predictions of about 50 to 70 from a float32 model: 1e-6 from the float64 run
# (measured); the nearest mistake (summed loss, batches of 1) is 0.26 away.
PRED_ATOL = 1e-3
# A mistaken float32 run stays within ~1e-6 relative of its float64 twin; the
# candidates differ from each other by 1e-3 relative or more.
MATCH_RTOL = 1e-4


class _Run(TypedDict):
    """train's other run: the seed of its start w, b, its lr and length."""

    seed: int
    lr: float
    num_epochs: int


# ---- inputs the checks choose ----
# Loader probe: 11 examples whose values encode their index, batches of 4 (3 batches,
# the last one short), a seed of its own, 2 epochs.
PROBE_N, PROBE_BATCH, PROBE_SEED, PROBE_EPOCHS = 11, 4, 3, 2
# train_step: two batches of the lab's data, and a lr unlike the notebook's.
STEP_BATCHES = ([0, 1], [2, 3, 4])
STEP_LR = 2e-5
# fit: batches of 2 (3 per epoch) with a seed of their own, where a loss on the
# whole data set, a shuffled order and one entry per batch all show.
FIT_BATCH, FIT_SEED, FIT_EPOCHS = 2, 7, 30
# train: the notebook's run, then a short one with another start and lr.
MANUAL_OTHER: _Run = {"seed": 7, "lr": 2e-5, "num_epochs": 50}
LOSS_BATCH = [3, 1]  # a second batch for loss_fn, of another size
MB_BATCH = 2  # the notebook's mini-batch run (Section 10): batches of 2, SEED
# LinearRegression: the notebook's seed and one of the check's own; outputs of about
# 100 from float32 weights agree with the float64 forward pass to ~1e-5.
MODULE_SEEDS = (DEFAULT.seed, 7)
MODULE_ATOL = 1e-3

ANSWERS = {"zero_grad": "b", "shuffle": "a", "steps": "c"}
LETTERS = ("a", "b", "c")
ANSWER_HINTS = {  # must not give the letter away
    "zero_grad": "Call loss.backward() twice on the same model without zeroing, "
    "and print model.weight.grad after each call.",
    "shuffle": "Iterate train_dl for 3 epochs and print the batches; then ask what "
    "F.mse_loss of a batch depends on.",
    "steps": "Count the batches: list(make_loader(inputs, targets, 2, 0)) has one "
    "entry per opt.step() in an epoch.",
}

DIVERGED = (
    "Training diverged: does train_step call opt.zero_grad(), and is the loss the "
    "mean (F.mse_loss), not the sum?"
)


def _f64(t: torch.Tensor) -> np.ndarray:
    return t.detach().to(torch.float64).numpy()


def _params(model: nn.Linear) -> tuple[np.ndarray, np.ndarray]:
    """A model's weight and bias as float64 arrays (copies)."""
    return _f64(model.weight).copy(), _f64(model.bias).copy()


def _lab_model(kernel: remote.Kernel, p: LabParams, lr: float) -> tuple[Any, Any]:
    """The check's own model (the seeded recipe's weights) and a plain SGD over it,
    made in the student's kernel."""
    recipe = reference_model(p.seed, p)
    model = kernel_objects.linear(kernel, recipe.weight, recipe.bias)
    return model, kernel_objects.sgd(model, lr)


def _require_params(
    label: str,
    model: nn.Linear,
    expected: tuple[np.ndarray, np.ndarray],
    atol: float,
    candidates: Callable[..., mistakes.Vector],
    fallback: str,
) -> None:
    """Weight, then bias, within atol of the reference, else the likely mistake."""
    __tracebackhide__ = True  # noqa: F841
    w, b = _params(model)
    got = {"weight": w.ravel().tolist(), "bias": b.ravel().tolist()}
    want = {
        "weight": expected[0].ravel().tolist(),
        "bias": expected[1].ravel().tolist(),
    }
    for name in ("weight", "bias"):
        validate.require_finite(got[name], f"model.{name} {label}", DIVERGED)
    bad = [
        n for n in ("weight", "bias") if compare.worst_entry(got[n], want[n], 0, atol)
    ]
    if not bad:
        return
    flat = got["weight"] + got["bias"]
    hint = diagnose.best_match(flat, candidates(), MATCH_RTOL) or fallback
    name = bad[0]
    compare.require_entries(
        f"model.{name} {label}", got[name], want[name], 0.0, atol, hint
    )


# ---- make_loader ----


def probe_data(n: int = PROBE_N) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (n, 3) and targets (n, 2) whose values encode their row index k."""
    return loaders.row_coded(n, torch.float32)


def _loader_batches(
    loader: object, text: str, epochs: int, scramble: int = 987654321
) -> list[list[tuple[torch.Tensor, torch.Tensor]]]:
    """The (xb, yb) pairs of each epoch, the global RNG seeded with `scramble` first."""
    __tracebackhide__ = True  # noqa: F841
    fix = "Did you build the DataLoader on TensorDataset(inputs, targets)?"
    return loaders.batches(loader, text, epochs, scramble, fix)


def _batch_sizes_hint(sizes: list[int], n: int, batch: int) -> str | None:
    if set(sizes) == {1}:
        return (
            "Batches of 1 are the DataLoader's default: did you forget "
            "batch_size=batch_size?"
        )
    if sizes == [n]:
        return "One batch of all examples: did you use len(inputs) as the batch size?"
    if sizes == [batch] * (n // batch):
        return "The last, shorter batch is missing: did you set drop_last=True?"
    if sizes and sizes[0] == DEFAULT.batch_size:
        return (
            f"Batches of {DEFAULT.batch_size}: did you type the notebook's "
            "BATCH_SIZE instead of using the argument batch_size?"
        )
    return None


def _order(epochs: list[list[tuple[torch.Tensor, torch.Tensor]]]) -> list[list[int]]:
    """The row indices (encoded in the probe's first input column) of each epoch."""
    return [[int(v) for xb, _ in epoch for v in xb[:, 0].tolist()] for epoch in epochs]


@validate.quiet
def check_loader(make_loader: Callable, p: LabParams = DEFAULT) -> None:
    """make_loader: a DataLoader over a TensorDataset, batches right, shuffled, seeded."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_loader, "make_loader")
    x, y = probe_data()
    n, batch, seed = PROBE_N, PROBE_BATCH, PROBE_SEED
    text = f"make_loader(inputs, targets, batch_size={batch}, seed={seed})"
    loader = validate.call(make_loader, text, x.clone(), y.clone(), batch, seed)
    if not remote.is_instance(loader, DataLoader):
        hint: str | None = (
            " Did you return the dataset instead of the DataLoader built on it?"
            if remote.is_instance(loader, TensorDataset)
            else ""
        )
        raise AssertionError(
            f"{text} should return a torch.utils.data.DataLoader; got "
            f"{messages.fmt_type(loader)}.{hint}"
        )
    dataset = loader.dataset
    if not remote.is_instance(dataset, TensorDataset):
        raise AssertionError(
            f"the DataLoader of {text} holds {messages.fmt_type(dataset)}; expected "
            "a TensorDataset(inputs, targets)."
        )
    if len(dataset) != n:
        raise AssertionError(
            f"the dataset of {text} has {len(dataset)} examples; expected {n}, one "
            "per row of inputs. Did you use the notebook's inputs instead of the "
            "argument?"
        )
    epochs = _loader_batches(loader, text, PROBE_EPOCHS)
    sizes = [len(xb) for xb, _ in epochs[0]]
    expected_sizes = [min(batch, n - s) for s in range(0, n, batch)]
    if sizes != expected_sizes:
        message = (
            f"{text} yields batches of {sizes} examples per epoch; expected "
            f"{expected_sizes} ({n} examples in batches of {batch}, the last one "
            "shorter)."
        )
        hint = _batch_sizes_hint(sizes, n, batch)
        raise AssertionError(messages.with_hint(message, hint))
    for xb, yb in epochs[0]:
        validate.require_shape(xb, f"xb from {text}", (len(xb), 3))
        validate.require_shape(yb, f"yb from {text}", (len(xb), 2))
        if xb[:, 0].tolist() != (yb[:, 0] - 1000).tolist():
            raise AssertionError(
                f"the batches of {text} pair inputs with the wrong targets: did you "
                "shuffle inputs and targets separately? TensorDataset keeps each "
                "row's (x, y) together; shuffle in the DataLoader."
            )
    got = _order(epochs)
    identity = list(range(n))
    if all(order == identity for order in got):
        raise AssertionError(
            f"{text} visits the examples in their stored order 0..{n - 1} every "
            "epoch: shuffling is off. Pass shuffle=True to the DataLoader."
        )
    expected = [
        [int(i) for b in e for i in b] for e in reference_order(n, batch, seed, 2)
    ]
    if got == expected:
        _check_lab_loader(make_loader, p)
        return
    again = validate.call(make_loader, text, x.clone(), y.clone(), batch, seed)
    if _order(_loader_batches(again, text, PROBE_EPOCHS, scramble=123)) != got:
        raise AssertionError(
            f"two loaders from {text} visit the examples in different orders: the "
            "shuffle is not seeded (it draws from torch's global random state). "
            "Pass generator=torch.Generator().manual_seed(seed) to the DataLoader."
        )
    lab_seed = [
        [int(i) for b in e for i in b] for e in reference_order(n, batch, p.seed, 2)
    ]
    if got == lab_seed:
        raise AssertionError(
            f"{text} shuffles as if seeded with {p.seed}: does make_loader seed its "
            f"generator with the argument seed instead of a typed-in {p.seed}?"
        )
    raise AssertionError(
        f"{text} shuffles reproducibly but not in the recipe's order: got "
        f"{got[0]} in the first epoch, expected {expected[0]}. Use DataLoader("
        "TensorDataset(inputs, targets), batch_size=batch_size, shuffle=True, "
        "generator=torch.Generator().manual_seed(seed))."
    )


def _check_lab_loader(make_loader: Callable, p: LabParams) -> None:
    """The notebook's own call: one batch of all five rows, in the seeded order."""
    __tracebackhide__ = True  # noqa: F841
    x, y = reference_data(p)
    text = f"make_loader(inputs, targets, {p.batch_size}, {p.seed})"
    loader = validate.call(
        make_loader, text, x.clone(), y.clone(), p.batch_size, p.seed
    )
    epochs = _loader_batches(loader, text, 3)
    order = reference_order(len(x), p.batch_size, p.seed, 3)
    for epoch, ref in zip(epochs, order, strict=True):
        got = [xb.tolist() for xb, _ in epoch]
        want = [x[idx].tolist() for idx in ref]
        if got != want:
            raise AssertionError(
                f"{text} does not yield the lab's rows in the seeded order: got "
                f"first inputs {[r[0] for b in got for r in b]}, expected "
                f"{[r[0] for b in want for r in b]}."
            )


# ---- make_model ----


@validate.quiet
def check_model(make_model: Callable, p: LabParams = DEFAULT) -> None:
    """make_model(seed) is nn.Linear(3, 2) with the seeded recipe's initial weights."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_model, "make_model")
    n_in, n_out = len(p.inputs[0]), len(p.targets[0])
    for seed in (p.seed, MANUAL_OTHER["seed"]):
        text = f"make_model({seed})"
        model = validate.call(make_model, text, seed)
        if not remote.is_instance(model, nn.Linear):
            hint: str | None = (
                " Return the nn.Linear layer itself, so that model.weight and "
                "model.bias exist."
                if remote.is_instance(model, nn.Module)
                else ""
            )
            raise AssertionError(
                f"{text} should return an nn.Linear({n_in}, {n_out}); got "
                f"{messages.fmt_type(model)}.{hint}"
            )
        swapped = (
            f"nn.Linear(in_features, out_features) stores weight as (out_features, "
            f"in_features) = ({n_out}, {n_in}): did you write nn.Linear({n_out}, "
            f"{n_in})? There are {n_in} inputs per example and {n_out} targets."
        )
        weight = validate.require_tensor(model.weight, f"{text}.weight")
        hint = swapped if tuple(weight.shape) == (n_in, n_out) else None
        validate.require_shape(weight, f"{text}.weight", (n_out, n_in), hint)
        if model.bias is None:
            raise AssertionError(
                f"{text}.bias is None: did you pass bias=False? The model needs "
                f"a bias of shape ({n_out},), one per target."
            )
        validate.require_shape(model.bias, f"{text}.bias", (n_out,))
        if weight.dtype != torch.float32:
            raise AssertionError(
                f"{text}.weight has dtype {weight.dtype}; expected torch.float32 "
                "(nn.Linear's default, like the data): did you call .double()?"
            )
        if not (weight.requires_grad and model.bias.requires_grad):
            raise AssertionError(
                f"{text}'s parameters do not require gradients: did you turn "
                "requires_grad off? Training needs their gradients."
            )
        got = _f64(weight).ravel().tolist() + _f64(model.bias).ravel().tolist()
        ref_w, ref_b = reference_init(seed, p)
        want = ref_w.ravel().tolist() + ref_b.ravel().tolist()
        if compare.worst_entry(got, want, 0.0, INIT_ATOL) is None:
            continue
        hint = _init_hint(make_model, text, seed, got, p)
        compare.require_entries(
            f"the initial state of {text} (weight, then bias)",
            got,
            want,
            0.0,
            INIT_ATOL,
            hint,
        )


def _init_hint(
    make_model: Callable, text: str, seed: int, got: list[float], p: LabParams
) -> str:
    """Why the initial weights differ from the recipe."""
    remote.seed_where(make_model, 13579)
    again = validate.call(make_model, text, seed)
    if remote.is_instance(again, nn.Linear):
        second = _f64(again.weight).ravel().tolist() + _f64(again.bias).ravel().tolist()
        if second != got:
            return (
                f"Two calls of {text} give different weights: did you forget "
                "torch.manual_seed(seed) right before nn.Linear(3, 2)?"
            )
    lab_w, lab_b = reference_init(p.seed, p)
    if seed != p.seed and got == lab_w.ravel().tolist() + lab_b.ravel().tolist():
        return (
            f"These are the weights of seed {p.seed}: did you seed with a typed-in "
            f"{p.seed} instead of the argument seed?"
        )
    return (
        "The weights are reproducible but not the recipe's: call "
        "torch.manual_seed(seed), then nn.Linear(3, 2), with no other random draw "
        "in between, and keep nn.Linear's own initialisation."
    )


# ---- loss_fn ----


@validate.quiet
def check_loss_fn(loss_fn: object, p: LabParams = DEFAULT) -> None:
    """loss_fn(y_hat, y) is the mean squared error over all entries, as a tensor."""
    __tracebackhide__ = True  # noqa: F841
    if remote.is_instance(loss_fn, type):
        name = remote.text(loss_fn).removeprefix("<class '").removesuffix("'>")
        raise AssertionError(
            f"loss_fn is the class {name}, not "
            "a loss: use the function F.mse_loss (or an instance, nn.MSELoss())."
        )
    validate.require_callable(loss_fn, "loss_fn")
    x, y = reference_data(p)
    model = reference_model(p.seed, p)
    for rows in (list(range(len(x))), LOSS_BATCH):
        y_hat = model(x[rows]).detach().requires_grad_()
        target = y[rows].clone()
        text = f"loss_fn(y_hat, y) on a batch of {len(rows)}"
        value = validate.call(loss_fn, text, y_hat, target)
        if isinstance(value, torch.Tensor) and remote.grad_fn_name(value) is None:
            raise AssertionError(
                f"{text} is a tensor cut off from the graph: loss.backward() needs "
                "the loss that y_hat produced. Did you .detach() it or rebuild it?"
            )
        if not isinstance(value, torch.Tensor):
            raise AssertionError(
                f"{text} should be a 0-dim tensor that loss.backward() can "
                f"differentiate; got {messages.fmt_type(value)}. Did you return "
                "loss.item() or float(loss)?"
            )
        got = validate.to_number(value, text, "Did you use reduction='none'?")
        validate.require_finite([got], text)
        y_hat64, y64 = _f64(y_hat), _f64(target)
        expected = reference_mse(y_hat64, y64)
        compare.require_close(
            text,
            got,
            expected,
            LOSS_RTOL,
            0.0,
            candidates=mistakes.loss_value(y_hat64, y64),
        )


# ---- make_optimizer ----


@validate.quiet
def check_optimizer(make_optimizer: Callable, p: LabParams = DEFAULT) -> None:
    """make_optimizer(model, lr) is plain SGD over the model's parameters with that lr."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_optimizer, "make_optimizer")
    for lr in (p.lr, STEP_LR):
        model, _ = _lab_model(remote.kernel_of(make_optimizer), p, lr)
        text = f"make_optimizer(model, lr={lr:g})"
        opt = validate.call(make_optimizer, text, model, lr)
        if not remote.is_instance(opt, torch.optim.SGD):
            hint = (
                " Use torch.optim.SGD: this lab compares it with the manual update."
                if remote.is_instance(opt, torch.optim.Optimizer)
                else ""
            )
            raise AssertionError(
                f"{text} should return a torch.optim.SGD; got "
                f"{messages.fmt_type(opt)}.{hint}"
            )
        params = [q for group in opt.param_groups for q in group["params"]]
        wanted = [model.weight, model.bias]
        if len(params) != 2 or not all(
            any(remote.same_tensor(q, w) for q in params) for w in wanted
        ):
            raise AssertionError(
                f"the optimizer from {text} does not hold this model's weight and "
                "bias: did you pass model.parameters() of the argument model (not "
                "of a global one)?"
            )
        group = opt.param_groups[0]
        got = float(group["lr"])
        candidates = [(c, m) for c, m in mistakes.optimizer_lr(lr) if c != lr]
        if lr != p.lr:
            candidates.append(
                (p.lr, f"{p.lr:g} is the notebook's LR: use the argument lr.")
            )
        compare.require_close(
            f"the lr of the optimizer from {text}",
            got,
            lr,
            1e-9,
            0.0,
            candidates=candidates,
        )
        extras = {
            k: group.get(k)
            for k in ("momentum", "weight_decay", "dampening")
            if group.get(k, 0) != 0
        }
        extras.update(
            {k: True for k in ("nesterov", "maximize") if group.get(k, False)}
        )
        if extras:
            raise AssertionError(
                f"the optimizer from {text} sets {extras}: plain gradient descent "
                "has none of these; leave them at their defaults."
            )


# ---- train_step ----


def _number(value: object, label: str) -> float:
    __tracebackhide__ = True  # noqa: F841
    if remote.is_instance(value, nn.Module):
        raise AssertionError(
            f"{label} should be the batch's loss, a number; got "
            f"{messages.fmt_type(value)}. Return loss.item()."
        )
    if value is None:
        raise AssertionError(
            f"{label} should be the batch's loss, a number; got None. Did you "
            "forget `return loss.item()`?"
        )
    number = validate.to_number(value, label)
    validate.require_finite([number], label, DIVERGED)
    return number


@validate.quiet
def check_train_step(train_step: Callable, p: LabParams = DEFAULT) -> None:
    """Two calls of train_step: each one SGD step on its batch, from clean gradients."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(train_step, "train_step")
    x, y = reference_data(p)
    x64, y64 = reference_data64(p)
    kernel = remote.kernel_of(train_step)
    model, opt = _lab_model(kernel, p, STEP_LR)
    mse_loss = kernel_objects.mse_loss(kernel)
    w, b = _params(model)
    grads = []
    for k, rows in enumerate(STEP_BATCHES, start=1):
        text = (
            f"train_step(model, F.mse_loss, opt, xb, yb) (call {k}, a batch of "
            f"{len(rows)} rows, opt = SGD with lr={STEP_LR:g})"
        )
        grads.append(reference_gradients(x64[rows], y64[rows], w, b))
        whole = reference_gradients(x64, y64, w, b)
        expected = (w - STEP_LR * grads[-1][0], b - STEP_LR * grads[-1][1])
        before = reference_mse(reference_forward(x64[rows], w, b), y64[rows])
        value = validate.call(
            train_step, text, model, mse_loss, opt, x[rows].clone(), y[rows].clone()
        )
        _require_params(
            f"after {text}",
            model,
            expected,
            STEP_ATOL,
            lambda w=w, b=b, whole=whole: mistakes.step_params(
                w, b, list(grads), whole, STEP_LR, p.lr
            ),
            "The reference is one step w - lr * w.grad with the gradient of "
            "loss_fn(model(xb), yb): does train_step use its arguments?",
        )
        got = _number(value, f"the value returned by {text}")
        after = reference_mse(reference_forward(x64[rows], *expected), y64[rows])
        compare.require_close(
            f"the loss returned by {text}",
            got,
            before,
            LOSS_RTOL,
            0.0,
            candidates=mistakes.returned_loss(after),
        )
        w, b = expected


# ---- fit ----


def _run_fit(fit: Callable, p: LabParams, batch: int, seed: int, epochs: int):
    """Run the student's fit on a fresh seeded model and loader; (text, result, model)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(fit, "fit")
    x, y = reference_data(p)
    kernel = remote.kernel_of(fit)
    model, opt = _lab_model(kernel, p, p.lr)
    loader = kernel_objects.loader(kernel, x.clone(), y.clone(), batch, seed)
    text = (
        f"fit(model, F.mse_loss, opt, loader, {epochs}) (the lab's data in "
        f"batches of {batch}, seed {seed}, lr={p.lr:g})"
    )
    mse_loss = kernel_objects.mse_loss(kernel)
    result = validate.call(fit, text, model, mse_loss, opt, loader, epochs)
    return text, result, model


def _schedule(p: LabParams, batch: int, seed: int) -> Callable[[int], list]:
    n = len(p.inputs)
    return lambda epochs: reference_order(n, batch, seed, epochs)


def _fit_setups(p: LabParams) -> list[tuple[int, int, int]]:
    """(batch size, seed, epochs): the notebook's run, then the check's own."""
    return [(p.batch_size, p.seed, p.num_epochs), (FIT_BATCH, FIT_SEED, FIT_EPOCHS)]


@validate.quiet
def check_fit_params(fit: Callable, p: LabParams = DEFAULT) -> None:
    """After fit, model.weight and model.bias equal a float64 reference run's."""
    __tracebackhide__ = True  # noqa: F841
    x64, y64 = reference_data64(p)
    w0, b0 = reference_init(p.seed, p)
    for batch, seed, epochs in _fit_setups(p):
        schedule = _schedule(p, batch, seed)
        lab_schedule = _schedule(p, p.batch_size, p.seed)
        expected = reference_fit(x64, y64, w0, b0, p.lr, schedule(epochs))[:2]
        text, _, model = _run_fit(fit, p, batch, seed, epochs)
        _require_params(
            f"after {text}",
            model,
            expected,
            PARAM_ATOL,
            lambda s=schedule, e=epochs, ls=lab_schedule: mistakes.fit_params(
                x64, y64, w0, b0, p.lr, e, s, ls, p
            ),
            "The reference is a float64 run of the same loop: does train_step pass "
            "its check, and does fit call it once per batch of loader?",
        )


def _loss_values(losses: object, text: str) -> list[float]:
    """fit's history as floats: a list of numbers (or 1-element tensors), or 1-D."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(losses, (torch.Tensor, np.ndarray)) and np.ndim(losses) == 1:
        return validate.to_floats(torch.as_tensor(losses))
    if not isinstance(losses, (list, tuple)):
        hint = (
            " Did you return model instead of losses?"
            if remote.is_instance(losses, nn.Module)
            else " Did you forget `return losses`?"
            if losses is None
            else ""
        )
        raise AssertionError(
            f"{text} should return the list of losses, one per batch; got "
            f"{messages.fmt_type(losses)}.{hint}"
        )
    return [
        validate.to_number(v, f"losses[{i}] from {text}") for i, v in enumerate(losses)
    ]


@validate.quiet
def check_fit_losses(fit: Callable, p: LabParams = DEFAULT) -> None:
    """fit returns one loss per batch (epochs x batches), each before its step."""
    __tracebackhide__ = True  # noqa: F841
    x64, y64 = reference_data64(p)
    w0, b0 = reference_init(p.seed, p)
    batch, seed, epochs = FIT_BATCH, FIT_SEED, FIT_EPOCHS
    schedule = _schedule(p, batch, seed)
    expected = reference_fit(x64, y64, w0, b0, p.lr, schedule(epochs))[2]
    text, result, _ = _run_fit(fit, p, batch, seed, epochs)
    values = _loss_values(result, text)
    per_epoch = len(schedule(1)[0])
    if len(values) != len(expected):
        hint = {
            epochs: "That is one per epoch: append the loss of every batch.",
            0: "Did you append each batch's loss to the list you return?",
            1: "Did you return only the last loss instead of the list?",
            p.num_epochs * per_epoch: "Does the loop run num_epochs (the argument) "
            f"times, not the notebook's {p.num_epochs}?",
            mistakes.SOURCE_EPOCHS * per_epoch: f"Does the loop run num_epochs (the "
            f"argument) times, not {mistakes.SOURCE_EPOCHS}?",
        }.get(len(values))
        message = (
            f"the loss history from {text} has {len(values)} entries; expected "
            f"{len(expected)} = {epochs} epochs x {per_epoch} batches, one per batch."
        )
        raise AssertionError(messages.with_hint(message, hint))
    validate.require_finite(values, f"the loss history from {text}", DIVERGED)
    if compare.worst_entry(values, expected, HISTORY_RTOL, HISTORY_ATOL) is None:
        return
    lab_schedule = _schedule(p, p.batch_size, p.seed)
    candidates = mistakes.fit_losses(
        x64, y64, w0, b0, p.lr, epochs, schedule, lab_schedule, p
    )
    hint = diagnose.best_match(values, candidates, MATCH_RTOL) or (
        "losses[i] should be the loss of batch i before its step, as train_step "
        "returns it."
    )
    compare.require_entries(
        f"the loss history from {text}",
        values,
        expected,
        HISTORY_RTOL,
        HISTORY_ATOL,
        hint,
    )


# ---- train: full-batch gradient descent by hand ----


@validate.quiet
def check_full_batch(train: Callable, p: LabParams = DEFAULT) -> None:
    """train ends where full-batch nn.Linear + SGD ends (float64 reference)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(train, "train")
    x, y = reference_data(p)
    x64, y64 = reference_data64(p)
    other = MANUAL_OTHER
    for seed, lr, epochs in (
        (p.seed, p.lr, p.num_epochs),
        (other["seed"], other["lr"], other["num_epochs"]),
    ):
        w0, b0 = reference_init(seed, p)
        w = torch.tensor(w0, dtype=torch.float32, requires_grad=True)
        b = torch.tensor(b0, dtype=torch.float32, requires_grad=True)
        text = (
            f"train(inputs, targets, w, b, lr={lr:g}, {epochs}) (w, b: the "
            f"initial weights of make_model({seed}))"
        )
        result = validate.unpack(
            validate.call(train, text, x.clone(), y.clone(), w, b, lr, epochs),
            text,
            ("w", "b", "losses"),
        )
        n_out, n_in = w0.shape
        got_w = validate.require_tensor_values(
            result[0], f"w from {text}", (n_out, n_in)
        )
        got_b = validate.require_tensor_values(result[1], f"b from {text}", (n_out,))
        validate.require_finite(got_w + got_b, f"w and b from {text}", DIVERGED)
        ref = reference_fit(x64, y64, w0, b0, lr, full_batch(len(x64), epochs))
        got, want = got_w + got_b, ref[0].ravel().tolist() + ref[1].ravel().tolist()
        if compare.worst_entry(got, want, 0.0, PARAM_ATOL) is None:
            _require_manual_losses(result[2], text, ref[2])
            if not (
                remote.same_tensor(result[0], w) and remote.same_tensor(result[1], b)
            ):
                raise AssertionError(
                    f"{text} returned new tensors for w and b: update the w and b "
                    "passed in, in place (w -= w.grad * lr under torch.no_grad()), "
                    "and return them."
                )
            continue
        candidates = mistakes.train_params(
            x64, y64, w0, b0, lr, epochs, (p.lr, p.num_epochs)
        )
        hint = diagnose.best_match(got, candidates, MATCH_RTOL) or (
            "The reference is full-batch nn.Linear + F.mse_loss + optim.SGD from the "
            "same start: does each epoch compute preds = inputs @ w.t() + b, the "
            "mean squared error, loss.backward(), then w -= w.grad * lr and "
            "b -= b.grad * lr under torch.no_grad(), then zero both gradients?"
        )
        compare.require_entries(
            f"the result of {text} (w, then b)", got, want, 0.0, PARAM_ATOL, hint
        )


def _require_manual_losses(losses: object, text: str, expected: list[float]) -> None:
    """train's losses: loss.item() of each epoch, before its update."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(losses, (list, tuple)):
        for i, v in enumerate(losses):
            if isinstance(v, torch.Tensor) and v.requires_grad:
                raise AssertionError(
                    f"losses[{i}] from {text} is a tensor that requires grad: record "
                    "loss.item(), a float (a kept loss tensor keeps its epoch's graph "
                    "alive)."
                )
    values = _loss_values(losses, text)
    if len(values) != len(expected):
        raise AssertionError(
            f"the losses from {text} have {len(values)} entries; expected "
            f"{len(expected)}, one per epoch: record loss.item() in every epoch, "
            "before the update."
        )
    validate.require_finite(values, f"the losses from {text}", DIVERGED)
    compare.require_entries(
        f"the losses from {text}",
        values,
        expected,
        HISTORY_RTOL,
        HISTORY_ATOL,
        "Record loss.item() in each epoch before the update.",
    )


# ---- the trained model's prediction ----


@validate.quiet
def check_prediction(
    predict_with: Callable, model: Any, p: LabParams = DEFAULT
) -> None:
    """predict_with(model, x_new) equals model(x_new), and the model is the seeded run's."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(predict_with, "predict_with")
    if not remote.is_instance(model, nn.Linear) or tuple(model.weight.shape) != (2, 3):
        raise AssertionError(
            f"model should be the notebook's trained nn.Linear(3, 2); got "
            f"{messages.fmt_type(model)}"
            + (
                f" with weight of shape {messages.fmt_shape(model.weight.shape)}"
                if remote.is_instance(model, nn.Linear)
                else ""
            )
            + ". Do make_model and the training cell run without errors?"
        )
    w, b = _params(model)
    x_new = torch.tensor(p.new_input)
    text = f"predict_with(model, x_new) for x_new = {[list(r) for r in p.new_input]}"
    value, graph = validate.call_counting_graph(
        predict_with, text, model, x_new.clone()
    )
    rows = len(p.new_input)
    shape = (rows, 2)
    hint = None
    if tuple(getattr(value, "shape", ())) == (2,):
        hint = "Keep the batch dimension: return model(x), shape (k, 2) for x (k, 3)."
    got = validate.require_tensor_values(value, text, shape, hint)
    if value.requires_grad:
        raise AssertionError(
            Diagnosis(
                f"{text} returns a tensor that tracks gradients (grad_fn="
                f"{remote.grad_fn_name(value)}): PyTorch recorded a graph for the "
                "prediction. Compute model(x) inside `with torch.no_grad():`.",
                "TracksGradients",
            )
        )
    x_np = np.array(p.new_input, np.float64)
    own = reference_forward(x_np, w, b).ravel().tolist()
    if compare.worst_entry(got, own, 0.0, PRED_ATOL):
        compare.require_entries(
            text,
            got,
            own,
            0.0,
            PRED_ATOL,
            "predict_with should return model(x) for the model passed in.",
        )
    if graph.saved:
        raise AssertionError(
            Diagnosis(
                f"{text} recorded an autograd graph and then dropped it (.detach()): "
                "a prediction needs no graph at all. Compute model(x) inside "
                "`with torch.no_grad():`.",
                "TracksGradients",
            )
        )
    ref_w, ref_b, _ = reference_lab_run(p)
    expected = reference_forward(x_np, ref_w, ref_b).ravel().tolist()
    if compare.worst_entry(got, expected, 0.0, PRED_ATOL) is None:
        return
    validate.require_finite(
        w.ravel().tolist() + b.ravel().tolist(), "the trained model's weights", DIVERGED
    )
    hint = diagnose.best_match(got, mistakes.prediction(x_np, p), MATCH_RTOL) or (
        "The reference is the seeded run of the notebook (make_model(SEED), "
        "make_loader(inputs, targets, BATCH_SIZE, SEED), make_optimizer(model, LR), "
        "fit for NUM_EPOCHS): do the checks above pass?"
    )
    compare.require_entries(text, got, expected, 0.0, PRED_ATOL, hint)


# ---- the mini-batch run ----


@validate.quiet
def check_minibatch(losses: object, model: Any, p: LabParams = DEFAULT) -> None:
    """Section 10's run: make_model(SEED) trained by fit on make_loader(inputs,
    targets, 2, SEED) for NUM_EPOCHS epochs, loss by loss against the float64 replay
    of the same seeded loop, then the final parameters."""
    __tracebackhide__ = True  # noqa: F841
    if not remote.is_instance(model, nn.Linear) or tuple(model.weight.shape) != (2, 3):
        raise AssertionError(
            f"model_mb should be the nn.Linear(3, 2) from make_model(SEED) that you "
            f"trained; got {messages.fmt_type(model)}. Does the cell run without "
            "errors?"
        )
    x64, y64 = reference_data64(p)
    w0, b0 = reference_init(p.seed, p)
    n = len(x64)
    order = reference_order(n, MB_BATCH, p.seed, p.num_epochs)
    w_ref, b_ref, expected = reference_fit(x64, y64, w0, b0, p.lr, order)
    text = "losses_mb (from fit)"
    values = _loss_values(losses, text)
    if len(values) != len(expected):
        message = (
            f"losses_mb has {len(values)} entries; expected {len(expected)} = "
            f"{p.num_epochs} epochs x {len(order[0])} batches of "
            f"make_loader(inputs, targets, {MB_BATCH}, SEED), one per batch."
        )
        hint = mistakes.minibatch_length(len(values), n, MB_BATCH, p)
        raise AssertionError(messages.with_hint(message, hint))
    validate.require_finite(values, "losses_mb", DIVERGED)
    if compare.worst_entry(values, expected, HISTORY_RTOL, HISTORY_ATOL) is not None:
        candidates = mistakes.minibatch_losses(x64, y64, w0, b0, MB_BATCH, p)
        hint = diagnose.best_match(values, candidates, MATCH_RTOL)
        if hint is None:
            hint = mistakes.minibatch_start(
                values[0], x64, y64, w0, b0, MB_BATCH, LOSS_RTOL
            )
        compare.require_entries(
            "losses_mb", values, expected, HISTORY_RTOL, HISTORY_ATOL, hint
        )
    _require_params(
        "after the mini-batch run (model_mb)",
        model,
        (w_ref, b_ref),
        PARAM_ATOL,
        lambda: [],
        "losses_mb is the seeded run's, but model_mb is not the model it trained: "
        "pass model_mb to make_optimizer and fit, and keep it.",
    )


# ---- the nn.Module subclass ----


def _module_instance(cls: object, seed: int) -> tuple[str, Any]:
    """LinearRegression() made where the class lives, torch seeded with `seed`."""
    __tracebackhide__ = True  # noqa: F841
    text = f"LinearRegression() (after torch.manual_seed({seed}))"
    remote.seed_where(cls, seed)
    try:
        model = validate.call(cls, text)
    except AssertionError as exc:
        hint = (
            "Call super().__init__() first in __init__: nn.Module sets up its "
            "bookkeeping there, before any layer can be stored."
            if "Module.__init__()" in str(exc)
            else None
        )
        raise AssertionError(messages.with_hint(str(exc), hint)) from None
    if not remote.is_instance(model, nn.Module):
        raise AssertionError(
            f"{text} should be an nn.Module; got {messages.fmt_type(model)}. Write "
            "class LinearRegression(nn.Module):."
        )
    return text, model


@validate.quiet
def check_module(cls: object, p: LabParams = DEFAULT) -> None:
    """LinearRegression(): an nn.Module whose parameters are nn.Linear(3, 2)'s, drawn
    as nn.Linear draws them, whose forward is x @ W.T + b, and whose parameters()
    hands an optimizer both tensors."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(cls, "LinearRegression")
    x, _ = reference_data(p)
    x64, _ = reference_data64(p)
    for seed in MODULE_SEEDS:
        text, model = _module_instance(cls, seed)
        params = list(model.named_parameters())
        shapes = sorted((tuple(t.shape) for _, t in params), key=len)
        if shapes != [(2,), (2, 3)]:
            listed = ", ".join(
                f"{name} {messages.fmt_shape(t.shape)}" for name, t in params
            )
            hint = (
                "A tensor stored as a plain attribute is not a parameter: store "
                "self.linear = nn.Linear(3, 2)."
                if not params
                else "Did you write nn.Linear(2, 3)? weight is (out_features, "
                "in_features) = (2, 3)."
                if shapes == [(3,), (3, 2)]
                else "Store one nn.Linear(3, 2) and nothing else with parameters."
            )
            raise AssertionError(
                f"{text} has the parameters ({listed or 'none'}); expected a weight "
                f"(2, 3) and a bias (2,), those of one nn.Linear(3, 2). {hint}"
            )
        by_shape = {tuple(t.shape): t for _, t in params}
        weight, bias = by_shape[(2, 3)], by_shape[(2,)]
        got = _f64(weight).ravel().tolist() + _f64(bias).ravel().tolist()
        ref_w, ref_b = reference_init(seed, p)
        want = ref_w.ravel().tolist() + ref_b.ravel().tolist()
        compare.require_entries(
            f"the initial parameters of {text} (weight, then bias)",
            got,
            want,
            0.0,
            INIT_ATOL,
            "torch.manual_seed(s) then LinearRegression() should give "
            "the weights of torch.manual_seed(s) then nn.Linear(3, 2): create the "
            "nn.Linear(3, 2) in __init__, with no other random draw and no seed of "
            "its own.",
        )
        out = validate.call(model, f"model(x) for model = {text}", x.clone())
        values = validate.require_tensor_values(
            out, f"model(x) for model = {text}", (len(x), 2)
        )
        w64, b64 = _f64(weight), _f64(bias)
        own = reference_forward(x64, w64, b64).ravel().tolist()
        if compare.worst_entry(values, own, 0.0, MODULE_ATOL) is not None:
            no_bias = (x64 @ w64.T).ravel().tolist()
            candidates = [
                (no_bias, "forward leaves out the bias: return self.linear(x).")
            ]
            hint = diagnose.best_match(values, candidates, MATCH_RTOL) or (
                "forward(x) should return self.linear(x)."
            )
            compare.require_entries(
                f"model(x) for model = {text}", values, own, 0.0, MODULE_ATOL, hint
            )
        opt = kernel_objects.sgd(model, 0.1)
        held = {remote.tensor_ref(q) for g in opt.param_groups for q in g["params"]}
        if held != {remote.tensor_ref(weight), remote.tensor_ref(bias)}:
            raise AssertionError(
                f"torch.optim.SGD(model.parameters()) for model = {text} does not "
                "hold both the weight and the bias: keep them in an nn.Linear "
                "stored on self."
            )
        if not (weight.requires_grad and bias.requires_grad):
            raise AssertionError(
                f"the parameters of {text} do not require gradients: leave "
                "requires_grad on, training needs their gradients."
            )


# ---- multiple choice ----


CHOICE = choice.MultipleChoice(ANSWERS, ANSWER_HINTS, LETTERS)
check_answer = CHOICE.check


# The hidden test cells' checks, by the names they call (`judge.check(name, ...)`).
CHECKS = {
    "loader": check_loader,
    "model": check_model,
    "loss": check_loss_fn,
    "optimizer": check_optimizer,
    "train_step": check_train_step,
    "fit_losses": check_fit_losses,
    "fit_params": check_fit_params,
    "full_batch": check_full_batch,
    "minibatch": check_minibatch,
    "module": check_module,
    "prediction": check_prediction,
    "answer_zero_grad": functools.partial(check_answer, "zero_grad"),
    "answer_shuffle": functools.partial(check_answer, "shuffle"),
    "answer_steps": functools.partial(check_answer, "steps"),
}
