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

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_title", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 04: Multi-output linear regression from scratch (21 points)
#
# You will predict two crop yields, apples and oranges, from three weather
# measurements with a linear model written from scratch in PyTorch: the weights, the
# model, the loss, the gradients (by autograd and by a formula you derive), the update
# step and the training loop. Then you debug a broken training loop, find out why this
# data set needs such a tiny learning rate, and remove the reason by scaling the
# features.
#
# **Learning objectives.** Write a model with several inputs and outputs as
# `x @ w.t() + b`; derive its gradients in matrix form; use autograd safely; read the
# signature of a training bug; explain with the Hessian why raw features force a tiny
# learning rate.
#
# **How this lab is graded.** Each task is a function (or a one-letter answer, or a
# few lines) in a cell marked `# YOUR CODE HERE`: replace
# `raise NotImplementedError()` with your code. The test cell after it runs a quick
# *visible* check; at grading it also runs *hidden* checks on the lab's data, so
# passing the visible check is necessary, not sufficient. Keep the function names and
# arguments, don't delete, copy or split cells, and make sure the notebook runs top to
# bottom (*Restart Kernel and Run All Cells*).
#
# | Section | Points |
# |---|---|
# | 1. Weights and bias | 2 |
# | 2. The model | 1 |
# | 3. The loss | 1 |
# | 4. Gradients | 4 |
# | 5. One update step | 2 |
# | 6. The training loop | 4 |
# | 7. Debugging a training loop | 4 |
# | 8. Why the learning rate must be so small | 2 |
# | 9. Feature scaling | 1 |
# | **Total** | **21** |
#
# Common mistakes are flagged as **Pitfall**; in Section 7 you debug one.

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 0. Setup
#
# For five regions, the average temperature (°F), rainfall (mm) and humidity (%), and
# the yields of apples and oranges (tons per hectare): one row per region, so `inputs`
# is (5, 3) and `targets` is (5, 2). The hidden checks use the constants below, so
# leave them as they are (experiment in new cells instead).

# %% nbgrader={"grade": false, "grade_id": "mo_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import warnings

import matplotlib.pyplot as plt
import torch

SEED = 42  # seed of the initial weights, the lab's only randomness
LR = 1e-5  # learning rate for the raw inputs (Section 8 says why it is so small)
NUM_EPOCHS = 500  # number of gradient descent steps

# Inputs: temperature, rainfall, humidity (one row per region).
inputs = torch.tensor(
    [[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]],
    dtype=torch.float32,
)
# Targets: yields of apples and oranges.
targets = torch.tensor(
    [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]], dtype=torch.float32
)

# float(loss) on a tensor that requires grad warns (harmlessly: we only log the
# number). A test cell that prints a warning scores 0, so this one is silenced.
warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad")


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_params", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. Weights and bias (2 points)
#
# **Why these shapes.** The model predicts each yield as a weighted sum of the three
# inputs plus a constant:
#
# $$\begin{aligned}
# \text{apples}  &= w_{11}\,\text{temp} + w_{12}\,\text{rainfall} + w_{13}\,\text{humidity} + b_1,\\
# \text{oranges} &= w_{21}\,\text{temp} + w_{22}\,\text{rainfall} + w_{23}\,\text{humidity} + b_2 .
# \end{aligned}$$
#
# So `w` has one row per output and one column per input feature, shape `(2, 3)` (the
# layout of `torch.nn.Linear`'s `weight`), and `b` one entry per output, shape `(2,)`.
# `requires_grad=True` asks autograd to record every operation on them, so that
# `loss.backward()` can fill `w.grad` and `b.grad`. `backward()` fills `.grad` only
# for such *leaf* tensors, not for computed ones like `w * 1` or `w.double()`.
#
# **Reproducibility.** Random numbers depend on the seed *and on the order of the
# draws*: after `torch.manual_seed(42)`, `w` takes the first six numbers and `b` the
# next two. Drawing `b` first gives another starting point.
#
# **Task (2 points).** Write `init_params(n_inputs, n_outputs, seed)` with this
# recipe, *in this order* (the lab calls `init_params(3, 2, SEED)`):
#
# 1. `torch.manual_seed(seed)`
# 2. `w = torch.randn(n_outputs, n_inputs, requires_grad=True)`
# 3. `b = torch.randn(n_outputs, requires_grad=True)`
#
# The lab's function names follow Lab 01's table of course names. 1 point for the
# shapes (float32 leaf tensors that require grad), 1 for the values.


# %% nbgrader={"grade": false, "grade_id": "mo_init_params", "locked": false, "schema_version": 3, "solution": true, "task": false}
def init_params(n_inputs, n_outputs, seed):
    """Seeded random weights and bias that autograd tracks.

    Returns w of shape (n_outputs, n_inputs) (one row per output, one column per
    input feature) and b of shape (n_outputs,), float32 leaf tensors with
    requires_grad=True.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    w = torch.randn(n_outputs, n_inputs, requires_grad=True)
    b = torch.randn(n_outputs, requires_grad=True)
    ### END SOLUTION
    return w, b


# %% nbgrader={"grade": true, "grade_id": "test_mo_init_shapes", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check init_params: w (2, 3) and b (2,), float32 leaf tensors that require grad."""
w_small, b_small = init_params(3, 2, 0)
assert tuple(w_small.shape) == (2, 3), (
    f"w has shape {tuple(w_small.shape)}, expected (2, 3): (n_outputs, n_inputs)"
)
assert tuple(b_small.shape) == (2,), (
    f"b has shape {tuple(b_small.shape)}, expected (2,)"
)
assert w_small.requires_grad and b_small.requires_grad, (
    "w and b should be created with requires_grad=True"
)
assert w_small.is_leaf and b_small.is_leaf, (
    "w and b should be leaf tensors: no arithmetic on them after drawing them"
)
print("w (2, 3) and b (2,): leaf tensors that require grad, as expected")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("init_shapes", init_params)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_mo_init_values", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check init_params' values: torch.manual_seed(seed), then w, then b."""
w_small, b_small = init_params(3, 2, 0)
torch.manual_seed(0)
w_draw, b_draw = torch.randn(2, 3), torch.randn(2)
assert torch.equal(w_small.detach(), w_draw), (
    "w differs from torch.manual_seed(seed) then torch.randn(n_outputs, n_inputs): "
    "did you seed first, and draw w before b?"
)
assert torch.equal(b_small.detach(), b_draw), (
    "b differs from the draw torch.randn(n_outputs) right after w"
)
print("init_params(3, 2, 0) reproduces the seeded draws, w first")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("init_values", init_params)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_params_show", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The lab's starting point:

