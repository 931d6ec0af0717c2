"""The tree shows the architecture: layers that import only downward, no import cycle, small
modules, no test hooks or asserts in production code (README, "Architecture")."""
from __future__ import annotations

import ast
from pathlib import Path

import forecast

SRC = Path(forecast.__file__).resolve().parent
#: the layers, lowest first; a module may import from its own layer or those before it
LAYERS = ("core", "policy", "scenario", "model", "runs", "outputs", "api", "cli")
MAX_LINES = 400


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(("forecast",) + (parts[:-1] if parts[-1] == "__init__" else parts))
        out[name] = path
    return out


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


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


def test_every_module_belongs_to_a_layer():
    stray = [m for m in modules() if m != "forecast" and layer(m) is None]
    assert not stray, stray


def test_layers_import_only_downward():
    mods = modules()
    upward = []
    for name, path in mods.items():
        if name == "forecast":
            continue
        for target in imports(path):
            if target in mods or target.rsplit(".", 1)[0] in mods:
                t = layer(target)
                if t is not None and t > layer(name):
                    upward.append(f"{name} → {target}")
    assert not upward, upward


def test_no_import_cycle():
    mods = modules()
    graph = {}
    for name, path in mods.items():
        deps = set()
        for target in imports(path):
            hit = target if target in mods else target.rsplit(".", 1)[0]
            if hit in mods and hit != name and hit != "forecast":
                deps.add(hit)
        graph[name] = deps
    # a package's __init__ re-exporting its submodules is not a cycle with them
    for name in graph:
        graph[name] = {d for d in graph[name] if not (d.startswith(name + ".") or name.startswith(d + "."))
                       or name == "forecast"}
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
    assert not cycles, cycles


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
