"""Lab 04, multi-output linear regression from scratch: the hidden checks and answer key.

Each `check_*` takes the student's object, calls it on inputs it builds itself (or, for
the notebook's training run, reads the values passed in), compares with a float64
reference computed from `LabParams` (reference.py), and raises AssertionError with a
sentence on the first thing wrong: defined -> type -> shape -> dtype -> finite -> value
-> diagnosis (the mistakes are in mistakes.py). The multiple-choice answers live
here (`ANSWERS`), never in the released notebook.

The student's functions follow the course convention (lab 01's table):
init_params(n_inputs, n_outputs, seed) -> (w, b), predict(x, w, b), step_(w, b, lr)
in place, and train / train_fixed(x, y, w, b, lr, num_epochs) -> (w, b, losses), the
caller's w, b trained in place and returned.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable
from typing import Any, TypedDict

import numpy as np
import torch

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
from grader_tests.lab04_multi_output_regression import mistakes as mistakes
from grader_tests.lab04_multi_output_regression.reference import (  # noqa: F401  (re-exported: one import)
    DEFAULT,
    LabParams,
    condition_number,
    data,
    data64,
    hessian,
    init64,
    lstsq_loss,
    reference_gradients,
    reference_init,
    reference_largest_stable_lr,
    reference_model,
    reference_mse,
    reference_train,
    seeded_run,
    simulate,
    standardise,
)

# ---- tolerances ----
# The seeded draws reproduce bit for bit (float32 -> float64 is exact).
INIT_ATOL = 1e-6
# Inputs are float64; a student's float32 cast of a correct formula is off by a few
# float32 eps (1.2e-7) relative to the largest entry (sums of terms of that size).
# The nearest mistake checked for is 1% off or more.
RTOL = 1e-5
# A float32 run of the lab's 500 epochs ends 4.7e-7 from the float64 run (measured);
# one epoch more or fewer moves w by 4e-4, 20x this tolerance, so it is caught.
TRAIN_ATOL = 2e-5
# A mistaken float32 loop ends within ~1e-6 (relative to max |w|) of its float64 twin.
TRAIN_MATCH_RTOL = 1e-4
# Float32 losses along a float32 run against the float64 run: 2.4e-6 relative at most.
LOSS_RTOL = 1e-4
MONOTONE_RTOL = tolerances.MONOTONE_RTOL
# eigvalsh of a 4 x 4 float32 matrix: ~1e-7 relative for the largest eigenvalue. A
# Hessian without the bias column is 5.4e-5 off on the raw inputs, 5x this.
LR_RTOL = 1e-5


class _Run(TypedDict):
    """The losses check's run: the seed of its start w, b, its lr and length."""

    seed: int
    lr: float
    num_epochs: int


# ---- inputs the checks choose ----
OTHER_SEED = 7  # init_params(3, 2, 7) too: a hard-coded 42 shows
OTHER_SIZES = (4, 1)  # init_params(4, 1, 7): hard-coded sizes (2, 3) show
PROBE_SEED = 3  # w, b for predict, mse and gradients: not the notebook's seed-42 values
SHIFT = 0.5  # a second x: the first 4 rows + 0.5 (a hard-coded 5 or global x shows)
STEP_W = ((0.5, -1.0, 2.0), (1.5, 0.25, -0.75))
STEP_B = (0.3, -0.2)
STEP_DW = ((2.0, -4.0, 1.0), (-1.0, 3.0, 0.5))
STEP_DB = (-2.0, 1.0)
STEP_LR = 0.1  # large enough that w * (1 - lr) and w - lr * dw are far apart
# The losses check: another start, another stable lr, fewer epochs, so a loop that
# reads the notebook's w, b, LR or NUM_EPOCHS instead of its arguments shows.
LOSS_RUN: _Run = {"seed": 43, "lr": 3e-5, "num_epochs": 50}
LR_CASES = ((1.0, 2), (0.01, 3))  # (scale of the inputs, number of outputs)

