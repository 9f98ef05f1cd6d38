# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: kernelspec,language_info,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   language_info:
#     name: python
# ---

# %%

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_title", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 05: Linear regression with `torch.nn` (19 points)
#
# You fit the crop-yield model once more: three inputs per region (temperature,
# rainfall, humidity), two targets (the yields of apples and oranges), a linear model
# $\hat Y = X W^\top + b$ trained by gradient descent on the mean squared error. Last
# time every piece was written by hand. Now PyTorch's building blocks do the work:
# `TensorDataset` and `DataLoader` serve the data in shuffled batches, `nn.Linear`
# holds the weights, `F.mse_loss` is the loss and `optim.SGD` the update. You check
# that with full batches nothing changed but the spelling, then train on real
# mini-batches.
#
# **Learning objectives.** After this lab you can
#
# - serve data with a seeded, shuffling `DataLoader` and say what an epoch and a
#   batch are;
# - read the shapes of `nn.Linear(3, 2)`: `weight` (2, 3), `bias` (2,);
# - write one optimisation step in the right order and a training loop `fit`;
# - write a model as a subclass of `nn.Module`.
#
# **How this lab is graded.** Each task is a function, a variable or a one-letter
# answer in a cell marked `# YOUR CODE HERE`: replace `raise NotImplementedError()`
# with your code and run the test cell after it. At grading the same cells run
# *hidden* checks on inputs of their own and compare with a **float64 replay of the
# seeded run** ($10^{-5}$ on trained weights, far more than float32 rounding, far
# less than one epoch too many). Keep the names and arguments, don't delete or split
# cells, and make sure the notebook runs top to bottom (*Kernel → Restart Kernel and
# Run All Cells*).
#
# | Section | Points |
# |---|---|
# | 2. `TensorDataset` and `DataLoader` | 2 |
# | 3. The model: `nn.Linear` | 1 |
# | 4. The loss: `F.mse_loss` | 1 |
# | 5. The optimiser: `optim.SGD` | 1 |
# | 6. One optimisation step | 2 |
# | 7. The training loop `fit` | 3 |
# | 9. Full batches: `torch.nn` equals `train` by hand | 2 |
# | 10. Mini-batches | 2 |
# | 11. A model as an `nn.Module` subclass | 1 |
# | 12. Predictions | 1 |
# | 15. Concept questions | 3 |
# | **Total** | **19** |

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 0. Setup
#
# The hidden checks use these constants: leave them as they are (experiment in new
# cells). `SEED` seeds the model's initial weights and the order of the batches.

# %% nbgrader={"grade": false, "grade_id": "nn_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import warnings

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

SEED = 42  # seeds nn.Linear's initial weights and the DataLoader's shuffling
BATCH_SIZE = 5  # examples per batch
LR = 1e-5  # learning rate
NUM_EPOCHS = 500  # passes over the data

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. The data
#
# Five regions, one row each: temperature (°F), rainfall (mm) and humidity (%), and
# the yields of apples and oranges (tons per hectare).

# %% nbgrader={"grade": false, "grade_id": "nn_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
inputs = torch.tensor(
    [[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]],
    dtype=torch.float32,
)
targets = torch.tensor(
    [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]], dtype=torch.float32
)
inputs.shape, targets.shape


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loader", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. `TensorDataset` and `DataLoader` (2 points)
#
# **Why.** A training loop wants the examples as pairs $(x_i, y_i)$, a few at a time:
#
# - `TensorDataset(inputs, targets)` pairs the rows: `ds[i]` is
#   `(inputs[i], targets[i])`. Nothing is split, copied or batched.
# - `DataLoader(ds, batch_size=B, shuffle=True)` serves the pairs in **batches**:
#   each `for xb, yb in loader:` yields `xb` of shape $(B, 3)$ and `yb` of shape
#   $(B, 2)$, the last batch shorter if $B$ does not divide $N$.
#
# One **epoch** is one pass of that loop, and training takes one gradient step per
# batch: $\lceil N / B \rceil$ steps per epoch. With $N = B = 5$ that is one batch of
# all five rows, the full-batch gradient descent of the lab by hand.
#
# **Why shuffle, why a seed.** `shuffle=True` draws a new order every epoch, so each
# batch is a random sample (each $x_i$ keeps its $y_i$). Without a `generator` the
# loader draws from torch's *global* generator, whose state depends on everything
# drawn before; `generator=torch.Generator().manual_seed(seed)` gives it a stream of
# its own, so a loader made again with the same seed repeats the whole sequence. The
# grader relies on this to replay your run.
#
# **Task (2 points).** Write `make_loader(x, y, batch_size, seed)` returning
# `DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True,
# generator=torch.Generator().manual_seed(seed))`. The names `make_loader`, and
# later `fit`, `train` and `predict_with`, follow Lab 01's table of course names.


