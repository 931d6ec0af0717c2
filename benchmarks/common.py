"""What every benchmark shares: a description of the machine, saving its figures with the date,
the machine and the command under benchmarks/results/ (the README quotes only those), and the
project's shared reference (`peers`: ../shared/bench/ladder_peers.py beside the repository)."""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shlex
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
#: the project's shared peer baselines of the ladder toy (SimPy per worker, numpy), beside the repository
LADDER_PEERS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "ladder_peers.py"
PEER_WORKERS = 360_000


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


def peers(kinds: tuple[str, ...] = ("simpy", "numpy"), workers: int = PEER_WORKERS) -> dict:
    """Time the shared peer baselines, `python ../shared/bench/ladder_peers.py KIND WORKERS` for each
    kind, each in a fresh process in this run: {"<kind>_s": its own printed wall time, …}. When the
    file is absent (a checkout without shared/ beside it), {"skipped": why}, and the benchmark's
    figures carry no ratios to the peers."""
    if not LADDER_PEERS.is_file():
        why = f"{LADDER_PEERS} absent: no ratios to the shared peers"
        print(f"peers skipped: {why}")
        return {"skipped": why}
    times: dict = {"script": str(LADDER_PEERS), "workers": workers}
    for kind in kinds:
        out = subprocess.run([sys.executable, str(LADDER_PEERS), kind, str(workers)], capture_output=True,
                             text=True, check=True).stdout
        wall = re.search(r"wall=([\d.]+)s", out)
        if not wall:
            raise RuntimeError(f"{LADDER_PEERS} {kind} printed no wall time: {out!r}")
        times[f"{kind}_s"] = float(wall.group(1))
    print("shared peers " + ", ".join(f"{k} {times[f'{k}_s']:.3f} s" for k in kinds)
          + f" ({workers:,} workers × 36 months, same run)", flush=True)
    return times


def peer_ratios(seconds: float, peer_times: dict) -> dict:
    """`seconds` as multiples of each timed peer ({"x_simpy_peer": …, "x_numpy_peer": …}); {} when skipped."""
    return {f"x_{key[:-2]}_peer": seconds / value for key, value in peer_times.items()
            if key.endswith("_s") and value}
