# H48 (issue 11), information only: bounds for r10 and r30 like H44's r3 bound. For each held-out task t and each source u (the other
# 49), try u's k best configurations (by u's accuracy) on t; normalized regret of the best of them at k = 3, 10, 30. Reported: the best
# source in hindsight (oracle), the meta-feature nearest source (22 meta-features z-scored over the 49 sources, constants dropped;
# H44's distance), the average over the 49 sources, and the fraction of sources that reach each target.
# Also the "empirical mean's top k" (the k configurations of lowest mean loss over the 49 sources, a fixed list) for comparison.
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '2026-12-05-transfer-source-posterior-h44'))
from proto import *  # noqa: E402,F401  (data: L, MF, names, T; regret)
from proto2 import mf_dist  # noqa: E402

targets = {3: 0.05, 10: 0.015, 30: 0.003}
print('k best configurations of ONE source task, tried on the held-out task (mean over 50 tasks):')
print('| k | best source in hindsight | meta-feature nearest source | average over the 49 sources | sources reaching the target (mean fraction) | tasks where some source reaches it | empirical mean\'s top k |')
print('|---|---|---|---|---|---|---|')
for k, target in targets.items():
    orc, near, avg, frac, some, emp = [], [], [], [], [], []
    for t in range(T):
        src = [u for u in range(T) if u != t]
        r = np.array([regret(L[t], list(np.argsort(L[u], kind='stable')[:k]))[k - 1] for u in src])
        orc.append(r.min()); avg.append(r.mean()); frac.append((r <= target).mean()); some.append((r <= target).any())
        near.append(r[np.argmin(mf_dist(t, src))])
        emp.append(regret(L[t], list(np.argsort(L[src].mean(0), kind='stable')[:k]))[k - 1])
    print('| %d (target r%d <= %g) | %.4f | %.4f | %.4f | %.2f | %d of 50 | %.4f |' % (k, k, target, np.mean(orc), np.mean(near), np.mean(avg), np.mean(frac), int(np.sum(some)), np.mean(emp)))
