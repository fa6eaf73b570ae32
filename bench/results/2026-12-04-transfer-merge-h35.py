import re,sys,collections
# usage: merge.py file... ; prints mean regret per method over the tasks each method has (later lines replace earlier)
per=collections.defaultdict(dict)
pat=re.compile(r'(?:^|, |: )([a-z][a-z0-9:+\-]*) ((?:\d+\.\d+/){5}\d+\.\d+)')
for f in sys.argv[1:]:
    for line in open(f):
        m=re.match(r'task (\d+)/50 (\S+)',line)
        if not m: continue
        t=int(m.group(1))
        for name,vals in pat.findall(line):
            per[name][t]=[float(v) for v in vals.split('/')]
for name in sorted(per):
    ts=sorted(per[name]); n=len(ts)
    mean=[sum(per[name][t][i] for t in ts)/n for i in range(6)]
    print(f"| {name} | {n} | "+" | ".join(f"{v:.4f}" for v in mean)+f" | tasks {ts[0]}-{ts[-1]}{'' if n==ts[-1]-ts[0]+1 else ' (not contiguous)'}")
