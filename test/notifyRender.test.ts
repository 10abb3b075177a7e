import { createRequire } from 'node:module';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import {
  renderSlackMessage,
  renderSmnMessage,
  renderTeamsMessage,
  signWebhook,
  type SlackMessage,
  type TeamsMessage,
} from '../lib/notify/index.js';
import { allRetried, dryRun, hugeRunError, jobId, manyCauses, mixed, needingAttention, runFailed, withCauses } from './fixtures/reports.js';

// Limits as the services document them, written out here rather than read from the code under test.
const SLACK = { blocks: 50, header: 150, section: 3000, field: 2000, fields: 10, allBlockText: 13_000 };
const TEAMS_BYTES = 28 * 1024;
const SMN = { subject: 512, messageBytes: 256 * 1024 };

interface CardParser {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
}
// adaptivecards' lib/ is extensionless ESM that Node cannot load; its UMD build can be required.
const cards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as CardParser;

const fixtures: Array<[string, () => Report]> = [
  ['all retried', allRetried],
  ['mixed', mixed],
  ['500 jobs needing attention', () => needingAttention(500)],
  ['a run-level error', runFailed],
  ['a dry run', dryRun],
  ['a run error larger than every limit', hugeRunError],
  ['jobs failed for documented causes', withCauses],
  ['60 causes with the longest hints and docs', () => manyCauses(60)],
];

/** Every text of a Slack message with the limit that applies to it. */
function slackTexts(message: SlackMessage): Array<[text: string, max: number]> {
  return message.blocks.flatMap((block): Array<[string, number]> => {
    if (block.type === 'header') return [[block.text.text, SLACK.header]];
    if (block.type === 'section') {
      const text: Array<[string, number]> = block.text ? [[block.text.text, SLACK.section]] : [];
      return [...text, ...(block.fields ?? []).map((f): [string, number] => [f.text, SLACK.field])];
    }
    if (block.type === 'context') {
      return block.elements.flatMap((e): Array<[string, number]> => ('text' in e ? [[e.text, SLACK.section]] : []));
    }
    throw new Error(`unexpected block type ${block.type}`);
  });
}

function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK.blocks);
  for (const [text, max] of slackTexts(message)) {
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(max);
  }
  for (const block of message.blocks) {
    if (block.type === 'section') expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK.fields);
  }
  expect(slackTexts(message).reduce((sum, [text]) => sum + text.length, 0)).toBeLessThan(SLACK.allBlockText);
  expect(message.text.length).toBeGreaterThan(0);
}

