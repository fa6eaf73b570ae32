"""Merges the per-task lines of split `transfer` runs (several processes, --first-task/--tasks/--methods) into one table.

Usage: python3 2026-12-03-transfer-merge.py FILE... ; prints, per method, the mean normalized regret at 1, 3, 5, 10, 20, 30
evaluations over the held-out tasks that every listed method finished, and the same over tasks 1-10 (the development tasks
the meta tuner's settings were looked at on) and over the rest. The per-task figures are the runs' printed F4 values.
"""
import re
import sys

line_re = re.compile(r"^task (\d+)/\d+ (\S+) \(r1/r3/r5/r10/r20/r30\): (.*)$")
value_re = re.compile(r"(?:^|, )([a-z][a-z0-9:+\-]*) (\d\.\d{4}(?:/\d\.\d{4}){5})")
tasks = {}
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        m = line_re.match(line.strip())
        if not m:
            continue
        number, name, rest = int(m.group(1)), m.group(2), m.group(3)
        entry = tasks.setdefault(number, {"name": name})
        for method, values in value_re.findall(rest):
            entry[method] = [float(v) for v in values.split("/")]

methods = sorted({k for t in tasks.values() for k in t if k != "name"})
order = ["random", "gp", "empirical", "gp-space", "optuna-gp", "meta", "meta-unmatched"]
methods = [m for m in order if m in methods] + [m for m in methods if m not in order]
core = [m for m in ["random", "gp", "empirical", "gp-space", "optuna-gp", "meta", "meta-unmatched"] if m in methods]
complete = sorted(n for n, t in tasks.items() if all(m in t for m in core))


def table(numbers, title):
    print(f"\n{title}: {len(numbers)} held-out tasks ({', '.join(tasks[n]['name'] for n in numbers)})")
    print("| method | r1 | r3 | r5 | r10 | r20 | r30 |")
    print("|---|---|---|---|---|---|---|")
    for m in methods:
        rows = [tasks[n][m] for n in numbers if m in tasks[n]]
        if len(rows) != len(numbers) or not rows:
            continue
        mean = [sum(r[i] for r in rows) / len(rows) for i in range(6)]
        print(f"| {m} | " + " | ".join(f"{v:.4f}" for v in mean) + " |")


print(f"tasks seen: {len(tasks)}; with every method of {', '.join(core)}: {len(complete)}")
table(complete, "all complete tasks")
table([n for n in complete if n <= 10], "development tasks (1-10)")
table([n for n in complete if n > 10], "other tasks (11-50)")
