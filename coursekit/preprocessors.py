"""nbgrader preprocessors the course adds to autograding, listed in nbgrader_config.py."""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade


class StderrCostsNothing(NbGraderPreprocessor):
    """Keep what a graded cell wrote to stderr, as output that costs no points.

    nbgrader scores a test cell 0 when anything reached stderr, but correct code
    writes there too: `logging` (stderr by default), `print(..., file=sys.stderr)`,
    a tqdm bar, a warning. Runs right after Execute: each stderr stream of a graded
    cell becomes an ordinary stream with the same text, so the student still sees
    it in the graded notebook and the feedback, in the order it was written
    (neighbouring streams joined). A cell fails by an error output (an exception,
    a timeout), and those are left as they are.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict, index: int
    ) -> tuple[NotebookNode, dict]:
        if cell.cell_type == "code" and is_grade(cell):
            outputs: list[NotebookNode] = []
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                last = outputs[-1] if outputs else None
                if _is_stdout(output) and last is not None and _is_stdout(last):
                    last.text += output.text
                else:
                    outputs.append(output)
            cell.outputs = outputs
        return cell, resources


def _is_stdout(output: NotebookNode) -> bool:
    return output.output_type == "stream" and output.name == "stdout"
