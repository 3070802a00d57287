// What merge.mjs and recheck.mjs share about mutants: a file's path under src/Channels, a mutant's identity
// across reports (Stryker's and the rechecks'), and the documented equivalents (equivalents.txt).
import { readFileSync, existsSync } from 'node:fs';

/** The path under src/Channels/, with forward slashes, whatever the report's absolute path. */
export const norm = (file) => file.replace(/\\/g, '/').replace(/^.*src\/Channels\//, '');

/** A mutant's identity: file, exact span, mutator and replacement (ids differ between reports). */
export const mutantKey = (file, m) =>
  `${norm(file)}|${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}|${m.mutatorName}|${m.replacement ?? ''}`;

/**
 * Reads equivalents.txt ("file|line[:column]|Mutator  reason", # comments); returns a finder that gives the
 * entry ({ file, line, column, mutator, why, inOutcome }) matching a mutant, or undefined.
 */
export function loadEquivalents(path) {
  const entries = [];
  if (path && existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      const [spec, ...why] = line.split('  ');
      const [file, at, mutator] = spec.split('|');
      const [ln, col] = at.split(':');
      const reason = why.join('  ').trim();
      entries.push({ file, line: Number(ln), column: col ? Number(col) : undefined, mutator, why: reason, inOutcome: reason.startsWith('(equivalent in outcome)') });
    }
  }
  return (file, m) => entries.find((e) => e.file === norm(file) && e.line === m.location.start.line && e.mutator === m.mutatorName
    && (e.column === undefined || e.column === m.location.start.column));
}
