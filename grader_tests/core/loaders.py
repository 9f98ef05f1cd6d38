"""A student's DataLoader as a check sees it: its batches epoch by epoch, fed
with data whose values say which row each number came from."""

from __future__ import annotations

from typing import Any

import torch

from grader_tests.core import messages, remote


def row_coded(n: int, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (n, 3) and targets (n, 2) whose values encode their row index k:
    x = (k, k + 100, k + 200), y = (k + 1000, k + 2000)."""
    k = torch.arange(n, dtype=dtype)[:, None]
    return torch.cat([k, k + 100, k + 200], 1), torch.cat([k + 1000, k + 2000], 1)


def batches(
    loader: Any, text: str, epochs: int, scramble: int, fix: str
) -> list[list[tuple[Any, Any]]]:
    """The (xb, yb) pairs of each of `epochs` epochs, the global RNG seeded with
    `scramble` first; `fix` is the sentence that says how to build a loader of pairs.

    A loader that draws its order from torch's global random state, not from a
    generator of its own, then gives other orders for other `scramble`s (checks
    run inside validate.quiet, which restores the notebook's random state).
    """
    __tracebackhide__ = True  # noqa: F841
    remote.seed_where(loader, scramble)
    out = []
    for _ in range(epochs):
        try:
            epoch = list(loader)
        except Exception as exc:  # the student's loader may raise anything
            raise AssertionError(
                f"iterating over {text} raised {type(exc).__name__}: {exc}"
            ) from exc
        for batch in epoch:
            if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
                raise AssertionError(
                    f"each batch of {text} should be a pair (xb, yb); got "
                    f"{messages.fmt_type(batch)}. {fix}"
                )
        out.append(epoch)
    return out
