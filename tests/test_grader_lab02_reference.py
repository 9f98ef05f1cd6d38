"""Are lab 02's references right? Each is compared with an independent computation.

The data and split against seed document 001's code run on numpy's global generator;
the run against the numbers the document prints; gradients against torch autograd in
float64 and finite differences; the trained parameters against np.linalg.lstsq
through GD's contraction bound; the loss surface against a loop. Then the checks'
tolerances against the gaps they must see (999 or 1001 epochs) and the answer key,
by running the experiments the questions describe.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from grader_tests.core import gradcheck
from grader_tests.lab02_five_steps_numpy import checks as lab

P = lab.DEFAULT
D = lab.reference_data(P)
EXACT = 1e-12  # two float64 computations of the same sums agree to ~1e-15 relative


def document_cells() -> dict:
    """Seed document 001's cells, verbatim (its b-first order), on numpy's global
    generator."""
    true_b, true_w, N = 0.5, -3, 100
    np.random.seed(42)
    x = np.random.rand(N, 1)
    epsilon = 0.1 * np.random.randn(N, 1)
    y = true_b + true_w * x + epsilon
    idx = np.arange(N)
    np.random.shuffle(idx)
    train_idx = idx[: int(N * 0.8)]
    val_idx = idx[int(N * 0.8) :]
    x_train, y_train = x[train_idx], y[train_idx]
    np.random.seed(42)
    b = np.random.rand(1)
    w = np.random.rand(1)
    start = (b, w)
    lr = 0.1
    for _ in range(1000):
        yhat = b + w * x_train
        error = yhat - y_train
        loss = (error**2).mean()
        b_grad = 2 * error.mean()
        w_grad = 2 * (x_train * error).mean()
        b = b - lr * b_grad
        w = w - lr * w_grad
    return {
        "x": x,
        "y": y,
        "train_idx": train_idx,
        "val_idx": val_idx,
        "start": start,
        "b": b,
        "w": w,
        "loss": loss,
    }


def lstsq(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(w, b) by the normal equations, an independent route to the closed form."""
    design = np.hstack([x, np.ones_like(x)])
    return np.linalg.solve(design.T @ design, design.T @ y).ravel()


def contraction(x: np.ndarray, lr: float) -> float:
    """||I - lr H||_2: GD's error shrinks at least this much per epoch."""
    return float(np.max(np.abs(1 - lr * np.linalg.eigvalsh(lab.hessian(x)))))


def test_reference_data_is_the_documents_code():
    """Do the data and the split equal the document's cells, bit for bit?"""
    doc = document_cells()
    for name in ("x", "y", "train_idx", "val_idx"):
        assert np.array_equal(getattr(D, name), doc[name]), name
    assert D.x_train.shape == (80, 1) and D.x_val.shape == (20, 1)
    assert np.array_equal(D.x_train, doc["x"][doc["train_idx"]])


def test_reference_data_leaves_the_global_random_state():
    np.random.seed(0)
    state = np.random.get_state()
    lab.reference_data(replace(P, seed=3, n=5))
    lab.reference_init(5, "randn")
    assert np.random.get_state()[1].tolist() == state[1].tolist()


def test_reference_run_reproduces_the_documents_printed_numbers():
    """w -3.03103474, b 0.52354035, loss 0.008044657695553976 after 1000 epochs."""
    w, b, losses = lab.reference_run(P)
    assert f"{w:.8f} {b:.8f}" == "-3.03103474 0.52354035"
    assert losses[-1] == 0.008044657695553976  # print(loss), to the last digit
    assert len(losses) == 1000
    doc = document_cells()
    assert (w, b, losses[-1]) == (doc["w"][0], doc["b"][0], doc["loss"])


def test_single_steps_reproduce_the_documents_printed_numbers():
    """The start, its loss, its gradients and the first update, as the document prints."""
    w0, b0 = lab.reference_init(P.init_seed)
    assert f"{w0:.8f} {b0:.8f}" == "0.95071431 0.37454012"
    y_hat = lab.reference_predict(D.x_train, w0, b0)
    assert lab.reference_mse(y_hat, D.y_train) == 4.495325075114491
    dw, db = lab.reference_gradients(D.x_train, D.y_train, w0, b0)
    assert (dw, db) == (2.3835657220659554, 3.464425403927533)
    w1, b1 = lab.reference_step(w0, b0, dw, db, P.lr)
    assert f"{w1:.8f} {b1:.8f}" == "0.71235773 0.02809758"


