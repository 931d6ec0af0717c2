"""`forecast optimise`: the search finds a known optimum, says so plainly when none is feasible,
writes an optimum.toml `forecast run` accepts, refuses bad input naming the option, and gives
the same points on the same seed whatever the backend.

The known optimum: stations (HS-A1a, a fixed reward per station) arrive as a Poisson number a
month with rate new_per_year/12 × response(a/a0); with --central, elasticity 1 and deadweight 0
the response is a/a0, so the stations created in the 36 policy months are Poisson with mean
μ(a) = 3 × new_per_year × a/a0 (a sum of monthly Poissons is Poisson), and
P(count ≥ goal) = 1 − PoissonCDF(goal − 1, μ(a)), increasing in a.
"""
from __future__ import annotations

import json
import math

import pytest
from scipy.optimize import brentq
from scipy.stats import poisson

from forecast import cli
from forecast.futures.settings import Compute, Draws
from forecast.planner.optimise import optimise
from forecast.scenario.scenario import load_scenario
from forecast.scenario.settings import parse_vary
from conftest import HUISHAN

#: a district of ~300 workers, 2025–2027, with a forecast target on stations (goal 40)
TINY = """
[calendar]
end = 2027-12-31
[population.employed]
value = 300
range = [250, 350]
assumption = "test: a tiny district keeps the search fast"
[population.employers]
value = 30
range = [20, 40]
assumption = "test"
[population.contributor_units]
value = 2
range = [1, 3]
assumption = "test"
[pathways.night_school.seats_per_term]
value = 2
range = [1, 3]
assumption = "test"
[pathways.apprenticeship.pairings_per_year]
value = 2
range = [1, 3]
assumption = "test"
[pathways.colleges.staying_per_year]
value = 2
range = [1, 3]
assumption = "test"
[pathways.competition.entrants]
value = 2
range = [1, 3]
assumption = "test"
[entities.station.elasticity]
value = 1.0
range = [0.5, 1.5]
assumption = "test: stations proportional to the reward (central value)"
[entities.station.deadweight]
value = 0.0
range = [0.0, 0.3]
assumption = "test: no station without the reward (central value)"
[targets.HS-TX]
text = "40 stations, 2025–2027 (test)"
source = "test"
metric = "entities_created"
entity = "station"
goal = 40
[entities.station.new_per_year]
value = 10
range = [8, 12]
assumption = "test: many stations make the probability steep in the amount"
"""
GOAL, A0, PER_YEAR, YEARS = 40, 20000.0, 10.0, 3
P = 0.8
REPS = 30
LOW, HIGH = 20000, 44000
EVALS = 6                                   # 2 bounds + 4 bisection steps


def p_true(a: float) -> float:
    return float(poisson.sf(GOAL - 1, YEARS * PER_YEAR * a / A0))


