"""Does the judge's channel carry plain data only, bounded, and decide by its own record?

The values and the wire are tested on their own; the judge's side against the
kernel's side in one process over a socket pair (coursekit/judge/loopback.py),
as the unit tests of the checks use it; a notebook's judge (NotebookJudge)
against connections made here; the verdict preprocessor on cells built here.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import threading
import time

import numpy as np
import pytest
import torch
from nbformat import v4

from coursekit.judge import client, loopback, wire
from coursekit.judge.cells import judged_checks
from coursekit.judge.server import Context, NotebookJudge
from coursekit.judge.values import Decoder, Encoder, Opaque, WireError
from coursekit.preprocessors import JudgeVerdict
from grader_tests.core import remote


def roundtrip(value):
    """Kernel side encodes, judge side decodes (handles become Remote-like infos)."""
    side = client.KernelSide(None)
    tree, blobs = side.encode(value)
    json.dumps(tree)  # the tree is plain JSON
    return Decoder(blobs, handle=lambda info: info).decode(tree)


# ---- values ----


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(2**62),
        1.5,
        "ünïcode",
        [1, [2, (3, "x")]],
        (),
        {"a": 1, 2: [3.0]},
        {(1, 2): "tuple key"},
    ],
)
def test_plain_values_cross_unchanged(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_special_floats_cross():
    got = roundtrip([math.nan, math.inf, -math.inf, -0.0])
    assert math.isnan(got[0]) and got[1:3] == [math.inf, -math.inf]
    assert math.copysign(1, got[3]) == -1


@pytest.mark.parametrize(
    "dtype",
    [
        "bool",
        "uint8",
        "int8",
        "int32",
        "int64",
        "float16",
        "float32",
        "float64",
        "complex64",
    ],
)
def test_arrays_cross_with_dtype_and_shape(dtype):
    array = (np.arange(24).reshape(2, 3, 4) % 3).astype(dtype)
    got = roundtrip(array)
    assert isinstance(got, np.ndarray) and got.dtype == array.dtype
    assert got.shape == (2, 3, 4) and np.array_equal(got, array)
    assert got.flags.writeable and got.base is None  # the judge's own memory


def test_numpy_scalars_stay_numpy_scalars():
    got = roundtrip([np.float64(1.5), np.float32(2.5), np.int64(3), np.bool_(True)])
    assert [type(v) for v in got] == [np.float64, np.float32, np.int64, np.bool_]
    assert got == [1.5, 2.5, 3, True]


@pytest.mark.parametrize(
    "dtype",
    [
        torch.float32,
        torch.float64,
        torch.bfloat16,
        torch.int64,
        torch.bool,
        torch.complex64,
    ],
)
def test_tensors_cross_with_dtype_shape_and_values(dtype):
    tensor = torch.arange(6).reshape(2, 3).to(dtype)
    got = roundtrip(tensor)
    assert isinstance(got, torch.Tensor) and got.dtype == dtype and got.shape == (2, 3)
    assert torch.equal(got, tensor)


def test_a_tensor_keeps_what_autograd_knew_of_it():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    ((w * 3) ** 2).sum().backward()
    y = w * 2
    got_w, got_y = roundtrip([w, y])
    assert got_w.requires_grad and torch.equal(got_w.grad, w.grad)
    assert remote.is_leaf(got_w) and remote.grad_fn_name(got_w) is None
    assert not remote.is_leaf(got_y) and remote.grad_fn_name(got_y) == "MulBackward0"
    assert remote.tensor_ref(got_w) != remote.tensor_ref(got_y)


def test_the_same_tensor_twice_is_one_tensor():
    t = torch.zeros(3)
    a, b = roundtrip([t, t])
    assert a is b


def test_other_objects_cross_as_handles_only():
    class Loud:
        def __eq__(self, other):
            raise RuntimeError("never called by the judge")

        def __reduce__(self):
            raise RuntimeError("never pickled")

    info = roundtrip(Loud())
    assert info.type.endswith("Loud") and not info.callable
    assert roundtrip(len).callable


def test_values_that_cannot_be_read_become_opaque():
    class Broken(float):
        def __float__(self):
            raise ValueError("no")

    deep = []
    for _ in range(100):
        deep = [deep]
    got = roundtrip([2**100, deep])
    assert isinstance(got[0], Opaque) and "bits" in got[0].why
    inner = got[1]
    while isinstance(inner, list):
        inner = inner[0]
    assert isinstance(inner, Opaque) and "deeply" in inner.why


def test_a_lying_tensor_subclass_only_hands_over_data():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True

    got = roundtrip(torch.zeros(2).as_subclass(Liar))
    assert type(got) is torch.Tensor and not torch.equal(got, torch.ones(2))


def _decode(tree, blobs=()):
    return Decoder(list(blobs), handle=lambda info: info).decode(tree)


@pytest.mark.parametrize(
    "tree, blobs, fragment",
    [
        ([1, 2], [], "malformed value (list)"),
        ({"Z": 1}, [], "tagged 'Z'"),
        ({"R": 0}, [], "tagged 'R'"),  # a kernel may not name the judge's objects
        ({"C": 0}, [], "tagged 'C'"),
        (
            {"A": {"dtype": "float64", "shape": [3], "blob": 0}},
            [b"\0" * 8],
            "do not match",
        ),
        ({"A": {"dtype": "float64", "shape": [-1], "blob": 0}}, [b""], "negative"),
        ({"A": {"dtype": "object", "shape": [1], "blob": 0}}, [b"x"], "dtype 'object'"),
        ({"A": {"dtype": "float64", "shape": [1], "blob": 5}}, [], "missing blob"),
        (
            {"A": {"dtype": "float64", "shape": [1], "blob": 0, "code": "x"}},
            [b"\0" * 8],
            "malformed A",
        ),
        (
            {"X": {"dtype": "float32", "shape": [1], "blob": 0}},
            [b"\0" * 4],
            "malformed X",
        ),
        (2**80, [], "bits"),
        ("x" * (2 << 20), [], "characters"),
        ({"D": [[{"L": [1]}, 2]]}, [], "dict key of type list"),
    ],
)
def test_the_judge_rejects_what_breaks_the_rules(tree, blobs, fragment):
    with pytest.raises(
        WireError, match=fragment.replace("(", r"\(").replace(")", r"\)")
    ):
        _decode(tree, blobs)


def test_nesting_and_size_are_bounded():
    tree = 1
    for _ in range(40):
        tree = {"L": [tree]}
    with pytest.raises(WireError, match="nested more than 32"):
        _decode(tree)
    with pytest.raises(WireError, match="more than"):
        _decode({"L": list(range(1_000_001))})


def test_the_judge_sends_its_values_and_names_its_functions():
    callbacks = []
    encoder = Encoder(other=lambda v: callbacks.append(v) or {"C": len(callbacks) - 1})
    tree = encoder.encode([torch.ones(2), np.zeros(1), len])
    assert tree["L"][2] == {"C": 0} and callbacks == [len]
    assert len(encoder.sent) == 2  # the tensor and the array, to update after a call


# ---- the wire ----


def _pair():
    a, b = socket.socketpair()
    a.settimeout(5)
    b.settimeout(5)
    return a, b


def test_messages_cross_with_their_blobs():
    a, b = _pair()
    wire.send(a, {"op": "x"}, [b"abc", b""])
    header, blobs = wire.receive(b)
    assert header["op"] == "x" and blobs == [b"abc", b""]
    a.close()
    assert wire.receive(b) is None


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (struct.pack(">I", wire.MAX_HEADER + 1), "header of"),
        (struct.pack(">I", 3) + b"{x}", "not JSON"),
        (struct.pack(">I", 2) + b"[]", "valid list of blobs"),
        (struct.pack(">I", 24) + b'{"blobs": [99999999999]}', "blobs of more than"),
    ],
)
def test_the_receiver_checks_lengths_before_it_reads(raw, fragment):
    a, b = _pair()
    a.sendall(raw)
    with pytest.raises(WireError, match=fragment):
        wire.receive(b)


def test_a_message_cut_short_is_an_error():
    a, b = _pair()
    a.sendall(struct.pack(">I", 10) + b'{"bl')
    a.close()
    with pytest.raises(wire.Closed):
        wire.receive(b)


# ---- checks through the loopback ----


def test_a_check_reaches_the_students_objects_by_value_and_handle():
    def check(fn, model):
        assert fn(torch.tensor([1.0, 2.0]), 3).tolist() == [3.0, 6.0]
        assert remote.is_instance(model, torch.nn.Linear)
        assert tuple(model.weight.shape) == (2, 3)
        assert remote.grad_fn_name(model(torch.ones(1, 3))) == "AddmmBackward0"

    verdict = loopback.run(check, (lambda t, k: t * k, torch.nn.Linear(3, 2)))
    assert verdict.passed, verdict.message
    failed = loopback.run(check, (lambda t, k: t + k, torch.nn.Linear(3, 2)))
    assert not failed.passed


def test_arguments_changed_in_place_come_back():
    def check(step):
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        w.grad = torch.ones(2)
        step(w)
        assert w.tolist() == pytest.approx([0.9, 1.9])
        assert w.grad is None or not w.grad.any()

    def step(w):
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad.zero_()

    assert loopback.run(check, (step,)).passed
    assert not loopback.run(check, (lambda w: None,)).passed


def test_the_kernel_reports_warnings_graph_and_lines_of_a_call():
    def check(fn):
        remote.call_with(fn, {"lines": True}, torch.tensor(2.0, requires_grad=True))
        info = remote.last_call(fn)
        assert info.warnings == ["careful"] and info.saved > 0 and info.used > 0
        assert info.lines >= 3

    def fn(w):
        import warnings

        warnings.warn("careful", stacklevel=2)
        (w * w).backward()
        return w.grad

    verdict = loopback.run(check, (fn,))
    assert verdict.passed, verdict.message


def test_student_exceptions_arrive_named_and_as_their_builtin_kind():
    def check(fn):
        try:
            fn()
        except NotImplementedError as exc:
            assert type(exc).__name__ == "NotImplementedError" and str(exc) == "todo"
            return
        raise AssertionError("no exception")

    def fn():
        raise NotImplementedError("todo")

    assert loopback.run(check, (fn,)).passed


def test_the_judge_calls_back_its_own_functions():
    def check(numerical):
        assert numerical(lambda w: w**3, 2.0) == pytest.approx(12.0, rel=1e-6)

    verdict = loopback.run(check, (lambda f, w: (f(w + 1e-4) - f(w - 1e-4)) / 2e-4,))
    assert verdict.passed, verdict.message


def test_a_check_never_changes_the_notebooks_random_state():
    def check(fn):
        remote.seed_where(fn, 123)
        fn()

    torch.manual_seed(0)
    np.random.seed(0)
    before = torch.rand(1).item(), np.random.rand()
    torch.manual_seed(0)
    np.random.seed(0)
    loopback.run(check, (lambda: (torch.rand(5), np.random.rand(5)),))
    assert (torch.rand(1).item(), np.random.rand()) == before


@pytest.mark.parametrize(
    "check, fragment",
    [
        (lambda fn: fn().missing_attribute, "the check could not finish"),
        (lambda fn: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_a_check_that_breaks_fails_with_a_message(check, fragment):
    verdict = loopback.run(check, (lambda: object(),))
    assert not verdict.passed and fragment in verdict.message


def test_the_kernel_hears_the_message_without_reference_values():
    def check(value):
        raise AssertionError(
            "dw is wrong: got 1.415, expected 0.1103 (difference 1.3)."
        )

    sock_kernel, sock_judge = socket.socketpair()
    from coursekit.judge.server import run_check

    thread = threading.Thread(
        target=run_check, args=(sock_judge, {"c": check}, Context("x"))
    )
    thread.start()
    verdict = client.over(sock_kernel, "c", (1,), {})
    thread.join()
    assert "0.1103" not in verdict.message and "got 1.415" in verdict.message


# ---- a notebook's judge ----


@pytest.fixture
def judge(tmp_path):
    calls = []

    def ok(value):
        calls.append(value)

    def slow(fn):
        fn()

    j = NotebookJudge(tmp_path / "judge.sock", {"ok": ok, "slow": slow}, Context("x"))
    yield j, calls
    j.close()


def _ask(judge, name, *args):
    return client.ask(judge.path, name, args, {})


def test_a_check_counts_only_in_a_cell_that_asks_for_it(judge):
    j, calls = judge
    assert not _ask(j, "ok", 1).passed  # no graded cell is running
    j.begin(3, ["ok"])
    refused = _ask(j, "slow", lambda: None)
    assert "does not ask for check 'slow'" in refused.message
    assert _ask(j, "ok", 2).passed
    assert not _ask(j, "ok", 3).passed  # tried once already: no second chance
    record = j.end(3)
    assert [(v.check, v.passed) for v in record] == [("ok", True)] and calls == [2]
    assert j.end(3) == []


def test_an_unknown_check_is_refused(judge):
    j, _ = judge
    j.begin(0, ["nope"])
    assert "has no check named 'nope'" in _ask(j, "nope").message
    assert j.end(0) == []


def test_a_check_still_running_when_its_cell_ends_is_failed(judge):
    j, _ = judge
    j.begin(5, ["slow"])
    thread = threading.Thread(target=_ask, args=(j, "slow", lambda: time.sleep(3)))
    thread.start()
    time.sleep(0.5)
    record = j.end(5)
    thread.join()
    assert [(v.check, v.passed) for v in record] == [("slow", False)]
    assert "did not finish before its cell ended" in record[0].message


def test_a_flood_of_connections_is_cut_off(judge):
    j, _ = judge
    j.begin(1, ["ok"])
    for _ in range(70):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(j.path))
            wire.send(s, {"kind": "request", "op": "nothing"})
    time.sleep(0.5)
    assert not _ask(j, "ok", 1).passed  # past the cap: closed unread
    assert j.end(1) == []


# ---- which checks a cell asks for ----


def test_judged_checks_are_read_from_the_cells_source():
    source = (
        'x = 1\nfrom coursekit import judge\n\njudge.check("a", f)\njudge.check("b")\n'
    )
    assert judged_checks(source) == ["a", "b"]
    assert judged_checks('judge.check(name, f)\nother.check("c")') == []
    assert judged_checks("%matplotlib inline\njudge.check('a')") == []


# ---- the verdict ----


def _cell(*outputs, source='judge.check("a", f)'):
    meta = {"grade": True, "grade_id": "test_a", "points": 1, "solution": False}
    cell = v4.new_code_cell(source, metadata={"nbgrader": meta})
    cell.outputs = list(outputs)
    return cell


def _verdict(cell, record, plan=("a",)):
    nb = v4.new_notebook(cells=[cell])
    resources = {"judge_plan": {"test_a": list(plan)}, "judge": record}
    JudgeVerdict().preprocess(nb, resources)
    return [(o.output_type, o.get("ename"), o.get("evalue")) for o in cell.outputs]


def test_a_cell_passes_when_the_judge_recorded_its_check_passed():
    stdout = v4.new_output("stream", name="stdout", text="ok\n")
    assert _verdict(_cell(stdout), {"test_a": [{"check": "a", "passed": True}]}) == [
        ("stream", None, None)
    ]


def test_the_judges_message_replaces_whatever_the_kernel_said():
    forged = v4.new_output(
        "error", ename="AssertionError", evalue="all fine", traceback=[]
    )
    fake_score = v4.new_output(
        "execute_result", data={"text/plain": "1.0"}, execution_count=1
    )
    record = {
        "test_a": [
            {
                "check": "a",
                "passed": False,
                "ename": "WrongSign",
                "message": "db has the wrong sign",
            }
        ]
    }
    assert _verdict(_cell(forged, fake_score), record) == [
        ("error", "WrongSign", "db has the wrong sign")
    ]


def test_a_check_the_judge_never_ran_fails_the_cell():
    assert _verdict(_cell(), {"test_a": []}) == [
        (
            "error",
            "AssertionError",
            "the judge received no check 'a' from this cell: "
            "was `judge.check` replaced, or the connection to it closed?",
        )
    ]
    assert _verdict(_cell(), None)[0][2] == "no judge ran this notebook's checks"


def test_a_visible_check_that_failed_keeps_its_own_error():
    visible = v4.new_output(
        "error", ename="AssertionError", evalue="dw is 4x", traceback=[]
    )
    assert _verdict(_cell(visible), {"test_a": []}) == [
        ("error", "AssertionError", "dw is 4x")
    ]


def test_each_occurrence_of_a_check_must_pass():
    record = {"test_a": [{"check": "a", "passed": True}]}
    assert _verdict(_cell(), record, plan=("a", "a"))[0][0] == "error"


def test_a_forked_judge_imports_nothing_the_service_did_not():
    """Does the service import, before it forks, all a judge needs for a verdict?

    A module first imported in a forked judge is imported again for every
    notebook graded (nbconvert, pulled in by a redaction, once cost 1.5 s each).
    """
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from coursekit.judge import service\n"
        "service.preload()\n"
        "before = set(sys.modules)\n"
        "from coursekit.judge import server\n"
        "verdict = server.Verdict('mse', False, message='got 1.5, expected 2.5')\n"
        "server.redacted(verdict.message), server.records_as_data([verdict])\n"
        "import numpy as np\n"
        "np.random.default_rng(0).random(3)\n"
        "print(sorted(set(sys.modules) - before))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('nbconvert', 'nbgrader', 'nbformat', 'jupyter_client')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    out = run.stdout.splitlines()
    assert out == ["[]", "[]"], out


def _train_check(train, p=(1000, 0.1)):
    """A check whose parameters (epochs, lr) are the judge's: train must run them."""
    epochs, lr = p
    assert train(epochs, lr) == epochs * lr, "train did not run the judge's epochs"


