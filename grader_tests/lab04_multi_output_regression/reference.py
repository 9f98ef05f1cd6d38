"""Lab 04 references: crop yields, a 2-output linear model, its MSE, gradients, GD runs.

Computed from `LabParams` (never stored answers). The data are the source documents'
(002, 003) inputs (5 x 3: temperature, rainfall, humidity) and targets (5 x 2: apples,
oranges). The initial weights are torch's seeded float32 draws, reproduced bit for bit;
everything computed from them is float64 numpy, with the lab's formulas. The unit tests
compare each with torch autograd in float64, finite differences and np.linalg.lstsq.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from grader_tests.core import linear

INPUTS = ((73, 67, 43), (91, 88, 64), (87, 134, 58), (102, 43, 37), (69, 96, 70))
TARGETS = ((56, 70), (81, 101), (119, 133), (22, 37), (103, 119))


@dataclass(frozen=True)
class LabParams:
    """The lab's data and training settings (the notebook's constants)."""

    inputs: tuple[tuple[float, ...], ...] = INPUTS
    targets: tuple[tuple[float, ...], ...] = TARGETS
    seed: int = 42
    lr: float = 1e-5
    num_epochs: int = 500
    debug_epochs: int = 100  # the debugging exercise's run (seed document 003's)

    @property
    def n(self) -> int:
        """Number of examples (rows)."""
        return len(self.inputs)

    @property
    def num_features(self) -> int:
        return len(self.inputs[0])

    @property
    def num_outputs(self) -> int:
        return len(self.targets[0])


DEFAULT = LabParams()


def data(p: LabParams = DEFAULT) -> tuple[torch.Tensor, torch.Tensor]:
    """The lab's inputs and targets as float32 tensors, as the notebook builds them."""
    return (
        torch.tensor(p.inputs, dtype=torch.float32),
        torch.tensor(p.targets, dtype=torch.float32),
    )


def data64(p: LabParams = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """The lab's inputs and targets in float64 numpy."""
    return np.array(p.inputs, np.float64), np.array(p.targets, np.float64)


def reference_init(
    seed: int,
    p: LabParams = DEFAULT,
    order: str = "wb",
    sizes: tuple[int, int] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The recipe of init_params(n_inputs, n_outputs, seed), float32: manual_seed(seed),
    w = randn(n_outputs, n_inputs), b = randn(n_outputs).

    `sizes` is (n_inputs, n_outputs), the lab's (3, 2) by default. `order="bw"` draws
    b first (a mistake the checks recognise). The global random state is left as it
    was. The tensors are plain (no requires_grad).
    """
    n_inputs, n_outputs = sizes or (p.num_features, p.num_outputs)
    shapes = {"w": (n_outputs, n_inputs), "b": (n_outputs,)}
    drawn = {}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for name in order:
            drawn[name] = torch.randn(*shapes[name])
    return drawn["w"], drawn["b"]


def init64(seed: int, p: LabParams = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """reference_init's w and b as float64 numpy arrays."""
    w, b = reference_init(seed, p)
    return w.double().numpy(), b.double().numpy()


# The model x @ w.T + b, its MSE over all n * m entries and the MSE's gradients.
reference_model, reference_mse = linear.forward, linear.mse
reference_gradients = linear.gradients


def simulate(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    num_epochs: int,
    *,
    update: str = "gradient",
    zero_grad: bool = True,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """A float64 gradient-descent run, the lab's loop or a mistaken one.

    Each epoch records the loss, then updates. `update`: "gradient" (w -= lr * dw,
    the lab's), "weights" (w -= lr * w, seed document 003's bug) or "ascend"
    (w += lr * dw). `zero_grad=False` lets the gradients add up in .grad as PyTorch
    does when nobody zeroes them. Returns (w, b, losses).
    """
    w, b = np.array(w0, np.float64), np.array(b0, np.float64)
    grad_w, grad_b = np.zeros_like(w), np.zeros_like(b)
    losses = []
    for _ in range(num_epochs):
        losses.append(reference_mse(reference_model(x, w, b), y))
        dw, db = reference_gradients(x, y, w, b)
        grad_w = grad_w + dw if not zero_grad else dw
        grad_b = grad_b + db if not zero_grad else db
        if update == "gradient":
            w, b = w - lr * grad_w, b - lr * grad_b
        elif update == "weights":
            w, b = w - lr * w, b - lr * b
        elif update == "ascend":
            w, b = w + lr * grad_w, b + lr * grad_b
        else:
            raise ValueError(f"unknown update {update!r}")
    return w, b, losses


def reference_train(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    num_epochs: int,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The lab's loop in float64: record the loss, backward, step, zero the grads."""
    return simulate(x, y, w0, b0, lr, num_epochs)


def seeded_run(
    p: LabParams = DEFAULT, num_epochs: int | None = None, lr: float | None = None
) -> tuple[np.ndarray, np.ndarray, list[float], float]:
    """The seeded reference run on the lab's data: (w, b, losses, final loss)."""
    x, y = data64(p)
    w0, b0 = init64(p.seed, p)
    epochs = p.num_epochs if num_epochs is None else num_epochs
    w, b, losses = reference_train(x, y, w0, b0, p.lr if lr is None else lr, epochs)
    return w, b, losses, reference_mse(reference_model(x, w, b), y)


def design(x: np.ndarray) -> np.ndarray:
    """A = [x, 1]: the inputs with a column of ones for the bias, (n, k + 1)."""
    x = np.asarray(x, np.float64)
    return np.hstack([x, np.ones((x.shape[0], 1))])


def hessian(x: np.ndarray, num_outputs: int) -> np.ndarray:
    """Hessian of the MSE w.r.t. one output's (w_j, b_j): 2 / (n m) A.T A.

    The whole Hessian (all m outputs) is block diagonal with m copies of this block,
    so it has the same eigenvalues, each m times.
    """
    a = design(x)
    return 2 / (a.shape[0] * num_outputs) * a.T @ a


def reference_largest_stable_lr(x: np.ndarray, num_outputs: int) -> float:
    """2 / L, L the largest eigenvalue of the Hessian: GD diverges above it."""
    return 2.0 / float(np.linalg.eigvalsh(hessian(x, num_outputs))[-1])


def condition_number(x: np.ndarray, num_outputs: int) -> float:
    """lambda_max / lambda_min of the Hessian."""
    eig = np.linalg.eigvalsh(hessian(x, num_outputs))
    return float(eig[-1] / eig[0])


def standardise(x: np.ndarray) -> np.ndarray:
    """(x - mean) / std per column, std with n - 1 as torch.std (the notebook's)."""
    x = np.asarray(x, np.float64)
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)


def lstsq_loss(x: np.ndarray, y: np.ndarray) -> float:
    """The smallest MSE a linear model with a bias reaches on (x, y)."""
    a = design(x)
    solution = np.linalg.lstsq(a, y, rcond=None)[0]
    return reference_mse(a @ solution, y)
