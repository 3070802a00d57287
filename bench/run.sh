#!/usr/bin/env bash
# Sluice benchmark suite (see bench/README.md).
#
#   bench/run.sh            full suite  -> bench/results/<date>/        (≈ 20-30 min on the 2-core machine)
#   bench/run.sh --quick    fewer parameters and iterations, same sizes -> bench/results/<date>-quick/
#   bench/run.sh --smoke    CI smoke: BenchmarkDotNet's dry job in-process, tiny sizes, every benchmark
#                           class and variant once; exits non-zero if any checksum fails (< 2 min)
#
# Options: --only <Workload,...> (Funnel, Pinball, Spsc, SpscDrain, PingPong, FanIn, TryPair; default all),
#          --out <dir> (results directory), --no-charts, --no-probe (skip the allocation probe).
# Records the machine, `uptime` before and after each workload, the BenchmarkDotNet markdown and JSON, the
# allocation probe, the summary (ratios to the best System.Threading.Channels variant) and gnuplot charts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

mode=full
only=
out=
charts=1
probe=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --smoke) mode=smoke ;;
    --full) mode=full ;;
    --only) only=",$2,"; shift ;;
    --out) out="$2"; shift ;;
    --no-charts) charts=0 ;;
    --no-probe) probe=0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

export SLUICE_BENCH_SIZE=$mode
# BenchmarkDotNet warns when the build sits under the temp folder; keep its scratch files elsewhere.
export TMPDIR="$ROOT/out/bench-tmp"
mkdir -p "$TMPDIR"

echo "▶ build (Release)"
dotnet build bench/Sluice.Benchmarks.csproj -c Release -nologo -v quiet
BENCH=(dotnet "$ROOT/bench/bin/Release/net10.0/Sluice.Benchmarks.dll")

if [ "$mode" = smoke ]; then
  dir=${out:-out/bench-smoke}
  rm -rf "$dir"
  mkdir -p "$dir"
  start=$(date +%s)
  status=0
  filters=('*')
  [ -n "$only" ] && { filters=(); IFS=, read -ra names <<< "${only:1:-1}"; for n in "${names[@]}"; do filters+=("*.${n}Benchmarks.*"); done; }
  SLUICE_BENCH_STATS="$ROOT/$dir/stats.tsv" "${BENCH[@]}" --filter "${filters[@]}" --job dry --inProcess \
    --artifacts "$dir/bdn" > "$dir/smoke.log" 2>&1 || status=$?
  # The allocation probe doubles as a second functional check of every workload (tiny sizes).
  if [ "$status" = 0 ] && [ "$probe" = 1 ]; then
    "${BENCH[@]}" alloc-probe "$dir/alloc-probe.tsv" >> "$dir/smoke.log" 2>&1 || status=$?
  fi
  grep -E "CHECKSUM FAILED|^FAILED" "$dir/smoke.log" | sort -u | head -20 || true
  grep -E "^Global total time|benchmarks ran|benchmark\(s\) FAILED" "$dir/smoke.log" || true
  echo "smoke: exit $status in $(( $(date +%s) - start )) s (log: $dir/smoke.log)"
  exit "$status"
fi

date=$(date +%Y-%m-%d)
dir=${out:-bench/results/$date$([ "$mode" = quick ] && echo -quick || true)}
rm -rf "$dir"
mkdir -p "$dir/bdn"
dir=$(cd "$dir" && pwd)

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (with uncommitted changes)')"
  echo "mode: $mode (SLUICE_BENCH_SIZE=$mode)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) logical cores"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "runtime: $(dotnet --list-runtimes | grep Microsoft.NETCore.App | awk '{print $2}' | tr '\n' ' ')(SDK $(dotnet --version))"
  echo "gc: workstation, concurrent (defaults); tiered compilation and dynamic PGO on (defaults)"
  echo "load at start: $(uptime | sed 's/.*load average: //')"
} > "$dir/machine.txt"
cat "$dir/machine.txt"

classes=(FunnelBenchmarks PinballBenchmarks SpscBenchmarks SpscDrainBenchmarks PingPongBenchmarks FanInBenchmarks TryPairBenchmarks)
: > "$dir/load.tsv"
status=0
total_start=$(date +%s)
for class in "${classes[@]}"; do
  if [ -n "$only" ] && [[ "$only" != *",${class%Benchmarks},"* ]]; then continue; fi
  before=$(uptime | sed 's/.*load average: //')
  echo "▶ $class (load $before)"
  SLUICE_BENCH_STATS="$dir/stats.tsv" "${BENCH[@]}" --filter "*.$class.*" --artifacts "$dir/bdn/$class" \
    > "$dir/bdn/$class.log" 2>&1 || { status=$?; echo "  FAILED (see $dir/bdn/$class.log)"; }
  after=$(uptime | sed 's/.*load average: //')
  printf '%s\t%s\t%s\n' "${class%Benchmarks}" "$before" "$after" >> "$dir/load.tsv"
  grep -E "^Global total time" "$dir/bdn/$class.log" || true
done

if [ "$probe" = 1 ]; then
  before=$(uptime | sed 's/.*load average: //')
  echo "▶ allocation probe (load $before)"
  "${BENCH[@]}" alloc-probe "$dir/alloc-probe.tsv" > "$dir/alloc-probe.log" 2>&1 || { status=$?; echo "  FAILED (see $dir/alloc-probe.log)"; }
  printf '%s\t%s\t%s\n' "allocation probe" "$before" "$(uptime | sed 's/.*load average: //')" >> "$dir/load.tsv"
fi

echo "▶ summary"
"${BENCH[@]}" summarize "$dir" || status=$?

# Keep the reports (markdown, JSON), the logs and the raw per-invocation stats (compressed); drop
# BenchmarkDotNet's CSV/HTML duplicates.
find "$dir/bdn" -type f \( -name '*.csv' -o -name '*.html' \) -delete
find "$dir/bdn" -type f -name '*.log' -exec gzip -9f {} +
gzip -9f "$dir/stats.tsv" "$dir/alloc-probe.log" 2>/dev/null || true

if [ "$charts" = 1 ]; then
  if ! command -v gnuplot > /dev/null; then
    echo "▶ installing gnuplot-nox (apt)"
    if command -v apt-get > /dev/null && { [ "$(id -u)" = 0 ] && apt-get install -y -qq gnuplot-nox > /dev/null 2>&1 \
         || { [ "$(id -u)" = 0 ] && apt-get update -qq > /dev/null 2>&1 && apt-get install -y -qq gnuplot-nox > /dev/null 2>&1; }; }; then
      echo "  installed"
    else
      echo "  apt-get is unavailable (or not root, or the install failed): continuing without charts"
    fi
  fi
  if command -v gnuplot > /dev/null; then
    (cd "$dir/charts" && for gp in *.gp; do gnuplot "$gp" || status=$?; done)
    echo "  charts: $(cd "$dir/charts" && ls ./*.png | tr '\n' ' ')"
  fi
fi

echo "done in $(( ($(date +%s) - total_start) / 60 )) min: $dir/summary.md (load now $(uptime | sed 's/.*load average: //'))"
exit "$status"