def test_randn_start_gives_the_texts_gradients():
    """With randn after seed 42 the gradients are 1.809 and 2.680: the text's 1.8, 2.7."""
    w0, b0 = lab.reference_init(P.init_seed, "randn")
    np.random.seed(42)
    b_draw = float(np.random.randn(1)[0])  # b first, as in the reference run
    assert (w0, b0) == (float(np.random.randn(1, 1)[0, 0]), b_draw)
    dw, db = lab.reference_gradients(D.x_train, D.y_train, w0, b0)
    assert (round(dw, 3), round(db, 3)) == (1.809, 2.680)
    assert (round(dw, 1), round(db, 1)) == (1.8, 2.7)


def _loss(params: torch.Tensor) -> torch.Tensor:
    x, y = torch.from_numpy(D.x_train), torch.from_numpy(D.y_train)
    return ((params[0] * x + params[1] - y) ** 2).mean()


def _formula(params: np.ndarray) -> np.ndarray:
    return np.array(lab.reference_gradients(D.x_train, D.y_train, *params))


@pytest.mark.parametrize(("w", "b"), [(0.0, 0.0), (0.5, -1.0), (-3.03, 0.52), (5, 5)])
def test_gradient_layers_agree(w, b):
    """Do the formula, float64 autograd and finite differences agree on (dw, db)?"""
    layers = gradcheck.gradient_layers(_loss, _formula, [w, b])
    assert layers.max_relative_error() < gradcheck.AGREEMENT_RTOL


def test_hessian_matches_autograd():
    auto = torch.autograd.functional.hessian(_loss, torch.zeros(2, dtype=torch.float64))
    assert np.allclose(lab.hessian(D.x_train), auto.numpy(), rtol=EXACT, atol=0)


def test_least_squares_matches_the_normal_equations_and_the_brief():
    """lstsq: w -3.0310355295, b 0.5235407547, the normal equations' solution."""
    w, b = lab.reference_least_squares(D.x_train, D.y_train)
    assert f"{w:.10f} {b:.10f}" == "-3.0310355295 0.5235407547"
    assert np.allclose([w, b], lstsq(D.x_train, D.y_train), rtol=EXACT, atol=0)


def test_run_stops_a_few_1e7_short_of_lstsq_within_gds_bound():
    """Is GD's end 1e-7..1e-6 from lstsq, and within the contraction bound?"""
    best = lstsq(D.x_train, D.y_train)
    w, b, losses = lab.reference_run(P)
    start = lab.reference_init(P.init_seed)
    gap = math.hypot(w - best[0], b - best[1])
    bound = contraction(D.x_train, P.lr) ** P.num_epochs * math.dist(start, best)
    assert 1e-7 < gap <= bound < 1e-5
    assert losses[-1] > lab.reference_mse(
        lab.reference_predict(D.x_train, *best), D.y_train
    )


def test_loss_surface_is_the_mse_at_every_grid_point():
    w_grid, b_grid = np.meshgrid(lab.GRID_W, lab.GRID_B)
    surface = lab.reference_loss_surface(D.x_train, D.y_train, w_grid, b_grid)
    assert surface.shape == (len(lab.GRID_B), len(lab.GRID_W))
    for i, j in np.ndindex(surface.shape):
        y_hat = lab.reference_predict(D.x_train, w_grid[i, j], b_grid[i, j])
        expected = lab.reference_mse(y_hat, D.y_train)
        assert math.isclose(surface[i, j], expected, rel_tol=EXACT)


def test_validation_loss():
    w, b, _ = lab.reference_run(P)
    val = lab.reference_mse(lab.reference_predict(D.x_val, w, b), D.y_val)
    assert round(val, 7) == 0.0086585


# ---- the checks' tolerances see what they must, and nothing less ----


def _reordered_run(x, y, w, b, lr, epochs):
    """The loop with its sums in another order (np.dot, / n): float64 rounding only."""
    n, xs, ys, losses = len(x), x.ravel(), y.ravel(), []
    for _ in range(epochs):
        error = b + w * xs - ys
        losses.append(float(np.dot(error, error) / n))
        w, b = w - lr * 2 * np.dot(xs, error) / n, b - lr * (2 / n) * error.sum()
    return w, b, losses


def test_rounding_fits_run_atol_with_room():
    """Does a float64 run with reordered sums stay 100x inside RUN_ATOL and LOSS_RTOL?"""
    w, b, losses = lab.reference_run(P)
    got_w, got_b, got = _reordered_run(
        D.x_train, D.y_train, *lab.reference_init(P.init_seed), P.lr, P.num_epochs
    )
    assert max(abs(got_w - w), abs(got_b - b)) < lab.RUN_ATOL / 100
    assert max(abs(g - e) / e for g, e in zip(got, losses, strict=True)) < (
        lab.LOSS_RTOL / 100
    )


