import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SERVERLESS = join(process.cwd(), 'node_modules', '.bin', 'serverless');
/** The serverless CLI must never probe the cloud metadata address, and has nothing to report home. */
const QUIET = { AWS_EC2_METADATA_DISABLED: 'true', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', CI: 'true' };

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
}

/** `serverless package` (offline, no credentials), and the CloudFormation template it wrote. */
async function packagedTemplate(args: string[] = []): Promise<Template> {
  const out = mkdtempSync(join(tmpdir(), 'sls-alarms-'));
  // A prod stage must name a project and whom to log in as, or package refuses it.
  const stage = ['--param', 'osProjectId=0123456789abcdef0123456789abcdef', '--param', 'osUsername=drs-bot', '--param', 'osUserDomainName=OTC-EU-DE-00000000001'];
  await run(SERVERLESS, ['package', '--stage', 'prod', '--package', out, ...stage, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'sls-home-')), ...QUIET },
    timeout: 120_000,
  });
  return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

const TOPIC = { Ref: 'AlarmTopic' };
const FUNCTION = { Ref: 'AutoRetryLambdaFunction' };
const SERVICE = [{ Name: 'service', Value: 'drs-auto-retry' }];

let defaults: Template;
let switched: Template;
beforeAll(async () => {
  // One after the other: two serverless processes at once would compete for 2 shared cores.
  defaults = await packagedTemplate();
  switched = await packagedTemplate(['--param', 'alarmEmail=ops@example.com', '--param', 'needsAttentionAlarm=false']);
}, 240_000);

/** Whether a resource's condition holds, for the two conditions the template uses. */
function conditionHolds(template: Template, name: string | undefined): boolean {
  if (name === undefined) return true;
  const condition = JSON.stringify(template.Conditions?.[name]);
  const equals = /"Fn::Equals":\["([^"]*)","([^"]*)"\]/.exec(condition);
  if (!equals) throw new Error(`unexpected condition ${condition}`);
  const same = equals[1] === equals[2];
  return condition.startsWith('{"Fn::Not"') ? !same : same;
}

const alarm = (template: Template, id: string) => {
  const resource = template.Resources[id];
  expect(resource?.Type).toBe('AWS::CloudWatch::Alarm');
  return resource as Resource;
};

describe('alarms in the packaged CloudFormation template (real serverless package)', () => {
  it('run failed: RunFailed + Lambda Errors ≥ 1 over one schedule interval, to the alarm topic', () => {
    const { Properties: p } = alarm(defaults, 'RunFailedAlarm');
    expect(p).toMatchObject({
      AlarmName: 'drs-auto-retry-prod-run-failed',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
    });
    const metrics = p.Metrics as Array<{ Id: string; Expression?: string; ReturnData: boolean; MetricStat?: { Metric: unknown; Period: number; Stat: string } }>;
    expect(metrics.find((m) => m.Id === 'runFailed')?.MetricStat).toEqual({
      Metric: { Namespace: 'DrsAutoRetry', MetricName: 'RunFailed', Dimensions: SERVICE },
      Period: 900,
      Stat: 'Sum',
    });
    expect(metrics.find((m) => m.Id === 'errors')?.MetricStat).toEqual({
      Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: FUNCTION }] },
      Period: 900,
      Stat: 'Sum',
    });
    expect(metrics.filter((m) => m.ReturnData)).toEqual([expect.objectContaining({ Expression: 'FILL(runFailed, 0) + FILL(errors, 0)' })]);
  });

  it('needs a person: NeedsAttention > 0, on by default, off with needsAttentionAlarm=false', () => {
    const needsAttention = alarm(defaults, 'NeedsAttentionAlarm');
    expect(needsAttention.Properties).toMatchObject({
      AlarmName: 'drs-auto-retry-prod-needs-attention',
      Namespace: 'DrsAutoRetry',
      MetricName: 'NeedsAttention',
      Dimensions: SERVICE,
      Statistic: 'Maximum',
      Period: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [TOPIC],
    });
    expect(conditionHolds(defaults, needsAttention.Condition)).toBe(true);
    expect(conditionHolds(switched, alarm(switched, 'NeedsAttentionAlarm').Condition)).toBe(false);
  });

  it('dead man\'s switch: no invocation in 3 schedule intervals, missing data breaching', () => {
    const { Properties: p } = alarm(defaults, 'NotRunningAlarm');
    expect(p).toMatchObject({
      AlarmName: 'drs-auto-retry-prod-not-running',
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: FUNCTION }],
      Statistic: 'Sum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [TOPIC],
    });
    // 3 periods of one schedule interval each: the schedule's own rule runs every 15 minutes.
    expect(Number(p.Period) * Number(p.EvaluationPeriods)).toBe(3 * 15 * 60);
    const rules = Object.values(defaults.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toContain('cron(0/15 * * * ? *)');
  });

  it('the alarm topic: CloudWatch of this account may publish, an e-mail subscription only when asked', () => {
    expect(defaults.Resources.AlarmTopic).toMatchObject({ Type: 'AWS::SNS::Topic', Properties: { TopicName: 'drs-auto-retry-alarms-prod' } });
    const policy = defaults.Resources.AlarmTopicPolicy?.Properties as { Topics: unknown[]; PolicyDocument: { Statement: unknown[] } };
    expect(policy.Topics).toEqual([TOPIC]);
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const subscription = (t: Template) => t.Resources.AlarmEmailSubscription as Resource;
    expect(conditionHolds(defaults, subscription(defaults).Condition)).toBe(false);
    expect(conditionHolds(switched, subscription(switched).Condition)).toBe(true);
    expect(subscription(switched).Properties).toEqual({ TopicArn: TOPIC, Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});
