#!/usr/bin/env bash
# ./verify.sh --mutation: mutation testing of src/Channels, in two stages (mutation/README.md).
#   1. Stryker.NET: Sluice.Channels (release build) mutated, tested by tests/Unit (stress tests excluded).
#   2. recheck.mjs: each mutant stage 1 left alive, applied to the checked build (Sluice.Verification compiles the
#      same sources) and tested by the fast systematic subset (Category=Mutation).
# A mutant counts as detected if either stage kills it (or times out). Prints the merged score and the survivors.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=out/mutation
rm -rf "$OUT"
mkdir -p "$OUT"
START=$(date +%s)
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed" >&2; exit 1; }

# Stage 1 runs once per file group, so every finished group leaves its report (and its time) behind even
# when a long run is stopped; the groups must not overlap (combine.mjs refuses a file mutated twice).
FILE_GROUPS=(
  "Mpsc/Ring.cs Mpsc/ReceiverWaker.cs Mpsc/SenderWaiterList.cs"
  "Mpsc/BoundedChannelCore.cs"
  "Internal/*.cs"
  "Mpsc/SendWaiter.cs Mpsc/ReceiveOperation.cs Mpsc/ThreadWaker.cs Mpsc/IWakeable.cs"
  "" # the rest: every other file outside Sync/ (the public surface), so a new file is never left out
)
GROUP_REPORTS=()
for i in "${!FILE_GROUPS[@]}"; do
  g=$((i + 1))
  patterns=()
  if [ -n "${FILE_GROUPS[$i]}" ]; then
    read -ra files <<< "${FILE_GROUPS[$i]}" # no glob expansion: Stryker matches the patterns
    for f in "${files[@]}"; do patterns+=(-m "$f"); done
  else
    patterns+=(-m "**/*.cs" -m "!Sync/**/*.cs")
    for other in "${FILE_GROUPS[@]}"; do
      read -ra files <<< "$other"
      for f in "${files[@]}"; do patterns+=(-m "!$f"); done
    done
  fi
  t0=$(date +%s)
  echo "▶ stage 1, group $g/${#FILE_GROUPS[@]}: release build × unit tests: ${FILE_GROUPS[$i]:-every other file}"
  (cd src/Channels && dotnet dotnet-stryker --skip-version-check -f ../../mutation/stryker-unit.json -O "../../$OUT/stage1-group$g" "${patterns[@]}") \
    > "$OUT/stage1-group$g.log" 2>&1 || { echo "stage 1 group $g failed (log: $OUT/stage1-group$g.log)" >&2; exit 1; }
  r=$(find "$OUT/stage1-group$g" -name mutation-report.json | head -1)
  [ -n "$r" ] || { echo "stage 1 group $g wrote no JSON report (log: $OUT/stage1-group$g.log)" >&2; exit 1; }
  GROUP_REPORTS+=("$r")
  echo "  group $g done in $(( $(date +%s) - t0 )) s, stage-1 score $(node mutation/merge.mjs "$r" /dev/null mutation/equivalents.txt | grep -o -m1 '[0-9.]*%' | head -1)"
done
R1="$OUT/stage1-report.json"
node mutation/combine.mjs "$R1" "${GROUP_REPORTS[@]}" || exit 1

echo "▶ stage 2: each surviving mutant, checked build × systematic subset"
t0=$(date +%s)
R2="$OUT/stage2-systematic.json"
node mutation/recheck.mjs --suite systematic "$R1" "$R2" mutation/equivalents.txt | tee "$OUT/stage2.log" \
  || echo "stage 2 failed (log: $OUT/stage2.log): the score below counts what it finished" >&2
echo "  stage 2 done in $(( $(date +%s) - t0 )) s"

echo "▶ merged result"
node mutation/merge.mjs "$R1" "$OUT/summary.md" mutation/equivalents.txt "$R2"
echo "(stage reports under $OUT; summary $OUT/summary.md; total $(( ($(date +%s) - START) / 60 )) min)"
