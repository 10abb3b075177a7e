import type { JobOutcome } from '../core/outcomes.js';
import type { Report } from '../core/report.js';
import { createPostingSink } from './delivery.js';
import { renderChat, type ChatParts } from './chatMessage.js';
import { countOf, taskNames, type CauseGroup } from './causeGroups.js';
import { clipLine, jobDetail, outcomeLabel, utf8Bytes } from './reportParts.js';
import type { Sink, SinkClient } from './sink.js';

/** Teams refuses a message whose JSON is larger than 28 KB. */
export const TEAMS_LIMITS = { payloadBytes: 28 * 1024 } as const;

/** The Adaptive Card 1.4 elements this card uses. */
export type CardElement =
  | {
      type: 'TextBlock';
      text: string;
      wrap: true;
      size?: 'Small' | 'Large';
      weight?: 'Bolder';
      color?: 'Attention';
      isSubtle?: boolean;
      spacing?: 'None' | 'Medium';
    }
  | { type: 'FactSet'; facts: Array<{ title: string; value: string }> };

/** An Adaptive Card 1.4, as Teams renders it. */
export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  /** Teams' extension: use the whole width of the chat, so job lines wrap less. */
  msteams: { width: 'Full' };
  body: CardElement[];
}

/** What a Teams Workflows webhook ("When a Teams webhook request is received") takes. */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{ contentType: 'application/vnd.microsoft.card.adaptive'; content: AdaptiveCard }>;
}

const text = (value: string, extra: Omit<Extract<CardElement, { type: 'TextBlock' }>, 'type' | 'text' | 'wrap'> = {}): CardElement => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

function jobLine(job: JobOutcome, isNew: boolean): CardElement {
  const detail = jobDetail(job);
  return text(`${isNew ? '🆕 ' : ''}**${job.jobId}** · ${outcomeLabel(job.outcome)}${detail ? ` · ${detail}` : ''}`, { spacing: 'None' });
}

/** A markdown link target Teams cannot misread: `)` and spaces would end it early. */
const linkTarget = (url: string) => new URL(url).href.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');

/** `2 tasks — **disk-full**: hint _(DRS-logs, DRS-orders)_ [Docs](https://…)` (job lines start with `**id**`). */
function causeLine(group: CauseGroup): CardElement {
  const doc = group.cause.doc === undefined ? '' : ` [Docs](${linkTarget(group.cause.doc)})`;
  const names = clipLine(taskNames(group, 3), 200);
  return text(`${countOf(group.jobs.length)} — **${group.cause.id}**: ${clipLine(group.cause.hint, 300)} _(${names})_${doc}`, { spacing: 'None' });
}

function build(parts: ChatParts): TeamsMessage {
  const body: CardElement[] = [text(parts.title, { size: 'Large', weight: 'Bolder' })];
  if (parts.notice) body.push(text(parts.notice, { weight: 'Bolder' }));
  if (parts.error) body.push(text(`Run failed (${parts.error.code}): ${parts.error.message}`, { color: 'Attention' }));
  body.push(
    parts.counts.length > 0
      ? { type: 'FactSet', facts: parts.counts.map(([label, count]) => ({ title: label, value: String(count) })) }
      : text('No jobs were requested.'),
  );
  if (parts.causes.length > 0 || parts.moreCauses) {
    body.push(text('What a person does (by failure cause)', { weight: 'Bolder', spacing: 'Medium' }));
    body.push(...parts.causes.map(causeLine));
    if (parts.moreCauses) body.push(text(`_${parts.moreCauses}_`, { isSubtle: true }));
  }
  if (parts.needingALook > 0) {
    body.push(text(`Jobs that need a look (${parts.needingALook})`, { weight: 'Bolder', spacing: 'Medium' }));
    body.push(...parts.jobs.map((job) => jobLine(job, parts.isNew(job))));
    if (parts.more) body.push(text(`_${parts.more}_`, { isSubtle: true }));
  }
  const facts = parts.facts.map(([label, value]) => `${label} ${value}`);
  body.push(text(facts.join(' · '), { isSubtle: true, size: 'Small', spacing: 'Medium' }));
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

const fitsTeams = (message: TeamsMessage) => utf8Bytes(JSON.stringify(message)) <= TEAMS_LIMITS.payloadBytes;

/**
 * The report as a Teams message with one Adaptive Card: the same content as the Slack message,
 * with as many jobs as fit in 28 KB, then "… and N more jobs".
 */
export function renderTeamsMessage(report: Report): TeamsMessage {
  return renderChat(report, build, fitsTeams);
}

/** Teams Workflows webhook: the URL carries a signature (`sig=`), so it never appears in an error. */
export function createTeamsSink(url: string, client: SinkClient): Sink {
  return createPostingSink('teams', url, client, (report) => ({ body: renderTeamsMessage(report) }));
}
