"""Lab 02's known mistakes, each as the wrong answer it gives and the question to ask.

A check that finds a wrong value looks here: every function returns candidates (the
reference with one named mistake applied, the question for the student) for
`diagnose.best_match` or `compare.require_close`, computed from the check's own
inputs with the float64 references, never stored. The mistakes come from the brief's
list and from a common misdescription of this example (randn where the code uses rand).
Parameters and gradients come in the course's order: w before b, (dw, db).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from grader_tests.core.named import Diagnosis
from grader_tests.lab02_five_steps_numpy.reference import (
    LabParams,
    reference_data,
    reference_gradients,
    reference_init,
    reference_least_squares,
    reference_loss_surface,
    reference_mse,
    reference_predict,
    reference_run,
    reference_train,
)

Vector = list[tuple[list[float], str]]
Scalar = list[tuple[float, str]]


def _flat(a: np.ndarray) -> list[float]:
    return np.asarray(a, np.float64).ravel().tolist()


# ---- the split ----


def split_values(n: int, n_train: int, reseeded: list[int], seed: int) -> Vector:
    """The training indices (sorted) of a wrong split: not shuffled, the last part."""
    return [
        (
            list(range(n_train)),
            f"train_idx is 0, 1, ..., {n_train - 1}: did you "
            "forget np.random.shuffle(idx) before taking the first part?",
        ),
        (
            sorted(reseeded),
            f"train_idx is the split of a fresh np.random.seed({seed}): "
            "did you call np.random.seed inside split_indices? The shuffle must continue "
            "the generator where the data draws left it.",
        ),
    ]


# ---- step 0 ----


def init(seed: int, lab_seed: int) -> Vector:
    """(w, b) from init_params(1, 1, seed): randn (the common misdescription),
    drawn in the other order, reseeded, the lab's seed."""
    w, b = reference_init(seed)
    return [
        (
            list(reference_init(seed, "randn")),
            "w, b are np.random.randn draws: the "
            "reference run uses np.random.rand (uniform on [0, 1)), not randn. "
            "Section 6 shows what randn changes.",
        ),
        (
            [b, w],
            "w and b hold each other's draw: did you draw w before b, or "
            "return (b, w)? Draw b = np.random.rand(n_outputs) first, then "
            "w = np.random.rand(n_outputs, n_inputs), and return (w, b).",
        ),
        (
            [b, b],
            "w and b are equal: did you call np.random.seed again between the "
            "two draws? Seed once, then draw b, then w.",
        ),
        (
            list(reference_init(lab_seed)),
            f"With seed={seed} it drew the values of seed "
            f"{lab_seed}: did you seed with {lab_seed} instead of the argument seed?",
        ),
    ]


# ---- steps 1 to 4 ----


def predict(
    x: np.ndarray, w: float, b: float, p: LabParams, lab_x: np.ndarray
) -> Vector:
    """predict(x, w, b): swapped, the true line, a term left out, the global x_train."""
    return [
        (
            _flat(b * x + w),
            "predict swaps w and b: did you write b * x + w, or take "
            "the arguments as (x, b, w)? The slope w multiplies x, the intercept b is "
            "added: predict(x, w, b) = w * x + b.",
        ),
        (
            _flat(p.true_w * x + p.true_b),
            Diagnosis(
                f"predict ignores w and b: it "
                f"returned the true line {p.true_w} * x + {p.true_b}. Use the parameters: "
                "w * x + b.",
                "TrueLine",
            ),
        ),
        (_flat(w * x), "predict leaves out the intercept: did you forget + b?"),
        (_flat(x + b), "predict leaves out the slope: did you forget w * ?"),
        (
            _flat(w * lab_x + b),
            "predict ignores its argument x: did you use the "
            "global x_train instead of x?",
        ),
    ]


def gradient(name: str, other_expected: float, notebook: float) -> Scalar:
    """db or dw beyond the ratio table: the other gradient, the notebook's data."""
    if name == "db":
        swapped = (
            "db equals the reference dw: did you multiply db by x, or return "
            "(db, dw) instead of (dw, db)? gradients returns (dw, db), w "
            "first."
        )
    else:
        swapped = (
            "dw equals the reference db: did you forget the factor x in dw, or "
            "return (db, dw) instead of (dw, db)? gradients returns (dw, db), "
            "w first."
        )
    return [
        (other_expected, swapped),
        (
            notebook,
            f"{name} is the gradient on the notebook's training data, not on "
            "the x, y passed in: did you use the globals x_train, y_train instead of "
            "the arguments?",
        ),
    ]


