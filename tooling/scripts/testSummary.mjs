// Prints the plain closing line "tests: N passed, N failed, N skipped" from vitest's JSON results,
// plus a loud banner for every skipped test so a skip is never mistaken for a pass.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-results.json";
const results = JSON.parse(readFileSync(file, "utf8"));
const skipped = [];
for (const suite of results.testResults ?? []) {
  for (const test of suite.assertionResults ?? []) {
    if (test.status === "skipped" || test.status === "pending" || test.status === "todo") {
      skipped.push(`${suite.name.replace(process.cwd() + "/", "")} > ${test.fullName}`);
    }
  }
}
if (skipped.length > 0) {
  console.log(`\n!!! ${skipped.length} test(s) SKIPPED (not passed):`);
  for (const name of skipped) console.log(`!!!   ${name}`);
}
const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
console.log(`\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(failed > 0 || results.success === false ? 1 : 0);
