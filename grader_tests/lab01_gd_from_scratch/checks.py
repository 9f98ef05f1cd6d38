"""Lab 01, gradient descent from scratch: the hidden checks and the answer key.

Each `check_*` takes the student's object, calls it on inputs it builds itself, compares
with a float64 reference computed from `LabParams` (reference.py), and raises
AssertionError with a sentence on the first thing wrong: defined -> type -> shape ->
dtype -> finite -> value -> diagnosis (the mistakes are in mistakes.py). The
multiple-choice answers live here (`ANSWERS`), never in the released notebook.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import replace
from typing import TypedDict

import numpy as np
import torch

from grader_tests.core import (
    choice,
    compare,
    diagnose,
    messages,
    recipes,
    tolerances,
    validate,
)
from grader_tests.core.compare import require_close
from grader_tests.lab01_gd_from_scratch import mistakes as mistakes
from grader_tests.lab01_gd_from_scratch.reference import (  # noqa: F401  (re-exported: one import)
    DEFAULT,
    FAR_START,
    NOISE_STD_HIGH,
    SWEEP_EPOCHS,
    LabParams,
    big_lrs,
    hessian,
    init_answers,
    noise_answers,
    noise_params,
    reference_big_data,
    reference_data,
    reference_epochs_to_reach,
    reference_gradients,
    reference_largest_stable_lr,
    reference_mse,
    reference_predict,
    reference_step,
    reference_sweep,
    reference_train,
    run_answers,
    student_params,
    sweep_lrs,
)

# Tolerances; the numbers compared are of size 0.01 to 20.
# x is drawn by the recipe and reproduces bit for bit; y with the same terms added in
# another order rounds differently by a few ulp of |y| <= 6 (ulp 4.8e-7).
DATA_ATOL = 1e-5
# Inputs are float64; a student's float32 cast of a correct formula is off by a few
# float32 eps (1.2e-7) relative. The nearest mistake checked for is 0.9% off (mse:
# the squared mean error), 900x this tolerance.
FLOAT32_RTOL, FLOAT32_ATOL = tolerances.FLOAT32.rtol, tolerances.FLOAT32.atol
# A float32 run of the lab's loop stalls ~7e-6 short of the float64 run (an update below
# half an ulp of w no longer moves it); leaving out the factor 2 ends 2e-4 away.
TRAIN_ATOL = 5e-5
# A mistaken float32 loop also stalls within ~1e-5 of its float64 twin (|w|, |b| ~ 3).
TRAIN_MATCH_RTOL = 2e-5
# Float32 losses along a float32 run against the float64 run: ~1e-6 relative.
LOSS_RTOL = 1e-4
MONOTONE_RTOL = tolerances.MONOTONE_RTOL
# eigvalsh of a 2 x 2 float32 matrix is good to ~1e-6 relative.
LR_RTOL = 1e-5
# Final losses of 20-epoch float32 runs against float64: ~1e-6 relative; the nearest
# mistake (a run of NUM_EPOCHS) ends 10% lower at 0.1 x the threshold.
SWEEP_RTOL = 1e-3
# A run "diverged" if it ends above twice its start loss: the sweep's diverging runs
# end 1e3 to 1e30 times above it, the converging ones far below.
DIVERGED_FACTOR = 2.0


class _Variant(TypedDict):
    """Other make_data arguments (LabParams fields)."""

    seed: int
    n: int
    true_w: float
    true_b: float
    noise_std: float


class _Run(TypedDict):
    """Other train arguments."""

    w0: float
    b0: float
    lr: float
    num_epochs: int


# Inputs the checks choose.
PROBE_W, PROBE_B = 0.5, -1.0  # not 0 (a dropped w or b shows), far from (2, 3)
CHECK_SEED_OFFSET = 1  # data of seed + 1: code reading the notebook's global x, y shows
SHAPE_N = 7  # make_data(7, ...) too: a hard-coded 100 shows
VARIANT: _Variant = {
    "seed": 7,
    "n": 13,
    "true_w": -1.5,
    "true_b": 0.5,
    "noise_std": 0.3,
}
STEP_INPUTS = {"w": 0.5, "b": -1.0, "dw": 2.0, "db": -4.0, "lr": 0.1}  # no ties
# Losses come from a short run with another start and another stable lr, so a loop
# that reads the notebook's NUM_EPOCHS, W0, B0 or LR instead of its arguments shows.
LOSS_RUN: _Run = {"w0": -1.0, "b0": 1.0, "lr": 0.05, "num_epochs": 50}

ANSWERS = {"init": "c", "lr": "a", "noise": "b"}
LETTERS = ("a", "b", "c")
ANSWER_HINTS = {  # must not give the letter away
    "init": "How many minima does the MSE of a linear model have? Try training from "
    "(w0, b0) = (-10, 10) and compare with (0, 0).",
    "lr": "Try it: train with lr = 1.01 * largest_stable_lr(x) and look at the losses.",
    "noise": "Try it: make data with noise_std = 1.0 (same seed), train, and compare "
    "the final w, b and loss with those for noise_std = 0.2.",
}

DIVERGED = (
    "Training diverged: do dw and db average over the examples (mean, not sum), is "
    "the error y_hat - y (not y - y_hat), and does step subtract lr * dw?"
)
FORMULA = {"dw": "2 * mean(x * (y_hat - y))", "db": "2 * mean(y_hat - y)"}
PER_EXAMPLE = {"dw": "gradients 2 * x * (y_hat - y)", "db": "gradients 2 * (y_hat - y)"}


def _f64(t: torch.Tensor) -> np.ndarray:
    return t.detach().to(torch.float64).numpy()


def _t64(v: float) -> torch.Tensor:
    return torch.tensor(v, dtype=torch.float64)


def _check_data(p: LabParams) -> tuple[torch.Tensor, torch.Tensor]:
    """float64 data of seed + 1: the checks' own inputs, not the notebook's."""
    x, y = reference_data(replace(p, seed=p.seed + CHECK_SEED_OFFSET))
    return x.double(), y.double()


def _number(value: object, label: str, n: int, per_example: str | None = None) -> float:
    """Type, one element (else why not), finite; return the number."""
    __tracebackhide__ = True  # noqa: F841
    hint = diagnose.diagnose_shape(getattr(value, "shape", ()), n, per_example)
    number = validate.to_number(value, label, hint)
    validate.require_finite([number], label)
    return number


def _shape_hint(
    shape: tuple[int, ...], n: int, lab_n: int, flat: str = "did you flatten it?"
) -> str | None:
    """Why a tensor meant to be (n, 1) has another shape; `flat` asks about (n,)."""
    if shape == (n,):
        return f"Keep the column shape ({n}, 1): {flat}"
    if n != lab_n and shape[:1] == (lab_n,):
        return f"Did you write {lab_n} instead of the argument n?"
    return diagnose.diagnose_shape(shape, n)


# ---- make_data ----


@validate.quiet
def check_make_data_shape(make_data: Callable, p: LabParams = DEFAULT) -> None:
    """make_data returns (x, y), float tensors of shape (n, 1), for n = p.n and 7."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_data, "make_data")
    for n in (p.n, SHAPE_N):
        args = (n, p.true_w, p.true_b, p.noise_std, p.seed)
        text = f"make_data{args}"
        result = validate.unpack(validate.call(make_data, text, *args), text, "xy")
        for name, value in zip("xy", result, strict=True):
            shape = tuple(getattr(value, "shape", ()))
            hint = _shape_hint(shape, n, p.n, f"did you write torch.rand({n})?")
            validate.require_tensor_values(value, f"{name} from {text}", (n, 1), hint)


