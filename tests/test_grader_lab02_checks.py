"""Do lab 02's hidden checks pass the solution and name each known mistake?

`Solution` is the notebook's solution, one method per student function; `mutant(...)`
replaces methods to apply one named mistake (train calls the other methods through
self, so a wrong gradient also reaches train). The notebook's results (w_trained,
b_trained, losses, val_loss, dw_randn, db_randn) are computed by `results(student)`
as the notebook's solution cells compute them. Every mistake must fail its check with
an AssertionError whose message contains the expected diagnosis.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

from grader_tests.lab02_five_steps_numpy import checks as lab02_five_steps

from .judging import JudgedModule

lab = JudgedModule(lab02_five_steps)  # every check_* through the judge, as in grading

P = lab.DEFAULT
D = lab.reference_data(P)


class Solution:
    """The notebook's solution cells."""

    def split_indices(self, n, train_fraction):
        idx = np.arange(n)
        np.random.shuffle(idx)
        n_train = int(n * train_fraction)
        return idx[:n_train], idx[n_train:]

    def init_params(self, n_inputs, n_outputs, seed):
        np.random.seed(seed)
        b = np.random.rand(n_outputs)
        w = np.random.rand(n_outputs, n_inputs)
        return w, b

    def predict(self, x, w, b):
        return w * x + b

    def mse(self, y_hat, y):
        return ((y_hat - y) ** 2).mean()

    def gradients(self, x, y, w, b):
        error = self.predict(x, w, b) - y
        return 2 * (x * error).mean(), 2 * error.mean()

    def step(self, w, b, dw, db, lr):
        return w - lr * dw, b - lr * db

    def train(self, x, y, w0, b0, lr, num_epochs):
        w, b, losses = w0, b0, []
        for _ in range(num_epochs):
            losses.append(self.mse(self.predict(x, w, b), y))
            dw, db = self.gradients(x, y, w, b)
            w, b = self.step(w, b, dw, db, lr)
        return w, b, losses

    def least_squares(self, x, y):
        design = np.hstack([x, np.ones_like(x)])
        coef = np.linalg.lstsq(design, y, rcond=None)[0]
        return coef[0, 0], coef[1, 0]

    def loss_surface(self, x, y, w_grid, b_grid):
        y_hat = w_grid[..., np.newaxis] * x.ravel() + b_grid[..., np.newaxis]
        return ((y_hat - y.ravel()) ** 2).mean(axis=-1)


def mutant(**methods) -> Solution:
    """The solution with some methods replaced (a method set to None: not defined)."""
    return type("Mutant", (Solution,), methods)()


def results(
    student: Solution, subset: str = "train", epochs: int = P.num_epochs, init=None
) -> dict:
    """The notebook's cells after the functions: the data, the run, val_loss, randn."""
    # A diverging student run overflows and a noisy one warns, as in a notebook.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _results(student, subset, epochs, init)


def _results(student, subset, epochs, init) -> dict:
    np.random.seed(P.seed)
    x = np.random.rand(P.n, 1)
    epsilon = P.noise_std * np.random.randn(P.n, 1)
    y = P.true_b + P.true_w * x + epsilon
    train_idx, val_idx = student.split_indices(P.n, P.train_fraction)
    data = {
        "train": (x[train_idx], y[train_idx]),
        "val": (x[val_idx], y[val_idx]),
        "all": (x, y),
    }
    w0, b0 = (init or student.init_params)(1, 1, P.init_seed)
    w, b, losses = student.train(*data[subset], w0, b0, P.lr, epochs)
    x_val, y_val = data["val"]
    np.random.seed(P.init_seed)
    b_randn, w_randn = np.random.randn(1), np.random.randn(1, 1)
    dw_randn, db_randn = student.gradients(*data["train"], w_randn, b_randn)
    return {
        "w_trained": w,
        "b_trained": b,
        "losses": losses,
        "val_loss": student.mse(student.predict(x_val, w, b), y_val),
        "dw_randn": dw_randn,
        "db_randn": db_randn,
    }


FUNCTION = {
    "check_split_sizes": "split_indices",
    "check_split_values": "split_indices",
    "check_init": "init_params",
    "check_predict": "predict",
    "check_mse": "mse",
    "check_db": "gradients",
    "check_dw": "gradients",
    "check_step": "step",
    "check_train": "train",
    "check_least_squares": "least_squares",
    "check_loss_surface": "loss_surface",
    "check_loss_surface_vectorised": "loss_surface",
}
RESULTS = {
    "check_randn_gradients": ("dw_randn", "db_randn"),
    "check_run_params": ("w_trained", "b_trained"),
    "check_run_losses": ("losses",),
    "check_val_loss": ("val_loss", "w_trained", "b_trained"),
}


def run(check: str, student: Solution, **notebook) -> None:
    if check in FUNCTION:
        getattr(lab, check)(getattr(student, FUNCTION[check]))
        return
    values = results(student, **notebook)
    getattr(lab, check)(*(values[name] for name in RESULTS[check]))


def raising(exc):
    def fn(self, *args):
        raise exc

    return fn


def grads(dw_of, db_of):
    """gradients with dw, db computed from (x, error) by the given formulas."""

    def gradients(self, x, y, w, b):
        error = self.predict(x, w, b) - y
        return dw_of(x, error), db_of(x, error)

    return gradients


