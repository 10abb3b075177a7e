/**
 * The PostgreSQL ledger's table (README "Retry ledger on PostgreSQL"). One row per job in a
 * failure episode, and one row per project, with `job_id = ''`, for the run lease. PostgreSQL has
 * no TTL: every row carries `expires_at`, reads ignore rows past it, and each run that takes the
 * lease deletes them.
 */
export const DEFAULT_TABLE = 'drs_auto_retry_ledger';

/** A plain lower-case identifier, so the name can go into SQL without quoting surprises. */
export const TABLE_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** The row key of a project's run lease; never a job id (those start with a letter or digit). */
export const LEASE_KEY = '';

/**
 * Creates the table and its expiry index if missing. One simple-query message runs as one
 * transaction, and the advisory lock (held to its end) keeps two first runs from racing on
 * CREATE TABLE, which is not safe to run concurrently even with IF NOT EXISTS.
 */
export function createTableSql(table: string): string {
  return `
SELECT pg_advisory_xact_lock(hashtext('drs-auto-retry ledger ' || '${table}'));
CREATE TABLE IF NOT EXISTS ${table} (
  project_id         text        NOT NULL,
  job_id             text        NOT NULL,
  episode_started_at timestamptz,
  attempts           integer,
  last_attempt_at    timestamptz,
  escalated_at       timestamptz,
  run_id             text,
  lease_until        timestamptz,
  expires_at         timestamptz NOT NULL,
  PRIMARY KEY (project_id, job_id),
  CHECK (CASE WHEN job_id = '' THEN run_id IS NOT NULL AND lease_until IS NOT NULL
              ELSE episode_started_at IS NOT NULL AND attempts IS NOT NULL END)
);
CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);`;
}
