import type { RequestAuthorizer } from '../http/httpClient.js';
import type { Report } from '../core/report.js';
import { SINK_OPERATIONS } from './failure.js';
import type { Sink, SinkClient, SinkName } from './sink.js';

/** One POST of a JSON body to a chat or webhook receiver. */
export interface WebhookPost {
  operation: string;
  url: string;
  /** Serialised once by the HTTP client; an authorizer sees (and may sign) those exact bytes. */
  body: unknown;
  authorizer?: RequestAuthorizer;
}

/** Resolves when the receiver took the message; rejects with the HTTP client's typed error. */
export type PostWebhook = (post: WebhookPost) => Promise<void>;

/** A poster on the sink's own client (its own timeout and retry bound). */
export function createWebhookPoster(client: SinkClient): PostWebhook {
  return async (post) => {
    // Receivers answer `ok`, `1`, HTML or nothing: any 2xx means the message was taken.
    await client.request({ operation: post.operation, method: 'POST', url: post.url, body: post.body, authorizer: post.authorizer, expectJson: false });
  };
}

/** What a posting sink sends for one report: the body, and optionally who signs it. */
export interface RenderedPost {
  body: unknown;
  authorizer?: RequestAuthorizer;
}

/** A sink that POSTs one rendering of the report to a receiver URL (webhook, Slack, Teams). */
export function createPostingSink(name: SinkName, url: string, client: SinkClient, render: (report: Report) => RenderedPost): Sink {
  const post = createWebhookPoster(client);
  return {
    name,
    async send(report) {
      await post({ operation: SINK_OPERATIONS[name], url, ...render(report) });
    },
  };
}
