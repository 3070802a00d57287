// Merges the two Stryker stages: a mutant counts as detected if either the unit tests (release build) or the
// systematic suite (checked build) killed it or timed out on it. Prints the score and the remaining survivors,
// and writes a markdown summary.
//   node mutation/merge.mjs <stage1.json> <stage2.json|-> <summary.md> [equivalents.txt]
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const [p1, p2, outPath, equivalentsPath] = process.argv.slice(2);
const norm = (f) => f.replace(/\\/g, '/').replace(/^.*src\/Channels\//, '');
const key = (file, m) => `${norm(file)}|${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}|${m.mutatorName}|${m.replacement ?? ''}`;
const load = (p) => (p && p !== '-' && existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : { files: {} });
const r1 = load(p1);
const r2 = load(p2);
const stage2 = new Map();
for (const [file, data] of Object.entries(r2.files)) for (const m of data.mutants) stage2.set(key(file, m), m.status);

// Equivalent mutants: "file|line|mutator|replacement-prefix  reason" (one per line; # comments).
const equivalents = [];
if (equivalentsPath && existsSync(equivalentsPath)) {
  for (const line of readFileSync(equivalentsPath, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [spec, ...why] = line.split('  ');
    const [file, ln, mutator] = spec.split('|');
    equivalents.push({ file, line: Number(ln), mutator, why: why.join('  ').trim() });
  }
}

const detected = new Set(['Killed', 'Timeout']);
const counts = { killedUnit: 0, killedChecked: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, invalid: 0 };
const survivors = [];
for (const [file, data] of Object.entries(r1.files)) {
  for (const m of data.mutants) {
    if (m.status === 'CompileError' || m.status === 'Ignored') { counts.invalid++; continue; }
    if (m.status === 'Killed') { counts.killedUnit++; continue; }
    if (m.status === 'Timeout') { counts.timeout++; continue; }
    const s2 = stage2.get(key(file, m));
    if (s2 && detected.has(s2)) { counts.killedChecked++; continue; }
    const eq = equivalents.find((e) => norm(file) === e.file && m.location.start.line === e.line && m.mutatorName === e.mutator);
    if (eq) { counts.equivalent++; survivors.push({ file: norm(file), m, why: 'equivalent: ' + eq.why }); continue; }
    if (m.status === 'NoCoverage') counts.noCoverage++; else counts.survived++;
    survivors.push({ file: norm(file), m, why: '' });
  }
}
const valid = counts.killedUnit + counts.killedChecked + counts.timeout + counts.survived + counts.noCoverage + counts.equivalent;
const score = (100 * (counts.killedUnit + counts.killedChecked + counts.timeout)) / Math.max(1, valid);
const scoreExEq = (100 * (counts.killedUnit + counts.killedChecked + counts.timeout)) / Math.max(1, valid - counts.equivalent);
const lines = [];
// Stryker 5.1.0 has been seen to turn every stage-2 mutant into a compile error (its instrumentation of the
// checked build's interpolated-string handlers fails and Safe Mode rolls back whole files): say so rather than
// print a score that silently counts stage 1 only.
const stage2Tested = [...stage2.values()].filter((s) => ['Killed', 'Survived', 'Timeout'].includes(s)).length;
if (p2 && p2 !== '-' && stage2Tested === 0) {
  const warning = '⚠ stage 2 tested no mutant (see its log: compile errors); the score below is stage 1\'s alone.';
  console.error(warning);
  lines.push(warning, '');
}
lines.push(`Mutation score of src/Channels: **${score.toFixed(1)}%** (killed + timeout over valid mutants); ${scoreExEq.toFixed(1)}% with the ${counts.equivalent} documented equivalent mutants excluded.`);
lines.push('');
lines.push('| valid | killed by unit tests | killed by the systematic suite (checked build) | timeout | survived | no coverage | equivalent (documented) | compile error / ignored |');
lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
lines.push(`| ${valid} | ${counts.killedUnit} | ${counts.killedChecked} | ${counts.timeout} | ${counts.survived} | ${counts.noCoverage} | ${counts.equivalent} | ${counts.invalid} |`);
lines.push('');
if (survivors.length > 0) {
  lines.push('Survivors:');
  lines.push('');
  lines.push('| file | line | mutator | replacement | status / reason |');
  lines.push('|---|---:|---|---|---|');
  for (const s of survivors) {
    const rep = (s.m.replacement ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 60);
    lines.push(`| ${s.file} | ${s.m.location.start.line} | ${s.m.mutatorName} | \`${rep}\` | ${s.why || s.m.status} |`);
  }
}
const text = lines.join('\n') + '\n';
writeFileSync(outPath, text);
console.log(text);
