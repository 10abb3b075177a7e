import type { RetryLedger } from '../engine/ports.js';
import type { Clock } from '../core/deadline.js';
import { MemoryLedger } from './memoryLedger.js';
import type { LedgerOptions } from './options.js';

/**
 * The ledger the configuration asks for. The DynamoDB and PostgreSQL adapters (and the AWS SDK or
 * `pg` behind them) are loaded only when configured, so a stateless run pays nothing for them
 * at start-up.
 */
export async function openLedger(options: Pick<LedgerOptions, 'table' | 'endpoint' | 'url'>, { clock }: { clock?: Clock } = {}): Promise<RetryLedger> {
  if (options.url !== undefined) {
    const { PostgresLedger } = await import('./postgresLedger.js');
    return new PostgresLedger({ url: options.url, clock });
  }
  if (options.table === undefined) return new MemoryLedger();
  const { DynamoLedger } = await import('./dynamoLedger.js');
  return new DynamoLedger({ table: options.table, endpoint: options.endpoint, clock });
}
