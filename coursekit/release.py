"""Regenerate `release/` (student notebooks) and `solutions/` from `source/`."""

from __future__ import annotations

from pathlib import Path

from . import layout, nbgrader_app


class ReleaseError(RuntimeError):
    """nbgrader could not generate a lab's release or solution."""


def release(lab: str, root: Path = layout.ROOT) -> None:
    """Generate the student version and the worked solution of one lab."""
    for command in ("generate_assignment", "generate_solution"):
        result = nbgrader_app.run([command, lab, "--force"], root)
        if not result.ok:
            raise ReleaseError(f"nbgrader {command} {lab} failed:\n{result.log}")


def release_all(root: Path = layout.ROOT) -> list[str]:
    """Release every lab in `source/`; return the lab ids."""
    found = layout.labs(root)
    for lab in found:
        print(f"releasing {lab}", flush=True)
        release(lab, root)
    return found
