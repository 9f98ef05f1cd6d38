"""Hidden checks for the course labs: references, gradient checking, diagnoses.

`core/` holds what every lab's checks share (the judge's view of the student's
values, validation, comparison, messages, diagnoses, gradient checking, multiple
choice); each lab has a package named like the lab, `lab01_gd_from_scratch/`:
its `checks` (and their `CHECKS` table), `reference` and `mistakes`.

The judge (coursekit/judge) runs them outside the student's process: a hidden
test cell names a check (`judge.check("gradient_w", gradients)`), and
`checks(lab)` gives the lab's checks by those names.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable


def module_name(lab: str) -> str:
    """Where a lab's checks live: the package lab07_something for lab 07_something."""
    return f"lab{lab}"


def labs() -> list[str]:
    """The labs that have a package of checks here."""
    return sorted(
        m.name[3:] for m in pkgutil.iter_modules(__path__) if m.name.startswith("lab")
    )


def has_checks(lab: str) -> bool:
    """Whether grader_tests has a module of checks for `lab`."""
    return importlib.util.find_spec(f"grader_tests.{module_name(lab)}") is not None


def checks(lab: str) -> dict[str, Callable[..., None]]:
    """The lab's checks, by the names its hidden test cells call them."""
    if not lab.replace("_", "").isalnum() or not has_checks(lab):
        raise KeyError(f"no checks for a lab named {lab!r}; known: {labs()}")
    module = importlib.import_module(f"grader_tests.{module_name(lab)}")
    return getattr(module, "CHECKS", {})
