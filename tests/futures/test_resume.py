"""Interrupting a Monte Carlo run leaves no results folder; --resume finishes it identically."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pandas as pd

import forecast
from forecast import cli
from forecast.futures.checkpoint import checkpoint_dir
from conftest import MINI, ctrl_c_after, ctrl_c_enabled, files


def run(scenario, out, *extra, reps=5, seed=3):
    return cli.main(["run", str(scenario), "--reps", str(reps), "--seed", str(seed), "--backend", "serial",
                     "--out", str(out), *extra])


def test_interrupt_then_resume_equals_uninterrupted(mini, tmp_path, monkeypatch, capsys):
    out = tmp_path / "mc"
    with monkeypatch.context() as patch:
        ctrl_c_after(patch, 2)
        assert run(mini, out, "--keep-ledgers") == 130
    err = capsys.readouterr().err
    assert "interrupted: 2 of 5" in err and "--resume" in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mc")], "half-written folder left"
    cp = checkpoint_dir(out)
    assert sorted(p.name for p in cp.glob("rep-*.json")) == ["rep-000000.json", "rep-000001.json"]
    assert run(mini, out, "--keep-ledgers", "--resume") == 0
    assert "resuming: 2 of 5" in capsys.readouterr().err
    assert not cp.exists()
    ref = tmp_path / "ref"
    assert run(mini, ref, "--keep-ledgers") == 0
    capsys.readouterr()
    a, b = files(out), files(ref)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == ["provenance.json"]
    assert json.loads(a["provenance.json"])["resumed_replications"] == 2
    # the kept ledgers are the replications' own
    assert sorted(p.name for p in (out / "ledgers").iterdir()) == [f"rep-{r:06d}.parquet" for r in range(5)]
    led = pd.read_parquet(out / "ledgers" / "rep-000003.parquet")
    own = forecast.simulate(forecast.load_scenario(mini), seed=3, replication=3).ledger
    assert (led["rep"] == 3).all() and led["amount"].sum() == own["amount"].sum() and len(led) == len(own)


def test_resume_checks_the_run(mini, overlay, tmp_path, monkeypatch, capsys):
    out = tmp_path / "mc"
    with monkeypatch.context() as patch:
        ctrl_c_after(patch, 1)
        assert run(mini, out) == 130
    capsys.readouterr()
    assert run(mini, out, "--resume", seed=4) == 2
    assert "seed" in capsys.readouterr().err
    assert run(mini, out, "--resume", reps=6) == 2
    assert "--reps" in capsys.readouterr().err
    other = overlay(MINI + "\n[pathways.craftsmen.pass_rate]\nvalue = 0.9\nrange = [0.85, 1.0]\n"
                    "assumption = \"test\"\n", "other.toml")
    assert run(other, out, "--resume") == 2
    assert "scenario" in capsys.readouterr().err
    assert not out.exists() and checkpoint_dir(out).exists()  # nothing written, nothing lost
    assert run(mini, tmp_path / "never", "--resume") == 2
    assert "no checkpoint" in capsys.readouterr().err


def test_ctrl_c_in_a_subprocess(mini, tmp_path, capsys):
    out = tmp_path / "mc"
    cmd = [sys.executable, "-m", "forecast.cli", "run", str(mini), "--reps", "10", "--seed", "3",
           "--backend", "serial", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_enabled)
    cp = checkpoint_dir(out)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(cp.glob("rep-*.json"))) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not out.exists()
    done = len(list(cp.glob("rep-*.json")))
    assert 2 <= done < 10
    assert not list(cp.glob(".*tmp*")), "half-written checkpoint file"
    # resuming finishes the run (that a resumed run equals an uninterrupted one is tested above)
    assert run(mini, out, "--resume", "--quiet", reps=10) == 0
    capsys.readouterr()
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["resumed_replications"] == done and prov["reps"] == 10
    assert not cp.exists()
