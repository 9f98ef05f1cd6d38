"""The student's objects as the judge sees them: copies by value, the rest by handle.

A check never holds a student object. What the kernel sends arrives as plain
values the judge built itself (numbers, strings, lists, numpy arrays, torch
tensors) or as a `Remote`: a handle on a kernel object, whose attributes,
length, items and calls are requests to the kernel, answered again by value or
by handle. A tensor keeps what the kernel said about it besides its values
(`info`): whether it was a leaf, its grad_fn's name, a reference number that is
the same for the same kernel tensor within one check.

The helpers here answer a check's questions about a value whether it came from
a kernel or was made locally (a check's own objects, a unit test's).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any, Protocol


class Kernel(Protocol):
    """The judge's line to the kernel that runs the student's code."""

    last: CallInfo

    def call(self, handle: int, args: tuple, kwargs: dict, options: dict) -> Any: ...
    def getattr(self, handle: int, name: str) -> Any: ...
    def getitem(self, handle: int, key: Any) -> Any: ...
    def len(self, handle: int) -> int: ...
    def list(self, handle: int) -> list: ...
    def new(self, kind: str, *args: Any, **kwargs: Any) -> Any: ...
    def seed(self, seed: int | None = None, numpy_state: Any = None) -> None: ...


@dataclass
class CallInfo:
    """What the kernel reported about the last call: warnings, autograd's work
    (tensors saved for backward, and saved tensors a backward pass read)."""

    warnings: list[str] = field(default_factory=list)
    saved: int = 0
    used: int = 0
    lines: int = 0  # lines of the student's Python run (when asked for: `call_with`)


class RemoteError(Exception):
    """An exception the student's code raised in the kernel (its name and message)."""

    kernel_type: str = "Exception"
    kernel_mro: tuple[str, ...] = ()


_ERRORS: dict[tuple[str, type], type[RemoteError]] = {}


def remote_error(name: str, mro: tuple[str, ...], message: str) -> RemoteError:
    """A RemoteError named like the kernel's exception, and an instance of the
    builtin exception it derives from (NotImplementedError, ValueError, ...)."""
    base = next(
        (
            getattr(builtins, m.removeprefix("builtins."))
            for m in mro
            if m.startswith("builtins.")
            and isinstance(getattr(builtins, m.removeprefix("builtins."), None), type)
            and issubclass(getattr(builtins, m.removeprefix("builtins.")), Exception)
        ),
        Exception,
    )
    safe = name if name.isidentifier() else "KernelError"
    if (safe, base) not in _ERRORS:
        _ERRORS[safe, base] = type(safe, (RemoteError, base), {"__module__": "kernel"})
    error = _ERRORS[safe, base](message)
    error.kernel_type, error.kernel_mro = name, mro
    return error


class Remote:
    """A kernel object held by handle."""

    __slots__ = ("_kernel", "_info")

    def __init__(self, kernel: Kernel, info: Any) -> None:
        object.__setattr__(self, "_kernel", kernel)
        object.__setattr__(self, "_info", info)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        try:
            return self._kernel.getattr(self._info.id, name)
        except RemoteError as error:
            if isinstance(error, AttributeError):
                raise AttributeError(str(error)) from None
            raise

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a kernel object cannot be changed from the judge")

    def __len__(self) -> int:
        return self._kernel.len(self._info.id)

    def __getitem__(self, key: Any) -> Any:
        return self._kernel.getitem(self._info.id, key)

    def __iter__(self):
        return iter(self._kernel.list(self._info.id))

    def __repr__(self) -> str:
        return f"<kernel {self._info.type}>"


class RemoteCallable(Remote):
    """A kernel object that can be called: a function, a method, a module."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._kernel.call(self._info.id, args, kwargs, {})


def call_with(fn: RemoteCallable, options: dict, *args: Any, **kwargs: Any) -> Any:
    """Call a kernel function with options for the kernel: {"lines": True} counts the
    lines of the student's Python the call runs (`last_call(fn).lines`)."""
    return fn._kernel.call(fn._info.id, args, kwargs, options)


def qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def is_instance(value: Any, *classes: type) -> bool:
    """isinstance, for a kernel object too (by the names of its classes)."""
    if isinstance(value, Remote):
        names = set(value._info.classes)
        return any(qualname(c) in names for c in classes)
    return isinstance(value, classes)


def type_name(value: Any) -> str:
    """The qualified name of a value's type: 'torch.utils.data.dataloader.DataLoader'."""
    if isinstance(value, Remote):
        return value._info.type
    return qualname(type(value))


def kernel_of(value: Any) -> Kernel:
    """The kernel a handle belongs to (to make objects there, or seed it).

    `value` is a student's object as the judge hands it over: a `Remote`, whatever
    a check's signature calls it (a function, a model)."""
    return value._kernel


def seed_where(fn: Any, seed: int | None = None, numpy_state: Any = None) -> None:
    """Seed the random generators where `fn` runs: torch's, numpy's and random's with
    `seed`, or numpy's global state set to `numpy_state` (in the kernel, for a
    kernel function; here otherwise)."""
    if isinstance(fn, Remote):
        fn._kernel.seed(seed, numpy_state)
        return
    import random

    import numpy
    import torch

    if seed is not None:
        torch.manual_seed(seed)
        numpy.random.seed(seed % 2**32)
        random.seed(seed)
    if numpy_state is not None:
        numpy.random.set_state(numpy_state)


def last_call(fn: Any) -> CallInfo:
    """What the kernel reported about the last call of `fn` (a kernel function)."""
    return fn._kernel.last if isinstance(fn, Remote) else CallInfo()


def text(value: Any) -> str:
    """How the kernel printed a handle's object (object.__repr__), or repr()."""
    return value._info.text if isinstance(value, Remote) else object.__repr__(value)


def same_tensor(a: Any, b: Any) -> bool:
    """Whether two tensors are one and the same (in the kernel, if they came from it)."""
    ref_a, ref_b = tensor_ref(a), tensor_ref(b)
    if ref_a is not None or ref_b is not None:
        return ref_a is not None and ref_a == ref_b
    return a is b


def tensor_ref(tensor: Any) -> int | None:
    """The kernel's number for this tensor (the same tensor, the same number)."""
    info = getattr(tensor, "_kernel", None)
    return None if info is None else info.ref


def is_leaf(tensor: Any) -> bool:
    """Whether the tensor was a leaf where it was made (in the kernel, if it came from one)."""
    info = getattr(tensor, "_kernel", None)
    return tensor.is_leaf if info is None else info.is_leaf


def grad_fn_name(tensor: Any) -> str | None:
    """The name of the tensor's grad_fn where it was made ('AddBackward0'), or None."""
    info = getattr(tensor, "_kernel", None)
    if info is not None:
        return info.grad_fn
    return None if tensor.grad_fn is None else type(tensor.grad_fn).__name__
