"""Shared fixtures: the default Huishan scenario, overlays written on the fly, and results
folders made by running the real code on a small district (once per test session); the `slow`
marker, put on tests by path (`pytest_collection_modifyitems`).

`python -m pytest` runs every test, on every core (pyproject.toml: `-n auto --dist worksteal`);
`python -m pytest -m "not slow"` is the quick set, without the tests that take over ~20 s each on
a 2-core machine (the notebooks, worker faults, backends, …); `-n 0` runs in one process."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

import forecast
from forecast.futures.settings import Compute, Draws
from forecast.results.api import run_monte_carlo, run_single

ROOT = Path(__file__).resolve().parents[1]
HUISHAN = ROOT / "scenarios" / "huishan"

#: 20,000 employed instead of ~360,000: the Huishan scenario otherwise unchanged
SMALL = """
[population.employed]
value = 20000
range = [15000, 25000]
assumption = "test: a small district keeps the tests fast"
"""

#: a district small enough for Monte Carlo tests: ~3,000 workers, 2025–2028, pathways scaled down
MINI = """
[calendar]
end = 2028-12-31
[population.employed]
value = 3000
range = [2500, 3500]
assumption = "test: a small district keeps Monte Carlo tests fast"
[population.employers]
value = 400
range = [300, 500]
assumption = "test"
[population.contributor_units]
value = 10
range = [5, 15]
assumption = "test"
[pathways.night_school.seats_per_term]
value = 30
range = [20, 40]
assumption = "test"
[pathways.apprenticeship.pairings_per_year]
value = 20
range = [10, 30]
assumption = "test"
[pathways.colleges.staying_per_year]
value = 40
range = [30, 60]
assumption = "test"
[pathways.competition.entrants]
value = 50
range = [30, 70]
assumption = "test"
"""


#: a city of ~3,000 workers: population and employers only (each test adds its place's counts)
SMALL_CITY = """
[population.employed]
value = 3000
range = [2500, 3500]
assumption = "test: a small city keeps the test fast"
[population.employers]
value = 400
range = [300, 500]
assumption = "test"
"""


#: Huzhou as a city of ~3,000 workers, its titles and apprenticeships scaled down (tests of the
#: mechanisms Huzhou's scenario uses: titles, apprentice-years, an appropriation)
HUZHOU_SMALL = """

[population.employed]
value = 3000
range = [2500, 3500]
assumption = "test: a small district keeps the test fast"
[population.employers]
value = 400
range = [300, 500]
assumption = "test"
[pathways.titles.scheme.grand]
per_year = { value = 1, range = [1, 2], assumption = "test" }
[pathways.titles.scheme.craftsman]
per_year = { value = 3, range = [2, 4], assumption = "test" }
[pathways.titles.scheme.rural]
per_year = { value = 3, range = [2, 4], assumption = "test" }
[pathways.titles.scheme.young]
per_year = { value = 10, range = [8, 12], assumption = "test" }
[pathways.apprentice_years.enrolments_per_year]
value = 20
range = [10, 30]
assumption = "test"
"""


def place_copy(tmp_path: Path, place: str = "huishan") -> Path:
    """A copy of a place's scenario folder (with the national facts it builds on) under tmp_path, for
    tests that edit the law or the assumptions themselves rather than overlay them: the folder."""
    import shutil
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "scenarios" / "national.toml", scenarios / "national.toml")
    shutil.copytree(ROOT / "scenarios" / place, scenarios / place, dirs_exist_ok=True)
    return scenarios / place


def stand_alone(folder: Path) -> str:
    """The text of a place's two files, after checking the place builds on nothing but the national
    facts and its own law: policy.toml has no base, assumptions.toml the place's usual one."""
    import tomllib
    law, assumptions = (folder / "policy.toml").read_text(encoding="utf-8"), (folder / "assumptions.toml").read_text(
        encoding="utf-8")
    assert "base" not in tomllib.loads(law)
    assert tomllib.loads(assumptions)["base"] == ["../national.toml", "policy.toml"]
    return law + assumptions


def write_overlay(tmp_path: Path, base: Path, text: str, name: str = "overlay.toml") -> Path:
    """A scenario file `base = <base>` plus `text` (an overlay), written into tmp_path."""
    path = tmp_path / name
    path.write_text(f'base = "{Path(base).as_posix()}"\n' + text, encoding="utf-8")
    return path


def ctrl_c_enabled() -> None:
    """For a child process (Popen's preexec_fn): Ctrl-C as in a user's terminal — SIGINT neither
    ignored nor blocked, whatever the test runner's process inherited or set (a process started
    in the background of a shell ignores SIGINT, and a child inherits that and the signal mask)."""
    import signal
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ctrl_c_after(monkeypatch, n: int) -> None:
    """Ctrl-C (KeyboardInterrupt) right after the n-th work item is saved in a checkpoint."""
    from forecast.futures.checkpoint import Checkpoint
    save, saved = Checkpoint.save, []

    def saving(self, item, outcome, ledger=None):
        save(self, item, outcome, ledger)
        saved.append(item)
        if len(saved) == n:
            raise KeyboardInterrupt
    monkeypatch.setattr(Checkpoint, "save", saving)


