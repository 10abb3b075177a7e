import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AkSkAuthorizer, formatSdkDate, signRequest } from '../lib/auth/akskSigner.js';

const require = createRequire(import.meta.url);
// Huawei's own signer, the oracle: our headers must match it byte for byte.
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as {
  AKSKSigner: {
    sign(
      request: { method: string; endpoint: string; headers: Record<string, string>; data?: unknown; queryParams?: Record<string, string> },
      credential: { getAk(): string; getSk(): string },
    ): Record<string, string>;
  };
};

const OFFICIAL = {
  ak: 'QTWAOYTTINDUT2QVKYUC',
  sk: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
  url: 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
  date: Date.UTC(2019, 10, 15, 3, 36, 55),
  signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
};

const lowerKeys = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

describe('AK/SK signing (SDK-HMAC-SHA256)', () => {
  it('matches the official test vector', () => {
    // Prepare
    const request = { method: 'GET', url: new URL(OFFICIAL.url), headers: { 'content-type': 'application/json' }, body: '' };

    // Act
    const headers = signRequest(request, { accessKey: OFFICIAL.ak, secretKey: OFFICIAL.sk }, OFFICIAL.date);

    // Assess
    expect(headers['X-Sdk-Date']).toBe('20191115T033655Z');
    expect(headers.Authorization).toBe(
      `SDK-HMAC-SHA256 Access=${OFFICIAL.ak}, SignedHeaders=content-type;host;x-sdk-date, Signature=${OFFICIAL.signature}`,
    );
  });

  it('formats X-Sdk-Date as basic ISO 8601 UTC', () => {
    expect(formatSdkDate(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('20260102T030405Z');
  });

  it.each([
    ['batch-retry-task', '/v3/0123456789abcdef0123456789abcdef/jobs/batch-retry-task', { jobs: [{ job_id: '140b5236-88ad-43c8-811c-1268453jb101' }] }],
    ['batch-status on a non-default port', '/v3/0123456789abcdef0123456789abcdef/jobs/batch-status', { jobs: ['a-jb101', 'b-jb101'], page_req: { cur_page: 1, per_page: 100 } }],
    ['SMN publish with a URN in the path', '/v2/0123456789abcdef0123456789abcdef/notifications/topics/urn:smn:eu-de:0123456789abcdef0123456789abcdef:drs-alerts/publish', { subject: 'DRS auto-retry: 2 retried', message: 'ünïcode ✓ "quoted"' }],
  ])('gives headers byte-identical to Huawei AKSKSigner for a %s POST with a JSON body', async (_name, path, data) => {
    // Prepare
    const origin = path.includes('batch-status') ? 'https://drs.eu-de.otc.t-systems.com:8443' : 'https://drs.eu-de.otc.t-systems.com';
    const projectId = '0123456789abcdef0123456789abcdef';
    const key = { accessKey: 'AKIDEXAMPLE0DRSRETRY', secretKey: 'sK3xAmpleSecretKeyForTheSignerOracle0000', securityToken: 'temporary-security-token-value' };
    const now = Date.UTC(2026, 10, 27, 8, 15, 0);
    const body = JSON.stringify(data);
    const authorizer = new AkSkAuthorizer(key, projectId, () => now);

    // Act
    const ours = await authorizer.authorize({
      method: 'POST',
      url: new URL(origin + path),
      headers: { 'content-type': 'application/json' },
      body,
    });
    const theirs = AKSKSigner.sign(
      {
        method: 'POST',
        endpoint: origin + path,
        headers: {
          'content-type': 'application/json',
          'X-Project-Id': projectId,
          'X-Security-Token': key.securityToken,
          'X-Sdk-Date': formatSdkDate(now),
        },
        data,
        queryParams: {},
      },
      { getAk: () => key.accessKey, getSk: () => key.secretKey },
    );

    // Assess: same headers (ours plus the content-type and host the HTTP stack sends)
    const sent = lowerKeys({ ...ours, 'content-type': 'application/json', host: new URL(origin).host });
    expect(sent).toEqual(lowerKeys(theirs));
    expect(ours.Authorization).toMatch(/SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,/);
  });

  it('changes the signature when the body changes', () => {
    const base = { method: 'POST', url: new URL('https://drs.example.com/v3/p/jobs'), headers: { 'content-type': 'application/json' } };
    const key = { accessKey: 'AK', secretKey: 'SK' };
    const a = signRequest({ ...base, body: '{"jobs":["a"]}' }, key, 0).Authorization;
    const b = signRequest({ ...base, body: '{"jobs":["b"]}' }, key, 0).Authorization;
    expect(a).not.toBe(b);
  });

  it('never puts the secret key into a header', async () => {
    const key = { accessKey: 'AKVISIBLE', secretKey: 'THE-SECRET-KEY-1234567890' };
    const headers = await new AkSkAuthorizer(key, 'p').authorize({
      method: 'POST',
      url: new URL('https://drs.example.com/v3/p/jobs'),
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(JSON.stringify(headers)).not.toContain(key.secretKey);
  });
});
