"""The budget view's charts (matplotlib, PNG and SVG), in Chinese by default.

- `fan`: yearly total outlays, median with 50 % and 90 % bands, against the fund's returns;
- `articles`: mean outlays by article stacked per year, with the total's 90 % range;
- `targets`: probability of reaching each target at the policy's end;
- `ladder`: employment by skill level over time, and the skilled shares with bands;
- `fund`: the principal at year end and the returns account (median, 50 % and 90 % bands),
  with the principal needed.

A single run is one simulated future: its charts draw that future's values — no band, no
range, no probability (`targets` shows each target's value ÷ goal, met or not; no principal
needed) — and their titles say so.

Labels come from the catalogue, Chinese when a CJK font is installed (`fonts.chart_language`),
English otherwise. Amounts are in 万元. Same inputs, same bytes (no version stamp, fixed SVG ids).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast.display import fonts  # noqa: E402
from forecast.results.budget import Budget  # noqa: E402
from forecast.display.labels import WAN, Labels  # noqa: E402
from forecast.display.wording import article_label, articles, goal_text, target_label, value_text  # noqa: E402
from forecast.policy import ladder as ladderlib  # noqa: E402
from forecast.futures.statistics import TOTAL  # noqa: E402

CHARTS = ("fan", "articles", "targets", "ladder", "fund")
FILES = {"fan": "outlays_fan", "articles": "outlays_by_article", "targets": "targets_probability",
         "ladder": "ladder_bands", "fund": "fund_balance"}
_PNG_META = {"Software": None}
_SVG_META = {"Date": None, "Creator": None}
BLUE, ORANGE, GREY, RED, GREEN = "#1f5fa8", "#d9822b", "#888888", "#c0392b", "#2e8b57"


def write_charts(b: Budget, out_dir: str | Path, lang: str = "zh") -> dict:
    """Write every chart as PNG and SVG into `out_dir`; returns {name: {"png", "svg", "title"}}.

    `lang` is what the caller asks for; without a CJK font Chinese falls back to English."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    L = Labels(fonts.chart_language(lang), b.scenario)
    out = {}
    with matplotlib.rc_context(fonts.rc(L.lang)):
        for name, draw in DRAW.items():
            if name == "targets" and not b.scenario.targets:
                continue      # a policy without numeric targets (Dongxihu's draft): no chart to draw
            fig, title = draw(b, L)
            stem = out_dir / FILES[name]
            fig.savefig(stem.with_suffix(".png"), dpi=150, metadata=_PNG_META)
            fig.savefig(stem.with_suffix(".svg"), metadata=_SVG_META)
            plt.close(fig)
            out[name] = {"png": stem.with_suffix(".png"), "svg": stem.with_suffix(".svg"), "title": title}
    return out


def _titled(b: Budget, L: Labels, text: str) -> str:
    """A chart title, marked as a single run's where there are no bands."""
    return text if b.monte_carlo else f"{text} {L('single')}"


def _committed_shade(ax, b: Budget, L: Labels) -> None:
    if b.later_years:
        lo, hi = b.later_years[0] - 0.5, b.later_years[-1] + 0.5
        ax.axvspan(lo, hi, color="#f2f2f2", zorder=0)
        ax.text(lo + 0.08, 0.015, L("chart.committed", end=b.end_year), transform=ax.get_xaxis_transform(),
                va="bottom", ha="left", fontsize=8, color="#555555")


def _year_axis(ax, years: np.ndarray, L: Labels) -> None:
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_xlabel(L("year"))
    ax.set_ylabel(L("wan"))


def _fan(b: Budget, L: Labels):
    s = b.rule_stats(TOTAL) / WAN
    years = np.array(b.years)
    f = b.fund.table().set_index("year") / WAN
    fig, ax = plt.subplots(figsize=(9, 4.8))
    _committed_shade(ax, b, L)
    if b.monte_carlo:
        ax.fill_between(years, s["p5"], s["p95"], color=BLUE, alpha=0.18, lw=0, label=L("chart.band90"))
        ax.fill_between(years, s["p25"], s["p75"], color=BLUE, alpha=0.35, lw=0, label=L("chart.band50"))
    mc = b.monte_carlo
    ax.plot(years, s["p50"], color=BLUE, lw=2, marker="o", ms=4, label=L("chart.median" if mc else "chart.outlays_one"))
    income = b.fund.income           # "returns", or a budget's "appropriation" (labels' overlay)
    ax.plot(years, f[f"{income}_mean" if mc else income], color=ORANGE, lw=2, ls="--", marker="s", ms=4,
            label=L("chart.returns_mean" if mc else "chart.returns_one"))
    if b.monte_carlo:
        ax.fill_between(years, f[f"{income}_p5"], f[f"{income}_p95"], color=ORANGE, alpha=0.12, lw=0,
                        label=L("chart.returns90"))
    if mc and b.fund.appropriated and np.isfinite(b.fund.needed_p95):   # a yearly amount: drawn against outlays
        ax.axhline(b.fund.needed_p95 / WAN, color=RED, ls=":", lw=1.4,
                   label=fonts.drawable(L("chart.needed_line", v=b.fund.needed_p95 / WAN)))
    _year_axis(ax, years, L)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    key = "chart.fan_title" if mc else "chart.fan_title_one"
    title = _titled(b, L, L(key, title=fonts.drawable(b.title) or b.name))
    ax.set_title(title, fontsize=10, loc="left")
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title.replace("\n", " ")


