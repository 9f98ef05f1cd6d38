"""Lab 02, the five steps of gradient descent in numpy: the hidden checks, the answer key.

Each `check_*` takes the student's object, calls it on inputs it builds itself (or,
for the notebook's results, takes the values), compares with a float64 reference
computed from `LabParams` (reference.py), and raises AssertionError with a sentence
on the first thing wrong: defined -> type -> shape -> dtype -> finite -> value ->
diagnosis (the mistakes are in mistakes.py). The multiple-choice answers live here
(`ANSWERS`), never in the released notebook.

Generic helpers that lab 01's torch-only `validate` lacks (numpy arrays, index arrays,
a list of losses, counting the lines of Python a call runs) are at the top; the lead
may move them into a shared module.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import replace
from types import FrameType
from typing import Any, TypedDict

import numpy as np

from grader_tests.core import (
    choice,
    compare,
    diagnose,
    messages,
    recipes,
    remote,
    tolerances,
    validate,
)
from grader_tests.core.compare import require_close
from grader_tests.lab02_five_steps_numpy import mistakes as mistakes
from grader_tests.lab02_five_steps_numpy.reference import (  # noqa: F401  (re-exported: one import)
    DEFAULT,
    Data,
    LabParams,
    hessian,
    reference_data,
    reference_gradients,
    reference_init,
    reference_least_squares,
    reference_loss_surface,
    reference_mse,
    reference_predict,
    reference_run,
    reference_split,
    reference_step,
    reference_train,
)

# Tolerances. Everything is float64 (numpy's default): the same formula with its
# operations in another order (a sum then / N, np.dot, a matrix product) agrees to a
# few 1e-16 relative, and the contraction of gradient descent keeps rounding from
# growing over the epochs (measured: ~1e-15 after 1000 epochs).
# One-step quantities (predict, mse, gradients, step, lstsq, the loss surface): the
# nearest mistake is 0.5x or another formula altogether.
RTOL, ATOL = tolerances.FLOAT64.rtol, tolerances.FLOAT64.atol
# The parameters after training: a run of 999 or 1001 epochs ends only 1.2e-8 (w)
# and 6e-9 (b) away from the 1000-epoch run, float64 rounding ~1e-15: 1e-10 sits between.
RUN_ATOL = 1e-10
# Recognising a mistaken run among the candidates: neighbours (999, 1000, 1001 epochs)
# are 2e-9 apart relative to |w| = 3, rounding is ~1e-15.
RUN_MATCH_RTOL = 1e-10
# The losses along a run. The loss at the minimum is flat: the losses of the 999th,
# 1000th and 1001st epochs differ by only 2.3e-13 relative, too little to tell apart
# robustly. The off-by-one shows in the number of losses and in w, b (RUN_ATOL).
LOSS_RTOL = 1e-10
# Below lr = 2 / L the loss of gradient descent on a quadratic never rises; float64
# rounding can only make a loss at the floor wobble by ~1e-16 relative.
MONOTONE_RTOL = 1e-12
# w or b this large after training means the run blew up (the lab's are ~-3 and 0.5).
DIVERGED_SIZE = 1e3
# A vectorised loss_surface runs the same lines of Python for any grid size; a loop
# over the shorter axis of the large grid runs at least 2 x (30 - 2) = 56 lines more.
LOOP_SLACK = 5


class _Split(TypedDict):
    """Other split_indices arguments."""

    n: int
    train_fraction: float
    seed: int


class _Run(TypedDict):
    """Other train arguments."""

    w0: float
    b0: float
    lr: float
    num_epochs: int


# Inputs the checks choose.
PROBE_W, PROBE_B = 0.5, -1.0  # not 0, not equal: a dropped or swapped term shows
CHECK_SEED_OFFSET = 1  # data of seed + 1: code reading the notebook's globals shows
# int(7.8) = 7, not 8
SPLIT_VARIANT: _Split = {"n": 13, "train_fraction": 0.6, "seed": 7}
INIT_VARIANT_SEED = 7
UNRELATED_SEED = 12345  # the global state before an init: an unseeded init shows
# No ties among the mistakes; lr is not the notebook's LR = 0.1, so that a step
# that reads the global LR instead of its argument shows here, not only in train.
STEP_INPUTS = {"w": -1.0, "b": 0.5, "dw": -4.0, "db": 2.0, "lr": 0.05}
# train's own run: another start, lr and length, so that a loop reading the notebook's
# LR, NUM_EPOCHS or start, or the globals x_train, y_train, shows.
TRAIN_RUN: _Run = {"w0": 2.0, "b0": -1.0, "lr": 0.05, "num_epochs": 50}
GRID_W = np.linspace(-4.0, 1.0, 7)  # 7 values of w ...
GRID_B = np.linspace(-1.0, 2.0, 5)  # ... and 5 of b: a transposed result shows
SMALL_GRID, LARGE_GRID = (2, 3), (30, 40)  # (b values, w values) for the loop count

ANSWERS = {"doc": "c", "gap": "a", "val": "b"}
LETTERS = ("a", "b", "c")
ANSWER_HINTS = {  # must not give the letter away
    "doc": "Compare the gradients you computed at the two starts (dw, db and "
    "dw_randn, db_randn) with the quoted 1.8, 2.7 and the printed 2.384, 3.464.",
    "gap": "Plot the distance between gradient descent's (w, b) and the "
    "least-squares fit against the epoch on a log scale, and look at its slope.",
    "val": "Compare val_loss with losses[-1] and with noise_std ** 2 = 0.01.",
}

DIVERGED = (
    "Training diverged: do dw and db average over the examples (mean, not sum), is "
    "the error y_hat - y (not y - y_hat), and does step subtract lr * dw, lr * db?"
)
FORMULA = {"dw": "2 * mean(x * (y_hat - y))", "db": "2 * mean(y_hat - y)"}
PER_EXAMPLE = {"dw": "gradients 2 * x * (y_hat - y)", "db": "gradients 2 * (y_hat - y)"}


# ---- generic helpers: numpy values ----


def as_number(
    value: object, label: str, hint: str | None = None, finite_hint: str | None = None
) -> float:
    """One finite real number from a float, a numpy scalar or a one-element array."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "fiu":
            raise AssertionError(
                f"{label} should be a number; got a numpy.ndarray of dtype "
                f"{value.dtype}."
            )
        if value.size != 1:
            message = (
                f"{label} has {value.size} elements (shape "
                f"{messages.fmt_shape(value.shape)}); expected one number."
            )
            raise AssertionError(messages.with_hint(message, hint))
        number = float(value.reshape(-1)[0])
    else:
        number = validate.to_number(value, label, hint)
    validate.require_finite([number], label, finite_hint)
    return number


