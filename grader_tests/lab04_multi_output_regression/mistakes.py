"""Lab 04's known mistakes, each as the wrong answer it gives and the question to ask.

Every function returns candidates, (the reference with one named mistake applied, the
question for the student), for `diagnose.best_match`. They are computed from the
check's own inputs with the float64 references, never stored. The mistakes come from
the lab's brief and the seed documents (002: the model reads global w, b; 003: the
update `w.sub_(w * lr)` with the weights instead of their gradient, and no zero_).
The function names follow the course convention: predict, step_, train -> (w, b,
losses).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grader_tests.core.named import Diagnosis
from grader_tests.lab04_multi_output_regression.reference import (
    LabParams,
    design,
    hessian,
    init64,
    reference_gradients,
    reference_init,
    reference_model,
    reference_mse,
    seeded_run,
    simulate,
)

Candidates = list[tuple[list[float], str]]

TRANSPOSE = (
    "w has shape (2, 3), one row per output, so x (n, 3) @ w (2, 3) does not fit "
    "(inner sizes 3 and 2): did you write x @ w instead of x @ w.t()? x @ w.t() is "
    "(n, 3) @ (3, 2) -> (n, 2)."
)
NO_GRAD = (
    "Did you update w outside `with torch.no_grad():`? Autograd refuses to change in "
    "place a leaf tensor it tracks; inside no_grad the update is not recorded."
)
NOTHING_TO_DIFFERENTIATE = (
    "loss.backward() found nothing to differentiate: is the loss computed from the w "
    "and b passed in (requires_grad=True), not under torch.no_grad(), not from "
    "w.detach() or .item()?"
)
NOT_SCALAR = (
    "loss.backward() needs a loss that is one number: does mse average over all "
    "entries (torch.sum(diff * diff) / diff.numel()), not per row or per column?"
)
MODEL_ARGS = (
    "predict takes x, w and b: a predict(x) that reads the global w and b cannot be "
    "used with other weights; pass them in as arguments."
)
REBOUND = (
    "Did you write {name} = {name} - ... inside step_? That makes a new tensor "
    "(without a gradient) and leaves the caller's {name} as it was: update in place, "
    "{name} -= {name}.grad * lr."
)
MIXED_DTYPES = (
    "The check passes float64 tensors and your code mixed them with float32 ones: "
    "does it use a global tensor (like a predict(x) that reads the global w and b) "
    "instead of its arguments?"
)
SECOND_BACKWARD = (
    "Did you call backward twice on the same loss? Compute the predictions and the "
    "loss afresh inside the loop, once per epoch."
)

# Text of an exception raised by student code -> the question to ask.
ERROR_HINTS = (
    ("shapes cannot be multiplied (5x3 and 2x3)", TRANSPOSE),
    ("shapes cannot be multiplied (4x3 and 2x3)", TRANSPOSE),
    ("being used in an in-place operation", NO_GRAD),
    ("does not require grad and does not have a grad_fn", NOTHING_TO_DIFFERENTIATE),
    ("grad can be implicitly created only for scalar outputs", NOT_SCALAR),
    ("positional argument", MODEL_ARGS),
    ("'NoneType' object has no attribute", REBOUND.format(name="w")),
    ("backward through the graph a second time", SECOND_BACKWARD),
    ("to have the same dtype", MIXED_DTYPES),
    ("expected scalar type", MIXED_DTYPES),
)


def _flat(*arrays: np.ndarray) -> list[float]:
    return np.concatenate([np.asarray(a, np.float64).ravel() for a in arrays]).tolist()


def merge_ties(candidates: list[tuple]) -> list[tuple]:
    """Join the messages of candidates with the same value (two mistakes, one number).

    For two outputs, 1 / L is also 2 / L with the Hessian scaled by 2 / n instead of
    2 / (n m); the student gets both questions instead of a guess.
    """
    merged: list[tuple] = []
    for value, message in candidates:
        flat = np.atleast_1d(np.asarray(value, np.float64)).ravel()
        for i, (other, text) in enumerate(merged):
            other_flat = np.atleast_1d(np.asarray(other, np.float64)).ravel()
            scale = max(float(np.max(np.abs(other_flat))), 1e-300)
            if flat.shape == other_flat.shape and (
                float(np.max(np.abs(flat - other_flat))) <= 1e-9 * scale
            ):
                merged[i] = (other, f"{text} Or: {message}")
                break
        else:
            merged.append((value, message))
    return merged


def error_hint(text: str) -> str | None:
    """The question for an exception raised by student code, from its message."""
    return next((hint for key, hint in ERROR_HINTS if key in text), None)


# ---- init_params ----


def init_shape(
    name: str, shape: tuple[int, ...], n_inputs: int, n_outputs: int
) -> str | None:
    """Why w (n_outputs, n_inputs) or b (n_outputs,) from init_params has this shape."""
    lab_shape = {"w": (2, 3), "b": (2,)}[name]
    expected = {"w": (n_outputs, n_inputs), "b": (n_outputs,)}[name]
    if name == "w" and shape == (n_inputs, n_outputs):
        return (
            "w holds one row per output and one column per input feature: "
            f"torch.randn(n_outputs, n_inputs), here ({n_outputs}, {n_inputs}), so "
            "that x @ w.t() is (n, n_outputs)."
        )
    if shape == lab_shape != expected:
        return (
            f"That is the lab's shape {lab_shape}: did you hard-code it instead of "
            "using the arguments, torch.randn(n_outputs, n_inputs) for w and "
            "torch.randn(n_outputs) for b?"
        )
    if name == "b" and shape in ((n_outputs, 1), (1, n_outputs)):
        return "b is 1-D, one entry per output: torch.randn(n_outputs)."
    return None


def init_values(seed: int, p: LabParams, sizes: tuple[int, int]) -> Candidates:
    """init_params(n_inputs, n_outputs, seed): b drawn first, the lab's seed hard-coded."""
    w_bw, b_bw = reference_init(seed, p, order="bw", sizes=sizes)
    candidates = [
        (
            _flat(w_bw.double().numpy(), b_bw.double().numpy()),
            "w and b are the "
            "seed's draws in the other order: did you draw b before w? The recipe is "
            "torch.manual_seed(seed), then w = torch.randn(n_outputs, n_inputs, ...), "
            "then b = torch.randn(n_outputs, ...).",
        ),
    ]
    if seed != p.seed:
        w42, b42 = reference_init(p.seed, p, sizes=sizes)
        candidates.append(
            (
                _flat(w42.double().numpy(), b42.double().numpy()),
                f"With seed={seed} it drew the values of seed {p.seed}: "
                f"did you seed with {p.seed} instead of the argument "
                "seed?",
            )
        )
    return candidates