def test_the_kernel_cannot_choose_a_checks_parameters():
    """Are keyword arguments, or values beyond the cell's objects, refused by the judge?

    A patched `judge.check` could send `p=` values under which a lazy answer
    matches, or pass them positionally.
    """
    lazy = lambda epochs, lr: 0.0 if epochs == 0 else epochs * lr  # noqa: E731
    honest = loopback._judged(_train_check, (lambda e, lr: e * lr,), {}, None, "train")
    assert honest.passed, honest.message
    chosen = loopback._judged(_train_check, (lazy,), {"p": (0, 0.0)}, None, "train")
    assert not chosen.passed and "keyword arguments (p)" in chosen.message
    extra = loopback._judged(_train_check, (lazy, (0, 0.0)), {}, None, "train")
    assert not extra.passed and "takes 1 object(s)" in extra.message
    # a test, as the judge, still chooses them
    assert loopback.run(_train_check, (lazy,), {"p": (0, 0.0)}).passed


def test_a_judge_that_closes_late_leaves_the_next_ones_socket(tmp_path):
    """Does a notebook's judge, closing after the next one bound judge.sock, leave it?"""
    path = tmp_path / "judge.sock"
    first = NotebookJudge(path, {}, Context("x"))
    second = NotebookJudge(path, {}, Context("x"))
    first.close()
    assert path.exists()
    second.close()
    assert not path.exists()
