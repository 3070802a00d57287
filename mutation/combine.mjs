// Combines the stage-1 reports of the file groups (mutation/run.sh runs Stryker once per group, so a long
// run leaves every finished group's report behind) into one report with the union of their files.
//   node mutation/combine.mjs <output.json> <group report.json>...
import { readFileSync, writeFileSync } from 'node:fs';

const [outPath, ...inputs] = process.argv.slice(2);
if (!outPath || inputs.length === 0) {
  console.error('usage: node mutation/combine.mjs <output.json> <group report.json>...');
  process.exit(2);
}
let combined = null;
for (const path of inputs) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  if (combined === null) combined = { ...report, files: {} };
  for (const [file, data] of Object.entries(report.files)) {
    // A file mutated by two groups would be counted twice: the groups must not overlap.
    if (combined.files[file] && data.mutants.length > 0 && combined.files[file].mutants.length > 0) {
      console.error(`combine: ${file} was mutated by more than one group; fix the groups in mutation/run.sh`);
      process.exit(1);
    }
    if (!combined.files[file] || data.mutants.length > 0) combined.files[file] = data;
  }
}
writeFileSync(outPath, JSON.stringify(combined));
const mutants = Object.values(combined.files).reduce((n, f) => n + f.mutants.length, 0);
console.log(`combined ${inputs.length} group report(s): ${Object.keys(combined.files).length} files, ${mutants} mutants`);
