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

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_title", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 06: Review questions (48 points: 33 auto-graded, 15 graded by hand)
#
# This lab asks 45 *Questions for Review* on linear regression with PyTorch, numbered
# **Q1**–**Q45**, and eight more that come up along the way, **X1**–**X8**. The answers
# these questions usually get are often vague and sometimes wrong
# ("`torch.randn(size=())`" to make a weight matrix, "Learning rate." as the reason for
# small steps, "Randomize the targets variable" for what shuffling does). Here a small
# computation settles most of them.
#
# **Learning objectives.** After this lab you can
#
# - say what a linear regression model and its parts are, and give the shapes of `w`
#   and `b` for any data set;
# - write the model, the MSE, an autograd gradient and an in-place update step;
# - predict the numbers of a training run (an MSE, a loss change, accumulated gradients,
#   the bound on stable learning rates, the updates per epoch);
# - use `TensorDataset`, `DataLoader`, `nn.Linear`, `F.mse_loss` and `torch.optim.SGD`;
# - tell a wrong claim about training from a right one, with a computation that shows why.
#
# **How this lab is graded.**
#
# - *Multiple choice*: replace `raise NotImplementedError()` with one letter in quotes,
#   e.g. `answer_q14 = "a"`.
# - *Numbers and shapes*: a number (`0.25`), a whole number (an `int`, `7`) or a tuple
#   of ints (`(2, 3)`; with one element, `(5,)`), as the question says.
# - *Code*: write the function, keeping its name and arguments; the names follow lab
#   01's table of course names.
# - *Free text* (*YOUR ANSWER HERE*): a few precise sentences, with a formula, code or
#   numbers where asked; a TA grades them by hand with a rubric.
#
# A test cell's *visible* check tells you at once whether your answer has the right
# *form* (for code: whether it works on a tiny example); *hidden* checks decide at
# grading whether it is right. Don't delete, copy or split the answer and test
# cells, and make sure the notebook runs top to bottom (*Kernel → Restart Kernel and Run
# All Cells*).
#
# | Section | Questions | Auto-graded | By hand |
# |---|---|---|---|
# | 1. Data, tensors and the linear model | Q1–Q9, X5 | 4 | 3 |
# | 2. The loss | Q10–Q13, Q39 | 3 | 2 |
# | 3. Gradients and autograd | Q14–Q18, Q23, Q24, X4, X7, X8 | 6 | 5 |
# | 4. Gradient descent | Q19–Q22, Q24–Q27, Q29, X1–X3 | 9 | 3 |
# | 5. Datasets and data loaders | Q31–Q35, X6 | 5 | 2 |
# | 6. `nn.Linear`, `nn.functional` and optimizers | Q28, Q30, Q36–Q38, Q40–Q45 | 6 | 0 |
# | **Total** | **45 + 8** | **33** | **15** |

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 0. Setup
#
# Two data sets: the crop-yield table (5 regions; temperature, rainfall and humidity as
# inputs; the yields of apples and oranges as targets) and the *four-point example*,
# $x = 1, 2, 3, 4$ on the line $y = 2x$, fitted by $\hat y = w x$ from $w = 0$. The
# helpers after it are the test cells' *visible* form checks.

# %% nbgrader={"grade": false, "grade_id": "rv_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import math
import numbers

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)  # the lab's only global seed (functions that need one take it)

# Crop yields, one row per region:
# temperature, rainfall, humidity | yield of apples, yield of oranges
crop_rows = [
    [73, 67, 43, 56, 70],
    [91, 88, 64, 81, 101],
    [87, 134, 58, 119, 133],
    [102, 43, 37, 22, 37],
    [69, 96, 70, 103, 119],
]
N_INPUTS = 3  # the first 3 columns are inputs, the other 2 targets

# The four-point example: y = 2x, model y_hat = w * x, start w = 0, lr 0.01
x4 = torch.tensor([1.0, 2.0, 3.0, 4.0])
y4 = 2 * x4


# %% nbgrader={"grade": false, "grade_id": "rv_form_checks", "locked": true, "schema_version": 3, "solution": false, "task": false}
def require_letter(name, value):
    """Visible check of a multiple-choice answer: one letter "a"-"d", in quotes."""
    ok = isinstance(value, str) and value.strip().lower() in ("a", "b", "c", "d")
    assert ok, (
        f'{name} should be one letter in quotes, "a", "b", "c" or "d"; got {value!r} '
        f'({type(value).__name__}). Write the letter alone: {name} = "a" (your letter).'
    )
    print(f"{name} = {value!r}: a valid letter (whether it is right: when graded)")


def require_int_tuple(name, value):
    """Visible check of a shape: a tuple of ints, like (2, 3) or (5,)."""
    ok = isinstance(value, tuple) and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value
    )
    hint = ""
    if isinstance(value, int):
        hint = f" A one-element tuple needs a trailing comma: ({value},)."
    elif isinstance(value, list):
        hint = " Write it with round brackets, as a tuple."
    assert ok, (
        f"{name} should be a tuple of ints, like (2, 3) or (5,); "
        f"got {value!r} ({type(value).__name__}).{hint}"
    )
    print(f"{name} = {value!r}: a tuple of ints (whether it is right: when graded)")


def require_whole_number(name, value):
    """Visible check of a count: a whole number, an int."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    assert ok, (
        f"{name} should be a whole number (an int), like 7; "
        f"got {value!r} ({type(value).__name__})."
    )
    print(f"{name} = {value!r}: a whole number (whether it is right: when graded)")


def require_number(name, value):
    """Visible check of a number: an int or a float (or a one-element tensor)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    hint = " Remove the quotes." if isinstance(value, str) else ""
    assert ok, (
        f"{name} should be a number, like 0.25 or -3; "
        f"got {value!r} ({type(value).__name__}).{hint}"
    )
    assert math.isfinite(value), f"{name} should be a finite number; got {value!r}."
    print(f"{name} = {value!r}: a number (whether it is right: when graded)")


# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_sec1", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 1. Data, tensors and the linear model (7 points: 4 auto-graded, 3 by hand)
#
# **Why.** A table of examples becomes two tensors, one row per example: the inputs $X$,
# one column per input feature, and the targets $Y$, one column per target. Linear
# regression predicts each target as a weighted sum of the
# inputs plus a constant:
#
# $$\hat y_{ik} = \sum_{j=1}^{d} w_{kj}\, x_{ij} + b_k, \qquad
# \hat Y = X W^\top + b \quad (\texttt{preds = inputs @ w.T + b}).$$
#
# For the crop data $n = 5$ examples, $d = 3$ inputs, $m = 2$ targets: `inputs` is
# $(5, 3)$, `w` is $(2, 3)$, one row per target, `b` is $(2,)$, one entry per target, and
# `preds` is $(5, 2)$, like `targets`. Broadcasting adds `b` to every row.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q1_q3", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q1–Q3: the model, its variables and its parameters (3 points, graded by hand)
#
# - **Q1.** What is a linear regression model? Give an example of a problem formulated as
#   a linear regression model.
# - **Q2.** What are input and target variables in a dataset? Give an example.
# - **Q3.** What are weights and biases in a linear regression model?
#
# Answer all three below, a few sentences each (the crop data or your own example);
# 1 point per question.

# %% [markdown] nbgrader={"grade": true, "grade_id": "rv_q1_q3", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Q1.** A linear regression model predicts each target as a weighted sum of the inputs
# plus a constant. For one target, $\hat y = w_1 x_1 + \dots + w_d x_d + b$; for $m$
# targets at once, $\hat Y = X W^\top + b$ with $W$ of shape $(m, d)$ and $b$ of shape
# $(m,)$. The model is linear in its parameters $W, b$. They are chosen to minimise a
# loss, usually the mean squared error, on training examples whose targets are known.
# *Example:* predict the yields of apples and oranges in a region (2 targets) from its
# temperature, rainfall and humidity (3 inputs):
# $\text{apples} = w_{11}\,\text{temp} + w_{12}\,\text{rain} + w_{13}\,\text{humid} + b_1$,
# and the same for oranges with its own row of weights and its own bias. (Or: the price
# of a flat from its area, number of rooms and distance to the centre.)
#
# **Q2.** *Inputs* (features) are the measured quantities the model receives; they are
# known when we predict. *Targets* (labels) are the quantities the model should predict;
# we know them only for the training examples, where they serve to compute the loss.
# Crop table: temperature, rainfall and humidity are inputs; the two yields are targets.
# Each row is one example (one region).
#
# **Q3.** The weight $w_{kj}$ says by how much the prediction of target $k$ changes when
# input $j$ grows by one unit, the other inputs held fixed; its sign gives the direction.
# There is one weight per (target, input) pair. The bias $b_k$ is the prediction of
# target $k$ when every input is 0: an offset (intercept) that shifts the output, one
# per target. Both are the model's parameters, learned from the data. A weight is not
# simply "the importance" of an input: its size depends on the input's units (rainfall in
# metres instead of millimetres makes $w$ 1000 times larger); sizes only compare for
# standardised inputs. And a bias is not a threshold or cutoff: nothing is cut.
#
# ---
#
# **Rubric for graders (3 points).** Half points are allowed.
#
# | Part | Full credit needs | Common answers and what they earn |
# |---|---|---|
# | Q1 (1) | ½: prediction = weighted sum of the inputs + bias (formula or words), parameters fitted by minimising a loss on known examples. ½: a concrete example naming its inputs and targets. | "A relation between inputs and targets" with nothing linear: 0 for the first ½. A common answer, "we weigh the inputs based on their importance by calculating their gradients", mixes up weights and gradients: 0 for the first ½. An example without saying what is input and what is target: 0 for the second ½. |
# | Q2 (1) | ½: inputs = what the model receives (known at prediction time); targets = what it predicts (known only for training examples, used by the loss). ½: an example. | "Input: the input to the model. Target: truth values." is circular: ½ at most (for the example if one is given). |
# | Q3 (1) | ½: a weight = change of the prediction per unit change of one input (one per target-input pair). ½: the bias = offset / intercept, the prediction when all inputs are 0. | "Weight = importance of a feature" without saying it depends on the input's scale: 0 for the first ½. "Bias: a threshold / cutoff for the targets": 0 for the second ½. |
# ### END SOLUTION

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q4", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q4, Q5: tabular data as tensors (1 point)
#
# - **Q4.** How do you represent tabular data using PyTorch tensors?
# - **Q5.** Why do we create separate matrices for inputs and targets while training a
#   linear regression model? (Not graded; the worked solution answers it.)
#
# **Task (1 point).** Write `split_table(rows, n_inputs)`: `rows` is a list of $n$ rows
# of equal length $c$, as in `crop_rows`; return `inputs` of shape `(n, n_inputs)` and
# `targets` of shape `(n, c - n_inputs)`, both `torch.float32` tensors, one row per
# example. The targets stay 2-D even with a single target column. Mind the dtype: the
# rows hold Python ints.


