import { parseArgs } from 'node:util';
import { DEFAULT_EMULATOR_PORT, DEFAULT_PROJECT, DEFAULT_USER } from './defaults.js';
import { demoTopicUrn } from './demoProject.js';
import { startEmulator } from './index.js';
import { parseScenarios, seedScenario, SCENARIO_NAMES, type ScenarioJob } from './scenarios.js';
import type { Emulator } from './types.js';

/**
 * `npm run emulator [-- --port N --latency-ms N --scenario NAME]`: IAM, DRS and SMN with a seeded
 * project on 127.0.0.1 until Ctrl+C, SIGTERM, or the death of the process that started it.
 */

const USAGE = `Usage: npm run emulator -- [--port N] [--latency-ms N] [--scenario ${SCENARIO_NAMES.join('|')}|all] [--print-env]
  --port N        TCP port on 127.0.0.1 (default ${DEFAULT_EMULATOR_PORT}; 0 picks a free one)
  --latency-ms N  delay added to every answer (default 0)
  --scenario S    the tasks to seed (default demo; several with commas)
  --print-env     print the export lines for --port and exit (eval "$(npm run -s emulator -- --print-env)")`;

function readNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new TypeError(`Expected --${name} to be an integer from 0 and up, got ${value}`);
  return number;
}

/** `export` lines, so that pasting them into a shell reaches the CLI (a plain VAR=… would not). */
function exportLines(url: string): string[] {
  return [
    `export OS_AUTH_URL=${url}/v3`,
    `export DRS_ENDPOINT=${url}`,
    `export SMN_ENDPOINT=${url}`,
    `export OS_PROJECT_ID=${DEFAULT_PROJECT.id}`,
    `export OS_USERNAME=${DEFAULT_USER.name}`,
    `export OS_USER_DOMAIN_NAME=${DEFAULT_USER.domain}`,
    `export OS_PASSWORD='${DEFAULT_USER.password}'`,
  ];
}

function printEnvironment(emulator: Emulator, jobs: readonly ScenarioJob[]): void {
  const { project, accessKey } = emulator.defaults;
  console.log(`DRS/IAM/SMN emulator listening on ${emulator.url}\n`);
  console.log('Environment for drs-auto-retry (paste into the shell that runs it, or there: eval "$(npm run -s emulator -- --print-env)"):');
  for (const line of exportLines(emulator.url)) console.log(line);
  console.log(`\n# AK/SK instead of a password (unset OS_PASSWORD):\n# export OS_ACCESS_KEY=${accessKey.ak} OS_SECRET_KEY=${accessKey.sk}`);
  console.log(`SMN topic: ${demoTopicUrn(project.id)}\n`);
  console.log('Seeded jobs:');
  for (const job of jobs) {
    console.log(`  ${job.id}  ${job.dbUseType.padEnd(14)} ${job.engineType.padEnd(20)} ${job.status.padEnd(24)} ${job.note}`);
  }
  console.log('\nCtrl+C stops the emulator.');
}

/** Stops on Ctrl+C, SIGTERM, SIGHUP, and when the parent (npm, a shell) goes away without a signal. */
function stopOnExit(emulator: Emulator): void {
  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: closing the emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
  // A parent killed with SIGKILL forwards nothing; its orphan is adopted by another process, so
  // its parent id changes. Without this check the port would stay taken by an invisible emulator.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('the process that started the emulator is gone');
  }, 500).unref();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'latency-ms': { type: 'string' },
      scenario: { type: 'string' },
      'print-env': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const scenarios = parseScenarios(values.scenario ?? 'demo');
  const port = readNumber(values.port, 'port') ?? DEFAULT_EMULATOR_PORT;
  if (values['print-env']) {
    // For `eval "$(npm run -s emulator -- --print-env)"` in a second shell: the lines only, no server.
    if (port === 0) throw new TypeError('--print-env needs the port the emulator listens on, not 0');
    console.log(exportLines(`http://127.0.0.1:${port}`).join('\n'));
    return;
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ port, latencyMs: readNumber(values['latency-ms'], 'latency-ms') });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} on 127.0.0.1 is taken (another emulator still running?): stop it, or choose one with --port N (0 picks a free one)`, {
        cause: error,
      });
    }
    throw error;
  }
  const jobs = scenarios.flatMap((name) => seedScenario(emulator, name));
  // The demo scenario brings the topic; the printed SMN settings must work without it too.
  if (!scenarios.includes('demo')) emulator.addTopic(demoTopicUrn(emulator.defaults.project.id));
  printEnvironment(emulator, jobs);
  stopOnExit(emulator);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exitCode = 1;
});