# %% nbgrader={"grade": false, "grade_id": "nn_make_loader", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_loader(x, y, batch_size, seed):
    """A shuffling DataLoader over (x (N, 3), y (N, 2)), seeded.

    Yields (xb, yb) batches of shapes (B, 3) and (B, 2), B = batch_size (the last
    batch shorter), in an order that depends only on seed.
    """
    ### BEGIN SOLUTION
    dataset = TensorDataset(x, y)
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=True, generator=generator
    )
    ### END SOLUTION
    return loader


# %% nbgrader={"grade": true, "grade_id": "test_nn_loader", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check make_loader on 7 numbered rows in batches of 3: sizes, pairs, order, seed."""
x_small = torch.arange(7.0)[:, None].repeat(1, 3)  # row k holds (k, k, k)
y_small = torch.arange(7.0)[:, None].repeat(1, 2)  # and its target (k, k)
batches_small = list(make_loader(x_small, y_small, 3, 0))
sizes_small = [len(xb) for xb, _ in batches_small]
print("batch sizes:", sizes_small, "(should be [3, 3, 1])")
assert sizes_small == [3, 3, 1], "pass batch_size=batch_size"
order_small = [int(v) for xb, _ in batches_small for v in xb[:, 0]]
print("order of the first epoch:", order_small, "(shuffled, not 0..6)")
assert order_small != list(range(7)), "the rows come in order: pass shuffle=True"
again_small = [
    int(v) for xb, _ in make_loader(x_small, y_small, 3, 0) for v in xb[:, 0]
]
assert again_small == order_small, "the same seed gave another order: seed a generator"

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("loader", make_loader)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loader_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The lab's loader: one batch of all five rows per epoch, in a new order each epoch
# (the first column, temperature, identifies the rows).

# %% nbgrader={"grade": false, "grade_id": "nn_loader_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
train_dl = make_loader(inputs, targets, BATCH_SIZE, SEED)
for epoch in range(3):
    print(f"epoch {epoch}:", [xb[:, 0].tolist() for xb, _ in train_dl])


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_model", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. The model: `nn.Linear` (1 point)
#
# **Why.** By hand the model was a weight matrix `w` (2, 3), a bias `b` (2,) and
# `x @ w.T + b`. `nn.Linear(in_features, out_features)` packages exactly that: it
# creates `weight` of shape `(out_features, in_features)` and `bias` of shape
# `(out_features,)`, marks them `requires_grad=True`, initialises them, and its
# forward pass is
#
# $$\hat Y = X\,W^\top + b, \qquad X \in \mathbb{R}^{B \times 3},\;
# W \in \mathbb{R}^{2 \times 3},\; b \in \mathbb{R}^{2}.$$
#
# With 3 inputs and 2 targets the model is `nn.Linear(3, 2)`. Its initial values are
# drawn with torch's global generator, so `torch.manual_seed(seed)` right before it
# fixes them.
#
# **Task (1 point).** Write `make_model(seed)`: call `torch.manual_seed(seed)`, then
# return `nn.Linear(3, 2)`.


# %% nbgrader={"grade": false, "grade_id": "nn_make_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_model(seed):
    """nn.Linear(3, 2) with seeded initial weights: weight (2, 3), bias (2,)."""
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    model = nn.Linear(3, 2)
    ### END SOLUTION
    return model


