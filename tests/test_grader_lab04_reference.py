"""Are lab 04's references right? Each is compared with an independent computation.

The data against the seed documents; the initial weights against torch's recipe;
predictions, loss and gradients against torch float64, autograd and finite
differences; the training runs (the lab's loop and the mistaken ones) against the
documents' torch loops in float64; the Hessian against autograd; 2/L against the edge
of divergence. The figures the lab quotes (DESIGN.md section 3 and the notebook's
text) and the multiple-choice answer key are checked by running the experiments.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from grader_tests.core import gradcheck
from grader_tests.lab04_multi_output_regression import checks as lab

P = lab.DEFAULT
X64, Y64 = lab.data64(P)
W0, B0 = lab.init64(P.seed, P)
EXACT = 1e-12  # two float64 computations of the same sums agree to ~1e-15 relative


def torch_loop(lr, epochs, update="gradient", zero=True, x=X64, seed=P.seed):
    """The documents' loop in float64 torch with autograd: (w, b, losses, final)."""
    torch.manual_seed(seed)
    w = torch.randn(2, 3).double().requires_grad_()
    b = torch.randn(2).double().requires_grad_()
    xt, yt = torch.from_numpy(x), torch.from_numpy(Y64)
    losses = []
    for _ in range(epochs):
        diff = xt @ w.t() + b - yt
        loss = torch.sum(diff * diff) / diff.numel()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            if update == "gradient":
                w -= w.grad * lr
                b -= b.grad * lr
            else:  # seed document 003: factor = w * lr; w.sub_(factor)
                w.sub_(w * lr)
                b.sub_(b * lr)
            if zero:
                w.grad.zero_()
                b.grad.zero_()
    diff = xt @ w.t() + b - yt
    final = (torch.sum(diff * diff) / diff.numel()).item()
    return w.detach().numpy(), b.detach().numpy(), losses, final


# ---- data and initial weights ----


def test_data_is_the_documents():
    """Are inputs and targets the seed documents' arrays, float32, (5, 3) and (5, 2)?"""
    inputs = np.array(
        [[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70.0]],
        dtype="float32",
    )
    targets = np.array(
        [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]], dtype="float32"
    )
    x, y = lab.data(P)
    assert x.dtype == y.dtype == torch.float32
    assert torch.equal(x, torch.from_numpy(inputs))
    assert torch.equal(y, torch.from_numpy(targets))
    assert (P.n, P.num_features, P.num_outputs) == (5, 3, 2)


