"""Do the course's autograde preprocessors score cells as the README promises?"""

from __future__ import annotations

from nbformat import v4
from nbgrader.utils import determine_grade

from coursekit.preprocessors import StderrCostsNothing


def _test_cell(*outputs, grade: bool = True):
    meta = {"grade": grade, "grade_id": "test_x", "points": 2, "solution": False}
    cell = v4.new_code_cell("check(x)", metadata={"nbgrader": meta})
    cell.outputs = list(outputs)
    return cell


def _stream(name: str, text: str):
    return v4.new_output("stream", name=name, text=text)


def _error():
    return v4.new_output(
        "error", ename="AssertionError", evalue="dw is wrong", traceback=["boom"]
    )


def _run(cell):
    done, _ = StderrCostsNothing().preprocess_cell(cell, {}, 0)
    return done


def test_stderr_alone_would_cost_the_points():
    """Is the problem real: does nbgrader give 0 to a test cell with stderr output?"""
    cell = _test_cell(_stream("stderr", "INFO:root:epoch 0\n"))
    assert determine_grade(cell) == (0, 2)


def test_stderr_costs_nothing_and_stays_visible():
    """Does a cell with logging, a tqdm bar and prints keep its points and its text?"""
    cell = _run(
        _test_cell(
            _stream("stdout", "training\n"),
            _stream("stderr", "\repochs: 100%|##| 3/3\n"),
            _stream("stderr", "INFO:root:epoch 0: loss 4.5\n"),
            _stream("stdout", "losses: [4.5]\n"),
        )
    )
    assert determine_grade(cell) == (2, 2)
    assert [o.name for o in cell.outputs] == ["stdout"]
    assert cell.outputs[0].text == (
        "training\n\repochs: 100%|##| 3/3\nINFO:root:epoch 0: loss 4.5\nlosses: [4.5]\n"
    )


def test_an_error_after_stderr_still_fails_the_cell():
    """Does a cell that writes to stderr and then raises still score 0?"""
    cell = _run(_test_cell(_stream("stderr", "epoch 0\n"), _error()))
    assert determine_grade(cell) == (0, 2)
    assert [o.output_type for o in cell.outputs] == ["stream", "error"]
    assert cell.outputs[1].evalue == "dw is wrong"


def test_other_outputs_keep_their_order():
    """Are display outputs left where they were, between the streams?"""
    figure = v4.new_output("display_data", data={"text/plain": "<Figure>"})
    cell = _run(_test_cell(_stream("stderr", "a\n"), figure, _stream("stderr", "b\n")))
    assert [o.output_type for o in cell.outputs] == ["stream", "display_data", "stream"]
    assert [o.get("text") for o in cell.outputs] == ["a\n", None, "b\n"]


def test_cells_that_are_not_graded_are_left_alone():
    """Does an answer cell keep its stderr stream (it shows as stderr to the student)?"""
    cell = _run(_test_cell(_stream("stderr", "warning\n"), grade=False))
    assert cell.outputs[0].name == "stderr"


def test_what_the_kernel_left_cannot_steer_the_writers(tmp_path):
    """Are links, FIFOs, notebooks the kernel wrote and a folder posing as the
    notebook removed, and the submission and the student's own files kept?"""
    import os

    from coursekit.preprocessors import clean_kernel_folder

    other = tmp_path / "other.ipynb"
    other.write_text("another student's work")
    kernel = tmp_path / "autograded"
    (kernel / "plots").mkdir(parents=True)
    (kernel / "lab.ipynb").write_text("{}")
    (kernel / "notes.ipynb").write_text("{}")
    submitted = {kernel / "lab.ipynb", kernel / "notes.ipynb"}
    (kernel / "plots" / "loss.png").write_bytes(b"png")
    os.remove(kernel / "lab.ipynb")
    os.symlink(other, kernel / "lab.ipynb")  # the writer would overwrite `other`
    os.symlink(tmp_path, kernel / "plots" / "up")
    os.mkfifo(kernel / "pipe")
    (kernel / "extra.ipynb").write_text("not JSON")
    os.remove(kernel / "notes.ipynb")
    (kernel / "notes.ipynb").mkdir()

    removed = clean_kernel_folder(kernel, submitted)

    assert sorted(p.relative_to(kernel).as_posix() for p in kernel.rglob("*")) == [
        "plots",
        "plots/loss.png",
    ]
    assert other.read_text() == "another student's work"
    assert len(removed) == 5 and any(
        "a notebook the kernel wrote" in r for r in removed
    )