def as_array(
    value: object, label: str, shape: tuple[int, ...], hint: str | None = None
) -> list[float]:
    """A numpy array of real numbers with exactly this shape, all finite; its entries."""
    __tracebackhide__ = True  # noqa: F841
    if not isinstance(value, np.ndarray):
        extra = (
            " Use numpy, not torch, in this lab."
            if type(value).__module__.startswith("torch")
            else ""
        )
        raise AssertionError(
            f"{label} should be a numpy array; got {messages.fmt_type(value)}.{extra}"
        )
    if value.dtype.kind not in "fiu":
        raise AssertionError(
            f"{label} has dtype {value.dtype}; expected real numbers (float64)."
        )
    if value.shape != shape:
        got, expected = messages.fmt_shape(value.shape), messages.fmt_shape(shape)
        message = f"{label} has the wrong shape: got {got}, expected {expected}."
        raise AssertionError(messages.with_hint(message, hint))
    values = value.astype(np.float64).ravel().tolist()
    validate.require_finite(values, label)
    return values


def as_indices(value: object, label: str) -> list[int]:
    """A 1-D numpy array of integers (indices); its entries as Python ints."""
    __tracebackhide__ = True  # noqa: F841
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            f"{label} should be a numpy array of indices; got "
            f"{messages.fmt_type(value)}."
        )
    if value.ndim != 1:
        raise AssertionError(
            f"{label} should be 1-D, one index per example; got shape "
            f"{messages.fmt_shape(value.shape)}."
        )
    if value.dtype.kind not in "iu":
        raise AssertionError(
            f"{label} has dtype {value.dtype}; indices must be integers (x[train_idx] "
            "needs them): did you start from np.arange(n)?"
        )
    return [int(i) for i in value.tolist()]


