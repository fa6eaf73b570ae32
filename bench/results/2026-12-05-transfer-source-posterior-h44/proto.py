# H44 prototype (issue 11): source-task posterior policies on the wistuba SVM data. numpy only; nothing here ships.
import os, sys
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('MKL_NUM_THREADS', '1')
import numpy as np
from math import erf
D = '/work/shared/data/wistuba-svm'
names = sorted([f for f in os.listdir(D) if '.' not in f])  # ordinal order, as the bench
A = []; MF = []
for f in names:
    rows = np.array([[float(v) for v in l.split()] for l in open(os.path.join(D, f)) if l.strip()])
    A.append(rows[:, 0]); MF.append(rows[0, 7:29])
A = np.array(A); MF = np.array(MF); L = -A
T, N = L.shape
CK = [1, 3, 5, 10, 20, 30]

def regret(loss, picks):
    mn, mx = loss.min(), loss.max(); best = np.inf; out = []
    for i in picks:
        best = min(best, loss[i]); out.append((best - mn) / (mx - mn))
    return np.array(out)

_MOM = {}
def moments(src):
    key = frozenset(src)
    if key not in _MOM:
        if len(_MOM) > 4000: _MOM.clear()
        S = L[src]; _MOM[key] = (S.mean(0), np.cov(S, rowvar=False, ddof=1))
    return _MOM[key]

def raw_gp(target, src, budget, start=(), xi=0.1, mom=None):
    """H40's empirical:raw+xiM: PI under the raw empirical prior; start = forced first picks."""
    mu, C = mom if mom is not None else moments(src)
    vbar = np.mean(np.diag(C)); noise = 0.01 * vbar; margin = xi * np.sqrt(vbar)
    y = L[target]; obs = list(start)
    while len(obs) < budget:
        k = len(obs)
        if k == 0:
            obs.append(int(np.argmin(mu))); continue
        o = np.array(obs)
        K = C[np.ix_(o, o)] + noise * np.eye(k)
        Lc = np.linalg.cholesky(K)
        a = np.linalg.solve(Lc.T, np.linalg.solve(Lc, y[o] - mu[o]))
        Ks = C[:, o]
        m = mu + Ks @ a
        V = np.linalg.solve(Lc, Ks.T)
        var = np.diag(C) - (V * V).sum(0)
        sd = np.sqrt(np.maximum(var, 1e-12))
        val = (y[o].min() - margin - m) / sd
        val[o] = -np.inf
        obs.append(int(np.argmax(val)))
    return obs

def norm_regrets(src):
    S = L[src]; mn = S.min(1, keepdims=True); mx = S.max(1, keepdims=True)
    return (S - mn) / np.where(mx > mn, mx - mn, 1.0)

def discord(yo, Ro):
    """fraction of discordant pairs between the new task's losses yo[k] and each source's regrets Ro[U,k] (ties count half)."""
    k = len(yo)
    if k < 2: return np.zeros(Ro.shape[0])
    i, j = np.triu_indices(k, 1)
    sy = np.sign(yo[i] - yo[j])
    ss = np.sign(Ro[:, i] - Ro[:, j])
    prod = sy[None, :] * ss
    d = (prod < 0) + 0.5 * (prod == 0)
    return d.mean(1)

def mf_prior(target, src, gamma):
    if gamma == 0: return np.ones(len(src))
    X = MF[src]; sd = X.std(0); keep = sd > 0
    Z = (X[:, keep] - X[:, keep].mean(0)) / sd[keep]
    zt = (MF[target][keep] - X[:, keep].mean(0)) / sd[keep]
    d = np.sqrt(((Z - zt) ** 2).sum(1))
    return np.exp(-gamma * d / np.median(d))

def posterior_policy(target, src, budget, beta, K, gamma, xi=0.1, start=(), R=None, mom=None):
    """trials 1..K: argmax over untried x of sum_u w_u max(0, b_u - R_u(x)), w_u ∝ prior_u exp(-beta D_u); then raw GP PI."""
    R = norm_regrets(src) if R is None else R
    prior = mf_prior(target, src, gamma)
    y = L[target]; obs = list(start)
    while len(obs) < min(K, budget):
        o = np.array(obs, dtype=int)
        D_ = discord(y[o], R[:, o]) if len(o) else np.zeros(len(src))
        w = prior * np.exp(-beta * (D_ - D_.min())); w /= w.sum()
        b = R[:, o].min(1) if len(o) else np.ones(len(src))
        gain = (w[:, None] * np.maximum(0, b[:, None] - R)).sum(0)
        gain[o] = -np.inf
        if len(o) and gain.max() <= 0:   # every weighted source already has its best: fall back to weighted mean regret
            gain = -(w[:, None] * R).sum(0); gain[o] = -np.inf
        obs.append(int(np.argmax(gain)))
    if len(obs) >= budget: return obs[:budget]
    return raw_gp(target, src, budget, start=obs, xi=xi, mom=mom)

def run_all(policy, tasks=range(T), budget=30, verbose=False):
    curves = []
    for t in tasks:
        src = [u for u in range(T) if u != t]
        c = regret(L[t], policy(t, src, budget)); curves.append(c)
        if verbose: print(t, names[t], ' '.join('%.4f' % c[k - 1] for k in CK))
    m = np.mean(curves, 0)
    return m, np.array(curves)

def line(m): return ' '.join('%.4f' % m[k - 1] for k in CK)

if __name__ == '__main__':
    m, _ = run_all(lambda t, s, b: raw_gp(t, s, b))
    print('empirical:raw+xi0.1', line(m))
