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

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_title", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 03: Autograd (14 points)
#
# You will fit the simplest model there is, $f(x) = w\,x$, to four points on the line
# $y = 2x$: first in numpy with a gradient you derive by hand, then with autograd, then
# with `nn.MSELoss`, `optim.SGD` and `nn.Linear`, getting the same numbers at every
# stage.
#
# **Learning objectives.** After this lab you can
#
# - derive $dL/dw$ of the mean squared error and write it in numpy, averaging (not
#   summing) over the examples, and check it with central finite differences;
# - use `requires_grad`, `backward()`, `.grad` and `detach()`, and predict what
#   `backward()` and `torch.no_grad()` do;
# - move numpy data into torch with the right dtype;
# - write the training loop with autograd, then with `nn.MSELoss`, `optim.SGD` and
#   `nn.Linear`, and show that every version gives the same result.
#
# **How this lab is graded.** Each task is a function, a one-letter answer or a
# *prediction* (what a cell will print, written before you run it) in a cell marked
# `# YOUR CODE HERE`: replace `raise NotImplementedError()` with your answer. The test
# cell after it runs a quick *visible* check; the *hidden* checks run when the lab is
# graded (on the lab's data, other data, the common mistakes), so passing the visible
# check is necessary, not sufficient. Keep the names, don't delete, copy or split the
# answer and test cells, and make sure the notebook runs top to bottom (*Kernel →
# Restart Kernel and Run All Cells*).
#
# | Section | Points |
# |---|---|
# | 1. The gradient, by hand | 2 |
# | 2. A numerical gradient | 1 |
# | 4. Autograd, step by step (predictions) | 3 |
# | 5. Training with autograd | 3 |
# | 7. `nn.MSELoss`, `optim.SGD` and `nn.Linear` | 2 |
# | 8. Questions | 3 |
# | **Total** | **14** |
#
# Short autograd examples often contain two mistakes that this lab corrects: a
# gradient that sums instead of averaging, and the claim that backpropagation is less
# exact than a hand-written formula. Both are marked **Pitfall** where they come up.

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 0. Setup
#
# The constants below are the lab's data and settings; the hidden checks use the same
# values, so leave them as they are (experiment in new cells instead). The data are
# exact: $y = 2x$ with no noise, so the best $w$ is exactly 2 and the loss can reach 0.

# %% nbgrader={"grade": false, "grade_id": "ag_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

X_NP = np.array([1, 2, 3, 4], dtype=np.float32)  # inputs
Y_NP = np.array([2, 4, 6, 8], dtype=np.float32)  # targets: y = 2x exactly
X = torch.tensor(X_NP)  # the same data as float32 torch tensors, shape (4,)
Y = torch.tensor(Y_NP)
W0 = 0.0  # initial w
LR = 0.01  # learning rate
NUM_EPOCHS = 20  # gradient descent steps


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_gradient", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. The gradient, by hand (2 points)
#
# **The model and the loss.** The model has one parameter, the slope $w$, and no
# intercept: $\hat y_i = w\,x_i$. The loss is the mean squared error over the $N = 4$
# examples,
#
# $$L(w) = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2
#        = \frac{1}{N}\sum_{i=1}^{N} (w\,x_i - y_i)^2 .$$
#
# **Derivation.** The derivative of a mean is the mean of the derivatives, and the
# chain rule gives $\frac{d}{dw}(w x_i - y_i)^2 = 2\,(w x_i - y_i)\,x_i$, so
#
# $$\frac{dL}{dw} = \frac{2}{N}\sum_{i=1}^{N} x_i\,(\hat y_i - y_i)
#   = \text{mean}\big(2\,x\,(\hat y - y)\big).$$
#
# The **2** comes from the square, the **1/N** from the mean in the loss. The **sign**:
# $\hat y_i - y_i$ is prediction minus target (with $y_i - \hat y_i$ the gradient points
# uphill). The **shape**: $w$ is one number, so $dL/dw$ is one number; the mean of the
# per-example terms `2 * x * (y_hat - y)`.
#
# In code $dL/dw$ is `dw`. The model and the loss are given (they work on numpy arrays
# and on torch tensors alike); the names follow lab 01's table of course names.


# %% nbgrader={"grade": false, "grade_id": "ag_model_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
def forward(x, w):
    """Predictions of the model f = w * x: x (n,), w a number -> y_hat (n,)."""
    return w * x


def mse(y_hat, y):
    """Mean squared error: y_hat and y (n,) -> one number (0-dim)."""
    return ((y_hat - y) ** 2).mean()


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_gradient_task", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Pitfall.** Code like this is common:
#
# ```python
# def gradient(x, y, y_predicted):
#     # dl/dw = 1/N 2x (w*x - y)
#     return np.dot(2*x, y_predicted - y).mean()
# ```
#
# `np.dot` of two vectors multiplies them entry by entry *and adds the products*: it is
# already the sum $\sum_i 2 x_i (\hat y_i - y_i)$, a single number, and the `.mean()` of
# a single number is that number. The $1/N$ of its own comment never happens: it returns
# $N = 4$ times the gradient, $-120$ instead of $-30$ at $w = 0$, and its first step
# lands at $w = 1.2$ instead of $0.3$.
#
# **Task (2 points).** Write `gradient(x, y, y_hat)` with numpy (no autograd), returning
# $dL/dw$ as one number. The hidden checks compare it with autograd's gradient in float64.


# %% nbgrader={"grade": false, "grade_id": "ag_gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradient(x, y, y_hat):
    """dL/dw of the MSE of y_hat = w * x: x, y, y_hat (n,) -> dw, one number."""
    ### BEGIN SOLUTION
    dw = np.mean(2 * x * (y_hat - y))  # the 2 from the square, the 1/N from the mean
    ### END SOLUTION
    return dw


