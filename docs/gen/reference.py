"""Reference pages generated from the code at every `mkdocs build`, so they cannot drift from it.

A mkdocs hook (mkdocs.yml `hooks:`): `on_files` adds the generated pages to the site and
`on_page_markdown` fills the `<!-- generated: NAME -->` markers of hand-written pages.

- reference/month.md: the month's steps, from `forecast.model.engine.STEPS` (name and what, in order);
- reference/results-folder.md: the results folder's files, from `forecast.results.folder.CONTENTS`,
  and the names of the files other products add to it;
- reference/scenario-keys.md: every key of a scenario, from the typed sections and the rule reader
  (`scenario_sources()` below is the one place that says where they live);
- the marker `house` (architecture.md): the packages with their docstrings and the views one
  product may import of another, from tests/test_architecture.py (the tree's own test).

A key, step or file added to the code appears here at the next build; a rule key the reader
accepts without a description below fails the build (strict), naming it.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]


# --- where the scenario's keys are declared: the one place to change when they move -------------

def scenario_sources() -> dict:
    """The typed sections of a scenario and the modules whose constants name the other keys:
    each pathway's section is declared beside its model class, in the model's one registry."""
    from forecast.model.fund import Fund
    from forecast.model.pathways import SECTIONS
    from forecast.model.values import FIXED
    from forecast.params import section
    from forecast.scenario import rule_reader, sections
    return {
        "fixed": FIXED,                          # [population], [flows], [ladder]: name → section class
        "pathways": SECTIONS["pathways"],        # [pathways.NAME]: name → section class, in the month's order
        "activity": SECTIONS["activities"],      # [activities.NAME]
        "entity": SECTIONS["entities"],          # [entities.NAME]
        "fund": Fund,                            # [fund]
        "markers": (section.P, section.L, section.S),   # parameter, level table, setting
        "top_keys": sections.TOP_KEYS,           # the scenario's top-level keys
        "meta_names": sections.NAMES,            # [meta] names printed in zh and en
        "rule_reader": rule_reader,              # read_rule and the helpers it calls: the keys of [rules.ID]
    }


# --- the month -----------------------------------------------------------------------------------

def month_page() -> str:
    from forecast.model.engine import STEPS
    lines = ["# The month's steps", "",
             "*Generated from `forecast.model.engine.STEPS` at every build.*", "",
             "The engine advances the simulated district month by month through one list of steps, in this "
             "order and no other. A step named after a pathway runs that pathway's `step(t)` when the scenario "
             "has the pathway. Every event is dated in the month of the step that makes it, and the snapshot "
             "comes last, so month m's stocks hold exactly the events dated up to the end of month m "
             "(tests/model/test_step_order.py).", "",
             "| # | step | what happens |", "|---:|---|---|"]
    for i, step in enumerate(STEPS, 1):
        lines.append(f"| {i} | **{step.name}** | {_cell(step.what)} |")
    lines += ["", "SimPy's clock ticks once per step; a process with a duration (a night-school course, a "
              "pairing) waits out its months and acts at the first step of the month it ends in. "
              "How the model works: [The model and its month](../model.md)."]
    return "\n".join(lines) + "\n"


# --- the results folder --------------------------------------------------------------------------

def results_folder_page() -> str:
    from forecast.reforecast.files import FILES as EXECUTION_FILES
    from forecast.results.folder import CONTENTS
    from forecast.sensitivity.files import FILES as SENSITIVITY_FILES
    lines = ["# The results folder", "",
             "*Generated from `forecast.results.folder.CONTENTS` at every build.*", "",
             "`forecast run SCENARIO` writes one folder (default `results/<scenario name>/`, replaced "
             "atomically): the same layout for one future and for N (one future is a Monte Carlo run of one "
             "replication: its bands collapse onto the value, its probabilities are 0 or 1). One writer and "
             "one reader hold it (`forecast.write_results`, `forecast.read_results`); a folder of any other "
             "layout is refused with a message naming the missing file. Amounts are in yuan.", "",
             "| file | when | content |", "|---|---|---|"]
    for name, when, what in CONTENTS:
        lines.append(f"| `{name}` | {_cell(when)} | {_cell(what)} |")
    lines += ["", "Same seed, same files, byte for byte, apart from `provenance.json`.", "",
              "## What other commands add to it", "",
              "- `forecast reforecast` writes the plan as this folder plus "
              + ", ".join(f"`{f}`" for f in EXECUTION_FILES) + " ([budget execution](../guides/reforecast.md));",
              "- `forecast report RESULTS` writes `report/` inside it ([budget report](../guides/report.md));",
              "- `forecast sensitivity … --out RESULTS/sensitivity` writes "
              + ", ".join(f"`{f}`" for f in SENSITIVITY_FILES) + " and `charts/` there, which the report picks up "
              "([sensitivity](../guides/sensitivity.md));",
              "- a Monte Carlo run keeps its checkpoint beside the folder (`<out>.checkpoint/`) until it finishes."]
    return "\n".join(lines) + "\n"


# --- the scenario's keys -------------------------------------------------------------------------

#: the keys of a rule table [rules.ID] and what each means (the set is checked against the reader)
RULE_KEYS = {
    "kind": "the rule's kind: how its amount is found (see below)",
    "event": "the event kind it pays for (see *Event kinds* below)",
    "article": "the article of the policy it comes from, as printed (e.g. 第八条)",
    "recipient": "who is paid: college, counsellor, craftsman, provider, employer, …",
    "text": "the rule in words (optional)",
    "source": "where the rule and its amounts come from (seed file, section)",
    "reading": "how an ambiguous text is read (optional)",
    "field": "a table rule's key: `level` (default) or `prize`",
    "amount": "a fixed rule's amount per event or unit, yuan",
    "amounts": "a table rule's amounts by level (新八级 names or codes) or by prize place",
    "tiers": "a tiers rule's `[{min, amount}, …]` by increasing `min` (amount by count reached)",
    "range": "a range rule's `[low, high]`: the amount comes from the record within it",
    "milestones": "a milestone rule's `[{level, within_months, amount}, …]`: a level reached within months of pairing",
    "min": "in `tiers`: the count from which the tier's amount applies",
    "level": "in `milestones`: the level to reach",
    "within_months": "in `milestones`: the window from the pairing",
    "requires_true": "event flags that must all be true (see *Conditions*)",
    "requires_any_true": "event flags of which one must be true",
    "once_per": "what a once-only reward is keyed by (see *Once-only keys*)",
    "programme": "pays only events of this programme (a certificate's route, a title's name, an entity)",
    "min_years": "pays only entities at least this many years old",
    "anchor": "`date` (default) or `paired_on`: the date the policy's validity is judged by",
    "after_policy": "true: events after the policy's end are paid too (an annuity such as HS-A2b)",
    "uplift": "false: no contributor uplift on this rule (default true)",
    "in_kind": "true: an in-kind reward, valued but not a fund outlay (HS-A7)",
    "instalments": "shares of the amount (each > 0, summing to 1): the first paid with the event, "
                   "the k-th k × `instalment_months` later",
    "instalment_months": "months between instalments (≥ 1)",
    "net_of": "ids of rules whose earlier payments to the same person count against this one "
              "(highest award only)",
    "changes": "dated amounts `[{from = DATE, <amount key> = …, source = \"…\"}, …]` "
               "([dated parameters](../dated_parameters.md))",
    "from": "in `changes`: the date from which the row's amounts are in force",
}


def rule_reader_keys(module) -> tuple[set[str], set[str]]:
    """The keys the rule reader reads: (the first string argument of each `t.…("key")` /
    `rt.…("key")` call, every string constant of its source). The reader has no table of its
    keys: a key read by a call must be described in RULE_KEYS, and a described key is shown only
    while the reader's source still names it."""
    tree = ast.parse(inspect.getsource(module))
    called, named = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            named.add(node.value)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("t", "rt")
                and node.func.attr in ("text", "number", "flag", "has", "raw", "table", "rows", "pair", "date")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            called.add(node.args[0].value)
    return called, named


