"""The one error type for bad input: it names the file, the key and what is allowed.

The command line turns it into a single message and exit status 2; the Python API lets it
propagate so a notebook shows the same message.
"""
from __future__ import annotations


class InputError(Exception):
    """Bad input: unknown key, wrong type, value out of its domain, missing file, bad record."""

    def __init__(self, file: str, key: str, problem: str, allowed: str = ""):
        self.file, self.key, self.problem, self.allowed = str(file), key, problem, allowed
        text = f"{self.file}: {key}: {problem}" if key else f"{self.file}: {problem}"
        if allowed:
            text += f" (allowed: {allowed})"
        super().__init__(text)
