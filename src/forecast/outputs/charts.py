"""The two charts of a single run: outlays by year stacked by article, and the ladder over time."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast.policy import ladder  # noqa: E402
from forecast.outputs.terminal import WAN  # noqa: E402

_METADATA = {"Software": None}  # no version stamp: same inputs, same bytes


def outlays_chart(outlays: pd.DataFrame, scenario, path: Path) -> None:
    """Stacked bars of fund outlays (万元) per year, one colour per article."""
    by_article: dict[str, pd.Series] = {}
    for rule in scenario.policy.rules:
        if rule.id in outlays:
            label = f"Art. {_article_number(rule.article)}"
            by_article[label] = by_article.get(label, 0) + outlays[rule.id] / WAN
    fig, ax = plt.subplots(figsize=(9, 5))
    bottom = np.zeros(len(outlays))
    colours = plt.get_cmap("tab20").colors
    for i, (label, values) in enumerate(by_article.items()):
        ax.bar(outlays.index.astype(str), values.to_numpy(), bottom=bottom, label=label, color=colours[i % 20])
        bottom += values.to_numpy()
    end = scenario.policy.valid_to.year
    ax.axvline(list(outlays.index).index(end) + 0.5 if end in outlays.index else -1, color="grey", ls="--", lw=1)
    ax.set_title(f"{scenario.name}: fund outlays by year and article (10,000 yuan); after {end}: committed")
    ax.set_xlabel("year")
    ax.set_ylabel("10,000 yuan")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)


def ladder_chart(bands: pd.DataFrame, path: Path) -> None:
    """Shares of employment by level over time (stacked areas of the mean stocks)."""
    table = bands.pivot(index="month", columns="series", values="mean").reset_index()
    fig, ax = plt.subplots(figsize=(9, 5))
    shares = table[list(ladder.NAMES)].div(table[list(ladder.NAMES)].sum(axis=1), axis=0)
    x = np.arange(len(table))
    ax.stackplot(x, shares.T.to_numpy(), labels=list(ladder.ENGLISH), colors=plt.get_cmap("viridis")(np.linspace(0, 1, 9)))
    ticks = x[::12]
    ax.set_xticks(ticks, [m[:4] for m in table["month"].iloc[::12]])
    ax.set_ylim(0, 1)
    ax.set_title("Employed persons by skill level (share)")
    ax.set_ylabel("share of employment")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)


def _article_number(article: str) -> int:
    digits = "一二三四五六七八九十"
    core = article.strip("第条")
    if core == "十":
        return 10
    if core.startswith("十"):
        return 10 + digits.index(core[1]) + 1
    return digits.index(core) + 1


def fan_chart(total_stats: pd.DataFrame, scenario, reps: int, path: Path) -> None:
    """Total fund outlays per year (万元) over Monte Carlo replications: median line, 25–75 %
    and 5–95 % bands, mean dashed. `total_stats` has year, mean, p5, p25, p50, p75, p95."""
    s = total_stats.sort_values("year")
    x = s["year"].astype(int).to_numpy()
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.fill_between(x, s["p5"] / WAN, s["p95"] / WAN, color="tab:blue", alpha=0.18, lw=0, label="5–95 %")
    ax.fill_between(x, s["p25"] / WAN, s["p75"] / WAN, color="tab:blue", alpha=0.35, lw=0, label="25–75 %")
    ax.plot(x, s["p50"] / WAN, color="tab:blue", lw=2, label="median")
    ax.plot(x, s["mean"] / WAN, color="black", lw=1, ls="--", label="mean")
    end = scenario.policy.valid_to.year
    if end in x:
        ax.axvline(end + 0.5, color="grey", ls="--", lw=1)
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_ylim(bottom=0)
    ax.set_title(f"{scenario.name}: total fund outlays by year, {reps} replications (10,000 yuan); after {end}: committed")
    ax.set_xlabel("year")
    ax.set_ylabel("10,000 yuan")
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)
