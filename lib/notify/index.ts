import type { NotifyOptions } from './options.js';
import { HttpClient } from '../http/httpClient.js';
import { DEFAULT_DELIVERY, type DeliveryOptions, type Sink, type SinkDependencies } from './sink.js';

export { deliverReport, sendNotifications, shouldNotify } from './send.js';
export type { Sink, SinkClient, SinkDependencies, SinkName, SmnTarget } from './sink.js';
export { describeSinkFailure, SinkError } from './failure.js';
export { renderSlackMessage, SLACK_LIMITS, type SlackMessage } from './slack.js';
export { renderTeamsMessage, TEAMS_LIMITS, type AdaptiveCard, type TeamsMessage } from './teams.js';
export { renderSmnMessage, SMN_LIMITS, type SmnMessage } from './smn.js';
export { signWebhook, type WebhookSignatureHeaders } from './webhook.js';

function deliveryOptions(deps: SinkDependencies): DeliveryOptions {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_DELIVERY.timeoutMs;
  if (!(Number.isInteger(timeoutMs) && timeoutMs >= 1)) {
    throw new TypeError(`Expected \`timeoutMs\` to be an integer from 1 and up, got ${timeoutMs}`);
  }
  return { timeoutMs, retry: { ...DEFAULT_DELIVERY.retry, ...deps.retry }, proxies: deps.proxies, onExchange: deps.onExchange };
}

/** Whether any sink is configured. */
export function hasSinks(options: NotifyOptions): boolean {
  return [options.webhookUrl, options.slackWebhookUrl, options.teamsWebhookUrl, options.smnTopicUrn].some((target) => target !== undefined);
}

/**
 * Builds one sink per configured target (README "Notifications"), in the fixed order webhook, Slack, Teams,
 * SMN. Each sink has its own HTTP client: its own timeout, and its own retry bound. The sinks
 * themselves (./sinks.ts) are loaded only when one is configured.
 */
export async function createSinks(options: NotifyOptions, deps: SinkDependencies = {}): Promise<Sink[]> {
  const delivery = deliveryOptions(deps);
  if (!hasSinks(options)) return [];
  const { sinksFor } = await import('./sinks.js');
  return sinksFor(options, deps.smn, () => new HttpClient(delivery));
}
