"""Measurement: how fast the course grades, against floors measured in the same run.

- `classbench`: `make bench`, a synthetic class graded per (kernel, jobs),
  beside the floors; tables, CSV and a plot in bench/.
- `floors`: what grading one notebook cannot beat (bare `nbconvert --execute`,
  a kernel start) and where its time goes.
- `synthetic`: the synthetic class, many submissions per lab in a realistic mix.
- `warm`: `make bench-warm`, warm kernels against normal ones per notebook, and
  a batch against stock serial `nbgrader autograde`.

One command line reaches them all: `python -m coursekit bench [class|notebook|batch]`.
Nothing outside this package imports from it except that command.
"""
