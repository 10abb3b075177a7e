import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../lib/core/report.js';
import { DynamoLedger } from '../lib/ledger/dynamoLedger.js';
import { demoJobId } from './emulator/demoProject.js';
import { runCli } from './support/cli.js';
import { startDynalite, type LocalDynamo } from './support/dynalite.js';
import { emulatorEnv } from './support/emulatorEnv.js';
import { outcomesOf, runAgainst } from './support/runAgainst.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/** Budget, escalation, lease and verification across runs, against a real DynamoDB-compatible server. */
const JOB = demoJobId('increTransferFailed');
const OTHER = demoJobId('fullTransferFailed');
const MIN = 60_000;
const T0 = Date.parse('2026-11-27T03:00:00Z');

let dynamo: LocalDynamo;
let ledger: DynamoLedger;
let now = T0;
const clock = () => now;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());
useDemoEmulator();
beforeEach(async () => {
  now = T0;
  const table = `ledger-${Math.random().toString(36).slice(2, 10)}`;
  await dynamo.createLedgerTable(table);
  ledger = new DynamoLedger({ table, client: dynamo.client, clock });
});

const run = (extra: { env?: Record<string, string>; jobIds?: string[]; sleep?: (ms: number) => Promise<void>; runId?: string } = {}) =>
  runAgainst(emulator, {
    env: extra.env,
    event: { jobIds: extra.jobIds ?? [JOB] },
    deps: { ledger, clock, ...(extra.sleep ? { sleep: extra.sleep } : {}), ...(extra.runId ? { runId: extra.runId } : {}) },
  });

/** DRS resumed the task, and it broke again before the next run. */
const failAgain = (id = JOB) => emulator.setStatus(id, 'INCRE_TRANSFER_FAILED');

describe('retry budget across runs (fake clock)', () => {
  it('retries with growing intervals, then escalates once, then keeps reporting', async () => {
    // Run 1, 03:00: first attempt
    expect((await run()).jobs[0]).toMatchObject({ outcome: 'retried' });
    failAgain();
    // Run 2, 03:05: too early
    now = T0 + 5 * MIN;
    expect((await run()).jobs[0]).toMatchObject({ outcome: 'deferred', reason: 'next attempt after 2026-11-27T03:15:00.000Z' });
    // Run 3, 03:15: second attempt
    now = T0 + 15 * MIN;
    expect((await run()).jobs[0]?.outcome).toBe('retried');
    failAgain();
    // Run 4, 03:30: the interval has doubled to 30 minutes
    now = T0 + 30 * MIN;
    expect((await run()).jobs[0]).toMatchObject({ outcome: 'deferred', reason: 'next attempt after 2026-11-27T03:45:00.000Z' });
    // Run 5, 03:45: third attempt
    now = T0 + 45 * MIN;
    expect((await run()).jobs[0]?.outcome).toBe('retried');
    failAgain();
    // Run 6, 05:00: budget spent → escalated, once
    now = T0 + 120 * MIN;
    const escalated = await run();
    expect(escalated.jobs[0]).toEqual({
      jobId: JOB,
      name: expect.any(String),
      type: 'migration',
      outcome: 'needs_attention',
      status: 'INCRE_TRANSFER_FAILED',
      reason: 'retry budget exhausted: 3 attempts since 2026-11-27T03:00:00.000Z — manual intervention required',
      escalated: true,
      // failAgain() sets the status alone: DRS gives no text, so the cause is not recognised.
      cause: expect.objectContaining({ id: 'unknown', retry: true }),
    });
    // Run 7: still needs attention, but not escalated again
    now = T0 + 135 * MIN;
    const later = await run();
    expect(later.jobs[0]).toMatchObject({ outcome: 'needs_attention', reason: 'retry budget exhausted: 3 attempts since 2026-11-27T03:00:00.000Z' });
    expect(later.jobs[0]?.escalated).toBeUndefined();
    expect(emulator.getTask(JOB)?.retries.filter((r) => r.outcome === 'success')).toHaveLength(3);
  });

  it('starts a fresh budget once the job is seen healthy', async () => {
    // Prepare: two attempts in one episode
    await run();
    failAgain();
    now = T0 + 15 * MIN;
    await run();

    // Act: the next run sees it running (episode over), then it fails again later
    now = T0 + 20 * MIN;
    expect((await run()).jobs[0]).toMatchObject({ outcome: 'skipped', status: 'INCRE_TRANSFER_STARTED' });
    failAgain();
    now = T0 + 21 * MIN;
    const report = await run();

    // Assess: retried at once, no wait from the old episode
    expect(report.jobs[0]?.outcome).toBe('retried');
    expect((await ledger.readJobs(report.projectId, [JOB])).get(JOB)).toMatchObject({ attempts: 1, episodeStartedAt: T0 + 21 * MIN });
  });

  it('honours DRS_MAX_ATTEMPTS and DRS_BACKOFF_BASE_MS', async () => {
    const env = { DRS_MAX_ATTEMPTS: '1', DRS_BACKOFF_BASE_MS: '60000' };
    await run({ env });
    failAgain();
    now = T0 + 2 * MIN;
    expect((await run({ env })).jobs[0]).toMatchObject({ outcome: 'needs_attention', escalated: true });
  });
});