def scenario_keys_page() -> str:
    from forecast.policy.events import EVENT_KINDS
    from forecast.policy.policy import ENTITY_METRICS, METRICS
    from forecast.policy.rules import AMOUNT_KEYS, CONDITIONS, KINDS, ONCE_KEYS

    src = scenario_sources()
    called, named = rule_reader_keys(src["rule_reader"])
    undocumented = sorted(called - set(RULE_KEYS))
    if undocumented:
        raise RuntimeError(f"docs/gen/reference.py: rule keys read by {src['rule_reader'].__name__} without a "
                           f"description in RULE_KEYS: {', '.join(undocumented)}")
    lines = ["# Scenario keys", "",
             "*Generated at every build from the typed sections of a scenario and the rule reader.*", "",
             "Every key a scenario may hold. **P** is a parameter: a table `{value = …, source = \"…\"}` (a "
             "figure from the policy's text), or `{value = …, range = [low, high], assumption = \"…\"}` or "
             "`{dist = \"triangular\" | \"uniform\" | \"normal\", …, assumption = \"…\"}` (an assumption, drawn "
             "once per future). **L** is a table by skill level with one `source` or `assumption` for the whole "
             "table. **S** is a plain setting. An unknown key is an error naming the file and the key. "
             "What the forms mean: [Scenario files](../scenarios.md).", "",
             "## Top level", "",
             "A scenario's top-level keys: " + ", ".join(f"`{k}`" for k in src["top_keys"]) + ". `[meta]` holds "
             "`name`, `title`, `source` and the names outputs print, each `{zh = \"…\", en = \"…\"}`: "
             + ", ".join(f"`{k}`" for k in src["meta_names"]) + ".", ""]
    lines += _section_table("[population], [flows], [ladder]", None, src["fixed"], src["markers"])
    lines += _section_table("[pathways.NAME]", "The pathways the engine knows, in the order they are read.",
                            src["pathways"], src["markers"])
    lines += _section_table("[activities.NAME]", None, {"activities.NAME": src["activity"]}, src["markers"])
    lines += _section_table("[entities.NAME]", None, {"entities.NAME": src["entity"]}, src["markers"])
    lines += _section_table("[fund]", None, {"fund": src["fund"]}, src["markers"])
    lines += ["## [rules.ID]", "",
              "One table per reward rule. Kinds and their amount key: "
              + ", ".join(f"`{k}` → `{AMOUNT_KEYS[k]}`" for k in KINDS) + ".", "",
              "| key | meaning |", "|---|---|"]
    for key in (k for k in RULE_KEYS if k in named):
        lines.append(f"| `{key}` | {_cell(RULE_KEYS[key])} |")
    lines += ["", "**Conditions** (`requires_true`, `requires_any_true`): " + ", ".join(f"`{c}`" for c in CONDITIONS)
              + ". **Once-only keys** (`once_per`): " + ", ".join(f"`{c}`" for c in ONCE_KEYS) + ".", "",
              "**Event kinds** (`event`) and the record columns each must fill beyond date, event and recipient "
              "([records](../records.md)):", "", "| event | columns |", "|---|---|"]
    for kind, columns in EVENT_KINDS.items():
        lines.append(f"| `{kind}` | {', '.join(f'`{c}`' for c in columns) or '–'} |")
    lines += ["", "## [targets.ID]", "",
              "`text`, `source`, `metric`, `goal`, optional `set_by` (parameter paths whose assumed values set "
              "the target: it is then labelled *set by assumption*), and `entity` for "
              + ", ".join(f"`{m}`" for m in ENTITY_METRICS) + ". Metrics: "
              + ", ".join(f"`{m}`" for m in METRICS) + ".", ""]
    return "\n".join(lines) + "\n"