# %% nbgrader={"grade": false, "grade_id": "mo_params_show", "locked": true, "schema_version": 3, "solution": false, "task": false}
w0, b0 = init_params(3, 2, SEED)
w0, b0


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_model", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. The model (1 point)
#
# **Why one matrix product.** For example $i$ (row $i$ of `x`) and output $j$,
#
# $$\hat y_{ij} = \sum_{k=1}^{3} x_{ik}\, w_{jk} + b_j ,$$
#
# a dot product of row $i$ of `x` with row $j$ of `w`. All ten predictions at once:
#
# $$\hat Y = X W^\top + \mathbf{1}\, b^\top
# \qquad (5 \times 3)\,(3 \times 2) + (5 \times 2) \to (5 \times 2),$$
#
# in code `y_hat = x @ w.t() + b`: `w.t()` is the transpose of `w`, `(3, 2)`, and
# `+ b` adds `b` to every row (broadcasting).
#
# **Pitfall: the transpose.** `x @ w` fails (*mat1 and mat2 shapes cannot be
# multiplied (5x3 and 2x3)*). The "fix" `x @ w.reshape(3, 2)` runs and gives a
# `(5, 2)` result, but `reshape` refills the six numbers row by row, mixing the apple
# and orange weights. Only `w.t()` (or `w.T`) swaps rows and columns.
#
# **Pitfall: globals.** Code like this is common:
#
# ```python
# def predict(x):
#     return x @ w.t() + b  # reads the global w and b
# ```
#
# Pass `w` and `b` in, so the same function works (and can be tested) with any
# weights.
#
# **Task (1 point).** Write `predict(x, w, b)`.


