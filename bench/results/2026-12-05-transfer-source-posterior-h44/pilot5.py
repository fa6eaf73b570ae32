from proto2 import *
dev = range(10)
for K in [1, 3]:
    m,_ = run_all(lambda t,s,b: knn_start(t,s,b,K), dev); print('knn K%d ' % K, line(m), ' sc %.4f' % (m[2]+m[9]+m[29]))
for g in [1.5, 6]:
    m,_ = run_all(lambda t,s,b: post2(t,s,b,0,1,g), dev); print('mf%s-K1 ' % g, line(m), ' sc %.4f' % (m[2]+m[9]+m[29]))
