"""Are lab 05's references right? Each is compared with an independent computation.

The data against the seed document's table; the initial weights and the batch order
against torch's own nn.Linear and DataLoader; predictions, loss and gradients against
torch float64, autograd and finite differences; whole training runs against
nn.Linear + F.mse_loss + optim.SGD in float64 and against the by-hand autograd loop;
the mistake simulator against torch runs with the same mistake. The tolerances are
checked to separate float32 rounding from the nearest mistake, and the answer key by
the experiments the questions describe.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader_tests.core import gradcheck
from grader_tests.lab05_torch_nn import checks as lab
from grader_tests.lab05_torch_nn import mistakes as mistakes

P = lab.DEFAULT
X64, Y64 = lab.reference_data64(P)
W0, B0 = lab.reference_init(P.seed, P)
EXACT = 1e-12  # two float64 computations of the same sums agree to ~1e-15 relative


def test_data_is_the_seed_documents_table():
    """Are inputs and targets document 002's five rows, as float32 tensors?"""
    inputs, targets = lab.reference_data(P)
    assert inputs.dtype == targets.dtype == torch.float32
    assert inputs.tolist() == [
        [73, 67, 43],
        [91, 88, 64],
        [87, 134, 58],
        [102, 43, 37],
        [69, 96, 70],
    ]
    assert targets.tolist() == [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]]
    assert np.array_equal(X64, inputs.double().numpy())


def test_reference_model_is_the_recipe_and_leaves_the_global_rng():
    """Is reference_model torch.manual_seed(seed); nn.Linear(3, 2), RNG untouched?"""
    torch.manual_seed(0)
    state = torch.get_rng_state()
    model = lab.reference_model(P.seed, P)
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(P.seed)
    recipe = nn.Linear(3, 2)
    assert torch.equal(model.weight, recipe.weight)
    assert torch.equal(model.bias, recipe.bias)
    assert np.array_equal(W0, recipe.weight.detach().double().numpy())


@pytest.mark.parametrize(
    ("n", "batch", "seed", "epochs"),
    [(5, 5, 42, 20), (5, 2, 7, 10), (11, 4, 3, 5), (5, 1, 42, 4), (12, 4, 0, 3)],
)
def test_reference_order_is_the_dataloaders(n, batch, seed, epochs):
    """Does reference_order list exactly what a seeded, shuffling DataLoader yields?"""
    generator = torch.Generator().manual_seed(seed)
    dataset = TensorDataset(torch.arange(n))
    loader = DataLoader(dataset, batch_size=batch, shuffle=True, generator=generator)
    real = [[xb.tolist() for (xb,) in loader] for _ in range(epochs)]
    ours = [
        [b.tolist() for b in e] for e in lab.reference_order(n, batch, seed, epochs)
    ]
    assert ours == real
    assert all(sorted(i for b in e for i in b) == list(range(n)) for e in ours)


def test_the_labs_order_is_shuffled_and_reproducible():
    """Is the lab's first epoch not 0..4, does each epoch reshuffle, and a seed repeat?"""
    order = [
        [i for b in e for i in b.tolist()] for e in lab.reference_order(5, 5, 42, 3)
    ]
    assert order[0] != list(range(5))
    assert len({tuple(o) for o in order}) > 1
    again = [
        [i for b in e for i in b.tolist()] for e in lab.reference_order(5, 5, 42, 3)
    ]
    assert again == order


def test_unshuffled_and_full_batch_orders():
    """Do unshuffled_order and full_batch match a DataLoader without shuffling?"""
    loader = DataLoader(TensorDataset(torch.arange(11)), batch_size=4)
    real = [xb.tolist() for (xb,) in loader]
    assert [b.tolist() for b in lab.unshuffled_order(11, 4, 2)[1]] == real
    assert [b.tolist() for b in lab.full_batch(5, 3)[2]] == [list(range(5))]


