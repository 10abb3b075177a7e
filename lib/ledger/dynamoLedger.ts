import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { LeaseResult, RetryLedger, SinkToldRecord } from '../engine/ports.js';
import { chunksOf } from '../core/chunks.js';
import { clip } from '../core/clip.js';
import { sleep } from '../core/deadline.js';
import type { Outcome } from '../core/outcomes.js';
import type { JobRecord } from '../core/retryBudget.js';
import { LedgerError } from './ledgerError.js';

/** DynamoDB's own per-call limits. */
const MAX_GET = 100;
const MAX_WRITE = 25;
/** Unprocessed items are re-sent a bounded number of times, with a short pause. */
const MAX_ROUNDS = 5;
/** A job record outlives its last touch by 30 days, then TTL removes it. */
const RECORD_TTL_S = 30 * 86_400;

type Item = Record<string, AttributeValue>;

export interface DynamoLedgerOptions {
  table: string;
  /** DRS_LEDGER_ENDPOINT, for a local DynamoDB; the AWS default otherwise. */
  endpoint?: string;
  region?: string;
  client?: DynamoDBClient;
  clock?: () => number;
}

const jobKey = (projectId: string, jobId: string) => `job#${projectId}#${jobId}`;
const leaseKey = (projectId: string) => `lease#${projectId}`;
const toldKey = (projectId: string, jobId: string) => `told#${projectId}#${jobId}`;
const num = (value: number) => ({ N: String(value) });
const readNum = (item: Item, name: string) => (item[name]?.N === undefined ? undefined : Number(item[name].N));

function toItem(projectId: string, record: JobRecord, now: number): Item {
  const item: Item = {
    pk: { S: jobKey(projectId, record.jobId) },
    jobId: { S: record.jobId },
    episodeStartedAt: num(record.episodeStartedAt),
    attempts: num(record.attempts),
    expiresAt: num(Math.floor(now / 1000) + RECORD_TTL_S),
  };
  if (record.lastAttemptAt !== undefined) item.lastAttemptAt = num(record.lastAttemptAt);
  if (record.escalatedAt !== undefined) item.escalatedAt = num(record.escalatedAt);
  return item;
}

function fromItem(item: Item): JobRecord | undefined {
  const jobId = item.jobId?.S;
  const episodeStartedAt = readNum(item, 'episodeStartedAt');
  const attempts = readNum(item, 'attempts');
  if (jobId === undefined || episodeStartedAt === undefined || attempts === undefined) return undefined;
  const record: JobRecord = { jobId, episodeStartedAt, attempts };
  const lastAttemptAt = readNum(item, 'lastAttemptAt');
  const escalatedAt = readNum(item, 'escalatedAt');
  if (lastAttemptAt !== undefined) record.lastAttemptAt = lastAttemptAt;
  if (escalatedAt !== undefined) record.escalatedAt = escalatedAt;
  return record;
}

/**
 * What the sinks were told about one job: one item per job (never one per project, so a project
 * with thousands of open problems stays far below DynamoDB's 400 KB per item), with one map entry
 * per sink. It outlives its last write by 30 days, like a job record.
 */
function toToldItem(projectId: string, jobId: string, records: readonly SinkToldRecord[], now: number): Item {
  const sinks: Item = {};
  for (const record of records) {
    sinks[record.sink] = {
      M: { outcome: { S: record.outcome }, causeId: { S: record.causeId }, firstToldAt: num(record.firstToldAt), lastToldAt: num(record.lastToldAt) },
    };
  }
  return { pk: { S: toldKey(projectId, jobId) }, jobId: { S: jobId }, sinks: { M: sinks }, expiresAt: num(Math.floor(now / 1000) + RECORD_TTL_S) };
}

function fromToldItem(item: Item, now: number): SinkToldRecord[] {
  const jobId = item.jobId?.S;
  const expiresAt = readNum(item, 'expiresAt');
  // TTL deletes lazily (up to days later): an expired item is already gone.
  if (jobId === undefined || (expiresAt !== undefined && expiresAt * 1000 < now)) return [];
  return Object.entries(item.sinks?.M ?? {}).flatMap(([sink, value]) => {
    const fields = value.M ?? {};
    const outcome = fields.outcome?.S;
    const causeId = fields.causeId?.S;
    const firstToldAt = readNum(fields, 'firstToldAt');
    const lastToldAt = readNum(fields, 'lastToldAt');
    if (outcome === undefined || causeId === undefined || firstToldAt === undefined || lastToldAt === undefined) return [];
    return [{ sink, jobId, outcome: outcome as Outcome, causeId, firstToldAt, lastToldAt }];
  });
}

const pause = (round: number) => sleep(20 * 2 ** round);

/**
 * One table, partition key `pk` (string), TTL on `expiresAt`: job records `job#{project}#{job}`,
 * one lease per project, `lease#{project}`, taken with a conditional write, and what the sinks
 * were told, `told#{project}#{job}`. The prefixes keep the three kinds apart.
 */
export class DynamoLedger implements RetryLedger {
  readonly persistent = true;
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly clock: () => number;

