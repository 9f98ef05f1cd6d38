"""Lab 06, review questions: the hidden checks and the answer key.

Three kinds of items. Multiple choice (`check_choice`): the answer must be one letter
"a"-"d", in quotes; the key lives here (`ANSWERS`), never in the released notebook.
Numbers and shapes (`check_q6_shapes`, `check_q12_mse`, ...): the form is checked
first (a number, a whole number, a tuple of ints) with a sentence saying how to write
it, then the value against a reference computed from `LabParams` (reference.py),
with a diagnosis of the usual wrong values that does not give the answer away. Code
(`check_split_table`, `check_step_`, `check_fit`, ...): the student's function is
called on the check's own float64 inputs and compared with the reference, stopping
at the first thing wrong: defined -> type -> shape -> dtype -> finite -> value ->
diagnosis. Each check raises AssertionError with one sentence and returns None.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeGuard

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from grader_tests.core import (
    choice,
    compare,
    diagnose,
    kernel_objects,
    loaders,
    messages,
    remote,
    tolerances,
    validate,
)
from grader_tests.lab06_review import reference as ref
from grader_tests.lab06_review.reference import DEFAULT, LabParams

# ---- tolerances ----

# Typed-in numbers: 3 significant digits are enough (0.133 for 2/15 is 0.25% off);
# the nearest wrong answer checked for is 2x away. X4's first-order answer -0.3 and
# the exact change -0.29925 are 0.25% apart: both are right.
ANSWER_RTOL = 5e-3
# Code run on float64 inputs: a student's float32 cast of a right formula is off by a
# few float32 eps (1.2e-7) relative; the nearest mistake checked for is 2x off.
FLOAT32_RTOL, FLOAT32_ATOL = tolerances.FLOAT32.rtol, tolerances.FLOAT32.atol
# The fit check runs float64 end to end: two orders of the same sums agree to ~1e-15.
FIT_RTOL, FIT_ATOL = 1e-9, 1e-12

LETTERS = ("a", "b", "c", "d")

# ---- multiple choice ----

ANSWERS = {
    "q39": "c",
    "q14": "a",
    "q17_q18": "d",
    "q23": "b",
    "q27": "c",
    "q29": "b",
    "x1": "a",
    "x3": "d",
    "q34": "c",
    "x6": "b",
    "q30_q38": "d",
    "q40_q42": "a",
}
ANSWER_HINTS = {  # must not give the letter away
    "q39": "Try it: F.mse_loss(torch.zeros(5, 1), torch.arange(5.0)) and compare with "
    "F.mse_loss(torch.zeros(5), torch.arange(5.0)); read the warning.",
    "q14": "Try it: call backward on the same loss expression twice (recomputing it) "
    "and print w and w.grad after each call.",
    "q17_q18": "To first order L(w + d) = L(w) + (dL/dw) * d: which sign of d lowers L?",
    "q23": "Try `w -= 0.1 * w.grad` on a leaf w with requires_grad=True, once outside "
    "and once inside `with torch.no_grad():`, and look at w.requires_grad after.",
    "q27": "How far does one epoch move w when every step is lr * gradient with a "
    "small lr? How many minima does the MSE of a linear model have?",
    "q29": "Which quantity does the update subtract? Would w and b change the same way "
    "if the targets were different?",
    "x1": "How many minima does the MSE of a linear model have? Train from two very "
    "different starts and compare where they end.",
    "x3": "Which part of the loss's curvature (its Hessian) depends on y? What does "
    "the least-squares fit of noisy data fit?",
    "q34": "Iterate twice over DataLoader(TensorDataset(x, y), batch_size=2, "
    "shuffle=True) with x = y = torch.arange(6.0) and print the batches.",
    "x6": "What would the last 20 of 100 rows be if the file were sorted by target? "
    "And what does a loss on examples the model was trained on tell you?",
    "q30_q38": "Try print(nn.Linear(3, 2).weight.shape), dir(F) and "
    "list(nn.Linear(3, 2).parameters()).",
    "q40_q42": "Look at what optimizer.step() reads (each parameter's .grad) and what "
    "fills .grad.",
}


# ---- forms ----


def _describe(value: object) -> str:
    """A value as a student would name it: 'the string 'B)'', 'the int 3', 'a list [4, 7]'."""
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {value}"
    if isinstance(value, (int, np.integer)):
        return f"the int {value}"
    if isinstance(value, (float, np.floating)):
        return f"the float {float(value)!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {text!r}"
    if isinstance(value, (list, tuple)):
        text = repr(value)
        text = text if len(text) <= 40 else text[:37] + "..."
        return f"a {type(value).__name__} {text}"
    return messages.fmt_type(value)


def _is_int(value: object) -> TypeGuard[int | np.integer]:
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, (bool, np.bool_)
    )


def require_letter(name: str, value: object) -> str:
    """The answer as a lower-case letter among LETTERS, or a sentence on how to write it."""
    __tracebackhide__ = True  # noqa: F841
    allowed = ", ".join(f'"{c}"' for c in LETTERS)
    how = f'Write the letter alone, in quotes: {name} = "a" (with your letter).'
    if not isinstance(value, str):
        raise AssertionError(
            f"{name} should be one letter in quotes ({allowed}); got "
            f"{_describe(value)}. {how}"
        )
    letter = value.strip().lower()
    if letter not in LETTERS:
        raise AssertionError(
            f"{name} should be one of {allowed}; got {_describe(value)}. {how}"
        )
    return letter


def require_int_tuple(name: str, value: object, example: str = "(2, 3)") -> tuple:
    """The answer as a tuple of ints (torch.Size is one), or how to write it."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(value, tuple) and all(_is_int(v) for v in value):
        return tuple(int(v) for v in value)
    wanted = f"{name} should be a tuple of ints, like {example}"
    if _is_int(value):
        hint = (
            f"A tuple with one element needs a trailing comma: ({value},); "
            f"({value}) is just the int {value}."
        )
    elif isinstance(value, list):
        hint = "Write it with round brackets, as a tuple."
    elif isinstance(value, tuple):
        bad = next(v for v in value if not _is_int(v))
        hint = f"Its entries must be ints; {_describe(bad)} is not."
    elif isinstance(value, str):
        hint = "Remove the quotes."
    else:
        hint = None
    message = f"{wanted}; got {_describe(value)}."
    raise AssertionError(messages.with_hint(message, hint))


