"""Are lab 01's references right? Each is compared with an independent computation.

The data against the contract's recipe written out; predictions, loss and gradients
against torch float64 and autograd and finite differences; the training run against
a torch autograd loop and against np.linalg.lstsq through GD's contraction bound; 2/L
against the closed-form eigenvalue and the edge of divergence. The multiple-choice
answer key is checked by running the experiments the questions describe.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from grader_tests.core import gradcheck
from grader_tests.lab01_gd_from_scratch import checks as lab
from grader_tests.lab01_gd_from_scratch.reference import wrong_recipe_draws

P = lab.DEFAULT
X, Y = lab.reference_data(P)
X64, Y64 = X.double().numpy(), Y.double().numpy()
EXACT = 1e-12  # two float64 computations of the same sums agree to ~1e-15 relative


def lstsq(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(w, b) of the least-squares line, by np.linalg.lstsq."""
    design = np.hstack([x, np.ones_like(x)])
    return np.linalg.lstsq(design, y, rcond=None)[0].ravel()


def contraction(x: np.ndarray, lr: float) -> float:
    """||I - lr H||_2: GD's error shrinks at least this much per epoch."""
    return float(np.max(np.abs(1 - lr * np.linalg.eigvalsh(lab.hessian(x)))))


def test_reference_data_is_the_recipe():
    """Does reference_data reproduce the contract's recipe bit for bit, in float32?"""
    torch.manual_seed(P.seed)
    x = torch.rand(P.n, 1)
    noise = P.noise_std * torch.randn(P.n, 1)
    y = P.true_w * x + P.true_b + noise
    assert X.dtype == Y.dtype == torch.float32
    assert X.shape == Y.shape == (P.n, 1)
    assert torch.equal(X, x) and torch.equal(Y, y)


def test_reference_data_leaves_the_global_random_state():
    """Does drawing the reference data leave torch's global generator alone?"""
    torch.manual_seed(0)
    state = torch.get_rng_state()
    lab.reference_data(replace(P, seed=3, n=5))
    assert torch.equal(torch.get_rng_state(), state)


def test_wrong_recipe_draws_are_the_recipes_draws():
    """Is draws["z"] the recipe's unscaled noise, and x_after_noise a fresh draw?"""
    draws = wrong_recipe_draws(P)
    noise = P.noise_std * torch.from_numpy(draws["z"]).float().reshape(-1, 1)
    assert torch.equal(P.true_w * X + P.true_b + noise, Y)
    assert 0.0 <= draws["u"].min() and draws["u"].max() < 1.0
    assert not np.array_equal(draws["x_after_noise"], X64.ravel())


@pytest.mark.parametrize(("w", "b"), [(0.0, 0.0), (0.5, -1.0), (-10.0, 10.0)])
def test_predict_and_mse_match_torch(w, b):
    """Do reference_predict and reference_mse equal torch's float64 results?"""
    x, y = torch.from_numpy(X64), torch.from_numpy(Y64)
    y_hat = lab.reference_predict(X64, w, b)
    assert np.array_equal(y_hat, (w * x + b).numpy())
    expected = float(torch.nn.functional.mse_loss(torch.from_numpy(y_hat), y))
    assert math.isclose(lab.reference_mse(y_hat, Y64), expected, rel_tol=EXACT)


def _loss(params: torch.Tensor) -> torch.Tensor:
    x, y = torch.from_numpy(X64), torch.from_numpy(Y64)
    return ((params[0] * x + params[1] - y) ** 2).mean()


def _formula(params: np.ndarray) -> np.ndarray:
    return np.array(lab.reference_gradients(X64, Y64, *params))


@pytest.mark.parametrize(("w", "b"), [(0.0, 0.0), (0.5, -1.0), (1.9, 3.0), (-10, 10)])
def test_gradient_layers_agree(w, b):
    """Do the formula, float64 autograd and finite differences agree on (dw, db)?"""
    layers = gradcheck.gradient_layers(_loss, _formula, [w, b])
    assert layers.max_relative_error() < gradcheck.AGREEMENT_RTOL


def test_hessian_matches_autograd():
    """Is hessian(x) the Hessian torch computes for the MSE in float64?"""
    auto = torch.autograd.functional.hessian(_loss, torch.zeros(2, dtype=torch.float64))
    assert np.allclose(lab.hessian(X64), auto.numpy(), rtol=EXACT, atol=0)


def test_step_is_one_update():
    """Does reference_step move against the gradient by lr times it?"""
    assert lab.reference_step(0.5, -1.0, 2.0, -4.0, 0.1) == (0.5 - 0.2, -1.0 + 0.4)