def _x_hint(got: list[float], q: LabParams, p: LabParams) -> str:
    """Why x differs from the recipe's draw."""
    low, high = min(got), max(got)
    if low < 0.0 or high >= 1.0:
        return (
            f"x should be uniform on [0, 1) but ranges from {messages.fmt_number(low)} "
            f"to {messages.fmt_number(high)}: did you use torch.randn instead of "
            "torch.rand?"
        )
    return diagnose.best_match(got, mistakes.make_data_x(q, p)) or (
        "x does not match the recipe torch.manual_seed(seed); x = torch.rand(n, 1); "
        "noise = noise_std * torch.randn(n, 1). Did you seed with the argument seed "
        "right before drawing x?"
    )


def _y_hint(x: np.ndarray, got: list[float], q: LabParams, p: LabParams) -> str:
    """Why y differs from true_w * x + true_b + noise, x being right."""
    return diagnose.best_match(got, mistakes.make_data_y(x, q, p)) or (
        "y does not match true_w * x + true_b + noise, with noise = noise_std * "
        "torch.randn(n, 1) drawn right after x."
    )


@validate.quiet
def check_make_data_values(make_data: Callable, p: LabParams = DEFAULT) -> None:
    """make_data reproduces the recipe's float32 x, y, for the lab's and other args."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_data, "make_data")
    for q in (p, replace(p, **VARIANT)):
        args = (q.n, q.true_w, q.true_b, q.noise_std, q.seed)
        text = f"make_data{args}"
        ref = reference_data(q)
        result = validate.unpack(validate.call(make_data, text, *args), text, "xy")
        for name, value, expected in zip("xy", result, ref, strict=True):
            label = f"{name} from {text}"
            hint = _shape_hint(tuple(getattr(value, "shape", ())), q.n, p.n)
            got = validate.require_tensor_values(value, label, (q.n, 1), hint)
            if value.dtype != torch.float32:
                raise AssertionError(
                    f"{label} has dtype {value.dtype}; expected torch.float32 (torch's "
                    "default): did you pass a dtype or convert the data?"
                )
            want = validate.to_floats(expected)
            if compare.worst_entry(got, want, 0.0, DATA_ATOL):
                x = _f64(ref[0])
                hint = _x_hint(got, q, p) if name == "x" else _y_hint(x, got, q, p)
                compare.require_entries(label, got, want, 0.0, DATA_ATOL, hint)


# ---- predict, mse ----


@validate.quiet
def check_predict(predict: Callable, p: LabParams = DEFAULT) -> None:
    """predict(x, w, b) equals w * x + b (float64 inputs, float64 reference)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(predict, "predict")
    x, _ = _check_data(p)
    x_np = _f64(x)
    expected = reference_predict(x_np, PROBE_W, PROBE_B).ravel().tolist()
    text = f"predict(x, w={PROBE_W}, b={PROBE_B})"
    value = validate.call(predict, text, x.clone(), _t64(PROBE_W), _t64(PROBE_B))
    flat = "did you flatten x or squeeze the result?"
    hint = _shape_hint(tuple(getattr(value, "shape", ())), p.n, p.n, flat)
    got = validate.require_tensor_values(value, text, x.shape, hint)
    if not compare.worst_entry(got, expected, FLOAT32_RTOL, FLOAT32_ATOL):
        return
    hint = diagnose.best_match(got, mistakes.predict(x_np, PROBE_W, PROBE_B, p))
    if hint is None:  # ignoring w and b in another way: same output for other w, b
        other = f"predict(x, w={-PROBE_W}, b={-PROBE_B})"
        again = validate.call(predict, other, x.clone(), _t64(-PROBE_W), _t64(-PROBE_B))
        if isinstance(again, torch.Tensor) and validate.to_floats(again) == got:
            what = f"{text} and {other} return the same values"
            hint = mistakes.predict_ignores(p, what)
    compare.require_entries(text, got, expected, FLOAT32_RTOL, FLOAT32_ATOL, hint)


