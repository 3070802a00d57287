#!/usr/bin/env bash
# Samples the cost of moving a cache line between CPU 0 and CPU 1 (bench/probe/c2c.c), N times, 0.3 s apart:
#
#   bench/c2c-probe.sh [samples=60]
#
# Prints each sample's mean round trip in ns and how many were above 250 ns. On the 2-core development VM the
# round trip is bimodal over time (about 60-90 ns, or about 330-420 ns for seconds at a stretch): the host moves
# the two vCPUs between cores that share a cache and cores that do not. Contended benchmarks (funnel, pinball,
# fan-in, Sluice's and the BCL's alike) run 2-3x slower in the slow phases (bench/results/2026-11-22-dev-2core/
# ANALYSIS.md). Run it before trusting a benchmark on a new machine. Needs gcc (not needed by anything else).
set -euo pipefail
cd "$(dirname "$0")"
samples=${1:-60}
command -v gcc > /dev/null || { echo "c2c-probe: gcc is required (apt-get install gcc)" >&2; exit 2; }
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
gcc -O2 -pthread -o "$bin" probe/c2c.c
[ "$(nproc)" -ge 2 ] || { echo "c2c-probe: needs at least 2 CPUs" >&2; exit 2; }
for _ in $(seq 1 "$samples"); do "$bin" 200000; sleep 0.3; done |
  awk '{printf "%s ", $1; if ($1 > 250) slow++} END {printf "\n%d of %d samples above 250 ns\n", slow, NR}'