def _section_table(title: str, intro: str | None, classes: dict, markers: tuple) -> list[str]:
    P, L, S = markers
    out = [f"## {title}", ""] + ([intro, ""] if intro else [])
    for name, cls in classes.items():
        doc = inspect.getdoc(cls)
        own = doc and not doc.startswith(f"{cls.__name__}(")   # a dataclass without its own docstring
        out += [f"### `{name}`", ""] + ([_paragraph(doc), ""] if own else [])
        out += ["| key | form | allowed | required |", "|---|---|---|---|"]
        for key, spec in cls.schema().items():
            if isinstance(spec, P):
                marker, allowed = "P", spec.domain.text
            elif isinstance(spec, L):
                marker, allowed = "L", spec.domain.text
            elif isinstance(spec, S):
                marker, allowed = "S", spec.kind
            else:
                raise RuntimeError(f"docs/gen/reference.py: {cls.__name__}.{key} has an unknown marker {spec!r}")
            default = getattr(spec, "default", None)
            if default is not None:
                shown = default[0] if isinstance(spec, P) else default
                need = f"default {shown!r}" + (f" ({default[1]})" if isinstance(spec, P) else "")
            else:
                need = "optional" if spec.optional else "yes"
            out.append(f"| `{key}` | {marker} | {_cell(allowed)} | {_cell(need)} |")
        out.append("")
    return out


