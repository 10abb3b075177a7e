import type { NotifyOptions } from './options.js';
import type { Sink, SinkClient, SmnTarget } from './sink.js';
import { createSlackSink } from './slack.js';
import { createSmnSink } from './smn.js';
import { createTeamsSink } from './teams.js';
import { createWebhookSink } from './webhook.js';

/**
 * One sink per configured target, in the fixed order webhook, Slack, Teams, SMN, each on a client
 * of its own from `newClient`. createSinks (./index.ts) loads this module only when a sink is
 * configured: in the Lambda bundle it is a file beside it (scripts/bundleOptions.mjs, SIDE_FILES),
 * with what only the sinks need (their renderings), and it makes no HTTP client of its own.
 */
export function sinksFor(options: NotifyOptions, smn: SmnTarget | undefined, newClient: () => SinkClient): Sink[] {
  const sinks: Sink[] = [];
  if (options.webhookUrl !== undefined) sinks.push(createWebhookSink(options.webhookUrl, options.webhookSecret, newClient()));
  if (options.slackWebhookUrl !== undefined) sinks.push(createSlackSink(options.slackWebhookUrl, newClient()));
  if (options.teamsWebhookUrl !== undefined) sinks.push(createTeamsSink(options.teamsWebhookUrl, newClient()));
  if (options.smnTopicUrn !== undefined) sinks.push(createSmnSink(options.smnTopicUrn, smn, newClient()));
  return sinks;
}
