"""Scenario paths and small-district overlays shared by the tests (keep them fast)."""
from pathlib import Path

HUISHAN = Path(__file__).resolve().parents[1] / "scenarios" / "huishan.toml"

#: 20,000 employed instead of ~360,000: the Huishan scenario otherwise unchanged
SMALL = """
[population.employed]
value = 20000
range = [15000, 25000]
assumption = "test: a small district keeps the tests fast"
"""
