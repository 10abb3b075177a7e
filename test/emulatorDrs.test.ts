import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_JOBS, seedDemoProject } from './emulator/demoProject.js';
import { DEFAULT_PROJECT, startEmulator, type Emulator } from './emulator/index.js';
import { issueToken, post } from './emulator/testClient.js';
import {
  auth, drs, emulator, newId, OTHER_PROJECT, seed, useSharedEmulator, type ErrorBody, type Item, type Results,
} from './support/emulatorTestKit.js';

useSharedEmulator();

describe('DRS POST /v3/{project_id}/jobs/batch-status', () => {
  it('answers the requested ids in order, with error_message (not error_msg)', async () => {
    // Prepare
    const running = seed('INCRE_TRANSFER_STARTED');
    const failed = seed('INCRE_TRANSFER_FAILED', { errorCode: 'DRS.M01501', errorMessage: 'binlog lost' });
    // Act
    const reply = await post<Results>(drs('/batch-status'), { jobs: [failed, running], page_req: { cur_page: 1, per_page: 10 } }, auth());
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      results: [
        { id: failed, status: 'INCRE_TRANSFER_FAILED', error_code: 'DRS.M01501', error_message: 'binlog lost' },
        { id: running, status: 'INCRE_TRANSFER_STARTED' },
      ],
      count: 2,
    });
  });

  it('pages 5 per page by default, 0 means all, count is the number of ids asked for', async () => {
    // Prepare
    const ids = Array.from({ length: 20 }, () => seed('FULL_TRANSFER_COMPLETE'));
    // Act
    const byDefault = await post<Results>(drs('/batch-status'), { jobs: ids }, auth());
    const page4 = await post<Results>(drs('/batch-status'), { jobs: ids, page_req: { cur_page: 4 } }, auth());
    const all = await post<Results>(drs('/batch-status'), { jobs: ids, page_req: { per_page: 0 } }, auth());
    // Assess
    expect(byDefault.body.results.map((r) => r.id)).toEqual(ids.slice(0, 5));
    expect(byDefault.body.count).toBe(20);
    expect(page4.body.results.map((r) => r.id)).toEqual(ids.slice(15, 20));
    expect(all.body.results).toHaveLength(20);
  });

  it('answers unknown, other-project and deleted ids per item', async () => {
    // Prepare
    const deleted = seed('INCRE_TRANSFER_FAILED');
    emulator.deleteTask(deleted);
    const foreign = seed('INCRE_TRANSFER_FAILED', { projectId: OTHER_PROJECT.id });
    const missing = newId();
    // Act
    const reply = await post<Results>(drs('/batch-status'), { jobs: [missing, foreign, deleted] }, auth());
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.results).toEqual([
      { id: missing, error_code: 'DRS.M05003', error_message: 'Task information not found.' },
      { id: foreign, error_code: 'DRS.M05003', error_message: 'Task information not found.' },
      { id: deleted, error_code: 'DRS.M05004', error_message: 'The task has been deleted or the resource has been released.' },
    ]);
  });

  it.each([
    ['missing jobs', {}, 'DRS.M00201', 'The parameter jobs is empty.'],
    ['empty jobs', { jobs: [] }, 'DRS.M00201', 'The parameter jobs is empty.'],
    ['non-string ids', { jobs: [42] }, 'DRS.M00202', 'The value of parameter jobs is invalid.'],
    ['duplicate ids', { jobs: ['a', 'a'] }, 'DRS.M00301', 'There are duplicate jobs in request.'],
    ['per_page 101', { jobs: ['a'], page_req: { per_page: 101 } }, 'DRS.M00210', expect.stringMatching(/^The value of Page is invalid, /)],
    ['per_page -1', { jobs: ['a'], page_req: { per_page: -1 } }, 'DRS.M00210', expect.any(String)],
    ['cur_page 0', { jobs: ['a'], page_req: { cur_page: 0 } }, 'DRS.M00210', expect.any(String)],
    ['cur_page past the end', { jobs: ['a', 'b'], page_req: { cur_page: 2, per_page: 2 } }, 'DRS.M00211', 'The value of Page exceeds the upper limit.'],
    ['a non-JSON body', 'jobs=a', 'DRS.M00007', 'Invalid request parameter.'],
  ])('answers 400 for %s', async (_case, body, code, msg) => {
    // Act
    const reply = await post<ErrorBody>(drs('/batch-status'), body, auth());
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error_code: code, error_msg: msg });
  });
});

