"""Plain Python copies of nested results, for the TOML and JSON files a run writes."""
from __future__ import annotations

import datetime as dt

import numpy as np


def plain(tree, dates_as_text: bool = False):
    """numpy scalars and arrays become Python numbers and lists; dates stay dates (TOML)
    or become ISO text (JSON, with `dates_as_text`)."""
    if isinstance(tree, dict):
        return {str(k): plain(v, dates_as_text) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [plain(v, dates_as_text) for v in tree]
    if isinstance(tree, np.ndarray):
        return [plain(v, dates_as_text) for v in tree.tolist()]
    if isinstance(tree, np.generic):
        return tree.item()
    if dates_as_text and isinstance(tree, (dt.date, dt.datetime)):
        return tree.isoformat()
    return tree