def as_losses(value: object, label: str, finite_hint: str | None = None) -> list[float]:
    """A list (or 1-D array) of finite numbers, one per epoch, as Python floats."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "fiu":
        values = value.astype(np.float64).tolist()
    elif isinstance(value, (list, tuple)):
        values = []
        for i, v in enumerate(value):
            item = f"{label}[{i}]"
            if isinstance(v, np.ndarray) and v.dtype.kind in "fiu" and v.size == 1:
                values.append(float(v.reshape(-1)[0]))
            elif isinstance(v, np.ndarray):
                values.append(as_number(v, item))  # raises with the reason
            else:
                values.append(validate.to_number(v, item))
    else:
        raise AssertionError(
            f"{label} should be a list of floats, one per epoch; got "
            f"{messages.fmt_type(value)}. Did you return the list you appended the "
            "losses to?"
        )
    validate.require_finite(values, label, finite_hint)
    return values


def fmt_pair(got: float, expected: float) -> tuple[str, str]:
    """Format got and expected with two digits more than it takes to see them differ.

    messages.fmt_pair can print two different numbers alike when rounding meets its
    extra digit (0.5235403457 and 0.5235403519 both print 0.52354035).
    """
    diff, scale = abs(got - expected), max(abs(got), abs(expected))
    digits = messages.SIGNIFICANT_DIGITS
    if diff > 0 and math.isfinite(diff) and scale > 0:
        digits = min(17, max(digits, math.ceil(math.log10(scale / diff)) + 2))
    return messages.fmt_number(got, digits), messages.fmt_number(expected, digits)


def value_mismatch(label: str, got: float, expected: float, allowed: float) -> str:
    """messages.value_mismatch, with values that print differently when they differ."""
    g, e = fmt_pair(got, expected)
    diff = messages.fmt_number(abs(got - expected), 2)
    return (
        f"{label} is wrong: got {g}, expected {e} "
        f"(difference {diff}, up to {messages.fmt_number(allowed, 2)} allowed)."
    )


def _library_dirs() -> tuple[str, ...]:
    """Folders whose code is not the student's: Python's, installed packages, ours."""
    paths = sysconfig.get_paths()
    dirs = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.add(os.path.dirname(os.path.abspath(__file__)))
    return tuple(os.path.join(os.path.realpath(d), "") for d in dirs) + tuple(
        os.path.join(d, "") for d in dirs
    )


def python_lines(fn: Callable[..., Any], *args: Any) -> int:
    """How many lines of the student's Python (not numpy's, not Python's) a call runs.

    Counted with sys.settrace, so it sees loops, comprehensions and np.vectorize
    alike, whether or not the source is available. The previous tracer is restored.
    A kernel function is counted in the kernel, where it runs.
    """
    if isinstance(fn, remote.Remote):
        remote.call_with(fn, {"lines": True}, *args)
        return remote.last_call(fn).lines
    skip = _library_dirs()
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Callable | None:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Callable | None:
        name = frame.f_code.co_filename
        if name.startswith(skip) or name.startswith("<frozen"):
            return None
        return local

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        fn(*args)
    finally:
        sys.settrace(previous)
    return count


# ---- the checks' data ----


def _check_data(p: LabParams) -> tuple[np.ndarray, np.ndarray]:
    """The training split of seed + 1: the checks' own x, y (80 x 1), not the notebook's."""
    d = reference_data(replace(p, seed=p.seed + CHECK_SEED_OFFSET))
    return d.x_train, d.y_train


def _lab_train(p: LabParams) -> tuple[np.ndarray, np.ndarray]:
    d = reference_data(p)
    return d.x_train, d.y_train


def _column_hint(shape: tuple[int, ...], n: int) -> str | None:
    """Why an array meant to be (n, 1) has another shape."""
    if shape == (n,):
        return f"Keep the column shape ({n}, 1): did you flatten x?"
    return diagnose.diagnose_shape(shape, n)


def _weight(value: object) -> np.ndarray:
    """w as the notebook holds it: a float64 array of shape (1, 1), (outputs, inputs)."""
    return np.array([[value]], dtype=np.float64)


def _bias(value: object) -> np.ndarray:
    """b as the notebook holds it: a float64 array of shape (1,), one per output."""
    return np.array([value], dtype=np.float64)


# ---- the split ----


def _call_split(
    split_indices: Callable, n: int, fraction: float, seed: int, data_draws: bool
) -> tuple[str, list[int], list[int]]:
    """Seed the global generator (and replay the data draws), call, validate types."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(split_indices, "split_indices")
    state = np.random.RandomState(seed)
    if data_draws:  # the notebook draws x and the noise just before the split
        state.rand(n, 1)
        state.randn(n, 1)
    remote.seed_where(split_indices, numpy_state=state.get_state())
    text = f"split_indices({n}, {fraction})"
    result = validate.call(split_indices, text, n, fraction)
    train, val = validate.unpack(result, text, ("train_idx", "val_idx"))
    return (
        text,
        as_indices(train, f"train_idx from {text}"),
        as_indices(val, f"val_idx from {text}"),
    )


def _split_cases(p: LabParams) -> list[tuple[int, float, int, bool]]:
    v = SPLIT_VARIANT
    return [
        (p.n, p.train_fraction, p.seed, True),
        (v["n"], v["train_fraction"], v["seed"], False),
    ]


def _size_hint(n: int, fraction: float, got: int, p: LabParams) -> str | None:
    """Why the training part has `got` indices instead of int(n * fraction)."""
    k = int(n * fraction)
    if got == n - k:
        return (
            f"That is the size of the validation part: the first int(n * "
            f"train_fraction) = {k} shuffled indices train, the rest validate."
        )
    if got == n:
        return "train_idx holds every index: did you split idx into two parts?"
    if got in (math.ceil(n * fraction), round(n * fraction)):
        return "Did you round? int(n * train_fraction) rounds down, as in int(N * 0.8)."
    if fraction != p.train_fraction and got == int(n * p.train_fraction):
        return (
            f"Did you write {p.train_fraction} instead of the argument train_fraction?"
        )
    if n != p.n and got == int(p.n * fraction):
        return f"Did you write {p.n} (N) instead of the argument n?"
    return None


def _require_partition(
    text: str, train: list[int], val: list[int], n: int, fraction: float, p: LabParams
) -> None:
    """int(n f) training and n - int(n f) validation indices, each index once."""
    __tracebackhide__ = True  # noqa: F841
    k = int(n * fraction)
    if len(train) != k:
        message = (
            f"train_idx from {text} has {len(train)} indices; expected "
            f"int(n * train_fraction) = {k}."
        )
        raise AssertionError(
            messages.with_hint(message, _size_hint(n, fraction, len(train), p))
        )
    if len(val) != n - k:
        raise AssertionError(
            f"val_idx from {text} has {len(val)} indices; expected the other "
            f"n - {k} = {n - k}: did you take idx[{k}:] for validation?"
        )
    if sorted(train + val) != list(range(n)):
        both = sorted(set(train) & set(val))
        missing = sorted(set(range(n)) - set(train) - set(val))
        if both:
            detail = f"index {both[0]} is in both"
        elif missing:
            detail = f"index {missing[0]} is in neither"
        else:
            detail = "an index appears twice"
        raise AssertionError(
            f"train_idx and val_idx from {text} should hold each of 0, ..., "
            f"{n - 1} exactly once; {detail}. Shuffle np.arange(n) and cut it in two."
        )


