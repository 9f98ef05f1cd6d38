"""The course on a real JupyterHub with real system users (coursekit/hub.py).

One term, as nbgrader's exchange runs it: the instructor releases lab 01, two
students log in to the hub, fetch it and submit (one the worked solution, one
a known mistake), the instructor collects, grades with the course's grading,
releases feedback, and each student fetches feedback with the expected score.
A student cannot read another's home nor list the exchange's inbound files.
Then lab 06: the instructor scores a free-text answer in formgrader, inside
JupyterLab's frame, and grading again counts it.

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

from coursekit import demo, hub, jupyterlab, labkeys, layout, report

from . import browser
from .course import REPO, auto_points, cell_points

LAB = "01_gd_from_scratch"
MISTAKE = "no_bias_gradient"  # a demo student: db is never computed
REVIEW = "06_review"  # the lab with answers graded by hand
BY_HAND = "rv_q1_q3"  # one of its hand-graded answers

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
        labs=[LAB, REVIEW],
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
    assert [a["assignment_id"] for a in listed["value"]] == [LAB, REVIEW]


def test_a_wrong_password_is_refused(term):
    the_hub, _ = term
    _, page = _post_login(the_hub, the_hub.students[0], "wrong")
    assert "Invalid username or password" in page.text


# ---- the term in a browser ----


def _log_in(page, the_hub: hub.Hub, user: str, password: str) -> None:
    """The hub's login form, then JupyterLab once the user's server is up."""
    page.goto(f"{the_hub.url}/hub/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("[type=submit]")
    page.wait_for_url(re.compile(f".*/user/{user}/lab.*"))
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for()


def _assignments(page, listed: str, lab: str):
    """nbgrader's Assignments tab, and `lab`'s row in one of its lists
    (released, fetched or submitted)."""
    if not page.locator("#released_assignments_list").is_visible():
        browser.menu(page, "Nbgrader", "Assignment List")
    page.locator("#refresh_assignments_list").click()
    row = page.locator(f"#{listed}_assignments_list .list_item", has_text=lab)
    row.first.wait_for()
    return row.first


def _upload(page, folder: str, notebook: Path, lands_at: Path) -> None:
    """Upload `notebook` into `folder` of the file browser, over the fetched one;
    return once the server holds all of it at `lands_at` (opened before that,
    the notebook would be the fetched one, and saving it would ask whether to
    overwrite the upload)."""
    page.locator(".jp-DirListing-item", has_text=folder).first.dblclick()
    page.locator(".jp-BreadCrumbs", has_text=folder).wait_for()
    with page.expect_file_chooser() as chooser:
        page.locator(".jp-FileBrowser-toolbar .jp-id-upload").first.click()
    chooser.value.set_files(str(notebook))
    page.locator(".jp-Dialog").get_by_role("button", name="Overwrite").click()
    page.locator(".jp-Dialog").wait_for(state="detached")
    deadline = time.monotonic() + browser.TIMEOUT_MS / 1000
    while lands_at.read_bytes() != notebook.read_bytes():
        assert time.monotonic() < deadline, f"{notebook.name} never reached {lands_at}"
        time.sleep(0.2)


def _validate(page) -> str:
    """Press nbgrader's Validate; return what its dialog says."""
    page.keyboard.press("Control+s")
    page.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_text(re.compile("Success|failed|error")).first.wait_for()
    return dialog.inner_text()


def _close_dialog(page) -> None:
    page.locator(".jp-Dialog").get_by_role("button").last.click()
    page.locator(".jp-Dialog").wait_for(state="detached")


def _in_terminal(page, command: str, log: Path) -> str:
    """Type `command` into a new JupyterLab terminal; wait for it to finish and
    return what it printed (a terminal draws its text on a canvas, so the
    output is read back from `log`, which the command writes with tee)."""
    browser.menu(page, "File", "New")
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Terminal$")).click()
    page.locator(".jp-Terminal .xterm-helper-textarea").last.focus()
    page.keyboard.type(
        f'( {command} ) 2>&1 | tee {log}; echo "exit ${{PIPESTATUS[0]}}" >> {log}\n'
    )
    deadline = time.monotonic() + browser.TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        if re.search(r"^exit \d+$", text, re.M):
            return text
        time.sleep(1)
    raise AssertionError(f"{command!r} did not finish: {text}")


