"""Serial, processes and a Dask LocalCluster give identical Monte Carlo results."""
from __future__ import annotations

import json

import distributed
import pytest

from forecast import cli
from forecast.futures import backends
from conftest import files


def _square(task, r):
    return task * r * r


def test_backends_yield_every_replication():
    for backend in ("serial", "processes"):
        assert sorted(backends.run(_square, 2, [0, 1, 2, 3], backend=backend, workers=2)) == [0, 2, 8, 18]
    with pytest.raises(ValueError):
        list(backends.run(_square, 2, [1], backend="threads"))


def test_same_summaries_serial_processes_dask(mini, tmp_path, capsys):
    outs = {}
    for backend in ("serial", "processes", "dask"):
        out = tmp_path / backend
        args = ["run", str(mini), "--reps", "4", "--seed", "11", "--backend", backend, "--out", str(out)]
        if backend != "serial":
            args += ["--workers", "2"]
        assert cli.main(args) == 0, backend
        outs[backend] = files(out)
    capsys.readouterr()
    serial = outs["serial"]
    for backend in ("processes", "dask"):
        assert json.loads(outs[backend]["summary.json"]) == json.loads(serial["summary.json"])
        differ = [name for name in serial if serial[name] != outs[backend][name]]
        assert differ == ["provenance.json"], (backend, differ)
        assert json.loads(outs[backend]["provenance.json"])["backend"] == backend


def test_dask_scheduler_address(mini, tmp_path, capsys):
    """--scheduler ADDRESS submits to a running cluster (here an in-process one, to stay fast)."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        remote = tmp_path / "remote"
        assert cli.main(["run", str(mini), "--reps", "2", "--seed", "5", "--scheduler", cluster.scheduler_address,
                         "--out", str(remote)]) == 0
    local = tmp_path / "serial"
    assert cli.main(["run", str(mini), "--reps", "2", "--seed", "5", "--backend", "serial", "--out", str(local)]) == 0
    capsys.readouterr()
    assert (remote / "summary.json").read_bytes() == (local / "summary.json").read_bytes()
    prov = json.loads((remote / "provenance.json").read_text(encoding="utf-8"))
    assert prov["backend"] == "dask" and prov["scheduler"] == cluster.scheduler_address
