# H48: per-task check of two transfer outputs against each other (regret lines) and the priors' fit (NLL per point) on the held-out
# task against the sources, from `transfer --verbose` lines. Usage: fits.py <name> <files...> -- <name> <files...>
import re, sys, statistics
def load(paths):
    d = {}
    for p in paths:
        for l in open(p):
            m = re.match(r"task (\d+)/\d+ (\S+) .*?(?:fit NLL/point: held-out ([-0-9.]+), sources ([-0-9.]+), )?meta ([0-9./]+)$", l.strip())
            if m:
                d[int(m.group(1))] = (m.group(2), float(m.group(3)) if m.group(3) else None, float(m.group(4)) if m.group(4) else None, [float(x) for x in m.group(5).split('/')])
    return d
args = sys.argv[1:]; cut = args.index('--')
a_name, a = args[0], load(args[1:cut]); b_name, b = args[cut + 1], load(args[cut + 2:])
common = sorted(set(a) & set(b))
print(f"{len(common)} common tasks; regret lines identical on {sum(a[t][3] == b[t][3] for t in common)}")
for name, d in ((a_name, a), (b_name, b)):
    h = [d[t][1] for t in common if d[t][1] is not None]; s = [d[t][2] for t in common if d[t][2] is not None]
    if h:
        print(f"{name}: fit NLL/point mean over tasks: held-out {statistics.mean(h):.3f} (median {statistics.median(h):.3f}), sources {statistics.mean(s):.3f}; gap {statistics.mean(h) - statistics.mean(s):.3f}")
if all(a[t][1] is not None and b[t][1] is not None for t in common):
    print(f"held-out fit better with {a_name} on {sum(a[t][1] < b[t][1] for t in common)} of {len(common)} tasks")