def _student_submits(page, the_hub, user, password, notebook, shots) -> tuple[str, str]:
    """Log in, fetch the lab, work it (upload `notebook`), run it, validate and
    submit it; return the notebook's text and Validate's verdict."""
    _log_in(page, the_hub, user, password)
    _assignments(page, "released", LAB).get_by_role("button", name="Fetch").click()
    _assignments(page, "fetched", LAB)
    _upload(page, LAB, notebook, the_hub.home(user) / LAB / f"{LAB}.ipynb")
    page.locator(".jp-DirListing-item", has_text=f"{LAB}.ipynb").first.dblclick()
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    text = browser.run_all(page)
    page.locator(".jp-Notebook").get_by_text(
        "Data for student"
    ).scroll_into_view_if_needed()
    browser.shot(page, shots, f"{user}-1-own-data")
    verdict = _validate(page)
    browser.shot(page, shots, f"{user}-2-validated")
    _close_dialog(page)
    _assignments(page, "fetched", LAB).get_by_role("button", name="Submit").click()
    _assignments(page, "submitted", LAB)
    browser.shot(page, shots, f"{user}-3-submitted")
    return text, verdict


def _formgrader_row(page, lab: str):
    """`lab`'s row in formgrader's Manage Assignments, in JupyterLab's frame."""
    browser.menu(page, "Nbgrader", "Formgrader")
    row = page.frame_locator("iframe").first.locator("tr", has_text=lab).first
    row.wait_for()
    return row


def _formgrader_button(page, lab: str, column: str) -> str:
    """Press `lab`'s button in formgrader's `column` (collect, release-feedback);
    return what the dialog reports, after closing it."""
    _formgrader_row(page, lab).locator(f"td.{column} a").click()
    modal = page.frame_locator("iframe").first.locator(".modal-dialog")
    modal.get_by_text(re.compile("Success|Error")).first.wait_for()
    said = modal.inner_text()
    modal.get_by_role("button", name="OK").click()
    return said


def _instructor_grades(page, the_hub: hub.Hub, password: str, shots: Path) -> str:
    """Collect in formgrader, grade in a terminal, release feedback in
    formgrader, as the instructor; return what grading printed."""
    teacher = the_hub.instructor
    _log_in(page, the_hub, teacher, password)
    said = _formgrader_button(page, LAB, "collect")
    assert "Successfully collected" in said, said
    browser.shot(page, shots, f"{teacher}-1-collected")
    course = the_hub.course()
    graded = _in_terminal(
        page, f"cd {course} && python -m coursekit grade", course / "grade.log"
    )
    browser.shot(page, shots, f"{teacher}-2-graded")
    said = _formgrader_button(page, LAB, "release-feedback")
    assert "Successfully released feedback" in said, said
    browser.shot(page, shots, f"{teacher}-3-feedback-released")
    return graded


def _student_reads_feedback(page, user: str, shots: Path) -> str:
    """Fetch the feedback in the Assignments tab, follow its "view feedback" link
    to the file browser and open the page there; return what it says."""
    page.bring_to_front()
    row = _assignments(page, "submitted", LAB)
    row.get_by_role("button", name="Fetch Feedback").click()
    _assignments(page, "submitted", LAB).get_by_text("view feedback").click()
    page.locator(".jp-DirListing-item", has_text=f"{LAB}.html").first.dblclick()
    body = page.frame_locator(".jp-HTMLViewer iframe").last.locator("body")
    body.get_by_text("Score").first.wait_for()
    browser.shot(page, shots, f"{user}-5-feedback")
    return body.inner_text()


