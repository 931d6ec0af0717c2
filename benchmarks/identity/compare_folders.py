"""cmp.py A B [--paths OLD=NEW ...]: every file of A and B compared byte for byte; files that
differ are compared again after removing what differs from one run to the next anyway (times,
durations, the command line, xlsx zip timestamps) and the listed path substitutions."""
import sys, json, re, io, zipfile
from pathlib import Path
a, b = Path(sys.argv[1]), Path(sys.argv[2])
subs = [s.split("=", 1) for s in sys.argv[3:]]
VOLATILE = {"seconds", "started", "ended", "command"}
def files(root):
    return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() and p.name not in ("provenance.json", "log.txt", "mini.toml") and ".checkpoint" not in str(p)}
def drop(tree):
    if isinstance(tree, dict): return {k: drop(v) for k, v in tree.items() if k not in VOLATILE}
    if isinstance(tree, list): return [drop(v) for v in tree]
    return tree
def norm(name, data):
    if name.endswith(".xlsx"):
        import openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(data))
        cells = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells.append(repr(row))
        text = ws_text = "\n".join(cells)
        for old, new in subs: text = text.replace(old, new)
        text = re.sub(r"[0-9a-f]{40}", "COMMIT", text)
        text = re.sub(r"'源代码版本', ''", "'源代码版本', 'COMMIT'", text)
        text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", "TIME", text)
        return text.encode()
    if name.endswith("sobol/sensitivity.csv"):   # bootstrap intervals of seed 0 were random before
        import pandas as pd
        df = pd.read_csv(io.BytesIO(data))
        return df[[c for c in df.columns if not c.endswith("_conf")]].to_csv().encode()
    text = data.decode("utf-8", "replace")
    for old, new in subs: text = text.replace(old, new)
    if name.endswith(".json"):
        return json.dumps(drop(json.loads(text)), sort_keys=True).encode()
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", "TIME", text)
    text = re.sub(r"<tr><th>源代码版本</th><td>[0-9a-f]*</td></tr>", "COMMIT", text)
    return text.encode()
fa, fb = files(a), files(b)
only_a = sorted(set(fa) - set(fb)); only_b = sorted(set(fb) - set(fa))
same, normalised, diff = 0, [], []
for k in sorted(set(fa) & set(fb)):
    x, y = fa[k].read_bytes(), fb[k].read_bytes()
    if x == y: same += 1
    elif norm(k, x) == norm(k, y): normalised.append(k)
    else: diff.append(k)
print(f"{len(set(fa)&set(fb))} files in both: {same} byte-identical, {len(normalised)} equal after removing times/durations/paths, {len(diff)} differ; {len(only_a)} only in A, {len(only_b)} only in B")
for k in only_a: print("  only A:", k)
for k in only_b: print("  only B:", k)
for k in normalised: print("  normalised:", k)
for k in diff: print("  DIFFER:", k)