def _train_variant(
    epochs=None,
    record_after=False,
    assign=True,
    extra=False,
    lr=None,
    start=None,
    losses_out=None,
):
    """train with one loop mistake."""

    def train(self, x, y, w0, b0, lr_arg, num_epochs):
        w, b = start if start is not None else (w0, b0)
        losses = []
        for _ in range(epochs(num_epochs) if epochs else num_epochs):
            loss = self.mse(self.predict(x, w, b), y)
            if not record_after:
                losses.append(loss)
            dw, db = self.gradients(x, y, w, b)
            new = self.step(w, b, dw, db, lr or lr_arg)
            if assign:
                w, b = new
            if record_after:
                losses.append(self.mse(self.predict(x, w, b), y))
        if extra:
            losses.append(self.mse(self.predict(x, w, b), y))
        return w, b, (losses if losses_out is None else losses_out(losses))

    return train


def _split(shuffle=True, reseed=None, last=False, size=None, rng=None):
    """split_indices with one mistake."""

    def split_indices(self, n, train_fraction):
        if reseed is not None:
            np.random.seed(reseed)
        idx = np.arange(n)
        if rng is not None:
            rng.shuffle(idx)
        elif shuffle:
            np.random.shuffle(idx)
        k = int(n * train_fraction) if size is None else size(n, train_fraction)
        return (idx[n - k :], idx[: n - k]) if last else (idx[:k], idx[k:])

    return split_indices


def _init(draw="rand", order="b first", reseed=False, seed=None, shapes=None):
    """init_params with one mistake (order="w first": w drawn before b)."""

    def init_params(self, n_inputs, n_outputs, seed_arg):
        np.random.seed(seed_arg if seed is None else seed)
        w_shape, b_shape = shapes or ((n_outputs, n_inputs), (n_outputs,))
        first_shape, second_shape = (
            (b_shape, w_shape) if order == "b first" else (w_shape, b_shape)
        )
        first = getattr(np.random, draw)(*first_shape)
        if reseed:
            np.random.seed(seed_arg if seed is None else seed)
        second = getattr(np.random, draw)(*second_shape)
        return (second, first) if order == "b first" else (first, second)

    return init_params


def _loop_surface(self, x, y, w_grid, b_grid):
    out = np.empty_like(w_grid)
    for i in range(w_grid.shape[0]):
        for j in range(w_grid.shape[1]):
            out[i, j] = self.mse(self.predict(x, w_grid[i, j], b_grid[i, j]), y)
    return out


def _row_loop_surface(self, x, y, w_grid, b_grid):
    rows = [
        Solution().loss_surface(x, y, w_grid[i : i + 1], b_grid[i : i + 1])
        for i in range(w_grid.shape[0])
    ]
    return np.vstack(rows)


def _vectorize_surface(self, x, y, w_grid, b_grid):
    return np.vectorize(lambda w, b: ((w * x + b - y) ** 2).mean())(w_grid, b_grid)


mean, nsum = np.mean, np.sum
N_CHECK = 80  # the checks' data: the training split of seed 43
NOTEBOOK_X, NOTEBOOK_Y = D.x_train, D.y_train

