"""The budget view's charts (matplotlib, PNG and SVG), in Chinese by default.

- `fan`: yearly total outlays, median with 50 % and 90 % bands, against the fund's returns;
- `articles`: mean outlays by article stacked per year, with the total's 90 % range;
- `targets`: probability of reaching each 2027 target;
- `ladder`: employment by skill level over time, and the skilled shares with bands;
- `fund`: the principal's path (median, 50 % and 90 % bands) and the principal needed.

Labels are Chinese when a CJK font is installed (`fonts.chart_language`), English otherwise.
Amounts are in 万元 (10,000 yuan). Same inputs, same bytes (no version stamp, fixed SVG ids).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast.outputs import fonts  # noqa: E402
from forecast.policy import ladder as ladderlib  # noqa: E402
from forecast.runs.statistics import TOTAL  # noqa: E402
from forecast.outputs.budget import Budget  # noqa: E402
from forecast.outputs.terminal import WAN  # noqa: E402

CHARTS = ("fan", "articles", "targets", "ladder", "fund")
FILES = {"fan": "outlays_fan", "articles": "outlays_by_article", "targets": "targets_probability",
         "ladder": "ladder_bands", "fund": "fund_balance"}
_PNG_META = {"Software": None}
_SVG_META = {"Date": None, "Creator": None}
BLUE, ORANGE, GREY, RED, GREEN = "#1f5fa8", "#d9822b", "#888888", "#c0392b", "#2e8b57"

L = {
    "zh": {
        "fan_title": "{title}\n每年基金支出(中位数、50%与90%区间)与基金收益",
        "year": "年份", "wan": "万元", "median": "支出中位数", "band50": "50%区间", "band90": "90%区间",
        "returns": "基金收益(均值)", "returns90": "基金收益90%区间", "committed": "{end}年后:已承诺支出",
        "articles_title": "各条款年度支出(均值,万元);竖线为总额90%区间",
        "total_range": "总额90%区间",
        "targets_title": "{end}年目标达成概率", "probability": "达成概率",
        "ladder_title": "就业人员技能等级构成", "ladder_left": "就业人员(万人,均值)",
        "ladder_right": "技能人才与高技能人才占比", "skilled": "技能人才占比(初级工及以上)",
        "high": "高技能人才占比(高级工及以上)", "goal": "目标 {goal}", "share": "占就业人员比重",
        "fund_title": "惠山工匠基金本金余额(年末)", "balance": "本金余额中位数",
        "needed": "收益覆盖95%情形所需本金 {v:,.0f} 万元", "start": "期初本金",
        "single": "(单次模拟:无区间)",
    },
    "en": {
        "fan_title": "{title}\nYearly fund outlays (median, 50 % and 90 % bands) and fund returns",
        "year": "year", "wan": "10,000 yuan", "median": "outlays, median", "band50": "50 % band",
        "band90": "90 % band", "returns": "fund returns (mean)", "returns90": "returns 90 % band",
        "committed": "after {end}: committed",
        "articles_title": "Mean outlays by article (10,000 yuan); whiskers: 90 % range of the total",
        "total_range": "total, 90 % range",
        "targets_title": "Probability of reaching each {end} target", "probability": "probability",
        "ladder_title": "Employment by skill level", "ladder_left": "employed (10,000 persons, mean)",
        "ladder_right": "Skilled and high-skilled shares", "skilled": "skilled share (junior or above)",
        "high": "high-skilled share (senior or above)", "goal": "goal {goal}", "share": "share of employment",
        "fund_title": "Fund principal at year end", "balance": "principal, median",
        "needed": "principal for returns to cover 95 % of futures: {v:,.0f}", "start": "principal at start",
        "single": "(one run: no bands)",
    },
}


def write_charts(b: Budget, out_dir: str | Path, lang: str = "zh") -> dict:
    """Write every chart as PNG and SVG into `out_dir`; returns {name: {"png", "svg", "title"}}.

    `lang` is what the caller asks for; without a CJK font Chinese falls back to English."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lang = fonts.chart_language(lang)
    out = {}
    with matplotlib.rc_context(fonts.rc(lang)):
        for name in CHARTS:
            fig, title = globals()[f"_{name}"](b, L[lang], lang)
            stem = out_dir / FILES[name]
            fig.savefig(stem.with_suffix(".png"), dpi=150, metadata=_PNG_META)
            fig.savefig(stem.with_suffix(".svg"), metadata=_SVG_META)
            plt.close(fig)
            out[name] = {"png": stem.with_suffix(".png"), "svg": stem.with_suffix(".svg"), "title": title}
    return out


