"""Unit tests of the small coursekit pieces that need no kernel."""

from __future__ import annotations

import pytest

from coursekit import redact, report
from coursekit.preprocessors import NOTE, strip_hidden


def test_strip_hidden_removes_region_and_keeps_visible_part():
    source = '"""dw check."""\nassert dw.numel() == 1\n### BEGIN HIDDEN TESTS\nfrom grader_tests import x\nx.check(dw)\n### END HIDDEN TESTS\n'
    out = strip_hidden(source)
    assert out == '"""dw check."""\nassert dw.numel() == 1\n' + NOTE
    assert "grader_tests" not in out


def test_strip_hidden_leaves_cells_without_hidden_tests_alone():
    assert strip_hidden("assert 1 == 1\n") == "assert 1 == 1\n"


def test_table_marks_expected_and_mismatch():
    rows = [
        report.Row("ann", "01_x", 17, 17, ()),
        report.Row("bob", "01_x", 10, 17, ("test_a",)),
    ]
    text = report.format_table(rows, {("ann", "01_x"): 17, ("bob", "01_x"): 12})
    ann, bob = text.splitlines()[2:]
    assert ann.split()[-2:] == ["ok", "-"]
    assert "MISMATCH" in bob and bob.endswith(" a")


def test_table_shows_points_waiting_for_a_grader():
    rows = [report.Row("cy", "06_x", 20, 32, (), to_grade=12)]
    line = report.format_table(rows).splitlines()[2]
    assert "20 / 32" in line and "12 to grade" in line


@pytest.mark.parametrize(
    "message, shown",
    [
        (
            "losses[-1] is wrong: got 1.415, expected 0.1103 (difference 1.3, up to 1e-05 allowed).",
            "losses[-1] is wrong: got 1.415, expected … (difference …, up to 1e-05 allowed).",
        ),
        (
            "got [3.0, 5.0], expected [0.5, -0.5]: does predict use w and b?",
            "got [3.0, 5.0], expected …: does predict use w and b?",
        ),
        (
            "w: got 1.05, expected 1 - 0.1 * 0.5 = 0.95: 1.05 means",
            "w: got 1.05, expected …: 1.05 means",
        ),
        ("dw is 0, but should be 3.25: did you", "dw is 0, but should be …: did you"),
        (
            "got tensor([1.]), expected tensor([1.5]) (rel",
            "got tensor([1.]), expected … (rel",
        ),
        (
            "has 49 entries; expected 50, one per epoch.",
            "has 49 entries; expected …, one per epoch.",
        ),
    ],
)
def test_reference_values_are_redacted(message, shown):
    assert redact.redact_references(message) == shown


@pytest.mark.parametrize(
    "message",
    [
        "db has shape (4, 1), expected one number: did you average?",
        "x has dtype float64; expected torch.float32",
        "shape (5, 1), dtype float32, as expected",
        "got shape (4,), expected (4, 1)",
        "dw is 100.0x the reference (N = 100): did you sum?",
    ],
)
def test_words_and_shapes_are_kept(message):
    assert redact.redact_references(message) == message


def test_commands_act_on_the_course_folder_they_run_in(tmp_path):
    """`python -m coursekit grade` in ~/course (the hub's instructor) grades that
    course, as nbgrader would; elsewhere, without --course, the repository."""
    from coursekit import layout
    from coursekit.__main__ import default_course

    assert default_course(tmp_path) == layout.ROOT  # not a course
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert default_course(tmp_path) == tmp_path