# %% nbgrader={"grade": true, "grade_id": "test_nn_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check make_model: an nn.Linear with weight (2, 3), bias (2,), seeded."""
model_small = make_model(0)
assert isinstance(model_small, nn.Linear), f"got {type(model_small).__name__}"
shapes_small = tuple(model_small.weight.shape), tuple(model_small.bias.shape)
print("weight, bias:", shapes_small, "(should be (2, 3) and (2,))")
assert model_small.weight.shape == (2, 3), "weight is (out, in): nn.Linear(3, 2)"
assert torch.equal(make_model(0).weight, model_small.weight), (
    "two calls with the same seed differ: call torch.manual_seed(seed) first"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("model", make_model)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_model_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The lab's model, and its forward pass written out: the two agree.

# %% nbgrader={"grade": false, "grade_id": "nn_model_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
model = make_model(SEED)
print(model.weight, model.bias, sep="\n")
torch.allclose(model(inputs), inputs @ model.weight.T + model.bias)

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. The loss: `F.mse_loss` (1 point)
#
# **Why.** We keep the loss of the lab by hand, the mean of the squared errors over
# *all* $2B$ entries of the batch:
#
# $$L = \frac{1}{2B} \sum_{i=1}^{B} \sum_{j=1}^{2} \big(\hat Y_{ij} - Y_{ij}\big)^2 .$$
#
# `torch.nn.functional` (imported as `F`) holds functions without parameters.
# `F.mse_loss(y_hat, y)` with its default `reduction="mean"` is exactly $L$. Two near
# misses train another model: `reduction="sum"` is $2B$ = 10 times larger (and so
# are its gradients), and `F.l1_loss` is the mean *absolute* error.
#
# **Task (1 point).** Set `loss_fn` to the function `F.mse_loss` itself: not
# `F.mse_loss(...)` (a number), not the class `nn.MSELoss` (an instance,
# `nn.MSELoss()`, would also do).

# %% nbgrader={"grade": false, "grade_id": "nn_loss_fn", "locked": false, "schema_version": 3, "solution": true, "task": false}
# loss_fn(y_hat, y) -> 0-dim tensor: the mean squared error over all entries
### BEGIN SOLUTION
loss_fn = F.mse_loss
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_nn_loss", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check loss_fn on a 2 x 2 example: the mean of the four squared errors."""
y_hat_small = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
loss_small = loss_fn(y_hat_small, torch.tensor([[1.0, 0.0], [0.0, 0.0]]))
print(f"loss = {loss_small.item():.4f} (should be (0 + 4 + 9 + 16) / 4 = 7.25)")
assert abs(loss_small.item() - 7.25) < 1e-5, (
    f"got {loss_small.item():.4f}, expected 7.25: 29 is the sum (reduction='sum'), "
    "2.25 the mean absolute error (F.l1_loss)"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("loss", loss_fn)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loss_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss of the untrained model on the whole data set is about 2480, in squared
# tons per hectare; its root, about 50, is the typical size of an error.

# %% nbgrader={"grade": false, "grade_id": "nn_loss_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
loss_fn(model(inputs), targets)


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_optimizer", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. The optimiser: `optim.SGD` (1 point)
#
# **Why.** By hand, the update was `w -= w.grad * lr` inside `torch.no_grad()`, then
# `w.grad.zero_()`, for every parameter. `torch.optim.SGD(model.parameters(), lr=lr)`
# does this for the model's `weight` and `bias`: `opt.step()` updates each,
# $p \leftarrow p - \text{lr}\,\nabla_p L$, from `p.grad`, and `opt.zero_grad()`
# clears the gradients for the next `backward()`. SGD stands for *stochastic*
# gradient descent: on a random batch the gradient is a noisy estimate of the
# full-data gradient; on all the data it is plain gradient descent.
#
# **Task (1 point).** Write `make_optimizer(model, lr)` returning plain SGD over the
# model's parameters with learning rate `lr` (the argument, not `LR`).


# %% nbgrader={"grade": false, "grade_id": "nn_make_optimizer", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_optimizer(model, lr):
    """Plain SGD (no momentum) over model.parameters() with learning rate lr."""
    ### BEGIN SOLUTION
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    ### END SOLUTION
    return opt


# %% nbgrader={"grade": true, "grade_id": "test_nn_optimizer", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check make_optimizer: SGD over this model's parameters, with the lr passed in."""
model_small = nn.Linear(3, 2)
opt_small = make_optimizer(model_small, 0.1)
assert isinstance(opt_small, torch.optim.SGD), f"got {type(opt_small).__name__}"
lr_small = opt_small.param_groups[0]["lr"]
print("lr:", lr_small, "(should be 0.1)")
assert lr_small == 0.1, f"lr is {lr_small}, expected 0.1: use the argument lr"
params_small = opt_small.param_groups[0]["params"]
assert len(params_small) == 2 and params_small[0] is model_small.weight, (
    "the optimiser should hold model.parameters() of the model passed in"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("optimizer", make_optimizer)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_step", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 6. One optimisation step (2 points)
#
# **Why.** One step on a batch `(xb, yb)` is four calls, in this order:
#
# 1. **forward and loss**: `loss = loss_fn(model(xb), yb)`;
# 2. **gradients**: `loss.backward()` computes $\nabla_W L$ and $\nabla_b L$ and
#    **adds** them to `model.weight.grad` and `model.bias.grad`;
# 3. **update**: `opt.step()` sets $W \leftarrow W - \text{lr}\,\nabla_W L$ and
#    $b \leftarrow b - \text{lr}\,\nabla_b L$;
# 4. **reset**: `opt.zero_grad()` clears the gradients.
#
# `opt.step()` uses whatever `.grad` holds *when it runs*: before `backward()` it
# finds nothing or the previous batch's gradient. And without `opt.zero_grad()` the
# tenth step uses the sum of ten gradients: the steps grow and training oscillates.
# Return the loss as a Python number with `loss.item()` (`float(loss)` prints a
# warning for a tensor that requires gradients, and a warning costs a test cell its
# points).
#
# **Task (2 points).** Write `train_step(model, loss_fn, opt, xb, yb)`: one step as
# above, using only its arguments, returning the loss *before* the step.


# %% nbgrader={"grade": false, "grade_id": "nn_train_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_step(model, loss_fn, opt, xb, yb):
    """One gradient step on the batch xb (B, 3), yb (B, 2); returns its loss (float)."""
    ### BEGIN SOLUTION
    loss = loss_fn(model(xb), yb)  # forward pass and loss
    loss.backward()  # gradients, added to .grad
    opt.step()  # p -= lr * p.grad for every parameter
    opt.zero_grad()  # clear .grad for the next batch
    ### END SOLUTION
    return loss.item()


# %% nbgrader={"grade": true, "grade_id": "test_nn_train_step", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check two steps on y = 2x from w = b = 0 with lr 0.1, worked out by hand."""
model_small = nn.Linear(1, 1)
nn.init.zeros_(model_small.weight), nn.init.zeros_(model_small.bias)
opt_small = torch.optim.SGD(model_small.parameters(), lr=0.1)
x_small, y_small = torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])
with warnings.catch_warnings(action="ignore"):  # a warning would cost the points
    loss_small = train_step(model_small, F.mse_loss, opt_small, x_small, y_small)
    train_step(model_small, F.mse_loss, opt_small, x_small, y_small)
w_2, b_2 = model_small.weight.item(), model_small.bias.item()
print(
    f"loss {float(loss_small):.4f} (should be 10), after two steps: w = {w_2:.4f}, "
    f"b = {b_2:.4f} (1.32 and 0.78)"
)
assert abs(float(loss_small) - 10.0) < 1e-5, "return the loss before the step"
assert abs(w_2 - 1.32) < 1e-5 and abs(b_2 - 0.78) < 1e-5, (
    "w = 0: opt.step() ran before loss.backward(); w = 2.32: call opt.zero_grad()"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_step", train_step)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_fit", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 7. The training loop `fit` (3 points)
#
# **Why.** Training is the step of Section 6 for every batch, for `num_epochs`
# epochs. `fit` returns **one loss per batch**, in the order the steps were taken:
# `num_epochs * len(loader)` floats, each the loss of its batch before its step,
# computed on *its batch* `xb, yb`, not on the whole data set.
#
# **Pitfall.** Code like this is common:
#
# ```python
# def fit(num_epochs, model, loss_fn, opt, train_dl):
# ```
#
# It works, but this course puts `num_epochs` last, as in `train(x, y, w, b, lr,
# num_epochs)`: first what is trained and on what, then how long. One order in every
# lab means a call never feeds 500 to the place of the model.
#
# **Task (3 points).** Write `fit(model, loss_fn, opt, loader, num_epochs)` using
# your `train_step`; it trains `model` in place and returns the list of losses. 1
# point for the losses, 2 for the trained parameters.


# %% nbgrader={"grade": false, "grade_id": "nn_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fit(model, loss_fn, opt, loader, num_epochs):
    """Train model in place; returns the losses, one per batch (a list of floats).

    len(losses) == num_epochs * len(loader); losses[k] is the loss of the k-th
    batch before its step.
    """
    ### BEGIN SOLUTION
    losses = []
    for _ in range(num_epochs):
        for xb, yb in loader:
            losses.append(train_step(model, loss_fn, opt, xb, yb))
    ### END SOLUTION
    return losses


# %% nbgrader={"grade": false, "grade_id": "nn_fit_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Four rows on the plane y = x @ W.T + b, W = [[2, 0, 0], [0, 0, 1]], b = [1, -1],
# for the tests of fit; the model starts at W = 0, b = 0.
x_plane = torch.tensor([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
y_plane = torch.tensor([[1.0, -1], [3, -1], [1, -1], [1, 0]])


def zero_model():
    """nn.Linear(3, 2) with weight and bias zero."""
    model_zero = nn.Linear(3, 2)
    nn.init.zeros_(model_zero.weight), nn.init.zeros_(model_zero.bias)
    return model_zero


# %% nbgrader={"grade": true, "grade_id": "test_nn_fit_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the losses of fit: 2 epochs of 4 batches of 1 row, one loss per batch."""
model_small = zero_model()
opt_small = torch.optim.SGD(model_small.parameters(), lr=0.1)
loader_small = DataLoader(TensorDataset(x_plane, y_plane), batch_size=1)  # in order
with warnings.catch_warnings(action="ignore"):  # a warning would cost the points
    losses_small = fit(model_small, F.mse_loss, opt_small, loader_small, 2)
print("losses:", losses_small, "(8 of them, starting at 1.0)")
assert isinstance(losses_small, list), "return the list of losses"
assert len(losses_small) == 8, "one loss per batch: 2 epochs x 4 batches"
assert abs(losses_small[0] - 1.0) < 1e-5, (
    "losses[0] should be 1, the loss of the first batch before its step"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("fit_losses", fit)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_nn_fit_params", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check that fit finds W = [[2, 0, 0], [0, 0, 1]], b = [1, -1] from four rows."""
model_small = zero_model()
opt_small = torch.optim.SGD(model_small.parameters(), lr=1.0)
loader_small = DataLoader(TensorDataset(x_plane, y_plane), batch_size=4)
with warnings.catch_warnings(action="ignore"):  # a warning would cost the points
    fit(model_small, F.mse_loss, opt_small, loader_small, 300)
print("W =", model_small.weight.tolist(), "b =", model_small.bias.tolist())
w_error = (model_small.weight - torch.tensor([[2.0, 0, 0], [0, 0, 1]])).abs().max()
b_error = (model_small.bias - torch.tensor([1.0, -1])).abs().max()
assert w_error < 1e-3 and b_error < 1e-3, (
    "fit should run train_step on every batch xb, yb of every epoch"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("fit_params", fit)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 8. Training the crop-yield model
#
# Everything together, seeded. The cell builds a fresh model each time it runs, so
# running it again repeats the same 500 epochs; any other `fit(model, ...)` would
# continue training it and the graded prediction of Section 12 would be off.

# %% nbgrader={"grade": false, "grade_id": "nn_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
model = make_model(SEED)
opt = make_optimizer(model, LR)
train_dl = make_loader(inputs, targets, BATCH_SIZE, SEED)
loss_history = fit(model, loss_fn, opt, train_dl, NUM_EPOCHS)
print(
    f"{len(loss_history)} losses, from {loss_history[0]:.1f} to {loss_history[-1]:.3f}"
)

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_train_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss falls from about 2480 to about 19.7 and is still falling: the raw inputs
# make the loss a long, narrow valley, and a learning rate small enough for its steep
# direction is slow along the flat one. Right: predictions against targets.

# %% nbgrader={"grade": false, "grade_id": "nn_train_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
with torch.no_grad():
    preds_train = model(inputs)
fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(11, 4))
ax_loss.semilogy(loss_history)
ax_loss.set(xlabel="epoch (one batch each)", ylabel="MSE loss (log scale)")
for j, name in enumerate(["apples", "oranges"]):
    ax_fit.scatter(targets[:, j], preds_train[:, j], label=name)
ax_fit.plot([20, 135], [20, 135], "k--", lw=1, label="prediction = target")
ax_fit.set(xlabel="target yield", ylabel="predicted yield")
ax_fit.legend();


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_full_batch", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 9. Full batches: `torch.nn` equals `train` by hand (2 points)
#
# **Why.** Nothing in Sections 2 to 8 is new mathematics. With the same data, the
# same initial weights and one batch of all the data per step, the `torch.nn`
# version computes the same forward pass, loss, gradients and update as the loop by
# hand, so it must end at the same parameters. Check it by writing that loop once
# more.
#
# **Pitfall.** Code like this is common:
#
# ```python
# w.sub_(w * learning_rate)
# ```
#
# It subtracts a multiple of the *weights*, whatever the data say, so the loss barely
# moves (the red curve below). The update must use the gradient, `w -= w.grad * lr`.
#
# **Task (2 points).** Write `train(x, y, w, b, lr, num_epochs)`: `w` (2, 3) and `b`
# (2,) require gradients; each epoch compute `x @ w.T + b`, the mean squared error
# by hand (`torch.sum(diff * diff) / diff.numel()`), record `loss.item()`, call
# `loss.backward()`, update `w` and `b` in place under `torch.no_grad()` and zero
# their gradients. Return `w, b, losses`: the caller's tensors, trained.


# %% nbgrader={"grade": false, "grade_id": "nn_manual_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train(x, y, w, b, lr, num_epochs):
    """Full-batch gradient descent by hand, in place: w (2, 3), b (2,) -> (w, b, losses)."""
    losses = []
    ### BEGIN SOLUTION
    for _ in range(num_epochs):
        diff = x @ w.T + b - y
        loss = torch.sum(diff * diff) / diff.numel()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= w.grad * lr
            b -= b.grad * lr
            w.grad.zero_()
            b.grad.zero_()
    ### END SOLUTION
    return w, b, losses


# %% nbgrader={"grade": true, "grade_id": "test_nn_full_batch", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check train on y = 2x from w = b = 0: two epochs worked out by hand."""
w_small = torch.zeros(1, 1, requires_grad=True)
b_small = torch.zeros(1, requires_grad=True)
x_small, y_small = torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])
w_out, b_out, losses_small = train(x_small, y_small, w_small, b_small, 0.1, 2)
print(
    f"w = {w_out.item():.4f}, b = {b_out.item():.4f} (should be 1.32 and 0.78), "
    f"losses {losses_small} (10 and 1.06)"
)
assert abs(w_out.item() - 1.32) < 1e-5 and abs(b_out.item() - 0.78) < 1e-5, (
    "w = 0 means an update with the weights; w = 2.32 gradients not zeroed"
)
assert len(losses_small) == 2 and abs(losses_small[0] - 10.0) < 1e-5, (
    "record loss.item() once per epoch, before the update"
)
assert w_out is w_small, "update the w passed in, in place, and return it"

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("full_batch", train)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_full_batch_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The comparison: both runs start from the same weights (copied from a fresh
# `make_model(SEED)` *before* training it), use all five rows at every step and run
# `NUM_EPOCHS` epochs. The difference is float32 rounding (`nn.Linear` and
# `F.mse_loss` sum in their own order), about $10^{-7}$ relative.

# %% nbgrader={"grade": false, "grade_id": "nn_full_batch_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
model_nn = make_model(SEED)
w_hand = model_nn.weight.detach().clone().requires_grad_()
b_hand = model_nn.bias.detach().clone().requires_grad_()
opt_nn = make_optimizer(model_nn, LR)
losses_nn = fit(model_nn, loss_fn, opt_nn, train_dl, NUM_EPOCHS)
w_hand, b_hand, losses_hand = train(inputs, targets, w_hand, b_hand, LR, NUM_EPOCHS)
diff_w = (model_nn.weight - w_hand).abs().max().item()
diff_b = (model_nn.bias - b_hand).abs().max().item()
print(f"largest difference in w {diff_w:.1e}, in b {diff_b:.1e}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_full_batch_bug", "locked": true, "schema_version": 3, "solution": false, "task": false}
# And the update with the weights, `w.sub_(w * lr)`, from the same start: the loss
# hardly moves, because the data never enter the update.

# %% nbgrader={"grade": false, "grade_id": "nn_full_batch_bug", "locked": true, "schema_version": 3, "solution": false, "task": false}
with torch.no_grad():
    w_bug, b_bug = make_model(SEED).weight.clone(), make_model(SEED).bias.clone()
    losses_bug = []
    for _ in range(NUM_EPOCHS):
        losses_bug.append(loss_fn(inputs @ w_bug.T + b_bug, targets).item())
        w_bug.sub_(w_bug * LR)  # the weights, not the gradient
        b_bug.sub_(b_bug * LR)
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(losses_nn, lw=3, alpha=0.5, label="torch.nn: fit, full batches")
ax.semilogy(losses_hand, "k--", lw=1, label="by hand: train")
ax.semilogy(losses_bug, color="C3", label="w.sub_(w * lr)")
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loader_two", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 10. Mini-batches (2 points)
#
# **Why.** So far every batch held all five rows. With `batch_size=2` an epoch is
# three batches (2, 2 and 1 rows) and so three updates, each on the gradient of its
# own batch, in an order the loader reshuffles every epoch:

# %% nbgrader={"grade": false, "grade_id": "nn_loader_two", "locked": true, "schema_version": 3, "solution": false, "task": false}
small_dl = make_loader(inputs, targets, 2, SEED)
for epoch in range(3):
    print(f"epoch {epoch}:", [xb[:, 0].tolist() for xb, _ in small_dl])

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_minibatch_task", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task (2 points).** From the same seeded start as Section 8, train a fresh
# `model_mb = make_model(SEED)` with `make_optimizer(model_mb, LR)` on
# `make_loader(inputs, targets, 2, SEED)` for `NUM_EPOCHS` epochs, and keep the
# losses of `fit` in `losses_mb`. The hidden check replays the same seeded loop and
# compares every batch loss and the final parameters.

# %% nbgrader={"grade": false, "grade_id": "nn_minibatch", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
model_mb = make_model(SEED)
opt_mb = make_optimizer(model_mb, LR)
loader_mb = make_loader(inputs, targets, 2, SEED)
losses_mb = fit(model_mb, loss_fn, opt_mb, loader_mb, NUM_EPOCHS)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_nn_minibatch", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check the mini-batch run: 3 losses per epoch, starting from make_model(SEED)."""
print(f"{len(losses_mb)} losses (should be 1500 = 500 epochs x 3 batches)")
assert len(losses_mb) == 3 * NUM_EPOCHS, "train NUM_EPOCHS epochs in batches of 2"
print(f"losses_mb[0] = {losses_mb[0]:.1f} (about 1234.5, one batch of 2 rows)")
assert model_mb is not model, "train a fresh make_model(SEED), not Section 8's model"

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("minibatch", losses_mb, model_mb)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_minibatch_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The per-batch curve is jagged because each point is the loss of *its* batch: two
# rows that the current weights fit well, then two they fit badly. Plotted against
# epochs (three batches each), it still follows the full-batch curve down, and
# ends lower: three steps per epoch get further than one.

# %% nbgrader={"grade": false, "grade_id": "nn_minibatch_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(
    [k / 3 for k in range(len(losses_mb))],
    losses_mb,
    lw=0.5,
    label="batches of 2: one loss per batch",
)
ax.semilogy(loss_history, "k", label="full batch: one loss per epoch")
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)")
ax.legend();

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_module", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 11. A model as an `nn.Module` subclass (1 point)
#
# **Why.** Most PyTorch code writes a model as a class: `__init__` creates the
# layers (after `super().__init__()`), and `forward` says how an input flows through
# them. Calling `model(x)` runs `forward`. Every layer stored as an attribute is
# registered, so `model.parameters()` hands the optimiser all their weights.
#
# **Task (1 point).** Write `class LinearRegression(nn.Module)` whose `__init__`
# stores `self.linear = nn.Linear(3, 2)` and whose `forward(x)` returns
# `self.linear(x)`. After `torch.manual_seed(SEED)` it then holds the same weights
# as `make_model(SEED)`.


# %% nbgrader={"grade": false, "grade_id": "nn_module", "locked": false, "schema_version": 3, "solution": true, "task": false}
class LinearRegression(nn.Module):
    """The crop-yield model as a module: x (B, 3) -> y_hat (B, 2)."""

    ### BEGIN SOLUTION
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)

    def forward(self, x):
        return self.linear(x)

    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_nn_module", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check LinearRegression: an nn.Module with weight (2, 3) and bias (2,)."""
torch.manual_seed(SEED)
model_cls = LinearRegression()
assert isinstance(model_cls, nn.Module), "write class LinearRegression(nn.Module)"
shapes_cls = [tuple(q.shape) for q in model_cls.parameters()]
print("parameters:", shapes_cls, "(should be [(2, 3), (2,)])")
assert shapes_cls == [(2, 3), (2,)], "store self.linear = nn.Linear(3, 2)"
torch.manual_seed(SEED)
linear_cls = nn.Linear(3, 2)  # the same seeded weights
gap_cls = (model_cls(inputs) - linear_cls(inputs)).abs().max().item()
print(f"largest difference from nn.Linear(3, 2): {gap_cls:.1e} (should be 0)")
assert gap_cls < 1e-4, "forward(x) should return self.linear(x)"

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("module", LinearRegression)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_predict", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 12. Predictions (1 point)
#
# **Why.** A trained model predicts for new inputs by the same forward pass.
# Gradients are not needed, so run it under `torch.no_grad()`: PyTorch then records
# no graph. A new region: temperature 75, rainfall 63, humidity 44.
#
# **Task (1 point).** Write `predict_with(model, x)` returning `model(x)` computed
# without gradients: shape `(k, 2)` for `x` of shape `(k, 3)`. (`predict(x, w, b)`
# stays the name of the linear model written out.) The hidden check calls it with
# Section 8's trained `model`.


# %% nbgrader={"grade": false, "grade_id": "nn_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict_with(model, x):
    """Predictions of model for x (k, 3) -> (k, 2), without tracking gradients."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        y_hat = model(x)
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "test_nn_prediction", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the trained model's prediction for the new region [75, 63, 44]."""
pred_new = predict_with(model, torch.tensor([[75.0, 63.0, 44.0]]))
print("apples, oranges:", pred_new.tolist())
assert pred_new.shape == (1, 2), f"shape {tuple(pred_new.shape)}, expected (1, 2)"
assert not pred_new.requires_grad, "compute model(x) inside `with torch.no_grad():`"
train_mse = ((predict_with(model, inputs) - targets) ** 2).mean().item()
print(f"MSE of the trained model on the data: {train_mse:.2f} (about 19.6)")
assert train_mse < 25, "training went wrong: do the tests of Sections 2 to 7 pass?"

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("prediction", predict_with, model)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_device", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 13. Devices
#
# A model and its data live on a *device*: the CPU or a GPU (`"cuda"`). Code
# written for both picks the GPU when there is one and moves the model and every
# batch there (`model.to(device)`, `xb.to(device)`); model and data must be on the
# same device, or the forward pass stops with an error. This course runs on the CPU: five rows and six weights are done in
# microseconds, and a GPU pays off only for large models and data.

# %% nbgrader={"grade": false, "grade_id": "nn_device", "locked": true, "schema_version": 3, "solution": false, "task": false}
device = "cuda" if torch.cuda.is_available() else "cpu"
model_dev = make_model(SEED).to(device)
print(device, model_dev(inputs.to(device)).device)

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_stages", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 14. Four stages of one training step
#
# | Stage | Model and data | Loss and gradients | Update |
# |---|---|---|---|
# | 1. by hand (Labs 01, 02) | `w`, `b`, all rows | `dw, db = gradients(x, y, w, b)` | `w, b = step(w, b, dw, db, lr)` |
# | 2. autograd (Labs 03, 04) | `w`, `b`, all rows | `mse(predict(x, w, b), y).backward()` | `step_(w, b, lr)` |
# | 3. loss and optimiser | `w`, `b`, all rows | `loss_fn(predict(x, w, b), y).backward()` with `loss_fn = nn.MSELoss()` | `opt.step(); opt.zero_grad()` with `opt = torch.optim.SGD([w, b], lr=lr)` |
# | 4. model and loader (here) | `model = nn.Linear(3, 2)` or `LinearRegression()`; `for xb, yb in loader:` | `loss_fn(model(xb), yb).backward()` | `opt.step(); opt.zero_grad()` |
#
# From one stage to the next PyTorch takes over one piece: the gradient formula
# (2), the loss and the update with its zeroing (3), the parameters and the batches
# (4). The arithmetic stays the same, as Section 9 showed.

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_questions", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 15. Concept questions (3 points)
#
# Answer each with one letter in the cell below it, e.g. `answer_zero_grad = "a"`.
#
# **Question 1 (1 point).** In `train_step`, what does `opt.zero_grad()` prevent?
#
# - a) the learning rate from growing as the optimiser takes more and more steps;
# - b) the gradients of earlier batches from being added to this batch's gradient;
# - c) the weights from being pulled back to their initial values by each `backward()`.

# %% nbgrader={"grade": false, "grade_id": "nn_answer_zero_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_zero_grad = "a", "b" or "c"
### BEGIN SOLUTION
# b. loss.backward() adds to .grad instead of overwriting it: without zero_grad the
# second step uses the first batch's gradient plus the second's, the tenth the sum
# of ten, and training oscillates.
# a is wrong: plain SGD keeps lr fixed; zero_grad touches only the gradients.
# c is wrong: nothing pulls the weights back; zero_grad clears .grad, not the weights.
answer_zero_grad = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_nn_answer_zero_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_zero_grad is one of the letters "a", "b", "c"."""
assert answer_zero_grad in ("a", "b", "c"), (
    f'answer_zero_grad should be "a", "b" or "c", got {answer_zero_grad!r}'
)
print(f"answer_zero_grad = {answer_zero_grad!r}: a valid letter (graded with the lab)")

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_zero_grad", answer_zero_grad)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_question_shuffle", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2 (1 point).** In the full-batch run (5 rows, `BATCH_SIZE` = 5), what
# does `shuffle=True` change about the trained weights, compared with
# `shuffle=False`?
#
# - a) nothing beyond float rounding: each epoch is one batch of all five rows, in some
#   order;
# - b) the weights differ noticeably, because each epoch takes its gradient steps on
#   different batches;
# - c) training diverges, because shuffling moves the targets away from their own inputs.

# %% nbgrader={"grade": false, "grade_id": "nn_answer_shuffle", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_shuffle = "a", "b" or "c"
### BEGIN SOLUTION
# a. With BATCH_SIZE = 5 rows every epoch is one batch of all five rows, one step
# on the full data; the mean loss of a batch, and so its gradient, does not depend
# on the order of its rows (only the float rounding of the sums does).
# b is wrong: with one batch per epoch every epoch sees the same batch; batches
# change only when an epoch has more than one.
# c is wrong: shuffling reorders whole (x, y) pairs; each input keeps its target.
answer_shuffle = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_nn_answer_shuffle", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_shuffle is one of the letters "a", "b", "c"."""
assert answer_shuffle in ("a", "b", "c"), (
    f'answer_shuffle should be "a", "b" or "c", got {answer_shuffle!r}'
)
print(f"answer_shuffle = {answer_shuffle!r}: a valid letter (graded with the lab)")

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_shuffle", answer_shuffle)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_question_steps", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3 (1 point).** With the 5 rows of this lab, batches of 2 and 10 epochs,
# how many times does `fit` call `opt.step()`?
#
# - a) 10: one step per epoch, after the pass over all five rows;
# - b) 20: two full batches of 2 rows per epoch, the fifth row unused;
# - c) 30: three batches per epoch, holding 2, 2 and 1 rows.

# %% nbgrader={"grade": false, "grade_id": "nn_answer_steps", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_steps = "a", "b" or "c"
### BEGIN SOLUTION
# c. An epoch has ceil(N / B) = ceil(5 / 2) = 3 batches, of 2, 2 and 1 rows (the
# DataLoader keeps the shorter last batch), and fit calls train_step, so
# opt.step(), once per batch: 3 * 10 = 30.
# a is wrong: fit steps once per batch, not once per epoch.
# b is wrong: the last, shorter batch is served too (drop_last is False).
answer_steps = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_nn_answer_steps", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_steps is one of the letters "a", "b", "c"."""
assert answer_steps in ("a", "b", "c"), (
    f'answer_steps should be "a", "b" or "c", got {answer_steps!r}'
)
print(f"answer_steps = {answer_steps!r}: a valid letter (graded with the lab)")

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_steps", answer_steps)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_summary", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Summary
#
# - `TensorDataset` pairs the rows; a `DataLoader` with a seeded generator serves them
#   in reproducibly shuffled batches, $\lceil N / B \rceil$ steps per epoch.
# - `nn.Linear(3, 2)` holds `weight` (2, 3) and `bias` (2,); `F.mse_loss` averages
#   over all entries; `optim.SGD` does the update.
# - A step is forward, loss, `loss.backward()`, `opt.step()`, `opt.zero_grad()`.
# - With full batches, `torch.nn` and the loop by hand are the same computation;
#   with mini-batches each step follows its own batch's gradient.
#
# ## Going further (not graded)
#
# 1. Rerun Section 9's comparison in float64 (`make_model(SEED).double()`,
#    `inputs.double()`): the difference drops to about $10^{-15}$.
# 2. Try `LR` = 1.2e-4: what happens, and why (hint: $2 / \lambda_{\max}$ of the
#    Hessian is about $1.1 \times 10^{-4}$ here)?
# 3. Standardise the inputs and retrain. How large can the learning rate be now?