# --- the house (architecture.md) ------------------------------------------------------------------

def house_table() -> str:
    spec = importlib.util.spec_from_file_location("architecture_test", ROOT / "tests" / "test_architecture.py")
    arch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(arch)
    lines = ["| room | package | what it holds | may import |", "|---|---|---|---|"]
    below: list[str] = []
    for pkg in arch.ENGINE:
        lines.append(f"| engine, layer {arch.ENGINE.index(pkg) + 1} | `{pkg}` | {_summary(pkg)} | "
                     f"{', '.join(f'`{p}`' for p in below) or 'nothing of forecast'} |")
        below.append(pkg)
    for pkg in arch.SHARED:
        lines.append(f"| shared | `{pkg}` | {_summary(pkg)} | the engine{', `display`' if pkg != 'display' else ''} |")
    for pkg in arch.PRODUCTS:
        views = sorted(arch.VIEWS.get(pkg, ()))
        extra = "; of other products only " + ", ".join(f"`{v}`" for v in views) if views else ""
        lines.append(f"| product | `{pkg}` | {_summary(pkg)} | the engine, `display`, `cli`{extra} |")
    return "\n".join(lines)


def _summary(pkg: str) -> str:
    doc = importlib.import_module(f"forecast.{pkg}").__doc__ or ""
    first = doc.split("\n\n")[0]
    return _cell(re.sub(r"^(Engine, layer \d: |Product: )", "", first))


# --- the Python API (api.md) ---------------------------------------------------------------------

#: what a product offers Python when it has no `api` module of its own (a product's `api` module,
#: when there is one, is documented instead)
PRODUCT_ENTRY_POINTS = {
    "planner": ("forecast.planner.compare.compare", "forecast.planner.compare.named", "forecast.planner.sweep.sweep",
                "forecast.planner.optimise.optimise", "forecast.scenario.settings.parse_vary"),
    "calibration": ("forecast.calibration.abc.calibrate", "forecast.calibration.observed.read_observed"),
    "report": ("forecast.report.build.build_report",),
    "payouts": (),   # forecast.compute_payouts, read_records, write_records above
}


def api_directives() -> str:
    """mkdocstrings directives: the public names of `forecast`, then each product's api module."""
    import forecast
    from forecast.cli import PRODUCTS
    out = ["## `forecast`", ""]
    for name, module in forecast.PUBLIC.items():
        out += [f"::: {module}.{name}", "    options:", f"      heading: forecast.{name}", ""]
    for command_module in PRODUCTS:
        product = command_module.split(".")[1]
        out += [f"## {product}", "", _paragraph(importlib.import_module(f"forecast.{product}").__doc__ or ""), ""]
        if importlib.util.find_spec(f"forecast.{product}.api") is not None:
            out += [f"::: forecast.{product}.api", "    options:", "      show_root_heading: false", ""]
        else:
            names = PRODUCT_ENTRY_POINTS.get(product)
            if names is None:
                raise RuntimeError(f"docs/gen/reference.py: product {product!r} has no api module and no entry "
                                   "points in PRODUCT_ENTRY_POINTS")
            out += [line for n in names for line in (f"::: {n}", "")]
            if not names:
                out += ["Its Python entry points are `forecast.compute_payouts`, `read_records` and `write_records` "
                        "above.", ""]
    return "\n".join(out)


# --- helpers and the hook ------------------------------------------------------------------------

def _paragraph(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _paragraph(str(text)).replace("|", "\\|")


PAGES = {"reference/month.md": month_page, "reference/results-folder.md": results_folder_page,
         "reference/scenario-keys.md": scenario_keys_page}
def units_text() -> str:
    """The units a scenario's number may state, from `forecast.params.param.UNITS`."""
    from forecast.params.param import UNITS
    return ", ".join(f"`{unit}` ({zh})" for unit, zh in UNITS.items())


MARKERS = {"units": units_text, "house": house_table, "api": api_directives}


def on_files(files, config):
    for path, make in PAGES.items():
        files.append(File.generated(config, path, content=make()))
    return files


def on_page_markdown(markdown: str, page, config, files):
    def fill(match):
        name = match.group(1)
        if name not in MARKERS:
            raise RuntimeError(f"{page.file.src_uri}: unknown generated block {name!r} (known: {', '.join(MARKERS)})")
        return MARKERS[name]()
    return re.sub(r"<!-- generated: (\w+) -->", fill, markdown)
