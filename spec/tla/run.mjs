#!/usr/bin/env node
// Model checks every TLA+ spec of spec/tla with its .cfg, as listed in manifest.json.
//
//   node run.mjs                 every CI check (specs must pass, negative controls must fail
//                                with the expected error)
//   node run.mjs --only Ring     only the checks named Ring or Ring.<anything>; repeatable
//   node run.mjs --trace         print every counterexample: one state per step, the action
//                                that produced it, and only the variables that changed
//   node run.mjs --deep          the larger configurations (each entry's "deepCfg"), for
//                                ./verify.sh --deep
//   node run.mjs --list          list the checks and exit
//
// Exit status 0 only when every check had its expected verdict. A negative control that passes
// is a failure of the run, and so is a control that fails for another reason than the one the
// manifest names (another invariant, a deadlock instead of a violation, a state limit).
//
// The checker is the tla-checker npm package (pinned in package.json), a TLA+ model checker
// compiled to WebAssembly. If TLA2TOOLS_JAR is set, TLC is run instead
// (java -cp $TLA2TOOLS_JAR tlc2.TLC -config X.cfg X.tla) and its verdict parsed from its output.
// The TLC path has not been exercised here (TLC is not installable in this environment); it is
// kept deliberately small.

import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8'));

// ---------------------------------------------------------------- options
const args = process.argv.slice(2);
const opt = { only: [], trace: false, deep: false, list: false };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--only') opt.only.push(args[++i]);
  else if (a.startsWith('--only=')) opt.only.push(a.slice(7));
  else if (a === '--trace') opt.trace = true;
  else if (a === '--deep') opt.deep = true;
  else if (a === '--list') opt.list = true;
  else if (a === '--help' || a === '-h') {
    console.log('usage: node run.mjs [--only NAME]... [--trace] [--deep] [--list]');
    process.exit(0);
  } else {
    console.error(`run.mjs: unknown option ${a}`);
    process.exit(2);
  }
}

const selected = manifest.checks.filter((c) => {
  if (opt.only.length > 0) {
    return opt.only.some((o) => c.name === o || c.name.startsWith(o + '.'));
  }
  return opt.deep ? true : !c.deepOnly;
});
if (selected.length === 0) {
  console.error(`run.mjs: no check matches ${opt.only.join(', ')}`);
  process.exit(2);
}
if (opt.list) {
  for (const c of selected) console.log(`${c.name.padEnd(42)} ${c.spec} ${cfgOf(c)}  ${describeExpect(c.expect)}`);
  process.exit(0);
}

function cfgOf(c) {
  return opt.deep && c.deepCfg ? c.deepCfg : c.cfg;
}

function describeExpect(e) {
  if (e === 'pass') return 'pass';
  if (e.error === 'InvariantViolation') return `fail: invariant ${e.invariant}`;
  return `fail: ${e.error}`;
}

// ---------------------------------------------------------------- .cfg parsing
// The INVARIANT names in order: tla-checker reports "Invariant <k> violated" with k the 0-based
// position in this list.
const CFG_KEYWORDS = new Set(['CONSTANT', 'CONSTANTS', 'INIT', 'NEXT', 'SPECIFICATION', 'INVARIANT',
  'INVARIANTS', 'PROPERTY', 'PROPERTIES', 'CHECK_DEADLOCK', 'SYMMETRY', 'VIEW', 'CONSTRAINT',
  'CONSTRAINTS', 'ACTION_CONSTRAINT', 'ACTION_CONSTRAINTS', 'ALIAS', 'POSTCONDITION']);

function cfgInvariants(text) {
  const clean = text.replace(/\(\*[\s\S]*?\*\)/g, ' ').replace(/\\\*.*$/gm, ' ');
  const out = [];
  let inInv = false;
  for (const tok of clean.split(/\s+/).filter(Boolean)) {
    if (CFG_KEYWORDS.has(tok)) { inInv = tok === 'INVARIANT' || tok === 'INVARIANTS'; continue; }
    if (inInv) out.push(tok);
  }
  return out;
}

// ---------------------------------------------------------------- tla-checker back end
let tla = null;
async function loadChecker() {
  if (tla) return tla;
  const dir = join(here, 'node_modules', 'tla-checker');
  let mod;
  try {
    mod = await import(join(dir, 'tla_checker.js'));
  } catch (e) {
    console.error('run.mjs: tla-checker is not installed; run `npm ci` in spec/tla first');
    process.exit(2);
  }
  mod.initSync({ module: readFileSync(join(dir, 'tla_checker_bg.wasm')) });
  tla = mod;
  return tla;
}

// A trace from check_spec_with_cfg is one string: "State k\n  var = value\n..." per state.
function parseTrace(traceText) {
  const states = [];
  let cur = null;
  for (const line of traceText.split('\n')) {
    if (/^State \d+/.test(line)) { cur = new Map(); states.push(cur); continue; }
    const m = /^ {2}(\w+) = (.*)$/.exec(line);
    if (m && cur) cur.set(m[1], m[2]);
    else if (cur && line.startsWith('    ') && cur.size > 0) {
      const last = [...cur.keys()].pop();
      cur.set(last, cur.get(last) + ' ' + line.trim());
    }
  }
  return states;
}

