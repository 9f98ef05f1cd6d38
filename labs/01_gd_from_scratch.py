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

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_title", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 01: Gradient descent from scratch (22 points)
#
# You will fit a straight line to noisy data with gradient descent, writing every
# piece yourself in PyTorch: the data, the model, the loss, the gradients (no
# autograd), the update and the training loop. Then you run experiments on initial
# values, learning rate and noise.
#
# **Learning objectives.** Derive the gradients of the mean squared error by hand;
# write gradient descent as five named steps; explain why it finds the least-squares
# line, not the true line; compute the largest stable learning rate and see how it
# scales with the inputs.
#
# **How this lab is graded.** Each task is a function, a run or a one-letter answer
# in a cell marked `# YOUR CODE HERE`: replace `raise NotImplementedError()` with
# your code. The test cell after it runs a quick *visible* check; at grading *hidden*
# checks also run on your data. Keep the function names and arguments, don't delete,
# copy or split cells, and make sure the notebook runs top to bottom (*Restart Kernel
# and Run All Cells*).
#
# | Section | Points |
# |---|---|
# | 1. Synthetic data | 2 |
# | 2. The model | 1 |
# | 3. The loss | 1 |
# | 4. Gradients, by hand | 4 |
# | 5. One update step | 1 |
# | 6. The training loop | 3 |
# | 8. Experiment: initial values | 2 |
# | 9. Experiment: learning rate | 6 |
# | 10. Experiment: noise | 2 |
# | **Total** | **22** |
#
# Common mistakes are flagged as **Pitfall**.

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_convention", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### The course's names
#
# | function | returns | what it does | first in |
# |---|---|---|---|
# | `predict(x, w, b)` | `y_hat` | the line's predictions | this lab |
# | `mse(y_hat, y)` | one number | mean squared error | this lab |
# | `gradients(x, y, w, b)` | `(dw, db)` | the MSE's gradients | this lab |
# | `step(w, b, dw, db, lr)` | new `(w, b)` | one update, as new values | this lab |
# | `train(x, y, w0, b0, lr, num_epochs)` | `(w, b, losses)` | gradient descent | this lab |
# | `init_params(n_inputs, n_outputs, seed)` | `(w, b)` | seeded start | lab 02 |
# | `step_(w, b, lr)` | `None` | one update in place, from `.grad` | lab 04 |
# | `make_loader(x, y, batch_size, seed)` | a `DataLoader` | shuffled batches | lab 05 |
# | `fit(model, loss_fn, opt, loader, num_epochs)` | `losses` | mini-batch training | lab 05 |
# | `predict_with(model, x)` | `y_hat` | predictions, autograd off | lab 05 |
#
# Later labs keep these names, argument orders and returns, so your own functions
# carry over.

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 0. Setup
#
# The constants below are the lab's settings; the hidden checks use the same values,
# so leave them as they are (experiment in new cells instead).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import matplotlib.pyplot as plt
import torch

N = 100  # number of examples
NOISE_STD = 0.2  # standard deviation of the noise added to y
LR = 0.1  # learning rate
NUM_EPOCHS = 1000  # number of gradient descent steps
W0 = 0.0  # initial w
B0 = 0.0  # initial b
NOISE_STD_HIGH = 1.0  # the larger noise of Section 10

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_your_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Your data
#
# Your true line and sample come from your student id: compare ideas and code with
# classmates, not numbers. The id is, in this order:
#
# 1. while the lab is graded: the id your submission is handed in under;
# 2. on the course's JupyterHub: your user name;
# 3. otherwise: the id you type in the next cell (your course login);
# 4. with no id at all: the **example data**, the line $y = 2x + 3$ and seed 42,
#    which the text of this lab quotes.
#
# Set your id before you start and keep it.

# %%
STUDENT_ID = ""  # your course login, e.g. "jdoe12"; leave it empty on JupyterHub

# %% nbgrader={"grade": false, "grade_id": "your_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
import hashlib
import hmac
import os
from pathlib import Path

LAB_KEY = "f9091f6eef0cd083f39cdc80175fb83b"  # this lab's key, set at release


def whose_data(student_id):
    """Whose data this notebook uses, and where that id came from."""
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return Path.cwd().parent.name, "the submission being graded"
    if os.environ.get("JUPYTERHUB_USER"):
        return os.environ["JUPYTERHUB_USER"], "your JupyterHub user name"
    if student_id.strip():
        return student_id.strip(), "STUDENT_ID above"
    return "", "no id set: the example data"


STUDENT, ID_FROM = whose_data(STUDENT_ID)
SEED, TRUE_W, TRUE_B = 42, 2.0, 3.0  # the example data
if STUDENT:  # 32 bytes from your id and the lab's key pick the seed and the line
    key = hmac.new(bytes.fromhex(LAB_KEY), STUDENT.encode(), hashlib.sha256).digest()
    SEED = int.from_bytes(key[:4], "big")  # seed of the data
    TRUE_W = (10 + key[4] % 21) / 10  # slope of the true line: 1.0 to 3.0
    TRUE_B = (20 + key[5] % 21) / 10  # intercept of the true line: 2.0 to 4.0
