import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AkSkAuthorizer } from '../lib/auth/akskSigner.js';
import { StaticTokenAuthorizer } from '../lib/auth/staticToken.js';
import type { NotifyOptions } from '../lib/notify/options.js';
import type { NotificationResult } from '../lib/core/report.js';
import { type RequestAuthorizer } from '../lib/http/httpClient.js';
import { createSinks, renderSlackMessage, renderSmnMessage, renderTeamsMessage, sendNotifications } from '../lib/notify/index.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, DEFAULT_USER, startEmulator, type Emulator } from './emulator/index.js';
import { mixed, runFailed } from './fixtures/reports.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './fixtures/receiver.js';
import { emulatorTokenProvider, leakedSecrets } from './support/emulatorEnv.js';

const SIGNING_KEY = 'sup3r-s3cret-signing-key-0001!!';
const WEBHOOK_SECRET = `whsec_${Buffer.from(SIGNING_KEY).toString('base64')}`;
const SLACK_PATH_SECRET = 'SlackPathSecret123456';
const TEAMS_SIG_SECRET = 'TeamsQuerySecret987654';
const REFUSED_TOKEN = 'MIIrefusedTokenThatLooksReal0123456789';
const TOPIC = `urn:smn:eu-de:${DEFAULT_PROJECT.id}:drs-auto-retry`;

let emulator: Emulator;
const receivers: Receiver[] = [];

/** Starts webhook, Slack and Teams receivers that answer `status`; a failing one echoes what it got. */
async function receiversAnswering(status: number) {
  const echo = (request: ReceivedRequest) => JSON.stringify({ path: request.path, headers: request.headers });
  const answer = (request: ReceivedRequest) => ({ status, body: status < 300 ? '' : echo(request) });
  const started = await Promise.all([0, 1, 2].map(() => startReceiver(answer)));
  receivers.push(...started);
  const [hook, slack, teams] = started.map((r) => r.url);
  const settings: NotifyOptions = {
    on: 'always',
    webhookUrl: `${hook}/hooks/drs`,
    webhookSecret: WEBHOOK_SECRET,
    slackWebhookUrl: `${slack}/services/T0SECRET1/B0SECRET2/${SLACK_PATH_SECRET}`,
    teamsWebhookUrl: `${teams}/workflows/abc/triggers/manual/paths/invoke?sig=${TEAMS_SIG_SECRET}`,
    smnTopicUrn: TOPIC,
  };
  return { settings, received: () => started.flatMap((r) => r.requests) };
}

const smnWith = (authorizer: RequestAuthorizer) => ({
  timeoutMs: 1_000,
  retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
  smn: { authorizer, endpoint: emulator.url, projectId: DEFAULT_PROJECT.id },
});

/** The password login DRS would use: IAM issues a token, which SMN then gets. */
const passwordAuthorizer = () =>
  emulatorTokenProvider(emulator);

/** Everything a receiver got, but the one header that is meant to be derived from the secret. */
const visibleToReceivers = (requests: ReceivedRequest[]) =>
  requests.map((request) => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'webhook-signature'));
    return `${JSON.stringify(headers)}\n${request.body}`;
  });

function allSecrets(): string[] {
  return [
    WEBHOOK_SECRET,
    WEBHOOK_SECRET.slice('whsec_'.length),
    SIGNING_KEY,
    SLACK_PATH_SECRET,
    TEAMS_SIG_SECRET,
    REFUSED_TOKEN,
    DEFAULT_USER.password,
    DEFAULT_ACCESS_KEY.sk,
    ...emulator.issuedTokens(),
  ];
}

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.addTopic(TOPIC);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await emulator.close();
});

describe('secrets', () => {
  it('appear in no rendered message', () => {
    // Prepare
    const reports = [mixed(), runFailed()];

    // Act
    const renderers = [renderSlackMessage, renderTeamsMessage, renderSmnMessage];
    const rendered = reports.flatMap((report) => renderers.map((render) => JSON.stringify(render(report))));

    // Assess
    expect(leakedSecrets(rendered, allSecrets())).toEqual([]);
  });

  it('reach no receiver and no result when every sink succeeds (password, then AK/SK credentials)', async () => {
    // Prepare
    const { settings, received } = await receiversAnswering(200);
    const password = passwordAuthorizer();
    const aksk = new AkSkAuthorizer({ accessKey: DEFAULT_ACCESS_KEY.ak, secretKey: DEFAULT_ACCESS_KEY.sk }, DEFAULT_PROJECT.id);

    // Act
    const results: NotificationResult[] = [];
    for (const authorizer of [password, aksk]) {
      results.push(...(await sendNotifications(mixed(), await createSinks(settings, smnWith(authorizer)), 'always')));
    }

    // Assess
    expect(results.every((r) => r.ok)).toBe(true);
    expect(emulator.issuedTokens().length).toBeGreaterThan(0);
    expect(received().some((r) => r.headers['webhook-signature'] !== undefined)).toBe(true);
    const published = emulator.publishedMessages().map((m) => JSON.stringify(m));
    expect(leakedSecrets([...visibleToReceivers(received()), ...published, JSON.stringify(results)], allSecrets())).toEqual([]);
  });

  it('reach no result when every sink fails, even with receivers that echo the request back', async () => {
    // Prepare
    const { settings, received } = await receiversAnswering(500);
    const missingTopic = { ...settings, smnTopicUrn: `urn:smn:eu-de:${DEFAULT_PROJECT.id}:missing` };

    // Act
    const refused = await sendNotifications(runFailed(), await createSinks(settings, smnWith(new StaticTokenAuthorizer(REFUSED_TOKEN))), 'always');
    const notFound = await sendNotifications(runFailed(), await createSinks(missingTopic, smnWith(passwordAuthorizer())), 'always');

    // Assess
    expect([...refused, ...notFound].every((r) => !r.ok && r.error !== undefined)).toBe(true);
    expect(refused.find((r) => r.sink === 'smn')?.error).toMatch(/^APIG\.1002 /);
    expect(notFound.find((r) => r.sink === 'smn')?.error).toBe('SMN.0006 Topic not found.');
    const everything = [JSON.stringify(refused), JSON.stringify(notFound), ...visibleToReceivers(received())];
    expect(leakedSecrets(everything, allSecrets())).toEqual([]);
    // The URLs themselves (host and path) are not in any result either.
    expect(JSON.stringify([...refused, ...notFound])).not.toMatch(/127\.0\.0\.1|\/services\/|\/workflows\//);
  });
});
