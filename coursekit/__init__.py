"""Instructor commands: release, demo submissions, grading and the grades table."""
