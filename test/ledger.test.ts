import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetryLedger, SinkToldRecord } from '../lib/engine/ports.js';
import { BACKOFF_CAP_MS, decideBudget, minimumIntervalMs, recordAttempt, type BudgetPolicy } from '../lib/core/retryBudget.js';
import { DynamoLedger } from '../lib/ledger/dynamoLedger.js';
import { LedgerError } from '../lib/ledger/ledgerError.js';
import { MemoryLedger } from '../lib/ledger/memoryLedger.js';
import { PostgresLedger } from '../lib/ledger/postgresLedger.js';
import { startDynalite, type LocalDynamo } from './support/dynalite.js';
import { startPostgres, type LocalPostgres } from './support/postgres.js';

const POLICY: BudgetPolicy = { maxAttempts: 3, backoffBaseMs: 15 * 60_000, backoffCapMs: BACKOFF_CAP_MS };
const T0 = Date.parse('2026-11-27T03:00:00Z');
const MIN = 60_000;

describe('retry budget', () => {
  it('doubles the minimum interval per attempt, capped at 4 h', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => minimumIntervalMs(n, POLICY) / MIN)).toEqual([15, 30, 60, 120, 240, 240]);
  });

  it('allows, waits, and then says the budget is exhausted', () => {
    // Prepare
    let record = recordAttempt(undefined, 'a', T0);

    // Act & Assess
    expect(decideBudget(undefined, T0, POLICY)).toEqual({ kind: 'allow' });
    expect(decideBudget(record, T0 + 14 * MIN, POLICY)).toEqual({ kind: 'not_due', nextAt: T0 + 15 * MIN });
    expect(decideBudget(record, T0 + 15 * MIN, POLICY)).toEqual({ kind: 'allow' });
    record = recordAttempt(record, 'a', T0 + 15 * MIN);
    expect(decideBudget(record, T0 + 44 * MIN, POLICY)).toEqual({ kind: 'not_due', nextAt: T0 + 45 * MIN });
    record = recordAttempt(record, 'a', T0 + 45 * MIN);
    expect(record).toMatchObject({ attempts: 3, episodeStartedAt: T0, lastAttemptAt: T0 + 45 * MIN });
    expect(decideBudget(record, T0 + 10 * 60 * MIN, POLICY)).toEqual({ kind: 'exhausted', attempts: 3, since: T0, firstTime: true });
    expect(decideBudget({ ...record, escalatedAt: T0 + 2 * 60 * MIN }, T0 + 10 * 60 * MIN, POLICY)).toMatchObject({ firstTime: false });
  });
});

let dynamo: LocalDynamo;
let postgres: LocalPostgres;
const opened: PostgresLedger[] = [];
beforeAll(async () => {
  [dynamo, postgres] = await Promise.all([startDynalite(), startPostgres()]);
});
afterAll(async () => {
  await Promise.all(opened.map((ledger) => ledger.close()));
  // After a failed start they may be unset: the start's own error is the one to read.
  await Promise.all([dynamo?.close(), postgres?.close()]);
});

const ledgers: Array<[string, () => Promise<RetryLedger>]> = [
  ['memory', async () => new MemoryLedger()],
  [
    'dynamodb',
    async () => {
      const table = `ledger-${Math.random().toString(36).slice(2, 10)}`;
      await dynamo.createLedgerTable(table);
      return new DynamoLedger({ table, client: dynamo.client });
    },
  ],
  [
    'postgres',
    async () => {
      const ledger = new PostgresLedger({ url: postgres.url(), table: `ledger_${Math.random().toString(36).slice(2, 10)}` });
      opened.push(ledger);
      return ledger;
    },
  ],
];

