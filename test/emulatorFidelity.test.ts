import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_JOBS, seedDemoProject } from './emulator/demoProject.js';
import { DB_PASSWORD_IN_FAILURE_TEXT, FAILURE_CAUSE_JOBS, failureCauseJobId, seedFailureCauses } from './emulator/failureCauses.js';
import { DEFAULT_PROJECT, startEmulator, type Emulator, type FaultRule } from './emulator/index.js';
import { issueToken, post } from './emulator/testClient.js';
import { auth, drs, emulator, seed, useSharedEmulator, type ErrorBody, type Item, type Results } from './support/emulatorTestKit.js';

/** What a second reading of the DRS docs found the emulator must do (issue 20). */

useSharedEmulator();

type ListBody = { total_record: number; jobs: Item[] } & ErrorBody;

describe('the demo and failure-cause scenarios in one project', () => {
  let seeded: Emulator;
  let seededToken: string;
  const call = <T>(path: string, body: unknown) => post<T>(`${seeded.url}/v3/${DEFAULT_PROJECT.id}/jobs${path}`, body, { 'X-Auth-Token': seededToken });
  const list = (body: Record<string, unknown>) => call<ListBody>('', { cur_page: 0, per_page: 100, ...body });
  const listedIds = (reply: { body: ListBody }) => reply.body.jobs.map((j) => j.id).sort();
  const demoIds = (keep: (job: (typeof DEMO_JOBS)[number]) => boolean) => DEMO_JOBS.filter((j) => j.parentId === undefined && keep(j)).map((j) => j.id).sort();

  beforeAll(async () => {
    seeded = await startEmulator();
    seedDemoProject(seeded);
    seedFailureCauses(seeded);
    seededToken = await issueToken(seeded);
  });
  afterAll(() => seeded.close());

  it('lists only MySQL tasks when engine_type is absent or null (its documented default), every engine for ""', async () => {
    // Act
    const absent = await list({ db_use_type: 'sync' });
    const nulled = await list({ db_use_type: 'sync', engine_type: null });
    const all = await list({ db_use_type: 'sync', engine_type: '' });
    const drAbsent = await list({ db_use_type: 'cloudDataGuard' });
    const drAll = await list({ db_use_type: 'cloudDataGuard', engine_type: '' });
    const postgres = await list({ db_use_type: 'sync', engine_type: 'postgresql' });
    // Assess
    expect(listedIds(absent)).toEqual(demoIds((j) => j.dbUseType === 'sync' && j.engineType === 'mysql'));
    expect(listedIds(nulled)).toEqual(listedIds(absent));
    expect(listedIds(all)).toEqual(demoIds((j) => j.dbUseType === 'sync'));
    expect(all.body.jobs.map((j) => j.engine_type)).toEqual(expect.arrayContaining(['mysql', 'postgresql', 'mysql-to-taurus']));
    expect(drAbsent.body).toEqual({ total_record: 0, jobs: [] });
    expect(listedIds(drAll)).toEqual(demoIds((j) => j.dbUseType === 'cloudDataGuard'));
    expect(postgres.body.jobs.map((j) => j.name)).toEqual(['DRS-ledger-pg-sync']);
  });

  it('has a failed task of each engine a client without engine_type "" misses', () => {
    const failedElsewhere = DEMO_JOBS.filter((j) => j.engineType !== 'mysql' && j.parentId === undefined && j.category === 'retryable');
    expect(failedElsewhere.map((j) => j.engineType).sort()).toEqual(['cloudDataGuard-mysql', 'mongodb', 'mysql-to-taurus', 'postgresql']);
    expect(failedElsewhere.every((j) => j.status.endsWith('_TRANSFER_FAILED'))).toBe(true);
  });

  it('carries DRS’s wrapped failure text as failed_reason and error_message in batch-detail and error_msg in the list', async () => {
    // Act
    const detail = await call<Results>('/batch-detail', { jobs: FAILURE_CAUSE_JOBS.map((j) => j.id), page_req: { cur_page: 1, per_page: 100 } });
    const listed = await list({ db_use_type: 'migration', engine_type: '' });
    // Assess
    for (const job of FAILURE_CAUSE_JOBS) {
      expect(job.text).toMatch(/^service LOGMANAGER failed, cause by: \S/);
      expect(detail.body.results.find((r) => r.id === job.id)).toMatchObject({ status: job.status, failed_reason: job.text, error_message: job.text });
      expect(listed.body.jobs.find((j) => j.id === job.id)).toMatchObject({ status: job.status, error_msg: job.text });
    }
  });

  // The `match` pieces of reference/drs-failure-causes.md for the rows the scenario covers.
  it.each([
    ['unreachableWithPassword', 'dbms-unreachable', 'Unable to connect to DBMS'],
    ['linkFailure', 'link-failure', 'Communications link failure'],
    ['masterDisconnected', 'master-disconnected', 'master disconnected'],
    ['coreProcess', 'core-process', 'core process is not healthy or crashed'],
    ['lockWait', 'lock-wait', 'Lock wait timeout exceeded'],
    ['diskFull', 'disk-full', '--super-read-only'],
    ['accessDenied', 'access-denied', 'Access denied for user'],
    ['duplicateKey', 'duplicate-key', 'Duplicate entry'],
    ['binlogPurged', 'binlog-purged', 'Could not find first log file name in binary log index'],
    ['mustSeek', 'must-seek', 'Must seek before attempting to read next event'],
    ['tableMissing', 'table-missing', 'not found in target database'],
  ])('seeds %s with the text of row %s', (key, cause, match) => {
    const job = FAILURE_CAUSE_JOBS.find((j) => j.id === failureCauseJobId(key));
    expect(job?.cause).toBe(cause);
    expect(job?.text.toLowerCase()).toContain(match.toLowerCase());
  });

  it('hides a database password in a JDBC string, and has a duplicate key in INCRE_TRANSFER_FAILED', () => {
    const withPassword = FAILURE_CAUSE_JOBS.filter((j) => j.text.includes(DB_PASSWORD_IN_FAILURE_TEXT));
    expect(withPassword.map((j) => j.key)).toEqual(['unreachableWithPassword']);
    expect(withPassword[0]?.text).toContain(`jdbc:mysql://172.22.74.56:3306?`);
    expect(withPassword[0]?.text).toContain(`&password=${DB_PASSWORD_IN_FAILURE_TEXT}&`);
    expect(FAILURE_CAUSE_JOBS.find((j) => j.key === 'duplicateKey')).toMatchObject({ status: 'INCRE_TRANSFER_FAILED', decision: 'person' });
    expect(FAILURE_CAUSE_JOBS.filter((j) => j.decision === 'unknown')).toHaveLength(1);
  });

  it('drops the failure text once a retry resumes the task', async () => {
    // Prepare
    const id = failureCauseJobId('linkFailure');
    // Act
    await call<Results>('/batch-retry-task', { jobs: [{ job_id: id }] });
    const detail = await call<Results>('/batch-detail', { jobs: [id] });
    // Assess
    expect(detail.body.results[0]?.status).toBe('FULL_TRANSFER_STARTED');
    expect(detail.body.results[0]).not.toHaveProperty('failed_reason');
  });
});

