/**
 * `npm run demo`: the whole product against the local DRS/IAM/SMN emulator. It seeds a realistic
 * mixed project, runs the real CLI twice with `--format text` (the second run finds nothing
 * left to retry), and exits by itself. Nothing leaves 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_JOBS, seedDemoProject } from '../test/emulator/demoProject.js';
import { FAILURE_CAUSE_JOBS } from '../test/emulator/failureCauses.js';
import { startEmulator, type Emulator } from '../test/emulator/index.js';
import { emulatorEnv } from '../test/support/emulatorEnv.js';

const CLI = join(process.cwd(), 'dist', 'drs-auto-retry.cjs');
/**
 * Three tasks failed for documented causes (README "Why did it fail?"): a full disk and a
 * duplicate key, which no resume heals, and an unreachable database whose text holds its password.
 */
const CAUSE_JOBS = FAILURE_CAUSE_JOBS.filter((job) => ['diskFull', 'duplicateKey', 'unreachableWithPassword'].includes(job.key));
/** An id DRS has never heard of, as a typo in DRS_JOB_IDS would be. */
const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000jb101';

function runCli(emulator: Emulator, args: string[]): Promise<number> {
  const env = {
    PATH: process.env.PATH ?? '',
    ...emulatorEnv(emulator),
    DRS_JOB_IDS: UNKNOWN_JOB,
    DRS_DISCOVER: 'true',
    // The demo's own narration is enough; the CLI's JSON logs go to stderr only on warnings.
    LOG_LEVEL: 'warn',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function heading(text: string): void {
  process.stdout.write(`\n${'='.repeat(78)}\n${text}\n${'='.repeat(78)}\n`);
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ latencyMs: 20 });
  try {
    seedDemoProject(emulator);
    for (const job of CAUSE_JOBS) emulator.addTask({ id: job.id, name: job.name, status: job.status, errorCode: 'DRS.M01501', errorMessage: job.text });
    heading(`DRS emulator on ${emulator.url}: a project with ${DEMO_JOBS.length + CAUSE_JOBS.length} tasks`);
    for (const job of DEMO_JOBS) {
      process.stdout.write(`  ${job.id}  ${job.dbUseType.padEnd(14)} ${job.status.padEnd(24)} ${job.note}\n`);
    }
    for (const job of CAUSE_JOBS) {
      const note = job.decision === 'person' ? `failed for ${job.cause}: no resume heals it` : `failed for ${job.cause} (its text holds a database password)`;
      process.stdout.write(`  ${job.id}  ${'migration'.padEnd(14)} ${job.status.padEnd(24)} ${note}\n`);
    }
    process.stdout.write(`  ${UNKNOWN_JOB}  (configured in DRS_JOB_IDS, unknown to DRS)\n`);

    heading('Run 1: npx drs-auto-retry --discover --format text');
    const first = await runCli(emulator, ['--format', 'text']);
    process.stdout.write(`\nexit status ${first} (1: some jobs need a person)\n`);

    const sent = emulator.log.byRoute('batch-retry').length;
    heading('Run 2, right after: the resumed tasks are running now, so nothing is left to retry');
    const second = await runCli(emulator, ['--format', 'text']);
    process.stdout.write(
      `\nexit status ${second} (1: the jobs that needed a person in run 1 still do; the ones it retried are running now, so discovery no longer lists them)\n`,
    );
    process.stdout.write(
      `\nDRS saw ${emulator.log.entries.length} requests in all; batch-retry-task was called ${sent} time(s) in run 1 ` +
        `and ${emulator.log.byRoute('batch-retry').length - sent} time(s) in run 2 (only the busy task, which is still busy).\n`,
    );
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
