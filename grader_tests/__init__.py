"""Hidden checks for the course labs: references, gradient checking, diagnoses.

The judge (coursekit/judge) runs them outside the student's process: a hidden
test cell names a check (`judge.check("gradient_w", gradients)`), and
`checks(lab)` gives the lab's checks by those names.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

# Each lab's module of checks, with its CHECKS table.
LAB_MODULES = {
    "01_gd_from_scratch": "lab01_gd",
    "02_five_steps_numpy": "lab02_five_steps",
    "03_autograd": "lab03_autograd",
    "04_multi_output_regression": "lab04_multi_output",
    "05_torch_nn": "lab05_nn",
    "06_review": "lab06_review",
}


def module_name(lab: str) -> str:
    """Where a lab's checks live: lab07_something for lab 07_something."""
    return LAB_MODULES.get(lab, f"lab{lab}")


def labs() -> list[str]:
    """The labs listed here (a new lab's module is found by its name, too)."""
    return sorted(LAB_MODULES)


def has_checks(lab: str) -> bool:
    """Whether grader_tests has a module of checks for `lab`."""
    return importlib.util.find_spec(f"grader_tests.{module_name(lab)}") is not None


def checks(lab: str) -> dict[str, Callable[..., None]]:
    """The lab's checks, by the names its hidden test cells call them."""
    if not lab.replace("_", "").isalnum() or not has_checks(lab):
        raise KeyError(f"no checks for a lab named {lab!r}; known: {labs()}")
    module = importlib.import_module(f"grader_tests.{module_name(lab)}")
    return getattr(module, "CHECKS", {})
