"""What every benchmark shares: a description of the machine, and saving its figures with the
date, the machine and the command under benchmarks/results/ (the README quotes only those)."""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name")), "?")
    except (OSError, subprocess.SubprocessError):
        model = platform.processor() or "?"
    return f"{model}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def save(name: str, figures: dict) -> Path:
    """benchmarks/results/<name>-<date>.json (-2, -3 … for a later run the same day) with the figures,
    when, where and how they were made."""
    now = dt.datetime.now().astimezone()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}-{now:%Y-%m-%d}.json"
    n = 2
    while path.exists():   # never overwrite a saved figure: the README may quote it
        path = RESULTS / f"{name}-{now:%Y-%m-%d}-{n}.json"
        n += 1
    record = {"benchmark": name, "date": now.isoformat(timespec="seconds"), "machine": machine(),
              "load_average": os.getloadavg()[0],
              "command": shlex.join(["python", *[str(a) for a in sys.argv]]), **figures}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures saved in {path.relative_to(RESULTS.parents[1])}")
    return path
