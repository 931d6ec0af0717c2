"""resolved_diff.py A B: every scenario.resolved.toml of A and B parsed and compared key by key;
prints the keys that differ other than meta.files (and a reform's new meta.reform_reference)."""
import sys, tomllib
from pathlib import Path
a, b = Path(sys.argv[1]), Path(sys.argv[2])
def flat(d, p=""):
    out = {}
    for k, v in d.items():
        q = f"{p}.{k}" if p else k
        if isinstance(v, dict): out.update(flat(v, q))
        else: out[q] = v
    return out
summary = {}
for fa in sorted(a.rglob("scenario.resolved.toml")):
    fb = b / fa.relative_to(a)
    x, y = flat(tomllib.loads(fa.read_text())), flat(tomllib.loads(fb.read_text()))
    keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
    keys = [k for k in keys if k not in ("meta.files",)]
    print(f"{fa.relative_to(a)}: {', '.join(keys) if keys else 'only meta.files differs'}")
