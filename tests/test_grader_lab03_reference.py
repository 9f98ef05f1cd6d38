"""Are lab 03's references right? Each is compared with an independent computation.

The gradient against float64 autograd and central differences; the training run
against a float64 autograd loop and an nn.Linear / optim.SGD loop; each simulated
mistake against the PyTorch code that makes it; the source document's printed numbers
(seed 004) against the reference and its bug. The multiple-choice answer key is
checked by running what the questions describe, and the tolerances by float32 runs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from grader_tests.core import gradcheck
from grader_tests.lab03_autograd import checks as lab
from grader_tests.lab03_autograd import mistakes as mistakes

P = lab.DEFAULT
X, Y = lab.reference_data(P)
X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
EXACT = 1e-12  # two float64 computations of the same sums agree to ~1e-15 relative

# The source document's printed runs (float32), epochs 1, 3, ..., 19: w after the
# update, the loss before it.
DOC_NUMPY_W = [1.200, 1.872, 1.980, 1.997, 1.999, 2.000, 2.000, 2.000, 2.000, 2.000]
DOC_NUMPY_LOSS = [30.0, 0.76800019, 0.01966083, 0.00050332, 0.00001288]
DOC_AUTOGRAD_W = [0.300, 0.772, 1.113, 1.359, 1.537, 1.665, 1.758, 1.825, 1.874, 1.909]
DOC_AUTOGRAD_LOSS = [
    30.0,
    15.66018772,
    8.17471695,
    4.26725292,
    2.22753215,
    1.16278565,
    0.60698116,
    0.31684780,
    0.16539653,
    0.08633806,
]
PRINTED = 5e-9  # the document prints 8 decimals: half of the last one
FLOAT32_RTOL = 1e-5  # its float32 loops drift ~1e-6 relative from float64 in 20 steps


def test_reference_data_is_the_documents():
    """Are X, Y the document's float32 [1, 2, 3, 4] and [2, 4, 6, 8]?"""
    assert X.dtype == Y.dtype == np.float32
    assert X.tolist() == [1, 2, 3, 4] and Y.tolist() == [2, 4, 6, 8]
    xt, yt = lab.reference_tensors(P)
    assert xt.dtype == torch.float32 and torch.equal(yt, 2 * xt)


@pytest.mark.parametrize("w", [0.0, 0.5, 1.9, -3.0])
@pytest.mark.parametrize("data", ["lab", "variant"])
def test_gradient_layers_agree(w, data):
    """Do the formula, float64 autograd and central differences agree on dL/dw?"""
    if data == "lab":
        x, y = X64, Y64
    else:
        x, y = np.array(lab.VARIANT["x"]), np.array(lab.VARIANT["y"])
    layers = lab.gradient_layers(x, y, w)
    assert layers.max_relative_error() < gradcheck.AGREEMENT_RTOL
    assert math.isclose(
        layers.formula[0],
        lab.reference_gradient(x, y, lab.reference_forward(x, w)),
        rel_tol=EXACT,
    )


def test_gradient_at_the_start_is_minus_30_and_the_documents_is_4_times_that():
    """At w = 0: dL/dw = -30; the document's np.dot(2x, e).mean() gives -120."""
    y_hat = lab.reference_forward(X64, 0.0)
    assert lab.reference_gradient(X64, Y64, y_hat) == -30.0
    assert np.dot(2 * X, (y_hat - Y).astype(np.float32)).mean() == -120.0


def test_central_difference_of_a_cubic():
    """Is the central difference of w^3 exactly 3 w^2 + h^2 (up to rounding)?"""
    w, h = lab.CUBIC["w"], lab.CUBIC["h"]
    got = lab.reference_central_difference(lambda v: v**3, w, h)
    assert math.isclose(got, 3 * w**2 + h**2, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("h", "passes"),
    [
        (1e-6, True),
        (1e-5, True),
        (1e-7, True),
        (1e-3, False),
        (0.01, False),
        (0.1, False),
    ],
)
def test_default_h_probe_tells_1e_6_from_a_large_h(h, passes):
    """Does the cubic probe at the default h pass h near 1e-6 with room, not h >= 1e-3?"""
    w = lab.CUBIC["w"]
    got = lab.reference_central_difference(lambda v: v**3, w, h)
    error = abs(got - 3 * w**2) / (3 * w**2)
    limit = gradcheck.AGREEMENT_RTOL
    assert error < limit / 10 if passes else error > limit


