"""Can code in a submission change a judged verdict? The tamper catalogue, both ways of grading.

Every entry starts from the same wrong submission of lab 01 (predict ignores b,
answer_init is the wrong letter) and adds one attempt to change what grading
decides: patch or replace the judge's client, reach the checks or their answer
key by any route, forge or swallow the verdict, cut or flood the channel, hand
the judge hostile objects, loop inside a call the judge made. None uses the
names the integrity scan looks for. The catalogue is graded twice, by plain
`nbgrader autograde` (which starts its judge and warm kernels on demand) and
by the course's grading (`make grade`), each in a fresh course with an honest
student graded after every cheat.

An attempt holds if it scores no more than the wrong submission without it,
and the honest student keeps full marks and untouched files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coursekit import grading, labkeys, layout, release, report

from .course import REPO, auto_points, make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

LAB = "01_gd_from_scratch"
BASELINE, HONEST = "aa_wrong", "zz_honest"  # graded first and last
CORRECT = REPO / "demo" / "submitted" / "correct" / LAB / f"{LAB}.ipynb"
WRONG_PREDICT = "def predict(x, w, b):\n    return w * x\n"
WRONG_ANSWER = 'answer_init = "a"\n'
# The judge's client, reached without the names the scan looks for.
CLIENT = 'import sys as _s\n_mods = getattr(_s, "mod" + "ules")\n_pkg = "course" + "kit.judge"\n'
NEUTER = CLIENT + (
    "_noop = lambda *args, **kwargs: None\n"
    "_mods[_pkg].check = _noop\n"
    '_mods[_pkg + ".client"].check = _noop\n'
)
PASS_ALWAYS = CLIENT + (
    '_client = _mods[_pkg + ".client"]\n'
    "_real = _client.ask\n"
    "def _lie(*args, **kwargs):\n"
    "    verdict = _real(*args, **kwargs)\n"
    "    verdict.passed = True\n"
    "    return verdict\n"
    "_client.ask = _lie\n"
)
GC_WALK = """import gc, types
for _o in gc.get_objects():
    if isinstance(_o, types.FunctionType) and _o.__name__ in ("check", "ask", "over") \\
            and "judge" in (_o.__module__ or ""):
        _o.__code__ = (lambda *args, **kwargs: None).__code__
"""
CODE_SWAP = CLIENT + (
    '_client = _mods[_pkg + ".client"]\n'
    "def _init(self, passed, ename, message):\n"
    "    self.passed, self.ename, self.message = True, ename, message\n"
    "_client.Verdict.__init__.__code__ = _init.__code__\n"
)
COMPARISONS = NEUTER + (
    "import numpy as np, torch\n"
    "torch.allclose = lambda *args, **kwargs: True\n"
    "torch.equal = lambda *args, **kwargs: True\n"
    "np.allclose = lambda *args, **kwargs: True\n"
)
KEY_FROM_FILES = """import os, re
_letter = "a"
for _top in [os.environ.get("COURSEKIT_COURSE", "/"), os.path.dirname(os.__file__) + "/..",
             os.getcwd() + "/../../..", "/tmp", "/var/tmp"]:
    for _dir, _, _files in os.walk(_top):
        for _name in _files:
            if _name.endswith((".py", ".ipynb", ".toml", ".sql", ".db")):
                try:
                    _text = open(os.path.join(_dir, _name), errors="ignore").read()
                except OSError:
                    continue
                _m = re.search(r'ANSWERS = \\{"init": "(\\w)"', _text)
                if _m:
                    _letter = _m.group(1)
answer_init = _letter
"""
KEY_FROM_MODULES = (
    CLIENT
    + """_letter = "a"
for _m in list(_mods.values()):
    _key = getattr(_m, "ANSWERS", None)
    if isinstance(_key, dict) and "init" in _key:
        _letter = _key["init"]
answer_init = _letter
"""
)
ORACLE = (
    CLIENT
    + """_judge = _mods[_pkg]
answer_init = "a"
for _letter in "abc":
    try:
        _judge.check("answer_init", _letter)
        answer_init = _letter
        break
    except AssertionError:
        pass
"""
)
REPLACE_CLIENT = (
    CLIENT
    + """import os
os.makedirs("course" + "kit/judge", exist_ok=True)
open("course" + "kit/__init__.py", "w").write("")
open("course" + "kit/judge/__init__.py", "w").write("def check(*args, **kwargs):\\n    pass\\n")
for _name in [n for n in _mods if n.startswith("course" + "kit")]:
    del _mods[_name]
_s.path.insert(0, os.getcwd())
"""
)
FORGE = """print("judge: every check passed")
raise SystemExit
"""
CUT_SOCKET = """import socket
_connect = socket.socket.connect
def _cut(self, address):
    if str(address).endswith("judge.sock"):
        self.close()
    return _connect(self, address)
