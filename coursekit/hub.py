"""The course on a JupyterHub on this machine: real system users, nbgrader's
exchange, the labs released to it.

`make hub` (`python -m coursekit hub`) sets up and serves:

- an instructor and a few students as system users (`useradd`), each with a
  home of mode 700 and a password of its own, so that a student's server,
  which runs as that user, cannot read another's files;
- nbgrader's exchange in `<hub dir>/exchange`, mode 1777 as nbgrader's docs ask
  (everyone writes), with the sticky bit so that no one removes another's
  course; `release_assignment` makes each course's `inbound/` writable but
  not readable by students;
- the instructor's course folder `~instructor/course`, a copy of this clone,
  released there (`coursekit release`) and to the exchange;
- a JupyterHub (the `jupyterhub` package and the npm registry's
  `configurable-http-proxy`) whose single-user servers run JupyterLab with
  nbgrader's extensions, the students' Assignments tab and the instructor's
  formgrader.

It must run as root (it creates users). The users it made carry the comment
`COMMENT`; `python -m coursekit hub --remove-users` deletes exactly those.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import layout

COMMENT = "gd-course hub account"
COURSE_ID = "gd-course"
PROXY_VERSION = "5.3.0"
HUB_DIR = Path(os.environ.get("COURSEKIT_HUB_DIR", "/srv/gd-course-hub"))


@dataclass
class Hub:
    """Where a hub lives and who uses it."""

    folder: Path = HUB_DIR
    port: int = 8000
    instructor: str = "instructor"
    students: list[str] = field(default_factory=lambda: ["student1", "student2"])
    root: Path = layout.ROOT
    labs: list[str] | None = None  # released to the exchange (None: all)

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    @property
    def exchange(self) -> Path:
        return self.folder / "exchange"

    @property
    def config_dir(self) -> Path:
        """Jupyter configuration every single-user server reads (JUPYTER_CONFIG_PATH)."""
        return self.folder / "jupyter"

    @property
    def students_config_dir(self) -> Path:
        """Settings read first by students' servers: formgrader and course
        management switched off."""
        return self.folder / "jupyter-students"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def home(self, user: str) -> Path:
        """A hub user's home folder."""
        return Path(pwd.getpwnam(user).pw_dir)

    def course(self) -> Path:
        """The instructor's course folder."""
        return self.home(self.instructor) / "course"


# ---- the interpreter every user can run ----


def _reachable_by_all(path: Path) -> bool:
    """Every folder above `path` lets others through (o+x), and `path` is o+x."""
    real = path.resolve()
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [real, *real.parents])


def interpreter(hub: Hub) -> Path:
    """A Python the users' servers can run, with the course's packages.

    The course's venv itself when everyone can reach its interpreter; else
    (an interpreter in root's home, as pyenv puts it) a venv beside it,
    `<venv>/hub-venv`, from the system's Python, with requirements.txt
    installed for that Python (pip picks the versions that suit it) and
    coursekit from this clone.
    """
    own = Path(sys.executable)
    if _reachable_by_all(own) and _reachable_by_all(Path(sys.base_prefix)):
        return own
    system = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    if system is None:
        raise RuntimeError(
            f"{own} is not readable by other users and there is no system "
            "python3: install it (apt-get install python3-venv)"
        )
    venv = Path(sys.prefix) / "hub-venv"
    python = venv / "bin" / "python"
    requirements = (hub.root / "requirements.txt").read_text()
    stamp = venv / ".installed"
    if stamp.exists() and stamp.read_text() == requirements:
        return python
    print(f"installing the course's packages for the hub's users into {venv}")
    subprocess.run([system, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "-r", str(hub.root / "requirements.txt")], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(hub.root)], check=True)
    stamp.write_text(requirements)
    return python


