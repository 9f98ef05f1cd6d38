"""Grade on a Dask cluster: the same `grade_one` per submission, run by Dask workers.

Without an address, a `LocalCluster` of worker processes on this machine;
with one (`tcp://scheduler:8786`), the workers of a real cluster. Workers
need the course folder at the same path (a shared filesystem) and a gradebook
they can all reach: PostgreSQL through `COURSEKIT_DB_URL`, set in each
worker's environment. docs/scaling.md says how to run it for a large class.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from . import grading, layout


def autograde(
    root: Path,
    address: str | None = None,
    workers: int = 2,
    force: bool = False,
    kernel: str | None = None,
) -> list[grading.Outcome]:
    """Autograde `submitted/` of `root` on a Dask cluster; print progress as done.

    Each worker runs one submission at a time (nbgrader changes the process's
    folder and file descriptors, so one thread per worker).
    """
    from distributed import Client, LocalCluster

    if address and make_url(layout.gradebook_url(root)).get_backend_name() == "sqlite":
        print(
            "warning: the gradebook is SQLite; workers on other machines cannot "
            "share it: set COURSEKIT_DB_URL to a PostgreSQL database",
            file=sys.stderr,
        )
    with contextlib.ExitStack() as stack:
        if address:
            client = stack.enter_context(Client(address))
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    memory_limit=0,  # the sandbox's limits bound each kernel
                )
            )
            client = stack.enter_context(Client(cluster))
        print(f"dask: {client}", flush=True)
        return grading.autograde_all(
            root, force=force, kernel=kernel, executor=client.get_executor(pure=False)
        )