def test_forward_and_mse_match_torch():
    """Are reference_forward and reference_mse nn.Linear and F.mse_loss in float64?"""
    model = lab.reference_model(P.seed, P).double()
    x, y = torch.from_numpy(X64), torch.from_numpy(Y64)
    y_hat = lab.reference_forward(X64, W0, B0)
    assert np.allclose(y_hat, model(x).detach().numpy(), rtol=EXACT, atol=0)
    assert math.isclose(
        lab.reference_mse(y_hat, Y64), F.mse_loss(model(x), y).item(), rel_tol=EXACT
    )


def _flat_loss(params: torch.Tensor) -> torch.Tensor:
    w, b = params[:6].reshape(2, 3), params[6:]
    return F.mse_loss(torch.from_numpy(X64) @ w.T + b, torch.from_numpy(Y64))


def _flat_formula(params: np.ndarray) -> np.ndarray:
    dw, db = lab.reference_gradients(X64, Y64, params[:6].reshape(2, 3), params[6:])
    return np.concatenate([dw.ravel(), db])


@pytest.mark.parametrize("seed", [42, 7, 0])
def test_gradient_layers_agree(seed):
    """Do the formula, float64 autograd and finite differences agree on dw, db?"""
    w, b = lab.reference_init(seed, P)
    params = np.concatenate([w.ravel(), b])
    layers = gradcheck.gradient_layers(_flat_loss, _flat_formula, params)
    assert layers.max_relative_error() < gradcheck.AGREEMENT_RTOL


def _torch_run(
    batch, seed, epochs, lr=P.lr, dtype=torch.float64, order="bsz", loss_fn=F.mse_loss
):
    """nn.Linear + loss_fn + optim.SGD over a seeded loader; the step's calls in `order`."""
    model = lab.reference_model(P.seed, P).to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    x, y = (torch.tensor(a, dtype=dtype) for a in (P.inputs, P.targets))
    loader = lab.reference_loader(x, y, batch, seed)
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            for op in order:
                {"b": loss.backward, "s": opt.step, "z": opt.zero_grad}[op]()
            losses.append(loss.item())
    return (
        model.weight.detach().double().numpy(),
        model.bias.detach().double().numpy(),
        losses,
    )


@pytest.mark.parametrize(
    ("batch", "seed", "epochs"),
    [
        (P.batch_size, P.seed, P.num_epochs),
        (lab.FIT_BATCH, lab.FIT_SEED, lab.FIT_EPOCHS),
        (1, 3, 20),
    ],
)
def test_reference_fit_is_torch_nn_in_float64(batch, seed, epochs):
    """Does reference_fit end where nn.Linear + F.mse_loss + SGD end, same losses?"""
    order = lab.reference_order(len(X64), batch, seed, epochs)
    w, b, losses = lab.reference_fit(X64, Y64, W0, B0, P.lr, order)
    tw, tb, tlosses = _torch_run(batch, seed, epochs)
    assert np.allclose(w, tw, rtol=1e-10, atol=1e-13)
    assert np.allclose(b, tb, rtol=1e-10, atol=1e-13)
    assert np.allclose(losses, tlosses, rtol=1e-10, atol=0)
    assert len(losses) == epochs * math.ceil(len(X64) / batch)


def _manual_loop(epochs, lr, dtype=torch.float64):
    """The lab's by-hand loop: x @ w.t() + b, the document's mse, no_grad update."""
    x, y = (torch.tensor(a, dtype=dtype) for a in (P.inputs, P.targets))
    w = torch.tensor(W0, dtype=dtype, requires_grad=True)
    b = torch.tensor(B0, dtype=dtype, requires_grad=True)
    for _ in range(epochs):
        diff = x @ w.t() + b - y
        loss = torch.sum(diff * diff) / diff.numel()
        loss.backward()
        with torch.no_grad():
            w -= w.grad * lr
            b -= b.grad * lr
            w.grad.zero_()
            b.grad.zero_()
    return w.detach().double().numpy(), b.detach().double().numpy()


