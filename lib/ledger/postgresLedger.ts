import pg from 'pg';
import type { LeaseResult, RetryLedger, SinkToldRecord } from '../engine/ports.js';
import { chunksOf } from '../core/chunks.js';
import type { JobRecord } from '../core/retryBudget.js';
import { messageOf } from '../errors.js';
import { LedgerError } from './ledgerError.js';
import { fromToldRow, readToldSql, writeToldStatement, type ToldRow } from './postgresTold.js';
import { createTableSql, createToldTableSql, DEFAULT_TABLE, LEASE_KEY, TABLE_NAME_PATTERN, toldTableOf } from './postgresSchema.js';

/** A job record outlives its last write by 30 days, as in DynamoDB; then it is deleted. */
const RECORD_TTL_MS = 30 * 86_400_000;
/** Ids per read or delete statement: one round trip each, without a huge parameter. */
const MAX_IDS = 1_000;
/** A run makes a handful of small statements at a time; two connections serve them. */
const POOL_SIZE = 2;

export interface PostgresLedgerOptions {
  /** DRS_LEDGER_URL: postgres://user:password@host:port/database[?sslmode=…]. */
  url: string;
  /** The table; tests give each ledger its own. */
  table?: string;
  clock?: () => number;
  /** Server-side limit per statement; the client gives up a little later if no answer comes. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

type JobRow = {
  job_id: string;
  episode_started_at: Date;
  attempts: number;
  last_attempt_at: Date | null;
  escalated_at: Date | null;
};

const toDate = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

function fromRow(row: JobRow): JobRecord {
  const record: JobRecord = { jobId: row.job_id, episodeStartedAt: row.episode_started_at.getTime(), attempts: row.attempts };
  if (row.last_attempt_at) record.lastAttemptAt = row.last_attempt_at.getTime();
  if (row.escalated_at) record.escalatedAt = row.escalated_at.getTime();
  return record;
}

/** Where the ledger is, for messages: host, port and database, never the user's password. */
function describeUrl(url: string): { where: string; secrets: string[] } {
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text; // a malformed escape: the driver refuses such a URL with its own error
    }
  };
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const password = parsed?.password ?? '';
  const secrets = password === '' ? [] : [password, decode(password)];
  if (!parsed) return { where: 'PostgreSQL (DRS_LEDGER_URL)', secrets };
  const database = decode(parsed.pathname.slice(1)) || decode(parsed.username);
  return { where: `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}/${database}`, secrets };
}

/**
 * The retry ledger in PostgreSQL (DRS_LEDGER_URL), with the semantics of the DynamoDB one: job
 * records per project, one lease per project taken by a single conditional upsert, and what the
 * sinks were told. Each table is created on first use if missing (postgresSchema.ts).
 */
export class PostgresLedger implements RetryLedger {
  readonly persistent = true;
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly toldTable: string;
  private readonly clock: () => number;
  private readonly where: string;
  private readonly secrets: string[];
  private ready: Promise<void> | undefined;
  private toldReady: Promise<void> | undefined;