def test_reference_train_is_the_autograd_loop():
    """Does a float64 torch loop with autograd gradients give the same run?"""
    x, y = torch.from_numpy(X64), torch.from_numpy(Y64)
    w = torch.tensor(P.w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(P.b0, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(P.num_epochs):
        loss = ((w * x + b - y) ** 2).mean()
        losses.append(float(loss.detach()))
        loss.backward()
        with torch.no_grad():
            w -= P.lr * w.grad
            b -= P.lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    ref_w, ref_b, ref_losses = lab.reference_train(
        X64, Y64, P.w0, P.b0, P.lr, P.num_epochs
    )
    assert math.isclose(ref_w, float(w.detach()), rel_tol=1e-10)
    assert math.isclose(ref_b, float(b.detach()), rel_tol=1e-10)
    assert np.allclose(ref_losses, losses, rtol=1e-10, atol=0)


def test_reference_train_ends_within_gd_bound_of_lstsq():
    """Is the run as close to the lstsq fit as GD's contraction guarantees?"""
    best = lstsq(X64, Y64)
    w, b, losses = lab.reference_train(X64, Y64, P.w0, P.b0, P.lr, P.num_epochs)
    start = np.hypot(P.w0 - best[0], P.b0 - best[1])
    bound = contraction(X64, P.lr) ** P.num_epochs * start  # |e_E| <= rho^E |e_0|
    assert np.hypot(w - best[0], b - best[1]) <= bound
    assert losses[-1] >= lab.reference_mse(lab.reference_predict(X64, *best), Y64)


def test_largest_stable_lr_is_two_over_the_closed_form_eigenvalue():
    """Is 2/L right, L = (tr + sqrt(tr^2 - 4 det)) / 2 of the 2 x 2 Hessian?"""
    h = lab.hessian(X64)
    tr, det = h[0, 0] + h[1, 1], h[0, 0] * h[1, 1] - h[0, 1] ** 2
    largest = (tr + math.sqrt(tr * tr - 4 * det)) / 2
    assert math.isclose(
        lab.reference_largest_stable_lr(X64), 2 / largest, rel_tol=EXACT
    )


@pytest.mark.parametrize(("factor", "diverges"), [(0.99, False), (1.01, True)])
def test_largest_stable_lr_is_the_edge_of_divergence(factor, diverges):
    """Does GD converge just below 2/L and diverge just above it?"""
    lr = factor * lab.reference_largest_stable_lr(X64)
    losses = lab.reference_train(X64, Y64, P.w0, P.b0, lr, P.num_epochs)[2]
    rises = [b > a * (1 + EXACT) for a, b in zip(losses, losses[1:], strict=False)]
    assert any(rises) == diverges
    assert (losses[-1] > losses[0]) == diverges


# ---- the answer key, by experiment ----


def _epochs_to_reach(losses: list[float], target: float) -> int:
    return next(i for i, loss in enumerate(losses) if loss <= target)


def test_answer_init_is_right():
    """From (-10, 10): same end as from (0, 0), more epochs to the same loss (c)."""
    assert lab.ANSWERS["init"] == "c"
    best = lstsq(X64, Y64)
    rho = contraction(X64, P.lr)
    runs = [
        lab.reference_train(X64, Y64, w0, b0, P.lr, P.num_epochs)
        for w0, b0 in [(0.0, 0.0), (-10.0, 10.0)]
    ]
    starts = [np.hypot(w0 - best[0], b0 - best[1]) for w0, b0 in [(0, 0), (-10, 10)]]
    bound = rho**P.num_epochs * sum(starts)  # both ends lie near the one minimum
    assert np.hypot(runs[0][0] - runs[1][0], runs[0][1] - runs[1][1]) <= bound
    target = 1.001 * lab.reference_mse(lab.reference_predict(X64, *best), Y64)
    assert _epochs_to_reach(runs[1][2], target) > _epochs_to_reach(runs[0][2], target)


def test_answer_lr_is_right():
    """At 1.01 x 2/L the loss grows without bound and w, b oscillate (a)."""
    assert lab.ANSWERS["lr"] == "a"
    lr = 1.01 * lab.reference_largest_stable_lr(X64)
    best = lstsq(X64, Y64)
    w, b, errors = P.w0, P.b0, []
    for _ in range(200):
        errors.append(np.array([w - best[0], b - best[1]]))
        w, b = lab.reference_step(w, b, *lab.reference_gradients(X64, Y64, w, b), lr)
    fast = np.linalg.eigh(lab.hessian(X64))[1][:, -1]  # the mode that 1 - lr L flips
    along = [float(e @ fast) for e in errors[-20:]]
    assert all(a * b < 0 for a, b in zip(along, along[1:], strict=False))
    assert all(abs(b) > abs(a) for a, b in zip(along, along[1:], strict=False))


def test_answer_noise_is_right():
    """With noise_std 1.0: GD converges to the noisier lstsq fit, further away (b)."""
    assert lab.ANSWERS["noise"] == "b"
    ends, losses, fits = [], [], []
    for noise_std in (P.noise_std, 1.0):
        x, y = (
            t.double().numpy()
            for t in lab.reference_data(replace(P, noise_std=noise_std))
        )
        w, b, run = lab.reference_train(x, y, P.w0, P.b0, P.lr, P.num_epochs)
        ends.append(np.array([w, b]))
        losses.append(run[-1])
        fits.append(lstsq(x, y))
    scale = 1.0 / P.noise_std  # same seed, same z: noise and fit error scale by 5
    truth = np.array([P.true_w, P.true_b])
    miss = [np.linalg.norm(fit - truth) for fit in fits]
    assert np.linalg.norm(ends[1] - fits[1]) < 1e-4 < miss[1]
    assert math.isclose(miss[1] / miss[0], scale, rel_tol=1e-4)  # float32 data
    assert math.isclose(losses[1] / losses[0], scale**2, rel_tol=1e-4)
    # "about noise_std ** 2": the residual's mean square is chi-square with n - 2
    # degrees of freedom over n, relative sd sqrt(2 / (n - 2)); within 3 sd.
    assert abs(losses[1] - 1.0) < 3 * math.sqrt(2 / (P.n - 2))


# ---- the checks' tolerances separate float32 rounding from the nearest mistake ----


def _float32_run(lr: float = P.lr, reduce=torch.mean) -> tuple[float, float, list]:
    w, b, losses = torch.tensor(P.w0), torch.tensor(P.b0), []
    for _ in range(P.num_epochs):
        error = w * X + b - Y
        losses.append(float(reduce(error**2)))
        w, b = w - lr * 2 * reduce(X * error), b - lr * 2 * reduce(error)
    return float(w), float(b), losses


@pytest.mark.parametrize("reduce", [torch.mean, lambda t: t.sum() / t.numel()])
def test_train_tolerance_margins(reduce):
    """Does a float32 run fit TRAIN_ATOL with room, and a missing 2 miss it?"""
    w, b, ref_losses = lab.reference_train(X64, Y64, P.w0, P.b0, P.lr, P.num_epochs)
    got_w, got_b, losses = _float32_run(reduce=reduce)
    assert max(abs(got_w - w), abs(got_b - b)) < lab.TRAIN_ATOL / 2
    assert abs(losses[-1] - ref_losses[-1]) < lab.LOSS_RTOL / 10 * ref_losses[-1]
    half_w, half_b, _ = lab.reference_train(
        X64, Y64, P.w0, P.b0, P.lr / 2, P.num_epochs
    )
    assert max(abs(half_w - w), abs(half_b - b)) > 2 * lab.TRAIN_ATOL
    got_half = _float32_run(lr=P.lr / 2, reduce=reduce)[:2]
    rel = max(abs(g - h) for g, h in zip(got_half, (half_w, half_b), strict=True)) / 3
    assert rel < lab.TRAIN_MATCH_RTOL / 2  # the factor-2 mistake is still recognised


def test_reference_big_data_is_the_notebooks_recipe():
    """x_big, y_big: seed + 1, 10 * randn, then F.linear(x, [[w]], [b]) + noise."""
    torch.manual_seed(P.seed + 1)
    x = 10 * torch.randn(P.n, 1)
    noise = P.noise_std * torch.randn(P.n, 1)
    y = x @ torch.tensor([[P.true_w]]).T + torch.tensor([P.true_b]) + noise
    got_x, got_y = lab.reference_big_data(P)
    assert torch.equal(got_x, x)
    assert torch.allclose(got_y, y, rtol=0, atol=1e-5)


def test_reference_sweep_is_the_torch_loop():
    """The sweep's final losses equal a float64 torch loop's, run by run."""
    lrs = lab.sweep_lrs(X64)
    got = lab.reference_sweep(X64, Y64, lrs, lab.SWEEP_EPOCHS)
    x, y = torch.from_numpy(X64), torch.from_numpy(Y64)
    for lr, value in zip(lrs, got, strict=True):
        w = b = torch.zeros((), dtype=torch.float64)
        for _ in range(lab.SWEEP_EPOCHS):
            error = w * x + b - y
            loss = float((error**2).mean())
            w, b = w - lr * 2 * (x * error).mean(), b - lr * 2 * error.mean()
        assert math.isclose(value, loss, rel_tol=EXACT)


@pytest.mark.parametrize("student", ["", "alice", "bob", "carol"])
def test_the_sweeps_tell_their_story(student):
    """For every student: the sweep's last lr diverges, the others do not; on x_big
    LR = 0.1 diverges and half the threshold converges, the threshold ~ 1 / mean(x^2).
    """
    p = lab.student_params("f9091f6eef0cd083f39cdc80175fb83b", student)
    x, y = (t.double().numpy() for t in lab.reference_data(p))
    start = float(np.mean(y**2))
    ends = lab.reference_sweep(x, y, lab.sweep_lrs(x), lab.SWEEP_EPOCHS)
    assert [v > start for v in ends] == [False, False, False, True]
    xb, yb = (t.double().numpy() for t in lab.reference_big_data(p))
    lr_max = lab.reference_largest_stable_lr(xb)
    assert 0.5 < lr_max * np.mean(xb**2) <= 1.0
    big = lab.reference_sweep(xb, yb, lab.big_lrs(p), lab.SWEEP_EPOCHS)
    assert big[0] > 1e30 and big[1] < 100