def _articles(b: Budget, L: Labels):
    years = np.array(b.years)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    _committed_shade(ax, b, L)
    bottom = np.zeros(len(years))
    colours = plt.get_cmap("tab10").colors
    for i, (article, rules) in enumerate(articles(b.policy, b.cash)):
        vals = b.outlays.loc[b.years, rules].sum(axis=1).to_numpy() / WAN
        ax.bar(years, vals, bottom=bottom, color=colours[i % 10], width=0.7,
               label=fonts.drawable(article_label(L, b.policy, article)))
        bottom += vals
    s = b.rule_stats(TOTAL) / WAN
    if b.monte_carlo:
        ax.errorbar(years, s["mean"], yerr=[s["mean"] - s["p5"], s["p95"] - s["mean"]], fmt="none", ecolor="black",
                    elinewidth=1, capsize=3, label=L("chart.total_range"))
    _year_axis(ax, years, L)
    title = L("chart.articles_title" if b.monte_carlo else "chart.articles_title_one")
    ax.set_title(title, fontsize=10, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title


def _targets(b: Budget, L: Labels):
    targets = list(b.scenario.targets)[::-1]
    tg = b.targets.set_index("target").loc[[t.id for t in targets]]
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(tg) + 1.4))
    labels = [fonts.drawable(f"{t.id} {target_label(L, t)} ≥ {goal_text(t)}") for t in targets]
    y = np.arange(len(tg))
    if not b.monte_carlo:
        return _targets_one(b, L, fig, ax, targets, tg, labels, y)
    p = tg["probability"].to_numpy(dtype=float)
    colours = [GREEN if v >= 0.8 else (ORANGE if v >= 0.5 else RED) for v in p]
    ax.barh(y, p, color=colours, height=0.6)
    se = tg["mc_se"].to_numpy(dtype=float)
    if np.any(se > 0):
        ax.errorbar(p, y, xerr=1.96 * se, fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    for yi, v in zip(y, p):
        ax.text(min(v + 0.02, 0.9), yi, f"{v:.0%}", va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(L("probability"))
    title = L("chart.targets_title", end=b.end_year)
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title


def _targets_one(b: Budget, L: Labels, fig, ax, targets, tg, labels, y):
    """One future's targets: each value ÷ its goal, green where met, red where not (no probability)."""
    values = tg["value_mean"].to_numpy(dtype=float)
    ratio = np.array([v / t.goal if t.goal else 0.0 for t, v in zip(targets, values)])
    met = [t.met(v) for t, v in zip(targets, values)]
    ax.barh(y, ratio, color=[GREEN if m else RED for m in met], height=0.6)
    ax.axvline(1.0, color=GREY, ls="--", lw=1)
    hi = max(1.3, float(ratio.max()) * 1.3)
    for yi, t, v, r, m in zip(y, targets, values, ratio, met):
        ax.text(r + 0.01 * hi, yi, fonts.drawable(f"{value_text(t, v)} ({L('yes') if m else L('no')})"),
                va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, hi)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(L("chart.goal_reached"))
    title = L("chart.targets_one_title", end=b.end_year)
    ax.set_title(fonts.drawable(title), fontsize=10, loc="left")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    fig.tight_layout()
    return fig, title


def _ladder(b: Budget, L: Labels):
    lad = b.ladder
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.3), gridspec_kw={"width_ratios": [1.25, 1]})
    title = _titled(b, L, L("chart.ladder_title"))
    months = list(dict.fromkeys(lad["month"]))
    x = pd.to_datetime(pd.Series(months)).to_numpy()
    wide = lad.pivot(index="month", columns="series", values="mean").loc[months]
    levels = list(ladderlib.NAMES)
    names = levels if L.lang == "zh" else list(ladderlib.ENGLISH)
    a1.stackplot(x, wide[levels].to_numpy(dtype=float).T / WAN, labels=names,
                 colors=plt.get_cmap("viridis")(np.linspace(0, 1, len(levels))))
    a1.set_title(L("chart.ladder_left" if b.monte_carlo else "chart.ladder_left_one"), fontsize=9, loc="left")
    a1.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncol=5, fontsize=7, frameon=False)
    for series, colour, key in (("skilled_share", BLUE, "chart.skilled"), ("high_skilled_share", ORANGE, "chart.high")):
        part = lad[lad["series"] == series].set_index("month").loc[months]
        if b.monte_carlo:
            a2.fill_between(x, part["p5"], part["p95"], color=colour, alpha=0.18, lw=0)
            a2.fill_between(x, part["p25"], part["p75"], color=colour, alpha=0.35, lw=0)
        a2.plot(x, part["p50"], color=colour, lw=1.8, label=L(key))
    for t in b.scenario.targets:
        if t.metric == "skilled_share_end":
            a2.axhline(t.goal, color=RED, ls=":", lw=1.2, label=L("chart.goal_line", goal=f"{t.goal:.0%}"))
    a2.axvline(np.datetime64(b.policy.valid_to), color=GREY, ls="--", lw=1)
    a2.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    a2.set_ylim(0, max(0.5, float(lad[lad["series"] == "skilled_share"]["p95"].max()) + 0.05))
    a2.set_title(L("chart.ladder_right"), fontsize=9, loc="left")
    a2.set_ylabel(L("chart.share"))
    a2.legend(loc="upper left", bbox_to_anchor=(0, -0.1), fontsize=7, frameon=False)
    for ax in (a1, a2):
        ax.xaxis.set_major_locator(matplotlib.dates.YearLocator())
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", color="#dddddd", lw=0.6)
    fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return fig, title


