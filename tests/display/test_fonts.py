"""Chinese chart labels render real glyphs: from a system CJK font when one is installed, else
from Noto Sans SC installed by pip (the `pylopdf-fonts-zh-cn` dependency), so every machine
that installed forecast draws Chinese; without any CJK font the charts fall back to English
labels with exactly one warning."""
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
    assert font is not None, "neither a system CJK font nor the pip-installed Noto Sans SC"
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


def test_the_pip_installed_font_covers_the_charts_text():
    """The dependency's Noto Sans SC is a real file with every character the charts print, and
    matplotlib draws it by its family name."""
    from matplotlib import font_manager

    path = fonts.packaged_font_path()
    assert path is not None and path.endswith("NotoSansSC-Regular.otf")
    assert fonts._covers(path, fonts.PROBE + "未取证学徒工首席技师青蓝工程揭榜领题惠山锡山区")
    assert fonts._packaged_font() == "Noto Sans SC"
    assert font_manager.findfont("Noto Sans SC", fallback_to_default=False) == path


def test_without_a_system_font_the_pip_font_is_used(monkeypatch):
    monkeypatch.setattr(fonts, "_system_font", lambda: None)
    assert fonts.cjk_font.__wrapped__() == "Noto Sans SC"


def test_a_system_font_is_preferred_to_the_pip_font(monkeypatch):
    """Where a system CJK font is installed the charts keep it (their bytes stay as they were)."""
    monkeypatch.setattr(fonts, "_system_font", lambda: "Noto Sans CJK SC")
    monkeypatch.setattr(fonts, "_packaged_font", lambda: pytest.fail("the pip font was looked up"))
    assert fonts.cjk_font.__wrapped__() == "Noto Sans CJK SC"


def test_without_the_pip_package_or_a_system_font_there_is_none(monkeypatch):
    """forecast installed with --no-deps on a machine without CJK fonts: no font (charts then
    fall back to English with the warning above), never a font that lacks the glyphs."""
    monkeypatch.setattr(fonts, "_system_font", lambda: None)
    monkeypatch.setattr(fonts, "packaged_font_path", lambda: None)
    assert fonts.cjk_font.__wrapped__() is None



def _english_chart(label: str, path) -> bytes:
    """A chart as the planner draws one: English text and the name of a varied setting."""
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([1000, 2000, 3000], [0.2, 0.5, 0.7], label="frontier")
    ax.set_title("Paired difference by rule (4 replications each), 5–95 %")
    ax.set_xlabel(label)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path.read_bytes()


def test_english_charts_draw_a_chinese_name_from_the_cjk_font_and_nothing_else(tmp_path):
    """`latin_first` (results, planner and sensitivity charts): a label with a Chinese setting name
    is drawn without a missing glyph, and a chart in Latin characters only is byte for byte what
    matplotlib's default font draws (those charts do not change)."""
    assert fonts.cjk_font() is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fonts.latin_first(_english_chart)("rules.HS-A3a.amounts.高级工", tmp_path / "zh.png")
    assert _glyph_warnings(caught) == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _english_chart("rules.HS-A3a.amounts.高级工", tmp_path / "boxes.png")  # the check can fail
    assert _glyph_warnings(caught)
    latin = fonts.latin_first(_english_chart)("rules.HS-A8a.amount", tmp_path / "a.png")
    assert latin == _english_chart("rules.HS-A8a.amount", tmp_path / "b.png")
