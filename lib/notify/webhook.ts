import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '../core/deadline.js';
import type { RequestAuthorizer, SignableRequest } from '../http/httpClient.js';
import { createPostingSink } from './delivery.js';
import type { Sink, SinkClient } from './sink.js';

/** The three Standard Webhooks headers. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

const SECRET_PREFIX = 'whsec_';

/** `whsec_<base64>` is decoded; any other secret is used as its raw UTF-8 bytes. */
function signingKey(secret: string): Buffer {
  return secret.startsWith(SECRET_PREFIX) ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * Signs a webhook body per Standard Webhooks: base64 HMAC-SHA256 over `<id>.<timestamp>.<body>`.
 * `body` must be the exact text that is sent.
 */
export function signWebhook(body: string, secret: string, id: string, timestampSeconds: number): WebhookSignatureHeaders {
  const signature = createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

/**
 * Signing as a request authorizer, because the HTTP client hands an authorizer the very bytes it
 * is about to send: the signed body cannot drift from the sent one. The id stays the same over
 * the retries of one message, so a receiver can drop duplicates; the timestamp is per attempt,
 * so a late retry still falls inside the receiver's tolerance window.
 */
class StandardWebhookSigner implements RequestAuthorizer {
  constructor(
    private readonly secret: string,
    private readonly id: string,
    private readonly clock: Clock,
  ) {}

  async authorize(request: SignableRequest): Promise<Record<string, string>> {
    return { ...signWebhook(request.body, this.secret, this.id, Math.floor(this.clock() / 1000)) };
  }

  /** A refused signature will not get better by signing again. */
  invalidate(): boolean {
    return false;
  }
}

/** Generic JSON webhook: POSTs the report (README "What happens to each job"), signed when a secret is set. */
export function createWebhookSink(url: string, secret: string | undefined, client: SinkClient, clock: Clock = Date.now): Sink {
  return createPostingSink('webhook', url, client, (report) => ({
    body: report,
    // One id per message, kept across retries, so receivers can drop duplicates.
    authorizer: secret === undefined ? undefined : new StandardWebhookSigner(secret, `msg_${randomUUID()}`, clock),
  }));
}
