"""Lab 01's checks (checks.py), references (reference.py) and known mistakes."""

from .checks import CHECKS

__all__ = ["CHECKS"]