def randn_gradients(p: LabParams) -> Vector:
    """(dw_randn, db_randn) done wrong: at the rand start, swapped, on all the data."""
    d = reference_data(p)
    start = reference_init(p.init_seed, "randn")
    expected = reference_gradients(d.x_train, d.y_train, *start)
    at_rand = reference_gradients(d.x_train, d.y_train, *reference_init(p.init_seed))
    n_train = len(d.train_idx)
    return [
        (
            list(at_rand),
            "These are the gradients at the rand start (2.384, 3.464, what "
            "the code prints): draw b and w with np.random.randn after "
            f"np.random.seed({p.init_seed}).",
        ),
        (
            [expected[1], expected[0]],
            "dw_randn and db_randn are swapped: gradients returns (dw, db), w first.",
        ),
        (
            list(reference_gradients(d.x, d.y, *start)),
            "These are the gradients on all "
            f"{p.n} points: use the training split x_train, y_train.",
        ),
        (
            list(reference_gradients(d.x_val, d.y_val, *start)),
            "These are the gradients on the validation split: use x_train, y_train.",
        ),
        (
            list(reference_gradients(d.x[:n_train], d.y[:n_train], *start)),
            "These are "
            f"the gradients on the first {n_train} points, not shuffled: does "
            "split_indices shuffle the indices?",
        ),
    ]


def step(
    name: str, inputs: dict[str, float], other_new: float, lab_lr: float
) -> Scalar:
    """The new w (or b) of step: uphill, with the parameter, no lr, swapped, LR."""
    other = "b" if name == "w" else "w"
    param, grad, lr = inputs[name], inputs[f"d{name}"], inputs["lr"]
    return [
        (
            param + lr * grad,
            f"The new {name} moved uphill: did you write {name} + "
            f"lr * d{name} instead of {name} - lr * d{name}?",
        ),
        (
            param - lr * param,
            f"The new {name} moved by lr * {name}, not lr * d{name}: "
            "did you update with the parameter instead of its gradient?",
        ),
        (param - grad, f"Did you forget to multiply d{name} by lr?"),
        (
            param - lr * inputs[f"d{other}"],
            f"Did you update {name} with d{other} instead of d{name}?",
        ),
        (other_new, "Did you return (b, w) instead of (w, b)?"),
        (param, f"step returned {name} unchanged: did you return the new value?"),
        (
            -lr * grad,
            f"step returned the change -lr * d{name}, not the new value "
            f"{name} - lr * d{name}.",
        ),
        (
            param - lab_lr * grad,
            f"The new {name} moved by {lab_lr} * d{name}, not by "
            f"lr * d{name} with the lr = {lr} passed in: did you write the notebook's "
            "LR instead of the argument lr?",
        ),
    ]


# ---- step 5 ----


def train_params(
    x: np.ndarray,
    y: np.ndarray,
    run: Mapping[str, Any],
    p: LabParams,
    lab_xy: tuple[np.ndarray, np.ndarray],
) -> Vector:
    """(w, b) from train(x, y, **run) done wrong."""
    w0, b0, lr, epochs = run["w0"], run["b0"], run["lr"], run["num_epochs"]
    w, b, _ = reference_train(x, y, w0, b0, lr, epochs)
    lab_start = reference_init(p.init_seed)
    return [
        (
            [w0, b0],
            f"w and b never moved from (w0, b0) = ({w0}, {b0}): does the loop "
            "assign step's result, w, b = step(w, b, dw, db, lr)?",
        ),
        ([b, w], "Did you return (b, w, losses) instead of (w, b, losses)?"),
        (
            list(reference_train(x, y, w0, b0, lr / 2, epochs)[:2]),
            "w, b match a run "
            "with half the gradient: did you leave out the factor 2 in dw and db?",
        ),
        (
            list(reference_train(x, y, w0, b0, p.lr, epochs)[:2]),
            f"w, b follow a run "
            f"with lr = {p.lr} (the notebook's LR), not the lr = {lr} passed in: does "
            "train use its argument lr?",
        ),
        (
            list(reference_train(x, y, *lab_start, lr, epochs)[:2]),
            "w, b follow a run "
            f"from the notebook's start {tuple(round(v, 4) for v in lab_start)}, not "
            f"from (w0, b0) = ({w0}, {b0}): does train start from its arguments?",
        ),
        (
            list(reference_train(*lab_xy, w0, b0, lr, epochs)[:2]),
            "w, b are a run on "
            "the notebook's x_train, y_train, not on the x, y passed in: did you use "
            "the globals instead of the arguments?",
        ),
    ]


