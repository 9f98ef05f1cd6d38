"""Lab 06 references: every number the review questions ask, computed from `LabParams`.

Nothing here is a typed-in answer: shapes come from the sizes in `LabParams`, numbers
from float64 formulas on the lab's data, training runs from float64 numpy loops. The
unit tests compare each with an independent computation (torch autograd, nn.Linear,
DataLoader, torch.optim.SGD, finite differences).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from grader_tests.core import linear

# The crop-yield table: one row per region,
# temperature, rainfall, humidity | yield of apples, yield of oranges.
CROP_ROWS = (
    (73, 67, 43, 56, 70),
    (91, 88, 64, 81, 101),
    (87, 134, 58, 119, 133),
    (102, 43, 37, 22, 37),
    (69, 96, 70, 103, 119),
)


@dataclass(frozen=True)
class LabParams:
    """The lab's data and the sizes its questions use (the notebook's constants)."""

    crop_rows: tuple[tuple[int, ...], ...] = CROP_ROWS
    n_inputs: int = 3  # the first 3 columns of a crop row are inputs
    # The four-point example: y = 2x on x = 1..4, model y_hat = w * x, lr 0.01, start w = 0.
    x4: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0)
    slope4: float = 2.0
    w4_start: float = 0.0
    w4_delta: float = 0.01  # X4: the small change of w
    lr4: float = 0.01
    # Q6: inputs (200, 7), targets (200, 4).
    q6_examples: int = 200
    q6_features: int = 7
    q6_targets: int = 4
    # Q12: predictions and targets of a 3 x 2 problem.
    q12_preds: tuple[tuple[float, ...], ...] = ((2.0, 5.0), (4.0, 1.0), (0.0, 3.0))
    q12_targets: tuple[tuple[float, ...], ...] = ((1.0, 5.0), (4.0, 3.0), (2.0, 3.0))
    # Q24: w = 3, loss = w ** 2, backward called twice without zeroing.
    q24_w: float = 3.0
    q24_calls: int = 2
    # Q26: N examples, batch size, epochs (the last, smaller batch kept).
    q26_n: int = 100
    q26_batch_size: int = 32
    q26_epochs: int = 10
    # Q33: N examples, batch size.
    q33_n: int = 15
    q33_batch_size: int = 4
    # Q36: nn.Linear(in_features, out_features).
    q36_in: int = 5
    q36_out: int = 3
    # The checks' own data (code items), and the fit check's run.
    check_seed: int = 6
    fit_n: int = 10
    fit_batch_size: int = 4
    fit_lr: float = 0.1
    fit_epochs: int = 3


DEFAULT = LabParams()


# ---- data, shapes, model, loss ----


def split_table(rows, n_inputs: int) -> tuple[np.ndarray, np.ndarray]:
    """A table's inputs (n, n_inputs) and targets (n, c - n_inputs), float64."""
    table = np.asarray(rows, dtype=np.float64)
    return table[:, :n_inputs], table[:, n_inputs:]


