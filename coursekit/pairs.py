"""Diffable lab sources: each `source/<lab>/<lab>.ipynb` paired with `labs/<lab>.py`.

The pair is the notebook as a py:percent script (jupytext): a change to a lab
reviews as a plain diff, and each cell's nbgrader metadata (grade id, points,
locked, solution) is kept on its `# %%` line. The pairs live outside `source/`
because nbgrader copies every file of `source/<lab>/` to students. The pairing
is done here, not by notebook metadata, so the notebook (and the release made
from it) stays exactly as nbgrader expects.

Cell ids are not kept by the script; every cell of the course has a grade id,
and the notebook's cell id is that grade id (a cell without one gets
`cell-<n>`), so regenerating a notebook from its pair is byte for byte the same.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat

from . import layout

FORMAT = "py:percent"
FOLDER = "labs"


def pair_path(lab: str, root: Path = layout.ROOT) -> Path:
    """Where a lab's paired script lives: `labs/<lab>.py`."""
    return root / FOLDER / f"{lab}.py"


# Notebook metadata the script keeps (jupytext drops language_info by default);
# no jupytext version, so that another jupytext writes the same header.
METADATA_FILTER = (
    "kernelspec,language_info,-jupytext.text_representation.jupytext_version"
)


def to_text(nb: nbformat.NotebookNode) -> str:
    """The paired script of a notebook."""
    nb = nbformat.from_dict(nb)  # a copy: the caller's notebook is left as it was
    nb.metadata["jupytext"] = {"notebook_metadata_filter": METADATA_FILTER}
    return jupytext.writes(nb, fmt=FORMAT)


def to_notebook(text: str) -> nbformat.NotebookNode:
    """The notebook of a paired script, as `source/` keeps it (no outputs, no jupytext)."""
    nb = jupytext.reads(text, fmt=FORMAT)
    nb.metadata.pop("jupytext", None)
    for n, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell["id"] = grade_id or f"cell-{n}"
    return nb


def notebook_bytes(text: str) -> str:
    """The notebook file a paired script gives, as nbformat writes it."""
    return nbformat.writes(to_notebook(text)) + "\n"


def sync(root: Path = layout.ROOT) -> list[str]:
    """Bring each lab's notebook and pair into agreement; return what was done.

    Where they differ, the newer file wins (the pair on a tie): an edited pair
    updates the notebook, a notebook saved in JupyterLab updates the pair. A lab
    without a pair gets one.
    """
    done = []
    for lab in layout.labs(root):
        nb_path, py_path = (
            layout.notebook("source", lab, root=root),
            pair_path(lab, root),
        )
        if not py_path.exists():
            py_path.parent.mkdir(exist_ok=True)
            py_path.write_text(to_text(nbformat.read(nb_path, as_version=4)))
            done.append(f"wrote {py_path.relative_to(root)} from {lab}.ipynb")
            continue
        if nb_path.read_text() == notebook_bytes(py_path.read_text()):
            continue
        if py_path.stat().st_mtime >= nb_path.stat().st_mtime:
            nb_path.write_text(notebook_bytes(py_path.read_text()))
            done.append(f"updated {nb_path.relative_to(root)} from {py_path.name}")
        else:
            py_path.write_text(to_text(nbformat.read(nb_path, as_version=4)))
            done.append(f"updated {py_path.relative_to(root)} from {nb_path.name}")
    return done


def regenerate(root: Path = layout.ROOT) -> list[str]:
    """Rewrite every lab's notebook from its pair, whatever the dates; return the labs."""
    labs = layout.labs(root)
    for lab in labs:
        text = pair_path(lab, root).read_text()
        layout.notebook("source", lab, root=root).write_text(notebook_bytes(text))
    return labs


def out_of_sync(root: Path = layout.ROOT) -> list[str]:
    """Labs whose notebook is not what their pair gives (or that have no pair)."""
    return [
        lab
        for lab in layout.labs(root)
        if not pair_path(lab, root).exists()
        or layout.notebook("source", lab, root=root).read_text()
        != notebook_bytes(pair_path(lab, root).read_text())
    ]
