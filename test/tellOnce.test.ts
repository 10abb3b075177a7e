import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAndNotify } from '../lib/app/index.js';
import { createDeadline } from '../lib/core/deadline.js';
import type { Report, ReportNotice } from '../lib/core/report.js';
import { loadConfig } from '../lib/input/index.js';
import { normaliseEvent } from '../lib/input/events.js';
import { demoJobId } from './emulator/demoProject.js';
import { startReceiver, type Answer, type Receiver } from './fixtures/receiver.js';
import { runCli } from './support/cli.js';
import { startDynalite, LOCAL_AWS_ENV, type LocalDynamo } from './support/dynalite.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { startPostgres, type LocalPostgres } from './support/postgres.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/**
 * NOTIFY_ON=changes (the default) in whole runs: the app's runAndNotify against the emulator,
 * with a real ledger (PostgreSQL, DynamoDB) and real HTTP receivers; only the clock is the
 * test's. And through the built CLI, on the real clock.
 */
const STUCK = demoJobId('createFailed'); // CREATE_FAILED: needs a person, run after run
const ALSO_STUCK = demoJobId('syncReleaseFailed'); // RELEASE_RESOURCE_FAILED: likewise
const HEALTHY = demoJobId('healthyIncre');
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-11-27T03:00:00Z');

let postgres: LocalPostgres;
let dynamo: LocalDynamo;
beforeAll(async () => {
  [postgres, dynamo] = await Promise.all([startPostgres(), startDynalite()]);
});
afterAll(async () => {
  await Promise.all([postgres.close(), dynamo.close()]);
});
useDemoEmulator();

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
  vi.unstubAllEnvs();
});

/** A receiver that answers as `answer` says for its n-th request (default: 204). */
async function receiver(answer: (hit: number) => Answer = () => ({ status: 204 })): Promise<Receiver> {
  const started = await startReceiver((_request, hit) => answer(hit));
  receivers.push(started);
  return started;
}

/** The ledgers under test, as a deployment configures them: a fresh database or table per test. */
const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ['PostgreSQL', async () => ({ DRS_LEDGER_URL: await postgres.freshDatabase() })],
  [
    'DynamoDB',
    async () => {
      const table = `ledger-${Math.random().toString(36).slice(2, 10)}`;
      await dynamo.createLedgerTable(table);
      // The in-process run's AWS SDK reads the region and credentials from the environment, as in Lambda.
      for (const [name, value] of Object.entries(LOCAL_AWS_ENV)) vi.stubEnv(name, value);
      return { DRS_LEDGER_TABLE: table, DRS_LEDGER_ENDPOINT: dynamo.endpoint, ...LOCAL_AWS_ENV };
    },
  ],
];

/** What a run logged at info level, for the lines that say why. */
interface Logged {
  info: string[];
  warn: string[];
}

/** One run as the faces do it (runAndNotify), at the fake time `now`. */
async function run(now: number, jobIds: string[], env: Record<string, string>, logged: Logged = { info: [], warn: [] }, memoryTimeoutMs?: number): Promise<Report> {
  const config = loadConfig({ ...emulatorEnv(emulator), ...env }, normaliseEvent({ jobIds }));
  const fast = { baseDelayMs: 5, maxDelayMs: 20 };
  const report = await runAndNotify(config, {
    deadline: createDeadline(undefined),
    logger: { debug: () => undefined, info: (_object, message) => void logged.info.push(message), warn: (_object, message) => void logged.warn.push(message) },
    retry: fast,
    sinkTimeoutMs: 1_000,
    sinkRetry: fast,
    clock: () => now,
    memoryTimeoutMs,
  });
  expect(leakedSecrets([JSON.stringify(report), ...logged.info, ...logged.warn], secretsInPlay(emulator, [postgres.password]))).toEqual([]);
  return report;
}

/** The reports a receiver took, as the webhook sent them (the report plus its notice). */
const received = (hook: Receiver) => hook.requests.map((request) => JSON.parse(request.body) as Report & { notice?: ReportNotice });
/** The Slack messages a receiver took that it answered with success, by their header. */
const headers = (slack: Receiver, ok: (hit: number) => boolean = () => true) =>
  slack.requests.filter((_r, i) => ok(i + 1)).map((request) => (JSON.parse(request.body) as { blocks: Array<{ text: { text: string } }> }).blocks[0]?.text.text);

