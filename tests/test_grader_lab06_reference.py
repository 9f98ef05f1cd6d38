"""Are lab 06's references right? Each is compared with an independent computation.

Shapes against nn.Linear and a real matrix product; losses and gradients against
torch autograd and finite differences in float64; batch counts against iterating a
real DataLoader; the training run against nn.Linear + torch.optim.SGD; the valid
step orders of Q25 against running all 120 orders. The multiple-choice key is
checked by running the experiment each question describes.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader_tests.lab06_review import checks as lab
from grader_tests.lab06_review import reference as ref

P = ref.DEFAULT
EXACT = 1e-12  # two float64 computations of the same sums agree to ~1e-15 relative


def t64(a) -> torch.Tensor:
    return torch.tensor(np.asarray(a), dtype=torch.float64)


# ---- data, shapes, model, loss ----


def test_crop_arrays_split_the_table():
    """Are the crop inputs the first 3 columns and the targets the last 2?"""
    inputs, targets = ref.crop_arrays(P)
    table = torch.tensor(P.crop_rows, dtype=torch.float64)
    assert inputs.shape == (5, 3) and targets.shape == (5, 2)
    assert np.array_equal(inputs, table[:, :3].numpy())
    assert np.array_equal(targets, table[:, 3:].numpy())


def test_param_shapes_fit_the_matrix_product_and_nn_linear():
    """Do Q6's shapes make inputs @ w.T + b work, and match nn.Linear's layout?"""
    (w_shape, b_shape) = ref.q6_shapes(P)
    x = torch.zeros(P.q6_examples, P.q6_features)
    preds = x @ torch.zeros(w_shape).T + torch.zeros(b_shape)
    assert preds.shape == (P.q6_examples, P.q6_targets)
    layer = nn.Linear(P.q6_features, P.q6_targets)
    assert (tuple(layer.weight.shape), tuple(layer.bias.shape)) == (w_shape, b_shape)


def test_init_params_is_the_recipe_and_keeps_the_global_state():
    """Is init_params seed, randn(w), randn(b), without touching the global RNG?"""
    torch.manual_seed(123)
    state = torch.get_rng_state()
    w, b = ref.init_params(3, 2, 5)
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(5)
    assert torch.equal(w, torch.randn(2, 3)) and torch.equal(b, torch.randn(2))


def test_predict_and_mse_match_torch():
    """Do predict and mse equal F.linear and F.mse_loss in float64?"""
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(6, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    torch_preds = F.linear(t64(x), t64(w), t64(b)).numpy()
    assert np.allclose(ref.predict(x, w, b), torch_preds, rtol=0, atol=EXACT)
    y = rng.normal(size=(6, 2))
    assert math.isclose(
        ref.mse(torch_preds, y),
        float(F.mse_loss(t64(torch_preds), t64(y))),
        rel_tol=EXACT,
    )


def test_q12_mse_is_f_mse_loss():
    """Is Q12's answer the built-in MSE of the question's matrices (1.5)?"""
    expected = float(F.mse_loss(t64(P.q12_preds), t64(P.q12_targets)))
    assert math.isclose(ref.q12_mse(P), expected, rel_tol=EXACT)
    assert math.isclose(expected, 1.5, rel_tol=EXACT)


# ---- notebook 004's example ----


def autograd_loss_and_grad(x, y, w: float) -> tuple[float, float]:
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    loss = ((wt * t64(x) - t64(y)) ** 2).mean()
    loss.backward()
    return loss.item(), float(wt.grad)


@pytest.mark.parametrize("w", [0.0, 0.7, 2.0, -1.3])
def test_loss4_and_dw4_match_autograd_and_finite_differences(w):
    """Do loss4 and dw4 agree with autograd, and dw4 with a central difference?"""
    x, y = ref.data4(P)
    loss, grad = autograd_loss_and_grad(x, y, w)
    assert math.isclose(ref.loss4(x, y, w), loss, rel_tol=EXACT)
    assert math.isclose(ref.dw4(x, y, w), grad, rel_tol=EXACT, abs_tol=EXACT)
    h = 1e-5
    central = (ref.loss4(x, y, w + h) - ref.loss4(x, y, w - h)) / (2 * h)
    assert math.isclose(ref.dw4(x, y, w), central, rel_tol=1e-8, abs_tol=1e-8)


def test_x4_change_first_order_and_exact():
    """Is X4 -0.3 to first order and -0.29925 exactly, apart by (1/2) L'' dw^2?"""
    first, exact = ref.x4_change(P)
    assert math.isclose(first, -0.3, rel_tol=EXACT)
    assert math.isclose(exact, -0.29925, rel_tol=1e-10)
    x, _ = ref.data4(P)
    second = 0.5 * (2 * np.mean(x**2)) * P.w4_delta**2
    assert math.isclose(exact - first, second, rel_tol=1e-9)


def test_first_update_and_notebook_004s_numpy_bug():
    """Does one autograd step give w = 0.3, and 004's np.dot(...).mean() give 1.2?"""
    x, y = ref.data4(P)
    _, grad = autograd_loss_and_grad(x, y, P.w4_start)
    assert math.isclose(ref.first_update(P), P.w4_start - P.lr4 * grad, rel_tol=EXACT)
    assert math.isclose(ref.first_update(P), 0.3, rel_tol=EXACT)
    doc_gradient = np.dot(2 * x, P.w4_start * x - y).mean()  # notebook 004, verbatim
    assert math.isclose(doc_gradient, len(x) * grad, rel_tol=EXACT)
    assert math.isclose(P.w4_start - P.lr4 * doc_gradient, 1.2, rel_tol=EXACT)


