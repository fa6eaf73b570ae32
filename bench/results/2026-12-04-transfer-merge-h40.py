"""Merges per-task lines of `transfer` outputs (H40): mean normalized regret per method over the tasks it has, and over tasks 1-10 / 11-50."""
import re
import sys
from collections import defaultdict

per = defaultdict(dict)  # method -> task index -> six regrets
for path in sys.argv[1:]:
    for line in open(path):
        m = re.match(r"task (\d+)/\d+ (\S+) \(r1/r3/r5/r10/r20/r30\): (.*)", line)
        if not m:
            continue
        task = int(m.group(1))
        for part in m.group(3).split(", "):
            g = re.match(r"(\S+) ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+)$", part)
            if g:
                per[g.group(1)][task] = [float(v) for v in g.groups()[1:]]

def row(name, values):
    mean = [sum(v[i] for v in values) / len(values) for i in range(6)]
    return f"| {name} | {len(values)} | " + " | ".join(f"{x:.4f}" for x in mean) + " |"

for title, keep in [("all tasks", lambda t: True), ("development tasks 1-10", lambda t: t <= 10), ("tasks 11-50", lambda t: t > 10)]:
    print(f"\n{title}\n| method | tasks | r1 | r3 | r5 | r10 | r20 | r30 |\n|---|---|---|---|---|---|---|---|")
    for method, tasks in per.items():
        values = [v for t, v in sorted(tasks.items()) if keep(t)]
        if values:
            print(row(method, values))
