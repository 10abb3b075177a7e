import { describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT, DEFAULT_USER } from './emulator/index.js';
import { passwordAuthBody, post } from './emulator/testClient.js';
import { drs, emulator, newId, OTHER_PROJECT, useSharedEmulator, type ErrorBody } from './support/emulatorTestKit.js';

useSharedEmulator();

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