# %% nbgrader={"grade": false, "grade_id": "rv_q4_split_table", "locked": false, "schema_version": 3, "solution": true, "task": false}
def split_table(rows, n_inputs):
    """Split a table into float32 tensors: inputs (n, n_inputs), targets (n, c - n_inputs).

    rows: a list of n rows (lists) of equal length c.
    """
    ### BEGIN SOLUTION
    # Q4: a 2-D tensor, one row per example and one column per variable. A bare
    # torch.tensor(rows) of Python ints is int64: it cannot require gradients, and
    # int64 @ float32 weights raises a dtype error (`*` would promote to float32,
    # `@` does not). Hence dtype=torch.float32.
    # Q5: the model receives only the inputs (when we predict, the targets are
    # unknown: they are what we want); the targets are used only by the loss, to
    # score the predictions during training. The two have different shapes, (n, 3)
    # and (n, 2), and different roles in preds = inputs @ w.T + b. ("Because we have
    # to calculate the loss" is only half of it.)
    table = torch.tensor(rows, dtype=torch.float32)
    inputs, targets = table[:, :n_inputs], table[:, n_inputs:]
    ### END SOLUTION
    return inputs, targets


# %% nbgrader={"grade": true, "grade_id": "test_rv_q4_split_table", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check split_table on a two-row table with 2 inputs and 1 target."""
inputs_small, targets_small = split_table([[1, 2, 3], [4, 5, 6]], 2)
shapes = tuple(inputs_small.shape), tuple(targets_small.shape)
print("shapes:", shapes, "(should be ((2, 2), (2, 1)))")
assert shapes == ((2, 2), (2, 1)), f"got shapes {shapes}, expected (2, 2) and (2, 1)"
assert inputs_small.dtype == targets_small.dtype == torch.float32, (
    f"got dtypes {inputs_small.dtype} and {targets_small.dtype}, expected torch.float32: "
    "the rows hold Python ints, so pass dtype=torch.float32"
)
assert inputs_small.tolist() == [[1, 2], [4, 5]], "inputs should be the first 2 columns"
assert targets_small.tolist() == [[3], [6]], "targets should be the last column"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q4_split_table", split_table)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q6", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q6: the shapes of the parameters (1 point)
#
# **Q6.** How do you determine the shape of the weights matrix and the bias vector given
# some training data?
#
# **Task (1 point).** A data set has inputs of shape `(200, 7)` and targets of shape
# `(200, 4)`, and the model is `preds = inputs @ w.T + b`. Set `q6_w_shape` and
# `q6_b_shape` to the shapes of `w` and `b`, as tuples of ints.

# %% nbgrader={"grade": false, "grade_id": "rv_q6_shapes", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q6_w_shape = (..., ...) and q6_b_shape = (...,), tuples of ints
### BEGIN SOLUTION
# w has one row per target and one column per input feature, (n_outputs,
# n_inputs), so that inputs (n, 7) @ w.T (7, 4) gives predictions (n, 4) like the
# targets. b has one entry per target, shared by all examples: broadcasting adds it
# to every row. The number of examples, 200, appears in neither.
q6_w_shape = (4, 7)
q6_b_shape = (4,)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q6_shapes", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that q6_w_shape and q6_b_shape are tuples of ints (right or wrong: when graded)."""
require_int_tuple("q6_w_shape", q6_w_shape)
require_int_tuple("q6_b_shape", q6_b_shape)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q6_shapes", q6_w_shape, q6_b_shape)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q7", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q7, X5: random initial parameters (1 point)
#
# - **Q7.** How do you create randomly initialized weights and biases with a given shape?
# - **X5**. A numpy script fits $y = 0.5 - 3x$ (100 points, `np.random.seed(42)`).
#   Its comments say to initialise $b$ and $w$ with `np.random.randn` and quote initial
#   gradients of about 2.7 and 1.8; its code calls `np.random.rand` and prints 3.46 and
#   2.38. What is the difference between the two functions, and which numbers are
#   right? (Not graded; the worked solution answers it.)
#
# **Task (1 point).** Write `init_params(n_inputs, n_outputs, seed)`: call
# `torch.manual_seed(seed)`, then draw `w` and then `b` from the standard normal
# distribution with `torch.randn`, with the shapes of Q6 and `requires_grad=True`.
#
# **Pitfall.** A common answer to Q7, `torch.randn(size=())`, makes a 0-dim tensor: a
# single number, whatever the data.


# %% nbgrader={"grade": false, "grade_id": "rv_q7_init_params", "locked": false, "schema_version": 3, "solution": true, "task": false}
def init_params(n_inputs, n_outputs, seed):
    """Random w (n_outputs, n_inputs) and b (n_outputs,): float32, requires_grad=True."""
    ### BEGIN SOLUTION
    # Pass the shape to torch.randn. requires_grad=True at creation makes w and b
    # leaves that backward() fills with .grad (torch.randn(2, 3,
    # requires_grad=True) * 0.1 is not a leaf: its .grad stays None).
    # X5: rand draws uniformly from [0, 1), randn from the standard normal N(0, 1).
    # Either is a fine start here (one minimum), but the numbers differ: after
    # np.random.seed(42) the rand start (b 0.375, w 0.951) has gradients 3.464
    # and 2.384, the randn start (b 0.497, w -0.138) 2.680 and 1.809. Both are
    # right, each for its own start: comments and code used different functions.
    torch.manual_seed(seed)
    w = torch.randn(n_outputs, n_inputs, requires_grad=True)
    b = torch.randn(n_outputs, requires_grad=True)
    ### END SOLUTION
    return w, b


