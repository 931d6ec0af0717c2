"""The errors a user sees: bad input (`InputError`: it names the file, the key and what is
allowed) and a machine fault a run could not recover from (`WorkerLost`).

The command line turns an InputError into a single message and exit status 2, a WorkerLost
into one message and exit status 1 (the checkpoint is kept); the Python API lets both propagate
so a notebook shows the same message.
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


class WorkerLost(RuntimeError):
    """Replications whose worker died more often than RETRIES allows (a machine fault, or one
    replication that exhausts memory every time)."""
