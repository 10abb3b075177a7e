import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCredentials } from '../lib/auth/credentials.js';
import { IamPasswordTokenProvider, TOKEN_REFRESH_MARGIN_MS } from '../lib/auth/iamPasswordToken.js';
import { DrsClient } from '../lib/drs/drsClient.js';
import { AuthError } from '../lib/errors.js';
import { HttpClient } from '../lib/http/httpClient.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, DEFAULT_USER, startEmulator, type Emulator } from './emulator/index.js';

let emulator: Emulator;
let now = Date.parse('2026-11-27T03:00:00Z');
const clock = () => now;
const http = () => new HttpClient({ timeoutMs: 2_000, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
const ids = Array.from({ length: 30 }, (_, i) => `0000${String(i).padStart(4, '0')}-aaaa-4bbb-8ccc-ddddddfjb101`);

const provider = (overrides: Partial<ConstructorParameters<typeof IamPasswordTokenProvider>[1]> = {}) =>
  new IamPasswordTokenProvider(
    http(),
    {
      authUrl: `${emulator.url}/v3`,
      username: DEFAULT_USER.name,
      password: DEFAULT_USER.password,
      domainName: DEFAULT_USER.domain,
      projectId: DEFAULT_PROJECT.id,
      ...overrides,
    },
    clock,
  );

const drsWith = (authorizer: IamPasswordTokenProvider, concurrency = 4) =>
  new DrsClient({ http: http(), authorizer, endpoint: emulator.url, projectId: DEFAULT_PROJECT.id, concurrency, perPage: 5 });

beforeAll(async () => {
  emulator = await startEmulator({ now: clock, tasks: ids.map((id) => ({ id, status: 'INCRE_TRANSFER_STARTED' })) });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.faults.clear();
  emulator.log.clear();
});

describe('IAM password token', () => {
  it('sends the documented request and scopes the token to the project', async () => {
    // Act
    await provider().authorize();

    // Assess
    const [entry] = emulator.log.byRoute('token');
    expect(entry?.path).toBe('/v3/auth/tokens');
    expect(entry?.headers['content-type']).toBe('application/json;charset=utf8');
    expect(entry?.body).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: DEFAULT_USER.name, password: DEFAULT_USER.password, domain: { name: DEFAULT_USER.domain } } },
        },
        scope: { project: { id: DEFAULT_PROJECT.id } },
      },
    });
  });

  it('uses one token for many concurrent calls', async () => {
    // Prepare
    const tokens = provider();

    // Act: 6 pages read 4 at a time, all asking for the token at once
    const read = await drsWith(tokens).batchDetail(ids);

    // Assess
    expect(read.items).toHaveLength(30);
    expect(emulator.log.byRoute('token')).toHaveLength(1);
    const used = new Set(emulator.log.byRoute('batch-detail').map((e) => e.headers['x-auth-token']));
    expect(used.size).toBe(1);
  });

  it('refreshes a token that expired mid-run exactly once', async () => {
    // Prepare
    const tokens = provider();
    const drs = drsWith(tokens);
    await drs.batchDetail(ids.slice(0, 5));
    emulator.faults.expireTokensAfterCalls(0);

    // Act: six concurrent chunks all meet the dead token
    const read = await drs.batchDetail(ids);

    // Assess
    expect(read.items).toHaveLength(30);
    expect(read.failures).toEqual([]);
    expect(emulator.log.byRoute('token')).toHaveLength(2);
  });

  it('renews the cached token shortly before expires_at', async () => {
    // Prepare
    const tokens = provider();
    await tokens.authorize();

    // Act
    now += 24 * 3_600_000 - TOKEN_REFRESH_MARGIN_MS + 1;
    await tokens.authorize();

    // Assess
    expect(emulator.log.byRoute('token')).toHaveLength(2);
  });

  it('resolves the project id from the token when scoped by name', async () => {
    const tokens = provider({ projectId: undefined, projectName: DEFAULT_PROJECT.name });
    await expect(tokens.projectId()).resolves.toBe(DEFAULT_PROJECT.id);
    expect(emulator.log.byRoute('token')[0]?.body).toMatchObject({ auth: { scope: { project: { name: DEFAULT_PROJECT.name } } } });
  });

  it('says what to fix when the password is wrong, without the password', async () => {
    // Prepare
    const wrong = 'Wr0ng-Passw0rd-that-must-stay-secret';

    // Act
    const error = await provider({ password: wrong }).authorize().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/^IAM refused the password login \(HTTP 401 IAM\.0062 Incorrect password\)\. Check OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME/);
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(wrong);
    expect(emulator.log.byRoute('token')).toHaveLength(1);
  });

  it('needs a project scope', () => {
    expect(() => provider({ projectId: undefined, projectName: undefined })).toThrow(/set OS_PROJECT_ID or OS_PROJECT_NAME/);
  });
});

describe('credential providers behind one interface', () => {
  it.each(['password', 'aksk', 'token'] as const)('%s credentials read statuses from DRS', async (kind) => {
    // Prepare
    const issued = await provider().authorize();
    const settings =
      kind === 'password'
        ? { kind, username: DEFAULT_USER.name, password: DEFAULT_USER.password, domainName: DEFAULT_USER.domain }
        : kind === 'aksk'
          ? { kind, accessKey: DEFAULT_ACCESS_KEY.ak, secretKey: DEFAULT_ACCESS_KEY.sk }
          : { kind, token: issued['X-Auth-Token'] ?? '' };
    const credentials = createCredentials(settings, { http: http(), authUrl: `${emulator.url}/v3`, projectId: DEFAULT_PROJECT.id, clock });
    const drs = new DrsClient({ http: http(), authorizer: credentials.authorizer, endpoint: emulator.url, projectId: await credentials.projectId(), concurrency: 2 });
    emulator.log.clear();

    // Act
    const read = await drs.batchDetail(ids.slice(0, 3));

    // Assess
    expect(read.items.map((t) => t.status)).toEqual(['INCRE_TRANSFER_STARTED', 'INCRE_TRANSFER_STARTED', 'INCRE_TRANSFER_STARTED']);
    const [entry] = emulator.log.byRoute('batch-detail');
    expect(entry?.auth).toBe(kind === 'aksk' ? 'aksk' : 'token');
    if (kind === 'aksk') {
      expect(entry?.headers['x-project-id']).toBe(DEFAULT_PROJECT.id);
      expect(entry?.headers.authorization).toMatch(/^SDK-HMAC-SHA256 Access=.*SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/);
    }
  });

  it('AK/SK with a wrong secret key is refused once, as AuthError', async () => {
    const credentials = createCredentials(
      { kind: 'aksk', accessKey: DEFAULT_ACCESS_KEY.ak, secretKey: 'not-the-right-secret-key-000000000000000' },
      { http: http(), authUrl: `${emulator.url}/v3`, projectId: DEFAULT_PROJECT.id, clock },
    );
    const drs = new DrsClient({ http: http(), authorizer: credentials.authorizer, endpoint: emulator.url, projectId: DEFAULT_PROJECT.id, concurrency: 1 });
    await expect(drs.batchDetail(ids.slice(0, 1))).rejects.toBeInstanceOf(AuthError);
    expect(emulator.log.byRoute('batch-detail')).toHaveLength(1);
  });
});