# %% nbgrader={"grade": true, "grade_id": "test_rv_q7_init_params", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check init_params(3, 2, 0): shapes, requires_grad, leaves, seeded draws."""
w_small, b_small = init_params(3, 2, 0)
shapes = tuple(w_small.shape), tuple(b_small.shape)
print("shapes of w, b:", shapes, "(should be ((2, 3), (2,)))")
assert shapes == ((2, 3), (2,)), "pass the shapes to torch.randn, w first"
assert w_small.requires_grad and b_small.requires_grad, "use requires_grad=True"
assert w_small.is_leaf and b_small.is_leaf, "w and b should be leaf tensors"
assert not torch.equal(init_params(3, 2, 0)[0], init_params(3, 2, 1)[0]), (
    "init_params ignores its seed: call torch.manual_seed(seed)"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q7_init_params", init_params)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q8", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q8, Q9: the model as matrix operations (1 point)
#
# - **Q8.** How is a linear regression model implemented using matrix operations? Explain
#   with an example.
# - **Q9.** How do you generate predictions using a linear regression model?
#
# **Task (1 point).** Write `predict(x, w, b)` for `x` of shape `(n, d)`, `w` of
# shape `(m, d)` and `b` of shape `(m,)`, returning the predictions of shape `(n, m)`.
# The worked solution explains the example.


# %% nbgrader={"grade": false, "grade_id": "rv_q8_linear_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(x, w, b):
    """Predictions x @ w.T + b: x (n, d), w (m, d), b (m,) -> (n, m)."""
    ### BEGIN SOLUTION
    # Q8: @ is the matrix product. Entry (i, k) of x @ w.T is the dot product of
    # example i (row i of x) with the weights of target k (row k of w); + b adds b_k
    # to column k of every row (broadcasting). Example: X = [[1, 2]], w = [[3, 4],
    # [5, 6]], b = [0.5, -1] gives [[1*3 + 2*4 + 0.5, 1*5 + 2*6 - 1]] = [[11.5, 16]].
    # One matrix product handles every example and every target at once, no loops.
    # Q9: call the model on the inputs, y_hat = predict(inputs, w, b); for
    # predictions not used for training, inside torch.no_grad() (Q45).
    y_hat = x @ w.T + b
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "test_rv_q8_linear_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check predict on two examples with two targets."""
x_small = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
w_small = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
b_small = torch.tensor([0.5, -0.5])
preds_small = predict(x_small, w_small, b_small)
print("preds:", preds_small.tolist(), "(should be [[7.5, 1.5], [-0.5, -2.5]])")
assert preds_small.shape == (2, 2), (
    f"preds has shape {tuple(preds_small.shape)}, expected (2, 2)"
)
assert torch.allclose(preds_small, torch.tensor([[7.5, 1.5], [-0.5, -2.5]])), (
    "the predictions should be x @ w.T + b"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q8_linear_model", predict)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_random_model", "locked": true, "schema_version": 3, "solution": false, "task": false}
# A randomly initialised model's predictions on the crop data, next to the targets
# (Q10 asks why they differ so much).

# %% nbgrader={"grade": false, "grade_id": "rv_random_model", "locked": true, "schema_version": 3, "solution": false, "task": false}
inputs, targets = split_table(crop_rows, N_INPUTS)
w_random, b_random = init_params(N_INPUTS, 2, seed=1)
with torch.no_grad():
    preds_random = predict(inputs, w_random, b_random)
print("predictions of a random model:\n", preds_random.round(decimals=1))
print("targets:\n", targets)

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_sec2", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 2. The loss (5 points: 3 auto-graded, 2 by hand)
#
# **Why.** Training needs one number that says how wrong the predictions are, as a
# function of the parameters: gradient descent lowers that number.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q10_q11", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q10, Q11: random predictions and the loss (2 points, graded by hand)
#
# - **Q10.** Why are the predictions of a randomly initialized model different from the
#   actual targets?
# - **Q11.** What is a loss function? What does the term "loss" signify?
#
# 1 point per question.

# %% [markdown] nbgrader={"grade": true, "grade_id": "rv_q10_q11", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Q10.** The parameters were drawn at random, so they carry no information about how
# the yields depend on the weather: the predictions are a random linear function of the
# inputs, unrelated to the yields: in the cell above they do not even rank the regions
# like the targets, and some predicted orange yields are negative. Only training, which changes $W$ and $b$ to lower the loss on examples whose
# targets we know, fits the parameters to the data. Even after training the predictions
# differ a little from the targets: the data are noisy and only roughly linear, so the
# smallest possible loss is not 0.
#
# **Q11.** A loss function takes the predictions and the targets and returns one
# non-negative number that measures how wrong the predictions are: 0 when they are
# perfect, larger when they are worse. As a function of the parameters it is what
# training minimises, so it must be differentiable for gradient descent. "Loss" is the
# price the current parameters pay on the data. For regression the usual loss is the
# mean squared error (Q12), in squared units of the target.
#
# ---
#
# **Rubric for graders (2 points).** Half points are allowed.
#
# | Part | Full credit needs | Common answers and what they earn |
# |---|---|---|
# | Q10 (1) | ½: random parameters encode nothing about the input-target relation (not fitted). ½: training, i.e. minimising the loss on known examples, is what makes predictions approach the targets. Mentioning noise / a residual error: welcome, not required. | "Because the weights aren't right": ½. |
# | Q11 (1) | ½: one number measuring the mismatch between predictions and targets (lower is better). ½: it is what training minimises, as a function of the parameters. | "The error in predictions of the model": ½. "The difference preds - targets" (a tensor, not one number): ½ at most. |
# ### END SOLUTION

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q12", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q12: mean squared error (1 point)
#
# **Q12.** What is mean squared error? Compute it for
#
# $$\texttt{preds} = \begin{pmatrix} 2 & 5 \\ 4 & 1 \\ 0 & 3 \end{pmatrix}, \qquad
# \texttt{targets} = \begin{pmatrix} 1 & 5 \\ 4 & 3 \\ 2 & 3 \end{pmatrix}$$
#
# (3 examples, 2 targets) and set `q12_mse` to it, a number.

# %% nbgrader={"grade": false, "grade_id": "rv_q12_mse", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q12_mse = a number
### BEGIN SOLUTION
# MSE = the mean of the squared differences over ALL n * m entries:
#   MSE = 1 / (n m) * sum_i sum_k (preds_ik - targets_ik)^2
# Differences 1, 0, 0, -2, -2, 0; squares 1, 0, 0, 4, 4, 0; sum 9; 9 / 6 = 1.5.
# A common "error^2 / num_of_inputs" divides by the number of examples (3), giving
# 3.0: right only with a single target. In code ((preds - targets) ** 2).mean(), or
# torch.sum(diff * diff) / diff.numel().
q12_mse = 1.5
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q12_mse", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that q12_mse is a number (right or wrong: when graded)."""
require_number("q12_mse", q12_mse)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q12_mse", q12_mse)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q13", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q13: the MSE as a function (1 point)
#
# **Q13.** Write a function to calculate the mean squared error using model predictions
# and actual targets.
#
# **Task (1 point).** Write `mse(y_hat, y)` for two tensors of the same shape; it
# returns a 0-dim tensor (so that `backward()` can be called on it).


# %% nbgrader={"grade": false, "grade_id": "rv_q13_mse", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mse(y_hat, y):
    """Mean squared error over all entries: y_hat, y (n, m) -> 0-dim tensor."""
    ### BEGIN SOLUTION
    # .mean() averages over every entry (n * m of them), the same as
    # torch.sum(diff * diff) / diff.numel().
    loss = ((y_hat - y) ** 2).mean()
    ### END SOLUTION
    return loss


# %% nbgrader={"grade": true, "grade_id": "test_rv_q13_mse", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check mse on a 2 x 2 example, and that it returns a 0-dim tensor."""
loss_small = mse(
    torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[1.0, 0.0], [0.0, 4.0]])
)
assert loss_small.shape == (), (
    f"mse should return a 0-dim tensor; got shape {tuple(loss_small.shape)}"
)
print(f"mse = {float(loss_small):.4f} (should be (0 + 4 + 9 + 0) / 4 = 3.2500)")
assert abs(float(loss_small) - 3.25) < 1e-6, (
    "average the squared differences over all 4 entries"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q13_mse", mse)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q39", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q39: the built-in MSE (1 point)
#
# **Q39.** How do you compute mean squared error loss using a PyTorch built-in function?
# `F.mse_loss(preds, targets)`, or `nn.MSELoss()(preds, targets)`; both average over
# all entries. Mind the shapes: a model with one output gives `preds` of shape `(5, 1)`,
# and the targets were stored as `(5,)`. What does `F.mse_loss(preds, targets)` return?
#
# - a) The MSE of the 5 pairs: `(5, 1)` and `(5,)` hold the same five numbers, so all is well.
# - b) Nothing: it raises a RuntimeError, because the shapes `(5, 1)` and `(5,)` differ.
# - c) A mean of 25 squared differences, with a warning: the shapes broadcast to `(5, 5)`.
# - d) The sum of the 5 squared errors instead of their mean, because the shapes differ.
#
# Answer below: `answer_q39 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q39", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q39 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# c. Broadcasting (5, 1) against (5,) gives (5, 5): entry (i, k) is preds[i] - targets[k].
# The result is the mean of 25 squared differences, most between unrelated examples,
# and torch warns "Using a target size ... different to the input size". Example:
# preds = arange(5.)[:, None] and targets = arange(5.) + 1 give 5.0, while the right
# pairs, all 1 apart, give 1.0. Fix: make the shapes equal, F.mse_loss(preds.squeeze(1), targets)
# or targets.view(-1, 1). It does not raise (b), and reduction "mean" averages (d).
answer_q39 = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q39", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q39 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q39", answer_q39)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q39", answer_q39)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_sec3", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 3. Gradients and autograd (11 points: 6 auto-graded, 5 by hand)
#
# **Why.** The loss $L$ is one number that depends on every parameter. Its gradient
# collects the partial derivatives, one per parameter: for the MSE of the linear model,
# with $E = \hat Y - Y$ of shape $(n, m)$,
#
# $$\frac{\partial L}{\partial W} = \frac{2}{n\,m}\, E^\top X \quad (m \times d),
# \qquad \frac{\partial L}{\partial b} = \frac{2}{n\,m} \sum_{i=1}^{n} E_{i\cdot}
# \quad (m,).$$
#
# Autograd computes them: PyTorch records every operation on a tensor created with
# `requires_grad=True` (a *leaf*), and `loss.backward()` walks that record backwards
# with the chain rule, leaving $\partial L / \partial t$ in `t.grad` for each leaf `t`.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q14", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q14: what `backward` does (1 point)
#
# **Q14.** What happens when you invoke the `.backward` function on the result of the
# mean squared error loss function? Here `loss = mse(inputs @ w.T + b, targets)` with `w`
# and `b` created with `requires_grad=True`.
#
# - a) It computes ∂loss/∂w and ∂loss/∂b and adds them to `w.grad` and `b.grad`; `w`, `b` stay put.
# - b) It takes one gradient-descent step: `w` and `b` move against their gradients by lr × gradient.
# - c) It computes ∂loss/∂w and ∂loss/∂b and stores them in `w.grad` and `b.grad`, replacing old values.
# - d) It computes ∂loss/∂t for every tensor t involved, `inputs` and `targets` too, into `t.grad`.
#
# Answer below: `answer_q14 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q14", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q14 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# a. backward() only computes gradients; the update is a separate step (not b). It adds
# into .grad (see Q24: two calls give twice the gradient), it does not replace (not c).
# inputs and targets were created without requires_grad, so no gradient is computed for
# them and their .grad stays None (not d). By default backward() also frees the recorded
# graph, so the loss must be recomputed before the next call. "Calculates gradient"
# is right but says nothing of where the gradients go or that they add up.
answer_q14 = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q14", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q14 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q14", answer_q14)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q14", answer_q14)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_x7", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### X7: a gradient with autograd (1 point)
#
# **X7**. Compute a gradient with autograd instead of a hand-derived
# formula.
#
# **Task (1 point).** Write `autograd_dw(x, y, w0)` for 1-D tensors `x`, `y` and a number
# `w0`: it returns $\frac{dL}{dw}$ at $w = $ `w0`, as a Python float, for
# $L(w) = \frac{1}{N}\sum_i (w x_i - y_i)^2$. Create `w` with `requires_grad=True`,
# compute the loss, call `backward()` and read `w.grad`.


# %% nbgrader={"grade": false, "grade_id": "rv_x7_autograd_dw", "locked": false, "schema_version": 3, "solution": true, "task": false}
def autograd_dw(x, y, w0):
    """dL/dw at w = w0 for L(w) = mean((w * x - y) ** 2), by autograd: x, y (N,) -> float."""
    ### BEGIN SOLUTION
    # By hand: dL/dw = 2 mean(x (w x - y)); for the four-point data at w = 0 that is
    # 2 mean(x (-2x)) = -4 mean(x^2) = -4 * 7.5 = -30. Autograd gives the same number,
    # to float rounding.
    w = torch.tensor(float(w0), dtype=x.dtype, requires_grad=True)
    loss = ((w * x - y) ** 2).mean()
    loss.backward()
    dw = float(w.grad)
    ### END SOLUTION
    return dw


