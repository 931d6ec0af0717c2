"""The tree shows the architecture (docs/architecture.md): engine layers that import only
downward, one package per product on top of them, products that import each other only through
the public views declared here, no import cycle between modules or packages, modules of one
concept (at most 800 lines), no test hooks or asserts in production code."""
from __future__ import annotations

import ast
from pathlib import Path

import forecast

SRC = Path(forecast.__file__).resolve().parent
#: the engine's layers, lowest first; a module may import from its own layer or those before it
ENGINE = ("core", "policy", "params", "model", "scenario", "futures")
#: what every product shares, above the engine: its outputs' labels, wording, fonts, console and
#: printing (display), and the command line's shared options and dispatcher (cli: it names the
#: products' command modules in `cli.PRODUCTS` and imports them by name when it runs)
SHARED = ("display", "cli")
#: one package per product; each imports the engine and `display`, and another product only as below
PRODUCTS = ("results", "report", "payouts", "reforecast", "planner", "sensitivity", "calibration")
#: product → the modules of other products it may import (their public views), and why
VIEWS = {
    # a re-forecast writes its plan as a results folder (the one layout) with its provenance
    "reforecast": {"forecast.results.folder", "forecast.results.api"},
    # a comparison writes each scenario's own results folder (runs/NAME/)
    "planner": {"forecast.results.folder"},
    # the budget report reads a results folder's budget view and headline, adds the sections that a
    # re-forecast and a sensitivity analysis leave in it, and hands a planner's folder to its report
    "report": {"forecast.results.budget", "forecast.results.terminal", "forecast.reforecast.view",
               "forecast.sensitivity.view", "forecast.planner.report"},
}
MAX_LINES = 800


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(("forecast",) + (parts[:-1] if parts[-1] == "__init__" else parts))
        out[name] = path
    return out


def package(module: str) -> str | None:
    """The top package of a module under forecast (None for `forecast` itself and its __main__)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else None


def rank(pkg: str) -> int:
    """Height in the house: the engine's layers, then what products share, then every product."""
    if pkg in ENGINE:
        return ENGINE.index(pkg)
    if pkg in SHARED:
        return len(ENGINE) + SHARED.index(pkg)
    return len(ENGINE) + len(SHARED)


def imports(path: Path) -> set[str]:
    """Every forecast module a file imports (at any depth: lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("forecast"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("forecast"))
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (use absolute forecast.… imports)")
    return found


def edges() -> dict[str, set[str]]:
    """module → the forecast modules it imports (a `from package import module` names the module)."""
    mods = modules()
    graph = {}
    for name, path in mods.items():
        deps = set()
        for target in imports(path):
            hit = target if target in mods else target.rsplit(".", 1)[0]
            if hit in mods and hit != name and hit != "forecast":
                deps.add(hit)
        graph[name] = deps
    return graph


def test_every_module_belongs_to_a_room():
    known = set(ENGINE) | set(SHARED) | set(PRODUCTS)
    stray = [m for m in modules() if package(m) is not None and package(m) not in known]
    assert not stray, stray


def test_the_tree_shows_the_products():
    for product in PRODUCTS:
        assert (SRC / product / "__init__.py").is_file(), product
        assert (SRC / product / "cli.py").is_file(), f"{product}: its command lives in {product}/cli.py"


def test_layers_import_only_downward_and_products_only_declared_views():
    wrong = []
    for name, deps in edges().items():
        src = package(name)
        if src is None:
            continue
        for dep in deps:
            dst = package(dep)
            if dst is None or dst == src:
                continue
            if rank(dst) > rank(src):
                wrong.append(f"{name} → {dep} (upward)")
            elif src in PRODUCTS and dst in PRODUCTS and dep not in VIEWS.get(src, set()):
                wrong.append(f"{name} → {dep} (another product, not a declared view)")
    assert not wrong, wrong


def test_cli_registers_every_product_and_imports_nothing_heavy_at_start():
    from forecast import cli
    assert sorted(m.split(".")[1] for m in cli.PRODUCTS) == sorted(PRODUCTS)
    for product in PRODUCTS:
        tree = ast.parse((SRC / product / "cli.py").read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        for node in top:
            names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for mod in names:
                assert mod in ("__future__", "argparse", "math", "signal", "sys", "pathlib", "forecast.cli.options",
                               "forecast.core.errors"), f"{product}/cli.py imports {mod} at start-up"


def _cycles(graph: dict[str, set[str]]) -> list:
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for dep in graph.get(node, ()):
            if state.get(dep) == "open":
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack + [dep])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_import_cycle_between_modules():
    graph = edges()
    # a package's __init__ re-exporting its submodules is not a cycle with them
    for name in graph:
        graph[name] = {d for d in graph[name] if not (d.startswith(name + ".") or name.startswith(d + "."))}
    assert not _cycles(graph), _cycles(graph)


def test_no_import_cycle_between_packages():
    rooms: dict[str, set[str]] = {}
    for name, deps in edges().items():
        src = package(name)
        if src is None:
            continue
        rooms.setdefault(src, set()).update(d for d in map(package, deps) if d is not None and d != src)
    assert not _cycles(rooms), _cycles(rooms)


def test_modules_are_small():
    big = {name: n for name, path in modules().items()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, big


def test_no_assert_and_no_test_hooks_in_production_code():
    found = []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Assert):
                found.append(f"{name}:{node.lineno}: assert")
        if "FORECAST_STOP" in text or "screenshot" in text:
            found.append(f"{name}: test hook")
    assert not found, found


def test_public_api():
    for name in ("load_scenario", "simulate", "run_monte_carlo", "compute_payouts", "read_records",
                 "write_records", "read_results", "write_results", "InputError"):
        assert callable(getattr(forecast, name)), name
    assert isinstance(forecast.__version__, str)
