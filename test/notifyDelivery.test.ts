import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AkSkAuthorizer } from '../lib/auth/akskSigner.js';
import type { NotifyOptions } from '../lib/notify/options.js';
import { type RequestAuthorizer } from '../lib/http/httpClient.js';
import {
  createSinks,
  renderSlackMessage,
  renderSmnMessage,
  renderTeamsMessage,
  sendNotifications,
  type SinkDependencies,
} from '../lib/notify/index.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, startEmulator, type Emulator } from './emulator/index.js';
import { emulatorTokenProvider } from './support/emulatorEnv.js';
import { mixed } from './fixtures/reports.js';
import { startReceiver, type Answer, type Receiver } from './fixtures/receiver.js';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const TOPIC = `urn:smn:eu-de:${DEFAULT_PROJECT.id}:drs-auto-retry`;
// Short waits keep the suite fast; the bounds are the same code paths as the defaults.
const FAST: SinkDependencies = { timeoutMs: 1_000, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 2_000 } };

let emulator: Emulator;
const receivers: Receiver[] = [];

async function receiver(answer: (hit: number) => Answer): Promise<Receiver> {
  const started = await startReceiver((_request, hit) => answer(hit));
  receivers.push(started);
  return started;
}

const settings = (extra: Partial<NotifyOptions>): NotifyOptions => ({ on: 'always', ...extra });
const iamToken = () =>
  emulatorTokenProvider(emulator);

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.addTopic(TOPIC);
});
afterAll(() => emulator.close());
afterEach(async () => {
  emulator.faults.clear();
  emulator.log.clear();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('webhook, Slack and Teams against a real receiver', () => {
  it('posts the report as JSON, signed so that a Standard Webhooks receiver verifies it', async () => {
    // Prepare
    const hook = await receiver(() => ({ status: 204 }));
    const report = mixed();
    const sinks = await createSinks(settings({ webhookUrl: `${hook.url}/hooks/drs`, webhookSecret: SECRET }), FAST);

    // Act
    const results = await sendNotifications(report, sinks, 'always');

    // Assess
    expect(results).toEqual([{ sink: 'webhook', ok: true }]);
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    expect(request?.path).toBe('/hooks/drs');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
    const header = (name: string) => String(request?.headers[name]);
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, header(name)]));
    expect(new Webhook(SECRET).verify(request?.body ?? '', headers)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('sends no signature headers without a secret', async () => {
    // Prepare
    const hook = await receiver(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"received":true}' }));

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ webhookUrl: hook.url }), FAST), 'always');

    // Assess
    expect(results).toEqual([{ sink: 'webhook', ok: true }]);
    expect(Object.keys(hook.requests[0]?.headers ?? {}).filter((name) => name.startsWith('webhook-'))).toEqual([]);
  });

  it('takes Slack\'s plain-text "ok" and Teams\' empty 202 as delivered, without posting twice', async () => {
    // Prepare
    const slack = await receiver(() => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }));
    const teams = await receiver(() => ({ status: 202 }));
    const report = mixed();
    const urls = { slackWebhookUrl: `${slack.url}/services/T0/B0/x`, teamsWebhookUrl: `${teams.url}/workflows/1?sig=x` };
    const sinks = await createSinks(settings(urls), FAST);

    // Act
    const results = await sendNotifications(report, sinks, 'always');

    // Assess
    expect(results).toEqual([{ sink: 'slack', ok: true }, { sink: 'teams', ok: true }]);
    expect(slack.requests).toHaveLength(1);
    expect(teams.requests).toHaveLength(1);
    expect(JSON.parse(slack.requests[0]?.body ?? '')).toEqual(renderSlackMessage(report));
    expect(JSON.parse(teams.requests[0]?.body ?? '')).toEqual(renderTeamsMessage(report));
    expect(teams.requests[0]?.path).toBe('/workflows/1?sig=x');
  });

  it('retries a 500 within its bound, then records the sink as failed', async () => {
    // Prepare
    const hook = await receiver(() => ({ status: 500, body: 'internal error' }));

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ slackWebhookUrl: hook.url }), FAST), 'always');

    // Assess
    expect(hook.requests).toHaveLength(3);
    expect(results).toEqual([{ sink: 'slack', ok: false, error: 'HTTP 500 after 3 attempts' }]);
  });

  it('gives a receiver that hangs its timeout per attempt, then records it as timed out', async () => {
    // Prepare
    const hook = await receiver(() => 'hang');
    const started = Date.now();

    // Act
    const sinks = await createSinks(settings({ teamsWebhookUrl: hook.url }), { ...FAST, timeoutMs: 300 });
    const results = await sendNotifications(mixed(), sinks, 'always');

    // Assess
    expect(hook.requests).toHaveLength(3);
    expect(results).toEqual([{ sink: 'teams', ok: false, error: 'timed out after 3 attempts' }]);
    expect(Date.now() - started).toBeLessThan(3 * 300 + 2 * 40 + 1_000);
  });

  it('honours Retry-After on a 429, and delivers once the receiver takes it', async () => {
    // Prepare
    const hook = await receiver((hit) => (hit === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, body: 'ok' }));

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ slackWebhookUrl: hook.url }), FAST), 'always');

    // Assess
    expect(results).toEqual([{ sink: 'slack', ok: true }]);
    expect(hook.requests).toHaveLength(2);
    expect((hook.requests[1]?.at ?? 0) - (hook.requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('stops after its bound when every answer is 429, whatever Retry-After asks for', async () => {
    // Prepare
    const hook = await receiver(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const started = Date.now();

    // Act
    const sinks = await createSinks(settings({ webhookUrl: hook.url }), { ...FAST, retry: { maxAttempts: 3, maxDelayMs: 300 } });
    const results = await sendNotifications(mixed(), sinks, 'always');

    // Assess
    expect(hook.requests).toHaveLength(3);
    expect(results).toEqual([{ sink: 'webhook', ok: false, error: 'HTTP 429 after 3 attempts' }]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not retry an answer that will not change (400)', async () => {
    // Prepare
    const hook = await receiver(() => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid_blocks' }));

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ slackWebhookUrl: hook.url }), FAST), 'always');

    // Assess
    expect(hook.requests).toHaveLength(1);
    expect(results).toEqual([{ sink: 'slack', ok: false, error: 'HTTP 400' }]);
  });

  it('records a refused connection', async () => {
    // Prepare
    const closed = await startReceiver(() => ({ status: 200 }));
    await closed.close();

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ webhookUrl: closed.url }), FAST), 'always');

    // Assess
    expect(results).toEqual([{ sink: 'webhook', ok: false, error: 'no answer (ECONNREFUSED) after 3 attempts' }]);
  });

  it('sends to all sinks at once, not one after the other', async () => {
    // Prepare
    const hooks = await Promise.all([receiver(() => 'hang'), receiver(() => 'hang'), receiver(() => 'hang')]);
    const [webhookUrl, slackWebhookUrl, teamsWebhookUrl] = hooks.map((h) => h.url);
    const sinks = await createSinks(settings({ webhookUrl, slackWebhookUrl, teamsWebhookUrl }), { timeoutMs: 600, retry: { maxAttempts: 1 } });
    const started = Date.now();

    // Act
    const results = await sendNotifications(mixed(), sinks, 'always');

    // Assess
    expect(results.map((r) => [r.sink, r.ok, r.error])).toEqual([
      ['webhook', false, 'timed out'],
      ['slack', false, 'timed out'],
      ['teams', false, 'timed out'],
    ]);
    const arrivals = hooks.map((h) => h.requests[0]?.at ?? Number.NaN);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(300);
    expect(Date.now() - started).toBeLessThan(2 * 600);
  });
});