def test_full_batch_nn_equals_the_manual_loop():
    """Does full-batch nn.Linear + SGD give the manual loop's w, b (the lab's claim)?"""
    manual = _manual_loop(P.num_epochs, P.lr)
    nn_run = lab.reference_fit(X64, Y64, W0, B0, P.lr, lab.full_batch(5, P.num_epochs))
    assert np.allclose(manual[0], nn_run[0], rtol=1e-10, atol=1e-13)
    assert np.allclose(manual[1], nn_run[1], rtol=1e-10, atol=1e-13)
    # with five rows, the lab's shuffled batches of 5 are full batches in another order
    lab_run = lab.reference_lab_run(P)
    assert np.allclose(lab_run[0], nn_run[0], rtol=EXACT, atol=1e-14)


def test_lab_run_lowers_the_loss_as_the_notebook_says():
    """From about 2480 to about 19.7 in 500 epochs; 100 epochs leave about 267."""
    losses = lab.reference_lab_run(P)[2]
    assert round(losses[0]) == 2480
    assert round(losses[-1], 1) == 19.7
    assert round(lab.reference_lab_run(P, 100)[2][-1]) == 267
    assert all(b < a for a, b in zip(losses, losses[1:], strict=False))


# ---- the mistake simulator is torch with the same mistake ----


@pytest.mark.parametrize(
    ("order", "flags"),
    [
        ("bsz", {}),
        ("bs", {"accumulate": True}),
        ("szb", {"step_first": True}),
        ("sb", {"step_first": True, "accumulate": True}),
    ],
)
def test_simulate_matches_torch_with_the_same_mistake(order, flags):
    """Do the accumulate / step_first flags model what torch does with that order?"""
    batches = lab.reference_order(5, 2, 7, 10)
    w, b, losses = mistakes.simulate(X64, Y64, W0, B0, P.lr, batches, **flags)
    tw, tb, tlosses = _torch_run(2, 7, 10, order=order)
    assert np.allclose(w, tw, rtol=1e-9, atol=1e-12)
    assert np.allclose(b, tb, rtol=1e-9, atol=1e-12)
    assert np.allclose(losses, tlosses, rtol=1e-9, atol=0)


def test_step_before_backward_with_zero_grad_never_moves():
    """zero_grad, step, backward: does SGD find no gradient and leave w, b alone?"""
    w, b, _ = _torch_run(2, 7, 5, order="zsb")
    assert np.array_equal(w, W0) and np.array_equal(b, B0)


@pytest.mark.parametrize(
    ("loss", "loss_fn"),
    [("sum", lambda a, y: F.mse_loss(a, y, reduction="sum")), ("l1", F.l1_loss)],
)
def test_simulated_losses_match_torch(loss, loss_fn):
    """Do the "sum" and "l1" losses and gradients match F.mse_loss(sum) and F.l1_loss?"""
    batches = lab.reference_order(5, 2, 7, 5)
    w, b, losses = mistakes.simulate(X64, Y64, W0, B0, P.lr, batches, loss=loss)
    tw, tb, tlosses = _torch_run(2, 7, 5, loss_fn=loss_fn)
    assert np.allclose(w, tw, rtol=1e-9, atol=1e-12)
    assert np.allclose(losses, tlosses, rtol=1e-9, atol=0)


def test_whole_data_set_run_is_a_full_batch_step_per_batch():
    """whole=True: each of the 3 steps per epoch uses all five rows."""
    batches = lab.reference_order(5, 2, 7, 4)
    got = mistakes.simulate(X64, Y64, W0, B0, P.lr, batches, whole=True)
    want = lab.reference_fit(X64, Y64, W0, B0, P.lr, lab.full_batch(5, 12))
    assert np.allclose(got[0], want[0], rtol=EXACT, atol=0)


# ---- tolerances: float32 rounding inside, the nearest mistake far outside ----