# ---- predict ----


def predict(x: np.ndarray, w: np.ndarray, b: np.ndarray, p: LabParams) -> Candidates:
    """predict(x, w, b) with the right shape but wrong values."""
    w42, b42 = init64(p.seed, p)
    return [
        (
            _flat(x @ w.reshape(w.shape[1], w.shape[0]) + b),
            "Did you reshape w to "
            "(3, 2) instead of transposing it? w.reshape(3, 2) (or w.view(3, 2)) keeps "
            "the entries in memory order and mixes the outputs' weights; w.t() swaps "
            "rows and columns.",
        ),
        (_flat(x @ w.T), "The bias is missing: did you forget + b?"),
        (
            _flat(x @ w.T + b[::-1]),
            "The bias is added to the wrong outputs: is b in "
            "the order (apples, oranges)?",
        ),
        (
            _flat(reference_model(x, w42, b42)),
            "predict returned the predictions of the "
            f"seed-{p.seed} weights, not of the w and b passed in: does it use the "
            "global w, b, like a predict(x) without w and b arguments?",
        ),
    ]


def predict_shape(shape: tuple[int, ...], n: int, m: int) -> str | None:
    """Why predictions meant to be (n, m) have another shape."""
    if shape == (m, n):
        return (
            "That is the transpose of the predictions: did you compute w @ x.t()? "
            "Use x @ w.t(), one row per example."
        )
    if shape == (n,) or shape == (n, 1):
        return "Did you sum over the outputs? predict returns one column per output."
    if len(shape) == 2 and shape[0] == 5 and n != 5:
        return "Did you use the global inputs instead of the argument x?"
    return None


