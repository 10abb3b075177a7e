import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { loadConfig } from '../lib/input/config.js';
import { normaliseEvent } from '../lib/input/events.js';
import { PostgresLedger } from '../lib/ledger/postgresLedger.js';
import { demoJobId } from './emulator/demoProject.js';
import { catchConfigError } from './support/catchConfigError.js';
import { runCli, type CliResult } from './support/cli.js';
import { emulatorEnv } from './support/emulatorEnv.js';
import { startPostgres, type LocalPostgres } from './support/postgres.js';
import { outcomesOf, runAgainst } from './support/runAgainst.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/** The PostgreSQL ledger in whole runs: the built CLI and Lambda bundle, against a real server. */
const JOB = demoJobId('increTransferFailed');
const OTHER = demoJobId('fullTransferFailed');
const MIN = 60_000;
const T0 = Date.parse('2026-11-27T03:00:00Z');

let postgres: LocalPostgres;
let url: string;

beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(() => postgres?.close()); // unset after a failed start, whose error says why
useDemoEmulator();
beforeEach(async () => {
  url = await postgres.freshDatabase();
});

const databaseOf = (ledgerUrl: string) => new URL(ledgerUrl).pathname.slice(1);
const failAgain = (id = JOB) => emulator.setStatus(id, 'INCRE_TRANSFER_FAILED');

/** Every output of a run must be free of the database password, raw or percent-encoded. */
function expectNoPassword(...outputs: string[]): void {
  for (const secret of [postgres.password, encodeURIComponent(postgres.password)]) {
    for (const output of outputs) expect(output.includes(secret), 'the database password was printed').toBe(false);
  }
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult & { report: Report }> {
  const result = await runCli(args, { ...emulatorEnv(emulator), DRS_LEDGER_URL: url, ...env });
  expectNoPassword(result.stdout, result.stderr);
  return { ...result, report: JSON.parse(result.stdout || '{}') as Report };
}

describe('the budget across runs of the built CLI', () => {
  it('creates the table on the first run and keeps the budget for the next', async () => {
    // Act
    const first = await cli(['--job', JOB]);
    failAgain();
    const second = await cli(['--job', JOB]);

    // Assess
    expect(first.report.jobs[0]?.outcome).toBe('retried');
    expect(second.report.jobs[0]).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/^next attempt after /) });
    expect(second.code).toBe(1);
    const rows = await postgres.query(`SELECT project_id, job_id, attempts FROM drs_auto_retry_ledger`, [], databaseOf(url));
    expect(rows).toEqual([{ project_id: emulator.defaults.project.id, job_id: JOB, attempts: 1 }]);
  });

  it('retries with growing intervals, escalates once, then keeps reporting (fake clock)', async () => {
    // Prepare
    let now = T0;
    const ledger = new PostgresLedger({ url, clock: () => now });
    const run = async () => (await runAgainst(emulator, { event: { jobIds: [JOB] }, deps: { ledger, clock: () => now } })).jobs[0];

    // Act & Assess
    try {
      const steps: Array<[number, string, string?]> = [
        [0, 'retried'],
        [5, 'deferred', 'next attempt after 2026-11-27T03:15:00.000Z'],
        [15, 'retried'],
        [30, 'deferred', 'next attempt after 2026-11-27T03:45:00.000Z'],
        [45, 'retried'],
      ];
      for (const [at, outcome, reason] of steps) {
        now = T0 + at * MIN;
        expect(await run()).toMatchObject({ outcome, ...(reason ? { reason } : {}) });
        if (outcome === 'retried') failAgain();
      }
      now = T0 + 120 * MIN;
      expect(await run()).toMatchObject({ outcome: 'needs_attention', escalated: true, reason: expect.stringMatching(/^retry budget exhausted: 3 attempts/) });
      now = T0 + 135 * MIN;
      const later = await run();
      expect(later).toMatchObject({ outcome: 'needs_attention' });
      expect(later?.escalated).toBeUndefined();
      expect(emulator.getTask(JOB)?.retries.filter((r) => r.outcome === 'success')).toHaveLength(3);
    } finally {
      await ledger.close();
    }
  });
});

describe('two overlapping runs', () => {
  it('lets exactly one hold the lease; no job is resumed twice', async () => {
    // Prepare: slow answers, so that the two runs overlap
    emulator.setLatency(300);

    // Act
    const [a, b] = await Promise.all([cli(['--job', JOB, '--job', OTHER]), cli(['--job', JOB, '--job', OTHER])]);

    // Assess
    const loser = a.report.summary.deferred === 2 ? a : b;
    const winner = loser === a ? b : a;
    expect(winner.report.summary.retried).toBe(2);
    expect(loser.report.jobs.map((j) => j.reason)).toEqual([
      expect.stringMatching(/^not attempted: another run holds the lease until /),
      expect.stringMatching(/another run holds the lease/),
    ]);
    for (const id of [JOB, OTHER]) expect(emulator.getTask(id)?.retries).toHaveLength(1);
    expect([winner.code, loser.code]).toEqual([0, 1]);
  });
});

