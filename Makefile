# One command per job. Each installs what it needs first (a venv in .venv/).
# The venv's bin/ goes first on PATH: nbgrader runs `alembic` from there when
# it creates a gradebook.

PYTHON ?= python3
# Submissions graded at once (each in a kernel of its own); one per core.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

# Debian packages that some tests use, as PACKAGE=file-it-provides; `make test`
# installs the missing ones (as root) with scripts/system-packages.sh.
SYSTEM_PACKAGES := chromium=/usr/bin/chromium
# a real PostgreSQL server for the gradebook tests (tests/postgres.py)
SYSTEM_PACKAGES += postgresql=/usr/lib/postgresql/*/bin/postgres
# the hub's proxy (from npm) and a venv its users can run (make hub, tests/test_hub.py)
HUB_PACKAGES := npm=/usr/bin/npm python3-venv=/usr/lib/python3*/ensurepip/__init__.py
SYSTEM_PACKAGES += $(HUB_PACKAGES)

.PHONY: help install system-packages release demo-build demo grade table secret variant mutants lab formgrader test test-quick lint format clean new-lab bench bench-warm hub
.DEFAULT_GOAL := help

help:  ## list the commands (this text)
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | expand -t 14

install: $(VENV)/.installed  ## create .venv/ with the pinned packages (every command does this first)

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

system-packages:
	@bash scripts/system-packages.sh $(SYSTEM_PACKAGES)

release: install  ## regenerate release/ and solutions/ from source/
	$(PY) -m coursekit release

demo-build: install  ## rebuild demo/submitted/ from demo/<lab>.toml
	$(PY) -m coursekit demo-build

demo: install  ## release, grade the demo submissions, print the grades table (LAB=<lab>: one lab)
	$(PY) -m coursekit demo --jobs $(JOBS) $(if $(LAB),--lab $(LAB))

grade: install  ## grade everything in submitted/ (FORCE=1 regrades all, JOBS=n workers, DASK=1 or DASK=tcp://scheduler:8786, KERNEL=name)
	$(PY) -m coursekit grade --jobs $(JOBS) $(if $(FORCE),--force) $(if $(DASK),--dask $(filter-out 1,$(DASK))) $(if $(KERNEL),--kernel $(KERNEL))

new-lab: install  ## create a lab from the template: make new-lab NAME=07_something
	@test -n "$(NAME)" || { echo "usage: make new-lab NAME=07_something"; exit 2; }
	$(PY) -m coursekit new-lab $(NAME)

table: install  ## print the grades table from the gradebook
	$(PY) -m coursekit table

secret: install  ## write the course secret that per-student data derive from (.course-secret; once per term, before make release)
	$(PY) -m coursekit secret

variant: install  ## a student's data of a lab and its reference answers: make variant LAB=01_gd_from_scratch STUDENT=jdoe12
	@test -n "$(LAB)" || { echo "usage: make variant LAB=<lab> STUDENT=<id>"; exit 2; }
	$(PY) -m coursekit variant $(LAB) "$(STUDENT)"

mutants: install  ## grade every known student mistake; fails if one keeps full marks (LAB=<lab>: one lab)
	$(PY) -m coursekit mutants --jobs $(JOBS) $(if $(LAB),--lab $(LAB))

lab: install  ## JupyterLab on a scratch copy of a released lab, students' view (LAB=<lab>, PORT=8888)
	$(PY) -m coursekit lab $(if $(LAB),--lab $(LAB)) --port $(or $(PORT),8888)

formgrader: install  ## JupyterLab with nbgrader's formgrader, instructors' view (after make demo or make grade)
	$(PY) -m coursekit formgrader --port $(or $(PORT),8888)

hub: install  ## JupyterHub serving the course on this machine: instructor and student users, nbgrader's exchange, labs released (as root; PORT=8000)
	@bash scripts/system-packages.sh $(HUB_PACKAGES)
	$(PY) -m coursekit hub --port $(or $(PORT),8000)

bench: install  ## time grading a synthetic class (PER_LAB=n, KERNELS="a b", DASK=1, COURSEKIT_DB_URL); output in bench/
	$(PY) -m coursekit bench --per-lab $(or $(PER_LAB),2) $(foreach k,$(KERNELS),--kernel $(k)) $(if $(DASK),--dask) $(if $(COURSEKIT_DB_URL),--db-url $(COURSEKIT_DB_URL))

bench-warm: install  ## warm kernels against normal ones: per notebook, and a batch of STUDENTS=100 vs stock serial nbgrader autograde (LAB=, JOBS=)
	$(PY) -m coursekit bench notebook --lab $(or $(LAB),01_gd_from_scratch)
	$(PY) -m coursekit bench batch --lab $(or $(LAB),01_gd_from_scratch) --students $(or $(STUDENTS),100) --jobs $(JOBS)

test: install system-packages  ## the repository's test suite, the solution notebooks under nbval included
	$(PY) -m pytest --nbval-lax --nbval-current-env tests solutions

test-quick: install  ## the unit tests alone: no nbgrader runs, kernels or browser (tests marked slow)
	$(PY) -m pytest -q -m "not slow" tests

lint: install  ## ruff, the type checker (mypy), then the course's own rules (coursekit/lint.py)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m coursekit lint-course

format: install  ## ruff format every Python file and source/ notebook
	$(PY) -m ruff format .

clean:  ## remove grading output (submissions in submitted/ are kept)
	rm -rf autograded/*/ autograded/.graded.json feedback/ grades.csv