def _the_term(chromium, the_hub: hub.Hub, passwords: dict, shots: Path) -> dict:
    """The term in the browser, one page per user: each student submits, one
    tries to read what is not hers, the instructor grades and returns feedback,
    the students read it. Returns what each step showed."""
    good, slip = the_hub.students
    seen: dict = {"text": {}, "verdict": {}, "feedback": {}}
    pages = {}
    for student, worked in ((good, "correct"), (slip, MISTAKE)):
        page = pages[student] = browser.new_page(chromium)  # a context each
        notebook = layout.notebook("submitted", LAB, worked, REPO / "demo")
        seen["text"][student], seen["verdict"][student] = _student_submits(
            page, the_hub, student, passwords[student], notebook, shots
        )
    # what a student may not read: another's home, the exchange's inbound
    seen["forbidden"] = [
        str(the_hub.home(slip)),
        str(the_hub.exchange / hub.COURSE_ID / "inbound"),
    ]
    seen["refused"] = _in_terminal(
        pages[good],
        "; ".join(f"ls {path}" for path in seen["forbidden"]),
        the_hub.home(good) / "peek.log",
    )
    browser.shot(pages[good], shots, f"{good}-4-refused")
    teacher = browser.new_page(chromium)
    seen["graded"] = _instructor_grades(
        teacher, the_hub, passwords[the_hub.instructor], shots
    )
    for student, page in pages.items():
        seen["feedback"][student] = _student_reads_feedback(page, student, shots)
    return seen


@browser.needs_chromium
def test_a_term_in_the_browser(term):
    """Two students work lab 01 and submit it; the instructor collects, grades and
    returns feedback; each student reads a score that matches the mistakes made.
    Screenshots go to test-artifacts/hub/ (failed-*.png: every page, on a failure)."""
    pytest.importorskip("playwright.sync_api")
    the_hub, passwords = term
    good, slip = the_hub.students
    shots = browser.ARTIFACTS / "hub"
    with browser.chromium_for(shots) as chromium:
        seen = _the_term(chromium, the_hub, passwords, shots)
    # the lab's data are each student's own: her hub user name keys them
    key = labkeys.released_key(LAB, the_hub.course())
    assert key is not None
    for student in the_hub.students:
        p = labkeys.PER_STUDENT[LAB].student_params(key, student)
        text = seen["text"][student]
        assert f"Data for student '{student}' (your JupyterHub user name)" in text
        assert (
            f"the line y = {p.true_w}x + {p.true_b}, "
            f"noise std {p.noise_std}, seed {p.seed}"
        ) in text
    assert "Success! Your notebook passes all the tests." in seen["verdict"][good]
    assert "did you forget the gradient for b?" in seen["verdict"][slip]
    for path in seen["forbidden"]:
        denied = f"ls: cannot open directory '{path}': Permission denied"
        assert denied in seen["refused"], seen["refused"]
    # the hub's grades are make grade's: full marks less the mistake's cells
    graded = seen["graded"]
    assert re.search(r"^exit 0$", graded, re.M), graded
    subs = {s.student: s for s in demo.load(REPO / "demo") if s.lab == LAB}
    full = auto_points(LAB)
    lost = cell_points(LAB, subs[MISTAKE].loses)
    assert lost > 0
    for student, score in ((good, full), (slip, full - lost)):
        assert re.search(rf"{student}\s+{score:g} / {full:g}", graded), graded
        feedback = seen["feedback"][student].replace(".0 ", " ")
        assert f"Score: {score:g} / {full:g}" in feedback, feedback[:2000]
    assert "did you forget the gradient for b?" in seen["feedback"][slip]
    assert sorted(p.stem for p in shots.iterdir()) == sorted(
        [
            f"{s}-{n}"
            for s in (good, slip)
            for n in ("1-own-data", "2-validated", "3-submitted", "5-feedback")
        ]
        + [f"{good}-4-refused"]
        + [
            f"{the_hub.instructor}-{n}"
            for n in ("1-collected", "2-graded", "3-feedback-released")
        ]
    )


# ---- grading by hand in the hub's formgrader ----


