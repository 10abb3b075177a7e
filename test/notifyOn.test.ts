import { describe, expect, it } from 'vitest';
import type { NotifyOptions } from '../lib/notify/options.js';
import type { Report } from '../lib/core/report.js';
import { ApiError } from '../lib/errors.js';
import { createSinks, sendNotifications, shouldNotify, type Sink, type SinkName } from '../lib/notify/index.js';
import { allRetried, dryRun, mixed, runFailed } from './fixtures/reports.js';

/** A sink that records what it was sent and answers as told: plain functions, no mock framework. */
function fakeSink(name: SinkName, behaviour: () => Promise<void> = async () => {}) {
  const sent: Report[] = [];
  const sink: Sink = {
    name,
    send(report) {
      sent.push(report);
      return behaviour();
    },
  };
  return { sink, sent };
}

describe('NOTIFY_ON', () => {
  it.each<[NotifyOptions['on'], string, () => Report, boolean]>([
    ['always', 'all retried', allRetried, true],
    ['always', 'a dry run', dryRun, true],
    ['always', 'mixed', mixed, true],
    ['problems', 'all retried', allRetried, false],
    ['problems', 'a dry run', dryRun, false],
    ['problems', 'mixed', mixed, true],
    ['problems', 'a run-level error', runFailed, true],
    // Without a memory (no ledger) `changes` acts as `problems`; test/tellOnce.test.ts has it with one.
    ['changes', 'all retried', allRetried, false],
    ['changes', 'a dry run', dryRun, false],
    ['changes', 'mixed', mixed, true],
    ['changes', 'a run-level error', runFailed, true],
    ['never', 'mixed', mixed, false],
    ['never', 'a run-level error', runFailed, false],
  ])('%s, for %s: sends = %s', async (on, _name, fixture, expected) => {
    // Prepare
    const report = fixture();
    const { sink, sent } = fakeSink('webhook');

    // Act
    const results = await sendNotifications(report, [sink], on);

    // Assess
    expect(shouldNotify(report, on)).toBe(expected);
    expect(sent).toHaveLength(expected ? 1 : 0);
    expect(results).toEqual(expected ? [{ sink: 'webhook', ok: true }] : []);
  });
});

describe('sendNotifications', () => {
  it('never throws, whatever a sink does, and keeps the sink order', async () => {
    // Prepare
    const sinks = [
      fakeSink('webhook', async () => {
        throw new ApiError('webhook POST failed after 3 attempts: HTTP 503', { operation: 'webhook POST', status: 503, attempts: 3 });
      }).sink,
      { name: 'slack', send: () => { throw new TypeError('a bug in a renderer'); } } satisfies Sink,
      fakeSink('teams', () => Promise.reject('not even an Error')).sink,
      fakeSink('smn').sink,
    ];

    // Act
    const results = await sendNotifications(mixed(), sinks, 'always');

    // Assess
    expect(results).toEqual([
      { sink: 'webhook', ok: false, error: 'HTTP 503 after 3 attempts' },
      { sink: 'slack', ok: false, error: 'unexpected TypeError' },
      { sink: 'teams', ok: false, error: 'unexpected error' },
      { sink: 'smn', ok: true },
    ]);
  });

  it('leaves the report as it was: the sinks see it without their own results', async () => {
    // Prepare
    const report = mixed();
    const before = JSON.stringify(report);

    // Act
    await sendNotifications(report, [fakeSink('webhook', () => Promise.reject(new Error('x'))).sink], 'always');

    // Assess
    expect(JSON.stringify(report)).toBe(before);
  });

  it('returns [] when no sink is configured', async () => {
    // Act
    const results = await sendNotifications(runFailed(), [], 'always');

    // Assess
    expect(results).toEqual([]);
  });
});

describe('createSinks', () => {
  it('builds one sink per configured target, in the order webhook, Slack, Teams, SMN', async () => {
    // Act
    const all = await createSinks({
      on: 'problems',
      smnTopicUrn: 'urn:smn:eu-de:8c3e9f0a5b7d4e21a6f1c2d3b4e5f607:alerts',
      teamsWebhookUrl: 'https://example.invalid/teams',
      slackWebhookUrl: 'https://example.invalid/slack',
      webhookUrl: 'https://example.invalid/hook',
    });
    const some = await createSinks({ on: 'always', slackWebhookUrl: 'https://example.invalid/slack' });
    const none = await createSinks({ on: 'always' });

    // Assess
    expect(all.map((sink) => sink.name)).toEqual(['webhook', 'slack', 'teams', 'smn']);
    expect(some.map((sink) => sink.name)).toEqual(['slack']);
    expect(none).toEqual([]);
  });

  it('rejects a timeout that is not a positive integer, naming the option', async () => {
    // Act
    const build = createSinks({ on: 'always', webhookUrl: 'https://example.invalid/hook' }, { timeoutMs: 0 });

    // Assess
    await expect(build).rejects.toThrow('Expected `timeoutMs` to be an integer from 1 and up, got 0');
  });
});
