import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { LedgerError } from '../lib/ledger/ledgerError.js';
import { PostgresLedger, type PostgresLedgerOptions } from '../lib/ledger/postgresLedger.js';
import { recordAttempt } from '../lib/core/retryBudget.js';
import { startPostgres, type LocalPostgres } from './support/postgres.js';

/** What only the PostgreSQL ledger has to do: its table, expiry, timeouts, failures and secrets. */
const T0 = Date.parse('2026-11-27T03:00:00Z');
const DAY = 86_400_000;

let postgres: LocalPostgres;
const opened: PostgresLedger[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await Promise.all(opened.map((ledger) => ledger.close()));
  await postgres?.close(); // unset after a failed start, whose error says why
});

const open = (options: Partial<PostgresLedgerOptions> & { url: string }) => {
  const ledger = new PostgresLedger(options);
  opened.push(ledger);
  return ledger;
};

const failureOf = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('it should have failed'), (error: unknown) => error as LedgerError);

describe('the ledger table', () => {
  it('is created on first use with the schema the README documents', async () => {
    // Prepare
    const url = await postgres.freshDatabase();
    const database = new URL(url).pathname.slice(1);

    // Act
    await open({ url }).readJobs('p', ['a']);

    // Assess
    const columns = await postgres.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'drs_auto_retry_ledger' ORDER BY ordinal_position`,
      [],
      database,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}`)).toEqual([
      'project_id text not null',
      'job_id text not null',
      'episode_started_at timestamp with time zone',
      'attempts integer',
      'last_attempt_at timestamp with time zone',
      'escalated_at timestamp with time zone',
      'run_id text',
      'lease_until timestamp with time zone',
      'expires_at timestamp with time zone not null',
    ]);
    const indexes = await postgres.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'drs_auto_retry_ledger' ORDER BY 1`, [], database);
    expect(indexes.map((i) => i.indexname)).toEqual(['drs_auto_retry_ledger_expires_at', 'drs_auto_retry_ledger_pkey']);
  });

  it('is used as it is by a user that may only read and write it', async () => {
    // Prepare: the table exists; the tool's user has no right to create anything
    const url = await postgres.freshDatabase();
    const database = new URL(url).pathname.slice(1);
    await open({ url }).readJobs('p', ['a']);
    await postgres.query(`CREATE ROLE drs_tool LOGIN PASSWORD 'tool-pass'; REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT SELECT, INSERT, UPDATE, DELETE ON drs_auto_retry_ledger TO drs_tool`, [], database);
    const toolUrl = Object.assign(new URL(url), { username: 'drs_tool', password: 'tool-pass' }).href;

    // Act
    const ledger = open({ url: toolUrl });
    const lease = await ledger.acquireLease('p', 'run-a', T0, 60_000);
    await ledger.writeJobs('p', [recordAttempt(undefined, 'a', T0)]);

    // Assess
    expect(lease).toEqual({ acquired: true });
    expect((await ledger.readJobs('p', ['a'])).get('a')).toMatchObject({ attempts: 1 });
    await postgres.query('DROP OWNED BY drs_tool; DROP ROLE drs_tool', [], database);
  });

  it('is created once when several first runs start together, and exactly one of them gets the lease', async () => {
    // Prepare: five processes' worth of ledgers, each with its own connections, on an empty database
    const url = await postgres.freshDatabase();
    const ledgers = Array.from({ length: 5 }, () => open({ url }));

    // Act
    const results = await Promise.all(ledgers.map((ledger, i) => ledger.acquireLease('p', `run-${i}`, T0, 60_000)));

    // Assess
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const winner = `run-${results.findIndex((r) => r.acquired)}`;
    expect(results.filter((r) => !r.acquired)).toEqual(Array(4).fill({ acquired: false, heldBy: winner, heldUntil: T0 + 60_000 }));
  });
});

describe('the told table (NOTIFY_ON=changes)', () => {
  const toldRecord = (jobId: string, at: number) => ({ jobId, sink: 'webhook', outcome: 'needs_attention' as const, causeId: 'disk-full', firstToldAt: at, lastToldAt: at });

  it('is added on first use beside the ledger table of an existing deployment, which it leaves as it was', async () => {
    // Prepare: a deployment from before the told table, with a budget and a lease in it
    const url = await postgres.freshDatabase();
    const database = new URL(url).pathname.slice(1);
    const before = open({ url });
    await before.writeJobs('p', [recordAttempt(undefined, 'a', T0)]);
    await before.acquireLease('p', 'run-a', T0, 60_000);
    const ledgerRows = () => postgres.query(`SELECT project_id, job_id, attempts, run_id FROM drs_auto_retry_ledger ORDER BY job_id`, [], database);
    const rowsBefore = await ledgerRows();
    expect(await postgres.query(`SELECT to_regclass('drs_auto_retry_ledger_told') IS NULL AS missing`, [], database)).toEqual([{ missing: true }]);

    // Act: the new release, two first runs at once
    const [one, two] = [open({ url }), open({ url })];
    const reads = await Promise.all([one.readTold('p', ['a']), two.readTold('p', ['a'])]);
    await one.writeTold('p', new Map([['a', [toldRecord('a', T0)]]]));

    // Assess
    expect(reads).toEqual([[], []]);
    expect(await ledgerRows()).toEqual(rowsBefore);
    expect(await two.readTold('p', ['a'])).toEqual([toldRecord('a', T0)]);
    const columns = await postgres.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'drs_auto_retry_ledger_told' ORDER BY ordinal_position`,
      [],
      database,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      'project_id text', 'job_id text', 'sink text', 'outcome text', 'cause_id text',
      'first_told_at timestamp with time zone', 'last_told_at timestamp with time zone', 'expires_at timestamp with time zone',
    ]);
    const indexes = await postgres.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'drs_auto_retry_ledger_told' ORDER BY 1`, [], database);
    expect(indexes.map((i) => i.indexname)).toEqual(['drs_auto_retry_ledger_told_expires_at', 'drs_auto_retry_ledger_told_pkey']);
  });

  it('cannot be created by a user without CREATE rights: that fails alone, naming the table; retries still work', async () => {
    // Prepare: an existing deployment whose user may only read and write the ledger table
    const url = await postgres.freshDatabase();
    const database = new URL(url).pathname.slice(1);
    await open({ url }).readJobs('p', ['a']);
    await postgres.query(`CREATE ROLE drs_told LOGIN PASSWORD 'told-pass'; REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT SELECT, INSERT, UPDATE, DELETE ON drs_auto_retry_ledger TO drs_told`, [], database);
    const ledger = open({ url: Object.assign(new URL(url), { username: 'drs_told', password: 'told-pass' }).href });

    // Act
    const error = await failureOf(ledger.readTold('p', ['a']));
    const lease = await ledger.acquireLease('p', 'run-a', T0, 60_000);

    // Assess
    expect(error).toBeInstanceOf(LedgerError);
    expect(error.message).toMatch(/^could not create the table drs_auto_retry_ledger_told in PostgreSQL at .* \(42501: permission denied for schema public\)/);
    expect(lease).toEqual({ acquired: true });
    await postgres.query('DROP OWNED BY drs_told; DROP ROLE drs_told', [], database);
  });

  it('forgets what was told 30 days after its last write', async () => {
    // Prepare
    let now = T0;
    const url = await postgres.freshDatabase();
    const database = new URL(url).pathname.slice(1);
    const ledger = open({ url, clock: () => now });
    await ledger.writeTold('p', new Map([['old', [toldRecord('old', T0)]]]));
    now = T0 + 20 * DAY;
    await ledger.writeTold('p', new Map([['recent', [toldRecord('recent', now)]]]));

    // Act
    now = T0 + 31 * DAY;
    const read = await ledger.readTold('p', ['old', 'recent']);
    await ledger.writeTold('p', new Map());

    // Assess
    expect(read.map((r) => r.jobId)).toEqual(['recent']);
    expect(await postgres.query(`SELECT job_id FROM drs_auto_retry_ledger_told`, [], database)).toEqual([{ job_id: 'recent' }]);
  });
});

describe('expiry (PostgreSQL has no TTL)', () => {
  it('forgets job records 30 days after their last write, and the lease holder deletes them', async () => {
    // Prepare
    let now = T0;
    const url = await postgres.freshDatabase();
    const database = new URL(url).pathname.slice(1);
    const ledger = open({ url, clock: () => now });
    await ledger.writeJobs('p', [recordAttempt(undefined, 'old', T0)]);
    now = T0 + 20 * DAY;
    await ledger.writeJobs('p', [recordAttempt(undefined, 'recent', now)]);

    // Act
    now = T0 + 31 * DAY;
    const read = await ledger.readJobs('p', ['old', 'recent']);
    const rowsBefore = await postgres.query(`SELECT job_id FROM drs_auto_retry_ledger ORDER BY 1`, [], database);
    await ledger.acquireLease('p', 'run-a', now, 60_000);
    const rowsAfter = await postgres.query(`SELECT job_id FROM drs_auto_retry_ledger ORDER BY 1`, [], database);

    // Assess
    expect([...read.keys()]).toEqual(['recent']);
    expect(rowsBefore.map((r) => r.job_id)).toEqual(['old', 'recent']);
    expect(rowsAfter.map((r) => r.job_id)).toEqual(['', 'recent']);
  });
});

describe('PostgreSQL failures', () => {
  it('fails clearly when nothing listens at the URL, without the password', async () => {
    const url = `postgres://drs:${encodeURIComponent(postgres.password)}@127.0.0.1:9/ledger`;
    const error = await failureOf(open({ url, connectTimeoutMs: 1_000 }).acquireLease('p', 'run', T0, 60_000));
    expect(error).toBeInstanceOf(LedgerError);
    expect(error.code).toBe('LEDGER_UNAVAILABLE');
    expect(error.message).toMatch(/^could not look for the ledger table in PostgreSQL at 127\.0\.0\.1:9\/ledger \(ECONNREFUSED.*\): check DRS_LEDGER_URL/);
    expect(error.message).not.toContain(postgres.password);
  });

  it('says the password was refused, without the password', async () => {
    const wrong = `${postgres.password}-wrong`;
    const url = `postgres://postgres:${encodeURIComponent(wrong)}@127.0.0.1:${postgres.port}/postgres`;
    const error = await failureOf(open({ url }).readJobs('p', ['a']));
    expect(error.message).toMatch(/\(28P01: password authentication failed for user "postgres"\)/);
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(postgres.password);
  });

  it('ends a statement that waits too long (statement_timeout)', async () => {
    // Prepare: another session holds the lease row locked
    const url = await postgres.freshDatabase();
    const ledger = open({ url, statementTimeoutMs: 300 });
    await ledger.acquireLease('p', 'run-a', T0, 60_000);
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query(`BEGIN; SELECT * FROM drs_auto_retry_ledger WHERE job_id = '' FOR UPDATE`);

    // Act
    const started = Date.now();
    const error = await failureOf(ledger.acquireLease('p', 'run-b', T0 + 120_000, 60_000));

    // Assess
    expect(error.message).toMatch(/could not take the run lease .*\(57014: canceling statement due to statement timeout\)/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await blocker.end();
  });

  it('fails while the server is gone, and works again once it is back', async () => {
    // Prepare: the ledger has idle connections open
    const url = await postgres.freshDatabase();
    const ledger = open({ url, connectTimeoutMs: 1_000 });
    await Promise.all([ledger.readJobs('p', ['a']), ledger.readJobs('p', ['b'])]);

    // Act
    await postgres.stop();
    const whileGone = await failureOf(ledger.writeJobs('p', [recordAttempt(undefined, 'a', T0)]));
    await postgres.start();
    await ledger.writeJobs('p', [recordAttempt(undefined, 'a', T0)]);

    // Assess
    expect(whileGone.code).toBe('LEDGER_UNAVAILABLE');
    expect(whileGone.message).toMatch(/^could not write job records in PostgreSQL at 127\.0\.0\.1:\d+\/ledger_\w+ \(/);
    expect((await ledger.readJobs('p', ['a'])).get('a')).toMatchObject({ attempts: 1 });
  });
});
