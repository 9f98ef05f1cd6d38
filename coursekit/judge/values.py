"""Values that cross between a grading kernel and the judge: plain data, nothing else.

Both sides turn values into a JSON tree plus raw byte blobs, and back. JSON null,
booleans, numbers and strings stand for themselves; everything else is a
one-key object:

    {"L": [...]} list      {"T": [...]} tuple        {"D": [[k, v], ...]} dict
    {"A": {...}} numpy array, {"N": {...}} numpy scalar, {"X": {...}} tensor:
        dtype, shape and the index of a blob holding the raw bytes (a tensor also
        requires_grad, is_leaf, grad_fn's name, its .grad, and a reference number
        that is the same for the same kernel tensor within one check)
    {"Y": "float32"} a torch dtype
    {"H": {...}} a kernel object held by handle: its id, type, base classes,
        whether it can be called
    {"R": id} the judge handing a kernel object back by its handle
    {"C": id} a function of the judge the kernel may call back
    {"M": k} the k-th tensor or array of the same message again (aliasing)
    {"O": {...}} a value that could not be sent, with its type and why

The judge decodes with a `Decoder`, which builds only Python builtins, numpy
arrays and torch tensors it allocates itself, and handle objects of its own: it
never unpickles, evaluates or imports anything it receives, and every size,
count and depth is bounded (`Limits`). Whatever breaks a rule raises
`WireError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Element types that cross as raw bytes (numpy names; bfloat16 is torch's own).
DTYPES = frozenset(
    "bool uint8 int8 int16 int32 int64 uint16 uint32 uint64 float16 bfloat16 "
    "float32 float64 complex64 complex128".split()
)
TORCH_ONLY = {"bfloat16": "int16"}  # sent as the bits of an int16 array


class WireError(Exception):
    """A message or value that breaks the channel's rules."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one decoded value: nesting, items, text, numbers, dimensions."""

    depth: int = 32
    items: int = 1_000_000
    text: int = 1 << 20
    int_bits: int = 64
    ndim: int = 32


@dataclass(frozen=True)
class TensorInfo:
    """What the kernel said about a tensor besides its values (kept by the judge)."""

    requires_grad: bool
    is_leaf: bool
    grad_fn: str | None
    ref: int | None
    parameter: bool = False


@dataclass(frozen=True)
class HandleInfo:
    """A kernel object held by handle: what the kernel said it is."""

    id: int
    type: str
    classes: tuple[str, ...]  # its class and base classes, qualified names
    callable: bool
    text: str = ""


