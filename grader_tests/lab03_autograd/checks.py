"""Lab 03, autograd: the hidden checks and the answer key.

Each `check_*` takes the student's object, calls it on inputs it builds itself, compares
with a float64 reference computed from `LabParams` (reference.py), and raises
AssertionError with a sentence on the first thing wrong: defined -> type -> shape ->
finite -> value -> diagnosis (the mistakes are in mistakes.py). A student function
that raises gets a hint read from its exception and the warnings it gave (an in-place
update outside torch.no_grad(), a rebound non-leaf w whose .grad is None, x not
reshaped for nn.Linear). The multiple-choice answers live here (`ANSWERS`), never in
the released notebook. A prediction task (`check_prediction`) compares the
student's tuple with what torch does in the same experiment (reference.py).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypedDict

import numpy as np
import torch

from grader_tests.core import (
    choice,
    compare,
    diagnose,
    gradcheck,
    messages,
    recipes,
    remote,
    tolerances,
    validate,
)
from grader_tests.lab03_autograd import mistakes as mistakes
from grader_tests.lab03_autograd.mistakes import AUTOGRAD, NN
from grader_tests.lab03_autograd.reference import (  # noqa: F401  (re-exported: one import)
    DEFAULT,
    LabParams,
    lab_run,
    reference_accumulate,
    reference_central_difference,
    reference_data,
    reference_forward,
    reference_gradient,
    reference_mse,
    reference_no_grad,
    reference_numpy,
    reference_tensors,
    reference_train,
)

# Tolerances; the numbers compared are of size 0.05 to 100.
# The gradient's inputs are float64; a student's float32 cast of the right formula is
# off by a few float32 eps (1.2e-7) relative. The nearest mistake checked for (a sum
# divided by a hard-coded 4 on 5 examples) is 25% off.
GRADIENT_RTOL = 1e-5
# The check's central difference and the student's are the same float64 formula;
# another order of the operations moves the result by ~1e-14 relative. The nearest
# mistake (the exact derivative instead of the difference, h = 0.01) is 8e-6 off.
FD_RTOL = 1e-9
# Candidate mistakes in closed-form float64 formulas match to rounding, ~1e-14.
FD_MATCH_RTOL = 1e-7
FD_DIGITS = 8  # 12.0001 and 12 must print apart
# A float32 run of the lab's 20 epochs ends ~1e-7 from the float64 run (w ~ 2); the
# nearest mistake (updating with the previous epoch's gradient) ends 0.03 away.
TRAIN_ATOL = 1e-5
# A mistaken float32 run stays within ~1e-6 relative of its float64 twin; the
# candidates differ from each other by 1% or more.
TRAIN_MATCH_RTOL = 1e-4
# Float32 losses along a float32 run against the float64 run: ~1e-6 relative.
LOSS_RTOL = 1e-4
MONOTONE_RTOL = tolerances.MONOTONE_RTOL


class _Variant(TypedDict):
    """Other data for gradient: x, y and the w of y_hat = w * x."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    w: float


class _Run(TypedDict):
    """Other train_autograd and train_nn arguments."""

    w0: float
    lr: float
    num_epochs: int


# Inputs the checks choose.
PROBE_W = 0.5  # not the start 0: a dropped y_hat or w shows; y_hat = 0.5 x
VARIANT: _Variant = {
    "x": (0.5, -1.0, 2.0, 3.0, 1.5),
    "y": (1.0, -2.5, 3.5, 7.0, 2.0),
    "w": 0.7,
}
CUBIC = {"w": 1.5, "h": 0.01}  # f(w) = w ** 3: central difference 3 w^2 + h^2
# With its default h the central difference of the cubic must match 3 w^2 = 6.75 to
# gradcheck.AGREEMENT_RTOL (1e-7): h = 1e-6 is off by h^2 = 1e-12 plus ~5e-10 of
# rounding; any default h above ~8e-4 (h^2 > 6.75e-7) fails. The lab's MSE is a
# quadratic, whose central difference is exact for every h: it cannot show this.
# The losses come from a run with another start, lr and length than the notebook's,
# so a function reading the notebook's W0, LR or NUM_EPOCHS instead of its arguments
# shows; lr = 0.015 is stable (2 / L = 2 / 15) and the run ends far from its floor.
LOSS_RUN: _Run = {"w0": -1.0, "lr": 0.015, "num_epochs": 12}

