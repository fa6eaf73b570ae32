from proto import *
dev = range(10)
m,_ = run_all(lambda t,s,b: raw_gp(t,s,b), dev); print('raw+xi0.1           ', line(m))
for gamma in [0, 1, 3]:
    for beta in [3, 10, 30]:
        for K in [3, 10, 30]:
            m,_ = run_all(lambda t,s,b: posterior_policy(t,s,b,beta,K,gamma), dev)
            print('post b%-3d K%-2d g%d   ' % (beta,K,gamma), line(m), ' r3+r10+r30 %.4f' % (m[2]+m[9]+m[29]))