ANSWERS = {"bug": "c", "accumulate": "b", "scaling": "a"}
LETTERS = ("a", "b", "c")
ANSWER_HINTS = {  # must not give the letter away
    "bug": "Run train_buggy and compare w after 100 epochs with w0 * (1 - LR) ** 100.",
    "accumulate": "Try it: fix only the update line of train_buggy, train for 500 "
    "epochs and plot the losses.",
    "scaling": "Compare largest_stable_lr and the condition number for inputs and "
    "inputs_std, and the two loss curves.",
}

DIVERGED = (
    "Training diverged: does step_ subtract w.grad * lr (not add it), and does mse "
    "average over all entries?"
)


def _t64(values, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(values, np.float64), requires_grad=grad)


def _flat(*tensors: torch.Tensor) -> list[float]:
    return [v for t in tensors for v in validate.to_floats(t)]


def _np_flat(*arrays: np.ndarray) -> list[float]:
    return np.concatenate([np.asarray(a, np.float64).ravel() for a in arrays]).tolist()


def _call(fn: Callable, text: str, *args, hints: tuple = ()) -> Any:
    """Call student code; on an exception add the likely mistake, from its message."""
    __tracebackhide__ = True  # noqa: F841
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # a loop may print every epoch
            return validate.call(fn, text, *args)
    except AssertionError as error:
        cause = error.__cause__
        text_of_cause = str(cause) if cause is not None else ""
        hint = next((h for key, h in hints if key in text_of_cause), None)
        hint = hint or mistakes.error_hint(text_of_cause)
        if hint is None or isinstance(cause, NotImplementedError):
            raise
        raise AssertionError(f"{error.args[0].rstrip('.')}. {hint}") from cause


def _require_matrix(
    label: str,
    got: list[float],
    expected: list[float],
    candidates: mistakes.Candidates,
    match_rtol: float = diagnose.MATCH_RTOL,
) -> None:
    """Entries within RTOL of the largest expected entry, else name the mistake."""
    __tracebackhide__ = True  # noqa: F841
    atol = RTOL * max(abs(v) for v in expected)
    if compare.worst_entry(got, expected, RTOL, atol) is None:
        return
    hint = diagnose.best_match(got, candidates, match_rtol)
    compare.require_entries(label, got, expected, RTOL, atol, hint)


# ---- init_params ----


def _init_cases(p: LabParams) -> list[tuple[int, int, int]]:
    """(n_inputs, n_outputs, seed): the lab's call, another seed, another size."""
    lab = (p.num_features, p.num_outputs)
    return [(*lab, p.seed), (*lab, OTHER_SEED), (*OTHER_SIZES, OTHER_SEED)]


def _init(init_params: Callable, case: tuple[int, int, int]) -> tuple[str, tuple]:
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(init_params, "init_params")
    text = "init_params({}, {}, {})".format(*case)
    result = _call(init_params, text, *case)
    return text, validate.unpack(result, text, ("w", "b"))


@validate.quiet
def check_init_shapes(init_params: Callable, p: LabParams = DEFAULT) -> None:
    """init_params returns float32 leaf tensors w (n_outputs, n_inputs), b (n_outputs,)
    that require grad."""
    __tracebackhide__ = True  # noqa: F841
    for case in _init_cases(p):
        n_inputs, n_outputs, _ = case
        text, result = _init(init_params, case)
        shapes = {"w": (n_outputs, n_inputs), "b": (n_outputs,)}
        for name, value in zip("wb", result, strict=True):
            label = f"{name} from {text}"
            tensor = validate.require_tensor(value, label)
            shape = tuple(tensor.shape)
            hint = mistakes.init_shape(name, shape, n_inputs, n_outputs)
            validate.require_shape(tensor, label, shapes[name], hint)
            if tensor.dtype != torch.float32:
                raise AssertionError(
                    f"{label} has dtype {tensor.dtype}; expected torch.float32 "
                    "(torch.randn's default): did you pass a dtype or convert it?"
                )
            if not tensor.requires_grad:
                raise AssertionError(
                    f"{label} does not require grad: create it with "
                    f"torch.randn(..., requires_grad=True), so that loss.backward() "
                    f"fills {name}.grad."
                )
            if not remote.is_leaf(tensor):
                raise AssertionError(
                    f"{label} is not a leaf tensor (it has grad_fn "
                    f"{remote.grad_fn_name(tensor)}): it was computed from another "
                    f"tensor, so backward() never fills {name}.grad. Draw it with "
                    "requires_grad=True and do no arithmetic on it afterwards."
                )
            validate.require_finite(validate.to_floats(tensor), label)


