import { createServer, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { ApiError } from '../lib/errors.js';
import { HttpClient, type RequestAuthorizer } from '../lib/http/httpClient.js';
import { MAX_ANSWER_BYTES } from '../lib/http/transport.js';
import { startEmulator } from './emulator/index.js';
import { runCli } from './support/cli.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { TEST_CA_FILE, TEST_TLS, useTwoTaskEmulator } from './support/twoTaskEmulator.js';
import { outcomesOf, runAgainst } from './support/runAgainst.js';

// The transport (lib/http/transport.ts) from the user's side: TLS that verifies, connections
// that are kept alive, answers that cannot exhaust memory, redirects that are never followed.

const FAILED = '5b2e8c1d-4f7a-4e3b-9c6d-2a1f0e9djb01';
const HEALTHY = '7d4f1a2b-8c3e-4d5f-a6b7-c8d9e0f1jb01';

const { cleanups, emulatorWith, listenLocally } = useTwoTaskEmulator({ failed: FAILED, healthy: HEALTHY });

async function listen(handler: (res: ServerResponse, acceptEncoding: string) => void): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(res, req.headers['accept-encoding'] ?? '');
  });
  const port = await listenLocally(server);
  return { server, url: `http://127.0.0.1:${port}`, requests };
}

const oneAttempt = () => new HttpClient({ timeoutMs: 2_000, retry: { maxAttempts: 1 } });
const tokenAuthorizer = (token: string): RequestAuthorizer => ({ authorize: async () => ({ 'x-auth-token': token }), invalidate: () => false });