/** The job lines of a Slack message, in order: `• \`<id>\` …`. */
const slackJobIds = (message: SlackMessage) =>
  slackTexts(message).flatMap(([text]) => [...text.matchAll(/^• `([^`]+)`/gm)].map((m) => m[1]));
const slackText = (message: SlackMessage) => slackTexts(message).map(([text]) => text).join('\n');

const cardOf = (message: TeamsMessage) => message.attachments[0]?.content;
const teamsJobIds = (message: TeamsMessage) =>
  (cardOf(message)?.body ?? []).flatMap((element) =>
    element.type === 'TextBlock' ? [...element.text.matchAll(/^\*\*([^*]+)\*\*/g)].map((m) => m[1]) : [],
  );
const teamsText = (message: TeamsMessage) => JSON.stringify(cardOf(message)?.body);

describe('renderSlackMessage', () => {
  it.each(fixtures)('stays within every Slack limit for %s', (_name, fixture) => {
    // Act
    const message = renderSlackMessage(fixture());

    // Assess
    expectWithinSlackLimits(message);
    expect(message.blocks[0]?.type).toBe('header');
    expect(message.blocks.at(-1)?.type).toBe('context');
  });

  it('says "all retried" at a glance and lists no job', () => {
    // Act
    const message = renderSlackMessage(allRetried());

    // Assess
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'DRS auto-retry: 12 retried' } });
    expect(message.text).toContain('DRS auto-retry: 12 retried');
    expect(slackText(message)).toContain('*Requested*\n12');
    expect(slackText(message)).not.toContain('need a look');
    expect(slackJobIds(message)).toEqual([]);
  });

  it('shows the counts, the jobs that need a person (most urgent first) and where the run was', () => {
    // Act
    const message = renderSlackMessage(mixed());

    // Assess
    const header = message.blocks[0]?.type === 'header' ? message.blocks[0].text.text : '';
    expect(header).toBe('DRS auto-retry: 12 retried, 1 retry failed, 2 need attention, 1 not found, 1 deferred, 2 skipped');
    expect(slackJobIds(message)).toEqual([jobId(101), jobId(104), jobId(102), jobId(103), jobId(100)]);
    const text = slackText(message);
    expect(text).toContain('*Needs attention*\n2');
    expect(text).toContain(`\`${jobId(102)}\` *retry failed* · FULL_TRANSFER_FAILED · DRS.M00304: The API can't be called`);
    // mrkdwn control characters from DRS are escaped, so they cannot form links or mentions.
    expect(text).toContain('&lt;quota exceeded&gt; &amp; rolled back');
    expect(text).not.toContain('<quota');
    expect(text).toContain('Region *eu-de* · Project *8c3e9f0a5b7d4e21a6f1c2d3b4e5f607* · Trigger *schedule*');
    expect(text).toContain('Run *0b7e3c1d-5a2f-4e8b-9c6d-1f2e3a4b5c6d*');
    expect(text).not.toContain('more jobs');
  });

  it('cuts 500 jobs to what Slack takes, and says exactly how many were left out', () => {
    // Act
    const message = renderSlackMessage(needingAttention(500));

    // Assess
    const shown = slackJobIds(message);
    expect(shown.length).toBeGreaterThan(20);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => jobId(i)));
    expect(slackText(message)).toContain(`… and ${500 - shown.length} more jobs`);
    expect(message.text).toContain('DRS auto-retry: 500 need attention');
  });

  it('puts a run-level error right under the header', () => {
    // Act
    const message = renderSlackMessage(runFailed());

    // Assess
    expect(message.blocks[0]).toMatchObject({ text: { text: 'DRS auto-retry: run failed, 3 deferred' } });
    const failure = /^:x: \*Run failed\* `AUTH_FAILED`: IAM token failed: HTTP 401/;
    expect(message.blocks[1]).toMatchObject({ type: 'section', text: { text: expect.stringMatching(failure) } });
  });

  it('marks a dry run in the header', () => {
    // Act
    const message = renderSlackMessage(dryRun());

    // Assess
    expect(message.blocks[0]).toMatchObject({ text: { text: 'DRS auto-retry (dry run): 3 would retry, 1 skipped' } });
    expect(slackJobIds(message)).toEqual([]);
  });
});