@validate.quiet
def check_init_values(init_params: Callable, p: LabParams = DEFAULT) -> None:
    """init_params(n_inputs, n_outputs, seed) draws w then b with torch.randn right
    after manual_seed(seed)."""
    __tracebackhide__ = True  # noqa: F841
    for case in _init_cases(p):
        n_inputs, n_outputs, seed = case
        text, (w, b) = _init(init_params, case)
        shape_w, shape_b = (n_outputs, n_inputs), (n_outputs,)
        got = validate.require_tensor_values(w, f"w from {text}", shape_w)
        got += validate.require_tensor_values(b, f"b from {text}", shape_b)
        sizes = (n_inputs, n_outputs)
        expected = _flat(*reference_init(seed, p, sizes=sizes))
        if compare.worst_entry(got, expected, 0.0, INIT_ATOL) is None:
            continue
        hint = diagnose.best_match(got, mistakes.init_values(seed, p, sizes))
        if hint is None and all(0.0 <= v < 1.0 for v in got):
            hint = "All values lie in [0, 1): did you use torch.rand instead of torch.randn?"
        hint = hint or (
            "The recipe is torch.manual_seed(seed), then w = torch.randn(n_outputs, "
            "n_inputs, requires_grad=True), then b = torch.randn(n_outputs, "
            "requires_grad=True): did you seed with the argument right before drawing "
            "w?"
        )
        label = f"(w, b) from {text}"
        compare.require_entries(label, got, expected, 0.0, INIT_ATOL, hint)


# ---- predict, mse ----


def _cases(p: LabParams) -> list[tuple[np.ndarray, np.ndarray]]:
    """The checks' (x, y): the lab's data, and 4 of its rows shifted by SHIFT."""
    x, y = data64(p)
    return [(x, y), (x[:4] + SHIFT, y[:4] + SHIFT)]


@validate.quiet
def check_predict(predict: Callable, p: LabParams = DEFAULT) -> None:
    """predict(x, w, b) equals x @ w.T + b, shape (n, 2), and autograd tracks it."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(predict, "predict")
    w_np, b_np = init64(PROBE_SEED, p)
    for x, _ in _cases(p):
        n = x.shape[0]
        w, b = _t64(w_np, grad=True), _t64(b_np, grad=True)
        text = f"predict(x, w, b) with x of shape ({n}, {p.num_features})"
        expected = _np_flat(reference_model(x, w_np, b_np))  # before student code
        value = _call(predict, text, _t64(x), w, b)
        shape = tuple(getattr(value, "shape", ()))
        hint = mistakes.predict_shape(shape, n, p.num_outputs)
        got = validate.require_tensor_values(value, text, (n, p.num_outputs), hint)
        _require_matrix(text, got, expected, mistakes.predict(x, w_np, b_np, p))
        if not value.requires_grad:
            raise AssertionError(
                f"{text} is right but autograd does not track it (requires_grad is "
                "False), so loss.backward() could not reach w and b: did you use "
                "w.data, w.detach() or torch.no_grad() inside predict?"
            )


@validate.quiet
def check_mse(mse: Callable, p: LabParams = DEFAULT) -> None:
    """mse(y_hat, y) is sum((y_hat - y)^2) / numel, a tensor autograd tracks."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(mse, "mse")
    w_np, b_np = init64(PROBE_SEED, p)
    for x, y in _cases(p):
        y_hat = reference_model(x, w_np, b_np)
        n, m = y.shape
        text = f"mse(y_hat, y) with y of shape ({n}, {m})"
        expected = reference_mse(y_hat, y)  # before student code
        value = _call(mse, text, _t64(y_hat, grad=True), _t64(y))
        if not isinstance(value, torch.Tensor):
            raise AssertionError(
                f"{text} should return a torch.Tensor (loss.backward() needs one); "
                f"got {messages.fmt_type(value)}. Did you use .item() or float()?"
            )
        hint = mistakes.mse_shape(tuple(value.shape), n, m)
        got = validate.to_number(value, text, hint)
        validate.require_finite([got], text)
        require_close(
            text,
            got,
            expected,
            RTOL,
            0.0,
            candidates=mistakes.mse(y_hat, y, p.n * p.num_outputs),
        )
        if not value.requires_grad:
            raise AssertionError(
                f"{text} is right but autograd does not track it (requires_grad is "
                "False): did you compute it under torch.no_grad() or from detached "
                "tensors?"
            )


