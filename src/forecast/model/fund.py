"""The fund as an account: the 惠山工匠基金's principal earns returns, the returns pay the
rewards (kind "endowment", the default) — or a yearly budget appropriation pays them (kind
"appropriation", at the end). One home for the fund: its section (`Fund`, which keys each kind
takes), its account per replication, what is needed, and what a run's summary.json says of an
appropriation (`fund_block`); the report's view of it is the results product's (`fund_view`).

Seed 000 (三、配套保障): 专项奖励资金由惠山工匠基金收益配套保障 — the rewards are backed by the
fund's **returns** (收益); nothing in the text allows drawing on the principal (FACTS.md, "how
rewards are funded"). The principal, its yearly return rate and any top-ups are assumptions
of the scenario (`[fund]`); `draw_on_principal` (default false, the text's reading) says
whether a shortfall may be taken from the principal.

Per replication r and year y = 1 … n (the scenario's years), with P_0 = principal (the fund
at the start of the first year) and A_0 = 0 (the returns account, empty at the start):

    returns_y   = P_{y−1} × rate
    available_y = A_{y−1} + returns_y                     (this year's returns plus what is carried over)
    deficit_y   = max(0, outlays_y − available_y)         (> 0: a shortfall year)
    drawn_y     = min(deficit_y, P_{y−1})  when draw_on_principal, else 0
    A_y         = available_y − outlays_y + drawn_y       (the returns account at the year's end)
    unfunded_y  = max(0, −A_y) = deficit_y − drawn_y      (outlays not covered, outstanding at the year's end)
    P_y         = P_{y−1} − drawn_y + top_up              (the principal at the year's end)

Readings, each a choice made here:

- unspent returns **carry over** in the account to the next year; the carried balance earns
  **no** interest (what the fund does with spent-but-not-yet-paid returns is not in the text,
  and leaving it out errs on the side of a shortfall);
- a shortfall the principal does not pay stays in the account as a negative balance: it is
  `unfunded` (cumulative: what outlays so far exceed returns so far, and drawings, by), and the
  next years' returns first make it good. Without drawing, A_t = Σ_{y≤t} returns_y − Σ_{y≤t}
  outlays_y, and a shortfall year is one where outlays so far exceed returns so far;
- a drawing happens at the year's end, so the principal earns less from the next year on; the
  principal cannot fall below 0 (what it cannot pay stays unfunded);
- the top-up of year y arrives at the end of the year and earns returns from year y + 1;
- the rate is one number per replication (the scenario draws it once per future).

**Principal needed** (Monte Carlo runs only): the principal whose returns alone cover the
cumulative outlays in every year t of the policy period (the years where `in_period` is true):

    Σ_{y≤t, y in period} P × rate ≥ Σ_{y≤t, y in period} outlays_y   for every t in the period
    need_r = max_t C_t / (rate × k_t),  C_t = Σ_{y≤t, y in period} outlays_y,  k_t = #{y ≤ t in period}

(with carry-over; with that principal, no drawing and no top-up the account never goes
negative in the period; top-ups are ignored, which errs on the safe side; a rate ≤ 0 needs an
infinite principal where anything is paid). The figure reported is its 95th percentile over
replications: the principal with which returns cover the period's outlays in 95 % of futures.
One future has no percentile: `principal_needed_quantile` refuses fewer than two replications.

P(shortfall) in year y is the share of replications with deficit_y > 0 (`SHORTFALL_TOLERANCE`
yuan absorbs rounding).

**The other kind: a yearly budget appropriation** (`[fund] kind = "appropriation"`). Huzhou
(seed 003 三(二)), Changzhou, Wuxi and Dongxihu (seed 004 四(二) 区人才专项资金, 就业补助资金) pay
from the budget each year, not from an endowment's returns. There is no principal, no return
and nothing to draw on: per replication, with the yearly appropriation a (drawn once per
future, `appropriation_per_year`) and A_0 = 0,

    appropriation_y = a                                  (every year of the scenario)
    available_y     = A_{y−1} + a                        (this year's appropriation plus the carried balance)
    deficit_y       = max(0, outlays_y − available_y)    (> 0: a shortfall year)
    A_y             = available_y − outlays_y            (the carried balance at the year's end)
    unfunded_y      = max(0, −A_y)                       (cumulative: outlays so far beyond appropriations so far)

So A_t = t × a − Σ_{y≤t} outlays_y, and a shortfall year is one where cumulative outlays exceed
cumulative appropriations. Readings chosen here: the appropriation is made in **every** year
of the scenario, also the years after the policy period, in which committed payments (the
second instalments, the apprentice years under way) are still owed and paid from the same
budget line — a government that owes the payments budgets for them; unspent appropriation
**carries over** (a 专项资金 line is read as kept for its purpose, not returned to the treasury),
and a deficit stays owed (negative balance) until later appropriations make it good. It is
the endowment's account with returns_y replaced by a, principal 0 and no drawing, and is
computed by the same loop (`_account`).

**Appropriation needed** (Monte Carlo runs only): the smallest constant yearly appropriation
whose cumulative sum covers the cumulative outlays in every year of the policy period,
need_r = max_t C_t / k_t — the principal needed × rate, i.e. `principal_needed` at rate 1 —
reported as its 95th percentile over replications.

All functions are pure and vectorised: `outlays` is (years,) for one future or
(replications, years); principal, rate, top-up and appropriation are scalars or one value per
replication.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from forecast.core.errors import InputError
from forecast.params.param import AMOUNT, RETURN
from forecast.params.section import Section, describe, param, setting
from forecast.params.table import Table

#: the kinds of fund: an endowment whose returns pay, or a yearly budget appropriation
ENDOWMENT, APPROPRIATION = "endowment", "appropriation"
KINDS = (ENDOWMENT, APPROPRIATION)
#: kind → the keys only that kind takes (each required for it, refused for the other): `kind =
#: "endowment"` (the default, Huishan's 惠山工匠基金) takes principal, return_rate, top_up_per_year and
#: draw_on_principal; `kind = "appropriation"` (a yearly budget line: Huzhou, Changzhou, Wuxi,
#: Dongxihu) takes appropriation_per_year
KEYS = {ENDOWMENT: ("principal", "return_rate", "top_up_per_year", "draw_on_principal"),
        APPROPRIATION: ("appropriation_per_year",)}

#: yuan: a deficit at or below this is rounding, not a shortfall
SHORTFALL_TOLERANCE = 1e-6
#: the drawn parameters (`fund.KEY` in parameters.csv) each kind's account reads
PARAMETERS = {ENDOWMENT: ("principal", "return_rate", "top_up_per_year"), APPROPRIATION: ("appropriation_per_year",)}



@dataclass(frozen=True, eq=False)
class Fund(Section):
    """What pays the rewards: `kind = "endowment"` (default) a fund whose returns pay them
    (Huishan: 惠山工匠基金, seed 000 三、配套保障; principal, return_rate, top_up_per_year,
    draw_on_principal), or `kind = "appropriation"` a yearly budget appropriation (Huzhou seed 003
    三(二); appropriation_per_year only). Which keys each kind takes:
    KEYS, checked by `check`."""
    kind: str = setting("fund_kind", default="endowment")
    principal: float = param(AMOUNT, optional=True)
    return_rate: float = param(RETURN, optional=True)
    top_up_per_year: float = param(AMOUNT, optional=True)
    draw_on_principal: bool = setting("flag", optional=True)
    appropriation_per_year: float = param(AMOUNT, optional=True)

    @classmethod
    def check(cls, t: Table, spec: dict, rules: dict) -> None:
        """`[fund]` as read (`spec`): its kind is known, the kind's keys are all given and the
        other kind's keys none — a budget has no principal to earn on, top up or draw on, and a key
        that would be silently ignored is an error."""
        kind = spec.get("kind", ENDOWMENT)
        if kind not in KINDS:
            raise t.error("kind", f"{kind!r} is not a kind of fund", " | ".join(KINDS))
        schema = cls.schema()
        for other, keys in KEYS.items():
            for key in keys:
                if other != kind and key in spec:
                    raise t.error(key, f"only for kind = {other} (this fund is kind = {kind})",
                                  "leave the key out, or set kind = " + other)
                if other == kind and key not in spec:
                    raise t.error(key, "missing" + (f" (kind = {kind})" if kind != ENDOWMENT else ""),
                                  describe(schema[key]))


@dataclass(frozen=True)
class FundPaths:
    """Year-by-year fund account, arrays of shape (replications, years) (or (years,))."""

    outlays: np.ndarray
    returns: np.ndarray      # P_{y−1} × rate (0 for an appropriation)
    available: np.ndarray    # carried over + this year's returns (or appropriation)
    deficit: np.ndarray      # max(0, outlays − available): drawn + unfunded
    drawn: np.ndarray        # part of the deficit paid from the principal
    unfunded: np.ndarray     # outstanding at the year's end (cumulative), max(0, −account)
    account: np.ndarray      # returns account (a budget's carried balance) at the year's end (negative: unfunded)
    principal: np.ndarray    # principal at the year's end
    shortfall: np.ndarray    # bool: deficit_y > SHORTFALL_TOLERANCE
    appropriation: np.ndarray | None = None   # the year's appropriation (kind appropriation; 0 for an endowment)


def _per_rep(x, n_reps: int) -> np.ndarray:
    """A scalar or one value per replication, as an array of shape (n_reps,)."""
    a = np.asarray(x, dtype=float)
    if a.ndim > 1 or (a.ndim == 1 and a.shape[0] not in (1, n_reps)):
        raise InputError("fund", "", f"{a.shape[0] if a.ndim else a.shape} values for {n_reps} replications",
                         "a scalar or one value per replication")
    return np.broadcast_to(a.reshape(-1) if a.ndim else a, (n_reps,)).astype(float)


def _matrix(outlays) -> tuple[np.ndarray, bool]:
    out = np.asarray(outlays, dtype=float)
    if out.ndim not in (1, 2):
        raise InputError("fund", "outlays", f"an array of {out.ndim} dimensions", "(years,) or (replications, years)")
    return (out.reshape(1, -1), True) if out.ndim == 1 else (out, False)


def fund_paths(outlays, principal, rate, top_up=0.0, draw_on_principal: bool = False) -> FundPaths:
    """The endowment's account year by year (formulas in the module's docstring)."""
    return _account(outlays, principal, rate, top_up, draw_on_principal, None)


def appropriation_paths(outlays, appropriation) -> FundPaths:
    """The budget appropriation's account year by year (module docstring): the endowment's
    account with no principal, whose yearly income is the appropriation instead of returns."""
    return _account(outlays, 0.0, 0.0, 0.0, False, appropriation)


def account(outlays, kind: str, value, draw_on_principal: bool = False) -> FundPaths:
    """The account of a fund of `kind`; `value(key)` gives the drawn `fund.KEY` of
    PARAMETERS[kind] (a scalar or one value per replication)."""
    if kind == APPROPRIATION:
        return appropriation_paths(outlays, value("appropriation_per_year"))
    if kind != ENDOWMENT:
        raise InputError("fund", "kind", f"{kind!r} is not a kind of fund", " | ".join(KINDS))
    return fund_paths(outlays, value("principal"), value("return_rate"), value("top_up_per_year"),
                      bool(draw_on_principal))


def _account(outlays, principal, rate, top_up, draw_on_principal: bool, appropriation) -> FundPaths:
    """The one account loop: the year's income is the principal's returns, or with
    `appropriation` (not None) that amount (and the principal is 0, nothing is drawn)."""
    out, one = _matrix(outlays)
    reps, years = out.shape
    p = _per_rep(principal, reps).copy()
    r = _per_rep(rate, reps)
    top = _per_rep(top_up, reps)
    a = None if appropriation is None else _per_rep(appropriation, reps)
    acc = np.zeros(reps)
    cols = {name: np.empty_like(out) for name in ("returns", "available", "deficit", "drawn", "unfunded", "account",
                                                  "principal")}
    for y in range(years):
        returns = p * r
        available = acc + (returns if a is None else a)
        deficit = np.maximum(0.0, out[:, y] - available)
        drawn = np.minimum(deficit, np.maximum(p, 0.0)) if draw_on_principal else np.zeros(reps)
        acc = available - out[:, y] + drawn
        p = p - drawn + top
        for name, v in (("returns", returns), ("available", available), ("deficit", deficit), ("drawn", drawn),
                        ("unfunded", deficit - drawn), ("account", acc), ("principal", p)):
            cols[name][:, y] = v
    income = np.zeros_like(out) if a is None else np.repeat(a[:, None], years, axis=1)
    paths = FundPaths(outlays=out, shortfall=cols["deficit"] > SHORTFALL_TOLERANCE, appropriation=income, **cols)
    if one:
        return FundPaths(**{f.name: getattr(paths, f.name)[0] for f in fields(FundPaths)})
    return paths


def shortfall_probability(paths: FundPaths) -> np.ndarray:
    """Per year, the share of replications in which the account would go negative (a shortfall
    year; without drawing on the principal: outlays so far exceed returns so far)."""
    return np.atleast_2d(paths.shortfall).mean(axis=0)


def principal_needed(outlays, rate, in_period=None) -> np.ndarray:
    """Per replication, the principal whose returns cover the cumulative outlays in every year
    of the policy period: max_t C_t / (rate × k_t) (module docstring). `in_period` is a boolean
    mask over the years (None: every year). A rate ≤ 0 needs an infinite principal where
    anything is paid, none where nothing is."""
    out, _ = _matrix(outlays)
    reps, years = out.shape
    mask = np.ones(years, dtype=bool) if in_period is None else np.asarray(in_period, dtype=bool)
    if mask.shape != (years,):
        raise InputError("fund", "in_period", f"a mask of shape {mask.shape} for {years} years",
                         "one true/false per year")
    r = _per_rep(rate, reps)
    if not mask.any():
        return np.zeros(reps)
    cum = np.cumsum(out[:, mask], axis=1)                     # C_t over the period's years
    k = np.arange(1, int(mask.sum()) + 1, dtype=float)        # k_t
    per_unit = (cum / k).max(axis=1)                          # max_t C_t / k_t: the principal × rate needed
    per_unit = np.maximum(per_unit, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r > 0, per_unit / np.where(r > 0, r, 1.0), np.where(per_unit > 0, np.inf, 0.0))


def principal_needed_quantile(outlays, rate, in_period=None, q: float = 0.95) -> float:
    """The principal with which returns cover the period's cumulative outlays in a share q of
    futures (default 95 %): the q-quantile over replications of `principal_needed` (linear
    interpolation; infinite where the quantile reaches a future that needs an infinite one).
    Needs a Monte Carlo run: one future has no percentile."""
    return needed_quantile(principal_needed(outlays, rate, in_period), q, "principal_needed")


def appropriation_needed(outlays, in_period=None) -> np.ndarray:
    """Per replication, the smallest constant yearly appropriation whose cumulative sum covers
    the cumulative outlays in every year of the policy period: max_t C_t / k_t (module
    docstring) — `principal_needed` at rate 1."""
    return principal_needed(outlays, 1.0, in_period)


def appropriation_needed_quantile(outlays, in_period=None, q: float = 0.95) -> float:
    """The yearly appropriation that covers the period's cumulative outlays in a share q of
    futures: the q-quantile over replications of `appropriation_needed`. Needs a Monte Carlo run."""
    return needed_quantile(appropriation_needed(outlays, in_period), q, "appropriation_needed")


def needed_quantile(need, q: float = 0.95, key: str = "principal_needed") -> float:
    """The q-quantile over replications of a per-replication need (linear interpolation;
    infinite where it reaches an infinite need). One future has no percentile: refused."""
    need = np.asarray(need, dtype=float).reshape(-1)
    if need.shape[0] < 2:
        raise InputError("fund", key, f"{need.shape[0]} replication: one future has no percentile",
                         "a Monte Carlo run, --reps N with N > 1")
    if not 0 <= q <= 1:
        raise InputError("fund", "q", f"{q} is not a share", "0 ≤ q ≤ 1")
    ordered = np.sort(need)                                   # +inf last
    h = (ordered.shape[0] - 1) * q
    lo, frac = int(np.floor(h)), h - np.floor(h)
    if frac == 0:
        return float(ordered[lo])
    a, b = ordered[lo], ordered[lo + 1]
    return float("inf") if np.isinf(b) else float(a + (b - a) * frac)


# --- what a run's summary says of the fund --------------------------------------------------
def fund_block(scenario, params: list[dict], tot: np.ndarray) -> dict:
    """summary.json's fund block: {"fund": …} for an appropriation, {} for an endowment. A yearly
    budget appropriation has no principal and no returns, so the budget figures a reader needs are
    the appropriation's own: the yearly amount drawn, what the policy period appropriates, the
    carried balance and cumulative unfunded amount, P(shortfall) by year and the yearly
    appropriation needed (95th percentile, Monte Carlo runs only). An endowment's summary has no
    fund block (its runs' files stay as they always were; the budget view computes its fund
    figures from parameters.csv). `params` are the replications' drawn parameters and `tot`
    their yearly total outlays (N × years), in the same order; `scenario` the run's."""
    if scenario.resolve(None).fund.kind != APPROPRIATION:
        return {}
    years = scenario.years
    inside = scenario.policy.in_period(years)
    a = np.array([p["fund.appropriation_per_year"] for p in params], dtype=float)
    paths = appropriation_paths(tot, a)
    last_in = int(np.flatnonzero(inside)[-1]) if inside.any() else len(years) - 1
    many = len(params) > 1

    def fig(x) -> dict:
        x = np.asarray(x, dtype=float)
        if not many:
            return {"mean": round(float(x[0]), 2)}
        p5, p50, p95 = np.percentile(x, [5, 50, 95])
        return {"mean": round(float(x.mean()), 2), "p5": round(float(p5), 2), "p50": round(float(p50), 2),
                "p95": round(float(p95), 2)}

    out = {"kind": APPROPRIATION,
           "reading": "a yearly budget appropriation in every year of the scenario (also after the policy, while "
                      "committed payments are owed); unspent appropriation carries over; outlays beyond the "
                      "appropriations so far are unfunded (cumulative)",
           "appropriation_per_year_yuan": fig(a),
           "appropriated_in_policy_period_yuan": fig(paths.appropriation[:, inside].sum(axis=1)),
           "carried_balance_end_yuan": fig(paths.account[:, -1]),
           "unfunded_end_of_policy_yuan": fig(paths.unfunded[:, last_in]),
           "unfunded_end_yuan": fig(paths.unfunded[:, -1])}
    if many:
        p = shortfall_probability(paths)
        out["p_shortfall_any"] = round(float(paths.shortfall.any(axis=1).mean()), 6)
        out["p_shortfall_by_year"] = {str(y): round(float(v), 6) for y, v in zip(years, p)}
        out["appropriation_needed_p95_yuan"] = round(appropriation_needed_quantile(tot, inside, 0.95), 2)
    else:
        out["shortfall_years"] = [int(y) for y, s in zip(years, paths.shortfall[0]) if s]
    return {"fund": out}
