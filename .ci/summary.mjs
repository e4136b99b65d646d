// Prints the closing line CI is read by: "N passed, N failed", from vitest's JSON report.
import { existsSync, readFileSync } from 'node:fs';

const [report, status] = process.argv.slice(2);
if (!existsSync(report)) {
  // Typecheck or lint failed before any test ran.
  console.log(`0 passed, ${status === '0' ? 0 : 1} failed`);
} else {
  const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(
    readFileSync(report, 'utf8'),
  );
  const skipped = numPendingTests + numTodoTests;
  console.log(`${numPassedTests} passed, ${numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