def _autograd_run(x, y, w0, lr, num_epochs, dtype=torch.float64):
    """The lab's autograd loop written out, in `dtype`."""
    x, y = torch.as_tensor(x, dtype=dtype), torch.as_tensor(y, dtype=dtype)
    w = torch.tensor(w0, dtype=dtype, requires_grad=True)
    losses = []
    for _ in range(num_epochs):
        loss = ((w * x - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
    return w.item(), losses


def _nn_run(
    x,
    y,
    w0,
    lr,
    num_epochs,
    order="bsz",
    reshape_y=True,
    reduction="mean",
    maximize=False,
):
    """An nn.Linear / nn.MSELoss / optim.SGD loop in float64, calls in `order`."""
    x = torch.as_tensor(x, dtype=torch.float64).reshape(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float64)
    y = y.reshape(-1, 1) if reshape_y else y
    model = nn.Linear(1, 1, bias=False).double()
    with torch.no_grad():
        model.weight.fill_(w0)
    loss_fn = nn.MSELoss(reduction=reduction)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, maximize=maximize)
    losses = []
    for _ in range(num_epochs):
        with pytest.warns(UserWarning) if not reshape_y else _nothing():
            loss = loss_fn(model(x), y)
        losses.append(loss.item())
        for call in order:
            {"b": loss.backward, "s": optimizer.step, "z": optimizer.zero_grad}[call]()
    return model.weight.item(), losses


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


RUNS = [(P.w0, P.lr, P.num_epochs), tuple(lab.LOSS_RUN.values()), (3.0, 0.05, 30)]


@pytest.mark.parametrize(("w0", "lr", "num_epochs"), RUNS)
def test_reference_train_is_the_autograd_and_the_nn_loop(w0, lr, num_epochs):
    """Does a float64 autograd loop, and an nn.Linear + SGD loop, give the same run?"""
    ref_w, ref_losses = lab.reference_train(X, Y, w0, lr, num_epochs)
    for w, losses in (
        _autograd_run(X, Y, w0, lr, num_epochs),
        _nn_run(X, Y, w0, lr, num_epochs),
    ):
        assert math.isclose(ref_w, w, rel_tol=1e-10)
        assert np.allclose(ref_losses, losses, rtol=1e-10, atol=0)


def test_reference_reproduces_the_documents_autograd_printout():
    """Are the document's printed w and losses of its autograd loop the reference's?"""
    w, losses = lab.lab_run(P)
    ws = [lab.lab_run(P, num_epochs=k)[0] for k in range(1, 21, 2)]
    assert [round(v, 3) for v in ws] == DOC_AUTOGRAD_W
    assert np.allclose(losses[::2], DOC_AUTOGRAD_LOSS, rtol=FLOAT32_RTOL, atol=PRINTED)
    w100 = lab.lab_run(P, num_epochs=100)[0]
    assert f"{5 * w100:.3f}" == "10.000"  # "Prediction after training: f(5) = 10.000"


def test_sum_mistake_reproduces_the_documents_numpy_printout():
    """Is the document's numpy loop the run whose gradient is N times too large?"""
    runs = [
        mistakes.mistaken_train(X, Y, P.w0, P.lr, k, gradient_scale=P.n)
        for k in range(1, 21, 2)
    ]
    assert [round(w, 3) for w, _ in runs] == DOC_NUMPY_W
    losses = runs[-1][1]
    assert np.allclose(losses[:10:2], DOC_NUMPY_LOSS, rtol=FLOAT32_RTOL, atol=PRINTED)
    # and the same as the correct gradient with an N times larger learning rate
    w, big_lr = runs[-1][0], lab.lab_run(P, lr=P.n * P.lr, num_epochs=19)
    assert math.isclose(w, big_lr[0], rel_tol=EXACT)


def _document_numpy_first_step() -> float:
    """The document's numpy code, one epoch, as it is written (float32)."""
    w = 0.0
    y_pred = w * X
    dw = np.dot(2 * X, y_pred - Y).mean()
    return float(w - 0.01 * dw)


def test_first_step_is_0_3_not_1_2():
    """After one step: 0.3 with the mean gradient, 1.2 with the document's."""
    assert math.isclose(lab.lab_run(P, num_epochs=1)[0], 0.3, rel_tol=EXACT)
    assert math.isclose(_document_numpy_first_step(), 1.2, rel_tol=1e-6)


# ---- the simulated mistakes are what PyTorch code with the mistake does ----


def _no_zero_run(x, y, w0, lr, num_epochs):
    x, y = (
        torch.as_tensor(x, dtype=torch.float64),
        torch.as_tensor(y, dtype=torch.float64),
    )
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(num_epochs):
        loss = ((w * x - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
    return w.item(), losses


def _shrink_run(x, y, w0, lr, num_epochs):
    """The autograd loop updating with the weights, w -= lr * w (the 003 bug)."""
    x, y = (
        torch.as_tensor(x, dtype=torch.float64),
        torch.as_tensor(y, dtype=torch.float64),
    )
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(num_epochs):
        loss = ((w * x - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w
        w.grad.zero_()
    return w.item(), losses


SIMULATED = {
    "accumulate": (dict(accumulate=True), _no_zero_run),
    "shrink": (dict(shrink=True), _shrink_run),
    "ascend": (dict(ascend=True), lambda *a: _nn_run(*a, maximize=True)),
    "sum": (
        dict(gradient_scale=P.n, loss_scale=P.n),
        lambda *a: _nn_run(*a, reduction="sum"),
    ),
    "frozen": (dict(frozen=True), lambda *a: _nn_run(*a, order="bzs")),
    "delay": (dict(delay=True), lambda *a: _nn_run(*a, order="szb")),
    "broadcast": (dict(broadcast=True), lambda *a: _nn_run(*a, reshape_y=False)),
}


@pytest.mark.parametrize("name", SIMULATED)
@pytest.mark.parametrize(("w0", "lr", "num_epochs"), RUNS)
def test_simulated_mistake_is_the_real_one(name, w0, lr, num_epochs):
    """Does mistaken_train's switch give the run of the PyTorch code with the mistake?"""
    switches, real = SIMULATED[name]
    w, losses = mistakes.mistaken_train(X, Y, w0, lr, num_epochs, **switches)
    real_w, real_losses = real(X, Y, w0, lr, num_epochs)
    assert math.isclose(w, real_w, rel_tol=1e-10, abs_tol=1e-12)
    assert np.allclose(losses, real_losses, rtol=1e-10, atol=0)


def test_accumulated_gradient_is_the_sum_of_the_fresh_ones():
    """Without zero_, is w.grad at epoch k the sum of the fresh gradients so far?"""
    x, y = torch.from_numpy(X64), torch.from_numpy(Y64)
    w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    fresh = []
    for _ in range(5):
        y_hat = w.detach() * x
        fresh.append(lab.reference_gradient(X64, Y64, y_hat.numpy()))
        ((w * x - y) ** 2).mean().backward()
        assert math.isclose(w.grad.item(), sum(fresh), rel_tol=EXACT)
        with torch.no_grad():
            w -= P.lr * w.grad


# ---- the answer key, by experiment ----


def test_answer_zero_is_right():
    """backward() adds to .grad: twice on the same graph gives twice the gradient (b)."""
    assert lab.ANSWERS["zero"] == "b"
    v = torch.tensor(3.0, requires_grad=True)
    (v**2).backward()
    assert v.grad.item() == 6.0
    (v**2).backward()
    assert v.grad.item() == 12.0
    v.grad.zero_()
    assert v.grad.item() == 0.0


def test_answer_exact_is_right():
    """Manual and autograd gradients agree to rounding; the document's was 4x (c)."""
    assert lab.ANSWERS["exact"] == "c"
    for w in (0.0, 0.3, 1.7):
        layers = lab.gradient_layers(X64, Y64, w)
        assert gradcheck.relative_error(layers.formula, layers.autograd) < 1e-14
        w32 = torch.tensor(w, requires_grad=True)
        ((w32 * torch.from_numpy(X) - torch.from_numpy(Y)) ** 2).mean().backward()
        y_hat = (np.float32(w) * X).astype(np.float32)
        manual32 = np.mean(2 * X * (y_hat - Y), dtype=np.float32)
        assert math.isclose(float(manual32), w32.grad.item(), rel_tol=1e-6)
        document = np.dot(2 * X64, y_hat - Y64).mean()
        assert math.isclose(document, P.n * layers.autograd[0], rel_tol=1e-6)


def test_answer_no_grad_is_right():
    """An in-place update of a leaf needing grad fails outside no_grad, not inside (a)."""
    assert lab.ANSWERS["no_grad"] == "a"
    w = torch.tensor(0.0, requires_grad=True)
    ((w * torch.from_numpy(X) - torch.from_numpy(Y)) ** 2).mean().backward()
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w -= P.lr * w.grad
    with torch.no_grad():
        w -= P.lr * w.grad
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert math.isclose(w.item(), 0.3, rel_tol=1e-6)


# ---- the checks' tolerances separate float32 rounding from the nearest mistake ----


@pytest.mark.parametrize(("w0", "lr", "num_epochs"), RUNS[:2])
def test_float32_run_fits_the_tolerances_with_room(w0, lr, num_epochs):
    """Does a float32 autograd run land well inside TRAIN_ATOL and LOSS_RTOL?"""
    ref_w, ref_losses = lab.reference_train(X, Y, w0, lr, num_epochs)
    w, losses = _autograd_run(X, Y, w0, lr, num_epochs, dtype=torch.float32)
    assert abs(w - ref_w) < lab.TRAIN_ATOL / 10
    rel = max(abs(a - b) / b for a, b in zip(losses, ref_losses, strict=True))
    assert rel < lab.LOSS_RTOL / 10


@pytest.mark.parametrize("kind", [mistakes.AUTOGRAD, mistakes.NN])
def test_candidates_lie_far_from_the_reference_and_from_each_other(kind):
    """Is every mistake's w far outside TRAIN_ATOL, and are the w's told apart?"""
    run = {"w0": P.w0, "lr": P.lr, "num_epochs": P.num_epochs}
    ref_w = lab.lab_run(P)[0]
    runs = [r for r in mistakes.train(X, Y, run, kind) if not r.losses_only]
    for r in runs:
        assert abs(r.w - ref_w) > 100 * lab.TRAIN_ATOL, r.message
    ws = sorted(r.w for r in runs)
    gaps = [abs(b - a) / max(abs(a), abs(b)) for a, b in zip(ws, ws[1:], strict=False)]
    assert min(gaps) > 100 * lab.TRAIN_MATCH_RTOL


def test_loss_run_is_stable_and_ends_far_from_its_floor():
    """Is LOSS_RUN's lr below 2 / L, and its last loss well above float32 noise?"""
    curvature = 2 * float(np.mean(X64**2))  # d2L/dw2 of the MSE of w * x
    assert lab.LOSS_RUN["lr"] < 2 / curvature
    losses = lab.reference_train(X, Y, *lab.LOSS_RUN.values())[1]
    assert all(b < a for a, b in zip(losses, losses[1:], strict=False))
    assert losses[-1] > 1e-2


def test_prediction_experiments_give_what_the_lab_teaches():
    """Do the experiments behind the prediction tasks give the values the lab's text
    and worked solution state (backward adds, no_grad records nothing, from_numpy
    shares memory and keeps float64, @ refuses mixed dtypes, * promotes)?"""
    assert lab.reference_accumulate() == (12.0, 6.0)
    assert lab.reference_no_grad() == (False, True, True)
    assert lab.reference_numpy() == (10.0, 1.0, True, False)


@pytest.mark.parametrize("name", sorted(lab.PREDICTIONS))
def test_every_prediction_entry_has_its_reason(name):
    """Does each entry of each prediction have a sentence naming its true value?"""
    what, experiment = lab.PREDICTIONS[name]
    truth = experiment()
    assert len(what) == len(truth) == len(mistakes.PREDICTION_WHY[name])
    for true, why in zip(truth, mistakes.PREDICTION_WHY[name], strict=True):
        shown = str(true) if isinstance(true, bool) else f"{true:g}"
        assert shown in why, (true, why)