describe('DRS POST /v3/{project_id}/jobs/batch-detail', () => {
  it('answers QueryJobResp items with dual-active fields and database credentials', async () => {
    // Prepare
    const parent = seed('INCRE_TRANSFER_STARTED', { dbUseType: 'cloudDataGuard', multiWrite: true });
    const child = seed('CHILD_TRANSFER_FAILED', { dbUseType: 'cloudDataGuard', multiWrite: true, parentId: parent, masterJobId: parent, errorMessage: 'lost' });
    // Act
    const reply = await post<Results>(drs('/batch-detail'), { jobs: [parent, child, 'nope'] }, auth());
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.count).toBe(3);
    const [p, c, unknown] = reply.body.results;
    expect(p).toMatchObject({ id: parent, status: 'INCRE_TRANSFER_STARTED', multi_write: true, db_use_type: 'cloudDataGuard', task_type: 'FULL_INCR_TRANS' });
    expect(p).not.toHaveProperty('parent_id');
    expect(p?.create_time).toMatch(/^\d{13}$/);
    expect(c).toMatchObject({ id: child, parent_id: parent, master_job_id: parent, error_message: 'lost', inst_info: { engine_type: 'cloudDataGuard-mysql' } });
    const task = emulator.getTask(child);
    expect(c?.source_endpoint).toMatchObject({ db_user: 'root', db_password: task?.sourceDbPassword });
    expect(c?.target_endpoint).toMatchObject({ db_password: task?.targetDbPassword });
    expect(unknown).toEqual({ id: 'nope', error_code: 'DRS.M05003', error_message: 'Task information not found.' });
  });

  it('shares batch-status paging: 5 by default', async () => {
    // Prepare
    const ids = Array.from({ length: 7 }, () => seed('CONFIGURATION'));
    // Act
    const reply = await post<Results>(drs('/batch-detail'), { jobs: ids }, auth());
    const tooFar = await post<ErrorBody>(drs('/batch-detail'), { jobs: ids, page_req: { cur_page: 3 } }, auth());
    // Assess
    expect(reply.body.results.map((r) => r.id)).toEqual(ids.slice(0, 5));
    expect([tooFar.status, tooFar.body.error_code]).toEqual([400, 'DRS.M00211']);
  });

  it('leaves the ids it was told to out of its results, known or not, and batch-status still answers them', async () => {
    // Prepare
    const [kept, leftOut] = [seed('FULL_TRANSFER_FAILED'), seed('FULL_TRANSFER_FAILED')];
    emulator.leaveOutOfDetail([leftOut, 'gone-jb101']);
    // Act
    const detail = await post<Results>(drs('/batch-detail'), { jobs: [kept, leftOut, 'gone-jb101'], page_req: { cur_page: 1, per_page: 10 } }, auth());
    const status = await post<Results>(drs('/batch-status'), { jobs: [kept, leftOut], page_req: { cur_page: 1, per_page: 10 } }, auth());
    // Assess
    expect(detail.body.results.map((r) => r.id)).toEqual([kept]);
    expect(status.body.results.map((r) => r.id)).toEqual([kept, leftOut]);
  });
});

