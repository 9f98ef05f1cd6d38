"""`make new-lab NAME=07_something`: a new lab from the template, ready to release and grade.

Writes the lab in the shape every lab of the course has, from the files in
`coursekit/templates/new_lab/` (their paths and texts hold the placeholders
{{lab}} (07_x), {{nn}} (07), {{title}}, {{module}} (lab07_x), {{prefix}}
(lab07)): its paired script `labs/<lab>.py` and the notebook it gives, the
package of checks `grader_tests/<module>/` (checks, reference, mistakes), their
unit tests, the demo class and the mutant catalogue. It never overwrites a file,
then says what to do next. The exercise (the mean squared error, with a
sum-instead-of-mean diagnosis) is there to be replaced, but it is complete: the
solution gets full marks, the blank release 0. The test suite finds labs by
their folders in `source/`, so the new lab is tested with no edit elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import layout, pairs

TEMPLATES = Path(__file__).parent / "templates" / "new_lab"
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


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each {{key}} in `text` by its value."""
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def planned_files(name: str, root: Path = layout.ROOT) -> dict[Path, str]:
    """Every file the new lab consists of, with its text, from the templates."""
    values = template_values(name)
    files = {}
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = fill(str(template.relative_to(TEMPLATES)), values)
        files[root / relative.removesuffix(".tmpl")] = fill(
            template.read_text(), values
        )
    script = files[pairs.pair_path(name, root)]
    files[layout.notebook("source", name, root=root)] = pairs.notebook_bytes(script)
    return files


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
        path.write_text(text)
    return list(files)


def next_steps(name: str, files: list[Path], root: Path = layout.ROOT) -> str:
    """What to print after creating lab `name`."""
    values = template_values(name)
    module, prefix = values["module"], values["prefix"]
    lines = ["created:"] + [f"  {path.relative_to(root)}" for path in files]
    lines += [
        "",
        "next:",
        f"  1. write the lab in labs/{name}.py, or in JupyterLab: .venv/bin/jupyter "
        f"lab source/{name}/{name}.ipynb (the Create Assignment panel in the right "
        "sidebar shows grade ids and points)",
        f"  2. write its checks in grader_tests/{module}/ (checks.py, reference.py, "
        "mistakes.py) and their tests in "
        f"tests/test_grader_{prefix}_checks.py and _reference.py;",
        f"     run them: .venv/bin/python -m pytest tests/test_grader_{prefix}_*.py -q",
        f"  3. describe the demo class in demo/{name}.toml and the mistakes in "
        f"mutants/{name}.toml",
        "  4. make release && make demo-build   (labs/, release/, solutions/, demo/submitted/)",
        "  5. make format && make lint          (ruff, then the course's rules)",
        f"  6. make demo LAB={name}   (grades its demo class, checks the expected scores)",
        f"  7. add the lab to README.md's table of labs, then commit source/{name}, "
        f"labs/{name}.py, release/, solutions/, demo/, mutants/, grader_tests/ and tests/",
    ]
    return "\n".join(lines)
