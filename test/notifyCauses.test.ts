import { describe, expect, it } from 'vitest';
import { DEFAULT_CAUSE_RULES, docOf } from '../lib/core/failureCauses.js';
import { MAX_CHAT_CAUSES } from '../lib/notify/chatMessage.js';
import { renderSlackMessage, renderSmnMessage, renderTeamsMessage, type SlackMessage } from '../lib/notify/index.js';
import { renderReportText } from '../lib/notify/reportText.js';
import { dryRun, jobId, manyCauses, withCauses } from './fixtures/reports.js';

/**
 * What a person does, in every rendering (README "Why did it fail?"): the hint of each cause that
 * needs a person, once per cause with its number of tasks, and the doc where the medium links.
 */
const rule = (id: string) => {
  const found = DEFAULT_CAUSE_RULES.find((each) => each.id === id);
  if (!found) throw new TypeError(`no default rule ${id}`);
  return { ...found, doc: docOf(found) ?? '' };
};
const diskFull = rule('disk-full');
const duplicateKey = rule('duplicate-key');
const linkFailure = rule('link-failure');

const slackText = (message: SlackMessage) =>
  message.blocks.map((block) => (block.type === 'section' ? (block.text?.text ?? '') : '')).join('\n');
const teamsTexts = (report = withCauses()) =>
  (renderTeamsMessage(report).attachments[0]?.content.body ?? []).flatMap((element) => (element.type === 'TextBlock' ? [element.text] : []));

describe('the text report', () => {
  it('says what a person does, grouped by cause, with the count, the tasks and the doc, before the tables', () => {
    // Act
    const text = renderReportText(withCauses());

    // Assess
    const section = text.slice(text.indexOf('What a person does (by failure cause):'), text.indexOf('Need a look'));
    expect(section.split('\n').filter((line) => /^ {2}\d+ tasks? — /.test(line))).toEqual([
      `  2 tasks — disk-full: ${diskFull.hint}`,
      `  1 task — duplicate-key: ${duplicateKey.hint}`,
      `  1 task — link-failure: ${linkFailure.hint}`,
    ]);
    expect(section).toContain('    DRS-logs-migration, DRS-orders-migration\n');
    expect(section).toContain(`    ${diskFull.doc}\n`);
    expect(section).toContain(`    ${duplicateKey.doc}\n`);
    // The unknown cause of a CREATE_FAILED task is no advice: its own line says what to do.
    expect(section).not.toContain('unknown');
    expect(text.indexOf('requested')).toBeLessThan(text.indexOf('What a person does'));
  });

  it('shows the rule that matched each task, in a dry run too', () => {
    // Act
    const text = renderReportText(withCauses(), { show: 'all' });

    // Assess
    expect(text).toMatch(/JOB\s+NAME\s+TYPE\s+OUTCOME\s+STATUS\s+CODE\s+CAUSE\s+DETAIL/);
    expect(text).toMatch(new RegExp(`${jobId(2)}\\s+DRS-order-items-migration\\s+-\\s+needs_attention\\s+INCRE_TRANSFER_FAILED\\s+-\\s+duplicate-key\\s+failure cause duplicate-key needs a person`));
    expect(text).toMatch(new RegExp(`${jobId(6)}\\s+DRS-crm-migration\\s+-\\s+retried\\s+INCRE_TRANSFER_FAILED\\s+-\\s+lock-wait\\s+DRS: service INCREMENT failed`));
    // The status settled CREATE_FAILED and no rule knew its text: no cause (nothing is resumed).
    expect(text).toMatch(new RegExp(`${jobId(5)}\\s+DRS-analytics-migration\\s+-\\s+needs_attention\\s+CREATE_FAILED\\s+-\\s+-\\s+CREATE_FAILED must never`));
    expect(renderReportText(dryRun())).not.toContain('What a person does');
  });

  it('lists at most maxCauses causes, and counts the rest', () => {
    const text = renderReportText(manyCauses(7), { maxCauses: 5 });
    expect(text.match(/^ {2}1 task — rule-/gm)).toHaveLength(5);
    expect(text).toContain('  … and 2 more causes');
  });
});

describe('Slack', () => {
  it('says each cause once with its hint, its tasks and a link to the doc, before the jobs', () => {
    // Act
    const text = slackText(renderSlackMessage(withCauses()));

    // Assess
    expect(text).toContain('*What a person does (by failure cause)*');
    const escapedHint = diskFull.hint.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(text).toContain(`• *2 tasks — disk-full*: ${escapedHint} _DRS-logs-migration, DRS-orders-migration_ <${diskFull.doc}|Docs>`);
    expect(text).toContain(`• *1 task — duplicate-key*: `);
    expect(text.indexOf('What a person does')).toBeLessThan(text.indexOf('Jobs that need a look'));
    // Each job line names its cause.
    expect(text).toContain(`\`${jobId(2)}\` *needs attention* · DRS-order-items-migration · INCRE_TRANSFER_FAILED · cause duplicate-key · failure cause`);
  });

  it('keeps a link intact whatever the operator wrote in it, and escapes the hint', () => {
    // Act
    const text = slackText(renderSlackMessage(manyCauses(1)));

    // Assess
    expect(text).toMatch(/<https:\/\/wiki\.example\.com\/runbooks\/drs\/p+\/0\?a=1&amp;b=\(2\)%7Cx\|Docs>/);
    expect(text).toContain('Do this | and &lt;that&gt; &amp; more.');
  });

  it(`lists at most ${MAX_CHAT_CAUSES} causes, then counts the rest, and still shows jobs`, () => {
    // Act
    const text = slackText(renderSlackMessage(manyCauses(60)));

    // Assess
    const listed = text.match(/^• \*1 task — rule-/gm)?.length ?? 0;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThanOrEqual(MAX_CHAT_CAUSES);
    expect(text).toContain(`_… and ${60 - listed} more causes_`);
    expect(text).toMatch(/more jobs/);
  });
});

describe('Teams', () => {
  it('says each cause once with its hint and a markdown link to the doc', () => {
    // Act
    const texts = teamsTexts();

    // Assess
    expect(texts).toContain('What a person does (by failure cause)');
    expect(texts).toContain(`2 tasks — **disk-full**: ${diskFull.hint} _(DRS-logs-migration, DRS-orders-migration)_ [Docs](${diskFull.doc})`);
    expect(texts.indexOf('What a person does (by failure cause)')).toBeLessThan(texts.findIndex((text) => text.startsWith('Jobs that need a look')));
  });

  it('keeps the link whole: a ")" in it cannot end it early', () => {
    const [line] = teamsTexts(manyCauses(1)).filter((text) => text.startsWith('1 task — '));
    expect(line).toMatch(/\[Docs\]\(https:\/\/wiki\.example\.com\/runbooks\/drs\/p+\/0\?a=1&b=%282%29\|x\)$/);
  });
});

describe('SMN', () => {
  it('carries the hints and the doc URLs in its plain text', () => {
    // Act
    const { message } = renderSmnMessage(withCauses());

    // Assess
    expect(message).toContain(`2 tasks — disk-full: ${diskFull.hint}`);
    expect(message).toContain(diskFull.doc);
    expect(message).toContain(`1 task — duplicate-key: ${duplicateKey.hint}`);
  });
});