describe.each(backends)('NOTIFY_ON=changes with a %s ledger', (_name, ledgerEnv) => {
  it('three runs over the same stuck tasks send one message', async () => {
    // Prepare
    const hook = await receiver();
    const env = { ...(await ledgerEnv()), NOTIFY_WEBHOOK_URL: hook.url };
    const jobs = [STUCK, ALSO_STUCK, HEALTHY];

    // Act
    const reports = [await run(T0, jobs, env), await run(T0 + 15 * MIN, jobs, env), await run(T0 + 30 * MIN, jobs, env)];

    // Assess
    expect(reports.map((r) => r.summary.needs_attention)).toEqual([2, 2, 2]);
    expect(reports.map((r) => r.notifications)).toEqual([[{ sink: 'webhook', ok: true }], [], []]);
    expect(received(hook)).toHaveLength(1);
    expect(received(hook)[0]?.notice).toEqual({ reason: 'new-problem', newJobIds: [STUCK, ALSO_STUCK], reminderJobIds: [] });
    // The returned report keeps the schema: the notice is only in what the sink got.
    expect(reports[0]).not.toHaveProperty('notice');
  });

  it('a new stuck task sends one message at once, with only it new', async () => {
    // Prepare
    const hook = await receiver();
    const env = { ...(await ledgerEnv()), NOTIFY_WEBHOOK_URL: hook.url };
    const jobs = [STUCK, HEALTHY];
    await run(T0, jobs, env);

    // Act: the healthy task breaks
    emulator.setStatus(HEALTHY, 'CREATE_FAILED');
    await run(T0 + 15 * MIN, jobs, env);
    await run(T0 + 30 * MIN, jobs, env);

    // Assess
    expect(received(hook).map((r) => r.notice)).toEqual([
      { reason: 'new-problem', newJobIds: [STUCK], reminderJobIds: [] },
      { reason: 'new-problem', newJobIds: [HEALTHY], reminderJobIds: [] },
    ]);
    expect(received(hook)[1]?.summary.needs_attention).toBe(2);
  });

  it('a day later one reminder is sent, as one digest, and says so', async () => {
    // Prepare
    const slack = await receiver(() => ({ status: 200, body: 'ok' }));
    const env = { ...(await ledgerEnv()), NOTIFY_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x` };
    const jobs = [STUCK, ALSO_STUCK];

    // Act
    for (const at of [0, 15 * MIN, 23 * HOUR + 59 * MIN, 24 * HOUR, 24 * HOUR + 15 * MIN, 47 * HOUR]) await run(T0 + at, jobs, env);

    // Assess
    expect(headers(slack)).toEqual(['DRS auto-retry (2 new): 2 need attention', 'DRS auto-retry (daily reminder): 2 need attention']);
    expect(slack.requests[1]?.body).toContain('Daily reminder: 2 problems still open');
  });

  it('a sink that failed does not count as told: the next run sends to it again, and only to it', async () => {
    // Prepare: Slack refuses the first message (every attempt of it); the webhook takes everything
    const hook = await receiver();
    const slack = await receiver((hit) => (hit <= 3 ? { status: 503 } : { status: 200, body: 'ok' }));
    const env = { ...(await ledgerEnv()), NOTIFY_WEBHOOK_URL: hook.url, NOTIFY_SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x` };

    // Act
    const first = await run(T0, [STUCK], env);
    const second = await run(T0 + 15 * MIN, [STUCK], env);
    const third = await run(T0 + 30 * MIN, [STUCK], env);

    // Assess
    expect(first.notifications).toEqual([{ sink: 'webhook', ok: true }, { sink: 'slack', ok: false, error: 'HTTP 503 after 3 attempts' }]);
    expect(second.notifications).toEqual([{ sink: 'slack', ok: true }]);
    expect(third.notifications).toEqual([]);
    expect(received(hook)).toHaveLength(1);
    expect(headers(slack, (hit) => hit > 3)).toEqual(['DRS auto-retry (1 new): 1 needs attention']);
  });

  it('a run error is sent at once, every run, and then the stuck tasks stay told', async () => {
    // Prepare
    const hook = await receiver();
    const env = { ...(await ledgerEnv()), NOTIFY_WEBHOOK_URL: hook.url };
    const jobs = [STUCK, HEALTHY];
    await run(T0, jobs, env);

    // Act: the password is changed under the tool for two runs, then put right
    const refused = { ...env, OS_PASSWORD: 'changed-by-someone' };
    const failed = [await run(T0 + 15 * MIN, jobs, refused), await run(T0 + 30 * MIN, jobs, refused)];
    const back = await run(T0 + 45 * MIN, jobs, env);

    // Assess
    expect(failed.map((r) => r.error?.code)).toEqual(['IAM.0062', 'IAM.0062']);
    expect(failed.map((r) => r.notifications)).toEqual([[{ sink: 'webhook', ok: true }], [{ sink: 'webhook', ok: true }]]);
    expect(received(hook).map((r) => r.notice?.reason)).toEqual(['new-problem', 'run-error', 'run-error']);
    expect(back.notifications).toEqual([]);
  });

  it('through the built CLI: three runs over the same stuck task send one message', async () => {
    // Prepare
    const hook = await receiver();
    const env = { ...emulatorEnv(emulator), ...(await ledgerEnv()), NOTIFY_WEBHOOK_URL: hook.url };

    // Act
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await runCli(['--job', STUCK, '--job', HEALTHY], env));

    // Assess
    expect(results.map((r) => r.code)).toEqual([1, 1, 1]);
    expect(results.map((r) => (JSON.parse(r.stdout) as Report).notifications)).toEqual([[{ sink: 'webhook', ok: true }], [], []]);
    expect(received(hook).map((r) => r.notice)).toEqual([{ reason: 'new-problem', newJobIds: [STUCK], reminderJobIds: [] }]);
    expect(leakedSecrets(results.flatMap((r) => [r.stdout, r.stderr]), secretsInPlay(emulator, [postgres.password]))).toEqual([]);
  });
});