# %% nbgrader={"grade": true, "grade_id": "test_rv_x7_autograd_dw", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check autograd_dw on the four-point data at w = 0 and at the minimum w = 2."""
dw_small = autograd_dw(x4, y4, 0.0)
print(f"dL/dw at w = 0: {float(dw_small):.4f} (by hand: -4 * mean(x^2) = -30)")
assert abs(float(dw_small) + 30) < 1e-4, f"got {float(dw_small)}, expected -30"
assert abs(float(autograd_dw(x4, y4, 2.0))) < 1e-6, (
    "at w = 2 (the minimum) dL/dw should be 0"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("x7_autograd_dw", autograd_dw)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q15_q16", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q15, Q16: what the gradient of a weight matrix means (3 points, graded by hand)
#
# - **Q15.** Why is the derivative of the loss w.r.t. the weights matrix itself a matrix?
#   What do its elements represent? (2 points)
# - **Q16.** How is the derivative of the loss w.r.t. a weight element useful for
#   reducing the loss? Explain with an example. (1 point)

# %% [markdown] nbgrader={"grade": true, "grade_id": "rv_q15_q16", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Q15.** The loss is one number that depends on every entry of $W$. Its derivative with
# respect to $W$ collects one partial derivative per entry, so it is a matrix of the same
# shape as $W$, $(2, 3)$ for the crop model: `w.grad.shape == w.shape`. Entry $(k, j)$ is
# $\partial L / \partial w_{kj}$: how fast the loss changes when $w_{kj}$ alone is nudged;
# its sign says whether the loss rises or falls as $w_{kj}$ grows, its size how steeply.
# For the MSE, $\partial L / \partial W = \frac{2}{nm}(\hat Y - Y)^\top X$. (It is not "how
# much to penalise the weights": a penalty on the weights is regularisation, another
# thing.)
#
# **Q16.** To first order, $L(w_{kj} + \delta) \approx L(w_{kj}) + \frac{\partial L}{\partial
# w_{kj}}\,\delta$. A small $\delta$ of the opposite sign to the derivative lowers the
# loss; with $\delta = -\text{lr}\,\partial L/\partial w_{kj}$ the loss drops by about
# $\text{lr}\,(\partial L/\partial w_{kj})^2$. *Example* (the four-point example, $L(w) =
# \text{mean}((wx - y)^2)$, $x = 1..4$, $y = 2x$): at $w = 0$, $dL/dw = -30 < 0$, so
# increase $w$; with lr = 0.01, $w$ becomes 0.3 and the loss falls from 30 to
# $7.5 \cdot 1.7^2 = 21.675$.
#
# ---
#
# **Rubric for graders (3 points).** Half points are allowed.
#
# | Part | Full credit needs | Common answers and what they earn |
# |---|---|---|
# | Q15 (2) | 1: one partial derivative per weight entry, hence the same shape as $W$. 1: an element is the rate of change of the loss with respect to that single weight (sign and size). The formula is optional. | "How much do we have to penalize the weights": 0. "It is a matrix because W is a matrix" with no per-entry derivative: ½ for the first point. |
# | Q16 (1) | ½: moving a weight a little against the sign of its derivative lowers the loss (first-order reason or equivalent). ½: a correct example (numbers, or signs with the resulting move). | "We have to lower or increase the weight so that it can approach the minimum" says neither which way nor why: 0. |
# ### END SOLUTION

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q17_q18", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q17, Q18: the sign of a derivative (1 point)
#
# - **Q17.** Suppose the derivative of the loss w.r.t. a weight element is positive.
#   Should you increase or decrease the element's value slightly to get a lower loss?
# - **Q18.** Suppose it is negative. Increase or decrease?
#
# - a) Increase it in both cases: a small step up lowers the loss whatever the sign is.
# - b) Increase it if the derivative is positive, decrease it if the derivative is negative.
# - c) Neither: the sign of the derivative only tells whether we are at a minimum.
# - d) Decrease it if the derivative is positive, and increase it if the derivative is negative.
#
# Answer below: `answer_q17_q18 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q17_q18", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q17_q18 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# d. To first order L(w + delta) = L(w) + (dL/dw) * delta: the loss falls when delta has
# the opposite sign to dL/dw. Positive derivative: the loss rises with w, so decrease w;
# negative: increase w. That is why the update is w -= lr * w.grad. At a minimum the
# derivative is 0, not of some sign (c).
answer_q17_q18 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q17_q18", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q17_q18 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q17_q18", answer_q17_q18)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q17_q18", answer_q17_q18)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_x4", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### X4: what a gradient's value means (1 point)
#
# **X4**. Gradients are often read like this: "for a tiny increase in the value of the
# parameter $b$, the loss will increase roughly 2.7 times as much". Use the same reading
# on the four-point example: at $w = 0$, $dL/dw = -30$ (your
# `autograd_dw(x4, y4, 0.0)`). If $w$ goes from 0 to 0.01, by about how much does the
# loss change? Set `x4_change` to the change, new loss minus old loss, with its sign.

# %% nbgrader={"grade": false, "grade_id": "rv_x4_change", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: x4_change = a number (negative if the loss goes down)
### BEGIN SOLUTION
# Change of the loss = (dL/dw) * (change of w) = -30 * 0.01 = -0.3 to first order.
# Exactly: L(w) = 7.5 (w - 2)^2, L(0.01) - L(0) = 7.5 * 1.99^2 - 30 = -0.29925; the
# difference is the second-order term (1/2) L'' dw^2 = 0.5 * 15 * 1e-4 = 7.5e-4.
# The reading is right (the 2.7 belongs to a randn start, see X5).
x4_change = -0.3
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_x4_change", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that x4_change is a number (right or wrong: when graded)."""
require_number("x4_change", x4_change)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("x4_change", x4_change)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_x8", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### X8: is backpropagation less exact? (2 points, graded by hand)
#
# **X8**. Code like this is common: it trains $\hat y = w x$ on the four points twice,
# with lr = 0.01 from $w = 0$, first in numpy with a hand-written gradient,
#
# ```python
# def gradient(x, y, y_predicted):
#     return np.dot(2*x, y_predicted - y).mean()
# ```
#
# then with autograd. After the first epoch numpy has $w = 1.200$, autograd $w = 0.300$;
# numpy shows $w = 2.000$ after about 10 epochs, autograd after about 50. The usual
# conclusion: *"The difference between the two examples comes from the backpropagation
# which is not as exact as the numerical gradient computation, so we need more
# iterations."* Is that right? Explain the 1.200 and the 0.300, and say which gradient is
# correct.

# %% [markdown] nbgrader={"grade": true, "grade_id": "rv_x8_backprop", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# No. Autograd computes the exact derivative of the loss as it was computed, up to float
# rounding (about $10^{-7}$ relative in float32); it agrees with a correct hand-derived
# formula, and with finite differences, to the last few digits. The difference comes from
# the hand-written gradient: `np.dot(2*x, y_predicted - y)` already *sums* over the 4
# examples and returns one number, so `.mean()` of that scalar does nothing. At $w = 0$
# it gives $\sum_i 2x_i(0 - 2x_i) = -4 \cdot 30 = -120$ instead of the mean
# $-30 = 2\,\text{mean}(x(wx - y))$: $N = 4$ times too large. So numpy steps
# $w = 0 - 0.01 \cdot (-120) = 1.2$, autograd $w = 0 - 0.01 \cdot (-30) = 0.3$, the
# correct value. The numpy run is gradient descent with an effective learning rate of
# 0.04, which happens to converge faster here because 0.04 is still below the limit
# $2/15 \approx 0.133$ (Q22); faster is not "more exact", and with a larger lr or larger
# $N$ the same bug diverges. Fix: `np.mean(2 * x * (y_predicted - y))`, or divide the dot
# product by `len(x)`. (Neither version is a "numerical" gradient: a numerical gradient
# is a finite difference, $(L(w+h) - L(w-h))/2h$, and it would have agreed with autograd.)
#
# ---
#
# **Rubric for graders (2 points).** Half points are allowed.
#
# | Part | Full credit needs | Common answers and what they earn |
# |---|---|---|
# | Verdict (1) | "No": autograd is exact up to rounding; it agrees with the correct derivative (or with finite differences). | Agreeing with the claim ("backprop is less exact / approximate"): 0 for the whole item, whatever else is written. |
# | Cause (1) | The hand gradient sums instead of averaging (`np.dot` sums; `.mean()` of a scalar does nothing), so it is $N = 4$ times too large: $-120$ vs $-30$, $w = 1.2$ vs the correct $0.3$; faster only because it acts like a 4x learning rate. | "The learning rates differ" without finding the factor 4 in the gradient: ½. "Numpy is float64, torch float32": 0. |
# ### END SOLUTION

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q23", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q23: `torch.no_grad` (1 point)
#
# **Q23.** What is `torch.no_grad`? Why does the update run inside
# `with torch.no_grad():`?
#
# - a) It sets `w.grad` and `b.grad` to zero when the block starts, ready for the next `backward()`.
# - b) Autograd records nothing in the block, so the in-place update of the leaves is allowed.
# - c) It freezes `w` and `b` inside the block, so that the update cannot change them by mistake.
# - d) It marks the gradients as computed by hand inside the block, so `backward()` is not needed.
#
# Answer below: `answer_q23 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q23", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q23 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# b. Outside no_grad, w -= lr * w.grad on a leaf with requires_grad=True raises
# "RuntimeError: a leaf Variable that requires grad is being used in an in-place
# operation". Inside it, nothing is recorded: results computed there have
# requires_grad=False, and w stays a leaf. It does not zero anything (a; that is
# w.grad.zero_(), Q24) and does not freeze w (c: the point of the block is to change w).
# Inference uses it too: predictions need no graph (Q45). "Because they are being
# done in the context explicitly" does not say what it does.
answer_q23 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q23", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q23 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q23", answer_q23)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q23", answer_q23)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q24", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q24: why gradients are reset (1 point)
#
# **Q24.** Why do you reset gradients to zero after updating weights and biases? Work out
# what this cell leaves in `w.grad`:
#
# ```python
# w = torch.tensor(3.0, requires_grad=True)
# for _ in range(2):
#     loss = w ** 2
#     loss.backward()
# ```
#
# Set `q24_grad` to the value of `w.grad` after the loop, a number.