# ---- mse ----


def mse(y_hat: np.ndarray, y: np.ndarray, lab_numel: int) -> list[tuple[float, str]]:
    """mse(y_hat, y) done wrong: summed, divided by rows or by columns, RMSE, ..."""
    diff = y_hat - y
    expected, total = reference_mse(y_hat, y), float(np.sum(diff * diff))
    n, m = diff.shape
    hard_coded = (
        []
        if diff.size == lab_numel
        else [
            (
                total / lab_numel,
                f"Did you divide by {lab_numel} (the lab's numel) instead "
                f"of diff.numel()? Here y has {diff.size} entries.",
            )
        ]
    )
    return hard_coded + [
        (
            total,
            f"mse is {diff.size}x the reference (numel = {n} x {m} = {diff.size}):"
            " did you sum the squared errors instead of averaging them?",
        ),
        (
            total / n,
            f"mse is {m}x the reference: did you divide by the number of rows"
            f" (len(diff) = {n}) instead of the number of entries (diff.numel() = "
            f"{diff.size})? Or sum over the outputs and average over the examples?",
        ),
        (
            total / m,
            f"mse is {n}x the reference: did you sum over the examples and "
            f"average over the {m} outputs only? Divide by diff.numel() = {diff.size}.",
        ),
        (expected**0.5, "mse is the square root of the MSE: did you return the RMSE?"),
        (
            float(np.mean(np.abs(diff))),
            "mse is the mean absolute error: did you take "
            "abs(diff) instead of diff * diff?",
        ),
        (float(np.mean(diff)), "Did you forget to square the errors (diff * diff)?"),
        (
            float(np.mean(diff)) ** 2,
            "Did you square the mean error instead of averaging the squared errors?",
        ),
    ]


def mse_shape(shape: tuple[int, ...], n: int, m: int) -> str | None:
    """Why a loss meant to be one number has this shape."""
    if shape == (m,):
        return (
            "One value per output: did you average over dim=0 only? The MSE averages "
            "over all entries: torch.sum(diff * diff) / diff.numel()."
        )
    if shape == (n,):
        return (
            "One value per example: did you average over dim=1 only? The MSE averages "
            "over all entries: torch.sum(diff * diff) / diff.numel()."
        )
    if shape == (n, m):
        return "Did you forget to sum the squared errors before dividing?"
    return None


# ---- gradients ----


def ratio_table(name: str, numel: int, n: int, m: int) -> list[tuple[float, str]]:
    """(factor, question) for a gradient of the MSE over numel = n * m entries."""
    return [
        (
            float(numel),
            f"{name} is {numel}x the reference (numel = {n} x {m}): did "
            "you sum the squared errors instead of averaging them (the 1/numel is "
            "missing)?",
        ),
        (
            float(m),
            f"{name} is {m}x the reference: did you divide by the number of "
            f"examples ({n}: len(diff), .mean(dim=0)) instead of the number of entries "
            f"(numel = {numel})?",
        ),
        (
            float(n),
            f"{name} is {n}x the reference: did you divide by the number of "
            f"outputs ({m}) instead of the number of entries ({numel})?",
        ),
        (
            0.5,
            f"{name} is half the reference: did you leave out the factor 2 that "
            "the derivative of the square brings down?",
        ),
        (
            -1.0,
            f"{name} has the wrong sign: did you write y - y_hat instead of y_hat - y?",
        ),
        (
            0.0,
            f"{name} is all zeros: did you compute it, or zero it before reading it?",
        ),
    ]


