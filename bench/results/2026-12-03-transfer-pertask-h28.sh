#!/bin/bash
# usage: pertask.sh OUTFILE VARIANTS task...   (one process per held-out task; one retry after a crash)
out=$1; shift; v=$1; shift
B=/tmp/h28-bench-2/MLNet.HyperGrad.Bench.dll
cd /work/wt-metavar
for t in "$@"; do
  for attempt in 1 2; do
    nice -n 10 dotnet $B transfer --task-list $t --methods meta --meta-variants $v --empirical-cov true --prior-cache /tmp/h28-cache --verbose > $out.$t.log 2>&1
    if grep -q "^task " $out.$t.log; then grep "^task " $out.$t.log >> $out; break; fi
    echo "task $t attempt $attempt crashed" >> $out.crashes
  done
done
echo END >> $out.crashes
