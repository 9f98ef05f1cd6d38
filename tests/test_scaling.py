"""Does grading at scale give exactly the grades of a serial run?

One lab's demo class (a correct, a buggy and a crashing submission)
is graded serially with SQLite once; then by two worker processes, by two
workers writing to a real PostgreSQL server, and by a Dask LocalCluster of two
workers on PostgreSQL. Every cell's score must be the serial run's.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursekit import cluster, demo, grading, layout, release, report, sandbox

from . import postgres
from .course import make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

LAB = "01_gd_from_scratch"
STUDENTS = {"correct", "sum_not_mean", "crashes"}


def prepare(dest: Path) -> Path:
    """A course with LAB released (into whichever gradebook is configured) and
    the chosen demo students' submissions collected."""
    root = make_course(dest)
    release.release(LAB, root)
    demo.collect(root, labs={LAB}, students=STUDENTS)
    return root


def cell_scores(root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """{(student, grade cell): (score, max score)} for every chosen student."""
    with Gradebook(layout.gradebook_url(root)) as gb:
        return {
            (student, cell): scores
            for student in STUDENTS
            for cell, scores in report.cell_scores(gb, LAB, student).items()
        }


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> dict:
    root = prepare(tmp_path_factory.mktemp("serial"))
    outcomes = grading.autograde_all(root, jobs=1)
    assert [o.status for o in outcomes] == ["graded"] * len(STUDENTS)
    scores = cell_scores(root)
    # the class really differs cell by cell, so equal tables mean something
    assert {s for (_, _), (s, _) in scores.items()} >= {0.0, 1.0}
    assert scores[("sum_not_mean", "test_gradient_w")][0] == 0
    assert scores[("correct", "test_gradient_w")][0] > 0
    return scores


@pytest.fixture(scope="module")
def pg_server():
    if postgres.server_binaries() is None:
        pytest.skip(
            "PostgreSQL server binaries not installed (`make test` installs them)"
        )
    with postgres.server() as (binaries, sockets):
        yield binaries, sockets


def test_parallel_gives_the_serial_cell_scores(serial, tmp_path):
    """Do two worker processes sharing SQLite give every cell its serial score?"""
    root = prepare(tmp_path)
    outcomes = grading.autograde_all(root, jobs=2)
    assert sorted(o.student for o in outcomes) == sorted(STUDENTS)
    assert cell_scores(root) == serial


def test_postgres_gradebook_gives_the_serial_cell_scores(
    serial, pg_server, tmp_path, monkeypatch
):
    """With COURSEKIT_DB_URL on a real PostgreSQL server, do two workers grade alike?"""
    url = postgres.create_database(*pg_server, "parallel")
    monkeypatch.setenv("COURSEKIT_DB_URL", url)
    root = prepare(tmp_path)
    assert layout.gradebook_url(root) == url
    outcomes = grading.autograde_all(root, jobs=2)
    assert {o.status for o in outcomes} == {"graded"}
    assert not (root / "gradebook.db").exists()  # nothing went to SQLite
    assert cell_scores(root) == serial
    monkeypatch.setenv("PATH", f"{pg_server[0]}{os.pathsep}{os.environ['PATH']}")
    dump = grading.backup_gradebook(root)
    assert dump == root / "gradebook.sql"
    assert "CREATE TABLE public.grade " in dump.read_text()


def test_dask_cluster_gives_the_serial_cell_scores(
    serial, pg_server, tmp_path, monkeypatch
):
    """Do two Dask workers writing to PostgreSQL give every cell its serial score?"""
    url = postgres.create_database(*pg_server, "dask")
    monkeypatch.setenv("COURSEKIT_DB_URL", url)
    root = prepare(tmp_path)
    outcomes = cluster.autograde(root, workers=2)
    assert sorted(o.student for o in outcomes) == sorted(STUDENTS)
    assert {o.status for o in outcomes} == {"graded"}
    assert cell_scores(root) == serial


def test_kernels_cannot_reach_a_server_gradebook():
    """Are the database's unix-socket folders hidden from the grading kernel?"""
    url = "postgresql+psycopg://grader:secret@/gradebook?host=/srv/pg"
    hidden = sandbox.database_sockets(url)
    assert Path("/srv/pg") in hidden
    assert Path("/run/postgresql").resolve() in hidden
    assert sandbox.database_sockets("sqlite:////course/gradebook.db") == sorted(
        {Path("/run/postgresql").resolve(), Path("/var/run/postgresql").resolve()}
    )


def test_kernel_starts_without_the_gradebook_url(monkeypatch):
    """Does the sandbox drop COURSEKIT_DB_URL (and its password) before the kernel runs?"""
    monkeypatch.setenv("COURSEKIT_DB_URL", "postgresql+psycopg://g:secret@db/gradebook")
    monkeypatch.setattr(sandbox, "apply_limits", lambda: None)  # not on pytest itself
    monkeypatch.setattr(sandbox.signal, "signal", lambda *args: None)
    monkeypatch.setattr(sandbox, "kernel_command", lambda argv: ["/bin/true"])
    seen: dict[str, str] = {}

    def execv(path, args):
        seen.update(os.environ)
        raise SystemExit(0)

    monkeypatch.setattr(sandbox.os, "execv", execv)
    with pytest.raises(SystemExit):
        sandbox.main(["-f", "kernel.json"])
    assert seen and "COURSEKIT_DB_URL" not in seen


def test_workers_start_with_nbgrader_imported():
    """Does a grading worker start with nbgrader loaded (forked), not import it again?

    A spawned worker pays 3-4 s of imports before its first submission, on
    the run's clock: about as long as a whole warm submission, in each worker.
    """
    assert "nbgrader.apps" in sys.modules  # the parent imported it (coursekit.grading)
    check = "'nbgrader.apps' in __import__('sys').modules"  # eval: nothing to import
    with ProcessPoolExecutor(1, mp_context=grading._context()) as pool:
        assert pool.submit(eval, check).result()
