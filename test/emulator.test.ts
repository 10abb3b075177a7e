import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonicalUri, computeSignature } from './emulator/akskVerifier.js';
import { DEMO_JOBS, seedDemoProject } from './emulator/demoProject.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, DEFAULT_USER, startEmulator, type Emulator, type EmulatorAccessKey, type EmulatorTaskSeed } from './emulator/index.js';
import { issueToken, passwordAuthBody, post } from './emulator/testClient.js';

// Huawei's own signer, used only as an oracle for the emulator's independent verifier.
interface HuaweiSigner {
  sign(request: Record<string, unknown>, credential: { getAk(): string; getSk(): string }): Record<string, string>;
}
const { AKSKSigner } = createRequire(import.meta.url)('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as {
  AKSKSigner: HuaweiSigner;
};

type Item = Record<string, unknown>;
interface Results { results: Item[]; count: number; error_code?: string; error_msg?: string }
interface ErrorBody { error_code: string; error_msg: string }
interface SmnBody { request_id: string; code?: string; message?: string; message_id?: string }

const OTHER_PROJECT = { id: '1d2e3f4a5b6c4d7e8f9a0b1c2d3e4f50', name: 'eu-nl' };
const TEMP_KEY: EmulatorAccessKey = {
  ak: 'TMPQ8W3ZK2LD7XMRNV4E', sk: 'Yq3nB8vR2kLm7TzX9cWp4Hs6Jd1Gf5Ae0Uo3Ki8N', securityToken: 'gQpEdS5zdWItdG9rZW4tZm9yLXRlc3Rz',
};

let emulator: Emulator;
let token: string;
let seq = 0;

/** A fresh, doc-shaped job id, so tests never share task state. */
const newId = (): string => `${(++seq).toString(16).padStart(8, '0')}-4e2a-4b1c-9d3e-5f6a7b8jb101`;
const drs = (path: string, projectId = DEFAULT_PROJECT.id): string => `${emulator.url}/v3/${projectId}/jobs${path}`;
const auth = (): Record<string, string> => ({ 'X-Auth-Token': token });
const seed = (status: string, extra: Partial<EmulatorTaskSeed> = {}): string =>
  emulator.addTask({ id: newId(), status, ...extra }).id;

/** Signs a POST with Huawei's signer and returns headers fetch can send (it sets Host itself). */
function huaweiSigned(url: string, body: unknown, key: EmulatorAccessKey, headers: Record<string, string> = {}): Record<string, string> {
  const signed = AKSKSigner.sign(
    { method: 'POST', endpoint: url, headers: { 'content-type': 'application/json', ...headers }, data: body, queryParams: {} },
    { getAk: () => key.ak, getSk: () => key.sk },
  );
  const { host: _host, ...sendable } = signed;
  return sendable;
}

beforeAll(async () => {
  emulator = await startEmulator({ projects: [OTHER_PROJECT], accessKeys: [TEMP_KEY] });
  token = await issueToken(emulator);
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.faults.clear();
  emulator.setLatency(0);
});

