import type { IncomingMessage } from 'node:http';
import { createProxy } from 'proxy';
import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { runCli } from './support/cli.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { TEST_CA_FILE, TEST_TLS, useTwoTaskEmulator } from './support/twoTaskEmulator.js';
import { outcomesOf } from './support/runAgainst.js';

// The CLI behind a corporate forward proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY), against a real
// proxy server on 127.0.0.1 (the npm package `proxy`). Each test proves which way the requests
// went: through the proxy's CONNECT tunnels, through it in absolute form, or around it.

const FAILED = '5b2e8c1d-4f7a-4e3b-9c6d-2a1f0e9dpx01';
const HEALTHY = '7d4f1a2b-8c3e-4d5f-a6b7-c8d9e0f1px01';
const JOBS = JSON.stringify({ jobIds: [FAILED, HEALTHY] });

const { emulatorWith, listenLocally } = useTwoTaskEmulator({ failed: FAILED, healthy: HEALTHY });

interface RunningProxy {
  url: string;
  /** Targets of CONNECT requests (host:port), one per tunnel opened. */
  tunnels: string[];
  /** Request lines of plain requests, in absolute form (`http://host:port/path`). */
  forwarded: string[];
  /** Proxy-Authorization headers received. */
  credentials: Array<string | undefined>;
}

async function startProxy(authenticate?: (req: IncomingMessage) => boolean): Promise<RunningProxy> {
  const server = createProxy();
  const proxy: RunningProxy = { url: '', tunnels: [], forwarded: [], credentials: [] };
  // Listeners run before the proxy's own, so every request is seen as it arrives.
  server.prependListener('connect', (req: IncomingMessage) => {
    proxy.tunnels.push(req.url ?? '');
    proxy.credentials.push(req.headers['proxy-authorization']);
  });
  server.prependListener('request', (req: IncomingMessage) => {
    proxy.forwarded.push(req.url ?? '');
    proxy.credentials.push(req.headers['proxy-authorization']);
  });
  if (authenticate) server.authenticate = authenticate;
  const port = await listenLocally(server);
  proxy.url = `http://127.0.0.1:${port}`;
  return proxy;
}