def _committed_shade(ax, b: Budget, t: dict, x_of=lambda y: y) -> None:
    if b.later_years:
        lo = x_of(b.later_years[0]) - 0.5
        hi = x_of(b.later_years[-1]) + 0.5
        ax.axvspan(lo, hi, color="#f2f2f2", zorder=0)
        ax.text(lo + 0.08, 0.015, t["committed"].format(end=b.end_year), transform=ax.get_xaxis_transform(),
                va="bottom", ha="left", fontsize=8, color="#555555")


def _fan(b: Budget, t: dict, lang: str):
    s = b.rule_stats(TOTAL) / WAN
    years = np.array(b.years)
    f = b.fund.table().set_index("year").reindex(b.years) / WAN
    fig, ax = plt.subplots(figsize=(9, 4.8))
    _committed_shade(ax, b, t)
    if b.replications > 1:
        ax.fill_between(years, s["p5"], s["p95"], color=BLUE, alpha=0.18, lw=0, label=t["band90"])
        ax.fill_between(years, s["p25"], s["p75"], color=BLUE, alpha=0.35, lw=0, label=t["band50"])
    ax.plot(years, s["p50"], color=BLUE, lw=2, marker="o", ms=4, label=t["median"])
    ax.plot(years, f["returns_mean"], color=ORANGE, lw=2, ls="--", marker="s", ms=4, label=t["returns"])
    if b.replications > 1:
        ax.fill_between(years, f["returns_p5"], f["returns_p95"], color=ORANGE, alpha=0.12, lw=0,
                        label=t["returns90"])
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_xlabel(t["year"])
    ax.set_ylabel(t["wan"])
    title = t["fan_title"].format(title=fonts.drawable(b.title) or b.name)
    title += "" if b.replications > 1 else " " + t["single"]
    ax.set_title(title, fontsize=10, loc="left")
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title.replace("\n", " ")


