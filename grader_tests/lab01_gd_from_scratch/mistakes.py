"""Lab 01's known mistakes, each as the wrong answer it gives and the question to ask.

A check that finds a wrong value looks here: every function returns candidates,
(the reference with one named mistake applied, the question for the student), for
`diagnose.best_match` or `compare.require_close`. They are computed from the check's
own inputs with the float64 references, never stored. The mistakes come from the
contract's list and the seed documents (000: the true line in predict, per-example
gradients; 003: updating with the weights).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from grader_tests.core import recipes
from grader_tests.core.named import Diagnosis
from grader_tests.lab01_gd_from_scratch.reference import (
    FAR_START,
    NOISE_STD_HIGH,
    LabParams,
    chained_sweep,
    hessian,
    reference_data,
    reference_epochs_to_reach,
    reference_largest_stable_lr,
    reference_mse,
    reference_predict,
    reference_sweep,
    reference_train,
    run_answers,
    wrong_recipe_draws,
)

Vector = list[tuple[list[float], str]]
Scalar = list[tuple[float, str]]


def _flat(a: np.ndarray) -> list[float]:
    return np.asarray(a, np.float64).ravel().tolist()


def make_data_x(q: LabParams, p: LabParams) -> Vector:
    """x from make_data(q...): drawn after the noise, or with the lab's seed."""
    other_seed = reference_data(replace(q, seed=p.seed))[0].double().numpy()
    return [
        (
            _flat(wrong_recipe_draws(q)["x_after_noise"]),
            "x is the second draw: did "
            "you draw the noise before x? The recipe draws x = torch.rand(n, 1) first.",
        ),
        (
            _flat(other_seed),
            f"With seed={q.seed} it drew the x of seed {p.seed}: did "
            f"you seed with {p.seed} instead of the argument seed?",
        ),
    ]


def make_data_y(x: np.ndarray, q: LabParams, p: LabParams) -> Vector:
    """y from make_data(q...) for the right x: the noise or the line done wrong."""
    draws = wrong_recipe_draws(q)
    z, line = draws["z"], q.true_w * x.ravel() + q.true_b
    return [
        (
            _flat(line),
            "y has no noise: did you forget to add noise = noise_std * "
            "torch.randn(n, 1)?",
        ),
        (
            _flat(line + z),
            "The noise is not scaled: did you forget to multiply "
            "torch.randn(n, 1) by noise_std?",
        ),
        (
            _flat(line + q.noise_std**2 * z),
            "The noise is scaled by noise_std ** 2 "
            "(the variance): did you square noise_std?",
        ),
        (
            _flat(line + q.noise_std * draws["u"]),
            "The noise should be normal: did you "
            "draw it with torch.rand instead of torch.randn?",
        ),
        (
            _flat(p.true_w * x.ravel() + p.true_b + q.noise_std * z),
            "make_data "
            f"ignores true_w and true_b: did you hard-code the line {p.true_w} * x + "
            f"{p.true_b}?",
        ),
        (
            _flat(line + p.noise_std * z),
            f"make_data ignores noise_std: did you hard-code {p.noise_std}?",
        ),
    ]


def predict_ignores(p: LabParams, what: str) -> str:
    """The question for a predict that does not use w and b (the true line)."""
    return Diagnosis(
        f"predict ignores w and b: {what}. Did you use the true line {p.true_w} * x + "
        f"{p.true_b} instead of the parameters? Use w * x + b.",
        "TrueLine",
    )


def predict(x: np.ndarray, w: float, b: float, p: LabParams) -> Vector:
    """predict(x, w, b): the true line, w and b swapped, a term left out."""
    line = f"for w = {w}, b = {b} it returned {p.true_w} * x + {p.true_b}"
    return [
        (_flat(p.true_w * x + p.true_b), predict_ignores(p, line)),
        (_flat(b * x + w), "predict swaps w and b: did you write b * x + w?"),
        (_flat(w * x), "predict leaves out the bias: did you forget + b?"),
        (_flat(x + b), "predict leaves out the weight: did you forget w * x?"),
    ]