ANSWERS = {"zero": "b", "exact": "c", "no_grad": "a"}
LETTERS = ("a", "b", "c")
ANSWER_HINTS = {  # must not give the letter away
    "zero": "Try it: call loss.backward() twice on the same w and print w.grad after "
    "each call.",
    "exact": "Try it: compare gradient(x, y, forward(x, w)) with w.grad from autograd "
    "in float64, then compare np.dot(2 * x, y_hat - y).mean() with both.",
    "no_grad": "Try it: run w -= LR * w.grad on a w with requires_grad=True, once "
    "outside and once inside with torch.no_grad(), and read what happens.",
}

PER_EXAMPLE = "gradients 2 * x * (y_hat - y)"
FORMULA = "2 * mean(x * (y_hat - y))"

# What a student's exception means, by a fragment of its text (first match wins).
NO_GRAD_HINT = (
    "w -= lr * w.grad changes w in place, and autograd refuses to record an in-place "
    "change of a leaf it must differentiate: put the update inside "
    "`with torch.no_grad():`."
)
REBIND_HINT = (
    "w.grad is None because w is no longer a leaf: `w = w - lr * w.grad` made w a new "
    "tensor computed from the old one (it has a grad_fn), and backward() fills .grad "
    "only for leaf tensors. Update the same tensor in place inside torch.no_grad(): "
    "`w -= lr * w.grad`."
)
GRAD_NONE_HINT = (
    "A .grad was None: did you call loss.backward() before reading w.grad, create w "
    "with requires_grad=True, and keep w the same tensor (update it in place, "
    "w -= lr * w.grad, not w = w - lr * w.grad)?"
)
NOT_TRACKED_HINT = (
    "The loss does not depend on a tensor that requires grad: create w with "
    "torch.tensor(w0, requires_grad=True), and update it in place; "
    "`w = w - lr * w.grad` inside torch.no_grad() replaces w by a tensor that does "
    "not require grad."
)
RESHAPE_HINT = (
    "nn.Linear(1, 1) expects x of shape (n, 1), one row per example: reshape x with "
    "x.reshape(-1, 1) (and y too, so that the loss compares shapes (n, 1) and (n, 1))."
)
SECOND_BACKWARD_HINT = (
    "Each backward() frees the graph it ran through: compute the prediction and the "
    "loss inside the loop, every epoch, before calling loss.backward()."
)
EXCEPTION_HINTS = [
    ("leaf Variable that requires grad is being used in an in-place", NO_GRAD_HINT),
    ("does not require grad and does not have a grad_fn", NOT_TRACKED_HINT),
    ("mat1 and mat2 shapes cannot be multiplied", RESHAPE_HINT),
    ("backward through the graph a second time", SECOND_BACKWARD_HINT),
]
NON_LEAF_WARNING = "is not a leaf Tensor is being accessed"
BROADCAST_WARNING = "Using a target size"


def _exception_hint(exc: BaseException | None, warned: Sequence[str]) -> str | None:
    """The likely cause of a student's exception, from its text and the warnings."""
    text = str(exc)
    for fragment, hint in EXCEPTION_HINTS:
        if fragment in text:
            return hint
    if "NoneType" in text:
        if any(NON_LEAF_WARNING in w for w in warned):
            return REBIND_HINT
        return GRAD_NONE_HINT
    return None


def _call(fn: Callable[..., Any], text: str, *args: Any) -> tuple[Any, list[str]]:
    """validate.call, keeping the warnings raised and explaining autograd's errors."""
    __tracebackhide__ = True  # noqa: F841
    result, warned, _ = _call_counting_graph(fn, text, *args)
    return result, warned