describe('IAM POST /v3/auth/tokens', () => {
  it('issues a project token in X-Subject-Token with the documented body', async () => {
    // Prepare
    const body = passwordAuthBody(DEFAULT_USER, { project: { name: 'eu-de' } });
    // Act
    const reply = await post<{ token: Record<string, unknown> }>(`${emulator.url}/v3/auth/tokens`, body, {
      'Content-Type': 'application/json;charset=utf8',
    });
    // Assess
    expect(reply.status).toBe(201);
    const issued = reply.headers.get('x-subject-token');
    expect(issued?.length).toBeGreaterThan(500);
    expect(emulator.issuedTokens()).toContain(issued);
    expect(reply.text).not.toContain(issued);
    const t = reply.body.token;
    expect(t).toMatchObject({
      methods: ['password'],
      user: { name: DEFAULT_USER.name, domain: { name: DEFAULT_USER.domain } },
      project: { id: DEFAULT_PROJECT.id, name: 'eu-de', domain: { name: DEFAULT_USER.domain } },
    });
    expect(Date.parse(t.expires_at as string) - Date.parse(t.issued_at as string)).toBe(24 * 60 * 60 * 1000);
    expect(t.expires_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(Array.isArray(t.roles)).toBe(true);
    expect(t.catalog).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'identity', name: 'iam' })]));
  });

  it('scopes by project id and omits the catalog for ?nocatalog=true', async () => {
    // Act
    const reply = await post<{ token: Record<string, unknown> }>(
      `${emulator.url}/v3/auth/tokens?nocatalog=true`,
      passwordAuthBody(DEFAULT_USER, { project: { id: OTHER_PROJECT.id } }),
    );
    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body.token.project).toMatchObject(OTHER_PROJECT);
    expect(reply.body.token).not.toHaveProperty('catalog');
  });

  it.each([
    ['wrong password', { ...DEFAULT_USER, password: 'not-it' }, 401, 'IAM.0062'],
    ['unknown user', { ...DEFAULT_USER, name: 'nobody' }, 401, 'IAM.0001'],
    ['unknown domain', { ...DEFAULT_USER, domain: 'OTC-EU-DE-00000000009999999999' }, 401, 'IAM.0001'],
  ])('refuses a %s', async (_case, user, status, code) => {
    // Act
    const reply = await post<ErrorBody>(`${emulator.url}/v3/auth/tokens`, passwordAuthBody(user, { project: { name: 'eu-de' } }));
    // Assess
    expect(reply.status).toBe(status);
    expect(reply.body.error_code).toBe(code);
    expect(reply.headers.get('x-subject-token')).toBeNull();
  });

  it('answers 400 for a malformed body, a missing field and an unknown project', async () => {
    // Act
    const garbage = await post<ErrorBody>(`${emulator.url}/v3/auth/tokens`, '{"auth":');
    const noAuth = await post<ErrorBody>(`${emulator.url}/v3/auth/tokens`, { identity: {} });
    const noProject = await post<ErrorBody>(
      `${emulator.url}/v3/auth/tokens`,
      passwordAuthBody(DEFAULT_USER, { project: { name: 'ap-southeast-9' } }),
    );
    // Assess
    expect([garbage.status, garbage.body.error_code]).toEqual([400, 'IAM.0011']);
    expect([noAuth.status, noAuth.body]).toEqual([400, { error_code: 'IAM.0072', error_msg: "'auth' is a required property." }]);
    expect([noProject.status, noProject.body.error_code]).toEqual([400, 'IAM.1109']);
  });

  it('issues domain-scoped tokens that no project accepts', async () => {
    // Prepare
    const reply = await post<{ token: Record<string, unknown> }>(
      `${emulator.url}/v3/auth/tokens`,
      passwordAuthBody(DEFAULT_USER, { domain: { name: DEFAULT_USER.domain } }),
    );
    const domainToken = reply.headers.get('x-subject-token') ?? '';
    // Act
    const call = await post<ErrorBody>(drs('/batch-status'), { jobs: [newId()] }, { 'X-Auth-Token': domainToken });
    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body.token).toHaveProperty('domain');
    expect(reply.body.token).not.toHaveProperty('project');
    expect([call.status, call.body]).toEqual([403, { error_code: 'DRS.M00261', error_msg: 'Invalid project ID.' }]);
  });
});