# %% nbgrader={"grade": false, "grade_id": "mo_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(x, w, b):
    """Linear model: x (n, 3), w (2, 3), b (2,) -> y_hat (n, 2)."""
    ### BEGIN SOLUTION
    y_hat = x @ w.t() + b
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "test_mo_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check predict on 2 examples with hand-picked weights."""
x_small = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]])
w_small = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
b_small = torch.tensor([10.0, -1.0])
y_hat_small = predict(x_small, w_small, b_small)  # x @ w fails here: see the Pitfall
assert tuple(y_hat_small.shape) == (2, 2), (
    f"y_hat has shape {tuple(y_hat_small.shape)}, expected (2, 2): "
    "one row per example, one column per output"
)
print("y_hat:", y_hat_small.tolist(), "(should be [[8, 2], [8, -0.5]])")
assert torch.allclose(y_hat_small, torch.tensor([[8.0, 2.0], [8.0, -0.5]])), (
    "wrong values: row i, column j should be x[i] . w[j] + b[j]; "
    "[[10.5, 1.5], [12, -0.5]] means w.reshape(3, 2) instead of the transpose w.t()"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("predict", predict)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_model_show", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The predictions of the random starting point, next to the targets (apples,
# oranges): the oranges come out negative.

# %% nbgrader={"grade": false, "grade_id": "mo_model_show", "locked": true, "schema_version": 3, "solution": false, "task": false}
torch.cat([predict(inputs, w0, b0), targets], dim=1).detach()


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. The loss: mean squared error (1 point)
#
# With $N = 5$ examples and $m = 2$ outputs:
#
# $$L(w, b) = \frac{1}{N m} \sum_{i=1}^{N} \sum_{j=1}^{m} (\hat y_{ij} - y_{ij})^2 ,$$
#
# the mean over all $N m = 10$ entries: in code `diff = y_hat - y` and
# `torch.sum(diff * diff) / diff.numel()` (`(diff ** 2).mean()` and
# `torch.nn.functional.mse_loss(y_hat, y)` compute the same number).
#
# **Pitfall: what to divide by.** `len(diff)` is the number of *rows*, 5: dividing by
# it gives twice the MSE. `diff.mean(dim=0)` returns one number per output, and
# `loss.backward()` then fails with *grad can be implicitly created only for scalar
# outputs*.
#
# **Task (1 point).** Write `mse(y_hat, y)`; it returns a 0-dim tensor.


# %% nbgrader={"grade": false, "grade_id": "mo_mse", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mse(y_hat, y):
    """Mean squared error over all entries: y_hat, y (n, 2) -> 0-dim tensor."""
    ### BEGIN SOLUTION
    diff = y_hat - y
    loss = torch.sum(diff * diff) / diff.numel()
    ### END SOLUTION
    return loss


# %% nbgrader={"grade": true, "grade_id": "test_mo_mse", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check mse on a 2 x 2 example: its value and that it is one number."""
y_hat_small = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
loss_small = mse(y_hat_small, torch.tensor([[1.0, 0.0], [0.0, 0.0]]))
assert loss_small.shape == (), (
    f"the loss has shape {tuple(loss_small.shape)}, expected one number (0-dim): "
    "average over all entries"
)
print(f"mse = {float(loss_small):.4f} (should be (0 + 4 + 9 + 16) / 4 = 7.25)")
assert abs(float(loss_small) - 7.25) < 1e-5, (
    f"got {float(loss_small):.4f}, expected 7.25: 29 means a sum instead of a mean, "
    "14.5 a division by the number of rows instead of diff.numel()"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("mse", mse)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_loss_show", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss at the starting point is about 19322: the predictions are off by about
# $\sqrt{19322} \approx 139$ on average.

# %% nbgrader={"grade": false, "grade_id": "mo_loss_show", "locked": true, "schema_version": 3, "solution": false, "task": false}
mse(predict(inputs, w0, b0), targets)


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_gradients", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. Gradients (4 points)
#
# **Autograd.** `loss.backward()` stores the derivative of `loss` with respect to
# every leaf that requires grad in its `.grad`: `w.grad` has the shape of `w`,
# `(2, 3)`. We derive the same numbers by hand, to know what autograd computes.
#
# **Derivation, in matrix form.** Write the errors as a matrix,
#
# $$E = X W^\top + \mathbf{1}\, b^\top - Y \quad (N \times m),
# \qquad E_{ij} = \hat y_{ij} - y_{ij},
# \qquad L = \frac{1}{N m} \sum_{i,j} E_{ij}^2 .$$
#
# With $\partial E_{ij} / \partial w_{jk} = x_{ik}$ and
# $\partial E_{ij} / \partial b_j = 1$, the chain rule gives
#
# $$\frac{\partial L}{\partial w_{jk}} = \frac{2}{N m} \sum_{i=1}^{N} E_{ij}\, x_{ik}
#   = \frac{2}{N m} \big(E^\top X\big)_{jk},
# \qquad
# \frac{\partial L}{\partial b_j} = \frac{2}{N m} \sum_{i=1}^{N} E_{ij} ,$$
#
# so
#
# $$\frac{\partial L}{\partial W} = \frac{2}{N m}\, E^\top X \quad (2 \times 3),
# \qquad
# \frac{\partial L}{\partial b} = \frac{2}{N m}\, E^\top \mathbf{1} \quad (2,),$$
#
# in code, with `error` $= E$: `dw = 2 / error.numel() * error.t() @ x` and
# `db = 2 / error.numel() * error.sum(dim=0)`.
#
# - The **2** comes from the square, the **1/(N m)** from the mean over all
#   `error.numel()` = 10 entries (not $N$ = 5).
# - The **shapes** are those of the parameters: `error.t() @ x` is
#   `(2, 5) @ (5, 3) -> (2, 3)`, like `w` (`x.t() @ error` is its transpose). `db`
#   sums the errors over the examples, `dim=0`, one number per output.
# - The **sign**: $E$ is prediction minus target.
#
# **Task (4 points).**
#
# 1. `gradients(x, y, w, b)`: the gradients by autograd. Compute the loss with your
#    `predict` and `mse`, call `loss.backward()` once, and return `w.grad, b.grad`
#    (`w` and `b` come in as leaf tensors that require grad and have no gradient yet).
#    1 point for `dw`, 1 for `db`.
# 2. `formula_gradients(x, y, w, b)`: the same two gradients from the formulas above,
#    without autograd (`w` and `b` come in as plain tensors). 1 point for `dw`, 1 for
#    `db`.


# %% nbgrader={"grade": false, "grade_id": "mo_gradients", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradients(x, y, w, b):
    """dL/dw and dL/db by autograd: one forward pass, one loss.backward().

    x (n, 3), y (n, 2); w (2, 3) and b (2,) are leaf tensors with
    requires_grad=True and no gradient yet. Returns w.grad (2, 3), b.grad (2,).
    """
    ### BEGIN SOLUTION
    loss = mse(predict(x, w, b), y)
    loss.backward()
    ### END SOLUTION
    return w.grad, b.grad


# %% nbgrader={"grade": true, "grade_id": "test_mo_grad_w", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check w.grad from gradients on 2 examples (E = [[0, 1], [1, -0.5]])."""
x_small = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]])
y_small = torch.tensor([[8.0, 1.0], [7.0, 0.0]])
w_small = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]], requires_grad=True)
b_small = torch.tensor([10.0, -1.0], requires_grad=True)
dw_small, _ = gradients(x_small, y_small, w_small, b_small)
dw_expected = torch.tensor([[0.0, -0.5, 1.0], [0.5, 1.25, 1.0]])  # 2 / 4 * E.T @ x
print("dw =", dw_small.tolist(), "(should be", dw_expected.tolist(), ")")
assert torch.allclose(dw_small, dw_expected), (
    f"expected {dw_expected.tolist()}: 4x means the loss is a sum, "
    "2x that it divides by the number of rows"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("grad_w", gradients)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_mo_grad_b", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check b.grad from gradients on 2 examples (E = [[0, 1], [1, -0.5]])."""
x_small = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]])
y_small = torch.tensor([[8.0, 1.0], [7.0, 0.0]])
w_small = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]], requires_grad=True)
b_small = torch.tensor([10.0, -1.0], requires_grad=True)
_, db_small = gradients(x_small, y_small, w_small, b_small)
print("db =", db_small.tolist(), "(should be 2 / 4 * E.sum(0) = [0.5, 0.25])")
assert torch.allclose(db_small, torch.tensor([0.5, 0.25])), (
    "expected [0.5, 0.25]: do the predict and mse tests pass?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("grad_b", gradients)
### END HIDDEN TESTS


# %% nbgrader={"grade": false, "grade_id": "mo_formula_gradients", "locked": false, "schema_version": 3, "solution": true, "task": false}
def formula_gradients(x, y, w, b):
    """dL/dw and dL/db from the matrix formulas, without autograd.

    x (n, 3), y (n, 2), w (2, 3), b (2,) -> dw (2, 3), db (2,).
    """
    ### BEGIN SOLUTION
    error = predict(x, w, b) - y  # E, (n, 2)
    dw = 2 / error.numel() * error.t() @ x
    db = 2 / error.numel() * error.sum(dim=0)
    ### END SOLUTION
    return dw, db


# %% nbgrader={"grade": true, "grade_id": "test_mo_formula_dw", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check dw from formula_gradients on 2 examples (E = [[0, 1], [1, -0.5]])."""
x_small = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]])
y_small = torch.tensor([[8.0, 1.0], [7.0, 0.0]])
w_small = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
b_small = torch.tensor([10.0, -1.0])
dw_small, _ = formula_gradients(x_small, y_small, w_small, b_small)
print("dw =", dw_small.tolist())
assert tuple(dw_small.shape) == (2, 3), (
    f"dw has shape {tuple(dw_small.shape)}, expected (2, 3): E.T @ x, not x.T @ E"
)
assert torch.allclose(dw_small, torch.tensor([[0.0, -0.5, 1.0], [0.5, 1.25, 1.0]])), (
    "expected [[0, -0.5, 1], [0.5, 1.25, 1]] = 2 / E.numel() * E.T @ x"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("formula_dw", formula_gradients)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_mo_formula_db", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check db from formula_gradients on 2 examples (E = [[0, 1], [1, -0.5]])."""
x_small = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]])
y_small = torch.tensor([[8.0, 1.0], [7.0, 0.0]])
w_small = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
b_small = torch.tensor([10.0, -1.0])
_, db_small = formula_gradients(x_small, y_small, w_small, b_small)
print("db =", db_small.tolist(), "(should be [0.5, 0.25])")
assert tuple(db_small.shape) == (2,), (
    f"db has shape {tuple(db_small.shape)}, expected (2,): sum E over dim=0"
)
assert torch.allclose(db_small, torch.tensor([0.5, 0.25])), (
    "expected [0.5, 0.25] = 2 / E.numel() * E.sum(dim=0)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("formula_db", formula_gradients)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_gradients_compare", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Autograd and the formula on the lab's data, at the starting point, in float64
# (float32 would agree only to about 1e-6 relative): they agree to rounding.

# %% nbgrader={"grade": false, "grade_id": "mo_gradients_compare", "locked": true, "schema_version": 3, "solution": false, "task": false}
w64, b64 = (t.detach().double().requires_grad_() for t in init_params(3, 2, SEED))
dw_auto, db_auto = gradients(inputs.double(), targets.double(), w64, b64)
dw_formula, db_formula = formula_gradients(
    inputs.double(), targets.double(), w64.detach(), b64.detach()
)
print("dw by autograd:\n", dw_auto)
print(
    "largest relative difference, dw:",
    float(((dw_auto - dw_formula).abs() / dw_auto.abs()).max()),
)
print(
    "largest relative difference, db:",
    float(((db_auto - db_formula).abs() / db_auto.abs()).max()),
)

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_accumulate", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Pitfall: gradients accumulate.** `backward()` *adds* to `.grad`; it does not
# overwrite it. Three backward passes at the same point without zeroing give three
# times the gradient:

# %% nbgrader={"grade": false, "grade_id": "mo_accumulate", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_demo, b_demo = init_params(3, 2, SEED)
for k in range(3):
    mse(predict(inputs, w_demo, b_demo), targets).backward()
    print(f"after backward number {k + 1}: b.grad = {b_demo.grad.tolist()}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_step", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. One update step (2 points)
#
# $$w \leftarrow w - \text{lr}\,\frac{\partial L}{\partial w}, \qquad
#   b \leftarrow b - \text{lr}\,\frac{\partial L}{\partial b}$$
#
# With autograd, three details matter:
#
# 1. **`torch.no_grad()`**: autograd must not record the update. Outside it, PyTorch
#    refuses to change a tracked leaf in place (*a leaf Variable that requires grad
#    is being used in an in-place operation*).
# 2. **In place**: `w -= w.grad * lr` changes the tensor the caller holds;
#    `w = w - w.grad * lr` would make a *new* tensor (without `.grad`) and leave the
#    caller's `w` as it was.
# 3. **`zero_()` after the update**: otherwise the next `backward()` adds its
#    gradient to this one.
#
# **Pitfall.** An update like `w.sub_(w * lr)` uses the weights instead of their
# gradient. Section 7 shows what that does.
#
# **Task (2 points).** Write `step_(w, b, lr)`: inside `with torch.no_grad():`
# subtract `w.grad * lr` from `w` and `b.grad * lr` from `b`, in place; then set both
# gradients to zero with `.zero_()`. The trailing underscore means *in place*, as in
# torch's `add_` and `zero_` (Lab 01's `step` returns new values instead). 1 point
# for the new values, 1 for the zeroed gradients.


# %% nbgrader={"grade": false, "grade_id": "mo_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def step_(w, b, lr):
    """One gradient descent update of w and b, in place; then zero their gradients.

    w (2, 3) and b (2,) are leaf tensors whose .grad holds dL/dw and dL/db.
    Returns nothing: the caller's w and b change.
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        w -= w.grad * lr
        b -= b.grad * lr
    w.grad.zero_()
    b.grad.zero_()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_mo_step", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check one in-place update with lr = 0.1 and hand-picked gradients."""
w_small = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
b_small = torch.tensor([1.0, -1.0], requires_grad=True)
w_small.grad = torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.0, 0.0]])
b_small.grad = torch.tensor([0.5, -0.5])
step_(w_small, b_small, 0.1)  # an error here: is the update inside torch.no_grad()?
print("w:", w_small.detach().round(decimals=4).tolist(), "(should be w - 0.1 * w.grad)")
w_expected = torch.tensor([[0.9, 2.0, 3.1], [3.8, 5.0, 6.0]])
assert torch.allclose(w_small.detach(), w_expected), (
    "w should be [[0.9, 2, 3.1], [3.8, 5, 6]]; [[0.9, 1.8, 2.7], [3.6, 4.5, 5.4]] "
    "means you used w instead of w.grad, [[1.1, 2, 2.9], [4.2, 5, 6]] that you added it"
)
assert torch.allclose(b_small.detach(), torch.tensor([0.95, -0.95])), (
    "b should be b - lr * b.grad = [0.95, -0.95]"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("step", step_)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_mo_step_zero_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that step_ leaves w.grad and b.grad at zero."""
w_small = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
b_small = torch.tensor([1.0, -1.0], requires_grad=True)
w_small.grad = torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.0, 0.0]])
b_small.grad = torch.tensor([0.5, -0.5])
step_(w_small, b_small, 0.1)
for name, param in (("w", w_small), ("b", b_small)):
    assert param.grad is None or not param.grad.any(), (
        f"{name}.grad is {param.grad.tolist()} after step_: "
        f"did you forget {name}.grad.zero_()?"
    )
print("w.grad and b.grad are zero after step_")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("step_zero_grad", step_)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 6. The training loop (4 points)
#
# One epoch of full-batch gradient descent is four steps:
#
# 1. **Predict**: `y_hat = predict(x, w, b)`.
# 2. **Loss**: `loss = mse(y_hat, y)`; record `loss.item()` (a Python float) *before*
#    the update, so `losses[0]` is the loss at the starting point.
# 3. **Gradients**: `loss.backward()`.
# 4. **Step**: `step_(w, b, lr)` (update, then zero the gradients).
#
# **Task (3 points).** Write `train(x, y, w, b, lr, num_epochs)` with your own
# functions. It trains the `w` and `b` passed in, in place, and returns
# `(w, b, losses)`: those same tensors and the list of `num_epochs` losses, as in
# Lab 01. 2 points for the final `w` and `b`, 1 for the losses.


# %% nbgrader={"grade": false, "grade_id": "mo_train", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train(x, y, w, b, lr, num_epochs):
    """Full-batch gradient descent on w and b, in place.

    x (n, 3), y (n, 2); w (2, 3) and b (2,) leaf tensors that require grad.
    Returns (w, b, losses): the same w and b, trained, and a list of num_epochs
    floats, losses[k] the loss before update k.
    """
    ### BEGIN SOLUTION
    losses = []
    for _ in range(num_epochs):
        y_hat = predict(x, w, b)  # 1. predict
        loss = mse(y_hat, y)  # 2. loss, recorded before the update
        losses.append(loss.item())
        loss.backward()  # 3. gradients
        step_(w, b, lr)  # 4. update, zero the gradients
    ### END SOLUTION
    return w, b, losses


# %% nbgrader={"grade": true, "grade_id": "test_mo_train_params", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check that train recovers the weights of 4 noise-free examples."""
x_small = torch.cat([torch.zeros(1, 3), torch.eye(3)])  # 0, then each unit vector
w_true = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
b_true = torch.tensor([0.5, -0.5])
w_small = torch.zeros(2, 3, requires_grad=True)
b_small = torch.zeros(2, requires_grad=True)
y_small = x_small @ w_true.t() + b_true
w_out, b_out, _ = train(x_small, y_small, w_small, b_small, 1.0, 300)
print("w:", w_small.detach().round(decimals=3).tolist(), "(should be w_true)")
w_ok = torch.allclose(w_small.detach(), w_true, atol=1e-3)
assert w_ok and torch.allclose(b_small.detach(), b_true, atol=1e-3), (
    "train did not find w = [[1, 2, 3], [-1, 0, 1]], b = [0.5, -0.5]: do both step_ "
    "tests pass, and does train change the w and b passed in?"
)
assert w_out is w_small and b_out is b_small, "train should return the w, b passed in"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_params", train)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_mo_train_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the losses of 3 epochs: a list of floats, the first at the start."""
x_small = torch.cat([torch.zeros(1, 3), torch.eye(3)])  # 0, then each unit vector
y_small = x_small @ torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]]).t() + 0.5
w_small = torch.zeros(2, 3, requires_grad=True)
b_small = torch.zeros(2, requires_grad=True)
_, _, losses_small = train(x_small, y_small, w_small, b_small, 1.0, 3)
print("losses:", losses_small, "(should start at mean(y ** 2) = 3 and decrease)")
assert [type(value) for value in losses_small] == [float] * 3, (
    f"losses should be 3 Python floats (append loss.item()), got {losses_small}"
)
assert abs(losses_small[0] - 3.0) < 1e-5, (
    f"losses[0] is {losses_small[0]:.4f}, expected 3, the loss at w = 0, b = 0: "
    "24 means mse sums the 8 squared errors; less, that you recorded it after the update"
)
assert losses_small[0] > losses_small[1] > losses_small[2], "the loss should decrease"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_losses", train)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_train_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task (1 point).** Train on the crop data: start from `init_params(3, 2, SEED)`
# (store the weights in `w` and `b`), then train them with `LR` for `NUM_EPOCHS`
# epochs: `w, b, losses = train(...)`.