describe('DRS refusing the caller’s permissions', () => {
  const every = async () => ({
    list: await post<ErrorBody>(drs(''), { cur_page: 1, per_page: 10, db_use_type: 'sync' }, auth()),
    status: await post<ErrorBody>(drs('/batch-status'), { jobs: ['a'] }, auth()),
    detail: await post<ErrorBody>(drs('/batch-detail'), { jobs: ['a'] }, auth()),
    retry: await post<ErrorBody>(drs('/batch-retry-task'), { jobs: [{ job_id: 'a' }] }, auth()),
  });

  it('answers 403 DRS.M00102 on every DRS operation, and logs the fault', async () => {
    // Prepare
    emulator.faults.add({ route: 'drs', kind: 'permission-denied', times: 4 });
    emulator.log.clear();
    // Act
    const replies = await every();
    const after = await post<Results>(drs('/batch-status'), { jobs: ['a'] }, auth());
    // Assess
    for (const reply of Object.values(replies)) {
      expect([reply.status, reply.body]).toEqual([403, { error_code: 'DRS.M00102', error_msg: 'Insufficient user permissions.' }]);
    }
    expect(after.status).toBe(200);
    expect(emulator.log.entries.slice(0, 4).map((e) => [e.route, e.fault, e.served])).toEqual([
      ['list', 'permission-denied', undefined],
      ['batch-status', 'permission-denied', undefined],
      ['batch-detail', 'permission-denied', undefined],
      ['batch-retry', 'permission-denied', undefined],
    ]);
  });

  it('answers 401 DRS.M00103 on one operation only, and leaves the task as it was', async () => {
    // Prepare
    const id = seed('INCRE_TRANSFER_FAILED');
    emulator.faults.add({ route: 'batch-retry', kind: 'no-operation-permission' });
    // Act
    const status = await post<Results>(drs('/batch-status'), { jobs: [id] }, auth());
    const retry = await post<ErrorBody>(drs('/batch-retry-task'), { jobs: [{ job_id: id }] }, auth());
    // Assess
    expect(status.status).toBe(200);
    expect([retry.status, retry.body]).toEqual([401, { error_code: 'DRS.M00103', error_msg: 'You do not have operation permissions. Check account permissions on IAM.' }]);
    expect(emulator.getTask(id)).toMatchObject({ status: 'INCRE_TRANSFER_FAILED', retries: [] });
  });

  it('checks the credentials first: a bad token gets its own 401 and leaves the rule for the next call', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'permission-denied' });
    // Act
    const badToken = await post<ErrorBody>(drs('/batch-status'), { jobs: ['a'] }, { 'X-Auth-Token': 'forged' });
    const pending = emulator.faults.pending();
    const good = await post<ErrorBody>(drs('/batch-status'), { jobs: ['a'] }, auth());
    // Assess
    expect([badToken.status, badToken.body.error_code]).toEqual([401, 'APIG.1002']);
    expect(pending).toEqual([{ route: 'batch-status', kind: 'permission-denied', times: 1 }]);
    expect([good.status, good.body.error_code]).toEqual([403, 'DRS.M00102']);
  });

  it.each<[string, FaultRule]>([
    ['the token route', { route: 'token', kind: 'permission-denied' }],
    ['SMN', { route: 'smn', kind: 'no-operation-permission' }],
    ['any route', { route: 'any', kind: 'error-in-2xx' }],
    ['a delay', { route: 'drs', kind: 'permission-denied', ms: 10 }],
    ['an error code on another kind', { route: 'drs', kind: 'throttle', errorCode: 'DRS.M01504' }],
    ['a malformed error code', { route: 'drs', kind: 'error-in-2xx', errorCode: 'M01504' }],
  ])('refuses a DRS refusal on %s', (_case, rule) => {
    expect(() => emulator.faults.add(rule)).toThrow(TypeError);
    expect(emulator.faults.pending()).toEqual([]);
  });
});

