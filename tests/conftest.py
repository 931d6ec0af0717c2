"""Shared fixtures: the default Huishan scenario, overlays written on the fly, and results
folders made by running the real code on a small district (once per test session)."""
from __future__ import annotations

from pathlib import Path

import pytest

import forecast
from forecast.api import run_monte_carlo, run_single

ROOT = Path(__file__).resolve().parents[1]
HUISHAN = ROOT / "scenarios" / "huishan.toml"

#: 20,000 employed instead of ~360,000: the Huishan scenario otherwise unchanged
SMALL = """
[population.employed]
value = 20000
range = [15000, 25000]
assumption = "test: a small district keeps the tests fast"
"""


@pytest.fixture(scope="session")
def huishan():
    return forecast.load_scenario(HUISHAN)


@pytest.fixture
def overlay(tmp_path):
    """Write a reform/test overlay on the Huishan scenario and return its path."""
    def make(text: str, name: str = "overlay.toml") -> Path:
        path = tmp_path / name
        path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + text, encoding="utf-8")
        return path
    return make


@pytest.fixture(scope="session")
def small_path(tmp_path_factory) -> Path:
    """The small district as a scenario file."""
    path = tmp_path_factory.mktemp("scenario") / "small.toml"
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small(small_path):
    return forecast.load_scenario(small_path)


@pytest.fixture(scope="session")
def mc_results(small, tmp_path_factory) -> Path:
    """A Monte Carlo results folder of the small district (8 replications), as `forecast run
    --reps 8` writes it."""
    out = tmp_path_factory.mktemp("mc") / "results"
    run_monte_carlo(small, seed=7, reps=8, out=out, backend="serial")
    return out


@pytest.fixture(scope="session")
def single_results(small, tmp_path_factory) -> Path:
    """A single run's results folder of the small district, as `forecast run` writes it."""
    out = tmp_path_factory.mktemp("single") / "results"
    run_single(small, seed=3, out=out)
    return out
