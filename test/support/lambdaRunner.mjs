// Runs the built Lambda handler (dist/autoRetry.cjs) once, as the Lambda runtime would: a fresh
// process, a context whose remaining time really runs down, stdout as the function's log.
//   node test/support/lambdaRunner.mjs <event.json> <result.json> <remaining ms>
// The returned value (or the thrown error) goes to <result.json>, so stdout holds only log lines.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [eventFile, resultFile, remaining] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const { handler } = (await import(pathToFileURL(join(process.cwd(), 'dist', 'autoRetry.cjs')).href)).default;

const started = Date.now();
const endsAt = started + Number(remaining);
const context = {
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  functionName: 'drs-auto-retry-test-autoRetry',
  getRemainingTimeInMillis: () => endsAt - Date.now(),
};
let result;
try {
  result = { ok: true, value: await handler(event, context) };
} catch (error) {
  result = { ok: false, error: { name: error.name, message: error.message, code: error.code } };
}
// The files beside the bundle that the run loaded (scripts/bundleOptions.mjs, SIDE_FILES).
const dist = join(process.cwd(), 'dist');
const besides = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.startsWith(`${dist}/`)).map((file) => basename(file)).filter((file) => file !== 'autoRetry.cjs').sort();
writeFileSync(resultFile, JSON.stringify({ ...result, elapsedMs: Date.now() - started, besides }));
// Lambda freezes the process after the return; here open keep-alive sockets must not hold it.
process.exit(0);
