"""Start-up of the `forecast` command: how long `forecast --help` and a command's `--help` take
as whole processes, against `python -c "import numpy"` timed alternately in the same run.

    python benchmarks/bench_startup.py [--rounds 20]

Each command is run `--rounds` times in a fresh process, the three in turn (numpy, `--help`,
`run --help`), so a machine that drifts slows all three alike; the figures are the medians and the
ratio of each median to numpy's. The goal (issue 22): `forecast --help` at most 3 × `import numpy`,
which holds only while `forecast.cli` imports no product's work at start-up (each product's
cli.py imports argparse and `forecast.cli.options` alone; tests/test_architecture.py checks it).
Figures are saved under benchmarks/results/ with the date, the machine and the command.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import save  # noqa: E402

COMMANDS = {
    "import numpy": [sys.executable, "-c", "import numpy"],
    "forecast --help": [sys.executable, "-m", "forecast", "--help"],
    "forecast run --help": [sys.executable, "-m", "forecast", "run", "--help"],
}


def wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="fresh processes per command (default 20)")
    args = parser.parse_args()
    for argv in COMMANDS.values():   # one warm-up each: the first start reads the files from disk
        wall(argv)
    times = {name: [] for name in COMMANDS}
    for _ in range(args.rounds):
        for name, argv in COMMANDS.items():
            times[name].append(wall(argv))
    median = {name: statistics.median(t) for name, t in times.items()}
    numpy_s = median["import numpy"]
    figures = {"rounds": args.rounds,
               "median_s": {name: round(s, 4) for name, s in median.items()},
               "min_s": {name: round(min(t), 4) for name, t in times.items()},
               "x_import_numpy": {name: round(s / numpy_s, 3) for name, s in median.items()},
               "goal": "forecast --help at most 3 x python -c 'import numpy'"}
    for name, s in median.items():
        print(f"{name:22s} median {s:.3f} s  = {s / numpy_s:.2f} × import numpy")
    save("bench_startup", figures)


if __name__ == "__main__":
    main()