# %% nbgrader={"grade": false, "grade_id": "rv_q24_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q24_grad = a number
### BEGIN SOLUTION
# d(w^2)/dw = 2w = 6 at w = 3, and backward() ADDS it to w.grad: 6 + 6 = 12.
# Gradients accumulate by design (so that several backward passes, e.g. over parts
# of a batch too large for memory, sum up). In training, each step needs the
# gradient at the current parameters only, so reset with w.grad.zero_() after each
# update (or optimizer.zero_grad() before each backward). Without it, step k uses
# the sum of the k gradients so far: the steps grow and training goes wrong. "Don't
# add up" is the right idea; this is why.
q24_grad = 12.0
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q24_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that q24_grad is a number (right or wrong: when graded)."""
require_number("q24_grad", q24_grad)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q24_grad", q24_grad)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_sec4", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 4. Gradient descent (12 points: 9 auto-graded, 3 by hand)
#
# **Why.** Gradient descent repeats one step: move every parameter a little against its
# gradient,
#
# $$W \leftarrow W - \text{lr}\,\frac{\partial L}{\partial W}, \qquad
# b \leftarrow b - \text{lr}\,\frac{\partial L}{\partial b},$$
#
# with a small learning rate lr. In PyTorch the step changes the leaf tensors in place,
# inside `torch.no_grad()`, and then resets their gradients.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q19", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q19 (and Q24 again): the update step (2 points)
#
# **Q19.** How do you update the weights and biases of a model using their respective
# gradients to reduce the loss slightly?
#
# **Task (2 points).** Write `step_(w, b, lr)` (`_`: in place, as in `zero_`): `w` and
# `b` are leaves whose `.grad` holds the gradients. Update both *in place* by one
# gradient-descent step, then reset their gradients to zero; return nothing. 1 point for the new values (Q19), 1 for the reset gradients (Q24).
#
# **Pitfall.** A common update, `w.sub_(w * learning_rate)`, subtracts a multiple of the
# *weights* and never looks at the gradient: Q29 shows what that does.


# %% nbgrader={"grade": false, "grade_id": "rv_q19_gd_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def step_(w, b, lr):
    """One in-place gradient-descent step on w and b, then zero their gradients."""
    ### BEGIN SOLUTION
    # Subtract lr times the GRADIENT ("multiply the weight derivative by learning
    # rate" forgets the subtraction). In place (-=), so that the caller's
    # tensors change and stay leaves; inside no_grad, so that the update is not
    # recorded (and is allowed on a leaf that requires grad).
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rv_q19_gd_step", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check step_'s new values on a one-weight example: w = 1, w.grad = 2, lr = 0.1."""
w_small = torch.tensor([1.0], requires_grad=True)
b_small = torch.tensor([0.0], requires_grad=True)
w_small.grad, b_small.grad = torch.tensor([2.0]), torch.tensor([-1.0])
step_(w_small, b_small, 0.1)
print(f"w = {w_small.item():.2f}, b = {b_small.item():.2f} (should be 0.80 and 0.10)")
assert w_small.item() != 1.0, "w did not change: update it in place (w -= ...)"
assert abs(w_small.item() - 0.9) > 1e-6, "w became w - lr * w: use lr * w.grad"
assert abs(w_small.item() - 0.8) < 1e-6, "w should become w - lr * w.grad, in place"
assert abs(b_small.item() - 0.1) < 1e-6, "b should become b - lr * b.grad, in place"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q19_gd_step", step_)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_rv_q24_zero_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that step_ leaves zero (or None) gradients and w, b still leaves."""
w_small = torch.tensor([1.0], requires_grad=True)
b_small = torch.tensor([0.0], requires_grad=True)
w_small.grad, b_small.grad = torch.tensor([2.0]), torch.tensor([-1.0])
step_(w_small, b_small, 0.1)
for t in (w_small, b_small):
    assert t.grad is None or float(t.grad.abs().sum()) == 0, (
        f"the gradient is still {t.grad.tolist()}: call .grad.zero_() after the update"
    )
    assert t.is_leaf and t.requires_grad, "w and b should stay leaves that require grad"
print("gradients reset, w and b still leaves")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q24_zero_grad", step_)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q20_q21", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q20, Q21: gradient descent and its small steps (3 points, graded by hand)
#
# - **Q20.** What is the gradient descent optimization algorithm? Why is it called
#   "gradient descent"? (1 point)
# - **Q21.** Why do you subtract a "small quantity" proportional to the gradient from the
#   weights and biases, not the actual gradient itself? (2 points)

# %% [markdown] nbgrader={"grade": true, "grade_id": "rv_q20_q21", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Q20.** Gradient descent minimises a loss $L(\theta)$ iteratively: start from some
# $\theta$; then repeat: compute the loss on the training data, its gradient
# $\nabla L(\theta)$, and step $\theta \leftarrow \theta - \text{lr}\,\nabla L(\theta)$,
# until the loss stops decreasing. It is named after that step: the gradient points in
# the direction in which the loss increases fastest, so $-\nabla L$ is the direction of
# steepest *descent*, and for a small enough lr every step goes downhill. For linear
# regression with the MSE the loss is a convex quadratic in $(W, b)$, so gradient
# descent converges to its single, global minimum (the least-squares fit) when
# lr $< 2/\lambda_{\max}$ (Q22), not merely to "a local minimum".
#
# **Q21.** The gradient is local information. $L(\theta - \eta g) \approx L(\theta) -
# \eta\,\lVert g\rVert^2$ holds only for small $\eta$, because the slope changes as we
# move (the curvature). The gradient is a slope, loss per unit of parameter, not a
# distance: its size says nothing about how far away the minimum is. Subtracting the
# gradient itself means lr = 1: it steps past the minimum (overshoots) whenever
# $1 > 1/\lambda_{\max}$, and diverges whenever $1 > 2/\lambda_{\max}$. For
# the crop data the entries of `w.grad` are about $10^4$, so $w$ would jump by $10^4$
# and the loss would explode (there lr must stay below about $1.1 \cdot 10^{-4}$); on
# the four-point example lr = 1 is above $2/15$ and diverges too. A small factor lr keeps
# each step where the linear approximation holds; below $2/\lambda_{\max}$ every step
# lowers the loss. The answer "Learning rate." names the factor but not the
# reason.
#
# ---
#
# **Rubric for graders (3 points).** Half points are allowed.
#
# | Part | Full credit needs | Common answers and what they earn |
# |---|---|---|
# | Q20 (1) | ½: the iterative update $\theta \leftarrow \theta - \text{lr}\,\nabla L$ repeated until the loss stops decreasing. ½: the name: $-\nabla L$ is the direction of steepest decrease, so the steps go downhill. | "We are descending towards local minimum": ½ (name only). Saying "local minimum" is not penalised, but "global for linear regression" is the precise statement. |
# | Q21 (2) | 1: the gradient is only a local (first-order) description, a slope and not a step length, so the full gradient overshoots. 1: the consequence, with a reason or number: too large a step raises the loss or diverges (the $2/\lambda_{\max}$ bound, the size of the crop gradients, or an example). | "Learning rate.": 0. "To avoid overshooting the minimum" without why: 1. "To converge slowly and carefully" with nothing more: ½. |
# ### END SOLUTION

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q22", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q22, X2: the learning rate (1 point)
#
# - **Q22.** What is learning rate? Why is it important?
# - **X2**. How does the learning rate affect the speed of convergence and
#   the final result? What happens if it is set too high or too low?
#
# Only a number is graded (the worked solution answers both in words). On the four-point
# example, $L(w) = \frac{1}{4}\sum_i (w x_i - y_i)^2$ is a parabola with a
# constant second derivative $L''$, and each step multiplies the distance to the minimum
# $w^\star = 2$ by $1 - \text{lr}\,L''$.
#
# **Task (1 point).** Set `q22_lr_max` to the bound on the learning rate here: gradient
# descent converges for every lr between 0 and it, for none at or above it. A number
# (3 significant digits are enough).

# %% nbgrader={"grade": false, "grade_id": "rv_q22_lr_max", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q22_lr_max = a number
### BEGIN SOLUTION
# L(w) = mean((w x - 2x)^2) = (w - 2)^2 mean(x^2) = 7.5 (w - 2)^2, so
# L'' = 2 mean(x^2) = 15, and |1 - lr * 15| < 1 iff 0 < lr < 2/15 = 0.1333;
# at lr = 2/15 itself w - 2 only flips its sign: no convergence.
# Q22: the learning rate is the factor lr in w -= lr * w.grad: it turns a slope
# into a step length. It is important because it decides whether and how fast
# training converges. X2: below 1/L'' (= 1/15 here) the steps approach the minimum
# monotonically, smaller lr = slower; between 1/L'' and 2/L'' they overshoot and
# oscillate, the oscillation dying out; above 2/L'' it grows: the loss explodes
# (too high). Too low: every step is tiny and training needs very many epochs, or
# seems to stall. If it converges, the final result is the same minimum for every
# stable lr (the loss has one minimum); lr changes the speed, not the answer. With
# several parameters L'' becomes the largest eigenvalue of the Hessian, lambda_max.
q22_lr_max = 2 / 15
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q22_lr_max", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that q22_lr_max is a number (right or wrong: when graded)."""
require_number("q22_lr_max", q22_lr_max)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q22_lr_max", q22_lr_max)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_lr_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Gradient descent on the four-point example from $w = 0$, with four learning rates:


# %% nbgrader={"grade": false, "grade_id": "rv_lr_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
def losses_4pt(lr, num_epochs=30):
    # Gradient descent on the four-point example; the loss before each step.
    w, losses = 0.0, []
    for _ in range(num_epochs):
        losses.append(float(((w * x4 - y4) ** 2).mean()))
        w = w - lr * float((2 * x4 * (w * x4 - y4)).mean())
    return losses


fig, ax = plt.subplots(figsize=(6, 4))
for lr in (0.01, 0.05, 0.13, 0.14):
    ax.semilogy(losses_4pt(lr), marker=".", label=f"lr = {lr}")
ax.set(
    xlabel="epoch",
    ylabel="loss (log scale)",
    title="The four-point example, four learning rates",
)
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q25", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q25: the steps of training (1 point)
#
# **Q25.** What are the steps involved in training a linear regression model using
# gradient descent? After `w` and `b` are initialised (once, before the loop), each
# epoch runs these five steps:
#
# - a) `loss.backward()`
# - b) `with torch.no_grad(): w -= lr * w.grad; b -= lr * b.grad`
# - c) `preds = model(inputs)`
# - d) `w.grad = None; b.grad = None` (reset the gradients, as `optimizer.zero_grad()` does)
# - e) `loss = mse(preds, targets)`
#
# **Task (1 point).** Set `q25_order` to the five letters in an order that works,
# as a string like `"abcde"` (more than one order works).

# %% nbgrader={"grade": false, "grade_id": "rv_q25_order", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q25_order = a string of the five letters, e.g. "abcde"
### BEGIN SOLUTION
# Forward (c), loss (e), backward (a), update (b); the reset (d) can go anywhere
# except between backward and update (it would erase the gradient the update needs):
# "ceabd", or "dceab" (reset at the start of the epoch, the usual place for
# optimizer.zero_grad()), "cdeab", "cedab". (With w.grad.zero_() instead of
# w.grad = None, only "ceabd" works: before the first backward() w.grad is None.)
# The usual list "Predictions, Loss, Gradients, Update weights" forgets the reset
# (without it the gradients add up, Q24) and the initialisation before the loop.
q25_order = "ceabd"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q25_order", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that q25_order holds each of the letters a-e once (right or wrong: when graded)."""
assert isinstance(q25_order, str), (
    f'q25_order should be a string like "abcde"; got {q25_order!r}'
)
assert sorted(q25_order.replace(" ", "").replace(",", "").lower()) == list("abcde"), (
    f'q25_order should hold each of the letters a, b, c, d, e once, like "abcde"; got {q25_order!r}'
)
print(f"q25_order = {q25_order!r}: each letter once (whether it works: when graded)")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q25_order", q25_order)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q26", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q26: epochs and updates (1 point)
#
# **Q26.** What is an epoch? A data set has 100 training examples; training uses batches
# of 32 (the last, smaller batch is kept) for 10 epochs, with one parameter update per
# batch. Set `q26_updates` to the number of parameter updates, a whole number.

