"""Lab 05's known mistakes, each as the wrong answer it gives and the question to ask.

`simulate` is the reference training run (reference.reference_fit) with one
mistake switched on: a loss other than the mean squared error, gradients that
accumulate (no `opt.zero_grad()`), a step taken before `loss.backward()`, every step
on the whole data set instead of its batch. The candidate functions run it, in
float64 from the checks' own inputs, and pair each result with the question for the
student, for `diagnose.best_match`. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from grader_tests.core.named import Diagnosis
from grader_tests.lab05_torch_nn.reference import (
    Batches,
    LabParams,
    full_batch,
    reference_data64,
    reference_forward,
    reference_init,
    reference_lab_run,
    reference_mse,
    reference_order,
    unshuffled_order,
)

Vector = list[tuple[list[float], str]]
Scalar = list[tuple[float, str]]

SOURCE_LR = 3e-5  # a learning rate often typed in for this data's by-hand loop
SOURCE_EPOCHS = 100  # an epoch count often typed in (`epochs = 100`)

ZERO_GRAD = Diagnosis(
    "PyTorch adds each backward() to .grad: did you forget opt.zero_grad(), so that "
    "the gradients accumulate from batch to batch?",
    "NoZeroGrad",
)
STEP_FIRST = (
    "did you call opt.step() before loss.backward()? The step uses whatever .grad "
    "holds when it runs: nothing yet, or the previous batch's gradient."
)
WHOLE = (
    "did you compute the loss on the whole data set (inputs, targets) instead of "
    "the batch xb, yb? With one batch per epoch both are the same; with batches of "
    "{batch} they are not."
)


def _sentence(text: str) -> str:
    """The question opening a sentence: its first letter capitalised."""
    return text[:1].upper() + text[1:]


def _flat(*arrays: np.ndarray) -> list[float]:
    return np.concatenate([np.asarray(a, np.float64).ravel() for a in arrays]).tolist()


def loss_and_gradients(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, loss: str = "mse"
) -> tuple[float, np.ndarray, np.ndarray]:
    """A loss of the batch and its gradients: "mse", "sum" (reduction='sum') or "l1"."""
    error = reference_forward(x, w, b) - y
    if loss == "mse":
        value, d_error = reference_mse(error, 0.0), 2.0 * error / error.size
    elif loss == "sum":
        value, d_error = float(np.sum(error**2)), 2.0 * error
    elif loss == "l1":
        value, d_error = float(np.mean(np.abs(error))), np.sign(error) / error.size
    else:  # pragma: no cover  (a programming error in this module)
        raise ValueError(f"unknown loss {loss!r}")
    return value, d_error.T @ x, d_error.sum(axis=0)


def simulate(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    batches: Batches,
    *,
    loss: str = "mse",
    accumulate: bool = False,
    step_first: bool = False,
    whole: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """fit in float64 with mistakes: returns w, b and the losses (one per batch).

    accumulate: .grad is never zeroed, so each step uses the sum of all gradients so
    far. step_first: opt.step() runs before loss.backward(), so it uses the previous
    batch's .grad (nothing at the first step). whole: each step's loss is on all the
    data, however many batches the loader yields. With every flag off this is
    `reference_fit`.
    """
    w, b = np.array(w0, np.float64), np.array(b0, np.float64)
    grad_w = grad_b = None  # what .grad holds
    losses = []
    for epoch in batches:
        for idx in epoch:
            xb, yb = (x, y) if whole else (x[idx], y[idx])
            value, dw, db = loss_and_gradients(xb, yb, w, b, loss)
            losses.append(value)
            if step_first and grad_w is not None and grad_b is not None:
                w, b = w - lr * grad_w, b - lr * grad_b
            if accumulate and grad_w is not None:
                grad_w, grad_b = grad_w + dw, grad_b + db
            else:
                grad_w, grad_b = dw, db
            if not step_first:
                w, b = w - lr * grad_w, b - lr * grad_b
    return w, b, losses


Schedule = Callable[[int], Batches]  # num_epochs -> that many epochs' batches


def fit_runs(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    num_epochs: int,
    schedule: Schedule,
    lab_schedule: Schedule,
    p: LabParams,
) -> list[tuple[tuple[np.ndarray, np.ndarray, list[float]], str]]:
    """Runs of fit(num_epochs, ...) with one mistake each, and the question.

    schedule(k): the batches the check's loader yields in k epochs (a fresh seeded
    loader repeats them, so the first epochs of a longer run are the same);
    lab_schedule(k): those of the notebook's train_dl, what a fit that loops over the
    global train_dl instead of its argument loader sees.
    """
    batches = schedule(num_epochs)
    size, per_epoch = len(batches[0][0]), len(batches[0])
    runs: list[tuple[Mapping[str, Any], str]] = [
        ({"accumulate": True}, ZERO_GRAD),
        ({"step_first": True}, _sentence(STEP_FIRST)),
        ({"step_first": True, "accumulate": True}, _sentence(STEP_FIRST)),
    ]
    if per_epoch > 1:  # with one batch per epoch the whole data set is the batch
        runs.append(({"whole": True}, _sentence(WHOLE.format(batch=size))))
    out = [
        (simulate(x, y, w0, b0, lr, batches, **flags), message)
        for flags, message in runs
    ]
    never = (
        "The parameters never moved: does train_step call loss.backward() before "
        "opt.step(), and does fit call train_step for every batch?"
    )
    out.append((simulate(x, y, w0, b0, 0.0, batches), never))  # lr 0: never moves
    for wrong in sorted(
        {SOURCE_EPOCHS, p.num_epochs, num_epochs + 1, 1} - {num_epochs}
    ):
        message = (
            f"They match {wrong} epochs of training, not the {num_epochs} asked for: "
            "does the loop run num_epochs (the argument) times?"
        )
        out.append((simulate(x, y, w0, b0, lr, schedule(wrong)), message))
    lab_batches = lab_schedule(num_epochs)
    lab_size = len(lab_batches[0][0])
    if lab_size != size:
        message = (
            f"They match training on the notebook's train_dl (batches of {lab_size}), "
            f"not on the loader passed in (batches of {size}): does fit loop over "
            "its argument loader?"
        )
        out.append((simulate(x, y, w0, b0, lr, lab_batches), message))
    return out


def fit_params(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    num_epochs: int,
    schedule: Schedule,
    lab_schedule: Schedule,
    p: LabParams,
) -> Vector:
    """(weight and bias, flat) after fit with one mistake, and the question."""
    runs = fit_runs(x, y, w0, b0, lr, num_epochs, schedule, lab_schedule, p)
    return [(_flat(w, b), message) for (w, b, _), message in runs]


def fit_losses(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    num_epochs: int,
    schedule: Schedule,
    lab_schedule: Schedule,
    p: LabParams,
) -> Vector:
    """The loss history of fit with one mistake, and the question."""
    runs = fit_runs(x, y, w0, b0, lr, num_epochs, schedule, lab_schedule, p)
    out = [(losses, message) for (_, _, losses), message in runs if losses]
    after = []
    w, b = np.array(w0, np.float64), np.array(b0, np.float64)
    for epoch in schedule(num_epochs):
        for idx in epoch:
            _, dw, db = loss_and_gradients(x[idx], y[idx], w, b)
            w, b = w - lr * dw, b - lr * db
            after.append(reference_mse(reference_forward(x[idx], w, b), y[idx]))
    out.append(
        (
            after,
            "The losses are those after each step: record the batch's "
            "loss before opt.step() (train_step returns it).",
        )
    )
    return out


def loss_value(y_hat: np.ndarray, y: np.ndarray) -> Scalar:
    """loss_fn(y_hat, y) for other losses than F.mse_loss with reduction='mean'."""
    error = y_hat - y
    mse, numel, rows = reference_mse(y_hat, y), error.size, error.shape[0]
    return [
        (
            numel * mse,
            f"The loss is {numel}x the mean squared error (the batch has "
            f"{numel} entries): did you use reduction='sum' (or torch.sum without "
            "dividing by numel)?",
        ),
        (
            float(np.mean(np.abs(error))),
            "That is the mean absolute error: did you "
            "use F.l1_loss instead of F.mse_loss?",
        ),
        (
            float(np.sum(np.abs(error))),
            "That is the summed absolute error: did you "
            "use F.l1_loss with reduction='sum'?",
        ),
        (
            mse**0.5,
            "That is the square root of the MSE (the RMSE): the MSE has no "
            "square root.",
        ),
        (
            numel / rows * mse,
            f"The loss is {numel // rows}x the MSE: did you divide "
            f"the summed squares by the number of rows ({rows}) instead of the number "
            f"of entries ({numel})?",
        ),
        (mse / 2, "The loss is half the MSE: did you divide by 2?"),
    ]


def optimizer_lr(lr: float) -> Scalar:
    """Learning rates a student may write instead of the argument lr."""
    return [
        (
            SOURCE_LR,
            f"{SOURCE_LR:g} is a typed-in learning rate, not the argument: "
            f"did you copy it from a by-hand loop? Use the argument lr.",
        ),
        (10 * lr, "That is 10x the argument: use lr, not a typed-in value."),
        (lr / 10, "That is a tenth of the argument: use lr, not a typed-in value."),
    ]


def step_params(
    w0: np.ndarray,
    b0: np.ndarray,
    grads: list[tuple[np.ndarray, np.ndarray]],
    whole: tuple[np.ndarray, np.ndarray],
    lr: float,
    lab_lr: float,
) -> Vector:
    """Parameters after the k-th train_step call with one mistake (k = len(grads)).

    grads: the gradient of each call's batch at the parameters it started from;
    whole: the gradient on all the data at the last start.
    """
    (dw, db), k = grads[-1], len(grads)
    acc_w, acc_b = sum(g[0] for g in grads), sum(g[1] for g in grads)
    out = [
        (
            _flat(w0, b0),
            "The parameters did not change: did you call opt.step() "
            "before loss.backward() (the step then finds no gradient), or not at all?",
        ),
        (
            _flat(w0 + lr * dw, b0 + lr * db),
            "The parameters moved uphill, by "
            "+lr * gradient: SGD subtracts lr times the gradient.",
        ),
        (
            _flat(w0 - lr * whole[0], b0 - lr * whole[1]),
            "The step used the "
            "gradient of the whole data set, not of the batch xb, yb passed in: did "
            "you compute the loss on inputs, targets?",
        ),
        (
            _flat(w0 - lab_lr * dw, b0 - lab_lr * db),
            f"The step has the size of "
            f"lr = {lab_lr:g} (the notebook's LR), not of the optimizer passed in: "
            "does train_step use the argument opt?",
        ),
    ]
    if k > 1:
        prev_w, prev_b = grads[-2]
        out += [
            (
                _flat(w0 - lr * acc_w, b0 - lr * acc_b),
                "The second step used the "
                "first batch's gradient plus the second's: " + ZERO_GRAD,
            ),
            (
                _flat(w0 - lr * prev_w, b0 - lr * prev_b),
                "The second step used the first batch's gradient: " + STEP_FIRST,
            ),
        ]
    return out


def returned_loss(after: float) -> Scalar:
    """train_step's return value: the loss after the step instead of before."""
    return [
        (
            after,
            "That is the batch's loss after the step: return the loss computed "
            "before opt.step() (the one backward() differentiated).",
        ),
    ]


