"""Warm kernels: grade each notebook in a fresh process forked from one that
has already imported torch, numpy, matplotlib, ipykernel and grader_tests.

- `service`: the process that imports once and forks a sandboxed kernel per request;
- `launch`: the light command of the `course-warm` kernelspec, which asks for one;
- `lifecycle`: start and stop a service around a grading batch;
- `isolate`: the sandbox each forked kernel enters (as `coursekit.sandbox` does with bwrap);
- `protocol`: the messages between them.

`coursekit.bench.warm` times them against the sandbox kernel.

This package imports nothing heavy: the launcher runs once per notebook.
"""
