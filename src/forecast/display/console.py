"""The terminal every command prints to: one rich console, 160 columns, no colour guessing."""
from __future__ import annotations

from rich.console import Console


def console() -> Console:
    """The console a command's tables and notes are printed on (stdout)."""
    return Console(highlight=False, soft_wrap=False, width=160)