MISTAKES = [
    # split: sizes
    (
        "check_split_sizes",
        "blank",
        {"split_indices": raising(NotImplementedError())},
        "raised NotImplementedError. Did you replace `raise NotImplementedError()`",
    ),
    (
        "check_split_sizes",
        "not defined",
        {"split_indices": None},
        "split_indices should be a function; got None",
    ),
    (
        "check_split_sizes",
        "train and val swapped",
        {"split_indices": _split(size=lambda n, f: n - int(n * f))},
        "train_idx from split_indices(100, 0.8) has 20 indices; expected int(n * "
        "train_fraction) = 80. That is the size of the validation part",
    ),
    (
        "check_split_sizes",
        "rounded",
        {"split_indices": _split(size=lambda n, f: round(n * f))},
        "train_idx from split_indices(13, 0.6) has 8 indices; expected int(n * "
        "train_fraction) = 7. Did you round?",
    ),
    (
        "check_split_sizes",
        "0.8 hard-coded",
        {"split_indices": _split(size=lambda n, f: int(n * 0.8))},
        "has 10 indices; expected int(n * "
        "train_fraction) = 7. Did you write 0.8 instead of the argument train_fraction?",
    ),
    (
        "check_split_sizes",
        "100 hard-coded",
        {"split_indices": lambda s, n, f: Solution().split_indices(100, f)},
        "has 60 indices; expected int(n * train_fraction) = 7. Did you write 100 (N)",
    ),
    (
        "check_split_sizes",
        "no split",
        {"split_indices": lambda s, n, f: (np.arange(n), np.arange(0))},
        "train_idx holds every index",
    ),
    (
        "check_split_sizes",
        "overlapping parts",
        {
            "split_indices": lambda s, n, f: (
                np.arange(int(n * f)),
                np.arange(n - int(n * f)),
            )
        },
        "should hold each of 0, ..., 99 exactly once; index 0 is in both",
    ),
    (
        "check_split_sizes",
        "float indices",
        {
            "split_indices": lambda s, n, f: tuple(
                part.astype(float) for part in Solution().split_indices(n, f)
            )
        },
        "has dtype float64; indices must be integers",
    ),
    (
        "check_split_sizes",
        "the data, not the indices",
        {"split_indices": lambda s, n, f: (NOTEBOOK_X, NOTEBOOK_Y)},
        "should be 1-D, one index per example; got shape (80, 1)",
    ),
    (
        "check_split_sizes",
        "one value",
        {"split_indices": lambda s, n, f: np.arange(n)},
        "should return 2 values (train_idx, val_idx); got a numpy.ndarray of shape "
        "(100,)",
    ),
    # split: values
    (
        "check_split_values",
        "not shuffled",
        {"split_indices": _split(shuffle=False)},
        "train_idx from split_indices(100, 0.8) is not the reference split "
        "(np.random.seed(42), x, the noise, then the shuffle): it lacks the indices 80, "
        "81, 82, .... train_idx is 0, 1, ..., 79: did you forget np.random.shuffle(idx)",
    ),
    (
        "check_split_values",
        "reseeded",
        {"split_indices": _split(reseed=42)},
        "did you call np.random.seed inside split_indices?",
    ),
    (
        "check_split_values",
        "last part trains",
        {"split_indices": _split(last=True)},
        "train_idx holds the last 80 shuffled indices: the first int(n * train_fraction)",
    ),
    (
        "check_split_values",
        "another generator",
        {"split_indices": _split(rng=np.random.default_rng(42))},
        "Did you shuffle idx = np.arange(n) in place with np.random.shuffle",
    ),
    (
        "check_split_values",
        "wrong size too",
        {"split_indices": _split(size=lambda n, f: n - int(n * f))},
        "has 20 indices; expected",
    ),
    # init
    (
        "check_init",
        "randn instead of rand",
        {"init_params": _init("randn")},
        "w from init_params(1, 1, 42) is wrong: got -0.1383, expected 0.9507 "
        "(difference 1.1, up to 1e-12 allowed). w, b are np.random.randn draws: the "
        "reference run uses np.random.rand (uniform on [0, 1)), not randn",
    ),
    (
        "check_init",
        "w drawn first",
        {"init_params": _init(order="w first")},
        "did you draw w before b, or return (b, w)?",
    ),
    (
        "check_init",
        "returned (b, w)",
        {"init_params": lambda s, *a: tuple(reversed(Solution().init_params(*a)))},
        "w from init_params(1, 1, 42) has shape (1,); expected (1, 1)",
    ),
    (
        "check_init",
        "reseeded before w",
        {"init_params": _init(reseed=True)},
        "did you call np.random.seed again between the two draws?",
    ),
    (
        "check_init",
        "seed 42 hard-coded",
        {"init_params": _init(seed=42)},
        "With seed=7 it drew the values of seed 42: did you seed with 42 instead of",
    ),
    (
        "check_init",
        "not seeded",
        {
            "init_params": lambda s, i, o, seed: (
                np.random.rand(1, 1),
                np.random.rand(1),
            )
        },
        "Seed with np.random.seed(seed), then b",
    ),
    (
        "check_init",
        "normal draws, other seed",
        {"init_params": lambda s, i, o, seed: (np.array([[-2.0]]), np.array([3.0]))},
        "np.random.rand draws from [0, 1)",
    ),
    (
        "check_init",
        "two values in one",
        {"init_params": lambda s, i, o, seed: (np.random.rand(2),)},
        "should return 2 values (w, b)",
    ),
    (
        "check_init",
        "w of shape (1,)",
        {"init_params": _init(shapes=((1,), (1,)))},
        "w from init_params(1, 1, 42) has shape (1,); expected (1, 1): "
        "w = np.random.rand(n_outputs, n_inputs)",
    ),
    (
        "check_init",
        "sizes hard-coded",
        {"init_params": lambda s, i, o, seed: Solution().init_params(1, 1, seed)},
        "w from init_params(2, 3, 7) has the wrong shape: got (1, 1), expected (3, 2)",
    ),
    (
        "check_init",
        "w transposed",
        {"init_params": lambda s, i, o, seed: Solution().init_params(o, i, seed)},
        "got (2, 3), expected (3, 2). It is transposed",
    ),
    # predict
    (
        "check_predict",
        "w and b swapped",
        {"predict": lambda s, x, w, b: b * x + w},
        "predict swaps w and b: did you write b * x + w",
    ),
    (
        "check_predict",
        "true line",
        {"predict": lambda s, x, w, b: -3 * x + 0.5},
        "predict ignores w and b: it returned the true line -3.0 * x + 0.5",
    ),
    (
        "check_predict",
        "intercept missing",
        {"predict": lambda s, x, w, b: w * x},
        "did you forget + b?",
    ),
    (
        "check_predict",
        "slope missing",
        {"predict": lambda s, x, w, b: x + b},
        "did you forget w * ?",
    ),
    (
        "check_predict",
        "global x_train",
        {"predict": lambda s, x, w, b: w * NOTEBOOK_X + b},
        "did you use the global x_train instead of x?",
    ),
    (
        "check_predict",
        "flattened",
        {"predict": lambda s, x, w, b: (w * x + b).ravel()},
        "got (80,), expected (80, 1). Keep the column shape (80, 1)",
    ),
    (
        "check_predict",
        "list",
        {"predict": lambda s, x, w, b: (w * x + b).tolist()},
        "should be a numpy array; got a list of 80 values.",
    ),
    (
        "check_predict",
        "other formula",
        {"predict": lambda s, x, w, b: w * x + b + 1},
        "predict(x, w=0.5, b=-1.0) is wrong in 80 of 80 entries",
    ),
    # mse
    (
        "check_mse",
        "sum",
        {"mse": lambda s, a, y: ((a - y) ** 2).sum()},
        f"mse is {N_CHECK}x the reference (N = {N_CHECK}): did you sum the squared "
        "errors",
    ),
    (
        "check_mse",
        "RMSE",
        {"mse": lambda s, a, y: np.sqrt(((a - y) ** 2).mean())},
        "did you return the RMSE?",
    ),
    (
        "check_mse",
        "absolute",
        {"mse": lambda s, a, y: np.abs(a - y).mean()},
        "mse is the mean absolute error",
    ),
    (
        "check_mse",
        "not squared",
        {"mse": lambda s, a, y: (a - y).mean()},
        "Did you forget to square the errors?",
    ),
    (
        "check_mse",
        "no mean",
        {"mse": lambda s, a, y: (a - y) ** 2},
        "mse(y_hat, y) has 80 elements (shape (80, 1)); expected one number. Did you "
        "forget to average the per-example squared errors",
    ),
    (
        "check_mse",
        "raises",
        {"mse": raising(TypeError("bad operand"))},
        "calling mse(y_hat, y) raised TypeError: bad operand",
    ),
    # gradients
    (
        "check_db",
        "sum",
        {"gradients": grads(lambda x, e: 2 * nsum(x * e), lambda x, e: 2 * nsum(e))},
        f"db is {float(N_CHECK)}x the reference (N = {N_CHECK}): did you sum over the "
        "examples instead of averaging?",
    ),
    (
        "check_dw",
        "sum",
        {"gradients": grads(lambda x, e: 2 * nsum(x * e), lambda x, e: 2 * nsum(e))},
        f"dw is {float(N_CHECK)}x the reference",
    ),
    (
        "check_db",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: mean(e))},
        "db is half the reference",
    ),
    (
        "check_dw",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: 2 * mean(e))},
        "dw is half the reference",
    ),
    (
        "check_db",
        "wrong sign",
        {"gradients": grads(lambda x, e: -2 * mean(x * e), lambda x, e: -2 * mean(e))},
        "db has the wrong sign: got -0.6037, expected 0.6037. Did you write y - y_hat",
    ),
    (
        "check_dw",
        "wrong sign",
        {"gradients": grads(lambda x, e: -2 * mean(x * e), lambda x, e: 2 * mean(e))},
        "dw has the wrong sign",
    ),
    (
        "check_db",
        "returned (db, dw)",
        {"gradients": lambda s, *a: tuple(reversed(Solution().gradients(*a)))},
        "db equals the reference dw: did you multiply "
        "db by x, or return (db, dw) instead of (dw, db)? gradients returns (dw, db), w "
        "first.",
    ),
    (
        "check_dw",
        "returned (db, dw)",
        {"gradients": lambda s, *a: tuple(reversed(Solution().gradients(*a)))},
        "dw equals the reference db: did you forget the "
        "factor x in dw, or return (db, dw) instead of (dw, db)?",
    ),
    (
        "check_dw",
        "per-example gradient",
        {"gradients": grads(lambda x, e: 2 * x * e, lambda x, e: 2 * mean(e))},
        "dw from gradients(x, y, w=0.5, b=-1.0) has 80 elements (shape (80, 1)); "
        "expected one number. Did you forget to average the per-example gradients "
        "2 * x * (y_hat - y)",
    ),
    (
        "check_db",
        "None",
        {"gradients": grads(lambda x, e: 1.0, lambda x, e: None)},
        "returned None for db: did you forget to compute db = 2 * mean(y_hat - y)?",
    ),
    (
        "check_db",
        "global data",
        {
            "gradients": lambda s, x, y, w, b: Solution().gradients(
                NOTEBOOK_X, NOTEBOOK_Y, w, b
            )
        },
        "did you use the globals x_train, y_train instead of the arguments?",
    ),
    # step
    (
        "check_step",
        "uphill",
        {"step": lambda s, w, b, dw, db, lr: (w + lr * dw, b + lr * db)},
        "the new w from step(w=-1.0, b=0.5, dw=-4.0, db=2.0, lr=0.05) "
        "is wrong: got -1.2, expected -0.8 (difference 0.4, up to 8e-10 allowed). The "
        "new w moved uphill: did you write w + lr * dw instead of w - lr * dw?",
    ),
    (
        "check_step",
        "with the parameters",
        {"step": lambda s, w, b, dw, db, lr: (w - lr * w, b - lr * b)},
        "did you update with the parameter instead of its gradient?",
    ),
    (
        "check_step",
        "lr missing",
        {"step": lambda s, w, b, dw, db, lr: (w - dw, b - db)},
        "Did you forget to multiply dw by lr?",
    ),
    (
        "check_step",
        "gradients swapped",
        {"step": lambda s, w, b, dw, db, lr: (w - lr * db, b - lr * dw)},
        "Did you update w with db instead of dw?",
    ),
    (
        "check_step",
        "returned (b, w)",
        {"step": lambda s, w, b, dw, db, lr: (b - lr * db, w - lr * dw)},
        "Did you return (b, w) instead of (w, b)?",
    ),
    (
        "check_step",
        "unchanged",
        {"step": lambda s, w, b, dw, db, lr: (w, b)},
        "step returned w unchanged",
    ),
    (
        "check_step",
        "the change",
        {"step": lambda s, w, b, dw, db, lr: (-lr * dw, -lr * db)},
        "step returned the change -lr * dw",
    ),
    (
        "check_step",
        "notebook's LR",
        {"step": lambda s, w, b, dw, db, lr: (w - P.lr * dw, b - P.lr * db)},
        "The new w moved by 0.1 * dw, not by lr * dw "
        "with the lr = 0.05 passed in: did you write the notebook's LR instead of the "
        "argument lr?",
    ),
    # train
    (
        "check_train",
        "blank",
        {"train": raising(NotImplementedError())},
        "calling train(x, y, w0=2.0, b0=-1.0, lr=0.05, num_epochs=50) raised "
        "NotImplementedError",
    ),
    (
        "check_train",
        "one epoch short",
        {"train": _train_variant(epochs=lambda e: e - 1)},
        "has 49 entries; expected 50, one per epoch. One "
        "too few: does the loop run range(num_epochs)",
    ),
    (
        "check_train",
        "one epoch too many",
        {"train": _train_variant(epochs=lambda e: e + 1)},
        "has 51 entries; expected 50, one per epoch. One too many",
    ),
    (
        "check_train",
        "extra loss after the loop",
        {"train": _train_variant(extra=True)},
        "has 51 entries; expected 50",
    ),
    (
        "check_train",
        "notebook's NUM_EPOCHS",
        {"train": _train_variant(epochs=lambda e: P.num_epochs)},
        "has 1000 entries; expected 50, one per "
        "epoch. Does the loop run num_epochs (the argument) times",
    ),
    (
        "check_train",
        "losses recorded after the update",
        {"train": _train_variant(record_after=True)},
        "losses[0] is the loss after the first update",
    ),
    (
        "check_train",
        "step not assigned",
        {"train": _train_variant(assign=False)},
        "w and b never moved from (w0, b0) = (2.0, -1.0): does the loop assign",
    ),
    (
        "check_train",
        "notebook's LR",
        {"train": _train_variant(lr=P.lr)},
        "not the lr = 0.05 passed in: does train use its argument lr?",
    ),
    (
        "check_train",
        "notebook's start",
        {
            "train": _train_variant(
                start=(np.array([[0.9507143064099162]]), np.array([0.3745401188473625]))
            )
        },
        "from the notebook's start (0.9507, 0.3745)",
    ),
    (
        "check_train",
        "global data",
        {"train": lambda s, x, y, *a: Solution().train(NOTEBOOK_X, NOTEBOOK_Y, *a)},
        "a run on the notebook's x_train, y_train",
    ),
    (
        "check_train",
        "returned (b, w, losses)",
        {
            "train": lambda s, *a: (lambda w, b, losses: (b, w, losses))(
                *Solution().train(*a)
            )
        },
        "Did you return (b, w, losses) instead of (w, b, losses)?",
    ),
    (
        "check_train",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: mean(e))},
        "w, b match a run with half the gradient",
    ),
    (
        "check_train",
        "sum instead of mean",
        {"gradients": grads(lambda x, e: 2 * nsum(x * e), lambda x, e: 2 * nsum(e))},
        "Training diverged",
    ),
    (
        "check_train",
        "uphill",
        {"step": lambda s, w, b, dw, db, lr: (w + lr * dw, b + lr * db)},
        "Training diverged",
    ),
    (
        "check_train",
        "dw zero",
        {"gradients": grads(lambda x, e: 0.0, lambda x, e: 2 * mean(e))},
        "w never moved from its start value",
    ),
    (
        "check_train",
        "summed loss",
        {"mse": lambda s, a, y: ((a - y) ** 2).sum()},
        "losses[0] from train(x, y, w0=2.0, b0=-1.0, lr=0.05, num_epochs=50) is wrong",
    ),
    (
        "check_train",
        "summed loss (hint)",
        {"mse": lambda s, a, y: ((a - y) ** 2).sum()},
        "does mse sum the squared errors instead of averaging them?",
    ),
    (
        "check_train",
        "last loss only",
        {"train": _train_variant(losses_out=lambda losses: losses[-1])},
        "should be a list of floats, one per epoch; got a numpy.float64",
    ),
    (
        "check_train",
        "losses not returned",
        {"train": lambda s, *a: Solution().train(*a)[:2]},
        "should return 3 values (w, b, losses)",
    ),
    # least squares
    (
        "check_least_squares",
        "columns [1, x]",
        {
            "least_squares": lambda s, x, y: tuple(
                np.linalg.lstsq(np.hstack([np.ones_like(x), x]), y, rcond=None)[
                    0
                ].ravel()
            )
        },
        "w and b are swapped: with the columns [x, 1] the first coefficient is w",
    ),
    (
        "check_least_squares",
        "global data",
        {
            "least_squares": lambda s, x, y: Solution().least_squares(
                NOTEBOOK_X, NOTEBOOK_Y
            )
        },
        "did you use the globals instead of the arguments?",
    ),
    (
        "check_least_squares",
        "no intercept",
        {"least_squares": lambda s, x, y: np.linalg.lstsq(x, y, rcond=None)[0].ravel()},
        "should return 2 values (w, b); got a numpy.ndarray of shape (1,)",
    ),
    (
        "check_least_squares",
        "gradient descent",
        {
            "least_squares": lambda s, x, y: Solution().train(x, y, 0.0, 0.0, 0.1, 100)[
                :2
            ]
        },
        "w from least_squares(x, y) is wrong",
    ),
    # loss surface: values
    (
        "check_loss_surface",
        "sum",
        {
            "loss_surface": lambda s, x, y, wg, bg: (
                Solution().loss_surface(x, y, wg, bg) * len(x)
            )
        },
        "The losses are 80x the "
        "reference (N = 80): did you sum over the examples instead of averaging?",
    ),
    (
        "check_loss_surface",
        "RMSE",
        {
            "loss_surface": lambda s, x, y, wg, bg: np.sqrt(
                Solution().loss_surface(x, y, wg, bg)
            )
        },
        "did you compute the RMSE?",
    ),
    (
        "check_loss_surface",
        "grids swapped",
        {"loss_surface": lambda s, x, y, wg, bg: Solution().loss_surface(x, y, bg, wg)},
        "did you use b_grid as the slope",
    ),
    (
        "check_loss_surface",
        "transposed",
        {
            "loss_surface": lambda s, x, y, wg, bg: (
                Solution().loss_surface(x, y, wg, bg).T
            )
        },
        "has the wrong shape: got (7, 5), expected (5, 7). It is transposed",
    ),
    (
        "check_loss_surface",
        "no mean",
        {
            "loss_surface": lambda s, x, y, wg, bg: (
                (wg[..., None] * x.ravel() + bg[..., None] - y.ravel()) ** 2
            )
        },
        "got (5, 7, 80), expected (5, 7). That is one squared error per grid point and "
        "example",
    ),
    (
        "check_loss_surface",
        "one number",
        {
            "loss_surface": lambda s, x, y, wg, bg: (
                Solution().loss_surface(x, y, wg, bg).mean()
            )
        },
        "should be a numpy array; got a numpy.float64",
    ),
    (
        "check_loss_surface",
        "global data",
        {
            "loss_surface": lambda s, x, y, wg, bg: Solution().loss_surface(
                NOTEBOOK_X, NOTEBOOK_Y, wg, bg
            )
        },
        "losses on the notebook's x_train, y_train",
    ),
    # loss surface: loops
    (
        "check_loss_surface_vectorised",
        "double loop",
        {"loss_surface": _loop_surface},
        "loss_surface runs",
    ),
    (
        "check_loss_surface_vectorised",
        "double loop (message)",
        {"loss_surface": _loop_surface},
        "grid: its work grows with the grid, so it loops over the grid points",
    ),
    (
        "check_loss_surface_vectorised",
        "loop over rows",
        {"loss_surface": _row_loop_surface},
        "its work grows with the grid",
    ),
    (
        "check_loss_surface_vectorised",
        "np.vectorize",
        {"loss_surface": _vectorize_surface},
        "its work grows with the grid",
    ),
    (
        "check_loss_surface_vectorised",
        "vectorised but wrong",
        {"loss_surface": lambda s, x, y, wg, bg: np.zeros_like(wg)},
        "loss_surface(x, y, w_grid, b_grid) is wrong in 35 of 35 entries",
    ),
]


