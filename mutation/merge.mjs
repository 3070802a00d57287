// Merges a Stryker run (stage 1: release build × unit tests) with the rechecks of its survivors (recheck.mjs:
// the systematic suite on the checked build, and the current unit tests): a mutant counts as detected if Stryker
// or any recheck killed it or timed out on it. Prints the score and the remaining survivors, and writes a
// markdown summary.
//   node mutation/merge.mjs <stage1.json> <summary.md> <equivalents.txt|-> [recheck.json ...]
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { norm, mutantKey as key, loadEquivalents } from './mutants.mjs';

const [p1, outPath, equivalentsPath, ...recheckPaths] = process.argv.slice(2);
const load = (p) => (p && p !== '-' && existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : { files: {} });
const r1 = load(p1);
// key → { suite, status } of the first recheck that detected the mutant (or the last verdict if none did).
const rechecks = new Map();
const recheckSuites = new Map(); // path → { suite, tested: mutants it actually ran }
for (const p of recheckPaths) {
  const r = load(p);
  const suite = r.suite ?? 'systematic';
  const entry = { suite, tested: 0 };
  recheckSuites.set(p, entry);
  for (const [file, data] of Object.entries(r.files)) {
    for (const m of data.mutants) {
      if (['Killed', 'Survived', 'Timeout'].includes(m.status)) entry.tested++;
      const k = key(file, m);
      if (!rechecks.has(k) || !['Killed', 'Timeout'].includes(rechecks.get(k).status)) rechecks.set(k, { suite, status: m.status });
    }
  }
}

const findEquivalent = loadEquivalents(equivalentsPath);

const detected = new Set(['Killed', 'Timeout']);
const counts = { killedUnit: 0, killedRecheckUnit: 0, killedChecked: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, equivalentInOutcome: 0, invalid: 0, invalidByRecheck: 0 };
const survivors = [];
for (const [file, data] of Object.entries(r1.files)) {
  for (const m of data.mutants) {
    if (m.status === 'CompileError' || m.status === 'Ignored') { counts.invalid++; continue; }
    if (m.status === 'Killed') { counts.killedUnit++; continue; }
    if (m.status === 'Timeout') { counts.timeout++; continue; }
    const later = rechecks.get(key(file, m));
    // Stryker compiles all mutants at once (mutant schemata), so a mutant that is no program on its own (say
    // `while (false)` before the end of a method that must return) can reach it as NoCoverage or Survived; the
    // recheck compiles the mutant's text alone, and such a mutant is not a valid one.
    if (later && later.status === 'CompileError') { counts.invalid++; counts.invalidByRecheck++; continue; }
    if (later && detected.has(later.status)) {
      if (later.suite === 'unit') counts.killedRecheckUnit++; else counts.killedChecked++;
      continue;
    }
    const eq = findEquivalent(file, m);
    if (eq) {
      counts.equivalent++;
      if (eq.inOutcome) counts.equivalentInOutcome++;
      survivors.push({ file: norm(file), m, why: 'equivalent: ' + eq.why });
      continue;
    }
    if (m.status === 'NoCoverage') counts.noCoverage++; else counts.survived++;
    survivors.push({ file: norm(file), m, why: '' });
  }
}
const detectedCount = counts.killedUnit + counts.killedRecheckUnit + counts.killedChecked + counts.timeout;
const valid = detectedCount + counts.survived + counts.noCoverage + counts.equivalent;
const score = (100 * detectedCount) / Math.max(1, valid);
const scoreExEq = (100 * detectedCount) / Math.max(1, valid - counts.equivalent);
// Excluding only the strict equivalents ("(equivalent)": no execution can tell them apart), counting the
// "(equivalent in outcome)" ones (an extra wake-up, dispatch or lock acquisition) as survivors.
const scoreExStrict = (100 * detectedCount) / Math.max(1, valid - (counts.equivalent - counts.equivalentInOutcome));
const lines = [];
// A recheck that tested nothing (every mutant a compile error, say) must not pass silently as "no kills".
for (const [p, { suite, tested }] of recheckSuites) {
  if (tested === 0) {
    const warning = `⚠ the ${suite} recheck (${p}) tested no mutant; the score below does not include it.`;
    console.error(warning);
    lines.push(warning, '');
  }
}
lines.push(`Mutation score of src/Channels: **${score.toFixed(1)}%** (killed + timeout over valid mutants); ${scoreExEq.toFixed(1)}% with the ${counts.equivalent} documented equivalent mutants excluded; ${scoreExStrict.toFixed(1)}% excluding only the ${counts.equivalent - counts.equivalentInOutcome} strict equivalents (the ${counts.equivalentInOutcome} "equivalent in outcome" counted as survivors).`);
lines.push('');
lines.push('| valid | killed by unit tests (Stryker) | detected by the current unit tests (recheck: killed or timeout) | detected by the systematic suite (checked build: killed or timeout) | timeout | survived | no coverage | equivalent (documented) | compile error / ignored |');
lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
lines.push(`| ${valid} | ${counts.killedUnit} | ${counts.killedRecheckUnit} | ${counts.killedChecked} | ${counts.timeout} | ${counts.survived} | ${counts.noCoverage} | ${counts.equivalent} | ${counts.invalid} |`);
lines.push('');
if (counts.invalidByRecheck > 0) {
  lines.push(`(${counts.invalidByRecheck} of the compile errors are mutants Stryker reported as valid that do not compile on their own; see the recheck report.)`);
  lines.push('');
}
if (survivors.length > 0) {
  lines.push('Survivors:');
  lines.push('');
  lines.push('| file | line | mutator | replacement | status / reason |');
  lines.push('|---|---:|---|---|---|');
  for (const s of survivors) {
    const rep = (s.m.replacement ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 60);
    const later = rechecks.get(key(s.file, s.m));
    const status = later ? `${s.m.status}; ${later.suite} recheck: ${later.status}` : s.m.status;
    lines.push(`| ${s.file} | ${s.m.location.start.line} | ${s.m.mutatorName} | \`${rep}\` | ${s.why || status} |`);
  }
}
const text = lines.join('\n') + '\n';
writeFileSync(outPath, text);
console.log(text);
