"""A synthetic class for benchmarks: many submissions per lab, in a realistic mix.

Each submission is built from what the course already knows about its
students: the worked solution, the demo class's buggy, blank and crashing
notebooks (`demo/<lab>.toml`), the known mistakes (`mutants/<lab>.toml`), and
broken files (a truncated notebook) that must score 0 without a kernel.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import nbformat

from .. import layout, pipeline

# One submission in ten is broken, three are correct, three come from the demo
# class, three from the mutants: most students hand in work that runs.
PATTERN = (
    "correct",
    "demo",
    "mutant",
    "correct",
    "demo",
    "mutant",
    "correct",
    "broken",
    "demo",
    "mutant",
)


def kinds(lab_index: int, per_lab: int) -> list[str]:
    """The kinds of a lab's `per_lab` submissions: each lab goes on along the pattern
    where the one before stopped, so that ten submissions in all have every kind."""
    cycle = itertools.islice(itertools.cycle(PATTERN), lab_index * per_lab, None)
    return list(itertools.islice(cycle, per_lab))


def _notebook_bytes(
    kind: str, lab: str, i: int, root: Path, bank: dict[str, list]
) -> bytes:
    if kind == "broken":  # a notebook cut off half way, as an interrupted upload
        released = layout.notebook("release", lab, root=root).read_bytes()
        return released[: len(released) // 2]
    makers = bank[kind]
    return nbformat.writes(makers[i % len(makers)]()).encode()


def write_class(
    course: Path, labs: list[str], per_lab: int, root: Path = layout.ROOT
) -> dict[tuple[str, str], str]:
    """Write `per_lab` submissions of each lab into `course/submitted/`.

    Students are `s0000`, `s0001`, ...; each hands in one notebook per lab.
    Returns {(student, lab): kind}.
    """
    made = {}
    for index, lab in enumerate(labs):
        bank: dict[str, list] = pipeline.known_submissions(lab, root)
        seen: dict[str, int] = {}  # the k-th of a kind takes the k-th in its bank
        for i, kind in enumerate(kinds(index, per_lab)):
            if not bank.get(kind, [None]):
                kind = "correct"  # a lab without demo students or mutants
            k = seen[kind] = seen.get(kind, -1) + 1
            student = f"s{i:04d}"
            path = layout.notebook("submitted", lab, student, course)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_notebook_bytes(kind, lab, k, root, bank))
            made[(student, lab)] = kind
    return made
