/** The notification sinks (README "Notifications"); a sink is on when its variable is set. */
export interface NotifySettings {
  webhookUrl?: string;
  webhookSecret?: string;
  slackWebhookUrl?: string;
  teamsWebhookUrl?: string;
  smnTopicUrn?: string;
  /** NOTIFY_ON: when the sinks are told. */
  on: 'always' | 'problems' | 'never';
}
