"""Lab 01 references: the data recipe and float64 values of every quantity the lab asks.

Computed from `LabParams` (never stored answers), so a per-student variant is just
another `LabParams`. The data is float32 by the contract's torch recipe, reproduced
bit for bit; everything computed from it is float64 numpy, the formulas of the lab.
The unit tests compare each with torch autograd in float64, finite differences and
np.linalg.lstsq.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import torch

from grader_tests.core import linear
from grader_tests.core.variant import student_bytes


@dataclass(frozen=True)
class LabParams:
    """The lab's data and training settings (the notebook's constants)."""

    seed: int = 42
    n: int = 100
    true_w: float = 2.0
    true_b: float = 3.0
    noise_std: float = 0.2
    lr: float = 0.1
    num_epochs: int = 1000
    w0: float = 0.0
    b0: float = 0.0


DEFAULT = LabParams()

# The student's data: the true line and the seed come from the bytes of their id
# (grader_tests.core.variant); n, the noise and the training settings stay the lab's, so
# every experiment of the lab behaves alike for everyone (lr = 0.1 is stable and
# 1000 epochs converge for any x drawn on [0, 1)). The notebook's "Your data" cell
# repeats these three lines.
SLOPES = "1.0 to 3.0 in steps of 0.1"
INTERCEPTS = "2.0 to 4.0 in steps of 0.1"


def student_params(lab_key: str, student: str) -> LabParams:
    """The data settings of `student` (no id: the example data, DEFAULT)."""
    if not student:
        return DEFAULT
    key = student_bytes(lab_key, student)
    return replace(
        DEFAULT,
        seed=int.from_bytes(key[:4], "big"),
        true_w=(10 + key[4] % 21) / 10,
        true_b=(20 + key[5] % 21) / 10,
    )


def run_answers(p: LabParams = DEFAULT) -> dict[str, float]:
    """What the lab's run on p's data ends at: the numbers a student reports."""
    x, y = (t.double().numpy() for t in reference_data(p))
    w, b, losses = reference_train(x, y, p.w0, p.b0, p.lr, p.num_epochs)
    return {"w": w, "b": b, "final loss": losses[-1]}


# Section 8: a second run from far out, and the epochs each run needs to come within
# 1% of the least loss. Section 10: the data again with a larger noise, same seed.
FAR_START = (-10.0, 10.0)
TARGET_FACTOR = 1.01
NOISE_STD_HIGH = 1.0


def least_loss(x: np.ndarray, y: np.ndarray) -> float:
    """The MSE of the least-squares line of (x, y): the floor under every run."""
    A = np.hstack([x, np.ones_like(x)])
    w, b = np.linalg.lstsq(A, y, rcond=None)[0].ravel()
    return reference_mse(reference_predict(x, float(w), float(b)), y)


def reference_epochs_to_reach(losses: list[float], target: float) -> int | None:
    """The first epoch k with losses[k] <= target, or None if there is none."""
    return next((k for k, loss in enumerate(losses) if loss <= target), None)


def init_answers(p: LabParams = DEFAULT) -> dict:
    """Section 8 on p's data: the far run, the target, the epochs of both runs."""
    x, y = (t.double().numpy() for t in reference_data(p))
    target = TARGET_FACTOR * least_loss(x, y)
    near = reference_train(x, y, p.w0, p.b0, p.lr, p.num_epochs)[2]
    w, b, far = reference_train(x, y, *FAR_START, p.lr, p.num_epochs)
    return {
        "w_far": w,
        "b_far": b,
        "losses_far": far,
        "losses_near": near,
        "target": target,
        "epochs_near": reference_epochs_to_reach(near, target),
        "epochs_far": reference_epochs_to_reach(far, target),
    }


def noise_params(p: LabParams = DEFAULT) -> LabParams:
    """p's data made again with the larger noise (same seed, so the same x and z)."""
    return replace(p, noise_std=NOISE_STD_HIGH)


def noise_answers(p: LabParams = DEFAULT) -> dict:
    """Section 10 on p's data: the noisy run and the two final loss / noise_std**2."""
    x, y = (t.double().numpy() for t in reference_data(noise_params(p)))
    w, b, losses = reference_train(x, y, p.w0, p.b0, p.lr, p.num_epochs)
    final = run_answers(p)["final loss"]
    return {
        "w_noisy": w,
        "b_noisy": b,
        "losses_noisy": losses,
        "noise_ratios": [final / p.noise_std**2, losses[-1] / NOISE_STD_HIGH**2],
    }


