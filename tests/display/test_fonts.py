"""Chinese chart labels render real glyphs when a CJK font is installed; without one the charts
fall back to English labels with exactly one warning."""
from __future__ import annotations

import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

from forecast.display import fonts
from forecast.report import charts as report_charts
from forecast.results.budget import load


@pytest.fixture(scope="module")
def budget(mc_results):
    return load(mc_results)


def _glyph_warnings(caught) -> list:
    return [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]


def test_no_missing_glyph_with_a_cjk_font(budget, tmp_path):
    font = fonts.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    assert fonts.chart_language("zh") == "zh"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts = report_charts.write_charts(budget, tmp_path, "zh")
        with matplotlib.rc_context(fonts.rc("zh")):  # every character the probe covers, on its own
            fig, ax = plt.subplots()
            ax.set_title(fonts.PROBE + " 未取证 学徒工 首席技师 青蓝工程 揭榜领题 惠山")
            fig.savefig(tmp_path / "probe.png")
            fig.savefig(tmp_path / "probe.svg")
            plt.close(fig)
    assert _glyph_warnings(caught) == []
    assert not [w for w in caught if issubclass(w.category, fonts.CJKFontWarning)]
    assert "基金" in charts["fan"]["title"] and "目标达成概率" in charts["targets"]["title"]
    assert charts["fund"]["title"].startswith("惠山工匠基金")  # the scenario's fund_name
    # the SVG carries the CJK glyphs as paths (ids named after the font): it needs no font to display
    svg = (tmp_path / "outlays_fan.svg").read_text(encoding="utf-8")
    assert f'id="{font.replace(" ", "")}'.lower()[:12] in svg.lower()


def test_without_a_cjk_font_english_labels_and_one_warning(budget, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = report_charts.write_charts(budget, tmp_path / "a", "zh")
        report_charts.write_charts(budget, tmp_path / "b", "zh")
    cjk = [w for w in caught if issubclass(w.category, fonts.CJKFontWarning)]
    assert len(cjk) == 1 and "fonts-noto-cjk" in str(cjk[0].message)
    assert _glyph_warnings(caught) == []  # English labels: nothing left to miss
    assert first["fan"]["title"].startswith("2025–2027 (Huishan, Wuxi)")
    assert "Probability of reaching each 2027 target" in first["targets"]["title"]
    assert first["fund"]["title"].startswith("Huishan craftsman fund")


def test_drawable_keeps_the_latin_part(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    assert fonts.drawable("惠山工匠全生命周期发展体系 2025–2027 (Huishan, Wuxi)") == "2025–2027 (Huishan, Wuxi)"
    monkeypatch.setattr(fonts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert fonts.drawable("第八条 青蓝工程") == "第八条 青蓝工程"