@validate.quiet
def check_split_sizes(split_indices: Callable, p: LabParams = DEFAULT) -> None:
    """split_indices(n, f): int(n f) training, n - int(n f) validation indices, a partition."""
    __tracebackhide__ = True  # noqa: F841
    for n, fraction, seed, draws in _split_cases(p):
        text, train, val = _call_split(split_indices, n, fraction, seed, draws)
        _require_partition(text, train, val, n, fraction, p)


@validate.quiet
def check_split_values(split_indices: Callable, p: LabParams = DEFAULT) -> None:
    """split_indices continues the global generator: the reference shuffle, first part trains."""
    __tracebackhide__ = True  # noqa: F841
    for n, fraction, seed, draws in _split_cases(p):
        rng = np.random.RandomState(seed)
        if draws:  # the lab's stream: x, then the noise, then the shuffle
            rng.rand(n, 1)
            rng.randn(n, 1)
        idx = np.arange(n)
        rng.shuffle(idx)
        k = int(n * fraction)
        expected = sorted(idx[:k].tolist())
        reseeded = reference_split(n, fraction, np.random.RandomState(seed))[0]
        candidates = mistakes.split_values(n, k, reseeded.tolist(), seed) + [
            (
                sorted(idx[n - k :].tolist()),
                f"train_idx holds the last {k} shuffled "
                f"indices: the first int(n * train_fraction) train, "
                f"idx[:{k}].",
            ),
        ]
        text, train, val = _call_split(split_indices, n, fraction, seed, draws)
        _require_partition(text, train, val, n, fraction, p)
        if sorted(train) == expected:
            continue
        what = (
            f"the reference split (np.random.seed({seed}), x, the noise, then the "
            "shuffle)"
            if draws
            else f"the split that np.random.seed({seed}) then your function should give"
        )
        hint = diagnose.best_match(sorted(train), candidates, 0.0) or (
            "Did you shuffle idx = np.arange(n) in place with np.random.shuffle "
            "(numpy's global generator, which the lab seeds; not "
            "np.random.default_rng or random.shuffle), and keep the first part?"
        )
        missing = sorted(set(expected) - set(train))
        shown = ", ".join(map(str, missing[:3])) + (", ..." if len(missing) > 3 else "")
        raise AssertionError(
            f"train_idx from {text} is not {what}: it lacks the indices {shown}. {hint}"
        )


# ---- step 0 ----


INIT_SHAPES = ((1, 1), (1,))  # w (n_outputs, n_inputs), b (n_outputs,)
INIT_LAYOUT = (2, 3, 7)  # n_inputs, n_outputs, seed: w (3, 2), b (3,)


def _require_param_shape(value: object, label: str, shape: tuple[int, ...]) -> None:
    """A numpy array of init_params has the layout of the course: w (1, 1), b (1,)."""
    __tracebackhide__ = True  # noqa: F841
    got = getattr(value, "shape", None)
    if isinstance(value, np.ndarray) and got != shape:
        raise AssertionError(
            f"{label} has shape {messages.fmt_shape(value.shape)}; expected "
            f"{messages.fmt_shape(shape)}: w = np.random.rand(n_outputs, n_inputs), "
            "one row per output and one column per input, b = "
            "np.random.rand(n_outputs)."
        )


@validate.quiet
def check_init(init_params: Callable, p: LabParams = DEFAULT) -> None:
    """init_params(1, 1, seed) seeds numpy, draws b = rand(1), then w = rand(1, 1).

    It returns (w, b), w of shape (1, 1) and b of shape (1,).
    """
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(init_params, "init_params")
    for seed in (p.init_seed, INIT_VARIANT_SEED):
        expected = list(reference_init(seed))
        candidates = mistakes.init(seed, p.init_seed)
        remote.seed_where(init_params, UNRELATED_SEED)
        text = f"init_params(1, 1, {seed})"
        result = validate.unpack(
            validate.call(init_params, text, 1, 1, seed), text, ("w", "b")
        )
        for value, name, shape in zip(result, "wb", INIT_SHAPES, strict=True):
            _require_param_shape(value, f"{name} from {text}", shape)
        got = [
            as_number(v, f"{k} from {text}") for k, v in zip("wb", result, strict=True)
        ]
        off = [
            i for i in (0, 1) if not compare.is_close(got[i], expected[i], 0.0, ATOL)
        ]
        if not off:
            continue
        hint = diagnose.best_match(got, candidates, RTOL)
        if hint is None and not all(0.0 <= g < 1.0 for g in got):
            hint = "np.random.rand draws from [0, 1); did you use another draw?"
        hint = hint or (
            "Seed with np.random.seed(seed), then b = np.random.rand(n_outputs), then "
            "w = np.random.rand(n_outputs, n_inputs), nothing in between."
        )
        name = "wb"[off[0]]
        message = value_mismatch(
            f"{name} from {text}", got[off[0]], expected[off[0]], ATOL
        )
        raise AssertionError(messages.with_hint(message, hint))
    _check_init_layout(init_params)