describe('run lease', () => {
  it('lets only one of two concurrent runs retry; the other defers with the holder\'s expiry', async () => {
    // Prepare
    emulator.setLatency(30);

    // Act
    const [a, b] = await Promise.all([run({ jobIds: [JOB, OTHER] }), run({ jobIds: [JOB, OTHER] })]);

    // Assess
    const loser = a.summary.deferred === 2 ? a : b;
    const winner = loser === a ? b : a;
    expect(winner.summary.retried).toBe(2);
    expect(loser.jobs.map((j) => j.reason)).toEqual([
      expect.stringMatching(/^not attempted: another run holds the lease until 2026-11-27T03:1\d:00\.000Z$/),
      expect.stringMatching(/another run holds the lease/),
    ]);
    for (const id of [JOB, OTHER]) expect(emulator.getTask(id)?.retries).toHaveLength(1);
    expect(exitCodeOf(loser)).toBe(1);
  });

  it('releases the lease at the end of the run', async () => {
    await run();
    failAgain(OTHER);
    expect((await run({ jobIds: [OTHER] })).summary.retried).toBe(1);
  });

  it('expires the lease of a crashed run by itself', async () => {
    // Prepare: a run took the lease and died without releasing it
    const projectId = emulator.defaults.project.id;
    await ledger.acquireLease(projectId, 'crashed-run', T0, 10 * MIN);

    // Act
    const blocked = await run();
    now = T0 + 10 * MIN + 1;
    const freed = await run();

    // Assess
    expect(outcomesOf(blocked)).toEqual({ [JOB]: 'deferred' });
    expect(blocked.jobs[0]?.reason).toMatch(/another run holds the lease until 2026-11-27T03:10:00.000Z/);
    expect(outcomesOf(freed)).toEqual({ [JOB]: 'retried' });
  });
});

describe('post-retry verification', () => {
  it('re-reads retried jobs once and says whether they recovered', async () => {
    // Prepare: while we wait, one of the two tasks breaks again
    const waited: number[] = [];
    const sleep = async (ms: number) => {
      waited.push(ms);
      failAgain(JOB);
    };

    // Act
    const report = await run({ jobIds: [JOB, OTHER], env: { DRS_VERIFY_AFTER_MS: '60000' }, sleep });

    // Assess
    expect(waited).toEqual([60_000]);
    expect(report.jobs).toEqual([
      expect.objectContaining({ jobId: JOB, outcome: 'retried', verified: false, statusAfter: 'INCRE_TRANSFER_FAILED' }),
      expect.objectContaining({ jobId: OTHER, outcome: 'retried', verified: true, statusAfter: 'FULL_TRANSFER_STARTED' }),
    ]);
    expect(emulator.log.byRoute('batch-detail').map((e) => (e.body as { jobs: string[] }).jobs)).toEqual([[JOB, OTHER], [JOB, OTHER]]);
    // the failed-again job keeps its attempt on the budget
    expect((await ledger.readJobs(report.projectId, [JOB])).get(JOB)?.attempts).toBe(1);
  });

  it('is refused in the configuration when it cannot fit in the deadline', async () => {
    await expect(run({ env: { DRS_VERIFY_AFTER_MS: '60000', DRS_DEADLINE_MS: '30000' } })).rejects.toThrow(/DRS_VERIFY_AFTER_MS \(60000\) must fit in DRS_DEADLINE_MS/);
  });
});

