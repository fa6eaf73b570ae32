# Information only (H44): the default meta tuner's first 3 configurations (from the C# bench's --dump-picks), then continuations.
from proto2 import *
P = {}
for f in ['picks-even.txt', 'picks-odd.txt']:
    for l in open(f):
        v = [int(x) for x in l.split()]; P[v[0]] = v[1:]
def check():
    m,_ = run_all(lambda t,s,b: P[t][:b]); print('default (dumped picks)      ', line(m))
    m,_ = run_all(lambda t,s,b: raw_gp(t,s,b,start=P[t][:3])); print('meta3 + raw GP (python)     ', line(m))
def wcont(t, s, b, gamma, beta=0, kind='raw'):
    R = norm_regrets(s); S = L[s]; obs = list(P[t][:3])
    while len(obs) < b:
        o = np.array(obs); w = weights(t, s, o, beta, gamma, kind, R)
        mu = w @ S; Dv = S - mu; C = (Dv * w[:, None]).T @ Dv / max(1e-9, 1 - (w ** 2).sum())
        obs = raw_gp(t, s, len(obs) + 1, start=obs, mom=(mu, C))
    return obs
check()
for g in [0.5, 1.5]:
    m,_ = run_all(lambda t,s,b: wcont(t,s,b,g)); print('meta3 + mf%s-weighted raw GP ' % g, line(m))
m,_ = run_all(lambda t,s,b: post2_start(t,s,b)) if False else (None,None)
_, c = run_all(lambda t,s,b: P[t][:b])
r3 = c[:, 2]; order = np.argsort(-r3)
print('default r3: tasks with the largest r3:', ', '.join('%s %.3f' % (names[i], r3[i]) for i in order[:8]), '; share of the mean from these 8: %.2f' % (r3[order[:8]].sum() / r3.sum()))
print('default r3 = 0 on %d of 50 tasks; median %.4f' % ((r3 == 0).sum(), np.median(r3)))