A_STAR = brentq(lambda a: p_true(a) - P, 1000, 200000)    # ≈ 30,000 yuan


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("opt") / "tiny.toml"
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def known(tiny_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("opt-known") / "opt"
    r = optimise(tiny_path, target="HS-TX", probability=P, vary=[parse_vary(f"rules.HS-A1a.amount={LOW}:{HIGH}",
                                                                            steps=False)],
                 reps=REPS, max_evals=EVALS, draws=Draws(seed=3, uncertain=False), compute=Compute(backend="serial"),
                 sets=["entities.station.success_per_year=0.95"], out=out)
    return r, out


def test_finds_the_analytic_optimum(known):
    """The amount found lies where the true probability is within 2.5 standard errors of P
    (the search reads P from REPS replications), widened by the bisection's last step; the
    out-of-sample P is within 3 standard errors of the true P at the amount found."""
    r, _ = known
    assert r.optimum is not None
    found = r.optimum.setting["rules.HS-A1a.amount"]
    se = math.sqrt(P * (1 - P) / REPS)
    step = (HIGH - LOW) / 2 ** (EVALS - 2)
    lo = brentq(lambda a: p_true(a) - (P - 2.5 * se), 1000, 200000) - step
    hi = brentq(lambda a: p_true(a) - (P + 2.5 * se), 1000, 200000) + step
    assert lo <= A_STAR <= hi
    assert lo <= found <= hi, (found, A_STAR, lo, hi)
    oos = r.out_of_sample
    assert oos.reps == REPS
    assert abs(oos.p_target - p_true(found)) <= 3 * math.sqrt(p_true(found) * (1 - p_true(found)) / REPS)
    assert r.meets_out_of_sample == oos.feasible(P, None)
    # outlays rise with the amount, so the cheapest feasible is the smallest feasible amount
    pts = r.points.sort_values("rules.HS-A1a.amount")
    assert pts["cost_mean"].is_monotonic_increasing
    feasible = pts[pts["feasible"]]
    assert found == feasible["rules.HS-A1a.amount"].min()
    assert list(r.points["stage"][:2]) == ["bounds", "bounds"] and set(r.points["stage"][2:]) == {"bisection"}


def test_folder_and_optimum_toml(known):
    r, out = known
    assert {p.name for p in out.iterdir()} == {"optimum.toml", "points.csv", "optimise.json", "frontier.png",
                                               "provenance.json"}
    s = load_scenario(out / "optimum.toml")
    found = r.optimum.setting["rules.HS-A1a.amount"]
    assert s.policy.rule("HS-A1a").amount == found
    assert s.resolve(None).entities["station"].success_per_year == 0.95
    assert s.name.endswith("-optimum") and "forecast optimise" in s.title
    summary = json.loads((out / "optimise.json").read_text(encoding="utf-8"))
    assert summary["feasible"] and summary["optimum"]["setting"] == r.optimum.setting
    oos = summary["optimum"]["out_of_sample"]
    assert oos["replications_used"] == [REPS, 2 * REPS - 1] and "p_target_se" in oos
    assert "winner" in summary["method"] and summary["probability"] == P
    assert not list(out.parent.glob(".opt*"))       # the temporary checkpoint folder is gone


def test_infeasible_says_so(tiny_path, tmp_path, capsys):
    out = tmp_path / "opt"
    status = cli.main(["optimise", str(tiny_path), "--target", "HS-TX", "--probability", "0.9", "--vary",
                       "rules.HS-A1a.amount=1000:5000", "--reps", "4", "--max-evals", "2", "--central",
                       "--backend", "serial", "--quiet", "--within-returns", "0.5", "--out", str(out)])
    text = capsys.readouterr().out
    assert status == 0
    assert "No setting within the bounds reaches" in " ".join(text.split())
    assert not (out / "optimum.toml").exists()
    summary = json.loads((out / "optimise.json").read_text(encoding="utf-8"))
    assert summary["feasible"] is False and summary["optimum"] is None
    best = summary["best_reached"]["highest_p_target"]
    assert best["setting"]["rules.HS-A1a.amount"] in (1000, 5000)
    assert 0 <= best["estimate"]["p_target"] < 0.9
    assert "highest_p_within_returns" in summary["best_reached"]


@pytest.mark.parametrize("args, named", [
    (["--target", "HS-XX"], "--target: HS-XX"),
    (["--target", "HS-T4"], "set by assumption"),
    (["--probability", "1.2"], "--probability"),
    (["--probability", "0"], "--probability"),
    (["--within-returns", "1"], "--within-returns"),
    (["--vary", "rules.HS-A1a.amount=abc:2"], "--vary: rules.HS-A1a.amount"),
    (["--vary", "rules.HS-A1a.nokey=1:2"], "--vary: rules.HS-A1a.nokey"),
    (["--vary", "rules.HS-A1a.event=1:2"], "--vary: rules.HS-A1a.event"),
    (["--reps", "1"], "--reps"),
    (["--max-evals", "1"], "--max-evals"),
])
def test_bad_input_exits_2_naming_it(tiny_path, tmp_path, capsys, args, named):
    base = {"--target": "HS-TX", "--probability": "0.8", "--vary": "rules.HS-A1a.amount=20000:60000"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    argv = ["optimise", str(tiny_path), "--out", str(tmp_path / "opt"), "--backend", "serial", "--quiet"]
    for flag, value in base.items():
        argv += [flag, value]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert named in err and err.count("forecast: error:") == 1
    assert not (tmp_path / "opt").exists()


def test_same_seed_same_points_on_both_backends(tiny_path, tmp_path):
    """Two candidates on two replications (infeasible, so one batch: one pool of processes)."""
    vary = [parse_vary("rules.HS-A1a.amount=1000:5000", steps=False),
            parse_vary("entities.station.lag_months=1:6", steps=False)]
    folders = []
    for backend, workers in (("serial", None), ("processes", 2)):
        out = tmp_path / backend
        optimise(tiny_path, target="HS-TX", probability=0.99, vary=vary, reps=2, max_evals=2, draws=Draws(seed=11),
                 compute=Compute(backend, workers), within_returns=0.5, out=out)
        folders.append(out)
    a, b = ((f / "points.csv").read_bytes() for f in folders)
    assert a == b and len(a.splitlines()) == 3
    ja, jb = (json.loads((f / "optimise.json").read_text(encoding="utf-8")) for f in folders)
    assert ja == jb