def prediction(x_new: np.ndarray, p: LabParams) -> Vector:
    """The notebook's prediction after training with one mistake, and the question."""
    x, y = reference_data64(p)
    w0, b0 = reference_init(p.seed, p)
    n = len(x)

    def order(batch: int = p.batch_size, epochs: int = p.num_epochs) -> Batches:
        return reference_order(n, batch, p.seed, epochs)

    runs: list[tuple[dict[str, Any], str]] = [
        (
            dict(batches=order(), loss="sum"),
            "Was the model trained with the "
            "summed squared error (reduction='sum')? Check loss_fn.",
        ),
        (
            dict(batches=order(), loss="l1"),
            "Was the model trained with the mean "
            "absolute error (F.l1_loss)? Check loss_fn.",
        ),
        (dict(batches=order(), accumulate=True), ZERO_GRAD),
        (
            dict(batches=order(), lr=SOURCE_LR),
            f"Was the model trained with lr = "
            f"{SOURCE_LR:g} (a typed-in value) instead of {p.lr:g}? Check "
            "make_optimizer.",
        ),
        (
            dict(batches=order(epochs=SOURCE_EPOCHS)),
            f"The model looks trained for "
            f"{SOURCE_EPOCHS} epochs, not {p.num_epochs}: does fit run num_epochs "
            "epochs?",
        ),
        (
            dict(batches=order(epochs=2 * p.num_epochs)),
            f"The model looks trained "
            f"for {2 * p.num_epochs} epochs: did you run the training cell twice? "
            "Any extra fit(..., model, ...) continues training the same model; "
            "restart the kernel and run all cells once.",
        ),
        (
            dict(batches=order(batch=1)),
            "The model looks trained with batches of 1 "
            "example: does make_loader pass batch_size=batch_size to the DataLoader?",
        ),
    ]
    out = [
        (
            _flat(reference_forward(x_new, w0, b0)),
            "The prediction is the one of "
            "the untrained model: did training run, and does train_step call "
            "loss.backward() before opt.step()?",
        )
    ]
    for kwargs, message in runs:
        lr = kwargs.pop("lr", p.lr)
        w, b, _ = simulate(x, y, w0, b0, lr, **kwargs)
        out.append((_flat(reference_forward(x_new, w, b)), message))
    return out