def _call_counting_graph(
    fn: Callable[..., Any], text: str, *args: Any
) -> tuple[Any, list[str], validate.GraphCount]:
    """_call, and what autograd did meanwhile (validate.GraphCount)."""
    __tracebackhide__ = True  # noqa: F841
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, graph = validate.call_counting_graph(fn, text, *args)
        except AssertionError as error:
            cause = error.__cause__
            hint = _exception_hint(cause, _warned(fn, caught))
            message = str(error)
            if hint and not message.endswith((".", "?", "!")):
                message += "."
            raise AssertionError(messages.with_hint(message, hint)) from cause
    return result, _warned(fn, caught), graph


def _warned(fn: object, caught: Sequence[warnings.WarningMessage]) -> list[str]:
    """The warnings of the last call of fn: the kernel's, or those caught here."""
    return [str(w.message) for w in caught] + remote.last_call(fn).warnings


def _fmt_list(values: np.ndarray) -> str:
    """[1, 2.5, -3] for a short list of floats."""
    return "[" + ", ".join(f"{float(v):g}" for v in values) + "]"


# ---- gradient (numpy, by hand) ----


def _torch_loss(x: np.ndarray, y: np.ndarray) -> gradcheck.TorchLoss:
    """The MSE of y_hat = w * x as a function of float64 params (w,), for autograd."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    return lambda params: ((params[0] * xt - yt) ** 2).mean()


def gradient_layers(x: np.ndarray, y: np.ndarray, w: float) -> gradcheck.GradientLayers:
    """dL/dw at w three ways in float64: formula, autograd, central differences."""
    return gradcheck.gradient_layers(
        _torch_loss(x, y),
        lambda params: np.array(
            [reference_gradient(x, y, reference_forward(x, *params))]
        ),
        [w],
    )


def _gradient_probes(p: LabParams) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(x, y, w) in float64: the lab's data at PROBE_W, then other data of size 5."""
    x, y = (a.astype(np.float64) for a in reference_data(p))
    v = VARIANT
    return [(x, y, PROBE_W), (np.array(v["x"]), np.array(v["y"]), v["w"])]