def gradient_candidates(
    name: str,
    expected: np.ndarray,
    n: int,
    m: int,
    other: Sequence[tuple[list[float], str]] = (),
) -> Candidates:
    """The ratio table applied to a gradient, plus other candidates."""
    flat = np.asarray(expected, np.float64).ravel()
    table = ratio_table(name, n * m, n, m)
    return [((factor * flat).tolist(), message) for factor, message in table] + list(
        other
    )


def gradient_other(
    name: str,
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    p: LabParams,
    formula: bool,
) -> Candidates:
    """dw or db done wrong beyond a factor: global weights, or (formula) misplaced."""
    i = ("dw", "db").index(name)
    at_global = reference_gradients(x, y, *init64(p.seed, p))[i]
    out = [
        (
            _flat(at_global),
            f"{name} is the gradient at the seed-{p.seed} weights, not "
            "at the w, b passed in: does your loss use the global w, b (like a predict(x) "
            "without w and b arguments)?",
        ),
    ]
    return out + (_formula_other(name, x, y, w, b) if formula else [])


def _formula_other(
    name: str, x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray
) -> Candidates:
    """dw or db from the formula, done wrong beyond a factor."""
    error = reference_model(x, w, b) - y
    scale = 2 / error.size
    if name == "dw":
        return [
            (
                _flat(scale * (error.T @ x).T.reshape(2, 3)),
                "dw has its entries in the "
                "wrong places: did you reshape x.T @ E (3, 2) instead of computing "
                "E.T @ x (2, 3)?",
            ),
        ]
    return [
        (
            _flat(np.full(error.shape[1], scale * error.sum())),
            "Every entry of "
            "db is the same: did you sum E over all entries instead of over the "
            "examples only (E.sum(dim=0))?",
        ),
    ]


def gradient_shape(name: str, shape: tuple[int, ...], n: int, m: int) -> str | None:
    """Why dw (m, k) or db (m,) has another shape."""
    if name == "dw" and shape == (3, m):
        return "That is dw transposed: x.T @ E is (3, 2); use E.T @ x, (2, 3) like w."
    if name == "db" and shape == (n,):
        return (
            "One value per example: did you sum E over dim=1 (the outputs) instead "
            "of dim=0 (the examples)?"
        )
    if name == "db" and shape == (n, m):
        return "Did you forget to sum E over the examples, E.sum(dim=0)?"
    if name == "db" and shape == ():
        return "db has one entry per output: sum E over dim=0 only, not over all."
    if name == "db" and shape == (1, m):
        return "Keep db 1-D like b: E.sum(dim=0), without keepdim."
    return None


# ---- step_ ----


def step_(name: str, param: np.ndarray, grad: np.ndarray, lr: float) -> Candidates:
    """The new w (or b) of step_: with the weights, uphill, no lr, unchanged."""
    return [
        (
            _flat(param * (1 - lr)),
            Diagnosis(
                f"The new {name} is {name} * (1 - lr): "
                f"did you update with the weights instead of their gradient, as in "
                f"{name}.sub_({name} * lr)? Subtract {name}.grad * lr.",
                "UpdatedWithWeights",
            ),
        ),
        (
            _flat(param + lr * grad),
            Diagnosis(
                f"The new {name} moved uphill: did you "
                f"add {name}.grad * lr instead of subtracting it?",
                "GradientAscent",
            ),
        ),
        (_flat(param - grad), f"Did you forget to multiply {name}.grad by lr?"),
        (_flat(param - lr * lr * grad), "Did you multiply by lr twice?"),
    ]


# ---- training runs ----


