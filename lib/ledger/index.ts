import type { RetryLedger } from '../engine/ports.js';
import { MemoryLedger } from './memoryLedger.js';
import type { LedgerSettings } from './settings.js';

/**
 * The ledger the settings ask for. The DynamoDB adapter (and the AWS SDK behind it) is loaded
 * only when a table is configured, so a stateless run pays nothing for it at start-up.
 */
export async function openLedger(settings: Pick<LedgerSettings, 'table' | 'endpoint'>): Promise<RetryLedger> {
  if (settings.table === undefined) return new MemoryLedger();
  const { DynamoLedger } = await import('./dynamoLedger.js');
  return new DynamoLedger({ table: settings.table, endpoint: settings.endpoint });
}