@validate.quiet
def check_gradient(gradient: Callable, p: LabParams = DEFAULT) -> None:
    """gradient(x, y, y_hat) equals float64 autograd's dL/dw (= 2 mean(x (y_hat - y)))."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(gradient, "gradient")
    for x, y, w in _gradient_probes(p):
        y_hat = reference_forward(x, w)
        expected = float(gradient_layers(x, y, w).autograd[0])
        where = f"x = {_fmt_list(x)}, y = {_fmt_list(y)}, y_hat = {_fmt_list(y_hat)}"
        text = f"gradient(x, y, y_hat) with {where}"
        value, _ = _call(gradient, text, x.copy(), y.copy(), y_hat.copy())
        if value is None:
            raise AssertionError(
                f"{text} returned None: did you forget `return dw`, with "
                f"dw = {FORMULA}?"
            )
        shape = getattr(value, "shape", ())
        hint = diagnose.diagnose_shape(shape, len(x), PER_EXAMPLE)
        got = validate.to_number(value, text, hint)
        validate.require_finite([got], text)
        if compare.is_close(got, expected, GRADIENT_RTOL, 0.0):
            continue
        specific = mistakes.gradient(x, y, y_hat, p.n)
        hint = diagnose.best_match([got], [([c], m) for c, m in specific])
        if hint is None:
            table = diagnose.diagnose_scalar("dw", got, expected, len(x))
            if table is not None:
                raise AssertionError(f"{text}: {table}")
        mismatch = messages.value_mismatch(
            text, got, expected, GRADIENT_RTOL * abs(expected)
        )
        hint = hint or (
            f"The reference is autograd's, in float64 (the formula {FORMULA} and "
            "central differences agree with it to 1e-9): compare your code with "
            "the formula."
        )
        raise AssertionError(messages.with_hint(mismatch, hint))


# ---- numerical gradient ----


def _cubic(w: float) -> float:
    return w**3


@validate.quiet
def check_numerical_gradient(
    numerical_gradient: Callable, p: LabParams = DEFAULT
) -> None:
    """numerical_gradient(f, w, h) is the central difference; with its default h it
    matches autograd on the lab's loss in float64, and the exact derivative of a cubic
    (on a quadratic like the lab's loss the central difference is exact for any h, so
    only the cubic shows a default h that is too large)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(numerical_gradient, "numerical_gradient")
    w, h = CUBIC["w"], CUBIC["h"]
    text = f"numerical_gradient(f, {w}, {h}) for f(w) = w ** 3"
    expected = reference_central_difference(_cubic, w, h)  # before the student runs
    value, _ = _call(numerical_gradient, text, _cubic, w, h)
    got = validate.to_number(value, text)
    validate.require_finite([got], text)
    if not compare.is_close(got, expected, FD_RTOL, 0.0):
        x, y = (a.astype(np.float64) for a in reference_data(p))
        lab_slope = reference_gradient(x, y, reference_forward(x, w))
        candidates = mistakes.numerical_gradient(_cubic, w, h, 3 * w**2, lab_slope)
        hint = diagnose.best_match(
            [got], [([c], m) for c, m in candidates], FD_MATCH_RTOL
        ) or ("Use the central difference (f(w + h) - f(w - h)) / (2 * h).")
        raise AssertionError(
            f"{text} is wrong: got {messages.fmt_number(got, FD_DIGITS)}, expected "
            f"{messages.fmt_number(expected, FD_DIGITS)}, the central difference of "
            f"a cubic, 3 w^2 + h^2 (up to {messages.fmt_number(FD_RTOL * expected, 2)}"
            f" allowed). {hint}"
        )
    x, y = (a.astype(np.float64) for a in reference_data(p))
    loss = _torch_loss(x, y)

    def f(w: float) -> float:
        return reference_mse(reference_forward(x, w), y)

    text = f"numerical_gradient(f, {PROBE_W}) for f(w) = the lab's MSE, in float64"
    expected = float(gradcheck.autograd_gradient(loss, [PROBE_W])[0])
    value, _ = _call(numerical_gradient, text, f, PROBE_W)
    got = validate.to_number(value, text)
    validate.require_finite([got], text)
    if not compare.is_close(got, expected, gradcheck.AGREEMENT_RTOL, 0.0):
        mismatch = messages.value_mismatch(
            text, got, expected, gradcheck.AGREEMENT_RTOL * abs(expected)
        )
        raise AssertionError(
            messages.with_hint(
                mismatch,
                "The expected value is autograd's. With the default h the central "
                "difference should agree to 1e-7: is the default h about 1e-6? A "
                "much smaller h loses digits to rounding, a larger one to curvature.",
            )
        )
    w = CUBIC["w"]
    text = f"numerical_gradient(f, {w}) (the default h) for f(w) = w ** 3"
    expected = 3 * w**2  # the exact derivative
    value, _ = _call(numerical_gradient, text, _cubic, w)
    got = validate.to_number(value, text)
    validate.require_finite([got], text)
    if not compare.is_close(got, expected, gradcheck.AGREEMENT_RTOL, 0.0):
        mismatch = messages.value_mismatch(
            text, got, expected, gradcheck.AGREEMENT_RTOL * abs(expected)
        )
        hint = (
            "The expected value is the exact derivative 3 w^2; the central difference "
            "of a cubic is 3 w^2 + h^2, within 1e-12 of it with h = 1e-6: is the "
            "default h about 1e-6?"
        )
        if got > expected:  # the excess h^2 tells the h used
            h_used = messages.fmt_number((got - expected) ** 0.5, 2)
            hint += (
                f" Yours behaves like h = {h_used}, too large: the error of the "
                "central difference grows like h ** 2."
            )
        raise AssertionError(messages.with_hint(mismatch, hint))


