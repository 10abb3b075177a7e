import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Report, ReportNotice } from '../lib/core/report.js';
import { renderSlackMessage, renderSmnMessage, renderTeamsMessage, SLACK_LIMITS, TEAMS_LIMITS } from '../lib/notify/index.js';
import { renderReportText } from '../lib/notify/reportText.js';
import { jobId, mixed, needingAttention, runFailed } from './fixtures/reports.js';

/** NOTIFY_ON=changes: how each rendering tells news from the daily reminder (`report.notice`). */

const withNotice = (report: Report, notice: ReportNotice): Report => ({ ...report, notice });
const news = (...ids: string[]): ReportNotice => ({ reason: 'new-problem', newJobIds: ids, reminderJobIds: [] });
const reminder = (...ids: string[]): ReportNotice => ({ reason: 'reminder', newJobIds: [], reminderJobIds: ids });

const slackHeader = (report: Report) => {
  const block = renderSlackMessage(report).blocks[0];
  return block?.type === 'header' ? block.text.text : '';
};
const slackSections = (report: Report) =>
  renderSlackMessage(report).blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
/** Job lines in order, as `[marked new, id]`. */
const slackJobs = (report: Report) =>
  slackSections(report).flatMap((text) => [...text.matchAll(/^• (:new: )?`([^`]+)`/gm)].map((m) => [m[1] !== undefined, m[2]]));

interface CardParser {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void };
  SerializationContext: new () => { eventCount: number };
}
const cards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as CardParser;
const teamsTexts = (report: Report) =>
  (renderTeamsMessage(report).attachments[0]?.content.body ?? []).flatMap((element) => (element.type === 'TextBlock' ? [element.text] : []));

describe('a new problem', () => {
  it('Slack: says how many are new in the header, what is news under it, and lists the new job first, marked', () => {
    // Prepare: 104 was told before; 103 (not found) is new
    const report = withNotice(mixed(), news(jobId(103)));

    // Act
    const header = slackHeader(report);
    const sections = slackSections(report);

    // Assess
    expect(header).toBe('DRS auto-retry (1 new): 12 retried, 1 retry failed, 2 need attention, 1 not found, 1 deferred, 2 skipped');
    expect(sections[0]).toBe('*1 new problem since the last message; 4 told before and still open*');
    expect(slackJobs(report)).toEqual([
      [true, jobId(103)], [false, jobId(101)], [false, jobId(104)], [false, jobId(102)], [false, jobId(100)],
    ]);
    expect(renderSlackMessage(report).text).toMatch(/^DRS auto-retry \(1 new\): /);
  });

  it('Slack and Teams: the news is shown even when the message is cut to fit', () => {
    // Prepare: 500 problems; the new one is the last of the report
    const report = withNotice(needingAttention(500), news(jobId(499)));

    // Act
    const slack = renderSlackMessage(report);
    const teams = renderTeamsMessage(report);

    // Assess
    expect(slackJobs(report)[0]).toEqual([true, jobId(499)]);
    expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(teamsTexts(report).find((text) => text.includes('**'))).toMatch(new RegExp(`^🆕 \\*\\*${jobId(499)}\\*\\* · needs attention · RELEASE_RESOURCE_FAILED · `));
    expect(Buffer.byteLength(JSON.stringify(teams))).toBeLessThanOrEqual(TEAMS_LIMITS.payloadBytes);
  });

  it('Teams: the same words, in a card that Adaptive Cards parses without a warning', () => {
    // Prepare
    const report = withNotice(mixed(), news(jobId(103), jobId(100)));

    // Act
    const texts = teamsTexts(report);
    const context = new cards.SerializationContext();
    new cards.AdaptiveCard().parse(renderTeamsMessage(report).attachments[0]?.content, context);

    // Assess
    expect(texts[0]).toMatch(/^DRS auto-retry \(2 new\): /);
    expect(texts[1]).toBe('2 new problems since the last message; 3 told before and still open');
    expect(texts.filter((text) => text.startsWith('🆕'))).toEqual([
      expect.stringContaining(`**${jobId(103)}** · not found`),
      expect.stringContaining(`**${jobId(100)}** · deferred`),
    ]);
    expect(context.eventCount).toBe(0);
  });

  it('SMN and the text report: the subject says it, the body names the new jobs and lists them first', () => {
    // Prepare
    const report = withNotice(mixed(), news(jobId(100)));

    // Act
    const smn = renderSmnMessage(report);
    const text = renderReportText(report);

    // Assess
    expect(smn.subject).toBe('DRS auto-retry (1 new): 12 retried, 1 retry failed, 2 need attention, 1 not found, 1 deferred, 2 skipped');
    expect(smn.message).toContain(`\n1 new problem since the last message; 4 told before and still open.\nNew: ${jobId(100)}\n`);
    const lines = text.split('\n');
    const firstRow = lines[lines.findIndex((line) => line.startsWith('Need a look')) + 2];
    expect(firstRow).toMatch(new RegExp(`^${jobId(100)} .*deferred`));
  });
});

describe('the daily reminder', () => {
  it('is named as such in every title, with the count of open problems', () => {
    // Prepare
    const report = withNotice(needingAttention(2), reminder(jobId(0), jobId(1)));

    // Act & Assess
    expect(slackHeader(report)).toBe('DRS auto-retry (daily reminder): 2 need attention');
    expect(slackSections(report)[0]).toBe('*Daily reminder: 2 problems still open*');
    expect(slackJobs(report).every(([isNew]) => isNew === false)).toBe(true);
    expect(teamsTexts(report).slice(0, 2)).toEqual(['DRS auto-retry (daily reminder): 2 need attention', 'Daily reminder: 2 problems still open']);
    expect(renderSmnMessage(report).subject).toBe('DRS auto-retry (daily reminder): 2 need attention');
    expect(renderReportText(report)).toContain('\nDaily reminder: 2 problems still open.\n');
  });

  it('that falls due with news is said beside it', () => {
    const report = withNotice(mixed(), { reason: 'new-problem', newJobIds: [jobId(103)], reminderJobIds: [jobId(101), jobId(104)] });
    expect(slackSections(report)[0]).toBe('*1 new problem since the last message; 2 problems still open (daily reminder)*');
  });
});

describe('a run error', () => {
  it('says the error, not "told before", for the jobs it could not look at', () => {
    const report = withNotice(runFailed(), { reason: 'run-error', newJobIds: [], reminderJobIds: [] });
    expect(slackHeader(report)).toBe('DRS auto-retry: run failed, 3 deferred');
    expect(slackSections(report)[0]).toMatch(/^:x: \*Run failed\*/);
  });
});

describe('without a notice (NOTIFY_ON other than changes)', () => {
  it('renders as before: no tag, no notice line, no marks', () => {
    expect(slackHeader(mixed())).toBe('DRS auto-retry: 12 retried, 1 retry failed, 2 need attention, 1 not found, 1 deferred, 2 skipped');
    expect(slackJobs(mixed()).some(([isNew]) => isNew)).toBe(false);
    expect(renderReportText(mixed())).not.toMatch(/new problem|reminder/);
  });
});