def train_run(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    num_epochs: int,
) -> Candidates:
    """(w, b) after a training run with one mistake in the loop or in a part of it."""

    def run(**kwargs) -> list[float]:
        settings = {"lr": lr, "num_epochs": num_epochs} | {
            k: v for k, v in kwargs.items() if k in ("lr", "num_epochs")
        }
        rest = {k: v for k, v in kwargs.items() if k not in settings}
        w, b, _ = simulate(x, y, w0, b0, settings["lr"], settings["num_epochs"], **rest)
        return _flat(w, b)

    return [
        (
            run(update="ascend"),
            Diagnosis(
                "w, b match a run that climbs the loss: "
                "did you add w.grad * lr instead of subtracting it?",
                "GradientAscent",
            ),
        ),
        (
            run(zero_grad=False),
            Diagnosis(
                "w, b match a run whose gradients were never "
                "zeroed: did you forget w.grad.zero_() and b.grad.zero_() after the update? "
                "PyTorch adds each backward's gradients to .grad, so every step used the sum "
                "of all the gradients so far.",
                "NoZeroGrad",
            ),
        ),
        (
            run(update="weights"),
            Diagnosis(
                "w, b match a run updated with the weights "
                "instead of their gradient (each epoch w = w * (1 - lr)), as in "
                "w.sub_(w * lr): subtract w.grad * lr.",
                "UpdatedWithWeights",
            ),
        ),
        (
            run(num_epochs=num_epochs - 1),
            f"w, b match {num_epochs - 1} epochs, one "
            f"too few: does the loop run range(num_epochs) = {num_epochs} times?",
        ),
        (
            run(num_epochs=num_epochs + 1),
            f"w, b match {num_epochs + 1} epochs, one "
            f"too many: does the loop run range(num_epochs) = {num_epochs} times?",
        ),
        (
            run(lr=lr * x.shape[0] * y.shape[1]),
            f"w, b match a run with "
            f"{x.shape[0] * y.shape[1]}x the learning rate: are the gradients too large "
            "because mse sums the squared errors instead of averaging them?",
        ),
        (
            run(lr=lr * y.shape[1]),
            f"w, b match a run with {y.shape[1]}x the learning "
            "rate: does mse divide by the number of rows instead of diff.numel()?",
        ),
        (
            _flat(w0, b0),
            "w and b never moved from their initial values: does train "
            "update the tensors passed in, in place (through step_), and not copies?",
        ),
    ]


def run_settings(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    p: LabParams,
) -> Candidates:
    """(w, b) of the notebook's run with another learning rate."""
    out = []
    for lr in (1e-4, 3e-5, 1e-6, 1e-7, 2e-5, 5e-6):
        w, b, _ = simulate(x, y, w0, b0, lr, p.num_epochs)
        out.append(
            (
                _flat(w, b),
                f"w, b match a run with lr = {lr:g}: did you pass LR = {p.lr:g}?",
            )
        )
    return out


def first_loss(x: np.ndarray, y: np.ndarray, p: LabParams) -> list[tuple[float, str]]:
    """losses[0] of the notebook's run when it did not start from init_params(3, 2, SEED)."""
    w_bw, b_bw = (t.double().numpy() for t in reference_init(p.seed, p, order="bw"))
    start = reference_mse(reference_model(x, *init64(p.seed, p)), y)
    numel, rows = y.size, y.shape[0]
    w_end, b_end, _, _ = seeded_run(p)
    out = [
        (
            reference_mse(reference_model(x, w_bw, b_bw), y),
            "losses[0] is the loss of "
            f"seed {p.seed}'s draws in the other order: does init_params draw w before "
            "b?",
        ),
        (
            numel * start,
            f"losses[0] is {numel}x the loss at init_params(3, 2, SEED): does "
            "mse sum the squared errors instead of averaging them?",
        ),
        (
            numel / rows * start,
            f"losses[0] is {numel // rows}x the loss at "
            "init_params(3, 2, SEED): does mse divide by the number of rows instead of "
            "diff.numel()?",
        ),
        (
            reference_mse(reference_model(x, w_end, b_end), y),
            "losses[0] is the loss "
            f"after {p.num_epochs} epochs: did you run the training cell twice without "
            "calling init_params(3, 2, SEED) again?",
        ),
    ]
    for seed in (0, 1, 123, 2024):
        w, b = init64(seed, p)
        out.append(
            (
                reference_mse(reference_model(x, w, b), y),
                f"losses[0] is the "
                f"loss of the weights of seed {seed}: did you call "
                f"init_params(3, 2, SEED) with SEED = {p.seed}?",
            )
        )
    return out