def describe(p: LabParams) -> list[str]:
    """p's data and the reference answers of the lab's numeric tasks, as text lines."""
    x, y = (t.double().numpy() for t in reference_data(p))
    a = run_answers(p)
    A = np.hstack([x, np.ones_like(x)])
    w_ls, b_ls = np.linalg.lstsq(A, y, rcond=None)[0].ravel()
    return [
        f"data: true line y = {p.true_w}x + {p.true_b}, noise std {p.noise_std}, "
        f"n = {p.n}, seed {p.seed}",
        f"run (train from w0 = {p.w0}, b0 = {p.b0}, lr = {p.lr}, {p.num_epochs} "
        f"epochs): w = {a['w']:.6f}, b = {a['b']:.6f}, final loss {a['final loss']:.6f}",
        f"least squares: w = {w_ls:.6f}, b = {b_ls:.6f}",
        f"largest stable lr: {reference_largest_stable_lr(x):.6f}",
        f"largest stable lr for x_big: {big_lrs(p)[1] * 2:.6f}",
        "epochs to reach the target {target:.6f}: {epochs_near} from (0, 0), "
        "{epochs_far} from (-10, 10)".format(**init_answers(p)),
        "noise_std = 1.0: w = {w_noisy:.6f}, b = {b_noisy:.6f}".format(
            **noise_answers(p)
        ),
    ]


# The run's test cell prints this line before it checks anything; the class report
# reads it back to see whose data a student's numbers fit (coursekit.copies).
REPORTED_CELL = "test_train_run"
REPORTED = re.compile(r"^your run: w = (\S+), b = (\S+)$", re.M)
REPORTED_ATOL = 5e-5  # printed to 6 decimals; a float32 run stalls within 1e-5


def reported(text: str) -> dict[str, float] | None:
    """The w, b a run's test cell printed, or None."""
    match = REPORTED.search(text)
    if not match:
        return None
    return {"w": float(match.group(1)), "b": float(match.group(2))}


def pasted_cells(p: LabParams) -> dict[str, str]:
    """The runs' answer cells with p's numbers typed in, as a copying student would."""
    a, i, n = run_answers(p), init_answers(p), noise_answers(p)
    return {
        "train_run": f"w = torch.tensor({a['w']!r})\n"
        f"b = torch.tensor({a['b']!r})\n"
        f"losses = [{a['final loss']!r}]",
        "init_run": f"w_far = torch.tensor({i['w_far']!r})\n"
        f"b_far = torch.tensor({i['b_far']!r})\n"
        f"losses_far = [{i['losses_far'][-1]!r}]\n"
        f"epochs_near, epochs_far = {i['epochs_near']!r}, {i['epochs_far']!r}",
        "noise_run": "x_noisy, y_noisy = make_data(N, TRUE_W, TRUE_B, NOISE_STD_HIGH, "
        "SEED)\n"
        f"w_noisy = torch.tensor({n['w_noisy']!r})\n"
        f"b_noisy = torch.tensor({n['b_noisy']!r})\n"
        f"losses_noisy = [{n['losses_noisy'][-1]!r}]\n"
        f"noise_ratios = {n['noise_ratios']!r}",
    }


