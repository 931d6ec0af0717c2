"""The real people the records name, and what the fund still owes them (`forecast.reforecast.execution`).

`Real.from_records` reads from the records to DATE the craftsmen named (annuity) and the
master–apprentice pairings (milestones); `Real.committed_events` draws, for one replication,
the future events of these real people (`model.commitments`: assessments passed while in the
district, certificates of apprentices within their windows) as an event table. The caller pays
them with `compute_payouts` together with the records' own milestone events, so a milestone
already paid (once per apprentice and level) is never paid again, and the rules' validity,
dated amounts, uplift and payment lags apply exactly as in the simulation.

Which events make a craftsman or a pairing comes from the scenario's own sections, not from a
place: the craftsmen section's selection and annuity rules, the apprenticeship section's
pairing and milestone rules.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.core.calendar import add_months, month_dates
from forecast.reforecast.commitments import Chain, draw_assessments, draw_certifications, milestone_chances
from forecast.policy import ladder
from forecast.policy.events import frame


#: month number 0: records and chains count months from here (`core.calendar` indices)
EPOCH = np.datetime64("1970-01", "M")


def month_number(dates) -> np.ndarray:
    """Months since EPOCH of each date (a month index shared by records and chains)."""
    return np.asarray(pd.to_datetime(dates).to_numpy().astype("datetime64[M]").astype(np.int64))


@dataclass(frozen=True)
class Real:
    """Real craftsmen and pairings known at DATE, with the notes of what was assumed."""

    as_of_month: int
    end_month: int                   # the horizon's last month
    craftsmen: pd.DataFrame          # recipient, first_year (first assessment year), contributor
    assessment_month: int | None
    annuity_event: str | None
    pairings: pd.DataFrame           # master, apprentice, paired_on, level, since, contributor
    milestone_event: str | None
    milestone_window: int
    milestone_records: pd.DataFrame  # the records' milestone events (paid or not), for once-only
    notes: tuple

    @classmethod
    def from_records(cls, records: pd.DataFrame, scenario, values, as_of) -> "Real":
        pol, notes = scenario.policy, []
        as_of_month = int(month_number([as_of])[0])
        end_month = int(month_number([scenario.end])[0])
        kinds = records["event"]
        cr = values.pathways.get("craftsmen")
        craftsmen = pd.DataFrame(columns=["recipient", "first_year", "contributor"])
        annuity_event = assessment_month = None
        if cr is not None and cr.annuity_rule:
            annuity_event = pol.rule(cr.annuity_rule).event
            assessment_month = int(cr.assessment_month)
            sel = records[kinds == pol.rule(cr.selection_rule).event]
            old = records[kinds == annuity_event]
            rows = pd.concat([
                pd.DataFrame({"recipient": sel["recipient"], "first_year": sel["date"].dt.year + 1,
                              "date": sel["date"], "contributor": sel["contributor"]}),
                pd.DataFrame({"recipient": old["recipient"], "first_year": old["date"].dt.year,
                              "date": old["date"], "contributor": old["contributor"]})])
            rows = rows.sort_values("date", kind="stable")
            craftsmen = (rows.groupby("recipient", sort=True)
                         .agg(first_year=("first_year", "min"), contributor=("contributor", "last")).reset_index())
        ap = values.pathways.get("apprenticeship")
        pairings = pd.DataFrame(columns=["master", "apprentice", "paired_on", "level", "since", "contributor"])
        milestone_event, window = None, 0
        milestone_records = records.iloc[:0]
        if ap is not None and ap.milestone_rule:
            rule = pol.rule(ap.milestone_rule)
            milestone_event, window = rule.event, rule.longest_window()
            milestone_records = records[kinds == milestone_event]
            p = records[kinds == pol.rule(ap.rule).event]
            certs = records[records["person"].isin(p["person"]) & kinds.isin(["certificate", milestone_event])
                            & (records["level"] >= 0)]
            last_cert = certs.sort_values("date", kind="stable").groupby("person").agg(
                cert_level=("level", "max"), cert_date=("date", "last"))
            pairings = pd.DataFrame({"master": p["recipient"].to_numpy(), "apprentice": p["person"].to_numpy(),
                                     "paired_on": p["date"].to_numpy(), "level": p["level"].to_numpy(np.int64),
                                     "contributor": p["contributor"].to_numpy(bool)})
            missing = pairings["level"] < 0
            if missing.any():
                lowest = int(min(ap.apprentice_levels))
                pairings.loc[missing, "level"] = lowest
                notes.append(f"{int(missing.sum())} pairing record(s) give no apprentice level: taken at the "
                             f"lowest level an apprentice may have ({ladder.name(lowest)}, "
                             f"pathways.apprenticeship.apprentice_levels), an assumption")
            joined = pairings.join(last_cert, on="apprentice")
            later = joined["cert_date"].notna() & (joined["cert_date"] > joined["paired_on"])
            pairings["level"] = np.where(later, np.maximum(pairings["level"], joined["cert_level"].fillna(-1)),
                                         pairings["level"]).astype(np.int64)
            # the month of the last certificate when a record after the pairing shows it, else
            # unknown (-1): drawn from the time-in-grade assumption (`model.commitments`)
            pairings["since"] = np.where(later, month_number(joined["cert_date"].where(later, joined["paired_on"])),
                                         -1).astype(np.int64)
        return cls(as_of_month, end_month, craftsmen, assessment_month, annuity_event, pairings, milestone_event,
                   window, milestone_records, tuple(notes))

    def committed_events(self, values, rng_annuity: np.random.Generator,
                         rng_milestones: np.random.Generator) -> pd.DataFrame:
        """One replication's future events of the real craftsmen and apprentices (after DATE)."""
        parts = []
        if self.annuity_event and len(self.craftsmen):
            parts.append(self._assessments(values, rng_annuity))
        if self.milestone_event and len(self.pairings):
            parts.append(self._certifications(values, rng_milestones))
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else frame({}, 0)

    @staticmethod
    def max_months_in_grade(values) -> int:
        """The longest time in grade the engine gives its start population (months)."""
        return int(round(values.population.max_years_in_grade * 12))

    def assessment_months(self) -> np.ndarray:
        """craftsmen × years: month number of each assessment after DATE within the horizon (NaN: none)."""
        first_year = self.as_of_month // 12 + 1970
        years = np.arange(first_year, self.end_month // 12 + 1970 + 1)
        months = (years - 1970) * 12 + self.assessment_month - 1
        ok = (months > self.as_of_month) & (months <= self.end_month)
        due = ok[None, :] & (years[None, :] >= self.craftsmen["first_year"].to_numpy()[:, None])
        return np.where(due, months[None, :], np.nan).astype(float)

    def _assessments(self, values, rng) -> pd.DataFrame:
        cr = values.pathways["craftsmen"]
        months = self.assessment_months()
        present, passed = draw_assessments(months - self.as_of_month, float(cr.pass_rate), float(cr.leave_rate), rng)
        i, j = np.nonzero(present)
        c = self.craftsmen.iloc[i]
        return frame({"date": month_dates(EPOCH, months[i, j].astype(np.int64), last_day=True), "event": self.annuity_event,
                      "recipient_kind": "craftsman", "recipient": c["recipient"].to_numpy(),
                      "person": c["recipient"].to_numpy(), "passed": passed[i, j],
                      "contributor": c["contributor"].to_numpy(bool)}, len(i))

    def _certifications(self, values, rng) -> pd.DataFrame:
        p = self.pairings
        paired = month_number(p["paired_on"])
        last = np.minimum(paired + self.milestone_window, self.end_month)
        chain = Chain.from_values(values)
        since = p["since"].to_numpy()
        unknown = since < 0
        since = np.where(unknown, paired - rng.integers(0, self.max_months_in_grade(values) + 1, len(p)), since)
        idx, month, level = draw_certifications(chain, p["level"].to_numpy(), since, paired,
                                                self.as_of_month + 1, last, rng)
        q = p.iloc[idx]
        return frame({"date": month_dates(EPOCH, month), "event": self.milestone_event, "recipient_kind": "master",
                      "recipient": q["master"].to_numpy(), "person": q["apprentice"].to_numpy(),
                      "level": level.astype(np.int8), "paired_on": q["paired_on"].to_numpy().astype("datetime64[s]"),
                      "contributor": q["contributor"].to_numpy(bool)}, len(idx))


def expected_milestones(real: Real, chain: Chain, policy, max_months_in_grade: int,
                        uplift_rate: float | None = None) -> pd.DataFrame:
    """Expected milestone payments of each real pairing after DATE (the exact chain,
    `model.commitments.milestone_chances`): one row per pairing and milestone level with the
    expected yuan. A milestone already in the records (paid or refused) is not expected again;
    a certificate of month t (dated its first day) pays if it falls within the window from the
    pairing date, at the amounts in force on that day, with the uplift for a contributing master."""
    if real.milestone_event is None or not len(real.pairings):
        return pd.DataFrame(columns=["master", "apprentice", "level", "expected"])
    rule = next(r for r in policy.rules if r.event == real.milestone_event)
    uplift = policy.uplift_rate if uplift_rate is None else uplift_rate
    done = set(zip(real.milestone_records["person"], real.milestone_records["level"]))
    rows = []
    for p in real.pairings.itertuples(index=False):
        paired = int(month_number([p.paired_on])[0])
        last = min(paired + real.milestone_window, real.end_month)
        first = real.as_of_month + 1
        if last < first:
            continue
        since = paired - np.arange(max_months_in_grade + 1) if p.since < 0 else int(p.since)
        chances = milestone_chances(chain, int(p.level), since, paired, first, last)
        dates = month_dates(EPOCH, np.arange(first, last + 1))
        factor = 1.0 + (uplift if (p.contributor and rule.uplift) else 0.0)
        for lv, within, _ in rule.milestones:
            if (p.apprentice, lv) in done:
                continue
            end = np.datetime64(add_months(np.array([np.datetime64(p.paired_on, "D")]), within)[0], "D")
            amounts = np.array([dict((m, a) for m, _, a in rule.on(d.astype(object)).milestones).get(lv, 0.0)
                                for d in dates])
            inside = dates <= end
            rows.append({"master": p.master, "apprentice": p.apprentice, "level": int(lv),
                         "expected": float(np.sum(chances[:, lv] * inside * amounts) * factor)})
    return pd.DataFrame(rows)