# %% nbgrader={"grade": false, "grade_id": "rv_q26_updates", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q26_updates = a whole number (int)
### BEGIN SOLUTION
# An epoch is one full pass over the training data: every example is used once.
# With full-batch gradient descent (as in the earlier labs) an epoch is one update; with
# mini-batches it is one update per batch. 100 examples in batches of 32 make
# ceil(100 / 32) = 4 batches (32, 32, 32, 4), so 4 updates per epoch and 40 in 10
# epochs. ("Cycle." says nothing of what is cycled through.)
q26_updates = 40
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q26_updates", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that q26_updates is a whole number (right or wrong: when graded)."""
require_whole_number("q26_updates", q26_updates)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q26_updates", q26_updates)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q27", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q27: why many epochs (1 point)
#
# **Q27.** What is the benefit of training a model for multiple epochs?
#
# - a) Every epoch shows the model new examples that it has not seen in the epochs before.
# - b) Enough epochs guarantee that the parameters reach the true values behind the data.
# - c) One epoch moves the parameters only a little; further passes keep lowering the loss.
# - d) It lets gradient descent reach a local minimum, the best that linear regression can do.
#
# Answer below: `answer_q27 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q27", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q27 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# c. With a stable lr each step lowers the loss by only a little, so many steps, and so
# many epochs, are needed. An epoch reuses the same examples (not a). The fit approaches the least-squares fit of the
# data, not the true parameters: the noise keeps them apart (not b, see X3). The MSE of
# a linear model is convex with one minimum, so "local minimum" (d) undersells
# it. More epochs help until the loss levels off; for models that
# can overfit, watch the validation loss (X6) to know when to stop.
answer_q27 = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q27", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q27 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q27", answer_q27)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q27", answer_q27)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q29", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q29: a loss that does not decrease (1 point)
#
# **Q29.** What should you do if your model's loss doesn't decrease while training? A
# common answer is "lower the learning rate". Look at a run on the crop data whose loss
# goes 44361.8, 44360.1, 44358.5, ..., 44198.8 after 100 epochs, about 1.65 less
# per epoch. Its update is
#
# ```python
# with torch.no_grad():
#     w.sub_(w * learning_rate)
#     b.sub_(b * learning_rate)
# ```
#
# with `learning_rate = 3e-5`. Why does its loss barely move?
#
# - a) The learning rate is too high; with 3e-6 instead the loss would fall steadily.
# - b) The update subtracts a multiple of the weights, not of the gradients: it ignores the data.
# - c) The gradients are never reset to zero, so they grow from epoch to epoch and swamp the update.
# - d) Nothing is wrong: 100 epochs are too few, and with 100,000 the same loop reaches the minimum.
#
# Answer below: `answer_q29 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q29", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q29 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# b. w.sub_(w * lr) is w <- (1 - lr) w: it never reads w.grad, so the data only enter
# through the loss it prints. The weights decay towards 0 (and the loss towards
# mean(targets^2) = 8327, not the minimum), so more epochs do not help (d). Lowering lr
# (a) slows the decay further. The gradients are indeed never reset (c), a second bug,
# but the update does not use them, so it is not why the loss stalls. The plot below
# runs both updates with lr = 3e-5 from the same start.
# In general, if the loss does not decrease: check the update first (subtract
# lr * grad, the sign, in place, the reset); if the loss grows or oscillates, lower lr;
# if it falls steadily but slowly, raise lr or standardise the inputs (the raw crop
# features make the loss's Hessian badly conditioned, condition number about 2e6);
# check a gradient against finite differences.
answer_q29 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q29", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q29 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q29", answer_q29)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q29", answer_q29)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_bug_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The update `t.sub_(t * lr)` next to the gradient-descent update, same start and same
# learning rate (3e-5), on the crop data:

# %% nbgrader={"grade": false, "grade_id": "rv_bug_plot", "locked": true, "schema_version": 3, "solution": false, "task": false}
crop64 = torch.tensor(crop_rows, dtype=torch.float64)
crop_x, crop_y = crop64[:, :N_INPUTS], crop64[:, N_INPUTS:]


def crop_losses(update, lr=3e-5, num_epochs=100):
    # Train the crop model from a seeded start; `update(t, lr)` changes t in place.
    gen = torch.Generator().manual_seed(42)
    w = torch.randn(2, 3, generator=gen, dtype=torch.float64).requires_grad_()
    b = torch.randn(2, generator=gen, dtype=torch.float64).requires_grad_()
    losses = []
    for _ in range(num_epochs):
        loss = ((crop_x @ w.T + b - crop_y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            update(w, lr)
            update(b, lr)
        w.grad.zero_()
        b.grad.zero_()
    return losses


fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(
    crop_losses(lambda t, lr: t.sub_(lr * t.grad)),
    label="t.sub_(lr * t.grad): gradient descent",
)
ax.semilogy(
    crop_losses(lambda t, lr: t.sub_(t * lr)), label="t.sub_(t * lr): no gradient"
)
ax.set(
    xlabel="epoch",
    ylabel="MSE loss (log scale)",
    title="Crop data, lr = 3e-5, same start",
)
ax.legend();
# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_x1", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### X1: initial values (1 point)
#
# **X1**. How do different initial values of $w$ and $b$ affect the number
# of iterations needed for convergence?
#
# - a) Only how many iterations: every start ends at the same w and b, far ones taking longer.
# - b) Different starts end in different local minima, so the start decides the result.
# - c) A start far from the true values makes gradient descent diverge, whatever the lr.
# - d) Starting at w = b = 0 fails, because all the gradients are zero there and nothing moves.
#
# Answer below: `answer_x1 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_x1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_x1 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# a. The loss is a convex quadratic in (w, b); with a stable lr, the distance to its
# single minimum shrinks by at least a fixed factor per step, so the number of steps
# grows with the logarithm of the starting distance, and most along the flattest
# direction (smallest Hessian eigenvalue). There are no other minima (not b).
# Divergence depends on lr, not on the start (not c). At w = b = 0 the gradients are
# not zero unless the targets are (not d); zero is a common start for linear models.
answer_x1 = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_x1", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_x1 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_x1", answer_x1)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("x1", answer_x1)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_x3", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### X3: noise (1 point)
#
# **X3**. How does the model perform if you increase the amount of noise in the data
# (same inputs, same seed)? And why does gradient descent never recover the true
# parameters exactly (such as $b = 0.5$, $w = -3$ in X5)?
#
# - a) With enough epochs it still recovers the true w and b exactly; noise only slows training.
# - b) Gradient descent diverges once the noise is large, unless the learning rate is lowered.
# - c) A smaller learning rate is needed, because the noise makes the loss surface steeper.
# - d) It converges as before, to the least-squares fit of the noisy data, off the true line.
#
# Answer below: `answer_x3 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_x3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_x3 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# d. The Hessian of the MSE, 2/N [[sum x^2, sum x], [sum x, N]] (one input), contains no
# y: noise changes neither the stable learning rates (not b, c) nor the speed. It moves
# the minimum: GD converges to the least-squares fit of the data it sees, which differs
# from the true parameters by an amount proportional to the noise; so never exactly
# (not a). The loss at the fit is the mean squared residual, about sigma^2 (slightly
# less: the fit absorbs part of the noise).
answer_x3 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_x3", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_x3 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_x3", answer_x3)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("x3", answer_x3)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_sec5", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 5. Datasets and data loaders (7 points: 5 auto-graded, 2 by hand)
#
# **Why.** With more than a handful of examples we train on mini-batches: a
# `TensorDataset` pairs the $i$-th input row with the $i$-th target row, and a
# `DataLoader` hands out batches of those pairs, stacked into tensors.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q31", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q31: `TensorDataset` (1 point)
#
# **Q31.** What is the purpose of the `TensorDataset` class in PyTorch? Give an example.
#
# **Task (1 point).** Write `make_dataset(x, y)` returning a `TensorDataset` whose
# element `i` is `(x[i], y[i])`.


# %% nbgrader={"grade": false, "grade_id": "rv_q31_make_dataset", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_dataset(x, y):
    """A TensorDataset pairing inputs x (n, d) and targets y (n, m) row by row."""
    ### BEGIN SOLUTION
    # TensorDataset wraps tensors with the same first dimension: len(ds) == n and
    # ds[i] == (x[i], y[i]); slices work too, ds[0:3]. It keeps each input
    # row with its target row, so a DataLoader can batch and shuffle pairs. It does
    # not split data into train and test sets, nor make batches ("Convert to train
    # test batch" is a common mix-up): that is random_split and DataLoader.
    # Example: ds = TensorDataset(inputs, targets); ds[0] -> (tensor([73., 67.,
    # 43.]), tensor([56., 70.])).
    dataset = TensorDataset(x, y)
    ### END SOLUTION
    return dataset


