"""The tolerances every lab's checks share, by the dtype a student computes in.

A check compares a student's value with a float64 reference. How far a right
answer can be off depends on the precision it was computed in; each entry says
why its numbers are what they are. A tolerance that belongs to one check (a
training run's drift, a mistake's distance) stays beside that check, with its
measurement.
"""

from __future__ import annotations

from typing import NamedTuple


class Tolerance(NamedTuple):
    rtol: float
    atol: float
    why: str


DTYPES = {
    "float32": Tolerance(
        1e-5,
        1e-6,
        (
            "a right formula in float32 on float64 inputs is off by a few float32 eps "
            "(1.2e-7) relative; the nearest mistake the labs check for is 0.5% off or "
            "more, hundreds of times this"
        ),
    ),
    "float64": Tolerance(
        1e-9,
        1e-12,
        (
            "a right formula in float64 is off by a few float64 eps (2.2e-16) relative; "
            "1e-9 leaves room for sums in another order and is still far from any "
            "mistake"
        ),
    ),
}
FLOAT32, FLOAT64 = DTYPES["float32"], DTYPES["float64"]

# Below lr = 2 / L every step of gradient descent on a quadratic lowers the loss; a
# float32 run may jitter by an ulp, 1e-6 relative at most.
MONOTONE_RTOL = 1e-6
