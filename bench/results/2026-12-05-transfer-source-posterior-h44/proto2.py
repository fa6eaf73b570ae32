from proto import *
def raw_dist(target, src, o):
    """mean squared standardized raw-unit difference between the new task's losses and each source's at the observed points."""
    if len(o) == 0: return np.zeros(len(src))
    S = L[src][:, o]; s = S.std(0, ddof=1) + 1e-12
    return (((S - L[target][o]) / s) ** 2).mean(1)

def weights(target, src, o, beta, gamma, kind, R):
    prior = mf_prior(target, src, gamma)
    if kind == 'rank': D_ = discord(L[target][o], R[:, o]) if len(o) else np.zeros(len(src))
    else: D_ = raw_dist(target, src, o)
    w = prior * np.exp(-beta * (D_ - D_.min())); return w / w.sum()

def post2(target, src, budget, beta, K, gamma, kind='raw', xi=0.1):
    R = norm_regrets(src); y = L[target]; obs = []
    while len(obs) < min(K, budget):
        o = np.array(obs, dtype=int)
        w = weights(target, src, o, beta, gamma, kind, R)
        b = R[:, o].min(1) if len(o) else np.ones(len(src))
        gain = (w[:, None] * np.maximum(0, b[:, None] - R)).sum(0); gain[o] = -np.inf
        if len(o) and gain.max() <= 0: gain = -(w[:, None] * R).sum(0); gain[o] = -np.inf
        obs.append(int(np.argmax(gain)))
    return raw_gp(target, src, budget, start=obs, xi=xi) if len(obs) < budget else obs

def wgp(target, src, budget, beta, gamma, kind='raw', xi=0.1, neff_floor=5):
    """raw GP whose prior moments are the weighted mean/covariance of the sources, weights recomputed each trial."""
    R = norm_regrets(src); y = L[target]; obs = []; S = L[src]
    while len(obs) < budget:
        o = np.array(obs, dtype=int)
        w = weights(target, src, o, beta, gamma, kind, R)
        mu = w @ S; Dv = S - mu; C = (Dv * w[:, None]).T @ Dv / max(1e-9, 1 - (w ** 2).sum())
        nxt = raw_gp(target, src, len(obs) + 1, start=obs, xi=xi, mom=(mu, C))
        obs = nxt
    return obs

if __name__ == '__main__':
    dev = range(10)
    for gamma in [0, 3]:
        for beta in [0.3, 1, 3]:
            for K in [3, 10]:
                m,_ = run_all(lambda t,s,b: post2(t,s,b,beta,K,gamma), dev)
                print('post-raw b%-3s K%-2d g%d ' % (beta,K,gamma), line(m), ' r3+r10+r30 %.4f' % (m[2]+m[9]+m[29]))

def mf_dist(target, src):
    X = MF[src]; sd = X.std(0); keep = sd > 0
    Z = (X[:, keep] - X[:, keep].mean(0)) / sd[keep]
    zt = (MF[target][keep] - X[:, keep].mean(0)) / sd[keep]
    return np.sqrt(((Z - zt) ** 2).sum(1))

def knn_start(target, src, budget, K, xi=0.1):
    """Feurer et al. 2015 warm start: trials 1..K = the best configuration of the 1st, 2nd, ... nearest source by meta-features
    (a configuration already tried: the next nearest source's best); then the raw empirical GP with PI."""
    d = mf_dist(target, src); order = np.argsort(d, kind='stable'); obs = []
    for j in order:
        if len(obs) >= min(K, budget): break
        b = int(np.argmin(L[src[j]]))
        if b not in obs: obs.append(b)
    return raw_gp(target, src, budget, start=obs, xi=xi) if len(obs) < budget else obs
