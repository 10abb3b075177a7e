import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StaticTokenAuthorizer } from '../lib/auth/staticToken.js';
import { IamPasswordTokenProvider } from '../lib/auth/iamPasswordToken.js';
import { createDeadline } from '../lib/core/deadline.js';
import { ApiError, AuthError, DeadlineExceededError } from '../lib/errors.js';
import { HttpClient, type RetryNotice } from '../lib/http/httpClient.js';
import { DEFAULT_PROJECT, DEFAULT_USER, startEmulator, type Emulator, type FaultKind } from './emulator/index.js';
import { emulatorTokenProvider } from './support/emulatorEnv.js';

let emulator: Emulator;
let token: IamPasswordTokenProvider;

const statusUrl = () => `${emulator.url}/v3/${DEFAULT_PROJECT.id}/jobs/batch-status`;
const statusBody = { jobs: ['3f1c9a52-7d4e-4b8a-9e21-5c6d0a1jb101'], page_req: { cur_page: 1, per_page: 100 } };

function client(notices: RetryNotice[] = [], overrides: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({
    timeoutMs: 500,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
    onRetry: (notice) => notices.push(notice),
    ...overrides,
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ tasks: [{ id: '3f1c9a52-7d4e-4b8a-9e21-5c6d0a1jb101', status: 'FULL_TRANSFER_FAILED' }] });
  token = emulatorTokenProvider(emulator, client());
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.faults.clear();
  emulator.log.clear();
});

const send = (http: HttpClient) =>
  http.request({ operation: 'DRS batch-status', method: 'POST', url: statusUrl(), body: statusBody, authorizer: token });

describe('HttpClient against the emulator', () => {
  it.each<[FaultKind, string, Record<string, unknown>]>([
    ['throttle', 'throttled', {}],
    ['rate-limit', 'throttled', { retryAfterSeconds: 0 }],
    ['server-error', 'server', {}],
    ['reset', 'network', {}],
    ['hang', 'network', {}],
    ['malformed-json', 'malformed', {}],
    ['html', 'server', {}],
    ['truncated', 'network', {}],
  ])('retries a %s fault and then succeeds', async (kind, expectedKind, extra) => {
    // Prepare
    await send(client()); // a token first, so only the DRS call is faulted
    emulator.log.clear();
    emulator.faults.add({ route: 'batch-status', kind, times: 2, ...extra });
    const notices: RetryNotice[] = [];

    // Act
    const response = await send(client(notices));

    // Assess
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    expect(notices.map((n) => n.kind)).toEqual([expectedKind, expectedKind]);
    expect(emulator.log.byRoute('batch-status')).toHaveLength(3);
  });

  it('gives up cleanly after maxAttempts with a typed error', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'server-error', times: Infinity });

    // Act
    const error = await send(client()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 500, apiCode: 'DRS.M00004', attempts: 3, operation: 'DRS batch-status' });
    expect((error as Error).message).toMatch(/DRS batch-status failed after 3 attempts: HTTP 500 DRS\.M00004/);
    expect(emulator.log.byRoute('batch-status')).toHaveLength(3);
  });

  it('treats 400 DRS.M01503 as throttling and gives up with its code', async () => {
    emulator.faults.add({ route: 'batch-status', kind: 'throttle', times: Infinity });
    const error = await send(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, apiCode: 'DRS.M01503', attempts: 3 });
  });

  it('honours Retry-After on 429', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    const notices: RetryNotice[] = [];
    const started = Date.now();

    // Act
    await send(client(notices, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 5_000 } }));

    // Assess
    expect(notices[0]).toMatchObject({ kind: 'throttled', status: 429, delayMs: 1000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("words its advice from the request's EndpointAdvice, and names no setting without one", async () => {
    // Prepare: a port nobody listens on, asked for as DRS with the advice, then without.
    const advice = { service: 'Example', setting: 'EXAMPLE_URL', example: 'https://example.test', throttled: 'slow down', refused: 'check it' };
    const url = 'http://127.0.0.1:9/v3/x/jobs/batch-status';
    const ask = (withAdvice: boolean) =>
      client().request({ operation: 'DRS batch-status', ...(withAdvice ? { advice } : {}), method: 'POST', url, body: statusBody }).then(() => new Error('no failure'), (e: unknown) => e as Error);

    // Act
    const advised = await ask(true);
    const plain = await ask(false);

    // Assess
    expect(advised.message).toBe('DRS batch-status failed after 3 attempts: no answer (connect ECONNREFUSED 127.0.0.1:9). Check EXAMPLE_URL and the network path to it.');
    expect(plain.message).toBe('DRS batch-status failed after 3 attempts: no answer (connect ECONNREFUSED 127.0.0.1:9). Check its URL and the network path to it.');
  });

  it('does not retry a definite 4xx answer', async () => {
    const http = client();
    const error = await http
      .request({ operation: 'DRS batch-status', method: 'POST', url: statusUrl(), body: { jobs: ['a', 'a'] }, authorizer: token })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, apiCode: 'DRS.M00301', attempts: 1 });
    expect(emulator.log.byRoute('batch-status')).toHaveLength(1);
  });

  it('cuts the timeout to the deadline and starts nothing after it', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'hang', times: Infinity });
    const deadline = createDeadline(300);
    const http = client([], { timeoutMs: 10_000, deadline });
    const started = Date.now();

    // Act
    const first = await send(http).catch((e: unknown) => e);
    const second = await send(http).catch((e: unknown) => e);

    // Assess
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(first).toBeInstanceOf(ApiError);
    expect(second).toBeInstanceOf(DeadlineExceededError);
  });

  it('reports a refused static token as AuthError without the token in the message', async () => {
    // Prepare
    const secret = 'MIIstatic-token-that-must-never-be-printed-0123456789';

    // Act
    const error = await client()
      .request({ operation: 'DRS batch-status', method: 'POST', url: statusUrl(), body: statusBody, authorizer: new StaticTokenAuthorizer(secret) })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AuthError);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(String((error as Error).message)).not.toContain(secret);
    expect(String((error as Error).stack)).not.toContain(secret);
    expect(emulator.log.byRoute('batch-status')).toHaveLength(1);
  });

  it('keeps secrets out of errors when the network fails', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-status', kind: 'reset', times: Infinity });

    // Act
    const error = (await send(client()).catch((e: unknown) => e)) as Error & { cause?: unknown };

    // Assess
    const everything = JSON.stringify({ error, message: error.message, stack: error.stack, cause: String(error.cause) });
    expect(error).toBeInstanceOf(ApiError);
    expect(everything).not.toContain(DEFAULT_USER.password);
    for (const issued of emulator.issuedTokens()) expect(everything).not.toContain(issued);
  });
});