@validate.quiet
def check_mse(mse: Callable, p: LabParams = DEFAULT) -> None:
    """mse(y_hat, y) equals mean((y_hat - y)^2) (float64 inputs and reference)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(mse, "mse")
    x, y = _check_data(p)
    y_hat, y_np = reference_predict(_f64(x), PROBE_W, PROBE_B), _f64(y)
    expected = reference_mse(y_hat, y_np)
    text = "mse(y_hat, y)"
    value = validate.call(mse, text, torch.from_numpy(y_hat), y.clone())
    got = _number(value, text, p.n, "squared errors (y_hat - y) ** 2")
    candidates = mistakes.mse(y_hat, y_np)
    require_close(
        text, got, expected, FLOAT32_RTOL, FLOAT32_ATOL, candidates=candidates
    )


# ---- gradients, step ----


def _check_gradient(gradients: Callable, p: LabParams, name: str) -> None:
    """Shared body of check_dw and check_db."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(gradients, "gradients")
    x, y = _check_data(p)
    expected = reference_gradients(_f64(x), _f64(y), PROBE_W, PROBE_B)
    lab_x, lab_y = reference_data(p)
    notebook = reference_gradients(_f64(lab_x), _f64(lab_y), PROBE_W, PROBE_B)
    text = f"gradients(x, y, w={PROBE_W}, b={PROBE_B})"
    args = (x.clone(), y.clone(), _t64(PROBE_W), _t64(PROBE_B))
    value, graph = validate.call_counting_graph(gradients, text, *args)
    result = validate.unpack(value, text, ("dw", "db"))
    i = ("dw", "db").index(name)
    if result[i] is None:
        raise AssertionError(
            f"{text} returned None for {name}: did you forget to compute "
            f"{name} = {FORMULA[name]}?"
        )
    if graph.saved:
        raise AssertionError(
            f"{text} used autograd (it built a graph for backward()): this lab "
            f"derives the gradients by hand. Compute {name} = {FORMULA[name]} "
            "from predict, without requires_grad or backward()."
        )
    got = _number(result[i], f"{name} from {text}", p.n, PER_EXAMPLE[name])
    candidates = mistakes.gradient(name, expected[1 - i], notebook[i], p.seed)
    require_close(
        name,
        got,
        expected[i],
        FLOAT32_RTOL,
        FLOAT32_ATOL,
        gradient=(name, p.n),
        candidates=candidates,
    )


@validate.quiet
def check_dw(gradients: Callable, p: LabParams = DEFAULT) -> None:
    """dw from gradients(x, y, w, b) equals 2 mean(x (y_hat - y)) in float64."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(gradients, p, "dw")


@validate.quiet
def check_db(gradients: Callable, p: LabParams = DEFAULT) -> None:
    """db from gradients(x, y, w, b) equals 2 mean(y_hat - y) in float64."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(gradients, p, "db")


