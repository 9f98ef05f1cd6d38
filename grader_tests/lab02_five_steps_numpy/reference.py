"""Lab 02 references: seed document 001's data, split and five steps, in float64 numpy.

Computed from `LabParams` (never stored answers), so a per-student variant is just
another `LabParams`. The document draws everything from numpy's global generator:
`np.random.seed(42)`, then x, then the noise, then the shuffle of the indices, and
seeds again before initialising the parameters (b drawn first, then w). A
private `np.random.RandomState` with the same seed gives the same numbers bit for
bit (the global functions are the methods of one such object) without touching the
notebook's global state. The unit tests check
that the lab's defaults reproduce the document's printed numbers, and compare each
reference with torch autograd, finite differences and np.linalg.lstsq.

Parameters come in the course's order, w before b, throughout; the gradients as
(dw, db). Parameters are plain floats here: w * x + b is the same float64 sum
whether w has the notebook's shape (1, 1) or is a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from grader_tests.core import linear


@dataclass(frozen=True)
class LabParams:
    """The lab's data and training settings (the notebook's constants)."""

    seed: int = 42  # np.random.seed before the data draws and the shuffle
    n: int = 100
    true_w: float = -3.0
    true_b: float = 0.5
    noise_std: float = 0.1
    train_fraction: float = 0.8
    init_seed: int = 42  # np.random.seed again before b = rand(1), w = rand(1, 1)
    lr: float = 0.1
    num_epochs: int = 1000


DEFAULT = LabParams()


class Data(NamedTuple):
    """The data set, the split's indices and the two parts, as the lab makes them."""

    x: np.ndarray  # (n, 1)
    y: np.ndarray  # (n, 1)
    train_idx: np.ndarray  # (int(n * train_fraction),)
    val_idx: np.ndarray  # (n - len(train_idx),)
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def reference_split(
    n: int, train_fraction: float, rng: np.random.RandomState
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle np.arange(n) with `rng`; the first int(n * train_fraction) train."""
    idx = np.arange(n)
    rng.shuffle(idx)
    n_train = int(n * train_fraction)
    return idx[:n_train], idx[n_train:]


def reference_data(p: LabParams = DEFAULT) -> Data:
    """Document 001's data generation and split, bit for bit; global RNG untouched."""
    rng = np.random.RandomState(p.seed)
    x = rng.rand(p.n, 1)
    epsilon = p.noise_std * rng.randn(p.n, 1)
    y = p.true_w * x + p.true_b + epsilon
    train_idx, val_idx = reference_split(p.n, p.train_fraction, rng)
    return Data(
        x, y, train_idx, val_idx, x[train_idx], y[train_idx], x[val_idx], y[val_idx]
    )


def reference_init(seed: int, draw: str = "rand") -> tuple[float, float]:
    """Step 0: seed, b = rand(1), then w = rand(1, 1); returns (w, b).

    draw="randn": the misdescribed start. The draw order (b first) is the reference
    run's; the return order is the course's.
    """
    rng = np.random.RandomState(seed)
    b = getattr(rng, draw)(1)
    w = getattr(rng, draw)(1, 1)
    return float(w[0, 0]), float(b[0])


def reference_predict(x: np.ndarray, w: float, b: float) -> np.ndarray:
    """Step 1, the forward pass: y_hat = w * x + b."""
    return w * x + b


reference_mse = linear.mse  # step 2, the loss, shared with every lab


def reference_gradients(
    x: np.ndarray, y: np.ndarray, w: float, b: float
) -> tuple[float, float]:
    """Step 3: (dL/dw, dL/db) = (2 mean(x (y_hat - y)), 2 mean(y_hat - y))."""
    error = reference_predict(x, w, b) - y
    return float(2 * (x * error).mean()), float(2 * error.mean())


def reference_step(
    w: float, b: float, dw: float, db: float, lr: float
) -> tuple[float, float]:
    """Step 4: (w - lr dw, b - lr db)."""
    return w - lr * dw, b - lr * db


def reference_train(
    x: np.ndarray, y: np.ndarray, w0: float, b0: float, lr: float, num_epochs: int
) -> tuple[float, float, list[float]]:
    """Step 5, the lab's loop: loss recorded before each update; (w, b, losses)."""
    w, b, losses = float(w0), float(b0), []
    for _ in range(num_epochs):
        losses.append(reference_mse(reference_predict(x, w, b), y))
        w, b = reference_step(w, b, *reference_gradients(x, y, w, b), lr)
    return w, b, losses


def reference_run(
    p: LabParams = DEFAULT,
    *,
    subset: str = "train",
    draw: str = "rand",
    num_epochs: int | None = None,
    lr: float | None = None,
) -> tuple[float, float, list[float]]:
    """The notebook's run: the lab's start, lr and epochs on the training split.

    The keywords change one thing (another subset "all", "val" or "unshuffled",
    the randn start, another number of epochs or lr): the mistakes use them.
    """
    d = reference_data(p)
    n_train = len(d.train_idx)
    x, y = {
        "train": (d.x_train, d.y_train),
        "all": (d.x, d.y),
        "val": (d.x_val, d.y_val),
        "unshuffled": (d.x[:n_train], d.y[:n_train]),
    }[subset]
    w0, b0 = reference_init(p.init_seed, draw)
    epochs = p.num_epochs if num_epochs is None else num_epochs
    return reference_train(x, y, w0, b0, p.lr if lr is None else lr, epochs)


def reference_least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The closed-form fit (w, b), by np.linalg.lstsq on the columns [x, 1]."""
    design = np.hstack([x, np.ones_like(x)])
    coef = np.linalg.lstsq(design, y, rcond=None)[0].ravel()
    return float(coef[0]), float(coef[1])


def reference_loss_surface(
    x: np.ndarray, y: np.ndarray, w_grid: np.ndarray, b_grid: np.ndarray
) -> np.ndarray:
    """The MSE at every grid point: w_grid, b_grid of one shape -> losses of it."""
    y_hat = w_grid[..., np.newaxis] * x.ravel() + b_grid[..., np.newaxis]
    return ((y_hat - y.ravel()) ** 2).mean(axis=-1)


def hessian(x: np.ndarray) -> np.ndarray:
    """Hessian of the MSE w.r.t. (w, b): 2 [[mean(x^2), mean(x)], [mean(x), 1]]."""
    x = np.asarray(x, np.float64).ravel()
    return 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
