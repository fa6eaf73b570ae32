from proto2 import *
dev = range(10)
def wgp2(target, src, budget, beta, gamma, kind='raw', K1=0, xi=0.1):
    R = norm_regrets(src); S = L[src]; obs = []
    if K1: obs = post2(target, src, K1, 0, K1, gamma)
    while len(obs) < budget:
        o = np.array(obs, dtype=int)
        w = weights(target, src, o, beta, gamma, kind, R)
        mu = w @ S; Dv = S - mu; C = (Dv * w[:, None]).T @ Dv / max(1e-9, 1 - (w ** 2).sum())
        obs = raw_gp(target, src, len(obs) + 1, start=obs, xi=xi, mom=(mu, C))
    return obs
for gamma in [1, 3]:
    for beta in [0, 0.3, 1]:
        for kind in ['raw', 'rank']:
            if beta == 0 and kind == 'rank': continue
            m,_ = run_all(lambda t,s,b: wgp2(t,s,b,beta if kind=='raw' else 3*beta,gamma,kind), dev)
            print('wgp %s b%s g%s ' % (kind, beta if kind=='raw' else 3*beta, gamma), line(m), ' sc %.4f' % (m[2]+m[9]+m[29]))
m,_ = run_all(lambda t,s,b: post2(t,s,b,0,1,3), dev); print('mf-first K1 g3 then raw ', line(m), ' sc %.4f' % (m[2]+m[9]+m[29]))
m,_ = run_all(lambda t,s,b: raw_gp(t,s,b), dev); print('raw+xi0.1 ', line(m), ' sc %.4f' % (m[2]+m[9]+m[29]))
