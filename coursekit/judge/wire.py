"""Messages between a grading kernel and its judge, over one unix socket.

A message is a 4-byte length, a JSON header of at most `MAX_HEADER` bytes that
lists its blobs' lengths, then the blobs: at most `MAX_BLOBS` of them and
`MAX_BYTES` in all. The receiver checks the lengths before it reads, so a
message that breaks a bound costs the reader nothing but an error.

A `Channel` carries requests and replies in both directions, nested: while
one side waits for the reply to its request, the other may ask it something
first (the judge calls a student's function; that function calls back a
function the judge passed in), up to `MAX_NESTING` deep.
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Callable
from typing import Any

from .values import WireError

LENGTH = struct.Struct(">I")
MAX_HEADER = 4 << 20
MAX_BLOBS = 4096
MAX_BYTES = 64 << 20
MAX_NESTING = 8

Message = tuple[dict, list[bytes]]


class Closed(ConnectionError):
    """The other side closed the channel."""


def send(
    sock: socket.socket, header: dict, blobs: list[bytes] | tuple[()] = ()
) -> None:
    """Send one message: its header (a JSON object) and its blobs."""
    blobs = list(blobs)
    if len(blobs) > MAX_BLOBS or sum(map(len, blobs)) > MAX_BYTES:
        raise WireError(
            f"a message of {len(blobs)} blobs and {sum(map(len, blobs))} bytes "
            f"(at most {MAX_BLOBS} and {MAX_BYTES})"
        )
    data = json.dumps(
        {**header, "blobs": [len(b) for b in blobs]}, separators=(",", ":")
    ).encode()
    if len(data) > MAX_HEADER:
        raise WireError(f"a header of {len(data)} bytes (at most {MAX_HEADER})")
    sock.sendall(LENGTH.pack(len(data)) + data)
    for blob in blobs:
        sock.sendall(blob)


def _read_or_none(sock: socket.socket, size: int) -> bytes | None:
    """`size` bytes, or None if the other side closed before sending any."""
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            if got == 0:
                return None
            raise Closed("the connection closed in the middle of a message")
        got += n
    return bytes(buffer)


def _read(sock: socket.socket, size: int) -> bytes:
    """`size` bytes of a message already begun."""
    data = _read_or_none(sock, size)
    if data is None:
        raise Closed("the connection closed in the middle of a message")
    return data


def receive(sock: socket.socket) -> Message | None:
    """The next message, or None if the other side closed before sending one."""
    head = _read_or_none(sock, LENGTH.size)
    if head is None:
        return None
    (size,) = LENGTH.unpack(head)
    if size > MAX_HEADER:
        raise WireError(f"a header of {size} bytes (at most {MAX_HEADER})")
    try:
        header = json.loads(_read(sock, size))
    except (ValueError, RecursionError) as exc:
        raise WireError(f"a header that is not JSON ({type(exc).__name__})") from None
    lengths = header.get("blobs") if type(header) is dict else None
    if type(lengths) is not list or len(lengths) > MAX_BLOBS:
        raise WireError("a header without a valid list of blobs")
    if any(type(n) is not int or n < 0 for n in lengths) or sum(lengths) > MAX_BYTES:
        raise WireError(f"blobs of more than {MAX_BYTES} bytes, or of no valid size")
    return header, [_read(sock, n) for n in lengths]


class Channel:
    """Nested requests and replies over one socket.

    `serve(header, blobs)` answers a request the other side sends while this
    side waits for a reply; it returns the reply (header, blobs).
    """

    def __init__(
        self, sock: socket.socket, serve: Callable[[dict, list[bytes]], Message]
    ):
        self.sock, self.serve, self.depth = sock, serve, 0

    def request(self, header: dict, blobs: list[bytes] | tuple[()] = ()) -> Message:
        """Send a request and return its reply, answering requests meanwhile."""
        send(self.sock, {**header, "kind": "request"}, blobs)
        while True:
            message = receive(self.sock)
            if message is None:
                raise Closed("the other side closed the channel")
            header_in, blobs_in = message
            kind = header_in.get("kind")
            if kind == "reply":
                return header_in, blobs_in
            if kind != "request":
                raise WireError(f"a message of kind {str(kind)[:20]!r}")
            if self.depth >= MAX_NESTING:
                raise WireError(f"requests nested more than {MAX_NESTING} deep")
            self.depth += 1
            try:
                reply, reply_blobs = self.serve(header_in, blobs_in)
            finally:
                self.depth -= 1
            self.reply(reply, reply_blobs)

    def reply(self, header: dict, blobs: list[bytes] | tuple[()] = ()) -> None:
        send(self.sock, {**header, "kind": "reply"}, blobs)


def error_reply(text: str) -> Message:
    """A reply saying the request could not be served."""
    return {"error": str(text)[:2000]}, []


def check_reply(header: dict) -> Any:
    """Raise WireError for a reply that is an error."""
    if "error" in header:
        raise WireError(str(header["error"])[:2000])
    return header
