# H44 round 4: hand-off after K of the default meta tuner's trials (K = 1 declared, 2 for information), then the raw empirical GP (PI).
from hybrid import P
from proto2 import *
for K in [1, 2, 3]:
    m, c = run_all(lambda t, s, b: raw_gp(t, s, b, start=P[t][:K]))
    print('handoff%d' % K, line(m))
