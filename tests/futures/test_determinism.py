"""Same seed, same bytes; different seeds, different futures."""
from __future__ import annotations

from pathlib import Path


import forecast
from forecast import cli
from conftest import HUISHAN, files


def run(scenario: Path, seed: int, out: Path) -> Path:
    assert cli.main(["run", str(scenario), "--seed", str(seed), "--out", str(out)]) == 0
    return out


#: provenance.json records times, the machine and the command line (forecast.provenance): the one
#: file of a results folder allowed to differ between two runs with the same seed.
EXEMPT = {"provenance.json"}


def test_same_seed_writes_byte_identical_files(tmp_path, capsys):
    # the full default scenario, run twice (the only full-size runs in the suite)
    first = files(run(HUISHAN, 3, tmp_path / "first"))
    second = files(run(HUISHAN, 3, tmp_path / "second"))
    capsys.readouterr()
    assert {"summary.json", "ledger.csv", "events.parquet", "outlays.png", "ladder.png"} <= set(first)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name] and name not in EXEMPT]
    assert not differing, f"files differ between two runs with seed 3: {differing}"


def test_different_seeds_give_different_futures(small_path, tmp_path, capsys):
    one = files(run(small_path, 1, tmp_path / "seed1"))
    two = files(run(small_path, 2, tmp_path / "seed2"))
    capsys.readouterr()
    assert one["ledger.csv"] != two["ledger.csv"]
    assert one["summary.json"] != two["summary.json"]
    assert one["parameters.csv"] != two["parameters.csv"]   # parameters drawn differently
    assert one["scenario.resolved.toml"] == two["scenario.resolved.toml"]   # the same specification


def test_single_run_is_replication_zero_and_repeatable(small):
    scenario = small
    a = forecast.simulate(scenario, seed=7)
    b = forecast.simulate(scenario, seed=7, replication=0)
    c = forecast.simulate(scenario, seed=7, replication=1)
    assert a.ledger.equals(b.ledger) and a.events.equals(b.events)
    assert (a.ladder_counts == b.ladder_counts).all()
    assert not a.ledger.equals(c.ledger)
