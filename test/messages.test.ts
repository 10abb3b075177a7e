import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { demoJobId, seedDemoProject } from './emulator/demoProject.js';
import { startEmulator, type Emulator } from './emulator/index.js';
import { runCli } from './support/cli.js';
import { startDynalite, type LocalDynamo } from './support/dynalite.js';
import { emulatorEnv, type AuthKind } from './support/emulatorEnv.js';

/**
 * The table of run-level failures, each through the built CLI: the message says what happened in
 * one sentence and what to do in one, names the credential or setting at fault, is one line, and
 * has no doubled full stop and no advice nested in advice.
 */

let emulator: Emulator;
let webPage: Server;
let notFound: Server;
let dynamo: LocalDynamo;
const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
/** No AWS credentials anywhere the SDK looks, and DynamoDB on a dead loopback port should it find some. */
const noAws = () => {
  const home = mkdtempSync(join(tmpdir(), 'drs-noaws-'));
  return { HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_CONFIG_FILE: join(home, 'none'), AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' };
};

beforeAll(async () => {
  emulator = await startEmulator();
  seedDemoProject(emulator);
  // Web servers that are not DRS: one answers every path with an HTML page, one with a bare 404.
  webPage = createServer((_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>welcome</html>'));
  notFound = createServer((_request, response) => void response.writeHead(404, { 'content-type': 'application/json' }).end('{}'));
  await Promise.all([webPage, notFound].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  dynamo = await startDynalite();
});
afterAll(async () => {
  await Promise.all([webPage, notFound].map((server) => new Promise((resolve) => server.close(resolve))));
  await dynamo.close();
  await emulator.close();
});

interface Case {
  name: string;
  auth: AuthKind;
  env: () => Record<string, string>;
  message: RegExp;
  /** Attempts the failing call may take: 1 for failures another attempt cannot cure. */
  retried: boolean;
}

const CASES: Case[] = [
  {
    name: 'a wrong password',
    auth: 'password',
    env: () => ({ OS_PASSWORD: 'Wrong-Password-4-Test' }),
    message: /^IAM refused the password login \(HTTP 401 IAM\.0062 Incorrect password\)\. Check OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME, and that the user may use the project/,
    retried: false,
  },
  {
    name: 'an unreachable IAM',
    auth: 'password',
    env: () => ({ OS_AUTH_URL: 'http://127.0.0.1:9/v3' }),
    message: /^IAM token failed after 4 attempts: no answer \(connect ECONNREFUSED 127\.0\.0\.1:9\)\. Check OS_AUTH_URL and the network path to it\.$/,
    retried: true,
  },
  {
    name: 'a stale OS_AUTH_TOKEN',
    auth: 'token',
    env: () => ({ OS_AUTH_TOKEN: 'stale-token-0123456789' }),
    message: /^DRS batch-detail failed: HTTP 401 \S+ [^.]+\. The token from OS_AUTH_TOKEN was refused: set a fresh one .*or use AK\/SK or a password instead\.$/,
    retried: false,
  },
  {
    name: 'a wrong secret key',
    auth: 'aksk',
    env: () => ({ OS_SECRET_KEY: 'x'.repeat(40) }),
    message: /^DRS batch-detail failed: HTTP 401 APIG\.0301 .*\. The AK\/SK from OS_ACCESS_KEY and OS_SECRET_KEY was refused: check both keys/,
    retried: false,
  },
  {
    name: 'a DRS_ENDPOINT that is a web page, not DRS',
    auth: 'aksk',
    env: () => ({ DRS_ENDPOINT: url(webPage) }),
    message: /^DRS batch-detail failed after 4 attempts: HTTP 200 with a body that is not JSON\. This is not how DRS answers: point DRS_ENDPOINT at DRS, e\.g\. https:\/\/drs\.eu-de\.otc\.t-systems\.com\.$/,
    retried: true,
  },
  {
    name: 'a DRS_ENDPOINT with no DRS API behind it (404)',
    auth: 'aksk',
    env: () => ({ DRS_ENDPOINT: url(notFound) }),
    message: /^DRS batch-detail failed: HTTP 404\. There is no DRS API at that URL: point DRS_ENDPOINT at DRS, e\.g\. https:\/\/drs\.eu-de\.otc\.t-systems\.com\.$/,
    retried: false,
  },
  {
    name: 'an unreachable DRS',
    auth: 'aksk',
    env: () => ({ DRS_ENDPOINT: 'http://127.0.0.1:9' }),
    message: /^DRS batch-detail failed after 4 attempts: no answer \(connect ECONNREFUSED 127\.0\.0\.1:9\)\. Check DRS_ENDPOINT and the network path to it\.$/,
    retried: true,
  },
  {
    name: 'an https:// DRS_ENDPOINT on a plain-HTTP port',
    auth: 'aksk',
    env: () => ({ DRS_ENDPOINT: emulator.url.replace('http:', 'https:') }),
    message: /^DRS batch-detail failed: no answer \(TLS handshake failed: wrong version number\)\. The other end does not speak TLS there: if DRS_ENDPOINT is a plain-HTTP endpoint, write it with http:\/\/, else use its HTTPS port\.$/,
    retried: false,
  },
  {
    name: 'a ledger without AWS credentials',
    auth: 'aksk',
    env: () => ({ ...noAws(), DRS_LEDGER_TABLE: 'drs-ledger', AWS_REGION: 'eu-central-1' }),
    message: /^could not take the run lease in DynamoDB table drs-ledger: CredentialsProviderError: .*\. Give it AWS credentials: the function's role in Lambda; on the command line AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\.$/,
    retried: false,
  },
  {
    name: 'a ledger without an AWS region',
    auth: 'aksk',
    env: () => ({ ...noAws(), DRS_LEDGER_TABLE: 'drs-ledger', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }),
    message: /^could not take the run lease in DynamoDB table drs-ledger: Error: Region is missing\. Set AWS_REGION to the table's region/,
    retried: false,
  },
  {
    name: 'a ledger table that does not exist',
    auth: 'aksk',
    env: () => ({ DRS_LEDGER_TABLE: 'no-such-table', DRS_LEDGER_ENDPOINT: dynamo.endpoint, AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }),
    message: /^could not take the run lease in DynamoDB table no-such-table: ResourceNotFoundException: .*\. Create the table no-such-table in this region, or set DRS_LEDGER_TABLE/,
    retried: false,
  },
];

describe('run-level failures name the real cause and one fix (built CLI)', () => {
  it.each(CASES)('$name', async ({ auth, env, message, retried }) => {
    // Act
    const result = await runCli(['--format', 'json', '--job', demoJobId('fullTransferFailed')], { ...emulatorEnv(emulator, auth), ...env() });

    // Assess
    expect(result.code).toBe(3);
    const error = (JSON.parse(result.stdout) as Report).error?.message ?? '';
    expect(error).toMatch(message);
    expect(error).not.toMatch(/\.\.|\n/);
    expect(error.match(/\bcheck\b/gi)?.length ?? 0).toBeLessThanOrEqual(1);
    // Advice never sits inside the parentheses of another message.
    expect(error).not.toMatch(/\([^)]*\b(check|set)\b[^)]*\)/i);
    expect(/retrying a DRS\/IAM call/.test(result.stderr)).toBe(retried);
  });
});
