# H44 round 2 (declared after round 1's all-50 figures were seen; same rule).
import sys, json
import nested
from proto2 import *
nested.MENU.clear()
nested.MENU.update({
    'raw+xi0.1':       lambda t, s, b: raw_gp(t, s, b),
    'mf1.5-K1':        lambda t, s, b: post2(t, s, b, 0, 1, 1.5),
    'mf3-K1':          lambda t, s, b: post2(t, s, b, 0, 1, 3),
    'mf6-K1':          lambda t, s, b: post2(t, s, b, 0, 1, 6),
    'knn-K1':          lambda t, s, b: knn_start(t, s, b, 1),
    'knn-K3':          lambda t, s, b: knn_start(t, s, b, 3),
    'rank-b3-K3-mf3':  lambda t, s, b: post2(t, s, b, 3, 3, 3, 'rank'),
    'raw-b1-K3-mf3':   lambda t, s, b: post2(t, s, b, 1, 3, 3, 'raw'),
})
if __name__ == '__main__':
    tasks = [int(v) for v in sys.argv[1].split(',')]
    out = open(sys.argv[2], 'a')
    for t in tasks:
        r = nested.fold(t); out.write(json.dumps(r) + '\n'); out.flush()
        print(t, names[t], r['chosen'], ' '.join('%.4f' % r['outer'][r['chosen']][k - 1] for k in CK), flush=True)
