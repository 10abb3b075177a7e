/**
 * The PostgreSQL ledger's tables (README "Retry ledger on PostgreSQL"). The ledger table has one
 * row per job in a failure episode, and one row per project, with `job_id = ''`, for the run
 * lease. Beside it, `<table>_told` has what each sink was told (NOTIFY_ON=changes): one row per
 * job and sink. PostgreSQL has no TTL: every row carries `expires_at`, reads ignore rows past it,
 * and runs delete them.
 */
export const DEFAULT_TABLE = 'drs_auto_retry_ledger';

/**
 * A plain lower-case identifier, so the name can go into SQL without quoting surprises; short
 * enough that `<table>_told` stays within PostgreSQL's 63 characters (it would cut it silently).
 */
export const TABLE_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,57}$/;

/** The table of what the sinks were told, beside the ledger table. */
export const toldTableOf = (table: string): string => `${table}_told`;

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

/**
 * Creates the table of what the sinks were told, if missing: on a new deployment and on one that
 * already has its ledger table (added in the release that made NOTIFY_ON=changes the default).
 * Only IF NOT EXISTS, under its own advisory lock: it never touches the ledger table.
 */
export function createToldTableSql(table: string): string {
  const told = toldTableOf(table);
  return `
SELECT pg_advisory_xact_lock(hashtext('drs-auto-retry told ' || '${told}'));
CREATE TABLE IF NOT EXISTS ${told} (
  project_id    text        NOT NULL,
  job_id        text        NOT NULL,
  sink          text        NOT NULL,
  outcome       text        NOT NULL,
  cause_id      text        NOT NULL,
  first_told_at timestamptz NOT NULL,
  last_told_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (project_id, job_id, sink)
);
CREATE INDEX IF NOT EXISTS ${told}_expires_at ON ${told} (expires_at);`;
}
