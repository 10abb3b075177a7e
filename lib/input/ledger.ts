import { ConfigError } from '../errors.js';
import type { LedgerSettings } from '../ledger/settings.js';
import { checkUrl, defined, read, readInteger, type Env } from './env.js';
import { LIMITS, preview } from './valueChecks.js';

// DynamoDB's own rule for table names.
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

// The URL holds the database password: no message here repeats any part of it.
function checkPostgresUrl(raw: string): void {
  const fail = (what: string, cause?: unknown): never => {
    throw new ConfigError(`DRS_LEDGER_URL ${what}; use postgres://user:password@host:5432/database, with special characters in the password percent-encoded`, { field: 'DRS_LEDGER_URL', cause });
  };
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) return fail('is not a PostgreSQL URL');
  if (url.hostname === '') fail('has no host');
  if (url.username === '') fail('has no user name');
  try {
    decodeURIComponent(url.username + url.password + url.pathname);
  } catch (error) {
    fail('has a malformed %-escape', error);
  }
}

/** DRS_LEDGER_* and the retry budget variables. */
export function resolveLedger(env: Env, allowInsecure: boolean): LedgerSettings {
  const table = read(env, 'DRS_LEDGER_TABLE');
  if (table !== undefined && !TABLE_NAME_PATTERN.test(table)) {
    throw new ConfigError(`DRS_LEDGER_TABLE is not a DynamoDB table name: ${preview(table)}; use 3 to 255 letters, digits, "_", "-" or "."`, { field: 'DRS_LEDGER_TABLE' });
  }
  const url = read(env, 'DRS_LEDGER_URL');
  if (url !== undefined && table !== undefined) {
    throw new ConfigError('DRS_LEDGER_TABLE and DRS_LEDGER_URL are both set: set DRS_LEDGER_TABLE for DynamoDB or DRS_LEDGER_URL for PostgreSQL, not both', { field: 'DRS_LEDGER_URL' });
  }
  if (url !== undefined) checkPostgresUrl(url);
  const rawEndpoint = read(env, 'DRS_LEDGER_ENDPOINT');
  if (rawEndpoint !== undefined && table === undefined) {
    throw new ConfigError('DRS_LEDGER_ENDPOINT is set but DRS_LEDGER_TABLE is not: set the table too, or remove the endpoint', { field: 'DRS_LEDGER_ENDPOINT' });
  }
  return {
    ...defined({ table, url, endpoint: rawEndpoint === undefined ? undefined : checkUrl(rawEndpoint, 'DRS_LEDGER_ENDPOINT', 'origin', allowInsecure) }),
    maxAttempts: readInteger(env, 'DRS_MAX_ATTEMPTS', LIMITS.maxAttempts) ?? LIMITS.maxAttempts.default,
    backoffBaseMs: readInteger(env, 'DRS_BACKOFF_BASE_MS', LIMITS.backoffBaseMs) ?? LIMITS.backoffBaseMs.default,
  };
}
