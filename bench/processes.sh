#!/usr/bin/env bash
# Compare variants (or builds) across several processes: one case, N fresh processes per variant, interleaved.
#
#   bench/processes.sh <workload> <param or -> <processes> <invocations> <variant>...
#
# A <variant> is a Variant name (Sluice, BclBounded, ...) run from this tree's Release build, or <dir>:<variant>
# to run the Sluice.Benchmarks.dll in <dir> (a copy of bench/bin/Release/net10.0 built from another commit), so
# two builds can be compared in the same session. Each process runs `loop <workload> <variant> <param> <invocations>`
# and reports the median throughput (msg/µs) of its second half (the first half is warm-up); the script prints
# every process's value and the median over processes for each variant, interleaving the variants so that a slow
# spell of the machine hits them alike. PIN="taskset -c 0" (environment) runs every process on one core.
#
# Why processes: on the 2-core VM a case's throughput differs by up to 3x between processes of the same build
# (the same code, the same inputs), and often between invocations of one process too: the host makes moving a
# cache line between the two vCPUs ~5x dearer for seconds at a time (bench/c2c-probe.sh; bench/results/
# 2026-11-22-dev-2core/ANALYSIS.md). A single-process comparison, BenchmarkDotNet's included, compares whichever
# modes that process fell into; medians over several processes compare the code. Each process's line also
# gives the hypervisor's steal time over its measured invocations (bench/Infrastructure/StealTime.cs), to tell
# a slow host from a slow process.
#
# BAND=fast (or BAND=slow) keeps, of each process's measured invocations, only those run while moving a cache line
# between the CPUs cost < 150 ns (or > 250 ns), measured just before each invocation (loop's SLUICE_BENCH_C2C,
# stats field 13; builds before commit ab2cc86 cannot do this): a comparison of the code within one state of the
# host. Each process's line says how many it kept; a process that kept none is left out of the median.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 5 ]; then sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 2; fi
workload=$1; param=$2; procs=$3; invocations=$4; shift 4
[ "$invocations" -ge 4 ] || { echo "invocations must be at least 4 (the first half is warm-up)" >&2; exit 2; }
dotnet build bench/Sluice.Benchmarks.csproj -c Release -nologo -v quiet > /dev/null
# The median of the numbers on stdin, one per line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
stats=$(mktemp)
trap 'rm -f "$stats"' EXIT
band=${BAND:-}
case "$band" in ""|fast|slow) ;; *) echo "BAND must be fast or slow (or unset)" >&2; exit 2;; esac
declare -A values
for i in $(seq 1 "$procs"); do
  for spec in "$@"; do
    dir=bench/bin/Release/net10.0; variant=$spec
    if [[ "$spec" == *:* ]]; then dir=${spec%:*}; variant=${spec##*:}; fi
    : > "$stats"
    # shellcheck disable=SC2086
    SLUICE_BENCH_STATS="$stats" SLUICE_BENCH_C2C=$([ -n "$band" ] && echo 1 || echo 0) ${PIN:-} \
      dotnet "$dir/Sluice.Benchmarks.dll" loop "$workload" "$variant" "$param" "$invocations" > /dev/null
    # stats: label (3 fields), messages, bytes, elapsed ms, ...: msg/µs = messages / (ms * 1000); field 13 is the
    # cache-line round trip measured before the invocation (NaN unless SLUICE_BENCH_C2C=1).
    picked=$(tail -n $((invocations / 2)) "$stats" | awk -F'\t' -v band="$band" '
      band == "" || (band == "fast" && NF >= 13 && $13 != "NaN" && $13 < 150) || (band == "slow" && NF >= 13 && $13 != "NaN" && $13 > 250) {
        printf "%.4f\n", $4 / ($6 * 1000) }')
    n=$(printf '%s' "$picked" | grep -c . || true)
    kept=${band:+"kept $n of $((invocations / 2)) invocations in the $band band; "}
    v=$([ "$n" -gt 0 ] && printf '%s\n' "$picked" | median || echo none)
    [ "$v" = none ] || values[$spec]="${values[$spec]:-} $v"
    # The hypervisor's steal time over the same invocations (stats field 12, in ms over all vCPUs; builds before
    # it was recorded have none): a slow process with steal is the host's doing, one without is the process's.
    steal=$(tail -n $((invocations / 2)) "$stats" | awk -F'\t' 'NF >= 12 && $12 != "NaN" {s += $12; e += $6; n++}
      END {if (n) printf "%.1f%%", 100 * s / e; else printf "n/a"}')
    echo "process $i  $spec: $v msg/µs  (${kept}steal: $steal of the measured time)"
  done
done
echo "median over $procs processes (msg/µs; each process: the median of its last $((invocations / 2)) invocations${band:+ that ran in the $band band}):"
for spec in "$@"; do
  # shellcheck disable=SC2086
  m=$([ -n "${values[$spec]:-}" ] && printf '%s\n' ${values[$spec]} | median || echo none)
  echo "  $workload $param $spec: $m   (processes:${values[$spec]})"
done
