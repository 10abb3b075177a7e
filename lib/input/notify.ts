import { ConfigError } from '../errors.js';
import type { NotifySettings } from '../notify/settings.js';
import { checkUrl, defined, read, type Env } from './env.js';
import { preview } from './valueChecks.js';

// The URN ends up in a URL path, so it is held to the documented shape.
const SMN_URN_PATTERN = /^urn:smn:[a-z]{2,}-[a-z0-9-]+:[A-Za-z0-9-]{1,64}:[A-Za-z0-9][\w-]{0,255}$/;
const NOTIFY_ON = ['always', 'problems', 'never'] as const;

/** The NOTIFY_* variables: which sinks are on, and when they are told. */
export function resolveNotify(env: Env, allowInsecure: boolean): NotifySettings {
  const url = (name: string) => {
    const value = read(env, name);
    return value === undefined ? undefined : checkUrl(value, name, 'webhook', allowInsecure);
  };
  const on = NOTIFY_ON.find((word) => word === (read(env, 'NOTIFY_ON')?.toLowerCase() ?? 'problems'));
  if (on === undefined) {
    throw new ConfigError(`NOTIFY_ON must be one of ${NOTIFY_ON.join(', ')} (got ${preview(read(env, 'NOTIFY_ON'))})`, { field: 'NOTIFY_ON' });
  }
  const webhookUrl = url('NOTIFY_WEBHOOK_URL');
  const webhookSecret = read(env, 'NOTIFY_WEBHOOK_SECRET');
  const smnTopicUrn = read(env, 'NOTIFY_SMN_TOPIC_URN');
  const fail = (message: string, field: string) => new ConfigError(message, { field });
  if (webhookSecret !== undefined && webhookUrl === undefined) {
    throw fail('NOTIFY_WEBHOOK_SECRET is set but NOTIFY_WEBHOOK_URL is not; set the URL or remove the secret', 'NOTIFY_WEBHOOK_SECRET');
  }
  // A mistyped whsec_ secret would make every signature wrong without any error.
  if (webhookSecret?.startsWith('whsec_') && !/^[A-Za-z0-9+/]+={0,2}$/.test(webhookSecret.slice(6))) {
    throw fail('NOTIFY_WEBHOOK_SECRET starts with whsec_ but the rest is not base64; copy it exactly as issued', 'NOTIFY_WEBHOOK_SECRET');
  }
  if (smnTopicUrn !== undefined && !SMN_URN_PATTERN.test(smnTopicUrn)) {
    throw fail(`NOTIFY_SMN_TOPIC_URN is not a topic URN: ${preview(smnTopicUrn)}; use urn:smn:{region}:{project_id}:{topic}`,
      'NOTIFY_SMN_TOPIC_URN');
  }
  const slackWebhookUrl = url('NOTIFY_SLACK_WEBHOOK_URL');
  const teamsWebhookUrl = url('NOTIFY_TEAMS_WEBHOOK_URL');
  return { on, ...defined({ webhookUrl, webhookSecret, slackWebhookUrl, teamsWebhookUrl, smnTopicUrn }) };
}
