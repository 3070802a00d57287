// Reads stage 1's Stryker JSON report (release build + unit tests) and writes the stage-2 Stryker config:
// the checked build (Sluice.Verification, which compiles the same library sources) mutated only on the
// lines where stage 1 left a mutant alive, tested by the systematic suite.
//   node mutation/survivors.mjs <stage1 mutation-report.json> <output config.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [reportPath, outPath] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const spans = new Map();
for (const [file, data] of Object.entries(report.files)) {
  const rel = file.replace(/\\/g, '/').replace(/^.*src\/Channels\//, '');
  for (const m of data.mutants) {
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    const key = rel;
    if (!spans.has(key)) spans.set(key, new Set());
    for (let l = m.location.start.line; l <= m.location.end.line; l++) spans.get(key).add(l);
  }
}
const mutate = [];
for (const [file, lines] of spans) {
  for (const l of [...lines].sort((a, b) => a - b)) mutate.push(`**/${file}{${l}..${l}}`);
}
const config = {
  'stryker-config': {
    project: 'Sluice.Verification.csproj',
    'test-projects': ['../../tests/Systematic/Sluice.Tests.Systematic.csproj'],
    mutate: mutate.length > 0 ? mutate : ['!**/*.cs'],
    'test-case-filter': 'Category=Mutation',
    'coverage-analysis': 'all',
    'mutation-level': 'Standard',
    reporters: ['progress', 'json', 'html'],
    concurrency: 2,
    'additional-timeout': 20000,
    'timeout-ratio': 2,
    thresholds: { high: 90, low: 80, break: 0 },
  },
};
writeFileSync(outPath, JSON.stringify(config, null, 2));
console.log(`stage 2: ${mutate.length} line span(s) in ${spans.size} file(s) with surviving mutants`);
