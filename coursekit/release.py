"""Regenerate `release/` (student notebooks) and `solutions/` from `source/`."""

from __future__ import annotations

import time
from pathlib import Path

from . import labkeys, layout, nbgrader_app


class ReleaseError(RuntimeError):
    """nbgrader could not generate a lab's release or solution."""


def release(lab: str, root: Path = layout.ROOT) -> None:
    """Generate the student version and the worked solution of one lab."""
    for command in ("generate_assignment", "generate_solution"):
        result = nbgrader_app.run([command, lab, "--force"], root)
        if not result.ok:
            raise ReleaseError(f"nbgrader {command} {lab} failed:\n{result.log}")


def release_all(root: Path = layout.ROOT) -> list[str]:
    """Release every lab in `source/`, with progress; return the lab ids.

    A lab that fails does not stop the others; the run ends with a summary of
    the failures and raises ReleaseError if there was one.
    """
    found, failed = layout.labs(root), []
    print(labkeys.secret_notice(root), flush=True)
    start = time.monotonic()
    for i, lab in enumerate(found, 1):
        t0 = time.monotonic()
        try:
            release(lab, root)
            status = "released"
        except ReleaseError as error:
            failed.append((lab, str(error)))
            status = "FAILED"
        print(
            f"[{i}/{len(found)}] {lab:<28} {status:<8} {time.monotonic() - t0:4.1f} s"
            f"  (elapsed {time.monotonic() - start:5.1f} s)",
            flush=True,
        )
    if failed:
        for lab, message in failed:
            print(f"release failed: {lab}: {message.splitlines()[0]}", flush=True)
        raise ReleaseError(
            f"{len(failed)} of {len(found)} labs failed to release:\n"
            + "\n".join(message for _, message in failed)
        )
    return found