# %% nbgrader={"grade": false, "grade_id": "mo_train_run", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
w, b = init_params(3, 2, SEED)
w, b, losses = train(inputs, targets, w, b, LR, NUM_EPOCHS)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_mo_trained", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the run: NUM_EPOCHS losses, the first at init_params(3, 2, SEED)."""
assert len(losses) == NUM_EPOCHS, (
    f"losses has {len(losses)} entries, expected NUM_EPOCHS = {NUM_EPOCHS}"
)
w_check, b_check = init_params(3, 2, SEED)
loss_start = mse(predict(inputs, w_check, b_check), targets).item()
print(
    f"losses[0] = {losses[0]:.2f} (should be {loss_start:.2f}), losses[-1] = {losses[-1]:.3f}"
)
assert abs(losses[0] - loss_start) < 1e-3 * loss_start, (
    "losses[0] should be the loss at init_params(3, 2, SEED): "
    "did you call init_params(3, 2, SEED) right before train?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("trained", w, b, losses)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_train_result", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss fell from about 19322.35 to about 7.917 (after the 500th update), and the
# predictions are now close to the targets:

# %% nbgrader={"grade": false, "grade_id": "mo_train_result", "locked": true, "schema_version": 3, "solution": false, "task": false}
print(
    f"loss after {NUM_EPOCHS} epochs: {mse(predict(inputs, w, b), targets).item():.3f}"
)
torch.cat([predict(inputs, w, b), targets], dim=1).detach()

# %% nbgrader={"grade": false, "grade_id": "mo_train_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(losses)
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title=f"Training, lr = {LR:g}");
# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_train_lstsq", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Is that the best a linear model can do?** No. Least squares solves for the
# minimum directly (in float64 here): its loss is about 0.483, sixteen times lower.
# After a fast start, the loss curve above creeps along. Section 8 explains why, and
# Section 9 fixes it.

