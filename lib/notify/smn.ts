import type { Report } from '../core/report.js';
import type { EndpointAdvice } from '../http/failureAdvice.js';
import { listedJobCount, renderReportText } from './reportText.js';
import { SINK_OPERATIONS } from './failure.js';
import { SinkError } from './sinkError.js';
import { clipLine, largestFitting, reportTitle, utf8Bytes } from './reportParts.js';
import type { Sink, SinkClient, SmnTarget } from './sink.js';

/** SMN publish limits (publishing_messages_in_the_text_format.rst). */
export const SMN_LIMITS = { subjectChars: 512, messageBytes: 256 * 1024 } as const;

/** The body of an SMN text publish. */
export interface SmnMessage {
  /** One line; used as the e-mail subject. */
  subject: string;
  message: string;
}

/** A table row is never shorter than this, so no more rows than limit/16 can fit. */
const MIN_ROW_BYTES = 16;
const CUT_MARKER = '\n… (cut to fit SMN’s 256 KB message limit)\n';

/** The longest prefix of `text` (whole characters) that is at most `maxBytes` in UTF-8. */
function cutToBytes(text: string, maxBytes: number): string {
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}

/**
 * The report for SMN: the subject is the headline, the message the plain-text report
 * (renderReportText: the jobs that need a look, then those retried) with as many jobs as fit in 256 KB, then "… and N more jobs". A message that
 * is still too long (a huge run error) is cut with a marker: a report is never lost for length.
 */
export function renderSmnMessage(report: Report): SmnMessage {
  const subject = clipLine(reportTitle(report), SMN_LIMITS.subjectChars);
  const limit = SMN_LIMITS.messageBytes;
  const render = (maxJobs: number) => renderReportText(report, { maxJobs });
  const total = listedJobCount(report);
  const all = render(total);
  if (utf8Bytes(all) <= limit) return { subject, message: all };
  const upper = Math.min(total, Math.floor(limit / MIN_ROW_BYTES));
  const message = render(largestFitting(upper, (count) => utf8Bytes(render(count)) <= limit));
  if (utf8Bytes(message) <= limit) return { subject, message };
  return { subject, message: cutToBytes(message, limit - utf8Bytes(CUT_MARKER)) + CUT_MARKER };
}

/**
 * `{topic_urn}` goes into the path as is: `:` is legal in a path segment, and the AK/SK signer
 * signs the path as sent, so a `%3A` would be signed twice-encoded and refused. Anything outside
 * the URN alphabet (the config does not let it through) is still percent-encoded.
 */
const urnSegment = (urn: string) => encodeURIComponent(urn).replace(/%3A/gi, ':');

/** What a failed publish tells the user to check (the sink's result shows only its code, describeSinkFailure). */
const SMN_ADVICE: EndpointAdvice = {
  service: 'SMN',
  setting: 'SMN_ENDPOINT',
  example: 'https://smn.eu-de.otc.t-systems.com',
  throttled: 'SMN is throttling: notify less often (NOTIFY_ON=changes, with a ledger)',
  refused: 'The credentials were refused: check that they may publish to the topic (smn:topic:publish)',
};

/** OTC SMN topic publish, with the credentials DRS uses; SMN's `{code, message}` ends up in the error. */
export function createSmnSink(topicUrn: string, target: SmnTarget | undefined, client: SinkClient): Sink {
  return {
    name: 'smn',
    async send(report) {
      if (target === undefined) {
        throw new SinkError('not sent: the run ended before it had OTC credentials to publish with');
      }
      const endpoint = target.endpoint.replace(/\/+$/, '');
      const url = `${endpoint}/v2/${encodeURIComponent(target.projectId)}/notifications/topics/${urnSegment(topicUrn)}/publish`;
      await client.request({ operation: SINK_OPERATIONS.smn, advice: SMN_ADVICE, method: 'POST', url, body: renderSmnMessage(report), authorizer: target.authorizer });
    },
  };
}