# %% nbgrader={"grade": true, "grade_id": "test_ag_gradient", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check gradient on two points where the mean gradient is 5."""
x_small = np.array([1.0, 2.0])
y_small = np.array([1.0, 1.0])
dw_small = gradient(x_small, y_small, np.array([2.0, 3.0]))  # errors y_hat - y: 1, 2
assert np.size(dw_small) == 1, (
    f"dw has {np.size(dw_small)} entries, expected one number: "
    "did you forget to average the per-example terms 2 * x * (y_hat - y)?"
)
print(f"dw = {float(dw_small):.4f} (should be mean([2 * 1 * 1, 2 * 2 * 2]) = 5)")
assert abs(float(dw_small) - 5.0) < 1e-6, (
    f"got {float(dw_small):.4f}, expected 5: 10 means a sum over the 2 examples "
    "instead of a mean (np.dot is a sum), 2.5 a missing factor 2, -5 the wrong sign"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("gradient", gradient)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_gradient_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
# At the start, $w = 0$, your gradient and the `np.dot(...).mean()` one:

# %% nbgrader={"grade": false, "grade_id": "ag_gradient_start", "locked": true, "schema_version": 3, "solution": false, "task": false}
y_hat_start = forward(X_NP, W0)
dot_start = np.dot(2 * X_NP, y_hat_start - Y_NP).mean()
print("gradient(X, Y, y_hat) at w = 0:       ", gradient(X_NP, Y_NP, y_hat_start))
print("np.dot(2x, y_hat - y).mean() at w = 0:", dot_start)


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_numerical", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. A numerical gradient (1 point)
#
# **Why.** A gradient derived by hand can be wrong, and nothing in a training loop says
# so: the loop just trains differently. A finite difference checks a gradient with
# nothing but the loss itself. The *central* difference
#
# $$\frac{dL}{dw} \approx \frac{L(w + h) - L(w - h)}{2h}$$
#
# is off by about $\frac{h^2}{6} L'''(w)$ (the one-sided
# $\frac{L(w+h) - L(w)}{h}$ by about $\frac{h}{2} L''(w)$). But each value of the loss
# carries a rounding error of about $\varepsilon\,|L|$, which becomes
# $\varepsilon\,|L| / h$ in the slope. In float64 ($\varepsilon \approx 10^{-16}$)
# with $h = 10^{-6}$ a right gradient agrees to about $10^{-9}$; in float32
# ($\varepsilon \approx 6 \times 10^{-8}$, $L = 16.875$ at $w = 0.5$) the error is
# about 1 on a gradient of $-22.5$: **check gradients in float64**.
#
# **Task (1 point).** Write `numerical_gradient(f, w, h=1e-6)`, the central difference
# of a function `f` (a float in, a float out) at `w`.


# %% nbgrader={"grade": false, "grade_id": "ag_numerical_gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def numerical_gradient(f, w, h=1e-6):
    """Central difference of f at w: f maps a float to a float -> one number."""
    ### BEGIN SOLUTION
    slope = (f(w + h) - f(w - h)) / (2 * h)
    ### END SOLUTION
    return slope


# %% nbgrader={"grade": true, "grade_id": "test_ag_numerical_gradient", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check numerical_gradient on f(w) = w ** 3 at w = 2 with h = 0.01."""
slope_small = numerical_gradient(lambda w: w**3, 2.0, 0.01)
# For a cubic the central difference is exactly 3 w^2 + h^2 = 12.0001.
print(f"slope = {float(slope_small):.6f} (should be 12.000100)")
assert abs(float(slope_small) - 12.0001) < 1e-8, (
    f"got {float(slope_small):.6f}, expected 12.000100: 12.060100 is the forward "
    "difference (f(w + h) - f(w)) / h, 24.000200 a division by h instead of 2 * h"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("numerical_gradient", numerical_gradient)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_check_gradient", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Now check your `gradient` with it, in float64, at three values of $w$. The relative
# error $|a - b| / (|a| + |b|)$ should be about $10^{-9}$ or less. For the
# `np.dot(...).mean()` formula it is $0.6 = |4g - g| / (|4g| + |g|)$: a factor 4.

# %% nbgrader={"grade": false, "grade_id": "ag_check_gradient", "locked": true, "schema_version": 3, "solution": false, "task": false}
x64, y64 = X_NP.astype(np.float64), Y_NP.astype(np.float64)


def relative_error(a, b):
    """|a - b| / (|a| + |b|): about 1e-16 means equal up to float64 rounding."""
    return abs(a - b) / (abs(a) + abs(b))


def loss_at(w):
    """The lab's loss as a function of w alone, in float64."""
    return float(mse(forward(x64, w), y64))


for w_check in (0.0, 0.5, 1.9):
    manual = gradient(x64, y64, forward(x64, w_check))
    dotted = np.dot(2 * x64, forward(x64, w_check) - y64).mean()
    numeric = numerical_gradient(loss_at, w_check)
    print(
        f"w = {w_check}: numerical {numeric:9.4f}, yours {float(manual):9.4f} "
        f"(relative error {relative_error(manual, numeric):.0e}), np.dot's "
        f"{dotted:9.4f} (relative error {relative_error(dotted, numeric):.1f})"
    )


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_numpy_gd", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. Gradient descent in numpy
#
# The numpy loop takes the gradient function as an argument, so it runs with yours and
# with the `np.dot(...).mean()` one of Section 1 (`dot_gradient`). Like every `train_*`
# function of the lab it returns the final $w$ and the losses, each recorded *before*
# its update; `w_path` collects $w$ after $0, 1, \dots$ updates.


# %% nbgrader={"grade": false, "grade_id": "ag_numpy_gd", "locked": true, "schema_version": 3, "solution": false, "task": false}
def train_numpy(x, y, w0, lr, num_epochs, grad):
    """Gradient descent on the MSE of y_hat = w * x, with the gradient function grad.

    Returns the final w and losses, num_epochs floats (losses[k] before update k).
    """
    w, losses = w0, []
    for _ in range(num_epochs):
        y_hat = forward(x, w)
        losses.append(float(mse(y_hat, y)))
        w = float(w - lr * grad(x, y, y_hat))
    return w, losses


def w_path(train, num_epochs):
    """w after 0, 1, ..., num_epochs updates: train(k) trains for k epochs."""
    return [float(train(k)[0]) for k in range(num_epochs + 1)]


def dot_gradient(x, y, y_hat):
    """np.dot(2 * x, y_hat - y).mean(), kept to compare: a sum, N times the mean."""
    return np.dot(2 * x, y_hat - y).mean()


_, losses_manual = train_numpy(X_NP, Y_NP, W0, LR, NUM_EPOCHS, gradient)
_, losses_dot = train_numpy(X_NP, Y_NP, W0, LR, NUM_EPOCHS, dot_gradient)
ws_manual = w_path(lambda k: train_numpy(X_NP, Y_NP, W0, LR, k, gradient), NUM_EPOCHS)
ws_dot = w_path(lambda k: train_numpy(X_NP, Y_NP, W0, LR, k, dot_gradient), NUM_EPOCHS)
print(
    f"after 1 step:   your gradient w = {ws_manual[1]:.3f}, dot_gradient's {ws_dot[1]:.3f}"
)
print(
    f"after {NUM_EPOCHS} steps: your gradient w = {ws_manual[-1]:.3f}, dot_gradient's {ws_dot[-1]:.3f}"
)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_numpy_gd_why", "locked": true, "schema_version": 3, "solution": false, "task": false}
# With your gradient, $w$ moves to 0.3 and creeps towards 2; with `dot_gradient` it
# jumps to 1.2, only because each step is 4 times longer, as if the learning rate were
# $0.04$. The loss is a parabola in $w$ with curvature $L'' = 2\,\overline{x^2} = 15$,
# so each step multiplies the distance to the minimum by $1 - \text{lr} \cdot 15$
# ($0.85$ for lr = 0.01: $w_{20} = 2 - 2 \cdot 0.85^{20} = 1.922$). It converges while
# lr $< 2/15$: with $N = 100$ examples the same bug diverges (Exercise 1).

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_autograd", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. Autograd, step by step
#
# ### 4.1 `requires_grad`, the graph, `backward()` and `.grad`
#
# A tensor created with `requires_grad=True` is a **leaf**: PyTorch will compute
# derivatives with respect to it. Every operation on it records a node in a
# **graph**: the result remembers how it was computed in its `grad_fn`.
# `out.backward()` walks that graph from `out` back to the leaves, applying the chain
# rule to the exact derivative of each operation, and stores $d\,\text{out} /
# d\,\text{leaf}$ in each leaf's `.grad`.
#
# First a derivative we know by hand: $\frac{d}{da} a^2 = 2a$, which is $6$ at $a = 3$.

# %% nbgrader={"grade": false, "grade_id": "ag_autograd_square", "locked": true, "schema_version": 3, "solution": false, "task": false}
a = torch.tensor(3.0, requires_grad=True)  # a leaf
out = a**2  # recorded in the graph: out.grad_fn is the node that computed it
print("out =", out)
print("a.is_leaf:", a.is_leaf, " out.is_leaf:", out.is_leaf)
out.backward()  # d(out)/da by the chain rule, stored in a.grad
print("a.grad =", a.grad, "(by hand: 2 * 3 = 6)")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_accumulate", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### 4.2 `.grad` accumulates
#
# `backward()` does not overwrite `.grad`: it **adds** the new gradient to what is
# already there (deliberately: when a tensor is used in several places, the
# contributions must add up). To start afresh, zero it: `a.grad.zero_()` (the trailing
# underscore marks an in-place operation).
#
# **Prediction (1 point).** `a.grad` holds 6 now. The cell after yours runs
# `(a**2).backward()` on a new graph, then `a.grad.zero_()`, then `(a**2).backward()`
# once more. Predict `a.grad` after the second and after the third backward, as a pair
# of numbers: `predict_accumulate = (..., ...)`. Then run the cell and compare.

# %% nbgrader={"grade": false, "grade_id": "ag_predict_accumulate", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your prediction: predict_accumulate = (after the 2nd backward, after the 3rd)
### BEGIN SOLUTION
# The second backward() adds its 6 to the 6 already in a.grad: 12. zero_() sets
# a.grad to 0, and the third backward() adds 6 to that: 6.
predict_accumulate = (12.0, 6.0)
### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "ag_accumulate", "locked": true, "schema_version": 3, "solution": false, "task": false}
(a**2).backward()
print("after a second backward: a.grad =", a.grad, "(6 + 6)")
a.grad.zero_()
print("after a.grad.zero_():    a.grad =", a.grad)
(a**2).backward()
print("after a third backward:  a.grad =", a.grad)

# %% nbgrader={"grade": true, "grade_id": "test_ag_predict_accumulate", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that predict_accumulate is a pair of numbers (graded with the lab)."""
assert isinstance(predict_accumulate, (tuple, list)) and len(predict_accumulate) == 2, (
    f"predict_accumulate should be a pair of numbers, got {predict_accumulate!r}"
)
print(f"predict_accumulate = {predict_accumulate}: compare with the cell above")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("predict_accumulate", predict_accumulate)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_autograd_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
# In a training loop every epoch builds a new graph and calls `backward()` once: if
# `.grad` is never zeroed, epoch $k$ uses the sum of the gradients of epochs
# $0, \dots, k$ (Section 6).
#
# ### 4.3 The lab's gradient by autograd
#
# The same steps on the lab's loss: `w` is the leaf, the loss the output. The graph is
# `w` → multiply by `X` → subtract `Y` → square → mean.

# %% nbgrader={"grade": false, "grade_id": "ag_autograd_loss", "locked": true, "schema_version": 3, "solution": false, "task": false}
w = torch.tensor(W0, requires_grad=True)
loss = mse(forward(X, w), Y)
print("loss =", loss)
print(
    "the graph, from the loss back:",
    loss.grad_fn,
    "<-",
    loss.grad_fn.next_functions[0][0],
)
loss.backward()
print("autograd:  w.grad =", w.grad.item())
print(
    "by hand:   gradient(X, Y, y_hat) =", float(gradient(X_NP, Y_NP, forward(X_NP, W0)))
)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_exact", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### 4.4 Three ways, one number
#
# Autograd, your formula and the central difference, in float64, at $w = 0.5$.
# Autograd applies the chain rule to the exact derivative
# of every operation, so it and a right formula agree to rounding ($10^{-16}$); the
# central difference agrees to about $10^{-10}$.
#
# **Pitfall.** A common claim: a numpy loop with a hand-written gradient reaches
# $w = 2.000$ in 20 steps and the autograd loop only $1.922$, so backpropagation "is
# not as exact". False: that formula was `dot_gradient`, $N = 4$ times too large; the
# autograd loop is the correct one.

# %% nbgrader={"grade": false, "grade_id": "ag_exact", "locked": true, "schema_version": 3, "solution": false, "task": false}
w64 = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
mse(forward(torch.tensor(x64), w64), torch.tensor(y64)).backward()
auto = w64.grad.item()
manual = float(gradient(x64, y64, forward(x64, 0.5)))
numeric = numerical_gradient(loss_at, 0.5)
print(f"autograd   {auto:.15f}")
print(f"by hand    {manual:.15f}  relative error {relative_error(manual, auto):.0e}")
print(f"numerical  {numeric:.15f}  relative error {relative_error(numeric, auto):.0e}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_no_grad", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### 4.5 The update: `torch.no_grad()`, leaves, and why not `w = w - lr * w.grad`
#
# The update $w \leftarrow w - \text{lr}\cdot dL/dw$ must change `w` itself, and must
# not be recorded: it is not part of the model. Written plainly, `w -= LR * w.grad`
# fails: autograd forbids changing a leaf that requires grad in place while it records
# (the change would enter the graph, and `w` would no longer be a leaf):

# %% nbgrader={"grade": false, "grade_id": "ag_no_grad_error", "locked": true, "schema_version": 3, "solution": false, "task": false}
try:
    w -= LR * w.grad  # w.grad still holds the gradient from 4.3
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_no_grad_ok", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Inside `with torch.no_grad():` nothing is recorded: the update only changes the
# values, and `w` stays the same leaf, ready for the next epoch's graph.
#
# **Prediction (1 point).** The cell after yours runs `w -= LR * w.grad` and then
# `z = 2 * w`, both inside one `with torch.no_grad():` block. Predict three booleans:
# `predict_no_grad = (z.requires_grad, z.grad_fn is None, w.requires_grad)`, the last
# after the block.

# %% nbgrader={"grade": false, "grade_id": "ag_predict_no_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your prediction: predict_no_grad = (True or False, True or False, True or False)
### BEGIN SOLUTION
# Nothing is recorded inside no_grad: z gets no grad_fn (z.grad_fn is None) and
# does not require grad. w is still the leaf created with requires_grad=True: the
# in-place update changed its values, not its flag.
predict_no_grad = (False, True, True)
### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "ag_no_grad_ok", "locked": true, "schema_version": 3, "solution": false, "task": false}
with torch.no_grad():
    w -= LR * w.grad
    z = 2 * w
print("z.requires_grad:", z.requires_grad, " z.grad_fn is None:", z.grad_fn is None)
print("w =", w, " is_leaf:", w.is_leaf, " requires_grad:", w.requires_grad)

# %% nbgrader={"grade": true, "grade_id": "test_ag_predict_no_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that predict_no_grad is three booleans (graded with the lab)."""
assert isinstance(predict_no_grad, (tuple, list)) and len(predict_no_grad) == 3, (
    f"predict_no_grad should be a tuple of three booleans, got {predict_no_grad!r}"
)
assert all(isinstance(v, bool) for v in predict_no_grad), (
    f"write each prediction as True or False, got {predict_no_grad!r}"
)
print(f"predict_no_grad = {predict_no_grad}: compare with the cell above")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("predict_no_grad", predict_no_grad)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_rebind", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Pitfall: rebinding.** `w = w - lr * w.grad` looks the same but is not an update: it
# computes a *new* tensor from the old `w` and binds the name `w` to it. Outside
# `no_grad` the new tensor is a node of the graph, not a leaf:

# %% nbgrader={"grade": false, "grade_id": "ag_rebind", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_rebound = w - LR * w.grad
print("is_leaf:", w_rebound.is_leaf, " grad_fn:", w_rebound.grad_fn)

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_rebind_why", "locked": true, "schema_version": 3, "solution": false, "task": false}
# `backward()` fills `.grad` only for leaves, so the new `w.grad` is `None`, and the
# `w.grad.zero_()` after the update fails with `AttributeError`. Inside `no_grad`,
# `w = w - lr * w.grad` gives a tensor that does not require grad, and the next
# `backward()` fails. Update in place: `w -= lr * w.grad` inside `no_grad`.
#
# ### 4.6 `detach()`
#
# A tensor that requires grad cannot be turned into numpy: that would silently leave
# the graph behind. `detach()` returns a tensor with the same values, cut from the
# graph; `.item()` gives a Python number. `float(loss)` gives it too, with a warning
# (once per session, as below): record losses with `loss.item()`.

# %% nbgrader={"grade": false, "grade_id": "ag_detach", "locked": true, "schema_version": 3, "solution": false, "task": false}
y_hat = forward(X, w)
loss = mse(y_hat, Y)
print("y_hat =", y_hat)
try:
    y_hat.numpy()
except RuntimeError as error:
    print("RuntimeError:", error)
print("y_hat.detach().numpy() =", y_hat.detach().numpy())
print("loss.item() =", loss.item())
loss_value = float(loss)  # the same number, with a warning: prefer loss.item()


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_numpy_dtypes", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### 4.7 Numpy data in torch: dtype and memory
#
# numpy's default float is float64, torch's float32 (`torch.ones(3)`, `nn.Linear`'s
# weights). `torch.tensor(a)` and `torch.from_numpy(a)` both keep the array's dtype.
# `torch.tensor(a)` copies the values; `torch.from_numpy(a)` *shares* the array's
# memory: a change to one is a change to the other. `.float()` makes a float32 copy.
# Mixing the two dtypes, `*` promotes float32 to float64, but the matrix product `@`
# raises a `RuntimeError`: that is why the setup builds `X_NP` as float32.
#
# **Prediction (1 point).** The cell after yours runs
#
# ```python
# a = np.array([1.0, 2.0, 3.0])
# shared, copied = torch.from_numpy(a), torch.tensor(a)
# w32 = torch.ones(3)
# a[0] = 10.0
# ```
#
# and then tries `shared @ w32` and `shared * w32`. Predict two numbers and two
# booleans: `predict_numpy = (shared[0], copied[0], "@ raises", "* raises")`.

# %% nbgrader={"grade": false, "grade_id": "ag_predict_numpy", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your prediction: predict_numpy = (shared[0], copied[0], True or False, True or False)
### BEGIN SOLUTION
# from_numpy shares a's memory: shared[0] is 10.0. torch.tensor copied the array
# before the change: copied[0] is 1.0. @ refuses float64 with float32 (a
# RuntimeError); * promotes w32 to float64 and does not raise.
predict_numpy = (10.0, 1.0, True, False)
### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "ag_numpy_dtypes", "locked": true, "schema_version": 3, "solution": false, "task": false}
a = np.array([1.0, 2.0, 3.0])  # numpy's default dtype: float64
shared, copied = torch.from_numpy(a), torch.tensor(a)
w32 = torch.ones(3)  # torch's default dtype: float32
a[0] = 10.0
print("shared[0] =", shared[0].item(), " copied[0] =", copied[0].item())
print(
    "dtypes:",
    shared.dtype,
    copied.dtype,
    w32.dtype,
    "shared.float():",
    shared.float().dtype,
)
print("shared * w32 does not raise:", (shared * w32).dtype)
try:
    shared @ w32
except RuntimeError as error:
    print("shared @ w32 raises: RuntimeError:", error)

# %% nbgrader={"grade": true, "grade_id": "test_ag_predict_numpy", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that predict_numpy is two numbers and two booleans (graded with the lab)."""
assert isinstance(predict_numpy, (tuple, list)) and len(predict_numpy) == 4, (
    f"predict_numpy should be a tuple of 4 entries, got {predict_numpy!r}"
)
assert all(isinstance(v, bool) for v in predict_numpy[2:]), (
    f"write the last two predictions as True or False, got {predict_numpy[2:]!r}"
)
print(f"predict_numpy = {predict_numpy}: compare with the cell above")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("predict_numpy", predict_numpy)
### END HIDDEN TESTS


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. Training with autograd (3 points)
#
# The autograd loop, as a function of its inputs. Once:
#
# 1. **Initialise**: `w = torch.tensor(w0, requires_grad=True)`, a float32 leaf.
#
# Then `num_epochs` times (one epoch is one update: every step uses all $N$ examples):
#
# 2. **Forward**: `loss = mse(forward(x, w), y)`, a new graph; record `loss.item()`
#    *before* the update, so that `losses[0]` is the loss at `w0`.
# 3. **Backward**: `loss.backward()` puts $dL/dw$ in `w.grad`.
# 4. **Update** in place, inside `with torch.no_grad():`, `w -= lr * w.grad`.
# 5. **Zero** the gradient: `w.grad.zero_()`.
#
# **Task (3 points).** Write `train_autograd(x, y, w0, lr, num_epochs)` returning the
# final `w` (detached) and the list `losses` of `num_epochs` Python floats. 2 points for
# the final `w`, compared with a float64 run of the same loop; 1 for the losses, from
# another start and learning rate.


# %% nbgrader={"grade": false, "grade_id": "ag_train_autograd", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_autograd(x, y, w0, lr, num_epochs):
    """Gradient descent on the MSE of y_hat = w * x, the gradient by autograd.

    x, y: (n,) float tensors; w0: a float. Returns w (0-dim, detached) and losses,
    a list of num_epochs floats: losses[k] is the loss before update k.
    """
    ### BEGIN SOLUTION
    w = torch.tensor(w0, dtype=x.dtype, requires_grad=True)  # 1. a leaf
    losses = []
    for _ in range(num_epochs):
        loss = mse(forward(x, w), y)  # 2. forward: a new graph
        losses.append(loss.item())
        loss.backward()  # 3. dL/dw, added to w.grad
        with torch.no_grad():  # 4. the update is not recorded
            w -= lr * w.grad
        w.grad.zero_()  # 5. else the next backward adds to this gradient
    ### END SOLUTION
    return w.detach(), losses


# %% nbgrader={"grade": true, "grade_id": "test_ag_train_w", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
"""Check w from train_autograd on two points of y = 3x, after 1 and 2 epochs."""
x_small = torch.tensor([1.0, 2.0])  # an error here? Section 4.5 explains the usual ones
w_one = torch.as_tensor(train_autograd(x_small, 3 * x_small, 0.0, 0.1, 1)[0]).item()
w_two = torch.as_tensor(train_autograd(x_small, 3 * x_small, 0.0, 0.1, 2)[0]).item()
print(f"w after 1 epoch: {w_one:.4f} (should be 1.5)")
print(f"w after 2 epochs: {w_two:.4f} (should be 2.25)")
assert abs(w_one - 1.5) < 1e-5, (
    f"after 1 epoch w is {w_one:.4f}, expected 0 - 0.1 * (-15) = 1.5: -1.5 "
    "means the update adds the gradient, 3 that the loss is a sum (N = 2)"
)
assert abs(w_two - 2.25) < 1e-5, (
    f"after 2 epochs w is {w_two:.4f}, expected 2.25: 3.75 means the "
    "gradients accumulate (is w.grad.zero_() missing?)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_w", train_autograd)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_ag_train_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the losses of 3 epochs: a list of floats, the first at w0."""
x_small = torch.tensor([1.0, 2.0])
_, losses_small = train_autograd(x_small, 3 * x_small, 0.0, 0.1, 3)
print("losses:", losses_small, "(should start at 22.5 and decrease)")
assert [type(v) for v in losses_small] == [float] * 3, (
    f"losses should be a list of 3 floats (append loss.item()), got {losses_small!r}"
)
assert abs(losses_small[0] - 22.5) < 1e-4, (
    f"losses[0] is {losses_small[0]:.4f}, expected 22.5, the loss at w0 = 0: 45 "
    "means a sum instead of a mean, a smaller value a loss recorded after the update"
)
assert losses_small[0] > losses_small[1] > losses_small[2], (
    f"the loss should decrease, got {losses_small}: equal losses mean that w never "
    "moves, growing ones that the update adds the gradient instead of subtracting it"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("train_losses", train_autograd)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_train_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Train on the lab's data and compare with the numpy loops of Section 3; for the path
# of $w$, train for $0, 1, \dots, 20$ epochs.

# %% nbgrader={"grade": false, "grade_id": "ag_train_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_auto, losses_auto = train_autograd(X, Y, W0, LR, NUM_EPOCHS)
ws_auto = w_path(lambda k: train_autograd(X, Y, W0, LR, k), NUM_EPOCHS)
print(f"autograd:                 w = {float(w_auto):.7f}")
print(f"numpy, your gradient:     w = {ws_manual[-1]:.7f}")
print(f"numpy, dot_gradient:      w = {ws_dot[-1]:.7f}")
gap = max(abs(a_k - m_k) for a_k, m_k in zip(ws_auto, ws_manual, strict=True))
print(f"largest difference autograd vs your gradient along the path: {gap:.1e}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_train_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Autograd and your gradient give the same path: here to the last bit, in general
# up to float32 rounding (about $10^{-7}$ relative). The `dot_gradient` loop is the
# dashed curve: the same algorithm with steps 4 times too long.

# %% nbgrader={"grade": false, "grade_id": "ag_train_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, (ax_w, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
epochs = range(NUM_EPOCHS + 1)
ax_w.plot(epochs, ws_auto, "o-", ms=4, label="autograd")
ax_w.plot(epochs, ws_manual, "x", ms=7, color="k", label="numpy, your gradient")
ax_w.plot(epochs, ws_dot, "--", color="C3", label="numpy, dot_gradient (4x too large)")
ax_w.axhline(2.0, color="gray", lw=0.8, ls=":")
ax_w.set(xlabel="epoch", ylabel="w", title="w after each update")
ax_w.legend()
ax_loss.semilogy(losses_auto, "o-", ms=4, label="autograd")
ax_loss.semilogy(losses_manual, "x", ms=7, color="k", label="numpy, your gradient")
ax_loss.semilogy(losses_dot, "--", color="C3", label="numpy, dot_gradient")
ax_loss.set_ylim(1e-6, 100)  # losses_dot[19] is exactly 0 (float32): off the log axis
ax_loss.set(
    xlabel="epoch", ylabel="MSE loss (log scale)", title="Loss before each update"
)
ax_loss.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_big_lr", "locked": true, "schema_version": 3, "solution": false, "task": false}
# And the `dot_gradient` loop *is* the autograd loop with a 4 times larger learning
# rate:

# %% nbgrader={"grade": false, "grade_id": "ag_big_lr", "locked": true, "schema_version": 3, "solution": false, "task": false}
w_big_lr, _ = train_autograd(X, Y, W0, 4 * LR, NUM_EPOCHS)
print(f"autograd with lr = 4 * LR: w = {float(w_big_lr):.7f}")
print(f"numpy, dot_gradient:       w = {ws_dot[-1]:.7f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_no_zero", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 6. What a missing `zero_()` does
#
# The same loop without `w.grad.zero_()`, for four epochs, printing `w.grad` next to
# the sum of the fresh gradients of the epochs so far (computed by your `gradient`):
# they are equal.

# %% nbgrader={"grade": false, "grade_id": "ag_no_zero", "locked": true, "schema_version": 3, "solution": false, "task": false}
w = torch.tensor(W0, requires_grad=True)
fresh_sum = 0.0
for epoch in range(4):
    fresh_sum += float(gradient(X_NP, Y_NP, forward(X_NP, w.item())))
    mse(forward(X, w), Y).backward()  # no zero_() anywhere in this loop
    print(
        f"epoch {epoch}: w.grad = {w.grad.item():9.4f}, sum of fresh gradients = {fresh_sum:9.4f}"
    )
    with torch.no_grad():
        w -= LR * w.grad


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_no_zero_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Each update then carries all the earlier ones with it, like a ball rolling without
# friction: $w$ shoots past 2, turns back, and oscillates around it instead of
# settling. `accumulating(gradient)` (a running sum of your gradient) shows it over 60
# epochs:


# %% nbgrader={"grade": false, "grade_id": "ag_no_zero_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
def accumulating(grad):
    """A gradient function that returns the running sum, like a .grad never zeroed."""
    total = 0.0

    def summed(x, y, y_hat):
        nonlocal total
        total += grad(x, y, y_hat)
        return total

    return summed


ws_zeroed = w_path(lambda k: train_numpy(X_NP, Y_NP, W0, LR, k, gradient), 60)
ws_accumulated = w_path(
    lambda k: train_numpy(X_NP, Y_NP, W0, LR, k, accumulating(gradient)), 60
)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(ws_zeroed, label="gradient zeroed every epoch")
ax.plot(ws_accumulated, label="gradient never zeroed")
ax.axhline(2.0, color="gray", lw=0.8, ls=":")
ax.set_ylim(-0.3, 5.0)
ax.set(xlabel="epoch", ylabel="w", title="Accumulating gradients make w oscillate")
ax.legend(loc="upper center", ncol=2);


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_nn", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 7. `nn.MSELoss`, `optim.SGD` and `nn.Linear` (2 points)
#
# Now hand the loss, the update and the model to PyTorch.
#
# - `nn.MSELoss()` is a module computing $\text{mean}\big((\hat y - y)^2\big)$, our `mse`.
# - `torch.optim.SGD(params, lr=lr)` holds the tensors to train. `optimizer.step()`
#   does `p -= lr * p.grad` inside `no_grad` for each of them, and
#   `optimizer.zero_grad()` resets their `.grad` (to `None`).
#
# The order matters: `zero_grad()` must run between one `step()` and the next
# `backward()`. Between `backward()` and `step()`, it leaves the step no gradient, and
# the step does nothing; with `step()` before `backward()` each step uses the previous
# epoch's gradient.
#
# First the loss and the update, with `w` still our own tensor: a few lines, and the
# same numbers as your `train_autograd`:


# %% nbgrader={"grade": false, "grade_id": "ag_sgd", "locked": true, "schema_version": 3, "solution": false, "task": false}
def train_sgd(x, y, w0, lr, num_epochs):
    """train_autograd with nn.MSELoss and optim.SGD for the loss and the update."""
    w = torch.tensor(w0, requires_grad=True)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD([w], lr=lr)  # the list of tensors to train
    losses = []
    for _ in range(num_epochs):
        loss = loss_fn(forward(x, w), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()  # w -= lr * w.grad, inside no_grad
        optimizer.zero_grad()  # w.grad = None
    return w.detach(), losses


w_sgd, losses_sgd = train_sgd(X, Y, W0, LR, NUM_EPOCHS)
print(f"train_sgd:      w = {float(w_sgd):.7f}")
print(f"train_autograd: w = {float(w_auto):.7f}")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_linear", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Then replace `forward` by a model: `nn.Linear(1, 1, bias=False)` computes
# $\hat y = x\,W^\top$ with a weight $W$ of shape `(1, 1)`, our $w$, registered as the
# model's only parameter (the default `bias=True` would add an intercept $b$).
#
# - `nn.Linear` expects one row per example: reshape `x` to `(n, 1)` with
#   `x.reshape(-1, 1)`. The output then has shape `(n, 1)` too.
# - **Pitfall: shapes.** Reshape `y` to `(n, 1)` as well. A `(n, 1)` prediction minus a
#   `(n,)` target broadcasts to `(n, n)`, every prediction against every target:
#   `nn.MSELoss` only warns, and returns a different loss with a different minimum.
# - Its weight starts random; set it to `w0` to start where the manual loop starts:
#   `with torch.no_grad(): model.weight.fill_(w0)`.

# %% nbgrader={"grade": false, "grade_id": "ag_linear_shapes", "locked": true, "schema_version": 3, "solution": false, "task": false}
model_demo = nn.Linear(1, 1, bias=False)
print(
    "parameters:", [(name, tuple(p.shape)) for name, p in model_demo.named_parameters()]
)
print("output shape for x of shape (4, 1):", tuple(model_demo(X.reshape(-1, 1)).shape))
print("(n, 1) - (n,) broadcasts to:", tuple((model_demo(X.reshape(-1, 1)) - Y).shape))


# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_linear_task", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Task (2 points).** Write `train_nn(x, y, w0, lr, num_epochs)`: `train_sgd` with
# the model `nn.Linear(1, 1, bias=False)`, its weight set to `w0`, and `x`, `y`
# reshaped to `(n, 1)`. Return the trained model and the list of `num_epochs` losses.
# The hidden checks compare the model's weight (1 point) and the losses (1 point) with
# the float64 run of the manual loop.


# %% nbgrader={"grade": false, "grade_id": "ag_train_nn", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_nn(x, y, w0, lr, num_epochs):
    """train_sgd with the model nn.Linear(1, 1, bias=False), its weight set to w0.

    x, y: (n,) float tensors; w0: a float. Returns the trained model and losses,
    a list of num_epochs floats: losses[k] is the loss before update k.
    """
    ### BEGIN SOLUTION
    x, y = x.reshape(-1, 1), y.reshape(-1, 1)  # one row per example
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(w0)  # start where the manual loop starts
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_epochs):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    ### END SOLUTION
    return model, losses


# %% nbgrader={"grade": true, "grade_id": "test_ag_nn_w", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the weight of train_nn's model on two points of y = 3x after 2 epochs."""
x_small = torch.tensor([1.0, 2.0])
model_small, _ = train_nn(x_small, 3 * x_small, 0.0, 0.1, 2)
assert isinstance(model_small, nn.Module), (
    f"train_nn should return the model first; got {type(model_small).__name__}"
)
w_small = model_small.weight.item()
print(f"weight after 2 epochs: {w_small:.4f} (should be 2.25)")
assert abs(w_small - 2.25) < 1e-5, (
    f"got {w_small:.4f}, expected 2.25: 3.75 means optimizer.zero_grad() is missing, "
    "0 that zero_grad runs between backward and step, 1.5 that step runs before "
    "backward, 2.025 that y was not reshaped to (n, 1) (the loss broadcast to (n, n))"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("nn_w", train_nn)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_ag_nn_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check train_nn's losses for 3 epochs: a list of floats, the first at w0."""
x_small = torch.tensor([1.0, 2.0])
_, losses_small = train_nn(x_small, 3 * x_small, 0.0, 0.1, 3)
print("losses:", losses_small, "(should start at 22.5 and decrease)")
assert [type(v) for v in losses_small] == [float] * 3, (
    f"losses should be a list of 3 floats (append loss.item()), got {losses_small!r}"
)
assert abs(losses_small[0] - 22.5) < 1e-4, (
    f"losses[0] is {losses_small[0]:.4f}, expected 22.5, the loss at w0 = 0: does "
    "the weight start at w0, and is the loss recorded before the update?"
)
assert losses_small[0] > losses_small[1] > losses_small[2], (
    f"the loss should decrease, got {losses_small}: equal losses mean that the weight "
    "never moves (does zero_grad() run between loss.backward() and optimizer.step()?)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("nn_losses", train_nn)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_nn_same", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Four loops, one result: numpy with your gradient, autograd, `optim.SGD`, and
# `nn.Linear`. The differences are float32 rounding.

# %% nbgrader={"grade": false, "grade_id": "ag_nn_same", "locked": true, "schema_version": 3, "solution": false, "task": false}
model, losses_nn = train_nn(X, Y, W0, LR, NUM_EPOCHS)
print(f"numpy, your gradient: w = {ws_manual[-1]:.7f}")
print(f"train_autograd:       w = {float(w_auto):.7f}")
print(f"train_sgd:            w = {float(w_sgd):.7f}")
print(f"train_nn:             w = {model.weight.item():.7f}")
print(f"prediction for x = 5: {model(torch.tensor([[5.0]])).item():.3f}")

# %% nbgrader={"grade": false, "grade_id": "ag_nn_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(losses_manual, "x", ms=8, color="k", label="numpy, your gradient")
ax.semilogy(losses_auto, "o", ms=6, mfc="none", label="train_autograd")
ax.semilogy(losses_sgd, "s", ms=9, mfc="none", label="train_sgd")
ax.semilogy(losses_nn, "-", label="train_nn")
ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title="Four loops, one result")
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_questions", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 8. Questions (3 points)
#
# Answer each question with one letter, in the cell below it: replace
# `raise NotImplementedError()` with, e.g., `answer_zero = "a"`.
#
# **Question 1 (1 point).** In `train_autograd`, why must `w.grad.zero_()` (or
# `optimizer.zero_grad()`) run every epoch?
#
# - a) `backward()` overwrites `w.grad`; zeroing only keeps float32 from overflowing over
#   hundreds of epochs.
# - b) `backward()` adds to `w.grad`; without zeroing, each update uses the sum of all
#   earlier gradients.
# - c) Zeroing resets `w` to `w0`, so that every epoch computes its gradient from the same
#   point.

# %% nbgrader={"grade": false, "grade_id": "ag_answer_zero", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_zero = "a", "b" or "c"
### BEGIN SOLUTION
# b. backward() adds the new gradient to what w.grad holds (Section 4.2: 6, then
# 12). Without zeroing, the update of epoch k uses the sum of the gradients of
# epochs 0, ..., k, so w overshoots 2 and oscillates around it (Section 6).
# a is wrong: backward() accumulates into .grad, it does not overwrite it.
# c is wrong: zero_() sets w.grad to 0; it never changes w.
answer_zero = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_ag_answer_zero", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_zero is one of the letters "a", "b", "c"."""
assert answer_zero in ("a", "b", "c"), (
    f'answer_zero should be "a", "b" or "c", got {answer_zero!r}'
)
print(f"answer_zero = {answer_zero!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_zero", answer_zero)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_question_exact", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 2 (1 point).** After 20 steps, a numpy loop with a hand-written gradient is
# at $w$ = 2.000 and the same loop with autograd at $w$ = 1.922. A common conclusion:
# backpropagation "is not as exact as the numerical gradient computation". Which is
# right?
#
# - a) Autograd approximates every derivative with finite differences, so it is less
#   exact and needs more steps.
# - b) Autograd is less exact in float32 only; in float64 both loops reach $w$ = 2.000
#   after 20 steps.
# - c) Both are exact; the numpy loop was faster only because its gradient, a sum, was
#   $N = 4$ times too large.

# %% nbgrader={"grade": false, "grade_id": "ag_answer_exact", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_exact = "a", "b" or "c"
### BEGIN SOLUTION
# c. Autograd applies the chain rule to the exact derivative of every operation, so
# it and a right formula agree to rounding (Section 4.4). The numpy loop's gradient,
# np.dot(2*x, y_pred - y).mean(), is a sum, N = 4 times too large: like a learning
# rate of 0.04 instead of 0.01, so its loop reached 2.000 sooner. The autograd loop
# was the correct one.
# a is wrong: autograd uses no finite differences (nor did the numpy loop: it used
# the hand-written formula).
# b is wrong: the loops differ by a factor 4 in the gradient, not by rounding; in
# float64 they differ just as much.
answer_exact = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_ag_answer_exact", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_exact is one of the letters "a", "b", "c"."""
assert answer_exact in ("a", "b", "c"), (
    f'answer_exact should be "a", "b" or "c", got {answer_exact!r}'
)
print(f"answer_exact = {answer_exact!r}: a valid letter (it is graded with the lab)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_exact", answer_exact)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_question_no_grad", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Question 3 (1 point).** Why does the update `w -= lr * w.grad` go inside
# `with torch.no_grad():`?
#
# - a) Outside it, an in-place change of a leaf that requires grad raises a
#   `RuntimeError`.
# - b) It only makes the update faster by not recording it; without it, `w` ends with the
#   same values.
# - c) `no_grad` sets `w.grad` to zero after the update, so the loop can skip
#   `w.grad.zero_()`.

# %% nbgrader={"grade": false, "grade_id": "ag_answer_no_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_no_grad = "a", "b" or "c"
### BEGIN SOLUTION
# a. w is a leaf that requires grad, and autograd refuses to record an in-place
# change of it (a RuntimeError, Section 4.5). Inside no_grad nothing is recorded:
# the update changes w's values, and w stays the same leaf for the next epoch.
# b is wrong: without no_grad the in-place update fails; it is not about speed.
# c is wrong: no_grad does not touch w.grad; the loop still zeroes it.
answer_no_grad = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_ag_answer_no_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_no_grad is one of the letters "a", "b", "c"."""
assert answer_no_grad in ("a", "b", "c"), (
    f'answer_no_grad should be "a", "b" or "c", got {answer_no_grad!r}'
)
print(
    f"answer_no_grad = {answer_no_grad!r}: a valid letter (it is graded with the lab)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("answer_no_grad", answer_no_grad)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ag_md_summary", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Summary
#
# - The MSE gradient of $f = w\,x$ is
#   $\frac{dL}{dw} = \frac{2}{N}\sum_i x_i(\hat y_i - y_i)$, one number.
#   `np.dot(2 * x, y_hat - y)` is already a sum: a `.mean()` after it changes nothing.
# - Check a hand-written gradient with the central difference, in float64.
# - `backward()` *adds* the exact derivative to each leaf's `.grad`: zero it every step.
# - Update in place inside `torch.no_grad()`; `w = w - lr * w.grad` replaces the leaf.
# - numpy arrays are float64: convert them with `.float()` for float32 weights.
# - `nn.MSELoss`, `optim.SGD` and `nn.Linear(1, 1, bias=False)` give the manual loop's
#   numbers, with `(n, 1)` shapes for both the prediction and the target.
#
# ## Exercises (not graded)
#
# 1. Take $N = 100$ points, `x = np.linspace(0, 4, 100)`, `y = 2 * x`, and run
#    `train_numpy` for 20 epochs with lr = 0.01, with your `gradient` and with
#    `dot_gradient`. Explain the result with the factor $|1 - \text{lr}\cdot N \cdot L''|$.
# 2. Plot the relative error of `numerical_gradient(np.exp, 1.0, h)` against $e$ for
#    $h = 10^{-1}, \dots, 10^{-12}$, in float64 and in float32, on log-log axes. Explain
#    the V shape. Why does the lab's loss show no truncation error at all?
# 3. Show that never zeroing the gradient is `optim.SGD(..., momentum=1)`, and explain
#    why it never settles.
# 4. Replace `loss.backward()` by `(dw,) = torch.autograd.grad(loss, w)`. Does
#    `w.grad` change? Do you still need `zero_()`?