def reference_data(p: LabParams = DEFAULT) -> tuple[torch.Tensor, torch.Tensor]:
    """The contract's make_data recipe in float32, bit for bit; global RNG untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(p.seed)
        x = torch.rand(p.n, 1)
        noise = p.noise_std * torch.randn(p.n, 1)
        y = p.true_w * x + p.true_b + noise
    return x, y


def wrong_recipe_draws(p: LabParams = DEFAULT) -> dict[str, np.ndarray]:
    """Seeded draws that wrong recipes use, flat float64: to recognise them in y or x.

    "x_after_noise": x drawn after the noise; "z": the recipe's standard normal noise
    (noise = noise_std * z); "u": uniform noise (torch.rand instead of torch.randn).
    """
    draws = {}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(p.seed)
        torch.randn(p.n, 1)
        draws["x_after_noise"] = torch.rand(p.n, 1)
        for name, draw in (("z", torch.randn), ("u", torch.rand)):
            torch.manual_seed(p.seed)
            torch.rand(p.n, 1)
            draws[name] = draw(p.n, 1)
    return {k: v.double().numpy().ravel() for k, v in draws.items()}


def reference_predict(x: np.ndarray, w: float, b: float) -> np.ndarray:
    """Predictions y_hat = w * x + b."""
    return w * x + b


reference_mse = linear.mse  # the lab's loss, shared with every lab


def reference_gradients(
    x: np.ndarray, y: np.ndarray, w: float, b: float
) -> tuple[float, float]:
    """(dL/dw, dL/db) of the MSE: (2 mean(x (y_hat - y)), 2 mean(y_hat - y))."""
    error = reference_predict(x, w, b) - y
    return float(2 * np.mean(x * error)), float(2 * np.mean(error))


def reference_step(
    w: float, b: float, dw: float, db: float, lr: float
) -> tuple[float, float]:
    """One gradient-descent update (w - lr dw, b - lr db)."""
    return w - lr * dw, b - lr * db


def reference_train(
    x: np.ndarray, y: np.ndarray, w0: float, b0: float, lr: float, num_epochs: int
) -> tuple[float, float, list[float]]:
    """The lab's loop: record the loss, then update; returns (w, b, losses)."""
    w, b, losses = float(w0), float(b0), []
    for _ in range(num_epochs):
        losses.append(reference_mse(reference_predict(x, w, b), y))
        w, b = reference_step(w, b, *reference_gradients(x, y, w, b), lr)
    return w, b, losses


def hessian(x: np.ndarray) -> np.ndarray:
    """Hessian of the MSE w.r.t. (w, b): 2 [[mean(x^2), mean(x)], [mean(x), 1]]."""
    x = np.asarray(x, np.float64).ravel()
    return 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])


def reference_largest_stable_lr(x: np.ndarray) -> float:
    """2 / L, L the largest eigenvalue of the Hessian: GD diverges above it."""
    return 2.0 / float(np.linalg.eigvalsh(hessian(x))[-1])


# The learning-rate sweep of Section 9: factors of the largest stable lr, a short run.
SWEEP_EPOCHS = 20
LR_FACTORS = (0.1, 0.5, 0.9, 1.1)
BIG_SEED_OFFSET = 1  # x_big is drawn with seed + 1, after the lab's data
BIG_SCALE = 10.0  # x_big = 10 * torch.randn(n, 1): normal, std 10


def reference_big_data(p: LabParams = DEFAULT) -> tuple[torch.Tensor, torch.Tensor]:
    """The notebook's x_big, y_big in float32, bit for bit; global RNG untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(p.seed + BIG_SEED_OFFSET)
        x = BIG_SCALE * torch.randn(p.n, 1)
        line_w, line_b = torch.tensor([[p.true_w]]), torch.tensor([p.true_b])
        y = torch.nn.functional.linear(x, line_w, line_b)
        y = y + p.noise_std * torch.randn(p.n, 1)
    return x, y


def sweep_lrs(x: np.ndarray) -> list[float]:
    """The sweep's learning rates for inputs x: LR_FACTORS times 2 / L."""
    lr_max = reference_largest_stable_lr(x)
    return [factor * lr_max for factor in LR_FACTORS]


def big_lrs(p: LabParams = DEFAULT) -> list[float]:
    """The learning rates of sweep_big: the lab's lr and half of x_big's 2 / L."""
    x_big = reference_big_data(p)[0].double().numpy()
    return [p.lr, reference_largest_stable_lr(x_big) / 2]


def reference_sweep(
    x: np.ndarray,
    y: np.ndarray,
    lrs: list[float],
    num_epochs: int,
    starts: list[tuple[float, float]] | None = None,
) -> list[float]:
    """The final loss losses[-1] of the lab's loop from (0, 0) for each lr.

    `starts` gives another start per run (for the mistakes); a run that overflows
    float64 ends at inf or nan, as it would in the student's float32.
    """
    out = []
    with np.errstate(over="ignore", invalid="ignore"):
        for k, lr in enumerate(lrs):
            w0, b0 = (0.0, 0.0) if starts is None else starts[k]
            out.append(reference_train(x, y, w0, b0, lr, num_epochs)[2][-1])
    return out


def chained_sweep(
    x: np.ndarray, y: np.ndarray, lrs: list[float], num_epochs: int
) -> list[float]:
    """The sweep of a loop that never resets: each run starts where the last ended."""
    w, b, out = 0.0, 0.0, []
    with np.errstate(over="ignore", invalid="ignore"):
        for lr in lrs:
            w, b, losses = reference_train(x, y, w, b, lr, num_epochs)
            out.append(losses[-1])
    return out