def _check_init_layout(init_params: Callable) -> None:
    """init_params(2, 3, seed): w (3, 2), b (3,), the same draws in the same order."""
    __tracebackhide__ = True  # noqa: F841
    n_inputs, n_outputs, seed = INIT_LAYOUT
    rng = np.random.RandomState(seed)
    b = rng.rand(n_outputs)
    w = rng.rand(n_outputs, n_inputs)
    remote.seed_where(init_params, UNRELATED_SEED)
    text = f"init_params({n_inputs}, {n_outputs}, {seed})"
    result = validate.unpack(
        validate.call(init_params, text, n_inputs, n_outputs, seed), text, ("w", "b")
    )
    for value, expected, name in zip(result, (w, b), "wb", strict=True):
        label = f"{name} from {text}"
        hint = None
        if getattr(value, "shape", None) == expected.shape[::-1]:
            hint = (
                "It is transposed: w has one row per output and one column per "
                "input, np.random.rand(n_outputs, n_inputs)."
            )
        got = as_array(value, label, expected.shape, hint)
        worst = compare.worst_entry(got, _flat(expected), 0.0, ATOL)
        if worst is not None:
            raise AssertionError(
                f"{label} holds other numbers than np.random.seed({seed}), then "
                f"b = np.random.rand({n_outputs}), then w = np.random.rand("
                f"{n_outputs}, {n_inputs}): do you pass n_outputs and n_inputs to "
                "rand (not 1), b first?"
            )


# ---- steps 1 to 4 ----


@validate.quiet
def check_predict(predict: Callable, p: LabParams = DEFAULT) -> None:
    """predict(x, w, b) equals w * x + b, shape (n, 1)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(predict, "predict")
    x, _ = _check_data(p)
    expected = _flat(reference_predict(x, PROBE_W, PROBE_B))
    lab_x = _lab_train(p)[0]
    candidates = mistakes.predict(x, PROBE_W, PROBE_B, p, lab_x)
    text = f"predict(x, w={PROBE_W}, b={PROBE_B})"
    value = validate.call(predict, text, x.copy(), _weight(PROBE_W), _bias(PROBE_B))
    hint = _column_hint(tuple(getattr(value, "shape", ())), len(x))
    got = as_array(value, text, x.shape, hint)
    hint = (
        diagnose.best_match(got, candidates)
        if compare.worst_entry(got, expected, RTOL, ATOL)
        else None
    )
    compare.require_entries(text, got, expected, RTOL, ATOL, hint)


def _flat(a: np.ndarray) -> list[float]:
    return np.asarray(a, np.float64).ravel().tolist()


@validate.quiet
def check_mse(mse: Callable, p: LabParams = DEFAULT) -> None:
    """mse(y_hat, y) equals mean((y_hat - y)^2), one number."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(mse, "mse")
    x, y = _check_data(p)
    y_hat = reference_predict(x, PROBE_W, PROBE_B)
    expected = reference_mse(y_hat, y)
    candidates = recipes.mse_mistakes(y_hat, y)
    text = "mse(y_hat, y)"
    value = validate.call(mse, text, y_hat.copy(), y.copy())
    per_example = diagnose.diagnose_shape(
        getattr(value, "shape", ()), len(x), "squared errors (y_hat - y) ** 2"
    )
    got = as_number(value, text, per_example)
    require_close(text, got, expected, RTOL, ATOL, candidates=candidates)


def _check_gradient(gradients: Callable, p: LabParams, name: str) -> None:
    """Shared body of check_db and check_dw."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(gradients, "gradients")
    x, y = _check_data(p)
    expected = reference_gradients(x, y, PROBE_W, PROBE_B)
    notebook = reference_gradients(*_lab_train(p), PROBE_W, PROBE_B)
    i = ("dw", "db").index(name)
    candidates = mistakes.gradient(name, expected[1 - i], notebook[i])
    text = f"gradients(x, y, w={PROBE_W}, b={PROBE_B})"
    args = (x.copy(), y.copy(), _weight(PROBE_W), _bias(PROBE_B))
    result = validate.unpack(validate.call(gradients, text, *args), text, ("dw", "db"))
    if result[i] is None:
        raise AssertionError(
            f"{text} returned None for {name}: did you forget to compute "
            f"{name} = {FORMULA[name]}?"
        )
    shape_hint = diagnose.diagnose_shape(
        getattr(result[i], "shape", ()), len(x), PER_EXAMPLE[name]
    )
    got = as_number(result[i], f"{name} from {text}", shape_hint)
    require_close(
        name,
        got,
        expected[i],
        RTOL,
        ATOL,
        gradient=(name, len(x)),
        candidates=candidates,
    )


@validate.quiet
def check_db(gradients: Callable, p: LabParams = DEFAULT) -> None:
    """db from gradients(x, y, w, b) equals 2 mean(y_hat - y)."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(gradients, p, "db")


