/** DRS_LEDGER_* and the budget variables, validated (retry budget and run lease). */
export interface LedgerSettings {
  /** DRS_LEDGER_TABLE: DynamoDB table; with neither it nor `url`, the in-memory ledger (stateless between runs). */
  table?: string;
  /** DRS_LEDGER_URL: a PostgreSQL database (postgres://user:password@host:port/database). A secret: it holds a password. */
  url?: string;
  /** DRS_LEDGER_ENDPOINT: a local DynamoDB, for tests and development. */
  endpoint?: string;
  /** DRS_MAX_ATTEMPTS: retries per job and failure episode. */
  maxAttempts: number;
  /** DRS_BACKOFF_BASE_MS: the first minimum interval between attempts; doubles, capped at 4 h. */
  backoffBaseMs: number;
}