describe('HTTPS through a proxy', () => {
  it('tunnels every request with CONNECT, keeps the tunnels alive, and verifies the endpoint itself', async () => {
    // Prepare
    const emulator = await emulatorWith({ tls: TEST_TLS });
    const proxy = await startProxy();
    const origin = new URL(emulator.url).host;

    // Act
    const env = { ...emulatorEnv(emulator), HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: TEST_CA_FILE, DRS_CONCURRENCY: '2' };
    const result = await runCli(['--event', '-', '--format', 'json'], env, JOBS);

    // Assess: token, status page, retry; all inside tunnels to the emulator, none in the clear.
    expect(result.code).toBe(0);
    expect(outcomesOf(JSON.parse(result.stdout) as Report)).toEqual({ [FAILED]: 'retried', [HEALTHY]: 'skipped' });
    expect(emulator.log.entries).toHaveLength(3);
    expect(proxy.forwarded).toEqual([]);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(proxy.tunnels.length).toBeLessThanOrEqual(2);
    expect(new Set(proxy.tunnels)).toEqual(new Set([origin]));
    // Every connection the emulator accepted came out of a tunnel.
    expect(emulator.connections()).toBe(proxy.tunnels.length);
  });

  it('refuses an untrusted certificate behind the proxy too: one tunnel, exit 3, not retried', async () => {
    // Prepare
    const emulator = await emulatorWith({ tls: TEST_TLS });
    const proxy = await startProxy();

    // Act
    const result = await runCli(['--event', '-', '--format', 'json'], { ...emulatorEnv(emulator), https_proxy: proxy.url }, JOBS);

    // Assess
    expect(result.code).toBe(3);
    expect((JSON.parse(result.stdout) as Report).error?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(proxy.tunnels).toHaveLength(1);
    expect(emulator.log.entries).toEqual([]);
  });

  it('sends the proxy credentials from the proxy URL on CONNECT only, and never prints them', async () => {
    // Prepare
    const expected = `Basic ${Buffer.from('corp-user:proxy-secret-p@ss').toString('base64')}`;
    const emulator = await emulatorWith({ tls: TEST_TLS });
    const proxy = await startProxy((req) => req.headers['proxy-authorization'] === expected);
    const withCredentials = proxy.url.replace('http://', 'http://corp-user:proxy-secret-p%40ss@');

    // Act
    const env = { ...emulatorEnv(emulator), HTTPS_PROXY: withCredentials, NODE_EXTRA_CA_CERTS: TEST_CA_FILE };
    const result = await runCli(['--event', '-', '--format', 'json'], env, JOBS);

    // Assess
    expect(result.code).toBe(0);
    expect(proxy.credentials.every((c) => c === expected)).toBe(true);
    expect(emulator.log.entries.some((e) => Object.keys(e.headers).includes('proxy-authorization'))).toBe(false);
    expect(leakedSecrets([result.stdout, result.stderr], [...secretsInPlay(emulator), 'proxy-secret-p@ss'])).toEqual([]);
  });

  it('says what to do when the proxy asks for credentials it did not get', async () => {
    // Prepare
    const emulator = await emulatorWith({ tls: TEST_TLS });
    const proxy = await startProxy(() => false);

    // Act
    const env = { ...emulatorEnv(emulator), HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: TEST_CA_FILE };
    const result = await runCli(['--event', '-', '--format', 'json'], env, JOBS);

    // Assess
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.error?.code).toBe('ERR_PROXY_CONNECT');
    expect(report.error?.message).toMatch(/proxy refused the tunnel.*407.*http:\/\/user:password@host:port/);
    expect(emulator.log.entries).toEqual([]);
  });
});

describe('plain HTTP through a proxy', () => {
  it('sends each request to the proxy in absolute form', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const proxy = await startProxy();

    // Act
    const result = await runCli(['--event', '-', '--format', 'json'], { ...emulatorEnv(emulator), http_proxy: proxy.url }, JOBS);

    // Assess
    expect(result.code).toBe(0);
    expect(outcomesOf(JSON.parse(result.stdout) as Report)).toEqual({ [FAILED]: 'retried', [HEALTHY]: 'skipped' });
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toHaveLength(3);
    expect(proxy.forwarded.every((line) => line.startsWith(`${emulator.url}/v3/`))).toBe(true);
    expect(emulator.log.entries.map((e) => e.path)).toEqual(proxy.forwarded.map((line) => new URL(line).pathname));
  });

  it('refuses to send credentials in plain http to a proxy that is not loopback (exit 2, nothing sent)', async () => {
    // Prepare
    const emulator = await emulatorWith();

    // Act: the endpoint is loopback, but the proxy it would go through is not.
    const result = await runCli(['--event', '-', '--format', 'json'], { ...emulatorEnv(emulator), HTTP_PROXY: 'http://proxy.corp.example:3128' }, JOBS);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/OS_AUTH_URL.*proxy.*plain http.*NO_PROXY.*DRS_ALLOW_INSECURE_HTTP/s);
    expect(emulator.log.entries).toEqual([]);
  });
});

describe('NO_PROXY', () => {
  it('sends the hosts it names around the proxy', async () => {
    // Prepare
    const secure = await emulatorWith({ tls: TEST_TLS });
    const proxy = await startProxy();

    // Act
    const env = { ...emulatorEnv(secure), HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1', NODE_EXTRA_CA_CERTS: TEST_CA_FILE };
    const result = await runCli(['--event', '-', '--format', 'json'], env, JOBS);

    // Assess
    expect(result.code).toBe(0);
    expect(secure.log.entries).toHaveLength(3);
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([]);
  });
});