@pytest.mark.parametrize(
    ("check", "methods", "fragment"),
    [pytest.param(c, m, f, id=f"{c}: {name}") for c, name, m, f in MISTAKES],
)
def test_mistake_is_diagnosed(check, methods, fragment):
    """Does each known mistake fail its check, with its diagnosis in the message?"""
    with pytest.raises(AssertionError) as info:
        run(check, mutant(**methods))
    assert fragment in str(info.value)


# The notebook's results: the same functions, called wrongly in the notebook.
RANDN_START = (np.array([[-0.13826430117118466]]), np.array([0.4967141530112327]))

NOTEBOOK_MISTAKES = [
    (
        "check_run_params",
        "999 epochs",
        {"epochs": 999},
        "w_trained is wrong: got -3.0310347294, expected -3.0310347415 (difference "
        "1.2e-08, up to 1e-10 allowed). w_trained, b_trained match a run of 999 epochs, "
        "not 1000",
    ),
    (
        "check_run_params",
        "1001 epochs",
        {"epochs": 1001},
        "match a run of 1001 epochs, not 1000",
    ),
    (
        "check_run_params",
        "whole data set",
        {"subset": "all"},
        "come from training on all 100 points",
    ),
    (
        "check_run_params",
        "validation set",
        {"subset": "val"},
        "come from training on the 20 validation points",
    ),
    (
        "check_run_params",
        "randn start",
        {"init": lambda i, o, seed: RANDN_START},
        "come from the randn start",
    ),
    (
        "check_run_losses",
        "999 epochs",
        {"epochs": 999},
        "losses has 999 entries; expected 1000, one per epoch. One too few",
    ),
    (
        "check_run_losses",
        "1001 epochs",
        {"epochs": 1001},
        "losses has 1001 entries; expected 1000, one per epoch. One too many",
    ),
    (
        "check_run_losses",
        "whole data set",
        {"subset": "all"},
        "losses[0] is the loss on all 100 points",
    ),
    (
        "check_run_losses",
        "validation set",
        {"subset": "val"},
        "losses[0] is the loss on the validation points",
    ),
    (
        "check_run_losses",
        "randn start",
        {"init": lambda i, o, seed: RANDN_START},
        "losses[0] is the loss at the randn start",
    ),
]