def qualname(cls: type) -> str:
    """'torch.nn.modules.linear.Linear' for nn.Linear."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _numpy():
    import numpy

    return numpy


def _torch():
    import torch

    return torch


@dataclass
class Encoder:
    """Turn values into a JSON tree and blobs.

    `other(value)` returns the tree for a value that is none of the plain kinds
    (the kernel: a handle; the judge: a handle back, or a callback), or raises
    WireError. `sent` lists the tensors and arrays encoded, in order, so that the
    caller can match the other side's report of them after a call.
    """

    other: Callable[[Any], Any]
    limits: Limits = field(default_factory=Limits)
    blobs: list[bytes] = field(default_factory=list)
    sent: list[Any] = field(default_factory=list)
    ref_of: Callable[[Any], int | None] = lambda value: None
    _memo: dict[int, int] = field(default_factory=dict)

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth >= self.limits.depth:  # the decoder allows no deeper
            return _opaque(value, "nested too deeply")
        try:
            return self._encode(value, depth)
        except WireError:
            raise
        except Exception as exc:  # a value whose own methods fail (kernel side)
            return _opaque(value, f"{type(exc).__name__} while reading it")

    def _encode(self, value: Any, depth: int) -> Any:
        kind = type(value)
        if value is None or kind is bool:
            return value
        numpy = _numpy()
        if isinstance(value, numpy.generic):  # before float: numpy.float64 is one
            array = numpy.asarray(value)
            if array.dtype.name not in DTYPES:
                return _opaque(value, f"a numpy scalar of dtype {array.dtype.name}")
            return {"N": {"dtype": array.dtype.name, "blob": self._blob(array)}}
        if isinstance(value, int) and not isinstance(value, bool):
            number = int.__int__(value)
            if number.bit_length() > self.limits.int_bits:
                return _opaque(value, f"an integer of {number.bit_length()} bits")
            return number
        if isinstance(value, float):
            return float.__float__(value)
        if isinstance(value, str):
            text = str.__str__(value)
            if len(text) > self.limits.text:
                return _opaque(value, f"a string of {len(text)} characters")
            return text
        if isinstance(value, (list, tuple)):
            tag = "L" if isinstance(value, list) else "T"
            items = (
                list.__iter__(value)  # type: ignore[arg-type]  # list's own, not an override
                if tag == "L"
                else tuple.__iter__(value)  # type: ignore[arg-type]
            )
            return {tag: [self.encode(v, depth + 1) for v in items]}
        if isinstance(value, dict):
            pairs = dict.items(value)
            return {
                "D": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)]
                    for k, v in pairs
                ]
            }
        if isinstance(value, numpy.ndarray):
            return self._array(value)
        torch = _torch()
        if isinstance(value, torch.Tensor):
            return self._tensor(value, depth)
        if isinstance(value, torch.dtype):
            return {"Y": str(value).removeprefix("torch.")}
        return self.other(value)

    def _blob(self, array) -> int:
        self.blobs.append(array.tobytes())
        return len(self.blobs) - 1

    def _seen(self, value: Any) -> int | None:
        index = self._memo.get(id(value))
        if index is None:
            self._memo[id(value)] = len(self.sent)
            self.sent.append(value)
        return index

    def _array(self, value) -> dict:
        again = self._seen(value)
        if again is not None:
            return {"M": again}
        numpy = _numpy()
        array = numpy.ascontiguousarray(value)
        if array.dtype.name not in DTYPES:
            return _opaque(value, f"an array of dtype {array.dtype.name}")
        shape = list(array.shape)
        return {
            "A": {"dtype": array.dtype.name, "shape": shape, "blob": self._blob(array)}
        }

    def _tensor(self, value, depth: int) -> dict:
        again = self._seen(value)
        if again is not None:
            return {"M": again}
        torch = _torch()
        data = torch.Tensor.detach(value)
        if data.layout != torch.strided:
            data = data.to_dense()
        data = data.cpu().resolve_conj().resolve_neg().contiguous()
        dtype = str(data.dtype).removeprefix("torch.")
        if dtype not in DTYPES:
            return _opaque(value, f"a tensor of dtype {dtype}")
        bits = TORCH_ONLY.get(dtype)
        array = (data.view(getattr(torch, bits)) if bits else data).numpy()
        is_leaf = bool(value.is_leaf)
        grad_fn = value.grad_fn
        body = {
            "dtype": dtype,
            "shape": list(data.shape),
            "blob": self._blob(array),
            "requires_grad": bool(value.requires_grad),
            "is_leaf": is_leaf,
            "grad_fn": None if grad_fn is None else type(grad_fn).__name__,
            "parameter": isinstance(value, torch.nn.Parameter),
            "ref": self.ref_of(value),
        }
        grad = value.grad if is_leaf else None  # .grad of a non-leaf only warns
        if grad is not None:
            body["grad"] = self.encode(grad, depth + 1)
        return {"X": body}


def _opaque(value: Any, why: str) -> dict:
    try:
        kind = qualname(type(value))
    except Exception:
        kind = "an object"
    return {"O": {"type": kind, "why": why}}


@dataclass(frozen=True)
class Opaque:
    """A value the other side could not send: what it was, and why not."""

    type: str
    why: str

    def __repr__(self) -> str:
        return f"<{self.type}: {self.why}>"


@dataclass
class Decoder:
    """Turn a JSON tree and its blobs back into values, checking every rule.

    `handle(info)` makes the object for {"H": ...} (the judge: a proxy that asks
    the kernel), `reference(id)` the one for {"R": id} and `callback(id)` for
    {"C": id} (the kernel: its own object, a function calling the judge); a side
    that must not receive a tag passes None for it. `created` lists the tensors
    and arrays made, in order (the kernel reports their state after a call).
    """

    blobs: list[bytes]
    handle: Callable[[HandleInfo], Any] | None = None
    reference: Callable[[int], Any] | None = None
    callback: Callable[[int], Any] | None = None
    limits: Limits = field(default_factory=Limits)
    created: list[Any] = field(default_factory=list)
    _items: int = 0

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > self.limits.depth:
            raise WireError(f"a value nested more than {self.limits.depth} deep")
        self._items += 1
        if self._items > self.limits.items:
            raise WireError(f"a value of more than {self.limits.items} items")
        kind = type(node)
        if node is None or kind is bool:
            return node
        if kind is int:
            if node.bit_length() > self.limits.int_bits:
                raise WireError(f"an integer of {node.bit_length()} bits")
            return node
        if kind is float:
            return node
        if kind is str:
            if len(node) > self.limits.text:
                raise WireError(f"a string of {len(node)} characters")
            return node
        if kind is not dict or len(node) != 1:
            raise WireError(f"a malformed value ({kind.__name__})")
        ((tag, body),) = node.items()
        if tag in ("L", "T"):
            items = [self.decode(v, depth + 1) for v in _list(body, tag)]
            return items if tag == "L" else tuple(items)
        if tag == "D":
            out = {}
            for pair in _list(body, tag):
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("a malformed dict entry")
                key = self.decode(pair[0], depth + 1)
                if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                    raise WireError(f"a dict key of type {type(key).__name__}")
                out[key] = self.decode(pair[1], depth + 1)
            return out
        if tag == "A":
            body = _fields(body, tag, {"dtype": str, "shape": list, "blob": int})
            return self._made(self._array(body["dtype"], body["shape"], body["blob"]))
        if tag == "N":
            body = _fields(body, tag, {"dtype": str, "blob": int})
            return self._array(body["dtype"], [], body["blob"])[()]
        if tag == "X":
            index = len(self.created)
            self.created.append(None)  # its place in the order it was sent
            self.created[index] = tensor = self._tensor(body, depth)
            return tensor
        if tag == "M":
            if type(body) is not int or not 0 <= body < len(self.created):
                raise WireError("a reference to a value not sent")
            return self.created[body]
        if tag == "Y":
            return self._dtype(body)
        if tag == "O":
            body = _fields(body, tag, {"type": str, "why": str})
            return Opaque(body["type"][:200], body["why"][:200])
        if tag == "H" and self.handle is not None:
            return self.handle(self._handle_info(body))
        if tag == "R" and self.reference is not None and type(body) is int:
            return self.reference(body)
        if tag == "C" and self.callback is not None and type(body) is int:
            return self.callback(body)
        raise WireError(f"a value tagged {str(tag)[:20]!r}, which is not allowed here")

    def _made(self, value: Any) -> Any:
        """Note a tensor or array made from the message, in the order it was sent."""
        self.created.append(value)
        return value

    def _blob(self, index: Any) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError("a reference to a missing blob")
        return self.blobs[index]

    def _shape(self, shape: Any) -> tuple[int, ...]:
        if type(shape) is not list or len(shape) > self.limits.ndim:
            raise WireError("a malformed shape")
        if any(type(d) is not int or d < 0 for d in shape):
            raise WireError("a shape with a negative or non-integer size")
        return tuple(shape)

    def _array(self, dtype: str, shape: Any, blob: Any, raw_bits: bool = False):
        """A numpy array of its own memory, from a blob that must fit the shape."""
        numpy = _numpy()
        if dtype not in DTYPES or (dtype in TORCH_ONLY) != raw_bits:
            raise WireError(f"an array of dtype {dtype[:20]!r}")
        dtype = TORCH_ONLY.get(dtype, dtype)
        shape = self._shape(shape)
        raw = self._blob(blob)
        item = numpy.dtype(dtype).itemsize
        if len(raw) != math.prod(shape) * item:
            raise WireError("an array whose bytes do not match its shape")
        return numpy.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    def _tensor(self, body: Any, depth: int):
        fields = {
            "dtype": str,
            "shape": list,
            "blob": int,
            "requires_grad": bool,
            "is_leaf": bool,
            "parameter": bool,
        }
        body = _fields(body, "X", fields, optional={"grad_fn", "ref", "grad"})
        torch = _torch()
        dtype = body["dtype"]
        if dtype not in DTYPES:
            raise WireError(f"a tensor of dtype {dtype[:20]!r}")
        bits = dtype in TORCH_ONLY
        array = self._array(dtype, body["shape"], body["blob"], raw_bits=bits)
        tensor = torch.from_numpy(array)
        if bits:
            tensor = tensor.view(getattr(torch, dtype))
        grad_fn, ref = body.get("grad_fn"), body.get("ref")
        if not (grad_fn is None or (type(grad_fn) is str and len(grad_fn) < 200)):
            raise WireError("a malformed grad_fn")
        if not (ref is None or type(ref) is int):
            raise WireError("a malformed tensor reference")
        if body["requires_grad"] and (
            tensor.is_floating_point() or tensor.is_complex()
        ):
            tensor.requires_grad_(True)
        if "grad" in body:
            grad = self.decode(body["grad"], depth + 1)
            if (
                isinstance(grad, torch.Tensor)
                and grad.shape == tensor.shape
                and (grad.dtype == tensor.dtype)
            ):
                tensor.grad = grad.detach()
        tensor._kernel = TensorInfo(
            body["requires_grad"], body["is_leaf"], grad_fn, ref, body["parameter"]
        )
        return tensor

    def _dtype(self, name: Any):
        torch = _torch()
        if type(name) is not str or name not in DTYPES:
            raise WireError("an unknown torch dtype")
        return getattr(torch, name)

    def _handle_info(self, body: Any) -> HandleInfo:
        fields = {"id": int, "type": str, "mro": list, "callable": bool}
        body = _fields(body, "H", fields, optional={"text"})
        mro = body["mro"]
        if len(mro) > 64 or any(type(m) is not str for m in mro):
            raise WireError("a malformed list of base classes")
        text = body.get("text", "")
        if type(text) is not str:
            raise WireError("a malformed handle")
        return HandleInfo(
            body["id"],
            body["type"][:300],
            tuple(m[:300] for m in mro),
            body["callable"],
            text[:300],
        )


def _list(body: Any, tag: str) -> list:
    if type(body) is not list:
        raise WireError(f"a malformed {tag} value")
    return body


def _fields(body: Any, tag: str, types: dict[str, type], optional=frozenset()) -> dict:
    """Check that `body` is a dict with exactly these fields (plus optional ones)."""
    if type(body) is not dict:
        raise WireError(f"a malformed {tag} value")
    extra = set(body) - set(types) - set(optional)
    if extra or any(type(body.get(k)) is not t for k, t in types.items()):
        raise WireError(f"a malformed {tag} value")
    return body