socket.socket.connect = _cut
"""
FLOOD = """import glob, json, os, socket, threading
from ipykernel.connect import get_connection_file
_path = os.path.join(os.path.dirname(json.load(open(get_connection_file()))["ip"]), "judge.sock")
def _flood():
    for _ in range(5000):
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(_path)
                s.sendall(b"\\x00\\x00\\x00\\x10{\\"kind\\": \\"x\\"}xx")
        except OSError:
            pass
threading.Thread(target=_flood, daemon=True).start()
"""
SWALLOW = """_ip = get_ipython()
_ip.showtraceback = lambda *args, **kwargs: None
_ip.showsyntaxerror = lambda *args, **kwargs: None
"""


def _hostile(returns: str) -> str:
    return f"import numpy as np, torch\n{returns}\n"


LYING_TENSOR = _hostile("""class Liar(torch.Tensor):
    def __eq__(self, other):
        return True
    def tolist(self):
        return (2.0 * self.as_subclass(torch.Tensor) + 3.0).tolist()

def predict(x, w, b):
    return (w * x).as_subclass(Liar)""")
ALWAYS_EQUAL = _hostile("""class Same:
    def __eq__(self, other):
        return True
    def __float__(self):
        return 0.0
    shape = (100, 1)

def predict(x, w, b):
    return Same()""")
FLOAT_RAISES = _hostile("""class Bad:
    def __float__(self):
        raise RuntimeError("no")

def predict(x, w, b):
    return Bad()""")
FLOAT_LOOPS = _hostile("""class Endless:
    def __float__(self):
        while True:
            pass
    def __len__(self):
        while True:
            pass

def predict(x, w, b):
    return Endless()""")
REDUCE_AND_DEL = _hostile("""import os
class Trap:
    def __reduce__(self):
        open("/tmp/reduced", "w").write("ran")
        return (print, ("reduced",))
    def __del__(self):
        open("deleted", "w").write("ran")