  constructor(options: PostgresLedgerOptions) {
    this.table = options.table ?? DEFAULT_TABLE;
    if (!TABLE_NAME_PATTERN.test(this.table)) throw new TypeError(`Expected a plain lower-case table name, got ${this.table}`);
    this.toldTable = toldTableOf(this.table);
    this.clock = options.clock ?? Date.now;
    ({ where: this.where, secrets: this.secrets } = describeUrl(options.url));
    const statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // statement_timeout ends a slow statement on the server; query_timeout ends the wait on a
      // server that went silent (a dropped network), where no answer would ever come.
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 2_000,
      idleTimeoutMillis: 10_000,
      // A CLI run ends when its work is done, without waiting for idle connections to time out.
      allowExitOnIdle: true,
      keepAlive: true,
      application_name: 'drs-auto-retry',
    });
    // An idle connection that breaks (server restart, failover) is dropped by the pool; the next
    // statement opens a new one and fails with its own LedgerError if the server is gone.
    // Without this listener the 'error' event would end the process.
    this.pool.on('error', () => undefined);
  }

  async readJobs(projectId: string, jobIds: readonly string[]): Promise<Map<string, JobRecord>> {
    const found = new Map<string, JobRecord>();
    for (const ids of chunksOf([...new Set(jobIds)], MAX_IDS)) {
      const rows = await this.query<JobRow>(
        'read job records',
        `SELECT job_id, episode_started_at, attempts, last_attempt_at, escalated_at FROM ${this.table}
          WHERE project_id = $1 AND job_id = ANY($2::text[]) AND job_id <> '' AND expires_at > $3`,
        [projectId, ids, new Date(this.clock())],
      );
      for (const row of rows) found.set(row.job_id, fromRow(row));
    }
    return found;
  }

  async writeJobs(projectId: string, records: readonly JobRecord[]): Promise<void> {
    // One upsert may touch a row only once: the last record of a job wins.
    const latest = [...new Map(records.map((r) => [r.jobId, r])).values()];
    if (latest.length === 0) return;
    const expiresAt = new Date(this.clock() + RECORD_TTL_MS);
    await this.query(
      'write job records',
      `INSERT INTO ${this.table} (project_id, job_id, episode_started_at, attempts, last_attempt_at, escalated_at, expires_at)
       SELECT $1::text, r.*, $7::timestamptz FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::timestamptz[], $6::timestamptz[]) AS r
       ON CONFLICT (project_id, job_id) DO UPDATE SET
         episode_started_at = EXCLUDED.episode_started_at, attempts = EXCLUDED.attempts,
         last_attempt_at = EXCLUDED.last_attempt_at, escalated_at = EXCLUDED.escalated_at, expires_at = EXCLUDED.expires_at`,
      [
        projectId,
        latest.map((r) => r.jobId),
        latest.map((r) => new Date(r.episodeStartedAt)),
        latest.map((r) => r.attempts),
        latest.map((r) => toDate(r.lastAttemptAt)),
        latest.map((r) => toDate(r.escalatedAt)),
        expiresAt,
      ],
    );
  }

  async endEpisodes(projectId: string, jobIds: readonly string[]): Promise<void> {
    for (const ids of chunksOf([...new Set(jobIds)], MAX_IDS)) {
      await this.query('end job episodes', `DELETE FROM ${this.table} WHERE project_id = $1 AND job_id = ANY($2::text[]) AND job_id <> ''`, [projectId, ids]);
    }
  }

  async acquireLease(projectId: string, runId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    const until = new Date(now + ttlMs);
    // One statement decides: a new lease, an expired one taken over, or this run's own renewed.
    // A concurrent insert waits for the other's commit, then sees its lease and takes nothing.
    const taken = await this.query<{ run_id: string }>(
      'take the run lease',
      `INSERT INTO ${this.table} AS held (project_id, job_id, run_id, lease_until, expires_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (project_id, job_id) DO UPDATE SET run_id = EXCLUDED.run_id, lease_until = EXCLUDED.lease_until, expires_at = EXCLUDED.expires_at
         WHERE held.lease_until < $5 OR held.run_id = EXCLUDED.run_id
       RETURNING run_id`,
      [projectId, LEASE_KEY, runId, until, new Date(now)],
    );
    if (taken.length === 1) {
      // PostgreSQL has no TTL: the run that holds the lease clears what has expired.
      await this.query('delete expired records', `DELETE FROM ${this.table} WHERE expires_at < $1`, [new Date(now)]);
      return { acquired: true };
    }
    const held = await this.query<{ run_id: string; lease_until: Date }>(
      'read the run lease',
      `SELECT run_id, lease_until FROM ${this.table} WHERE project_id = $1 AND job_id = $2`,
      [projectId, LEASE_KEY],
    );
    return { acquired: false, heldBy: held[0]?.run_id ?? 'unknown', heldUntil: held[0]?.lease_until.getTime() ?? now + ttlMs };
  }

  async releaseLease(projectId: string, runId: string): Promise<void> {
    // Another run may have taken the lease after ours expired: then it is theirs, and stays.
    await this.query('release the run lease', `DELETE FROM ${this.table} WHERE project_id = $1 AND job_id = $2 AND run_id = $3`, [projectId, LEASE_KEY, runId]);
  }

  async readTold(projectId: string, jobIds: readonly string[]): Promise<SinkToldRecord[]> {
    const records: SinkToldRecord[] = [];
    for (const ids of chunksOf([...new Set(jobIds)], MAX_IDS)) {
      const rows = await this.queryTold<ToldRow>('read what the sinks were told', readToldSql(this.toldTable), [projectId, ids, new Date(this.clock())]);
      records.push(...rows.map(fromToldRow));
    }
    return records;
  }

  async writeTold(projectId: string, byJob: ReadonlyMap<string, readonly SinkToldRecord[]>): Promise<void> {
    const now = this.clock();
    for (const jobs of chunksOf([...byJob], MAX_IDS)) {
      const { sql, params } = writeToldStatement(this.toldTable, projectId, jobs, new Date(now + RECORD_TTL_MS));
      await this.queryTold('write what the sinks were told', sql, params);
    }
    await this.queryTold('delete expired records', `DELETE FROM ${this.toldTable} WHERE expires_at < $1`, [new Date(now)]);
  }

  /** Closes the pool's connections; the ledger cannot be used after. */
  close(): Promise<void> {
    return this.pool.end();
  }

  /** Creates the table once per ledger, if missing; a failed attempt is tried again by the next statement. */
  private ensureTable(): Promise<void> {
    this.ready ??= (async () => {
      // A user that may only read and write an existing table must not need CREATE rights.
      const { rows } = await this.send<{ present: boolean }>('look for the ledger table', 'SELECT to_regclass($1) IS NOT NULL AS present', [this.table]);
      if (!rows[0]?.present) await this.send('create the ledger table', createTableSql(this.table));
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /**
   * Creates the told table once per ledger, if missing, apart from the ledger table: a deployment
   * whose user may not create it still retries (NOTIFY_ON=changes then falls back to `problems`).
   */
  private ensureToldTable(): Promise<void> {
    this.toldReady ??= (async () => {
      const { rows } = await this.send<{ present: boolean }>('look for the told table', 'SELECT to_regclass($1) IS NOT NULL AS present', [this.toldTable]);
      if (!rows[0]?.present) await this.send(`create the table ${this.toldTable}`, createToldTableSql(this.table));
    })().catch((error: unknown) => {
      this.toldReady = undefined;
      throw error;
    });
    return this.toldReady;
  }

  private async queryTold<R extends pg.QueryResultRow>(what: string, sql: string, params: unknown[]): Promise<R[]> {
    await this.ensureToldTable();
    return (await this.send<R>(what, sql, params)).rows;
  }

  private async query<R extends pg.QueryResultRow>(what: string, sql: string, params: unknown[]): Promise<R[]> {
    await this.ensureTable();
    return (await this.send<R>(what, sql, params)).rows;
  }

  private async send<R extends pg.QueryResultRow>(what: string, sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (error) {
      throw new LedgerError(`could not ${what} in ${this.where} (${this.reason(error)}): check DRS_LEDGER_URL, that the database is reachable, and the user's rights on the table`, { cause: error });
    }
  }

  /** The driver's or server's reason, with the password masked should any text ever carry it. */
  private reason(error: unknown): string {
    const code = (error as { code?: unknown } | undefined)?.code;
    const message = messageOf(error);
    let text = [typeof code === 'string' ? code : undefined, message || undefined].filter(Boolean).join(': ') || 'unknown error';
    for (const secret of this.secrets) text = text.split(secret).join('***');
    return text;
  }
}
