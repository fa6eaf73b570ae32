from proto2 import *
dev = range(10)
for gamma in [1.5, 3, 6]:
    for beta in [0, 1]:
        m,_ = run_all(lambda t,s,b: post2(t,s,b,beta,3,gamma), dev)
        print('post-raw b%-3s K3 g%s ' % (beta,gamma), line(m), ' r3+r10+r30 %.4f' % (m[2]+m[9]+m[29]))
for K in [2, 5]:
    m,_ = run_all(lambda t,s,b: post2(t,s,b,1,K,3), dev)
    print('post-raw b1 K%d g3 ' % K, line(m), ' r3+r10+r30 %.4f' % (m[2]+m[9]+m[29]))