// Labels each step of a counterexample with the action that produced it, by replaying the trace
// with explore_init / explore_next (the checker's stepping API) and matching the printed states.
function labelTrace(specText, cfgText, states) {
  const sameAs = (display, want) => [...want.entries()].every(([k, v]) => display[k] === v);
  const labels = [];
  try {
    const init = JSON.parse(tla.explore_init(specText, cfgText, '{}'));
    if (!init.ok) return null;
    let cur = init.states.find((s) => sameAs(s.display, states[0]));
    if (!cur) return null;
    for (let i = 1; i < states.length; i++) {
      const next = JSON.parse(tla.explore_next(specText, cfgText, '{}', JSON.stringify(cur.json)));
      if (!next.ok) return null;
      const t = next.transitions.find((tr) => sameAs(tr.state.display, states[i]));
      if (!t) return null;
      labels.push(t.action);
      cur = t.state;
    }
    return labels;
  } catch {
    return null;
  }
}

function runTlaChecker(check, specText, cfgText) {
  const limits = check.limits || {};
  const maxStates = (opt.deep ? limits.deepMaxStates : limits.maxStates) || (opt.deep ? 20000000 : 2000000);
  const t0 = process.hrtime.bigint();
  const raw = tla.check_spec_with_cfg(specText, cfgText, '{}', maxStates, 100000, false, false);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = JSON.parse(raw);
  const res = { states: r.states_explored, seconds, error: r.success ? null : r.error_type, message: r.error_message };
  if (r.error_type === 'InvariantViolation') {
    const m = /Invariant (\d+)/.exec(r.error_message || '');
    const names = cfgInvariants(cfgText);
    res.invariant = m ? (names[Number(m[1])] ?? `#${m[1]}`) : '?';
  }
  if (r.trace && r.trace.length > 0) res.trace = parseTrace(r.trace.join('\n'));
  return res;
}

