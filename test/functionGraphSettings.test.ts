import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/input/config.js';
import { normaliseEvent } from '../lib/input/events.js';
import { functionGraphSettings } from '../lib/input/settings/functionGraph.js';
import { layeredEnv } from '../lib/input/settings/source.js';

interface ContextOptions {
  funcEnv: Record<string, string | undefined>;
  securityAccessKey?: string;
  securitySecretKey?: string;
  securityToken?: string;
  authToken?: string;
}
const { FunctionGraphContext } = createRequire(import.meta.url)('./support/functionGraphContext.cjs') as {
  FunctionGraphContext: new (options: ContextOptions) => { getUserData(name: string): unknown; getProjectID(): string };
};

const RUNTIME_PROJECT = '0f1e2d3c4b5a49788796a5b4c3d2e1f0';
const OWN_PROJECT = '11112222333344445555666677778888';
const AGENCY = { securityAccessKey: 'TMPAGENCYAK000000001', securitySecretKey: 'agency-secret-key-value', securityToken: 'agency-security-token' };

function context(userData: Record<string, string>, agency: Partial<typeof AGENCY> & { authToken?: string } = AGENCY) {
  return new FunctionGraphContext({
    funcEnv: { RUNTIME_USERDATA: JSON.stringify(userData), RUNTIME_PROJECT_ID: RUNTIME_PROJECT, RUNTIME_TIMEOUT: '300' },
    ...agency,
  });
}

const configOf = (env: Record<string, string | undefined>) => loadConfig(env, normaliseEvent({}));

describe('FunctionGraph settings', () => {
  it('reads each variable from user data first, then from the process environment', () => {
    // Prepare
    const processEnv: Record<string, string> = { OS_REGION_NAME: 'eu-nl', DRS_BATCH_SIZE: '7', DRS_CONCURRENCY: '3' };
    const ctx = context({ OS_REGION_NAME: 'eu-de', DRS_BATCH_SIZE: ' ' });

    // Act
    const { env } = functionGraphSettings(ctx, (name) => processEnv[name]);
    const config = configOf(env);

    // Assess: a blank user-data value counts as unset
    expect([config.region, config.batchSize, config.concurrency]).toEqual(['eu-de', 7, 3]);
  });

  it('signs with the agency AK/SK and its security token when no OS_* credential is set', () => {
    // Act
    const settings = functionGraphSettings(context({ DRS_JOB_IDS: 'a-jb101' }), () => undefined);
    const config = configOf(settings.env);

    // Assess
    expect(settings.credentials).toBe('agency AK/SK + security token');
    expect(config.auth).toEqual({ kind: 'aksk', accessKey: AGENCY.securityAccessKey, secretKey: AGENCY.securitySecretKey, securityToken: AGENCY.securityToken });
    expect(config.projectId).toBe(RUNTIME_PROJECT);
  });

  it('falls back to the agency token when the context has no complete temporary key', () => {
    // Act
    const settings = functionGraphSettings(context({}, { securityAccessKey: 'AKONLY', authToken: 'MIIagency-token' }), () => undefined);

    // Assess
    expect(settings.credentials).toBe('agency token');
    expect(configOf(settings.env).auth).toEqual({ kind: 'token', token: 'MIIagency-token' });
  });

  it.each([
    ['user data', 'password', { OS_USERNAME: 'ops', OS_PASSWORD: 'pw-123456', OS_USER_DOMAIN_NAME: 'dom', OS_PROJECT_ID: OWN_PROJECT }, {}],
    ['the process environment', 'token', {}, { OS_AUTH_TOKEN: 'MIIown-token', OS_PROJECT_ID: OWN_PROJECT }],
  ])('leaves the agency alone when an OS_* credential is set in %s', (_where, kind, userData, processEnv: Record<string, string>) => {
    // Act
    const settings = functionGraphSettings(context(userData), (name) => processEnv[name]);
    const config = configOf(settings.env);

    // Assess
    expect(settings.credentials).toBe('settings');
    expect(config.auth.kind).toBe(kind);
    expect(config.projectId).toBe(OWN_PROJECT);
  });

  it('keeps a half-set OS_* credential an error instead of quietly using the agency', () => {
    const { env } = functionGraphSettings(context({ OS_ACCESS_KEY: 'AKWITHOUTSK' }), () => undefined);
    expect(() => configOf(env)).toThrow(/OS_SECRET_KEY/);
  });

  it('reports no credentials when there is neither a setting nor an agency', () => {
    const settings = functionGraphSettings(context({}, {}), () => undefined);
    expect(settings.credentials).toBe('none');
    expect(() => configOf(settings.env)).toThrow(/no credentials/);
  });
});

describe('layeredEnv', () => {
  it('is a read-only view that answers from the first source with a non-blank string', () => {
    // Prepare
    const env = layeredEnv((name) => ({ A: '', B: 42, C: 'first' })[name], (name) => ({ A: 'second', B: 'second' })[name]);

    // Act / Assess
    expect([env.A, env.B, env.C, env.D]).toEqual(['second', 'second', 'first', undefined]);
    expect(['A', 'D'].map((name) => name in env)).toEqual([true, false]);
    expect(() => {
      env.A = 'x';
    }).toThrow(TypeError);
  });
});