def _distance(a, b) -> float:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def test_float32_runs_fit_the_tolerances():
    """Do float32 runs of the lab and of the fit check stay well inside the tolerances?"""
    for batch, seed, epochs in [(5, 42, P.num_epochs), (2, 7, lab.FIT_EPOCHS)]:
        order = lab.reference_order(5, batch, seed, epochs)
        w, b, losses = lab.reference_fit(X64, Y64, W0, B0, P.lr, order)
        fw, fb, flosses = _torch_run(batch, seed, epochs, dtype=torch.float32)
        assert max(np.abs(fw - w).max(), np.abs(fb - b).max()) < lab.PARAM_ATOL / 10
        excess = np.abs(np.array(flosses) - losses) / np.array(losses)
        assert excess.max() < lab.HISTORY_RTOL / 10
        x_new = np.array(P.new_input)
        pred, fpred = (lab.reference_forward(x_new, *wb) for wb in ((w, b), (fw, fb)))
        assert np.abs(fpred - pred).max() < lab.PRED_ATOL / 100


def test_prediction_candidates_are_far_from_the_reference_and_apart():
    """Is every wrong prediction > 10 x PRED_ATOL off, and are they told apart?"""
    x_new = np.array(P.new_input)
    expected = lab.reference_forward(x_new, *lab.reference_lab_run(P)[:2]).ravel()
    candidates = mistakes.prediction(x_new, P)
    for values, _ in candidates:
        assert _distance(values, expected) > 10 * lab.PRED_ATOL
    for i, (a, _) in enumerate(candidates):
        for b, _ in candidates[i + 1 :]:
            assert _distance(a, b) > 3 * lab.MATCH_RTOL * max(map(abs, b))


def test_fit_candidates_are_far_from_the_reference():
    """Is each mistaken fit run > 10 x PARAM_ATOL from the right one?"""
    for batch, seed, epochs in lab._fit_setups(P):
        schedule = lab._schedule(P, batch, seed)
        expected = lab.reference_fit(X64, Y64, W0, B0, P.lr, schedule(epochs))[:2]
        flat = np.concatenate([expected[0].ravel(), expected[1]])
        lab_schedule = lab._schedule(P, P.batch_size, P.seed)
        for values, message in mistakes.fit_params(
            X64, Y64, W0, B0, P.lr, epochs, schedule, lab_schedule, P
        ):
            assert _distance(values, flat) > 10 * lab.PARAM_ATOL, message


def test_step_tolerance_is_float32_rounding():
    """Does a float32 SGD step land within STEP_ATOL / 10 of the float64 update?"""
    model = lab.reference_model(P.seed, P)
    opt = torch.optim.SGD(model.parameters(), lr=lab.STEP_LR)
    x, y = lab.reference_data(P)
    rows = list(lab.STEP_BATCHES[0])
    F.mse_loss(model(x[rows]), y[rows]).backward()
    opt.step()
    dw, db = lab.reference_gradients(X64[rows], Y64[rows], W0, B0)
    got = model.weight.detach().double().numpy()
    assert np.abs(got - (W0 - lab.STEP_LR * dw)).max() < lab.STEP_ATOL / 10
    assert np.abs(W0 - lab.STEP_LR * dw - W0).max() > 100 * lab.STEP_ATOL


# ---- the answer key, by experiment ----


def test_answer_zero_grad_is_right():
    """Without zero_grad a second backward adds to .grad (b)."""
    assert lab.ANSWERS["zero_grad"] == "b"
    model = lab.reference_model(P.seed, P)
    x, y = lab.reference_data(P)
    F.mse_loss(model(x), y).backward()
    first = model.weight.grad.clone()
    F.mse_loss(model(x), y).backward()
    assert torch.allclose(model.weight.grad, 2 * first)


