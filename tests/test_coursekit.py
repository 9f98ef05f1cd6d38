"""Unit tests of the small coursekit pieces that need no kernel."""

from __future__ import annotations

from coursekit import report
from coursekit.feedback import NOTE, strip_hidden


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
