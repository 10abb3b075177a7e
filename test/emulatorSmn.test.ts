import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT } from './emulator/index.js';
import { post } from './emulator/testClient.js';
import { auth, emulator, huaweiSigned, OTHER_PROJECT, useSharedEmulator, type SmnBody } from './support/emulatorTestKit.js';

useSharedEmulator();

describe('SMN POST /v2/{project_id}/notifications/topics/{topic_urn}/publish', () => {
  const urn = `urn:smn:eu-de:${DEFAULT_PROJECT.id}:drs-report`;
  const publish = (body: unknown, topic = urn) =>
    post<SmnBody>(`${emulator.url}/v2/${DEFAULT_PROJECT.id}/notifications/topics/${topic}/publish`, body, auth());
  beforeAll(() => emulator.addTopic(urn));

  it('publishes to a known topic, raw or percent-encoded URN', async () => {
    // Act
    const reply = await publish({ subject: 'DRS report', message: 'All good', time_to_live: '3600' });
    const encoded = await publish({ message: 'again' }, encodeURIComponent(urn));
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), message_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(encoded.status).toBe(200);
    expect(emulator.publishedMessages().slice(-2)).toEqual([
      { projectId: DEFAULT_PROJECT.id, topicUrn: urn, subject: 'DRS report', message: 'All good', timeToLive: '3600', messageId: reply.body.message_id },
      { projectId: DEFAULT_PROJECT.id, topicUrn: urn, message: 'again', messageId: encoded.body.message_id },
    ]);
  });

  it('accepts a publish signed with AK/SK by Huawei’s signer (URN in the path)', async () => {
    // Prepare
    const url = `${emulator.url}/v2/${DEFAULT_PROJECT.id}/notifications/topics/${urn}/publish`;
    const body = { subject: 'signed', message: 'via AK/SK' };
    // Act
    const reply = await post<SmnBody>(url, JSON.stringify(body), huaweiSigned(url, body, DEFAULT_ACCESS_KEY));
    // Assess
    expect(reply.status).toBe(200);
    expect(emulator.publishedMessages().at(-1)?.message).toBe('via AK/SK');
  });

  it.each([
    ['an unknown topic', { message: 'x' }, `urn:smn:eu-de:${DEFAULT_PROJECT.id}:missing`, 404, 'SMN.0006'],
    ['another project’s topic', { message: 'x' }, `urn:smn:eu-de:${OTHER_PROJECT.id}:drs-report`, 404, 'SMN.0006'],
    ['a malformed URN', { message: 'x' }, 'not-a-urn', 400, 'SMN.0005'],
    ['a missing message', { subject: 'x' }, urn, 403, 'SMN.0009'],
    ['a message over 256 KB', { message: 'é'.repeat(131_073) }, urn, 403, 'SMN.0009'],
    ['a subject over 512 characters', { subject: 's'.repeat(513), message: 'x' }, urn, 403, 'SMN.0008'],
  ])('refuses %s', async (_case, body, topic, status, code) => {
    // Act
    const reply = await publish(body, topic);
    // Assess
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({ request_id: expect.any(String), code, message: expect.any(String) });
  });

  it('accepts the limits themselves: 256 KB message, 512-character subject', async () => {
    // Act
    const reply = await publish({ subject: 's'.repeat(512), message: 'm'.repeat(256 * 1024) });
    // Assess
    expect(reply.status).toBe(200);
  });
});
