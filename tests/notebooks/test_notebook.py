"""The researchers' notebooks run from top to bottom against the installed package.

Each takes ~0.5–3 minutes on a 2-core machine (marked `slow` in tests/conftest.py, handed to the
pytest-xdist workers one by one); they are defined longest first, so that the longest starts first.
Notebooks that read their sizes from the environment run small here (FIVE_POLICIES_REPS,
BACKTEST_REPS, BACKTEST_CAL_RUNS)."""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "huishan_quickstart.ipynb"


def executed(path: Path) -> str:
    """Run a notebook top to bottom; its outputs as text (no cell may fail)."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return "".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in outputs)


def test_backtest_notebook_executes_without_errors(monkeypatch):
    """Issue 12: Wuxi 2021–2023 forecast against the observed H1-2021 figures, uncalibrated and a
    labelled calibrated variant. Three futures and the smallest calibration here."""
    monkeypatch.setenv("BACKTEST_REPS", "3")
    monkeypatch.setenv("BACKTEST_CAL_RUNS", "30")
    text = executed(NOTEBOOK.parent / "backtest_wuxi_2021.ipynb")
    assert "certificates_h1_2021" in text and "high_certificates_h1_2021" in text
    assert "observed percentile" in text and "forecast's 90 % band" in text
    assert "CALIBRATED (in-sample)" in text and "rate_scale" in text


def test_planner_reforms_notebook_executes_without_errors():
    text = executed(NOTEBOOK.parent / "planner_reforms.ipynb")
    assert "independent SE" in text and "deadweight_share" in text and "yuan_per_unit" in text
    assert "2026" in text and "4000.0" in text          # the dated reform pays 4,000 from 2026
    assert "rules.HS-A8a.amount" in text and "out of sample" in text.lower()


def test_budget_execution_notebook_executes_without_errors():
    text = executed(NOTEBOOK.parent / "budget_execution.ipynb")
    assert "actual to 2025-03-31: 298,090.00 yuan; forecast payouts: 298,090.00 yuan" in text
    assert "expected year-end" in text and "posterior_mean" in text
    assert "left out" in text and "90 % width" in text


def test_five_policies_notebook_executes_without_errors(monkeypatch):
    """Issue 12: cost per new skilled and high-skilled worker across the five policies, with
    bands and drivers. Three futures per policy here (the fewest the rank correlations take) (the notebook's own default is 16)."""
    monkeypatch.setenv("FIVE_POLICIES_REPS", "3")
    text = executed(NOTEBOOK.parent / "five_policies.ipynb")
    for place in ("Huishan", "Changzhou", "Wuxi 2021", "Huzhou", "Dongxihu"):
        assert place in text
    assert "yuan per new skilled" in text and "yuan per new high-skilled" in text
    assert "too few for bands" in text and "spearman_rho" in text


def test_quickstart_notebook_executes_without_errors():
    text = executed(NOTEBOOK)
    assert "HS-T1" in text and "HS-A8a × 2" in text
    assert "set by assumption" in text and "pay_lag_months.HS-A1b" in text


def test_sensitivity_and_calibration_notebook_executes_without_errors():
    text = executed(NOTEBOOK.parent / "sensitivity_and_calibration.ipynb")
    assert "drawn parameters" in text and "mu_star" in text and "ST_conf" in text and "truth" in text