def _submit_in_a_terminal(the_hub: hub.Hub, student: str, lab: str, worked: str):
    """A student fetches `lab`, works it (the demo student `worked`'s notebook)
    and submits it, with nbgrader's commands (the browser walk of these steps is
    lab 01's, above)."""
    _ok(hub.nbgrader(the_hub, student, "fetch_assignment", lab))
    mine = the_hub.home(student) / lab / f"{lab}.ipynb"
    shutil.copyfile(layout.notebook("submitted", lab, worked, REPO / "demo"), mine)
    owner = the_hub.home(student).stat()
    os.chown(mine, owner.st_uid, owner.st_gid)
    _ok(hub.nbgrader(the_hub, student, "submit", lab))


def _score_by_hand(page, the_hub, password, grade_id, points, shots) -> None:
    """Log in as the instructor, open formgrader's Manual Grading, the lab, its
    notebook, the one submission, and give `grade_id` `points`; return once
    formgrader has saved the score."""
    teacher = the_hub.instructor
    _log_in(page, the_hub, teacher, password)
    browser.menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("iframe").first
    frame.get_by_role("link", name="Manual Grading").click()
    frame.get_by_role("link", name=REVIEW).first.click()  # the lab
    frame.locator("td a", has_text=REVIEW).first.click()  # its notebook
    frame.get_by_text("Submission #1").click()
    # formgrader marks the answer's box once it has loaded its grades and bound
    # the box's save; a score typed before that is wiped by the first render
    score = frame.locator(f"input.score.needs_manual_grade#{grade_id}")
    score.scroll_into_view_if_needed()
    browser.shot(page, shots, f"{teacher}-1-to-grade")
    with page.expect_response(
        lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT"
    ) as saved:
        score.fill(f"{points:g}")
        score.press("Tab")  # formgrader saves a score when it changes
    assert saved.value.ok, saved.value.status
    browser.shot(page, shots, f"{teacher}-2-scored")


@browser.needs_chromium
def test_grading_by_hand_in_the_hubs_formgrader(term):
    """A student submits lab 06; the instructor collects and grades it, scores one
    free-text answer in formgrader inside JupyterLab's frame, grades again, and
    the score counts. Screenshots go to test-artifacts/hub-by-hand/."""
    pytest.importorskip("playwright.sync_api")
    the_hub, passwords = term
    student = the_hub.students[0]
    _submit_in_a_terminal(the_hub, student, REVIEW, "correct")
    said = _ok(hub.nbgrader(the_hub, the_hub.instructor, "collect", REVIEW))
    assert f"Collecting submission: {student} {REVIEW}" in said, said
    auto = auto_points(REVIEW)
    by_hand = cell_points(REVIEW, sorted(report.hand_graded(REPO, REVIEW)))
    given = cell_points(REVIEW, [BY_HAND])
    assert 0 < given < by_hand
    full = auto + by_hand
    row = rf"{REVIEW}\s+{student}\s+{{score:g}} / {full:g}\s+{{waits:g}} to grade"
    before = _ok(hub.coursekit(the_hub, "grade"))
    # as make grade: the worked answers' auto-graded points, the rest to grade
    assert re.search(row.format(score=auto, waits=by_hand), before), before
    shots = browser.ARTIFACTS / "hub-by-hand"
    with browser.chromium_for(shots) as chromium:
        page = browser.new_page(chromium)
        _score_by_hand(
            page, the_hub, passwords[the_hub.instructor], BY_HAND, given, shots
        )
    after = _ok(hub.coursekit(the_hub, "grade"))
    score, waits = auto + given, by_hand - given
    assert re.search(row.format(score=score, waits=waits), after), after
    # and the feedback the student will fetch counts it
    html = the_hub.course() / "feedback" / student / REVIEW / f"{REVIEW}.html"
    shown = rf"Score: {score:g}(\.0+)? / {full:g}(\.0+)?(?![\d.])"
    assert re.search(shown, html.read_text()), shown
    teacher = the_hub.instructor
    assert sorted(p.stem for p in shots.iterdir()) == [
        f"{teacher}-1-to-grade",
        f"{teacher}-2-scored",
    ]
