"""`make new-lab NAME=07_something`: a new lab from the template, ready to release and grade.

Writes the source notebook, its check module and the check module's unit tests,
the demo class and the mutant catalogue (see `lab_template`), never overwriting
a file, then says what to do next. The test suite finds labs by their folders
in `source/`, so the new lab is tested with no edit anywhere else.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from . import lab_template, layout

NAME = re.compile(r"^(\d{2})_([a-z][a-z0-9]*(?:_[a-z0-9]+)*)$")
EXAMPLE = "07_logistic_regression"


class NewLabError(ValueError):
    """The name is not a valid, unused lab name; the message says why and what to do."""


def template_values(name: str) -> dict[str, str]:
    """The placeholders' values for lab `name` (07_logistic_regression -> lab07_...)."""
    match = NAME.match(name)
    if not match:
        raise NewLabError(
            f"{name!r} is not a lab name: use two digits, an underscore and a "
            f"lower-case slug of letters, digits and single underscores, like "
            f"{EXAMPLE} (the digits order the labs)."
        )
    nn, slug = match.groups()
    return {
        "lab": name,
        "nn": nn,
        "title": slug.replace("_", " ").capitalize(),
        "module": f"lab{nn}_{slug}",
        "prefix": f"lab{nn}",
    }


def planned_files(name: str, root: Path = layout.ROOT) -> dict[Path, str]:
    """Every file the new lab consists of, with its text."""
    values = template_values(name)
    module = values["module"]
    notebook = nbformat.writes(lab_template.notebook(values)) + "\n"
    return {
        layout.notebook("source", name, root=root): notebook,
        root / "grader_tests" / module / "__init__.py": lab_template.INIT,
        root / "grader_tests" / module / "checks.py": lab_template.CHECKS,
        root / "grader_tests" / module / "reference.py": lab_template.REFERENCE,
        root / "grader_tests" / module / "mistakes.py": lab_template.MISTAKES,
        root / "tests" / f"test_grader_{module}.py": lab_template.CHECK_TESTS,
        root / "demo" / f"{name}.toml": lab_template.DEMO,
        root / "mutants" / f"{name}.toml": lab_template.MUTANTS,
    }


def check_unused(name: str, root: Path = layout.ROOT) -> None:
    """Refuse a lab id or number already taken, or a file that exists."""
    values = template_values(name)
    existing = layout.labs(root) if (root / "source").is_dir() else []
    if (root / "source" / name).exists():
        raise NewLabError(f"source/{name} already exists: pick another name.")
    taken = [lab for lab in existing if lab[:2] == values["nn"]]
    if taken:
        numbers = {int(lab[:2]) for lab in existing}
        free = next(n for n in range(1, 100) if n not in numbers)
        raise NewLabError(
            f"lab number {values['nn']} is taken by {taken[0]}: pick an unused "
            f"number (the next free one is {free:02d})."
        )
    for path in planned_files(name, root):
        if path.exists():
            raise NewLabError(
                f"{path.relative_to(root)} already exists: new-lab never overwrites "
                "a file; remove it or pick another name."
            )


def create(name: str, root: Path = layout.ROOT) -> list[Path]:
    """Write the new lab's files (refusing a used or bad name); return their paths."""
    check_unused(name, root)
    files = planned_files(name, root)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(lab_template.fill(text, template_values(name)))
    return list(files)


def next_steps(name: str, files: list[Path], root: Path = layout.ROOT) -> str:
    """What to print after creating lab `name`."""
    values = template_values(name)
    module = values["module"]
    lines = ["created:"] + [f"  {path.relative_to(root)}" for path in files]
    lines += [
        "",
        "next:",
        f"  1. write the lab: .venv/bin/jupyter lab source/{name}/{name}.ipynb "
        "(the Create Assignment panel in the right sidebar shows grade ids and points)",
        f"  2. write its checks in grader_tests/{module}/ (checks.py, reference.py, "
        "mistakes.py) and their tests in "
        f"tests/test_grader_{module}.py;",
        f"     run them: .venv/bin/python -m pytest tests/test_grader_{module}.py -q",
        f"  3. describe the demo class in demo/{name}.toml and the mistakes in "
        f"mutants/{name}.toml",
        "  4. make release && make demo-build   (labs/, release/, solutions/, demo/submitted/)",
        "  5. make format && make lint          (ruff, then the course's rules)",
        f"  6. make demo LAB={name}   (grades its demo class, checks the expected scores)",
        f"  7. add the lab to README.md's table of labs, then commit source/{name}, "
        f"labs/{name}.py, release/, solutions/, demo/, mutants/, grader_tests/ and tests/",
    ]
    return "\n".join(lines)