def test_answer_shuffle_is_right():
    """Batches of 5 of 5 rows: shuffling changes only rounding (a); batches of 2: more."""
    assert lab.ANSWERS["shuffle"] == "a"
    shuffled = lab.reference_lab_run(P)[0]
    plain = lab.reference_fit(
        X64, Y64, W0, B0, P.lr, lab.unshuffled_order(5, 5, P.num_epochs)
    )[0]
    assert np.abs(shuffled - plain).max() < 1e-13
    small = lab.reference_fit(X64, Y64, W0, B0, P.lr, lab.reference_order(5, 2, 7, 50))
    small_plain = lab.reference_fit(
        X64, Y64, W0, B0, P.lr, lab.unshuffled_order(5, 2, 50)
    )
    assert np.abs(small[0] - small_plain[0]).max() > 1e-3


def test_answer_steps_is_right():
    """5 rows, batches of 2, 10 epochs: 3 batches per epoch, so 30 steps (c)."""
    assert lab.ANSWERS["steps"] == "c"
    x, y = lab.reference_data(P)
    loader = lab.reference_loader(x, y, 2, 0)
    assert sum(1 for _ in range(10) for _ in loader) == 30


# ---- the mini-batch run (Section 10) ----


def _minibatch_reference():
    order = lab.reference_order(5, lab.MB_BATCH, P.seed, P.num_epochs)
    return lab.reference_fit(X64, Y64, W0, B0, P.lr, order)


def test_minibatch_reference_is_torch_in_float64_and_float32_fits():
    """Is the mini-batch reference nn.Linear + SGD on a real seeded DataLoader of
    batches of 2, and does the notebook's float32 run stay 10x inside the tolerances?"""
    w, b, losses = _minibatch_reference()
    tw, tb, tlosses = _torch_run(lab.MB_BATCH, P.seed, P.num_epochs)
    assert np.allclose(w, tw, rtol=1e-10, atol=1e-13)
    assert np.allclose(losses, tlosses, rtol=1e-10, atol=0)
    assert len(losses) == 3 * P.num_epochs
    fw, fb, flosses = _torch_run(
        lab.MB_BATCH, P.seed, P.num_epochs, dtype=torch.float32
    )
    assert np.abs(fw - w).max() < lab.PARAM_ATOL / 10
    assert np.abs(fb - b).max() < lab.PARAM_ATOL / 10
    gap = np.abs(np.array(flosses) - losses) / (
        lab.HISTORY_ATOL + lab.HISTORY_RTOL * np.abs(losses)
    )
    assert gap.max() < 0.1
    assert round(losses[0], 1) == 1234.5  # the visible test's printed value


def test_minibatch_candidates_are_far_from_the_reference_and_apart():
    """Is every mistaken mini-batch history far outside the tolerance, and are the
    candidates told apart?"""
    expected = np.array(_minibatch_reference()[2])
    candidates = mistakes.minibatch_losses(X64, Y64, W0, B0, lab.MB_BATCH, P)
    allowed = lab.HISTORY_ATOL + lab.HISTORY_RTOL * np.abs(expected)
    for values, message in candidates:
        assert (np.abs(np.array(values) - expected) / allowed).max() > 10, message
    for i, (a, _) in enumerate(candidates):
        for c, _ in candidates[i + 1 :]:
            assert _distance(a, c) > 3 * lab.MATCH_RTOL * max(map(abs, c))


def test_minibatch_start_tells_a_wrong_order_from_a_wrong_start():
    """The seeded start's loss on any batch of 2 means the order is wrong."""
    first = lab.reference_mse(lab.reference_forward(X64[[0, 3]], W0, B0), Y64[[0, 3]])
    assert "not the seeded ones" in mistakes.minibatch_start(
        first, X64, Y64, W0, B0, 2, lab.LOSS_RTOL
    )
    other_w, other_b = lab.reference_init(0, P)
    other = lab.reference_mse(
        lab.reference_forward(X64[[0, 3]], other_w, other_b), Y64[[0, 3]]
    )
    assert "start from a fresh" in mistakes.minibatch_start(
        other, X64, Y64, W0, B0, 2, lab.LOSS_RTOL
    )
