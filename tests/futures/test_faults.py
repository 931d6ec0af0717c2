"""Faults a long Monte Carlo run must survive (issue 15): a worker process killed (processes
and Dask backends), a truncated or corrupted checkpoint entry, an unwritable or full output
disk, and a second Ctrl-C during the shutdown. Where the run finishes, its folder must equal an
undisturbed run's byte for byte (provenance.json aside): a replication depends only on the
scenario, the seed and its number."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from forecast import cli
from forecast.futures import backends
from forecast.futures.checkpoint import FORMAT, Checkpoint, checkpoint_dir
from conftest import ctrl_c_after, ctrl_c_enabled, files

REPS, SEED = 8, 3
CTRL_C_REPS = 60


@pytest.fixture(scope="module")
def reference(mini_path, tmp_path_factory) -> dict[str, bytes]:
    """The files of an undisturbed run (serial: every backend writes the same folder)."""
    out = tmp_path_factory.mktemp("ref") / "mc"
    assert cli.main(["run", str(mini_path), "--reps", str(REPS), "--seed", str(SEED), "--backend", "serial",
                     "--quiet", "--out", str(out)]) == 0
    return files(out)


def same_as(reference: dict[str, bytes], out: Path) -> list[str]:
    """The files that differ from the undisturbed run's (provenance.json may and must)."""
    got = files(out)
    assert sorted(got) == sorted(reference)
    return [name for name in reference if got[name] != reference[name]]


def forecast_run(mini_path: Path, out: Path, *extra: str, reps: int = REPS) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "forecast.cli", "run", str(mini_path), "--reps", str(reps), "--seed", str(SEED),
           "--out", str(out), "--quiet", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_enabled)


def workers_of(proc: subprocess.Popen) -> list[psutil.Process]:
    """The worker processes a `forecast run` started (spawned by multiprocessing, for the pool
    or as Dask LocalCluster workers), not its resource tracker."""
    found = []
    for child in psutil.Process(proc.pid).children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def saved(out: Path) -> int:
    return len(list(checkpoint_dir(out).glob("rep-*.json")))


def kill_a_worker_mid_run(proc: subprocess.Popen, out: Path) -> int | None:
    """SIGKILL one worker once a replication is saved and more are running; its pid, or None
    when the run ended before that could happen."""
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        workers = workers_of(proc)
        if workers and 1 <= saved(out) < REPS - 2:
            os.kill(workers[0].pid, signal.SIGKILL)
            return workers[0].pid
        time.sleep(0.02)
    return None


# --- a worker lost -----------------------------------------------------------------------------
@pytest.mark.parametrize("backend, note", [("processes", " re-run ("),
                                           ("dask", "the scheduler re-ran their replications")])
def test_a_worker_killed_mid_run_is_recovered(mini_path, reference, tmp_path, backend, note):
    """processes: the pool is recreated and the lost replications re-run; dask: the scheduler
    re-runs a lost worker's tasks. Same seeds, so the same files as an undisturbed run."""
    out = tmp_path / "mc"
    proc = forecast_run(mini_path, out, "--backend", backend, "--workers", "2")
    killed = kill_a_worker_mid_run(proc, out)
    _, err = proc.communicate(timeout=120)
    assert killed is not None, "the run ended before a worker could be killed"
    assert proc.returncode == 0, err
    assert "worker lost" in err and note in err and "Traceback" not in err, err
    assert same_as(reference, out) == ["provenance.json"]
    assert not checkpoint_dir(out).exists()


def _kill_self_on_one(task, r):
    """A replication that kills its own worker process (as the OOM killer would) when r is 1."""
    if r == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return task + r


def test_a_replication_lost_too_often_is_named(monkeypatch):
    monkeypatch.setattr(backends, "RETRIES", 1)   # one re-run, then give up: two pools instead of four
    notes = []
    got = []
    with pytest.raises(backends.WorkerLost, match=r"replication 1 lost 2 times"):
        for value in backends.run(_kill_self_on_one, 10, [0, 1], backend="processes", workers=1,
                                  notice=notes.append):
            got.append(value)
    assert got == [10]
    assert notes == ["worker lost; 1 replication re-run (1)"]


def test_an_error_in_a_replication_is_not_retried():
    notes = []
    with pytest.raises(ZeroDivisionError):
        list(backends.run(_divide, 1, [0], backend="processes", workers=1, notice=notes.append))
    assert notes == []


def _divide(task, r):
    return task / r


# --- a damaged checkpoint ------------------------------------------------------------------
def serial(mini_path, out, *extra, reps=5):
    return cli.main(["run", str(mini_path), "--reps", str(reps), "--seed", str(SEED), "--backend", "serial",
                     "--out", str(out), *extra])


