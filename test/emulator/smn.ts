import { isRecord, type ParsedBody } from './json.js';
import { hexId, smnError, type ApiResponse } from './responses.js';
import type { PublishedMessage } from './types.js';

/** SMN topics and `POST /v2/{project_id}/notifications/topics/{topic_urn}/publish` (text format). */

const TOPIC_URN = /^urn:smn:([A-Za-z0-9-]+):([A-Za-z0-9]+):([A-Za-z0-9][A-Za-z0-9_-]{0,254})$/;
const MESSAGE_MAX_BYTES = 256 * 1024;
const SUBJECT_MAX_CHARS = 512;

const topicInvalid = (): ApiResponse => smnError(400, 'SMN.0005', 'Parameter: TopicUrn is invalid.');
const topicNotFound = (): ApiResponse => smnError(404, 'SMN.0006', 'Topic not found.');
const subjectInvalid = (): ApiResponse => smnError(403, 'SMN.0008', 'Parameter: Subject is invalid.');
const messageInvalid = (): ApiResponse => smnError(403, 'SMN.0009', 'Parameter: Message is invalid.');

function decodeOrUndefined(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Known topics and everything published to them. */
export class SmnService {
  #topics = new Set<string>();
  #published: PublishedMessage[] = [];

  addTopic(urn: string): void {
    if (!TOPIC_URN.test(urn)) throw new TypeError(`Expected a topic URN like urn:smn:{region}:{project_id}:{name}, got ${urn}`);
    this.#topics.add(urn);
  }

  published(): PublishedMessage[] {
    return this.#published.map((m) => ({ ...m }));
  }

  /** `rawUrn` is the path segment as received: clients may send it percent-encoded or not. */
  publish(projectId: string, rawUrn: string, parsed: ParsedBody): ApiResponse {
    const topicUrn = decodeOrUndefined(rawUrn);
    const urnParts = topicUrn === undefined ? null : TOPIC_URN.exec(topicUrn);
    if (topicUrn === undefined || urnParts === null) return topicInvalid();
    // Topics belong to one project: another project's URN is not found here.
    if (urnParts[2] !== projectId || !this.#topics.has(topicUrn)) return topicNotFound();

    // The error table has no code for an unreadable body; the message is what is unreadable.
    if (!parsed.ok || !isRecord(parsed.value)) return messageInvalid();
    const { subject, message } = parsed.value;
    const ttl = parsed.value.time_to_live;
    if (typeof message !== 'string' || message === '' || Buffer.byteLength(message, 'utf8') > MESSAGE_MAX_BYTES) {
      return messageInvalid();
    }
    if (subject !== undefined && (typeof subject !== 'string' || [...subject].length > SUBJECT_MAX_CHARS)) {
      return subjectInvalid();
    }

    const messageId = hexId();
    this.#published.push({
      projectId,
      topicUrn,
      ...(subject !== undefined && { subject }),
      message,
      // Recorded as sent; the doc gives no error code for a bad value, so none is answered.
      ...(ttl !== undefined && { timeToLive: String(ttl) }),
      messageId,
    });
    return { status: 200, body: { request_id: hexId(), message_id: messageId } };
  }
}
