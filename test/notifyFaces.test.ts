import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { demoJobId, demoTopicUrn } from './emulator/demoProject.js';
import { startReceiver, type Answer, type Receiver } from './fixtures/receiver.js';
import { runCli as runBuiltCli } from './support/cli.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/** The sinks wired into the real CLI: what reaches them, and that a broken one changes nothing. */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const demo = demoJobId;

let receivers: Receiver[] = [];

async function receiver(answer: Answer): Promise<Receiver> {
  const started = await startReceiver(() => answer);
  receivers.push(started);
  return started;
}

const runCli = (args: string[], env: Record<string, string>) => runBuiltCli(args, { ...emulatorEnv(emulator), ...env });

useDemoEmulator();
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

describe('notification sinks through the CLI', () => {
  it('sends the report to every configured sink and records each result', async () => {
    // Prepare
    const webhook = await receiver({ status: 204 });
    const slack = await receiver({ status: 200, body: 'ok' });
    const teams = await receiver({ status: 202 });

    // Act
    const result = await runCli(['--job', demo('createFailed'), '--job', demo('fullTransferFailed')], {
      NOTIFY_WEBHOOK_URL: `${webhook.url}/hooks/drs`,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXXXXXX`,
      NOTIFY_TEAMS_WEBHOOK_URL: `${teams.url}/workflows/abc?sig=secret-sig`,
      NOTIFY_SMN_TOPIC_URN: demoTopicUrn(),
    });

    // Assess
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.notifications).toEqual([
      { sink: 'webhook', ok: true },
      { sink: 'slack', ok: true },
      { sink: 'teams', ok: true },
      { sink: 'smn', ok: true },
    ]);
    const [hook] = webhook.requests;
    const signed = new Webhook(SECRET).verify(hook?.body ?? '', hook?.headers as Record<string, string>) as Report;
    expect(signed.summary).toEqual(report.summary);
    expect(JSON.parse(slack.requests[0]?.body ?? '{}').text).toMatch(/1 retried, 1 needs attention/);
    expect(teams.requests).toHaveLength(1);
    expect(emulator.publishedMessages()).toEqual([expect.objectContaining({ subject: expect.stringMatching(/1 retried, 1 needs attention/) })]);
    // The task's name and scenario (from batch-detail) reach the JSON report and every sink.
    expect(report.jobs).toEqual([
      expect.objectContaining({ jobId: demo('createFailed'), name: 'DRS-analytics-migration', type: 'migration' }),
      expect.objectContaining({ jobId: demo('fullTransferFailed'), name: 'DRS-orders-migration', type: 'migration' }),
    ]);
    expect(Object.keys(report.jobs[0] ?? {}).slice(0, 4)).toEqual(['jobId', 'name', 'type', 'outcome']);
    expect(signed.jobs[0]).toMatchObject({ name: 'DRS-analytics-migration', type: 'migration' });
    expect(slack.requests[0]?.body).toContain('DRS-analytics-migration (migration)');
    expect(teams.requests[0]?.body).toContain('DRS-analytics-migration (migration)');
    expect(emulator.publishedMessages()[0]?.message).toMatch(/8e5a2b71-\S+\s+DRS-analytics-migration\s+migration\s+needs_attention/);
    const everything = [result.stdout, result.stderr, ...[webhook, slack, teams].flatMap((r) => r.requests.map((q) => q.body))];
    expect(leakedSecrets(everything, secretsInPlay(emulator, [SECRET, 'secret-sig', 'XXXXXXXX']))).toEqual([]);
  });

  it('does not notify a clean run under NOTIFY_ON=problems, and does under always', async () => {
    const webhook = await receiver({ status: 200, body: '{}' });
    const env = { NOTIFY_WEBHOOK_URL: webhook.url };
    const quiet = await runCli(['--job', demo('fullTransferFailed')], env);
    const loud = await runCli(['--job', demo('healthyIncre')], { ...env, NOTIFY_ON: 'always' });
    expect(JSON.parse(quiet.stdout).notifications).toEqual([]);
    expect(JSON.parse(loud.stdout).notifications).toEqual([{ sink: 'webhook', ok: true }]);
    expect(webhook.requests).toHaveLength(1);
  });

  it('keeps the exit status and outcomes when every sink fails', async () => {
    // Prepare
    const broken = await receiver({ status: 500 });

    // Act
    const result = await runCli(['--job', demo('fullTransferFailed')], {
      NOTIFY_ON: 'always',
      NOTIFY_WEBHOOK_URL: broken.url,
      NOTIFY_SMN_TOPIC_URN: demoTopicUrn().replace('drs-auto-retry-report', 'no-such-topic'),
    });

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.summary.retried).toBe(1);
    expect(report.notifications).toEqual([
      { sink: 'webhook', ok: false, error: expect.stringMatching(/HTTP 500 after 3 attempts/) },
      { sink: 'smn', ok: false, error: expect.stringMatching(/SMN\.0006/) },
    ]);
    expect(broken.requests).toHaveLength(3);
    expect(result.stderr).toMatch(/a notification sink failed/);
  });

  it('still reports the run that failed as a whole, with the SMN sink saying why it could not publish', async () => {
    const webhook = await receiver({ status: 200, body: 'ok' });
    const result = await runCli(['--job', demo('fullTransferFailed')], {
      OS_PASSWORD: 'not-the-password',
      NOTIFY_WEBHOOK_URL: webhook.url,
      NOTIFY_SMN_TOPIC_URN: demoTopicUrn(),
    });
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.notifications).toEqual([
      { sink: 'webhook', ok: true },
      { sink: 'smn', ok: false, error: expect.stringMatching(/IAM refused the password login/) },
    ]);
    expect(JSON.parse(webhook.requests[0]?.body ?? '{}').error.message).toMatch(/IAM refused/);
    expect(result.stdout + webhook.requests[0]?.body).not.toContain('not-the-password');
  });
});