describe('DynamoDB unreachable', () => {
  it('fails the run clearly, retrying nothing', async () => {
    // Prepare
    const dead = new DynamoLedger({ table: 'ledger', endpoint: 'http://127.0.0.1:9', region: 'eu-central-1' });

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [JOB] }, deps: { ledger: dead, clock } });

    // Assess
    expect(report.error).toMatchObject({ code: 'LEDGER_UNAVAILABLE', message: expect.stringMatching(/could not take the run lease in DynamoDB table ledger/) });
    expect(outcomesOf(report)).toEqual({ [JOB]: 'deferred' });
    expect(exitCodeOf(report)).toBe(3);
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });
});

describe('the ledger through the built CLI', () => {
  it('keeps the budget between two CLI runs in DynamoDB', async () => {
    // Prepare
    const table = `ledger-cli-${Math.random().toString(36).slice(2, 8)}`;
    await dynamo.createLedgerTable(table);
    const env = { ...emulatorEnv(emulator), DRS_LEDGER_TABLE: table, DRS_LEDGER_ENDPOINT: dynamo.endpoint, AWS_REGION: 'eu-central-1' };

    // Act
    const first = await runCli(['--job', JOB], env);
    failAgain();
    const second = await runCli(['--job', JOB], env);

    // Assess
    expect(JSON.parse(first.stdout).jobs[0].outcome).toBe('retried');
    expect(JSON.parse(second.stdout).jobs[0]).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/^next attempt after /) });
    expect(second.code).toBe(1);
  });
});

describe('the budget over many pages read at once', () => {
  it('holds back every job with a recent attempt, whichever page it came in', async () => {
    // Prepare: 250 jobs (three pages), each retried a minute ago; every fifth has recovered since
    const ids = Array.from({ length: 250 }, (_, i) => `${String(i).padStart(8, '0')}-7777-4777-8777-777777777jb101`);
    ids.forEach((id, i) => emulator.addTask({ id, status: i % 5 === 0 ? 'INCRE_TRANSFER_STARTED' : 'FULL_TRANSFER_FAILED' }));
    await ledger.writeJobs(emulator.defaults.project.id, ids.map((jobId) => ({ jobId, episodeStartedAt: T0 - 60 * MIN, attempts: 1, lastAttemptAt: T0 - MIN })));
    emulator.setLatency(10);

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: ids, concurrency: 3 }, deps: { ledger, clock } });

    // Assess
    expect(report.summary).toMatchObject({ requested: 250, deferred: 200, skipped: 50, retried: 0 });
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
    expect((await ledger.readJobs(report.projectId, ids)).size).toBe(200);
  });
});

describe('a dry run with a ledger', () => {
  it('says what a real run would do with the budgets, and changes nothing', async () => {
    // Prepare: one job retried a minute ago, one whose budget is spent
    const projectId = emulator.defaults.project.id;
    await ledger.writeJobs(projectId, [
      { jobId: JOB, episodeStartedAt: T0 - 60 * MIN, attempts: 1, lastAttemptAt: T0 - MIN },
      { jobId: OTHER, episodeStartedAt: T0 - 60 * MIN, attempts: 3, lastAttemptAt: T0 - 30 * MIN },
    ]);
    const before = await ledger.readJobs(projectId, [JOB, OTHER]);

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [JOB, OTHER, demoJobId('syncIncreFailed')], dryRun: true }, deps: { ledger, clock } });

    // Assess
    expect(outcomesOf(report)).toEqual({ [JOB]: 'deferred', [OTHER]: 'needs_attention', [demoJobId('syncIncreFailed')]: 'would_retry' });
    expect(await ledger.readJobs(projectId, [JOB, OTHER, demoJobId('syncIncreFailed')])).toEqual(before);
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });
});
