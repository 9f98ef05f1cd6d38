"""Do the diffable scripts in labs/ stay paired with the lab notebooks?

That the release made from the scripts is the committed release is checked by
tests/test_pipeline.py, whose course is built from them (one release, not two).
"""

from __future__ import annotations

import os

import nbformat
import pytest

from coursekit import __main__ as cli
from coursekit import layout, pairs

from .course import REPO, make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow


def test_every_lab_is_in_sync_with_its_pair():
    """Does each labs/<lab>.py give its source notebook byte for byte?"""
    assert pairs.out_of_sync(REPO) == [], "run `make release` to sync the pairs"


def test_pairs_keep_nbgrader_metadata():
    """Does each cell's nbgrader metadata (grade id, points, locked...) survive the pair?"""
    for lab in layout.labs(REPO):
        nb = nbformat.read(layout.notebook("source", lab, root=REPO), as_version=4)
        again = pairs.to_notebook(pairs.to_text(nb))
        assert [c.metadata for c in again.cells] == [c.metadata for c in nb.cells]
        assert [c.id for c in again.cells] == [c.id for c in nb.cells]


def test_pairs_live_outside_source():
    """Is nothing but the notebook in source/<lab>/ (nbgrader ships the rest)?"""
    for lab in layout.labs(REPO):
        assert sorted(p.name for p in (REPO / "source" / lab).iterdir()) == [
            f"{lab}.ipynb"
        ]


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1
    return text.replace(old, new)


def test_editing_a_pair_updates_the_release(tmp_path):
    """Does `release` carry an edit of labs/<lab>.py into the notebook and release/?"""
    root = make_course(tmp_path)
    lab = layout.labs(root)[0]
    pair = pairs.pair_path(lab, root)
    pair.write_text(
        _edit(
            pair.read_text(),
            "# # Lab 01: Gradient descent from scratch",
            "# # Lab 01: Gradient descent, written from scratch",
        )
    )
    assert cli.main(["--course", str(root), "release", "--lab", lab]) == 0
    for step in ("source", "release"):
        text = layout.notebook(step, lab, root=root).read_text()
        assert "Gradient descent, written from scratch" in text
    assert pairs.out_of_sync(root) == []
    # only the edited cell changed in release/ (and its checksum)
    old = nbformat.read(layout.notebook("release", lab, root=REPO), as_version=4)
    new = nbformat.read(layout.notebook("release", lab, root=root), as_version=4)
    changed = [a.id for a, b in zip(old.cells, new.cells, strict=True) if a != b]
    assert changed == ["md_title"]


def test_a_notebook_saved_later_updates_its_pair(tmp_path):
    """Does sync keep an edit made in the notebook (newer) by rewriting the pair?"""
    root = make_course(tmp_path)
    lab = layout.labs(root)[0]
    path = layout.notebook("source", lab, root=root)
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nA sentence added in JupyterLab."
    nbformat.write(nb, path)
    pair = pairs.pair_path(lab, root)
    stamp = path.stat().st_mtime
    os.utime(pair, (stamp - 10, stamp - 10))
    assert pairs.sync(root) == [f"updated labs/{lab}.py from {lab}.ipynb"]
    assert "# A sentence added in JupyterLab." in pair.read_text()
    assert pairs.out_of_sync(root) == []
    assert pairs.sync(root) == []
