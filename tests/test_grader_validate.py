"""Do the structural checks fail in the fixed order, each with a readable sentence?"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import torch

from grader_tests.core import validate


def test_quiet_swallows_stderr_and_warnings_and_returns_none(capfd):
    """Does a quiet check print nothing to stderr and return None, even if it tried?"""

    @validate.quiet
    def check() -> bool:
        """A check."""
        print("noise", file=sys.stderr)
        warnings.warn("a warning", UserWarning, stacklevel=1)
        return False

    assert check() is None
    assert capfd.readouterr().err == ""
    assert check.__name__ == "check" and check.__doc__ == "A check."


def test_quiet_restores_random_states_even_on_failure():
    """Are torch's and numpy's global random states restored after a failure?"""

    @validate.quiet
    def check() -> None:
        torch.manual_seed(1)
        np.random.seed(1)
        raise AssertionError("failed")

    torch.manual_seed(7)
    np.random.seed(7)
    expected = torch.rand(3), np.random.rand(3)
    torch.manual_seed(7)
    np.random.seed(7)
    with pytest.raises(AssertionError, match="failed"):
        check()
    assert torch.equal(torch.rand(3), expected[0])
    assert np.array_equal(np.random.rand(3), expected[1])


def test_require_callable():
    """Is a non-function named with what it is instead?"""
    validate.require_callable(len, "len")
    with pytest.raises(
        AssertionError, match=r"^step should be a function; got a float\."
    ):
        validate.require_callable(0.1, "step")


def test_call_turns_an_exception_into_a_sentence():
    """Does a raising student function give 'calling ... raised ...', chained?"""

    def broken(x):
        raise RuntimeError("shapes do not match")

    with pytest.raises(AssertionError) as info:
        validate.call(broken, "gradients(x, y, w, b)", 1)
    assert str(info.value) == (
        "calling gradients(x, y, w, b) raised RuntimeError: shapes do not match"
    )
    assert isinstance(info.value.__cause__, RuntimeError)


def test_call_explains_a_blank_answer():
    """Does the stub's NotImplementedError say what to do?"""

    def stub():
        raise NotImplementedError()

    with pytest.raises(AssertionError) as info:
        validate.call(stub, "predict(x, w, b)")
    assert str(info.value) == (
        "calling predict(x, w, b) raised NotImplementedError. Did you replace "
        "`raise NotImplementedError()` with your code?"
    )


def test_unpack():
    """Are tuples and lists of the right length accepted, anything else named?"""
    assert validate.unpack([1, 2], "f()", ("a", "b")) == (1, 2)
    with pytest.raises(AssertionError) as info:
        validate.unpack(1.0, "f()", ("a", "b"))
    assert str(info.value) == (
        "f() should return 2 values (a, b); got a float. Did you forget to return b?"
    )
    with pytest.raises(AssertionError, match=r"got a tuple of 3 values\.$"):
        validate.unpack((1, 2, 3), "f()", ("a", "b"))


@pytest.mark.parametrize(
    "value",
    [
        torch.tensor(2.5),
        torch.tensor([[2.5]]),
        2.5,
        np.float32(2.5),
        np.array([2.5]),
        torch.tensor(2.5, dtype=torch.float64, requires_grad=True),
    ],
)
def test_to_number_accepts_anything_holding_one_number(value):
    """Is one number accepted as a 0-dim or 1-element tensor, float or numpy scalar?"""
    assert validate.to_number(value, "v") == 2.5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "v should be a number; got None."),
        (True, "v should be a number; got a bool."),
        ("2.5", "v should be a number (a 0-dim tensor or a float); got a str."),
        (
            torch.zeros(3, 1),
            "v has 3 elements (shape (3, 1)); expected one number. Hint",
        ),
        (torch.tensor(1 + 2j), "v has dtype torch.complex64; expected a real number."),
    ],
)
def test_to_number_rejects_with_a_sentence(value, message):
    """Is anything else rejected, saying what it is?"""
    with pytest.raises(AssertionError) as info:
        validate.to_number(value, "v", shape_hint="Hint")
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (np.zeros((3, 2)), "x should be a torch.Tensor; got a numpy.ndarray"),
        (
            torch.zeros(3, 2, dtype=torch.int64),
            "x has the wrong shape: got (3, 2), expected (3, 1). Hint",
        ),
        (
            torch.zeros(3, 1, dtype=torch.int64),
            "x has dtype torch.int64; expected a floating dtype",
        ),
        (
            torch.tensor([[1.0], [float("inf")], [float("nan")]]),
            "x is inf in 2 of 3 entries (first at entry 1): expected finite numbers.",
        ),
    ],
)
def test_tensor_checks_run_in_order(value, fragment):
    """Type before shape before dtype before finite: is the first problem reported?"""
    with pytest.raises(AssertionError) as info:
        validate.require_tensor_values(value, "x", (3, 1), hint="Hint")
    assert fragment in str(info.value)


def test_tensor_values_are_python_floats():
    """Are a good tensor's entries returned as float64 Python floats?"""
    values = validate.require_tensor_values(torch.tensor([[0.1], [0.2]]), "x", (2, 1))
    assert values == [float(torch.tensor(0.1)), float(torch.tensor(0.2))]


def test_require_finite_on_one_number():
    """Does a single nan read as one number, with the hint after it?"""
    with pytest.raises(AssertionError) as info:
        validate.require_finite([float("nan")], "w", "Diverged.")
    assert str(info.value) == "w is nan: expected a finite number. Diverged."


def test_counting_graph_tells_no_graph_a_graph_and_a_backward_apart():
    """Does counting_graph see a graph being built, and backward() running through it?"""
    x = torch.arange(3.0)
    with validate.counting_graph() as plain:
        (2 * x).sum()
    w = torch.tensor(0.5, requires_grad=True)
    with validate.counting_graph() as forward:
        loss = ((w * x) ** 2).mean()
    assert forward.saved > 0 and forward.used == 0
    # a backward pass reads the saved tensors through the hooks of the block that
    # saved them: the count goes to the block that built the graph
    loss.backward()
    assert forward.used == forward.saved
    with validate.counting_graph() as no_grad, torch.no_grad():
        ((w * x) ** 2).mean()
    assert (plain.saved, plain.used) == (0, 0)
    assert (no_grad.saved, no_grad.used) == (0, 0)
