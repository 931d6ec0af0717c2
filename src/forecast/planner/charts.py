"""Charts of a comparison and a sweep (PNG, English labels): the paired difference by article,
extra cost against each target's effect, the cost-against-effect frontier of a sweep and its
heat map over two varied amounts. Same inputs, same bytes (no version stamp)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast.display import fonts  # noqa: E402

_METADATA = {"Software": None}
WAN = 10_000.0


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(fig)


@fonts.latin_first  # a Chinese name in a label: its glyphs, not boxes
def delta_chart(long: pd.DataFrame, summary: dict, path: Path) -> None:
    """Policy-period difference (万元) by rule, one bar per reform, with the 5–95 % band of the
    paired difference across futures."""
    part = long[(long["measure"] == "outlay") & (long["period"] == "policy") & (long["item"] != "total")]
    reforms = list(dict.fromkeys(part["reform"]))
    moved = part.groupby("item")["delta_mean"].apply(lambda s: bool((s.abs() > 0).any()))
    items = [i for i in dict.fromkeys(part["item"]) if moved.get(i, False)] or list(dict.fromkeys(part["item"]))[:1]
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.45 * len(items) * max(1, len(reforms)) + 1.2)))
    h = 0.8 / max(1, len(reforms))
    y = np.arange(len(items))
    for k, name in enumerate(reforms):
        rows = part[part["reform"] == name].set_index("item").reindex(items)
        mean = rows["delta_mean"].to_numpy() / WAN
        err = np.vstack([mean - rows["delta_p5"].to_numpy() / WAN, rows["delta_p95"].to_numpy() / WAN - mean])
        ax.barh(y + k * h, mean, height=h, xerr=np.clip(err, 0, None), capsize=3, label=name)
    ax.set_yticks(y + h * (len(reforms) - 1) / 2, items)
    ax.axvline(0, color="grey", lw=1)
    ax.invert_yaxis()
    ax.set_xlabel("reform − base, policy period (10k yuan); bars: 5–95 % across futures")
    ax.set_title(f"Paired difference by rule ({summary.get('reps', '?')} replications each)")
    if len(reforms) > 1:
        ax.legend(fontsize=8)
    _save(fig, path)


@fonts.latin_first
def cost_effect_chart(long: pd.DataFrame, effect: pd.DataFrame, path: Path) -> None:
    """For each forecast target: each reform's mean extra cost (万元) against its mean effect,
    with ±1.645 paired standard errors (a 90 % interval of the mean) on both."""
    targets = list(dict.fromkeys(effect["target"])) or ["(none)"]
    fig, axes = plt.subplots(1, len(targets), figsize=(3.6 * len(targets), 3.6), squeeze=False)
    cost = long[(long["item"] == "total") & (long["period"] == "cost")].set_index("reform")
    for ax, tid in zip(axes[0], targets):
        rows = effect[effect["target"] == tid]
        for _, row in rows.iterrows():
            c = cost.loc[row["reform"]]
            ax.errorbar(row["delta_effect_mean"], c["delta_mean"] / WAN, xerr=1.645 * row["delta_effect_se"],
                        yerr=1.645 * c["delta_se"] / WAN, fmt="o", capsize=3, label=row["reform"])
        ax.axvline(0, color="grey", lw=0.8)
        ax.axhline(0, color="grey", lw=0.8)
        unit = rows["effect_unit"].iloc[0] if len(rows) else ""
        ax.set_xlabel(f"{tid}: effect ({'0.1 pp' if unit == '+0.1 pp' else 'persons'})")
        ax.set_ylabel("extra cost (10k yuan)")
    _save(fig, path)


@fonts.latin_first
def frontier_chart(sweep: pd.DataFrame, targets: list, path: Path) -> None:
    """Sweep points: mean policy-period outlay against each target's P(met), the cheapest point
    for each probability joined (the frontier)."""
    cols = [t for t in targets if f"p_met:{t}" in sweep] or targets[:1]
    fig, axes = plt.subplots(1, max(1, len(cols)), figsize=(3.8 * max(1, len(cols)), 3.6), squeeze=False)
    for ax, tid in zip(axes[0], cols):
        x = sweep["outlay_mean"].to_numpy() / WAN
        p = sweep[f"p_met:{tid}"].to_numpy()
        ax.scatter(x, p, s=18)
        order = np.argsort(x, kind="stable")
        best = np.maximum.accumulate(p[order])
        ax.step(x[order], best, where="post", color="C1", lw=1.2, label="frontier")
        ax.set_xlabel("mean outlay, policy period (10k yuan)")
        ax.set_ylabel(f"P({tid} met)")
        ax.set_ylim(-0.03, 1.03)
    _save(fig, path)


@fonts.latin_first
def heatmap_chart(sweep: pd.DataFrame, keys: list, column: str, title: str, path: Path) -> None:
    """A two-dimensional sweep: `column` over the grid of the two varied keys."""
    grid = sweep.pivot_table(index=keys[1], columns=keys[0], values=column, aggfunc="first")
    fig, ax = plt.subplots(figsize=(6.5, 5))
    im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns], rotation=45)
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(keys[0])
    ax.set_ylabel(keys[1])
    ax.set_title(title)
    fig.colorbar(im, ax=ax)
    _save(fig, path)
