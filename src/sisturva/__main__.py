"""`python -m sisturva`."""

from .entry import run

run()