describe('a 2xx answer that carries a top-level error', () => {
  it('answers batch-retry-task 202 with DRS.M01504 and no results, and retries nothing', async () => {
    // Prepare
    const id = seed('INCRE_TRANSFER_FAILED');
    emulator.faults.add({ route: 'batch-retry', kind: 'error-in-2xx' });
    // Act
    const reply = await post<Results>(drs('/batch-retry-task'), { jobs: [{ job_id: id }] }, auth());
    // Assess
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({
      error_code: 'DRS.M01504',
      error_msg: 'Another operation is being performed on the migration task or the migration task is abnormal.',
    });
    expect(emulator.getTask(id)).toMatchObject({ status: 'INCRE_TRANSFER_FAILED', retries: [] });
    expect(emulator.log.byRoute('batch-retry').at(-1)).toMatchObject({ status: 202, fault: 'error-in-2xx' });
  });

  it('sends another documented code with its own status', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-detail', kind: 'error-in-2xx', errorCode: 'DRS.M05066' });
    // Act
    const reply = await post<Results>(drs('/batch-detail'), { jobs: ['a'] }, auth());
    // Assess
    expect([reply.status, reply.body]).toEqual([200, { error_code: 'DRS.M05066', error_msg: 'Failed to create instance!' }]);
  });
});

describe('request log: what reached batch-retry-task', () => {
  it('gives the job ids of each retry request, and of those the retry operation answered itself', async () => {
    // Prepare
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(() => seed('INCRE_TRANSFER_FAILED'));
    emulator.log.clear();
    emulator.faults.add({ route: 'batch-retry', kind: 'throttle' });
    emulator.faults.add({ route: 'batch-retry', kind: 'permission-denied' });
    const retry = (ids: Array<string | undefined>) => post(drs('/batch-retry-task'), { jobs: ids.map((job_id) => ({ job_id })) }, auth());
    // Act
    await retry([a, b]);
    await retry([c]);
    await retry([a, d]);
    // Assess
    expect(emulator.log.retryBatches()).toEqual([[a, b], [c], [a, d]]);
    expect(emulator.log.retriedJobIds()).toEqual([a, b, c, a, d]);
    expect(emulator.log.retriedJobIds({ served: true })).toEqual([a, d]);
    expect(emulator.getTask(a ?? '')?.retries).toHaveLength(1);
  });
});
