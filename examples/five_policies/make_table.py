"""The README's table of the five policies, from one saved Monte Carlo run each.

    python examples/five_policies/make_table.py --reps 100

runs, for each scenario, `forecast run scenarios/<name>.toml --reps N --seed 0 --out
results/<name>_mc` (skipped with --reuse when that folder already holds an N-replication run
of the same scenario file), then reads each run's summary.json and writes

* examples/five_policies/table.md — the markdown table the README quotes (period, rules,
  targets, policy-period outlay band, P(met) per target),
* examples/five_policies/runs.json — the figures it is made of, with the date, the machine,
  the commands and the git commit, so the README's numbers can be traced and re-made.

Nothing here computes a forecast of its own: every figure is read from the runs' summary.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PLACES = ("huishan", "changzhou", "wuxi_2021", "huzhou", "dongxihu")
WAN = 10_000


def run(name: str, reps: int, reuse: bool) -> tuple[dict, list[str]]:
    out = ROOT / "results" / f"{name}_mc"
    command = ["forecast", "run", f"scenarios/{name}", "--reps", str(reps), "--seed", "0", "--out",
               f"results/{name}_mc", "--quiet"]
    summary = out / "summary.json"
    if not (reuse and summary.exists() and json.loads(summary.read_text(encoding="utf-8"))["reps"] == reps):
        exe = Path(sys.executable).with_name("forecast")
        subprocess.run([str(exe), *command[1:]], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return json.loads(summary.read_text(encoding="utf-8")), command


def row(name: str, s: dict) -> dict:
    import forecast
    sc = forecast.load_scenario(ROOT / "scenarios" / name)
    h = s["headline"]["outlays_yuan_in_policy_period"]
    return {"scenario": name, "title": sc.title, "period": "–".join(d[:4] for d in s["policy_validity"]),
            "rules": len(sc.policy.rules), "targets": len(sc.targets),
            "outlay_wan": {k: round(h[k] / WAN, 1) for k in ("mean", "p5", "p50", "p95")},
            "fund_kind": (s.get("fund") or {}).get("kind", "endowment"),
            "p_met": {t["target"]: round(float(t["probability"]), 3) for t in s["targets"]},
            "set_by_assumption": [t["target"] for t in s["targets"] if t.get("set_by")],
            "reps": s["reps"]}


def table(rows: list[dict]) -> str:
    lines = ["| policy | period | rules | targets | outlay in the period, 万元: median (90 % range) | P(met) per target |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        o = r["outlay_wan"]
        met = ", ".join(f"{t} {p:.0%}" + ("†" if t in r["set_by_assumption"] else "") for t, p in r["p_met"].items())
        lines.append(f"| {r['scenario']} | {r['period']} | {r['rules']} | {r['targets']} | "
                     f"{o['p50']:,.0f} ({o['p5']:,.0f}–{o['p95']:,.0f}) | {met or 'no numeric target'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--reuse", action="store_true", help="keep a saved run with the same number of replications")
    args = ap.parse_args()
    rows, commands = [], []
    for name in PLACES:
        summary, command = run(name, args.reps, args.reuse)
        rows.append(row(name, summary))
        commands.append(" ".join(command))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    meta = {"date": dt.date.today().isoformat(), "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
            "python": platform.python_version(), "commit": commit, "commands": commands, "rows": rows}
    (HERE / "runs.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (HERE / "table.md").write_text(table(rows), encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
