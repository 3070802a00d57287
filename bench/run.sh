#!/usr/bin/env bash
# Sluice benchmark suite (see bench/README.md).
#
#   bench/run.sh --quick    every workload, fewer parameter values, warm-up to convergence (<= 5 s per case)
#                           + 2 warm-up + 5 iterations, full sizes -> bench/results/<date>-<machine>/
#   bench/run.sh            full: every parameter value, warm-up to convergence (<= 10 s per case) + 3 warm-up
#                           + 7 iterations
#   bench/run.sh --smoke    CI smoke: the same steps at tiny sizes, one iteration, in process (one class out
#                           of process); every workload and variant; checksums verified; exit non-zero on
#                           any failure; last line "bench smoke: PASSED|FAILED ..."  (< 1 min)
#
# Options: --only <Workload,...> (Funnel, Pinball, Spsc, SpscDrain, PingPong, FanIn, TryPair; default all),
#          --out <dir> (results directory), --no-charts, --no-probe (skip the allocation probe).
# Environment: SLUICE_BENCH_MACHINE names the machine in the results directory (default: the host name).
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
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

export SLUICE_BENCH_SIZE=$mode
# BenchmarkDotNet warns when the build sits under the temp folder; keep its scratch files elsewhere.
export TMPDIR="$ROOT/out/bench-tmp"
mkdir -p "$TMPDIR"

# `uptime` may be missing on a bare CI image: the load is a record, never a reason to fail.
load() { uptime 2>/dev/null | sed 's/.*load average: //' || echo "?"; }

