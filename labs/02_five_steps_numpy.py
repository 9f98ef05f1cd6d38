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

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_title", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 02: The five steps of gradient descent, in numpy (24 points)
#
# You will fit the line $y = w x + b$ to noisy data by gradient descent, written in
# plain numpy as five steps: **0** random initialisation, **1** the forward pass,
# **2** the loss, **3** the gradients, **4** the update, then the loop that repeats
# steps 1 to 4 (*rinse and repeat*). You will also validate the trained line,
# compare it with the closed-form least-squares fit, and draw the loss surface with
# the path of gradient descent.
#
# The setting is the classic *Visualizing Gradient Descent* example: true $w = -3$,
# $b = 0.5$, 100 points, `np.random.seed(42)`, an 80/20 split, learning rate 0.1.
# With these settings a run of 1000 epochs ends at $w = -3.03103474$,
# $b = 0.52354035$; your trained line must reproduce that.
#
# **Learning objectives.** After this lab you can
#
# - split data reproducibly, and say why the order of random calls matters;
# - write the five steps as small numpy functions, with the gradients of the MSE
#   derived by hand (the 2, the $1/N$, the sign);
# - explain why two starts give different gradients and different end points;
# - tell how far gradient descent is from least squares, and why;
# - compute a loss over a whole grid without loops, and read its contour plot.
#
# **How this lab is graded.** Each task is a function, a value or a one-letter answer
# in a cell marked `# YOUR CODE HERE`: replace `raise NotImplementedError()` with
# your code, then run the test cell after it. At grading, *hidden* checks (other
# data, common mistakes) run too: passing the visible check is necessary, not
# sufficient. Keep the function names and arguments, don't delete, copy or split
# answer and test cells, and make sure the notebook runs top to bottom
# (*Kernel → Restart Kernel and Run All Cells*). The names (`init_params`,
# `predict`, `mse`, `gradients`, `step`, `train`) follow lab 01's table of course
# names: w before b, gradients as `(dw, db)`.
# Common slips in write-ups of this example are flagged as **Pitfall**.
#
# | Section | Points |
# |---|---|
# | 1. Data, and the train/validation split | 2 |
# | 2. Step 0: random initialisation | 1 |
# | 3. Step 1: the forward pass | 1 |
# | 4. Step 2: the loss | 1 |
# | 5. Step 3: the gradients | 4 |
# | 6. `rand` or `randn`? Two sets of gradients | 2 |
# | 7. Step 4: the update | 1 |
# | 8. Step 5: rinse and repeat | 5 |
# | 9. The closed form: least squares | 2 |
# | 10. Validation | 2 |
# | 11. The loss surface | 3 |
# | **Total** | **24** |

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 0. Setup
#
# The hidden checks use these constants, so leave them as they are (experiment in
# new cells instead).

# %% nbgrader={"grade": false, "grade_id": "fs_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import matplotlib.pyplot as plt
import numpy as np

SEED = 42  # np.random.seed before the data, and again in init_params
N = 100  # number of points
TRUE_W = -3.0  # slope of the true line
TRUE_B = 0.5  # intercept of the true line
NOISE_STD = 0.1  # standard deviation of the noise added to y
TRAIN_FRACTION = 0.8  # share of the points used for training
LR = 0.1  # learning rate
NUM_EPOCHS = 1000  # number of gradient descent steps


# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. Data, and the train/validation split (2 points)
#
# **Why.** With synthetic data we choose the right answer, the line
# $y = -3x + 0.5$, and can check what gradient descent finds. With $w^\star$ =
# `TRUE_W`, $b^\star$ = `TRUE_B` and $\sigma$ = `NOISE_STD`, each point
# $i = 1, \dots, N$ is
#
# $$x_i \sim \mathcal{U}[0, 1), \qquad \varepsilon_i \sim \mathcal{N}(0, \sigma^2),
# \qquad y_i = w^\star x_i + b^\star + \varepsilon_i .$$
#
# **Why a split.** We train on 80 points and keep 20 aside: their loss, the
# *validation loss* (Section 10), tells how the line does on new data. The split
# must be random: real data often come sorted.
#
# **Order matters.** Everything is drawn from numpy's global generator:
# `np.random.seed(42)`, then $x$ (`np.random.rand`), then the noise
# (`np.random.randn`), then the shuffle. A seed fixes the *sequence* of numbers, so
# the shuffle gives the reference split only if it comes right after those two
# draws, with no seeding in between.
#
# **Task (2 points).** Write `split_indices(n, train_fraction)`:
#
# 1. `idx = np.arange(n)`, the indices $0, \dots, n - 1$;
# 2. `np.random.shuffle(idx)` shuffles them in place (don't seed here: the caller has);
# 3. `n_train = int(n * train_fraction)`, which rounds down;
# 4. return `idx[:n_train]` (training) and `idx[n_train:]` (validation).
#
# 1 point for the sizes, 1 for the indices.


# %% nbgrader={"grade": false, "grade_id": "fs_split_indices", "locked": false, "schema_version": 3, "solution": true, "task": false}
def split_indices(n, train_fraction):
    """Shuffle the indices 0..n-1 with np.random.shuffle and cut them in two.

    Returns train_idx, shape (int(n * train_fraction),), and val_idx, the rest.
    """
    ### BEGIN SOLUTION
    idx = np.arange(n)
    np.random.shuffle(idx)
    n_train = int(n * train_fraction)
    train_idx, val_idx = idx[:n_train], idx[n_train:]
    ### END SOLUTION
    return train_idx, val_idx