def test_damaged_checkpoint_entries_are_recomputed(mini_path, tmp_path, monkeypatch, capsys):
    out = tmp_path / "mc"
    with monkeypatch.context() as patch:
        ctrl_c_after(patch, 4)
        assert serial(mini_path, out, "--keep-ledgers") == 130
    cp = Checkpoint(checkpoint_dir(out))
    truncated = cp.entry_path(1).read_bytes()
    cp.entry_path(1).write_bytes(truncated[:len(truncated) // 2])
    # a changed digit keeps the JSON valid: only the checksum can tell
    text = cp.entry_path(2).read_text(encoding="utf-8")
    head, body = text.split("\n", 1)
    digit = next(i for i, ch in enumerate(body) if ch in "123456789")
    body = body[:digit] + str(int(body[digit]) % 9 + 1) + body[digit + 1:]
    cp.entry_path(2).write_text(head + "\n" + body, encoding="utf-8")
    json.loads(body)
    ledger = cp.ledger_path(3).read_bytes()
    cp.ledger_path(3).write_bytes(ledger[:-100])
    capsys.readouterr()
    assert serial(mini_path, out, "--keep-ledgers", "--resume") == 0
    err = capsys.readouterr().err
    for rep in (1, 2, 3):
        assert f"replication {rep} " in err and "damaged" in err, err
    assert "replication 0 " not in err
    assert "resuming: 1 of 5" in err
    ref = tmp_path / "ref"
    assert serial(mini_path, ref, "--keep-ledgers") == 0
    capsys.readouterr()
    a, b = files(out), files(ref)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == ["provenance.json"]
    assert json.loads(a["provenance.json"])["resumed_replications"] == 1


def test_a_checkpoint_of_the_older_format_is_refused(mini_path, tmp_path, monkeypatch, capsys):
    out = tmp_path / "mc"
    with monkeypatch.context() as patch:
        ctrl_c_after(patch, 1)
        assert serial(mini_path, out) == 130
    meta = checkpoint_dir(out) / "meta.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace(f'"format": {FORMAT}', f'"format": {FORMAT - 1}'), encoding="utf-8")
    assert serial(mini_path, out, "--resume") == 2
    assert "format" in capsys.readouterr().err


# --- an unwritable or full disk --------------------------------------------------------------
@pytest.mark.parametrize("reps", [1, 3])
def test_output_under_a_file_is_an_input_error(mini_path, tmp_path, capsys, reps):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "mc"
    assert serial(mini_path, out, reps=reps) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "cannot write" in err and str(blocker) in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def disk_full_at(monkeypatch, name: str) -> None:
    """Writing a file called `name` fails as on a full disk (ENOSPC), after the others were written."""
    for method in ("write_text", "write_bytes"):
        original = getattr(Path, method)

        def full(self, *args, _original=original, **kwargs):
            if self.name == name or self.name.startswith(f".{name}.tmp-"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
            return _original(self, *args, **kwargs)
        monkeypatch.setattr(Path, method, full)


def test_full_disk_writing_results_keeps_the_checkpoint(mini_path, tmp_path, monkeypatch, capsys):
    out = tmp_path / "mc"
    with monkeypatch.context() as patch:
        disk_full_at(patch, "summary.json")
        assert serial(mini_path, out) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and str(out) in err and "Traceback" not in err, err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mc")], "half-written folder left"
    assert Checkpoint(checkpoint_dir(out)).finished() == 5
    # space freed: --resume writes the folder without computing anything again
    assert serial(mini_path, out, "--resume") == 0
    assert "resuming: 5 of 5" in capsys.readouterr().err
    ref = tmp_path / "ref"
    assert serial(mini_path, ref) == 0
    capsys.readouterr()
    a, b = files(out), files(ref)
    assert [k for k in a if a[k] != b[k]] == ["provenance.json"]


def test_full_disk_writing_the_checkpoint(mini_path, tmp_path, monkeypatch, capsys):
    out = tmp_path / "mc"
    with monkeypatch.context() as patch:
        disk_full_at(patch, "rep-000002.json")
        assert serial(mini_path, out) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "rep-000002.json" in err, err
    cp = checkpoint_dir(out)
    assert sorted(p.name for p in cp.iterdir()) == ["meta.json", "rep-000000.json", "rep-000001.json"]
    assert not out.exists()


# --- Ctrl-C twice ----------------------------------------------------------------------------
def test_second_ctrl_c_stops_cleanly(mini_path, tmp_path, capsys):
    out = tmp_path / "mc"
    # many replications, so that the run is still computing when the signals arrive even on a
    # loaded machine (with few, a starved test process could signal a run already exiting)
    proc = forecast_run(mini_path, out, "--backend", "processes", "--workers", "2", reps=CTRL_C_REPS)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None and saved(out) < 1:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    # 130; or, when the second Ctrl-C comes after the message, while Python exits, death by
    # SIGINT (which a shell reports as 130 too)
    assert proc.returncode in (130, -signal.SIGINT), err
    assert "interrupted" in err and "Traceback" not in err, err
    assert not out.exists()
    cp = checkpoint_dir(out)
    assert not [p for p in cp.rglob("*") if ".tmp-" in p.name], "half-written checkpoint entry"
    done = saved(out)
    assert 1 <= done < CTRL_C_REPS
    # every entry left is whole: resuming recomputes none of them
    assert serial(mini_path, out, "--resume", reps=CTRL_C_REPS) == 0
    err = capsys.readouterr().err
    assert f"resuming: {done} of {CTRL_C_REPS}" in err and "damaged" not in err