# ---- gradients ----

GRAD_NONE = (
    "{text} returned None for {name}{why}: did you call loss.backward(), and is the "
    "loss computed from the {param} passed in (a predict(x) that reads a global "
    "{param} is not)?"
)
FORMULA_HINTS = (
    (
        "does not require grad",
        "formula_gradients gets plain tensors (no requires_grad): compute dw and db "
        "from the matrix formulas, without backward().",
    ),
)


def _check_gradient(fn: Callable, p: LabParams, name: str, formula: bool) -> None:
    """Shared body of the four gradient checks (autograd or formula, dw or db)."""
    __tracebackhide__ = True  # noqa: F841
    fn_name = "formula_gradients" if formula else "gradients"
    validate.require_callable(fn, fn_name)
    x, y = data64(p)
    w_np, b_np = init64(PROBE_SEED, p)
    expected = reference_gradients(x, y, w_np, b_np)
    args = (_t64(x), _t64(y), _t64(w_np, not formula), _t64(b_np, not formula))
    text = f"{fn_name}(x, y, w, b)"
    hints = FORMULA_HINTS if formula else ()
    with validate.counting_graph(fn) as graph:
        value = _call(fn, text, *args, hints=hints)
    result = validate.unpack(value, text, ("dw", "db"))
    if formula and graph.saved:
        raise AssertionError(
            f"{text} used autograd (it built a graph for backward()): compute dw "
            "and db from the matrix formulas above, without requires_grad or "
            "backward()."
        )
    i = ("dw", "db").index(name)
    param = "wb"[i]
    if result[i] is None:
        why = "" if formula else f" ({param}.grad is still None)"
        raise AssertionError(
            GRAD_NONE.format(text=text, name=name, why=why, param=param)
        )
    n, m = y.shape
    label = f"{name} from {text}"
    shape = tuple(getattr(result[i], "shape", ()))
    hint = mistakes.gradient_shape(name, shape, n, m)
    got = validate.require_tensor_values(result[i], label, expected[i].shape, hint)
    other = mistakes.gradient_other(name, x, y, w_np, b_np, p, formula)
    candidates = mistakes.gradient_candidates(name, expected[i], n, m, other)
    _require_matrix(label, got, _np_flat(expected[i]), candidates)


@validate.quiet
def check_grad_w(gradients: Callable, p: LabParams = DEFAULT) -> None:
    """w.grad after one backward equals (2 / numel) E.T @ x (float64 reference)."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(gradients, p, "dw", formula=False)


@validate.quiet
def check_grad_b(gradients: Callable, p: LabParams = DEFAULT) -> None:
    """b.grad after one backward equals (2 / numel) E.sum(0) (float64 reference)."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(gradients, p, "db", formula=False)


@validate.quiet
def check_formula_dw(formula_gradients: Callable, p: LabParams = DEFAULT) -> None:
    """dw from the matrix formula equals (2 / numel) E.T @ x (float64 reference)."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(formula_gradients, p, "dw", formula=True)


@validate.quiet
def check_formula_db(formula_gradients: Callable, p: LabParams = DEFAULT) -> None:
    """db from the matrix formula equals (2 / numel) E.sum(0) (float64 reference)."""
    __tracebackhide__ = True  # noqa: F841
    _check_gradient(formula_gradients, p, "db", formula=True)


# ---- step_ ----


def _step(step_: Callable) -> tuple[str, torch.Tensor, torch.Tensor]:
    """Call step_ on leaf tensors whose .grad the check sets; return them afterwards."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(step_, "step_")
    w, b = _t64(STEP_W, grad=True), _t64(STEP_B, grad=True)
    w.grad, b.grad = _t64(STEP_DW), _t64(STEP_DB)
    text = f"step_(w, b, lr={STEP_LR})"
    _call(step_, text, w, b, STEP_LR)
    return text, w, b