def train_params(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    lr: float,
    num_epochs: int,
    lab: tuple[float, int],
) -> Vector:
    """(w, b) after train with one mistake, and the question.

    lab: the notebook's (LR, NUM_EPOCHS), for a loop that reads them instead of its
    arguments.
    """
    batches = full_batch(len(x), num_epochs)
    shrink = (1 - lr) ** num_epochs
    out = [
        (
            _flat(w0 * shrink, b0 * shrink),
            Diagnosis(
                "w and b only shrank toward 0: "
                "did you update with the weights instead of their gradients, as in "
                "w.sub_(w * learning_rate)? Use w -= w.grad * lr.",
                "UpdatedWithWeights",
            ),
        ),
        (
            _flat(w0, b0),
            "w and b never moved: does the loop update them in place "
            "(w -= w.grad * lr inside torch.no_grad()) and return them?",
        ),
    ]
    runs: list[tuple[dict[str, Any], str]] = [
        (
            dict(accumulate=True),
            Diagnosis(
                "The loop's gradients accumulate: did you "
                "forget w.grad.zero_() and b.grad.zero_() after each update?",
                "NoZeroGrad",
            ),
        ),
        (
            dict(loss="sum"),
            "w, b match training with the summed squared error: "
            "divide the sum by diff.numel(), as the mean does.",
        ),
        (
            dict(lr=SOURCE_LR),
            f"w, b match lr = {SOURCE_LR:g}, a typed-in "
            "learning_rate: use the argument lr.",
        ),
        (
            dict(lr=lab[0]),
            f"w, b match lr = {lab[0]:g} (the notebook's LR), not the "
            "lr passed in: does train use its argument lr?",
        ),
        (
            dict(epochs=lab[1]),
            f"w, b match {lab[1]} epochs (the notebook's "
            "NUM_EPOCHS), not the num_epochs passed in: does the loop use its "
            "argument?",
        ),
        (
            dict(epochs=SOURCE_EPOCHS),
            f"w, b match {SOURCE_EPOCHS} epochs (typed "
            "in), not the num_epochs passed in.",
        ),
    ]
    for kwargs, message in runs:
        rate = kwargs.pop("lr", lr)
        epochs = kwargs.pop("epochs", num_epochs)
        if (rate, epochs) == (lr, num_epochs) and not kwargs:
            continue  # the notebook's own settings: no mistake to see
        run = full_batch(len(x), epochs) if epochs != num_epochs else batches
        w, b, _ = simulate(x, y, w0, b0, rate, run, **kwargs)
        out.append((_flat(w, b), message))
    return out