describe('NOTIFY_ON=changes without a memory', () => {
  it('acts as problems without a ledger, and an info line says why', async () => {
    // Prepare
    const hook = await receiver();
    const logged: Logged = { info: [], warn: [] };

    // Act
    await run(T0, [STUCK], { NOTIFY_WEBHOOK_URL: hook.url }, logged);
    await run(T0 + 15 * MIN, [STUCK], { NOTIFY_WEBHOOK_URL: hook.url }, logged);
    await run(T0 + 30 * MIN, [HEALTHY], { NOTIFY_WEBHOOK_URL: hook.url }, logged);

    // Assess
    expect(received(hook)).toHaveLength(2);
    expect(received(hook)[0]).not.toHaveProperty('notice');
    expect(logged.info.filter((line) => line.startsWith('NOTIFY_ON=changes'))).toEqual(Array(3).fill(
      'NOTIFY_ON=changes has no memory without a ledger (DRS_LEDGER_TABLE or DRS_LEDGER_URL) to keep what was sent: every report with a problem is sent, as with NOTIFY_ON=problems',
    ));
  });

  it('acts as problems when the ledger cannot keep it, and says why (a PostgreSQL user without CREATE rights)', async () => {
    // Prepare: an existing deployment whose user may only use the ledger table
    const url = await postgres.freshDatabase();
    const database = new URL(url).pathname.slice(1);
    const hook = await receiver();
    await run(T0, [HEALTHY], { DRS_LEDGER_URL: url });
    await postgres.query(`CREATE ROLE drs_no_create LOGIN PASSWORD 'no-create'; REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT SELECT, INSERT, UPDATE, DELETE ON drs_auto_retry_ledger TO drs_no_create`, [], database);
    const env = { DRS_LEDGER_URL: Object.assign(new URL(url), { username: 'drs_no_create', password: 'no-create' }).href, NOTIFY_WEBHOOK_URL: hook.url };
    const logged: Logged = { info: [], warn: [] };

    // Act
    const reports = [await run(T0 + 15 * MIN, [STUCK], env, logged), await run(T0 + 30 * MIN, [STUCK], env, logged)];

    // Assess
    expect(reports.map((r) => r.notifications)).toEqual([[{ sink: 'webhook', ok: true }], [{ sink: 'webhook', ok: true }]]);
    expect(logged.warn).toEqual(Array(2).fill('could not read from the ledger what the sinks were told'));
    expect(logged.info).toContain('NOTIFY_ON=changes could not read its memory: every report with a problem is sent, as with NOTIFY_ON=problems');
    await postgres.query('DROP OWNED BY drs_no_create; DROP ROLE drs_no_create', [], database);
  });

  it('acts as problems when the ledger does not answer in time, so a function still returns within its margin', async () => {
    // Prepare: another session holds the told table locked
    const url = await postgres.freshDatabase();
    const hook = await receiver();
    const env = { DRS_LEDGER_URL: url, NOTIFY_WEBHOOK_URL: hook.url };
    await run(T0, [STUCK], env);
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE drs_auto_retry_ledger_told IN ACCESS EXCLUSIVE MODE');
    const logged: Logged = { info: [], warn: [] };

    // Act
    const running = run(T0 + 15 * MIN, [STUCK], env, logged, 300);
    await expect.poll(() => hook.requests.length, { timeout: 3_000, interval: 20 }).toBe(2);
    await blocker.query('COMMIT');
    await blocker.end();
    const report = await running;

    // Assess
    expect(report.notifications).toEqual([{ sink: 'webhook', ok: true }]);
    expect(logged.warn).toEqual(['could not read from the ledger what the sinks were told']);
    expect(received(hook)[1]).not.toHaveProperty('notice');
  });

  it('a dry run reads the memory but changes it for nobody', async () => {
    // Prepare
    const hook = await receiver();
    const env = { DRS_LEDGER_URL: await postgres.freshDatabase(), NOTIFY_WEBHOOK_URL: hook.url };

    // Act
    await run(T0, [STUCK], { ...env, DRS_DRY_RUN: 'true' });
    await run(T0 + 15 * MIN, [STUCK], { ...env, DRS_DRY_RUN: 'true' });
    await run(T0 + 30 * MIN, [STUCK], env);
    await run(T0 + 45 * MIN, [STUCK], { ...env, DRS_DRY_RUN: 'true' });

    // Assess: the dry runs told nobody for good; the real run did, and the last dry run knows it
    expect(received(hook).map((r) => [r.dryRun, r.notice?.reason])).toEqual([[true, 'new-problem'], [true, 'new-problem'], [false, 'new-problem']]);
  });
});