def test_reference_init_is_the_recipe():
    """Is reference_init torch.manual_seed(42), randn(2, 3), randn(2), bit for bit?"""
    torch.manual_seed(42)
    w = torch.randn(2, 3, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    ref_w, ref_b = lab.reference_init(P.seed, P)
    assert torch.equal(ref_w, w.detach()) and torch.equal(ref_b, b.detach())
    # the values torch 2.x draws for seed 42, as printed in the notebook
    assert np.allclose(
        W0, [[0.3367, 0.1288, 0.2345], [0.2303, -1.1229, -0.1863]], atol=1e-4
    )
    assert np.allclose(B0, [2.2082, -0.6380], atol=1e-4)


def test_reference_init_other_sizes():
    """Is reference_init with sizes=(n_inputs, n_outputs) randn(n_outputs, n_inputs),
    then randn(n_outputs), as init_params(n_inputs, n_outputs, seed) draws them?"""
    torch.manual_seed(7)
    w, b = torch.randn(1, 4), torch.randn(1)
    ref_w, ref_b = lab.reference_init(7, P, sizes=(4, 1))
    assert torch.equal(ref_w, w) and torch.equal(ref_b, b)
    assert lab.OTHER_SIZES == (4, 1)


def test_reference_init_other_order_and_global_state():
    """Does order="bw" draw b first, and does drawing leave the global RNG alone?"""
    torch.manual_seed(0)
    state = torch.get_rng_state()
    w, b = lab.reference_init(P.seed, P, order="bw")
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(P.seed)
    assert torch.equal(b, torch.randn(2)) and torch.equal(w, torch.randn(2, 3))


# ---- model, loss, gradients ----


def test_model_and_mse_match_torch():
    """Do reference_model and reference_mse equal torch's float64 results?"""
    x, y = torch.from_numpy(X64), torch.from_numpy(Y64)
    w, b = torch.from_numpy(W0), torch.from_numpy(B0)
    y_hat = lab.reference_model(X64, W0, B0)
    assert np.allclose(y_hat, (x @ w.t() + b).numpy(), rtol=EXACT, atol=0)
    expected = float(torch.nn.functional.mse_loss(torch.from_numpy(y_hat), y))
    assert math.isclose(lab.reference_mse(y_hat, Y64), expected, rel_tol=EXACT)


def _loss(params: torch.Tensor) -> torch.Tensor:
    """The MSE as a function of the 8 parameters (w row by row, then b)."""
    w, b = params[:6].reshape(2, 3), params[6:]
    diff = torch.from_numpy(X64) @ w.t() + b - torch.from_numpy(Y64)
    return torch.sum(diff * diff) / diff.numel()


def _formula(params: np.ndarray) -> np.ndarray:
    dw, db = lab.reference_gradients(X64, Y64, params[:6].reshape(2, 3), params[6:])
    return np.concatenate([dw.ravel(), db])


@pytest.mark.parametrize("seed", [P.seed, 3, 7])
def test_gradient_layers_agree(seed):
    """Do the matrix formula, float64 autograd and finite differences agree?"""
    w, b = lab.init64(seed, P)
    params = np.concatenate([w.ravel(), b])
    layers = gradcheck.gradient_layers(_loss, _formula, params)
    assert layers.max_relative_error() < gradcheck.AGREEMENT_RTOL


def test_hessian_is_the_block_autograd_computes():
    """Is the 8 x 8 Hessian block diagonal, (w_j, b_j) blocks equal to hessian(x, 2)?"""
    full = torch.autograd.functional.hessian(_loss, torch.zeros(8, dtype=torch.float64))
    block = lab.hessian(X64, P.num_outputs)
    for j in range(2):
        idx = [3 * j, 3 * j + 1, 3 * j + 2, 6 + j]
        assert np.allclose(full[idx][:, idx].numpy(), block, rtol=EXACT, atol=0)
    cross = full[[0, 1, 2, 6]][:, [3, 4, 5, 7]]
    assert torch.count_nonzero(cross) == 0


def test_largest_stable_lr_is_two_over_the_largest_eigenvalue_of_the_full_hessian():
    full = torch.autograd.functional.hessian(_loss, torch.zeros(8, dtype=torch.float64))
    largest = float(torch.linalg.eigvalsh(full)[-1])
    ref = lab.reference_largest_stable_lr(X64, P.num_outputs)
    assert math.isclose(ref, 2 / largest, rel_tol=1e-10)


@pytest.mark.parametrize(("factor", "diverges"), [(0.99, False), (1.01, True)])
def test_largest_stable_lr_is_the_edge_of_divergence(factor, diverges):
    """Does GD converge just below 2/L and diverge just above it?"""
    lr = factor * lab.reference_largest_stable_lr(X64, P.num_outputs)
    losses = lab.simulate(X64, Y64, W0, B0, lr, 2000)[2]
    assert (losses[-1] > losses[0]) == diverges


# ---- training runs ----


def test_reference_train_is_the_documents_loop():
    """Does simulate equal the document's torch loop (autograd, no_grad, zero_)?"""
    w, b, losses = lab.reference_train(X64, Y64, W0, B0, P.lr, P.num_epochs)
    tw, tb, tlosses, _ = torch_loop(P.lr, P.num_epochs)
    assert np.allclose(w, tw, rtol=1e-10, atol=0) and np.allclose(b, tb, rtol=1e-10)
    assert np.allclose(losses, tlosses, rtol=1e-10, atol=0)


def test_mistaken_runs_are_the_mistaken_loops():
    """Do update="weights" and zero_grad=False equal the loops with those bugs?"""
    for kwargs, loop in [
        (
            {"update": "weights", "zero_grad": False},
            {"update": "weights", "zero": False},
        ),
        ({"zero_grad": False}, {"zero": False}),
    ]:
        w, b, losses = lab.simulate(X64, Y64, W0, B0, P.lr, 100, **kwargs)
        tw, tb, tlosses, _ = torch_loop(P.lr, 100, **loop)
        assert np.allclose(w, tw, rtol=1e-10) and np.allclose(b, tb, rtol=1e-10)
        assert np.allclose(losses, tlosses, rtol=1e-10)


def test_the_documented_figures():
    """19322.35 -> 7.917 in 500 epochs; the bug: 19322.3 -> 19305.4 in 100 epochs."""
    _, _, losses, final = lab.seeded_run(P)
    assert round(losses[0], 2) == 19322.35 and round(final, 3) == 7.917
    *_, bug_losses, bug_final = torch_loop(
        P.lr, P.debug_epochs, update="weights", zero=False
    )
    assert round(bug_losses[0], 1) == 19322.3 and round(bug_final, 1) == 19305.4
    assert round(lab.condition_number(X64, P.num_outputs) / 1e6, 1) == 2.2


def test_the_notebooks_figures():
    """The numbers the notebook's text quotes."""
    eig = np.linalg.eigvalsh(lab.hessian(X64, P.num_outputs))
    assert round(lab.reference_largest_stable_lr(X64, 2) * 1e4, 1) == 1.1
    assert 8e-3 < eig[0] < 8.5e-3 and 1.75e4 < eig[-1] < 1.85e4
    left = (1 - P.lr * eig) ** P.num_epochs
    assert round(left[1], 2) == 0.63 and round(left[2], 2) == 0.04 and left[3] < 1e-9
    assert round(P.lr * eig[0], 8) == 8e-8 and round(1.117e-4 * eig[0], 7) == 9e-7
    assert round(lab.lstsq_loss(X64, Y64), 3) == 0.483
    _, _, losses, final = lab.seeded_run(P)
    assert round(final / lab.lstsq_loss(X64, Y64)) == 16
    # 100 epochs of the fixed loop: below 400
    assert lab.seeded_run(P, num_epochs=P.debug_epochs)[3] < 400
    # just below the limit: about 0.555 after 500 epochs
    lr_max = lab.reference_largest_stable_lr(X64, 2)
    assert round(lab.seeded_run(P, lr=0.9 * lr_max)[2][-1], 3) == 0.555
    # the document's own log moved 44361.8 -> 44198.8: ~0.004% per epoch, as ours does
    assert (19322.35 - 19305.39) / 19322.35 / 100 < 1e-5


def test_standardised_figures():
    """Condition ~7, 2/L ~1.26, same lstsq loss, within 1% in 36 epochs at lr 0.5."""
    xs = lab.standardise(X64)
    xt = torch.from_numpy(X64)
    assert np.allclose(xs, ((xt - xt.mean(0)) / xt.std(0)).numpy(), rtol=EXACT)
    assert round(lab.condition_number(xs, 2)) == 7
    assert round(lab.reference_largest_stable_lr(xs, 2), 2) == 1.26
    best = lab.lstsq_loss(X64, Y64)
    assert math.isclose(lab.lstsq_loss(xs, Y64), best, rel_tol=1e-9)
    losses = lab.simulate(xs, Y64, W0, B0, 0.5, P.num_epochs)[2]
    assert next(k for k, v in enumerate(losses) if v < 1.01 * best) == 36
    raw = lab.seeded_run(P)[2]
    assert min(raw) > 1.01 * best


# ---- the answer key, by experiment ----


def test_answer_bug_is_right():
    """(c): the buggy loop multiplies the weights by (1 - lr) per epoch, whatever."""
    assert lab.ANSWERS["bug"] == "c"
    for lr in (P.lr, 1e-3):  # (a) is wrong: a larger lr does not make it train
        w, b, losses, final = torch_loop(
            lr, P.debug_epochs, update="weights", zero=False
        )
        factor = (1 - lr) ** P.debug_epochs
        assert np.allclose(w, W0 * factor, rtol=1e-12)
        assert np.allclose(b, B0 * factor, rtol=1e-12)
        assert final > 0.5 * losses[0]


def test_answer_accumulate_is_right():
    """(b): without zero_ the loss rises and falls by thousands and never settles."""
    assert lab.ANSWERS["accumulate"] == "b"
    _, _, losses, final = torch_loop(P.lr, P.num_epochs, zero=False)  # no error (c)
    tail = losses[-100:]
    rises = sum(b > a for a, b in zip(tail, tail[1:], strict=False))
    assert rises > 10 and max(tail) - min(tail) > 1000
    assert final > 100 * lab.seeded_run(P)[3]  # (a) is wrong: not like train


def test_answer_scaling_is_right():
    """(a): condition 2.2e6 -> 7, 2/L 1.1e-4 -> 1.3, same fit, fast convergence."""
    assert lab.ANSWERS["scaling"] == "a"
    xs = lab.standardise(X64)
    assert lab.condition_number(X64, 2) > 2e6 and lab.condition_number(xs, 2) < 7.5
    assert round(lab.reference_largest_stable_lr(xs, 2), 1) == 1.3
    # (b) is wrong: the least-squares loss is the same; (c): 2/L changed 10,000x
    assert math.isclose(lab.lstsq_loss(xs, Y64), lab.lstsq_loss(X64, Y64), rel_tol=1e-9)
    ratio = lab.reference_largest_stable_lr(xs, 2) / lab.reference_largest_stable_lr(
        X64, 2
    )
    assert ratio > 1e4


# ---- the checks' tolerances separate float32 rounding from the nearest mistake ----


def test_float32_run_is_well_within_train_atol():
    """Does the notebook's float32 loop end within TRAIN_ATOL / 10 of float64?"""
    x, y = lab.data(P)
    w, b = lab.reference_init(P.seed, P)
    w.requires_grad_()
    b.requires_grad_()
    losses = []
    for _ in range(P.num_epochs):
        diff = x @ w.t() + b - y
        loss = torch.sum(diff * diff) / diff.numel()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= w.grad * P.lr
            b -= b.grad * P.lr
        w.grad.zero_()
        b.grad.zero_()
    ref_w, ref_b, ref_losses, _ = lab.seeded_run(P)
    got = np.concatenate([w.detach().double().numpy().ravel(), b.detach().numpy()])
    ref = np.concatenate([ref_w.ravel(), ref_b])
    assert np.max(np.abs(got - ref)) < lab.TRAIN_ATOL / 10
    rel = np.max(np.abs(np.array(losses) - ref_losses) / np.array(ref_losses))
    assert rel < lab.LOSS_RTOL / 10


@pytest.mark.parametrize("epochs", [P.num_epochs - 1, P.num_epochs + 1])
def test_one_epoch_more_or_less_is_far_outside_train_atol(epochs):
    """Off by one epoch moves w by ~4e-4: detectable from w and b alone (20x)."""
    ref_w, ref_b, _, _ = lab.seeded_run(P)
    w, b, _, _ = lab.seeded_run(P, num_epochs=epochs)
    diff = max(np.max(np.abs(w - ref_w)), np.max(np.abs(b - ref_b)))
    assert diff > 10 * lab.TRAIN_ATOL


def test_bias_column_matters_at_lr_rtol():
    """Is a Hessian without the bias column outside LR_RTOL even on the raw inputs?"""
    n, m = P.n, P.num_outputs
    no_bias = 2 / np.linalg.eigvalsh(2 / (n * m) * X64.T @ X64)[-1]
    ref = lab.reference_largest_stable_lr(X64, m)
    assert abs(no_bias / ref - 1) > 3 * lab.LR_RTOL
