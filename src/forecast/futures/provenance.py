"""What made a results folder: provenance.json, and the scenario's fingerprint.

provenance.json is the only file of a results folder that holds times, the machine and the
command line; every other file depends on the scenario, the seed and the number of
replications alone, so two runs with the same seed give byte-identical folders apart from it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np

from forecast.core.serialise import plain
from forecast.core.version import VERSION
from forecast.futures.settings import Draws


def scenario_spec(scenario) -> dict:
    """The scenario as specified, every parameter with its distribution (nothing drawn):
    what a run writes as its scenario file, and what its fingerprint covers."""
    return scenario.to_toml()


#: what a scenario's [meta] says of where it came from, not what it is: outside its fingerprint
UNHASHED_META = ("files", "reform_reference")


def scenario_hash(scenario) -> str:
    """SHA-256 of the specified scenario (policy, rules, targets, every parameter and its
    distribution), independent of where its files lie and of a reform's reference: the key a
    checkpoint is checked by."""
    spec = scenario_spec(scenario)
    spec["meta"] = {k: v for k, v in spec["meta"].items() if k not in UNHASHED_META}
    text = json.dumps(plain(spec, dates_as_text=True), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def git_commit(path: Path | None = None) -> dict:
    """The git commit of the source tree this package runs from, if it is a git checkout."""
    where = Path(path or Path(__file__).resolve().parent)
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return {"commit": None}
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where,
                                capture_output=True, text=True, timeout=10)
        return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None}


def now() -> str:
    """The local time with its UTC offset, to the second (ISO 8601)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def provenance(scenario, *, draws: Draws, reps: int, backend: str, started: str, ended: str,
               argv: list[str] | None = None, scenario_file: str, extra: dict | None = None) -> dict:
    """The record of a run for provenance.json (`draws`: how its futures drew; `argv`: the
    command line, program name first)."""
    argv = list(sys.argv if argv is None else argv)
    return {
        "tool": "forecast",
        "version": VERSION,
        "git": git_commit(),
        "command": shlex.join([Path(argv[0]).name] + argv[1:]) if argv else "",
        "cwd": os.getcwd(),
        "scenario": {
            "name": scenario.name,
            "files": [str(f) for f in scenario.files],
            "sha256": scenario_hash(scenario),
            "file": scenario_file,
        },
        "seed": draws.seed,
        "reps": reps,
        "uncertain_parameters": draws.uncertain,
        "fixed_parameters": sorted(draws.fixed),
        "backend": backend,
        "started": started,
        "ended": ended,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "host": platform.node(),
        **(extra or {}),
    }


def write_provenance(folder: Path, record: dict) -> None:
    (Path(folder) / "provenance.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")

