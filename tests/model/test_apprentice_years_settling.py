"""The generic apprentice-year and settling-in pathways, on small overlays of Huishan, with
hand-computed cases.

Reading of the drop-out (model/pathways/apprentice_years.py): an apprentice drops out *during*
a training year with chance d, and that year is not paid; so of Y years an enrolment earns
on average Σ_{j=1}^{Y} (1 − d)^j = Σ_{k=0}^{Y−1} (1 − d)^{k+1} apprentice-years.
"""
from __future__ import annotations

import numpy as np
import pytest

import forecast
from forecast.model.engine import Options, Engine
from forecast.futures.simulate import replication_seed
from forecast.policy import ladder
from conftest import MINI, forecast_cli

RULES = """
[rules.T-AY]
article = "test"
text = "apprenticeship subsidy per apprentice-year"
source = "test"
reading = "fixed amount per completed training year; years completing after the policy's end, of apprentices enrolled under it, are paid"
after_policy = true
event = "apprentice_year"
recipient = "employer"
kind = "fixed"
amount = 6000

[rules.T-SI]
article = "test"
text = "settling-in subsidy by level"
source = "test"
event = "settled_in"
recipient = "recruit"
kind = "table"
amounts = { "技师" = 20000, "高级技师" = 50000 }
once_per = ["person"]
"""


def apprentice_section(dropout: float = 0.0, years: int = 2, per_year: float = 60.0, certify: bool = False,
                       extra: str = "") -> str:
    return f"""
[pathways.apprentice_years]
rule = "T-AY"
max_level = "中级工"
certify_on_completion = {str(certify).lower()}
{extra}
[pathways.apprentice_years.max_age]
value = 35
range = [30, 40]
assumption = "test"
[pathways.apprentice_years.enrolments_per_year]
value = {per_year}
range = [{per_year}, {per_year}]
assumption = "test"
[pathways.apprentice_years.training_years]
value = {years}
range = [1, 3]
assumption = "test"
[pathways.apprentice_years.dropout_per_year]
value = {dropout}
range = [0, 0.5]
assumption = "test"
[pathways.apprentice_years.elasticity]
value = 1.0
range = [0.5, 1.5]
assumption = "test"
[pathways.apprentice_years.deadweight]
value = 0.5
range = [0.3, 0.8]
assumption = "test"
"""


def settling_section(share: float = 0.5) -> str:
    return f"""
[pathways.settling_in]
rule = "T-SI"
[pathways.settling_in.apply_share]
value = {share}
range = [0, 1]
assumption = "test"
"""


def run(path, seed: int = 0, options: Options | None = None) -> Engine:
    """One central-value run of the engine, the simulation kept for its pathways' state."""
    sc = forecast.load_scenario(path)
    param_ss, dynamics_ss = replication_seed(seed, 0).spawn(2)
    sim = Engine(sc, sc.resolve(None), dynamics_ss, options)
    sim.run()
    return sim


def events(sim: Engine, kind: str):
    ev = sim.log.frame()
    return ev[ev["event"] == kind]