# ---- training: train_autograd and train_nn ----


def _nn_weight(model: Any, text: str) -> float:
    """The one weight of the model train_nn returned, as a float."""
    __tracebackhide__ = True  # noqa: F841
    if not remote.is_instance(model, torch.nn.Module):
        hint = (
            " Return the model itself, not its weight."
            if isinstance(model, torch.Tensor)
            else ""
        )
        raise AssertionError(
            f"The first value from {text} should be the model (a torch.nn.Module); "
            f"got {messages.fmt_type(model)}.{hint}"
        )
    params = list(model.named_parameters())
    if len(params) != 1 or params[0][1].numel() != 1:
        listed = ", ".join(
            f"{name} {messages.fmt_shape(t.shape)}" for name, t in params
        )
        raise AssertionError(
            f"The model from {text} has {len(params)} parameter tensors "
            f"({listed or 'none'}); the lab's model f = w * x has one weight and no "
            "bias: use nn.Linear(1, 1, bias=False)."
        )
    return validate.to_floats(params[0][1])[0]


def _settings_text(name: str, run: Mapping[str, Any]) -> str:
    return "{}(x, y, w0={}, lr={}, num_epochs={})".format(
        name, run["w0"], run["lr"], run["num_epochs"]
    )


def _run_student(
    fn: Callable, kind: str, run: Mapping[str, Any], p: LabParams
) -> tuple[str, float, object, list[str]]:
    """Call the student's training function on the lab's float32 data.

    Returns the call's text, the final w as a float, the raw losses and the warnings.
    """
    __tracebackhide__ = True  # noqa: F841
    name = "train_autograd" if kind == AUTOGRAD else "train_nn"
    validate.require_callable(fn, name)
    x, y = reference_tensors(p)
    text = _settings_text(name, run)
    args = (x.clone(), y.clone(), run["w0"], run["lr"], run["num_epochs"])
    result, warned, graph = _call_counting_graph(fn, text, *args)
    first = "w" if kind == AUTOGRAD else "model"
    value, losses = validate.unpack(result, text, (first, "losses"))
    if kind == AUTOGRAD and not graph.used:
        raise AssertionError(
            f"{text} never ran backward(): this task takes dL/dw from autograd. "
            "Create w with requires_grad=True, call loss.backward() each epoch and "
            "step with w.grad, not with a formula for the derivative."
        )
    if kind == AUTOGRAD:
        w = validate.to_number(value, f"w from {text}")
    else:
        w = _nn_weight(value, text)
    return text, w, losses, warned


def _nn_start_hint(
    train_nn: Callable, run: Mapping[str, Any], p: LabParams
) -> str | None:
    """If train_nn with 0 epochs leaves the weight away from w0: say how to set it."""
    x, y = reference_tensors(p)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model, _ = train_nn(x.clone(), y.clone(), run["w0"], run["lr"], 0)
        start = _nn_weight(model, "train_nn")
    except Exception:  # a probe only: any failure means no hint
        return None
    if start == run["w0"]:
        return None
    return (
        f"Before any update (num_epochs=0) the model's weight is "
        f"{messages.fmt_number(start)}, not w0 = {run['w0']}: nn.Linear starts from a "
        "random weight. Set it before training: with torch.no_grad(): "
        "model.weight.fill_(w0)."
    )


def _generic_train_hint(kind: str) -> str:
    if kind == AUTOGRAD:
        return (
            "The reference is a float64 run of the lab's loop: each epoch record the "
            "loss, loss.backward(), w -= lr * w.grad inside torch.no_grad(), then "
            "w.grad.zero_()."
        )
    return (
        "The reference is a float64 run of the lab's loop: each epoch record the "
        "loss, loss.backward(), optimizer.step(), optimizer.zero_grad(), with "
        "nn.MSELoss() on shapes (n, 1) and the weight starting at w0."
    )