describe('DRS POST /v3/{project_id}/jobs (list)', () => {
  let listed: Emulator;
  let listToken: string;
  const list = (body: unknown) => post<{ total_record: number; jobs: Item[] } & ErrorBody>(
    `${listed.url}/v3/${DEFAULT_PROJECT.id}/jobs`, body, { 'X-Auth-Token': listToken },
  );
  beforeAll(async () => {
    listed = await startEmulator();
    seedDemoProject(listed);
    listToken = await issueToken(listed);
  });
  afterAll(() => listed.close());

  it.each([
    ['cur_page', { per_page: 10, db_use_type: 'migration' }, 'DRS.M00201', 'The parameter cur_page is empty.'],
    ['per_page', { cur_page: 1, db_use_type: 'migration' }, 'DRS.M00201', 'The parameter per_page is empty.'],
    ['db_use_type', { cur_page: 1, per_page: 10 }, 'DRS.M00201', 'The parameter db_use_type is empty.'],
    ['db_use_type', { cur_page: 1, per_page: 10, db_use_type: 'replication' }, 'DRS.M00202', 'The value of parameter db_use_type is invalid.'],
    ['per_page', { cur_page: 1, per_page: 101, db_use_type: 'sync' }, 'DRS.M00202', 'The value of parameter per_page is invalid.'],
  ])('answers 400 for a missing or bad %s', async (_name, body, code, msg) => {
    // Act
    const reply = await list(body);
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error_code: code, error_msg: msg });
  });

  it('lists top-level tasks of one db_use_type, nesting dual-active children', async () => {
    // Act
    const dr = await list({ cur_page: 1, per_page: 10, db_use_type: 'cloudDataGuard', engine_type: '', name: '', status: '' });
    // Assess
    const parent = DEMO_JOBS.find((j) => j.category === 'dual-active-parent');
    const topLevel = DEMO_JOBS.filter((j) => j.dbUseType === 'cloudDataGuard' && j.parentId === undefined);
    expect(dr.status).toBe(200);
    expect(dr.body.total_record).toBe(topLevel.length);
    expect(dr.body.jobs.map((j) => j.id).sort()).toEqual(topLevel.map((j) => j.id).sort());
    const children = dr.body.jobs.find((j) => j.id === parent?.id)?.children as Item[];
    expect(children.map((c) => c.id).sort()).toEqual(DEMO_JOBS.filter((j) => j.parentId === parent?.id).map((j) => j.id).sort());
    expect(children.find((c) => c.status === 'INCRE_TRANSFER_FAILED')).toMatchObject({ error_msg: expect.any(String), engine_type: 'cloudDataGuard-mysql' });
  });

  it('pages with total_record, cur_page 0 returns all, and filters status, name and engine_type', async () => {
    // Prepare: no engine_type means mysql (querying_tasks_of_a_tenant.rst:75)
    const migrations = DEMO_JOBS.filter((j) => j.dbUseType === 'migration' && j.engineType === 'mysql');
    // Act
    const page2 = await list({ cur_page: 2, per_page: 3, db_use_type: 'migration' });
    const all = await list({ cur_page: 0, per_page: 3, db_use_type: 'migration' });
    const failed = await list({ cur_page: 1, per_page: 10, db_use_type: 'migration', status: 'INCRE_TRANSFER_FAILED' });
    const byName = await list({ cur_page: 1, per_page: 10, db_use_type: 'migration', name: 'orders' });
    const byEngine = await list({ cur_page: 1, per_page: 10, db_use_type: 'migration', engine_type: 'mongodb' });
    // Assess
    expect(page2.body.total_record).toBe(migrations.length);
    expect(page2.body.jobs.map((j) => j.id)).toEqual(migrations.slice(3, 6).map((j) => j.id));
    expect(all.body.jobs).toHaveLength(migrations.length);
    expect(failed.body.jobs.every((j) => j.status === 'INCRE_TRANSFER_FAILED')).toBe(true);
    expect(failed.body.total_record).toBe(migrations.filter((j) => j.status === 'INCRE_TRANSFER_FAILED').length);
    expect(byName.body.jobs.map((j) => j.name)).toEqual(['DRS-orders-migration']);
    expect(byEngine.body.jobs.map((j) => j.id)).toEqual([DEMO_JOBS.find((j) => j.engineType === 'mongodb')?.id]);
  });
});

