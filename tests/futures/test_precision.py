"""`forecast run --precision REL`: batches until the Monte Carlo error is within REL, then stop.

Pinned: the run stops at the stated precision (every watched figure within tolerance at the
end, not all of them one batch earlier); its folder equals a plain run of the same number of
replications; an interrupted run resumes to the same answer; a precision out of reach stops at
--max-reps and says so; bad requests exit 2."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import forecast
from forecast.futures.precision import figures
from forecast.futures.settings import Compute

from conftest import forecast_cli

REL, FLOOR, FIRST = 0.05, 0.1, 8
SERIAL = Compute(backend="serial")


@pytest.fixture(scope="module")
def precise(mini_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("precision") / "run"
    status, stdout, stderr = forecast_cli("run", str(mini_path), "--precision", str(REL),
                                          "--precision-floor", str(FLOOR),
                                          "--reps", str(FIRST), "--backend", "serial", "--quiet", "--out", str(out))
    assert status == 0, stderr
    return out, stdout, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_it_stops_once_every_figure_is_within_its_tolerance(precise):
    out, stdout, summary = precise
    p = summary["precision"]
    assert p["achieved"] and p["reps"] == summary["reps"] == p["batches"][-1] and len(p["batches"]) >= 2
    assert "reached with" in stdout and str(p["reps"]) in stdout
    # checked again from the files, not from the run's own verdict
    reps = pd.read_parquet(out / "replications.parquet")
    period = reps[reps["year"].between(2025, 2027)].groupby("replication")["total"].sum()
    assert period.std(ddof=1) / math.sqrt(len(period)) <= REL * period.mean()
    targets = pd.read_csv(out / "targets.csv")
    for q in targets["probability"]:
        if 0 < q < 1:
            assert math.sqrt(q * (1 - q) / p["reps"]) <= max(REL * q, FLOOR) + 1e-12


def test_one_batch_earlier_the_precision_was_not_reached(precise, mini_path, tmp_path):
    _, _, summary = precise
    earlier = summary["precision"]["batches"][-2]
    agg, _ = forecast.run_monte_carlo(forecast.load_scenario(mini_path), reps=earlier, out=tmp_path / "e",
                                      compute=SERIAL)
    assert not all(f.met for f in figures(agg.summary, REL, FLOOR))


def test_the_folder_equals_a_plain_run_of_the_final_number(precise, mini_path, tmp_path):
    out, _, summary = precise
    forecast.run_monte_carlo(forecast.load_scenario(mini_path), reps=summary["reps"], out=tmp_path / "p",
                             compute=SERIAL)
    for name in ("outlays_stats.csv", "targets.csv", "ladder_bands.csv", "parameters.csv"):
        assert (out / name).read_bytes() == (tmp_path / "p" / name).read_bytes(), name
    plain = json.loads((tmp_path / "p" / "summary.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in summary.items() if k != "precision"} == plain


def test_an_interrupted_run_resumes_to_the_same_answer(precise, mini_path, tmp_path):
    _, _, summary = precise
    scenario = forecast.load_scenario(mini_path)

    def stop(done, total):
        if total > FIRST and done >= FIRST + 3:      # in the second batch
            raise KeyboardInterrupt

    out = tmp_path / "r"
    with pytest.raises(KeyboardInterrupt):
        forecast.run_monte_carlo(scenario, reps=FIRST, out=out, compute=SERIAL.with_progress(stop), precision=REL,
                                 precision_floor=FLOOR)
    agg, info = forecast.run_monte_carlo(scenario, reps=FIRST, out=out, compute=Compute(backend="serial", resume=True),
                                         precision=REL, precision_floor=FLOOR)
    assert info.resumed == FIRST + 3 and info.computed == summary["precision"]["reps"] - FIRST - 3 and agg.summary["precision"]["reps"] == summary["precision"]["reps"]
    assert agg.summary["headline"] == summary["headline"]


def test_out_of_reach_stops_at_max_reps_and_says_so(mini_path, tmp_path):
    status, stdout, stderr = forecast_cli("run", str(mini_path), "--precision", "0.001", "--reps", "4", "--max-reps", "6",
                                          "--backend", "serial", "--quiet", "--out", str(tmp_path / "x"))
    assert status == 0, stderr
    p = json.loads((tmp_path / "x" / "summary.json").read_text(encoding="utf-8"))["precision"]
    assert not p["achieved"] and p["reps"] == 6 and p["batches"] == [4, 6]
    assert "NOT reached" in stdout


@pytest.mark.parametrize("argv, words", [
    (["--precision", "1.5"], "--precision"),
    (["--precision", "0"], "--precision"),
    (["--precision", "0.01", "--precision-floor", "0.7"], "--precision-floor"),
    (["--precision", "0.01", "--reps", "50", "--max-reps", "20"], "--max-reps"),
])
def test_bad_requests_exit_2(argv, words, mini_path, tmp_path):
    status, _, err = forecast_cli("run", str(mini_path), *argv, "--out", str(tmp_path / "x"))
    assert status == 2 and words in err and not (tmp_path / "x").exists()


def test_the_processes_backend_gives_the_same_run(precise, mini_path, tmp_path):
    out, _, summary = precise
    status, _, stderr = forecast_cli("run", str(mini_path), "--precision", str(REL), "--precision-floor", str(FLOOR),
                                     "--reps", str(FIRST), "--backend", "processes", "--workers", "2", "--quiet",
                                     "--out", str(tmp_path / "p"))
    assert status == 0, stderr
    assert json.loads((tmp_path / "p" / "summary.json").read_text(encoding="utf-8")) == summary
    assert (tmp_path / "p" / "outlays_stats.csv").read_bytes() == (out / "outlays_stats.csv").read_bytes()