mse = recipes.mse_mistakes  # summed, RMSE, absolute, squared mean, halved, not squared


def gradient(name: str, other_expected: float, notebook: float, seed: int) -> Scalar:
    """dw or db beyond the ratio table: the other gradient, the notebook's data."""
    other = "db" if name == "dw" else "dw"
    x_factor = "forget the factor x in dw" if name == "dw" else "multiply db by x"
    return [
        (
            other_expected,
            f"{name} equals the reference {other}: did you {x_factor}, "
            "or return (db, dw) instead of (dw, db)?",
        ),
        (
            notebook,
            f"{name} is the gradient for the notebook's data (seed {seed}), "
            "not for the x, y passed in: did you use global variables instead of the "
            "arguments x, y?",
        ),
    ]


def step(name: str, inputs: dict[str, float], other_new: float) -> Scalar:
    """The new w (or b) of step: uphill, with the weights, no lr, swapped, unchanged."""
    other = "b" if name == "w" else "w"
    param, grad, lr = inputs[name], inputs[f"d{name}"], inputs["lr"]
    return [
        (
            param + lr * grad,
            Diagnosis(
                f"The new {name} moved uphill: did you write "
                f"{name} + lr * d{name} instead of {name} - lr * d{name}?",
                "GradientAscent",
            ),
        ),
        (
            param - lr * param,
            Diagnosis(
                f"The new {name} moved by lr * {name}, not lr * "
                f"d{name}: did you update with the weights instead of their gradient, like "
                "w.sub_(w * lr)?",
                "UpdatedWithWeights",
            ),
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
    ]


def train_params(x: np.ndarray, y: np.ndarray, p: LabParams) -> Vector:
    """(w, b) after train: never moved, returned swapped, half the gradient."""
    w, b, _ = reference_train(x, y, p.w0, p.b0, p.lr, p.num_epochs)
    half = reference_train(x, y, p.w0, p.b0, p.lr / 2, p.num_epochs)[:2]
    return [
        (
            [p.w0, p.b0],
            f"w and b never moved from (w0, b0) = ({p.w0}, {p.b0}): does "
            "the loop assign step's result, w, b = step(w, b, dw, db, lr)?",
        ),
        ([b, w], "Did you return (b, w, losses) instead of (w, b, losses)?"),
        (
            list(half),
            "w, b match a run with half the gradient: did you leave out the "
            "factor 2 in dw and db?",
        ),
    ]


def first_loss(
    x: np.ndarray, y: np.ndarray, p: LabParams, run: Mapping[str, Any]
) -> Scalar:
    """losses[0] of train(**run): recorded after the update, or from the lab's start."""
    after_update = reference_train(x, y, run["w0"], run["b0"], run["lr"], 2)[2][1]
    at_lab_start = reference_mse(reference_predict(x, p.w0, p.b0), y)
    return [
        (
            after_update,
            "losses[0] is the loss after the first update: did you append "
            "the loss after calling step? Record float(loss) before the update, so "
            "that losses[0] is the loss at (w0, b0).",
        ),
        (
            at_lab_start,
            f"losses[0] is the loss at ({p.w0}, {p.b0}), not at (w0, b0) "
            f"= ({run['w0']}, {run['b0']}): does train start from its arguments w0, b0?",
        ),
    ]


def last_loss(
    x: np.ndarray, y: np.ndarray, p: LabParams, run: Mapping[str, Any]
) -> Scalar:
    """losses[-1] of train(**run): the notebook's lr used, or half the gradient."""
    start, epochs = (run["w0"], run["b0"]), run["num_epochs"]
    lab_lr = reference_train(x, y, *start, p.lr, epochs)[2][-1]
    half = reference_train(x, y, *start, run["lr"] / 2, epochs)[2][-1]
    return [
        (
            lab_lr,
            f"The losses follow a run with lr = {p.lr} (the notebook's), not "
            f"the lr = {run['lr']} passed in: does train use its lr argument?",
        ),
        (
            half,
            "The losses fall as if the gradients were half as large: did you "
            "leave out the factor 2 in dw and db?",
        ),
    ]


def largest_stable_lr(x: np.ndarray, p: LabParams) -> Scalar:
    """2 / L done wrong: 1 / L, no factor 2 in H, smallest eigenvalue, global x."""
    h = hessian(x)
    low, high = (float(v) for v in np.linalg.eigvalsh(h))
    notebook = reference_largest_stable_lr(reference_data(p)[0].double().numpy())
    return [
        (1 / high, "Did you return 1 / L instead of 2 / L?"),
        (
            4 / high,
            "Did you leave the factor 2 out of the Hessian "
            "H = 2 * [[mean(x^2), mean(x)], [mean(x), 1]]?",
        ),
        (2 / low, "Did you use the smallest eigenvalue instead of the largest, L?"),
        (high, "Did you return L itself instead of 2 / L?"),
        (
            2 / float(h[0, 0]),
            "Did you use only the w-w entry 2 * mean(x^2) of the "
            "Hessian? L is the largest eigenvalue of the whole 2 x 2 matrix.",
        ),
        (
            notebook,
            f"That is 2 / L for the notebook's data (seed {p.seed}), not for "
            "the x passed in: did you use a global variable instead of the argument?",
        ),
    ]


def lr_sweep(
    x: np.ndarray, y: np.ndarray, lrs: list[float], epochs: int, p: LabParams
) -> Vector:
    """lr_sweep(x, y, lrs, epochs) done wrong: no reset, the trained start, one lr."""
    trained = run_answers(p)
    start = (trained["w"], trained["b"])
    first = reference_mse(reference_predict(x, 0.0, 0.0), y)
    return [
        (
            chained_sweep(x, y, lrs, epochs),
            "Each run went on from where the previous "
            "one ended: start every run again from w = b = 0, train(x, y, 0.0, 0.0, lr, "
            "num_epochs), inside the loop over lrs.",
        ),
        (
            reference_sweep(x, y, lrs, epochs, [start] * len(lrs)),
            "Every run started "
            "from the w, b trained in Section 6, already at the minimum: start each run "
            "from w = b = 0.",
        ),
        (
            reference_sweep(x, y, [lrs[0]] * len(lrs), epochs),
            "Every run used the first "
            "learning rate: pass each lr of the loop to train, not lrs[0].",
        ),
        (
            reference_sweep(x, y, [p.lr] * len(lrs), epochs),
            f"Every run used lr = "
            f"{p.lr} (the notebook's LR): pass each lr of lrs to train.",
        ),
        (
            reference_sweep(x, y, lrs, p.num_epochs),
            f"The runs took {p.num_epochs} "
            "epochs (the notebook's NUM_EPOCHS): pass the argument num_epochs to train.",
        ),
        (
            [first] * len(lrs),
            "Every entry is the loss at the start, w = b = 0: return "
            "losses[-1], the last loss of each run, not losses[0].",
        ),
    ]


def big_sweep(x: np.ndarray, y: np.ndarray, lrs: list[float], epochs: int) -> Vector:
    """The sweep on x_big with the notebook's own x, y (global variables) instead."""
    return [
        (
            reference_sweep(x, y, lrs, epochs),
            "These are the final losses for the "
            "notebook's x, y, not for the x, y passed in: does lr_sweep use its "
            "arguments x, y (and pass them to train)?",
        ),
    ]


# ---- Section 8: epochs to reach the target, the far run ----

Epoch = int | float | None


def epochs_to_reach(losses: list[float], target: float) -> list[tuple[Epoch, str]]:
    """epochs_to_reach(losses, target) done wrong: <, one too late, the last epoch,
    the loss instead of its index, -1 or len(losses) for "never"."""
    strict = next((k for k, v in enumerate(losses) if v < target), None)
    right = reference_epochs_to_reach(losses, target)
    last = max((k for k, v in enumerate(losses) if v <= target), default=None)
    found = [] if right is None else [(right + 1, "one too late"), (right, "loss")]
    candidates: list[tuple[Epoch, str]] = [
        (
            strict,
            "Did you compare with < instead of <=? An epoch whose loss equals the "
            "target reaches it.",
        ),
        (
            last,
            "That is the last epoch at or below the target, not the first: return "
            "as soon as losses[k] <= target.",
        ),
    ]
    for value, what in found:
        if what == "one too late":
            candidates.append(
                (
                    value,
                    "One epoch too late: k counts from 0 (losses[0] is the loss "
                    "before the first update), so return k, not k + 1.",
                )
            )
        else:
            candidates.append(
                (
                    losses[value],
                    "That is the loss losses[k], not the epoch k: return the index.",
                )
            )
    if right is None:
        candidates += [
            (-1, "The run never reaches the target: return None, not -1."),
            (
                len(losses),
                "The run never reaches the target: return None, not len(losses).",
            ),
            (
                len(losses) - 1,
                "The run never reaches the target: return None, not the last index.",
            ),
        ]
    return [(v, m) for v, m in candidates if v != right]


def far_first_loss(x: np.ndarray, y: np.ndarray, p: LabParams) -> Scalar:
    """losses_far[0]: the run started from (0, 0), or from (b0, w0) swapped."""
    w0, b0 = FAR_START
    return [
        (
            reference_mse(reference_predict(x, p.w0, p.b0), y),
            f"losses_far[0] is the loss at ({p.w0}, {p.b0}): train from "
            f"(w0, b0) = ({w0}, {b0}), train(x, y, {w0}, {b0}, LR, NUM_EPOCHS).",
        ),
        (
            reference_mse(reference_predict(x, b0, w0), y),
            f"losses_far[0] is the loss at (w, b) = ({b0}, {w0}): w comes first, "
            f"train(x, y, {w0}, {b0}, LR, NUM_EPOCHS).",
        ),
    ]


def init_epochs(near: int | None, far: int | None, name: str) -> list[tuple]:
    """epochs_near or epochs_far taken from the other run."""
    other = {
        "epochs_near": ("losses_far", "losses"),
        "epochs_far": ("losses", "losses_far"),
    }
    used, want = other[name]
    return [
        (
            far if name == "epochs_near" else near,
            f"{name} is the other run's count: did you pass {used} instead of "
            f"{want} to epochs_to_reach?",
        )
    ]


# ---- Section 10: more noise ----


def noise_y(x: np.ndarray, p: LabParams) -> Vector:
    """y_noisy made with the lab's noise std, or without noise."""
    lab_y = reference_data(p)[1].double().numpy()
    return [
        (
            _flat(lab_y),
            f"y_noisy is the data of noise_std = {p.noise_std}: make it with "
            f"NOISE_STD_HIGH = {NOISE_STD_HIGH}.",
        ),
        (
            _flat(p.true_w * x + p.true_b),
            "y_noisy has no noise: make it with make_data and NOISE_STD_HIGH.",
        ),
    ]


def noise_run(p: LabParams) -> Vector:
    """(w_noisy, b_noisy) of a run on the lab's data instead of the noisy data."""
    a = run_answers(p)
    return [
        (
            [a["w"], a["b"]],
            "w_noisy, b_noisy are those of the run on x, y (noise_std = "
            f"{p.noise_std}): train on x_noisy, y_noisy.",
        )
    ]


def noise_ratios(final: float, noisy_final: float, p: LabParams) -> Vector:
    """The ratios divided by noise_std, or not divided at all. (Swapped ratios are
    no mistake: with the same seed the residuals scale exactly, and the two agree.)"""
    lo, hi = p.noise_std, NOISE_STD_HIGH
    return [
        (
            [final / lo, noisy_final / hi],
            "Divide by noise_std ** 2, the variance, not by noise_std.",
        ),
        ([final, noisy_final], "Divide each final loss by its noise_std ** 2."),
    ]
