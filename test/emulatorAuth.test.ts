import { describe, expect, it } from 'vitest';
import { canonicalUri, computeSignature } from './emulator/akskVerifier.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, startEmulator } from './emulator/index.js';
import { issueToken, post } from './emulator/testClient.js';
import {
  auth, drs, emulator, huaweiSigned, newId, OTHER_PROJECT, seed, TEMP_KEY, useSharedEmulator, type ErrorBody, type Results, type SmnBody,
} from './support/emulatorTestKit.js';

useSharedEmulator();

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

  it('the expire-tokens fault kills every token at the request that meets it, later ones too', async () => {
    // Prepare
    const old = await issueToken(emulator);
    emulator.faults.add({ route: 'batch-retry', kind: 'expire-tokens' });
    const status = (t: string) => post<ErrorBody>(drs('/batch-status'), { jobs: ['x'] }, { 'X-Auth-Token': t });
    // Act
    const before = await status(old);
    const hit = await post<ErrorBody>(drs('/batch-retry-task'), { jobs: [{ job_id: newId() }] }, { 'X-Auth-Token': old });
    const after = await status(old);
    const later = await status(await issueToken(emulator));
    emulator.faults.clear();
    const restored = await status(await issueToken(emulator));
    // Assess
    expect(before.status).toBe(200);
    expect([hit.status, hit.body.error_code]).toEqual([403, 'DRS.M00100']);
    expect([after.status, later.status]).toEqual([403, 403]);
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

  it('refuses an X-Security-Token that is sent but not signed, and logs which key and token came', async () => {
    // Prepare
    const url = drs('/batch-status');
    const body = { jobs: ['a'] };
    const securityToken = TEMP_KEY.securityToken ?? '';
    emulator.log.clear();
    // Act: the token added after signing, then signed with it
    const unsigned = await post<ErrorBody>(url, body, { ...huaweiSigned(url, body, TEMP_KEY), 'X-Security-Token': securityToken });
    const signed = await post(url, body, huaweiSigned(url, body, TEMP_KEY, { 'X-Security-Token': securityToken }));
    const byToken = await post(url, body, auth());
    // Assess
    expect([unsigned.status, unsigned.body]).toEqual([401, {
      error_code: 'APIG.0301',
      error_msg: 'Incorrect IAM authentication information: SignedHeaders must include x-security-token when it is sent',
    }]);
    expect([signed.status, byToken.status]).toEqual([200, 200]);
    expect(emulator.log.entries.map(({ auth: kind, accessKey, securityToken: sent }) => ({ kind, accessKey, sent }))).toEqual([
      { kind: 'aksk', accessKey: TEMP_KEY.ak, sent: securityToken },
      { kind: 'aksk', accessKey: TEMP_KEY.ak, sent: securityToken },
      { kind: 'token', accessKey: undefined, sent: undefined },
    ]);
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