def _warning_hint(warned: Sequence[str]) -> str | None:
    if any(BROADCAST_WARNING in w for w in warned):
        return (
            "PyTorch warned 'Using a target size ... different to the input size': "
            "the prediction and y have different shapes and broadcast to (n, n). "
            "Reshape y to (n, 1) like x."
        )
    return None


def _check_train_w(fn: Callable, kind: str, p: LabParams) -> None:
    __tracebackhide__ = True  # noqa: F841
    run = {"w0": p.w0, "lr": p.lr, "num_epochs": p.num_epochs}
    expected = lab_run(p)[0]  # before the student's code runs (it may patch numpy)
    text, got, _, warned = _run_student(fn, kind, run, p)
    label = f"w after {text}"
    validate.require_finite([got], label)
    if abs(got - expected) <= TRAIN_ATOL:
        return
    x, y = reference_data(p)
    runs = [r for r in mistakes.train(x, y, run, kind) if not r.losses_only]
    hint = diagnose.best_match(
        [got], [([r.w], r.message) for r in runs], TRAIN_MATCH_RTOL
    )
    if hint is None and kind == NN:
        hint = _warning_hint(warned) or _nn_start_hint(fn, run, p)
    message = messages.value_mismatch(label, got, expected, TRAIN_ATOL)
    raise AssertionError(messages.with_hint(message, hint or _generic_train_hint(kind)))


def _check_train_losses(fn: Callable, kind: str, p: LabParams) -> None:
    __tracebackhide__ = True  # noqa: F841
    run = LOSS_RUN
    x, y = reference_data(p)
    ref = reference_train(x, y, run["w0"], run["lr"], run["num_epochs"])[1]
    text, _, losses, warned = _run_student(fn, kind, run, p)
    label = f"losses from {text}"
    values = recipes.loss_history(losses, label, lambda i: f"losses[{i}] from {text}")
    recipes.require_one_per_epoch(values, label, run["num_epochs"], p.num_epochs)
    validate.require_finite(values, f"losses from {text}")
    if compare.worst_entry(values, ref, LOSS_RTOL, 0.0) is None:
        return
    runs = mistakes.train(x, y, run, kind) + mistakes.train_settings(p, run)
    hint = diagnose.best_match(
        values, [(r.losses, r.message) for r in runs], TRAIN_MATCH_RTOL
    )
    if hint is None and kind == NN:
        hint = _warning_hint(warned) or _nn_start_hint(fn, run, p)
    if hint is None:
        for i in range(1, len(values)):
            if values[i] > values[i - 1] * (1 + MONOTONE_RTOL):
                a, b = messages.fmt_pair(values[i - 1], values[i])
                raise AssertionError(
                    f"losses from {text} rise at epoch {i}: {a} -> {b}. At this "
                    "learning rate the loss of gradient descent never rises: does "
                    "the update subtract lr times the gradient, and is the gradient "
                    "zeroed every epoch?"
                )
    hint = hint or _generic_train_hint(kind)
    compare.require_entries(f"losses from {text}", values, ref, LOSS_RTOL, 0.0, hint)


@validate.quiet
def check_train_autograd_w(train_autograd: Callable, p: LabParams = DEFAULT) -> None:
    """w from train_autograd on the lab's float32 data equals a float64 reference run."""
    __tracebackhide__ = True  # noqa: F841
    _check_train_w(train_autograd, AUTOGRAD, p)


@validate.quiet
def check_train_autograd_losses(
    train_autograd: Callable, p: LabParams = DEFAULT
) -> None:
    """train_autograd's losses (other w0, lr, epochs) equal a float64 reference run's."""
    __tracebackhide__ = True  # noqa: F841
    _check_train_losses(train_autograd, AUTOGRAD, p)


@validate.quiet
def check_train_nn_w(train_nn: Callable, p: LabParams = DEFAULT) -> None:
    """The weight of train_nn's model equals the float64 run of the manual loop."""
    __tracebackhide__ = True  # noqa: F841
    _check_train_w(train_nn, NN, p)