// ---------------------------------------------------------------- TLC back end (untested here)
function runTlc(check, specPath, cfgPath) {
  const meta = mkdtempSync(join(tmpdir(), 'sluice-tlc-'));
  const t0 = process.hrtime.bigint();
  const p = spawnSync('java', ['-XX:+UseParallelGC', '-cp', process.env.TLA2TOOLS_JAR, 'tlc2.TLC',
    '-workers', 'auto', '-metadir', meta, '-config', cfgPath, specPath],
  { cwd: here, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rmSync(meta, { recursive: true, force: true });
  const out = (p.stdout || '') + (p.stderr || '');
  const distinct = /(\d[\d,]*) distinct states found/.exec(out);
  const res = { states: distinct ? Number(distinct[1].replace(/,/g, '')) : 0, seconds, error: null };
  let m;
  if ((m = /Invariant (\w+) is violated/.exec(out))) { res.error = 'InvariantViolation'; res.invariant = m[1]; }
  else if (/Deadlock reached/.test(out)) res.error = 'Deadlock';
  else if (!/No error has been found/.test(out)) { res.error = 'TLCError'; res.message = out.split('\n').slice(-20).join('\n'); }
  if (res.error && res.error !== 'TLCError') {
    // TLC prints "State k: <Action ...>" followed by "/\ var = value" lines.
    const states = [];
    const labels = [];
    let cur = null;
    let last = null;
    for (const line of out.split('\n')) {
      const h = /^State (\d+): <(\w+)/.exec(line);
      if (h) { cur = new Map(); states.push(cur); if (states.length > 1) labels.push(h[2]); last = null; continue; }
      if (!cur) continue;
      const v = /^\/\\ (\w+) = (.*)$/.exec(line);
      if (v) { cur.set(v[1], v[2]); last = v[1]; }
      else if (line.trim() === '') last = null;
      else if (last && /^\s/.test(line)) cur.set(last, cur.get(last) + ' ' + line.trim());   // TLC wraps long values
    }
    if (states.length > 0) { res.trace = states; res.labels = labels; }
  }
  return res;
}

// ---------------------------------------------------------------- verdicts and printing
function judge(check, res) {
  const e = check.expect;
  if (e === 'pass') return res.error === null;
  if (res.error !== e.error) return false;
  if (e.error === 'InvariantViolation' && res.invariant !== e.invariant) return false;
  return true;
}

function verdictText(res) {
  if (res.error === null) return 'no error';
  if (res.error === 'InvariantViolation') return `invariant ${res.invariant} violated, trace ${res.trace ? res.trace.length : '?'} states`;
  if (res.error === 'Deadlock') return `deadlock, trace ${res.trace ? res.trace.length : '?'} states`;
  return `${res.error}: ${res.message ?? ''}`.trim();
}

// ---- readable traces: parse the checker's printed values so that a step shows only the
// elements that changed (npc[2] = "wake", state.R = TRUE) rather than whole functions.
function splitTop(text, sep) {
  const parts = [];
  let depth = 0;
  let start = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inStr) { if (ch === '\\') i++; else if (ch === '"') inStr = false; continue; }
    if (ch === '"') { inStr = true; continue; }
    const two = text.slice(i, i + 2);
    if (two === '<<') { depth++; i++; continue; }
    if (two === '>>') { depth--; i++; continue; }
    if ('([{'.includes(ch)) { depth++; continue; }
    if (')]}'.includes(ch)) { depth--; continue; }
    if (depth === 0 && text.startsWith(sep, i)) { parts.push(text.slice(start, i).trim()); start = i + sep.length; i += sep.length - 1; }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

// Returns a Map from element key (as printed in a path) to the element's text, or null for a
// value that is not a tuple, function or record.
function elements(text, depth) {
  const t = text.trim();
  // A tuple is split only at the top (per-process arrays); deeper, it is a value (a message).
  if (depth === 0 && t.startsWith('<<') && t.endsWith('>>')) {
    const inner = t.slice(2, -2).trim();
    if (inner === '') return null;
    const items = splitTop(inner, ',');
    return new Map(items.map((v, i) => [`[${i + 1}]`, v]));
  }
  if (t.startsWith('(') && t.endsWith(')') && t.includes(':>')) {
    const entries = splitTop(t.slice(1, -1), '@@');
    const m = new Map();
    for (const e of entries) {
      const kv = splitTop(e, ':>');
      if (kv.length !== 2) return null;
      m.set(`[${kv[0]}]`, kv[1]);
    }
    return m;
  }
  if (t.startsWith('[') && t.endsWith(']') && t.includes('|->')) {
    const m = new Map();
    for (const f of splitTop(t.slice(1, -1), ',')) {
      const kv = splitTop(f, '|->');
      if (kv.length !== 2) return null;
      m.set(`.${kv[0]}`, kv[1]);
    }
    return m;
  }
  return null;
}

function diffValue(path, before, after, out, depth = 0) {
  if (before === after) return;
  const a = elements(before, depth);
  const b = elements(after, depth);
  if (a && b && a.size === b.size && [...a.keys()].every((k) => b.has(k))) {
    for (const [k, v] of b) diffValue(path + k, a.get(k), v, out, depth + 1);
    return;
  }
  out.push(`${path} = ${after}`);
}

function printTrace(res, labels) {
  const states = res.trace;
  let prev = null;
  states.forEach((s, i) => {
    const head = i === 0 ? 'initial state' : (labels && labels[i - 1] ? labels[i - 1] : 'step');
    const changes = [];
    for (const [k, v] of s) {
      if (prev === null) changes.push(`${k} = ${v}`);
      else diffValue(k, prev.get(k) ?? '', v, changes);
    }
    console.log(`      ${String(i).padStart(3)}  ${head.padEnd(22)} ${changes.length === 0 ? '(no change)' : changes[0]}`);
    for (const c of changes.slice(1)) console.log(`      ${' '.repeat(3)}  ${' '.repeat(22)} ${c}`);
    prev = s;
  });
}

const useTlc = Boolean(process.env.TLA2TOOLS_JAR);
if (!useTlc) await loadChecker();
console.log(`tla: ${selected.length} checks with ${useTlc ? 'TLC (' + process.env.TLA2TOOLS_JAR + ')' : 'tla-checker'}${opt.deep ? ', deep configurations' : ''}`);

let ok = 0;
let bad = 0;
let totalStates = 0;
const tStart = process.hrtime.bigint();
for (const check of selected) {
  const cfgFile = cfgOf(check);
  const specText = readFileSync(join(here, check.spec), 'utf8');
  const cfgText = readFileSync(join(here, cfgFile), 'utf8');
  const res = useTlc ? runTlc(check, check.spec, cfgFile) : runTlaChecker(check, specText, cfgText);
  totalStates += res.states;
  const good = judge(check, res);
  if (good) ok++; else bad++;
  const kind = check.expect === 'pass' ? 'spec   ' : 'control';
  const status = good ? (check.expect === 'pass' ? 'ok     ' : 'ok (expected failure)') : 'UNEXPECTED';
  console.log(`${status.padEnd(21)} ${kind} ${check.name.padEnd(40)} ${String(res.states).padStart(8)} states ${res.seconds.toFixed(1).padStart(6)} s  ${verdictText(res)}`);
  if (!good) console.log(`      expected: ${describeExpect(check.expect)}`);
  if (res.trace && (opt.trace || !good)) {
    const labels = res.labels ?? (useTlc ? null : labelTrace(specText, cfgText, res.trace));
    printTrace(res, labels);
  }
}
const secs = Number(process.hrtime.bigint() - tStart) / 1e9;
console.log(`tla: ${selected.length} checks, ${ok} as expected, ${bad} unexpected; ${totalStates} states in ${secs.toFixed(1)} s`);
process.exit(bad === 0 ? 0 : 1);