@validate.quiet
def check_step(step: Callable, p: LabParams = DEFAULT) -> None:
    """step(w, b, dw, db, lr) returns (w - lr * dw, b - lr * db)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(step, "step")
    s, lr = STEP_INPUTS, STEP_INPUTS["lr"]
    text = "step(" + ", ".join(f"{k}={v}" for k, v in s.items()) + ")"
    expected = reference_step(**s)
    args = [_t64(s[k]) for k in ("w", "b", "dw", "db")]
    result = validate.unpack(validate.call(step, text, *args, lr), text, "wb")
    changed = [k for k, t in zip("wb", args, strict=False) if t.item() != s[k]]
    if changed:
        raise AssertionError(
            f"{text} changed the {' and '.join(changed)} passed in (an in-place "
            "update): return w - lr * dw and b - lr * db as new tensors, and leave "
            "the arguments as they were."
        )
    labels = [f"the new {k} from {text}" for k in "wb"]
    got = [_number(v, label, p.n) for v, label in zip(result, labels, strict=True)]
    for i, name in enumerate("wb"):
        candidates = mistakes.step(name, s, expected[1 - i])
        require_close(
            labels[i],
            got[i],
            expected[i],
            FLOAT32_RTOL,
            FLOAT32_ATOL,
            candidates=candidates,
        )


# ---- train ----


def _run_train(train: Callable, p: LabParams, settings: tuple) -> tuple[str, tuple]:
    """Call train on the lab's float32 data; return the call text and (w, b, losses)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(train, "train")
    x, y = reference_data(p)
    text = "train(x, y, w0={}, b0={}, lr={}, num_epochs={})".format(*settings)
    result = validate.call(train, text, x.clone(), y.clone(), *settings)
    return text, validate.unpack(result, text, ("w", "b", "losses"))


@validate.quiet
def check_train_params(train: Callable, p: LabParams = DEFAULT) -> None:
    """train on the lab's float32 data ends at the w, b of a float64 reference run."""
    __tracebackhide__ = True  # noqa: F841
    settings = (p.w0, p.b0, p.lr, p.num_epochs)
    x, y = (_f64(t) for t in reference_data(p))
    expected = reference_train(x, y, *settings)[:2]
    text, result = _run_train(train, p, settings)
    got = []
    for name, value in zip("wb", result[:2], strict=True):
        label = f"{name} after {text}"
        shape = getattr(value, "shape", ())
        hint = diagnose.diagnose_shape(shape, p.n, PER_EXAMPLE[f"d{name}"])
        got.append(validate.to_number(value, label, hint))
        validate.require_finite(got[-1:], label, DIVERGED)
    off = [i for i in (0, 1) if not abs(got[i] - expected[i]) <= TRAIN_ATOL]
    if not off:
        return
    hint = diagnose.best_match(got, mistakes.train_params(x, y, p), TRAIN_MATCH_RTOL)
    stuck = [k for k, g, g0 in zip("wb", got, (p.w0, p.b0), strict=True) if g == g0]
    if hint is None and len(stuck) == 1:
        hint = (
            f"{stuck[0]} never moved from its start value: is d{stuck[0]} computed "
            "(not 0) and used by step?"
        )
    label = f"{'wb'[off[0]]} after {text}"
    message = messages.value_mismatch(label, got[off[0]], expected[off[0]], TRAIN_ATOL)
    hint = hint or (
        "The reference is a float64 run of the same loop: do predict, gradients and "
        "step pass their own checks?"
    )
    raise AssertionError(messages.with_hint(message, hint))


@validate.quiet
def check_train_losses(train: Callable, p: LabParams = DEFAULT) -> None:
    """train's losses: one per epoch, taken before each update, never rising."""
    __tracebackhide__ = True  # noqa: F841
    r = LOSS_RUN
    settings = (r["w0"], r["b0"], r["lr"], r["num_epochs"])
    x, y = (_f64(t) for t in reference_data(p))
    ref = reference_train(x, y, *settings)[2]
    text, result = _run_train(train, p, settings)
    label = f"losses from {text}"
    values = recipes.loss_history(
        result[2], label, lambda i: f"losses[{i}] from {text}", record="float(loss)"
    )
    recipes.require_one_per_epoch(
        values, label, r["num_epochs"], p.num_epochs, record="float(loss)"
    )
    validate.require_finite(values, f"losses from {text}", DIVERGED)
    first = f"losses[0] from {text}"
    candidates = mistakes.first_loss(x, y, p, r)
    require_close(first, values[0], ref[0], LOSS_RTOL, 0.0, candidates=candidates)
    for i in range(1, len(values)):
        if values[i] > values[i - 1] * (1 + MONOTONE_RTOL):
            a, b = messages.fmt_pair(values[i - 1], values[i])
            raise AssertionError(
                f"losses from {text} rise at epoch {i}: {a} -> {b}. Below lr = 2 / L "
                "the loss of gradient descent never rises: does step subtract lr * dw?"
            )
    require_close(
        f"losses[-1] from {text}",
        values[-1],
        ref[-1],
        LOSS_RTOL,
        0.0,
        candidates=lambda: mistakes.last_loss(x, y, p, r),
    )


