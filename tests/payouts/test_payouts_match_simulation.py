"""One source of truth: a simulated run's events, written as records and paid by
`forecast payouts`, give back the run's own ledger exactly."""
from __future__ import annotations

import pandas as pd
import pytest

import forecast
from forecast.cli import main
from forecast.policy.payouts import LEDGER_COLUMNS
from forecast.policy.records import read_records, write_records

from conftest import HUISHAN


@pytest.fixture(scope="module")
def run(huishan):
    return forecast.simulate(huishan, seed=0)  # what `forecast run scenarios/huishan` simulates


@pytest.fixture(scope="module")
def records_csv(run, tmp_path_factory):
    """The run's events.parquet, as `forecast run` writes it, turned into a records file."""
    folder = tmp_path_factory.mktemp("run")
    run.events.to_parquet(folder / "events.parquet", index=False)
    return write_records(pd.read_parquet(folder / "events.parquet"), folder / "events.csv")


def test_the_run_exercises_most_rules(run, huishan):
    """The comparison below is meaningful: the run pays under (nearly) every rule."""
    assert len(run.events) > 50_000
    assert len(set(run.ledger["rule"])) >= len(huishan.policy.rules) - 2


def test_records_of_a_run_give_back_its_ledger_exactly(run, huishan, records_csv):
    events = read_records(records_csv, policy=huishan.policy)
    assert events["line"].tolist() == list(range(2, len(run.events) + 2))  # same order as the run
    pd.testing.assert_frame_equal(events.drop(columns="line"), run.events.reset_index(drop=True))
    # with the run's payment lags, the very same ledger, payment dates and budget years included
    ledger = forecast.compute_payouts(events.drop(columns="line"), huishan.policy, explain=True,
                                      lags=run.values.pay_lag).ledger
    pd.testing.assert_frame_equal(ledger, run.ledger[LEDGER_COLUMNS])
    # without lags (what an administrator owes on the records) each line is paid on its event's date
    owed = forecast.compute_payouts(events.drop(columns="line"), huishan.policy, explain=False).ledger
    assert (owed["paid_on"] == owed["date"]).all() and (owed["year"] == owed["date"].dt.year).all()
    assert (run.ledger["paid_on"] >= run.ledger["date"]).all() and (run.ledger["paid_on"] > run.ledger["date"]).any()


def test_forecast_payouts_command_gives_back_the_ledger(run, records_csv, tmp_path, capsys):
    out = tmp_path / "payouts.csv"
    assert main(["payouts", "--policy", str(HUISHAN), str(records_csv), "--out", str(out), "--show", "5"]) == 0
    capsys.readouterr()
    got = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False,
                      dtype={"recipient": str, "person": str, "recipient_kind": str})
    want = run.ledger
    assert len(got) == len(want) > 1000
    assert got["date"].tolist() == want["date"].dt.strftime("%Y-%m-%d").tolist()
    # the calculator dates what is owed at the event; the forecast's payment lag is an assumption
    assert got["year"].tolist() == want["date"].dt.year.tolist()
    for col in ("rule", "article", "recipient_kind", "recipient", "person", "in_kind"):
        assert got[col].tolist() == want[col].tolist(), col
    for col in ("base", "uplift_rate", "uplift", "amount"):  # yuan to the fen, as written
        assert got[col].tolist() == want[col].round(2).tolist(), col
    assert (got["line"] - 2).tolist() == want["event_index"].tolist()
    totals = pd.read_csv(out.with_name("payouts.totals.csv"), encoding="utf-8-sig", keep_default_na=False)
    by_rule = totals[totals["group"] == "rule"].set_index("rule")["amount"].astype(float)
    expected = want.groupby("rule")["amount"].sum()
    assert by_rule.round(2).to_dict() == expected.round(2).to_dict()
