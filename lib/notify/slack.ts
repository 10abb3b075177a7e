import type { KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { JobOutcome } from '../core/outcomes.js';
import type { Report } from '../core/report.js';
import { createPostingSink } from './delivery.js';
import { renderChat, type ChatParts } from './chatMessage.js';
import { countOf, taskNames, type CauseGroup } from './causeGroups.js';
import { clipLine, jobDetail, outcomeLabel } from './reportParts.js';
import type { Sink, SinkClient } from './sink.js';

/** What Slack accepts in one message; beyond these it answers 400 (invalid_blocks, msg_blocks_too_long). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerChars: 150,
  sectionChars: 3_000,
  fields: 10,
  fieldChars: 2_000,
  contextElements: 10,
  /**
   * Undocumented: Slack answers msg_blocks_too_long from about 13,200 characters of block text
   * in total (slackapi/bolt-js#2509), so the whole message stays well below that.
   */
  blockChars: 12_000,
  textChars: 3_000,
} as const;

/** An incoming-webhook payload: Block Kit, with `text` for notifications and screen readers. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** mrkdwn control characters; everything else from DRS is shown as sent. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// verbatim: no auto-linking of URLs or channel names that a DRS error message might contain.
const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): SectionBlock => ({ type: 'section', text: mrkdwn(text) });

function jobLine(job: JobOutcome, isNew: boolean): string {
  const detail = jobDetail(job);
  return `• ${isNew ? ':new: ' : ''}\`${escape(job.jobId)}\` *${outcomeLabel(job.outcome)}*${detail ? ` · ${escape(detail)}` : ''}`;
}

/** A link Slack's mrkdwn cannot misread: `|` and `>` would end it early. */
const linkTarget = (url: string) => escape(new URL(url).href.replace(/\|/g, '%7C'));

/** `• *2 tasks — disk-full*: hint _DRS-logs, DRS-orders_ <https://…|Docs>` */
function causeLine(group: CauseGroup): string {
  const doc = group.cause.doc === undefined ? '' : ` <${linkTarget(group.cause.doc)}|Docs>`;
  const names = escape(clipLine(taskNames(group, 3), 200));
  return `• *${countOf(group.jobs.length)} — ${escape(group.cause.id)}*: ${escape(clipLine(group.cause.hint, 300))} _${names}_${doc}`;
}

/** Lines joined into as few texts as possible, each at most `max` characters. */
function packLines(lines: readonly string[], max: number): string[] {
  const texts: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current !== '' && current.length + 1 + line.length > max) {
      texts.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') texts.push(current);
  return texts;
}

function build(parts: ChatParts): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: clipLine(parts.title, SLACK_LIMITS.headerChars) } }];
  if (parts.notice) blocks.push(section(`*${escape(parts.notice)}*`));
  if (parts.error) blocks.push(section(`:x: *Run failed* \`${escape(parts.error.code)}\`: ${escape(parts.error.message)}`));
  blocks.push(
    parts.counts.length > 0
      ? { type: 'section', fields: parts.counts.map(([label, count]) => mrkdwn(`*${label}*\n${count}`)) }
      : section('No jobs were requested.'),
  );
  if (parts.causes.length > 0 || parts.moreCauses) {
    blocks.push(section('*What a person does (by failure cause)*'));
    for (const text of packLines(parts.causes.map(causeLine), SLACK_LIMITS.sectionChars)) blocks.push(section(text));
    if (parts.moreCauses) blocks.push(section(`_${parts.moreCauses}_`));
  }
  if (parts.needingALook > 0) {
    blocks.push(section(`*Jobs that need a look (${parts.needingALook})*`));
    for (const text of packLines(parts.jobs.map((job) => jobLine(job, parts.isNew(job))), SLACK_LIMITS.sectionChars)) blocks.push(section(text));
    if (parts.more) blocks.push(section(`_${parts.more}_`));
  }
  const facts = parts.facts.map(([label, value]) => `${label} *${escape(value)}*`);
  blocks.push({ type: 'context', elements: [mrkdwn(facts.join(' · '))] });
  return { text: escape(clipLine(`${parts.title} (${parts.where})`, SLACK_LIMITS.textChars)), blocks };
}

/** Every limit Slack enforces on the blocks we build, checked on the finished message. */
function fitsSlack(message: SlackMessage): boolean {
  if (message.blocks.length > SLACK_LIMITS.blocks) return false;
  let total = 0;
  const within = (text: string, max: number) => {
    total += text.length;
    return text.length >= 1 && text.length <= max;
  };
  const ok = message.blocks.every((block) => {
    switch (block.type) {
      case 'header':
        return within(block.text.text, SLACK_LIMITS.headerChars);
      case 'section':
        return (
          (block.text === undefined || within(block.text.text, SLACK_LIMITS.sectionChars)) &&
          (block.fields ?? []).length <= SLACK_LIMITS.fields &&
          (block.fields ?? []).every((field) => within(field.text, SLACK_LIMITS.fieldChars))
        );
      case 'context':
        return (
          block.elements.length <= SLACK_LIMITS.contextElements &&
          block.elements.every((element) => !('text' in element) || within(element.text, SLACK_LIMITS.sectionChars))
        );
      default:
        return true;
    }
  });
  return ok && total <= SLACK_LIMITS.blockChars;
}

/**
 * The report as a Slack message: the outcome at a glance in the header, the counts, the jobs
 * that need a look (as many as Slack's limits allow, then "… and N more jobs"), and where and
 * when the run happened.
 */
export function renderSlackMessage(report: Report): SlackMessage {
  return renderChat(report, build, fitsSlack);
}

/** Slack incoming webhook: the URL carries the secret, so it never appears in an error. */
export function createSlackSink(url: string, client: SinkClient): Sink {
  return createPostingSink('slack', url, client, (report) => ({ body: renderSlackMessage(report) }));
}
