import type { RetryLedger } from '../engine/ports.js';
import { MemoryLedger } from './memoryLedger.js';
import type { LedgerSettings } from './settings.js';

/**
 * The ledger the settings ask for. The DynamoDB and PostgreSQL adapters (and the AWS SDK or
 * `pg` behind them) are loaded only when configured, so a stateless run pays nothing for them
 * at start-up.
 */
export async function openLedger(settings: Pick<LedgerSettings, 'table' | 'endpoint' | 'url'>): Promise<RetryLedger> {
  if (settings.url !== undefined) {
    const { PostgresLedger } = await import('./postgresLedger.js');
    return new PostgresLedger({ url: settings.url });
  }
  if (settings.table === undefined) return new MemoryLedger();
  const { DynamoLedger } = await import('./dynamoLedger.js');
  return new DynamoLedger({ table: settings.table, endpoint: settings.endpoint });
}
