#!/usr/bin/env bash
# ./verify.sh --mutation: Stryker.NET on src/Channels, in two stages (mutation/README.md).
#   1. Sluice.Channels (release build) mutated, tested by tests/Unit (stress tests excluded).
#   2. The lines where a mutant survived, mutated again in Sluice.Verification (the checked build compiles the
#      same sources), tested by the fast systematic subset (Category=Mutation).
# A mutant counts as detected if either stage kills it (or times out). Prints the merged score and the survivors.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=out/mutation
rm -rf "$OUT"
mkdir -p "$OUT"
START=$(date +%s)
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed" >&2; exit 1; }

echo "▶ stage 1: release build × unit tests"
(cd src/Channels && dotnet dotnet-stryker --skip-version-check -f ../../mutation/stryker-unit.json -O ../../$OUT/stage1) || { echo "stage 1 failed" >&2; exit 1; }
R1=$(find "$OUT/stage1" -name mutation-report.json | head -1)
[ -n "$R1" ] || { echo "stage 1 wrote no JSON report" >&2; exit 1; }

echo "▶ stage 2: surviving lines, checked build × systematic subset"
node mutation/survivors.mjs "$R1" "$OUT/stage2-config.json"
(cd src/Channels.Verification && dotnet dotnet-stryker --skip-version-check -f ../../$OUT/stage2-config.json -O ../../$OUT/stage2) || echo "stage 2 failed: the score below counts stage 1 only" >&2
R2=$(find "$OUT/stage2" -name mutation-report.json 2>/dev/null | head -1)

echo "▶ merged result"
node mutation/merge.mjs "$R1" "${R2:--}" "$OUT/summary.md" mutation/equivalents.txt
echo "(stage reports under $OUT; summary $OUT/summary.md; total $(( ($(date +%s) - START) / 60 )) min)"