describe('authentication of DRS and SMN calls', () => {
  it('answers 401 APIG.1002 without a token or with an unknown one', async () => {
    // Act
    const none = await post<ErrorBody>(drs('/batch-status'), { jobs: [newId()] });
    const unknown = await post<ErrorBody>(drs('/batch-status'), { jobs: [newId()] }, { 'X-Auth-Token': 'MIIforged' });
    // Assess
    for (const reply of [none, unknown]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error_code: 'APIG.1002', error_msg: 'Incorrect token or token resolution failed' });
    }
  });

  it('answers 403 DRS.M00261 for a token of another project', async () => {
    // Act
    const reply = await post<ErrorBody>(drs('/batch-status', OTHER_PROJECT.id), { jobs: [newId()] }, auth());
    // Assess
    expect(reply.status).toBe(403);
    expect(reply.body.error_code).toBe('DRS.M00261');
  });

  it('answers 401 once a token outlives its TTL on the emulator clock', async () => {
    // Prepare
    let clock = Date.now();
    const timed = await startEmulator({ now: () => clock, tokenTtlMs: 60_000 });
    try {
      const short = await issueToken(timed);
      const url = `${timed.url}/v3/${DEFAULT_PROJECT.id}/jobs/batch-status`;
      const before = await post(url, { jobs: ['x'] }, { 'X-Auth-Token': short });
      // Act
      clock += 60_000;
      const after = await post<ErrorBody>(url, { jobs: ['x'] }, { 'X-Auth-Token': short });
      // Assess
      expect(before.status).toBe(200);
      expect(after.status).toBe(401);
    } finally {
      await timed.close();
    }
  });

  it('expireTokensAfterCalls revokes existing tokens with 403 DRS.M00100, not later ones', async () => {
    // Prepare
    const old = await issueToken(emulator);
    emulator.faults.expireTokensAfterCalls(2);
    const fresh = await issueToken(emulator);
    const call = (t: string) => post<ErrorBody>(drs('/batch-status'), { jobs: ['x'] }, { 'X-Auth-Token': t });
    // Act
    const statuses = [(await call(old)).status, (await call(old)).status];
    const revoked = await call(old);
    const freshReply = await call(fresh);
    emulator.faults.clear();
    const restored = await call(old);
    // Assess
    expect(statuses).toEqual([200, 200]);
    expect([revoked.status, revoked.body]).toEqual([403, { error_code: 'DRS.M00100', error_msg: 'Invalid token.' }]);
    expect(freshReply.status).toBe(200);
    expect(restored.status).toBe(200);
  });

  it('reproduces the official SDK-HMAC-SHA256 test vector', () => {
    // Prepare
    const parts = {
      method: 'GET',
      rawPath: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
      rawQuery: 'marker=13551d6b-755d-4757-b956-536f674975c0&limit=2',
      headers: { 'content-type': 'application/json', host: 'service.region.example.com', 'x-sdk-date': '20191115T033655Z' },
      signedHeaders: ['content-type', 'host', 'x-sdk-date'],
      body: '',
      sdkDate: '20191115T033655Z',
    };
    // Act
    const signature = computeSignature(parts, 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc');
    // Assess
    expect(signature).toBe('7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe');
    expect(canonicalUri('/v2/p/topics/urn:smn:eu-de:p:t')).toBe(canonicalUri('/v2/p/topics/urn%3Asmn%3Aeu-de%3Ap%3At'));
  });

  it('accepts a request signed by Huawei’s own AKSKSigner, with X-Project-Id', async () => {
    // Prepare
    const id = seed('INCRE_TRANSFER_STARTED');
    const url = drs('/batch-status');
    const body = { jobs: [id], page_req: { cur_page: 1, per_page: 10 } };
    const headers = huaweiSigned(url, body, DEFAULT_ACCESS_KEY, { 'X-Project-Id': DEFAULT_PROJECT.id });
    // Act
    const reply = await post<Results>(url, JSON.stringify(body), headers);
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.results).toEqual([{ id, status: 'INCRE_TRANSFER_STARTED' }]);
    expect(emulator.log.entries.at(-1)?.auth).toBe('aksk');
  });

  it('rejects AK/SK requests whose body, date, signed headers or project do not hold', async () => {
    // Prepare
    const url = drs('/batch-status');
    const body = { jobs: ['a'] };
    const tampered = huaweiSigned(url, body, DEFAULT_ACCESS_KEY);
    const stale = huaweiSigned(url, body, DEFAULT_ACCESS_KEY, { 'X-Sdk-Date': '20191115T033655Z' });
    const wrongProject = huaweiSigned(url, body, DEFAULT_ACCESS_KEY, { 'X-Project-Id': OTHER_PROJECT.id });
    const sdkDate = tampered['X-Sdk-Date'] ?? '';
    const noHost = computeSignature({
      method: 'POST', rawPath: new URL(url).pathname, rawQuery: '', headers: { 'content-type': 'application/json', 'x-sdk-date': sdkDate },
      signedHeaders: ['content-type', 'x-sdk-date'], body: JSON.stringify(body), sdkDate,
    }, DEFAULT_ACCESS_KEY.sk);
    // Act
    const replies = await Promise.all([
      post<ErrorBody>(url, { jobs: ['b'] }, tampered),
      post<ErrorBody>(url, body, stale),
      post<ErrorBody>(url, body, {
        'X-Sdk-Date': sdkDate,
        Authorization: `SDK-HMAC-SHA256 Access=${DEFAULT_ACCESS_KEY.ak}, SignedHeaders=content-type;x-sdk-date, Signature=${noHost}`,
      }),
      post<ErrorBody>(url, body, { ...tampered, Authorization: (tampered.Authorization ?? '').replace(DEFAULT_ACCESS_KEY.ak, 'UNKNOWNAKUNKNOWNAK00') }),
      post<ErrorBody>(url, body, wrongProject),
    ]);
    // Assess
    expect(replies[0]?.body).toEqual({ error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information: verify aksk signature fail' });
    expect(replies.slice(0, 4).map((r) => [r.status, r.body.error_code])).toEqual(Array(4).fill([401, 'APIG.0301']));
    expect([replies[4]?.status, replies[4]?.body.error_code]).toEqual([403, 'DRS.M00261']);
  });

  it('requires X-Security-Token for a temporary access key', async () => {
    // Prepare
    const url = drs('/batch-status');
    const body = { jobs: ['a'] };
    // Act
    const without = await post<ErrorBody>(url, body, huaweiSigned(url, body, TEMP_KEY));
    const withToken = await post(url, body, huaweiSigned(url, body, TEMP_KEY, { 'X-Security-Token': TEMP_KEY.securityToken ?? '' }));
    // Assess
    expect([without.status, without.body.error_code]).toEqual([401, 'APIG.0301']);
    expect(withToken.status).toBe(200);
  });

  it('answers SMN auth failures in the SMN body shape', async () => {
    // Prepare
    const urn = `urn:smn:eu-de:${DEFAULT_PROJECT.id}:auth-shape`;
    emulator.addTopic(urn);
    const url = `${emulator.url}/v2/${DEFAULT_PROJECT.id}/notifications/topics/${urn}/publish`;
    // Act
    const none = await post<SmnBody>(url, { message: 'hi' });
    const otherProject = await post<SmnBody>(`${emulator.url}/v2/${OTHER_PROJECT.id}/notifications/topics/${urn}/publish`, { message: 'hi' }, auth());
    // Assess
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), code: 'APIG.1002', message: expect.any(String) });
    expect([otherProject.status, otherProject.body.code]).toEqual([403, 'SMN.0001']);
  });
});

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
    expect(dr.status).toBe(200);
    expect(dr.body.total_record).toBe(1);
    expect(dr.body.jobs.map((j) => j.id)).toEqual([parent?.id]);
    const children = dr.body.jobs[0]?.children as Item[];
    expect(children.map((c) => c.id).sort()).toEqual(DEMO_JOBS.filter((j) => j.dbUseType === 'cloudDataGuard' && j.id !== parent?.id).map((j) => j.id).sort());
    expect(children.find((c) => c.status === 'INCRE_TRANSFER_FAILED')).toMatchObject({ error_msg: expect.any(String), engine_type: 'cloudDataGuard-mysql' });
  });

  it('pages with total_record, cur_page 0 returns all, and filters status, name and engine_type', async () => {
    // Prepare
    const migrations = DEMO_JOBS.filter((j) => j.dbUseType === 'migration');
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
    expect(byEngine.body).toEqual({ total_record: 0, jobs: [] });
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

describe('SMN POST /v2/{project_id}/notifications/topics/{topic_urn}/publish', () => {
  const urn = `urn:smn:eu-de:${DEFAULT_PROJECT.id}:drs-report`;
  const publish = (body: unknown, topic = urn) =>
    post<SmnBody>(`${emulator.url}/v2/${DEFAULT_PROJECT.id}/notifications/topics/${topic}/publish`, body, auth());
  beforeAll(() => emulator.addTopic(urn));

  it('publishes to a known topic, raw or percent-encoded URN', async () => {
    // Act
    const reply = await publish({ subject: 'DRS report', message: 'All good', time_to_live: '3600' });
    const encoded = await publish({ message: 'again' }, encodeURIComponent(urn));
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), message_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(encoded.status).toBe(200);
    expect(emulator.publishedMessages().slice(-2)).toEqual([
      { projectId: DEFAULT_PROJECT.id, topicUrn: urn, subject: 'DRS report', message: 'All good', timeToLive: '3600', messageId: reply.body.message_id },
      { projectId: DEFAULT_PROJECT.id, topicUrn: urn, message: 'again', messageId: encoded.body.message_id },
    ]);
  });

  it('accepts a publish signed with AK/SK by Huawei’s signer (URN in the path)', async () => {
    // Prepare
    const url = `${emulator.url}/v2/${DEFAULT_PROJECT.id}/notifications/topics/${urn}/publish`;
    const body = { subject: 'signed', message: 'via AK/SK' };
    // Act
    const reply = await post<SmnBody>(url, JSON.stringify(body), huaweiSigned(url, body, DEFAULT_ACCESS_KEY));
    // Assess
    expect(reply.status).toBe(200);
    expect(emulator.publishedMessages().at(-1)?.message).toBe('via AK/SK');
  });

  it.each([
    ['an unknown topic', { message: 'x' }, `urn:smn:eu-de:${DEFAULT_PROJECT.id}:missing`, 404, 'SMN.0006'],
    ['another project’s topic', { message: 'x' }, `urn:smn:eu-de:${OTHER_PROJECT.id}:drs-report`, 404, 'SMN.0006'],
    ['a malformed URN', { message: 'x' }, 'not-a-urn', 400, 'SMN.0005'],
    ['a missing message', { subject: 'x' }, urn, 403, 'SMN.0009'],
    ['a message over 256 KB', { message: 'é'.repeat(131_073) }, urn, 403, 'SMN.0009'],
    ['a subject over 512 characters', { subject: 's'.repeat(513), message: 'x' }, urn, 403, 'SMN.0008'],
  ])('refuses %s', async (_case, body, topic, status, code) => {
    // Act
    const reply = await publish(body, topic);
    // Assess
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({ request_id: expect.any(String), code, message: expect.any(String) });
  });

  it('accepts the limits themselves: 256 KB message, 512-character subject', async () => {
    // Act
    const reply = await publish({ subject: 's'.repeat(512), message: 'm'.repeat(256 * 1024) });
    // Assess
    expect(reply.status).toBe(200);
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

describe('fault injection', () => {
  const status = (signal?: AbortSignal) => post<ErrorBody>(drs('/batch-status'), { jobs: ['a'] }, auth(), signal);

  it('throttles with HTTP 400 DRS.M01503 before auth, once, then answers normally', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'throttle' });
    // Act
    const throttled = await post<ErrorBody>(drs('/batch-status'), { jobs: ['a'] });
    const next = await status();
    // Assess
    expect([throttled.status, throttled.body]).toEqual([400, { error_code: 'DRS.M01503', error_msg: 'Operation too frequent. Try again later.' }]);
    expect(next.status).toBe(200);
    expect(emulator.log.byRoute('batch-status').at(-2)).toMatchObject({ fault: 'throttle', status: 400, auth: 'none' });
  });

  it('rate-limits with 429, Retry-After and APIG.0308', async () => {
    // Prepare
    emulator.faults.add({ route: 'any', kind: 'rate-limit', retryAfterSeconds: 7 });
    // Act
    const reply = await status();
    // Assess
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(reply.body).toEqual({ error_code: 'APIG.0308', error_msg: 'The request is throttled.' });
  });

  it('consumes rules FIFO per matching route, honouring times', async () => {
    // Prepare
    emulator.faults.add({ route: 'list', kind: 'html' });
    emulator.faults.add({ route: 'batch-status', kind: 'server-error', times: 2 });
    emulator.faults.add({ route: 'batch-status', kind: 'throttle' });
    // Act
    const codes = [];
    for (let i = 0; i < 4; i += 1) codes.push((await status()).status);
    // Assess
    expect(codes).toEqual([500, 500, 400, 200]);
    expect(emulator.faults.pending()).toEqual([{ route: 'list', kind: 'html', times: 1 }]);
  });

  it('answers server-error with each service’s own 500 body', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'server-error' });
    emulator.faults.add({ route: 'smn', kind: 'server-error' });
    // Act
    const drsReply = await status();
    const smnReply = await post<SmnBody>(`${emulator.url}/v2/${DEFAULT_PROJECT.id}/notifications/topics/x/publish`, {}, auth());
    // Assess
    expect([drsReply.status, drsReply.body]).toEqual([500, { error_code: 'DRS.M00004', error_msg: 'Service is abnormal. Check logs.' }]);
    expect([smnReply.status, smnReply.body.code]).toEqual([500, 'SMN.0018']);
  });

  it('delays with latency, then answers normally', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'latency', ms: 150 });
    const started = performance.now();
    // Act
    const reply = await status();
    // Assess
    expect(reply.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resets the connection without an answer', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'reset' });
    // Act
    const attempt = status(AbortSignal.timeout(2000));
    // Assess
    await expect(attempt).rejects.toThrow(TypeError);
    await expect.poll(() => emulator.log.byRoute('batch-status').at(-1)?.finishedAt).toBeDefined();
    expect(emulator.log.byRoute('batch-status').at(-1)).toMatchObject({ fault: 'reset', status: 0 });
  });

  it('hangs until the client gives up', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'hang' });
    // Act
    const attempt = status(AbortSignal.timeout(300));
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect.poll(() => emulator.log.byRoute('batch-status').at(-1)?.finishedAt).toBeDefined();
    expect(emulator.log.byRoute('batch-status').at(-1)).toMatchObject({ fault: 'hang', status: 0 });
  });

  it('sends malformed JSON, an HTML gateway page, and a truncated body', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'malformed-json' });
    emulator.faults.add({ route: 'batch-status', kind: 'html' });
    emulator.faults.add({ route: 'batch-status', kind: 'truncated' });
    const raw = () => fetch(drs('/batch-status'), { method: 'POST', body: '{"jobs":["a"]}', headers: auth(), signal: AbortSignal.timeout(2000) });
    // Act
    const malformed = await raw();
    const html = await raw();
    const truncated = await raw();
    // Assess
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow(SyntaxError);
    expect([html.status, html.headers.get('content-type')]).toEqual([502, 'text/html']);
    expect(await html.text()).toContain('502 Bad Gateway');
    expect(Number(truncated.headers.get('content-length'))).toBeGreaterThan(0);
    await expect(truncated.text()).rejects.toThrow();
  });

  it('refuses malformed rules with a TypeError and forgets rules on clear()', () => {
    // Prepare
    emulator.faults.add({ route: 'any', kind: 'throttle', times: Number.POSITIVE_INFINITY });
    // Act
    const pendingBefore = emulator.faults.pending();
    emulator.faults.clear();
    // Assess
    expect(pendingBefore).toEqual([{ route: 'any', kind: 'throttle', times: Number.POSITIVE_INFINITY }]);
    expect(emulator.faults.pending()).toEqual([]);
    expect(() => emulator.faults.add({ route: 'any', kind: 'latency' })).toThrow(TypeError);
    expect(() => emulator.faults.add({ route: 'any', kind: 'throttle', times: 0 })).toThrow(TypeError);
    expect(() => emulator.faults.add({ route: 'nowhere' as 'any', kind: 'throttle' })).toThrow(TypeError);
  });
});