# %% nbgrader={"grade": false, "grade_id": "mo_train_lstsq", "locked": true, "schema_version": 3, "solution": false, "task": false}
A = torch.cat([inputs, torch.ones(len(inputs), 1)], dim=1).double()  # (5, 4): x, 1
theta = torch.linalg.lstsq(A, targets.double()).solution  # (4, 2): w.t() over b
loss_lstsq = mse(A @ theta, targets.double()).item()
print(
    f"least squares: loss {loss_lstsq:.4f}; gradient descent: "
    f"{mse(predict(inputs, w, b), targets).item():.4f}"
)


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_debug", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 7. Debugging a training loop (4 points)
#
# Here is a training loop for the same model as it is often written (with your
# `predict` and `mse`, and the data and parameters as arguments). It has bugs:


# %% nbgrader={"grade": false, "grade_id": "mo_debug_buggy", "locked": true, "schema_version": 3, "solution": false, "task": false}
def train_buggy(x, y, w, b, lr, num_epochs):
    """A training loop for the same model. It has bugs."""
    losses = []
    for _ in range(num_epochs):
        predictions = predict(x, w, b)
        loss = mse(predictions, y)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            factor = w * lr
            factor_2 = b * lr
            w.sub_(factor)
            b.sub_(factor_2)
    return w, b, losses


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_debug_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# From the seeded start, 100 epochs take the loss from 19322.3 to 19305.4: it barely
# moves, while your `train` brings it below 400 in the same 100 epochs.

# %% nbgrader={"grade": false, "grade_id": "mo_debug_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
DEBUG_EPOCHS = 100  # the length of the checked run
w_bug, b_bug = init_params(3, 2, SEED)
w_start = w_bug.detach().clone()
w_bug, b_bug, losses_bug = train_buggy(inputs, targets, w_bug, b_bug, LR, DEBUG_EPOCHS)
loss_end = mse(predict(inputs, w_bug, b_bug), targets).item()
print(
    f"train_buggy: loss {losses_bug[0]:.1f} -> {loss_end:.1f} in {DEBUG_EPOCHS} epochs"
)


# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_debug_task", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Find the bug.** A bug leaves a signature: look at what the weights did. Compare
# `w_bug` with `w_start` (their ratio, for instance), think about what the loop
# subtracts, and print `w_bug.grad`. *"Lower the learning rate"*, a common answer to
# a loss that does not decrease, would only make it move less here: a loss that falls
# by 17 out of 19322 in 100 epochs points to a bug.
#
# **Task (2 points).** Write `train_fixed(x, y, w, b, lr, num_epochs)`: the loop of
# `train_buggy`, corrected, with the same arguments and returning `(w, b, losses)`
# like `train`. Fix *every* bug: the hidden check compares your losses and final
# weights with a correct run of 100 epochs from `init_params(3, 2, SEED)`.


# %% nbgrader={"grade": false, "grade_id": "mo_train_fixed", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_fixed(x, y, w, b, lr, num_epochs):
    """The training loop of train_buggy, fixed. Returns (w, b, losses)."""
    ### BEGIN SOLUTION
    losses = []
    for _ in range(num_epochs):
        predictions = predict(x, w, b)
        loss = mse(predictions, y)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w.sub_(w.grad * lr)  # the gradient, not the weights
            b.sub_(b.grad * lr)
            w.grad.zero_()  # the gradients of the next epoch must not add up
            b.grad.zero_()
    ### END SOLUTION
    return w, b, losses


