# Information only (H44): could a rule that picks ONE source task and tries its 3 best configurations reach r3 <= 0.05?
from proto2 import *
from hybrid import P
orc, avg, frac, near = [], [], [], []
for t in range(T):
    src = [u for u in range(T) if u != t]
    r3s = np.array([regret(L[t], list(np.argsort(L[u], kind='stable')[:3]))[2] for u in src])
    orc.append(r3s.min()); avg.append(r3s.mean()); frac.append((r3s <= 0.05).mean())
    near.append(r3s[np.argmin(mf_dist(t, src))])
print('3 best configurations of one source task, tried on the held-out task (50 tasks):')
print('  r3 with the best source in hindsight (oracle): %.4f' % np.mean(orc))
print('  r3 with the meta-feature nearest source:       %.4f' % np.mean(near))
print('  r3 averaged over the 49 sources:               %.4f' % np.mean(avg))
print('  fraction of sources whose 3 best give r3 <= 0.05: mean %.2f, min %.2f' % (np.mean(frac), np.min(frac)))
_, c = run_all(lambda t, s, b: P[t][:b]); r3 = c[:, 2]
hard = np.argsort(-r3)[:8]
for i in hard:
    src = [u for u in range(T) if u != i]
    r3s = np.array([regret(L[i], list(np.argsort(L[u], kind='stable')[:3]))[2] for u in src])
    print('  %-16s default r3 %.3f; sources whose 3 best reach <= 0.05: %2d of 49; oracle %.3f' % (names[i], r3[i], (r3s <= 0.05).sum(), r3s.min()))
