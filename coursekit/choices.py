"""A lab's multiple-choice items as data: each question's options and its key.

An item is a markdown cell that lists its options as `- a) ...`, `- b) ...`
(one per list item, continued on indented lines), followed within a few cells
by the answer cell whose solution sets `answer_<name> = "<letter>"`. The
linter uses this to ask whether an option gives itself away by its length
alone: a student who always picks the longest option should do no better
than one who guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbformat import NotebookNode

OPTION = re.compile(r"^- ([a-e])\) (.*?)(?=^- [a-e]\) |^\s*$|\Z)", re.M | re.S)
KEY = re.compile(
    r"### BEGIN SOLUTION.*?^(answer_\w+)\s*=\s*[\"']([a-e])[\"']", re.M | re.S
)
# How far after its question an item's answer cell may sit.
LOOKAHEAD = 3


@dataclass(frozen=True)
class Item:
    """One multiple-choice item: where it is, its options' text and its key."""

    index: int  # the question's cell
    name: str  # the answer's variable, answer_<name>
    options: dict[str, str]  # letter -> text, white space collapsed
    key: str

    def length(self, letter: str) -> int:
        """The option's length in characters, as a reader sees it on the page."""
        return len(self.options[letter])

    @property
    def rank(self) -> int:
        """1 if the keyed option is the longest (ties count as longest), 2 if second..."""
        mine = self.length(self.key)
        return 1 + sum(self.length(other) > mine for other in self.options)

    @property
    def key_is_longest(self) -> bool:
        """Would "pick the longest option" choose the key (alone or in a tie)?"""
        return self.rank == 1

    @property
    def key_is_shortest(self) -> bool:
        """Would "pick the shortest option" choose the key (alone or in a tie)?"""
        mine = self.length(self.key)
        return all(self.length(other) >= mine for other in self.options)


def _options(text: str) -> dict[str, str]:
    return {m.group(1): " ".join(m.group(2).split()) for m in OPTION.finditer(text)}


def items(nb: NotebookNode) -> list[Item]:
    """The notebook's multiple-choice items, in order."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        options = _options(cell.source)
        if len(options) < 2:
            continue
        for answer in nb.cells[index + 1 : index + 1 + LOOKAHEAD]:
            match = KEY.search(answer.source) if answer.cell_type == "code" else None
            if match and match.group(2) in options:
                found.append(Item(index, match.group(1), options, match.group(2)))
                break
    return found