def _articles(b: Budget, t: dict, lang: str):
    years = np.array(b.years)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    _committed_shade(ax, b, t)
    bottom = np.zeros(len(years))
    colours = plt.get_cmap("tab10").colors
    for i, (article, rules) in enumerate(b.articles()):
        vals = b.outlays.reindex(b.years)[rules].sum(axis=1).to_numpy() / WAN
        ax.bar(years, vals, bottom=bottom, color=colours[i % 10], width=0.7,
               label=fonts.drawable(b.article_label(article, lang)))
        bottom += vals
    s = b.rule_stats(TOTAL) / WAN
    if b.replications > 1:
        ax.errorbar(years, s["mean"], yerr=[s["mean"] - s["p5"], s["p95"] - s["mean"]], fmt="none", ecolor="black",
                    elinewidth=1, capsize=3, label=t["total_range"])
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_xlabel(t["year"])
    ax.set_ylabel(t["wan"])
    title = t["articles_title"]
    ax.set_title(title, fontsize=10, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title


def _targets(b: Budget, t: dict, lang: str):
    tg = b.targets.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(tg) + 1.4))
    labels = [fonts.drawable(f"{r.target} {b.target_label(r, lang)} ≥ {b.goal_text(r)}") for r in tg.itertuples()]
    p = tg["probability"].to_numpy()
    colours = [GREEN if v >= 0.8 else (ORANGE if v >= 0.5 else RED) for v in p]
    y = np.arange(len(tg))
    ax.barh(y, p, color=colours, height=0.6)
    se = tg["mc_se"].fillna(0).to_numpy()
    if np.any(se > 0):
        ax.errorbar(p, y, xerr=1.96 * se, fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    for yi, v in zip(y, p):
        ax.text(min(v + 0.02, 0.9), yi, f"{v:.0%}", va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(t["probability"])
    title = t["targets_title"].format(end=b.end_year) + ("" if b.replications > 1 else " " + t["single"])
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title


def _ladder(b: Budget, t: dict, lang: str):
    lad = b.ladder
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.3), gridspec_kw={"width_ratios": [1.25, 1]})
    title = t["ladder_title"] + ("" if b.replications > 1 else " " + t["single"])
    if lad.empty:
        fig.suptitle(title, fontsize=10)
        return fig, title
    months = sorted(lad["month"].unique())
    x = pd.to_datetime(pd.Series(months)).to_numpy()
    wide = lad.pivot_table(index="month", columns="series", values="mean").reindex(months)
    levels = [n for n in ladderlib.NAMES if n in wide.columns]
    names = levels if lang == "zh" else [ladderlib.ENGLISH[ladderlib.NAMES.index(n)] for n in levels]
    a1.stackplot(x, (wide[levels].to_numpy().T / WAN), labels=names,
                 colors=plt.get_cmap("viridis")(np.linspace(0, 1, len(levels))))
    a1.set_title(t["ladder_left"], fontsize=9, loc="left")
    a1.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncol=5, fontsize=7, frameon=False)
    for series, colour, key in (("skilled_share", BLUE, "skilled"), ("high_skilled_share", ORANGE, "high")):
        part = lad[lad["series"] == series].set_index("month").reindex(months)
        if part["mean"].isna().all():
            continue
        a2.fill_between(x, part["p5"], part["p95"], color=colour, alpha=0.18, lw=0)
        a2.fill_between(x, part["p25"], part["p75"], color=colour, alpha=0.35, lw=0)
        a2.plot(x, part["p50"], color=colour, lw=1.8, label=t[key])
    goal = b.targets[b.targets["metric"] == "skilled_share_end"]
    if len(goal):
        g = float(goal["goal"].iloc[0])
        a2.axhline(g, color=RED, ls=":", lw=1.2, label=t["goal"].format(goal=f"{g:.0%}"))
    a2.axvline(np.datetime64(b.valid_to), color=GREY, ls="--", lw=1)
    a2.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    a2.set_ylim(0, max(0.5, float(lad[lad["series"] == "skilled_share"]["p95"].max() or 0) + 0.05))
    a2.set_title(t["ladder_right"], fontsize=9, loc="left")
    a2.set_ylabel(t["share"])
    a2.legend(loc="upper left", bbox_to_anchor=(0, -0.1), fontsize=7, frameon=False)
    for ax in (a1, a2):
        ax.xaxis.set_major_locator(matplotlib.dates.YearLocator())
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", color="#dddddd", lw=0.6)
    fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return fig, title


def _fund(b: Budget, t: dict, lang: str):
    f = b.fund
    bal = np.column_stack([f.principal, f.paths.balance]) / WAN
    years = np.array([b.years[0] - 1] + list(b.years))
    q = np.percentile(bal, [5, 25, 50, 75, 95], axis=0)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    _committed_shade(ax, b, t)
    if b.replications > 1:
        ax.fill_between(years, q[0], q[4], color=BLUE, alpha=0.18, lw=0, label=t["band90"])
        ax.fill_between(years, q[1], q[3], color=BLUE, alpha=0.35, lw=0, label=t["band50"])
    ax.plot(years, q[2], color=BLUE, lw=2, marker="o", ms=4, label=t["balance"])
    need = f.needed_p95 / WAN
    if np.isfinite(need):
        ax.axhline(need, color=RED, ls=":", lw=1.4, label=t["needed"].format(v=need))
    ax.set_xticks(years, [f"{t['start']}" if i == 0 else str(y) for i, y in enumerate(years)], fontsize=8)
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    lo = min(q[0].min(), need if np.isfinite(need) else q[0].min())
    hi = max(q[4].max(), need if np.isfinite(need) else q[4].max())
    pad = max((hi - lo) * 0.15, hi * 0.02)
    ax.set_ylim(max(0, lo - pad), hi + pad)
    ax.set_ylabel(t["wan"])
    title = t["fund_title"] + ("" if b.replications > 1 else " " + t["single"])
    ax.set_title(title, fontsize=10, loc="left")
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncol=2, fontsize=8, frameon=False)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title
