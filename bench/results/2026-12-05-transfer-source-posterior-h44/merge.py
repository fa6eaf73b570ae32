import json, sys, numpy as np
from collections import Counter
CK = [1, 3, 5, 10, 20, 30]
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
rows.sort(key=lambda r: r['task'])
print('folds', len(rows))
def line(cs): m = np.mean(cs, 0); return ' '.join('%.4f' % m[k - 1] for k in CK)
print('%-18s %s' % ('nested: chosen', line([r['outer'][r['chosen']] for r in rows])))
cnt = Counter(r['chosen'] for r in rows)
for n in rows[0]['outer']:
    print('%-18s %s  inner %.4f  chosen %d' % (n, line([r['outer'][n] for r in rows]), np.mean([r['inner'][n] for r in rows]), cnt[n]))