@validate.quiet
def check_dw(gradients: Callable, p: LabParams = DEFAULT) -> None:
    """dw from gradients(x, y, w, b) equals 2 mean(x (y_hat - y))."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(gradients, p, "dw")


@validate.quiet
def check_randn_gradients(
    dw_randn: object, db_randn: object, p: LabParams = DEFAULT
) -> None:
    """The gradients on the training split at the randn start of seed 42 (1.809, 2.680)."""
    __tracebackhide__ = True  # noqa: F841
    d = reference_data(p)
    start = reference_init(p.init_seed, "randn")
    expected = reference_gradients(d.x_train, d.y_train, *start)
    candidates = mistakes.randn_gradients(p)
    got = [as_number(v, k) for k, v in (("dw_randn", dw_randn), ("db_randn", db_randn))]
    off = [i for i in (0, 1) if not compare.is_close(got[i], expected[i], RTOL, ATOL)]
    if not off:
        return
    hint = diagnose.best_match(got, candidates)
    i = off[0]
    name = ("dw_randn", "db_randn")[i]
    if hint is None:
        hint = diagnose.diagnose_scalar(name, got[i], expected[i], len(d.train_idx))
        if hint is not None:
            raise AssertionError(hint)
    hint = hint or (
        f"Seed with np.random.seed({p.init_seed}), draw b_randn = np.random.randn(1) "
        "then w_randn = np.random.randn(1, 1), and call gradients(x_train, y_train, "
        "w_randn, b_randn)."
    )
    message = value_mismatch(name, got[i], expected[i], ATOL + RTOL * abs(expected[i]))
    raise AssertionError(messages.with_hint(message, hint))


@validate.quiet
def check_step(step: Callable, p: LabParams = DEFAULT) -> None:
    """step(w, b, dw, db, lr) returns (w - lr * dw, b - lr * db)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(step, "step")
    s, lr = STEP_INPUTS, STEP_INPUTS["lr"]
    expected = reference_step(**s)
    text = "step(" + ", ".join(f"{k}={v}" for k, v in s.items()) + ")"
    args = (_weight(s["w"]), _bias(s["b"]), np.float64(s["dw"]), np.float64(s["db"]))
    result = validate.unpack(validate.call(step, text, *args, lr), text, "wb")
    labels = [f"the new {k} from {text}" for k in "wb"]
    got = [as_number(v, label) for v, label in zip(result, labels, strict=True)]
    for i, name in enumerate("wb"):
        candidates = mistakes.step(name, s, expected[1 - i], p.lr)
        require_close(labels[i], got[i], expected[i], RTOL, ATOL, candidates=candidates)


# ---- step 5 ----


def _run_numbers(values: tuple, labels: tuple[str, str], n: int) -> list[float]:
    """w and b from a training run: one number each, finite (else: diverged)."""
    __tracebackhide__ = True  # noqa: F841
    got = []
    for name, value, label in zip("wb", values, labels, strict=True):
        shape = getattr(value, "shape", ())
        hint = diagnose.diagnose_shape(shape, n, PER_EXAMPLE[f"d{name}"])
        got.append(as_number(value, label, hint, DIVERGED))
    return got


