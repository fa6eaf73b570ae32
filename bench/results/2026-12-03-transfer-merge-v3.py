"""Merges the per-task lines of split `transfer` runs (several processes, --task-list/--methods) into one table (v3, H28).

Usage: python3 2026-12-03-transfer-merge-v3.py [--meta METHOD] [--prefix PREFIX=FILE]... FILE... ; a later file's figure for
a task and method replaces an earlier one's; `--prefix ecov-=FILE` reads FILE with its meta methods renamed (`meta` ->
`ecov-meta`, `meta:x` -> `ecov-meta:x`), so that runs of another prior sit beside the earlier `meta`; `--meta METHOD` names
the method the last two lines report as `meta` (default `meta`), and adds tables over the tasks where it has figures. Prints, per method, the mean normalized regret at 1, 3, 5, 10, 20, 30 evaluations over the held-out tasks where
the method has a figure, with the task count; the same over tasks 1-10 (the development tasks the meta tuner's settings
were chosen on) and 11-50; and last, as `transfer` ends, over the tasks where both meta and gp have figures:
`meta regret r1 r3 r5 r10 r20 r30: ...` and `single-task gp regret r1 r3 r5 r10 r20 r30: ...`.
"""
import re
import sys

line_re = re.compile(r"^task (\d+)/\d+ (\S+) \(r1/r3/r5/r10/r20/r30\): (.*)$")
value_re = re.compile(r"(?:^|, )([a-z][a-z0-9:+\-]*) (\d\.\d{4}(?:/\d\.\d{4}){5})")
tasks = {}
args = sys.argv[1:]
meta_name = "meta"
inputs = []
while args:
    a = args.pop(0)
    if a == "--meta":
        meta_name = args.pop(0)
    elif a == "--prefix":
        prefix, path = args.pop(0).split("=", 1)
        inputs.append((prefix, path))
    else:
        inputs.append(("", a))
for prefix, path in inputs:
    for line in open(path, encoding="utf-8"):
        m = line_re.match(line.strip())
        if not m:
            continue
        number, name, rest = int(m.group(1)), m.group(2), m.group(3)
        entry = tasks.setdefault(number, {"name": name})
        for method, values in value_re.findall(rest):
            if prefix and method.startswith("meta") and not method.startswith("meta-unmatched"):
                method = prefix + method
            entry[method] = [float(v) for v in values.split("/")]

order = ["random", "gp", "empirical", "gp-space", "optuna-gp", "meta", "meta-unmatched"]
seen = {k for t in tasks.values() for k in t if k != "name"}
methods = [m for m in order if m in seen] + sorted(m for m in seen if m not in order)


def mean(rows):
    return [sum(r[i] for r in rows) / len(rows) for i in range(6)]


def table(numbers, title):
    print(f"\n{title}")
    print("| method | tasks | r1 | r3 | r5 | r10 | r20 | r30 |")
    print("|---|---|---|---|---|---|---|---|")
    for m in methods:
        rows = [tasks[n][m] for n in numbers if m in tasks[n]]
        if rows:
            print(f"| {m} | {len(rows)} | " + " | ".join(f"{v:.4f}" for v in mean(rows)) + " |")


numbers = sorted(tasks)
print(f"tasks seen: {len(tasks)}")
for m in methods:
    missing = [n for n in numbers if m not in tasks[n]]
    print(f"{m}: {len(numbers) - len(missing)} tasks" + (f" (missing tasks {', '.join(map(str, missing))})" if missing else ""))
table(numbers, "all tasks")
table([n for n in numbers if n <= 10], "development tasks (1-10)")
table([n for n in numbers if n > 10], "other tasks (11-50)")
covered = [n for n in numbers if meta_name in tasks[n]]
table(covered, f"the {len(covered)} held-out tasks where {meta_name} has figures (every method on those tasks)")
table([n for n in covered if n > 10], f"of those, the {len([n for n in covered if n > 10])} tasks 11-50")
both = [n for n in numbers if meta_name in tasks[n] and "gp" in tasks[n]]
print(f"\nover the {len(both)} tasks with both {meta_name} and gp figures ({meta_name} reported as meta):")
if both:
    print("meta regret r1 r3 r5 r10 r20 r30: " + " ".join(f"{v:.4f}" for v in mean([tasks[n][meta_name] for n in both])))
    print("single-task gp regret r1 r3 r5 r10 r20 r30: " + " ".join(f"{v:.4f}" for v in mean([tasks[n]["gp"] for n in both])))