describe('configuration', () => {
  it('refuses DRS_LEDGER_TABLE and DRS_LEDGER_URL together (exit 2), naming both', async () => {
    const result = await cli(['--job', JOB], { DRS_LEDGER_TABLE: 'drs-ledger' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DRS_LEDGER_TABLE and DRS_LEDGER_URL are both set/);
    expect(emulator.log.entries).toEqual([]);
  });

  it.each([
    ['https://drs:secret-pw@db.example.com/ledger', /is not a PostgreSQL URL/],
    ['postgres:///ledger?password=secret-pw', /has no host/],
    ['postgres://:secret-pw@db.example.com/ledger', /has no user name/],
    ['postgres://drs:secret-pw%zz@db.example.com/ledger', /has a malformed %-escape/],
    ['db.example.com secret-pw', /is not a PostgreSQL URL/],
  ])('refuses DRS_LEDGER_URL=%s without repeating any of it', (value, message) => {
    const error = catchConfigError(() => loadConfig({ ...emulatorEnv(emulator), DRS_LEDGER_URL: value }, normaliseEvent({})));
    expect(error).toMatchObject({ field: 'DRS_LEDGER_URL', message: expect.stringMatching(message) });
    expect(error.message).not.toMatch(/secret-pw|example/);
  });

  it('takes postgresql:// as well, with the password percent-encoded', () => {
    const config = loadConfig({ ...emulatorEnv(emulator), DRS_LEDGER_URL: url.replace(/^postgres:/, 'postgresql:') }, normaliseEvent({}));
    expect(config.ledger.url).toBe(url.replace(/^postgres:/, 'postgresql:'));
  });

  it('refuses a URL that is not PostgreSQL without repeating it (exit 2)', async () => {
    const result = await cli(['--job', JOB], { DRS_LEDGER_URL: url.replace(/^postgres:/, 'mysql:') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DRS_LEDGER_URL is not a PostgreSQL URL; use postgres:\/\/user:password@host:5432\/database/);
  });
});

describe('a database that refuses or goes away', () => {
  it('fails the run (exit 3) when the password is refused, retrying nothing', async () => {
    const wrong = url.replace(encodeURIComponent(postgres.password), encodeURIComponent(`${postgres.password}-old`));
    const result = await cli(['--job', JOB], { DRS_LEDGER_URL: wrong });
    expect(result.code).toBe(3);
    expect(result.report.error).toMatchObject({ code: 'LEDGER_UNAVAILABLE', message: expect.stringMatching(/28P01: password authentication failed/) });
    expect(outcomesOf(result.report)).toEqual({ [JOB]: 'deferred' });
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });

  it('fails the run clearly when the server stops mid-run: LEDGER_UNAVAILABLE, jobs deferred, exit 3', async () => {
    // Prepare: the status read is slow; the run has taken its lease by then
    emulator.faults.add({ route: 'batch-detail', kind: 'latency', ms: 1_500 });

    // Act: stop the server while the run waits for the statuses
    const running = cli(['--job', JOB, '--job', OTHER]);
    try {
      await expect.poll(() => emulator.log.byRoute('batch-detail').length, { timeout: 10_000, interval: 20 }).toBe(1);
      await postgres.stop();
      const result = await running;

      // Assess
      expect(result.code).toBe(3);
      expect(result.report.error).toEqual({
        code: 'LEDGER_UNAVAILABLE',
        message: expect.stringMatching(new RegExp(`^could not read job records in PostgreSQL at 127\\.0\\.0\\.1:${postgres.port}/${databaseOf(url)} \\(`)),
      });
      expect(outcomesOf(result.report)).toEqual({ [JOB]: 'deferred', [OTHER]: 'deferred' });
      expect(emulator.log.byRoute('batch-retry')).toEqual([]);
    } finally {
      await running.catch(() => undefined);
      await postgres.start();
    }
  });
});

describe('the built Lambda bundle', () => {
  it('loads the PostgreSQL driver from beside the bundle and keeps the budget', async () => {
    // Prepare
    const script = `require(${JSON.stringify(join(process.cwd(), 'dist', 'autoRetry.cjs'))})
      .handler({ jobIds: [${JSON.stringify(JOB)}] }, { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60000 })
      .then((report) => process.stderr.write('REPORT ' + JSON.stringify(report) + '\\n'));`;
    const env = { PATH: process.env.PATH ?? '', ...emulatorEnv(emulator), DRS_LEDGER_URL: url, LOG_LEVEL: 'info' };

    // Act
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], { env });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', () => resolve({ stdout: out, stderr: err }));
    });

    // Assess
    const report = JSON.parse(/^REPORT (.*)$/m.exec(stderr)?.[1] ?? '{}') as Report;
    expect(outcomesOf(report)).toEqual({ [JOB]: 'retried' });
    expect(await postgres.query(`SELECT job_id FROM drs_auto_retry_ledger WHERE job_id <> ''`, [], databaseOf(url))).toEqual([{ job_id: JOB }]);
    expectNoPassword(stdout, stderr);
  });
});