def forecast_cli(*argv: str) -> tuple[int, str, str]:
    """`forecast ARGV…` in this process: (exit status, stdout, stderr); a usage error that
    argparse reports (missing or unknown option) is its exit status 2 and message, as in a shell."""
    from forecast import cli
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(argv))
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def rendered(table, width: int = 200) -> str:
    """A rich table as the terminal shows it, as plain text."""
    import io
    from rich.console import Console
    con = Console(record=True, width=width, file=io.StringIO())
    con.print(table)
    return con.export_text()


def files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def huishan():
    return forecast.load_scenario(HUISHAN)


@pytest.fixture
def overlay(tmp_path):
    """Write a reform/test overlay on the Huishan scenario and return its path."""
    def make(text: str, name: str = "overlay.toml") -> Path:
        path = tmp_path / name
        path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + text, encoding="utf-8")
        return path
    return make


@pytest.fixture
def mini(overlay) -> Path:
    """The tiny district as a scenario file."""
    return overlay(MINI, "mini.toml")


def _district(tmp_path_factory, name: str, text: str) -> Path:
    path = tmp_path_factory.mktemp("scenario") / f"{name}.toml"
    path.write_text(f'base = "{HUISHAN.as_posix()}"\n' + text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_path(tmp_path_factory) -> Path:
    """The small district as a scenario file."""
    return _district(tmp_path_factory, "small", SMALL)


@pytest.fixture(scope="session")
def mini_path(tmp_path_factory) -> Path:
    """The tiny district as a scenario file, shared by a session's tests (`mini` is per test)."""
    return _district(tmp_path_factory, "mini", MINI)


@pytest.fixture(scope="session")
def small(small_path):
    return forecast.load_scenario(small_path)


@pytest.fixture(scope="session")
def mc_results(small, tmp_path_factory) -> Path:
    """A Monte Carlo results folder of the small district (8 replications), as `forecast run
    --reps 8` writes it."""
    out = tmp_path_factory.mktemp("mc") / "results"
    run_monte_carlo(small, reps=8, out=out, draws=Draws(seed=7), compute=Compute(backend="serial"))
    return out


@pytest.fixture(scope="session")
def single_results(small, tmp_path_factory) -> Path:
    """A single run's results folder of the small district, as `forecast run` writes it."""
    out = tmp_path_factory.mktemp("single") / "results"
    run_single(small, out=out, draws=Draws(seed=3))
    return out


#: tests marked `slow` (node ids starting with one of these): each over ~20 s on a 2-core machine
#: (measured with --durations), or a user of a module fixture that is. Their modules run first, in
#: this order (the longest first); a module that marks its own tests slow comes after these.
SLOW = (
    "tests/notebooks/",                                      # every notebook, top to bottom
    "tests/reforecast/test_execution.py::test_synthetic_truth_falls_in_the_band",  # 20 re-forecasts
    "tests/futures/test_faults.py",                          # workers killed, full disks, Ctrl-C
    "tests/planner/test_optimise.py::test_finds_the_analytic_optimum",   # its module's search
    "tests/planner/test_optimise.py::test_folder_and_optimum_toml",      # (the same search)
    "tests/futures/test_backends.py",                        # serial, processes and dask compared
)
#: modules whose tests are handed to the pytest-xdist workers one by one (long and independent);
#: every other module goes to one worker whole, so its module fixtures are made once
ONE_BY_ONE = ("tests/notebooks/",)


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark the SLOW tests `slow` (deselect them with `-m "not slow"`: the quick set), and run the
    modules that hold slow tests first, in SLOW's order, each module's tests still together and
    in order: with pytest-xdist the long tests then start early and the others fill the workers
    around them, instead of one long test keeping a worker busy at the end."""
    rank: dict[str, int] = {}
    for item in items:
        module = _module(item.nodeid)
        for i, prefix in enumerate(SLOW):
            if item.nodeid.startswith(prefix):
                item.add_marker(pytest.mark.slow)
                rank[module] = min(rank.get(module, i), i)
        if item.get_closest_marker("slow"):  # by SLOW, or marked in its own file
            rank.setdefault(module, len(SLOW))
    items.sort(key=lambda item: rank.get(_module(item.nodeid), len(SLOW) + 1))  # stable: order kept


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: harmless without it
def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadscope` (pyproject.toml), the unit handed to a free worker is a module, or
    one test of a ONE_BY_ONE module; units go out in collection order (`--no-loadscope-reorder`),
    so the slow modules, collected first, start first. Any other --dist keeps xdist's own."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = _module(nodeid)
            return nodeid if module.startswith(ONE_BY_ONE) else module

    return ModuleScheduling(config, log)
