"""Which checks a hidden test cell asks the judge for, read from the cell's source."""

from __future__ import annotations

import ast


def judged_checks(source: str) -> list[str]:
    """The names of the `judge.check("name", ...)` calls in a cell, in order.

    A cell that does not parse, or a call whose name is not a string literal,
    asks for nothing that can be judged (and so cannot pass).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "check"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "judge"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append((node.lineno, node.col_offset, node.args[0].value))
    return [name for *_, name in sorted(names)]