def require_whole_number(name: str, value: object, hint: str | None = None) -> int:
    """The answer as an int (not a float, a string or a bool), or how to write it."""
    __tracebackhide__ = True  # noqa: F841
    if _is_int(value):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        hint = f"Write {int(value)} instead of {float(value)!r}."
    elif isinstance(value, str):
        hint = "Remove the quotes."
    message = f"{name} should be a whole number (an int); got {_describe(value)}."
    raise AssertionError(messages.with_hint(message, hint))


def require_real(name: str, value: object) -> float:
    """The answer as a finite float: an int, a float or a one-element tensor."""
    __tracebackhide__ = True  # noqa: F841
    if isinstance(value, str):
        raise AssertionError(
            f"{name} should be a number, not a string: remove the quotes around "
            f"{value!r}."
        )
    if isinstance(value, (list, tuple)):
        raise AssertionError(f"{name} should be one number; got {_describe(value)}.")
    number = validate.to_number(value, name)
    validate.require_finite([number], name)
    return number


# ---- multiple choice ----


CHOICE = choice.MultipleChoice(ANSWERS, ANSWER_HINTS, LETTERS, form=require_letter)
check_choice = CHOICE.check


# ---- numbers and shapes ----


def _close(got: float, expected: float) -> bool:
    return compare.is_close(got, expected, ANSWER_RTOL, 0.0)


def _wrong_number(name: str, got: float, what: str, candidates) -> AssertionError:
    """A wrong typed-in number: the likely mistake if one fits, never the answer."""
    hint = diagnose.best_match([got], [([c], m) for c, m in candidates], ANSWER_RTOL)
    message = f"{name} = {messages.fmt_number(got)} is not {what}."
    return AssertionError(messages.with_hint(message, hint))


@validate.quiet
def check_q6_shapes(w_shape: object, b_shape: object, p: LabParams = DEFAULT) -> None:
    """Q6: the shapes of w and b for inputs (200, 7) and targets (200, 4)."""
    __tracebackhide__ = True  # noqa: F841
    n, d, m = p.q6_examples, p.q6_features, p.q6_targets
    w_got = require_int_tuple("q6_w_shape", w_shape)
    b_got = require_int_tuple("q6_b_shape", b_shape, "(5,)")
    w_want, b_want = ref.q6_shapes(p)
    if w_got != w_want:
        hint = {
            (d, m): "That is the shape of w.T: with preds = inputs @ w.T + b, w has "
            "one row per target and one column per input feature.",
            (n, d): "That is the shape of the inputs; w does not depend on the number "
            "of examples.",
            (n, m): "That is the shape of the targets (and of the predictions).",
        }.get(w_got, "Which shape makes inputs (n, 7) @ w.T give predictions (n, 4)?")
        raise AssertionError(f"q6_w_shape = {w_got} is not the shape of w. {hint}")
    if b_got != b_want:
        hint = {
            (n, m): "There is one bias per target, shared by all examples: b does not "
            "depend on the number of examples.",
            (d,): "b has one entry per target (per output), not per input feature.",
            (m, 1): "Make b one-dimensional: a (4, 1) column would broadcast against "
            "(n, 4) predictions wrongly.",
            (1, m): "Keep b one-dimensional, one entry per target: torch's "
            "broadcasting adds it to every row.",
        }.get(
            b_got,
            "How many bias values does the model have, and do they depend on "
            "the example?",
        )
        raise AssertionError(f"q6_b_shape = {b_got} is not the shape of b. {hint}")


@validate.quiet
def check_q12_mse(value: object, p: LabParams = DEFAULT) -> None:
    """Q12: the MSE of the question's 3 x 2 predictions."""
    __tracebackhide__ = True  # noqa: F841
    got = require_real("q12_mse", value)
    expected = ref.q12_mse(p)
    if _close(got, expected):
        return
    preds, targets = np.array(p.q12_preds), np.array(p.q12_targets)
    sq = (preds - targets) ** 2
    rows, cols = preds.shape
    candidates = [
        (
            sq.sum() / rows,
            f"Did you divide the sum of squared errors by the number of "
            f"rows ({rows}) instead of by the number of entries ({sq.size})?",
        ),
        (
            sq.sum() / cols,
            f"Did you divide by the number of columns ({cols}) instead "
            f"of by the number of entries ({sq.size})?",
        ),
        (sq.sum(), "Did you sum the squared errors without averaging them?"),
        (math.sqrt(sq.mean()), "Did you take the square root (that is the RMSE)?"),
        (
            np.abs(preds - targets).mean(),
            "That is the mean absolute error: did you "
            "forget to square the differences?",
        ),
        (sq.mean() / 2, "Did you divide by 2?"),
        (
            (preds - targets).mean() ** 2,
            "Did you square the mean difference instead "
            "of averaging the squared differences?",
        ),
    ]
    raise _wrong_number("q12_mse", got, "the MSE of these predictions", candidates)


@validate.quiet
def check_x4_change(value: object, p: LabParams = DEFAULT) -> None:
    """X4: the loss change when w goes from 0 to 0.01 (first order or exact)."""
    __tracebackhide__ = True  # noqa: F841
    got = require_real("x4_change", value)
    first, exact = ref.x4_change(p)
    if _close(got, first) or _close(got, exact):
        return
    x, y = ref.data4(p)
    w, delta = p.w4_start, p.w4_delta
    grad = ref.dw4(x, y, w)
    candidates = [
        (
            -first,
            "The loss goes down when w moves against the sign of dL/dw: check "
            "the sign.",
        ),
        (
            grad,
            "That is dL/dw itself; the change of the loss is about dL/dw times the "
            "change of w.",
        ),
        (
            ref.loss4(x, y, w + delta),
            "That is the new loss; the question asks for the "
            "change, new loss minus old loss.",
        ),
        (
            len(x) * first,
            f"That is {len(x)}x the change: did you use a gradient summed "
            "over the examples (like np.dot(2*x, y_pred - y)) instead of their mean?",
        ),
        (grad / delta, "Multiply the derivative by the change of w, do not divide."),
    ]
    raise _wrong_number(
        "x4_change", got, "the change of the loss (new minus old)", candidates
    )