describe.each(ledgers)('%s ledger', (_kind, makeLedger) => {
  it('stores, reads and forgets job records per project', async () => {
    // Prepare
    const ledger = await makeLedger();
    const records = Array.from({ length: 130 }, (_, i) => recordAttempt(undefined, `job-${i}`, T0 + i));

    // Act
    await ledger.writeJobs('p1', records);
    await ledger.writeJobs('p2', [{ jobId: 'job-0', episodeStartedAt: T0, attempts: 3, lastAttemptAt: T0, escalatedAt: T0 + 1 }]);
    const read = await ledger.readJobs('p1', ['job-0', 'job-129', 'job-999']);
    await ledger.endEpisodes('p1', ['job-0']);
    const after = await ledger.readJobs('p1', records.map((r) => r.jobId));

    // Assess
    expect(read.get('job-0')).toEqual({ jobId: 'job-0', episodeStartedAt: T0, attempts: 1, lastAttemptAt: T0 });
    expect(read.get('job-129')).toMatchObject({ attempts: 1 });
    expect(read.has('job-999')).toBe(false);
    expect(after.size).toBe(129);
    expect((await ledger.readJobs('p2', ['job-0'])).get('job-0')).toMatchObject({ attempts: 3, escalatedAt: T0 + 1 });
  });

  it('gives the lease to one run at a time, until it expires or is released', async () => {
    // Prepare
    const ledger = await makeLedger();

    // Act
    const [a, b] = await Promise.all([ledger.acquireLease('p', 'run-a', T0, 60_000), ledger.acquireLease('p', 'run-b', T0, 60_000)]);
    const winner = a.acquired ? 'run-a' : 'run-b';
    const loser = a.acquired ? 'run-b' : 'run-a';
    const whileHeld = await ledger.acquireLease('p', loser, T0 + 59_999, 60_000);
    const afterExpiry = await ledger.acquireLease('p', loser, T0 + 60_001, 60_000);
    await ledger.releaseLease('p', winner); // too late: not theirs any more
    const stillHeld = await ledger.acquireLease('p', 'run-c', T0 + 60_002, 60_000);
    await ledger.releaseLease('p', loser);
    const afterRelease = await ledger.acquireLease('p', 'run-c', T0 + 60_003, 60_000);

    // Assess
    expect([a.acquired, b.acquired].sort()).toEqual([false, true]);
    expect(whileHeld).toEqual({ acquired: false, heldBy: winner, heldUntil: T0 + 60_000 });
    expect(afterExpiry).toEqual({ acquired: true });
    expect(stillHeld).toMatchObject({ acquired: false, heldBy: loser });
    expect(afterRelease).toEqual({ acquired: true });
  });

  it('renews the lease for the run that holds it', async () => {
    const ledger = await makeLedger();
    await ledger.acquireLease('p', 'run-a', T0, 60_000);
    expect(await ledger.acquireLease('p', 'run-a', T0 + 30_000, 60_000)).toEqual({ acquired: true });
    expect(await ledger.acquireLease('p', 'run-b', T0 + 61_000, 60_000)).toMatchObject({ acquired: false, heldUntil: T0 + 90_000 });
  });

  it('keeps one lease per project', async () => {
    const ledger = await makeLedger();
    expect(await ledger.acquireLease('p1', 'run-a', T0, 60_000)).toEqual({ acquired: true });
    expect(await ledger.acquireLease('p2', 'run-b', T0, 60_000)).toEqual({ acquired: true });
  });

  it('replaces a job record, escalation included, and forgets nothing else', async () => {
    // Prepare
    const ledger = await makeLedger();
    const first = recordAttempt(undefined, 'a', T0);

    // Act
    await ledger.writeJobs('p', [first, recordAttempt(undefined, 'b', T0)]);
    await ledger.writeJobs('p', [{ ...recordAttempt(first, 'a', T0 + MIN), escalatedAt: T0 + 2 * MIN }]);
    await ledger.endEpisodes('p', []);
    await ledger.writeJobs('p', []);

    // Assess
    const read = await ledger.readJobs('p', ['a', 'b']);
    expect(read.get('a')).toEqual({ jobId: 'a', episodeStartedAt: T0, attempts: 2, lastAttemptAt: T0 + MIN, escalatedAt: T0 + 2 * MIN });
    expect(read.get('b')).toEqual({ jobId: 'b', episodeStartedAt: T0, attempts: 1, lastAttemptAt: T0 });
  });
});

/** A problem told to a sink at `at`. */
const told = (jobId: string, sink: string, at: number, extra: Partial<SinkToldRecord> = {}): SinkToldRecord => ({
  jobId, sink, outcome: 'needs_attention', causeId: 'disk-full', firstToldAt: at, lastToldAt: at, ...extra,
});
const sorted = (records: SinkToldRecord[]) => [...records].sort((a, b) => `${a.jobId} ${a.sink}`.localeCompare(`${b.jobId} ${b.sink}`));

