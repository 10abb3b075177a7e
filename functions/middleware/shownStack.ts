/**
 * What an error's stack may show once it leaves the function (the platform's own error line,
 * `serverless invoke local`, the log): source-mapped locations, or none. The bundle's own
 * locations (`at no (dist/autoRetry.cjs:77:21908)`) point into minified code and help nobody.
 * `npm run invoke` maps them (NODE_OPTIONS=--enable-source-maps, dist/autoRetry.cjs.map beside
 * the bundle). A deployed function does not: reading the map at start-up adds 5 to 40 ms to a
 * cold start whose budget is 50 ms (README "Stages and invoking locally"), so its stacks carry no location.
 */
import { isDrsAutoRetryError } from '../../lib/errors.js';

/**
 * The stack to show: none for the tool's own errors, whose message says what to do; the stack
 * as it is when node maps it to the sources; otherwise the first line alone, with how to get the
 * locations.
 */
export function shownStack(error: Error): string {
  const head = `${error.name}: ${error.message}`;
  if (isDrsAutoRetryError(error)) return head;
  if (process.sourceMapsEnabled && error.stack !== undefined) return error.stack;
  return `${head}\n    (no source location: the bundle is minified; run it with NODE_OPTIONS=--enable-source-maps and its .map file beside it, as npm run invoke does)`;
}

/** Makes the error show only that stack, wherever it is printed after. */
export function withShownStack(error: unknown): void {
  if (!(error instanceof Error)) return;
  try {
    error.stack = shownStack(error);
  } catch {
    // A frozen error keeps its stack; the log line still carries the shown one.
  }
}