who = f"student {STUDENT!r}" if STUDENT else "no student id"
print(f"Data for {who} ({ID_FROM}):")
print(f"the line y = {TRUE_W}x + {TRUE_B}, noise std {NOISE_STD}, seed {SEED}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "md_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. Synthetic data (2 points)
#
# **Why.** With synthetic data we know the right answer, your true line, so we can
# check what gradient descent finds; the noise means no line passes through all the
# points. With
# $w^\star$ = `true_w`, $b^\star$ = `true_b` and $\sigma$ = `noise_std`, each example
# $i = 1, \dots, n$ is drawn as
#
# $$x_i \sim \mathcal{U}[0, 1), \qquad \varepsilon_i \sim \mathcal{N}(0, \sigma^2),
# \qquad y_i = w^\star x_i + b^\star + \varepsilon_i .$$
#
# **Task (2 points).** Write `make_data(n, true_w, true_b, noise_std, seed)` with this
# recipe, *in this order* (a seed reproduces the numbers only if the random calls come
# in the same order):
#
# 1. `torch.manual_seed(seed)`
# 2. `x = torch.rand(n, 1)`: uniform on $[0, 1)$ (`torch.randn` would be normal);
# 3. `noise = noise_std * torch.randn(n, 1)`;
# 4. `y = true_w * x + true_b + noise`.
#
# Both tensors have shape `(n, 1)` (one row per example) and dtype `float32`. 1 point
# for the shapes, 1 for the values.


# %% nbgrader={"grade": false, "grade_id": "make_data", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_data(n, true_w, true_b, noise_std, seed):
    """Make n noisy points around the line y = true_w * x + true_b.

    Returns x of shape (n, 1), uniform on [0, 1), and y of shape (n, 1),
    both float32.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    x = torch.rand(n, 1)
    noise = noise_std * torch.randn(n, 1)
    y = true_w * x + true_b + noise
    ### END SOLUTION
    return x, y


# %% nbgrader={"grade": true, "grade_id": "test_make_data_shape", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that make_data returns two float32 tensors of shape (n, 1)."""
x_small, y_small = make_data(5, 2.0, 3.0, 0.1, 0)
assert x_small.shape == (5, 1), f"x has shape {tuple(x_small.shape)}, expected (5, 1)"
assert y_small.shape == (5, 1), f"y has shape {tuple(y_small.shape)}, expected (5, 1)"
assert x_small.dtype == torch.float32, f"x has dtype {x_small.dtype}, expected float32"
assert y_small.dtype == torch.float32, f"y has dtype {y_small.dtype}, expected float32"
print("x and y for n = 5: shape (5, 1), dtype float32, as expected")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("make_data_shape", make_data)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_make_data_values", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check make_data's values: seeded x, y on the line, noise of the right size."""
x_small, y_exact = make_data(1000, 2.0, 3.0, 0.0, 0)
torch.manual_seed(0)
assert torch.equal(x_small, torch.rand(1000, 1)), "seed first, then draw x"
assert torch.allclose(y_exact, 2.0 * x_small + 3.0), "noise_std = 0: y on the line"
_, y_noisy = make_data(1000, 2.0, 3.0, 1.0, 0)
noise_std_small = float((y_noisy - 2.0 * x_small - 3.0).std())
print(f"std of the noise: {noise_std_small:.3f} (should be within 0.1 of 1.0)")
assert 0.9 < noise_std_small < 1.1, "use noise = noise_std * torch.randn(n, 1)"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("make_data_values", make_data)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_data_make", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Your data set: `N` = 100 points around your true line (printed in Setup), noise
# standard deviation 0.2.

# %% nbgrader={"grade": false, "grade_id": "data_make", "locked": true, "schema_version": 3, "solution": false, "task": false}
x, y = make_data(N, TRUE_W, TRUE_B, NOISE_STD, SEED)

# %% nbgrader={"grade": false, "grade_id": "data_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
x_line = torch.tensor([[0.0], [1.0]])
fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(x, y, s=12, alpha=0.7, label="data")
ax.plot(
    x_line, TRUE_W * x_line + TRUE_B, "k--", label=f"true line y = {TRUE_W}x + {TRUE_B}"
)
ax.set(xlabel="x", ylabel="y", title=f"{N} noisy points around the true line")
ax.legend();


# %% [markdown] nbgrader={"grade": false, "grade_id": "md_model", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. The model (1 point)
#
# **Why.** The model is a line with slope $w$ and intercept $b$; training chooses $w$
# and $b$, so the model must be a function of them:
#
# $$\hat y_i = w\, x_i + b$$
#
# `w` and `b` are 0-dim tensors (e.g. `torch.tensor(0.0)`) and `x` has shape
# `(n, 1)`; broadcasting gives `y_hat` the shape `(n, 1)`, like `y`.
#
# **Pitfall.** Code like this is common:
#
# ```python
# y_pred = 2 * xs + 3 + noise
# ```
#
# That equals `ys`: the loss is 0 whatever `w` and `b` are, and there is nothing to
# learn. The prediction must use the parameters.
#
# **Task (1 point).** Write `predict(x, w, b)`.


# %% nbgrader={"grade": false, "grade_id": "predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(x, w, b):
    """Predictions of the line: x (n, 1), w and b 0-dim -> y_hat (n, 1)."""
    ### BEGIN SOLUTION
    y_hat = w * x + b
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "test_predict", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check predict on three points, with two different lines."""
x_small = torch.tensor([[0.0], [1.0], [2.0]])
y_hat_small = predict(x_small, torch.tensor(2.0), torch.tensor(3.0))
print("y_hat for w = 2, b = 3:", y_hat_small.ravel(), "(should be [3, 5, 7])")
assert torch.allclose(y_hat_small, torch.tensor([[3.0], [5.0], [7.0]])), (
    f"got {y_hat_small.ravel().tolist()}, expected [3, 5, 7] for w = 2, b = 3"
)
y_hat_other = predict(x_small, torch.tensor(-1.0), torch.tensor(0.5))
assert torch.allclose(y_hat_other, torch.tensor([[0.5], [-0.5], [-1.5]])), (
    "for w = -1, b = 0.5 expected [0.5, -0.5, -1.5]: does predict use w and b?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("predict", predict)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. The loss: mean squared error (1 point)
#
# **Why.** To improve the line we need one number that says how bad it is. Squaring
# makes every error count, large ones more; averaging keeps the loss, and the right
# learning rate, independent of the number of examples.
#
# $$L(w, b) = \frac{1}{N} \sum_{i=1}^{N} (\hat y_i - y_i)^2
#           = \frac{1}{N} \sum_{i=1}^{N} (w x_i + b - y_i)^2$$
#
# As a function of $(w, b)$ this is a convex quadratic bowl with exactly one minimum
# (unless all $x_i$ are equal). Its square root, the RMSE, is a different number.
#
# **Task (1 point).** Write `mse(y_hat, y)`; it returns a 0-dim tensor.


# %% nbgrader={"grade": false, "grade_id": "mse", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mse(y_hat, y):
    """Mean squared error: y_hat and y (n, 1) -> loss, 0-dim."""
    ### BEGIN SOLUTION
    loss = ((y_hat - y) ** 2).mean()
    ### END SOLUTION
    return loss


# %% nbgrader={"grade": true, "grade_id": "test_mse", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check mse on three points: its value and that it is one number."""
y_hat_small = torch.tensor([[1.0], [2.0], [3.0]])
loss_small = mse(y_hat_small, torch.tensor([[1.0], [0.0], [0.0]]))
assert loss_small.shape == (), (
    f"the loss has shape {tuple(loss_small.shape)}, expected a 0-dim tensor: "
    "did you forget .mean()?"
)
print(f"mse = {float(loss_small):.4f} (should be (0 + 4 + 9) / 3 = 4.3333)")
assert abs(float(loss_small) - 13 / 3) < 1e-5, (
    f"got {float(loss_small):.4f}, expected 4.3333: 13 means a sum instead of a mean, "
    "2.0817 a square root (RMSE)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("mse", mse)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_loss_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
# At the starting point $w = b = 0$ the line is $y = 0$, far below every point, and the
# loss is large (about 16.6 for the example data):

# %% nbgrader={"grade": false, "grade_id": "loss_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
mse(predict(x, torch.tensor(W0), torch.tensor(B0)), y)


# %% [markdown] nbgrader={"grade": false, "grade_id": "md_gradients", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. Gradients, by hand (4 points)
#
# **Why.** A small step *against* the gradient lowers the loss.
#
# **Derivation.** Write $e_i = w x_i + b - y_i$ (in code `error = y_hat - y`), so
# $L = \frac{1}{N}\sum_i e_i^2$. The chain rule gives
#
# $$\frac{\partial e_i^2}{\partial w} = 2 e_i \frac{\partial e_i}{\partial w}
#   = 2 e_i x_i, \qquad
#   \frac{\partial e_i^2}{\partial b} = 2 e_i \frac{\partial e_i}{\partial b}
#   = 2 e_i ,$$
#
# and the derivative of a mean is the mean of the derivatives:
#
# $$\frac{\partial L}{\partial w} = \frac{2}{N} \sum_{i=1}^{N} x_i\,(w x_i + b - y_i),
#   \qquad
#   \frac{\partial L}{\partial b} = \frac{2}{N} \sum_{i=1}^{N} (w x_i + b - y_i).$$
#
# - The **2** comes from the square ($\frac{d}{de} e^2 = 2e$).
# - The **1/N** comes from the mean: `.mean()`, not `.sum()` ($N$ times too large).
# - The **sign**: $e_i$ is prediction minus target.
# - The **shape**: `dw` and `db` are one number each; `.mean()` reduces the `(N, 1)`
#   terms `x * error` to a 0-dim tensor.
#
# **Pitfall.** Code like this is common:
#
# ```python
# loss.grad = 2 * xs * (w * xs + b - ys)  # per-example terms, shape (100, 1)
# ```
#
# The terms are never averaged, there is no gradient for `b`, and `loss.grad` (the
# loss's gradient with respect to itself, one number) rejects them:
# `RuntimeError: assigned grad has data of a different size`.
#
# **Task (4 points).** Write `gradients(x, y, w, b)` returning `(dw, db)` with the
# formulas above, using your `predict`, without autograd: 2 points for `dw`, 2 for
# `db`.


# %% nbgrader={"grade": false, "grade_id": "gradients", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradients(x, y, w, b):
    """Gradients of the MSE with respect to w and b, derived by hand.

    x, y: (n, 1); w, b: 0-dim. Returns dw and db, each 0-dim (one number).
    """
    ### BEGIN SOLUTION
    error = predict(x, w, b) - y  # (n, 1): y_hat - y
    dw = 2 * (x * error).mean()  # the 2 from the square, the 1/N from the mean
    db = 2 * error.mean()
    ### END SOLUTION
    return dw, db


# %% nbgrader={"grade": false, "grade_id": "grad_check_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# For the two gradient checks below: a tiny float64 example, autograd's gradients
# of its loss (in float64 a correct gradient agrees to about 1e-15), and the likely
# slip behind a wrong ratio.
x_gc = torch.tensor([[0.0], [0.5], [1.0], [2.0]], dtype=torch.float64)
y_gc = torch.tensor([[1.0], [2.0], [2.5], [6.0]], dtype=torch.float64)
w_gc = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
b_gc = torch.tensor(-0.2, dtype=torch.float64, requires_grad=True)
((w_gc * x_gc + b_gc - y_gc) ** 2).mean().backward()  # autograd's dw and db


def gradient_hint(ratio, name):
    """The likely slip when d`name` is `ratio` times autograd's (N = 4 here)."""
    hints = {
        4.0: "did you sum over the examples instead of averaging",
        0.5: "did you drop the factor 2 of the square",
        -1.0: "did you write y - y_hat instead of y_hat - y",
        0.0: {
            "w": "did you forget the gradient for w",
            "b": "did you forget the gradient for b",
        }[name],
    }
    near = [text for r, text in hints.items() if abs(ratio - r) < 1e-4]
    return near[0] if near else "compare your code with the formulas above"


# %% nbgrader={"grade": true, "grade_id": "test_gradient_w", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check dw against autograd on the tiny float64 example above."""
dw_small, _ = gradients(x_gc, y_gc, w_gc.detach(), b_gc.detach())
assert dw_small.numel() == 1, "dw should be one number: average with .mean()"
print(f"dw = {dw_small.item():.6f} (should be autograd's {w_gc.grad.item():.6f})")
ratio = dw_small.item() / w_gc.grad.item()
assert abs(ratio - 1) < 1e-8, (
    f"dw is {ratio:.3g} times autograd's: {gradient_hint(ratio, 'w')}?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("gradient_w", gradients)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_gradient_b", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check db against autograd on the tiny float64 example above."""
_, db_small = gradients(x_gc, y_gc, w_gc.detach(), b_gc.detach())
assert db_small is not None, "db is None: did you compute the gradient for b?"
assert db_small.numel() == 1, "db should be one number: average with .mean()"
print(f"db = {db_small.item():.6f} (should be autograd's {b_gc.grad.item():.6f})")
ratio = db_small.item() / b_gc.grad.item()
assert abs(ratio - 1) < 1e-8, (
    f"db is {ratio:.3g} times autograd's: {gradient_hint(ratio, 'b')}?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("gradient_b", gradients)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_gradients_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
# At the start both gradients are negative: increasing $w$ or $b$ lowers the loss,
# as it should, since the line $y = 0$ lies below every point.

# %% nbgrader={"grade": false, "grade_id": "gradients_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
gradients(x, y, torch.tensor(W0), torch.tensor(B0))


# %% [markdown] nbgrader={"grade": false, "grade_id": "md_step", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. One update step (1 point)
#
# $$w \leftarrow w - \text{lr}\,\frac{\partial L}{\partial w}, \qquad
#   b \leftarrow b - \text{lr}\,\frac{\partial L}{\partial b}$$
#
# The gradient points where the loss grows fastest; we go the other way. It describes
# the loss only near the current point: too small a step wastes epochs, too large a
# step overshoots (Section 9 makes "too large" exact).
#
# **Task (1 point).** Write `step(w, b, dw, db, lr)` returning the new `(w, b)` as new
# tensors (no in-place update), from the gradients `dw` and `db` you pass in.


# %% nbgrader={"grade": false, "grade_id": "step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def step(w, b, dw, db, lr):
    """One gradient descent update: all 0-dim tensors, lr a float -> new (w, b)."""
    ### BEGIN SOLUTION
    w_new = w - lr * dw
    b_new = b - lr * db
    ### END SOLUTION
    return w_new, b_new


# %% nbgrader={"grade": true, "grade_id": "test_step", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check one update from w = 1, b = 2 with dw = 0.5, db = -1, lr = 0.1."""
w_next, b_next = step(
    torch.tensor(1.0), torch.tensor(2.0), torch.tensor(0.5), torch.tensor(-1.0), 0.1
)
print(f"w = {float(w_next):.4f}, b = {float(b_next):.4f} (should be 0.95 and 2.1)")
assert abs(float(w_next) - 0.95) < 1e-6, (
    f"w: got {float(w_next):.4f}, expected 1 - 0.1 * 0.5 = 0.95: "
    "1.05 means you added the gradient, 0.90 that you used w instead of dw"
)
assert abs(float(b_next) - 2.1) < 1e-6, (
    f"b: got {float(b_next):.4f}, expected 2 - 0.1 * (-1) = 2.1: "
    "1.9 means you added the gradient, 1.8 that you used b instead of db"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("step", step)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_grad_none", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Pitfall.** `w.grad` is filled by *autograd*, only for tensors made with
# `requires_grad=True`; otherwise it is `None` and `w -= lr * w.grad` fails. This lab
# uses no autograd: pass your own `dw` and `db` to `step`.

# %% nbgrader={"grade": false, "grade_id": "grad_none", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_plain = torch.tensor(0.0)  # requires_grad=False, the default
print("w_plain.grad is", w_plain.grad)
try:
    w_plain -= LR * w_plain.grad
except TypeError as error:
    print("TypeError:", error)


# %% [markdown] nbgrader={"grade": false, "grade_id": "md_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 6. The training loop (3 points)
#
# Gradient descent is five steps, the last four repeated:
#
# 1. **Initialise** the parameters: `w`, `b` = `w0`, `b0`.
# 2. **Predict**: `y_hat = predict(x, w, b)`.
# 3. **Loss**: `loss = mse(y_hat, y)`, and record `float(loss)` *before* the update,
#    so `losses[0]` is the loss at the starting point.
# 4. **Gradients**: `dw, db = gradients(x, y, w, b)`.
# 5. **Step**: `w, b = step(w, b, dw, db, lr)`.
#
# Steps 2 to 5 run `num_epochs` times; each update uses all $N$ examples (full-batch),
# so one epoch is one update.
#
# **Task A (2 points).** Write `train(x, y, w0, b0, lr, num_epochs)` returning the
# final `w`, `b` and the list `losses` of `num_epochs` Python floats, using your own
# functions. `torch.as_tensor(w0, dtype=x.dtype)` accepts a float or a 0-dim tensor.
# 1 point for the final parameters, 1 for the losses.


# %% nbgrader={"grade": false, "grade_id": "train", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train(x, y, w0, b0, lr, num_epochs):
    """Full-batch gradient descent for the line y_hat = w * x + b.

    x, y: (n, 1); w0, b0: floats or 0-dim tensors. Returns the final w and b
    (0-dim) and losses, a list of num_epochs floats: losses[k] is the loss
    before update k.
    """
    ### BEGIN SOLUTION
    w = torch.as_tensor(w0, dtype=x.dtype)  # 1. initialise
    b = torch.as_tensor(b0, dtype=x.dtype)
    losses = []
    for _ in range(num_epochs):
        y_hat = predict(x, w, b)  # 2. predict
        loss = mse(y_hat, y)  # 3. loss, recorded before the update
        losses.append(float(loss))
        dw, db = gradients(x, y, w, b)  # 4. gradients
        w, b = step(w, b, dw, db, lr)  # 5. step
    ### END SOLUTION
    return w, b, losses


# %% nbgrader={"grade": true, "grade_id": "test_train_params", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that train recovers w = 2, b = 1 from five points on y = 2x + 1."""
x_small = torch.linspace(0, 1, 5).reshape(-1, 1)
w_small, b_small, _ = train(x_small, 2 * x_small + 1, 0.0, 0.0, 0.1, 1000)
print(f"w = {float(w_small):.4f}, b = {float(b_small):.4f} (should be 2 and 1)")
assert abs(float(w_small) - 2) < 1e-3 and abs(float(b_small) - 1) < 1e-3, (
    "train did not find w = 2, b = 1 on noise-free points: do the gradient and step "
    "tests pass, and does every epoch update both w and b?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_params", train)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_train_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the losses of 3 epochs: a list of floats, the first at (w0, b0)."""
x_small = torch.linspace(0, 1, 5).reshape(-1, 1)
_, _, losses_small = train(x_small, 2 * x_small + 1, 0.0, 0.0, 0.1, 3)
print("losses:", losses_small, "(should start at 4.5 and decrease)")
assert isinstance(losses_small, list) and len(losses_small) == 3, "one per epoch"
assert all(isinstance(value, float) for value in losses_small), "append float(loss)"
assert abs(losses_small[0] - 4.5) < 1e-5, (
    f"losses[0] is {losses_small[0]:.4f}: record the loss before the update"
)
assert losses_small[0] > losses_small[1] > losses_small[2], "the loss should decrease"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_losses", train)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_train_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task B (1 point).** Train on your data, from $w = b = 0$ (`W0`, `B0`) with `LR` =
# 0.1 for `NUM_EPOCHS` = 1000 epochs, and name the results `w, b, losses` (the
# example data end near $w = 1.908$, $b = 3.046$; yours end elsewhere).

# %% nbgrader={"grade": false, "grade_id": "train_run", "locked": false, "schema_version": 3, "solution": true, "task": false}
# w, b, losses = ...
### BEGIN SOLUTION
w, b, losses = train(x, y, W0, B0, LR, NUM_EPOCHS)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_train_run", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check w, b of the run on your data: one finite number each, near least squares."""
w_run, b_run = float(w), float(b)
print(f"your run: w = {w_run:.6f}, b = {b_run:.6f}")
A_run = torch.cat([x, torch.ones_like(x)], dim=1).double()
w_fit, b_fit = torch.linalg.lstsq(A_run, y.double()).solution.ravel().tolist()
assert abs(w_run - w_fit) < 0.01 and abs(b_run - b_fit) < 0.01, (
    f"the least-squares line of your data is w = {w_fit:.4f}, b = {b_fit:.4f}, which "
    "1000 epochs of gradient descent get within 0.01 of: did you train on x, y with "
    "W0, B0, LR and NUM_EPOCHS?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_run", w, b)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "train_plot_fit", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(x, y, s=12, alpha=0.7, label="data")
ax.plot(
    x_line, TRUE_W * x_line + TRUE_B, "k--", label=f"true line y = {TRUE_W}x + {TRUE_B}"
)
label = f"GD fit y = {float(w):.3f}x + {float(b):.3f}"
ax.plot(x_line, predict(x_line, w, b), "r", label=label)
ax.set(xlabel="x", ylabel="y", title="Data, true line and gradient descent fit")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "md_train_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss curve, on a log scale (the loss spans three orders of magnitude). For the
# example data it falls from about 16.6 to near its floor within a few dozen epochs,
# then flattens at about 0.027, not at 0: no line passes through noisy points.

# %% nbgrader={"grade": false, "grade_id": "train_plot_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(losses)
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title=f"Training, lr = {LR}");
# %% [markdown] nbgrader={"grade": false, "grade_id": "md_lstsq", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 7. What did gradient descent find?
#
# **Why not the true line.** Gradient descent minimises the loss on *these* $N$
# points; it never sees the true line. The minimum of $L$ is where both gradients
# vanish:
#
# $$\frac{\partial L}{\partial w} = 0,\; \frac{\partial L}{\partial b} = 0
#   \iff A^\top A \begin{pmatrix} w \\ b \end{pmatrix} = A^\top y,
#   \qquad A = \begin{pmatrix} x_1 & 1 \\ \vdots & \vdots \\ x_N & 1 \end{pmatrix},$$
#
# the normal equations, solved by the **least-squares** fit (`torch.linalg.lstsq`).
# Gradient descent agrees with it up to float32 rounding; both differ from the true
# line by an error due to this sample of noise, which more epochs cannot remove.

# %% nbgrader={"grade": false, "grade_id": "lstsq_fit", "locked": true, "schema_version": 3, "solution": false, "task": false}
A = torch.cat([x, torch.ones_like(x)], dim=1).double()  # (N, 2): columns x and 1
w_ls, b_ls = torch.linalg.lstsq(A, y.double()).solution.ravel()
print(f"{'':>15}{'w':>9}{'b':>9}")
print(f"{'gradient desc.':>15}{float(w):9.5f}{float(b):9.5f}")
print(f"{'least squares':>15}{float(w_ls):9.5f}{float(b_ls):9.5f}")
print(f"{'true line':>15}{TRUE_W:9.5f}{TRUE_B:9.5f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_lstsq_grad", "locked": true, "schema_version": 3, "solution": false, "task": false}
# At the true parameters the gradient is small but *not* zero: for this sample of
# noise another line fits better.

# %% nbgrader={"grade": false, "grade_id": "lstsq_grad", "locked": true, "schema_version": 3, "solution": false, "task": false}
gradients(x, y, torch.tensor(TRUE_W), torch.tensor(TRUE_B))

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_stopping", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Pitfall: when to stop.** A stopping rule like this one never fires:
#
# ```python
# if abs(w - TRUE_W) < 1e-4 and abs(b - TRUE_B) < 1e-4:  # near the true line?
#     break
# ```
#
# Gradient descent converges to the least-squares fit, a fixed distance from the true
# line (about 0.09 in $w$ for the example data), and with real data the truth is
# unknown. Stop when the loss changes by less than a tolerance, e.g.
# `abs(losses[-2] - losses[-1]) < 1e-9`.

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_init", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 8. Experiment: initial values (2 points)
#
# *How do different initial values of $w$ and $b$ affect the number of iterations
# needed for convergence?* Count the epochs a run needs to come within 1% of the
# least possible loss (`TARGET`).
#
# **Task (1 point).** Write `epochs_to_reach(losses, target)`: the first epoch `k`
# with `losses[k] <= target`, or `None` if there is none. Train from
# $(w_0, b_0) = (-10, 10)$ (`LR`, `NUM_EPOCHS`) into `w_far, b_far, losses_far`, and
# set `epochs_near` and `epochs_far` to the epochs the runs from $(0, 0)$ (`losses`)
# and $(-10, 10)$ need.

# %% nbgrader={"grade": false, "grade_id": "init_target", "locked": true, "schema_version": 3, "solution": false, "task": false}
loss_ls = float(((w_ls * x.double() + b_ls - y.double()) ** 2).mean())
TARGET = 1.01 * loss_ls  # within 1% of the least-squares loss
print(f"least-squares loss {loss_ls:.5f}, TARGET = {TARGET:.5f}")


# %% nbgrader={"grade": false, "grade_id": "epochs_to_reach", "locked": false, "schema_version": 3, "solution": true, "task": false}
def epochs_to_reach(losses, target):
    """The first epoch k with losses[k] <= target, or None if there is none."""
    ### BEGIN SOLUTION
    for k, loss in enumerate(losses):
        if loss <= target:
            return k
    return None
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "init_run", "locked": false, "schema_version": 3, "solution": true, "task": false}
# w_far, b_far, losses_far = ...
# epochs_near = ...
# epochs_far = ...
### BEGIN SOLUTION
w_far, b_far, losses_far = train(x, y, -10.0, 10.0, LR, NUM_EPOCHS)
epochs_near = epochs_to_reach(losses, TARGET)
epochs_far = epochs_to_reach(losses_far, TARGET)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_init_epochs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check epochs_to_reach on six losses; print the epochs of your two runs."""
losses_small = [9.5, 7.25, 4.5, 4.5, 3.75, 3.75]
k_small = epochs_to_reach(losses_small, 4.5)
print("epochs_to_reach(losses_small, 4.5) =", k_small, "(should be 2)")
assert k_small == 2, f"got {k_small!r}: 4 means < instead of <=, 3 one epoch too late"
assert epochs_to_reach(losses_small, 1.0) is None, "never reached: return None"
assert epochs_to_reach(losses_small, 20.0) == 0, "reached at the start: return 0"
print(f"epochs to TARGET: {epochs_near} from (0, 0), {epochs_far} from (-10, 10)")
print("(the example data: 85 and 401)")
assert epochs_far is not None and epochs_near < epochs_far, "is the far run slower?"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("init_epochs", epochs_to_reach, losses_far, epochs_near, epochs_far)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "init_plot_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(losses, label="start (0, 0)")
ax.semilogy(losses_far, label="start (-10, 10)")
ax.axhline(TARGET, color="k", ls=":", label="TARGET")
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title="Two starting points")
ax.legend();


# %% [markdown] nbgrader={"grade": false, "grade_id": "md_init_path", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The same two runs seen from above: contour lines of $L(w, b)$ and the path of
# $(w, b)$ (`gd_path`), one dot every 10 epochs.


# %% nbgrader={"grade": false, "grade_id": "init_path", "locked": true, "schema_version": 3, "solution": false, "task": false}
def gd_path(w0, b0, lr, num_epochs):
    """The (w, b) visited by gradient descent on (x, y): (num_epochs + 1, 2)."""
    w_k, b_k = torch.tensor(w0), torch.tensor(b0)
    path = [(w0, b0)]
    for _ in range(num_epochs):
        dw_k, db_k = gradients(x, y, w_k, b_k)
        w_k, b_k = step(w_k, b_k, dw_k, db_k, lr)
        path.append((float(w_k), float(b_k)))
    return torch.tensor(path)


# %% nbgrader={"grade": false, "grade_id": "init_plot_path", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_grid, b_grid = torch.meshgrid(
    torch.linspace(-12, 6, 200), torch.linspace(-2, 12, 200), indexing="xy"
)
y_hat_grid = w_grid[..., None] * x.ravel() + b_grid[..., None]  # (200, 200, N)
loss_grid = ((y_hat_grid - y.ravel()) ** 2).mean(dim=-1)
fig, ax = plt.subplots(figsize=(6, 5))
ax.contour(w_grid, b_grid, loss_grid, levels=torch.logspace(-1, 2.5, 15))
for (w0, b0), color in [((W0, B0), "C0"), ((-10.0, 10.0), "C1")]:
    path = gd_path(w0, b0, LR, NUM_EPOCHS)[::10]
    label = f"start ({w0:g}, {b0:g})"
    ax.plot(path[:, 0], path[:, 1], ".-", color=color, ms=3, label=label)
ax.plot(float(w_ls), float(b_ls), "k*", ms=12, label="least squares")
ax.set(xlabel="w", ylabel="b", title="Loss contours and two descent paths")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "md_question_init", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** Training from $(w_0, b_0) = (-10, 10)$ instead of $(0, 0)$,
# with lr = 0.1:
#
# - a) it ends at a different $w$, $b$: gradient descent settles in the minimum nearest
#   its start;
# - b) it diverges: the first gradients are far larger, and lr = 0.1 overshoots from so
#   far out;
# - c) it needs more epochs to come close to the minimum, but still ends at the same $w$
#   and $b$.
#
# Answer with `answer_init = "a"`, `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "answer_init", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_init = "a", "b" or "c"
### BEGIN SOLUTION
# c. The MSE of a line is a convex quadratic in (w, b) with one minimum, the
# least-squares fit, so every run that converges ends there. From (-10, 10), far out
# along the flat valley of the contour plot, it needs more epochs (401 against 85 to
# reach TARGET for the example data): the error along the flat direction shrinks
# only by a factor of about 0.987 per epoch.
# a is wrong: a convex quadratic has no other minimum to settle in.
# b is wrong: whether gradient descent converges depends on lr < 2 / lambda_max,
# which depends on x only (about 0.78 for the example data), not on the start;
# larger first gradients only mean larger first steps.
answer_init = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_answer_init", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_init is one of the letters "a", "b", "c"."""
assert answer_init in ("a", "b", "c"), (
    f'answer_init should be "a", "b" or "c", got {answer_init!r}'
)
print(f"answer_init = {answer_init!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_init", answer_init)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_lr", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 9. Experiment: learning rate (6 points)
#
# *How does the learning rate affect convergence? What if it is too high or too
# low?* For our quadratic loss the answer is exact.
#
# **The Hessian.** Differentiating the gradients of Section 4 once more gives
#
# $$H = 2 \begin{pmatrix} \overline{x^2} & \bar x \\ \bar x & 1 \end{pmatrix},
#   \qquad \overline{x^2} = \frac{1}{N}\sum_{i=1}^{N} x_i^2, \quad
#   \bar x = \frac{1}{N}\sum_{i=1}^{N} x_i ,$$
#
# which depends on the inputs only, with eigenvalues
# $0 < \lambda_{\min} \le \lambda_{\max}$.
#
# **Why there is a threshold.** With $\theta = (w, b)$ and the minimum $\theta^\star$,
# the gradient is $H(\theta - \theta^\star)$, so one step gives
# $\theta_{k+1} - \theta^\star = (I - \text{lr}\, H)\,(\theta_k - \theta^\star)$.
# Along each eigenvector of $H$ the error is multiplied by
# $1 - \text{lr}\,\lambda_j$ per step, and it shrinks iff that factor lies in
# $(-1, 1)$:
#
# $$\text{gradient descent converges} \iff \text{lr} < \frac{2}{\lambda_{\max}} .$$
#
# Between $1/\lambda_{\max}$ and $2/\lambda_{\max}$ the factor is negative: the
# parameters oscillate, but the oscillation dies out. A small learning rate is safe
# but slow: the flat direction shrinks by $1 - \text{lr}\,\lambda_{\min}$ per step
# (about 0.987 at lr = 0.1 for the example data).
#
# **Task (2 points).** Write `largest_stable_lr(x)` returning $2 / \lambda_{\max}$ as
# a Python float. Build $H$ in float64 (`x.double()`) and use
# `torch.linalg.eigvalsh`, which returns the eigenvalues of a symmetric matrix in
# ascending order.


# %% nbgrader={"grade": false, "grade_id": "largest_stable_lr", "locked": false, "schema_version": 3, "solution": true, "task": false}
def largest_stable_lr(x):
    """2 / lambda_max for the MSE of a line: x (n, 1) -> float.

    lambda_max is the largest eigenvalue of the 2 x 2 Hessian of the MSE with
    respect to (w, b).
    """
    ### BEGIN SOLUTION
    x64 = x.double().ravel()
    mean_x = x64.mean()
    mean_x2 = (x64**2).mean()
    H = 2 * torch.stack(
        [torch.stack([mean_x2, mean_x]), torch.stack([mean_x, torch.ones_like(mean_x)])]
    )
    lambda_max = torch.linalg.eigvalsh(H)[-1]
    ### END SOLUTION
    return float(2 / lambda_max)


# %% nbgrader={"grade": true, "grade_id": "test_largest_stable_lr", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check largest_stable_lr for x = (0, 1), where H = [[1, 1], [1, 2]]."""
lr_small = float(largest_stable_lr(torch.tensor([[0.0], [1.0]])))
# lambda_max = (3 + sqrt(5)) / 2, so 2 / lambda_max = 3 - sqrt(5)
print(f"largest stable lr = {lr_small:.6f} (should be 3 - sqrt(5) = 0.763932)")
assert abs(lr_small - (3 - 5**0.5)) < 1e-6, (
    f"got {lr_small:.6f}, expected {3 - 5**0.5:.6f}: 1.5279 means 2 / lambda_max "
    "without the factor 2 in H, 0.3820 means 1 / lambda_max instead of 2 / lambda_max"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("largest_stable_lr", largest_stable_lr)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_lr_value", "locked": true, "schema_version": 3, "solution": false, "task": false}
# For the example data the threshold is about 0.78 (yours is close: $x$ is uniform on
# $[0, 1)$ for everyone), so `LR` = 0.1 is safe.

# %% nbgrader={"grade": false, "grade_id": "lr_value", "locked": true, "schema_version": 3, "solution": false, "task": false}
lr_max = largest_stable_lr(x)
lr_max

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_lr_sweep", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task (2 points).** Write `lr_sweep(x, y, lrs, num_epochs)`: for each learning
# rate in `lrs`, train with your `train` from $w = b = 0$ for `num_epochs` epochs,
# and return the list of the final losses (`losses[-1]` of each run), one float per
# learning rate. A run that diverges may end at a huge number, `inf` or `nan`.
#
# **Pitfall.** Every run must start again from $w = b = 0$: starting from where the
# previous run ended, or from the `w`, `b` trained in Section 6, compares starting
# points, not learning rates.


# %% nbgrader={"grade": false, "grade_id": "lr_sweep", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lr_sweep(x, y, lrs, num_epochs):
    """Final loss of a run of train from w = b = 0 for each lr in lrs: floats."""
    ### BEGIN SOLUTION
    final_losses = []
    for lr in lrs:
        _, _, losses_lr = train(x, y, 0.0, 0.0, lr, num_epochs)  # a fresh start
        final_losses.append(losses_lr[-1])
    ### END SOLUTION
    return final_losses


# %% nbgrader={"grade": true, "grade_id": "test_lr_sweep", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check lr_sweep on five points of y = 2x + 1, whose largest stable lr is 0.78."""
x_small = torch.linspace(0, 1, 5).reshape(-1, 1)
sweep_small = lr_sweep(x_small, 2 * x_small + 1, [0.1, 0.1, 0.5, 3.0], 20)
print("final losses:", sweep_small, "(0.0739, 0.0739, 0.0031, huge)")
assert isinstance(sweep_small, list) and len(sweep_small) == 4, "one loss per lr"
assert sweep_small[0] == sweep_small[1], (
    "lr = 0.1 twice gave two final losses: does every run start from w = b = 0?"
)
assert sweep_small[2] < sweep_small[0], "lr = 0.5 should end lower than lr = 0.1"
assert not sweep_small[3] < 4.5, "lr = 3.0 is above 0.78: the loss should grow"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("lr_sweep", lr_sweep)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_lr_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The sweep on your data, for learning rates on both sides of the threshold, and the
# loss curves of the same runs:

# %% nbgrader={"grade": false, "grade_id": "lr_sweep_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
SWEEP_EPOCHS = 20
LR_FACTORS = (0.1, 0.5, 0.9, 1.1)  # times the largest stable lr
sweep_lrs = [factor * lr_max for factor in LR_FACTORS]
for factor, lr_k, loss_k in zip(
    LR_FACTORS, sweep_lrs, lr_sweep(x, y, sweep_lrs, SWEEP_EPOCHS), strict=True
):
    print(f"lr = {factor} x {lr_max:.3f} = {lr_k:.3f}: final loss {loss_k:.4g}")

# %% nbgrader={"grade": false, "grade_id": "lr_plot_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
for factor, lr_k in zip(LR_FACTORS, sweep_lrs, strict=True):
    _, _, losses_lr = train(x, y, W0, B0, lr_k, SWEEP_EPOCHS)
    ax.semilogy(losses_lr, label=f"lr = {factor} x largest stable lr")
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title="Around the threshold")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "md_lr_path", "locked": true, "schema_version": 3, "solution": false, "task": false}
# And $w$ during 100 epochs just below (left) and just above (right) the threshold:

# %% nbgrader={"grade": false, "grade_id": "lr_plot_w", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, factor, color in zip(axes, (0.99, 1.01), ("C1", "C2"), strict=True):
    path = gd_path(W0, B0, factor * lr_max, 100)
    ax.plot(path[:, 0], ".-", color=color, ms=3, lw=0.8, label="w")
    ax.axhline(float(w_ls), color="k", ls="--", label="least-squares w")
    ax.set(xlabel="epoch", title=f"lr = {factor} x largest stable lr")
    ax.legend(loc="upper left")
axes[0].set_ylabel("w")
# %% [markdown] nbgrader={"grade": false, "grade_id": "md_question_lr", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** With lr = 1.01 × `largest_stable_lr(x)`:
#
# - a) the loss grows without bound, and $w$ and $b$ swing back and forth ever more
#   widely;
# - b) gradient descent still converges, only more slowly, as its steps overshoot a
#   little;
# - c) it still converges, but to another minimum than the one it reaches below the
#   threshold.
#
# Answer with `answer_lr = "a"`, `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "answer_lr", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_lr = "a", "b" or "c"
### BEGIN SOLUTION
# a. Along the eigenvector of lambda_max the error is multiplied at every step by
# 1 - lr * lambda_max = 1 - 1.01 * 2 = -1.02: it changes sign and grows by 2% per
# epoch, so the parameters oscillate with growing amplitude and the loss grows
# without bound.
# b is wrong: convergence needs |1 - lr * lambda| < 1 in every direction; at 0.99 x
# the threshold it converges (with oscillations that die out), at 1.01 x it does not.
# c is wrong: the MSE of a line has only one minimum.
answer_lr = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_answer_lr", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_lr is one of the letters "a", "b", "c"."""
assert answer_lr in ("a", "b", "c"), (
    f'answer_lr should be "a", "b" or "c", got {answer_lr!r}'
)
print(f"answer_lr = {answer_lr!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_lr", answer_lr)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_big", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Inputs on a large scale
#
# Code like this is common:
#
# ```python
# xs = torch.randn(100, 1) * 10  # normal, std 10, either sign
# ys = torch.nn.functional.linear(xs, torch.tensor([[2.0]]), torch.tensor([3.0]) + noise)
# ```
#
# The second line folds the noise into the bias argument. It runs, because the bias
# broadcasts, but the bias of a line is one number per output; the noise belongs to
# $y$: `ys = F.linear(xs, w, b) + noise`. The first line changes the threshold:
# $\lambda_{\max} \ge H_{11} = 2\,\overline{x^2}$, so the largest stable lr is at most
# $1 / \overline{x^2}$: about 0.01 here (nearly equal, as $\bar x \approx 0$),
# against about 0.78 for $x$ on $[0, 1)$.

# %% nbgrader={"grade": false, "grade_id": "big_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
import torch.nn.functional as F

torch.manual_seed(SEED + 1)
x_big = 10 * torch.randn(N, 1)
line_w, line_b = torch.tensor([[TRUE_W]]), torch.tensor([TRUE_B])
y_big = F.linear(x_big, line_w, line_b) + NOISE_STD * torch.randn(N, 1)

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_big_task", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task (1 point).** Set `lr_max_big` to the largest stable lr for `x_big`, and
# `sweep_big` to the final losses of `lr_sweep` on `x_big, y_big` for the two learning
# rates `LR` (0.1) and `lr_max_big / 2`, with `SWEEP_EPOCHS` epochs.

# %% nbgrader={"grade": false, "grade_id": "big_scale", "locked": false, "schema_version": 3, "solution": true, "task": false}
# lr_max_big = ...
# sweep_big = ...
### BEGIN SOLUTION
lr_max_big = largest_stable_lr(x_big)
sweep_big = lr_sweep(x_big, y_big, [LR, lr_max_big / 2], SWEEP_EPOCHS)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_big_scale", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check lr_max_big and sweep_big: a small threshold, and LR = 0.1 above it."""
print(f"lr_max_big = {lr_max_big:.5f}, about 1 / mean(x_big ** 2) (x: {lr_max:.3f})")
print("sweep_big:", sweep_big, "(LR diverges: huge, inf or nan)")
assert lr_max_big < LR, "the threshold for x_big should be far below LR = 0.1"
assert len(sweep_big) == 2 and sweep_big[1] < 100, "lr_max_big / 2 should converge"
assert not sweep_big[0] < 1e6, "with LR = 0.1 training on x_big should diverge"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("big_scale", lr_max_big, sweep_big)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_noise", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 10. Experiment: noise (2 points)
#
# *How does the model perform if you increase the amount of noise in the data?*
#
# No line can explain the noise. It moves the least-squares line away from the true
# one, in proportion to $\sigma$, and puts a floor under the loss: the mean squared
# residual at the fit, about $\sigma^2$ (in expectation $\frac{N-2}{N}\sigma^2$).
#
# **Task (1 point).** Make the data again, `x_noisy, y_noisy`, with `NOISE_STD_HIGH`
# = 1.0 and the same seed (the same draws: the noise is exactly 5 times larger),
# train on them as in Section 6 (`w_noisy, b_noisy, losses_noisy`), and set
# `noise_ratios` to the list of both runs' final loss / `noise_std**2`, `NOISE_STD`'s
# first.

# %% nbgrader={"grade": false, "grade_id": "noise_run", "locked": false, "schema_version": 3, "solution": true, "task": false}
# x_noisy, y_noisy = ...
# w_noisy, b_noisy, losses_noisy = ...
# noise_ratios = ...
### BEGIN SOLUTION
x_noisy, y_noisy = make_data(N, TRUE_W, TRUE_B, NOISE_STD_HIGH, SEED)
w_noisy, b_noisy, losses_noisy = train(x_noisy, y_noisy, W0, B0, LR, NUM_EPOCHS)
noise_ratios = [losses[-1] / NOISE_STD**2, losses_noisy[-1] / NOISE_STD_HIGH**2]
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_noise_run", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the noisy data and run: the same x, and the same ratio for both runs."""
print("noise_ratios:", noise_ratios, "(the example data: 0.6632 twice)")
assert torch.equal(x_noisy, x), "x_noisy should equal x: use the same SEED"
noise, noise_high = y - TRUE_W * x - TRUE_B, y_noisy - TRUE_W * x - TRUE_B
assert torch.allclose(noise_high, 5 * noise, atol=1e-4), "use NOISE_STD_HIGH = 1.0"
assert len(noise_ratios) == 2, "one ratio per run: [NOISE_STD's, NOISE_STD_HIGH's]"
assert abs(noise_ratios[1] / noise_ratios[0] - 1) < 0.01, "the ratios should agree"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("noise_run", x_noisy, y_noisy, w_noisy, b_noisy, losses_noisy, noise_ratios)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "noise_table", "locked": true, "schema_version": 3, "solution": false, "task": false}
print("noise_std        w        b  final loss  final loss / noise_std**2")
for noise_std, w_k, b_k, losses_k, ratio in [
    (NOISE_STD, w, b, losses, noise_ratios[0]),
    (NOISE_STD_HIGH, w_noisy, b_noisy, losses_noisy, noise_ratios[1]),
]:
    w_k, b_k = float(w_k), float(b_k)
    print(f"{noise_std:9.1f}{w_k:9.4f}{b_k:9.4f}{losses_k[-1]:12.4f}{ratio:27.3f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_noise_ratio", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The ratios agree: the residuals scale with the noise. (0.66 for the example data:
# its 100 normal draws happen to be small.)

# %% nbgrader={"grade": false, "grade_id": "noise_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(x_noisy, y_noisy, s=12, alpha=0.7, label="data, noise_std = 1.0")
ax.plot(
    x_line, TRUE_W * x_line + TRUE_B, "k--", label=f"true line y = {TRUE_W}x + {TRUE_B}"
)
ax.plot(x_line, predict(x_line, w_noisy, b_noisy), "r", label="GD fit, noise_std = 1.0")
ax.plot(x_line, predict(x_line, w, b), "C2", label="GD fit, noise_std = 0.2")
ax.set(xlabel="x", ylabel="y", title="More noise: the fit drifts from the true line")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "md_question_noise", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** With `NOISE_STD` = 1.0 instead of 0.2 (same seed):
#
# - a) gradient descent recovers exactly the true line, because the added noise has mean
#   zero;
# - b) it converges to a fit further from the true line; the final loss grows like
#   `noise_std**2`;
# - c) it diverges: the noisier targets make the gradients far too large for a learning
#   rate of 0.1.
#
# Answer with `answer_noise = "a"`, `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "answer_noise", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_noise = "a", "b" or "c"
### BEGIN SOLUTION
# b. Gradient descent still finds the least-squares fit of the data it is given.
# With the noise 5 times larger that fit lies further from the true line (by an
# amount proportional to sigma), and the final loss, the mean squared residual, is
# 25 times larger, in proportion to noise_std**2 (the table's last column is the same
# in both rows).
# a is wrong: zero-mean noise does not cancel in one finite sample; the fit follows it.
# c is wrong: the largest stable lr, 2 / lambda_max, depends on x only, and x is the
# same (same seed); lr = 0.1 stays below it.
answer_noise = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_answer_noise", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_noise is one of the letters "a", "b", "c"."""
assert answer_noise in ("a", "b", "c"), (
    f'answer_noise should be "a", "b" or "c", got {answer_noise!r}'
)
print(f"answer_noise = {answer_noise!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_noise", answer_noise)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "md_summary", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Summary
#
# - Gradient descent finds the least-squares fit of the data, not the true line: stop
#   on the change of the loss, not on the distance to the truth.
# - The gradients are means over the examples, one number each: `.mean()`, not
#   `.sum()`.
# - The start changes how long training takes, not where it ends.
# - The learning rate must stay below $2 / \lambda_{\max}$, about $1 / \overline{x^2}$
#   for large inputs.
# - More noise moves the fit from the truth and raises the loss floor to about
#   $\sigma^2$.
#
# ## Going further (not graded)
#
# 1. Standardise the input, $x' = (x - \bar x) / \operatorname{std}(x)$. What does the
#    Hessian become, and how many epochs does training need now?
# 2. Vary `N` from 10 to 10,000 and plot the distance of the least-squares fit from
#    the true line against `N` on log-log axes. Which slope do you expect?