@validate.quiet
def check_step(step_: Callable, p: LabParams = DEFAULT) -> None:
    """step_ moves w and b in place by -lr times their gradients."""
    __tracebackhide__ = True  # noqa: F841
    text, w, b = _step(step_)
    for name, tensor, start, grad in (
        ("w", w, STEP_W, STEP_DW),
        ("b", b, STEP_B, STEP_DB),
    ):
        label = f"{name} after {text}"
        got = validate.require_tensor_values(tensor, label, np.shape(start))
        start_np, grad_np = np.asarray(start), np.asarray(grad)
        expected = _np_flat(start_np - STEP_LR * grad_np)
        if got == _np_flat(start_np):
            zeroed = tensor.grad is None or not any(validate.to_floats(tensor.grad))
            raise AssertionError(
                f"{label} did not change. "
                + (
                    f"Did you zero {name}.grad before using it? Update first, then "
                    "zero the gradients."
                    if zeroed
                    else mistakes.REBOUND.format(name=name)
                )
            )
        _require_matrix(
            label, got, expected, mistakes.step_(name, start_np, grad_np, STEP_LR)
        )
        if not (remote.is_leaf(tensor) and tensor.requires_grad):
            raise AssertionError(
                f"{label} is no longer a leaf tensor that requires grad: update it in "
                f"place inside torch.no_grad(), {name} -= {name}.grad * lr."
            )


@validate.quiet
def check_step_zero_grad(step_: Callable, p: LabParams = DEFAULT) -> None:
    """After step_, w.grad and b.grad are zero (or None), ready for the next backward."""
    __tracebackhide__ = True  # noqa: F841
    text, w, b = _step(step_)
    for name, tensor, grad in (("w", w, STEP_DW), ("b", b, STEP_DB)):
        if tensor.grad is None:
            continue
        got = validate.to_floats(tensor.grad)
        if not any(got):
            continue
        if got == _np_flat(np.asarray(grad)):
            raise AssertionError(
                f"{name}.grad after {text} still holds the gradient: did you forget "
                f"{name}.grad.zero_()? PyTorch adds the gradients of every backward() "
                f"to {name}.grad, so the next epoch would step with the sum of both."
            )
        raise AssertionError(
            f"{name}.grad after {text} should be all zeros; got "
            f"[{', '.join(messages.fmt_number(v) for v in got)}]."
        )


# ---- training ----


def _start(seed: int, p: LabParams) -> tuple[torch.Tensor, torch.Tensor]:
    """The float32 leaf tensors init_params(seed) should return."""
    w, b = reference_init(seed, p)
    return w.requires_grad_(), b.requires_grad_()


def _loss_values(losses: object, label: str) -> list[float]:
    """A loss history (core.recipes), not a tensor of parameters in its place."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(losses, (list, tuple)) and losses:
        if getattr(losses[0], "numel", lambda: 1)() > 1:
            raise AssertionError(
                f"{label} should be a list of floats, one per epoch; its first entry "
                f"is {messages.fmt_type(losses[0])}. Return w, b, losses in this "
                "order."
            )
    return recipes.loss_history(losses, label, lambda i: f"{label}[{i}]")


def _unpack_run(result: object, text: str) -> tuple[object, object, object]:
    """A training function's (w, b, losses); a bare list of losses is named as such."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(result, (torch.Tensor, np.ndarray)) or (
        isinstance(result, (list, tuple)) and len(result) != 3
    ):
        raise AssertionError(
            f"{text} should return 3 values (w, b, losses); got "
            f"{messages.fmt_type(result)}. Train the w and b passed in, in place, and "
            "return them with the list of losses: return w, b, losses."
        )
    w, b, losses = validate.unpack(result, text, ("w", "b", "losses"))
    if isinstance(w, (list, tuple)) and not isinstance(losses, (list, tuple)):
        raise AssertionError(
            f"The first value {text} returns is {messages.fmt_type(w)}, the third "
            f"{messages.fmt_type(losses)}: return w, b, losses in this order."
        )
    return w, b, losses