describe('renderTeamsMessage', () => {
  it.each(fixtures)('is a valid Adaptive Card 1.4 within 28 KB for %s', (_name, fixture) => {
    // Prepare
    const context = new cards.SerializationContext();

    // Act
    const message = renderTeamsMessage(fixture());
    new cards.AdaptiveCard().parse(cardOf(message), context);

    // Assess
    const problems = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
    expect(problems).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(message), 'utf8')).toBeLessThanOrEqual(TEAMS_BYTES);
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardOf(message)).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
  });

  it('carries the same content as the Slack message', () => {
    // Prepare
    const report = mixed();

    // Act
    const message = renderTeamsMessage(report);

    // Assess
    expect(teamsJobIds(message)).toEqual(slackJobIds(renderSlackMessage(report)));
    const text = teamsText(message);
    expect(text).toContain('DRS auto-retry: 12 retried, 1 retry failed, 2 need attention, 1 not found, 1 deferred, 2 skipped');
    expect(text).toContain('{"title":"Needs attention","value":"2"}');
    expect(text).toContain('CREATE_FAILED · DRS.M03034: Failed to create the replication instance <quota exceeded> & rolled back');
    expect(text).toContain('Region eu-de · Project 8c3e9f0a5b7d4e21a6f1c2d3b4e5f607 · Trigger schedule');
    expect(text).toContain('Run 0b7e3c1d-5a2f-4e8b-9c6d-1f2e3a4b5c6d');
  });

  it('cuts 500 jobs to 28 KB, and says exactly how many were left out', () => {
    // Act
    const message = renderTeamsMessage(needingAttention(500));

    // Assess
    const shown = teamsJobIds(message);
    expect(shown.length).toBeGreaterThan(50);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => jobId(i)));
    expect(teamsText(message)).toContain(`… and ${500 - shown.length} more jobs`);
    // One more job would not have fitted: the cut is at the limit, not far below it.
    expect(Buffer.byteLength(JSON.stringify(message), 'utf8')).toBeGreaterThan(TEAMS_BYTES - 400);
  });

  it('shows a run-level error in the attention colour', () => {
    // Act
    const body = cardOf(renderTeamsMessage(runFailed()))?.body ?? [];

    // Assess
    const failure = /^Run failed \(AUTH_FAILED\): IAM token failed/;
    expect(body[1]).toMatchObject({ type: 'TextBlock', color: 'Attention', text: expect.stringMatching(failure) });
  });
});

describe('renderSmnMessage', () => {
  it.each(fixtures)('keeps the subject to one line of ≤ 512 characters and the message ≤ 256 KB for %s', (_name, fixture) => {
    // Act
    const { subject, message } = renderSmnMessage(fixture());

    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
    expect([...subject].length).toBeLessThanOrEqual(SMN.subject);
    expect(subject).toMatch(/^DRS auto-retry/);
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(SMN.messageBytes);
  });

  it('is the plain-text report, every job of 500 included', () => {
    // Act
    const { subject, message } = renderSmnMessage(needingAttention(500));

    // Assess
    expect(subject).toBe('DRS auto-retry: 500 need attention');
    for (const i of [0, 250, 499]) expect(message).toContain(jobId(i));
    expect(message).not.toContain('more jobs');
  });

  it('lists the jobs most urgent first, as the chat messages do', () => {
    // Act
    const { message } = renderSmnMessage(mixed());

    // Assess
    const order = [101, 104, 102, 103, 100].map((n) => message.indexOf(jobId(n)));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('cuts 3000 jobs to 256 KB, and says exactly how many were left out', () => {
    // Act
    const { message } = renderSmnMessage(needingAttention(3000));

    // Assess
    const listed = [...message.matchAll(/^4c1e0d2a-\S+ .*needs_attention/gm)].length;
    expect(listed).toBeGreaterThan(500);
    expect(message).toContain(`… and ${3000 - listed} more jobs`);
    expect(Buffer.byteLength(message, 'utf8')).toBeGreaterThan(SMN.messageBytes - 1024);
  });

  it('cuts a message that is too long even without jobs, and says so', () => {
    // Act
    const { message } = renderSmnMessage(hugeRunError());

    // Assess
    expect(message).toMatch(/^DRS auto-retry — run failed, 1 deferred/);
    expect(message.trimEnd()).toMatch(/cut to fit SMN’s 256 KB message limit\)$/);
  });
});

describe('signWebhook', () => {
  const body = JSON.stringify(mixed());
  const now = Math.floor(Date.now() / 1000);

  it('signs a whsec_ secret so that the Standard Webhooks library verifies it', () => {
    // Prepare
    const secret = `whsec_${Buffer.from('a 24-byte signing key!!!').toString('base64')}`;

    // Act
    const headers = signWebhook(body, secret, 'msg_1', now);

    // Assess
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(/No matching signature/);
  });

  it('uses a secret without the whsec_ prefix as its raw UTF-8 bytes', () => {
    // Prepare
    const secret = 'plain secret, not base64 — ünïcödé';

    // Act
    const headers = signWebhook(body, secret, 'msg_2', now);

    // Assess
    expect(new Webhook(new TextEncoder().encode(secret), { format: 'raw' }).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });
});