def _fund(b: Budget, L: Labels):
    """Left: the principal at year end, with the principal needed (Monte Carlo runs only);
    right: the returns account at year end (below 0: cumulative unfunded). A budget
    appropriation has no principal: left its carried balance, right its cumulative unfunded
    amount (its yearly appropriation needed is drawn on the outlays chart). Median and bands
    over replications, or one future's path."""
    f = b.fund
    mc = b.monte_carlo
    years = np.array([b.years[0] - 1] + list(b.years))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.3))
    need = f.needed_p95 / WAN if mc and not f.appropriated else None
    zero = np.zeros(len(f.principal))
    left = (np.column_stack([zero, f.paths.account]) if f.appropriated       # a budget: its carried balance,
            else np.column_stack([f.principal, f.paths.principal]))            # its unfunded amount (right)
    right = np.column_stack([zero, f.paths.unfunded if f.appropriated else f.paths.account])
    for ax, series, key in ((a1, left, "chart.fund_left"), (a2, right, "chart.fund_right")):
        q = np.percentile(series / WAN, [5, 25, 50, 75, 95], axis=0)
        _committed_shade(ax, b, L)
        if mc:
            ax.fill_between(years, q[0], q[4], color=BLUE, alpha=0.18, lw=0, label=L("chart.band90"))
            ax.fill_between(years, q[1], q[3], color=BLUE, alpha=0.35, lw=0, label=L("chart.band50"))
        ax.plot(years, q[2], color=BLUE, lw=2, marker="o", ms=4, label=L("p50") if mc else L("chart.this_future"))
        ax.set_xticks(years, [L("chart.start") if i == 0 else str(y) for i, y in enumerate(years)], fontsize=7,
                      rotation=30, ha="right")
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.set_ylabel(L("wan"))
        ax.set_title(fonts.drawable(L(key)), fontsize=9, loc="left")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        if ax is a1:
            lo, hi = q[0].min(), q[4].max()
            if need is not None and np.isfinite(need):
                ax.axhline(need, color=RED, ls=":", lw=1.4, label=fonts.drawable(L("chart.needed_line", v=need)))
                lo, hi = min(lo, need), max(hi, need)
            pad = max((hi - lo) * 0.15, hi * 0.02)
            if f.appropriated:
                ax.axhline(0, color=GREY, lw=1)
                ax.fill_between(years, np.minimum(q[2], 0), 0, color=RED, alpha=0.25, lw=0)
            else:
                ax.set_ylim(max(0, lo - pad), hi + pad)
        elif f.appropriated:         # the cumulative unfunded amount: ≥ 0, an empty axis from 0
            ax.set_ylim(0, max(float(q[4].max()) * 1.15, 1.0))
        else:
            ax.axhline(0, color=GREY, lw=1)
            ax.fill_between(years, np.minimum(q[2], 0), 0, color=RED, alpha=0.25, lw=0)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, fontsize=7, frameon=False)
    title = _titled(b, L, L("chart.fund_title"))
    fig.suptitle(fonts.drawable(title), fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return fig, title


DRAW = {"fan": _fan, "articles": _articles, "targets": _targets, "ladder": _ladder, "fund": _fund}
