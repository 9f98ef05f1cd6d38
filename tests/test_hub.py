"""The course on a real JupyterHub with real system users (coursekit/hub.py).

One term, as nbgrader's exchange runs it: the instructor releases lab 01, two
students log in to the hub, fetch it and submit (one the worked solution, one
a known mistake), the instructor collects, grades with the course's grading,
releases feedback, and each student fetches feedback with the expected score.
A student cannot read another's home nor list the exchange's inbound files.

Needs root (it creates users, which it deletes after) and npm (the hub's
proxy); skipped without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from coursekit import demo, hub, jupyterlab, layout

from .course import REPO, auto_points, cell_points

LAB = "01_gd_from_scratch"
MISTAKE = "no_bias_gradient"  # a demo student: db is never computed

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("useradd"),
        reason="the hub test creates system users: run it as root",
    ),
    pytest.mark.skipif(not shutil.which("npm"), reason="npm installs the proxy"),
]


@pytest.fixture(scope="module")
def term():
    folder = Path(tempfile.mkdtemp(prefix="gd-hub-"))
    suffix = f"{os.getpid() % 10000}"
    the_hub = hub.Hub(
        folder=folder,
        port=jupyterlab.free_port(),
        instructor=f"gdt{suffix}i",
        students=[f"gdt{suffix}a", f"gdt{suffix}b"],
        root=REPO,
        labs=[LAB],
    )
    server = None
    try:
        passwords = hub.prepare(the_hub)
        server = hub.start(the_hub, folder / "jupyterhub.log")
        yield the_hub, passwords
    finally:
        if server is not None:
            hub.stop(server)
        hub.remove_users(the_hub.users)
        shutil.rmtree(folder, ignore_errors=True)


def _ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _post_login(
    the_hub: hub.Hub, user: str, password: str
) -> tuple[requests.Session, requests.Response]:
    """Fill in and send the hub's login form, as a browser does."""
    session = requests.Session()
    session.get(f"{the_hub.url}/hub/login")
    xsrf = next(c.value for c in session.cookies if c.name == "_xsrf")
    page = session.post(
        f"{the_hub.url}/hub/login",
        data={"username": user, "password": password, "_xsrf": xsrf},
    )
    return session, page


def _login(the_hub: hub.Hub, user: str, password: str) -> requests.Session:
    """Log in through the hub's form and wait for the user's server."""
    session, _ = _post_login(the_hub, user, password)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        page = session.get(f"{the_hub.url}/user/{user}/lab")
        if page.ok and page.url.endswith(f"/user/{user}/lab"):
            return session
        time.sleep(1)
    raise AssertionError(f"{user}'s server did not start: {page.status_code}")


def test_a_students_server_runs_as_that_student(term):
    the_hub, passwords = term
    student = the_hub.students[0]
    session = _login(the_hub, student, passwords[student])
    owners = subprocess.run(
        ["ps", "-ww", "-o", "user:32=,args=", "-u", student],
        capture_output=True,
        text=True,
    ).stdout
    assert f"{hub.interpreter(the_hub)} -m jupyter" in owners  # her server, as her
    # a student's server serves no formgrader: nbgrader's grading pages are off
    grader = session.get(f"{the_hub.url}/user/{student}/formgrader")
    assert grader.status_code == 404
    assert "frame-ancestors 'self'" in grader.headers["Content-Security-Policy"]
    # and her JupyterLab leaves out formgrader's menu and course management
    page = session.get(f"{the_hub.url}/user/{student}/lab")
    assert set(_page_config(page.text)["disabledExtensions"]) >= set(
        hub.STUDENTS_OFF_PLUGINS
    )


def test_the_instructors_formgrader_manages_the_course(term):
    the_hub, passwords = term
    teacher = the_hub.instructor
    session = _login(the_hub, teacher, passwords[teacher])
    api = session.get(f"{the_hub.url}/user/{teacher}/formgrader/api/assignments")
    assert [a["name"] for a in api.json()] == layout.labs(the_hub.course())
    page = session.get(f"{the_hub.url}/user/{teacher}/formgrader")
    # JupyterLab shows formgrader in a frame of the same server
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    lab = session.get(f"{the_hub.url}/user/{teacher}/lab")
    disabled = _page_config(lab.text).get("disabledExtensions", [])
    assert not set(disabled) & set(hub.STUDENTS_OFF_PLUGINS)


def _page_config(html: str) -> dict:
    """The settings JupyterLab's page carries (its jupyter-config-data script)."""
    found = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert found, html[:500]
    return json.loads(found.group(1))


def test_a_students_assignments_tab_lists_the_release(term):
    the_hub, passwords = term
    student = the_hub.students[1]
    session = _login(the_hub, student, passwords[student])
    listed = session.get(
        f"{the_hub.url}/user/{student}/assignments", params={"course_id": hub.COURSE_ID}
    ).json()
    assert listed["success"]
    assert [a["assignment_id"] for a in listed["value"]] == [LAB]


def test_a_wrong_password_is_refused(term):
    the_hub, _ = term
    _, page = _post_login(the_hub, the_hub.students[0], "wrong")
    assert "Invalid username or password" in page.text


def test_a_term_through_the_exchange(term):
    the_hub, _ = term
    good, slip = the_hub.students
    subs = {s.student: s for s in demo.load(REPO / "demo") if s.lab == LAB}
    for student, demo_student in ((good, "correct"), (slip, MISTAKE)):
        _ok(hub.nbgrader(the_hub, student, "fetch_assignment", LAB))
        home = the_hub.home(student)
        work = home / LAB / f"{LAB}.ipynb"
        shutil.copyfile(
            layout.notebook("submitted", LAB, demo_student, REPO / "demo"), work
        )
        shutil.chown(work, student, student)
        _ok(hub.nbgrader(the_hub, student, "submit", LAB))
    teacher = the_hub.instructor
    _ok(hub.nbgrader(the_hub, teacher, "collect", LAB))
    course = the_hub.course()
    python = str(hub.interpreter(the_hub))
    graded = _ok(
        hub.run_as(
            the_hub,
            teacher,
            [python, "-m", "coursekit", "--course", str(course), "grade"],
            cwd=course,
        )
    )
    full = auto_points(LAB)
    lost = cell_points(LAB, subs[MISTAKE].loses)
    assert lost > 0
    for student, score in ((good, full), (slip, full - lost)):
        assert re.search(rf"{student}\s+{score:g} / {full:g}", graded), graded
    _ok(hub.nbgrader(the_hub, teacher, "release_feedback", LAB))
    for student, score in ((good, full), (slip, full - lost)):
        _ok(hub.nbgrader(the_hub, student, "fetch_feedback", LAB))
        home = the_hub.home(student)
        [page] = (home / LAB / "feedback").glob(f"*/{LAB}.html")
        text = page.read_text()
        assert f"Score: {score:g} / {full:g}" in text.replace(".0 ", " ")
    # what a student may not see
    other = hub.run_as(the_hub, good, ["ls", str(the_hub.home(slip))])
    assert other.returncode != 0 and "Permission denied" in other.stderr
    inbound = the_hub.exchange / hub.COURSE_ID / "inbound"
    peek = hub.run_as(the_hub, good, ["ls", str(inbound)])
    assert peek.returncode != 0 and "Permission denied" in peek.stderr
