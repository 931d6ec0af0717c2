"""Shared fixtures: the default Huishan scenario and small overlays written on the fly."""
from __future__ import annotations

from pathlib import Path

import pytest

import forecast

ROOT = Path(__file__).resolve().parents[1]
HUISHAN = ROOT / "scenarios" / "huishan.toml"


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