@pytest.mark.parametrize(
    ("check", "notebook", "fragment"),
    [pytest.param(c, nb, f, id=f"{c}: {name}") for c, name, nb, f in NOTEBOOK_MISTAKES],
)
def test_notebook_mistake_is_diagnosed(check, notebook, fragment):
    """Does each mistake in the notebook's own cells fail, with its diagnosis?"""
    with pytest.raises(AssertionError) as info:
        run(check, Solution(), **notebook)
    assert fragment in str(info.value)


FUNCTION_MISTAKES_IN_RESULTS = [
    (
        "check_run_params",
        "not shuffled",
        {"split_indices": _split(shuffle=False)},
        "come from training on the first 80 points, not shuffled",
    ),
    (
        "check_run_params",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: mean(e))},
        "match a run with half the gradient",
    ),
    (
        "check_run_params",
        "lstsq instead of GD",
        {
            "train": lambda s, x, y, *a: (
                *Solution().least_squares(x, y),
                [0.0] * P.num_epochs,
            )
        },
        "These are the least-squares values: gradient descent stops a few 1e-7 short",
    ),
    (
        "check_run_params",
        "sum instead of mean",
        {"gradients": grads(lambda x, e: 2 * nsum(x * e), lambda x, e: 2 * nsum(e))},
        "Training diverged",
    ),
    (
        "check_run_losses",
        "summed loss",
        {"mse": lambda s, a, y: ((a - y) ** 2).sum()},
        "losses[0] is 80x the reference (N = 80): does mse sum the squared errors",
    ),
    (
        "check_run_losses",
        "not shuffled",
        {"split_indices": _split(shuffle=False)},
        "losses[0] is the loss on the first 80 points, not shuffled",
    ),
    (
        "check_run_losses",
        "factor 2 missing",
        {"gradients": grads(lambda x, e: mean(x * e), lambda x, e: mean(e))},
        "The losses follow a run with half the gradient",
    ),
    (
        "check_run_losses",
        "diverged (overflow)",
        {"gradients": grads(lambda x, e: 2 * nsum(x * e), lambda x, e: 2 * nsum(e))},
        "losses is inf in 880 of 1000 entries (first at entry 120): expected finite "
        "numbers. Training diverged",
    ),
    (
        "check_run_losses",
        "diverged",
        {"step": lambda s, w, b, dw, db, lr: (w + lr * dw, b + lr * db)},
        "losses[-1] is wrong: got 9.624e+192",
    ),
    (
        "check_train",
        "diverged to inf",
        {
            "gradients": grads(
                lambda x, e: 2 * nsum(x * e) * 1e100, lambda x, e: 2 * nsum(e) * 1e100
            )
        },
        "is nan: expected a finite number. Training diverged",
    ),
    (
        "check_run_losses",
        "recorded after the update",
        {"train": _train_variant(record_after=True)},
        "losses[0] is the loss after the first update",
    ),
    (
        "check_randn_gradients",
        "rand start",
        {
            "gradients": lambda s, x, y, w, b: Solution().gradients(
                x, y, *Solution().init_params(1, 1, 42)
            )
        },
        "These are the gradients at the rand start (2.384, 3.464",
    ),
    (
        "check_randn_gradients",
        "swapped",
        {"gradients": lambda s, *a: tuple(reversed(Solution().gradients(*a)))},
        "dw_randn and db_randn are swapped",
    ),
    (
        "check_randn_gradients",
        "summed",
        {"gradients": grads(lambda x, e: 2 * nsum(x * e), lambda x, e: 2 * nsum(e))},
        "dw_randn is 80.0x the reference (N = 80)",
    ),
    (
        "check_val_loss",
        "training split",
        {
            "predict": lambda s, x, w, b: (
                w * x + b if len(x) != 20 else w * NOTEBOOK_X + b
            ),
            "mse": lambda s, a, y: (
                ((a - y) ** 2).mean()
                if len(a) == len(y)
                else ((a - NOTEBOOK_Y) ** 2).mean()
            ),
        },
        "That is the loss on the training split",
    ),
    (
        "check_randn_gradients",
        "not shuffled",
        {"split_indices": _split(shuffle=False)},
        "the gradients on the first 80 points, not shuffled",
    ),
    (
        "check_val_loss",
        "not shuffled",
        {"split_indices": _split(shuffle=False)},
        "That is the loss on the last 20 points, not shuffled",
    ),
    (
        "check_val_loss",
        "diverged run",
        {"step": lambda s, w, b, dw, db, lr: (w + lr * dw, b + lr * db)},
        "so val_loss is compared with the reference run's",
    ),
    (
        "check_val_loss",
        "diverged to nan",
        {"gradients": grads(lambda x, e: 2 * nsum(x * e), lambda x, e: 2 * nsum(e))},
        "val_loss is nan: expected a finite number. Training diverged",
    ),
    (
        "check_val_loss",
        "RMSE",
        {
            "mse": lambda s, a, y: (
                np.sqrt(((a - y) ** 2).mean())
                if len(a) == 20
                else ((a - y) ** 2).mean()
            )
        },
        "val_loss is the square root of the MSE",
    ),
]