@validate.quiet
def check_train_nn_losses(train_nn: Callable, p: LabParams = DEFAULT) -> None:
    """train_nn's losses (other w0, lr, epochs) equal the manual loop's in float64."""
    __tracebackhide__ = True  # noqa: F841
    _check_train_losses(train_nn, NN, p)


# ---- predictions: graded experiments ----

# The predicted numbers are small exact values (6, 12, 10.0): a tolerance of 1e-6
# forgives a prediction written as 12.0000001, and nothing else.
PREDICT_ATOL = 1e-6
# What each entry of a prediction tuple is, and the experiment that gives the truth.
PREDICTIONS: dict[str, tuple[tuple[str, ...], Callable[[], tuple]]] = {
    "accumulate": (
        (
            "a.grad after the second backward",
            "a.grad after zero_() and a third backward",
        ),
        reference_accumulate,
    ),
    "no_grad": (
        ("z.requires_grad", "z.grad_fn is None", "w.requires_grad after the block"),
        reference_no_grad,
    ),
    "numpy": (
        (
            "shared[0]",
            "copied[0]",
            "whether shared @ w32 raises",
            "whether shared * w32 raises",
        ),
        reference_numpy,
    ),
}


def _prediction_entry(value: object, truth: object, label: str) -> float | bool:
    """One entry of a prediction as a float or a bool, of the truth's kind."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(truth, bool):
        if not isinstance(value, (bool, np.bool_)):
            raise AssertionError(
                f"{label} should be True or False; got {messages.fmt_type(value)}."
            )
        return bool(value)
    return validate.to_number(value, label)


@validate.quiet
def check_prediction(name: str, prediction: object) -> None:
    """predict_<name> equals, entry by entry, what torch does in the experiment
    (numbers to PREDICT_ATOL, booleans exactly); each wrong entry gets its reason."""
    __tracebackhide__ = True  # noqa: F841
    what, experiment = PREDICTIONS[name]
    truth = experiment()
    label = f"predict_{name}"
    if not isinstance(prediction, (tuple, list)) or len(prediction) != len(truth):
        raise AssertionError(
            f"{label} should be a tuple of {len(truth)} entries "
            f"({', '.join(what)}); got {messages.fmt_type(prediction)}."
        )
    wrong = []
    for i, (value, true, text) in enumerate(zip(prediction, truth, what, strict=True)):
        got = _prediction_entry(value, true, f"{label}[{i}] ({text})")
        if isinstance(true, bool):
            right = got == true
        else:
            right = abs(float(got) - float(true)) <= PREDICT_ATOL
        if not right:
            shown = got if isinstance(got, bool) else messages.fmt_number(got)
            why = mistakes.PREDICTION_WHY[name][i]
            wrong.append(f"{label}[{i}] ({text}) = {shown} is not right. {why}")
    if wrong:
        raise AssertionError(
            " ".join(wrong) + " Run the experiment cell above the test cell and "
            "compare what it prints with your prediction."
        )


# ---- answers ----


CHOICE = choice.MultipleChoice(ANSWERS, ANSWER_HINTS, LETTERS)
check_answer = CHOICE.check


# The hidden test cells' checks, by the names they call (`judge.check(name, ...)`).
CHECKS = {
    "gradient": check_gradient,
    "numerical_gradient": check_numerical_gradient,
    "train_w": check_train_autograd_w,
    "train_losses": check_train_autograd_losses,
    "nn_w": check_train_nn_w,
    "nn_losses": check_train_nn_losses,
    "predict_accumulate": functools.partial(check_prediction, "accumulate"),
    "predict_no_grad": functools.partial(check_prediction, "no_grad"),
    "predict_numpy": functools.partial(check_prediction, "numpy"),
    "answer_zero": functools.partial(check_answer, "zero"),
    "answer_exact": functools.partial(check_answer, "exact"),
    "answer_no_grad": functools.partial(check_answer, "no_grad"),
}
