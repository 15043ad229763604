"""`python -m gba_docs`: the same as the `gba-docs` console script."""

from .cli import run

run()
