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

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_title", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 05: Linear regression with `torch.nn` (16 points)
#
# You will fit the crop-yield model once more: three inputs per region (temperature,
# rainfall, humidity), two targets (the yields of apples and oranges), a linear model
# $\hat Y = X W^\top + b$ trained by gradient descent on the mean squared error. Last
# time every piece was written by hand. This time PyTorch's building blocks do the
# work: `TensorDataset` and `DataLoader` serve the data in shuffled batches,
# `nn.Linear` holds the weights, `F.mse_loss` is the loss and `optim.SGD` the update.
# At the end you check that nothing changed but the spelling: from the same initial
# weights, the `torch.nn` version and the by-hand loop end at the same parameters.
#
# **Learning objectives.** After this lab you can
#
# - serve data with `TensorDataset` and a seeded, shuffling `DataLoader`, and say
#   what an epoch, a batch and shuffling are;
# - read the shapes of `nn.Linear(3, 2)`: `weight` (2, 3), `bias` (2,);
# - write one optimisation step in the right order and recognise what each wrong
#   order does;
# - write a training loop `fit` and show that, with full batches, it reproduces the
#   by-hand loop.
#
# **How this lab is graded.** Each task is a function, a variable or a one-letter
# answer in a cell marked `# YOUR CODE HERE`: replace `raise NotImplementedError()`
# with your code. Run the test cell after it: its *visible* check tells you what
# looks wrong. At grading, the same cells run *hidden* checks on inputs of their own
# (other batch sizes, seeds and learning rates) and compare with a **float64 replay
# of the seeded run**, allowing $10^{-5}$ on trained weights and $10^{-3}$ on
# predictions: far more than float32 rounding (Section 9), far less than any common
# mistake (one epoch too many moves the weights by $4 \times 10^{-4}$). Keep the function
# names and arguments, don't delete, copy or split the answer and test cells, and
# make sure the notebook runs top to bottom (*Kernel → Restart Kernel and Run All
# Cells*).
#
# | Section | Points |
# |---|---|
# | 2. `TensorDataset` and `DataLoader` | 2 |
# | 3. The model: `nn.Linear` | 1 |
# | 4. The loss: `F.mse_loss` | 1 |
# | 5. The optimiser: `optim.SGD` | 1 |
# | 6. One optimisation step | 2 |
# | 7. The training loop `fit` | 3 |
# | 9. Full batches: `torch.nn` equals the loop by hand | 2 |
# | 10. Predictions | 1 |
# | 11. Concept questions | 3 |
# | **Total** | **16** |
#
# The data and the by-hand loop follow a notebook widely shared online; its mistakes
# are shown as **Pitfall** where they matter.

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
# Five regions, one row each. The inputs are temperature (°F), rainfall (mm) and
# humidity (%); the targets are the yields of apples and oranges (tons per hectare).
#
# **Pitfall.** Code like this is common, with no cell that defines the data:
#
# ```python
# inputs = torch.from_numpy(inputs)
# targets = torch.from_numpy(targets)
# ```
#
# It stops with a `NameError`. Define the data where the notebook first uses them, as
# below.

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
#   `(inputs[i], targets[i])` and `len(ds)` is the number of rows, $N$. Nothing is
#   split, copied or batched.
# - `DataLoader(ds, batch_size=B, shuffle=True)` serves the pairs in **batches**:
#   each `for xb, yb in train_dl:` yields `xb` of shape $(B, 3)$ and `yb` of shape
#   $(B, 2)$, the last batch shorter if $B$ does not divide $N$.
#
# One **epoch** is one pass of that loop, and the training loop takes one gradient
# step per batch:
#
# $$\text{batches per epoch} = \lceil N / B \rceil .$$
#
# Here $N = B = 5$: one batch of all five rows, one step per epoch, the full-batch
# gradient descent of the lab by hand. With $B = 2$ an epoch is three batches (2, 2,
# 1 rows) and three steps.
#
# **Why shuffle.** With a fixed order the same examples share a batch in every epoch
# and the steps always come in the same sequence. `shuffle=True` draws a new
# permutation every epoch, so each batch is a random sample and its gradient an
# unbiased estimate of the full-data gradient. Each $x_i$ keeps its $y_i$.
#
# **Why a seeded generator.** Without a `generator` the loader draws from torch's
# *global* generator, whose state depends on everything drawn before: the model's
# initialisation, a cell run twice, a cell added above.
# `generator=torch.Generator().manual_seed(seed)` gives the loader a stream of its
# own: each epoch gets a new order, and a loader made again with the same seed repeats
# the whole sequence. The grader relies on this to replay your run.
#
# **Pitfall.** A common claim is that a `TensorDataset` is for "convert to train test
# batch" and that shuffling "randomize[s] the targets variable". Neither: the dataset
# only pairs rows, and shuffling reorders whole examples.
#
# **Task (2 points).** Write `make_loader(inputs, targets, batch_size, seed)` that
# returns
#
# ```python
# DataLoader(TensorDataset(inputs, targets), batch_size=batch_size, shuffle=True,
#            generator=torch.Generator().manual_seed(seed))
# ```
#
# The hidden check replays this recipe, so use exactly it.

