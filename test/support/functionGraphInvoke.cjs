'use strict';
// Invokes an unpacked FunctionGraph zip the way the runtime does: require its index.js, build a
// context from the RUNTIME_* variables of this process (RUNTIME_USERDATA included) and the
// agency's keys, and await handler(event, context). Run under FunctionGraph's Node by the zip test:
//   node functionGraphInvoke.cjs <index.js> <invocation.json> <result.json>
// invocation.json: { event, agency: { securityAccessKey, securitySecretKey, securityToken, authToken } }
// result.json: { nodeVersion, elapsedMs, timeoutMs, report } or { ..., error: { name, message } }
const { readFileSync, writeFileSync } = require('node:fs');
const { FunctionGraphContext } = require('./functionGraphContext.cjs');

async function main() {
  const [indexJs, invocationFile, resultFile] = process.argv.slice(2);
  const { event, agency = {} } = JSON.parse(readFileSync(invocationFile, 'utf8'));
  const { handler } = require(indexJs);
  const context = new FunctionGraphContext({ funcEnv: process.env, requestID: 'fg-zip-test-request', ...agency });
  const result = { nodeVersion: process.version, timeoutMs: context.getRunningTimeInSeconds() };
  try {
    result.report = await handler(event, context);
  } catch (error) {
    result.error = { name: error?.name, message: error?.message };
  }
  result.elapsedMs = Date.now() - context.startTime;
  writeFileSync(resultFile, JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
