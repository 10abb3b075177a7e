import type { NotifyOptions } from './options.js';
import { hasProblems, type NotificationResult, type Report } from '../core/report.js';
import { HttpClient } from '../http/httpClient.js';
import { describeSinkFailure } from './failure.js';
import { DEFAULT_DELIVERY, type DeliveryOptions, type Sink, type SinkDependencies } from './sink.js';

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

/**
 * NOTIFY_ON: `problems` lets through a report with any outcome beyond retried/skipped/would_retry,
 * or an error. So does `changes` here: this is what it does without a memory (the composition
 * root remembers what was told, when there is a ledger to keep it in).
 */
export function shouldNotify(report: Report, on: NotifyOptions['on']): boolean {
  return on === 'always' || ((on === 'problems' || on === 'changes') && hasProblems(report));
}

/** Sends the report to one sink; never throws: a failure is the result's `error`. */
export async function deliverReport(sink: Sink, report: Report): Promise<NotificationResult> {
  try {
    await sink.send(report);
    return { sink: sink.name, ok: true };
  } catch (error) {
    return { sink: sink.name, ok: false, error: describeSinkFailure(error) };
  }
}

/**
 * Sends to every sink that NOTIFY_ON lets through, concurrently; never throws. Returns the results
 * in sink order ([] when filtered out). The report is not changed: the caller puts the results
 * into `report.notifications`, after the sinks have seen the report without them.
 */
export async function sendNotifications(
  report: Report,
  sinks: readonly Sink[],
  on: NotifyOptions['on'],
): Promise<NotificationResult[]> {
  if (sinks.length === 0) return [];
  let wanted: boolean;
  try {
    wanted = shouldNotify(report, on);
  } catch {
    // A report too broken to judge is exactly the one someone should see.
    wanted = on !== 'never';
  }
  if (!wanted) return [];
  return Promise.all(sinks.map((sink) => deliverReport(sink, report)));
}
