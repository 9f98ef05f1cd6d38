"""Where things live in the course folder: labs, notebooks and nbgrader's step folders."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def labs(root: Path = ROOT) -> list[str]:
    """Return the lab ids, sorted, as found in `source/` (one folder per lab)."""
    source = root / "source"
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def notebook(
    step: str, lab: str, student: str | None = None, root: Path = ROOT
) -> Path:
    """Return the path of a lab's notebook in one of nbgrader's step folders."""
    folder = root / step
    if student is not None:
        folder = folder / student
    return folder / lab / f"{lab}.ipynb"


def students(step: str = "submitted", root: Path = ROOT) -> list[str]:
    """Return the student ids that have a folder in `submitted/` (or another step)."""
    folder = root / step
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
    )


def autograded_notebooks(
    root: Path = ROOT, lab_ids: Iterable[str] | None = None
) -> Iterator[tuple[str, str, dict]]:
    """(lab, student, notebook as plain JSON) of each autograded notebook.

    Read only, so not validated: reports read outputs and metadata from them.
    """
    for lab in labs(root) if lab_ids is None else lab_ids:
        for student in students("autograded", root):
            path = notebook("autograded", lab, student, root)
            if path.is_file():
                yield lab, student, json.loads(path.read_text())


def gradebook_url(root: Path = ROOT) -> str:
    """Return the gradebook's database URL as `nbgrader_config.py` sets it."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return config.CourseDirectory.db_url


def copy_course(dest: Path, root: Path = ROOT) -> Path:
    """Copy what an instructor's clone holds (config, labs, demo class) into `dest`.

    Grading there touches nothing of the original: tests and mutation runs use it.
    """
    shutil.copy(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    for folder in ("source", "release", "solutions", "demo", "labs"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, dest / folder)
    return dest