@validate.quiet
def check_train(train: Callable, p: LabParams = DEFAULT) -> None:
    """train on the checks' data, from another start, lr and length: w, b and losses."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(train, "train")
    x, y = _check_data(p)
    r = TRAIN_RUN
    settings = (r["w0"], r["b0"], r["lr"], r["num_epochs"])
    ref_w, ref_b, ref_losses = reference_train(x, y, *settings)
    text = "train(x, y, w0={}, b0={}, lr={}, num_epochs={})".format(*settings)
    args = (
        x.copy(),
        y.copy(),
        _weight(r["w0"]),
        _bias(r["b0"]),
        r["lr"],
        r["num_epochs"],
    )
    result = validate.unpack(
        validate.call(train, text, *args), text, ("w", "b", "losses")
    )
    labels = (f"w after {text}", f"b after {text}")
    got = _run_numbers(result[:2], labels, len(x))
    values = as_losses(result[2], f"losses from {text}", DIVERGED)
    recipes.require_one_per_epoch(
        values, f"losses from {text}", r["num_epochs"], p.num_epochs, record="the loss"
    )
    for i in range(1, len(values)):
        if values[i] > values[i - 1] * (1 + MONOTONE_RTOL):
            a, b = fmt_pair(values[i - 1], values[i])
            raise AssertionError(
                f"losses from {text} rise at epoch {i}: {a} -> {b}. Below lr = 2 / L "
                f"the loss of gradient descent never rises. {DIVERGED}"
            )
    off = [i for i in (0, 1) if not abs(got[i] - (ref_w, ref_b)[i]) <= RUN_ATOL]
    if off:
        candidates = mistakes.train_params(x, y, r, p, _lab_train(p))
        hint = diagnose.best_match(got, candidates, RUN_MATCH_RTOL)
        stuck = [
            k for k, g, g0 in zip("wb", got, (r["w0"], r["b0"]), strict=True) if g == g0
        ]
        if hint is None and len(stuck) == 1:
            hint = (
                f"{stuck[0]} never moved from its start value: is d{stuck[0]} computed "
                "(not 0) and used by step?"
            )
        hint = hint or (
            "The reference is a float64 run of the same loop: do predict, mse, "
            "gradients and step pass their own checks?"
        )
        i = off[0]
        label = f"{'wb'[i]} after {text}"
        message = value_mismatch(label, got[i], (ref_w, ref_b)[i], RUN_ATOL)
        raise AssertionError(messages.with_hint(message, hint))
    first = f"losses[0] from {text}"
    require_close(
        first,
        values[0],
        ref_losses[0],
        LOSS_RTOL,
        0.0,
        candidates=mistakes.first_loss(x, y, r),
    )
    worst = compare.worst_entry(values, ref_losses, LOSS_RTOL, 0.0)
    if worst is not None:
        bad, i = worst
        message = messages.entries_mismatch(
            f"losses from {text}",
            bad,
            len(values),
            i,
            values[i],
            ref_losses[i],
            LOSS_RTOL * abs(ref_losses[i]),
        )
        raise AssertionError(
            messages.with_hint(
                message,
                "losses[k] should be the loss before update k: record it right "
                "after computing it, before the step.",
            )
        )


@validate.quiet
def check_run_params(
    w_trained: object, b_trained: object, p: LabParams = DEFAULT
) -> None:
    """The notebook's run ends at the seeded reference run's w, b (not lstsq's)."""
    __tracebackhide__ = True  # noqa: F841
    ref_w, ref_b, _ = reference_run(p)
    n_train = len(reference_data(p).train_idx)
    labels = ("w_trained", "b_trained")
    got = _run_numbers((w_trained, b_trained), labels, n_train)
    off = [i for i in (0, 1) if not abs(got[i] - (ref_w, ref_b)[i]) <= RUN_ATOL]
    if not off:
        return
    if max(abs(g) for g in got) > DIVERGED_SIZE:
        hint: str | None = DIVERGED
    else:
        hint = diagnose.best_match(got, mistakes.run_params(p), RUN_MATCH_RTOL)
    hint = hint or (
        f"The reference is the lab's run: init_params(1, 1, {p.init_seed}), then "
        f"train on x_train, y_train with LR = {p.lr} for NUM_EPOCHS = "
        f"{p.num_epochs}. Do your functions pass their own checks?"
    )
    i = off[0]
    label = ("w_trained", "b_trained")[i]
    message = value_mismatch(label, got[i], (ref_w, ref_b)[i], RUN_ATOL)
    raise AssertionError(messages.with_hint(message, hint))


@validate.quiet
def check_run_losses(losses: object, p: LabParams = DEFAULT) -> None:
    """The notebook's run records num_epochs losses, from 4.495 to 0.0080446576955540."""
    __tracebackhide__ = True  # noqa: F841
    ref_losses = reference_run(p)[2]
    values = as_losses(losses, "losses", DIVERGED)
    recipes.require_one_per_epoch(
        values, "losses", p.num_epochs, p.num_epochs, record="the loss"
    )
    require_close(
        "losses[0]",
        values[0],
        ref_losses[0],
        LOSS_RTOL,
        0.0,
        candidates=lambda: mistakes.run_first_loss(p),
    )
    if abs(values[-1]) > DIVERGED_SIZE:
        message = value_mismatch(
            "losses[-1]", values[-1], ref_losses[-1], LOSS_RTOL * ref_losses[-1]
        )
        raise AssertionError(f"{message} {DIVERGED}")
    require_close(
        "losses[-1]",
        values[-1],
        ref_losses[-1],
        LOSS_RTOL,
        0.0,
        candidates=lambda: mistakes.run_last_loss(p),
    )


# ---- after training ----


@validate.quiet
def check_val_loss(
    val_loss: object, w_trained: object, b_trained: object, p: LabParams = DEFAULT
) -> None:
    """val_loss is the MSE of the trained (w, b) on the validation split.

    The student's own w_trained, b_trained are used, so that a wrong run costs its
    own points only; if they are unusable (not numbers, or diverged), the reference
    run's are.
    """
    __tracebackhide__ = True  # noqa: F841
    try:
        w = as_number(w_trained, "w_trained")
        b = as_number(b_trained, "b_trained")
        usable = max(abs(w), abs(b)) <= DIVERGED_SIZE
    except AssertionError:
        usable = False
    if not usable:
        w, b, _ = reference_run(p)
    d = reference_data(p)
    expected = reference_mse(reference_predict(d.x_val, w, b), d.y_val)
    got = as_number(val_loss, "val_loss", finite_hint=DIVERGED)
    if not usable and not compare.is_close(got, expected, RTOL, 0.0):
        listed = mistakes.val_loss(w, b, p)
        hint = diagnose.best_match([got], [([c], m) for c, m in listed])
        message = messages.with_hint(
            value_mismatch("val_loss", got, expected, RTOL * expected), hint
        )
        raise AssertionError(
            f"{message} (w_trained, b_trained are not a usable trained line: training "
            "diverged, or they are not numbers; so val_loss is compared with the "
            "reference run's. Fix Section 8 first.)"
        )
    require_close(
        "val_loss",
        got,
        expected,
        RTOL,
        0.0,
        candidates=lambda: mistakes.val_loss(w, b, p),
    )


@validate.quiet
def check_least_squares(least_squares: Callable, p: LabParams = DEFAULT) -> None:
    """least_squares(x, y) returns the closed-form (w, b) of np.linalg.lstsq."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(least_squares, "least_squares")
    x, y = _check_data(p)
    expected = reference_least_squares(x, y)
    text = "least_squares(x, y)"
    result = validate.call(least_squares, text, x.copy(), y.copy())
    if isinstance(result, np.ndarray) and result.size == 2:
        result = tuple(result.ravel())  # the coefficient array (2, 1): fine
    result = validate.unpack(result, text, ("w", "b"))
    got = [as_number(v, f"{k} from {text}") for k, v in zip("wb", result, strict=True)]
    off = [i for i in (0, 1) if not compare.is_close(got[i], expected[i], RTOL, ATOL)]
    if not off:
        return
    hint = diagnose.best_match(got, mistakes.least_squares(x, y, _lab_train(p))) or (
        "Solve with np.linalg.lstsq(A, y, rcond=None) for A = np.hstack([x, ones]), "
        "the column of x first so that the first coefficient is w."
    )
    i = off[0]
    label = f"{'wb'[i]} from {text}"
    allowed = ATOL + RTOL * abs(expected[i])
    raise AssertionError(
        messages.with_hint(value_mismatch(label, got[i], expected[i], allowed), hint)
    )


# ---- the loss surface ----


def _surface_hint(shape: tuple[int, ...], grid: tuple[int, int], n: int) -> str | None:
    """Why the loss surface has another shape than the grid's."""
    if shape == grid[::-1]:
        return "It is transposed: return one loss per grid point, in the grid's shape."
    if shape == (*grid, n):
        return (
            "That is one squared error per grid point and example: did you forget to "
            "average over the examples (the last axis)?"
        )
    if shape in ((), (1,)):
        return "A single number: did you average over the grid too?"
    return None


def _check_surface_values(loss_surface: Callable, p: LabParams) -> None:
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(loss_surface, "loss_surface")
    x, y = _check_data(p)
    w_grid, b_grid = np.meshgrid(GRID_W, GRID_B)
    expected = _flat(reference_loss_surface(x, y, w_grid, b_grid))
    text = "loss_surface(x, y, w_grid, b_grid)"
    value = validate.call(
        loss_surface, text, x.copy(), y.copy(), w_grid.copy(), b_grid.copy()
    )
    shape = tuple(getattr(value, "shape", ()))
    got = as_array(
        value, text, w_grid.shape, _surface_hint(shape, w_grid.shape, len(x))
    )
    if compare.worst_entry(got, expected, RTOL, ATOL) is None:
        return
    hint = diagnose.best_match(
        got, mistakes.loss_surface(x, y, w_grid, b_grid, _lab_train(p))
    )
    compare.require_entries(text, got, expected, RTOL, ATOL, hint)


@validate.quiet
def check_loss_surface(loss_surface: Callable, p: LabParams = DEFAULT) -> None:
    """loss_surface(x, y, w_grid, b_grid) is the MSE at every (w, b) of a 5 x 7 grid."""
    __tracebackhide__ = True  # noqa: F841
    _check_surface_values(loss_surface, p)


@validate.quiet
def check_loss_surface_vectorised(
    loss_surface: Callable, p: LabParams = DEFAULT
) -> None:
    """loss_surface is right and runs as many lines of Python for a large grid as a small one."""
    __tracebackhide__ = True  # noqa: F841
    _check_surface_values(loss_surface, p)
    x, y = _check_data(p)
    counts = []
    for rows, cols in (SMALL_GRID, LARGE_GRID):
        w_grid, b_grid = np.meshgrid(np.linspace(-4, 1, cols), np.linspace(-1, 2, rows))
        text = f"loss_surface(x, y, w_grid, b_grid) on a {rows} x {cols} grid"
        args = (x.copy(), y.copy(), w_grid, b_grid)
        counter = functools.partial(python_lines, loss_surface)
        counts.append(validate.call(counter, text, *args))
    small, large = counts
    if large > small + LOOP_SLACK:
        raise AssertionError(
            f"loss_surface runs {small} lines of Python for a {SMALL_GRID[0]} x "
            f"{SMALL_GRID[1]} grid but {large} for a {LARGE_GRID[0]} x "
            f"{LARGE_GRID[1]} grid: its work grows with the grid, so it loops over the "
            "grid points (a for or while loop, a comprehension, np.vectorize or "
            "np.apply_along_axis). Compute every grid point at once with "
            "broadcasting: give w_grid and b_grid a new last axis for the examples."
        )


# ---- multiple choice ----


CHOICE = choice.MultipleChoice(ANSWERS, ANSWER_HINTS, LETTERS)
check_answer = CHOICE.check


# The hidden test cells' checks, by the names they call (`judge.check(name, ...)`).
CHECKS = {
    "split_sizes": check_split_sizes,
    "split_values": check_split_values,
    "init": check_init,
    "predict": check_predict,
    "mse": check_mse,
    "grad_b": check_db,
    "grad_w": check_dw,
    "randn_gradients": check_randn_gradients,
    "answer_doc": functools.partial(check_answer, "doc"),
    "step": check_step,
    "train": check_train,
    "run_params": check_run_params,
    "run_losses": check_run_losses,
    "least_squares": check_least_squares,
    "answer_gap": functools.partial(check_answer, "gap"),
    "val_loss": check_val_loss,
    "answer_val": functools.partial(check_answer, "val"),
    "loss_surface": check_loss_surface,
    "no_loops": check_loss_surface_vectorised,
}