# %% nbgrader={"grade": true, "grade_id": "test_rv_q31_make_dataset", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check make_dataset on a 3-example data set: length and first element."""
ds_small = make_dataset(torch.eye(3), 2 * torch.eye(3))
print("len:", len(ds_small), "(should be 3); element 0:", ds_small[0])
assert len(ds_small) == 3, f"len should be 3; got {len(ds_small)}"
x0, y0 = ds_small[0]
assert torch.equal(x0, torch.eye(3)[0]) and torch.equal(y0, 2 * torch.eye(3)[0]), (
    "element 0 should be (x[0], y[0])"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q31_make_dataset", make_dataset)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q32", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q32: `DataLoader` (1 point)
#
# **Q32.** What is a data loader in PyTorch? Give an example.
#
# **Task (1 point).** Write `make_loader(x, y, batch_size, seed)`: a `DataLoader` over
# `make_dataset(x, y)`, batches of `batch_size` (the last one smaller), shuffled with
# `generator=torch.Generator().manual_seed(seed)`.


# %% nbgrader={"grade": false, "grade_id": "rv_q32_make_loader", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_loader(x, y, batch_size, seed):
    """A DataLoader over make_dataset(x, y): batches of batch_size, seeded shuffle."""
    ### BEGIN SOLUTION
    # A DataLoader iterates over a dataset in batches: it picks the indices of a
    # batch (in order, or shuffled with shuffle=True), fetches the elements and
    # stacks them into batch tensors (xb: (batch_size, d), yb: (batch_size, m)).
    # Options: batch_size, shuffle, drop_last, generator. "For batching of data"
    # is right but says nothing of how. The generator draws each epoch's order:
    # seeded, the run is reproducible; without it, the global random state decides.
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(
        make_dataset(x, y), batch_size=batch_size, shuffle=True, generator=generator
    )
    ### END SOLUTION
    return loader


# %% nbgrader={"grade": true, "grade_id": "test_rv_q32_make_loader", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check make_loader(x, y, 5, 0) on 12 examples: batch sizes, shuffling, seeding."""
x_small, y_small = torch.arange(12.0).reshape(12, 1), torch.arange(12.0)
sizes = [len(yb) for _, yb in make_loader(x_small, y_small, 5, 0)]
print("batch sizes:", sizes, "(should be [5, 5, 2])")
assert sizes == [5, 5, 2], f"got batch sizes {sizes}, expected [5, 5, 2]"


def order(seed):  # the order of the targets in one epoch
    return torch.cat([yb for _, yb in make_loader(x_small, y_small, 5, seed)]).tolist()


assert order(0) != sorted(order(0)), "the order is 0..11: did you pass shuffle=True?"
assert order(0) == order(0), "two loaders, two orders: seed a torch.Generator"
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q32_make_loader", make_loader)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q33", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q33: retrieving batches (1 point)
#
# **Q33.** How do you use a data loader to retrieve batches of data? A loader over 15
# examples has `batch_size=4`, `shuffle=True` and `drop_last=False`. Set
# `q33_batch_sizes` to the sizes of the batches of one epoch, in order, as a tuple of
# ints.

# %% nbgrader={"grade": false, "grade_id": "rv_q33_batch_sizes", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q33_batch_sizes = a tuple of ints
### BEGIN SOLUTION
# Iterate: `for xb, yb in loader:` gives one batch per iteration, an epoch is one
# full loop over the loader (or batch = next(iter(loader)) for one batch). 15 = 3 * 4 + 3:
# three full batches, then the rest. Shuffling changes WHICH examples go in each
# batch, not the sizes; drop_last=True would drop the 3.
q33_batch_sizes = (4, 4, 4, 3)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q33_batch_sizes", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that q33_batch_sizes is a tuple of ints (right or wrong: when graded)."""
require_int_tuple("q33_batch_sizes", q33_batch_sizes)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q33_batch_sizes", q33_batch_sizes)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q34", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q34: shuffling (1 point)
#
# **Q34.** What are the benefits of shuffling the training data before creating batches?
# What does `shuffle=True` do?
#
# - a) It shuffles the targets relative to the inputs, so that the model cannot memorise the pairs.
# - b) It shuffles the order of the examples once, when the loader is created, and keeps that order.
# - c) Each epoch it draws a new random order of the examples, each input kept with its own target.
# - d) It shuffles the columns (the features) of each example, so no feature order is learned.
#
# Answer below: `answer_q34 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q34", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q34 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# c. The loader's RandomSampler draws a new permutation of the indices each time it is
# iterated, i.e. every epoch (not b); it permutes whole examples, so each input stays
# with its own target (not a, "Randomize the targets variable": that would destroy
# the data; nor d). If the file were sorted by yield, unshuffled batches would
# show the model only small yields, then only large ones, and each step would pull the
# parameters towards a different part of the data. A random batch's gradient is, on
# average, the full-data gradient, and different batches every epoch avoid repeating
# the same sequence of steps.
answer_q34 = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q34", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q34 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q34", answer_q34)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q34", answer_q34)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q35", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q35: mini-batches (2 points, graded by hand)
#
# **Q35.** What is the benefit of training in small batches instead of training with the
# entire dataset? Name the benefits and the price.

# %% [markdown] nbgrader={"grade": true, "grade_id": "rv_q35_batches", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# One step on a mini-batch of $B$ examples costs memory and time in proportion to $B$,
# not to the data-set size $N$: data that do not fit in memory can be trained on, and an
# epoch makes $N/B$ updates instead of one, so the parameters move much earlier and more
# often. When the batch is a random sample (shuffling, Q34), its gradient is an unbiased
# estimate of the full-data gradient; its noise shrinks like $1/\sqrt{B}$. A cheap, noisy
# direction usually gives far more progress per second than an exact, expensive one: for
# large data sets much of the full gradient is redundant. In non-convex models the noise
# also helps to leave flat regions and saddle points. The price: the steps are noisy, the
# loss jitters from batch to batch, and with a fixed lr the parameters keep wandering
# near the minimum instead of settling (lower lr at the end, or average). ("To learn
# the weights sequentially" names no benefit.)
#
# ---
#
# **Rubric for graders (2 points).** Half points are allowed.
#
# | Part | Full credit needs | Common answers and what they earn |
# |---|---|---|
# | Cost (1) | Cheaper steps: memory and time per update depend on $B$, not $N$; so data larger than memory, and many more updates per epoch / per second. | "Faster" with no reason: ½. "To learn the weights sequentially": 0. |
# | Estimate (1) | The batch gradient is a (noisy, unbiased when batches are random) estimate of the full gradient: accuracy per step is traded for speed; the price is noisy steps / a jittery loss (or: the noise can help escape flat regions). | "Less overfitting" alone: ½. "Batches give the exact gradient": 0. |
# ### END SOLUTION

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_x6", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### X6: train and validation sets (1 point)
#
# **X6**. A common recipe shuffles the indices of 100 points, then takes the first 80
# for training and the other 20 for validation. Why shuffle first, and
# why keep a validation set at all?
#
# - a) Shuffling makes gradient descent converge faster; the validation set joins training at the end.
# - b) Both parts become random samples of the data; the validation loss estimates unseen error.
# - c) Shuffling the indices changes the values of x and y, like extra noise against overfitting.
# - d) The validation set is used to compute the gradients, and the training set to report the loss.
#
# Answer below: `answer_x6 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_x6", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_x6 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# b. Without shuffling, an ordered file would give a validation set unlike the
# training set (e.g. only the largest x), and its loss would measure extrapolation, not
# generalisation. Shuffling permutes indices; x[train_idx] and y[train_idx] keep their
# pairs and values (not c). The training loss is optimistic, since the parameters were
# fitted to those very points; the validation loss is an honest estimate for new data
# and tells when to stop or which model to keep. Gradients come from the training set
# only (not d). Shuffling the split has nothing to do with convergence speed (not a).
answer_x6 = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_x6", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_x6 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_x6", answer_x6)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("x6", answer_x6)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_sec6", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## 6. `nn.Linear`, `nn.functional` and optimizers (6 points, auto-graded)
#
# **Why.** PyTorch packages what you wrote by hand: `nn.Linear` is the model with its own
# `weight` and `bias`, `F.mse_loss` the loss, `torch.optim.SGD` the update and the reset.

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q36", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q36: `nn.Linear` (1 point)
#
# **Q36.** What is the purpose of the `nn.Linear` class in PyTorch? Give an example. For
# `model = nn.Linear(5, 3)`, set `q36_weight_shape` to the shape of `model.weight` (a tuple
# of ints) and `q36_num_params` to the number of trainable numbers in the model (a whole
# number).

# %% nbgrader={"grade": false, "grade_id": "rv_q36_linear", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: q36_weight_shape = a tuple of ints, q36_num_params = a whole number
### BEGIN SOLUTION
# nn.Linear(in_features, out_features) is the linear model as a Module:
# model(x) = x @ model.weight.T + model.bias. It creates and owns its parameters,
# weight (out, in) -- the same layout as our w -- and bias (out,), initialised
# uniformly in +-1/sqrt(in_features), and registers them, so model.parameters()
# hands them to an optimizer. Example: model = nn.Linear(3, 2) for the crop data;
# preds = model(inputs) has shape (5, 2). nn.Linear(5, 3): weight (3, 5), bias (3,),
# 15 + 3 = 18 numbers.
q36_weight_shape = (3, 5)
q36_num_params = 18
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q36_linear", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check the forms: a tuple of ints and a whole number (right or wrong: when graded)."""
require_int_tuple("q36_weight_shape", q36_weight_shape)
require_whole_number("q36_num_params", q36_num_params)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q36_linear", q36_weight_shape, q36_num_params)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q30_q38", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q30, Q37, Q38: `torch.nn` and `torch.nn.functional` (1 point)
#
# - **Q30.** What is `torch.nn`?
# - **Q37.** How do you see the weights and biases of a `nn.Linear` model?
# - **Q38.** What is the purpose of the `torch.nn.functional` module?
#
# Which statement is right?
#
# - a) `torch.nn.functional` holds only loss functions; layers such as `nn.Linear` live in `torch.optim`.
# - b) For `model = nn.Linear(3, 2)` the parameters are `model.w` and `model.b`, shaped `(3, 2)`, `(2,)`.
# - c) `torch.nn` and `torch.nn.functional` are the same module; `F` is only a shorter name for it.
# - d) `nn` holds layers as Modules that own their parameters; `F` holds the same operations as functions.
#
# Answer below: `answer_q30_q38 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q30_q38", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q30_q38 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# d. Q30: torch.nn is PyTorch's neural-network package: Module (the base class of
# models), layers (nn.Linear), losses (nn.MSELoss), containers (nn.Sequential) and
# parameter initialisation (nn.init). Q37: model.weight (2, 3) and model.bias (2,), both
# nn.Parameter; also list(model.parameters()), model.named_parameters() or
# model.state_dict(). Q38:
# torch.nn.functional holds stateless functions: F.linear(x, w, b), activations
# (F.relu), losses (F.mse_loss, F.cross_entropy), convolutions; you pass every tensor
# yourself. It is more than loss functions (not a); nn.Linear's
# attributes are weight and bias, of shapes (2, 3) and (2,) (not b); nn is the package
# of Modules, F its functional twin (not c).
answer_q30_q38 = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q30_q38", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q30_q38 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q30_q38", answer_q30_q38)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q30_q38", answer_q30_q38)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q40_q42", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q40–Q42: optimizers (1 point)
#
# - **Q40.** What is an optimizer in PyTorch?
# - **Q41.** What is `torch.optim.SGD`? What does SGD stand for?
# - **Q42.** What are the inputs to a PyTorch optimizer?
#
# Which statement is right?
#
# - a) It holds the parameters and `lr`; `step()` updates each one from the `.grad` that `backward()` left.
# - b) An optimizer computes the gradients of the loss itself, so `loss.backward()` is not needed with one.
# - c) SGD stands for "standard gradient descent"; an optimizer takes the loss function and the data.
# - d) An optimizer finds the best learning rate by itself, which is why training gets quicker with one.
#
# Answer below: `answer_q40_q42 = "a"`, `"b"`, `"c"` or `"d"`.

