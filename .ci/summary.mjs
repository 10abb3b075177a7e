// Prints what a vitest run left in its JSON report, for CI logs that are read from the bottom:
// one line of counts, then each failure with its message. A file whose beforeAll failed shows its
// tests as skipped, and its error only here (and in vitest's "Failed Suites"), never as a failed test.
// Usage: node .ci/summary.mjs REPORT.json EXIT_STATUS [LABEL] [LOG_FILE]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [reportFile, exitStatus = '0', label = '', logFile = ''] = process.argv.slice(2);
// vitest's and node's own frames say nothing about the failure.
const noise = /^\s+at .*(node_modules\/|node:internal|<anonymous>)/;
const firstLines = (text, n = 12) =>
  text.split('\n').filter((line) => !noise.test(line)).slice(0, n).map((line) => `    ${line}`).join('\n');

let report;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch (error) {
  console.log(`${label}no test report (${String(error)}); vitest exited ${exitStatus}${logFile ? `: see ${logFile}` : ''}`);
  process.exit(0);
}

const skipped = report.numPendingTests + report.numTodoTests;
const failedFiles = report.testResults.filter((file) => file.status === 'failed');
console.log(
  `${label}${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped; `
    + `${failedFiles.length} of ${report.testResults.length} files failed`,
);
for (const file of failedFiles) {
  const name = relative(process.cwd(), file.name);
  if (file.message) console.log(`  FAILED ${name} (its tests did not run):\n${firstLines(file.message, 40)}`);
  for (const test of file.assertionResults.filter((t) => t.status === 'failed')) {
    console.log(`  FAILED ${name} > ${test.ancestorTitles.concat(test.title).join(' > ')}\n${firstLines(test.failureMessages.join('\n'))}`);
  }
}
if (exitStatus !== '0' && failedFiles.length === 0) {
  console.log(`  vitest exited ${exitStatus} with no failed file: look for "Unhandled Errors" in ${logFile || 'its output above'}`);
}
