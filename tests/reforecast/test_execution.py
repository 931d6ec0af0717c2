"""Budget execution (`forecast run --actuals RECORDS --as-of DATE`, runs.execution): actual to
date equal to `forecast payouts`, the files and the report, a synthetic truth covered by the
re-forecast's band, the gamma–Poisson update by hand, and bad input."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from conftest import ctrl_c_after, files, forecast_cli
from forecast.core.errors import InputError
from forecast.futures.checkpoint import Checkpoint, checkpoint_dir
from forecast.futures.settings import Compute
from forecast.policy.records import read_records, write_records
from forecast.payouts.statement import statement
from forecast.reforecast import execution as exe
from forecast.reforecast import rates
from forecast.futures.simulate import simulate

ROOT = Path(__file__).resolve().parents[2]
Q1 = ROOT / "examples" / "records" / "huishan_2025Q1.csv"
AS_OF = dt.date(2025, 3, 31)
SERIAL = Compute(backend="serial")


def test_actual_to_date_equals_forecast_payouts_to_the_fen(huishan):
    records = read_records(Q1, huishan.policy)
    actual = exe.actuals(records, huishan, AS_OF)
    cash = actual.cash(huishan.years, huishan.policy.rule_ids(False))
    assert round(cash.sum(), 2) == 298_090.00
    lines = statement(records, huishan.policy, as_of=AS_OF)["lines"]     # what `forecast payouts` prints
    assert round(lines.loc[~lines["in_kind"].astype(bool), "amount"].sum(), 2) == round(cash.sum(), 2)


@pytest.fixture(scope="module")
def executed(mini_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("execution") / "q1"
    code, stdout, stderr = forecast_cli("reforecast", str(mini_path), "--actuals", str(Q1), "--as-of", "2025-03-31",
                                        "--reps", "4", "--backend", "serial", "--out", str(out), "--quiet")
    assert code == 0, stderr
    return out, stdout


def test_execution_files_and_headline(executed):
    out, stdout = executed
    table = pd.read_csv(out / "execution.csv")
    for col in ("year", "rule", "plan", "actual", "committed", "reforecast", "reforecast_p5", "reforecast_p95",
                "variance"):
        assert col in table.columns
    totals = table[table["rule"] == "total"].set_index("year")
    assert totals.loc[2025, "actual"] == pytest.approx(298_090.00)
    rules = table[table["rule"] != "total"]
    # a total row is the sum of its rules; re-forecast = actual + committed + rest ≥ actual + committed
    assert rules.groupby("year")["actual"].sum().to_numpy() == pytest.approx(totals["actual"].to_numpy())
    assert rules.groupby("year")["reforecast"].sum().to_numpy() == pytest.approx(totals["reforecast"].to_numpy())
    assert (totals["reforecast"] + 0.01 >= totals["actual"] + totals["committed"]).all()
    assert (totals["reforecast_p5"] <= totals["reforecast"] + 0.01).all()
    assert (totals["reforecast"] <= totals["reforecast_p95"] + 0.01).all()
    assert (totals["variance"] - (totals["reforecast"] - totals["plan"])).abs().max() < 0.02
    meta = json.loads((out / "execution.json").read_text(encoding="utf-8"))
    assert meta["as_of"] == "2025-03-31" and meta["records_used"] == 28 and meta["records_after_as_of"] == 0
    assert "2025: paid 29.8 of a plan of" in stdout and "expected year-end" in stdout
    assert (out / "execution.png").stat().st_size > 10_000
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["execution"]["as_of"] == "2025-03-31"


def test_report_has_the_execution_sheet_and_section(executed, tmp_path):
    out, _ = executed
    code, stdout, stderr = forecast_cli("report", str(out), "--out", str(tmp_path / "r"), "--no-pdf")
    assert code == 0, stderr
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "r" / "forecast.xlsx", read_only=True)
    assert "预算执行" in wb.sheetnames
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert 'id="execution"' in html and "已支付 29.8 万元" in html
    assert "2025 年:已支付 29.8 万元" in stdout


def test_same_files_on_serial_and_processes(mini_path, executed, tmp_path):
    out, _ = executed
    code, _, err = forecast_cli("reforecast", str(mini_path), "--actuals", str(Q1), "--as-of", "2025-03-31", "--reps", "4",
                                "--backend", "processes", "--workers", "2", "--out", str(tmp_path / "p"), "--quiet")
    assert code == 0, err
    for name in ("execution.csv", "execution_rates.csv", "execution_bands.csv", "outlays_stats.csv"):
        assert (tmp_path / "p" / name).read_bytes() == (out / name).read_bytes(), name


def test_an_interrupted_reforecast_resumes_to_the_same_folder(mini_path, executed, tmp_path, monkeypatch):
    """Ctrl-C in the re-forecast pass (the plan's 4 replications and 2 of the re-forecast's
    saved) leaves the checkpoint and no folder; --resume computes the rest and writes the same
    files; a resume with another --as-of is refused, naming it."""
    ref, _ = executed
    out = tmp_path / "q1"
    argv = ["reforecast", str(mini_path), "--actuals", str(Q1), "--as-of", "2025-03-31", "--reps", "4",
            "--backend", "serial", "--out", str(out), "--quiet"]
    with monkeypatch.context() as patch:
        ctrl_c_after(patch, 6)
        code, _, err = forecast_cli(*argv)
    assert code == 130 and "6 of 8" in err and "--resume" in err, err
    assert not out.exists() and Checkpoint(checkpoint_dir(out)).finished() == 6
    code, _, err = forecast_cli(*[a if a != "2025-03-31" else "2025-03-30" for a in argv], "--resume")
    assert code == 2 and "--as-of" in err, err
    code, _, err = forecast_cli(*argv, "--resume")
    assert code == 0, err
    assert not checkpoint_dir(out).exists()
    a, b = files(out), files(ref)
    assert sorted(a) == sorted(b) and [k for k in a if a[k] != b[k]] == ["provenance.json"]


def test_gamma_poisson_update_by_hand():
    # prior mean 200, sd 100: shape 4, rate 0.02; 150 events where the plan expects 0.5 per unit
    u = rates.Update("apprenticeship", "pairings", "pairing", None, "p", 200.0, 100.0, recorded=150.0,
                     expected=100.0, per_unit=0.5, used=True, note="")
    assert (u.shape, u.rate) == pytest.approx((154.0, 0.52))
    assert u.posterior_mean() == pytest.approx(154 / 0.52)        # ≈ 296: running hot → higher
    lo, hi = u.posterior_interval()
    later = rates.Update("apprenticeship", "pairings", "pairing", None, "p", 200.0, 100.0, recorded=300.0,
                         expected=200.0, per_unit=1.0, used=True, note="")
    lo2, hi2 = later.posterior_interval()
    assert hi2 - lo2 < hi - lo                                    # more months of records: narrower
    draws = [u.draw(np.random.default_rng(s)) for s in range(2000)]
    assert np.mean(draws) == pytest.approx(u.posterior_mean(), rel=0.01)


def test_a_programme_running_hot_reforecasts_higher(mini, tmp_path):
    sc = forecast.load_scenario(mini)
    as_of = dt.date(2026, 6, 30)
    plan = exe.plan_pass(sc, as_of, reps=6, compute=SERIAL)
    hot = simulate(sc, 5, 0, given={"pathways.apprenticeship.pairings_per_year": 30.0})
    cold = simulate(sc, 5, 0, given={"pathways.apprenticeship.pairings_per_year": 10.0})
    got = {}
    for name, truth in (("hot", hot), ("cold", cold)):
        f = write_records(truth.events[truth.events["date"] <= pd.Timestamp(as_of)], tmp_path / f"{name}.csv")
        ex = exe.reforecast(sc, read_records(f, sc.policy), as_of, plan, compute=SERIAL)
        got[name] = ex
    post = {k: next(u for u in v.updates if u.name == "apprenticeship").posterior_mean() for k, v in got.items()}
    assert post["hot"] > post["cold"] * 1.5
    a8a = {k: v.table.query("rule == 'HS-A8a' and year == 2027")["reforecast"].item() for k, v in got.items()}
    assert a8a["hot"] > a8a["cold"]


def test_synthetic_truth_falls_in_the_band(mini):
    """20 known futures (parameters drawn from the scenario, seeds 1000–1019), their events to
    2026-06-30 written as records; the truth's 2026 total (on the records' basis, `booked`) falls
    in the re-forecast's 90 % band in at least 16, and that band is narrower than the plan's."""
    sc = forecast.load_scenario(mini)
    as_of = dt.date(2026, 6, 30)
    plan = exe.plan_pass(sc, as_of, reps=16, compute=SERIAL)
    inside, widths = 0, []
    for k in range(20):
        truth = simulate(sc, 1000 + k, 0)
        records = truth.events[truth.events["date"] <= pd.Timestamp(as_of)].reset_index(drop=True)
        ex = exe.reforecast(sc, records, as_of, plan, compute=SERIAL)
        row = ex.table.query("rule == 'total' and year == 2026").iloc[0]
        led = exe.booked(truth.ledger, as_of)
        total = led.loc[~led["in_kind"].astype(bool) & (led["year"] == 2026), "amount"].sum()
        inside += row.reforecast_p5 <= total <= row.reforecast_p95
        widths.append((row.reforecast_p95 - row.reforecast_p5, row.plan_p95 - row.plan_p5))
    widths = np.array(widths)
    assert inside >= 16, inside
    assert widths[:, 0].mean() < 0.8 * widths[:, 1].mean()


def test_rest_lines_leave_out_what_records_replace(mini):
    sc = forecast.load_scenario(mini)
    as_of = dt.date(2026, 6, 30)
    truth = simulate(sc, 3, 0)
    records = truth.events[truth.events["date"] <= pd.Timestamp(as_of)]
    result = simulate(sc, 4, 0)
    kept = result.ledger.iloc[exe.rest_lines(result, records, as_of)]
    ev = result.events.iloc[kept["event_index"]]
    assert (ev["date"] > pd.Timestamp(as_of)).all()
    assert not (ev["paired_on"].notna() & (ev["paired_on"] <= pd.Timestamp(as_of))).any()
    selected_after = set(result.events.query("event == 'craftsman_selected'").loc[
        lambda e: e["date"] > pd.Timestamp(as_of), "person"])
    assert set(ev.loc[ev["event"] == "craftsman_assessed", "person"]) <= selected_after
    # a kind the model holds once a year (the selection, in May) is not held twice when the records
    # already hold this year's: as of 2026-03-31, a selection recorded on 2026-01-20 drops the model's
    # 2026 selection and the annuities of the craftsmen it would have named
    march = dt.date(2026, 3, 31)
    before = truth.events[truth.events["date"] <= pd.Timestamp(march)]
    sel = lambda e: (e["event"] == "craftsman_selected") & (e["date"].dt.year == 2026)   # noqa: E731
    ev1 = result.events.iloc[result.ledger.iloc[exe.rest_lines(result, before, march)]["event_index"]]
    assert sel(ev1).any()
    named = before.iloc[:1].copy()
    named["event"], named["date"], named["recipient"] = "craftsman_selected", pd.Timestamp("2026-01-20"), "H9"
    ev2 = result.events.iloc[result.ledger.iloc[exe.rest_lines(result, pd.concat([before, named]), march)]["event_index"]]
    assert not sel(ev2).any()
    assert not set(ev2.loc[ev2["event"] == "craftsman_assessed", "person"]) & set(ev1.loc[sel(ev1), "person"])
    # the craftsmen named before the run: replaced by the real ones once the records hold an
    # assessment round (December 2025 here), kept from the simulation before that
    initial = set(result.events.query("event == 'craftsman_assessed'")["person"]) - \
        set(result.events.query("event == 'craftsman_selected'")["person"])
    assert not set(ev.loc[ev["event"] == "craftsman_assessed", "person"]) & initial
    no_round = records[~records["event"].isin(["craftsman_assessed", "craftsman_in_service"])]
    ev3 = result.events.iloc[result.ledger.iloc[exe.rest_lines(result, no_round, as_of)]["event_index"]]
    assert set(ev3.loc[ev3["event"] == "craftsman_assessed", "person"]) & initial


@pytest.mark.parametrize("argv, message", [
    (["--as-of", "2024-12-31"], "outside the policy's period"),
    (["--as-of", "2028-01-01"], "outside the policy's period"),
    ([], "--as-of"),
    (["--as-of", "2025-03-31", "--precision", "0.05"], "unrecognized arguments: --precision"),
    (["--as-of", "2025-03-31", "--reps", "1"], "--reps"),
])
def test_bad_options_exit_2_and_write_nothing(mini_path, tmp_path, argv, message):
    out = tmp_path / "out"
    code, _, err = forecast_cli("reforecast", str(mini_path), "--actuals", str(Q1), *argv, "--out", str(out), "--quiet")
    assert code == 2 and message in err
    assert not out.exists()


def test_actuals_need_the_reforecast_command(mini_path, tmp_path):
    code, _, err = forecast_cli("reforecast", str(mini_path), "--as-of", "2025-03-31", "--out", str(tmp_path / "o"))
    assert code == 2 and "--actuals" in err
    code, _, err = forecast_cli("run", str(mini_path), "--actuals", str(Q1), "--as-of", "2025-03-31",
                                "--out", str(tmp_path / "o"))
    assert code == 2 and "forecast reforecast" in err and not (tmp_path / "o").exists()


def test_malformed_records_are_all_listed(mini_path, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,event,recipient,count\n2025-02-30,graduates_stayed,X,3\n2025-01-05,pairing,M,\n"
                   "2025-01-06,teleport,Y,\n", encoding="utf-8")
    code, _, err = forecast_cli("reforecast", str(mini_path), "--actuals", str(bad), "--as-of", "2025-03-31",
                                "--out", str(tmp_path / "o"), "--quiet")
    assert code == 2
    assert "3 problems" in err and "bad.csv:1: missing column 'person'" in err and "bad.csv:2: date" in err and "bad.csv:4: unknown event kind" in err
    assert not (tmp_path / "o").exists()


def test_records_after_as_of_are_left_out_with_a_note(mini_path, tmp_path):
    code, stdout, _ = forecast_cli("reforecast", str(mini_path), "--actuals", str(Q1), "--as-of", "2025-02-14",
                                   "--reps", "2", "--backend", "serial", "--out", str(tmp_path / "o"), "--quiet")
    assert code == 0
    meta = json.loads((tmp_path / "o" / "execution.json").read_text(encoding="utf-8"))
    assert meta["records_after_as_of"] > 0
    assert f"{meta['records_after_as_of']} record(s) dated after 2025-02-14 are left out" in stdout


def test_records_of_another_policy_are_refused(huishan):
    from dataclasses import replace

    from forecast.reforecast.api import check_kinds
    records = read_records(Q1, huishan.policy)
    other = replace(huishan, policy=replace(huishan.policy, rules=tuple(r for r in huishan.policy.rules
                                                                       if r.event != "station_accepted")))
    with pytest.raises(InputError, match="station_accepted"):
        check_kinds(records, other, str(Q1))