def proxy(hub: Hub) -> Path:
    """configurable-http-proxy, installed from the npm registry into the venv."""
    prefix = Path(sys.prefix) / "hub-proxy"
    command = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not command.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is missing: apt-get install npm (make hub does)")
        subprocess.run(
            [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix"]
            + [str(prefix), f"configurable-http-proxy@{PROXY_VERSION}"],
            check=True,
        )
    return command


# ---- users ----


def ensure_user(name: str) -> str:
    """Create the system user `name` (home mode 700) if missing; set and return
    a fresh password. A same-named user that this module did not make is
    refused: its files are not the course's to share."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--create-home", "--comment", COMMENT, "--shell"]
            + ["/bin/bash", name],
            check=True,
        )
        entry = pwd.getpwnam(name)
    if entry.pw_gecos != COMMENT:
        raise RuntimeError(f"user {name!r} exists and is not a hub account")
    os.chmod(entry.pw_dir, 0o700)
    password = secrets.token_urlsafe(9)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return password


def hub_users() -> list[str]:
    """The system users this module made."""
    return [e.pw_name for e in pwd.getpwall() if e.pw_gecos == COMMENT]


def remove_users(names: list[str] | None = None) -> list[str]:
    """Delete the hub's users (all, or those of `names`) with their homes."""
    gone = []
    for name in hub_users():
        if names is None or name in names:
            subprocess.run(["pkill", "-KILL", "-u", name], check=False)
            # userdel --remove warns of a missing mail spool: not worth printing
            done = subprocess.run(
                ["userdel", "--remove", name], capture_output=True, text=True
            )
            if done.returncode != 0:
                print(f"userdel {name}: {done.stderr.strip()}", file=sys.stderr)
            gone.append(name)
    return gone


def environment(hub: Hub, user: str | None = None) -> dict[str, str]:
    """What a user's server and commands need beyond HOME and USER: the hub's
    venv first on PATH (nbgrader runs alembic from there) and the hub's
    Jupyter settings (course id, exchange; for students, no formgrader)."""
    python = interpreter(hub)
    student = user is not None and user != hub.instructor
    return {
        "PATH": f"{python.parent}:/usr/bin:/bin",
        "JUPYTER_CONFIG_PATH": _config_path(hub, student),
        "LANG": "C.UTF-8",
    }


def _config_path(hub: Hub, student: bool) -> str:
    folders = [hub.students_config_dir] if student else []
    return os.pathsep.join(str(f) for f in [*folders, hub.config_dir])


def run_as(
    hub: Hub, user: str, args: list[str], cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run a command as `user`, with the environment a hub server gives it."""
    entry = pwd.getpwnam(user)
    env = {
        "HOME": entry.pw_dir,
        "USER": user,
        "JUPYTERHUB_USER": user,
        **environment(hub, user),
    }
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i"]
        + [f"{k}={v}" for k, v in env.items()]
        + args,
        cwd=cwd or entry.pw_dir,
        capture_output=True,
        text=True,
    )


def nbgrader(hub: Hub, user: str, *args: str) -> subprocess.CompletedProcess:
    """`nbgrader ...` as `user` (the instructor's from the course folder)."""
    cwd = hub.course() if user == hub.instructor else None
    return run_as(hub, user, [str(interpreter(hub)), "-m", "nbgrader", *args], cwd)


def coursekit(hub: Hub, *args: str) -> subprocess.CompletedProcess:
    """`python -m coursekit ...` on the instructor's course, as the instructor."""
    course = hub.course()
    command = [str(interpreter(hub)), "-m", "coursekit", "--course", str(course)]
    return run_as(hub, hub.instructor, [*command, *args], cwd=course)


# ---- the course and the exchange ----


# nbgrader's parts a student's server leaves out: its JupyterLab plugins and
# the server extensions behind them (nbgrader's docs, "Installation").
STUDENTS_OFF_PLUGINS = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
]
STUDENTS_OFF_SERVER = [
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
]
# JupyterLab defaults for every hub user: no news pop-up or update check, and
# every cell of a notebook in the page (the browser's find and print see all).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def _write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=1) + "\n")


def write_config(hub: Hub) -> Path:
    """The hub's configuration files; returns jupyterhub_config.py."""
    hub.config_dir.mkdir(parents=True, exist_ok=True)
    (hub.config_dir / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(hub.exchange)!r}\n"
    )
    # JupyterLab shows formgrader in a frame of the same server: allow that
    # one ancestor (the hub's servers otherwise send frame-ancestors 'none').
    settings = hub.folder / "lab-settings"
    _write_json(settings / "overrides.json", LAB_SETTINGS)
    (hub.config_dir / "jupyter_server_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        "c.ServerApp.tornado_settings = {'headers': "
        "{'Content-Security-Policy': \"frame-ancestors 'self'\"}}\n"
        f"c.LabApp.app_settings_dir = {str(settings)!r}\n"
        # a terminal's shell, not a login shell: a login shell's /etc/profile
        # would reset PATH, and `python` would no longer be the hub's venv
        "c.ServerApp.terminado_settings = {'shell_command': ['/bin/bash']}\n"
    )
    students = hub.students_config_dir
    _write_json(
        students / "labconfig" / "page_config.json",
        {"disabledExtensions": {name: True for name in STUDENTS_OFF_PLUGINS}},
    )
    _write_json(
        students / "jupyter_server_config.d" / "gd-course-students.json",
        {
            "ServerApp": {
                "jpserver_extensions": dict.fromkeys(STUDENTS_OFF_SERVER, False)
            }
        },
    )
    python = interpreter(hub)
    config = hub.folder / "jupyterhub_config.py"
    course = hub.course()
    config.write_text(
        f"""# Written by `python -m coursekit hub`; edited copies are overwritten.
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = {hub.url!r}
c.JupyterHub.hub_port = {hub.port + 1}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{hub.port + 2}"
c.ConfigurableHTTPProxy.command = [{str(proxy(hub))!r}]
c.JupyterHub.db_url = "sqlite:///{hub.folder / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(hub.folder / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(hub.folder / "jupyterhub.pid")!r}
c.Authenticator.allowed_users = {set(hub.users)!r}
c.Authenticator.admin_users = {{{hub.instructor!r}}}
c.Spawner.cmd = [{str(python)!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {environment(hub)!r}
STUDENTS = {_config_path(hub, student=True)!r}


def by_role(spawner):
    # The instructor's server starts in the course folder, so that nbgrader
    # (formgrader, course management) reads its nbgrader_config.py; students'
    # servers read their settings first (no formgrader).
    if spawner.user.name == {hub.instructor!r}:
        spawner.notebook_dir = {str(course)!r}
    else:
        spawner.environment = {{**spawner.environment, "JUPYTER_CONFIG_PATH": STUDENTS}}


c.Spawner.pre_spawn_hook = by_role
"""
    )
    return config


def prepare(hub: Hub) -> dict[str, str]:
    """Users, exchange, course folder, release; returns {user: password}."""
    if os.geteuid() != 0:
        raise RuntimeError("the hub creates system users: run it as root")
    hub.folder.mkdir(parents=True, exist_ok=True)
    os.chmod(hub.folder, 0o755)
    passwords = {name: ensure_user(name) for name in hub.users}
    hub.exchange.mkdir(exist_ok=True)
    os.chmod(hub.exchange, 0o1777)
    course = hub.course()
    if not (course / "nbgrader_config.py").exists():
        course.mkdir(exist_ok=True)
        layout.copy_course(course, hub.root)
        subprocess.run(["chown", "-R", f"{hub.instructor}:", str(course)], check=True)
    write_config(hub)
    # The instructor's nbgrader (formgrader, course management) reads the
    # course's configuration wherever the server starts.
    own = hub.home(hub.instructor) / ".jupyter"
    own.mkdir(exist_ok=True)
    (own / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(course / 'nbgrader_config.py')!r})  # noqa: F821\n"
    )
    subprocess.run(["chown", "-R", f"{hub.instructor}:", str(own)], check=True)
    for lab in hub.labs or layout.labs(course):
        done = coursekit(hub, "release", "--lab", lab)
        if done.returncode:
            raise RuntimeError(f"release {lab} failed:\n{done.stdout}{done.stderr}")
        done = nbgrader(hub, hub.instructor, "release_assignment", lab, "--force")
        if done.returncode:
            raise RuntimeError(f"release_assignment {lab}:\n{done.stderr}")
    return passwords