# %% nbgrader={"grade": false, "grade_id": "rv_q40_q42", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Your answer: answer_q40_q42 = "a", "b", "c" or "d"
### BEGIN SOLUTION
# a. Q40: an object from torch.optim that holds references to the parameters and
# implements an update rule in step(), using the .grad that backward() left there, and
# resets them in zero_grad() (by default to None). "Helps achieve gradient descent
# quicker" is not what it is: plain SGD does exactly the manual update. Q41:
# torch.optim.SGD is stochastic gradient descent, p -= lr * p.grad (plus optional
# momentum, weight decay); "stochastic" because each step normally uses a random
# mini-batch; on the full data set it is plain gradient descent. Q42: the parameters
# (an iterable of tensors, or groups of them) and the hyper-parameters (lr, momentum,
# weight_decay, ...); not the loss or the data (not c), and it chooses no learning
# rate (not d); backward() is still needed (not b).
answer_q40_q42 = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rv_q40_q42", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check that answer_q40_q42 is one of the letters "a"-"d" (right or wrong: when graded)."""
require_letter("answer_q40_q42", answer_q40_q42)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q40_q42", answer_q40_q42)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q43", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q43: making an optimizer (1 point)
#
# **Q43.** Give an example of creating an optimizer for training a linear regression
# model.
#
# **Task (1 point).** Write `make_optimizer(model, lr)` returning plain
# `torch.optim.SGD` (no momentum) over the model's parameters with learning rate `lr`.


# %% nbgrader={"grade": false, "grade_id": "rv_q43_make_optimizer", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_optimizer(model, lr):
    """Plain SGD over model.parameters() with learning rate lr."""
    ### BEGIN SOLUTION
    # For example torch.optim.SGD(model.parameters(), lr=1e-5) for the raw crop
    # data (its gradients are ~1e4, so lr must stay below ~1e-4, Q21).
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    ### END SOLUTION
    return optimizer


# %% nbgrader={"grade": true, "grade_id": "test_rv_q43_make_optimizer", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check make_optimizer on nn.Linear(3, 2): type, parameters, learning rate."""
model_small = nn.Linear(3, 2)
opt_small = make_optimizer(model_small, 0.01)
assert isinstance(opt_small, torch.optim.SGD), (
    f"expected torch.optim.SGD; got {type(opt_small).__name__}"
)
params_small = [p for group in opt_small.param_groups for p in group["params"]]
assert len(params_small) == 2 and params_small[0] is model_small.weight, (
    "pass model.parameters()"
)
assert opt_small.param_groups[0]["lr"] == 0.01, (
    f"the optimizer's lr is {opt_small.param_groups[0]['lr']}, expected 0.01: pass lr=lr"
)
print("SGD over weight and bias, lr 0.01")
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q43_make_optimizer", make_optimizer)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q44", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q44: training in batches (1 point)
#
# **Q44.** Write a function to train a `nn.Linear` model in batches using gradient
# descent.
#
# **Task (1 point).** Write `fit(model, loss_fn, optimizer, loader, num_epochs)`: for
# each of `num_epochs` epochs and each batch `(xb, yb)` of `loader`, compute the
# predictions and `loss_fn(predictions, yb)`, backpropagate, update with the optimizer
# and reset the gradients. Return the list of the batch losses as Python floats
# (`loss.item()`), one per batch, each the loss before its update.


# %% nbgrader={"grade": false, "grade_id": "rv_q44_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fit(model, loss_fn, optimizer, loader, num_epochs):
    """Mini-batch training; returns the list of batch losses (floats), one per batch."""
    ### BEGIN SOLUTION
    # The five steps of Q25, with the optimizer doing the update and the reset.
    losses = []
    for _ in range(num_epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
    ### END SOLUTION
    return losses


# %% nbgrader={"grade": true, "grade_id": "test_rv_q44_fit", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check fit on y = 3x: one loss per batch, and the loss goes down."""
torch.manual_seed(1)
x_small = torch.linspace(-1, 1, 8).reshape(8, 1)
model_small = nn.Linear(1, 1)
loader_small = DataLoader(TensorDataset(x_small, 3 * x_small), batch_size=4)
opt_small = torch.optim.SGD(model_small.parameters(), lr=0.1)
losses_small = fit(model_small, F.mse_loss, opt_small, loader_small, 20)
print(
    f"{len(losses_small)} losses (should be 40), first {losses_small[0]:.3f}, last {losses_small[-1]:.4f}"
)
assert len(losses_small) == 40, "return one loss per batch: 20 epochs x 2 batches"
assert losses_small[-1] < losses_small[0] / 10, (
    "the loss should fall: step, then zero_grad"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q44_fit", fit)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_q45", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ### Q28, Q45: predictions (1 point)
#
# - **Q28.** How do you make predictions using a trained model?
# - **Q45.** How do you use a linear regression model to make predictions on previously
#   unseen data?
#
# **Task (1 point).** Write `predict_with(model, x)` returning the model's predictions
# for `x` without recording a graph for autograd.


# %% nbgrader={"grade": false, "grade_id": "rv_q45_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict_with(model, x):
    """The model's predictions for x (k, d) -> (k, m), without autograd."""
    ### BEGIN SOLUTION
    # Q28: call the model on the inputs, inside torch.no_grad(): nothing is trained,
    # so no graph is needed (and the result does not hold on to one).
    # Q45: new inputs must be prepared exactly like the training inputs: the same
    # features in the same order and units, normalised with the TRAINING set's
    # statistics if the training inputs were, and a 2-D batch (k, d) even for one
    # example (x.unsqueeze(0)). For models with dropout or batch norm, call
    # model.eval() first. "model(unseen_input)" is the call, without these
    # conditions.
    with torch.no_grad():
        y_hat = model(x)
    ### END SOLUTION
    return y_hat


# %% nbgrader={"grade": true, "grade_id": "test_rv_q45_predict", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
"""Check predict_with on nn.Linear(2, 1): values, and no graph."""
model_small = nn.Linear(2, 1)
with torch.no_grad():
    model_small.weight.copy_(torch.tensor([[1.0, -1.0]]))
    model_small.bias.fill_(0.5)
preds_small = predict_with(model_small, torch.tensor([[2.0, 1.0], [0.0, 3.0]]))
print("predictions:", preds_small.tolist(), "(should be [[1.5], [-2.5]])")
assert torch.allclose(preds_small, torch.tensor([[1.5], [-2.5]])), "return model(x)"
assert not preds_small.requires_grad, (
    "the predictions require grad (a graph was recorded): compute them inside torch.no_grad()"
)
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("q45_predict", predict_with)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_together", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Putting it together.** The crop model trained with your functions: `nn.Linear`,
# batches of 2, shuffled, SGD with lr = 1e-5 (the raw features need a small one, Q21),
# 100 epochs. The batch losses jitter (Q35); their mean over each epoch falls.

# %% nbgrader={"grade": false, "grade_id": "rv_together", "locked": true, "schema_version": 3, "solution": false, "task": false}
torch.manual_seed(0)
crop_model = nn.Linear(N_INPUTS, 2)
crop_loader = make_loader(inputs, targets, 2, 0)
batch_losses = fit(
    crop_model, F.mse_loss, make_optimizer(crop_model, 1e-5), crop_loader, 100
)
print("predictions:\n", predict_with(crop_model, inputs).round(decimals=1))
print("targets:\n", targets)

epoch_means = [sum(batch_losses[i : i + 3]) / 3 for i in range(0, len(batch_losses), 3)]
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(batch_losses, lw=0.6, alpha=0.6, label="loss of each batch")
ax.semilogy(
    range(1, len(batch_losses), 3), epoch_means, "k", label="mean over each epoch"
)
ax.set(
    xlabel="batch (3 per epoch)",
    ylabel="MSE (log scale)",
    title="nn.Linear on the crop data, batches of 2",
)
ax.legend();

# %% [markdown] nbgrader={"grade": false, "grade_id": "rv_md_summary", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Summary
#
# - A table becomes float tensors, inputs $(n, d)$ and targets $(n, m)$; in
#   `inputs @ w.T + b`, `w` is $(m, d)$ and `b` is $(m,)$, whatever $n$.
# - `backward()` *adds* $\partial L/\partial t$ to `t.grad` for every leaf `t`; the
#   update subtracts lr times the *gradient*, in place inside `torch.no_grad()`, and the
#   gradients are then reset.
# - Above $1/\lambda_{\max}$ the steps overshoot, from $2/\lambda_{\max}$ on they
#   diverge. Every start and every stable lr end at the same least-squares fit, which
#   noise keeps off the true parameters.
# - `DataLoader` batches and reshuffles every epoch; mini-batches trade an exact gradient
#   for many cheap, noisy steps; a validation set estimates the error on unseen data.
# - Autograd is exact to rounding: a hand-written gradient that disagrees with it is the
#   one to check.
#
# ## Exercises (not graded)
#
# 1. Standardise the crop inputs (column means and standard deviations of the training
#    rows). How large can lr be now, and how many epochs does the loss need to fall
#    below 10?
# 2. Check `autograd_dw` against the central difference $(L(w + h) - L(w - h)) / 2h$ in
#    float32 and float64 for $h = 10^{-2}, \dots, 10^{-8}$. Where is each most accurate,
#    and why does float32 get worse for small $h$?
# 3. Repeat X8's numpy run with the fixed gradient and lr = 0.04. Does it match the
#    buggy run step for step? Explain.