describe.each(ledgers)('%s ledger: what the sinks were told (NOTIFY_ON=changes)', (kind, makeLedger) => {
  it(`says whether it outlives the process: ${kind === 'memory' ? 'no' : 'yes'}`, async () => {
    expect((await makeLedger()).persistent).toBe(kind !== 'memory');
  });

  it('keeps one record per job and sink, per project, and replaces a job\'s records as a whole', async () => {
    // Prepare
    const ledger = await makeLedger();

    // Act
    await ledger.writeTold('p1', new Map([
      ['a', [told('a', 'webhook', T0), told('a', 'slack', T0)]],
      ['b', [told('b', 'webhook', T0, { outcome: 'retry_failed', causeId: '' })]],
    ]));
    await ledger.writeTold('p2', new Map([['a', [told('a', 'smn', T0 + 1)]]]));
    const first = await ledger.readTold('p1', ['a', 'b', 'c']);
    // A reminder for the webhook only, Slack forgotten; b forgotten; two records of one sink: the last wins.
    await ledger.writeTold('p1', new Map([
      ['a', [told('a', 'webhook', T0, { lastToldAt: T0 + MIN }), told('a', 'teams', T0), told('a', 'teams', T0 + 2 * MIN)]],
      ['b', []],
    ]));
    await ledger.writeTold('p1', new Map());

    // Assess
    expect(sorted(first)).toEqual(sorted([told('a', 'webhook', T0), told('a', 'slack', T0), told('b', 'webhook', T0, { outcome: 'retry_failed', causeId: '' })]));
    expect(sorted(await ledger.readTold('p1', ['a', 'b']))).toEqual([
      told('a', 'teams', T0 + 2 * MIN),
      told('a', 'webhook', T0, { lastToldAt: T0 + MIN }),
    ]);
    expect(await ledger.readTold('p2', ['a', 'b'])).toEqual([told('a', 'smn', T0 + 1)]);
    expect(await ledger.readTold('p1', [])).toEqual([]);
  });

  it('reads and writes the records of 1,200 open problems, two sinks each, beyond every per-call limit', async () => {
    // Prepare
    const ledger = await makeLedger();
    const ids = Array.from({ length: 1_200 }, (_, i) => `job-${String(i).padStart(4, '0')}`);
    const byJob = new Map(ids.map((id, i) => [id, [told(id, 'webhook', T0 + i), told(id, 'smn', T0 + i)]]));

    // Act
    await ledger.writeTold('p', byJob);
    const read = await ledger.readTold('p', [...ids, 'job-x']);
    await ledger.writeTold('p', new Map(ids.slice(0, 1_100).map((id) => [id, []])));

    // Assess
    expect(read).toHaveLength(2_400);
    expect(read.find((r) => r.jobId === 'job-1199' && r.sink === 'smn')).toEqual(told('job-1199', 'smn', T0 + 1_199));
    expect((await ledger.readTold('p', ids)).map((r) => r.jobId).sort()).toEqual(ids.slice(1_100).flatMap((id) => [id, id]));
  });

  it('keeps told records apart from job records and the lease', async () => {
    // Prepare
    const ledger = await makeLedger();
    await ledger.writeJobs('p', [recordAttempt(undefined, 'a', T0)]);
    await ledger.acquireLease('p', 'run-a', T0, 60_000);

    // Act
    await ledger.writeTold('p', new Map([['a', [told('a', 'webhook', T0)]]]));
    await ledger.writeTold('p', new Map([['a', []]]));
    await ledger.endEpisodes('p', ['a']);

    // Assess
    expect(await ledger.readTold('p', ['a'])).toEqual([]);
    expect((await ledger.readJobs('p', ['a'])).size).toBe(0);
    expect(await ledger.acquireLease('p', 'run-b', T0 + 1, 60_000)).toMatchObject({ acquired: false, heldBy: 'run-a' });
  });
});

describe('DynamoDB ledger failures', () => {
  it('fails clearly when the table does not exist', async () => {
    const ledger = new DynamoLedger({ table: 'no-such-table', client: dynamo.client });
    const error = await ledger.readJobs('p', ['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as Error).message).toMatch(/^could not read job records in DynamoDB table no-such-table: ResourceNotFoundException: .*\. Create the table no-such-table in this region, or set DRS_LEDGER_TABLE/);
  });
});
