"""`forecast payouts --policy scenarios/<place>.toml RECORDS` for the four other policies, on the
example records of examples/records/ (one per place, record kinds of docs/records.md). Totals and
rules by hand from each scenario's rules (the amounts of Changzhou, Wuxi and Dongxihu are their
files' central assumptions)."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT, forecast_cli

CASES = [
    # place, records, {rule: yuan}
    ("changzhou", "changzhou_2025.csv",
     {"CZ-A1b": 120 * 1000, "CZ-A1a": 2000, "CZ-A7": 20000, "CZ-A3": 5000, "CZ-A8b": 5000}),        # 152,000
    ("wuxi_2021", "wuxi_2021.csv",
     {"WX-A4": 1000 * 800, "WX-A1": 3500, "WX-A3": 5000, "WX-A5": 500000}),                        # 1,308,500
    ("huzhou", "huzhou_2023.csv",
     {"HZ-A1": 200000, "HZ-A9b": 1000000, "HZ-A8": 150000, "HZ-A11": 6000}),                       # 1,356,000
    ("dongxihu", "dongxihu_2024.csv",
     {"DX-A1": 30000, "DX-A5": 8000, "DX-A7b": 20000, "DX-A9": 50000, "DX-A2a": 500000}),          # 608,000
]


@pytest.mark.parametrize("place, records, expected", CASES, ids=[c[0] for c in CASES])
def test_example_records_are_paid_by_hand(tmp_path, place, records, expected):
    out = tmp_path / "payouts.csv"
    status, stdout, err = forecast_cli("payouts", "--policy", str(ROOT / "scenarios" / place),
                                       str(ROOT / "examples" / "records" / records), "--out", str(out))
    assert status == 0, err
    lines = pd.read_csv(out)
    by_rule = lines.groupby("rule")["amount"].sum().round(2).to_dict()
    assert by_rule == {k: float(v) for k, v in expected.items()}
    assert f"{sum(expected.values()):,.2f}" in stdout


def test_huzhou_grand_craftsman_is_paid_in_two_years(tmp_path):
    """湖州大工匠 named 2023-11-15: 100,000 in 2023 and 100,000 twelve months later (HZ-A1)."""
    out = tmp_path / "p.csv"
    status, _, err = forecast_cli("payouts", "--policy", str(ROOT / "scenarios" / "huzhou"),
                                  str(ROOT / "examples" / "records" / "huzhou_2023.csv"), "--out", str(out))
    assert status == 0, err
    a1 = pd.read_csv(out).query("rule == 'HZ-A1'")
    assert a1["amount"].tolist() == [100000.0, 100000.0]
    assert a1["year"].tolist() == [2023, 2024]