@pytest.mark.parametrize(
    ("check", "methods", "fragment"),
    [
        pytest.param(c, m, f, id=f"{c}: {name}")
        for c, name, m, f in FUNCTION_MISTAKES_IN_RESULTS
    ],
)
def test_mistake_reaches_the_results(check, methods, fragment):
    """Does a wrong function show in the notebook's results with the right diagnosis?"""
    with pytest.raises(AssertionError) as info:
        run(check, mutant(**methods))
    assert fragment in str(info.value)


def test_val_loss_uses_the_students_own_model():
    """Is val_loss judged on the student's trained (w, b), so one mistake costs once?"""
    values = results(Solution(), init=lambda i, o, seed: RANDN_START)
    with pytest.raises(AssertionError):
        lab.check_run_params(values["w_trained"], values["b_trained"])
    lab.check_val_loss(values["val_loss"], values["w_trained"], values["b_trained"])


def test_val_loss_falls_back_to_the_reference_model():
    """With w_trained unusable (None), is val_loss compared with the reference run's?"""
    values = results(Solution())
    lab.check_val_loss(values["val_loss"], None, None)
    with pytest.raises(AssertionError, match="That is the loss on the training split"):
        lab.check_val_loss(values["losses"][-1], None, None)


def _float32_surface(self, x, y, w_grid, b_grid):
    return Solution().loss_surface(x, y, w_grid, b_grid).astype(np.float32)


