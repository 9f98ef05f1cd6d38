"""Put a forked kernel process in the grading sandbox, without bwrap.

A warm kernel is forked from the service (coursekit/warm/service.py), so it
cannot be wrapped in `bwrap` as `coursekit.sandbox` does; it enters the same
isolation itself, with the kernel's system calls:

- `unshare_namespaces()` (in the forked process): its own mount, network,
  ipc, uts and pid namespaces; the process forked next is pid 1 of the new pid
  namespace and sees no other process of the machine.
- `build_filesystem()` (in that pid 1): mounts private to the kernel, a fresh
  /proc, the view `sandbox.kernel_view` gives (a private /tmp, the course, the
  repository and the checks hidden, the kernel's code, folder and sockets seen
  again), everything read-only except the kernel's own folder, its socket
  folder and /tmp.
- `drop_privileges()`: no capability left (bounding set included), no way to
  gain one back (no_new_privs, securebits locked).

Each step raises OSError when the machine does not allow it; the caller then
refuses to run the kernel here, and the launcher falls back to the bwrap sandbox.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
NAMESPACES = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID

MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
# mount_setattr(2) (Linux 5.12): one call makes a whole mount tree read-only.
SYS_MOUNT_SETATTR = 442  # the same number on x86_64 and aarch64
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
MOUNT_ATTR_RDONLY = 0x1

PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS = 24, 28, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
# SECBIT_NOROOT and its lock: uid 0 gets no capabilities back from execve.
SECBITS_NOROOT_LOCKED = 0x3
SYS_CAPSET = 126 if os.uname().machine == "x86_64" else 91
LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_void_p]
_libc.syscall.restype = ctypes.c_long


def _check(result: int, what: str) -> None:
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(
    source: str | None,
    target: str,
    fstype: str | None,
    flags: int,
    data: str | None = None,
) -> None:
    enc = [None if s is None else s.encode() for s in (source, target, fstype)]
    result = _libc.mount(*enc, flags, data.encode() if data else None)
    _check(result, f"mount {target}")


class _MountAttr(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in ("set", "clr", "prop", "userns")]


def _set_readonly(path: str, readonly: bool, recursive: bool) -> None:
    attr = _MountAttr(
        MOUNT_ATTR_RDONLY if readonly else 0, 0 if readonly else MOUNT_ATTR_RDONLY, 0, 0
    )
    flags = AT_RECURSIVE if recursive else 0
    args = (SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr))
    _check(_libc.syscall(*args, ctypes.sizeof(attr)), f"mount_setattr {path}")


def unshare_namespaces() -> None:
    """Give this process new mount, network, ipc, uts and pid namespaces.

    The pid namespace applies to the children forked afterwards: the first
    one is its pid 1.
    """
    _check(_libc.unshare(NAMESPACES), "unshare")


def _make_mountpoint(path: Path, is_dir: bool) -> None:
    """Create `path` inside a hidden (tmpfs) folder so that it can be bound there."""
    if is_dir:
        path.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


def build_filesystem(view: list) -> None:
    """The kernel's view of the machine: read-only, `view` applied (sandbox.kernel_view).

    Each step hides a folder (an empty tmpfs) or a file (/dev/null), or binds a
    path back, read-only or writable, from a handle taken before anything was
    hidden. Everything else is read-only. Call as pid 1 of the new pid
    namespace (the fresh /proc shows that namespace).
    """
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    handles = {
        m.path: (os.open(m.path, os.O_PATH), m.path.is_dir())
        for m in view
        if m.how != "hide" and m.path.exists()
    }
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    for mount in view:
        path = str(mount.path)
        if mount.how == "hide":
            if mount.path.is_dir():
                _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
            else:
                _mount("/dev/null", path, None, MS_BIND)
        elif mount.path in handles:
            fd, is_dir = handles[mount.path]
            _make_mountpoint(mount.path, is_dir)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
    for fd, _ in handles.values():
        os.close(fd)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _set_readonly("/", True, recursive=True)
    for path in ("/tmp", "/dev/shm"):
        _set_readonly(path, False, recursive=False)
    for mount in view:
        if mount.how == "write" and mount.path in handles:
            _set_readonly(str(mount.path), False, recursive=False)


def drop_privileges() -> None:
    """Drop every capability for good: effective, permitted, inheritable,
    ambient and bounding sets, with no_new_privs and SECBIT_NOROOT locked."""
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "ambient")
    for cap in range(last + 1):
        _check(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    _check(_libc.prctl(PR_SET_SECUREBITS, SECBITS_NOROOT_LOCKED, 0, 0, 0), "securebits")
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # two of {effective, permitted, inheritable}
    _check(_libc.syscall(SYS_CAPSET, header, data), "capset")
