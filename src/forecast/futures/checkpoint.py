"""A Monte Carlo run's checkpoint: one small file per finished replication, beside the results.

`<out>.checkpoint/` holds `meta.json` (scenario fingerprint, seed, replications, …) and
`rep-000017.json` for each finished replication (its compact record), with its ledger in
`ledgers/rep-000017.parquet` when ledgers are kept. Every file is written atomically, the
ledger before the record, so a record present means the replication is complete. An
interrupted run leaves the checkpoint (and no results folder); `--resume` reads it back,
checks that it belongs to the same run and computes only the replications missing. The
checkpoint is removed once the results folder is in place.

A record file is two lines: a header `{"sha256": …, "ledger_sha256": …}` with the SHA-256 of
the second line (the record's JSON) and of the ledger file, then the record. A disk that
truncates or garbles an entry (a crash of the machine, a bad sector, a hand edit) is therefore
caught on `--resume`: the entry is dropped, named in `damaged`, and its replication recomputed
— the same seed gives the same record, so the results do not change.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd

from forecast.core.atomic import atomic_file, interrupts_held, make_dirs, writable
from forecast.core.errors import InputError

FORMAT = 4   # 2: records carry the monthly queue lengths; 3: and what is owed after the horizon;
             # 4: each record file starts with a checksum line
#: meta keys a resumed run must match, with how to say each in a message.
CHECKED = {"scenario_sha256": "scenario", "seed": "--seed", "reps": "--reps",
           "uncertain": "--central (uncertain parameters)", "fixed": "--fix (pinned parameters)", "keep_ledgers": "--keep-ledgers",
           "sampling": "--sampling"}
_REC = re.compile(r"^rep-(\d+)\.json$")


def checkpoint_dir(out: str | Path) -> Path:
    """The checkpoint folder of a results folder: `<out>.checkpoint` beside it."""
    out = Path(out)
    return out.with_name(out.name + ".checkpoint")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Checkpoint:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        #: replication → why its entry was dropped by the last `resume` (checksum, truncation)
        self.damaged: dict[int, str] = {}

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
        make_dirs(self.folder)
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
                                 "the scenario, --seed, --reps, --central, --keep-ledgers and --sampling of the interrupted run; "
                                 "or run without --resume to start afresh")
        records, self.damaged = {}, {}
        for p in sorted(self.folder.iterdir()):
            m = _REC.match(p.name)
            if not m:
                continue
            rep = int(m.group(1))
            # a run to a precision ("until precision") keeps every replication it saved
            beyond = isinstance(meta["reps"], int) and rep >= meta["reps"]
            if beyond or (meta.get("keep_ledgers") and not self.ledger_path(rep).is_file()):
                continue
            record, problem = self._read(rep, p, bool(meta.get("keep_ledgers")))
            if problem:
                self.damaged[rep] = problem
                p.unlink(missing_ok=True)      # recomputed and saved afresh
            else:
                records[rep] = record
        return records

    def _read(self, rep: int, path: Path, ledger: bool) -> tuple[dict | None, str]:
        """A saved record after checking its checksums, or (None, what is wrong with it)."""
        head, sep, body = path.read_bytes().partition(b"\n")
        try:
            sums = json.loads(head)
            if not sep or not isinstance(sums, dict) or sums.get("sha256") != _sha256(body):
                return None, "checksum mismatch (truncated or corrupted)"
            if ledger and sums.get("ledger_sha256") != _file_sha256(self.ledger_path(rep)):
                return None, "its ledger's checksum does not match (truncated or corrupted)"
            return json.loads(body), ""
        except (ValueError, UnicodeDecodeError):   # JSONDecodeError is a ValueError
            return None, "unreadable (truncated or corrupted)"

    # --- saving ----------------------------------------------------------------------------
    def record_path(self, rep: int) -> Path:
        return self.folder / f"rep-{rep:06d}.json"

    def ledger_path(self, rep: int) -> Path:
        return self.ledgers / f"rep-{rep:06d}.parquet"

    def save(self, rep: int, record: dict, ledger: pd.DataFrame | None = None) -> None:
        """Save one finished replication: its ledger first, then its record with the checksums
        of both (atomic files). Ctrl-C is held back until the entry is complete (in the main
        thread), so an interrupt — even a second one during the shutdown — never leaves a
        temporary file behind; it takes effect as soon as the entry is written."""
        with interrupts_held():
            sums = {"sha256": None, "ledger_sha256": None}
            if ledger is not None:
                make_dirs(self.ledgers)
                with atomic_file(self.ledger_path(rep)) as tmp:
                    ledger.to_parquet(tmp, index=False)
                    sums["ledger_sha256"] = _file_sha256(tmp)
            body = json.dumps(record, separators=(",", ":")).encode("utf-8")
            sums["sha256"] = _sha256(body)
            with atomic_file(self.record_path(rep)) as tmp:
                tmp.write_bytes(json.dumps(sums).encode("ascii") + b"\n" + body)

    def remove(self) -> None:
        if self.folder.exists():
            with writable(self.folder):
                shutil.rmtree(self.folder)