def _require_returned(text: str, w: torch.Tensor, b: torch.Tensor, returned) -> None:
    """The w, b a training function returns hold the values it trained in place."""
    __tracebackhide__ = True  # noqa: F841
    for name, mine, value in zip("wb", (w, b), returned, strict=True):
        label = f"the {name} returned by {text}"
        tensor = validate.require_tensor(value, label)
        same = tuple(tensor.shape) == tuple(mine.shape) and (
            compare.worst_entry(
                validate.to_floats(tensor), validate.to_floats(mine), 0.0, TRAIN_ATOL
            )
            is None
        )
        if not same:
            raise AssertionError(
                f"{label} is not the {name} passed in, trained in place: return the "
                f"tensors you trained, return w, b, losses (not new or other tensors)."
            )


def _require_params(
    label: str,
    got: list[float],
    expected: list[float],
    candidates: Callable[[], mistakes.Candidates],
) -> None:
    """Final w and b within TRAIN_ATOL of the reference run, else name the mistake."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_finite(got, label, DIVERGED)
    if compare.worst_entry(got, expected, 0.0, TRAIN_ATOL) is None:
        return
    hint = diagnose.best_match(got, candidates(), TRAIN_MATCH_RTOL) or (
        "The reference is a float64 run of the same loop: do predict, mse and step_ pass "
        "their own checks?"
    )
    compare.require_entries(label, got, expected, 0.0, TRAIN_ATOL, hint)


def _run(fn: Callable, fn_name: str, p: LabParams, seed: int, lr: float, epochs: int):
    """Call a training function on the lab's float32 data from the seed's w, b.

    Returns (text, w, b, returned, losses): the caller's w, b after the run, and
    the w, b and losses the function returned.
    """
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(fn, fn_name)
    x, y = data(p)
    w, b = _start(seed, p)
    text = f"{fn_name}(x, y, w, b, lr={lr:g}, num_epochs={epochs})"
    w_out, b_out, losses = _unpack_run(_call(fn, text, x, y, w, b, lr, epochs), text)
    return text, w, b, (w_out, b_out), losses


def _check_run(fn: Callable, fn_name: str, p: LabParams, epochs: int) -> None:
    """The final w, b of a seeded run of fn against the float64 reference run."""
    __tracebackhide__ = True  # noqa: F841
    x, y = data64(p)
    w0, b0 = init64(p.seed, p)
    w_ref, b_ref, _ = reference_train(x, y, w0, b0, p.lr, epochs)
    text, w, b, returned, _ = _run(fn, fn_name, p, p.seed, p.lr, epochs)
    _require_params(
        f"(w, b) after {text}",
        _flat(w, b),
        _np_flat(w_ref, b_ref),
        lambda: mistakes.train_run(x, y, w0, b0, p.lr, epochs),
    )
    _require_returned(text, w, b, returned)


@validate.quiet
def check_train_params(train: Callable, p: LabParams = DEFAULT) -> None:
    """train from the seed-42 w, b ends where a float64 run of the lab's loop ends."""
    __tracebackhide__ = True  # noqa: F841
    _check_run(train, "train", p, p.num_epochs)


