"""A real, throwaway PostgreSQL server for the gradebook tests.

Debian's server binaries (package `postgresql`, which `make test` installs)
run from a temporary folder, listening only on a unix socket there. The
server refuses to run as root, so as root it runs as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def server_binaries() -> Path | None:
    """The folder of the newest installed PostgreSQL server's binaries, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def server() -> Iterator[tuple[Path, Path]]:
    """Start a server in a temporary folder; yield (binaries, socket folder); remove it."""
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError("no PostgreSQL server in /usr/lib/postgresql")
    home = Path(tempfile.mkdtemp(prefix="coursekit-pg-"))
    as_user: list[str] = []
    if os.getuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(home, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log = home / "data", home / "server.log"

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True)

    run(
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "--no-sync",
        "-E",
        "UTF8",
    )
    # no TCP at all; fsync off: the data is thrown away
    options = f"-k {home} -c listen_addresses='' -F"
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(log),
        "-o",
        options,
        "-w",
        "start",
    )
    try:
        yield binaries, home
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


def create_database(binaries: Path, sockets: Path, name: str) -> str:
    """Create an empty database; return its SQLAlchemy URL (psycopg driver)."""
    subprocess.run(
        [str(binaries / "createdb"), "-h", str(sockets), "-U", "postgres", name],
        check=True,
        capture_output=True,
    )
    return f"postgresql+psycopg://postgres@/{name}?host={sockets}"