def minibatch_length(count: int, n: int, batch: int, p: LabParams) -> str | None:
    """Why the mini-batch run has `count` losses: another batch size or epoch count."""
    per_epoch = -(-n // batch)
    if count == p.num_epochs:
        return (
            "That is one loss per epoch: are the batches of all five rows "
            f"(BATCH_SIZE)? Use make_loader(inputs, targets, {batch}, SEED)."
        )
    if count == n * p.num_epochs:
        return (
            f"That is {n} batches per epoch, batches of 1 row: use "
            f"make_loader(inputs, targets, {batch}, SEED)."
        )
    if count and count % per_epoch == 0:
        return (
            f"That is {count // per_epoch} epochs of {per_epoch} batches: train for "
            "NUM_EPOCHS epochs."
        )
    return None


def minibatch_losses(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    batch: int,
    p: LabParams,
) -> Vector:
    """The mini-batch run's losses with one mistake, and the question."""
    n, epochs = len(x), p.num_epochs
    seeded = reference_order(n, batch, p.seed, epochs)
    trained_w, trained_b, _ = reference_lab_run(p)
    runs = [
        (
            (w0, b0, p.lr, unshuffled_order(n, batch, epochs)),
            "The batches come in "
            "the stored order, rows 0-1, 2-3, 4, every epoch: the loader does not "
            f"shuffle. Use make_loader(inputs, targets, {batch}, SEED).",
        ),
        (
            (trained_w, trained_b, p.lr, seeded),
            "The run continued from Section 8's "
            "trained model: start from a fresh model_mb = make_model(SEED).",
        ),
        (
            (w0, b0, SOURCE_LR, seeded),
            f"The run used lr = {SOURCE_LR:g}, typed in: "
            "use make_optimizer(model_mb, LR).",
        ),
    ]
    out = []
    for (w, b, lr, order), message in runs:
        out.append((simulate(x, y, w, b, lr, order)[2], message))
    return out


def minibatch_start(
    first: float,
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: np.ndarray,
    batch: int,
    rtol: float,
) -> str:
    """Whether losses_mb[0] is the seeded start's loss on some batch: then the
    batches are the wrong ones, else the start is."""
    n = len(x)
    pairs = [[i, j] for i in range(n) for j in range(n) if i < j]
    firsts = [reference_mse(reference_forward(x[idx], w0, b0), y[idx]) for idx in pairs]
    if any(abs(first - value) <= rtol * abs(value) for value in firsts):
        return (
            "losses_mb[0] is the loss of make_model(SEED)'s start on a batch of "
            f"{batch} rows, but the batches are not the seeded ones: build the loader "
            f"with make_loader(inputs, targets, {batch}, SEED), whose shuffle has a "
            "seeded generator of its own (an unseeded or hand-built DataLoader visits "
            "the rows in another order)."
        )
    return (
        "losses_mb[0] is not the loss of make_model(SEED)'s start on any batch of "
        f"{batch} rows: start from a fresh model_mb = make_model(SEED)."
    )
