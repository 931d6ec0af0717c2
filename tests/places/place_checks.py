"""Checks every place's scenario pack passes (issue 12), shared by the places' tests
(test_changzhou.py, test_wuxi_2021.py, test_dongxihu.py): an overlay file on the place's scenario,
its outlays equal to the sum of its ledger, every rule cited from its seed and every assumed
amount given a scale."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forecast
from conftest import SMALL_CITY  # noqa: F401  (the places' tests import it from here too)



def overlay(tmp_path: Path, base: Path, text: str, name: str = "place.toml") -> Path:
    """A scenario file `base = <the place's file>` plus `text`."""
    path = tmp_path / name
    path.write_text(f'base = "{base.as_posix()}"\n' + text, encoding="utf-8")
    return path


def outlays_equal_ledger(scenario, seed: int = 1):
    """Simulate one central future; its yearly outlays by rule equal the ledger summed by
    year and rule. Returns the result for the caller's own checks."""
    result = forecast.simulate(scenario, seed=seed, uncertain=False)
    outlays = result.outlays()
    cash = result.ledger[result.ledger["rule"].isin(scenario.policy.rule_ids())
                         & result.ledger["year"].isin(scenario.years)]
    assert len(cash) > 0
    pivot = cash.pivot_table(index="year", columns="rule", values="amount", aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(index=outlays.index, columns=outlays.columns, fill_value=0.0)
    np.testing.assert_allclose(outlays.to_numpy(), pivot.to_numpy(), atol=0.01)
    assert outlays.to_numpy().sum() == pytest.approx(cash["amount"].sum(), abs=0.01)
    return result


def rules_cited(scenario, seed_tag: str, assumed: bool) -> None:
    """Every rule names its article and its seed; with `assumed` (a seed without amounts) every
    rule's amount has a scale in [amount_scale], labelled an assumption."""
    for rule in scenario.policy.rules:
        assert rule.article.strip(), rule.id
        assert seed_tag in rule.source, rule.id
    if assumed:
        scales = scenario.specs["amount_scale"]
        assert set(scales) == {r.id for r in scenario.policy.rules}
        assert all(p.assumption for p in scales.values())