def test_lr_max4_is_two_over_the_hessian_and_the_edge_of_divergence():
    """Is 2/15 = 2 / (autograd second derivative), converging below and diverging above?"""
    x, y = ref.data4(P)
    hess = torch.autograd.functional.hessian(
        lambda w: ((w * t64(x) - t64(y)) ** 2).mean(),
        torch.tensor(0.3, dtype=torch.float64),
    )
    assert math.isclose(ref.lr_max4(P), 2 / float(hess), rel_tol=EXACT)
    assert math.isclose(ref.lr_max4(P), 2 / 15, rel_tol=EXACT)

    def final_distance(lr: float, steps: int = 400) -> float:
        w = 0.0
        for _ in range(steps):
            w -= lr * ref.dw4(x, y, w)
        return abs(w - 2.0)

    assert final_distance(0.99 * ref.lr_max4(P)) < 1e-3
    assert final_distance(1.01 * ref.lr_max4(P)) > 10


def test_accumulated_grad_is_what_the_q24_loop_leaves():
    """Does running Q24's loop leave w.grad = accumulated_grad (12)?"""
    w = torch.tensor(P.q24_w, requires_grad=True)
    for _ in range(P.q24_calls):
        loss = w**2
        loss.backward()
    assert float(w.grad) == ref.accumulated_grad(P) == 12.0


# ---- batches and epochs ----


@pytest.mark.parametrize(
    "n, batch_size", [(15, 4), (100, 32), (12, 4), (5, 7), (11, 5)]
)
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sizes_and_updates_match_a_dataloader(n, batch_size, drop_last):
    """Do batch_sizes and updates count what a shuffling DataLoader yields?"""
    ds = TensorDataset(torch.arange(float(n)))
    loader = DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last)
    sizes = tuple(len(xb) for (xb,) in loader)
    assert sizes == ref.batch_sizes(n, batch_size, drop_last)
    if not drop_last:
        epochs = 3
        assert ref.updates(n, batch_size, epochs) == epochs * sum(1 for _ in loader)


def test_q26_and_q33_values():
    """Are Q26 (40 updates) and Q33 ((4, 4, 4, 3)) what the reference gives?"""
    assert ref.q26_updates(P) == 40
    assert ref.q33_batch_sizes(P) == (4, 4, 4, 3)


def test_linear_layer_matches_nn_linear():
    """Does linear_layer give nn.Linear(5, 3)'s weight shape and parameter count?"""
    layer = nn.Linear(P.q36_in, P.q36_out)
    shape, count = ref.linear_layer(P.q36_in, P.q36_out)
    assert tuple(layer.weight.shape) == shape == (3, 5)
    assert sum(t.numel() for t in layer.parameters()) == count == 18