# %% nbgrader={"grade": false, "grade_id": "nn_make_loader", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_loader(inputs, targets, batch_size, seed):
    """A shuffling DataLoader over (inputs (N, 3), targets (N, 2)), seeded.

    Yields (xb, yb) batches of shapes (B, 3) and (B, 2), B = batch_size (the last
    batch shorter), in an order that depends only on seed.
    """
    ### BEGIN SOLUTION
    dataset = TensorDataset(inputs, targets)
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
loader_small = make_loader(x_small, y_small, 3, 0)
n_small = len(loader_small.dataset)
assert n_small == 7, f"the dataset has {n_small} rows, expected 7"
batches_small = list(loader_small)
sizes_small = [len(xb) for xb, _ in batches_small]
print("batch sizes:", sizes_small, "(should be [3, 3, 1])")
assert sizes_small == [3, 3, 1], (
    f"batches of {sizes_small} rows, expected [3, 3, 1]: pass batch_size=batch_size"
)
assert all(torch.equal(xb[:, :2], yb) for xb, yb in batches_small), (
    "an input and its target were separated: use TensorDataset(inputs, targets)"
)
order_small = [int(v) for xb, _ in batches_small for v in xb[:, 0]]
print("order of the first epoch:", order_small, "(shuffled, not 0..6)")
assert order_small != list(range(7)), "the rows come in order: pass shuffle=True"
loader_again = make_loader(x_small, y_small, 3, 0)
again_small = [int(v) for xb, _ in loader_again for v in xb[:, 0]]
assert again_small == order_small, (
    "the same seed gave another order: pass generator=torch.Generator().manual_seed(seed)"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("loader", make_loader)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loader_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The lab's loader: one batch of all five rows per epoch, in a new order each epoch
# (the first column, temperature, identifies the rows). A second loader with the same
# seed repeats the orders.

# %% nbgrader={"grade": false, "grade_id": "nn_loader_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
train_dl = make_loader(inputs, targets, BATCH_SIZE, SEED)
for epoch in range(3):
    print(f"epoch {epoch}:", [xb[:, 0].tolist() for xb, _ in train_dl])
again_dl = make_loader(inputs, targets, BATCH_SIZE, SEED)
print("same seed:", [xb[:, 0].tolist() for xb, _ in again_dl])

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loader_two", "locked": true, "schema_version": 3, "solution": false, "task": false}
# With batches of 2 an epoch has three batches, and shuffling changes which rows are
# grouped together:

# %% nbgrader={"grade": false, "grade_id": "nn_loader_two", "locked": true, "schema_version": 3, "solution": false, "task": false}
small_dl = make_loader(inputs, targets, 2, SEED)
for epoch in range(3):
    print(f"epoch {epoch}:", [xb[:, 0].tolist() for xb, _ in small_dl])


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_model", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. The model: `nn.Linear` (1 point)
#
# **Why.** By hand the model was a weight matrix `w` (2, 3), a bias `b` (2,) and the
# function `inputs @ w.t() + b`. `nn.Linear(in_features, out_features)` packages
# exactly that: it creates `weight` of shape `(out_features, in_features)` and `bias`
# of shape `(out_features,)`, marks them `requires_grad=True`, initialises them, and
# its forward pass is
#
# $$\hat Y = X\,W^\top + b, \qquad
# X \in \mathbb{R}^{B \times 3},\; W = \texttt{weight} \in \mathbb{R}^{2 \times 3},\;
# b = \texttt{bias} \in \mathbb{R}^{2},\; \hat Y \in \mathbb{R}^{B \times 2}.$$
#
# Row $j$ of `weight` holds the weights of output $j$. With 3 inputs and 2 targets the model is `nn.Linear(3, 2)`; `nn.Linear(2, 3)` expects 2
# inputs and fails on our data with a shape error. The initial values are drawn
# uniformly from $[-1/\sqrt{3}, 1/\sqrt{3}]$ with torch's global generator, so
# `torch.manual_seed(seed)` right before `nn.Linear(3, 2)` fixes them.
#
# **Task (1 point).** Write `make_model(seed)`: seed torch's global generator with
# `torch.manual_seed(seed)`, then return `nn.Linear(3, 2)`.

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
assert model_small.weight.shape == (2, 3), (
    "weight is (out_features, in_features): did you write nn.Linear(2, 3)?"
)
assert model_small.bias.shape == (2,), "bias should have shape (2,)"
assert torch.equal(make_model(0).weight, model_small.weight), (
    "two calls with the same seed differ: call torch.manual_seed(seed) first"
)
x_ones = torch.ones(4, 3)
assert torch.allclose(
    model_small(x_ones), x_ones @ model_small.weight.T + model_small.bias
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("model", make_model)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_model_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The lab's model, its parameters, and its forward pass written out: the two agree.

# %% nbgrader={"grade": false, "grade_id": "nn_model_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
model = make_model(SEED)
print(model.weight, model.bias, sep="\n")
torch.allclose(model(inputs), inputs @ model.weight.T + model.bias)

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. The loss: `F.mse_loss` (1 point)
#
# **Why.** We keep the loss of the lab by hand, the mean of the squared errors over
# *all* $2B$ entries of the batch (two targets per row):
#
# $$L = \frac{1}{2B} \sum_{i=1}^{B} \sum_{j=1}^{2} \big(\hat Y_{ij} - Y_{ij}\big)^2 .$$
#
# `torch.nn.functional` (imported as `F`) holds functions without parameters: losses,
# activations and more. `F.mse_loss(y_hat, y)` with its default `reduction="mean"` is
# exactly $L$, `torch.sum(diff * diff) / diff.numel()`. Two near misses train a
# different model: `reduction="sum"` is $2B$ = 10 times larger here (and so are its
# gradients, as if the learning rate were 10 times larger), and `F.l1_loss` is the
# mean *absolute* error.
#
# **Pitfall.** Code like this is common:
#
# ```python
# def loss_(predictions, truths):
#     diff = predictions - truths
#
# return torch.sum(diff * diff) / diff.numel()
# ```
#
# The `return` is outside the function: `SyntaxError: 'return' outside function`.
# Indented, the formula is right.
#
# **Task (1 point).** Set `loss_fn` to the function `F.mse_loss` itself: not
# `F.mse_loss(...)` (a number), not the class `nn.MSELoss` (`nn.MSELoss()`, an
# instance, would also do).

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
# tons per hectare; its square root, about 50, is the typical size of an error
# between target and prediction (the root-mean-square error).
#
# **Pitfall.** A common claim, written under a printed loss:
#
# ```python
# print(mse(preds, targets))  # tensor(21231.4629, grad_fn=<DivBackward0>)
# # 52.561 is error between actual and predicted
# ```
#
# The printed loss, 21231, is the mean of the squared errors; the typical error is its
# root, $\sqrt{21231} \approx 146$. 52.561 is neither: a comment that quotes an output
# goes stale when unseeded weights make every run print something else.

# %% nbgrader={"grade": false, "grade_id": "nn_loss_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
loss_fn(model(inputs), targets)


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_optimizer", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. The optimiser: `optim.SGD` (1 point)
#
# **Why.** By hand, the update was `w -= w.grad * lr` inside `torch.no_grad()`, then
# `w.grad.zero_()`, for every parameter. `torch.optim.SGD(model.parameters(), lr=lr)`
# does this for the model's `weight` and `bias`:
#
# - `opt.step()` updates each of them, $p \leftarrow p - \text{lr}\,\nabla_p L$,
#   using the gradient stored in `p.grad`;
# - `opt.zero_grad()` clears those gradients for the next `backward()`.
#
# SGD stands for *stochastic* gradient descent: with a random batch per step, the
# gradient is a noisy estimate of the full-data gradient; with one batch of all the
# data, as here, it is plain gradient descent.
#
# **Pitfall.** A common claim is that an optimiser "helps achieve gradient descent
# quicker". It does not: `opt.step()` is the same arithmetic as the update by hand
# (Section 6 checks this), written once for all parameters.
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
# 2. **gradients**: `loss.backward()` computes, for the mean squared error,
#
#    $$\nabla_W L = \frac{2}{2B}\,(\hat Y - Y)^\top X_b \in \mathbb{R}^{2 \times 3},
#      \qquad
#      \nabla_b L = \frac{2}{2B} \sum_{i=1}^{B} (\hat Y_i - Y_i) \in \mathbb{R}^{2},$$
#
#    and **adds** them to `model.weight.grad` and `model.bias.grad`;
# 3. **update**: `opt.step()` sets $W \leftarrow W - \text{lr}\,\nabla_W L$ and
#    $b \leftarrow b - \text{lr}\,\nabla_b L$;
# 4. **reset**: `opt.zero_grad()` clears the gradients.
#
# `opt.step()` uses whatever `.grad` holds *when it runs*: called before
# `backward()`, it finds no gradient (nothing happens) or the previous batch's. And
# because `backward()` adds to `.grad`, without `opt.zero_grad()` the second step
# uses the first batch's gradient plus the second's, the tenth the sum of ten: the
# steps grow and training oscillates.
#
# Return the batch's loss as a Python number with `loss.item()`. (`float(loss)`
# prints a warning in torch 2.13 for a tensor that requires gradients, and a test
# cell that writes a warning loses its points.)
#
# **Task (2 points).** Write `train_step(model, loss_fn, opt, xb, yb)`: one step as
# above, using only its arguments, returning the loss *before* the step. The hidden
# check calls it on two batches in turn.

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
with torch.no_grad():
    model_small.weight.zero_()
    model_small.bias.zero_()
opt_small = torch.optim.SGD(model_small.parameters(), lr=0.1)
x_small, y_small = torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])
with warnings.catch_warnings():  # a warning on stderr would cost this cell its points
    warnings.simplefilter("ignore")
    loss_small = train_step(model_small, F.mse_loss, opt_small, x_small, y_small)
    w_1, b_1 = model_small.weight.item(), model_small.bias.item()
    train_step(model_small, F.mse_loss, opt_small, x_small, y_small)
    w_2, b_2 = model_small.weight.item(), model_small.bias.item()
