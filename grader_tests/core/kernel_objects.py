"""torch objects a check makes in the student's kernel, to hand to the student's code.

A check that calls `fit(model, loss_fn, optimizer, loader, ...)` needs a real
model, optimizer and loader where the student's code runs: the judge asks the
kernel to make them (`Kernel.new`, a fixed list of torch constructors) with the
check's own weights and data, and then reads their state back by value.
"""

from __future__ import annotations

from typing import Any

import torch

from grader_tests.core import remote


def linear(kernel: remote.Kernel, weight: Any, bias: Any) -> Any:
    """nn.Linear with these weight (out, in) and bias (out,), in their dtype."""
    weight, bias = torch.as_tensor(weight), torch.as_tensor(bias)
    out_features, in_features = weight.shape
    model = kernel.new("torch.nn.Linear", in_features, out_features, dtype=weight.dtype)
    model.load_state_dict({"weight": weight.detach(), "bias": bias.detach()})
    return model


def sgd(model: Any, lr: float) -> Any:
    """Plain torch.optim.SGD over a kernel model's parameters."""
    return remote.kernel_of(model).new("torch.optim.SGD", model.parameters(), lr=lr)


def loader(
    kernel: remote.Kernel,
    inputs: Any,
    targets: Any,
    batch_size: int,
    seed: int | None = None,
) -> Any:
    """DataLoader over TensorDataset(inputs, targets); shuffled with a generator of
    its own when `seed` is given, in order otherwise."""
    dataset = kernel.new("torch.utils.data.TensorDataset", inputs, targets)
    if seed is None:
        return kernel.new("torch.utils.data.DataLoader", dataset, batch_size=batch_size)
    generator = kernel.new("torch.Generator").manual_seed(seed)
    return kernel.new(
        "torch.utils.data.DataLoader",
        dataset,
        batch_size=batch_size,
        shuffle=True,
        generator=generator,
    )


def mse_loss(kernel: remote.Kernel) -> Any:
    """torch.nn.functional.mse_loss, the kernel's own."""
    return kernel.new("torch.nn.functional.mse_loss")