# ---- update step and training ----


def test_step_matches_an_in_place_torch_update():
    """Is step's result what the in-place update w -= lr * w.grad leaves?"""
    w0, b0, gw, gb = lab._step_inputs(P)
    w, b = t64(w0).requires_grad_(), t64(b0).requires_grad_()
    w.grad, b.grad = t64(gw), t64(gb)
    with torch.no_grad():
        w -= 0.1 * w.grad
        b -= 0.1 * b.grad
    nw, nb = ref.step(w0, b0, gw, gb, 0.1)
    assert np.allclose(nw, w.detach().numpy(), rtol=0, atol=EXACT)
    assert np.allclose(nb, b.detach().numpy(), rtol=0, atol=EXACT)


@pytest.mark.parametrize(
    ("n", "batch_size", "seed"), [(11, 4, 6), (11, 3, 7), (5, 2, 0)]
)
def test_loader_order_is_a_real_dataloader(n, batch_size, seed):
    """Does loader_order give the orders of a seeded, shuffling DataLoader's epochs?"""
    loader = DataLoader(
        TensorDataset(torch.arange(n)),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    got = [[int(i) for (batch,) in loader for i in batch] for _ in range(3)]
    assert got == ref.loader_order(n, batch_size, seed, 3)


def test_mse_gradients_match_autograd():
    """Are mse_gradients' loss and gradients F.mse_loss's, by autograd, in float64?"""
    x, y, w0, b0 = ref.fit_data(P)
    w, b = t64(w0).requires_grad_(), t64(b0 + 0.3).requires_grad_()
    loss = F.mse_loss(t64(x) @ w.T + b, t64(y))
    loss.backward()
    got = ref.mse_gradients(x, y, w0, b0 + 0.3)
    assert math.isclose(got[0], float(loss), rel_tol=EXACT)
    assert np.allclose(got[1], w.grad.numpy(), rtol=EXACT, atol=EXACT)
    assert np.allclose(got[2], b.grad.numpy(), rtol=EXACT, atol=EXACT)


def torch_fit(zero_grad: bool = True, epochs: int = P.fit_epochs):
    """The fit check's run with nn.Linear, DataLoader and SGD in float64."""
    x, y, w0, b0 = ref.fit_data(P)
    model = nn.Linear(3, 2).double()
    with torch.no_grad():
        model.weight.copy_(t64(w0))
        model.bias.copy_(t64(b0))
    loader = DataLoader(TensorDataset(t64(x), t64(y)), batch_size=P.fit_batch_size)
    opt = torch.optim.SGD(model.parameters(), lr=P.fit_lr)
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            loss = F.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
            if zero_grad:
                opt.zero_grad()
            losses.append(loss.item())
    return model.weight.detach().numpy(), model.bias.detach().numpy(), losses


@pytest.mark.parametrize("zero_grad", [True, False])
def test_fit_matches_nn_linear_with_sgd(zero_grad):
    """Is ref.fit the nn.Linear + DataLoader + SGD run, with and without zero_grad?"""
    x, y, w0, b0 = ref.fit_data(P)
    w, b, losses = ref.fit(
        x, y, w0, b0, P.fit_lr, P.fit_batch_size, P.fit_epochs, zero_grad=zero_grad
    )
    tw, tb, tlosses = torch_fit(zero_grad)
    assert np.allclose(w, tw, rtol=1e-12, atol=1e-12)
    assert np.allclose(b, tb, rtol=1e-12, atol=1e-12)
    assert np.allclose(losses, tlosses, rtol=1e-12, atol=1e-12)
    assert len(losses) == P.fit_epochs * math.ceil(P.fit_n / P.fit_batch_size)


def test_fit_without_zero_grad_is_a_different_run():
    """Does the no-reset run end far enough away for the check to tell them apart?"""
    x, y, w0, b0 = ref.fit_data(P)
    settings = (x, y, w0, b0, P.fit_lr, P.fit_batch_size, P.fit_epochs)
    good, bad = ref.fit(*settings), ref.fit(*settings, zero_grad=False)
    assert np.max(np.abs(good[0] - bad[0])) > 1e-2


# ---- Q25: the orders of the five steps ----


def run_order(order: str, epochs: int = 3) -> np.ndarray | None:
    """Run the five steps in `order` for some epochs; the final w, or None on an error."""
    x, y = t64([[1.0], [2.0], [3.0]]), t64([[2.0], [4.1], [5.9]])
    w = torch.zeros(1, 1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    state: dict = {}
    steps = {
        "c": lambda: state.__setitem__("preds", x @ w.T + b),
        "e": lambda: state.__setitem__("loss", F.mse_loss(state["preds"], y)),
        "a": lambda: state["loss"].backward(),
        "b": lambda: update(),
        "d": lambda: (setattr(w, "grad", None), setattr(b, "grad", None)),
    }

    def update():
        with torch.no_grad():
            w.sub_(0.05 * w.grad)
            b.sub_(0.05 * b.grad)

    try:
        for _ in range(epochs):
            for letter in order:
                steps[letter]()
    except (KeyError, RuntimeError, TypeError):
        return None
    return torch.cat([w.detach().ravel(), b.detach()]).numpy()


def test_valid_orders_are_exactly_the_orders_that_train():
    """Of all 120 orders of the five steps, do exactly the valid ones train correctly?"""
    reference = run_order("ceabd")
    works = set()
    for perm in itertools.permutations("abcde"):
        order = "".join(perm)
        result = run_order(order)
        if result is not None and np.allclose(result, reference, rtol=0, atol=1e-12):
            works.add(order)
    assert works == set(ref.valid_orders())
    assert all(
        ref.order_is_valid("".join(p)) == ("".join(p) in works)
        for p in itertools.permutations("abcde")
    )


def test_zero_instead_of_none_fails_before_the_first_backward():
    """Is the note right: with w.grad.zero_(), resetting before backward crashes epoch 1?"""
    w = torch.zeros(1, requires_grad=True)
    with pytest.raises(AttributeError):
        w.grad.zero_()


# ---- the multiple-choice key, by experiment ----


def test_answer_q39_broadcasting_gives_a_wrong_mse_with_a_warning():
    """Q39: (5, 1) against (5,) broadcasts to (5, 5), warns, and gives another number."""
    preds, targets = torch.arange(5.0)[:, None], torch.arange(5.0) + 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wrong = float(F.mse_loss(preds, targets))
    assert any("target size" in str(w.message) for w in caught)
    assert wrong == float(((preds - targets) ** 2).mean()) == 5.0
    assert float(F.mse_loss(preds.squeeze(1), targets)) == 1.0
    assert lab.ANSWERS["q39"] == "c"


def test_answer_q14_backward_adds_and_leaves_parameters_alone():
    """Q14: backward adds into .grad of leaves only, and changes no parameter."""
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.tensor([3.0, 4.0])
    for k in (1, 2):
        (w * x).sum().backward()
        assert torch.equal(w.grad, k * x)
    assert torch.equal(w.detach(), torch.tensor([1.0, 2.0])) and x.grad is None
    assert lab.ANSWERS["q14"] == "a"


def test_answer_q23_in_place_update_needs_no_grad():
    """Q23: the in-place update of a leaf raises outside no_grad, works inside."""
    w = torch.tensor(1.0, requires_grad=True)
    w.grad = torch.tensor(2.0)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w -= 0.1 * w.grad
    with torch.no_grad():
        w -= 0.1 * w.grad
    assert w.is_leaf and w.requires_grad and math.isclose(float(w), 0.8, rel_tol=1e-6)
    assert lab.ANSWERS["q23"] == "b"


def crop_run(update: str, lr: float, epochs: int) -> list[float]:
    """Notebook 003's crop loop, float64, seed 42; update 'grad' or 'weights'."""
    x, y = (t64(a) for a in ref.crop_arrays(P))
    torch.manual_seed(42)
    w = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((x @ w.T + b - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for t in (w, b):
                t.sub_(lr * (t.grad if update == "grad" else t))
        w.grad.zero_()
        b.grad.zero_()
    return losses


def test_answer_q29_the_weights_update_barely_moves_at_any_lr():
    """Q29: w.sub_(w * lr) barely moves the loss; a lower lr is slower still."""
    good = crop_run("grad", 3e-5, 100)
    bad = crop_run("weights", 3e-5, 100)
    slower = crop_run("weights", 3e-6, 100)
    assert good[-1] < 0.01 * good[0]
    assert bad[-1] > 0.99 * bad[0]
    assert bad[0] - bad[-1] > slower[0] - slower[-1] > 0
    assert lab.ANSWERS["q29"] == "b"


def test_answer_x1_every_start_reaches_the_same_minimum():
    """X1: GD on a line's MSE ends at the same (w, b) from very different starts."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, 50)
    y = 2 * x + 3 + 0.2 * rng.normal(size=50)
    ends = []
    for w, b in ((0.0, 0.0), (-10.0, 10.0), (25.0, -40.0)):
        for _ in range(20000):
            e = w * x + b - y
            w, b = w - 0.5 * 2 * np.mean(x * e), b - 0.5 * 2 * np.mean(e)
        ends.append((w, b))
    assert np.allclose(ends, ends[0], rtol=0, atol=1e-8)
    assert lab.ANSWERS["x1"] == "a"


def test_answer_x3_noise_moves_the_fit_not_the_curvature():
    """X3: more noise, same Hessian (same stable lr), fit further from the truth."""
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, 100)
    z = rng.normal(size=100)
    design = np.stack([x, np.ones_like(x)], axis=1)
    hessian = 2 * design.T @ design / len(x)  # no y in it
    errors, losses = [], []
    for sigma in (0.2, 1.0):
        y = 2 * x + 3 + sigma * z
        fit = np.linalg.lstsq(design, y, rcond=None)[0]
        errors.append(np.linalg.norm(fit - [2, 3]))
        losses.append(np.mean((design @ fit - y) ** 2))
    assert math.isclose(errors[1] / errors[0], 5.0, rel_tol=1e-9)
    assert math.isclose(losses[1] / losses[0], 25.0, rel_tol=1e-9)
    assert np.all(np.linalg.eigvalsh(hessian) > 0)
    assert lab.ANSWERS["x3"] == "d"


def test_answer_q34_shuffle_keeps_pairs_and_reshuffles_every_epoch():
    """Q34: every epoch a new order; every batch keeps input i with target i."""
    torch.manual_seed(0)
    x = torch.arange(12.0)
    loader = DataLoader(TensorDataset(x, 10 * x), batch_size=4, shuffle=True)
    orders = set()
    for _ in range(5):
        seen = []
        for xb, yb in loader:
            assert torch.equal(yb, 10 * xb)
            seen += xb.tolist()
        assert sorted(seen) == x.tolist()
        orders.add(tuple(seen))
    assert len(orders) > 1
    assert lab.ANSWERS["q34"] == "c"


def test_answer_q30_q38_module_facts():
    """Q30/Q37/Q38: weight and bias attributes, F holds more than losses."""
    model = nn.Linear(3, 2)
    assert [n for n, _ in model.named_parameters()] == ["weight", "bias"]
    assert not hasattr(model, "w")
    assert callable(F.linear) and callable(F.relu) and callable(F.mse_loss)
    assert nn is not F
    assert lab.ANSWERS["q30_q38"] == "d"


def test_answer_q40_q42_sgd_step_is_the_manual_update():
    """Q40-Q42: SGD.step() is p -= lr * p.grad; it needs .grad from backward."""
    model = nn.Linear(3, 2).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    before = [p.detach().clone() for p in model.parameters()]
    F.mse_loss(
        model(torch.ones(4, 3, dtype=torch.float64)),
        torch.zeros(4, 2, dtype=torch.float64),
    ).backward()
    opt.step()
    for p, p0 in zip(model.parameters(), before, strict=True):
        assert torch.allclose(p.detach(), p0 - 0.1 * p.grad, rtol=0, atol=1e-15)
    opt.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert lab.ANSWERS["q40_q42"] == "a"


def test_answer_key_uses_every_letter():
    """Are the correct letters spread over a, b, c and d (three each)?"""
    counts = {c: list(lab.ANSWERS.values()).count(c) for c in lab.LETTERS}
    assert counts == {"a": 3, "b": 3, "c": 3, "d": 3}
