#!/usr/bin/env bash
# Sluice — the soundness report, in one command.
#
#   ./verify.sh            build; check the TLA+ specs and their negative controls; run the unit,
#                          systematic (model-checked) and property suites; print the report
#   ./verify.sh --deep     the same with larger bounds (minutes more; not run in CI)
#   ./verify.sh --quick    skip the TLA+ specs and the property suite (a fast local loop)
#   ./verify.sh --orderings  also run the ordering-necessity analysis (15-45 min; tools/OrderingAnalysis)
#   ./verify.sh --mutation   also run Stryker.NET mutation testing (mutation/run.sh; an hour or more)
#
# Needs only the .NET SDK and node/npm (both restore what they need from the registries).
set -uo pipefail
cd "$(dirname "$0")"

DEEP=0
QUICK=0
ORDERINGS=0
MUTATION=0
for arg in "$@"; do
  case "$arg" in
    --deep) DEEP=1 ;;
    --quick) QUICK=1 ;;
    --orderings) ORDERINGS=1 ;;
    --mutation) MUTATION=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "verify.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
[ "$DEEP" = 1 ] && export SLUICE_DEEP=1

OUT=out/verify
rm -rf "$OUT"
mkdir -p "$OUT/trx"
START=$(date +%s)
step() { printf '\n▶ %s  (%ss)\n' "$1" "$(( $(date +%s) - START ))"; }

step "Restoring tools"
if [ -f .config/dotnet-tools.json ] || [ -f dotnet-tools.json ]; then
  dotnet tool restore >/dev/null || { echo "dotnet tool restore failed" >&2; exit 1; }
fi
if [ "$QUICK" = 0 ] && [ -f spec/tla/package-lock.json ]; then
  (cd spec/tla && npm ci --silent --no-audit --no-fund) || { echo "npm ci in spec/tla failed" >&2; exit 1; }
fi

step "Building (Release)"
dotnet build Sluice.slnx -c Release -nologo -v quiet || { echo "build failed" >&2; exit 1; }

TLA_JSON=""
if [ "$QUICK" = 0 ] && [ -f spec/tla/run.mjs ]; then
  step "Checking the TLA+ specifications"
  TLA_ARGS=(--json "$OUT/tla.json")
  [ "$DEEP" = 1 ] && TLA_ARGS+=(--deep)
  node spec/tla/run.mjs "${TLA_ARGS[@]}"
  TLA_JSON="$OUT/tla.json"
fi

for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  if [ "$QUICK" = 1 ] && [[ "$name" == *Property* ]]; then continue; fi
  step "Running $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$OUT/trx" \
    --logger "console;verbosity=minimal" --blame-hang --blame-hang-timeout 20m
done

EXTRA_STATUS=0
if [ "$ORDERINGS" = 1 ]; then
  step "Ordering-necessity analysis (every atomic operation and fence weakened by one step)"
  dotnet run --project tools/OrderingAnalysis -c Release --no-build -- --out "$OUT/orderings" || EXTRA_STATUS=1
fi
if [ "$MUTATION" = 1 ]; then
  step "Mutation testing (Stryker.NET)"
  bash mutation/run.sh || EXTRA_STATUS=1
fi

step "Report"
REPORT_ARGS=(--trx "$OUT/trx")
[ -n "$TLA_JSON" ] && REPORT_ARGS+=(--tla "$TLA_JSON")
dotnet run --project tools/SoundnessReport -c Release --no-build -- "${REPORT_ARGS[@]}" | tee "$OUT/report.txt"
status=${PIPESTATUS[0]}
[ "$EXTRA_STATUS" = 0 ] || status=1
echo "(report saved to $OUT/report.txt; total $(( $(date +%s) - START )) s)"
exit "$status"