def first_loss(x: np.ndarray, y: np.ndarray, run: Mapping[str, Any]) -> Scalar:
    """losses[0] of train(x, y, **run): recorded after the update, summed."""
    w0, b0, lr = run["w0"], run["b0"], run["lr"]
    start = reference_mse(reference_predict(x, w0, b0), y)
    return [
        (
            reference_train(x, y, w0, b0, lr, 2)[2][1],
            "losses[0] is the loss after the "
            "first update: did you append the loss after calling step? Record it "
            "before, so that losses[0] is the loss at (w0, b0).",
        ),
        (
            len(x) * start,
            f"losses[0] is {len(x)}x the reference (N = {len(x)}): does "
            "mse sum the squared errors instead of averaging them?",
        ),
        (
            start**0.5,
            "losses[0] is the square root of the MSE: do you record the RMSE?",
        ),
    ]


def run_params(p: LabParams) -> Vector:
    """(w_trained, b_trained) of the notebook's run with one thing changed."""
    w, b, _ = reference_run(p)
    d = reference_data(p)
    n_train, n_val, e = len(d.train_idx), len(d.val_idx), p.num_epochs
    call = "train(x_train, y_train, w0, b0, LR, NUM_EPOCHS)"

    def ends(**change) -> list[float]:
        return list(reference_run(p, **change)[:2])

    return [
        (
            ends(num_epochs=e - 1),
            f"w_trained, b_trained match a run of {e - 1} epochs, "
            f"not {e}: does your loop run range(num_epochs), and did you pass "
            f"NUM_EPOCHS = {e}?",
        ),
        (
            ends(num_epochs=e + 1),
            f"w_trained, b_trained match a run of {e + 1} epochs, "
            f"not {e}: does your loop run range(num_epochs), and did you pass "
            f"NUM_EPOCHS = {e}?",
        ),
        (
            ends(subset="all"),
            f"w_trained, b_trained come from training on all {p.n} "
            f"points: train on the training split only, {call}.",
        ),
        (
            ends(subset="val"),
            f"w_trained, b_trained come from training on the "
            f"{n_val} validation points: train on x_train, y_train, {call}.",
        ),
        (
            ends(subset="unshuffled"),
            f"w_trained, b_trained come from training on the "
            f"first {n_train} points, not shuffled: does split_indices shuffle the "
            "indices?",
        ),
        (
            ends(draw="randn"),
            "w_trained, b_trained come from the randn start: after "
            "1000 epochs the start still shows (about 1e-7). Start from "
            "init_params(SEED), which uses rand.",
        ),
        (
            list(reference_least_squares(d.x_train, d.y_train)),
            "These are the "
            "least-squares values: gradient descent stops a few 1e-7 short of them. "
            f"Use your gradient descent, {call}.",
        ),
        ([b, w], "Did you swap w and b (train returns w, b, losses)?"),
        (
            ends(lr=p.lr / 2),
            "w_trained, b_trained match a run with half the gradient: "
            "did you leave out the factor 2 in dw and db?",
        ),
    ]


def run_first_loss(p: LabParams) -> Scalar:
    """losses[0] of the notebook's run: another start or other data, or done wrong."""
    d = reference_data(p)
    w0, b0 = reference_init(p.init_seed)
    n_train = len(d.train_idx)

    def first(**change) -> float:
        return reference_run(p, num_epochs=1, **change)[2][0]

    return [
        *first_loss(d.x_train, d.y_train, {"w0": w0, "b0": b0, "lr": p.lr}),
        (
            first(draw="randn"),
            "losses[0] is the loss at the randn start: start from "
            "init_params(SEED), which uses rand.",
        ),
        (
            first(subset="all"),
            f"losses[0] is the loss on all {p.n} points: train on "
            "the training split x_train, y_train.",
        ),
        (
            first(subset="val"),
            "losses[0] is the loss on the validation points: train "
            "on x_train, y_train.",
        ),
        (
            first(subset="unshuffled"),
            f"losses[0] is the loss on the first {n_train} "
            "points, not shuffled: does split_indices shuffle the indices?",
        ),
    ]


