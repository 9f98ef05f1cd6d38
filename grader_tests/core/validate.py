"""Structural checks shared by all labs, in a fixed order.

The order is: defined/callable -> type -> shape -> dtype -> finite. A check stops at the
first thing that is wrong, so the student gets the most basic problem first. Each
function here raises AssertionError with a sentence that names the variable. Values
leave a tensor as Python floats, so later comparisons need no torch function.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import torch

from grader_tests.core import messages, remote
from grader_tests.core.named import error_class, mistake_of

F = TypeVar("F", bound=Callable[..., None])


def quiet(check: F) -> F:
    """Run a check with warnings off, stderr swallowed and the global RNG states kept.

    nbgrader gives 0 points to a test cell that writes to stderr (a torch warning, a
    tqdm bar in student code), and a check must not change the notebook's random
    numbers. The check returns None: a cell whose value is False still earns points.
    A failure is raised again from here, keeping only the student's exception as its
    cause: IPython hides frames marked __tracebackhide__ but always shows the last
    one, so the last one is this line and not a check's code. A message that names
    a mistake (grader_tests.core.named) is raised as the AssertionError subclass of that
    name.
    """

    @functools.wraps(check)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        __tracebackhide__ = True  # noqa: F841  (IPython and pytest hide this frame)
        numpy_state = np.random.get_state()
        try:
            with (
                warnings.catch_warnings(),
                contextlib.redirect_stderr(io.StringIO()),
                torch.random.fork_rng(devices=[]),
            ):
                warnings.simplefilter("ignore")
                check(*args, **kwargs)
            return
        except AssertionError as error:
            # A diagnosed mistake is raised as the AssertionError subclass named
            # for it: the notebook's error output keeps the name for reports.
            named = mistake_of(error.args[0]) if error.args else None
            failure, cause = error_class(named)(*error.args), error.__cause__
        finally:
            np.random.set_state(numpy_state)
        raise failure from cause

    return wrapper  # type: ignore[return-value]


def require_callable(fn: object, name: str) -> None:
    """Fail unless `fn` is a function (a student may overwrite it with a value)."""
    __tracebackhide__ = True  # noqa: F841
    if not callable(fn):
        raise AssertionError(
            f"{name} should be a function; got {messages.fmt_type(fn)}. "
            f"Did you overwrite {name} with a value, or leave its cell unrun?"
        )


def call(fn: Any, call_text: str, *args: Any) -> Any:
    """Call a student function; turn any exception into a readable AssertionError."""
    __tracebackhide__ = True  # noqa: F841
    try:
        return fn(*args)
    except Exception as exc:  # the student's code may raise anything
        message = f"calling {call_text} raised {type(exc).__name__}"
        message += f": {exc}" if str(exc) else ""
        if isinstance(exc, NotImplementedError):
            message += ". Did you replace `raise NotImplementedError()` with your code?"
        raise AssertionError(message) from exc


class GraphCount:
    """What autograd did inside a `counting_graph` block.

    `saved`: tensors saved for a backward pass (0: no graph was built, either no
    tensor required grad or everything ran under torch.no_grad(); more even when
    the result was detached afterwards). `used`: saved tensors a backward pass
    read back (0: backward() never ran through the graph).
    """

    saved = 0
    used = 0


@contextlib.contextmanager
def counting_graph(fn: object = None) -> Iterator[GraphCount]:
    """Count what autograd saves for backward, and uses in backward, inside the block.

    When `fn` is a kernel function called in the block, the kernel's count of
    its last call is what counts (its autograd ran there, not here).
    """
    count = GraphCount()

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        count.saved += 1
        return tensor

    def unpack(tensor: torch.Tensor) -> torch.Tensor:
        count.used += 1
        return tensor

    try:
        with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
            yield count
    finally:
        if isinstance(fn, remote.Remote):
            info = remote.last_call(fn)
            count.saved, count.used = info.saved, info.used


def call_counting_graph(
    fn: Callable[..., Any], call_text: str, *args: Any
) -> tuple[Any, GraphCount]:
    """Call like `call`; also count what autograd did meanwhile (`GraphCount`)."""
    __tracebackhide__ = True  # noqa: F841
    with counting_graph(fn) as graph:
        result = call(fn, call_text, *args)
    return result, graph


def unpack(result: object, call_text: str, names: Sequence[str]) -> tuple[Any, ...]:
    """Check that a function returned a tuple (or list) with one value per name."""
    __tracebackhide__ = True  # noqa: F841
    wanted = f"{len(names)} values ({', '.join(names)})"
    if not isinstance(result, (tuple, list)):
        raise AssertionError(
            f"{call_text} should return {wanted}; got {messages.fmt_type(result)}. "
            f"Did you forget to return {', '.join(names[1:])}?"
        )
    if len(result) != len(names):
        raise AssertionError(
            f"{call_text} should return {wanted}; got {messages.fmt_type(result)}."
        )
    return tuple(result)


def require_tensor(value: object, name: str) -> torch.Tensor:
    """Fail unless `value` is a torch.Tensor (not None, a list or a numpy array)."""
    __tracebackhide__ = True  # noqa: F841
    if not isinstance(value, torch.Tensor):
        hint = (
            " Use torch, not numpy, in this lab."
            if isinstance(value, np.ndarray)
            else ""
        )
        raise AssertionError(
            f"{name} should be a torch.Tensor; got {messages.fmt_type(value)}.{hint}"
        )
    return value


def require_shape(
    value: torch.Tensor, name: str, shape: Sequence[int], hint: str | None = None
) -> None:
    """Fail unless the tensor has exactly this shape."""
    __tracebackhide__ = True  # noqa: F841
    if tuple(value.shape) != tuple(shape):
        got, expected = messages.fmt_shape(value.shape), messages.fmt_shape(shape)
        message = f"{name} has the wrong shape: got {got}, expected {expected}."
        raise AssertionError(messages.with_hint(message, hint))


def require_floating(value: torch.Tensor, name: str, hint: str | None = None) -> None:
    """Fail unless the tensor has a floating dtype (float32 or float64)."""
    __tracebackhide__ = True  # noqa: F841
    if not value.dtype.is_floating_point:
        message = (
            f"{name} has dtype {value.dtype}; expected a floating dtype "
            "(torch.float32 or torch.float64)."
        )
        raise AssertionError(messages.with_hint(message, hint))


def require_tensor_values(
    value: object, name: str, shape: Sequence[int], hint: str | None = None
) -> list[float]:
    """Type, shape, floating dtype, finite, in that order; return the entries."""
    __tracebackhide__ = True  # noqa: F841
    tensor = require_tensor(value, name)
    require_shape(tensor, name, shape, hint)
    require_floating(tensor, name)
    values = to_floats(tensor)
    require_finite(values, name)
    return values


def to_floats(value: torch.Tensor) -> list[float]:
    """All entries of a tensor as Python floats (float64), in row-major order."""
    return value.detach().to("cpu", torch.float64).reshape(-1).tolist()


def require_finite(values: Sequence[float], name: str, hint: str | None = None) -> None:
    """Fail if any entry is nan or inf, naming the first one."""
    __tracebackhide__ = True  # noqa: F841
    bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
    if bad:
        where = "" if len(values) == 1 else f" in {len(bad)} of {len(values)} entries"
        first = "" if len(values) == 1 else f" (first at entry {bad[0]})"
        wanted = "a finite number" if len(values) == 1 else "finite numbers"
        message = f"{name} is {values[bad[0]]}{where}{first}: expected {wanted}."
        raise AssertionError(messages.with_hint(message, hint))


def to_number(value: object, name: str, shape_hint: str | None = None) -> float:
    """Accept anything holding one real number; return it as a Python float.

    A 0-dim tensor, a tensor of any shape with one element, a Python float or int,
    a numpy scalar: where only the number matters, any of these is fine.
    """
    __tracebackhide__ = True  # noqa: F841
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise AssertionError(
            f"{name} should be a number; got {messages.fmt_type(value)}."
        )
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(np.asarray(value))
    if not isinstance(value, torch.Tensor):
        raise AssertionError(
            f"{name} should be a number (a 0-dim tensor or a float); "
            f"got {messages.fmt_type(value)}."
        )
    if value.numel() != 1:
        message = (
            f"{name} has {value.numel()} elements (shape "
            f"{messages.fmt_shape(value.shape)}); expected one number."
        )
        raise AssertionError(messages.with_hint(message, shape_hint))
    if value.dtype.is_complex or value.dtype == torch.bool:
        raise AssertionError(f"{name} has dtype {value.dtype}; expected a real number.")
    return to_floats(value)[0]
