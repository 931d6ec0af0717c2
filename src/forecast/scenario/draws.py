"""Drawing a scenario's parameters for one future: which are drawn, which are pinned, and
which move together.

Every parameter whose specification has a width (`Param.uncertain`) is drawn in a run that
draws: a distribution, or a bare range (`params.BARE_RANGE_RULE`). Each parameter's uniform
number comes from its own stream, keyed by its path (`params.param_rng`), so adding a
parameter or a reform never shifts another's draw, and base and reform share their draws.

Quantities that move together are drawn jointly through a Gaussian copula: a
`[correlations.NAME]` group lists parameter paths and one correlation `rho` between every pair
of them (a shared factor). The uniforms u_i of the group become normals z_i = Φ⁻¹(u_i), are
mixed by the Cholesky factor of the group's correlation matrix (the first parameter keeps its
own draw), and return to uniforms Φ(·); each parameter's own distribution then takes its
quantile, so the marginals are exactly those the scenario states. A parameter is in at most
one group; a member an overlay makes fixed (no range) or `--fix` pins simply does not move.

Pinning: `central=True` pins every parameter at its central value (`--central`); `fixed`
pins some (`--fix KEY[,KEY…]`): a parameter path as in parameters.csv, or a section whose
parameters are all pinned (e.g. `pathways.night_school`). An unknown key is an InputError.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import ndtr, ndtri

from forecast.core.errors import InputError
from forecast.params.param import Domain, Param, param_rng
from forecast.params.table import Table

RHO = Domain(-0.99, 0.99, False, "a correlation in [-0.99, 0.99]")


@dataclass(frozen=True)
class Correlation:
    """One group of parameters drawn together: every pair correlated `rho` (normal scores)."""

    name: str
    parameters: tuple
    rho: float
    assumption: str

    def matrix(self) -> np.ndarray:
        n = len(self.parameters)
        m = np.full((n, n), self.rho)
        np.fill_diagonal(m, 1.0)
        return m

    def to_toml(self) -> dict:
        return {"parameters": list(self.parameters), "rho": self.rho, "assumption": self.assumption}


def flat(specs: dict) -> dict:
    """path → Param for every scalar parameter of the specifications (the columns of
    parameters.csv): "population.employed", "pathways.night_school.seats_per_term", …"""
    out = {}

    def visit(path: str, tree: dict):
        for key, spec in tree.items():
            if isinstance(spec, Param):
                out[f"{path}.{key}"] = spec
            elif isinstance(spec, dict) and key != "expected_units":
                visit(f"{path}.{key}", spec)

    for name, tree in specs.items():
        visit(name, tree)
    return out


def read_correlations(t: Table | None, params: dict) -> tuple:
    """The `[correlations]` groups, checked against the scenario's parameters (`params`:
    path → Param)."""
    if t is None:
        return ()
    groups, seen = [], {}
    for name in t.keys():
        g = t.table(name)
        names = g.raw("parameters")
        if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
            raise g.error("parameters", f"{names!r} is not a list of two or more parameter paths",
                          "e.g. [\"population.employed\", \"population.employers\"]")
        for path in names:
            if path not in params:
                raise g.error("parameters", f"{path!r} is not a parameter of this scenario",
                              "a path as in parameters.csv, e.g. population.employed")
            if path in seen:
                raise g.error("parameters", f"{path!r} is already in correlations.{seen[path]}",
                              "each parameter in at most one group")
            seen[path] = name
        rho = g.number("rho", RHO)
        if rho <= -1.0 / (len(names) - 1):
            raise g.error("rho", f"{rho!r} is not a valid correlation for {len(names)} parameters",
                          f"rho > {-1.0 / (len(names) - 1):.3g}")
        why = g.text("assumption")
        g.close()
        groups.append(Correlation(name, tuple(names), rho, why))
    t.close()
    return tuple(groups)


def resolve_fixed(keys, params: dict) -> frozenset:
    """The parameter paths `--fix` pins: each key a parameter path or a section prefix."""
    out = set()
    for key in keys:
        key = key.strip()
        match = [p for p in params if p == key or p.startswith(key + ".")]
        if not key or not match:
            near = sorted({p.rsplit(".", 1)[0] for p in params})
            raise InputError("--fix", key, "not a parameter or section of this scenario",
                             "a path as in parameters.csv (e.g. population.employed) or a section: "
                             + ", ".join(near))
        out.update(match)
    return frozenset(out)


def draw(params: dict, correlations: tuple, seed_sequence: np.random.SeedSequence | None,
         fixed: frozenset = frozenset(), at: dict | None = None, uniform: Callable | None = None) -> dict:
    """path → value for every parameter: central when `seed_sequence` is None or the path is
    pinned; otherwise its quantile of a uniform from its own stream, correlated by group.
    `at` (path → quantile u in [0, 1]) places some parameters at given quantiles of their own
    distributions, whatever the seed: the points of a sensitivity design. `uniform` (path → u),
    when given, supplies the uniforms in place of the parameters' streams: a quasi-random point
    (`qmc.uniforms`, `--sampling rqmc`); correlations and quantiles apply to it alike."""
    at = at or {}
    if seed_sequence is None:
        return {p: (spec.quantile(at[p]) if p in at else spec.central) for p, spec in params.items()}
    if uniform is None:
        uniform = lambda p: param_rng(seed_sequence, p).random()  # noqa: E731
    u = {p: uniform(p) for p, spec in params.items() if spec.uncertain and p not in fixed}
    for g in correlations:
        members = [p for p in g.parameters if p in u]
        if len(members) < 2:
            continue
        idx = [g.parameters.index(p) for p in members]
        chol = np.linalg.cholesky(g.matrix()[np.ix_(idx, idx)])
        z = chol @ ndtri(np.clip([u[p] for p in members], 1e-12, 1 - 1e-12))
        for p, zi in zip(members, z):
            u[p] = float(ndtr(zi))
    u.update(at)
    return {p: (spec.quantile(u[p]) if p in u else spec.central) for p, spec in params.items()}

