import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StaticTokenAuthorizer } from '../lib/auth/staticToken.js';
import { DrsClient } from '../lib/drs/drsClient.js';
import { ApiError } from '../lib/errors.js';
import { HttpClient } from '../lib/http/httpClient.js';
import { DEFAULT_PROJECT, startEmulator, type Emulator } from './emulator/index.js';
import { emulatorTokenProvider } from './support/emulatorEnv.js';

let emulator: Emulator;
let drs: DrsClient;
const id = (n: number) => `${String(n).padStart(8, '0')}-1111-4222-8333-444444444jb101`;
const FAILED = Array.from({ length: 20 }, (_, i) => id(i));
const PARENT = id(900);
const CHILD_FAILED = id(901);
const CHILD_OK = id(902);

const http = () => new HttpClient({ timeoutMs: 2_000, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });

beforeAll(async () => {
  emulator = await startEmulator({
    tasks: [
      ...FAILED.map((jobId, i) => ({ id: jobId, status: i % 2 ? 'INCRE_TRANSFER_FAILED' : 'FULL_TRANSFER_FAILED', dbUseType: 'sync' as const })),
      { id: PARENT, status: 'INCRE_TRANSFER_FAILED', dbUseType: 'cloudDataGuard', multiWrite: true },
      { id: CHILD_FAILED, status: 'INCRE_TRANSFER_FAILED', dbUseType: 'cloudDataGuard', multiWrite: true, parentId: PARENT, masterJobId: PARENT },
      { id: CHILD_OK, status: 'CHILD_TRANSFER_STARTED', dbUseType: 'cloudDataGuard', multiWrite: true, parentId: PARENT, masterJobId: PARENT },
      { id: id(950), status: 'INCRE_TRANSFER_STARTED' },
      { id: id(951), status: 'CREATE_FAILED' },
    ],
  });
  const tokens = emulatorTokenProvider(emulator, http());
  drs = new DrsClient({ http: http(), authorizer: tokens, endpoint: emulator.url, projectId: DEFAULT_PROJECT.id, concurrency: 3 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.faults.clear();
  emulator.log.clear();
});

describe('DrsClient.batchDetail paging', () => {
  it('gives 20 statuses for 20 ids (the page_req trap)', async () => {
    // Act
    const read = await drs.batchDetail(FAILED);

    // Assess
    expect(read.items.map((t) => t.id)).toEqual(FAILED);
    expect(read.failures).toEqual([]);
    const [entry] = emulator.log.byRoute('batch-detail');
    expect(entry?.path).toBe(`/v3/${DEFAULT_PROJECT.id}/jobs/batch-detail`);
    expect(entry?.body).toEqual({ jobs: FAILED, page_req: { cur_page: 1, per_page: 100 } });
  });

  it('chunks 250 ids into pages of at most 100 and reads every page', async () => {
    // Prepare
    const many = [...FAILED, ...Array.from({ length: 230 }, (_, i) => id(1000 + i))];

    // Act
    const read = await drs.batchDetail(many);

    // Assess
    expect(read.items).toHaveLength(250);
    const bodies = emulator.log.byRoute('batch-detail').map((e) => e.body as { jobs: string[] });
    expect(bodies.map((b) => b.jobs.length).sort()).toEqual([100, 100, 50]);
    expect(emulator.log.peakInFlight('batch-detail')).toBeLessThanOrEqual(3);
  });

  it('asks for pages of per_page ids, one request each', async () => {
    // Prepare: a client with pages of 5 reads 12 ids in 3 requests
    const small = new DrsClient({ http: http(), authorizer: tokensFor(), endpoint: emulator.url, projectId: DEFAULT_PROJECT.id, concurrency: 1, perPage: 5 });

    // Act
    const read = await small.batchDetail(FAILED.slice(0, 12));

    // Assess
    expect(read.items).toHaveLength(12);
    const pages = emulator.log.byRoute('batch-detail').map((e) => (e.body as { page_req: { cur_page: number } }).page_req.cur_page);
    expect(pages).toEqual([1, 1, 1]);
  });

  it('reports unknown ids with DRS.M05003 and no status', async () => {
    const read = await drs.batchDetail([FAILED[0] ?? '', 'ffffffff-0000-4000-8000-000000000jb101']);
    expect(read.items[1]).toMatchObject({ id: 'ffffffff-0000-4000-8000-000000000jb101', status: undefined, errorCode: 'DRS.M05003' });
    expect(read.items[1]?.errorMessage).toBeTruthy();
  });

  it('reports a chunk that keeps failing, and still returns the others', async () => {
    // Prepare: the first request fails for good, the rest answer
    emulator.faults.add({ route: 'batch-detail', kind: 'server-error', times: 2 });
    const many = Array.from({ length: 150 }, (_, i) => id(2000 + i));
    const sequential = new DrsClient({ http: http(), authorizer: tokensFor(), endpoint: emulator.url, projectId: DEFAULT_PROJECT.id, concurrency: 1 });

    // Act
    const read = await sequential.batchDetail(many);

    // Assess
    expect(read.failures).toHaveLength(1);
    expect(read.failures[0]?.ids).toEqual(many.slice(0, 100));
    expect(read.failures[0]?.error).toBeInstanceOf(ApiError);
    expect(read.items).toHaveLength(50);
  });
});

describe('DrsClient.batchDetail', () => {
  it('tells a dual-active parent from its children, and keeps no database password', async () => {
    // Act
    const read = await drs.batchDetail([PARENT, CHILD_FAILED, id(950)]);

    // Assess
    expect(read.items).toEqual([
      expect.objectContaining({ id: PARENT, status: 'INCRE_TRANSFER_FAILED', multiWrite: true, parentId: undefined }),
      expect.objectContaining({ id: CHILD_FAILED, multiWrite: true, parentId: PARENT, masterJobId: PARENT }),
      expect.objectContaining({ id: id(950), multiWrite: false }),
    ]);
    const kept = JSON.stringify(read);
    for (const task of emulator.tasks()) {
      expect(kept).not.toContain(task.sourceDbPassword);
      expect(kept).not.toContain(task.targetDbPassword);
    }
    expect(emulator.log.byRoute('batch-detail')[0]?.body).toEqual({ jobs: [PARENT, CHILD_FAILED, id(950)], page_req: { cur_page: 1, per_page: 100 } });
  });
});

describe('DrsClient.listJobs', () => {
  it('sends the mandatory fields, engine_type "" (its default is mysql), and flattens dual-active children', async () => {
    // Act
    const tasks = await drs.listJobs('cloudDataGuard');

    // Assess
    expect(emulator.log.byRoute('list')[0]?.body).toEqual({ cur_page: 1, per_page: 100, db_use_type: 'cloudDataGuard', engine_type: '' });
    expect(tasks).toEqual([
      { id: PARENT, name: expect.any(String), status: 'INCRE_TRANSFER_FAILED', dbUseType: 'cloudDataGuard', isParent: true },
      { id: CHILD_FAILED, name: expect.any(String), status: 'INCRE_TRANSFER_FAILED', dbUseType: 'cloudDataGuard', parentId: PARENT, isParent: false },
      { id: CHILD_OK, name: expect.any(String), status: 'CHILD_TRANSFER_STARTED', dbUseType: 'cloudDataGuard', parentId: PARENT, isParent: false },
    ]);
  });

  it('reads every page of a long list', async () => {
    // Prepare
    const paged = new DrsClient({ http: http(), authorizer: tokensFor(), endpoint: emulator.url, projectId: DEFAULT_PROJECT.id, concurrency: 1, perPage: 7 });

    // Act
    const tasks = await paged.listJobs('sync');

    // Assess
    expect(tasks.map((t) => t.id)).toEqual(expect.arrayContaining(FAILED));
    expect(tasks).toHaveLength(20);
    expect(emulator.log.byRoute('list').map((e) => (e.body as { cur_page: number }).cur_page)).toEqual([1, 2, 3]);
  });
});

describe('DrsClient.batchRetry', () => {
  it('sends the documented body and maps per-item answers', async () => {
    // Act
    const results = await drs.batchRetry([{ jobId: FAILED[0] ?? '' }, { jobId: id(950) }, { jobId: PARENT, reEdit: true }]);

    // Assess
    expect(emulator.log.byRoute('batch-retry')[0]?.body).toEqual({
      jobs: [{ job_id: FAILED[0] }, { job_id: id(950) }, { job_id: PARENT, is_sync_re_edit: true }],
    });
    expect(results).toEqual([
      { id: FAILED[0], status: 'success', errorCode: undefined, errorMessage: undefined },
      expect.objectContaining({ id: id(950), status: 'failed', errorCode: 'DRS.M00304' }),
      expect.objectContaining({ id: PARENT, status: 'failed', errorCode: 'DRS.M00307' }),
    ]);
    expect(emulator.getTask(FAILED[0] ?? '')?.status).toBe('FULL_TRANSFER_STARTED');
  });

  it('returns the per-item results of a 400 where every id is unknown', async () => {
    const results = await drs.batchRetry([{ jobId: 'eeeeeeee-0000-4000-8000-000000000jb101' }]);
    expect(results).toEqual([expect.objectContaining({ id: 'eeeeeeee-0000-4000-8000-000000000jb101', status: 'failed', errorCode: 'DRS.M05003' })]);
    expect(emulator.log.byRoute('batch-retry')[0]?.status).toBe(400);
  });

  it('throws a typed error for a 400 without results', async () => {
    // Act
    const error = await drs.batchRetry([{ jobId: FAILED[1] ?? '' }, { jobId: FAILED[1] ?? '' }]).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, apiCode: 'DRS.M00301', results: undefined, operation: 'DRS batch-retry-task' });
  });

  it('reports a token the API refuses without retrying forever', async () => {
    const refused = new DrsClient({ http: http(), authorizer: new StaticTokenAuthorizer('no-such-token'), endpoint: emulator.url, projectId: DEFAULT_PROJECT.id, concurrency: 1 });
    await expect(refused.batchRetry([{ jobId: FAILED[2] ?? '' }])).rejects.toMatchObject({ name: 'AuthError', status: 401 });
    expect(emulator.log.byRoute('batch-retry')).toHaveLength(1);
  });
});

function tokensFor() {
  return emulatorTokenProvider(emulator, http());
}
