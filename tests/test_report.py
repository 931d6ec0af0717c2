"""`forecast report`: HTML (self-contained, every chart embedded), PDF and screenshot through
headless Chromium (skipped without it), the workbook and charts; single-run and Monte Carlo
folders; exit 2 without Chromium; the headline table for the terminal."""
from __future__ import annotations

import base64
import re
import tomllib

import numpy as np
import pandas as pd
import pytest

from budget_fixture import make_mc_folder
from forecast.outputs import budget
from forecast.outputs.budget_charts import CHARTS, FILES
from forecast.cli import build_parser, main
from forecast.outputs.report import build_report, find_chromium, screenshot
from districts import SMALL

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def mc_report(tmp_path_factory, huishan):
    folder = make_mc_folder(huishan, tmp_path_factory.mktemp("mc") / "results", replications=30)
    files = build_report(folder, lang="zh", pdf=CHROMIUM is not None)
    return folder, files


def test_report_files_exist_and_embed_every_chart(mc_report, huishan):
    folder, files = mc_report
    assert files.out_dir == folder / "report"
    assert files.html.is_file() and files.workbook.is_file()
    page = files.html.read_text(encoding="utf-8")
    for name in CHARTS:
        svg = (files.out_dir / "charts" / f"{FILES[name]}.svg").read_bytes()
        assert (files.out_dir / "charts" / f"{FILES[name]}.png").stat().st_size > 10_000
        assert f'data-chart="{name}"' in page
        assert base64.b64encode(svg).decode("ascii") in page, name  # the chart itself, inline
    # self-contained: no file or network references, A4 print rules
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert "<script" not in page
    assert "@page { size: A4" in page and "@media print" in page
    # headline first, then articles, liabilities, targets, fund, assumptions
    order = [page.index(f"id='{s}'") for s in ("headline", "articles", "liabilities", "targets", "fund", "assumptions")]
    assert order == sorted(order)
    for rule in huishan.policy.rules:
        assert rule.id in page and rule.source in page
    for p in huishan.parameters():
        assert p["parameter"] in page
    assert "第八条 青蓝工程" in page and "蒙特卡洛模拟 30 次" in page
    # the headline's in-period figure is the replications' mean
    reps = pd.read_parquet(folder / "replications.parquet")
    in_period = reps[reps["year"] <= 2027].groupby("replication")["amount"].sum().mean()
    assert f"{in_period / 1e4:,.0f} <small>万元</small>" in page


@needs_chromium
def test_pdf_is_printed_on_a4(mc_report):
    folder, files = mc_report
    data = files.pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 4
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box and abs(float(box.group(1)) - 595) < 2 and abs(float(box.group(2)) - 842) < 2


@needs_chromium
def test_page_renders_in_chromium(mc_report, tmp_path):
    from PIL import Image

    folder, files = mc_report
    shot = screenshot(files.html, tmp_path / "page.png", width=1000, height=2400)
    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert img.shape[:2] == (2400, 1000)
    # the title (dark blue text) in the top band, the charts (many colours) below
    top = img[:120]
    assert ((top[:, :, 2] > 80) & (top[:, :, 0] < 60)).sum() > 500
    colours = {tuple(c) for c in img[::4, ::4].reshape(-1, 3)}
    assert len(colours) > 200


def test_single_run_folder_in_english_replaced_atomically(overlay, tmp_path):
    """A single run's folder is one replication: bands collapse, probabilities are 0 or 1.
    The report folder is replaced as a whole, with no temporary folder left beside it."""
    results = tmp_path / "single"
    assert main(["run", str(overlay(SMALL)), "--out", str(results)]) == 0
    out = tmp_path / "reports" / "en"
    out.mkdir(parents=True)
    (out / "stale.txt").write_text("old")
    files = build_report(results, out, lang="en", pdf=False)
    assert not (out / "stale.txt").exists() and files.html.is_file()
    assert [p.name for p in out.parent.iterdir()] == ["en"]
    b = files.budget
    assert b.replications == 1 and not b.monte_carlo
    assert set(b.targets["probability"]) <= {0.0, 1.0}
    total = b.rule_stats("total")
    assert (total["p5"] == total["mean"]).all() and (total["p95"] == total["mean"]).all()
    csv = pd.read_csv(results / "outlays.csv", index_col="year")
    assert np.allclose(b.fund.paths.outlays[0], csv["total"].to_numpy())
    resolved = tomllib.loads((results / "scenario.resolved.toml").read_text(encoding="utf-8"))
    assert b.fund.principal[0] == resolved["fund"]["principal"]["resolved"]
    assert "scenario.resolved.toml" in b.fund.source
    page = files.html.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "1. Headline" in page and "Art. 8 apprenticeship pairing" in page
    assert "one run (no uncertainty bands" in page and all(f'data-chart="{c}"' in page for c in CHARTS)


def test_without_chromium_html_is_written_and_exit_is_2(mc_report, tmp_path, monkeypatch, capsys):
    folder, _ = mc_report
    monkeypatch.setenv("FORECAST_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "rep"
    assert main(["report", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "apt-get install chromium" in err[0]
    assert (out / "report.html").is_file() and (out / "forecast.xlsx").is_file()
    assert not (out / "report.pdf").exists()


def test_bad_folders_exit_2_and_write_nothing(mc_report, tmp_path, capsys):
    folder, _ = mc_report
    before = sorted(p.name for p in folder.iterdir())
    assert main(["report", str(folder), "--out", str(folder), "--no-pdf"]) == 2
    assert "would replace the results folder" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == before
    assert main(["report", str(tmp_path / "missing"), "--no-pdf"]) == 2
    assert "results folder not found" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_headline_table(mc_report):
    folder, _ = mc_report
    table = budget.headline(folder, lang="zh")
    b = budget.load(folder)
    assert len(table.columns) == len(b.years) + 1
    assert [c.header for c in table.columns][1:4] == ["2025", "2026", "2027"]
    assert "万元" in table.title and "所需本金" in table.caption
    assert budget.headline(b, lang="en").caption.startswith("2025–2027 outlays")


def _run_supports_reps() -> bool:
    try:
        build_parser().parse_args(["run", "x.toml", "--reps", "4"])
        return True
    except SystemExit:
        return False


def test_end_to_end_on_a_real_monte_carlo_run(overlay, tmp_path):
    """A real `forecast run … --reps 4` (or its Python API while the option is not wired yet)."""
    mc = pytest.importorskip("forecast.runs.montecarlo", reason="Monte Carlo runs not available yet")
    import forecast
    scenario_file = overlay(SMALL)
    out = tmp_path / "mc"
    if _run_supports_reps():
        assert main(["run", str(scenario_file), "--reps", "4", "--backend", "serial", "--quiet",
                     "--out", str(out)]) == 0
    else:
        mc.run_monte_carlo(forecast.load_scenario(scenario_file), seed=1, reps=4, out=out, backend="serial")
    files = build_report(out, lang="zh", pdf=False)
    b = files.budget
    assert b.monte_carlo and b.replications == 4
    assert "per replication" in b.fund.source
    csv = pd.read_csv(out / "outlays.csv", index_col="year")
    assert np.allclose(b.fund.paths.outlays.mean(axis=0), csv["total"].to_numpy(), atol=0.02)
    params = pd.read_csv(out / "parameters.csv")
    assert np.allclose(b.fund.principal, params["fund.principal"])
    assert b.targets["entity"].astype(bool).sum() >= 5  # from the resolved scenario
    page = files.html.read_text(encoding="utf-8")
    assert all(f'data-chart="{c}"' in page for c in CHARTS)
