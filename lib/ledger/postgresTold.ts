import type { SinkToldRecord } from '../engine/ports.js';
import type { Outcome } from '../core/outcomes.js';

/** The statements of the told table (postgresSchema.ts: one row per project, job and sink). */

/** A row of the told table, as `pg` returns it. */
export interface ToldRow {
  job_id: string;
  sink: string;
  outcome: string;
  cause_id: string;
  first_told_at: Date;
  last_told_at: Date;
}

export const fromToldRow = (row: ToldRow): SinkToldRecord => ({
  jobId: row.job_id,
  sink: row.sink,
  outcome: row.outcome as Outcome,
  causeId: row.cause_id,
  firstToldAt: row.first_told_at.getTime(),
  lastToldAt: row.last_told_at.getTime(),
});

/** $1 project, $2 job ids, $3 now: the unexpired rows of these jobs. */
export const readToldSql = (told: string): string =>
  `SELECT job_id, sink, outcome, cause_id, first_told_at, last_told_at FROM ${told}
    WHERE project_id = $1 AND job_id = ANY($2::text[]) AND expires_at > $3`;

/**
 * One statement that makes each listed job's rows exactly its records: rows of sinks no longer
 * told go, the others are upserted. The two touch different rows, so they can share a statement,
 * and so one run's memory is never half written. Of two records of a job and sink, the last wins
 * (an upsert may touch a row only once).
 */
export function writeToldStatement(
  told: string,
  projectId: string,
  jobs: ReadonlyArray<readonly [jobId: string, records: readonly SinkToldRecord[]]>,
  expiresAt: Date,
): { sql: string; params: unknown[] } {
  const rows = [...new Map(jobs.flatMap(([jobId, records]) => records.map((r) => [`${jobId}\n${r.sink}`, { ...r, jobId }] as const))).values()];
  const sql = `WITH incoming AS (
      SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
        AS r(job_id, sink, outcome, cause_id, first_told_at, last_told_at)
    ), gone AS (
      DELETE FROM ${told} AS t WHERE t.project_id = $1 AND t.job_id = ANY($8::text[])
        AND NOT EXISTS (SELECT 1 FROM incoming AS i WHERE i.job_id = t.job_id AND i.sink = t.sink)
    )
    INSERT INTO ${told} (project_id, job_id, sink, outcome, cause_id, first_told_at, last_told_at, expires_at)
    SELECT $1::text, i.*, $9::timestamptz FROM incoming AS i
    ON CONFLICT (project_id, job_id, sink) DO UPDATE SET outcome = EXCLUDED.outcome, cause_id = EXCLUDED.cause_id,
      first_told_at = EXCLUDED.first_told_at, last_told_at = EXCLUDED.last_told_at, expires_at = EXCLUDED.expires_at`;
  const params = [
    projectId,
    rows.map((r) => r.jobId),
    rows.map((r) => r.sink),
    rows.map((r) => r.outcome),
    rows.map((r) => r.causeId),
    rows.map((r) => new Date(r.firstToldAt)),
    rows.map((r) => new Date(r.lastToldAt)),
    jobs.map(([jobId]) => jobId),
    expiresAt,
  ];
  return { sql, params };
}