def _expanded_surface(self, x, y, w_grid, b_grid):
    """The MSE as a quadratic in (w, b): w^2 mean(x^2) + ... (no broadcasting)."""
    x, y = x.ravel(), y.ravel()
    return (
        w_grid**2 * (x**2).mean()
        + 2 * w_grid * b_grid * x.mean()
        + b_grid**2
        - 2 * w_grid * (x * y).mean()
        - 2 * b_grid * y.mean()
        + (y**2).mean()
    )


def _noisy_train(self, *args):
    print("epoch 0", file=sys.stderr)  # a progress bar writes to stderr
    warnings.warn("a student warning", UserWarning, stacklevel=1)
    return Solution().train(*args)


def _matrix_gradients(self, x, y, w, b):
    error = x @ w.T + b - y  # the general form of w * x + b
    n = len(x)
    return 2 * error.T @ x / n, 2 * error.sum() / n  # dw (1, 1) like w, db a number


EQUIVALENT = {
    "solution": {},
    "split with np.random.permutation": {
        "split_indices": lambda s, n, f: (
            lambda idx: (idx[: int(n * f)], idx[int(n * f) :])
        )(np.random.permutation(n))
    },
    "split returning sorted parts": {
        "split_indices": lambda s, n, f: tuple(
            np.sort(part) for part in Solution().split_indices(n, f)
        )
    },
    "init as Python floats": {
        "init_params": lambda s, i, o, seed: (
            lambda w, b: (
                w if (i, o) != (1, 1) else float(w[0, 0]),
                b if (i, o) != (1, 1) else float(b[0]),
            )
        )(*Solution().init_params(i, o, seed))
    },
    "predict with np.add": {"predict": lambda s, x, w, b: np.add(np.multiply(w, x), b)},
    "predict as x @ w.T + b": {"predict": lambda s, x, w, b: x @ w.T + b},
    "mse as np.mean of a square": {
        "mse": lambda s, a, y: float(np.mean(np.square(a - y)))
    },
    "gradients by matrix products": {"gradients": _matrix_gradients},
    "gradients of shape (1,)": {
        "gradients": lambda s, *a: tuple(
            np.array([g]) for g in Solution().gradients(*a)
        )
    },
    "in-place step": {
        "step": lambda s, w, b, dw, db, lr: (
            np.subtract(w, lr * dw, out=w),
            np.subtract(b, lr * db, out=b),
        )
    },
    "train with a numpy array of losses": {
        "train": _train_variant(losses_out=np.array)
    },
    "train with losses as floats": {
        "train": _train_variant(losses_out=lambda losses: [float(v) for v in losses])
    },
    "train that prints to stderr and warns": {"train": _noisy_train},
    "least squares by the normal equations": {
        "least_squares": lambda s, x, y: tuple(
            np.linalg.solve(
                *(lambda a: (a.T @ a, a.T @ y))(np.hstack([x, np.ones_like(x)]))
            ).ravel()
        )
    },
    "least squares returning the (2, 1) array": {
        "least_squares": lambda s, x, y: np.linalg.lstsq(
            np.hstack([x, np.ones_like(x)]), y, rcond=None
        )[0]
    },
    "loss surface as an expanded quadratic": {"loss_surface": _expanded_surface},
}