# %% nbgrader={"grade": true, "grade_id": "test_fs_split_sizes", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check split_indices's sizes: int(n * train_fraction) and the rest, each index once."""
np.random.seed(0)
train_small, val_small = split_indices(10, 0.75)
print("train:", train_small, " validation:", val_small)
assert len(train_small) == 7 and len(val_small) == 3, (
    f"got {len(train_small)} training and {len(val_small)} validation indices for "
    "n = 10, train_fraction = 0.75; expected int(7.5) = 7 and 3"
)
assert sorted([*train_small, *val_small]) == list(range(10)), (
    "together the two parts should hold each of 0, ..., 9 exactly once"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("split_sizes", split_indices)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_fs_split_values", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that split_indices shuffles with numpy's global generator, first part trains."""
np.random.seed(0)
train_small, _ = split_indices(10, 0.75)
np.random.seed(0)
idx_small = np.random.permutation(
    10
)  # np.arange(10), shuffled as np.random.shuffle does
assert sorted(train_small) == sorted(idx_small[:7]), (
    "train_idx should be the first 7 of np.arange(10) shuffled by np.random.shuffle "
    "right after np.random.seed(0): do you shuffle, with np.random.shuffle, without "
    "seeding inside the function?"
)
print("the same split as np.random.shuffle after np.random.seed(0), as expected")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("split_values", split_indices)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_data_make", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The data and the split, in one cell so that re-running it gives the same numbers
# (a second shuffle on its own would give another split):

# %% nbgrader={"grade": false, "grade_id": "fs_data", "locked": true, "schema_version": 3, "solution": false, "task": false}
np.random.seed(SEED)
x = np.random.rand(N, 1)
epsilon = NOISE_STD * np.random.randn(N, 1)
y = TRUE_W * x + TRUE_B + epsilon
train_idx, val_idx = split_indices(N, TRAIN_FRACTION)  # the same generator, continued
x_train, y_train = x[train_idx], y[train_idx]
x_val, y_val = x[val_idx], y[val_idx]
print("training:", x_train.shape, " validation:", x_val.shape)

# %% nbgrader={"grade": false, "grade_id": "fs_data_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
x_line = np.array([[0.0], [1.0]])
fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(x_train, y_train, s=14, alpha=0.8, label=f"training ({len(x_train)} points)")
ax.scatter(
    x_val, y_val, s=14, marker="s", alpha=0.8, label=f"validation ({len(x_val)})"
)
ax.plot(x_line, TRUE_W * x_line + TRUE_B, "k--", label="true line y = -3x + 0.5")
ax.set(xlabel="x", ylabel="y", title="The data, split 80 / 20")
ax.legend();


# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_init", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. Step 0: random initialisation (1 point)
#
# **Why.** Gradient descent improves a guess, so it needs a first one. Any start
# leads to the same minimum (Section 11 shows the bowl), but after a fixed number of
# epochs the start decides where exactly we stop. Seeding makes it reproducible.
#
# **Pitfall.** A common description of this step says to initialise "using Numpy's
# `random.randn` method" (normal draws) while the code beside it uses
# `np.random.rand` (uniform on $[0, 1)$). The reference run uses `rand`; Section 6
# computes what `randn` would give.
#
# **Task (1 point).** Write `init_params(n_inputs, n_outputs, seed)`:
# `np.random.seed(seed)`, then `b = np.random.rand(n_outputs)`, then
# `w = np.random.rand(n_outputs, n_inputs)` (b first, as the reference run draws),
# and return `w, b`. `init_params(1, 1, SEED)` gives `w` of shape `(1, 1)`, one row
# per output and one column per input (the layout of lab 04 and `torch.nn.Linear`):
# for one input `w * x + b` is `x @ w.T + b`.


# %% nbgrader={"grade": false, "grade_id": "fs_init_params", "locked": false, "schema_version": 3, "solution": true, "task": false}
def init_params(n_inputs, n_outputs, seed):
    """Step 0: seed numpy, draw b (n_outputs,), then w (n_outputs, n_inputs), on [0, 1)."""
    ### BEGIN SOLUTION
    np.random.seed(seed)
    b = np.random.rand(n_outputs)
    w = np.random.rand(n_outputs, n_inputs)
    ### END SOLUTION
    return w, b


# %% nbgrader={"grade": true, "grade_id": "test_fs_init", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check init_params: seeded, two uniform draws, b drawn first, (w, b) returned."""
w_small, b_small = init_params(1, 1, 0)
np.random.seed(0)
u_small = np.random.rand(2)  # the two draws after seed 0: b's, then w's
print("w, b for seed 0:", w_small, b_small, " expected:", u_small[1], u_small[0])
assert np.shape(w_small) == (1, 1) and np.shape(b_small) == (1,), (
    f"w has shape {np.shape(w_small)}, b {np.shape(b_small)}; expected (1, 1), (1,)"
)
assert float(np.ravel(b_small)[0]) == u_small[0], (
    "b should be the first np.random.rand draw after np.random.seed(seed): did you "
    "seed with the argument, use rand (not randn), and draw b first?"
)
assert float(np.ravel(w_small)[0]) == u_small[1], "w should be the second draw"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("init", init_params)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_init_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The start; with `SEED` it is `[[0.95071431]] [0.37454012]`:

# %% nbgrader={"grade": false, "grade_id": "fs_init_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
w0, b0 = init_params(1, 1, SEED)
print(w0, b0)


# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_predict", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. Step 1: the forward pass (1 point)
#
# **Why.** The model's predictions for the current parameters; everything else is
# computed from them. For each point,
#
# $$\hat y_i = w\, x_i + b .$$
#
# `x` has shape `(n, 1)`, `w` `(1, 1)` and `b` `(1,)`: broadcasting multiplies every
# row by the same `w` and adds the same `b`, so `y_hat` has shape `(n, 1)`, like `y`.
#
# **Task (1 point).** Write `predict(x, w, b)`.


# %% nbgrader={"grade": false, "grade_id": "fs_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(x, w, b):
    """Step 1: y_hat = w * x + b; x (n, 1), w (1, 1), b (1,) -> y_hat (n, 1)."""
    ### BEGIN SOLUTION
    y_hat = w * x + b
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "test_fs_predict", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check predict on three points."""
x_small = np.array([[0.0], [1.0], [2.0]])
y_hat_small = predict(x_small, np.array([[-2.0]]), np.array([1.0]))
print("y_hat for w = -2, b = 1:", np.ravel(y_hat_small), "(should be [1, -1, -3])")
assert np.shape(y_hat_small) == (3, 1), (
    f"y_hat has shape {np.shape(y_hat_small)}, expected (3, 1), one row per point"
)
assert np.ravel(y_hat_small).tolist() == [1.0, -1.0, -3.0], (
    "expected [1, -1, -3]: w is the slope (times x), b the intercept (added)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("predict", predict)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. Step 2: the loss (1 point)
#
# **Why.** One number that says how bad the current line is. With the error
# $e_i = \hat y_i - y_i$ of each point, the mean squared error is
#
# $$L(w, b) = \frac{1}{N} \sum_{i=1}^{N} e_i^2
#           = \frac{1}{N} \sum_{i=1}^{N} \left(w x_i + b - y_i\right)^2 .$$
#
# Squaring counts errors of either sign, large ones more; the mean (not the sum)
# makes the loss independent of the number of points.
#
# **Pitfall.** The sum is often written from $i = 0$ to $N$: that is $N + 1$ terms.
# With numpy's indices it runs from $0$ to $N - 1$; `.mean()` gets it right without
# any index, and without a loop.
#
# **Task (1 point).** Write `mse(y_hat, y)`, returning one number.


# %% nbgrader={"grade": false, "grade_id": "fs_mse", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mse(y_hat, y):
    """Step 2: mean squared error; y_hat and y (n, 1) -> one number."""
    ### BEGIN SOLUTION
    error = y_hat - y
    loss = (error**2).mean()
    ### END SOLUTION
    return loss


# %% nbgrader={"grade": true, "grade_id": "test_fs_mse", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check mse on three points."""
loss_small = mse(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [0.0], [0.0]]))
print(
    f"mse = {float(np.ravel(loss_small)[0]):.4f} (should be (0 + 4 + 9) / 3 = 4.3333)"
)
assert np.size(loss_small) == 1, (
    f"the loss has shape {np.shape(loss_small)}, expected one number: did you "
    "forget .mean()?"
)
assert abs(float(np.ravel(loss_small)[0]) - 13 / 3) < 1e-12, (
    "expected 4.3333: 13 means a sum instead of a mean, 2.0817 a square root (RMSE)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("mse", mse)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_loss_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss at the start, on the training split; it should be `4.495325075114491`:

# %% nbgrader={"grade": false, "grade_id": "fs_loss_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
print(mse(predict(x_train, w0, b0), y_train))


# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_gradients", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. Step 3: the gradients (4 points)
#
# **Why.** The gradient says how fast the loss changes when a parameter is nudged:
# $\partial L / \partial b \approx 3.46$ means that a tiny step $\delta$ in $b$
# raises the loss by about $3.46\,\delta$. Step 4 moves against it.
#
# **Pitfall.** A common claim is that autograd makes this step unnecessary. That
# holds in PyTorch; numpy has no autograd, so we derive the gradients.
#
# **Derivation.** With $e_i = w x_i + b - y_i$ (in code `error = y_hat - y`) and
# $L = \frac{1}{N}\sum_i e_i^2$, the chain rule gives
# $\partial e_i^2 / \partial w = 2 e_i x_i$ and $\partial e_i^2 / \partial b = 2 e_i$,
# and the derivative of a mean is the mean of the derivatives:
#
# $$\frac{\partial L}{\partial w} = \frac{2}{N} \sum_{i=1}^{N} x_i\,(\hat y_i - y_i),
#   \qquad
#   \frac{\partial L}{\partial b} = \frac{2}{N} \sum_{i=1}^{N} (\hat y_i - y_i).$$
#
# - The **2** comes from the square; the **1/N** from the mean (`.sum()` would make
#   both $N$ = 80 times too large).
# - The **sign**: the error is prediction minus target; $y_i - \hat y_i$ points
#   uphill.
# - Each gradient is **one number**, like its parameter: `.mean()` reduces the
#   per-point terms.
#
# **Task (4 points).** Write `gradients(x, y, w, b)` returning `(dw, db)`, w first,
# using your `predict`. 2 points for `dw`, 2 for `db`; the visible checks compare them
# with finite differences of the loss on four points.


# %% nbgrader={"grade": false, "grade_id": "fs_gradients", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradients(x, y, w, b):
    """Step 3: gradients of the MSE; x, y (n, 1), w (1, 1), b (1,) -> dw, db (numbers)."""
    ### BEGIN SOLUTION
    error = predict(x, w, b) - y  # (n, 1): y_hat - y
    dw = 2 * (x * error).mean()  # the 2 from the square, the 1/N from the mean
    db = 2 * error.mean()
    ### END SOLUTION
    return dw, db


# %% nbgrader={"grade": false, "grade_id": "fs_grad_fd", "locked": true, "schema_version": 3, "solution": false, "task": false}
# For the two gradient checks below: four points, and the gradients of their loss
# by central finite differences (in float64 a correct gradient agrees to 1e-9).
x_fd = np.array([[0.0], [0.5], [1.0], [2.0]])
y_fd = np.array([[1.0], [2.0], [2.5], [6.0]])
w_fd, b_fd, h_fd = -0.2, 0.3, 1e-6


def loss_fd(w, b):
    return float(((w * x_fd + b - y_fd) ** 2).mean())


dw_fd = (loss_fd(w_fd + h_fd, b_fd) - loss_fd(w_fd - h_fd, b_fd)) / (2 * h_fd)
db_fd = (loss_fd(w_fd, b_fd + h_fd) - loss_fd(w_fd, b_fd - h_fd)) / (2 * h_fd)


def gradient_hint(name, got, fd, other_fd):
    """The likely slip when gradient `name` is `got` instead of the finite differences."""
    if abs(got - other_fd) < 1e-6 * abs(other_fd):
        other = "db" if name == "dw" else "dw"
        return f"it equals {other}: did you return (db, dw)? gradients returns (dw, db)"
    hints = {
        4.0: "did you sum over the points instead of averaging (N = 4 here)",
        0.5: "did you drop the factor 2 of the square",
        -1.0: "did you write y - y_hat instead of y_hat - y",
    }
    near = [text for r, text in hints.items() if abs(got / fd - r) < 1e-4]
    return near[0] if near else "compare your code with the formula above"


# %% nbgrader={"grade": true, "grade_id": "test_fs_grad_w", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check dw against central finite differences of the loss on four points."""
dw_small = gradients(x_fd, y_fd, np.array([[w_fd]]), np.array([b_fd]))[0]
assert np.size(dw_small) == 1, (
    f"dw has shape {np.shape(dw_small)}, expected one number: did you forget "
    "to average the per-point terms with .mean()?"
)
dw_got = float(np.ravel(dw_small)[0])
rel = abs(dw_got - dw_fd) / (abs(dw_got) + abs(dw_fd))
print(f"dw = {dw_got:.6f}, finite differences {dw_fd:.6f}, relative error {rel:.1e}")
assert rel < 1e-7, (
    f"dw is {dw_got / dw_fd:.3g} times the finite differences: "
    f"{gradient_hint('dw', dw_got, dw_fd, db_fd)}?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("grad_w", gradients)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_fs_grad_b", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check db against central finite differences of the loss on four points."""
db_small = gradients(x_fd, y_fd, np.array([[w_fd]]), np.array([b_fd]))[1]
assert np.size(db_small) == 1, (
    f"db has shape {np.shape(db_small)}, expected one number: did you forget "
    "to average the per-point terms with .mean()?"
)
db_got = float(np.ravel(db_small)[0])
rel = abs(db_got - db_fd) / (abs(db_got) + abs(db_fd))
print(f"db = {db_got:.6f}, finite differences {db_fd:.6f}, relative error {rel:.1e}")
assert rel < 1e-7, (
    f"db is {db_got / db_fd:.3g} times the finite differences: "
    f"{gradient_hint('db', db_got, db_fd, dw_fd)}?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("grad_b", gradients)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_gradients_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The gradients at the start, on the training split; they should be
# `2.3835657220659554 3.464425403927533`. Both are positive: lowering $w$ and $b$
# lowers the loss.

# %% nbgrader={"grade": false, "grade_id": "fs_gradients_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
dw, db = gradients(x_train, y_train, w0, b0)
print(dw, db)

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_randn", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 6. `rand` or `randn`? Two sets of gradients (2 points)
#
# Printed right after the gradients `2.3835657220659554 3.464425403927533`, a
# common explanation reads:
#
# > for a tiny increase in the value of the parameter *w*, the loss will increase
# > roughly 1.8 times as much; for a tiny increase in the value of the parameter
# > *b*, the loss will increase roughly 2.7 times as much.
#
# 1.8 and 2.7 are not 2.384 and 3.464. A gradient depends on where it is taken:
# the quoted numbers belong to the `randn` start of Section 2's pitfall
# (`np.random.randn` after `np.random.seed(42)`), the printed ones to the `rand`
# start.
#
# First, what "roughly 3.46 times as much" means, on the loss itself: a tiny step
# $\delta$ in $b$ changes the loss by about $3.46\,\delta$.

# %% nbgrader={"grade": false, "grade_id": "fs_randn_meaning", "locked": true, "schema_version": 3, "solution": false, "task": false}
delta = 1e-6
loss_b0 = mse(predict(x_train, w0, b0), y_train)
loss_b0_nudged = mse(predict(x_train, w0, b0 + delta), y_train)
print(f"(L(b0 + delta) - L(b0)) / delta = {(loss_b0_nudged - loss_b0) / delta:.4f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_randn_task", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task (1 point).** Compute the gradients at the `randn` start: seed with
# `np.random.seed(SEED)`, draw `b_randn = np.random.randn(1)` then
# `w_randn = np.random.randn(1, 1)` (as `init_params` draws), and set
# `dw_randn, db_randn` to your `gradients` on the training split at
# $(w_\text{randn}, b_\text{randn})$.

# %% nbgrader={"grade": false, "grade_id": "fs_randn_gradients", "locked": false, "schema_version": 3, "solution": true, "task": false}
# dw_randn, db_randn = the gradients on x_train, y_train at the randn start
### BEGIN SOLUTION
np.random.seed(SEED)
b_randn = np.random.randn(1)
w_randn = np.random.randn(1, 1)
dw_randn, db_randn = gradients(x_train, y_train, w_randn, b_randn)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_fs_randn_gradients", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check dw_randn, db_randn: the gradients at the randn start of seed 42."""
assert np.size(dw_randn) == 1 and np.size(db_randn) == 1, (
    "dw_randn and db_randn should hold one number each"
)
dw_got, db_got = float(np.ravel(dw_randn)[0]), float(np.ravel(db_randn)[0])
print(f"dw_randn = {dw_got:.3f}, db_randn = {db_got:.3f} (quoted: about 1.8, 2.7)")
assert not (abs(dw_got - 2.384) < 1e-3 and abs(db_got - 3.464) < 1e-3), (
    "these are the gradients at the rand start (2.384, 3.464): draw b_randn, "
    "w_randn with np.random.randn after np.random.seed(SEED)"
)
assert abs(dw_got - 1.8) < 0.05 and abs(db_got - 2.7) < 0.05, (
    "expected about 1.8 and 2.7: did you draw b_randn, then w_randn, with "
    "np.random.randn right after np.random.seed(SEED), and use x_train, y_train? "
    "(If the gradient checks above fail, fix gradients first.)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("randn_gradients", dw_randn, db_randn)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_question_doc", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** The explanation quoted above gives gradients of about 1.8
# and 2.7; the code prints 2.384 and 3.464. Which statement is right?
#
# - a) The code's gradients are too large: averaging over $N$ once more would give the
#   quoted 1.8 and 2.7.
# - b) The quoted 1.8 and 2.7 are the gradients on all 100 points, the printed ones on
#   the 80 training points.
# - c) Both are right: the quoted ones are taken at the `randn` start, the printed ones
#   at the `rand` start.
#
# In the cell below, replace `raise NotImplementedError()` with `answer_doc = "a"`,
# `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "fs_answer_doc", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_doc = "a", "b" or "c"
### BEGIN SOLUTION
# c. A gradient depends on where it is taken. The quoted numbers belong to the
# randn start, np.random.randn after np.random.seed(42), where dw_randn and
# db_randn are about 1.8 and 2.7; the code draws with np.random.rand, and at that
# start the gradients are 2.384 and 3.464.
# a is wrong: the code already averages; dividing by N = 80 once more would give
# about 0.030 and 0.043.
# b is wrong: on all 100 points the gradients at the rand start are about 2.329 and
# 3.464, not 1.8 and 2.7.
answer_doc = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_fs_answer_doc", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_doc is one of the letters "a", "b", "c"."""
assert answer_doc in ("a", "b", "c"), (
    f'answer_doc should be "a", "b" or "c", got {answer_doc!r}'
)
print(f"answer_doc = {answer_doc!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_doc", answer_doc)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_update", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 7. Step 4: the update (1 point)
#
# $$w \leftarrow w - \text{lr}\,\frac{\partial L}{\partial w}, \qquad
#   b \leftarrow b - \text{lr}\,\frac{\partial L}{\partial b}$$
#
# **Why the minus.** The gradient points where the loss grows fastest; we step the
# other way. **Why a small learning rate.** The gradient describes the loss only
# near the current point; too large a step overshoots (for this data any
# $\text{lr} > 0.8055$ diverges, Exercise 2).
#
# **Task (1 point).** Write `step(w, b, dw, db, lr)` returning the new `(w, b)`.


# %% nbgrader={"grade": false, "grade_id": "fs_update", "locked": false, "schema_version": 3, "solution": true, "task": false}
def step(w, b, dw, db, lr):
    """Step 4: one gradient descent step; returns the new w and b."""
    ### BEGIN SOLUTION
    w_new = w - lr * dw
    b_new = b - lr * db
    ### END SOLUTION
    return w_new, b_new


# %% nbgrader={"grade": true, "grade_id": "test_fs_update", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check one step from w = 2, b = 1 with dw = -1, db = 0.5, lr = 0.1."""
w_next, b_next = step(np.array([[2.0]]), np.array([1.0]), -1.0, 0.5, 0.1)
w_next, b_next = float(np.ravel(w_next)[0]), float(np.ravel(b_next)[0])
print(f"w = {w_next:.4f}, b = {b_next:.4f} (should be 2.1 and 0.95)")
assert abs(w_next - 2.1) < 1e-12, (
    f"w: got {w_next:.4f}, expected 2 - 0.1 * (-1) = 2.1: 1.9 means you added the "
    "gradient, 0.95 that you returned (b, w)"
)
assert abs(b_next - 0.95) < 1e-12, (
    f"b: got {b_next:.4f}, expected 1 - 0.1 * 0.5 = 0.95: 1.05 means you added the gradient"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("step", step)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_update_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# One step from the start; it should give `[[0.71235773]] [0.02809758]`:

# %% nbgrader={"grade": false, "grade_id": "fs_update_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
w1, b1 = step(w0, b0, dw, db, LR)
print(w1, b1)


# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 8. Step 5: rinse and repeat (5 points)
#
# Steps 1 to 4, `num_epochs` times. Every update here uses all the training points
# (full-batch gradient descent), so one epoch is one update:
#
# 1. `y_hat = predict(x, w, b)`;
# 2. `loss = mse(y_hat, y)`, appended to `losses` *before* the update, so `losses[k]`
#    is the loss of the parameters after $k$ updates;
# 3. `dw, db = gradients(x, y, w, b)`;
# 4. `w, b = step(w, b, dw, db, lr)`.
#
# **Task A (2 points).** Write `train(x, y, w0, b0, lr, num_epochs)` returning the
# final `w`, `b` and the list `losses` (`num_epochs` numbers), using your functions.
# The loop runs exactly `num_epochs` times: `for epoch in range(num_epochs)`.


# %% nbgrader={"grade": false, "grade_id": "fs_train", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train(x, y, w0, b0, lr, num_epochs):
    """Full-batch gradient descent for y_hat = w * x + b, starting at (w0, b0).

    Returns the final w, b and losses: num_epochs numbers, losses[k] computed in
    epoch k before its update.
    """
    ### BEGIN SOLUTION
    w, b = w0, b0
    losses = []
    for _ in range(num_epochs):
        y_hat = predict(x, w, b)  # step 1
        losses.append(mse(y_hat, y))  # step 2, before the update
        dw, db = gradients(x, y, w, b)  # step 3
        w, b = step(w, b, dw, db, lr)  # step 4
    ### END SOLUTION
    return w, b, losses


# %% nbgrader={"grade": true, "grade_id": "test_fs_train", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check that train recovers w = 2, b = 1 from five points on y = 2x + 1."""
x_small = np.linspace(0, 1, 5).reshape(-1, 1)
start_small = (np.zeros((1, 1)), np.zeros(1))  # w (1, 1), b (1,), as from init_params
w_small, b_small, losses_small = train(x_small, 2 * x_small + 1, *start_small, 0.5, 500)
w_small, b_small = float(np.ravel(w_small)[0]), float(np.ravel(b_small)[0])
print(f"w = {w_small:.4f}, b = {b_small:.4f} (should be 2 and 1)")
assert len(losses_small) == 500, f"{len(losses_small)} losses, expected one per epoch"
assert abs(float(losses_small[0]) - 4.5) < 1e-12, (
    "losses[0] should be the loss at (w0, b0) = (0, 0), 4.5: record it before the step"
)
assert abs(w_small - 2) < 1e-6 and abs(b_small - 1) < 1e-6, (
    "train did not find w = 2, b = 1 on noise-free points: do the gradient and "
    "step tests pass, and does every epoch update both w and b?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train", train)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task B (3 points).** The reference run: start from `init_params(1, 1, SEED)`,
# train on the **training split** with `LR` for `NUM_EPOCHS` epochs, and name the
# results `w_trained, b_trained, losses`. With these settings the run ends at
# `[[-3.03103474]] [0.52354035]`, with a last loss of `0.008044657695553976`. 2 points
# for `w_trained, b_trained`, compared with a seeded reference run to 1e-10 (so 999
# or 1001 epochs show); 1 point for `losses`.

# %% nbgrader={"grade": false, "grade_id": "fs_run", "locked": false, "schema_version": 3, "solution": true, "task": false}
# w_trained, b_trained, losses = ...
### BEGIN SOLUTION
w_start, b_start = init_params(1, 1, SEED)
w_trained, b_trained, losses = train(x_train, y_train, w_start, b_start, LR, NUM_EPOCHS)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_fs_run_params", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check w_trained, b_trained: one finite number each; compare with the reference."""
assert np.size(w_trained) == 1 and np.size(b_trained) == 1, (
    "w_trained and b_trained should hold one number each: train returns w, b, losses"
)
w_got, b_got = float(np.ravel(w_trained)[0]), float(np.ravel(b_trained)[0])
assert np.isfinite(w_got) and np.isfinite(b_got), (
    f"w_trained = {w_got}, b_trained = {b_got}: training diverged. Do the gradient "
    "and step checks pass?"
)
print(f"w_trained = {w_got:.8f}, b_trained = {b_got:.8f}")
print("reference:  -3.03103474,            0.52354035")
if f"{w_got:.8f} {b_got:.8f}" != "-3.03103474 0.52354035":
    print("Not the reference: start from init_params(1, 1, SEED), train on x_train")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("run_params", w_trained, b_trained)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_fs_run_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check losses: one per epoch; compare the first and the last with the reference."""
assert len(losses) == NUM_EPOCHS, (
    f"losses has {len(losses)} entries; expected NUM_EPOCHS = {NUM_EPOCHS}, one per "
    "epoch: does your loop run range(num_epochs), and did you pass NUM_EPOCHS?"
)
first, last = float(np.ravel(losses[0])[0]), float(np.ravel(losses[-1])[0])
print(f"losses[0] = {first!r}, losses[-1] = {last!r}")
print("reference:  4.495325075114491 (at the start),  0.008044657695553976 (the last)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("run_losses", losses)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_run_note", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Note.** `losses[-1]` is computed in the last epoch *before* its update, one step
# behind `w_trained`, `b_trained`. Near the minimum the loss moves by about
# $2 \times 10^{-15}$ per epoch while $w$ and $b$ still move by about $10^{-8}$, so
# a loop of 999 or 1001 epochs shows in the parameters (checked to $10^{-10}$) and in
# the length of `losses`, not in the last loss.
#
# The loss curve (log scale), and the trained line:

# %% nbgrader={"grade": false, "grade_id": "fs_run_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].semilogy(np.ravel(losses))
axes[0].set(
    xlabel="epoch", ylabel="training MSE (log scale)", title=f"Training, lr = {LR}"
)
axes[1].scatter(x_train, y_train, s=14, alpha=0.8, label="training points")
axes[1].plot(x_line, TRUE_W * x_line + TRUE_B, "k--", label="true line y = -3x + 0.5")
label = f"GD fit y = {float(np.ravel(w_trained)[0]):.4f} x + {float(np.ravel(b_trained)[0]):.4f}"
axes[1].plot(x_line, predict(x_line, w_trained, b_trained), "r", label=label)
axes[1].set(xlabel="x", ylabel="y", title="The trained line")
axes[1].legend();


# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_lstsq", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 9. The closed form: least squares (2 points)
#
# **Why.** For a line the minimum of the MSE has a closed form. Both gradients
# vanish there:
#
# $$\frac{\partial L}{\partial w} = 0,\ \frac{\partial L}{\partial b} = 0
#   \iff A^\top A \begin{pmatrix} w \\ b \end{pmatrix} = A^\top y,
#   \qquad A = \begin{pmatrix} x_1 & 1 \\ \vdots & \vdots \\ x_N & 1 \end{pmatrix},$$
#
# the normal equations. `np.linalg.lstsq(A, y, rcond=None)` solves them stably. Its
# first return value holds the coefficients in the order of $A$'s columns: $w$, then
# $b$.
#
# **Task (1 point).** Write `least_squares(x, y)` returning `(w, b)` as two numbers.


# %% nbgrader={"grade": false, "grade_id": "fs_least_squares", "locked": false, "schema_version": 3, "solution": true, "task": false}
def least_squares(x, y):
    """The closed-form least-squares line; x, y (n, 1) -> w, b (two numbers)."""
    ### BEGIN SOLUTION
    design = np.hstack([x, np.ones_like(x)])  # (n, 2): columns x and 1
    coef = np.linalg.lstsq(design, y, rcond=None)[0]  # (2, 1): w, b
    w, b = coef[0, 0], coef[1, 0]
    ### END SOLUTION
    return w, b


# %% nbgrader={"grade": true, "grade_id": "test_fs_least_squares", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check least_squares on four points of the line y = -2x + 1, and on noisy ones."""
x_small = np.array([[0.0], [1.0], [2.0], [3.0]])
w_small, b_small = (
    float(np.ravel(v)[0]) for v in least_squares(x_small, -2 * x_small + 1)
)
print(f"w = {w_small:.6f}, b = {b_small:.6f} (should be -2 and 1)")
assert abs(w_small + 2) < 1e-9 and abs(b_small - 1) < 1e-9, (
    "expected w = -2, b = 1: is the column of x first, and do you return (w, b)?"
)
y_noisy = np.array([[0.0], [1.0], [1.0], [3.0]])
w_small, b_small = (float(np.ravel(v)[0]) for v in least_squares(x_small, y_noisy))
assert abs(w_small - 0.9) < 1e-9 and abs(b_small + 0.1) < 1e-9, (
    f"for y = (0, 1, 1, 3) expected w = 0.9, b = -0.1, got {w_small:.4f}, {b_small:.4f}"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("least_squares", least_squares)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_lstsq_compare", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Gradient descent against the closed form and the true line:

# %% nbgrader={"grade": false, "grade_id": "fs_lstsq_compare", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_ls, b_ls = least_squares(x_train, y_train)
w_gd, b_gd = float(np.ravel(w_trained)[0]), float(np.ravel(b_trained)[0])
print(f"{'':>17}{'w':>15}{'b':>15}")
print(f"{'gradient descent':>17}{w_gd:15.10f}{b_gd:15.10f}")
print(f"{'least squares':>17}{w_ls:15.10f}{b_ls:15.10f}")
print(f"{'difference':>17}{w_gd - w_ls:15.2e}{b_gd - b_ls:15.2e}")
print(f"{'true line':>17}{TRUE_W:15.10f}{TRUE_B:15.10f}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_lstsq_gap", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Both differ from the true line by about 0.03 and 0.02: the noise, which more
# epochs cannot remove. But gradient descent also stops a few $10^{-7}$ short of
# least squares. How fast does it approach? `descent_path` repeats your loop,
# recording $(w, b)$ after every update; the plot shows the distance to least
# squares.
#
# The dashed line is the prediction from the curvature of the loss. The Hessian of
# the MSE (its second derivatives: differentiate the gradients of Section 5 once
# more) is
#
# $$H = 2 \begin{pmatrix} \overline{x^2} & \bar x \\ \bar x & 1 \end{pmatrix},
# \qquad \bar x = \frac{1}{N}\sum_i x_i, \quad \overline{x^2} = \frac{1}{N}\sum_i x_i^2 ,$$
#
# and each update multiplies the remaining error along $H$'s eigenvectors by
# $1 - \text{lr}\,\lambda$, $\lambda$ the eigenvalue. After a few epochs only the
# slowest direction, that of $\lambda_{\min}$, is left.


# %% nbgrader={"grade": false, "grade_id": "fs_lstsq_path", "locked": true, "schema_version": 3, "solution": false, "task": false}
def descent_path(x, y, w0, b0, lr, num_epochs):
    """(w, b) before the first and after every update, with your functions: (num_epochs + 1, 2)."""
    w, b = w0, b0
    path = [(float(np.ravel(w)[0]), float(np.ravel(b)[0]))]
    for _ in range(num_epochs):
        dw_k, db_k = gradients(x, y, w, b)
        w, b = step(w, b, dw_k, db_k, lr)
        path.append((float(np.ravel(w)[0]), float(np.ravel(b)[0])))
    return np.array(path)


path = descent_path(x_train, y_train, w0, b0, LR, NUM_EPOCHS)
distance = np.hypot(path[:, 0] - w_ls, path[:, 1] - b_ls)
x_bar, x2_bar = x_train.mean(), (x_train**2).mean()
hessian = 2 * np.array([[x2_bar, x_bar], [x_bar, 1.0]])
lambda_min, lambda_max = np.linalg.eigvalsh(hessian)
rate = 1 - LR * lambda_min
print(
    f"lambda_min = {lambda_min:.4f}, lambda_max = {lambda_max:.4f}, 1 - lr * lambda_min = {rate:.5f}"
)
epochs = np.arange(NUM_EPOCHS + 1)
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(epochs, distance, lw=3, alpha=0.6, label="gradient descent")
ax.semilogy(
    epochs,
    distance[100] * rate ** (epochs - 100),
    "k--",
    lw=1,
    label=f"{rate:.5f} ** epoch",
)
ax.set(
    xlabel="epoch",
    ylabel="distance to the least-squares (w, b)",
    title="Gradient descent closes in on least squares",
)
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_question_gap", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** After 1000 epochs gradient descent's $(w, b)$ differ from
# the least-squares fit by a few $10^{-7}$. Why?
#
# - a) It has not quite arrived: along the flattest direction of the loss the error
#   shrinks only by 0.985 per epoch.
# - b) Rounding errors of float64 pile up over the 1000 epochs and push gradient descent
#   off the minimum.
# - c) The noise: least squares fits the noise and gradient descent does not, so it stays
#   nearer the true line.
#
# In the cell below, replace `raise NotImplementedError()` with `answer_gap = "a"`,
# `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "fs_answer_gap", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_gap = "a", "b" or "c"
### BEGIN SOLUTION
# a. Each epoch multiplies the remaining error along an eigenvector of the Hessian by
# 1 - lr * lambda; along the flattest one 1 - lr * lambda_min is about 0.985, so
# after 1000 epochs a few 1e-7 are left. The plot's slope is that factor: more
# epochs would shrink the gap further.
# b is wrong: float64 rounding is about 1e-16 relative, and the next step corrects
# it; the gap shrinks steadily, it does not grow.
# c is wrong: both minimise the same training loss; gradient descent heads for the
# least-squares point, not for the true line.
answer_gap = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_fs_answer_gap", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_gap is one of the letters "a", "b", "c"."""
assert answer_gap in ("a", "b", "c"), (
    f'answer_gap should be "a", "b" or "c", got {answer_gap!r}'
)
print(f"answer_gap = {answer_gap!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_gap", answer_gap)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_val", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 10. Validation (2 points)
#
# **Why.** The training loss measures the line on the points it was fitted to; the
# validation loss measures it on the 20 points it never saw. A validation loss much
# higher than the training loss means the model fitted peculiarities of the
# training points (overfitting).
#
# **Task (1 point).** Set `val_loss` to the MSE of the trained line
# (`w_trained`, `b_trained`) on the validation split, with your functions.

# %% nbgrader={"grade": false, "grade_id": "fs_val_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
# val_loss = ...
### BEGIN SOLUTION
val_loss = mse(predict(x_val, w_trained, b_trained), y_val)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_fs_val_loss", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check val_loss: one finite number; compare it with the last training loss."""
assert np.size(val_loss) == 1, (
    f"val_loss should be one number, got shape {np.shape(val_loss)}"
)
val_loss_number = float(np.ravel(val_loss)[0])
print(
    f"validation loss {val_loss_number:.6f}, last training loss {float(np.ravel(losses[-1])[0]):.6f}"
)
assert np.isfinite(val_loss_number) and val_loss_number >= 0, (
    f"val_loss = {val_loss_number}: expected a finite, non-negative number. If "
    "w_trained, b_trained are nan, training diverged: fix Section 8 first"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("val_loss", val_loss, w_trained, b_trained)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_question_val", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question (1 point).** The validation loss (about 0.0087) is close to the final
# training loss (about 0.0080). What does that tell you?
#
# - a) The model overfits: the validation loss is the higher of the two, so the line fits
#   the training noise.
# - b) The line does as well on new points as on its training points; both are about
#   `NOISE_STD ** 2`.
# - c) Training has not finished yet: more epochs would bring both of the losses much
#   closer to 0.
#
# In the cell below, replace `raise NotImplementedError()` with `answer_val = "a"`,
# `"b"` or `"c"`.

# %% nbgrader={"grade": false, "grade_id": "fs_answer_val", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_val = "a", "b" or "c"
### BEGIN SOLUTION
# b. The validation loss, on the 20 points the line never saw, is about the training
# loss on the 80 it was trained on, so the line does as well on new data; what is
# left in both is roughly the noise's variance, NOISE_STD ** 2 = 0.01, which no line
# can remove.
# a is wrong: a validation loss a little above the training loss is normal;
# overfitting shows as a validation loss much higher than the training loss.
# c is wrong: gradient descent is within a few 1e-7 of least squares, the lowest
# training loss any line reaches; the noise sets a floor well above 0.
answer_val = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_fs_answer_val", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_val is one of the letters "a", "b", "c"."""
assert answer_val in ("a", "b", "c"), (
    f'answer_val should be "a", "b" or "c", got {answer_val!r}'
)
print(f"answer_val = {answer_val!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_val", answer_val)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_surface", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 11. The loss surface (3 points)
#
# **Why.** The loss is a function of the two parameters, $L(w, b)$: a surface over
# the $(w, b)$ plane, here a bowl (the MSE of a line is a convex quadratic). Its
# contour lines, with the path of gradient descent on top, show what the five steps
# do: every update moves downhill, across the contour lines.
#
# **Vectorised, no loops.** On a $200 \times 300$ grid, Python loops would call
# numpy 60,000 times; broadcasting needs one expression. Give `w_grid` and `b_grid`
# (from `np.meshgrid`) a new last axis for the points (`w_grid[..., np.newaxis]`,
# shape `(rows, cols, 1)`) and combine it with `x.ravel()` (shape `(n,)`): the
# predictions have shape `(rows, cols, n)`, and the mean over the last axis leaves
# one loss per grid point.
#
# **Task (3 points).** Write `loss_surface(x, y, w_grid, b_grid)`: `w_grid` and
# `b_grid` of one shape, the result of that shape, entry `[i, j]` the MSE of the
# line $w$ = `w_grid[i, j]`, $b$ = `b_grid[i, j]` on `x`, `y`. 2 points for the
# values; 1 point if it uses no loop over the grid (no `for`, `while`,
# comprehension or `np.vectorize`): the hidden check counts the lines of Python it
# runs.


# %% nbgrader={"grade": false, "grade_id": "fs_loss_surface", "locked": false, "schema_version": 3, "solution": true, "task": false}
def loss_surface(x, y, w_grid, b_grid):
    """The MSE at every grid point, without loops.

    x, y: (n, 1); w_grid, b_grid: one shape, e.g. (rows, cols) from np.meshgrid.
    Returns the losses, of that same shape.
    """
    ### BEGIN SOLUTION
    y_hat = w_grid[..., np.newaxis] * x.ravel() + b_grid[..., np.newaxis]  # (..., n)
    losses = ((y_hat - y.ravel()) ** 2).mean(axis=-1)
    ### END SOLUTION
    return losses


# %% nbgrader={"grade": true, "grade_id": "test_fs_loss_surface", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check loss_surface on a 2 x 3 grid against the loss of each line."""
x_small, y_small = np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [0.0], [-2.0]])
w_small, b_small = np.meshgrid([-1.0, 0.5, 2.0], [0.0, 1.0])  # shape (2, 3)
surface_small = loss_surface(x_small, y_small, w_small, b_small)
assert np.shape(surface_small) == (2, 3), (
    f"got shape {np.shape(surface_small)}, expected the grid's shape (2, 3)"
)
expected_small = np.vectorize(  # a loop, here only to check yours
    lambda w, b: ((w * x_small + b - y_small) ** 2).mean()
)(w_small, b_small)
print("your surface:\n", surface_small, "\nexpected:\n", expected_small)
assert np.abs(surface_small - expected_small).max() < 1e-12, (
    "the surface differs from the loss of each (w, b): is w the slope (w_grid) "
    "and b the intercept (b_grid), and do you average over the points?"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("loss_surface", loss_surface)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_fs_no_loops", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that loss_surface handles a 200 x 300 grid (graded: without loops)."""
x_small = np.linspace(0, 1, 50).reshape(-1, 1)
w_big, b_big = np.meshgrid(np.linspace(-6, 3, 300), np.linspace(-2, 3, 200))
surface_big = loss_surface(x_small, -2 * x_small + 1, w_big, b_big)
assert np.shape(surface_big) == (200, 300), (
    f"got shape {np.shape(surface_big)}, expected the grid's shape (200, 300)"
)
print(
    f"smallest loss on the grid: {surface_big.min():.1e} (near 0: y = -2x + 1 is inside it)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("no_loops", loss_surface)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_surface_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The loss surface of the training split, with the paths from the `rand` and the
# `randn` starts (every epoch for the first 20, then every 10th). Both end next to
# the least-squares point. The bowl is a narrow valley
# ($\lambda_{\max} / \lambda_{\min} \approx 16$): each path first drops across it
# (factor $1 - \text{lr}\,\lambda_{\max} \approx 0.75$ per epoch), then creeps along
# its floor (factor 0.985), the slow part Section 9 measured.

# %% nbgrader={"grade": false, "grade_id": "fs_surface_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_grid, b_grid = np.meshgrid(np.linspace(-4.5, 1.5, 300), np.linspace(-1.5, 2.5, 300))
surface = loss_surface(x_train, y_train, w_grid, b_grid)
path_randn = descent_path(x_train, y_train, w_randn, b_randn, LR, NUM_EPOCHS)
fig, ax = plt.subplots(figsize=(7, 6))
contours = ax.contour(
    w_grid, b_grid, surface, levels=np.logspace(-2, 1.3, 14), cmap="viridis"
)
ax.clabel(contours, fontsize=7, fmt="%.2g")
shown = np.r_[0:20, 20 : NUM_EPOCHS + 1 : 10]  # every epoch first, then every 10th
ax.plot(
    path[shown, 0], path[shown, 1], ".-", color="C3", ms=4, label="from the rand start"
)
ax.plot(
    path_randn[shown, 0],
    path_randn[shown, 1],
    ".-",
    color="C1",
    ms=4,
    label="from the randn start",
)
ax.plot(w_ls, b_ls, "k*", ms=14, label="least squares")
ax.set(
    xlabel="w", ylabel="b", title="MSE contours on the training split, and two descents"
)
ax.legend(loc="upper right");

# %% [markdown] nbgrader={"grade": false, "grade_id": "fs_md_summary", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Summary
#
# - Gradient descent is five steps: initialise, predict, loss, gradients, update;
#   steps 1 to 4 repeat once per epoch.
# - The gradients of the MSE are
#   $\frac{\partial L}{\partial w} = \frac{2}{N}\sum_i x_i (\hat y_i - y_i)$ and
#   $\frac{\partial L}{\partial b} = \frac{2}{N}\sum_i (\hat y_i - y_i)$: the 2
#   from the square, the $1/N$ from the mean, the error as prediction minus target.
# - A seed fixes a sequence: data, shuffle and start reproduce only in the same
#   order.
# - A gradient depends on the point where it is taken: the `randn` and `rand`
#   starts give different gradients, and both are right.
# - After a fixed number of epochs gradient descent stops short of the minimum by
#   about $(1 - \text{lr}\,\lambda_{\min})^{\text{epochs}}$; least squares gives the
#   minimum in closed form.
#
# ## Exercises (not graded)
#
# 1. Train for 3000 epochs. Predict from $1 - \text{lr}\,\lambda_{\min}$ how close
#    to least squares you get, then run it.
# 2. The largest stable learning rate is $2 / \lambda_{\max} \approx 0.8055$ here.
#    Train with 0.99 and 1.01 times that value and plot the losses. Which direction
#    of the bowl oscillates?
# 3. Standardise the input, $x' = (x - \bar x) / \operatorname{std}(x)$. What are
#    the Hessian's eigenvalues now?
# 4. Update once per shuffled batch of 16 points. Why is the path no longer smooth?
