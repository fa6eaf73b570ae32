# H44 nested selection (issue 11): for each held-out task t, each design of MENU runs on every source u of t with the other 48 sources
# (never t), scored by the mean over u of r3 + r10 + r30; the lowest inner score's design then tunes t with all 49 sources.
import sys, json
from proto2 import *
MENU = {
    'raw+xi0.1':          lambda t, s, b: raw_gp(t, s, b),
    'rank-b3-K3':         lambda t, s, b: post2(t, s, b, 3, 3, 0, 'rank'),
    'rank-b3-K3-mf3':     lambda t, s, b: post2(t, s, b, 3, 3, 3, 'rank'),
    'raw-b1-K3':          lambda t, s, b: post2(t, s, b, 1, 3, 0, 'raw'),
    'raw-b1-K3-mf3':      lambda t, s, b: post2(t, s, b, 1, 3, 3, 'raw'),
    'raw-b0.3-K3-mf3':    lambda t, s, b: post2(t, s, b, 0.3, 3, 3, 'raw'),
    'raw-b3-K3-mf3':      lambda t, s, b: post2(t, s, b, 3, 3, 3, 'raw'),
    'raw-b1-K5-mf3':      lambda t, s, b: post2(t, s, b, 1, 5, 3, 'raw'),
}
def score(c): return c[2] + c[9] + c[29]
def fold(t):
    src = [u for u in range(T) if u != t]
    inner = {}
    for name, pol in MENU.items():
        inner[name] = float(np.mean([score(regret(L[u], pol(u, [v for v in src if v != u], 30))) for u in src]))
    chosen = min(MENU, key=lambda n: inner[n])   # first in menu order on ties
    outer = {name: regret(L[t], pol(t, src, 30)).tolist() for name, pol in MENU.items()}
    return {'task': t, 'name': names[t], 'chosen': chosen, 'inner': inner, 'outer': outer}
if __name__ == '__main__':
    tasks = [int(v) for v in sys.argv[1].split(',')]
    out = open(sys.argv[2], 'a')
    for t in tasks:
        r = fold(t); out.write(json.dumps(r) + '\n'); out.flush()
        print(t, names[t], r['chosen'], ' '.join('%.4f' % r['outer'][r['chosen']][k - 1] for k in CK), flush=True)