print(
    f"loss {float(loss_small):.4f} (should be 10), after step 1: w = {w_1:.4f}, "
    f"b = {b_1:.4f} (1 and 0.6), after step 2: w = {w_2:.4f}, b = {b_2:.4f} "
    "(1.32 and 0.78)"
)
assert abs(float(loss_small) - 10.0) < 1e-5, "return the loss before the step"
assert abs(w_1 - 1.0) < 1e-5 and abs(b_1 - 0.6) < 1e-5, (
    "w = b = 0 after step 1 means opt.step() ran before loss.backward()"
)
assert abs(w_2 - 1.32) < 1e-5 and abs(b_2 - 0.78) < 1e-5, (
    "w = 2.32 after step 2 means the gradients accumulated: call opt.zero_grad()"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_step", train_step)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_step_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# `opt.step()` is the update by hand: from the same start, one `train_step` on the
# whole data set and one update written out under `torch.no_grad()` give the same
# parameters (a difference of 0, or a few 1e-8 from float32 rounding).

# %% nbgrader={"grade": false, "grade_id": "nn_step_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
model_opt, model_hand = make_model(SEED), make_model(SEED)  # the same start
train_step(model_opt, loss_fn, make_optimizer(model_opt, LR), inputs, targets)

loss_fn(model_hand(inputs), targets).backward()
with torch.no_grad():
    model_hand.weight -= LR * model_hand.weight.grad
    model_hand.bias -= LR * model_hand.bias.grad

print(
    "largest difference:",
    (model_opt.weight - model_hand.weight).abs().max().item(),
    (model_opt.bias - model_hand.bias).abs().max().item(),
)


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_fit", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 7. The training loop `fit` (3 points)
#
# **Why.** Training is the step of Section 6 for every batch, for `num_epochs`
# epochs:
#
# ```
# for each epoch:                  # num_epochs times
#     for xb, yb in train_dl:      # len(train_dl) batches, reshuffled every epoch
#         one train_step on (xb, yb), and record its loss
# ```
#
# `fit` returns **one loss per batch**, in the order the steps were taken:
# `num_epochs * len(train_dl)` Python floats, each the loss of its batch before its
# step. With this lab's loader, `len(train_dl)` is 1, so that is also one loss per
# epoch. The loss of a step must be computed on *its batch* `xb, yb`, not on the
# whole data set: with one batch of five rows you could not tell, so the hidden checks
# also run your `fit` on batches of 2.
#
# **Task (3 points).** Write `fit(num_epochs, model, loss_fn, opt, train_dl)` using
# your `train_step`, returning the list of losses. It trains `model` in place. 1
# point for the loss history, 2 for the trained parameters.

# %% nbgrader={"grade": false, "grade_id": "nn_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fit(num_epochs, model, loss_fn, opt, train_dl):
    """Train model in place; returns the losses, one per batch (a list of floats).

    len(losses) == num_epochs * len(train_dl); losses[k] is the loss of the k-th
    batch before its step.
    """
    ### BEGIN SOLUTION
    losses = []
    for _ in range(num_epochs):
        for xb, yb in train_dl:
            losses.append(train_step(model, loss_fn, opt, xb, yb))
    ### END SOLUTION
    return losses


# %% nbgrader={"grade": true, "grade_id": "test_nn_fit_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the losses of fit: 2 epochs of 4 batches of 1 row, one loss per batch."""
# four rows of 3 inputs on the plane y = x @ W.T + b, W = [[2, 0, 0], [0, 0, 1]],
# b = [1, -1]; the model starts at W = 0, b = 0
x_small = torch.tensor([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
y_small = torch.tensor([[1.0, -1], [3, -1], [1, -1], [1, 0]])
model_small = nn.Linear(3, 2)
with torch.no_grad():
    model_small.weight.zero_()
    model_small.bias.zero_()
opt_small = torch.optim.SGD(model_small.parameters(), lr=0.1)
loader_small = DataLoader(TensorDataset(x_small, y_small), batch_size=1)  # in order
with warnings.catch_warnings():  # a warning on stderr would cost this cell its points
    warnings.simplefilter("ignore")
    losses_small = fit(2, model_small, F.mse_loss, opt_small, loader_small)
assert isinstance(losses_small, list), (
    f"fit returned {type(losses_small).__name__}: return the list of losses"
)
print("losses:", losses_small[:8], "(8 of them, starting at 1.0)")
assert len(losses_small) == 8, (
    f"{len(losses_small)} losses, expected 8 = 2 epochs x 4 batches: one per batch, "
    "for num_epochs (the argument) epochs"
)
assert all(isinstance(v, float) for v in losses_small), "use loss.item()"
assert abs(losses_small[0] - 1.0) < 1e-5, (
    f"losses[0] is {losses_small[0]:.4g}, expected 1, the loss of the first batch "
    "(x = [0, 0, 0], y = [1, -1]) at W = 0, b = 0: is the loss computed on the "
    "batch xb, yb, before the step?"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("fit_losses", fit)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_nn_fit_params", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check that fit finds W = [[2, 0, 0], [0, 0, 1]], b = [1, -1] from four rows."""
x_small = torch.tensor([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
y_small = torch.tensor([[1.0, -1], [3, -1], [1, -1], [1, 0]])
model_small = nn.Linear(3, 2)
with torch.no_grad():
    model_small.weight.zero_()
    model_small.bias.zero_()
opt_small = torch.optim.SGD(model_small.parameters(), lr=1.0)
loader_small = DataLoader(TensorDataset(x_small, y_small), batch_size=4)
with warnings.catch_warnings():  # a warning on stderr would cost this cell its points
    warnings.simplefilter("ignore")
    fit(300, model_small, F.mse_loss, opt_small, loader_small)
print("W =", model_small.weight.tolist(), "b =", model_small.bias.tolist())
w_error = (model_small.weight - torch.tensor([[2.0, 0, 0], [0, 0, 1]])).abs().max()
b_error = (model_small.bias - torch.tensor([1.0, -1])).abs().max()
assert w_error < 1e-3 and b_error < 1e-3, (
    "fit did not find W = [[2, 0, 0], [0, 0, 1]], b = [1, -1]: does train_step pass "
    "its test, and does fit run it on every batch xb, yb of every epoch?"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("fit_params", fit)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 8. Training the crop-yield model
#
# Everything together, seeded: the model from `make_model(SEED)`, the batches from
# `make_loader(..., SEED)`. The cell builds a fresh model each time it runs, so
# running it again repeats the same 500 epochs. Any other `fit(..., model, ...)`
# would continue training it, and the graded prediction of Section 10 would be off:
# restart and run all cells before you submit.
#
# **Pitfall.** A cell that updates tensors in place is one more step each time it
# runs. Code like this is common, with `w` printed as the weights after one update:
#
# ```python
# with torch.no_grad():
#     w -= w.grad * 1e-5  # w[0, 0] was 0.7042, its gradient -13965
#     b -= b.grad * 1e-5
# print(w)  # w[0, 0] = 0.9835
# ```
#
# One step gives $0.7042 + 0.1397 = 0.8439$; 0.9835 is two steps, because the cell
# ran twice before the gradients were zeroed. Check a step against
# $w - \text{lr}\,\nabla_w L$, as Section 6 does.

# %% nbgrader={"grade": false, "grade_id": "nn_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
model = make_model(SEED)
opt = make_optimizer(model, LR)
train_dl = make_loader(inputs, targets, BATCH_SIZE, SEED)
loss_history = fit(NUM_EPOCHS, model, loss_fn, opt, train_dl)
print(
    f"{len(loss_history)} losses, from {loss_history[0]:.1f} to {loss_history[-1]:.3f}"
)

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_train_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss falls from about 2480 to about 19.7 and is still falling: the inputs are
# raw numbers of very different sizes, so the loss is a long, narrow valley (its
# curvature differs by a factor of about $2 \times 10^6$ between directions), and a
# learning rate small enough for the steep direction is slow along the flat one.
# Right: predictions against targets; points on the dashed line are exact.

# %% nbgrader={"grade": false, "grade_id": "nn_train_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
with torch.no_grad():
    preds_train = model(inputs)
fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(11, 4))
ax_loss.semilogy(range(1, len(loss_history) + 1), loss_history)
ax_loss.set(
    xlabel="step (= epoch: one batch per epoch)",
    ylabel="MSE loss (log scale)",
    title=f"Training with torch.nn, lr = {LR:g}",
)
for j, (name, marker) in enumerate([("apples", "o"), ("oranges", "s")]):
    ax_fit.scatter(targets[:, j], preds_train[:, j], marker=marker, label=name)
ax_fit.plot([20, 135], [20, 135], "k--", lw=1, label="prediction = target")
ax_fit.set(
    xlabel="target yield", ylabel="predicted yield", title=f"After {NUM_EPOCHS} epochs"
)
ax_fit.legend();


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_full_batch", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 9. Full batches: `torch.nn` equals the loop by hand (2 points)
#
# **Why.** Nothing in Sections 2 to 8 is new mathematics. With the same data, the
# same initial weights and one batch of all the data per step, the `torch.nn` version
# computes the same forward pass, loss, gradients and update as the loop by hand, so
# it must end at the same parameters. Check it by writing the loop by hand once more.
#
# **Pitfall.** Code like this is common:
#
# ```python
# factor = w * learning_rate
# w.sub_(factor)
# ```
#
# It subtracts a multiple of the *weights*: every epoch multiplies them by
# $(1 - \text{lr})$, whatever the data say, so the loss barely moves (the red curve
# below). The update must use the gradient, `w -= w.grad * lr`, and then zero the
# gradients, as `opt.step()` and `opt.zero_grad()` do.
#
# **Task (2 points).** Write `manual_fit(num_epochs, w, b, inputs, targets, lr)`:
# `w` (2, 3) and `b` (2,) are tensors with `requires_grad=True`; for each epoch
# compute `preds = inputs @ w.t() + b`, the mean squared error (by hand:
# `torch.sum(diff * diff) / diff.numel()`), record `loss.item()`, call
# `loss.backward()`, update `w` and `b` in place under `torch.no_grad()` and zero
# their gradients. Return `w, b, losses`. The hidden check compares with a float64
# replay of the full-batch `torch.nn` run.

# %% nbgrader={"grade": false, "grade_id": "nn_manual_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def manual_fit(num_epochs, w, b, inputs, targets, lr):
    """Full-batch gradient descent by hand: w (2, 3), b (2,) -> (w, b, losses)."""
    losses = []
    ### BEGIN SOLUTION
    for _ in range(num_epochs):
        preds = inputs @ w.t() + b
        diff = preds - targets
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
"""Check manual_fit on y = 2x from w = b = 0: two epochs worked out by hand."""
w_small = torch.zeros(1, 1, requires_grad=True)
b_small = torch.zeros(1, requires_grad=True)
x_small, y_small = torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])
w_small, b_small, losses_small = manual_fit(2, w_small, b_small, x_small, y_small, 0.1)
print(
    f"w = {w_small.item():.4f}, b = {b_small.item():.4f} (should be 1.32 and 0.78), "
    f"losses {losses_small} (10 and 1.06)"
)
assert abs(w_small.item() - 1.32) < 1e-5 and abs(b_small.item() - 0.78) < 1e-5, (
    "w = 0 means an update with the weights, w.sub_(w * lr); "
    "w = 2.32 means gradients that were not zeroed"
)
assert len(losses_small) == 2 and abs(losses_small[0] - 10.0) < 1e-5, (
    "record loss.item() once per epoch, before the update"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("full_batch", manual_fit)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_full_batch_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The comparison: both runs start from the same initial weights (copied from a fresh
# `make_model(SEED)` *before* training it), use all five rows at every step and run
# `NUM_EPOCHS` epochs. The loader's shuffling only reorders the rows inside the one
# batch, which changes the mean only by rounding.

# %% nbgrader={"grade": false, "grade_id": "nn_full_batch_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
model_nn = make_model(SEED)
w_hand = model_nn.weight.detach().clone().requires_grad_()
b_hand = model_nn.bias.detach().clone().requires_grad_()

losses_nn = fit(
    NUM_EPOCHS,
    model_nn,
    loss_fn,
    make_optimizer(model_nn, LR),
    make_loader(inputs, targets, BATCH_SIZE, SEED),
)
w_hand, b_hand, losses_hand = manual_fit(
    NUM_EPOCHS, w_hand, b_hand, inputs, targets, LR
)

diff_w = (model_nn.weight - w_hand).abs().max().item()
diff_b = (model_nn.bias - b_hand).abs().max().item()
print(f"float32: largest difference in w {diff_w:.1e}, in b {diff_b:.1e}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_full_batch_64", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The difference is not zero, but it is float32 rounding: `nn.Linear` computes
# `x @ W.T + b` in one fused operation and `F.mse_loss` sums in its own order, so
# each step rounds differently, by about $10^{-7}$ relative (float32 keeps about 7
# digits), and gradient descent here does not amplify that. In float64 the two runs
# agree to the last bit: the computations are the same.

# %% nbgrader={"grade": false, "grade_id": "nn_full_batch_64", "locked": true, "schema_version": 3, "solution": false, "task": false}
model_64 = make_model(SEED).double()
w_64 = model_64.weight.detach().clone().requires_grad_()
b_64 = model_64.bias.detach().clone().requires_grad_()
fit(
    NUM_EPOCHS,
    model_64,
    loss_fn,
    make_optimizer(model_64, LR),
    make_loader(inputs.double(), targets.double(), BATCH_SIZE, SEED),
)
w_64, b_64, _ = manual_fit(
    NUM_EPOCHS, w_64, b_64, inputs.double(), targets.double(), LR
)
print(
    f"float64: largest difference in w "
    f"{(model_64.weight - w_64).abs().max().item():.1e}, "
    f"in b {(model_64.bias - b_64).abs().max().item():.1e}"
)

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_full_batch_bug", "locked": true, "schema_version": 3, "solution": false, "task": false}
# And the update with the weights, `w.sub_(w * lr)`, from the same start: the loss
# hardly moves (here it even creeps up, from 2480 to 2492), because the data never
# enter the update.

# %% nbgrader={"grade": false, "grade_id": "nn_full_batch_bug", "locked": true, "schema_version": 3, "solution": false, "task": false}
model_bug = make_model(SEED)
with torch.no_grad():
    w_bug, b_bug = model_bug.weight.clone(), model_bug.bias.clone()
    losses_bug = []
    for _ in range(NUM_EPOCHS):
        losses_bug.append(loss_fn(inputs @ w_bug.t() + b_bug, targets).item())
        w_bug.sub_(w_bug * LR)  # the weights, not the gradient
        b_bug.sub_(b_bug * LR)

fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(losses_nn, lw=3, alpha=0.5, label="torch.nn: fit, full batches")
ax.semilogy(losses_hand, "k--", lw=1, label="by hand: manual_fit")
ax.semilogy(losses_bug, color="C3", label="update with the weights: w.sub_(w * lr)")
ax.set(
    xlabel="epoch",
    ylabel="MSE loss (log scale)",
    title="Same start, same data, full batches",
)
ax.legend();


# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_predict", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 10. Predictions (1 point)
#
# **Why.** A trained model predicts for inputs it has never seen by the same forward
# pass. Gradients are not needed, so run it under `torch.no_grad()`: PyTorch then
# records no graph, and the result is a plain tensor.
#
# A new region: temperature 75, rainfall 63, humidity 44.
#
# **Task (1 point).** Write `predict(model, x)` returning `model(x)` computed without
# gradients: shape `(k, 2)` for `x` of shape `(k, 3)`. The hidden check calls it with
# the notebook's trained `model` and compares with the float64 replay of the seeded
# run.

# %% nbgrader={"grade": false, "grade_id": "nn_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(model, x):
    """Predictions of model for x (k, 3) -> (k, 2), without tracking gradients."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        y_hat = model(x)
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "test_nn_prediction", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the trained model's prediction for the new region [75, 63, 44]."""
assert isinstance(model, nn.Linear) and model.weight.shape == (2, 3), (
    "model should be the trained nn.Linear(3, 2) of Section 8: see Section 3"
)
pred_new = predict(model, torch.tensor([[75.0, 63.0, 44.0]]))
print("apples, oranges:", pred_new.tolist())
assert pred_new.shape == (1, 2), f"shape {tuple(pred_new.shape)}, expected (1, 2)"
assert not pred_new.requires_grad, (
    "predict's result tracks gradients: compute model(x) inside `with torch.no_grad():`"
)
train_mse = ((predict(model, inputs) - targets) ** 2).mean().item()
print(f"MSE of the trained model on the data: {train_mse:.2f} (about 19.6)")
assert train_mse < 25, (
    f"the trained model's MSE on the data is {train_mse:.4g}, not about 19.6: "
    "training went wrong. Do the test cells of Sections 2 to 7 pass, and did "
    "Section 8 run once, without errors?"
)

### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("prediction", predict, model)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "nn_md_questions", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 11. Concept questions (3 points)
#
# Answer each with one letter in the cell below it, e.g. `answer_zero_grad = "a"`.
# Try the experiment the question describes if you are unsure.
#
# **Question 1 (1 point).** In `train_step`, what does `opt.zero_grad()` prevent?
#
# - a) the learning rate from growing as the optimiser takes more and more steps;
# - b) the gradients of earlier batches from being added to the current batch's gradient;
# - c) the weights from being pulled back to their initial values by `backward()`.

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
# **Question 2 (1 point).** In this lab (5 rows, `BATCH_SIZE` = 5), what does
# `shuffle=True` change about the trained weights, compared with `shuffle=False`?
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
# - A step is forward, loss, `loss.backward()`, `opt.step()`, `opt.zero_grad()`:
#   `step` uses whatever `.grad` holds, and `backward` adds to it.
# - With full batches, `torch.nn` and the loop by hand are the same computation.
#
# ## Exercises (not graded)
#
# 1. Train with batches of 2 and plot the loss of each step: why is the curve jagged?
#    Do the final weights now depend on `shuffle`?
# 2. Try `LR` = 1.2e-4: what happens, and why (hint: $2 / \lambda_{\max}$ of the
#    Hessian is about $1.1 \times 10^{-4}$ here)?
# 3. Standardise the inputs (subtract the column means, divide by the column standard
#    deviations) and retrain. How large can the learning rate be now?
