import { parseArgs } from 'node:util';
import { seedDemoProject } from './demoProject.js';
import { startEmulator } from './index.js';

/** `npm run emulator [-- --port N --latency-ms N]`: the demo project on a local origin until Ctrl+C. */

const USAGE = 'Usage: npm run emulator -- [--port N] [--latency-ms N]';

function readNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new TypeError(`Expected --${name} to be an integer from 0 and up, got ${value}`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'latency-ms': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator({
    port: readNumber(values.port, 'port'),
    latencyMs: readNumber(values['latency-ms'], 'latency-ms'),
  });
  const { jobs, topicUrn } = seedDemoProject(emulator);
  const { user, project, accessKey } = emulator.defaults;

  console.log(`DRS/IAM/SMN emulator listening on ${emulator.url}\n`);
  // `export` lines, so that pasting them into a shell reaches the CLI (a plain VAR=… would not).
  console.log('Environment for drs-auto-retry (paste into the shell that runs it):');
  console.log(`export OS_AUTH_URL=${emulator.url}/v3`);
  console.log(`export DRS_ENDPOINT=${emulator.url}`);
  console.log(`export SMN_ENDPOINT=${emulator.url}`);
  console.log(`export OS_PROJECT_ID=${project.id}`);
  console.log(`export OS_USERNAME=${user.name}`);
  console.log(`export OS_USER_DOMAIN_NAME=${user.domain}`);
  console.log(`export OS_PASSWORD='${user.password}'`);
  console.log(`\n# AK/SK instead of a password (unset OS_PASSWORD):\n# export OS_ACCESS_KEY=${accessKey.ak} OS_SECRET_KEY=${accessKey.sk}`);
  console.log(`SMN topic: ${topicUrn}\n`);
  console.log('Demo jobs:');
  for (const job of jobs) {
    console.log(`  ${job.id}  ${job.dbUseType.padEnd(14)} ${job.status.padEnd(24)} ${job.category.padEnd(18)} ${job.note}`);
  }
  console.log('\nCtrl+C stops the emulator.');

  const stop = (signal: string): void => {
    console.log(`\n${signal}: closing the emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exitCode = 1;
});