def start(hub: Hub, log: Path, timeout: float = 60.0) -> subprocess.Popen:
    """Start JupyterHub and wait until its login page answers."""
    config = hub.folder / "jupyterhub_config.py"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=hub.folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"JupyterHub exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{hub.url}/hub/login", timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"JupyterHub did not answer in {timeout:.0f} s")


def stop(server: subprocess.Popen, grace: float = 20.0) -> None:
    """Stop the hub, its proxy and the users' servers (its session)."""
    try:
        os.killpg(server.pid, 15)
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)
        server.wait(timeout=grace)
    except ProcessLookupError:
        pass


def serve(hub: Hub) -> int:
    """`make hub`: prepare, start, print the address and logins, stop on Ctrl-C."""
    t0 = time.monotonic()
    passwords = prepare(hub)
    server = start(hub, hub.folder / "jupyterhub.log")
    print(f"\nJupyterHub serves the course on {hub.url} ", end="")
    print(f"(ready in {time.monotonic() - t0:.0f} s; log {hub.folder}/jupyterhub.log)")
    for name, password in passwords.items():
        role = "instructor" if name == hub.instructor else "student"
        print(f"  {role:<10} {name:<12} password {password}")
    print("Ctrl-C stops the hub (the users stay; --remove-users deletes them).")
    # Ctrl-C, or a TERM from a service manager or `kill`, stops the hub and
    # its session; SIGINT is reset as a shell starting this in the background
    # leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.wait()
    except KeyboardInterrupt:
        print("stopping the hub ...")
    finally:
        stop(server)
    return 0