@validate.quiet
def check_run(w: object, b: object, *, context) -> None:
    """The notebook's run ends where the lab's run on the student's own data does.

    The data are the graded student's, as the grader says (`context`, never the
    notebook): numbers typed in from another student's notebook belong to other
    data and are off here.
    """
    __tracebackhide__ = True  # noqa: F841
    student = context.student or ""
    p = student_params(context.lab_key, student)
    expected = run_answers(p)
    got = []
    for name, value in (("w", w), ("b", b)):
        got.append(validate.to_number(value, name))
        validate.require_finite(got[-1:], name, DIVERGED)
    off = [i for i in (0, 1) if not abs(got[i] - expected["wb"[i]]) <= TRAIN_ATOL]
    if not off:
        return
    whom = f"student {student!r}" if student else "the example data (no student id)"
    name = "wb"[off[0]]
    message = messages.value_mismatch(
        f"{name} of the run on your data ({whom})",
        got[off[0]],
        expected[name],
        TRAIN_ATOL,
    )
    example = run_answers(DEFAULT)
    if student and all(
        abs(g - example[k]) <= TRAIN_ATOL for g, k in zip(got, "wb", strict=True)
    ):
        hint = (
            "These are the example data's numbers, not yours: run the notebook from "
            "the top with your own id (the 'Your data' cell shows which it uses)."
        )
    else:
        hint = (
            "Run train(x, y, W0, B0, LR, NUM_EPOCHS) on this notebook's x, y and keep "
            "its w, b: numbers typed in from elsewhere belong to other data."
        )
    raise AssertionError(messages.with_hint(message, hint))


# ---- largest stable learning rate, answers ----


@validate.quiet
def check_largest_stable_lr(
    largest_stable_lr: Callable, p: LabParams = DEFAULT
) -> None:
    """largest_stable_lr(x) equals 2 / L, L the largest eigenvalue of the Hessian."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(largest_stable_lr, "largest_stable_lr")
    x, _ = _check_data(p)
    x_np, text = _f64(x), "largest_stable_lr(x)"
    expected = reference_largest_stable_lr(x_np)
    got = _number(validate.call(largest_stable_lr, text, x.clone()), text, p.n)
    require_close(
        text,
        got,
        expected,
        LR_RTOL,
        0.0,
        candidates=lambda: mistakes.largest_stable_lr(x_np, p),
    )


# ---- the learning-rate sweep, inputs on a large scale ----


def _diverged(value: float, start: float) -> bool:
    """A run diverged: it ends at inf, nan or far above the loss it started at."""
    return not math.isfinite(value) or value > DIVERGED_FACTOR * start


def _sweep_values(value: object, label: str, count: int) -> list[float]:
    """A list (or tuple, or 1-D tensor) of `count` numbers, as floats (nan allowed)."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(value, (torch.Tensor, np.ndarray)) and np.ndim(value) == 1:
        value = list(value)
    if not isinstance(value, (list, tuple)):
        raise AssertionError(
            f"{label} should be a list of {count} floats, one final loss per learning "
            f"rate; got {messages.fmt_type(value)}."
        )
    if len(value) != count:
        raise AssertionError(
            f"{label} should hold {count} final losses, one per learning rate; got "
            f"{len(value)}: append one losses[-1] per lr of the loop."
        )
    hint = "Append the last loss of each run, losses[-1], not the whole list."
    for k, v in enumerate(value):
        if isinstance(v, (list, tuple)):
            raise AssertionError(
                f"{label}[{k}] should be one float; got {messages.fmt_type(v)}. {hint}"
            )
    return [validate.to_number(v, f"{label}[{k}]", hint) for k, v in enumerate(value)]


def _sweep_match(got: list[float], want: list[float], start: float) -> int | None:
    """The first entry where got and want differ (diverged runs agree), or None."""
    for k, (g, e) in enumerate(zip(got, want, strict=True)):
        if _diverged(e, start):
            if not _diverged(g, start):
                return k
        elif _diverged(g, start) or abs(g - e) > SWEEP_RTOL * abs(e):
            return k
    return None


def _sweep_hint(got: list[float], candidates: list, start: float) -> str | None:
    """The message of the first candidate sweep that got matches."""
    for values, message in candidates:
        if _sweep_match(got, values, start) is None:
            return message
    return None


