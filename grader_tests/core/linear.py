"""The linear model and its mean squared error, in float64: what every lab's
references are made of."""

from __future__ import annotations

import numpy as np


def mse(y_hat: np.ndarray, y: np.ndarray | float) -> float:
    """Mean of the squared errors over all entries: mean((y_hat - y) ** 2)."""
    diff = np.asarray(y_hat, np.float64) - np.asarray(y, np.float64)
    return float(np.mean(diff * diff))


def forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """y_hat = x @ w.T + b: (n, k) inputs, w (m, k), b (m,) -> (n, m)."""
    return x @ w.T + b


def gradients(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dw, dL/db) of the MSE of `forward`: (2 / E.size) (E.T @ x, E.sum(0)),
    E = y_hat - y, the 1/E.size from the mean over all n * m entries."""
    error = forward(x, w, b) - y
    return 2 / error.size * error.T @ x, 2 / error.size * error.sum(axis=0)
