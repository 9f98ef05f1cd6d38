"""Lab 05 references: the crop-yield data, the seeded recipes, and float64 training runs.

Everything is computed from `LabParams` (never stored answers). Two things come from
torch's own recipes, run in float32 exactly as the notebook runs them: the initial
weights (`torch.manual_seed(seed)` then `nn.Linear(3, 2)`) and the order in which a
seeded, shuffling DataLoader visits the examples. From those float32 numbers (exact in
float64) on, every reference is float64 numpy: predictions, the MSE, its gradients,
SGD steps and whole training runs. The unit tests compare each with torch nn.Linear,
F.mse_loss and optim.SGD in float64, and with autograd.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader_tests.core import linear

Batches = list[list[np.ndarray]]  # per epoch, per batch: the indices of its examples


@dataclass(frozen=True)
class LabParams:
    """The lab's data and settings (the notebook's constants).

    The data are the crop yields of the seed documents: temperature, rainfall and
    humidity for five regions (inputs), apple and orange yields (targets). Document
    003 uses `inputs` and `targets` without defining them; document 002 prints them:
    these are its five rows.
    """

    inputs: tuple[tuple[float, ...], ...] = (
        (73.0, 67.0, 43.0),
        (91.0, 88.0, 64.0),
        (87.0, 134.0, 58.0),
        (102.0, 43.0, 37.0),
        (69.0, 96.0, 70.0),
    )
    targets: tuple[tuple[float, ...], ...] = (
        (56.0, 70.0),
        (81.0, 101.0),
        (119.0, 133.0),
        (22.0, 37.0),
        (103.0, 119.0),
    )
    seed: int = 42  # torch.manual_seed for nn.Linear's init; the DataLoader generator
    batch_size: int = 5
    lr: float = 1e-5
    num_epochs: int = 500
    new_input: tuple[tuple[float, ...], ...] = ((75.0, 63.0, 44.0),)


DEFAULT = LabParams()


def reference_data(p: LabParams = DEFAULT) -> tuple[torch.Tensor, torch.Tensor]:
    """The notebook's inputs (N, 3) and targets (N, 2), float32 like the notebook's."""
    return torch.tensor(p.inputs), torch.tensor(p.targets)


def reference_data64(p: LabParams = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """The same data in float64 numpy (the values are small integers: exact)."""
    return np.array(p.inputs, np.float64), np.array(p.targets, np.float64)


def reference_model(seed: int, p: LabParams = DEFAULT) -> nn.Linear:
    """The recipe `torch.manual_seed(seed); nn.Linear(3, 2)`; global RNG untouched."""
    n_in, n_out = len(p.inputs[0]), len(p.targets[0])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Linear(n_in, n_out)


def reference_init(seed: int, p: LabParams = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """The recipe's float32 initial weight (2, 3) and bias (2,), as float64 arrays."""
    model = reference_model(seed, p)
    return (
        model.weight.detach().double().numpy().copy(),
        model.bias.detach().double().numpy().copy(),
    )


def reference_loader(
    inputs: torch.Tensor, targets: torch.Tensor, batch_size: int, seed: int
) -> DataLoader:
    """The lab's loader recipe: shuffled, its own generator seeded with `seed`."""
    generator = torch.Generator().manual_seed(seed)
    dataset = TensorDataset(inputs, targets)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator)


def reference_order(n: int, batch_size: int, seed: int, num_epochs: int) -> Batches:
    """The indices the recipe's loader yields, per epoch and batch.

    What torch's DataLoader does with `shuffle=True, generator=g` (torch 2.13): each
    `for` over the loader (one epoch) draws a base seed for its workers from g (one
    int64), then its RandomSampler draws `torch.randperm(n, generator=g)`, whose
    consecutive slices are the batches, and, once exhausted, one more randperm for
    the remainder of num_samples % n = 0 examples, which it discards. Written out
    here because iterating a real DataLoader costs ~1 ms per epoch; the unit tests
    compare the two.
    """
    order = _permutations(n, seed, num_epochs)
    return [
        [np.array(perm[s : s + batch_size]) for s in range(0, n, batch_size)]
        for perm in order
    ]


@functools.lru_cache(maxsize=64)
def _permutations(n: int, seed: int, num_epochs: int) -> tuple[tuple[int, ...], ...]:
    generator = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(num_epochs):
        torch.empty((), dtype=torch.int64).random_(generator=generator)  # base seed
        out.append(tuple(torch.randperm(n, generator=generator).tolist()))
        torch.randperm(n, generator=generator)  # the sampler's empty remainder
    return tuple(out)


def unshuffled_order(n: int, batch_size: int, num_epochs: int) -> Batches:
    """The batches of a loader without shuffling: 0..n-1 in order, every epoch."""
    starts = range(0, n, batch_size)
    epoch = [np.arange(s, min(s + batch_size, n)) for s in starts]
    return [list(epoch) for _ in range(num_epochs)]


def full_batch(n: int, num_epochs: int) -> Batches:
    """One batch holding every example, each epoch: full-batch gradient descent."""
    return [[np.arange(n)] for _ in range(num_epochs)]


# nn.Linear's forward pass, F.mse_loss's default (the mean over all entries), and
# the MSE's gradients.
reference_forward, reference_mse = linear.forward, linear.mse
reference_gradients = linear.gradients


def reference_fit(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    batches: Batches,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Minibatch SGD over the given batches; the loss of each batch before its step.

    Returns the final w, b and the loss history, one entry per batch (num_epochs x
    batches per epoch entries), as fit records it.
    """
    w, b, losses = np.array(w0, np.float64), np.array(b0, np.float64), []
    for epoch in batches:
        for idx in epoch:
            xb, yb = x[idx], y[idx]
            losses.append(reference_mse(reference_forward(xb, w, b), yb))
            dw, db = reference_gradients(xb, yb, w, b)
            w, b = w - lr * dw, b - lr * db
    return w, b, losses


def reference_lab_run(
    p: LabParams = DEFAULT, num_epochs: int | None = None
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The notebook's training run: seeded init, seeded shuffled batches, p.lr."""
    x, y = reference_data64(p)
    epochs = p.num_epochs if num_epochs is None else num_epochs
    order = reference_order(len(x), p.batch_size, p.seed, epochs)
    return reference_fit(x, y, *reference_init(p.seed, p), p.lr, order)
