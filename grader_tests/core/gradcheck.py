"""Gradient checking in float64: finite differences, relative error, layered references.

A gradient reference is trusted only when three independent computations agree: the
hand-derived formula, torch autograd in float64, and central finite differences. In
float32 a correct gradient can differ from finite differences by 1e-2 relative, so
everything here is float64 (CS231n: "use double precision").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

# Central differences in float64: truncation error ~h^2 = 1e-12, rounding ~eps/h.
FD_STEP = 1e-6
# CS231n's rule of thumb: a relative error below 1e-7 means the gradient is right.
AGREEMENT_RTOL = 1e-7

TorchLoss = Callable[[torch.Tensor], torch.Tensor]  # float64 params (k,) -> 0-dim loss
Formula = Callable[[np.ndarray], np.ndarray]  # float64 params (k,) -> gradient (k,)


def relative_error(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray
) -> float:
    """Largest |a - b| / (|a| + |b|) over the entries; 0 where both are 0."""
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = np.maximum(np.abs(a64) + np.abs(b64), np.finfo(np.float64).tiny)
    return float(np.max(np.abs(a64 - b64) / scale))


def numerical_gradient(
    loss: Callable[[np.ndarray], float], params: Sequence[float], h: float = FD_STEP
) -> np.ndarray:
    """Central finite differences (f(p + h e_i) - f(p - h e_i)) / 2h, in float64."""
    p = np.asarray(params, np.float64)
    grad = np.empty_like(p)
    for i in range(p.size):
        step = np.zeros_like(p)
        step[i] = h
        grad[i] = (loss(p + step) - loss(p - step)) / (2 * h)
    return grad


def autograd_gradient(loss: TorchLoss, params: Sequence[float]) -> np.ndarray:
    """Gradient of a torch loss by autograd, with the parameters in float64."""
    p = torch.tensor(np.asarray(params, np.float64), requires_grad=True)
    loss(p).backward()
    assert p.grad is not None  # backward() always fills a leaf's grad
    return p.grad.numpy().copy()


@dataclass(frozen=True)
class GradientLayers:
    """One gradient computed three independent ways."""

    formula: np.ndarray
    autograd: np.ndarray
    finite_difference: np.ndarray

    def max_relative_error(self) -> float:
        """The largest relative error between any two of the three layers."""
        layers = (self.formula, self.autograd, self.finite_difference)
        return max(relative_error(a, b) for a in layers for b in layers)


def gradient_layers(
    loss: TorchLoss, formula: Formula, params: Sequence[float]
) -> GradientLayers:
    """Compute a scalar loss's gradient by formula, autograd and finite differences."""

    def loss_value(p: np.ndarray) -> float:
        with torch.no_grad():
            return float(loss(torch.from_numpy(p)))

    return GradientLayers(
        formula=np.asarray(formula(np.asarray(params, np.float64)), np.float64),
        autograd=autograd_gradient(loss, params),
        finite_difference=numerical_gradient(loss_value, params),
    )