def _require_sweep(
    label: str,
    got: list[float],
    x: np.ndarray,
    y: np.ndarray,
    lrs: list[float],
    candidates: Callable[[], list],
    whom: str,
) -> None:
    """got equals the float64 sweep of (x, y); else name the first entry off."""
    __tracebackhide__ = True  # noqa: F841
    want = reference_sweep(x, y, lrs, SWEEP_EPOCHS)
    start = reference_mse(reference_predict(x, 0.0, 0.0), y)
    k = _sweep_match(got, want, start)
    if k is None:
        return
    g, e = messages.fmt_pair(got[k], want[k])
    if _diverged(want[k], start):
        e = f"a diverged run (far above the start loss {messages.fmt_number(start)})"
    message = (
        f"{label}[{k}], the final loss for lr = {messages.fmt_number(lrs[k])} on "
        f"{whom}, is {g}; a float64 run of the lab's loop from w = b = 0 ends at {e}."
    )
    hint = _sweep_hint(got, candidates(), start) or (
        "For each lr, call train(x, y, 0.0, 0.0, lr, num_epochs) and append its "
        "losses[-1]: does train pass its own checks?"
    )
    raise AssertionError(messages.with_hint(message, hint))


def _student_data(context) -> tuple[LabParams, str]:
    """The graded student's LabParams and how to name them, from the grader."""
    student = context.student or ""
    whom = f"the data of student {student!r}" if student else "the example data"
    return student_params(context.lab_key, student), whom


@validate.quiet
def check_lr_sweep(lr_sweep: Callable, *, context) -> None:
    """lr_sweep on the student's x, y and x_big, y_big equals the float64 sweep.

    The data are the graded student's (`context`), like check_run's: their x, y
    with LR_FACTORS times their threshold, then their x_big, y_big with LR and half
    x_big's threshold, so code that reads the notebook's x, y shows on the second.
    """
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(lr_sweep, "lr_sweep")
    p, whom = _student_data(context)
    runs = [(reference_data(p), None), (reference_big_data(p), "big")]
    lab_x, lab_y = (_f64(t) for t in reference_data(p))
    for (x32, y32), which in runs:
        x, y = _f64(x32), _f64(y32)
        lrs = sweep_lrs(x) if which is None else big_lrs(p)
        data = "x, y" if which is None else "x_big, y_big"
        text = f"lr_sweep({data}, lrs, {SWEEP_EPOCHS})"
        value = validate.call(
            lr_sweep, text, x32.clone(), y32.clone(), lrs, SWEEP_EPOCHS
        )
        got = _sweep_values(value, text, len(lrs))
        if which is None:
            cands = functools.partial(mistakes.lr_sweep, x, y, lrs, SWEEP_EPOCHS, p)
        else:
            cands = functools.partial(
                mistakes.big_sweep, lab_x, lab_y, lrs, SWEEP_EPOCHS
            )
        _require_sweep(text, got, x, y, lrs, cands, whom)


@validate.quiet
def check_big_scale(lr_max_big: object, sweep_big: object, *, context) -> None:
    """lr_max_big is 2 / L of the student's x_big; sweep_big is its two-lr sweep."""
    __tracebackhide__ = True  # noqa: F841
    p, whom = _student_data(context)
    x, y = (_f64(t) for t in reference_big_data(p))
    expected = reference_largest_stable_lr(x)
    got = _number(lr_max_big, "lr_max_big", p.n)
    lab_lr_max = reference_largest_stable_lr(_f64(reference_data(p)[0]))
    candidates = [
        (
            lab_lr_max,
            "That is the threshold for x, not x_big: call largest_stable_lr(x_big).",
        ),
        *mistakes.largest_stable_lr(x, p)[:-1],
    ]
    require_close(
        f"lr_max_big for x_big ({whom})",
        got,
        expected,
        LR_RTOL,
        0.0,
        candidates=candidates,
    )
    lrs = big_lrs(p)
    values = _sweep_values(sweep_big, "sweep_big", len(lrs))
    lab_x, lab_y = (_f64(t) for t in reference_data(p))
    cands = [
        (
            reference_sweep(lab_x, lab_y, lrs, SWEEP_EPOCHS),
            "These are the losses for x, y: run the sweep on x_big, y_big.",
        ),
        (
            reference_sweep(x, y, lrs[::-1], SWEEP_EPOCHS),
            "The two learning rates are "
            "swapped: use [LR, lr_max_big / 2], in this order.",
        ),
        (
            reference_sweep(x, y, [lrs[0], 2 * lrs[1]], SWEEP_EPOCHS),
            "The second learning rate is lr_max_big itself: use lr_max_big / 2.",
        ),
        (
            reference_sweep(x, y, lrs, p.num_epochs),
            f"Use SWEEP_EPOCHS ({SWEEP_EPOCHS}) epochs, not NUM_EPOCHS.",
        ),
    ]
    text = f"sweep_big = lr_sweep(x_big, y_big, [LR, lr_max_big / 2], {SWEEP_EPOCHS})"
    _require_sweep(text, values, x, y, lrs, lambda: cands, whom)


# ---- Section 8: epochs to reach the target; Section 10: more noise ----

