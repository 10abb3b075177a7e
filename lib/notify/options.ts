/** The notification sinks to build (README "Notifications"), and when they are told. */
export interface NotifyOptions {
  webhookUrl?: string;
  webhookSecret?: string;
  slackWebhookUrl?: string;
  teamsWebhookUrl?: string;
  smnTopicUrn?: string;
  /** NOTIFY_ON: when the sinks are told; `changes` needs a ledger's memory (lib/app/tellOnce.ts). */
  on: 'changes' | 'always' | 'problems' | 'never';
}