@validate.quiet
def check_train_losses(train: Callable, p: LabParams = DEFAULT) -> None:
    """train's losses (its third value): one per epoch, before each update, never
    rising."""
    __tracebackhide__ = True  # noqa: F841
    r = LOSS_RUN
    x, y = data64(p)
    w0, b0 = init64(r["seed"], p)
    ref = reference_train(x, y, w0, b0, r["lr"], r["num_epochs"])[2]
    ran = _run(train, "train", p, r["seed"], r["lr"], r["num_epochs"])
    text, losses = ran[0], ran[-1]
    values = _loss_values(losses, f"the losses from {text}")
    recipes.require_one_per_epoch(
        values, f"the losses from {text}", r["num_epochs"], p.num_epochs
    )
    validate.require_finite(values, f"the losses from {text}", DIVERGED)
    w42, b42 = init64(p.seed, p)
    after = reference_train(x, y, w0, b0, r["lr"], 2)[2][1]
    first = [
        (
            after,
            "losses[0] is the loss after the first update: record loss.item() "
            "before calling step_.",
        ),
        (
            reference_mse(reference_model(x, w42, b42), y),
            "losses[0] is the loss at "
            f"the seed-{p.seed} weights, not at the w, b passed in: does train call "
            "init_params or use the global w, b?",
        ),
    ]
    require_close(
        f"losses[0] from {text}", values[0], ref[0], LOSS_RTOL, 0.0, candidates=first
    )
    for i in range(1, len(values)):
        if values[i] > values[i - 1] * (1 + MONOTONE_RTOL):
            a, b = messages.fmt_pair(values[i - 1], values[i])
            raise AssertionError(
                f"The losses from {text} rise at epoch {i}: {a} -> {b}. Below "
                "lr = 2 / L the loss of gradient descent never rises: does step_ "
                "subtract w.grad * lr and zero the gradients?"
            )

    def last() -> list[tuple[float, str]]:
        run = lambda **k: simulate(  # noqa: E731
            x, y, w0, b0, k.pop("lr", r["lr"]), r["num_epochs"], **k
        )[2][-1]
        return [
            (
                run(lr=p.lr),
                f"The losses follow a run with lr = {p.lr:g} (the "
                f"notebook's), not the lr = {r['lr']:g} passed in: does train use its "
                "lr argument?",
            ),
            (
                run(zero_grad=False),
                "The losses follow a run whose gradients were "
                "never zeroed: does step_ call w.grad.zero_() and b.grad.zero_()?",
            ),
            (
                run(update="weights"),
                "The losses follow a run updated with the "
                "weights instead of the gradients: subtract w.grad * lr.",
            ),
        ]

    require_close(
        f"losses[-1] from {text}", values[-1], ref[-1], LOSS_RTOL, 0.0, candidates=last
    )


@validate.quiet
def check_trained(w: object, b: object, losses: object, p: LabParams = DEFAULT) -> None:
    """The notebook's run: init_params(3, 2, SEED), then LR and NUM_EPOCHS: w, b, losses."""
    __tracebackhide__ = True  # noqa: F841
    got: list[float] = []
    for name, value, shape in (
        ("w", w, (p.num_outputs, p.num_features)),
        ("b", b, (p.num_outputs,)),
    ):
        tensor = validate.require_tensor(value, name)
        validate.require_shape(tensor, name, shape)
        validate.require_floating(tensor, name)
        got += validate.to_floats(tensor)
        validate.require_finite(got, name, DIVERGED)
    values = _loss_values(losses, "losses")
    recipes.require_one_per_epoch(values, "losses", p.num_epochs, p.num_epochs)
    validate.require_finite(values, "losses", DIVERGED)
    x, y = data64(p)
    w0, b0 = init64(p.seed, p)
    w_ref, b_ref, ref, _ = seeded_run(p)
    if not compare.is_close(values[0], ref[0], LOSS_RTOL, 0.0):
        hint = diagnose.best_match(
            [values[0]], [([v], m) for v, m in mistakes.first_loss(x, y, p)]
        ) or (
            "losses[0], the loss before the first update, should be the loss at "
            "init_params(3, 2, SEED): do predict and mse pass their checks, and did "
            f"you call init_params(3, 2, SEED) right before train, with SEED = "
            f"{p.seed}?"
        )
        allowed = LOSS_RTOL * abs(ref[0])
        raise AssertionError(
            messages.with_hint(
                messages.value_mismatch("losses[0]", values[0], ref[0], allowed), hint
            )
        )
    _require_params(
        "(w, b) after your training cell",
        got,
        _np_flat(w_ref, b_ref),
        # the run's settings last: on a tie (lr 10x = mse summed) they name the cell
        lambda: (
            mistakes.train_run(x, y, w0, b0, p.lr, p.num_epochs)
            + mistakes.run_settings(x, y, w0, b0, p)
        ),
    )
    require_close("losses[-1]", values[-1], ref[-1], LOSS_RTOL, 0.0)


