"""The charts of a results folder (PNG, English labels from the catalogue): mean outlays by year
stacked by article, the ladder's composition over time, and the fan chart of yearly totals.
Same inputs, same bytes (no version stamp)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast.display import fonts  # noqa: E402
from forecast.display.labels import WAN, Labels  # noqa: E402
from forecast.policy import ladder  # noqa: E402
from forecast.scenario.scenario import Scenario  # noqa: E402

_METADATA = {"Software": None}  # no version stamp: same inputs, same bytes
LANG = "en"


@fonts.latin_first  # a Chinese name in a label: its glyphs, not boxes
def outlays_chart(outlays_mean: pd.DataFrame, scenario: Scenario, path: Path) -> None:
    """Stacked bars of mean fund outlays (万元) per year, one colour per article."""
    L = Labels(LANG, scenario)
    by_article: dict[str, pd.Series] = {}
    for rule in scenario.policy.rules:
        if rule.id in outlays_mean:
            label = L.article(rule.article)
            by_article[label] = by_article.get(label, 0) + outlays_mean[rule.id] / WAN
    fig, ax = plt.subplots(figsize=(9, 5))
    bottom = np.zeros(len(outlays_mean))
    colours = plt.get_cmap("tab20").colors
    for i, (label, values) in enumerate(by_article.items()):
        ax.bar(outlays_mean.index.astype(str), values.to_numpy(), bottom=bottom, label=label, color=colours[i % 20])
        bottom += values.to_numpy()
    end = scenario.policy.valid_to.year
    years = list(outlays_mean.index)
    if end in years:
        ax.axvline(years.index(end) + 0.5, color="grey", ls="--", lw=1)
    ax.set_title(L("chart.folder_outlays", name=scenario.name, end=end))
    ax.set_xlabel(L("year"))
    ax.set_ylabel(L("wan"))
    _save(fig, ax, path, beside=True)


@fonts.latin_first
def ladder_chart(ladder_bands: pd.DataFrame, path: Path) -> None:
    """Shares of employment by level over time (stacked areas of the mean stocks)."""
    L = Labels(LANG)
    table = ladder_bands.pivot(index="month", columns="series", values="mean").reset_index()
    fig, ax = plt.subplots(figsize=(9, 5))
    levels = list(ladder.NAMES)
    shares = table[levels].div(table[levels].sum(axis=1), axis=0)
    x = np.arange(len(table))
    ax.stackplot(x, shares.T.to_numpy(), labels=list(ladder.ENGLISH),
                 colors=plt.get_cmap("viridis")(np.linspace(0, 1, 9)))
    ax.set_xticks(x[::12], [m[:4] for m in table["month"].iloc[::12]])
    ax.set_ylim(0, 1)
    ax.set_title(L("chart.folder_ladder"))
    ax.set_ylabel(L("chart.share"))
    _save(fig, ax, path, beside=True)


@fonts.latin_first
def fan_chart(total_stats: pd.DataFrame, scenario: Scenario, reps: int, path: Path) -> None:
    """Total fund outlays per year (万元) over the replications: median line, 25–75 % and
    5–95 % bands, mean dashed. `total_stats` has year, mean, p5, p25, p50, p75, p95. One
    replication is one simulated future: its line only, no band, titled as such."""
    L = Labels(LANG, scenario)
    s = total_stats.sort_values("year")
    x = s["year"].astype(int).to_numpy()
    fig, ax = plt.subplots(figsize=(9, 5))
    end = scenario.policy.valid_to.year
    if reps > 1:
        ax.fill_between(x, s["p5"] / WAN, s["p95"] / WAN, color="tab:blue", alpha=0.18, lw=0,
                        label=L("chart.band_5_95"))
        ax.fill_between(x, s["p25"] / WAN, s["p75"] / WAN, color="tab:blue", alpha=0.35, lw=0,
                        label=L("chart.band_25_75"))
        ax.plot(x, s["p50"] / WAN, color="tab:blue", lw=2, label=L("p50"))
        ax.plot(x, s["mean"] / WAN, color="black", lw=1, ls="--", label=L("mean"))
        title = L("chart.folder_fan", name=scenario.name, reps=reps, end=end)
    else:
        ax.plot(x, s["mean"] / WAN, color="tab:blue", lw=2, marker="o", label=L("chart.this_future"))
        title = L("chart.folder_fan_one", name=scenario.name, end=end)
    if end in x:
        ax.axvline(end + 0.5, color="grey", ls="--", lw=1)
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_xlabel(L("year"))
    ax.set_ylabel(L("wan"))
    _save(fig, ax, path, beside=False)


def _save(fig, ax, path: Path, beside: bool) -> None:
    """The legend (beside the plot or inside it), then the PNG without a version stamp."""
    if beside:
        ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8, frameon=False)
    else:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)