describe('request log', () => {
  it('records route, project, parsed body, lower-case headers, status and auth kind', async () => {
    // Prepare
    emulator.log.clear();
    // Act
    await post(drs('/batch-status'), { jobs: ['a'] }, { ...auth(), 'X-Language': 'en-us' });
    await post(`${emulator.url}/v3/auth/tokens`, '{');
    // Assess
    const [status, tokenCall] = emulator.log.entries;
    expect(status).toMatchObject({
      route: 'batch-status', method: 'POST', path: `/v3/${DEFAULT_PROJECT.id}/jobs/batch-status`, projectId: DEFAULT_PROJECT.id,
      body: { jobs: ['a'] }, status: 200, auth: 'token', headers: expect.objectContaining({ 'x-language': 'en-us', 'x-auth-token': token }),
    });
    expect(status?.finishedAt).toBeGreaterThanOrEqual(status?.startedAt ?? Infinity);
    expect(tokenCall).toMatchObject({ route: 'token', body: undefined, status: 400, auth: 'none' });
    expect(tokenCall?.seq).toBe((status?.seq ?? 0) + 1);
    expect(emulator.log.byRoute('token')).toEqual([tokenCall]);
  });

  it('reports the peak number of requests in flight per route', async () => {
    // Prepare
    emulator.setLatency(150);
    emulator.log.clear();
    // Act
    await Promise.all([
      ...Array.from({ length: 4 }, () => post(drs('/batch-status'), { jobs: ['a'] }, auth())),
      post(drs(''), { cur_page: 1, per_page: 1, db_use_type: 'sync' }, auth()),
    ]);
    // Assess
    expect(emulator.log.peakInFlight('batch-status')).toBe(4);
    expect(emulator.log.peakInFlight('list')).toBe(1);
    expect(emulator.log.peakInFlight()).toBe(5);
    expect(emulator.log.inFlight()).toBe(0);
  });
});