@validate.quiet
def check_debug_fix(train_fixed: Callable, p: LabParams = DEFAULT) -> None:
    """train_fixed: the seed document's loop, fixed, equals the lab's loop (100 epochs)."""
    __tracebackhide__ = True  # noqa: F841
    x, y = data64(p)
    w0, b0 = init64(p.seed, p)
    w_ref, b_ref, ref = reference_train(x, y, w0, b0, p.lr, p.debug_epochs)
    text, w, b, returned, losses = _run(
        train_fixed, "train_fixed", p, p.seed, p.lr, p.debug_epochs
    )
    _require_params(
        f"(w, b) after {text}",
        _flat(w, b),
        _np_flat(w_ref, b_ref),
        lambda: mistakes.train_run(x, y, w0, b0, p.lr, p.debug_epochs),
    )
    _require_returned(text, w, b, returned)
    values = _loss_values(losses, f"the losses from {text}")
    recipes.require_one_per_epoch(
        values, f"the losses from {text}", p.debug_epochs, p.num_epochs
    )
    require_close(f"losses[-1] from {text}", values[-1], ref[-1], LOSS_RTOL, 0.0)


# ---- learning rate, answers ----


def _lr_cases(p: LabParams) -> list[tuple[str, np.ndarray, torch.Tensor, int]]:
    """(text, x in float64, x as passed, m): the lab's float32 inputs, and scaled ones."""
    x_lab, _ = data64(p)
    cases = []
    for scale, m in LR_CASES:
        x = x_lab * scale
        given = torch.tensor(x, dtype=torch.float32) if scale == 1.0 else _t64(x)
        shown = "x" if scale == 1.0 else f"x = inputs * {scale:g}"
        cases.append((f"({shown}, num_outputs={m})", x, given, m))
    return cases


@validate.quiet
def check_hessian(student_hessian: Callable, p: LabParams = DEFAULT) -> None:
    """hessian(x, m) equals 2 / (n m) A.T @ A, A = [x, 1] (float64 reference)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(student_hessian, "hessian")
    x_lab, _ = data64(p)
    for args, x, given, m in _lr_cases(p):
        text = f"hessian{args}"
        n, k = x.shape
        value = _call(student_hessian, text, given, m)
        hint = mistakes.hessian_shape(tuple(getattr(value, "shape", ())), n, k)
        got = validate.require_tensor_values(value, text, (k + 1, k + 1), hint)
        notebook = hessian(x_lab, m)
        candidates = mistakes.hessian_matrix(x, m, notebook)
        _require_matrix(text, got, _np_flat(hessian(x, m)), candidates)
        if value.dtype != torch.float64:
            raise AssertionError(
                f"{text} has dtype {value.dtype}; expected torch.float64: build A "
                "from x.double(), so that its eigenvalues are exact to float64."
            )


@validate.quiet
def check_largest_stable_lr(
    largest_stable_lr: Callable, p: LabParams = DEFAULT
) -> None:
    """largest_stable_lr(x, m) equals 2 / L, L the Hessian's largest eigenvalue."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(largest_stable_lr, "largest_stable_lr")
    x_lab, _ = data64(p)
    for args, x, given, m in _lr_cases(p):
        text = f"largest_stable_lr{args}"
        expected = reference_largest_stable_lr(x, m)
        value = _call(largest_stable_lr, text, given, m)
        got = validate.to_number(value, text)
        validate.require_finite([got], text)
        notebook = reference_largest_stable_lr(x_lab, m)  # global inputs used

        def candidates(x=x, m=m, notebook=notebook) -> list[tuple[float, str]]:
            return mistakes.largest_stable_lr(x, m, notebook)

        require_close(text, got, expected, LR_RTOL, 0.0, candidates=candidates)


CHOICE = choice.MultipleChoice(ANSWERS, ANSWER_HINTS, LETTERS)
check_answer = CHOICE.check


# The hidden test cells' checks, by the names they call (`judge.check(name, ...)`).
CHECKS = {
    "init_shapes": check_init_shapes,
    "init_values": check_init_values,
    "predict": check_predict,
    "mse": check_mse,
    "grad_w": check_grad_w,
    "grad_b": check_grad_b,
    "formula_dw": check_formula_dw,
    "formula_db": check_formula_db,
    "step": check_step,
    "step_zero_grad": check_step_zero_grad,
    "train_params": check_train_params,
    "train_losses": check_train_losses,
    "trained": check_trained,
    "debug_fix": check_debug_fix,
    "answer_bug": functools.partial(check_answer, "bug"),
    "answer_accumulate": functools.partial(check_answer, "accumulate"),
    "hessian": check_hessian,
    "largest_stable_lr": check_largest_stable_lr,
    "answer_scaling": functools.partial(check_answer, "scaling"),
}