def test_no_dropout_no_exits_pays_every_year_by_hand(overlay):
    """Drop-out 0 and a closed population: each enrolment is paid once for each anniversary
    that falls inside the horizon, i.e. min(Y, (T − 1 − start) // 12) years; with those
    enrolled before the last Y years all N × Y."""
    years = 2
    path = overlay(MINI + RULES + apprentice_section(0.0, years))
    sim = run(path, options=Options(demography=False, pathways=("apprentice_years",)))
    ay = sim.steps["apprentice_years"]
    who = np.flatnonzero(ay.enrolled)
    policy_months = [t for t in range(sim.T) if sim.in_policy(t)]
    assert len(who) == int(ay.arrivals[policy_months].sum()) > 50    # every arrival found a candidate
    start = ay.start[who]
    by_hand = np.minimum(years, (sim.T - 1 - start) // 12)
    ev = events(sim, "apprentice_year")
    assert len(ev) == int(by_hand.sum())
    early = start <= sim.T - 1 - 12 * years
    paid = ev["person"].value_counts()
    assert all(paid[f"W{i:06d}"] == years for i in who[early])      # N enrolled early × Y years
    assert early.sum() * years <= len(ev)
    # recipient is the employer, one apprentice-year per event, at 6,000 each
    assert ev["recipient"].str.startswith("E").all() and (ev["count"] == 1).all()
    ledger = forecast.compute_payouts(ev, sim.scenario.policy).ledger
    assert ledger.loc[ledger["rule"] == "T-AY", "amount"].sum() == pytest.approx(
        6000 * len(ev) * 1.0 + 6000 * 0.3 * ev["contributor"].sum())


def test_dropout_expected_years_over_seeds(overlay):
    """E[years paid per enrolment] = Σ_{j=1}^{Y}(1 − d)^j (drop-out before the year's payment).
    Only enrolments whose Y anniversaries all fall inside the horizon are counted. Tolerance:
    4 standard errors of the mean over all enrolments of all seeds (the years of one enrolment
    have variance ≤ Y²/4)."""
    d, years = 0.3, 2
    path = overlay(MINI + RULES + apprentice_section(d, years, per_year=120.0))
    paid_years = []
    for seed in range(6):
        sim = run(path, seed, Options(demography=False, pathways=("apprentice_years",)))
        ay = sim.steps["apprentice_years"]
        who = np.flatnonzero(ay.enrolled)
        who = who[ay.start[who] <= sim.T - 1 - 12 * years]
        counts = events(sim, "apprentice_year")["person"].value_counts()
        paid_years += [int(counts.get(f"W{i:06d}", 0)) for i in who]
    paid_years = np.array(paid_years)
    expected = sum((1 - d) ** j for j in range(1, years + 1))        # 0.7 + 0.49 = 1.19
    se = paid_years.std(ddof=1) / np.sqrt(len(paid_years))
    assert len(paid_years) > 500
    assert abs(paid_years.mean() - expected) < 4 * se + 1e-9


def test_exits_stop_payment_and_completion_certifies(overlay):
    """With the engine's exits an apprentice who left is never paid after leaving; with
    certify_on_completion and share 1 every completer still in the district certifies one
    level up at the last anniversary."""
    path = overlay(MINI + RULES + apprentice_section(0.0, 1, certify=True))
    sim = run(path, seed=2)
    ev = events(sim, "apprentice_year")
    w = sim.workers
    person = ev["person"].str[1:].astype(int).to_numpy()
    month = ((ev["date"].dt.year - 2025) * 12 + ev["date"].dt.month - 1).to_numpy()
    # paid only while in the district: a worker leaves at the demography step of its exit
    # month, after that month's 'durations end', at which training years are paid
    assert (w.exit_month[person] >= month).all()
    certs = events(sim, "certificate")
    certs = certs[certs["programme"] == "apprentice_years"]
    assert sorted(certs["person"]) == sorted(ev["person"])   # Y = 1: each completer certified once


def hire_months(sim: Engine) -> np.ndarray:
    """The month each worker after the start population was hired, when only demography adds
    workers (its `hires` flow, in row order)."""
    return np.repeat(np.arange(sim.T), sim.flows[:, 0])


def test_settling_in_leaves_the_demography_unchanged(overlay):
    """Adding the section changes no hire, exit or level of the full Huishan-mini run."""
    base = run(overlay(MINI, "base.toml"), seed=1)
    sim = run(overlay(MINI + RULES + settling_section(1.0)), seed=1)
    assert np.array_equal(base.flows, sim.flows) and np.array_equal(base.stocks, sim.stocks)
    assert np.array_equal(base.workers.level, sim.workers.level)
    assert np.array_equal(base.workers.exit_month, sim.workers.exit_month)
    assert len(events(sim, "settled_in")) > 0


def test_settling_in_pays_eligible_hires_once_by_hand(overlay):
    """Share 1, only demography moving workers (no promotions): every hire of the policy's
    months at 技师 or 高级技师 is paid once, at the table's amount (技师 20,000, 高级技师 50,000,
    × 1.3 for a contributing employer), dated in its hiring month."""
    sim = run(overlay(MINI + RULES + settling_section(1.0)), seed=1, options=Options(pathways=("settling_in",)))
    assert sim.flows[:, 1].sum() == 0                       # no graduates: rows are start + hires
    hires = np.arange(sim.n0, sim.workers.n)
    month = hire_months(sim)
    assert len(month) == len(hires)
    tech, senior = ladder.parse_level("技师"), ladder.parse_level("高级技师")
    level = sim.workers.level[hires]
    in_policy = np.array([sim.in_policy(t) for t in range(sim.T)])
    eligible = hires[np.isin(level, [tech, senior]) & in_policy[month]]
    ev = events(sim, "settled_in")
    assert sorted(int(p[1:]) for p in ev["person"]) == sorted(eligible.tolist())   # each once
    ev_month = ((ev["date"].dt.year - 2025) * 12 + ev["date"].dt.month - 1).to_numpy()
    person = ev["person"].str[1:].astype(int).to_numpy()
    assert np.array_equal(ev_month, month[person - sim.n0])
    contributor = sim.contributor(eligible)
    by_hand = np.where(sim.workers.level[eligible] == tech, 20000.0, 50000.0) * np.where(contributor, 1.3, 1.0)
    ledger = forecast.compute_payouts(ev, sim.scenario.policy).ledger
    assert ledger["amount"].sum() == pytest.approx(float(by_hand.sum()))
    assert len(eligible) > 5


ALL_LEVELS = """
[rules.T-SI-ALL]
article = "test"
text = "settling-in subsidy at every certified level"
source = "test"
event = "settled_in"
recipient = "recruit"
kind = "table"
amounts = { "初级工" = 1000, "中级工" = 2000, "高级工" = 5000, "技师" = 20000, "高级技师" = 50000 }
"""


def test_settling_in_share_over_seeds(overlay):
    """The share of eligible hires paid, over seeds, is the parameter: within 4 binomial
    standard errors √(s(1 − s)/n) of it, n the eligible hires of all seeds."""
    share = 0.4
    text = settling_section(share).replace('rule = "T-SI"', 'rule = "T-SI-ALL"')
    path = overlay(MINI + RULES + ALL_LEVELS + text)
    paid = eligible = 0
    for seed in range(4):
        sim = run(path, seed, Options(pathways=("settling_in",)))
        hires = np.arange(sim.n0, sim.workers.n)
        in_policy = np.array([sim.in_policy(t) for t in range(sim.T)])
        ok = (sim.workers.level[hires] >= ladder.parse_level("初级工")) & \
            (sim.workers.level[hires] <= ladder.parse_level("高级技师"))
        eligible += int((ok & in_policy[hire_months(sim)]).sum())
        paid += len(events(sim, "settled_in"))
    assert eligible > 500
    se = np.sqrt(share * (1 - share) / eligible)
    assert abs(paid / eligible - share) < 4 * se


@pytest.mark.parametrize("text, key", [
    (apprentice_section(0.0).replace('max_level = "中级工"', 'max_level = "中级工"\nbogus = 1'),
     "pathways.apprentice_years.bogus"),
    (apprentice_section(0.0).replace('rule = "T-AY"', 'rule = "T-SI"'), "pathways.apprentice_years.rule"),
    (settling_section().replace('rule = "T-SI"', 'rule = "T-AY"'), "pathways.settling_in.rule"),
    (settling_section().replace("value = 0.5", "value = 1.5"), "pathways.settling_in.apply_share"),
    (apprentice_section(0.0).replace("[pathways.apprentice_years.elasticity]\nvalue = 1.0\nrange = [0.5, 1.5]\n"
                                     "assumption = \"test\"\n", ""), "pathways.apprentice_years.elasticity"),
])
def test_bad_keys_exit_2_naming_file_and_key(overlay, text, key):
    path = overlay(MINI + RULES + text, "bad.toml")
    status, out, err = forecast_cli("run", str(path), "--seed", "0", "--out", str(path.parent / "out"))
    assert status == 2
    assert "bad.toml" in err and key in err


def test_payouts_cli_on_records_of_each_new_kind(overlay, tmp_path):
    """`forecast payouts` pays a tiny records file by hand: two apprentice-years of one
    apprentice at 6,000 (the employer contributes: × 1.3 → 7,800) and one at 6,000; one
    settling-in at 技师 (20,000), one at 高级技师 (50,000), a repeat claim refused (once per
    person) and a 高级工 (not in the table) paid nothing."""
    policy = overlay(MINI + RULES + apprentice_section(0.0) + settling_section(), "policy.toml")
    records = tmp_path / "records.csv"
    records.write_text(
        "date,event,recipient_kind,recipient,person,level,count,contributor\n"
        "2025-06-01,apprentice_year,employer,E000001,A1,中级工,1,true\n"
        "2026-06-01,apprentice_year,employer,E000001,A1,中级工,1,true\n"
        "2025-06-01,apprentice_year,employer,E000002,A2,初级工,1,false\n"
        "2025-03-01,settled_in,recruit,R1,R1,技师,,false\n"
        "2025-04-01,settled_in,recruit,R2,R2,高级技师,,false\n"
        "2025-05-01,settled_in,recruit,R2,R2,高级技师,,false\n"
        "2025-05-01,settled_in,recruit,R3,R3,高级工,,false\n", encoding="utf-8")
    out = tmp_path / "ledger.csv"
    status, stdout, err = forecast_cli("payouts", "--policy", str(policy), str(records), "--out", str(out))
    assert status == 0, err
    import pandas as pd
    ledger = pd.read_csv(out)
    ay = ledger[ledger["rule"] == "T-AY"]["amount"].round(2).tolist()
    si = ledger[ledger["rule"] == "T-SI"]["amount"].round(2).tolist()
    assert sorted(ay) == [6000.0, 7800.0, 7800.0]
    assert sorted(si) == [20000.0, 50000.0]
    unpaid = pd.read_csv(out.with_name(out.name + ".unpaid.csv")) if out.with_name(out.name + ".unpaid.csv").exists() \
        else pd.read_csv(out.with_suffix(".unpaid.csv"))
    assert len(unpaid) == 2      # R2's repeat claim and R3's 高级工