# %% nbgrader={"grade": true, "grade_id": "test_mo_debug_fix", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check that train_fixed recovers the weights of 4 noise-free examples."""
x_small = torch.cat([torch.zeros(1, 3), torch.eye(3)])  # 0, then each unit vector
w_true = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
b_true = torch.tensor([0.5, -0.5])
w_small = torch.zeros(2, 3, requires_grad=True)
b_small = torch.zeros(2, requires_grad=True)
y_small = x_small @ w_true.t() + b_true
_, _, losses_small = train_fixed(x_small, y_small, w_small, b_small, 1.0, 300)
print(f"loss {losses_small[0]:.4f} -> {losses_small[-1]:.2e} (should be below 1e-6)")
w_ok = torch.allclose(w_small.detach(), w_true, atol=1e-3)
assert w_ok and torch.allclose(b_small.detach(), b_true, atol=1e-3), (
    "train_fixed did not find w = [[1, 2, 3], [-1, 0, 1]], b = [0.5, -0.5]: "
    "is every bug fixed?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("debug_fix", train_fixed)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_question_bug", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** What was wrong with the update in `train_buggy`?
#
# - a) Only the learning rate: 1e-5 is too small to move the weights; with lr = 1e-3 the
#   loop trains well.
# - b) `loss.backward()` runs inside `torch.no_grad()`, so no gradient is computed and
#   `w.grad` stays `None`.
# - c) It subtracts `w * lr` instead of `w.grad * lr`, so the gradients are computed but
#   never used.
#
# Answer with `answer_bug = "a"`, `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "mo_answer_bug", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_bug = "a", "b" or "c"
### BEGIN SOLUTION
# c. w.sub_(w * lr) multiplies the weights by (1 - lr) every epoch, whatever the
# data, so they shrink slowly toward zero and the loss barely moves (19322.3 to
# 19305.4 in 100 epochs): w_bug / w_start is (1 - LR) ** 100. The gradients are
# computed but never used (nor zeroed).
# a is wrong: with lr = 1e-3 the same update still ignores the gradient (it shrinks
# the weights by 0.999 per epoch), while `train` trains well with LR = 1e-5.
# b is wrong: loss.backward() runs before the `with torch.no_grad():` block, and
# w_bug.grad holds the gradient.
answer_bug = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_mo_answer_bug", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_bug is one of the letters "a", "b", "c"."""
assert answer_bug in ("a", "b", "c"), (
    f'answer_bug should be "a", "b" or "c", got {answer_bug!r}'
)
print(f"answer_bug = {answer_bug!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_bug", answer_bug)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_question_accumulate", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** Suppose you fix only the two update lines,
# `w.sub_(w.grad * lr)` and `b.sub_(b.grad * lr)`, and leave the rest of
# `train_buggy` as it is. Over 500 epochs from `init_params(3, 2, SEED)` with `LR`:
#
# - a) it trains exactly like `train`: zeroing the gradients only saves memory, it does
#   not change any step;
# - b) the gradients of all epochs add up in `.grad`: the weights overshoot and the loss
#   rises and falls;
# - c) PyTorch raises an error at the second `backward()`, because `.grad` still holds a
#   gradient.
#
# Try it in a new cell, then answer with `answer_accumulate = "a"`, `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "mo_answer_accumulate", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_accumulate = "a", "b" or "c"
### BEGIN SOLUTION
# b. backward() adds to .grad, so without zeroing every step moves by lr times the
# sum of all gradients so far: the weights overshoot and swing back and forth, and
# the loss keeps rising and falling by thousands instead of settling.
# a is wrong: zeroing changes every step after the first; it is not about memory.
# c is wrong: backward() on a new graph adds to a filled .grad without complaint.
answer_accumulate = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_mo_answer_accumulate", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_accumulate is one of the letters "a", "b", "c"."""
assert answer_accumulate in ("a", "b", "c"), (
    f'answer_accumulate should be "a", "b" or "c", got {answer_accumulate!r}'
)
print(
    f"answer_accumulate = {answer_accumulate!r}: a valid letter (graded with the lab)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_accumulate", answer_accumulate)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_hessian", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 8. Why the learning rate must be so small (2 points)
#
# **The Hessian.** Group the parameters of output $j$ as
# $\theta_j = (w_{j1}, w_{j2}, w_{j3}, b_j)$ and add a column of ones to the inputs,
# $A = [X, \mathbf{1}]$ $(N \times 4)$, so that column $j$ of the predictions is
# $A\theta_j$. Then
#
# $$L = \frac{1}{N m} \sum_{j=1}^{m} \lVert A\theta_j - y_{:,j} \rVert^2,
# \qquad
# \nabla_{\theta_j} L = \frac{2}{N m} A^\top (A\theta_j - y_{:,j}),
# \qquad
# H = \nabla^2_{\theta_j} L = \frac{2}{N m} A^\top A .$$
#
# The Hessian is the same $4 \times 4$ matrix for both outputs, which do not
# interact (the full $8 \times 8$ Hessian is block diagonal with two copies of $H$).
# $H$ depends only on the inputs.
#
# **The threshold.** As for a line (Lab 01), along each eigenvector of $H$ the
# distance to the minimum is multiplied by $1 - \text{lr}\,\lambda_k$ at every step,
# so gradient descent converges iff $\text{lr} < 2 / \lambda_{\max}$. The raw inputs
# are large (37 to 134), so $\lambda_{\max}$ is about $1.8 \times 10^4$ and
# $2 / \lambda_{\max}$ about $1.1 \times 10^{-4}$: lr = 1e-3 would diverge at once.
#
# **The slow part.** The smallest eigenvalue is about $8 \times 10^{-3}$, so the
# condition number $\lambda_{\max} / \lambda_{\min}$ is about $2.2 \times 10^6$.
# Along that direction the error shrinks by $1 - \text{lr}\,\lambda_{\min}$ per
# step: $1 - 8 \times 10^{-8}$ at `LR`. No learning rate makes both the steep and
# the flat directions fast.
#
# **Task (2 points).**
#
# 1. `hessian(x, num_outputs)`: $H = \frac{2}{N m} A^\top A$ for inputs `x` $(N, k)$,
#    a float64 tensor $(k + 1, k + 1)$ (build $A$ from `x.double()` and
#    `torch.ones`). 1 point.
# 2. `largest_stable_lr(x, num_outputs)`: $2 / \lambda_{\max}$ as a Python float,
#    using your `hessian` and `torch.linalg.eigvalsh` (eigenvalues of a symmetric
#    matrix, in ascending order). 1 point.


# %% nbgrader={"grade": false, "grade_id": "mo_hessian", "locked": false, "schema_version": 3, "solution": true, "task": false}
def hessian(x, num_outputs):
    """Hessian of the MSE w.r.t. one output's (w_j, b_j): x (n, k) -> (k + 1, k + 1).

    H = 2 / (n * num_outputs) * A.T @ A with A = [x, 1], in float64.
    """
    ### BEGIN SOLUTION
    x64 = x.double()
    A = torch.cat([x64, torch.ones(len(x64), 1, dtype=torch.float64)], dim=1)
    H = 2 / (len(x64) * num_outputs) * A.t() @ A
    ### END SOLUTION
    return H


# %% nbgrader={"grade": true, "grade_id": "test_mo_hessian", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check hessian for x = [[0], [1]] and one output: H = [[1, 1], [1, 2]]."""
H_small = hessian(torch.tensor([[0.0], [1.0]]), 1)
print("H =", H_small.tolist(), "(should be [[1, 1], [1, 2]])")
assert tuple(H_small.shape) == (2, 2), (
    f"H has shape {tuple(H_small.shape)}, expected (2, 2): k + 1 with the bias column"
)
assert torch.allclose(
    H_small, torch.tensor([[1.0, 1.0], [1.0, 2.0]], dtype=H_small.dtype)
), "expected [[1, 1], [1, 2]] = 2 / (n * m) * A.T @ A with A = [[0, 1], [1, 1]]"
H_two = hessian(torch.tensor([[0.0], [1.0]]), 2)
assert torch.allclose(H_two, H_small / 2), (
    "with num_outputs = 2 the loss divides by n * m = 4: H should halve"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("hessian", hessian)
### END HIDDEN TESTS


# %% nbgrader={"grade": false, "grade_id": "mo_largest_stable_lr", "locked": false, "schema_version": 3, "solution": true, "task": false}
def largest_stable_lr(x, num_outputs):
    """2 / lambda_max, lambda_max the largest eigenvalue of hessian(x, num_outputs)."""
    ### BEGIN SOLUTION
    lambda_max = torch.linalg.eigvalsh(hessian(x, num_outputs))[-1]
    ### END SOLUTION
    return float(2 / lambda_max)


# %% nbgrader={"grade": true, "grade_id": "test_mo_largest_stable_lr", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check largest_stable_lr for x = [[0], [1]]: H = [[1, 1], [1, 2]] for one output."""
lr_small = float(largest_stable_lr(torch.tensor([[0.0], [1.0]]), 1))
# lambda_max = (3 + sqrt(5)) / 2, so 2 / lambda_max = 3 - sqrt(5)
print(f"largest stable lr = {lr_small:.6f} (should be 3 - sqrt(5) = 0.763932)")
assert abs(lr_small - (3 - 5**0.5)) < 1e-6, (
    f"got {lr_small:.6f}, expected {3 - 5**0.5:.6f}: 0.3820 means 1 / lambda_max, "
    "1.5279 a Hessian without its factor 2"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("largest_stable_lr", largest_stable_lr)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_eigen", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The eigenvalues for the crop data, and what 500 epochs at `LR` do to each
# direction: the fraction of the initial error left along eigenvector $k$ is
# $(1 - \text{LR}\,\lambda_k)^{500}$.

# %% nbgrader={"grade": false, "grade_id": "mo_eigen", "locked": true, "schema_version": 3, "solution": false, "task": false}
eig_raw = torch.linalg.eigvalsh(hessian(inputs, 2))
lr_max = largest_stable_lr(inputs, 2)
print(
    f"largest stable lr 2 / L = {lr_max:.4g}, condition number = {eig_raw[-1] / eig_raw[0]:.3g}"
)
print("eigenvalue   factor 1 - LR * eigenvalue   left after 500 epochs")
for lam in eig_raw.tolist():
    print(f"{lam:10.4g}{1 - LR * lam:27.8f}{(1 - LR * lam) ** NUM_EPOCHS:24.4f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_eigen_text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The table lists the smallest eigenvalue first, so read it from the bottom: the last
# row, the steepest direction, is done, and the third row nearly (4% left), but the
# second row keeps about 63% of its error and the first, the flattest, all of it.
# `LR` is already a tenth of the limit. Just below the limit the loss
# falls further (0.555 after 500 epochs, still above the least-squares 0.483); just
# above it, it explodes:

# %% nbgrader={"grade": false, "grade_id": "mo_lr_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
for lr_k, label in [
    (LR, f"lr = LR = {LR:g}"),
    (0.9 * lr_max, f"lr = 0.9 x 2/L = {0.9 * lr_max:.3g}"),
    (1.01 * lr_max, f"lr = 1.01 x 2/L = {1.01 * lr_max:.3g}"),
]:
    w_k, b_k = init_params(3, 2, SEED)
    w_k, b_k, losses_k = train(inputs, targets, w_k, b_k, lr_k, NUM_EPOCHS)
    ax.semilogy(losses_k, label=label)
ax.axhline(loss_lstsq, color="k", ls="--", label="least squares")
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title="Raw inputs")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_scaling", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 9. Feature scaling (1 point)
#
# **Standardising** each input column, $x'_{ik} = (x_{ik} - \bar x_k) / s_k$ with the
# column's mean $\bar x_k$ and standard deviation $s_k$ (`torch.std`, which divides by
# $N - 1$), gives every feature mean 0 and spread 1. The entries of $A^\top A$ become
# of order $N$ instead of $N \times 100^2$, and the columns of $x'$ are orthogonal to
# the column of ones, so the bias no longer couples with the weights:
#
# $$H' = \frac{2}{N m} \begin{pmatrix} (N - 1)\, R & 0 \\ 0 & N \end{pmatrix},$$
#
# with $R$ the correlation matrix of the three features, whose eigenvalues lie within
# a factor of about 7 of each other. The model expresses the same functions,
# $w' x' + b' = (w' / s)\, x + (b' - (w'/s) \cdot \bar x)$, so the least-squares loss
# is the same 0.483: only the shape of the bowl changes. (Standardise new
# data with the *training* $\bar x$ and $s$.)

# %% nbgrader={"grade": false, "grade_id": "mo_scaling", "locked": true, "schema_version": 3, "solution": false, "task": false}
mean_x, std_x = inputs.mean(dim=0), inputs.std(dim=0)
inputs_std = (inputs - mean_x) / std_x
eig_std = torch.linalg.eigvalsh(hessian(inputs_std, 2))
lr_max_std = largest_stable_lr(inputs_std, 2)
print(f"{'':>14}{'lambda_min':>12}{'lambda_max':>12}{'condition':>12}{'2 / L':>10}")
for name, eig, lr_k in [
    ("raw", eig_raw, lr_max),
    ("standardised", eig_std, lr_max_std),
]:
    cond = eig[-1] / eig[0]
    print(f"{name:>14}{eig[0]:12.3g}{eig[-1]:12.4g}{cond:12.3g}{lr_k:10.3g}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_scaling_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Train on the standardised inputs from the same seeded start, with `LR_STD` = 0.5
# (about 0.4 of its limit): within a few dozen epochs the loss is within 1% of least
# squares; the raw run never gets there.

# %% nbgrader={"grade": false, "grade_id": "mo_scaling_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
LR_STD = 0.5
w_std, b_std = init_params(3, 2, SEED)
w_std, b_std, losses_std = train(inputs_std, targets, w_std, b_std, LR_STD, NUM_EPOCHS)
for name, losses_k in [
    ("raw, lr = LR", losses),
    ("standardised, lr = 0.5", losses_std),
]:
    near = [k for k, loss_k in enumerate(losses_k) if loss_k < 1.01 * loss_lstsq]
    reached = f"epoch {near[0]}" if near else "never"
    print(
        f"{name:>24}: last loss {losses_k[-1]:.4f}, within 1% of least squares: {reached}"
    )

# %% nbgrader={"grade": false, "grade_id": "mo_scaling_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(losses, label=f"raw inputs, lr = {LR:g}")
ax.semilogy(losses_std, label=f"standardised inputs, lr = {LR_STD:g}")
ax.axhline(loss_lstsq, color="k", ls="--", label="least squares")
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title="Feature scaling")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_scaling_back", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The weights found on the standardised inputs, converted back to the raw units,
# are the least-squares weights:

# %% nbgrader={"grade": false, "grade_id": "mo_scaling_back", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_back = (w_std / std_x).detach()  # (2, 3): divide column k by s_k
b_back = (b_std - w_back @ mean_x).detach()
print("from standardised GD:\n", torch.cat([w_back, b_back[:, None]], dim=1))
print("least squares:\n", theta.t().float())

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_question_scaling", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** What does standardising the inputs change?
#
# - a) The condition number falls from about $2.2 \times 10^6$ to 7: a far larger learning
#   rate is stable, and training is fast.
# - b) The model gets more accurate: the least-squares loss on the standardised inputs is
#   lower than on the raw ones.
# - c) Nothing about the learning rate, which depends on the targets; only the loss at the
#   start is smaller.
#
# Answer with `answer_scaling = "a"`, `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "mo_answer_scaling", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_scaling = "a", "b" or "c"
### BEGIN SOLUTION
# a. The Hessian depends on the inputs only. Standardised, its condition number
# drops from about 2.2e6 to about 7 and 2 / lambda_max grows from about 1.1e-4 to
# about 1.3, so gradient descent reaches the least-squares loss in a few dozen
# epochs. The best fit is the same function of the raw inputs, with other weights.
# b is wrong: the standardised model expresses exactly the same functions, so the
# least-squares loss is the same 0.483.
# c is wrong: the Hessian, and with it the largest stable learning rate, depends on
# the inputs, not on the targets.
answer_scaling = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_mo_answer_scaling", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_scaling is one of the letters "a", "b", "c"."""
assert answer_scaling in ("a", "b", "c"), (
    f'answer_scaling should be "a", "b" or "c", got {answer_scaling!r}'
)
print(
    f"answer_scaling = {answer_scaling!r}: a valid letter (it is graded with the lab)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_scaling", answer_scaling)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "mo_md_summary", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Summary
#
# - A linear model with $k$ inputs and $m$ outputs has `w` of shape $(m, k)$ and `b`
#   of shape $(m,)$, and predicts `x @ w.t() + b`; `reshape` is not a transpose.
# - The MSE averages over all $N m$ entries; its gradients,
#   $\frac{2}{Nm} E^\top X$ and $\frac{2}{Nm} E^\top \mathbf 1$, have their
#   parameters' shapes, and autograd computes the same numbers.
# - With autograd: one `backward()` per epoch, the update in place under
#   `torch.no_grad()`, then `zero_()`, because `backward()` adds to `.grad`.
# - A loss that barely moves is a symptom to investigate, not a reason to lower the
#   learning rate: `w.sub_(w * lr)` only shrinks the weights.
# - The learning rate must stay below $2 / \lambda_{\max}$ of the Hessian
#   $\frac{2}{Nm} A^\top A$: about $10^{-4}$ for raw features of size 100, which
#   leaves the flat directions untrained. Standardised features allow a learning
#   rate 10,000 times larger.
#
# ## Exercises (not graded)
#
# 1. Rewrite `train` with `torch.nn.Linear(3, 2)`, `torch.nn.functional.mse_loss`
#    and `torch.optim.SGD`, starting from `w` and `b` copied into `weight` and
#    `bias`: do 500 epochs give the same weights as your `train`?
# 2. Train in mini-batches with `TensorDataset` and
#    `DataLoader(dataset, batch_size=2, shuffle=True)`. How does the loss curve
#    change?
