"""A run's checkpoint: one small file per finished work item, beside the folder it will write.

`<out>.checkpoint/` holds `meta.json` (what identifies the run: the scenario's fingerprint, the
draws, the replications, …) and `rep-000017.json` for each finished item (its outcome as
JSON, `futures/jobs.py`), with a ledger in `ledgers/rep-000017.parquet` when the run keeps
them. Every file is written atomically, the ledger before the entry, so an entry present means
the item is complete. An interrupted run leaves the checkpoint (and no output folder);
`--resume` reads it back, checks that it belongs to the same run and computes only the items
missing. The checkpoint is removed once the output folder is in place.

An entry file is two lines: a header `{"sha256": …, "ledger_sha256": …}` with the SHA-256 of
the second line (the outcome's JSON) and of the ledger file (null without one), then the
outcome. A disk that truncates or garbles an entry (a crash of the machine, a bad sector, a
hand edit) is therefore caught on `--resume`: the entry is dropped, named in `damaged`, and
its item recomputed — the same seed gives the same outcome, so the results do not change.
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

FORMAT = 5   # 2: records carry the monthly queue lengths; 3: and what is owed after the horizon;
             # 4: each record file starts with a checksum line; 5: one format for every kind of run
#: meta keys a resumed run must match, in the order they are checked, with how to say each in a
#: message (a key absent from both the checkpoint and the run matches)
CHECKED = {"kind": "kind of run", "scenario_sha256": "scenario", "names": "parameters analysed (--params)",
           "design_sha256": "design (method, parameters and sample size)", "seed": "--seed", "reps": "--reps",
           "uncertain": "--central (uncertain parameters)", "fixed": "--fix (pinned parameters)",
           "sampling": "--sampling", "keep_ledgers": "--keep-ledgers", "first_rep": "first replication",
           "reprice": "repricing", "as_of": "--as-of", "records_sha256": "records (--actuals)",
           "update": "--no-update"}
_ENTRY = re.compile(r"^rep-(\d+)\.json$")


def checkpoint_dir(out: str | Path) -> Path:
    """The checkpoint folder of an output folder: `<out>.checkpoint` beside it."""
    out = Path(out)
    return out.with_name(out.name + ".checkpoint")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Checkpoint:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        #: item → why its entry was dropped by the last `resume` (checksum, truncation)
        self.damaged: dict[int, str] = {}

    @property
    def ledgers(self) -> Path:
        return self.folder / "ledgers"

    def exists(self) -> bool:
        return (self.folder / "meta.json").is_file()

    def finished(self) -> int:
        """How many items are saved (0 when there is no checkpoint)."""
        if not self.folder.is_dir():
            return 0
        return sum(1 for p in self.folder.iterdir() if _ENTRY.match(p.name))

    # --- starting and resuming -------------------------------------------------------------
    def start(self, meta: dict) -> dict:
        """A fresh checkpoint (any earlier one is discarded); no item saved yet."""
        self.remove()
        make_dirs(self.folder)
        with atomic_file(self.folder / "meta.json") as tmp:
            tmp.write_text(json.dumps({"format": FORMAT, **meta}, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        return {}

    def resume(self, meta: dict, items) -> dict[int, dict]:
        """The saved outcomes of `items` (JSON), after checking the checkpoint is this run's;
        InputError (exit 2) naming what differs otherwise. Damaged entries are dropped and
        named in `damaged`."""
        path = self.folder / "meta.json"
        if not path.is_file():
            raise InputError(str(self.folder), "", "no checkpoint to resume from",
                             "a checkpoint left by an interrupted run with the same --out; "
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
                                 "the same command as the interrupted run; or run without --resume to start afresh")
        outcomes, self.damaged = {}, {}
        for item in items:
            entry = self.entry_path(item)
            if not entry.is_file():
                continue
            outcome, problem = self._read(item, entry)
            if problem:
                self.damaged[item] = problem
                entry.unlink(missing_ok=True)      # recomputed and saved afresh
            else:
                outcomes[item] = outcome
        return outcomes

    def _read(self, item: int, path: Path) -> tuple[dict | None, str]:
        """A saved outcome after checking its checksums, or (None, what is wrong with it)."""
        head, sep, body = path.read_bytes().partition(b"\n")
        try:
            sums = json.loads(head)
            if not sep or not isinstance(sums, dict) or sums.get("sha256") != _sha256(body):
                return None, "checksum mismatch (truncated or corrupted)"
            if sums.get("ledger_sha256") is not None:
                ledger = self.ledger_path(item)
                if not ledger.is_file():
                    return None, "its ledger is missing"
                if sums["ledger_sha256"] != file_sha256(ledger):
                    return None, "its ledger's checksum does not match (truncated or corrupted)"
            return json.loads(body), ""
        except (ValueError, UnicodeDecodeError):   # JSONDecodeError is a ValueError
            return None, "unreadable (truncated or corrupted)"

    # --- saving ----------------------------------------------------------------------------
    def entry_path(self, item: int) -> Path:
        return self.folder / f"rep-{item:06d}.json"

    def ledger_path(self, item: int) -> Path:
        return self.ledgers / f"rep-{item:06d}.parquet"

    def save(self, item: int, outcome: dict, ledger: pd.DataFrame | None = None) -> None:
        """Save one finished item: its ledger first, then its outcome with the checksums of
        both (atomic files). Ctrl-C is held back until the entry is complete (in the main
        thread), so an interrupt — even a second one during the shutdown — never leaves a
        temporary file behind; it takes effect as soon as the entry is written."""
        with interrupts_held():
            sums = {"sha256": None, "ledger_sha256": None}
            if ledger is not None:
                make_dirs(self.ledgers)
                with atomic_file(self.ledger_path(item)) as tmp:
                    ledger.to_parquet(tmp, index=False)
                    sums["ledger_sha256"] = file_sha256(tmp)
            body = json.dumps(outcome, separators=(",", ":")).encode("utf-8")
            sums["sha256"] = _sha256(body)
            with atomic_file(self.entry_path(item)) as tmp:
                tmp.write_bytes(json.dumps(sums).encode("ascii") + b"\n" + body)

    def remove(self) -> None:
        if self.folder.exists():
            with writable(self.folder):
                shutil.rmtree(self.folder)
