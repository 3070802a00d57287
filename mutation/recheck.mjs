// Re-checks the mutants a Stryker run left alive, by applying each one's text to a scratch copy of the sources,
// rebuilding, and running a test suite against it. Two uses (mutation/README.md):
//   --suite systematic  stage 2 of ./verify.sh --mutation: the checked build (Sluice.Verification compiles the same
//                       files) × the fast systematic subset (Category=Mutation), for what only a schedule exposes.
//   --suite unit        the release build × the current unit tests (Category!=Stress): after tests were added,
//                       re-judges the last Stryker run's survivors without re-running all of Stryker.
//   node mutation/recheck.mjs --suite <unit|systematic> <stryker mutation-report.json> <output.json> [equivalents.txt]
//        [--include-equivalents] [--only <earlier recheck output.json>: skip the mutants it already detected]
//        [--files Mpsc/A.cs,Internal/B.cs: only those files' mutants]
// Writes <output.json> in the shape merge.mjs reads (Stryker's: files → mutants with location, mutatorName,
// replacement, status), plus killedBy (the failing tests) and the first failure line, after every mutant.
//
// Why not Stryker for recheck: Stryker 5.1.0 does not mutate files a project links from outside its folder (the
// checked build's `Compile Include="../Channels/**"`), and its instrumentation of the checker's own files fails
// to compile (CS1620 on interpolated-string handlers). Applying the mutant's text directly needs neither, and a
// mutant here is exactly the text Stryker reported, so every stage judges the same program change.
import { cpSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { norm, mutantKey, loadEquivalents } from './mutants.mjs';

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const suite = option('--suite');
const onlyPath = option('--only');
const filesOption = option('--files'); // comma-separated paths under src/Channels: recheck only those files' mutants
const includeEquivalents = args.includes('--include-equivalents');
const [reportPath, outPath, equivalentsPath] = args.filter((a) => !a.startsWith('--'));
if (!['unit', 'systematic'].includes(suite) || !reportPath || !outPath) {
  console.error('usage: node mutation/recheck.mjs --suite <unit|systematic> <stryker mutation-report.json> <output.json> [equivalents.txt] [--include-equivalents] [--only <earlier output.json>]');
  process.exit(2);
}
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tree = path.resolve(path.dirname(outPath), `tree-${suite}`);
const SUITES = {
  // The broken twins are off: they recompile the library six times per build, and a mutant may break a twin's pattern.
  systematic: { dirs: ['src/Channels', 'src/Channels.Verification', 'tests/Systematic'], project: 'tests/Systematic/Sluice.Tests.Systematic.csproj',
    properties: ['-p:SluiceBrokenTwins=false'], configuration: 'Debug', filter: 'Category=Mutation' },
  // Release, as Stryker's stage 1 builds it (Debug.Assert compiled out).
  unit: { dirs: ['src/Channels', 'tests/Unit'], project: 'tests/Unit/Sluice.Channels.Tests.Unit.csproj', properties: [], configuration: 'Release', filter: 'Category!=Stress' },
};
const { dirs, project, properties, configuration, filter } = SUITES[suite];
const testProject = path.join(tree, project);

const isEquivalent = loadEquivalents(equivalentsPath);

// Runs a command in its own process group, so a timeout can kill the test host too.
function run(cmd, cmdArgs, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd: tree, detached: true, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ } }, timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out, timedOut }); });
  });
}
// Warnings stay warnings: a mutant such as `if (x) ;` (a removed throw) is a valid program that the repository's
// warnings-as-errors setting would otherwise reject; Stryker compiled it too.
const build = () => run('dotnet', ['build', testProject, '-c', configuration, ...properties, '-p:TreatWarningsAsErrors=false', '--no-restore', '-v', 'q', '-nologo'], 600_000);
const test = (timeoutMs) => run('dotnet', ['test', testProject, '-c', configuration, '--no-build', '--filter', filter, '-nologo'], timeoutMs);
// "Failed Namespace.Class.Test [12 ms]" or, for a theory case, "Failed Namespace.Class.Test(x: 1) [12 ms]".
const failedTests = (out) => [...new Set([...out.matchAll(/^\s*Failed ([^\s(]+)(\([^\n]*\))? \[/gm)].map((m) => m[1].split('.').pop() + (m[2] ?? '')))];
const firstFailure = (out) => {
  const m = out.match(/Error Message:\s*\n\s*(.+)/);
  return m ? m[1].trim().slice(0, 300) : '';
};

// 1. A scratch copy of what the build and the suite need (never the working tree itself).
rmSync(tree, { recursive: true, force: true });
mkdirSync(tree, { recursive: true });
const skipBuildOutput = (src) => !/[\\/](bin|obj)$/.test(src);
for (const p of [...dirs, 'Directory.Build.props', 'Directory.Packages.props', 'global.json']) {
  cpSync(path.join(repo, p), path.join(tree, p), { recursive: true, filter: skipBuildOutput });
}
let r = await run('dotnet', ['restore', testProject, ...properties, '-v', 'q'], 600_000);
if (r.code !== 0) { console.error(`recheck: restore failed\n${r.out}`); process.exit(1); }

// 2. Baseline: the unmutated build must pass the suite; its time sets the timeout.
r = await build();
if (r.code !== 0) { console.error(`recheck: the unmutated checked build does not compile\n${r.out}`); process.exit(1); }
let t0 = Date.now();
r = await test(600_000);
const baselineMs = Date.now() - t0;
if (r.code !== 0) { console.error(`recheck: the ${suite} suite fails on the unmutated code\n${r.out}`); process.exit(1); }
const timeoutMs = Math.max(30_000, 3 * baselineMs + 20_000);
console.log(`recheck: baseline passes in ${(baselineMs / 1000).toFixed(1)} s; timeout per mutant ${(timeoutMs / 1000).toFixed(0)} s`);

// 3. One mutant at a time.
const stage1 = JSON.parse(readFileSync(reportPath, 'utf8'));
const alreadyDetected = new Set();
if (onlyPath) {
  for (const [file, data] of Object.entries(JSON.parse(readFileSync(onlyPath, 'utf8')).files))
    for (const m of data.mutants) if (m.status === 'Killed' || m.status === 'Timeout') alreadyDetected.add(mutantKey(file, m));
}
const todo = [];
for (const [file, data] of Object.entries(stage1.files)) {
  for (const m of data.mutants) {
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    if (!includeEquivalents && isEquivalent(file, m)) continue;
    if (alreadyDetected.has(mutantKey(file, m))) continue;
    if (filesOption && !filesOption.split(',').includes(norm(file))) continue;
    todo.push({ file, source: data.source, m });
  }
}
const result = { schemaVersion: '1', suite, thresholds: { high: 90, low: 80 }, files: {} };
const counts = {};
const start = Date.now();
for (const [i, { file, source, m }] of todo.entries()) {
  const rel = norm(file);
  const target = path.join(tree, 'src/Channels', rel);
  const original = readFileSync(target, 'utf8');
  if (original.replace(/\r\n/g, '\n') !== source.replace(/\r\n/g, '\n')) {
    console.error(`recheck: ${rel} differs from the source stage 1 mutated; the stage-1 report is stale (re-run stage 1).`);
    process.exit(1);
  }
  const lines = original.split('\n');
  const { start: s, end: e } = m.location;
  const before = lines.slice(0, s.line - 1).join('\n') + (s.line > 1 ? '\n' : '') + lines[s.line - 1].slice(0, s.column - 1);
  const after = lines[e.line - 1].slice(e.column - 1) + (e.line < lines.length ? '\n' : '') + lines.slice(e.line).join('\n');
  const entry = { id: m.id, mutatorName: m.mutatorName, replacement: m.replacement, location: m.location, stage1Status: m.status };
  t0 = Date.now();
  try {
    writeFileSync(target, before + m.replacement + after);
    const b = await build();
    if (b.code !== 0) {
      entry.status = 'CompileError';
      entry.statusReason = (b.out.match(/error CS\d+:[^\n[]*/) ?? [''])[0].trim();
    } else {
      const t = await test(timeoutMs);
      if (t.timedOut) entry.status = 'Timeout';
      else if (t.code === 0) entry.status = 'Survived';
      else {
        const failed = failedTests(t.out);
        entry.status = failed.length > 0 ? 'Killed' : 'RuntimeError';
        entry.killedBy = failed;
        entry.statusReason = failed.length > 0 ? firstFailure(t.out) : t.out.slice(-500);
      }
    }
  } finally {
    writeFileSync(target, original);
  }
  entry.durationMs = Date.now() - t0;
  counts[entry.status] = (counts[entry.status] ?? 0) + 1;
  (result.files[file] ??= { language: 'cs', source, mutants: [] }).mutants.push(entry);
  const by = entry.killedBy?.length ? ` by ${entry.killedBy.join(', ')}` : '';
  console.log(`[${i + 1}/${todo.length}] ${rel}:${s.line} ${m.mutatorName} → ${entry.status}${by} (${(entry.durationMs / 1000).toFixed(1)} s)`);
  writeFileSync(outPath, JSON.stringify(result, null, 1)); // after every mutant: a stopped run keeps its results
}
// The tree ends unmutated; rebuild it so a later look at it finds the real code.
await build();
console.log(`recheck (${suite}): ${todo.length} mutants in ${((Date.now() - start) / 60000).toFixed(1)} min: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