describe('DRS POST /v3/{project_id}/jobs/batch-retry-task', () => {
  const retry = (jobs: unknown) => post<Results & ErrorBody>(drs('/batch-retry-task'), { jobs }, auth());

  it('resumes the failed statuses and records is_sync_re_edit', async () => {
    // Prepare
    const full = seed('FULL_TRANSFER_FAILED', { errorCode: 'DRS.M01501', errorMessage: 'lock wait timeout' });
    const incre = seed('INCRE_TRANSFER_FAILED', { dbUseType: 'sync' });
    const child = seed('CHILD_TRANSFER_FAILED', { dbUseType: 'cloudDataGuard', multiWrite: true, parentId: newId() });
    const migration = seed('INCRE_TRANSFER_FAILED');
    // Act
    const reply = await retry([{ job_id: full }, { job_id: incre, is_sync_re_edit: true }, { job_id: child }]);
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ results: [full, incre, child].map((id) => ({ id, status: 'success' })), count: 3 });
    expect(emulator.getTask(full)).toMatchObject({ status: 'FULL_TRANSFER_STARTED', errorCode: undefined, errorMessage: undefined });
    expect(emulator.getTask(incre)?.status).toBe('INCRE_TRANSFER_STARTED');
    expect(emulator.getTask(child)?.status).toBe('CHILD_TRANSFER_STARTED');
    expect(emulator.getTask(incre)?.retries).toEqual([{ at: expect.any(Number), isSyncReEdit: true, outcome: 'success' }]);
    expect(emulator.getTask(full)?.retries[0]?.isSyncReEdit).toBeUndefined();
    expect(emulator.log.byRoute('batch-retry').at(-1)?.body).toEqual({ jobs: [{ job_id: full }, { job_id: incre, is_sync_re_edit: true }, { job_id: child }] });
    // re-editing is for sync tasks only
    const refused = await retry([{ job_id: migration, is_sync_re_edit: true }]);
    expect(refused.body).toMatchObject({ results: [{ id: migration, status: 'failed', error_code: 'DRS.M00401' }] });
    expect(emulator.getTask(migration)?.status).toBe('INCRE_TRANSFER_FAILED');
  });

  it('fails items per job: busy, dual-active parent, wrong status, unknown, deleted', async () => {
    // Prepare
    const busy = seed('INCRE_TRANSFER_FAILED', { busy: 1 });
    const lonelyParent = seed('INCRE_TRANSFER_FAILED', { dbUseType: 'cloudDataGuard', multiWrite: true });
    const namedParent = seed('FULL_TRANSFER_FAILED', { dbUseType: 'cloudDataGuard' });
    seed('CHILD_TRANSFER_STARTED', { dbUseType: 'cloudDataGuard', multiWrite: true, parentId: namedParent });
    const released = seed('RELEASE_RESOURCE_FAILED');
    const deleted = seed('INCRE_TRANSFER_FAILED');
    emulator.deleteTask(deleted);
    const missing = newId();
    // Act
    const reply = await retry([busy, lonelyParent, namedParent, released, missing, deleted].map((job_id) => ({ job_id })));
    const again = await retry([{ job_id: busy }]);
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.count).toBe(6);
    expect(reply.body.results.map((r) => [r.status, r.error_code])).toEqual([
      ['failed', 'DRS.M01504'], ['failed', 'DRS.M00307'], ['failed', 'DRS.M00307'],
      ['failed', 'DRS.M00304'], ['failed', 'DRS.M05003'], ['failed', 'DRS.M05004'],
    ]);
    expect(reply.body.results[0]?.error_msg).toBe('Another operation is being performed on the migration task or the migration task is abnormal.');
    expect(reply.body.results[3]?.error_msg).toBe('This API cannot be called in the current task status.');
    expect(emulator.getTask(namedParent)?.status).toBe('FULL_TRANSFER_FAILED');
    expect(again.body.results).toEqual([{ id: busy, status: 'success' }]);
  });

  it('answers 400 with results when every id is unknown or deleted', async () => {
    // Prepare
    const deleted = seed('INCRE_TRANSFER_FAILED');
    emulator.deleteTask(deleted);
    // Act
    const reply = await retry([{ job_id: newId() }, { job_id: deleted }]);
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body.count).toBe(2);
    expect(reply.body.results.map((r) => r.error_code)).toEqual(['DRS.M05003', 'DRS.M05004']);
  });

  it.each([
    ['an empty jobs list', { jobs: [] }, 'DRS.M00201', 'The parameter jobs is empty.'],
    ['a missing job_id', { jobs: [{}] }, 'DRS.M00201', 'The parameter job_id is empty.'],
    ['duplicate job_id', { jobs: [{ job_id: 'a' }, { job_id: 'a' }] }, 'DRS.M00301', 'There are duplicate job_id in request.'],
    ['a non-boolean is_sync_re_edit', { jobs: [{ job_id: 'a', is_sync_re_edit: 'true' }] }, 'DRS.M00202', 'The value of parameter is_sync_re_edit is invalid.'],
    ['a non-JSON body', '{jobs:', 'DRS.M00007', 'Invalid request parameter.'],
  ])('answers 400 for %s', async (_case, body, code, msg) => {
    // Act
    const reply = await post<ErrorBody>(drs('/batch-retry-task'), body, auth());
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error_code: code, error_msg: msg });
  });
});

describe('routing', () => {
  it('answers 404 in the DRS body shape for unserved paths and methods', async () => {
    // Act
    const path = await post<ErrorBody>(`${emulator.url}/v3/${DEFAULT_PROJECT.id}/jobs/batch-stop`, {}, auth());
    const method = await fetch(drs('/batch-status'), { method: 'GET', headers: auth() });
    // Assess
    expect(path.status).toBe(404);
    expect(path.body).toEqual({ error_code: 'APIG.0101', error_msg: expect.any(String) });
    expect(method.status).toBe(404);
    expect(await method.json()).toHaveProperty('error_code');
  });
});