describe('HTTPS', () => {
  it('runs end to end against an HTTPS endpoint whose CA is trusted through NODE_EXTRA_CA_CERTS', async () => {
    // Prepare
    const emulator = await emulatorWith({ tls: TEST_TLS });

    // Act
    const result = await runCli(['--event', '-', '--format', 'json'], { ...emulatorEnv(emulator), NODE_EXTRA_CA_CERTS: TEST_CA_FILE }, JSON.stringify({ jobIds: [FAILED, HEALTHY] }));

    // Assess
    expect(emulator.url).toMatch(/^https:\/\//);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(outcomesOf(report)).toEqual({ [FAILED]: 'retried', [HEALTHY]: 'skipped' });
    expect(emulator.getTask(FAILED)?.retries).toHaveLength(1);
  });

  it('refuses an endpoint whose certificate it cannot verify: one attempt, exit 3, and what to do', async () => {
    // Prepare
    const emulator = await emulatorWith({ tls: TEST_TLS });

    // Act
    const result = await runCli(['--event', '-', '--format', 'json'], emulatorEnv(emulator), JSON.stringify({ jobIds: [FAILED] }));

    // Assess
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.error?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(report.error?.message).toMatch(/not trusted.*NODE_EXTRA_CA_CERTS/);
    expect(outcomesOf(report)).toEqual({ [FAILED]: 'deferred' });
    // Not one HTTP request got through the handshake, and a certificate is not retried.
    expect(emulator.log.entries).toEqual([]);
    expect(emulator.connections()).toBe(1);
    expect(leakedSecrets([result.stdout, result.stderr], secretsInPlay(emulator))).toEqual([]);
  });
});

describe('connections', () => {
  it('keeps connections alive: a run of 61 requests opens no more connections than DRS_CONCURRENCY', async () => {
    // Prepare
    const ids = Array.from({ length: 2_000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000jb01`);
    const emulator = await startEmulator({ tasks: ids.map((id, i) => ({ id, status: i % 2 === 0 ? 'FULL_TRANSFER_FAILED' : 'INCRE_TRANSFER_STARTED' })) });
    cleanups.push(() => emulator.close());

    // Act
    const report = await runAgainst(emulator, { env: { DRS_CONCURRENCY: '4', DRS_BATCH_SIZE: '25' }, event: { jobIds: ids } });

    // Assess: 1 token + 20 pages of 100 + 40 batches of 25 = 61 requests over at most 4 sockets.
    expect(report.summary).toMatchObject({ requested: 2_000, retried: 1_000, skipped: 1_000 });
    expect(emulator.log.entries).toHaveLength(61);
    expect(emulator.connections()).toBeGreaterThanOrEqual(1);
    expect(emulator.connections()).toBeLessThanOrEqual(4);
  });
});

describe('answers', () => {
  it(`stops reading an answer beyond ${MAX_ANSWER_BYTES / 1024 / 1024} MB and says why`, async () => {
    // Prepare: a broken gateway that streams 64 MB.
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let written = 0;
    let cutOff = false;
    const { url } = await listen((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => (cutOff = !res.writableFinished));
      const pump = () => {
        while (written < 64 && !res.destroyed) {
          written++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });

    // Act
    const error = await oneAttempt()
      .request({ operation: 'DRS batch-detail', method: 'POST', url, body: {} })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).apiCode).toBe('ERR_ANSWER_TOO_LARGE');
    expect((error as ApiError).message).toMatch(/larger than 16777216 bytes/);
    await expect.poll(() => cutOff).toBe(true);
    expect(written).toBeLessThan(64);
  });

  it('asks for compressed answers and reads them: a status page travels at a tenth of its size', async () => {
    // Prepare
    const page = { results: Array.from({ length: 100 }, (_, i) => ({ id: `job-${i}`, status: 'INCRE_TRANSFER_STARTED', description: 'x'.repeat(500) })), count: 100 };
    const json = JSON.stringify(page);
    const compressed = gzipSync(json);
    const asked: string[] = [];
    const { url } = await listen((res, acceptEncoding) => {
      asked.push(acceptEncoding);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(compressed.length) });
      res.end(compressed);
    });

    // Act
    const answer = await oneAttempt().request({ operation: 'DRS batch-detail', method: 'POST', url, body: {} });

    // Assess
    expect(asked).toEqual(['gzip, deflate']);
    expect(compressed.length).toBeLessThan(json.length / 10);
    expect(answer.data).toEqual(page);
  });

  it('stops unpacking a small compressed answer that would grow beyond the cap', async () => {
    // Prepare: 64 MB of spaces, about 64 KB gzipped.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const { url } = await listen((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });

    // Act
    const error = await oneAttempt()
      .request({ operation: 'DRS batch-detail', method: 'POST', url, body: {} })
      .catch((e: unknown) => e);

    // Assess
    expect(bomb.length).toBeLessThan(MAX_ANSWER_BYTES / 100);
    expect((error as ApiError).apiCode).toBe('ERR_ANSWER_TOO_LARGE');
  });

  it('names a corrupt compressed answer, and a coding it did not ask for', async () => {
    // Prepare
    const corrupt = await listen((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(Buffer.from('this is not gzip'));
    });
    const brotli = await listen((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
      res.end(Buffer.from([0x0b, 0x01, 0x80, 0x7b, 0x7d, 0x03]));
    });

    // Act
    const [first, second] = await Promise.all(
      [corrupt.url, brotli.url].map((url) =>
        oneAttempt()
          .request({ operation: 'DRS batch-detail', method: 'POST', url, body: {} })
          .catch((e: unknown) => e as ApiError),
      ),
    );

    // Assess
    expect((first as ApiError).apiCode).toBe('Z_DATA_ERROR');
    expect((first as ApiError).message).toMatch(/compressed answer is corrupt/);
    expect((second as ApiError).apiCode).toBe('ERR_CONTENT_ENCODING');
    expect((second as ApiError).message).toMatch(/encoded as "br", which was not asked for/);
  });

  it('returns a redirect as it is, and never carries the token to where it points', async () => {
    // Prepare
    const elsewhere = await listen((res) => res.end('{}'));
    const { url } = await listen((res) => {
      res.writeHead(302, { location: `${elsewhere.url}/steal`, 'content-type': 'application/json' });
      res.end('{"error_code":"APIG.0302","error_msg":"moved"}');
    });

    // Act
    const error = await oneAttempt()
      .request({ operation: 'DRS batch-detail', method: 'POST', url, body: {}, authorizer: tokenAuthorizer('token-that-must-stay-home') })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(302);
    expect(elsewhere.requests).toEqual([]);
  });

  it('refuses a credential that cannot be a header value without quoting it', async () => {
    // Prepare: a token with a line break would split the header; node refuses it before sending.
    const { url, requests } = await listen((res) => res.end('{}'));
    const token = 'secret-token-value\r\nx-injected: 1';

    // Act
    const error = await oneAttempt()
      .request({ operation: 'DRS batch-detail', method: 'POST', url, body: {}, authorizer: tokenAuthorizer(token) })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).apiCode).toBe('ERR_INVALID_CHAR');
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain('secret-token-value');
    expect(requests).toEqual([]);
  });
});