@pytest.mark.parametrize("epochs", [999, 1001])
def test_off_by_one_epoch_moves_b_and_w_measurably(epochs):
    """Do 999 and 1001 epochs end over 50 x RUN_ATOL away: the check sees them?"""
    w, b, _ = lab.reference_run(P)
    other_w, other_b, _ = lab.reference_run(P, num_epochs=epochs)
    assert min(abs(other_w - w), abs(other_b - b)) > 50 * lab.RUN_ATOL


@pytest.mark.parametrize("epochs", [999, 1001])
def test_off_by_one_epoch_is_invisible_in_the_last_loss(epochs):
    """The loss at the floor is flat: 999 or 1001 epochs change losses[-1] by ~2e-13
    relative, too little for a robust tolerance. The length of losses shows it."""
    last = lab.reference_run(P)[2][-1]
    other = lab.reference_run(P, num_epochs=epochs)[2][-1]
    assert 0 < abs(other - last) / last < 1e-12


def test_run_candidates_are_far_apart():
    """Are the mistaken runs the checks recognise 20x further apart than the match
    radius (RUN_MATCH_RTOL relative to |w| = 3)? The nearest pair is 999 and 1000
    epochs, 1.2e-8 apart in w."""
    ends = [values for values, _ in lab.mistakes.run_params(P)]
    ends.append(list(lab.reference_run(P)[:2]))
    radius = lab.RUN_MATCH_RTOL * 3
    for i, a in enumerate(ends):
        for c in ends[i + 1 :]:
            assert max(abs(u - v) for u, v in zip(a, c, strict=True)) > 20 * radius


def test_split_variant_separates_int_from_round():
    """Does the check's second split tell int() from round(), ceil() and 0.8?"""
    v = lab.SPLIT_VARIANT
    n, f = v["n"], v["train_fraction"]
    sizes = {int(n * f), round(n * f), math.ceil(n * f), int(n * 0.8), n - int(n * f)}
    assert len(sizes) == 4 and round(n * f) == math.ceil(n * f)


# ---- the answer key, by experiment ----


def test_answer_doc_is_right():
    """Both sets of numbers are right, each for its own start (c)."""
    assert lab.ANSWERS["doc"] == "c"
    at_rand = lab.reference_gradients(
        D.x_train, D.y_train, *lab.reference_init(P.init_seed)
    )
    at_randn = lab.reference_gradients(
        D.x_train, D.y_train, *lab.reference_init(P.init_seed, "randn")
    )
    assert [round(g, 3) for g in at_rand] == [2.384, 3.464]  # the code's print
    assert [round(g, 1) for g in at_randn] == [1.8, 2.7]  # the text
    layers = gradcheck.gradient_layers(_loss, _formula, lab.reference_init(42, "randn"))
    assert layers.max_relative_error() < gradcheck.AGREEMENT_RTOL  # formula is right


def test_answer_gap_is_right():
    """The distance to lstsq shrinks by 1 - lr lambda_min per epoch, not rounding (a)."""
    assert lab.ANSWERS["gap"] == "a"
    best = lstsq(D.x_train, D.y_train)
    rate = 1 - P.lr * np.linalg.eigvalsh(lab.hessian(D.x_train))[0]
    w, b = lab.reference_init(P.init_seed)
    distances = []
    for _ in range(P.num_epochs):
        w, b = lab.reference_step(
            w, b, *lab.reference_gradients(D.x_train, D.y_train, w, b), P.lr
        )
        distances.append(math.hypot(w - best[0], b - best[1]))
    ratios = [c / a for a, c in zip(distances[500:], distances[501:], strict=False)]
    assert all(abs(r - rate) < 1e-6 for r in ratios)
    assert 1e-7 < distances[-1] < 1e-6  # a few 1e-7, far above float64 rounding
    w, b, _ = lab.reference_run(P, num_epochs=3000)
    assert math.hypot(w - best[0], b - best[1]) < 1e-12  # more epochs close the gap


def test_answer_val_is_right():
    """The validation loss is near the training loss and near noise_std ** 2 (b)."""
    assert lab.ANSWERS["val"] == "b"
    w, b, losses = lab.reference_run(P)
    val = lab.reference_mse(lab.reference_predict(D.x_val, w, b), D.y_val)
    assert abs(val - losses[-1]) / losses[-1] < 0.1
    assert 0.5 * P.noise_std**2 < val < 1.5 * P.noise_std**2
