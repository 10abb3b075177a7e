import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, DEFAULT_USER, startEmulator } from './emulator/index.js';
import { issueToken, passwordAuthBody, post } from './emulator/testClient.js';
import {
  auth, drs, emulator, newId, OTHER_PROJECT, seed, token, useSharedEmulator, type ErrorBody, type Results, type SmnBody,
} from './support/emulatorTestKit.js';

useSharedEmulator();

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