# Where a float32 run's loss crosses the target, a float64 run's is within ~3e-7
# relative of it; an epoch then lowers the loss by ~1e-4 relative. Epochs whose
# reference loss lies within EPOCH_RTOL of the target may go either way.
EPOCH_RTOL = 1e-5
# epochs_to_reach's own examples: no ties in index and value, one loss repeated (so
# < and <= differ), never reached, reached at the start.
EPOCH_LOSSES = [9.5, 7.25, 4.5, 4.5, 3.75, 3.75]
EPOCH_TARGETS = (4.5, 1.0, 20.0)


def _epoch(value: object, label: str, losses: list[float] | None = None) -> int | None:
    """An epoch index (an int, None for never), or why not."""
    __tracebackhide__ = True  # noqa: F841
    if value is None:
        return None
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and losses is not None and value in losses:
        raise AssertionError(
            f"{label} is {messages.fmt_number(value)}, a loss, not an epoch: return "
            "the index k of the first losses[k] <= target."
        )
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise AssertionError(
        f"{label} should be an epoch, an int k (or None if the run never gets "
        f"there); got {messages.fmt_type(value)}."
    )


def _epochs_accepted(losses: list[float], target: float) -> set[int | None]:
    """The epochs a correct float32 run may report for a float64 reference run."""
    early = reference_epochs_to_reach(losses, target * (1 + EPOCH_RTOL))
    late = reference_epochs_to_reach(losses, target * (1 - EPOCH_RTOL))
    if early is None:
        return {None}
    accepted: set[int | None] = set(
        range(early, len(losses) if late is None else late + 1)
    )
    if late is None:
        accepted.add(None)
    return accepted


def _check_epochs_to_reach(epochs_to_reach: Callable) -> None:
    """epochs_to_reach on the check's own short losses, for three targets."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(epochs_to_reach, "epochs_to_reach")
    for target in EPOCH_TARGETS:
        losses = list(EPOCH_LOSSES)
        text = f"epochs_to_reach({losses}, {target})"
        want = reference_epochs_to_reach(losses, target)
        got = _epoch(validate.call(epochs_to_reach, text, losses, target), text, losses)
        if got == want:
            continue
        hint = next(
            (m for v, m in mistakes.epochs_to_reach(losses, target) if v == got), None
        )
        hint = hint or (
            "Go through the losses in order and return the first k with "
            "losses[k] <= target; return None after the loop."
        )
        raise AssertionError(
            messages.with_hint(f"{text} returned {got!r}; expected {want!r}.", hint)
        )


def _require_run_end(
    names: tuple[str, str], values: tuple, want: tuple[float, float], how: str
) -> None:
    """Final w, b of a run: numbers, finite, within TRAIN_ATOL of the reference."""
    __tracebackhide__ = True  # noqa: F841
    for name, value, expected in zip(names, values, want, strict=True):
        got = validate.to_number(value, name)
        validate.require_finite([got], name, DIVERGED)
        if not abs(got - expected) <= TRAIN_ATOL:
            message = messages.value_mismatch(name, got, expected, TRAIN_ATOL)
            raise AssertionError(messages.with_hint(message, how))


def _losses(value: object, label: str, epochs: int) -> list[float]:
    """A run's loss list: floats, one per epoch, finite."""
    __tracebackhide__ = True  # noqa: F841
    values = recipes.loss_history(
        value, label, lambda i: f"{label}[{i}]", record="float(loss)"
    )
    recipes.require_one_per_epoch(values, label, epochs, epochs, record="float(loss)")
    validate.require_finite(values, label, DIVERGED)
    return values


@validate.quiet
def check_init_epochs(
    epochs_to_reach: Callable,
    losses_far: object,
    epochs_near: object,
    epochs_far: object,
    *,
    context,
) -> None:
    """epochs_to_reach on its own examples; the far run's losses and both runs'
    epochs on the graded student's data (`context`), against float64 runs."""
    __tracebackhide__ = True  # noqa: F841
    _check_epochs_to_reach(epochs_to_reach)
    p, whom = _student_data(context)
    ref = init_answers(p)
    x, y = (_f64(t) for t in reference_data(p))
    w0, b0 = FAR_START
    values = _losses(losses_far, "losses_far", p.num_epochs)
    require_close(
        f"losses_far[0], the loss at ({w0}, {b0}) on {whom}",
        values[0],
        ref["losses_far"][0],
        LOSS_RTOL,
        0.0,
        candidates=mistakes.far_first_loss(x, y, p),
    )
    require_close(
        f"losses_far[-1] on {whom}", values[-1], ref["losses_far"][-1], LOSS_RTOL, 0.0
    )
    runs = {"epochs_near": ("losses", "losses_near"), "epochs_far": ("losses_far",) * 2}
    for name, value in (("epochs_near", epochs_near), ("epochs_far", epochs_far)):
        run, key = runs[name]
        got = _epoch(value, name)
        if got in _epochs_accepted(ref[key], ref["target"]):
            continue
        hint = next(
            (
                m
                for v, m in mistakes.init_epochs(
                    ref["epochs_near"], ref["epochs_far"], name
                )
                if v == got
            ),
            f"Set {name} = epochs_to_reach({run}, TARGET).",
        )
        message = (
            f"{name} is {got!r} on {whom}; the float64 run of the lab's loop first "
            f"reaches TARGET = {messages.fmt_number(ref['target'])} at epoch "
            f"{ref[name]!r}."
        )
        raise AssertionError(messages.with_hint(message, hint))


