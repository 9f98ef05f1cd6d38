"""Lab 03 references: float64 values of every quantity the autograd lab asks.

Computed from `LabParams` (never stored answers). The data are the lab's
(seed 004): X = [1, 2, 3, 4], Y = [2, 4, 6, 8], float32 as the notebook writes them, and the model
f = w * x with no bias. Everything computed from the data is float64 numpy, the
formulas of the lab; the unit tests compare each with torch autograd in float64, an
nn.Linear / optim.SGD loop and central finite differences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from grader_tests.core import linear


@dataclass(frozen=True)
class LabParams:
    """The lab's data and training settings (the notebook's constants)."""

    x: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0)
    y: tuple[float, ...] = (2.0, 4.0, 6.0, 8.0)
    w0: float = 0.0
    lr: float = 0.01
    num_epochs: int = 20

    @property
    def n(self) -> int:
        """Number of examples."""
        return len(self.x)


DEFAULT = LabParams()


def reference_data(p: LabParams = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """The lab's X and Y: float32 numpy arrays of shape (n,)."""
    return np.array(p.x, dtype=np.float32), np.array(p.y, dtype=np.float32)


def reference_tensors(p: LabParams = DEFAULT) -> tuple[torch.Tensor, torch.Tensor]:
    """The same data as float32 torch tensors of shape (n,), as the notebook has them."""
    x, y = reference_data(p)
    return torch.from_numpy(x), torch.from_numpy(y)


def reference_forward(x: np.ndarray, w: float) -> np.ndarray:
    """Predictions y_hat = w * x."""
    return w * np.asarray(x, np.float64)


reference_mse = linear.mse  # the lab's loss, shared with every lab


def reference_gradient(x: np.ndarray, y: np.ndarray, y_hat: np.ndarray) -> float:
    """dL/dw of the MSE of y_hat = w * x: 2 mean(x (y_hat - y)), one number."""
    x, y, y_hat = (np.asarray(a, np.float64) for a in (x, y, y_hat))
    return float(2 * np.mean(x * (y_hat - y)))


def reference_central_difference(
    f: Callable[[float], float], w: float, h: float
) -> float:
    """Central difference (f(w + h) - f(w - h)) / (2 h), in float64."""
    return (float(f(w + h)) - float(f(w - h))) / (2 * h)


def reference_train(
    x: np.ndarray, y: np.ndarray, w0: float, lr: float, num_epochs: int
) -> tuple[float, list[float]]:
    """The lab's loop: record the loss, then w -= lr * dL/dw; returns (w, losses)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    w, losses = float(w0), []
    for _ in range(num_epochs):
        y_hat = reference_forward(x, w)
        losses.append(reference_mse(y_hat, y))
        w -= lr * reference_gradient(x, y, y_hat)
    return w, losses


def lab_run(p: LabParams = DEFAULT, **settings: float) -> tuple[float, list[float]]:
    """reference_train on the lab's data, with the lab's settings unless given."""
    x, y = reference_data(p)
    run = {"w0": p.w0, "lr": p.lr, "num_epochs": p.num_epochs} | settings
    return reference_train(x, y, run["w0"], run["lr"], int(run["num_epochs"]))


# ---- the prediction tasks: what the notebook's experiment cells print ----
# Each runs the experiment of a locked cell in torch and returns what it prints, so
# the graded truth is torch's behaviour, never a stored answer.


def reference_accumulate() -> tuple[float, float]:
    """a = 3 after one (a**2).backward(): a.grad after a second backward, and after
    a.grad.zero_() and a third (Section 4.2)."""
    a = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    (a**2).backward()
    (a**2).backward()
    assert a.grad is not None  # backward() always fills a leaf's grad
    second = a.grad.item()
    a.grad.zero_()
    (a**2).backward()
    return second, a.grad.item()


def reference_no_grad() -> tuple[bool, bool, bool]:
    """(z.requires_grad, z.grad_fn is None, w.requires_grad) after `w -= lr * w.grad;
    z = 2 * w` inside torch.no_grad() on a leaf w (Section 4.5)."""
    w = torch.tensor(0.0, requires_grad=True)
    (w * 2.0).backward()
    assert w.grad is not None  # backward() always fills a leaf's grad
    with torch.no_grad():
        w -= 0.01 * w.grad
        z = 2 * w
    return z.requires_grad, z.grad_fn is None, w.requires_grad


def _raises(fn: Callable[[], object]) -> bool:
    """Whether fn() raises a RuntimeError (torch's dtype mismatch)."""
    try:
        fn()
    except RuntimeError:
        return True
    return False


def reference_numpy() -> tuple[float, float, bool, bool]:
    """(shared[0], copied[0], `shared @ w32` raises, `shared * w32` raises) after
    a[0] = 10 on a float64 array a = [1, 2, 3] (Section 4.7)."""
    a = np.array([1.0, 2.0, 3.0])
    shared, copied = torch.from_numpy(a), torch.tensor(a)
    w32 = torch.ones(3)
    a[0] = 10.0
    return (
        shared[0].item(),
        copied[0].item(),
        _raises(lambda: shared @ w32),
        _raises(lambda: shared * w32),
    )