status=0
dir=
total_start=$(date +%s)
failed_steps=()
# The last line, whatever happened (a failed build included): PASSED/FAILED, the time, where the results are.
finish() {
  local rc=$?
  [ "$rc" = 0 ] && [ "$status" != 0 ] && rc=$status
  local secs=$(( $(date +%s) - total_start ))
  local took="${secs} s"
  [ "$secs" -ge 120 ] && took="$((secs / 60)) min $((secs % 60)) s"
  local what="bench $mode"
  local failed=""
  [ ${#failed_steps[@]} -gt 0 ] && failed=" in: ${failed_steps[*]}"
  if [ "$rc" = 0 ]; then
    echo "$what: PASSED (every case ran and verified its checksums) in ${took}${dir:+; results: $dir}"
  else
    echo "$what: FAILED (exit $rc)$failed in ${took}${dir:+; see $dir}"
  fi
  exit "$rc"
}
trap finish EXIT

echo "▶ build (Release)"
dotnet build bench/Sluice.Benchmarks.csproj -c Release -nologo -v quiet
BENCH=(dotnet "$ROOT/bench/bin/Release/net10.0/Sluice.Benchmarks.dll")

# The suite's own rules on fixed inputs (the converged warm-up's flatness test): a wrong rule fails the run.
echo "▶ selftest"
if selftest=$("${BENCH[@]}" selftest 2>&1); then
  echo "  $(printf '%s\n' "$selftest" | tail -1)"
else
  printf '%s\n' "$selftest" | sed 's/^/  /'
  status=1; failed_steps+=("selftest")
fi

if [ "$mode" = smoke ]; then
  dir=${out:-out/bench-smoke}
  rm -rf "$dir"
else
  # bench/results/<date>-<machine>/; never overwrite an earlier run: a later run the same day gets the suffix after
  # the highest one there (-2, -3, ...), so the day's runs sort in the order they were made even if one was renamed
  machine=${SLUICE_BENCH_MACHINE:-$(hostname -s 2>/dev/null || cat /etc/hostname 2>/dev/null || echo machine)}
  machine=$(printf '%s' "$machine" | tr -c 'A-Za-z0-9._-' '-')
  base=${out:-bench/results/$(date +%Y-%m-%d)-$machine}
  dir=$base
  if [ -z "$out" ]; then
    last=0
    if [ -e "$base" ]; then last=1; fi
    for d in "$base"-*; do
      suffix=${d##"$base"-}
      if [[ "$suffix" =~ ^[0-9]+$ ]] && [ "$suffix" -gt "$last" ]; then last=$suffix; fi
    done
    if [ "$last" -gt 0 ]; then dir="$base-$((last + 1))"; fi
  fi
  [ -n "$out" ] && rm -rf "$dir"
fi
mkdir -p "$dir/bdn"
dir=$(cd "$dir" && pwd)

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src bench 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "mode: $mode (SLUICE_BENCH_SIZE=$mode)"
  echo "host: ${machine:-$(hostname)}"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) logical cores"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "runtime: $(dotnet --list-runtimes | grep Microsoft.NETCore.App | awk '{print $2}' | tr '\n' ' ')(SDK $(dotnet --version))"
  echo "gc: workstation, concurrent (defaults); tiered compilation and dynamic PGO on (defaults)"
  echo "load at start: $(load)"
} > "$dir/machine.txt"
[ "$mode" = smoke ] || cat "$dir/machine.txt"
[ "$mode" = quick ] && echo "expected duration on an idle 2-core machine: about 10-15 min"
[ "$mode" = full ] && echo "expected duration on an idle 2-core machine: about 18 min (17 min 29 s measured 2026-11-21, run -7)"

classes=(FunnelBenchmarks PinballBenchmarks SpscBenchmarks SpscDrainBenchmarks PingPongBenchmarks FanInBenchmarks TryPairBenchmarks)
# The smoke also runs the shim micro-benchmarks (they only have to run), and runs TryPair out of process:
# the toolchain the measurements use (a generated project per class, a process per case) must build and run.
[ "$mode" = smoke ] && [ -z "$only" ] && classes+=(ShimOverheadBenchmarks)
: > "$dir/load.tsv"
for class in "${classes[@]}"; do
  if [ -n "$only" ] && [[ "$only" != *",${class%Benchmarks},"* ]]; then continue; fi
  before=$(load)
  start=$(date +%s)
  oop=0
  [ "$mode" = smoke ] && [ "$class" = TryPairBenchmarks ] && oop=1
  echo "▶ $class (load $before)$([ "$oop" = 1 ] && echo ', out of process')"
  SLUICE_BENCH_OUT_OF_PROCESS=$oop SLUICE_BENCH_STATS="$dir/stats.tsv" SLUICE_BENCH_WARMUP="$dir/warmup.tsv" "${BENCH[@]}" --filter "*.$class.*" --artifacts "$dir/bdn/$class" \
    > "$dir/bdn/$class.log" 2>&1 || { status=1; failed_steps+=("$class"); echo "  FAILED (see $dir/bdn/$class.log):"; }
  grep -oE "CHECKSUM FAILED: .*" "$dir/bdn/$class.log" | sort -u | head -5 | sed 's/^/    /' || true
  after=$(load)
  printf '%s\t%s\t%s\n' "${class%Benchmarks}" "$before" "$after" >> "$dir/load.tsv"
  echo "  $(grep -E "case\(s\)(: all ran| FAILED)" "$dir/bdn/$class.log" | tail -1 || echo "no result line") ($(( $(date +%s) - start )) s)"
done

# The smoke also runs BenchmarkDotNet's own dry job over every benchmark (`--job dry --inProcess`): the path
# where the command line names the job (BenchConfig keeps its columns and exporters, drops its own job) must not
# rot either. No stats are logged, and its reports go outside bdn/ (the summary reads only the suite's own); a
# failed checksum or a hang fails the step like any other.
if [ "$mode" = smoke ] && [ -z "$only" ]; then
  start=$(date +%s)
  echo "▶ BenchmarkDotNet dry job (--job dry --inProcess, every benchmark)"
  "${BENCH[@]}" --job dry --inProcess --filter "*" --artifacts "$dir/dry-job" > "$dir/dry-job.log" 2>&1 \
    || { status=1; failed_steps+=("dry-job"); echo "  FAILED (see $dir/dry-job.log):"; }
  grep -oE "CHECKSUM FAILED: .*" "$dir/dry-job.log" | sort -u | head -5 | sed 's/^/    /' || true
  echo "  $(grep -E "case\(s\)(: all ran| FAILED)" "$dir/dry-job.log" | tail -1 || echo "no result line") ($(( $(date +%s) - start )) s)"
fi

if [ "$probe" = 1 ]; then
  before=$(load)
  start=$(date +%s)
  echo "▶ allocation probe (load $before)"
  "${BENCH[@]}" alloc-probe "$dir/alloc-probe.tsv" ${only:+"${only:1:-1}"} > "$dir/alloc-probe.log" 2>&1 \
    || { status=1; failed_steps+=("alloc-probe"); echo "  FAILED (see $dir/alloc-probe.log):"; grep -E "^FAILED" "$dir/alloc-probe.log" | head -5 | sed 's/^/    /' || true; }
  printf '%s\t%s\t%s\n' "allocation probe" "$before" "$(load)" >> "$dir/load.tsv"
  echo "  $(( $(wc -l < "$dir/alloc-probe.tsv") - 1 )) case(s) ($(( $(date +%s) - start )) s)"
fi

echo "▶ summary"
"${BENCH[@]}" summarize "$dir" || { status=1; failed_steps+=("summarize"); }
[ -s "$dir/summary.md" ] && grep -q "ratio to the best BCL variant" "$dir/summary.md" \
  || { status=1; failed_steps+=("summary.md"); echo "  no ratio tables in $dir/summary.md"; }

# Keep the reports (markdown, JSON), the logs and the raw per-invocation stats (compressed); drop
# BenchmarkDotNet's CSV/HTML duplicates.
find "$dir/bdn" -type f \( -name '*.csv' -o -name '*.html' \) -delete
find "$dir/bdn" -type f -name '*.log' -exec gzip -9f {} +
gzip -9f "$dir/stats.tsv" "$dir/alloc-probe.log" 2>/dev/null || true

if [ "$charts" = 1 ]; then
  if ! command -v gnuplot > /dev/null && [ "$mode" != smoke ]; then
    echo "▶ installing gnuplot-nox (apt)"
    if command -v apt-get > /dev/null && { [ "$(id -u)" = 0 ] && apt-get install -y -qq gnuplot-nox > /dev/null 2>&1 \
         || { [ "$(id -u)" = 0 ] && apt-get update -qq > /dev/null 2>&1 && apt-get install -y -qq gnuplot-nox > /dev/null 2>&1; }; }; then
      echo "  installed"
    else
      echo "  apt-get is unavailable (or not root, or the install failed): continuing without charts"
    fi
  fi
  if [ ! -d "$dir/charts" ]; then
    echo "▶ charts: none (no summary)"
  elif command -v gnuplot > /dev/null; then
    echo "▶ charts"
    (cd "$dir/charts" && for gp in *.gp; do gnuplot "$gp" 2>> gnuplot.log || exit 1; done) || { status=1; failed_steps+=("charts"); }
    echo "  $(cd "$dir/charts" && ls ./*.png 2>/dev/null | tr '\n' ' ')"
  elif [ "$mode" = smoke ]; then
    echo "▶ charts: skipped (no gnuplot; the smoke does not install it)"
  fi
fi

[ "$mode" = smoke ] || echo "summary: $dir/summary.md (load now $(load))"
exit "$status"