def hessian_matrix(x: np.ndarray, m: int, notebook: np.ndarray) -> Candidates:
    """hessian(x, m) done wrong: a factor off, or the notebook's inputs used."""
    h, n = hessian(x, m), x.shape[0]
    table = [
        (
            0.5,
            "H is half the reference: did you leave out the factor 2? "
            "H = 2 / (n * m) * A.T @ A.",
        ),
        (
            float(m),
            f"H is {m}x the reference: did you divide by n = {n} instead of "
            f"n * m = {n * m}? The loss averages over all n * m entries.",
        ),
        (
            float(n),
            f"H is {n}x the reference: did you divide by m = {m} instead of "
            f"n * m = {n * m}?",
        ),
        (n * m / 2, "H is A.T @ A itself: did you forget the factor 2 / (n * m)?"),
    ]
    out = [(_flat(factor * h), message) for factor, message in table]
    if notebook.shape == h.shape and not np.allclose(notebook, h, rtol=1e-2):
        out.append(
            (
                _flat(notebook),
                "That is H for the notebook's inputs, not for "
                "the x passed in: did you use a global variable instead of the "
                "argument?",
            )
        )
    return merge_ties(out)


def hessian_shape(shape: tuple[int, ...], n: int, k: int) -> str | None:
    """Why a Hessian meant to be (k + 1, k + 1) has another shape."""
    if shape == (k, k):
        return (
            "Did you leave out the column of ones for the bias? A = [x, 1] is "
            f"(n, {k + 1}), so H is ({k + 1}, {k + 1})."
        )
    if shape == (n, n):
        return "Did you compute A @ A.T instead of A.T @ A?"
    if shape == (2 * (k + 1), 2 * (k + 1)):
        return (
            "hessian returns one output's block (k + 1, k + 1), not the whole matrix."
        )
    return None


def largest_stable_lr(
    x: np.ndarray, m: int, notebook: float
) -> list[tuple[float, str]]:
    """2 / L done wrong: 1 / L, no bias column, outputs forgotten, smallest eigenvalue.

    `notebook` is 2 / L for the notebook's inputs: a function reading the global
    inputs returns it for every x (left out when it is the right answer).
    """
    h = hessian(x, m)
    eig = np.linalg.eigvalsh(h)
    n = x.shape[0]
    no_bias = 2 / float(np.linalg.eigvalsh(2 / (n * m) * x.T @ x)[-1])
    globals_used = (
        []
        if abs(notebook * eig[-1] / 2 - 1) < 1e-2
        else [
            (
                notebook,
                "That is 2 / L for the notebook's inputs, not for the x passed "
                "in: did you use a global variable instead of the argument?",
            )
        ]
    )
    return merge_ties(
        globals_used
        + [
            (1 / eig[-1], "Did you return 1 / L instead of 2 / L?"),
            (
                2 / eig[-1] / m,
                f"Did you scale A.T A by 2 / n instead of 2 / (n * m) = "
                f"2 / numel? The loss averages over all n * m = {n * m} entries, not over "
                f"the {n} rows.",
            ),
            (
                4 / eig[-1],
                "Did you leave the factor 2 out of the Hessian? "
                "H = 2 / (n * m) * A.T @ A.",
            ),
            (
                no_bias,
                "Did you leave out the column of ones for the bias? The Hessian is "
                "2 / (n * m) * A.T @ A with A = [x, 1].",
            ),
            (
                2 / eig[0],
                "Did you use the smallest eigenvalue instead of the largest, L?",
            ),
            (float(eig[-1]), "Did you return L itself instead of 2 / L?"),
            (
                2 / float(np.linalg.eigvalsh(design(x).T @ design(x))[-1]),
                "Did you forget the factor 2 / (n * m) in front of A.T @ A?",
            ),
        ]
    )