describe('SMN against the emulator', () => {
  const smnDeps = (authorizer: RequestAuthorizer): SinkDependencies => ({
    ...FAST,
    smn: { authorizer, endpoint: emulator.url, projectId: DEFAULT_PROJECT.id },
  });

  it('publishes the subject and plain-text report to the topic with an IAM token', async () => {
    // Prepare
    const report = mixed();

    // Act
    const results = await sendNotifications(report, await createSinks(settings({ smnTopicUrn: TOPIC }), smnDeps(iamToken())), 'always');

    // Assess
    expect(results).toEqual([{ sink: 'smn', ok: true }]);
    const expected = renderSmnMessage(report);
    expect(emulator.publishedMessages()).toEqual([
      expect.objectContaining({ topicUrn: TOPIC, projectId: DEFAULT_PROJECT.id, subject: expected.subject, message: expected.message }),
    ]);
    expect(emulator.log.byRoute('smn').map((entry) => entry.auth)).toEqual(['token']);
  });

  it('publishes with AK/SK signing, the same way DRS is called', async () => {
    // Prepare
    const before = emulator.publishedMessages().length;
    const authorizer = new AkSkAuthorizer({ accessKey: DEFAULT_ACCESS_KEY.ak, secretKey: DEFAULT_ACCESS_KEY.sk }, DEFAULT_PROJECT.id);

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ smnTopicUrn: TOPIC }), smnDeps(authorizer)), 'always');

    // Assess
    expect(results).toEqual([{ sink: 'smn', ok: true }]);
    expect(emulator.publishedMessages()).toHaveLength(before + 1);
    expect(emulator.log.byRoute('smn').map((entry) => [entry.auth, entry.status])).toEqual([['aksk', 200]]);
  });

  it('reports SMN.0006 for a topic that does not exist, without retrying it', async () => {
    // Prepare
    const missing = `urn:smn:eu-de:${DEFAULT_PROJECT.id}:no-such-topic`;

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ smnTopicUrn: missing }), smnDeps(iamToken())), 'always');

    // Assess
    expect(results).toEqual([{ sink: 'smn', ok: false, error: 'SMN.0006 Topic not found.' }]);
    expect(emulator.log.byRoute('smn')).toHaveLength(1);
  });

  it('retries SMN 5xx answers within its bound, then reports SMN\'s own code', async () => {
    // Prepare
    emulator.faults.add({ route: 'smn', kind: 'server-error', times: Infinity });

    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ smnTopicUrn: TOPIC }), smnDeps(iamToken())), 'always');

    // Assess
    expect(results).toEqual([{ sink: 'smn', ok: false, error: 'SMN.0018 Service internal error. after 3 attempts' }]);
    expect(emulator.log.byRoute('smn')).toHaveLength(3);
  });

  it('reports a clear error, and sends nothing, when the run never got credentials', async () => {
    // Act
    const results = await sendNotifications(mixed(), await createSinks(settings({ smnTopicUrn: TOPIC }), FAST), 'always');

    // Assess
    const error = 'not sent: the run ended before it had OTC credentials to publish with';
    expect(results).toEqual([{ sink: 'smn', ok: false, error }]);
    expect(emulator.log.byRoute('smn')).toHaveLength(0);
  });
});
