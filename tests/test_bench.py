"""Does the benchmark build the class it claims, and report what it measured?

A full `make bench` grades for minutes; these tests check its parts that do
not need a kernel: the synthetic class and the table's arithmetic.
"""

from __future__ import annotations

import json

import pytest

from coursekit import layout, preflight
from coursekit.bench import classbench as bench
from coursekit.bench import synthetic

from .course import REPO


def test_a_small_class_still_has_every_kind():
    """With two submissions per lab, do the labs together cover every kind?"""
    labs = layout.labs(REPO)
    every = {k for i in range(len(labs)) for k in synthetic.kinds(i, 2)}
    assert every == set(synthetic.PATTERN)
    assert synthetic.kinds(0, 3) == ["correct", "demo", "mutant"]
    assert synthetic.kinds(1, 3) == ["correct", "demo", "mutant"]
    assert synthetic.kinds(2, 3) == ["correct", "broken", "demo"]
    assert len(synthetic.kinds(4, 25)) == 25


def test_class_is_written_as_described(tmp_path):
    """Are the submissions real notebooks of the right kind (broken ones unreadable)?"""
    course = layout.copy_course(tmp_path, REPO)
    lab = "01_gd_from_scratch"
    made = synthetic.write_class(course, [lab], 10, REPO)
    assert sorted(made.values()) == sorted(synthetic.PATTERN)
    correct = layout.notebook("solutions", lab, root=REPO)
    for (student, _), kind in made.items():
        path = layout.notebook("submitted", lab, student, course)
        if kind == "broken":
            with pytest.raises(json.JSONDecodeError):
                json.loads(path.read_bytes())
            assert preflight.problem(course, lab, student) is not None
            continue
        cells = json.loads(path.read_bytes())["cells"]
        code = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "code"
        )
        assert "raise NotImplementedError()" not in code or kind == "demo"
        assert preflight.problem(course, lab, student) is None
    kinds = list(made.values())
    # mutants and demo students differ from each other and from the solution
    texts = {layout.notebook("submitted", lab, s, course).read_text() for s, _ in made}
    assert len(texts) == len(made) - kinds.count("correct") + 1
    assert correct.exists()


def test_table_ratios_are_to_the_same_kernels_floors():
    """Does each run's ratio divide by its own kernel's floors and serial rate?"""
    rows = [
        bench.Row("k", "serial", 1, 10, 100.0),
        bench.Row("k", "parallel", 2, 10, 50.0, peak_rss_mib=900),
        bench.Row("k", "nbconvert floor", 1, 2, 40.0),
        bench.Row("k", "kernel floor", 1, 1, 2.5),
        bench.Row("warm", "serial", 1, 10, 20.0),
        bench.Row("warm", "nbconvert floor", 1, 2, 10.0),
    ]
    assert rows[0].per_submission == 10.0 and rows[0].per_minute == 6.0
    lines = bench.format_rows(rows).splitlines()
    # parallel: s/sub 5.00, peak 900, x nbconvert 5 / 20, x kernel 5 / 2.5, x serial 12 / 6
    assert lines[3].split()[-5:] == ["5.00", "900", "0.25", "2.00", "2.00"]
    # a floor is not compared with the serial rate
    assert lines[4].split()[-3:] == ["1.00", "8.00", "-"]
    # warm: 2 / 5 of its own nbconvert floor; it has no kernel floor row
    assert lines[6].split()[-3:] == ["0.40", "-", "1.00"]


def test_csv_carries_the_derived_rates(tmp_path):
    """Does bench.csv hold seconds per submission and submissions per minute?"""
    path = tmp_path / "bench.csv"
    bench.write_csv([bench.Row("k", "serial", 1, 4, 10.0, 1, 512.0)], path)
    header, line = path.read_text().splitlines()
    assert header.endswith("s_per_submission,submissions_per_min")
    assert line == "k,serial,1,4,10.0,1,512.0,2.500,24.00"


def test_noplots_kernel_keeps_the_sandbox():
    """Does course-sandbox-noplots start the same sandbox, only without drawing plots?"""
    kernels = REPO / "coursekit" / "jupyter" / "kernels"
    plain = json.loads((kernels / "course-sandbox" / "kernel.json").read_text())
    fast = json.loads((kernels / "course-sandbox-noplots" / "kernel.json").read_text())
    assert fast["argv"] == plain["argv"]
    assert fast["interrupt_mode"] == plain["interrupt_mode"]
    assert fast["env"] == {"MPLBACKEND": "agg"}