@validate.quiet
def check_q24_grad(value: object, p: LabParams = DEFAULT) -> None:
    """Q24: w.grad after two backward passes of w ** 2 without zeroing."""
    __tracebackhide__ = True  # noqa: F841
    got = require_real("q24_grad", value)
    if _close(got, ref.accumulated_grad(p)):
        return
    once = 2 * p.q24_w
    candidates = [
        (
            once,
            "That is the gradient of one backward pass. Does backward() replace "
            "w.grad or add to it? Run the cell and print w.grad.",
        ),
        (0.0, "Nothing resets w.grad in this loop: run it and print w.grad."),
        (p.q24_w**2, "That is the loss, not its gradient."),
    ]
    raise _wrong_number("q24_grad", got, "w.grad after the loop", candidates)


@validate.quiet
def check_q22_lr_max(value: object, p: LabParams = DEFAULT) -> None:
    """Q22: the bound 2 / L'' on stable learning rates for the four-point example."""
    __tracebackhide__ = True  # noqa: F841
    got = require_real("q22_lr_max", value)
    expected = ref.lr_max4(p)
    if _close(got, expected):
        return
    x, _ = ref.data4(p)
    mean_x2, sum_x2 = float(np.mean(x**2)), float(np.sum(x**2))
    candidates = [
        (
            expected / 2,
            "That is 1 / L'': the learning rate that reaches the minimum "
            "in one step. How much larger can lr be before the steps start to grow?",
        ),
        (2 / mean_x2, "Did you leave out the factor 2 in L''(w) = 2 mean(x^2)?"),
        (
            2 / (2 * sum_x2),
            "Did you sum over the examples instead of averaging (L is a mean)?",
        ),
    ]
    raise _wrong_number(
        "q22_lr_max", got, "the bound on stable learning rates", candidates
    )


@validate.quiet
def check_q25_order(value: object) -> None:
    """Q25: the five steps of an epoch in a valid order."""
    __tracebackhide__ = True  # noqa: F841
    letters = "".join(sorted(ref.STEPS))
    how = f'a string holding each of the letters "{letters}" once, like "{letters}"'
    if not isinstance(value, str):
        raise AssertionError(f"q25_order should be {how}; got {_describe(value)}.")
    order = value.replace(" ", "").replace(",", "").lower()
    if sorted(order) != sorted(letters):
        raise AssertionError(f"q25_order should be {how}; got {_describe(value)}.")
    if ref.order_is_valid(order):
        return
    pos = {c: order.index(c) for c in letters}
    if pos["a"] < pos["d"] < pos["b"]:
        hint = (
            "It zeroes the gradients between backward() and the update, so the "
            "update uses zeros: w and b never change."
        )
    else:
        chain = [c for c in order if c != "d"]
        first_wrong = next(
            (a, b)
            for a, b in zip(chain, chain[1:], strict=False)
            if a + b not in "ceab"
        )
        hint = (
            f"Step {first_wrong[1]!r} ({ref.STEPS[first_wrong[1]]}) comes right after "
            f"{first_wrong[0]!r} ({ref.STEPS[first_wrong[0]]}): what does each step "
            "need from the one before?"
        )
    raise AssertionError(f"q25_order = {value!r} is not a working epoch. {hint}")


