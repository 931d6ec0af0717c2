"""`forecast payouts` on 100,000 records: how long the calculator and the whole command take.

    python benchmarks/bench_payouts.py [--records 100000] [--repeat 3] [--commands 2] [--no-reference]

The records are the worked example (examples/records/huishan_2025Q1.csv, 28 records) repeated,
every copy its own colleges, craftsmen and apprentices (recipient and person suffixed #copy) —
the workload the test suite once timed ("100,000 records in a few seconds", a 10 s bound that
failed on a loaded machine); tests/payouts now checks only what it pays. Timed here:

* the calculator: `main(["payouts", …])` in this process (reading the CSV, every rule, the
  three CSV files written), best of `--repeat`;
* the whole command: `forecast payouts` in a fresh process (imports included), best of
  `--commands`.

Both are given as ratios to the reference toy (benchmarks/reference.py, timed in the same run in
a fresh child process; `--no-reference` skips it) and to the project's shared peers
(`python ../shared/bench/ladder_peers.py simpy 360000` and `… numpy 360000`, each in a fresh
process in the same run; skipped with a note when that file is absent). Figures are saved under
benchmarks/results/ with the date, the machine and the command.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import peer_ratios, peers, save  # noqa: E402
import reference  # noqa: E402

EXAMPLE = ROOT / "examples" / "records" / "huishan_2025Q1.csv"
POLICY = ROOT / "scenarios" / "huishan"
#: the bound the suite's timed test had (seconds), kept beside the figures for comparison
OLD_TEST_BOUND_S = 10.0


def records(n: int, path: Path) -> Path:
    """The example's records repeated to `n` rows, every copy its own recipients and persons."""
    template = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    big = pd.concat([template] * -(-n // len(template)), ignore_index=True).iloc[:n]
    copy = (np.arange(n) // len(template)).astype(str)
    for col in ("recipient", "person"):
        big[col] = np.where(big[col] != "", big[col] + "#" + copy, "")
    big.to_csv(path, index=False)
    return path


def calculator_times(path: Path, out: Path, repeat: int) -> tuple[list[float], int]:
    """Wall times of `main(["payouts", …])` in this process (its printing discarded), and the
    payout lines it wrote."""
    from forecast.cli import main

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = main(["payouts", "--policy", str(POLICY), str(path), "--out", str(out)])
        times.append(time.perf_counter() - t0)
        if status != 0:
            raise RuntimeError(f"forecast payouts exited {status}")
    lines = len(pd.read_csv(out, usecols=["amount"], encoding="utf-8-sig"))
    return times, lines


def command_times(path: Path, out: Path, n: int) -> list[float]:
    """Wall times of the whole command `forecast payouts` in fresh processes."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "forecast.cli", "payouts", "--policy", str(POLICY), str(path),
                        "--out", str(out)], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records in the file (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="calculator runs in this process (best of; default 3)")
    parser.add_argument("--commands", type=int, default=2, help="runs of the whole command (best of; default 2)")
    reference.add_flag(parser)
    args = parser.parse_args()
    ref = reference.measure(args.no_reference)
    peer_times = peers()
    with tempfile.TemporaryDirectory(prefix="bench-payouts-") as tmp:
        path = records(args.records, Path(tmp) / "records.csv")
        calc, lines = calculator_times(path, Path(tmp) / "calc" / "payouts.csv", args.repeat)
        cmd = command_times(path, Path(tmp) / "cmd" / "payouts.csv", args.commands) if args.commands else []
    figures = {"records": args.records, "payout_lines": lines, "old_test_bound_s": OLD_TEST_BOUND_S,
               "reference": ref, "peers": peer_times}
    print(f"records            {args.records:,} ({lines:,} payout lines)")
    # "whole_command", not "command": the saved record's "command" is the command line of this run
    for name, times, what in (("calculator", calc, f"in this process, best of {len(calc)}"),
                              ("whole_command", cmd, f"fresh process, imports included, best of {len(cmd)}")):
        if not times:
            continue
        best = min(times)
        figures[name] = {"times_s": times, "best_s": best, "records_per_s": args.records / best,
                         **reference.ratios(best, ref), **peer_ratios(best, peer_times)}
        against = ", ".join(f"{v:.3g} × {k[2:-5]} peer" for k, v in peer_ratios(best, peer_times).items())
        print(f"{name:<18} {reference.describe(best, ref)} ({what}); "
              f"{args.records / best:,.0f} records per second" + (f"; {against}" if against else ""))
    save("bench_payouts", figures)


if __name__ == "__main__":
    main()