def crop_arrays(p: LabParams = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """The crop table's inputs (5, 3) and targets (5, 2), float64."""
    return split_table(p.crop_rows, p.n_inputs)


def param_shapes(n_inputs: int, n_outputs: int) -> tuple[tuple[int, ...], ...]:
    """Shapes of w and b for y_hat = x @ w.T + b (nn.Linear's layout)."""
    return (n_outputs, n_inputs), (n_outputs,)


def q6_shapes(p: LabParams = DEFAULT) -> tuple[tuple[int, ...], ...]:
    """Q6: the shapes of w and b for inputs (200, 7) and targets (200, 4)."""
    return param_shapes(p.q6_features, p.q6_targets)


def init_params(
    n_inputs: int, n_outputs: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Q7's recipe: seed, then w ~ randn(n_outputs, n_inputs), b ~ randn(n_outputs).

    float32, as torch draws them; the global random state is left untouched.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        w = torch.randn(n_outputs, n_inputs)
        b = torch.randn(n_outputs)
    return w, b


predict, mse = linear.forward, linear.mse  # Q8 predict(x, w, b), Q13 mse(y_hat, y)


def q12_mse(p: LabParams = DEFAULT) -> float:
    """Q12: the MSE of the question's predictions."""
    return mse(np.array(p.q12_preds), np.array(p.q12_targets))


# ---- the four-point, one-parameter example ----


def data4(p: LabParams = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """x = 1..4 and y = 2x, float64."""
    x = np.array(p.x4, dtype=np.float64)
    return x, p.slope4 * x


def loss4(x: np.ndarray, y: np.ndarray, w: float) -> float:
    """L(w) = mean((w x - y)^2)."""
    return float(np.mean((w * x - y) ** 2))


def dw4(x: np.ndarray, y: np.ndarray, w: float) -> float:
    """dL/dw = 2 mean(x (w x - y)): the derivative of a mean is the mean of derivatives."""
    return float(2 * np.mean(x * (w * x - y)))


def x4_change(p: LabParams = DEFAULT) -> tuple[float, float]:
    """X4: the loss change when w goes from w4_start to w4_start + w4_delta.

    Returns (first order, dL/dw * delta; exact, L(w + delta) - L(w)).
    """
    x, y = data4(p)
    w, delta = p.w4_start, p.w4_delta
    return dw4(x, y, w) * delta, loss4(x, y, w + delta) - loss4(x, y, w)


def first_update(p: LabParams = DEFAULT) -> float:
    """w after one gradient step from w4_start with lr4: 0.3 for the four-point example."""
    x, y = data4(p)
    return p.w4_start - p.lr4 * dw4(x, y, p.w4_start)


def lr_max4(p: LabParams = DEFAULT) -> float:
    """Q22: 2 / L'' for L(w) = mean((w x - y)^2); L'' = 2 mean(x^2), the same at every w."""
    x, _ = data4(p)
    return 2 / (2 * float(np.mean(x**2)))


def accumulated_grad(p: LabParams = DEFAULT) -> float:
    """Q24: w.grad after q24_calls backward passes of w ** 2: the sum of the gradients."""
    return p.q24_calls * 2 * p.q24_w


# ---- epochs and batches ----


def batch_sizes(n: int, batch_size: int, drop_last: bool = False) -> tuple[int, ...]:
    """The sizes of one epoch's batches, in order: full batches, then the rest."""
    full, rest = divmod(n, batch_size)
    return (batch_size,) * full + ((rest,) if rest and not drop_last else ())


def updates(n: int, batch_size: int, epochs: int) -> int:
    """Parameter updates in `epochs` epochs: one per batch, ceil(n / batch_size) each."""
    return epochs * math.ceil(n / batch_size)


def q26_updates(p: LabParams = DEFAULT) -> int:
    """Q26: updates for N = 100, batch size 32, 10 epochs."""
    return updates(p.q26_n, p.q26_batch_size, p.q26_epochs)


def q33_batch_sizes(p: LabParams = DEFAULT) -> tuple[int, ...]:
    """Q33: batch sizes of one epoch for N = 15, batch size 4."""
    return batch_sizes(p.q33_n, p.q33_batch_size)


def linear_layer(in_features: int, out_features: int) -> tuple[tuple[int, int], int]:
    """nn.Linear(in, out): weight shape (out, in) and the number of parameters."""
    return (out_features, in_features), out_features * in_features + out_features


# ---- update step and training ----


def step(
    w: np.ndarray, b: np.ndarray, dw: np.ndarray, db: np.ndarray, lr: float
) -> tuple[np.ndarray, np.ndarray]:
    """One gradient-descent step as new values, (w - lr * dw, b - lr * db): what the
    lab's in-place step_(w, b, lr) leaves in w and b."""
    return w - lr * dw, b - lr * db


def mse_gradients(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """MSE over all entries and its gradients: (2 / (n m)) E^T x and the column sums."""
    error = predict(x, w, b) - y
    scale = 2 / error.size
    return float(np.mean(error**2)), scale * error.T @ x, scale * error.sum(axis=0)


def fit_data(
    p: LabParams = DEFAULT,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The fit check's data x (n, 3), y (n, 2) and its start w0 (2, 3), b0 (2,)."""
    rng = np.random.default_rng(p.check_seed)
    x = rng.standard_normal((p.fit_n, 3))
    w_true = rng.standard_normal((2, 3))
    b_true = rng.standard_normal(2)
    y = predict(x, w_true, b_true) + 0.1 * rng.standard_normal((p.fit_n, 2))
    return x, y, 0.1 * rng.standard_normal((2, 3)), np.zeros(2)


def fit(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    batch_size: int,
    epochs: int,
    zero_grad: bool = True,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Mini-batch gradient descent in order (no shuffling); returns w, b, batch losses.

    `zero_grad=False` is the loop that never resets the gradients: each step then
    uses the sum of every gradient so far.
    """
    w, b, losses = w0.copy(), b0.copy(), []
    w_acc, b_acc = np.zeros_like(w), np.zeros_like(b)
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            loss, gw, gb = mse_gradients(xb, yb, w, b)
            losses.append(loss)
            if zero_grad:
                w_acc, b_acc = gw, gb
            else:
                w_acc, b_acc = w_acc + gw, b_acc + gb
            w, b = step(w, b, w_acc, b_acc, lr)
    return w, b, losses


def loader_order(
    n: int, batch_size: int, seed: int, num_epochs: int
) -> list[list[int]]:
    """Q32: the example indices each epoch of make_loader(x, y, batch_size, seed) visits.

    What DataLoader(..., shuffle=True, generator=torch.Generator().manual_seed(seed))
    does (torch 2.x): each epoch first draws one int64 from the generator (the
    workers' base seed), then its RandomSampler draws torch.randperm(n), whose
    consecutive slices are the batches, and one more randperm for the remainder
    of num_samples % n = 0 examples, discarded. The unit tests compare it with a
    real DataLoader.
    """
    generator = torch.Generator().manual_seed(seed)
    orders = []
    for _ in range(num_epochs):
        torch.empty((), dtype=torch.int64).random_(generator=generator)
        orders.append(torch.randperm(n, generator=generator).tolist())
        torch.randperm(n, generator=generator)
    return orders


# ---- the order of the steps of an epoch (Q25) ----

STEPS = {
    "a": "loss.backward()",
    "b": "the update under torch.no_grad()",
    "c": "preds = model(inputs)",
    "d": "resetting the gradients",
    "e": "loss = mse(preds, targets)",
}


def order_is_valid(order: str) -> bool:
    """Q25: forward (c), loss (e), backward (a), update (b) in this order, and the
    zeroing (d) anywhere except between backward and update (it would erase the
    gradient the update needs)."""
    pos = {letter: order.index(letter) for letter in STEPS}
    chain = pos["c"] < pos["e"] < pos["a"] < pos["b"]
    return chain and not pos["a"] < pos["d"] < pos["b"]


def valid_orders() -> list[str]:
    """Every valid order of the five steps: the chain c e a b, with d placed."""
    chain = "ceab"
    return [chain[:i] + "d" + chain[i:] for i in range(5) if i != 3]