@validate.quiet
def check_q26_updates(value: object, p: LabParams = DEFAULT) -> None:
    """Q26: the number of parameter updates in 10 epochs of 100 examples, batch 32."""
    __tracebackhide__ = True  # noqa: F841
    n, bs, epochs = p.q26_n, p.q26_batch_size, p.q26_epochs
    float_hint = (
        f"A batch is never split: did you divide {n} by {bs} without rounding up "
        "to whole batches?"
    )
    got = require_whole_number("q26_updates", value, float_hint)
    if got == ref.q26_updates(p):
        return
    per_epoch = math.ceil(n / bs)
    hint = {
        epochs * (n // bs): "That drops the last, smaller batch (drop_last=True); "
        "here it is kept: one more update in every epoch.",
        per_epoch: f"That is one epoch; the question asks for all {epochs}.",
        epochs: "With mini-batches there is one update per batch, not per epoch.",
        n * epochs: "That is one update per example; here each update uses a batch.",
        n
        // bs: f"That is one epoch without the last batch; there are {epochs} epochs.",
    }.get(got, "How many batches does one epoch have, and how many epochs are there?")
    raise AssertionError(f"q26_updates = {got} is not the number of updates. {hint}")


@validate.quiet
def check_q33_batch_sizes(value: object, p: LabParams = DEFAULT) -> None:
    """Q33: the sizes of one epoch's batches for N = 15, batch size 4."""
    __tracebackhide__ = True  # noqa: F841
    got = require_int_tuple("q33_batch_sizes", value, "(2, 2, 1)")
    expected = ref.q33_batch_sizes(p)
    if got == expected:
        return
    n, bs = p.q33_n, p.q33_batch_size
    if got == ref.batch_sizes(n, bs, drop_last=True):
        hint = "drop_last is False: the last, smaller batch is kept."
    elif sorted(got) == sorted(expected):
        hint = "The full batches come first; the smaller one is the last."
    elif sum(got) != n:
        hint = f"The sizes should add up to the {n} examples."
    else:
        hint = f"Every batch but the last holds batch_size = {bs} examples."
    raise AssertionError(f"q33_batch_sizes = {got} is not right. {hint}")


@validate.quiet
def check_q36_linear(
    weight_shape: object, num_params: object, p: LabParams = DEFAULT
) -> None:
    """Q36: the weight shape and the number of parameters of nn.Linear(5, 3)."""
    __tracebackhide__ = True  # noqa: F841
    got_shape = require_int_tuple("q36_weight_shape", weight_shape)
    got_count = require_whole_number("q36_num_params", num_params)
    (out, inp), count = ref.linear_layer(p.q36_in, p.q36_out)
    if got_shape != (out, inp):
        hint = (
            "nn.Linear stores weight as (out_features, in_features), like w in "
            "inputs @ w.T + b."
            if got_shape == (inp, out)
            else "Print nn.Linear(5, 3).weight.shape."
        )
        raise AssertionError(
            f"q36_weight_shape = {got_shape} is not the shape of the weight. {hint}"
        )
    if got_count != count:
        hint = (
            "Did you forget the bias, one per output?"
            if got_count == out * inp
            else "Count the entries of weight and of bias: "
            "sum(t.numel() for t in model.parameters())."
        )
        raise AssertionError(
            f"q36_num_params = {got_count} is not the number of parameters. {hint}"
        )


# ---- code: data, model, loss ----


def _t64(array) -> torch.Tensor:
    return torch.tensor(np.asarray(array), dtype=torch.float64)


def _rng(p: LabParams, salt: int) -> np.random.Generator:
    return np.random.default_rng([p.check_seed, salt])


@validate.quiet
def check_split_table(split_table: Callable, p: LabParams = DEFAULT) -> None:
    """Q4: split_table gives float32 inputs and 2-D targets, for the crop table and another."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(split_table, "split_table")
    other = [[1, 2, 10], [3, 4, 20], [5, 6, 30], [7, 8, 40]]  # 2 inputs, 1 target
    for rows, n_inputs in ((p.crop_rows, p.n_inputs), (other, 2)):
        rows = [list(r) for r in rows]
        text = f"split_table(rows, {n_inputs}) for a {len(rows)} x {len(rows[0])} table"
        result = validate.call(split_table, text, [list(r) for r in rows], n_inputs)
        got = validate.unpack(result, text, ("inputs", "targets"))
        for name, value, want in zip(
            ("inputs", "targets"), got, ref.split_table(rows, n_inputs), strict=True
        ):
            label = f"{name} from {text}"
            tensor = validate.require_tensor(value, label)
            hint = None
            if name == "targets" and tuple(tensor.shape) == (len(rows),):
                hint = (
                    "Keep the targets 2-D, one row per example, even with one target "
                    "column: slice table[:, n_inputs:], not table[:, -1]."
                )
            elif tuple(tensor.shape) == want.shape[::-1]:
                hint = "One row per example: did you transpose the table?"
            validate.require_shape(tensor, label, want.shape, hint)
            if tensor.dtype != torch.float32:
                raise AssertionError(
                    f"{label} has dtype {tensor.dtype}; expected torch.float32. "
                    + (
                        "torch.tensor of Python ints makes an integer tensor, which "
                        "can neither require gradients nor be multiplied by float "
                        "weights: pass dtype=torch.float32."
                        if not tensor.dtype.is_floating_point
                        else "The weights are float32 (torch's default); float64 "
                        "data would not multiply with them: pass dtype=torch.float32."
                    )
                )
            if tensor.requires_grad:
                raise AssertionError(
                    f"{label} requires grad: the data are not parameters. Create the "
                    "table without requires_grad=True; only w and b need gradients "
                    "(Q14), and autograd would otherwise track every operation on "
                    "the data too."
                )
            compare.require_entries(
                label,
                validate.to_floats(tensor),
                want.ravel().tolist(),
                0.0,
                0.0,
                "Are the first n_inputs columns the inputs and the rest the targets?",
            )


@validate.quiet
def check_init_params(init_params: Callable, p: LabParams = DEFAULT) -> None:
    """Q7: init_params draws w (outputs, inputs), b (outputs,) with randn, as leaves."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(init_params, "init_params")
    for n_inputs, n_outputs, seed in ((3, 2, p.check_seed), (5, 4, p.check_seed + 1)):
        text = f"init_params({n_inputs}, {n_outputs}, {seed})"
        result = validate.call(init_params, text, n_inputs, n_outputs, seed)
        w, b = validate.unpack(result, text, ("w", "b"))
        shapes = ref.param_shapes(n_inputs, n_outputs)
        for name, value, shape in zip("wb", (w, b), shapes, strict=True):
            label = f"{name} from {text}"
            tensor = validate.require_tensor(value, label)
            got_shape = tuple(tensor.shape)
            hint = None
            if got_shape == ():
                hint = (
                    "torch.randn(size=()) makes a 0-dim tensor, a single number: "
                    "pass the shape, e.g. torch.randn(n_outputs, n_inputs)."
                )
            elif name == "w" and got_shape == shape[::-1]:
                hint = (
                    "With y_hat = x @ w.T + b, w has one row per output: "
                    "(n_outputs, n_inputs)."
                )
            validate.require_shape(tensor, label, shape, hint)
            if tensor.dtype != torch.float32:
                raise AssertionError(
                    f"{label} has dtype {tensor.dtype}; expected torch.float32 "
                    "(torch.randn's default)."
                )
            if not tensor.requires_grad:
                raise AssertionError(
                    f"{label} has requires_grad=False: create it with "
                    "requires_grad=True, or backward() will not compute its gradient."
                )
            if not remote.is_leaf(tensor):
                raise AssertionError(
                    f"{label} is not a leaf tensor (it is the result of an operation, "
                    "e.g. torch.randn(..., requires_grad=True) * 0.1): its .grad stays "
                    "None. Draw it, scale it if you like, then call .requires_grad_()."
                )
        want_w, want_b = ref.init_params(n_inputs, n_outputs, seed)
        got_w, got_b = validate.to_floats(w), validate.to_floats(b)
        if got_w == validate.to_floats(want_w) and got_b == validate.to_floats(want_b):
            continue
        raise AssertionError(
            f"{text} does not match the recipe torch.manual_seed(seed), then "
            "w = torch.randn(n_outputs, n_inputs), then b = torch.randn(n_outputs). "
            + _init_hint(got_w, got_b, n_inputs, n_outputs, seed)
        )


def _init_hint(got_w: list, got_b: list, n_inputs: int, n_outputs: int, seed: int):
    """Why the drawn values differ from the recipe's."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        b_first = torch.randn(n_outputs).tolist()
        w_second = torch.randn(n_outputs, n_inputs).ravel().tolist()
        torch.manual_seed(seed)
        w_rand = torch.rand(n_outputs, n_inputs).ravel().tolist()
    if got_w == w_rand or all(0.0 <= v < 1.0 for v in got_w + got_b):
        return (
            "All values lie in [0, 1): did you use torch.rand (uniform) instead of "
            "torch.randn (standard normal)?"
        )
    if got_b == b_first and got_w == w_second:
        return "Did you draw b before w?"
    return "Did you seed with the argument seed right before drawing w?"


@validate.quiet
def check_predict(predict: Callable, p: LabParams = DEFAULT) -> None:
    """Q8: predict(x, w, b) equals x @ w.T + b (float64 inputs and reference)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(predict, "predict")
    rng = _rng(p, 8)
    x, w, b = (rng.standard_normal(s) for s in ((6, 3), (2, 3), (2,)))
    expected = ref.predict(x, w, b)
    text = "predict(x, w, b) with x (6, 3), w (2, 3), b (2,)"
    try:
        value = validate.call(predict, text, _t64(x), _t64(w), _t64(b))
    except AssertionError as error:
        hint = None
        if "cannot be multiplied" in str(error) or "size mismatch" in str(error):
            hint = "w has shape (n_outputs, n_inputs): multiply x @ w.T."
        raise AssertionError(messages.with_hint(str(error), hint)) from None
    shape = tuple(getattr(value, "shape", ()))
    hint = None
    if shape == (2, 6):
        hint = "That is (x @ w.T).T: did you compute w @ x.T? Use x @ w.T."
    got = validate.require_tensor_values(value, text, expected.shape, hint)
    if not compare.worst_entry(
        got, expected.ravel().tolist(), FLOAT32_RTOL, FLOAT32_ATOL
    ):
        return
    candidates = [
        ((x @ w.T).ravel().tolist(), "Did you forget + b?"),
        ((x @ w.T - b).ravel().tolist(), "Did you subtract b instead of adding it?"),
    ]
    hint = diagnose.best_match(got, candidates)
    compare.require_entries(
        text, got, expected.ravel().tolist(), FLOAT32_RTOL, FLOAT32_ATOL, hint
    )


@validate.quiet
def check_mse(mse: Callable, p: LabParams = DEFAULT) -> None:
    """Q13: mse(y_hat, y) is the mean of the squared differences over all entries."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(mse, "mse")
    rng = _rng(p, 13)
    preds, targets = rng.standard_normal((7, 3)), rng.standard_normal((7, 3))
    expected = ref.mse(preds, targets)
    text = "mse(y_hat, y) with y_hat, y (7, 3)"
    tracked = _t64(preds).requires_grad_()
    value = validate.call(mse, text, tracked, _t64(targets))
    shape = getattr(value, "shape", ())
    hint = (
        "Did you forget to average the squared differences?"
        if math.prod(shape) in (7, 21)
        else None
    )
    got = validate.to_number(value, text, hint)
    validate.require_finite([got], text)
    sq = (preds - targets) ** 2
    candidates = [
        (
            sq.sum() / 7,
            "Did you divide the sum by the number of rows (7) instead of "
            "the number of entries (21)? The mean runs over all entries.",
        ),
        (sq.sum(), "Did you sum the squared differences without averaging?"),
        (math.sqrt(sq.mean()), "Did you return the square root (the RMSE)?"),
        (
            np.abs(preds - targets).mean(),
            "That is the mean absolute error: did you forget to square?",
        ),
        (
            (preds - targets).mean() ** 2,
            "Did you square the mean difference instead of "
            "averaging the squared differences?",
        ),
        ((preds - targets).mean(), "Did you forget to square the differences?"),
        (sq.mean() / 2, "Did you divide by 2?"),
    ]
    compare.require_close(
        text, got, expected, FLOAT32_RTOL, FLOAT32_ATOL, candidates=candidates
    )
    if not (isinstance(value, torch.Tensor) and remote.grad_fn_name(value) is not None):
        raise AssertionError(
            f"{text} returns the right number as {messages.fmt_type(value)} that "
            "backward() cannot run through (y_hat required grad): return the mean "
            "itself, a 0-dim tensor, without .item(), float() or .detach()."
        )


# ---- code: autograd and the update step ----


@validate.quiet
def check_autograd_dw(autograd_dw: Callable, p: LabParams = DEFAULT) -> None:
    """X7: autograd_dw(x, y, w0) is dL/dw of mean((w x - y)^2) at w0."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(autograd_dw, "autograd_dw")
    x4, y4 = ref.data4(p)
    rng = _rng(p, 7)
    x6 = rng.standard_normal(6)
    cases = ((x4, y4, p.w4_start), (x6, 1.5 * x6 + 0.3 * rng.standard_normal(6), 0.7))
    graphs = []
    for x, y, w0 in cases:
        text = f"autograd_dw(x, y, w0={w0}) with {len(x)} points"
        try:
            value, graph = validate.call_counting_graph(
                autograd_dw, text, _t64(x), _t64(y), w0
            )
        except AssertionError as error:
            hint = None
            if "does not require grad" in str(error):
                hint = "Create w with requires_grad=True before computing the loss."
            raise AssertionError(messages.with_hint(str(error), hint)) from None
        if value is None:
            raise AssertionError(
                f"{text} returned None: did you return w.grad after loss.backward()? "
                "(w.grad stays None if w was created without requires_grad=True.)"
            )
        got = validate.to_number(
            value,
            text,
            diagnose.diagnose_shape(
                getattr(value, "shape", ()), len(x), "gradients 2 * x * (w x - y)"
            ),
        )
        validate.require_finite([got], text)
        expected = ref.dw4(x, y, w0)
        loss = ref.loss4(x, y, w0)
        if not compare.is_close(got, expected, FLOAT32_RTOL, FLOAT32_ATOL) and (
            compare.is_close(got, loss, FLOAT32_RTOL, FLOAT32_ATOL)
        ):
            raise AssertionError(
                f"{text} returned {messages.fmt_number(got)}, the loss L(w0), not its "
                "gradient: return w.grad after loss.backward()."
            )
        compare.require_close(
            text, got, expected, FLOAT32_RTOL, FLOAT32_ATOL, gradient=("dL/dw", len(x))
        )
        graphs.append(graph.used)
        if not isinstance(value, float):
            raise AssertionError(
                f"{text} returns {messages.fmt_type(value)}; expected a Python "
                "float: return float(w.grad) (or w.grad.item())."
            )
    if not any(graphs):
        raise AssertionError(
            f"{text} is right but never ran backward(): this task asks for "
            "autograd, not a formula. Create w with requires_grad=True, compute "
            "the loss, call loss.backward() and return w.grad."
        )


STEP_SETTINGS = {"lr": 0.1}


def _step_inputs(p: LabParams) -> tuple[np.ndarray, ...]:
    """w (2, 3), b (2,) and their gradients for the step_ check: no ties, no zeros."""
    rng = _rng(p, 19)
    w, b = rng.uniform(0.5, 1.5, (2, 3)), rng.uniform(0.5, 1.5, 2)
    gw, gb = rng.uniform(1.0, 3.0, (2, 3)), -rng.uniform(1.0, 3.0, 2)
    return w, b, gw, gb


def _run_step_(step_: Callable, p: LabParams):
    """Leaves w, b with .grad set; call step_(w, b, lr); return them and the result."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(step_, "step_")
    w0, b0, gw, gb = _step_inputs(p)
    w = _t64(w0).requires_grad_()
    b = _t64(b0).requires_grad_()
    w.grad, b.grad = _t64(gw), _t64(gb)
    text = f"step_(w, b, lr={STEP_SETTINGS['lr']})"
    result = validate.call(step_, text, w, b, STEP_SETTINGS["lr"])
    return text, w, b, result


@validate.quiet
def check_step_(step_: Callable, p: LabParams = DEFAULT) -> None:
    """Q19: step_ changes w and b in place to w - lr * w.grad, b - lr * b.grad."""
    __tracebackhide__ = True  # noqa: F841
    text, w, b, result = _run_step_(step_, p)
    w0, b0, gw, gb = _step_inputs(p)
    lr = STEP_SETTINGS["lr"]
    want = ref.step(w0, b0, gw, gb, lr)
    for name, tensor, start, grad, expected in zip(
        "wb", (w, b), (w0, b0), (gw, gb), want, strict=True
    ):
        got = validate.to_floats(tensor)
        if not compare.worst_entry(got, expected.ravel().tolist(), FLOAT32_RTOL, 0.0):
            continue
        if got == start.ravel().tolist():
            if name == "b":
                hint: str | None = "did you forget to update b (b -= lr * b.grad)?"
            elif isinstance(result, (tuple, list)):
                hint = (
                    "it returned new tensors instead: update the caller's tensors in "
                    f"place ({name} -= lr * {name}.grad inside torch.no_grad()); a new "
                    "tensor is not the leaf the next backward() fills."
                )
            else:
                hint = (
                    f"did you write {name} = {name} - lr * {name}.grad? Inside a "
                    "function that makes a new local tensor; update in place with "
                    f"{name} -= lr * {name}.grad (or {name}.sub_(...)) inside "
                    f"torch.no_grad(). Or did you zero {name}.grad before using it?"
                )
            raise AssertionError(f"{text} left {name} unchanged: {hint}")
        candidates = [
            (
                (start - lr * start).ravel().tolist(),
                f"Did you subtract lr * {name} "
                f"(the weights) instead of lr * {name}.grad, as in "
                f"{name}.sub_({name} * lr)? That only shrinks {name} towards zero.",
            ),
            (
                (start + lr * grad).ravel().tolist(),
                f"{name} moved uphill: did you add "
                f"lr * {name}.grad instead of subtracting it?",
            ),
            (
                (start - grad).ravel().tolist(),
                f"Did you forget to multiply {name}.grad by lr?",
            ),
        ]
        hint = diagnose.best_match(got, candidates)
        compare.require_entries(
            f"{name} after {text}",
            got,
            expected.ravel().tolist(),
            FLOAT32_RTOL,
            0.0,
            hint,
        )


@validate.quiet
def check_step_zero(step_: Callable, p: LabParams = DEFAULT) -> None:
    """Q24: after step_, w.grad and b.grad are zero (or None), w and b still leaves."""
    __tracebackhide__ = True  # noqa: F841
    text, w, b, _ = _run_step_(step_, p)
    for name, tensor in zip("wb", (w, b), strict=True):
        if not (remote.is_leaf(tensor) and tensor.requires_grad):
            raise AssertionError(
                f"after {text}, {name} is no longer a leaf that requires grad: did you "
                "replace it or call requires_grad_(False)? Update it in place inside "
                "torch.no_grad()."
            )
        grad = tensor.grad
        if grad is None:
            continue  # set_to_none, what optimizer.zero_grad() does by default
        values = validate.to_floats(grad)
        if any(v != 0.0 for v in values):
            raise AssertionError(
                f"after {text}, {name}.grad still holds {messages.fmt_number(values[0])}"
                f", ... (not zeros): did you call {name}.grad.zero_() after the update? "
                "Otherwise the next backward() adds to the old gradient (Q24)."
            )


# ---- code: datasets, loaders, nn.Linear, optimizers ----


def _xy(p: LabParams, salt: int, n: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    rng = _rng(p, salt)
    return _t64(rng.standard_normal((n, 3))), _t64(rng.standard_normal((n, 2)))


@validate.quiet
def check_make_dataset(make_dataset: Callable, p: LabParams = DEFAULT) -> None:
    """Q31: make_dataset(x, y) is a TensorDataset of (x[i], y[i])."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_dataset, "make_dataset")
    x, y = _xy(p, 31)
    text = "make_dataset(x, y) with x (6, 3), y (6, 2)"
    ds = validate.call(make_dataset, text, x, y)
    if not remote.is_instance(ds, TensorDataset):
        raise AssertionError(
            f"{text} should return a torch.utils.data.TensorDataset; got "
            f"{messages.fmt_type(ds)}. Use TensorDataset(x, y)."
        )
    if len(ds) != len(x):
        raise AssertionError(f"len of {text} is {len(ds)}; expected {len(x)}.")
    for i in (0, len(x) - 1):
        item = ds[i]
        if len(item) != 2:
            raise AssertionError(
                f"element {i} of {text} holds {len(item)} tensors; expected 2, "
                "(input, target): did you pass both x and y?"
            )
        if torch.equal(item[0], y[i]) and torch.equal(item[1], x[i]):
            raise AssertionError(
                f"element {i} of {text} is (target, input): pass the inputs first, "
                "TensorDataset(x, y)."
            )
        if not (torch.equal(item[0], x[i]) and torch.equal(item[1], y[i])):
            raise AssertionError(
                f"element {i} of {text} is not (x[{i}], y[{i}]): did you "
                "pass the arguments, unchanged, to TensorDataset?"
            )


LOADER_N, LOADER_EPOCHS = 11, 2  # 11 examples: batches of 4 and 3 leave a remainder


def _probe_xy(n: int = LOADER_N) -> tuple[torch.Tensor, torch.Tensor]:
    """x (n, 3) and y (n, 2), float64, whose values encode their row index k."""
    return loaders.row_coded(n, torch.float64)


def _epochs(loader: Any, text: str, scramble: int) -> list[list[tuple[Any, Any]]]:
    """The (xb, yb) batches of LOADER_EPOCHS epochs, the global RNG seeded first."""
    __tracebackhide__ = True  # noqa: F841
    fix = "Build the DataLoader on make_dataset(x, y)."
    return loaders.batches(loader, text, LOADER_EPOCHS, scramble, fix)


def _visits(epochs: list[list[tuple[Any, Any]]]) -> list[list[int]]:
    """The row indices (the probe's first input column) each epoch visits."""
    return [[int(v) for xb, _ in epoch for v in xb[:, 0].tolist()] for epoch in epochs]


@validate.quiet
def check_make_loader(make_loader: Callable, p: LabParams = DEFAULT) -> None:
    """Q32: make_loader(x, y, batch_size, seed) batches make_dataset(x, y), shuffled
    in the order of torch.Generator().manual_seed(seed)."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_loader, "make_loader")
    n = LOADER_N
    for batch_size, seed in ((4, p.check_seed), (3, p.check_seed + 1)):
        text = f"make_loader(x, y, {batch_size}, {seed}) with {n} examples"
        x, y = _probe_xy()
        loader = validate.call(make_loader, text, x, y, batch_size, seed)
        if not remote.is_instance(loader, DataLoader):
            hint: str | None = (
                " Did you return the dataset instead of a DataLoader over it?"
                if remote.is_instance(loader, TensorDataset)
                else ""
            )
            raise AssertionError(
                f"{text} should return a torch.utils.data.DataLoader; got "
                f"{messages.fmt_type(loader)}.{hint}"
            )
        if len(loader.dataset) != n:
            raise AssertionError(
                f"the dataset of {text} has {len(loader.dataset)} examples; expected "
                f"{n}: build it from the arguments, make_dataset(x, y), not from "
                "global data."
            )
        epochs = _epochs(loader, text, scramble=987654321)
        sizes = [len(xb) for xb, _ in epochs[0]]
        want_sizes = list(ref.batch_sizes(n, batch_size))
        if sizes != want_sizes:
            hint = None
            if set(sizes) == {1}:
                hint = (
                    "Batches of 1 are DataLoader's default: pass batch_size=batch_size."
                )
            elif sizes == want_sizes[:-1]:
                hint = "The last, smaller batch is missing: leave drop_last=False."
            elif len(set(sizes[:-1])) == 1:
                hint = (
                    f"Batches of {sizes[0]}: did you type a batch size instead of "
                    "passing the argument batch_size?"
                )
            raise AssertionError(
                messages.with_hint(
                    f"{text} yields batches of {sizes} examples; expected {want_sizes} "
                    f"({n} examples in batches of {batch_size}, the last one smaller).",
                    hint,
                )
            )
        for xb, yb in epochs[0]:
            if xb[:, 0].tolist() != (yb[:, 0] - 1000).tolist():
                raise AssertionError(
                    f"the batches of {text} pair inputs with the wrong targets: "
                    "shuffle in the DataLoader, which keeps each (x[i], y[i]) "
                    "together, not x and y separately."
                )
        got = _visits(epochs)
        if all(order == list(range(n)) for order in got):
            raise AssertionError(
                f"{text} visits the examples in their stored order 0..{n - 1} every "
                "epoch: shuffling is off. Pass shuffle=True to the DataLoader."
            )
        want = ref.loader_order(n, batch_size, seed, LOADER_EPOCHS)
        if got == want:
            continue
        again = validate.call(make_loader, text, *_probe_xy(), batch_size, seed)
        if _visits(_epochs(again, text, scramble=123)) != got:
            raise AssertionError(
                f"two loaders from {text} visit the examples in different orders: the "
                "shuffle is not seeded (it draws from torch's global random state). "
                "Pass generator=torch.Generator().manual_seed(seed) to the DataLoader; "
                "torch.manual_seed(seed) in make_loader does not fix the order, which "
                "is drawn later, when the loader is iterated."
            )
        raise AssertionError(
            f"{text} shuffles reproducibly but not in the recipe's order: its first "
            f"epoch visits {got[0]}, the recipe's {want[0]}. Did you seed the "
            "generator with the argument seed (not a typed-in number)? Use "
            "DataLoader(make_dataset(x, y), batch_size=batch_size, shuffle=True, "
            "generator=torch.Generator().manual_seed(seed))."
        )


def _linear(kernel: remote.Kernel, p: LabParams, salt: int) -> Any:
    """nn.Linear(3, 2) in float64 with the check's own weights, made in the kernel."""
    rng = _rng(p, salt)
    weight, bias = rng.standard_normal((2, 3)), rng.standard_normal(2)
    return kernel_objects.linear(kernel, _t64(weight), _t64(bias))


@validate.quiet
def check_make_optimizer(make_optimizer: Callable, p: LabParams = DEFAULT) -> None:
    """Q43: make_optimizer(model, lr) is plain torch.optim.SGD over model's parameters."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(make_optimizer, "make_optimizer")
    model = _linear(remote.kernel_of(make_optimizer), p, 43)
    for lr in (0.05, 1e-5):
        text = f"make_optimizer(model, lr={lr})"
        opt = validate.call(make_optimizer, text, model, lr)
        if not remote.is_instance(opt, torch.optim.SGD):
            raise AssertionError(
                f"{text} should return a torch.optim.SGD; got {messages.fmt_type(opt)}."
            )
        params = [q for group in opt.param_groups for q in group["params"]]
        if {remote.tensor_ref(q) for q in params} != {
            remote.tensor_ref(q) for q in model.parameters()
        }:
            raise AssertionError(
                f"{text} holds other tensors than model.parameters(): did you pass "
                "the argument model's parameters (not a global model)?"
            )
        group = opt.param_groups[0]
        if group["lr"] != lr:
            raise AssertionError(
                f"{text} has lr {group['lr']}; expected {lr}: did you pass the "
                "argument lr?"
            )
        extras = {k: group[k] for k in ("momentum", "weight_decay") if group[k]}
        if extras or group["nesterov"]:
            raise AssertionError(
                f"{text} sets {extras or {'nesterov': True}}: plain SGD "
                "(p -= lr * p.grad) keeps the defaults."
            )


def _flat(run: tuple) -> list[float]:
    """A reference run's w and b as one flat list."""
    return run[0].ravel().tolist() + run[1].tolist()


@validate.quiet
def check_fit(fit: Callable, p: LabParams = DEFAULT) -> None:
    """Q44: fit trains with mini-batches like a float64 reference run; one loss per batch."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(fit, "fit")
    x, y, w0, b0 = ref.fit_data(p)
    kernel = remote.kernel_of(fit)
    model = kernel_objects.linear(kernel, _t64(w0), _t64(b0))
    loader = kernel_objects.loader(kernel, _t64(x), _t64(y), p.fit_batch_size)
    optimizer = kernel_objects.sgd(model, p.fit_lr)
    epochs = p.fit_epochs
    text = (
        f"fit(model, F.mse_loss, optimizer, loader, num_epochs={epochs}) "
        f"({p.fit_n} examples, batch size {p.fit_batch_size}, lr {p.fit_lr})"
    )
    mse_loss = kernel_objects.mse_loss(kernel)
    losses = validate.call(fit, text, model, mse_loss, optimizer, loader, epochs)
    settings = (x, y, w0, b0, p.fit_lr, p.fit_batch_size, epochs)
    want_w, want_b, want_losses = ref.fit(*settings)
    got_w = validate.to_floats(model.weight)
    got_b = validate.to_floats(model.bias)
    validate.require_finite(got_w + got_b, f"model.weight after {text}")
    off = compare.worst_entry(
        got_w + got_b, _flat((want_w, want_b)), FIT_RTOL, FIT_ATOL
    )
    if off:
        if got_w == w0.ravel().tolist() and got_b == b0.tolist():
            hint = (
                "The parameters never changed: does fit call loss.backward() and "
                "then optimizer.step() for every batch?"
            )
        else:
            no_zero = ref.fit(*settings, zero_grad=False)
            one_epoch = ref.fit(*settings[:-1], 1)
            candidates = [
                (
                    _flat(no_zero),
                    "They match a run that never resets the gradients: "
                    "call optimizer.zero_grad() for every batch (they add up otherwise).",
                ),
                (
                    _flat(one_epoch),
                    "They match a single epoch: does fit loop num_epochs times?",
                ),
            ]
            hint = diagnose.best_match(got_w + got_b, candidates) or (
                "For every batch: predictions, loss_fn(predictions, targets), "
                "loss.backward(), optimizer.step(), optimizer.zero_grad()."
            )
        raise AssertionError(
            messages.with_hint(
                f"the parameters after {text} differ from a reference run of the same "
                "loop (model.weight and model.bias).",
                hint,
            )
        )
    if not isinstance(losses, (list, tuple)):
        raise AssertionError(
            f"{text} should return the list of the batch losses (floats); got "
            f"{messages.fmt_type(losses)}. Did you forget `return losses`?"
        )
    if len(losses) != len(want_losses):
        hint = " One per batch, not one per epoch." if len(losses) == epochs else ""
        raise AssertionError(
            f"{text} returned {len(losses)} losses; expected {len(want_losses)}, one "
            f"per batch ({epochs} epochs of {len(want_losses) // epochs} batches).{hint}"
        )
    for i, v in enumerate(losses):
        if isinstance(v, torch.Tensor) and v.requires_grad:
            raise AssertionError(
                f"losses[{i}] from {text} is a tensor that requires grad: append "
                "loss.item(), a float. A kept loss tensor keeps its batch's autograd "
                "graph alive (memory grows with every batch), and plt.plot(losses) "
                "fails on it."
            )
    got_losses = [
        validate.to_number(v, f"losses[{i}] from {text}") for i, v in enumerate(losses)
    ]
    compare.require_entries(
        f"losses from {text}",
        got_losses,
        want_losses,
        FIT_RTOL,
        FIT_ATOL,
        "Record loss.item() for each batch, before the update.",
    )
    kinds = [i for i, v in enumerate(losses) if not isinstance(v, float)]
    if kinds:
        raise AssertionError(
            f"losses[{kinds[0]}] from {text} is {messages.fmt_type(losses[kinds[0]])}; "
            "the losses should be Python floats: append loss.item()."
        )


@validate.quiet
def check_predict_with(predict_with: Callable, p: LabParams = DEFAULT) -> None:
    """Q45: predict_with(model, x) is model(x), without tracking gradients."""
    __tracebackhide__ = True  # noqa: F841
    validate.require_callable(predict_with, "predict_with")
    model = _linear(remote.kernel_of(predict_with), p, 45)
    x = _t64(_rng(p, 46).standard_normal((4, 3)))
    w = model.weight.detach().numpy().copy()
    b = model.bias.detach().numpy().copy()
    expected = ref.predict(x.numpy(), w, b)
    text = "predict_with(model, x) with nn.Linear(3, 2) and x (4, 3)"
    value, graph = validate.call_counting_graph(predict_with, text, model, x.clone())
    got = validate.require_tensor_values(value, text, expected.shape)
    compare.require_entries(
        text,
        got,
        expected.ravel().tolist(),
        FLOAT32_RTOL,
        FLOAT32_ATOL,
        "Did you call the model argument on the x argument?",
    )
    if value.requires_grad:
        raise AssertionError(
            f"{text} returns a tensor that requires grad: predictions need no graph; "
            "compute them inside `with torch.no_grad():`."
        )
    if graph.saved:
        raise AssertionError(
            f"{text} recorded an autograd graph and then dropped it (.detach()): "
            "predictions need no graph at all; compute them inside "
            "`with torch.no_grad():`."
        )
    if validate.to_floats(model.weight) != w.ravel().tolist():
        raise AssertionError(f"{text} changed the model's weights: only predict.")


# The hidden test cells' checks, by the names they call (`judge.check(name, ...)`).
CHECKS = {
    "q4_split_table": check_split_table,
    "q6_shapes": check_q6_shapes,
    "q7_init_params": check_init_params,
    "q8_linear_model": check_predict,
    "q12_mse": check_q12_mse,
    "q13_mse": check_mse,
    "q39": functools.partial(check_choice, "q39"),
    "q14": functools.partial(check_choice, "q14"),
    "x7_autograd_dw": check_autograd_dw,
    "q17_q18": functools.partial(check_choice, "q17_q18"),
    "x4_change": check_x4_change,
    "q23": functools.partial(check_choice, "q23"),
    "q24_grad": check_q24_grad,
    "q19_gd_step": check_step_,
    "q24_zero_grad": check_step_zero,
    "q22_lr_max": check_q22_lr_max,
    "q25_order": check_q25_order,
    "q26_updates": check_q26_updates,
    "q27": functools.partial(check_choice, "q27"),
    "q29": functools.partial(check_choice, "q29"),
    "x1": functools.partial(check_choice, "x1"),
    "x3": functools.partial(check_choice, "x3"),
    "q31_make_dataset": check_make_dataset,
    "q32_make_loader": check_make_loader,
    "q33_batch_sizes": check_q33_batch_sizes,
    "q34": functools.partial(check_choice, "q34"),
    "x6": functools.partial(check_choice, "x6"),
    "q36_linear": check_q36_linear,
    "q30_q38": functools.partial(check_choice, "q30_q38"),
    "q40_q42": functools.partial(check_choice, "q40_q42"),
    "q43_make_optimizer": check_make_optimizer,
    "q44_fit": check_fit,
    "q45_predict": check_predict_with,
}