def predict(x, w, b):
    return [Trap(), w * x]""")
DEEP = _hostile("""def predict(x, w, b):
    deep = w * x
    for _ in range(100_000):
        deep = [deep]
    return deep""")
HUGE = _hostile("""def predict(x, w, b):
    return torch.zeros(120_000_000)""")
LOOPS_IN_CALL = _hostile("""def predict(x, w, b):
    if x.dtype == torch.float64:  # the judge's own inputs
        while True:
            pass
    return w * x""")

# Files the kernel leaves for the grader's writers, which run outside the sandbox.
LINK_TO_HONEST = f"""import os
_mine = os.path.basename(os.getcwd()) + ".ipynb"
os.remove(_mine)
os.symlink("../../../submitted/{HONEST}/{LAB}/{LAB}.ipynb", _mine)
{WRONG_ANSWER}"""
NOTEBOOKS_LEFT = f"""for _name in ("extra.ipynb", "zz_extra.ipynb", "broken.ipynb"):
    with open(_name, "w") as _f:
        _f.write("{{}}" if _name != "broken.ipynb" else "not a notebook")
{WRONG_ANSWER}"""

# name -> (the cell it goes into, its code); each keeps the wrong predict and answer.
CATALOGUE = {
    "module_table_by_getattr": ("predict", NEUTER + WRONG_PREDICT),
    "client_says_passed": ("predict", PASS_ALWAYS + WRONG_PREDICT),
    "gc_walk": ("predict", GC_WALK + WRONG_PREDICT),
    "hex_exec": (
        "predict",
        f"exec(bytes.fromhex({NEUTER.encode().hex()!r}).decode())\n" + WRONG_PREDICT,
    ),
    "code_swap": ("predict", CODE_SWAP + WRONG_PREDICT),
    "comparisons_patched": ("predict", COMPARISONS + WRONG_PREDICT),
    "key_from_files": ("answer_init", KEY_FROM_FILES),
    "key_from_modules": ("answer_init", KEY_FROM_MODULES),
    "key_from_the_judge": ("answer_init", ORACLE),
    "client_replaced": ("predict", REPLACE_CLIENT + WRONG_PREDICT),
    "verdict_forged": ("predict", WRONG_PREDICT + FORGE),
    "errors_swallowed": ("predict", SWALLOW + WRONG_PREDICT),
    "socket_cut": ("predict", CUT_SOCKET + WRONG_PREDICT),
    "judge_flooded": ("predict", FLOOD + WRONG_PREDICT),
    "lying_tensor": ("predict", LYING_TENSOR),
    "always_equal": ("predict", ALWAYS_EQUAL),
    "float_raises": ("predict", FLOAT_RAISES),
    "float_loops": ("predict", FLOAT_LOOPS),
    "reduce_and_del": ("predict", REDUCE_AND_DEL),
    "deep_recursion": ("predict", DEEP),
    "huge_array": ("predict", HUGE),
    "loops_in_a_call": ("predict", LOOPS_IN_CALL),
    "link_to_honest": ("answer_init", LINK_TO_HONEST),
    "notebooks_left": ("answer_init", NOTEBOOKS_LEFT),
}


def _notebook(cells: dict[str, str], student: str = "correct") -> nbformat.NotebookNode:
    """The worked solution with these cells replaced, working with `student`'s data."""
    nb = nbformat.read(CORRECT, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in cells:
            cell.source = cells[gid]
        elif cell.cell_type == "code" and labkeys.ID_CELL.search(cell.source):
            cell.source = labkeys.ID_CELL.sub(
                f"STUDENT_ID = {json.dumps(student)}", cell.source, count=1
            )
    return nb


def _course(tmp: Path) -> Path:
    root = make_course(tmp)
    with (root / "nbgrader_config.py").open("a") as fh:
        fh.write("\nc.Execute.timeout = 10\n")  # the endless loops cost 10 s, not 30
    release.release(LAB, root)
    wrong = {"predict": WRONG_PREDICT, "answer_init": WRONG_ANSWER}
    notebooks = {HONEST: {}, BASELINE: wrong}
    notebooks |= {
        name: {**wrong, cell: code} for name, (cell, code) in CATALOGUE.items()
    }
    for student, cells in notebooks.items():
        path = layout.notebook("submitted", LAB, student, root)
        path.parent.mkdir(parents=True)
        nbformat.write(_notebook(cells, student), path)
    return root


def _scores(root: Path) -> dict[str, float]:
    with Gradebook(layout.gradebook_url(root)) as gb:
        return {
            student: sum(s for s, _ in report.cell_scores(gb, LAB, student).values())
            for student in [BASELINE, HONEST, *CATALOGUE]
        }


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, tuple[Path, dict[str, float]]]:
    """The catalogue graded both ways, side by side (each is serial, and most of
    its time is spent waiting for endless loops to time out): plain `nbgrader
    autograde` as an instructor runs it, in a process of its own, while the
    course's grading (make grade) runs in this one."""
    plain = _course(tmp_path_factory.mktemp("plain"))
    course = _course(tmp_path_factory.mktemp("course"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEKIT_")}
    env["COURSEKIT_SECRET"] = os.environ.get("COURSEKIT_SECRET", "")
    nbgrader = Path(sys.executable).parent / "nbgrader"
    log = plain / "autograde.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(nbgrader), "autograde", LAB],
            cwd=plain,
            env=env,
            stdout=out,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            grading.autograde_all(course)
            process.wait(timeout=1500)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    printed = log.read_text()
    assert "Traceback" not in printed, printed[-3000:]
    return {
        "by_nbgrader": (plain, _scores(plain)),
        "by_course": (course, _scores(course)),
    }


@pytest.fixture(scope="module")
def by_nbgrader(graded) -> tuple[Path, dict[str, float]]:
    """The catalogue through plain `nbgrader autograde`, as an instructor runs it."""
    return graded["by_nbgrader"]


@pytest.fixture(scope="module")
def by_course(graded) -> tuple[Path, dict[str, float]]:
    """The catalogue through the course's grading (make grade)."""
    return graded["by_course"]


PATHS = ["by_nbgrader", "by_course"]


@pytest.mark.parametrize("path", PATHS)
def test_the_wrong_submission_loses_points(path, request):
    """Is the baseline really wrong, so that a cheat has something to gain?"""
    _, scores = request.getfixturevalue(path)
    assert 0 < scores[BASELINE] < scores[HONEST] == auto_points(LAB)


@pytest.mark.parametrize("cheat", CATALOGUE)
@pytest.mark.parametrize("path", PATHS)
def test_no_tampering_gains_a_point(path, cheat, request):
    """Does this attempt score no more than the same wrong submission without it?"""
    _, scores = request.getfixturevalue(path)
    assert scores[cheat] <= scores[BASELINE], (cheat, scores[cheat], scores[BASELINE])


@pytest.mark.parametrize("path", PATHS)
def test_the_judge_survives_and_the_honest_student_keeps_full_marks(path, request):
    """Graded after every attempt, by the same services: full marks, files untouched?"""
    root, scores = request.getfixturevalue(path)
    assert scores[HONEST] == auto_points(LAB)
    submitted = layout.notebook("submitted", LAB, HONEST, root)
    assert submitted.read_text() == nbformat.writes(_notebook({}, HONEST)) + "\n"


def test_feedback_is_written_for_every_student(by_course):
    """Does feedback go out for the whole lab, whatever a kernel left in its folder?"""
    root, _ = by_course
    assert grading.feedback_and_export(root) == []
    for student in [BASELINE, HONEST, *CATALOGUE]:
        if layout.notebook("autograded", LAB, student, root).is_file():
            page = root / "feedback" / student / LAB / f"{LAB}.html"
            assert page.is_file(), student


@pytest.mark.parametrize("path", PATHS)
def test_the_judge_never_ran_the_students_objects(path, request):
    """Did no hostile object's __reduce__ run outside the kernel's own folder?"""
    root, _ = request.getfixturevalue(path)
    assert not Path("/tmp/reduced").exists()


def test_the_catalogue_avoids_the_scanned_names():
    """Are the attempts written without what the integrity scan looks for?"""
    from coursekit import integrity

    for name, (cell, code) in CATALOGUE.items():
        nb = _notebook({cell: code})
        assert integrity.findings(nb) == [], name