def run_last_loss(p: LabParams) -> Scalar:
    """losses[-1] of the notebook's run: summed, on other data, RMSE."""
    last = reference_run(p)[2][-1]
    n_train = len(reference_data(p).train_idx)
    return [
        (
            n_train * last,
            f"losses[-1] is {n_train}x the reference (N = {n_train}): "
            "does mse sum the squared errors instead of averaging them?",
        ),
        (
            last**0.5,
            "losses[-1] is the square root of the MSE: do you record the RMSE?",
        ),
        (
            reference_run(p, subset="all")[2][-1],
            "losses[-1] is the loss of a run on "
            f"all {p.n} points: train on x_train, y_train.",
        ),
        (
            reference_run(p, subset="val")[2][-1],
            "losses[-1] is the loss of a run on "
            "the validation points: train on x_train, y_train.",
        ),
        (
            reference_run(p, lr=p.lr / 2)[2][-1],
            "The losses follow a run with half "
            "the gradient: did you leave out the factor 2 in dw and db?",
        ),
    ]


# ---- after training ----


def val_loss(w: float, b: float, p: LabParams) -> Scalar:
    """val_loss for (w, b) done wrong: on the training split, all data, at the start."""
    d = reference_data(p)
    val = reference_mse(reference_predict(d.x_val, w, b), d.y_val)
    n_val = len(d.val_idx)
    return [
        (
            reference_mse(reference_predict(d.x_train, w, b), d.y_train),
            "That is the loss on the training split: compute it on x_val, y_val.",
        ),
        (
            reference_mse(reference_predict(d.x, w, b), d.y),
            f"That is the loss on all {p.n} points: compute it on x_val, y_val only.",
        ),
        (
            reference_mse(
                reference_predict(d.x_val, *reference_init(p.init_seed)), d.y_val
            ),
            "That is the validation loss at the start (w0, b0): "
            "use the trained w_trained, b_trained.",
        ),
        (
            reference_mse(reference_predict(d.x[-n_val:], w, b), d.y[-n_val:]),
            "That "
            f"is the loss on the last {n_val} points, not shuffled: does split_indices "
            "shuffle the indices?",
        ),
        (
            n_val * val,
            f"val_loss is {n_val}x the reference (N = {n_val}): does mse "
            "sum the squared errors instead of averaging them?",
        ),
        (val**0.5, "val_loss is the square root of the MSE (the RMSE)."),
    ]


def least_squares(
    x: np.ndarray, y: np.ndarray, lab_xy: tuple[np.ndarray, np.ndarray]
) -> Vector:
    """(w, b) from least_squares(x, y): swapped, the notebook's data."""
    w, b = reference_least_squares(x, y)
    return [
        (
            [b, w],
            "w and b are swapped: with the columns [x, 1] the first coefficient "
            "is w; with [1, x] it is b. Return (w, b).",
        ),
        (
            list(reference_least_squares(*lab_xy)),
            "These are the least-squares values "
            "of the notebook's x_train, y_train, not of the x, y passed in: did you use "
            "the globals instead of the arguments?",
        ),
    ]


def loss_surface(
    x: np.ndarray,
    y: np.ndarray,
    w_grid: np.ndarray,
    b_grid: np.ndarray,
    lab_xy: tuple[np.ndarray, np.ndarray],
) -> Vector:
    """loss_surface done wrong: summed, RMSE, w and b grids swapped, global data."""
    losses = reference_loss_surface(x, y, w_grid, b_grid)
    n = len(x)
    return [
        (
            _flat(n * losses),
            f"The losses are {n}x the reference (N = {n}): did you sum "
            "over the examples instead of averaging?",
        ),
        (
            _flat(np.sqrt(losses)),
            "The losses are the square roots of the MSE: did you compute the RMSE?",
        ),
        (
            _flat(reference_loss_surface(x, y, b_grid, w_grid)),
            "The losses are those of "
            "(w, b) swapped: did you use b_grid as the slope and w_grid as the "
            "intercept? y_hat = w * x + b.",
        ),
        (
            _flat(reference_loss_surface(*lab_xy, w_grid, b_grid)),
            "These are the "
            "losses on the notebook's x_train, y_train, not on the x, y passed in: did "
            "you use the globals?",
        ),
    ]