  constructor(options: DynamoLedgerOptions) {
    this.table = options.table;
    this.clock = options.clock ?? Date.now;
    this.client =
      options.client ??
      new DynamoDBClient({
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        // A local DynamoDB takes any key; without one in the environment the SDK would go
        // looking for instance credentials on the network.
        ...(options.endpoint && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
        ...(options.region ? { region: options.region } : {}),
        // Our own deadline bounds the run; the SDK must not add minutes of retries of its own.
        maxAttempts: 3,
      });
  }

  async readJobs(projectId: string, jobIds: readonly string[]): Promise<Map<string, JobRecord>> {
    const found = new Map<string, JobRecord>();
    for (const item of await this.batchGet('job records', [...new Set(jobIds)].map((id) => jobKey(projectId, id)))) {
      const record = fromItem(item);
      if (record) found.set(record.jobId, record);
    }
    return found;
  }

  writeJobs(projectId: string, records: readonly JobRecord[]): Promise<void> {
    const now = this.clock();
    return this.batchWrite('job records', records.map((record) => ({ PutRequest: { Item: toItem(projectId, record, now) } })));
  }

  endEpisodes(projectId: string, jobIds: readonly string[]): Promise<void> {
    return this.batchWrite('job records', jobIds.map((id) => ({ DeleteRequest: { Key: { pk: { S: jobKey(projectId, id) } } } })));
  }

  async readTold(projectId: string, jobIds: readonly string[]): Promise<SinkToldRecord[]> {
    const now = this.clock();
    const items = await this.batchGet('what the sinks were told', [...new Set(jobIds)].map((id) => toldKey(projectId, id)));
    return items.flatMap((item) => fromToldItem(item, now));
  }

  writeTold(projectId: string, byJob: ReadonlyMap<string, readonly SinkToldRecord[]>): Promise<void> {
    const now = this.clock();
    return this.batchWrite(
      'what the sinks were told',
      [...byJob].map(([jobId, records]): WriteRequest => {
        const latest = [...new Map(records.map((record) => [record.sink, record])).values()];
        return latest.length === 0
          ? { DeleteRequest: { Key: { pk: { S: toldKey(projectId, jobId) } } } }
          : { PutRequest: { Item: toToldItem(projectId, jobId, latest, now) } };
      }),
    );
  }

  async acquireLease(projectId: string, runId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    const expiresAtMs = now + ttlMs;
    const taken = await this.conditional('take the run lease', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { pk: { S: leaseKey(projectId) }, runId: { S: runId }, expiresAtMs: num(expiresAtMs), expiresAt: num(Math.ceil(expiresAtMs / 1000)) },
          // TTL deletes lazily (up to days later), so an expired lease is checked here too.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR runId = :runId',
          ExpressionAttributeValues: { ':now': num(now), ':runId': { S: runId } },
        }),
      ),
    );
    if (taken) return { acquired: true };
    const held = await this.call('read the run lease', () =>
      this.client.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: leaseKey(projectId) } }, ConsistentRead: true })),
    );
    return { acquired: false, heldBy: held.Item?.runId?.S ?? 'unknown', heldUntil: readNum(held.Item ?? {}, 'expiresAtMs') ?? now + ttlMs };
  }

  async releaseLease(projectId: string, runId: string): Promise<void> {
    // A failed condition means another run took the lease after ours expired: it is theirs now.
    await this.conditional('release the run lease', () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: leaseKey(projectId) } },
          ConditionExpression: 'runId = :runId',
          ExpressionAttributeValues: { ':runId': { S: runId } },
        }),
      ),
    );
  }

  /** Reads items by key, 100 per call, re-asking for what DynamoDB left unprocessed. */
  private async batchGet(what: string, pks: readonly string[]): Promise<Item[]> {
    const items: Item[] = [];
    for (const ids of chunksOf(pks, MAX_GET)) {
      let keys: Item[] = ids.map((pk) => ({ pk: { S: pk } }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= MAX_ROUNDS) throw new LedgerError(`DynamoDB kept ${what} unread (throttled); try again later`);
        if (round > 0) await pause(round);
        const answer = await this.call(`read ${what}`, () =>
          this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } })),
        );
        items.push(...(answer.Responses?.[this.table] ?? []));
        keys = answer.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return items;
  }

  private async batchWrite(what: string, requests: WriteRequest[]): Promise<void> {
    for (const batch of chunksOf(requests, MAX_WRITE)) {
      let pending = batch;
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_ROUNDS) throw new LedgerError(`DynamoDB kept ${what} unwritten (throttled); try again later`);
        if (round > 0) await pause(round);
        const answer = await this.call(`write ${what}`, () =>
          this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } })),
        );
        pending = answer.UnprocessedItems?.[this.table] ?? [];
      }
    }
  }

  /** A conditional write: false when its condition did not hold, which is an answer, not an error. */
  private conditional(what: string, send: () => Promise<unknown>): Promise<boolean> {
    return this.call(what, async () => {
      try {
        await send();
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    });
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new LedgerError(`could not ${what} in DynamoDB table ${this.table}: ${dynamoProblem(error, this.table)}.`, { cause: error });
    }
  }
}

/**
 * The AWS SDK's cause in one line, then the one fix for it: no credentials, no region, no
 * table, no permission, or (for anything else) the general checks.
 */
function dynamoProblem(error: unknown, table: string): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim().replace(/[.]+$/, '');
  const cause = `${name}: ${clip(message, 200)}`;
  if (name === 'CredentialsProviderError') {
    return `${cause}. Give it AWS credentials: the function's role in Lambda; on the command line AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  if (/region is missing/i.test(message)) return `${cause}. Set AWS_REGION to the table's region (Lambda sets it by itself)`;
  if (name === 'ResourceNotFoundException') {
    return `${cause}. Create the table ${table} in this region, or set DRS_LEDGER_TABLE to the one that exists (serverless.yml creates drs-auto-retry-ledger-<stage>)`;
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
    return `${cause}. Allow dynamodb:GetItem, PutItem, DeleteItem, BatchGetItem and BatchWriteItem on the table to these credentials`;
  }
  if (/\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN)\b/.test(message)) {
    return `${cause}. Check DRS_LEDGER_ENDPOINT (or the region's DynamoDB endpoint) and the network path to it`;
  }
  return `${cause}. Check DRS_LEDGER_TABLE, the table and the permissions of the credentials`;
}