describe('lifecycle', () => {
  it('close() returns promptly while a request hangs, and the client sees the socket die', async () => {
    // Prepare
    const doomed = await startEmulator();
    doomed.faults.add({ route: 'any', kind: 'hang' });
    const hung = post(`${doomed.url}/v3/auth/tokens`, passwordAuthBody(DEFAULT_USER), {}, AbortSignal.timeout(5000));
    const settled = hung.catch((error: unknown) => error);
    await expect.poll(() => doomed.log.inFlight()).toBe(1);
    const started = performance.now();
    // Act
    await doomed.close();
    // Assess
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await settled).toBeInstanceOf(TypeError);
    expect(doomed.log.entries[0]).toMatchObject({ fault: 'hang', status: 0 });
  });

  it('guards its options and seeds precisely', async () => {
    // Act / Assess
    await expect(startEmulator({ port: -1 })).rejects.toThrow(TypeError);
    expect(() => emulator.addTask({ id: newId(), status: 'CONFIGURATION', projectId: 'f'.repeat(32) })).toThrow(/unknown project/);
    const id = seed('CONFIGURATION');
    expect(() => emulator.addTask({ id, status: 'CONFIGURATION' })).toThrow(/already exists/);
    expect(() => emulator.setLatency(-5)).toThrow(TypeError);
  });

  it('applies setLatency to every request and exposes the seeded defaults', async () => {
    // Prepare
    emulator.setLatency(120);
    const started = performance.now();
    // Act
    const reply = await post(drs('/batch-status'), { jobs: ['a'] }, auth());
    // Assess
    expect(reply.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(emulator.defaults).toEqual({ user: DEFAULT_USER, accessKey: DEFAULT_ACCESS_KEY, project: DEFAULT_PROJECT });
    expect(DEFAULT_PROJECT.id).toMatch(/^[0-9a-f]{32}$/);
    expect(DEFAULT_ACCESS_KEY.ak).toMatch(/^[A-Z0-9]{20}$/);
    expect(DEFAULT_ACCESS_KEY.sk).toHaveLength(40);
  });

  it('tasks() lists live tasks; setStatus and deleteTask change what DRS answers', async () => {
    // Prepare
    const id = seed('INCRE_TRANSFER_STARTED', { projectId: OTHER_PROJECT.id });
    const other = await issueToken(emulator, OTHER_PROJECT.id);
    // Act
    emulator.setStatus(id, 'INCRE_TRANSFER_FAILED');
    const failed = await post<Results>(drs('/batch-status', OTHER_PROJECT.id), { jobs: [id] }, { 'X-Auth-Token': other });
    const listedBefore = emulator.tasks(OTHER_PROJECT.id).map((t) => t.id);
    emulator.deleteTask(id);
    // Assess
    expect(failed.body.results).toEqual([{ id, status: 'INCRE_TRANSFER_FAILED' }]);
    expect(listedBefore).toContain(id);
    expect(emulator.tasks(OTHER_PROJECT.id).map((t) => t.id)).not.toContain(id);
    expect(emulator.getTask(id)?.deleted).toBe(true);
  });
});

describe('standalone CLI', () => {
  it('serves the demo project, prints its environment, and exits 0 on SIGTERM', async () => {
    // Prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--latency-ms', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toContain('Ctrl+C');
      const authUrl = /OS_AUTH_URL=(\S+)/.exec(output)?.[1] ?? '';
      // Act
      const reply = await post(`${authUrl}/auth/tokens`, passwordAuthBody(DEFAULT_USER, { project: { id: DEFAULT_PROJECT.id } }));
      child.kill('SIGTERM');
      const [code] = await exited;
      // Assess
      expect(reply.status).toBe(201);
      expect(output).toMatch(/DRS_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\n/);
      expect(output).toContain(`OS_PROJECT_ID=${DEFAULT_PROJECT.id}`);
      for (const job of DEMO_JOBS) expect(output).toContain(job.id);
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
