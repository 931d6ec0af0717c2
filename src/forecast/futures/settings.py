"""The two settings every run of many futures takes: how its futures draw (`Draws`) and where
and how its work items are computed (`Compute`).

    forecast.run_monte_carlo(scenario, reps=100, out="results/x", draws=forecast.Draws(seed=3),
                             compute=forecast.Compute(backend="serial"))

`Draws` decides the numbers: the same draws give the same results, byte for byte, whatever the
`Compute` (a replication depends only on the scenario, the seed and its number), so a
checkpoint records the draws and a resumed run must match them, while the backend may change.
The command line builds both from its options (`cli/options.py`: `draws_of`, `compute_of`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from forecast.core.errors import InputError
from forecast.futures.backends import BACKENDS, default_workers
from forecast.scenario import qmc

#: the command-line option of each setting a run may not use (`Draws.refuse`)
_OPTIONS = {"uncertain": "--central", "fixed": "--fix", "sampling": "--sampling"}


@dataclass(frozen=True)
class Draws:
    """How the futures of a run draw their parameters.

    - `seed`: replication r's streams are SeedSequence(seed).spawn(N)[r] (`simulate`);
    - `uncertain`: False pins every parameter at its central value (`--central`);
    - `fixed`: parameter paths pinned at their central values, the others drawn (`--fix`;
      `Scenario.fixed_parameters` turns keys and sections into paths);
    - `sampling`: the parameters' uniforms, "random" (plain Monte Carlo) or "rqmc"
      (randomised quasi-Monte Carlo, `scenario/qmc.py`).
    """

    seed: int = 0
    uncertain: bool = True
    fixed: frozenset = frozenset()
    sampling: str = "random"

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", frozenset(self.fixed))
        qmc.check_method(self.sampling)

    def to_json(self) -> dict:
        """The draws as a checkpoint's meta records them (a resumed run must match them)."""
        return {"seed": self.seed, "uncertain": self.uncertain, "fixed": sorted(self.fixed),
                "sampling": self.sampling}

    def refuse(self, what: str, *settings: str) -> None:
        """InputError when one of `settings` ("uncertain", "fixed", "sampling") is not its
        default: `what` does not use it, and ignoring it silently would mislead."""
        plain = Draws(self.seed)
        for name in settings:
            if getattr(self, name) != getattr(plain, name):
                raise InputError(_OPTIONS[name], "", f"{what} does not use it ({name}={getattr(self, name)!r})",
                                 f"the default, {name}={getattr(plain, name)!r}")


@dataclass(frozen=True)
class Compute:
    """Where and how a run's work items are computed (`futures/jobs.py`).

    - `backend`: "serial", "processes" (all cores) or "dask"; None: dask with a `scheduler`,
      processes otherwise;
    - `workers`: worker processes (None: one per core, or the cluster's);
    - `scheduler`: a dask.distributed scheduler's address (None: a LocalCluster);
    - `resume`: continue an interrupted run from its checkpoint instead of starting afresh;
    - `progress`: progress(done, total), called as items finish (None: nothing drawn).
    """

    backend: str | None = None
    workers: int | None = None
    scheduler: str | None = None
    resume: bool = False
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        backend = self.backend or ("dask" if self.scheduler else "processes")
        if backend not in BACKENDS:
            raise InputError("--backend", "", f"{backend!r}", " | ".join(BACKENDS))
        if self.workers is not None and self.workers < 1:
            raise InputError("--workers", "", f"{self.workers} workers", "a whole number ≥ 1")
        if self.scheduler and backend != "dask":
            raise InputError("--scheduler", "", f"a scheduler address needs --backend dask, not {backend}",
                             "--backend dask")
        object.__setattr__(self, "backend", backend)

    def with_progress(self, progress: Callable[[int, int], None] | None) -> "Compute":
        return replace(self, progress=progress)

    def counting_from(self, before: int, total: int) -> "Compute":
        """These settings for one part of a larger run: its progress(done, part) reported as
        progress(before + done, total) of the whole."""
        if self.progress is None:
            return self
        outer = self.progress
        return replace(self, progress=lambda done, _: outer(before + done, total))

    def cores(self) -> int | None:
        """How many workers compute (None: a remote cluster's, unknown here)."""
        if self.backend == "serial":
            return 1
        if self.workers or self.scheduler:
            return self.workers
        return default_workers()