def _ratios(value: object) -> list[float]:
    """noise_ratios as two floats, or why not."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(value, (torch.Tensor, np.ndarray)) and np.ndim(value) == 1:
        value = list(value)
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        what = (
            f"{len(value)} entries"
            if isinstance(value, (list, tuple))
            else messages.fmt_type(value)
        )
        raise AssertionError(
            "noise_ratios should be a list of 2 floats, the final loss / noise_std ** 2 "
            f"of the run with NOISE_STD, then of the run with NOISE_STD_HIGH; got {what}."
        )
    return [validate.to_number(v, f"noise_ratios[{k}]") for k, v in enumerate(value)]


@validate.quiet
def check_noise_run(
    x_noisy: object,
    y_noisy: object,
    w_noisy: object,
    b_noisy: object,
    losses_noisy: object,
    noise_ratios: object,
    *,
    context,
) -> None:
    """The data again with NOISE_STD_HIGH, its run and the two final loss /
    noise_std**2, on the graded student's data (`context`), against float64."""
    __tracebackhide__ = True  # noqa: F841
    p, whom = _student_data(context)
    q = noise_params(p)
    ref, (x32, y32) = noise_answers(p), reference_data(q)
    x_want, y_want = validate.to_floats(x32), validate.to_floats(y32)
    for name, value, want in (
        ("x_noisy", x_noisy, x_want),
        ("y_noisy", y_noisy, y_want),
    ):
        got = validate.require_tensor_values(value, name, (p.n, 1))
        if not compare.worst_entry(got, want, 0.0, DATA_ATOL):
            continue
        if name == "x_noisy":
            hint = (
                "x_noisy should be the same x as in Section 1: make the data with "
                "the same SEED, make_data(N, TRUE_W, TRUE_B, NOISE_STD_HIGH, SEED)."
            )
        else:
            hint = diagnose.best_match(got, mistakes.noise_y(_f64(x32), p)) or (
                "Make the data with make_data(N, TRUE_W, TRUE_B, NOISE_STD_HIGH, SEED)."
            )
        compare.require_entries(f"{name} ({whom})", got, want, 0.0, DATA_ATOL, hint)
    got = [
        validate.to_number(w_noisy, "w_noisy"),
        validate.to_number(b_noisy, "b_noisy"),
    ]
    how = diagnose.best_match(got, mistakes.noise_run(p), TRAIN_MATCH_RTOL) or (
        "Train on x_noisy, y_noisy with train(x_noisy, y_noisy, W0, B0, LR, "
        "NUM_EPOCHS)."
    )
    _require_run_end(
        ("w_noisy", "b_noisy"), tuple(got), (ref["w_noisy"], ref["b_noisy"]), how
    )
    values = _losses(losses_noisy, "losses_noisy", p.num_epochs)
    require_close(
        f"losses_noisy[-1] ({whom})",
        values[-1],
        ref["losses_noisy"][-1],
        LOSS_RTOL,
        0.0,
    )
    want = ref["noise_ratios"]
    ratios = _ratios(noise_ratios)
    if compare.worst_entry(ratios, want, LOSS_RTOL, 0.0):
        final, noisy_final = want[0] * p.noise_std**2, want[1] * NOISE_STD_HIGH**2
        hint = diagnose.best_match(
            ratios, mistakes.noise_ratios(final, noisy_final, p)
        ) or (
            "Set noise_ratios = [losses[-1] / NOISE_STD ** 2, losses_noisy[-1] / "
            "NOISE_STD_HIGH ** 2]."
        )
        compare.require_entries(
            f"noise_ratios ({whom})", ratios, want, LOSS_RTOL, 0.0, hint
        )


CHOICE = choice.MultipleChoice(ANSWERS, ANSWER_HINTS, LETTERS)
check_answer = CHOICE.check


# The hidden test cells' checks, by the names they call (`judge.check(name, ...)`).
CHECKS = {
    "make_data_shape": check_make_data_shape,
    "make_data_values": check_make_data_values,
    "predict": check_predict,
    "mse": check_mse,
    "gradient_w": check_dw,
    "gradient_b": check_db,
    "step": check_step,
    "train_params": check_train_params,
    "train_losses": check_train_losses,
    "train_run": check_run,
    "largest_stable_lr": check_largest_stable_lr,
    "lr_sweep": check_lr_sweep,
    "big_scale": check_big_scale,
    "init_epochs": check_init_epochs,
    "noise_run": check_noise_run,
    **{f"answer_{q}": functools.partial(check_answer, q) for q in ANSWERS},
}
