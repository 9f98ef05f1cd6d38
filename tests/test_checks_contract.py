"""Does every hidden check of every lab keep the contract a judged check must keep?

For each lab the source notebook runs here, its worked solutions with it (plots
to a file-less backend), and each graded test cell's `judge.check("name", ...)`
is called through the judge's channel (coursekit/judge/loopback.py) with the
values the cell hands over at that point of the notebook. Then, check by check:

- the worked solution passes;
- any wrong value in place of the student's (a function returning None, a
  string, a number, a list, an array, a tensor of another shape, nan, an object
  of its own; or such a value handed over directly) fails, with the check's own
  sentence, never a crash of the check;
- nothing reaches stderr, and the notebook's random state is what it was;
- patching torch's and numpy's comparisons in the student's process changes
  nothing;
- what the kernel hears quotes no reference value, and a wrong letter's message
  does not give the right one.

The per-lab test files then only hold each lab's solution and its table of
mistakes.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import random
import re
import socket
import threading

import matplotlib
import nbformat
import numpy as np
import pytest
import torch

import grader_tests
from coursekit import layout
from coursekit.judge import client
from coursekit.judge.cells import judged_checks
from coursekit.judge.server import Context, Verdict, redacted, run_check
from coursekit.preprocessors import strip_hidden

from .course import REPO

matplotlib.use("Agg")

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
CALL = re.compile(r"^judge\.check\((.*)\)\s*$", re.M)


def _run_notebook(lab: str) -> list[tuple[str, tuple, dict]]:
    """Run a lab's source (solutions in, hidden tests out); for each judged check,
    (name, the values its cell hands over, the notebook's context)."""
    nb = nbformat.read(layout.notebook("source", lab, root=REPO), as_version=4)
    names: dict = {}
    calls = []
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            exec(compile(strip_hidden(cell.source), cell.id, "exec"), names)  # noqa: S102
            hidden = HIDDEN.search(cell.source)
            if hidden is None:
                continue
            for name in judged_checks(hidden.group(1)):
                args = eval(
                    f"(lambda *a: a)({CALL.search(hidden.group(1)).group(1)})", names
                )  # noqa: S307
                assert args[0] == name
                calls.append((name, tuple(_kept(a) for a in args[1:]), dict(names)))
            matplotlib.pyplot.close("all")
    return calls


def _kept(value: object) -> object:
    """A value as it is now (later cells may change it in place)."""
    return (
        value
        if callable(value) and not isinstance(value, torch.nn.Module)
        else (copy.deepcopy(value))
    )


_RUNS: dict[str, list] = {}


def _cases(lab: str) -> list[tuple[str, tuple, Context]]:
    if lab not in _RUNS:
        runs = []
        for name, args, names in _run_notebook(lab):
            student, key = names.get("STUDENT"), names.get("LAB_KEY")
            runs.append((name, args, Context(lab, student or None, key)))
        _RUNS[lab] = runs
    return _RUNS[lab]


CASES = [
    pytest.param(lab, name, id=f"{lab}-{name}")
    for lab in grader_tests.labs()
    for name in grader_tests.checks(lab)
]


def _case(lab: str, name: str) -> tuple[tuple, Context]:
    found = [(args, ctx) for n, args, ctx in _cases(lab) if n == name]
    assert found, f"no test cell of {lab} calls judge.check({name!r}, ...)"
    return found[0]


def _verdict(lab: str, name: str, args: tuple, ctx: Context) -> Verdict:
    from coursekit.judge import loopback

    return loopback.run(grader_tests.checks(lab)[name], args, {}, ctx, name)


def test_every_check_is_called_by_a_test_cell():
    """Does each lab's notebook call each of its checks, and only those?"""
    for lab in grader_tests.labs():
        called = {name for name, _, _ in _cases(lab)}
        assert called == set(grader_tests.checks(lab)), lab


@pytest.mark.parametrize(("lab", "name"), CASES)
def test_the_worked_solution_passes(lab, name):
    args, ctx = _case(lab, name)
    verdict = _verdict(lab, name, args, ctx)
    assert verdict.passed, verdict.message


ODD = [
    None,
    "zz",
    3,
    -2.5,
    True,
    [],
    [1.0, 2.0],
    (None, None),
    {"w": 1.0},
    np.array([7.0]),
    torch.zeros(3),
    torch.tensor(math.nan),
    torch.ones(4, 5),
    object(),
]


def _wrong(args: tuple, odd: object) -> tuple:
    """The values with the student's part replaced: a function now returns `odd`,
    a value is `odd` itself."""
    return tuple(
        (lambda *a, **k: odd)
        if callable(a) and not isinstance(a, torch.nn.Module)
        else odd
        for a in args
    )


@pytest.mark.parametrize(("lab", "name"), CASES)
def test_any_wrong_value_fails_with_a_sentence(lab, name):
    """Does every odd value in the student's place fail, and never crash the check?"""
    args, ctx = _case(lab, name)
    for odd in ODD:
        verdict = _verdict(lab, name, _wrong(args, odd), ctx)
        assert not verdict.passed, (name, odd)
        assert not verdict.message.startswith("the check could not finish"), (
            odd,
            verdict.message,
        )


@pytest.mark.parametrize(("lab", "name"), CASES)
def test_nothing_on_stderr_and_the_random_state_kept(lab, name, capfd):
    """Do passing and failing runs print nothing to stderr and leave the RNGs alone?"""
    args, ctx = _case(lab, name)
    torch.manual_seed(7)
    np.random.seed(7)
    random.seed(7)
    states = torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate()
    for values in (args, _wrong(args, None)):
        _verdict(lab, name, values, ctx)
    assert torch.equal(torch.get_rng_state(), states[0])
    assert np.array_equal(np.random.get_state()[1], states[1])
    assert random.getstate() == states[2]
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(("lab", "name"), CASES)
def test_patched_comparisons_change_nothing(lab, name, monkeypatch):
    """With every comparison patched to agree, does a wrong value still fail?"""
    args, ctx = _case(lab, name)
    for module, attr in (
        (torch, "allclose"),
        (torch, "equal"),
        (np, "allclose"),
        (np, "array_equal"),
        (math, "isclose"),
    ):
        monkeypatch.setattr(module, attr, lambda *a, **k: True)
    assert not _verdict(lab, name, _wrong(args, 3), ctx).passed


def _heard(
    lab: str, name: str, args: tuple, ctx: Context
) -> tuple[client.Verdict, Verdict]:
    """(what the kernel hears, what the judge records) for one check."""
    ours, theirs = socket.socketpair()
    recorded: list[Verdict] = []
    check = grader_tests.checks(lab)[name]

    def judge_side() -> None:
        with theirs:
            run_check(theirs, {name: check}, ctx, record=recorded.append)

    thread = threading.Thread(target=judge_side)
    thread.start()
    with ours:
        heard = client.over(ours, name, args, {})
    thread.join()
    return heard, recorded[0]


@pytest.mark.parametrize(("lab", "name"), CASES)
def test_the_kernel_hears_no_answer(lab, name):
    """Does a failing check's message reach the kernel without reference values,
    and a wrong letter's without the right letter?"""
    args, ctx = _case(lab, name)
    key, letters = _answer_key(lab, name)
    wrong = [_wrong(args, 3)]
    if key is not None:  # every other letter, written as a student would
        wrong = [(letter,) for letter in letters if letter != key]
    for values in wrong:
        heard, recorded = _heard(lab, name, values, ctx)
        assert not heard.passed
        assert heard.message == redacted(recorded.message)
        if key is not None:
            assert f"'{key}'" not in heard.message and f'"{key}"' not in heard.message


def _answer_key(lab: str, name: str) -> tuple[str | None, tuple[str, ...]]:
    """The right letter and the letters, if `name` is a multiple-choice item."""
    module = __import__(
        f"grader_tests.{grader_tests.module_name(lab)}.checks", fromlist=["CHOICE"]
    )
    choice = getattr(module, "CHOICE", None)
    check = grader_tests.checks(lab)[name]
    question = getattr(check, "args", (None,))[0]
    if choice is None or question not in choice.answers:
        return None, ()
    return choice.answers[question], choice.letters


def test_the_judged_values_come_from_the_notebook():
    """Is the contract run on what the notebooks hand over (a sanity check of this file)?"""
    names = {name for name, _, _ in _cases("01_gd_from_scratch")}
    assert {"gradient_w", "train_run", "answer_init"} <= names
