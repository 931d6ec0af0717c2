"""A Monte Carlo run's checkpoint: one small file per finished replication, beside the results.

`<out>.checkpoint/` holds `meta.json` (scenario fingerprint, seed, replications, …) and
`rep-000017.json` for each finished replication (its compact record), with its ledger in
`ledgers/rep-000017.parquet` when ledgers are kept. Every file is written atomically, the
ledger before the record, so a record present means the replication is complete. An
interrupted run leaves the checkpoint (and no results folder); `--resume` reads it back,
checks that it belongs to the same run and computes only the replications missing. The
checkpoint is removed once the results folder is in place.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd

from forecast.core.atomic import atomic_file
from forecast.core.errors import InputError

FORMAT = 3   # 2: records carry the monthly queue lengths; 3: and what is owed after the horizon
#: meta keys a resumed run must match, with how to say each in a message.
CHECKED = {"scenario_sha256": "scenario", "seed": "--seed", "reps": "--reps",
           "uncertain": "--central (uncertain parameters)", "fixed": "--fix (pinned parameters)", "keep_ledgers": "--keep-ledgers"}
_REC = re.compile(r"^rep-(\d+)\.json$")


def checkpoint_dir(out: str | Path) -> Path:
    """The checkpoint folder of a results folder: `<out>.checkpoint` beside it."""
    out = Path(out)
    return out.with_name(out.name + ".checkpoint")


class Checkpoint:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @property
    def ledgers(self) -> Path:
        return self.folder / "ledgers"

    def exists(self) -> bool:
        return (self.folder / "meta.json").is_file()

    def finished(self) -> int:
        """How many replications are saved (0 when there is no checkpoint)."""
        if not self.folder.is_dir():
            return 0
        return sum(1 for p in self.folder.iterdir() if _REC.match(p.name))

    # --- starting and resuming -------------------------------------------------------------
    def start(self, meta: dict) -> dict:
        """A fresh checkpoint (any earlier one is discarded); no replication saved yet."""
        self.remove()
        self.folder.mkdir(parents=True)
        with atomic_file(self.folder / "meta.json") as tmp:
            tmp.write_text(json.dumps({"format": FORMAT, **meta}, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        return {}

    def resume(self, meta: dict) -> dict[int, dict]:
        """The saved records of this run, after checking the checkpoint is this run's;
        InputError (exit 2) naming what differs otherwise."""
        path = self.folder / "meta.json"
        if not path.is_file():
            raise InputError(str(self.folder), "", "no checkpoint to resume from",
                             "a checkpoint left by an interrupted `forecast run --reps N` with the same --out; "
                             "run without --resume to start afresh")
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(str(path), "", f"unreadable checkpoint: {exc}", "run without --resume to start afresh") from None
        if saved.get("format") != FORMAT:
            raise InputError(str(path), "format", f"checkpoint format {saved.get('format')!r}, this version writes {FORMAT}",
                             "run without --resume to start afresh")
        for key, what in CHECKED.items():
            if saved.get(key) != meta.get(key):
                raise InputError(str(path), key,
                                 f"the checkpoint was made with a different {what}: {saved.get(key)!r}, "
                                 f"this run has {meta.get(key)!r}",
                                 "the scenario, --seed, --reps, --central and --keep-ledgers of the interrupted run; "
                                 "or run without --resume to start afresh")
        records = {}
        for p in sorted(self.folder.iterdir()):
            m = _REC.match(p.name)
            if not m:
                continue
            rep = int(m.group(1))
            if rep >= meta["reps"] or (meta.get("keep_ledgers") and not self.ledger_path(rep).is_file()):
                continue
            records[rep] = json.loads(p.read_text(encoding="utf-8"))
        return records

    # --- saving ----------------------------------------------------------------------------
    def record_path(self, rep: int) -> Path:
        return self.folder / f"rep-{rep:06d}.json"

    def ledger_path(self, rep: int) -> Path:
        return self.ledgers / f"rep-{rep:06d}.parquet"

    def save(self, rep: int, record: dict, ledger: pd.DataFrame | None = None) -> None:
        """Save one finished replication: its ledger first, then its record (atomic files)."""
        if ledger is not None:
            self.ledgers.mkdir(exist_ok=True)
            with atomic_file(self.ledger_path(rep)) as tmp:
                ledger.to_parquet(tmp, index=False)
        with atomic_file(self.record_path(rep)) as tmp:
            tmp.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")

    def remove(self) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder)
