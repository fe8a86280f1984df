// Prints vitest's JSON report as a count per conformance backend, then one plain closing line:
// "tests: N passed, N failed, N skipped". Exits non-zero when a test failed or none ran.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const suites = new Map();
for (const file of report.testResults ?? []) {
  for (const test of file.assertionResults ?? []) {
    const suite = (test.ancestorTitles ?? []).find((t) => t.startsWith('quantlab conformance: '));
    if (!suite) continue;
    const counts = suites.get(suite) ?? { passed: 0, failed: 0, skipped: 0 };
    if (test.status === 'passed') counts.passed++;
    else if (test.status === 'failed') counts.failed++;
    else counts.skipped++;
    suites.set(suite, counts);
  }
}
for (const [suite, c] of [...suites].sort()) {
  console.log(`${suite}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0 || report.success === false) process.exit(1);
