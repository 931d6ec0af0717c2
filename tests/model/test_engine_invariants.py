"""Invariants of one simulated future on a small district (20,000 employed, central values).

Head count is conserved month by month, workers climb the ladder one step at a time, payouts
are positive and never duplicated, every total is derived from the ledger, and a more
generous HS-A8a draws more pairings.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.model import engine
from forecast.policy import ladder
from conftest import HUISHAN, SMALL

SEED = 11


def write_overlay(folder: Path, text: str, name: str) -> Path:
    path = folder / name
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + SMALL + text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(small):
    """One future of the small district, with every promotion recorded as (old, new, programme)."""
    promotions = []
    original = engine.Engine.promote

    def recording(self, idx, new_levels, t, programme, *args, **kwargs):
        promotions.append(pd.DataFrame({"old": self.workers.level[idx].astype(int),
                                        "new": np.asarray(new_levels, dtype=int), "programme": programme}))
        return original(self, idx, new_levels, t, programme, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.Engine, "promote", recording)
        result = forecast.simulate(small, seed=SEED, uncertain=False)
    return result, pd.concat(promotions, ignore_index=True)


def test_population_is_the_small_one(run):
    result, _ = run
    assert result.ladder_counts[0].sum() == pytest.approx(20000, rel=0.01)


def test_head_count_conserved_every_month(run):
    result, _ = run
    stock = result.ladder_counts.sum(axis=1)
    hires, graduates, exits = result.flows.T
    assert hires.sum() > 0 and graduates.sum() > 0 and exits.sum() > 0   # every flow is exercised
    start = np.concatenate([[20000], stock[:-1]])
    # start of month + hires + graduates − exits = end of month, for every month
    np.testing.assert_array_equal(start + hires + graduates - exits, stock)
    assert stock[-1] == result.workers_end


def test_promotions_move_one_step_except_uncertified_and_apprentice_to_junior(run):
    _, promotions = run
    old, new, programme = promotions["old"], promotions["new"], promotions["programme"]
    one_step = new == old + 1
    to_junior = (old <= ladder.APPRENTICE) & (new == ladder.JUNIOR)
    bad = promotions[~(one_step | to_junior)]
    assert bad.empty, bad.head()
    # entering an apprenticeship is the only move to 学徒工
    assert set(programme[new == ladder.APPRENTICE]) == {"apprenticeship_entry"}
    # every route up the ladder is exercised
    assert {"self_evaluation", "night_school", "competition", "apprenticeship_entry"} <= set(programme)
    assert to_junior.sum() > 0 and one_step.sum() > 0


def test_certificates_of_a_person_climb_one_level_at_a_time(run):
    result, _ = run
    certs = result.events[result.events["event"] == "certificate"]
    assert (certs["level"] >= ladder.JUNIOR).all()
    steps = certs.groupby("person", sort=False)["level"].diff().dropna()
    assert len(steps) > 0
    assert (steps == 1).all(), steps.value_counts()


def test_payouts_positive_and_never_duplicated(run):
    result, _ = run
    led = result.ledger
    assert len(led) > 0
    assert (led["amount"] > 0).all() and (led["base"] > 0).all()
    assert not led.duplicated(["rule", "recipient", "person", "date", "event_index"]).any()
    assert not led.duplicated(["rule", "event_index"]).any()
    assert led["event_index"].between(0, len(result.events) - 1).all()
    # each line pays for an event of the rule's own kind
    kinds = result.events["event"].to_numpy()[led["event_index"].to_numpy()]
    expected = led["rule"].map({r.id: r.event for r in result.scenario.policy.rules}).to_numpy()
    assert (kinds == expected).all()


def test_once_only_rules_pay_each_key_once(run):
    result, _ = run
    led = result.ledger.assign(level=result.events["level"].to_numpy()[result.ledger["event_index"].to_numpy()])
    checked = 0
    for rule in result.scenario.policy.rules:
        lines = led[led["rule"] == rule.id]
        if rule.once_per and len(lines):
            assert not lines.duplicated(list(rule.once_per)).any(), rule.id
            checked += 1
    assert checked >= 8


def test_ledger_totals_equal_outlays_and_summary(run, tmp_path):
    result, _ = run
    led = result.ledger
    cash = led[~led["in_kind"]]
    outlays = result.outlays()
    by_year = cash.groupby("year")["amount"].sum().reindex(outlays.index, fill_value=0.0)
    np.testing.assert_allclose(outlays.sum(axis=1).to_numpy(), by_year.to_numpy())
    # payments whose lag falls after the horizon's last year are owed after it, not outlays in it
    late = cash[cash["year"] > outlays.index.max()]
    assert late["date"].dt.year.max() <= outlays.index.max()
    cash = cash[cash["year"] <= outlays.index.max()]
    by_rule = cash.groupby("rule")["amount"].sum().reindex(outlays.columns, fill_value=0.0)
    np.testing.assert_allclose(outlays.sum(axis=0).to_numpy(), by_rule.to_numpy())
    assert "HS-A7" not in outlays.columns
    assert result.outlays(in_kind=True)["HS-A7"].sum() == pytest.approx(led[led["in_kind"]]["amount"].sum())
    assert led["in_kind"].any()

    forecast.write_results(result, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    for year, figure in summary["outlays_yuan_by_year"].items():
        assert figure["mean"] == pytest.approx(by_year[int(year)], abs=0.01)
    written = pd.read_csv(tmp_path / "out" / "outlays.csv", index_col="year")
    np.testing.assert_allclose(written[list(by_rule.index)].sum(axis=0).to_numpy(), by_rule.to_numpy(), atol=0.05)
    in_policy = cash[cash["year"].between(2025, 2027)]["amount"].sum()
    assert summary["headline"]["outlays_yuan_in_policy_period"]["mean"] == pytest.approx(in_policy, abs=0.01)
    after = cash[cash["year"] > 2027]["amount"].sum()    # paid in the budget years after 2027
    assert after > 0      # HS-A2b annuities and HS-A8b milestones are committed past 2027
    assert summary["headline"]["committed_after_policy_yuan"]["mean"] == pytest.approx(after, abs=0.01)
    assert result.committed() == pytest.approx(after)


def test_doubling_a8a_amount_draws_more_pairings_and_more_than_doubles_its_bill(run, tmp_path):
    # masters plentiful (half the workers at 技师 or above take apprentices), so that the masters'
    # slots do not bind and the number of pairings is the number requested
    plenty = ("[pathways.apprenticeship.other_master_share]\nvalue = 0.5\nrange = [0.4, 0.6]\n"
              "assumption = \"test: masters never scarce\"\n")
    base = forecast.simulate(forecast.load_scenario(write_overlay(tmp_path, plenty, "base.toml")), seed=SEED,
                             uncertain=False)
    reform_path = write_overlay(tmp_path, plenty + "[rules.HS-A8a]\namount = 4000\n", "reform.toml")
    reform = forecast.simulate(forecast.load_scenario(reform_path), seed=SEED, uncertain=False)

    def pairings(r):
        return int((r.events["event"] == "pairing").sum())

    def bill(r):
        return r.ledger.loc[r.ledger["rule"] == "HS-A8a", "amount"].sum()

    # expected reward per pairing (HS-A8a once + HS-A8b milestones with their odds, 280 yuan):
    # ratio (4,000 + 280) / (2,000 + 280) = 1.877; elasticity 1, deadweight 0.5:
    # requests × (0.5 + 0.5 × 1.877) = × 1.44
    assert pairings(reform) > pairings(base) * 1.25
    # twice the amount for more pairings: more than twice the bill
    assert bill(reform) > 2 * bill(base)
    assert set(reform.ledger.loc[reform.ledger["rule"] == "HS-A8a", "base"]) == {4000.0}