@pytest.mark.parametrize("methods", EQUIVALENT.values(), ids=EQUIVALENT.keys())
def test_correct_implementations_pass(methods):
    """Do the solution and equivalent correct variants pass every check?"""
    student = mutant(**methods)
    for check in [*FUNCTION, *RESULTS]:
        assert run(check, student) is None


def test_float32_loss_surface_is_not_accepted():
    """Is a float32 surface (1e-7 off) caught? The lab works in float64 throughout."""
    with pytest.raises(AssertionError, match="is wrong in"):
        lab.check_loss_surface(mutant(loss_surface=_float32_surface).loss_surface)


def test_documented_numbers_pass_the_run_checks():
    """Do the document's printed w, b (8 decimals) fail, and its loop's values pass?"""
    w, b, losses = Solution().train(
        NOTEBOOK_X, NOTEBOOK_Y, *Solution().init_params(1, 1, 42), 0.1, 1000
    )
    assert w.shape == (1, 1) and b.shape == (1,)
    lab.check_run_params(w, b)
    lab.check_run_losses(losses)
    assert losses[-1] == 0.008044657695553976  # the document's print(loss)
    with pytest.raises(AssertionError, match="up to 1e-10 allowed"):
        lab.check_run_params(np.array([[-3.03103474]]), np.array([0.52354035]))


@pytest.mark.parametrize("spelling", ["{}", "{} ", " {}", "{}\n", "\t{}  "])
@pytest.mark.parametrize("case", [str.lower, str.upper])
@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_right_answer_passes(question, case, spelling):
    """Is the right letter accepted in either case and with surrounding whitespace?"""
    assert (
        lab.check_answer(question, spelling.format(case(lab.ANSWERS[question]))) is None
    )


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ("B)", "should be one of 'a', 'b', 'c'; got 'B)'. Write the letter alone"),
        ("", "got ''"),
        ("d", "got 'd'"),
        (None, "should be a string holding one letter ('a', 'b', 'c'); got None."),
        (["b"], "got a list of 1 values"),
    ],
)
@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_malformed_answer_is_rejected(question, answer, fragment):
    """Is anything but a single letter rejected with a message saying so?"""
    with pytest.raises(AssertionError) as info:
        lab.check_answer(question, answer)
    assert f"answer_{question} should be" in str(info.value)
    assert fragment in str(info.value)


@pytest.mark.parametrize("question", sorted(lab.ANSWERS))
def test_wrong_letter_does_not_reveal_the_answer(question):
    """Does a wrong letter fail with a message that is the same for every wrong one?"""
    wrong = [letter for letter in lab.LETTERS if letter != lab.ANSWERS[question]]
    texts = []
    for letter in wrong:
        with pytest.raises(AssertionError) as info:
            lab.check_answer(question, letter)
        texts.append(str(info.value).replace(repr(letter), "<answer>"))
    assert "is not right" in texts[0]
    assert len(set(texts)) == 1
    assert repr(lab.ANSWERS[question]) not in texts[0]


def test_answers_are_not_all_the_same_letter():
    assert len(set(lab.ANSWERS.values())) > 1


def test_checks_restore_a_tracer():
    """Does the loop count leave a tracer that was set (a debugger, coverage) in place?"""

    def tracer(frame, event, arg):
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        lab.check_loss_surface_vectorised(Solution().loss_surface)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


def test_python_lines_counts_student_code_only():
    """Does the count see a loop in student code, and ignore numpy's own Python?"""
    x = np.ones((5, 1))

    def vectorised(n):
        return np.mean(np.linspace(0, 1, n) * x)

    def looped(n):
        total = 0.0
        for value in np.linspace(0, 1, n):
            total += value
        return total

    assert lab.python_lines(vectorised, 10) == lab.python_lines(vectorised, 1000) == 1
    assert lab.python_lines(looped, 100) > lab.python_lines(looped, 10) + 100
