"""The documentation is true to the code: the README is short and starts with its two commands,
the site builds with `mkdocs build --strict` (its reference pages are generated from the code by
docs/gen/reference.py), and every `sh` command of the getting-started page runs.

The getting-started commands run in a scratch folder on the tiny district (`MINI`, ~3,000
workers) put in place of `scenarios/huishan`, without the installation at the start of the first
line (the tests run in the environment that installation makes); the page says so."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HUISHAN, MINI, ROOT, write_overlay

README = ROOT / "README.md"
GETTING_STARTED = ROOT / "docs" / "getting-started.md"
#: the README's two commands, exactly (issue 22): install and run, install and test
RUN_COMMAND = ("python3 -m venv .venv && .venv/bin/pip install -e . && "
               ".venv/bin/forecast run scenarios/huishan")
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest"
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e . && "
README_LIMIT = 12_000
#: a scenario named on the page by its place folder (replaced by the tiny district when run)
PLACE = re.compile(r"(?<![\w/.])scenarios/huishan(?![\w/.-])")


def sh_blocks(page: Path) -> list[str]:
    """The fenced ```sh blocks of a markdown page, in order."""
    return re.findall(r"^```sh\n(.*?)^```", page.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_readme_is_short_and_opens_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert len(text) <= README_LIMIT, f"README.md has {len(text):,} characters (at most {README_LIMIT:,})"
    first = re.search(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)
    assert first is not None, "README.md has no ```sh block"
    assert first.group(1).splitlines() == [RUN_COMMAND, TEST_COMMAND]
    assert text.index("```sh") < text.index("\n## "), "the two commands come before the first section"


def test_getting_started_opens_with_the_readme_command_and_names_existing_paths():
    """The page's first command is the README's; every scenario and example it names exists
    (the place folder scenarios/huishan/ as the lead lays it out)."""
    blocks = sh_blocks(GETTING_STARTED)
    assert blocks and blocks[0].splitlines()[0] == RUN_COMMAND
    missing = sorted({p for block in blocks for p in re.findall(r"(?:scenarios|examples)/[\w./-]+", block)
                      if not (ROOT / p).exists()})
    assert not missing, f"docs/getting-started.md names paths that do not exist: {missing}"


def command_lines() -> list[tuple[str, str]]:
    """(page, command) for every `forecast …` example line in the README's and the docs' fenced
    sh/text blocks (continuation lines joined, comments dropped; synopses with […] left out)."""
    out = []
    for page in [README, *sorted((ROOT / "docs").rglob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"^```(?:sh|text)\n(.*?)^```", text, flags=re.S | re.M):
            for line in block.replace("\\\n", " ").splitlines():
                line = re.sub(r"\s+#\s.*$", "", line).strip()
                line = line.split("&& ")[-1].removeprefix(".venv/bin/")
                if line.startswith("forecast ") and not re.search(r"\[|…|\bSCENARIO\b|\bRESULTS_DIR\b", line):
                    out.append((str(page.relative_to(ROOT)), line))
    return out


def test_every_example_command_parses():
    """Each example command's options exist (the real parser reads it; nothing is run)."""
    import contextlib
    import io
    import shlex

    from forecast.cli import build_parser

    lines = command_lines()
    assert len(lines) > 20, lines
    wrong = []
    for page, line in lines:
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err):
                build_parser().parse_args(shlex.split(line)[1:])
        except SystemExit:
            wrong.append(f"{page}: {line}: {err.getvalue().strip().splitlines()[-1]}")
    assert not wrong, "\n".join(wrong)


def _docs_tools_missing() -> str | None:
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python"):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except ModuleNotFoundError:
            return module
    return None


@pytest.mark.skipif(_docs_tools_missing() is not None,
                    reason="the documentation tools are not installed (pip install -e '.[docs]')")
def test_site_builds_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("reference/month", "reference/results-folder", "reference/scenario-keys", "api", "architecture"):
        assert (tmp_path / "site" / page / "index.html").is_file(), page


def _environment(work: Path) -> None:
    """.venv/bin in the scratch folder: `activate` and `forecast` of the environment the tests run
    in (what the page's installation makes)."""
    bin_dir = work / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "forecast").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m forecast "$@"\n', encoding="utf-8")
    (bin_dir / "forecast").chmod(0o755)
    (bin_dir / "activate").write_text(f'export PATH="{bin_dir}:$PATH"\n', encoding="utf-8")


@pytest.mark.slow
def test_getting_started_commands_run(tmp_path):
    from forecast.results.folder import CONTENTS

    blocks = sh_blocks(GETTING_STARTED)
    assert blocks[0].startswith(INSTALL), "the first command installs, as the README's does"
    script = "\n".join([blocks[0][len(INSTALL):], *blocks[1:]])
    tiny = write_overlay(tmp_path, HUISHAN, MINI, "tiny_district.toml")
    script = PLACE.sub(str(tiny), script)
    work = tmp_path / "work"
    work.mkdir()
    for name in ("scenarios", "examples"):
        (work / name).symlink_to(ROOT / name)
    _environment(work)
    done = subprocess.run(["bash", "-euxo", "pipefail", "-c", script], cwd=work, capture_output=True, text=True,
                          timeout=900, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"

    # the results folder holds what its reference page (generated from CONTENTS) says, and no more
    folder = work / "results" / "huishan"
    listed = {name for name, _, _ in CONTENTS}
    always = {name for name, when, _ in CONTENTS if when == "always"}
    present = {str(p.relative_to(folder)) for p in folder.iterdir() if p.name != "report"}
    assert always <= present, f"missing from the folder: {sorted(always - present)}"
    assert present <= listed, f"files not in results.folder.CONTENTS: {sorted(present - listed)}"
